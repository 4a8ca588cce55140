"""The Step-by-step page's callbacks (they run before the script, so the page is never one click behind)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from engine import examples
from ui import keys, session_run
from ui.derivation.source import Source, current_source


def load_example(key: str) -> None:
    """Load (or reset) a worked example and switch the page to it."""
    st.session_state[keys.DERIV_EXAMPLE] = examples.make_example(key)
    st.session_state[keys.DERIV_MODE] = "example"
    st.session_state[keys.DERIV_SAMPLE["example"]] = 0
    title = st.session_state[keys.DERIV_EXAMPLE].title
    st.session_state[keys.DERIV_MESSAGE] = ("success", f"Worked example loaded: {title}.")


def apply_step(mode: str, index: int) -> None:
    """'Apply this step': the per-sample update on the worked example or the Playground's network."""
    session = st.session_state
    example = session.get(keys.DERIV_EXAMPLE)
    if mode == "example" and example is None:
        session[keys.DERIV_MESSAGE] = ("error", "The step was not applied: no worked example is loaded; "
                                                "load one with the buttons above.")
        return
    src = current_source()
    total_before = total_loss(src)
    try:
        if mode == "example":
            s = examples.apply_example_step(example, index)
            before, after = s.loss_before, s.loss_after
        else:
            before, after = session_run.apply_sample_step(session, index)
    except ValueError as err:
        session[keys.DERIV_MESSAGE] = ("error", f"The step was not applied: {err}")
        return
    session[keys.DERIV_MESSAGE] = ("success", f"Applied the update for sample {index}: its loss went from "
                                   f"{before:.6g} to {after:.6g}. The page now shows the new weights."
                                   + total_rise_note(len(src.X), total_before, total_loss(src), after < before))


def total_loss(src: Source) -> float:
    """The mean loss over all the source's samples (the data loss, as the page shows it)."""
    fwd = src.net.forward(src.X)
    return float(src.net.lossfn.per_sample(src.Y, fwd.I[-1], fwd.O[-1]).mean())


def total_rise_note(n: int, before: float, after: float, sample_fell: bool) -> str:
    """Why a step raised the loss over all `n` samples, in one sentence (nothing if it did not)."""
    if n < 2 or not after > before:
        return ""
    rise = f" The mean loss over all {n} samples rose, from {before:.6g} to {after:.6g}: "
    if sample_fell:
        return rise + ("one sample's step goes downhill on that sample's loss, not on the total, so it can "
                       "push other samples' losses up.")
    return rise + "ξ is so large that the step overshoots, even on this sample's own loss."


def on_select() -> None:
    """A click on a point of the sample chooser picks that sample."""
    event = st.session_state.get(keys.DERIV_SCATTER)
    try:
        points = event["selection"]["points"]
        index = int(points[0]["customdata"][0] if isinstance(points[0]["customdata"], list)
                    else points[0]["customdata"])
    except (KeyError, IndexError, TypeError, ValueError):
        return
    st.session_state[keys.DERIV_SAMPLE[st.session_state.get(keys.DERIV_MODE, "playground")]] = index


def clamp(key: str, low: int, high: int, default: int = 0) -> None:
    """Keep a widget's stored value inside its current range (the network or data may have changed)."""
    value = st.session_state.get(key, default)
    if key not in st.session_state or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        st.session_state[key] = min(max(int(value) if isinstance(value, (int, float)) else default, low), high)
