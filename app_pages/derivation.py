"""Backprop, step by step: the lecture's derivation with the live network's numbers filled in."""

import streamlit as st

from ui.derivation import exercises, sections

st.title("Backprop, step by step")
st.markdown("Pick one sample and watch the lecture's equations run with this network's numbers: forward "
            "through the stages I and O, back through the δs, then one gradient-descent step.")
sections.render()
exercises.render()
