"""Placeholder: built by its own issue."""

import streamlit as st

st.title("derivation")
st.info("Coming soon.")
