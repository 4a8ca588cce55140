"""Playground: train the lecture's network live and watch weights, deltas and loss."""

import streamlit as st

from ui import keyboard, keys, session_run, share
from ui.playground import sidebar, views

url_problems = session_run.seed_from_url(st.session_state, st.query_params)
run = session_run.sync(st.session_state)
st.session_state[keys.PROBLEMS] = url_problems + st.session_state[keys.PROBLEMS]
share.apply_layout(st.session_state)

st.title("Backprop Playground")
st.caption("Forward: I = Wᵀu, O = A(I), layer after layer up to y*. Backward: δ from the loss, "
           "passed back through the weights. Update: w ← w − ξ ∂L/∂w. Step through it and watch.")
share.panel()
sidebar.draw(run)
views.live(run)
keyboard.presenter_keys()
st.query_params.from_dict(session_run.url_params(run.values, session_run.link_flags(st.session_state)))
