"""Compare: several configurations trained from the same start, side by side; a sweep over ξ."""

import streamlit as st

from ui.compare import views

st.title("Compare runs from the same start")
st.markdown("Each run below is the Playground's configuration with one or two settings changed. "
            "All runs see the same data, in the same order, and start from the same initial "
            "weights w^(l) wherever the layer shapes allow, so any difference comes from the "
            "change alone.")
views.render()
