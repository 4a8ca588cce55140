"""Backprop Playground: entry point and navigation.

The page scripts live in `app_pages/`, not `pages/`: a folder named `pages` beside the entry
point switches Streamlit into its legacy multipage mode for any session that first arrives by a
page's own link (the page then runs without this file and the sidebar lists raw file names).
"""

import streamlit as st

st.set_page_config(page_title="Backprop Playground", page_icon="🧮", layout="wide")

PAGES = [
    st.Page("app_pages/playground.py", title="Playground", icon="🧪", default=True),
    st.Page("app_pages/derivation.py", title="Backprop, step by step", icon="🧾", url_path="derivation"),
    st.Page("app_pages/compare.py", title="Compare", icon="⚖️", url_path="compare"),
]

st.navigation(PAGES).run()
