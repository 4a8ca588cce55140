"""Placeholder: built by its own issue."""

import streamlit as st

st.title("compare")
st.info("Coming soon.")
