"""A presenter's keys on the Playground: Space plays or pauses, → steps one epoch.

A tiny `st.components.v2` component: its script (`keyboard.js` beside this file, read as text)
runs in the app's page itself, not in an iframe, so it listens on the page's document and sends a
trigger that is mapped here to the Playground's own callbacks (`session_run.set_playing`,
`session_run.step`). Keys typed into inputs, or aimed at a focused control, are left alone.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from functools import partial
from pathlib import Path

import streamlit as st

from ui import keys, session_run

_keys = st.components.v2.component("presenter_keys", js=(Path(__file__).parent / "keyboard.js").read_text(),
                                   isolate_styles=False)


def toggle_play(session: MutableMapping) -> None:
    """Space: play if paused, pause if playing."""
    session_run.set_playing(session, not session_run.sync(session).playing)


def step_epoch(session: MutableMapping) -> None:
    """→: one epoch, as the 'Step 1 epoch' button."""
    session_run.step(session, 1)


def presenter_keys() -> None:
    """Listen for the presenter's keys on this page (the component draws nothing)."""
    session = st.session_state
    _keys(key=keys.PRESENTER_KEYS, data={"pause_key": keys.PAUSE}, on_play_change=partial(toggle_play, session),
          on_step_change=partial(step_epoch, session))
