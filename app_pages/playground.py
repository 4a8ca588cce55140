"""Playground: train the lecture's network live and watch weights, deltas and loss."""

import streamlit as st

from ui import state, views, widgets

url_problems = state.seed_from_url(st.session_state, st.query_params)
run = state.sync(st.session_state)
st.session_state[state.PROBLEMS] = url_problems + st.session_state[state.PROBLEMS]

st.title("Backprop Playground")
st.caption("Forward: I = Wᵀu, O = A(I), layer after layer up to y*. Backward: δ from the loss, "
           "passed back through the weights. Update: w ← w − ξ ∂L/∂w. Step through it and watch.")
widgets.sidebar(run)
views.live(run)
st.query_params.from_dict(state.url_params(run.values))
