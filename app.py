"""Backprop Playground: entry point and navigation.

The page scripts live in `app_pages/`, not `pages/`: a folder named `pages` beside the entry
point switches Streamlit into its legacy multipage mode for any session that first arrives by a
page's own link (the page then runs without this file and the sidebar lists raw file names).
Icons are Material Symbols, which Streamlit ships in its own font: emoji show as empty boxes on
machines without an emoji font.
"""

import streamlit as st

from ui import keys, pages

APP_TITLE = "Backprop Playground"

st.set_page_config(page_icon=":material/hub:", layout="wide")

PAGES = [
    st.Page("app_pages/playground.py", title="Playground", icon=":material/science:", default=True),
    st.Page("app_pages/derivation.py", title="Backprop, step by step", icon=":material/functions:",
            url_path="derivation"),
    st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
    st.Page("app_pages/lessons.py", title="Lessons", icon=":material/school:", url_path="lessons"),
]

page = st.navigation(PAGES)
st.set_page_config(page_title=f"{page.title} · {APP_TITLE}")  # the browser tab names the page and the app
pages.style()
if page.url_path != "compare" and st.session_state.get(keys.CMP_JOB):  # a Compare job trains only while on screen
    from ui.compare.views import left_page

    left_page()
page.run()
