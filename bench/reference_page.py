"""The reference for the Playground's speed: a one-button Streamlit page with one small plotly chart.

`bench_playground.py` serves it next to the app and times, in the same run, its first chart and its
click → chart against the Playground's.
    streamlit run bench/reference_page.py
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.session_state.setdefault("epoch", 0)
if st.button("Step 1 epoch"):
    st.session_state.epoch += 1
st.metric("Epoch", st.session_state.epoch)
x = np.arange(100)
st.plotly_chart(go.Figure(go.Scatter(x=x, y=np.sin(x / 10 + st.session_state.epoch))), key="chart")
