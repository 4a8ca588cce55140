"""Backprop Playground: entry point and navigation."""

import streamlit as st

st.set_page_config(page_title="Backprop Playground", page_icon="🧮", layout="wide")

st.title("Backprop Playground")
st.write("The lecture's network, trained live. Pages arrive with the next issues.")
