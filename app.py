"""Backprop Playground: entry point and navigation."""

import streamlit as st

st.set_page_config(page_title="Backprop Playground", page_icon="🧮", layout="wide")

PAGES = [
    st.Page("pages/playground.py", title="Playground", icon="🧪", url_path="playground", default=True),
    st.Page("pages/derivation.py", title="Backprop, step by step", icon="🧾", url_path="derivation"),
    st.Page("pages/compare.py", title="Compare", icon="⚖️", url_path="compare"),
]

st.navigation(PAGES).run()
