"""The style every page shares (ui/pages.css): wide equations scroll visibly, rows of charts wrap."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

CSS = Path(__file__).with_name("pages.css")


def style() -> None:
    """Send the shared style sheet (a style-only element: it takes no room on the page)."""
    st.html(CSS)
