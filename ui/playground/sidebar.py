"""Sidebar widgets generated from the control table."""

from __future__ import annotations

from typing import Any

import streamlit as st

from engine.datasets import MAX_CSV_BYTES, SYNTHETIC, features_for
from engine.network import MAX_HIDDEN_LAYERS
from engine.run_config import losses_for
from ui import controls, keys, plain, session_run
from ui.controls import Control


def _seed(key: str, value: Any) -> None:
    """Give a widget its value before it is drawn (it may have been removed on another page)."""
    if key not in st.session_state:
        st.session_state[key] = list(value) if isinstance(value, tuple) else value


def control_widget(c: Control, value: Any, choices: tuple | None = None) -> None:
    """Draw one control as its widget, keyed by the control's key."""
    _seed(c.key, value)
    options = choices if choices is not None else c.choices
    if c.kind == "select":
        if st.session_state[c.key] not in options:
            st.session_state[c.key] = options[0]
        st.selectbox(c.label, options, format_func=c.format, key=c.key, help=c.help)
    elif c.kind == "lr":
        st.number_input(c.label, float(c.low), float(c.high), step=c.step, format="%.4g", key=c.key,
                        help=c.help)
        st.pills("Quick picks for ξ", c.choices, format_func=lambda v: f"{v:g}", key=c.key + keys.LR_PICK_SUFFIX,
                 on_change=_pick, args=(c.key,), label_visibility="collapsed")
    elif c.kind == "multi":
        st.session_state[c.key] = [v for v in st.session_state[c.key] if v in options] or list(options[:1])
        st.multiselect(c.label, options, key=c.key, help=c.help)
    elif c.kind == "bool":
        st.toggle(c.label, key=c.key, help=c.help)
    elif c.kind == "float":
        st.slider(c.label, float(c.low), float(c.high), step=c.step, key=c.key, help=c.help)
    else:
        st.number_input(c.label, int(c.low), int(c.high), step=int(c.step or 1), key=c.key, help=c.help)


def _pick(key: str) -> None:
    """A quick pick sets the control's value and clears itself."""
    picked = st.session_state.get(key + keys.LR_PICK_SUFFIX)
    if picked is not None:
        st.session_state[key] = picked
        st.session_state[key + keys.LR_PICK_SUFFIX] = None


def draw(run: session_run.Run) -> None:
    """Every Playground control, by section, showing only those that apply to this run."""
    values, task = run.values, run.data.task
    hidden = {f"units_{k}" for k in range(values["n_layers"] + 1, MAX_HIDDEN_LAYERS + 1)}
    if run.loss != "squared":
        hidden.add("output")
    if values["batch_mode"] != "mini":
        hidden.add("batch_k")
    if values["reg"] == "none":
        hidden.add("lam")
    generated = values["dataset"] in SYNTHETIC
    if not generated:
        hidden |= {"n_points", "noise", "features"}
    if values["dataset"] != controls.CSV_DATASET:
        hidden.add("csv_target")
    choices = {
        "loss": losses_for(task),
        "output": controls.TASK_SQUARED_OUTPUTS[task],
        "features": features_for(SYNTHETIC[values["dataset"]].dims) if generated else None,
    }
    hidden |= session_run.hidden_controls(st.session_state)  # a classroom link's fixed controls
    csv = values["dataset"] == controls.CSV_DATASET
    with st.sidebar:
        for section in controls.SECTIONS:
            shown = [c for c in controls.CONTROLS if c.section == section and c.key not in hidden]
            if not shown and not (section == "Data" and csv):
                continue
            with st.expander(section, expanded=section in ("Data", "Network", "Training")):
                for c in shown:
                    control_widget(c, values[c.key], choices.get(c.key))
                    if c.key == "batch_mode":
                        lecture_rule(values[c.key])
                if section == "Data" and csv:
                    csv_uploader()


LECTURE_RULE = "sample"  # the batch mode of the lecture's rule: one update per training point


def lecture_rule(batch_mode: str) -> None:
    """One click to the lecture's rule, per-sample SGD; once in use, a line saying so."""
    if batch_mode == LECTURE_RULE:
        st.caption("Training with the lecture's rule: per-sample SGD, one update w ← w − ξ ∂L/∂w per point.")
    else:
        st.button("Use the lecture's rule: per-sample SGD", key=keys.LECTURE_RULE, icon=":material/school:",
                  on_click=_use_lecture_rule, width="stretch",
                  help="Sets Batch to one sample: an update after every training point, as in the lecture.")


def _use_lecture_rule() -> None:
    st.session_state["batch_mode"] = LECTURE_RULE


def csv_uploader() -> None:
    """Upload a CSV (header row, numbers, the target last), at most MAX_CSV_BYTES; a file that cannot
    be used gets a message and leaves the run as it was."""
    upload = st.file_uploader("CSV file (header, numbers, target in the last column)", type=["csv"],
                              key=keys.CSV_UPLOAD, max_upload_size=MAX_CSV_BYTES // 2**20)
    if upload is None:
        return
    message = session_run.accept_csv(st.session_state, upload.file_id, upload.getvalue())
    if message:
        st.error(plain.for_markdown(message))
    elif keys.RUN not in st.session_state:
        st.rerun()
