"""Backprop, step by step: the lecture's derivation with the live network's numbers filled in."""

import streamlit as st

from ui import plain, session_run
from ui.derivation import exercises, sections

url_problems = session_run.seed_from_url(st.session_state, st.query_params, exercises.LINK_PARAMS)
# (a lesson's link sets the network; an exercise link's own parameters are read by its section)
st.title("Backprop, step by step")
for text in url_problems:
    st.warning(plain.for_markdown(text), icon=":material/warning:")
st.markdown("Pick one sample and watch the lecture's equations run with this network's numbers: forward "
            "through the stages I and O, back through the δs, then one gradient-descent step.")
sections.render()
exercises.render()
