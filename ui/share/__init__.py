"""The Share panel: this page's link to copy, and a classroom link built from it.

A classroom link shows the students only the controls the instructor ticks; the others are not
drawn and stay at the link's values for the whole session (`session_run.control_values` takes no
widget value for them). That is a teaching aid, not access control: anyone can edit a link. The
link can also ask for the presenter layout: the sidebar closed, larger type (`presenter.css`
beside this file scales the root font size) and larger chart type and thicker lines
(`ui.theme.scaled`), the captions kept. Each link is shown by `copy_link` (`copy_link.js` and `.css`
beside this file): the link as text and a button that copies it. Not `st.code`, whose syntax
highlighter (1.5 MB of script) would cost every visitor of the Playground half a second before its
first chart.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import plotly.graph_objects as go
import streamlit as st

from ui import controls, keys, session_run, theme

HERE = Path(__file__).parent
PRESENTER_CSS = (HERE / "presenter.css").read_text()
FONT_SCALE, LINE_SCALE = 1.3, 1.6  # the presenter layout's chart type and lines


_copy_link = st.components.v2.component("copy_link", js=(HERE / "copy_link.js").read_text(),
                                        css=(HERE / "copy_link.css").read_text(), isolate_styles=False)


def copy_link(link_text: str, label: str, key: str) -> None:
    """A link shown as plain text, with a button labelled `label` that copies it to the clipboard."""
    _copy_link(key=key, data={"link": link_text, "label": label})


def link(params: dict[str, str]) -> str:
    """The Playground's address with these query parameters (relative while the browser has not said)."""
    return f"{st.context.url or ''}?{urlencode(params, safe=',')}"


def classroom_params(values: dict[str, Any], shown: list[str], presenter: bool) -> dict[str, str]:
    """A classroom link's parameters: these values, the controls `shown` (the others hidden), the layout."""
    return session_run.url_params(values, {"show": tuple(k for k in controls.BY_KEY if k in shown),
                                           "presenter": presenter})


def presenter(session: MutableMapping) -> bool:
    """Whether this session was opened with the presenter layout."""
    return bool(session_run.link_flags(session)["presenter"])


def apply_layout(session: MutableMapping) -> None:
    """The presenter layout, if the link asks for it: sidebar closed, larger type (call before drawing)."""
    if presenter(session):
        st.set_page_config(initial_sidebar_state="collapsed")
        st.html(f"<style>{PRESENTER_CSS}</style>")


def for_layout(figs: list[go.Figure], session: MutableMapping) -> list[go.Figure]:
    """The figures as this session's layout shows them: in the presenter layout, larger type and lines."""
    if not presenter(session):
        return figs
    return [theme.scaled(fig, FONT_SCALE, LINE_SCALE) for fig in figs]


def panel() -> None:
    """The Share panel in the sidebar: this page's link and, outside a classroom link, the classroom link.

    A fragment whose contents are drawn only while it is open: closed, the copy buttons' component
    and the multiselect cost the first chart nothing, and opening it reruns the panel alone. The
    ticked controls and the layout outlive a close (`persist_state`).
    """
    with st.sidebar:
        _panel()


@st.fragment
def _panel() -> None:
    session = st.session_state
    run, flags = session[keys.RUN], session_run.link_flags(session)
    box = st.expander("Share", icon=":material/share:", key=keys.SHARE, on_change="rerun")
    if not box.open:
        return
    with box:
        st.caption("This page's link opens these settings (not the training so far).")
        copy_link(link(session_run.url_params(run.values, flags)), "Copy this page's link", keys.SHARE_LINK)
        if session_run.hidden_controls(session):
            st.caption("This is a classroom link: some settings are fixed by it.")
            return
        st.markdown("**Classroom link**")
        shown = st.multiselect("Students see these controls", list(controls.BY_KEY),
                               format_func=lambda k: controls.BY_KEY[k].label, key=keys.SHARE_SHOWN,
                               placeholder="none: every setting is fixed", persist_state="session",
                               help="The other controls are hidden and fixed at this page's values.")
        layout = st.toggle("Presenter layout", key=keys.SHARE_PRESENTER,
                           help="Sidebar closed, larger type and thicker lines for a projector; captions kept.",
                           persist_state="session")
        copy_link(link(classroom_params(run.values, shown, layout)), "Copy the classroom link",
                  keys.SHARE_CLASSROOM_LINK)
        st.caption("A teaching aid, not access control: whoever edits the link can change any setting. "
                   "On this page Space plays or pauses and → steps one epoch, as a presentation clicker sends.")
