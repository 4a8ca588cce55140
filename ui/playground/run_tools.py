"""The Playground's run tools: the timeline (rewind, continue from here), loading a saved run, editing
a weight by hand, and new data for the same weights. Every action is a callback in `ui.session_run`."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

import streamlit as st

from engine.save import MAX_SAVE_BYTES
from ui import keys, plain, session_run
from ui.session_run import Run

KINDS = ("weight w_ji", "bias b_i")


def draw(run: Run) -> None:
    """The timeline, the last tool's message and the tools (in an expander, drawn only while open).

    Closed, the expander sends nothing but its label, so the uploader's and the inputs' code is
    neither loaded nor rendered before the first chart; opening it reruns the main area. What was
    picked or typed in it outlives a close (`persist_state`); the uploader keeps no file, as a
    loaded run has already been taken in.
    """
    session = st.session_state
    if session.pop(keys.RUN_LOADED, False):  # a loaded run brings its own controls: redraw the sidebar
        st.rerun(scope="app")
    timeline(run)
    _message(session, run)
    tools = st.expander("Load a saved run · edit a weight · new data", icon=":material/build:", key=keys.RUN_TOOLS,
                        on_change="rerun")
    if tools.open:
        with tools:
            load_box()
            edit_box(run)
            new_data_box(run)


def _stamp(run: Run) -> tuple:
    """What a tool's message belongs to: the run and how far it is."""
    return id(session_run.latest(run)), run.trainer.epoch, len(run.trainer.history)


def _act(session: MutableMapping, action: Callable[[], str | None]) -> None:
    """Run a tool's action; keep its message (or its ValueError's) with the state it left."""
    try:
        text, kind = action(), "success"
    except ValueError as err:
        text, kind = f"Nothing was changed: {err}.", "error"
    if text:
        session[keys.TOOLS_MESSAGE] = (kind, text, _stamp(session[keys.RUN]))


def _message(session: MutableMapping, run: Run) -> None:
    """The last tool's message, while the run is still as that tool left it."""
    kept = session.get(keys.TOOLS_MESSAGE)
    if kept and kept[2] == _stamp(run):
        show = st.success if kept[0] == "success" else st.error
        show(plain.for_markdown(kept[1]), icon=":material/check:" if kept[0] == "success" else ":material/error:")


# --- the timeline -----------------------------------------------------------------------------------
def timeline(run: Run) -> None:
    """A slider over the run's epochs; an earlier epoch shows the run as it was then, everywhere."""
    session = st.session_state
    head = session_run.latest(run)
    if head.epoch == 0:
        return
    # One slider per latest epoch: the browser can send back the value of a slider drawn before the last run
    # (while playing, or after a preset's rerun), which would read as a drag back; a slider of an earlier
    # latest epoch is no longer on the page, so its value is dropped. While playing it takes no drag.
    key = timeline_key(run)
    session[key] = run.trainer.epoch  # follows training, and any rewind
    label = (f"Timeline: playing on from epoch {head.epoch}; pause to look back" if run.playing
             else "Timeline: the epoch the views show")  # while playing, the page around the player stays as it was
    st.container(key=keys.TIMELINE).slider(
        label, 0, head.epoch, key=key, on_change=_on_timeline, args=(key,),
        disabled=run.playing,
        help="Drag back to see the network, y*, the losses and the Step-by-step page as they were at that epoch "
             "(recomputed exactly from the nearest checkpoint). Step and Play train on from the latest epoch.")
    if run.latest is None:
        return
    e, n = run.trainer.epoch, head.epoch
    st.info(f"Showing epoch {e} of {n}. Step and Play go on from epoch {n}; to train on from epoch {e} "
            "instead, continue from here.", icon=":material/history:")
    row = st.container(horizontal=True)
    row.button(f"Back to epoch {n}", key=keys.TO_LATEST, on_click=session_run.rewind, args=(session, n))
    with row.popover("Continue from here", icon=":material/call_split:"):
        st.markdown(f"This drops epochs {e + 1}–{n} for good (download the run first to keep them).")
        st.button(f"Drop epochs {e + 1}–{n}, continue from epoch {e}", key=keys.CONTINUE_HERE, type="primary",
                  on_click=session_run.continue_from_here, args=(session,))


def timeline_key(run: Run) -> str:
    """The timeline slider's key for the run's latest epoch."""
    return f"{keys.TIMELINE}_{session_run.latest(run).epoch}"


def _on_timeline(key: str) -> None:
    """A drag of the timeline: the run shown at that epoch. Streamlit still calls the callback of a slider
    drawn for an earlier latest epoch when the browser sends its value back with a quick click (a Step
    while that run's page had not come yet): that value is no drag, and is left alone."""
    session = st.session_state
    run = session[keys.RUN]
    if not run.playing and key == timeline_key(run):
        session_run.rewind(session, int(session[key]))


# --- load a saved run -------------------------------------------------------------------------------
def load_box() -> None:
    """The uploader of a saved run (the JSON the run's download gives)."""
    st.file_uploader("Load a saved run (the JSON of “Download the run”)", type=["json"], key=keys.SAVE_UPLOAD,
                     max_upload_size=MAX_SAVE_BYTES // 2**20, on_change=_on_load,
                     help="Restores the run exactly: settings, data, weights, shuffling, history and timeline.")


def _on_load() -> None:
    session = st.session_state
    upload = session.get(keys.SAVE_UPLOAD)
    if upload is None:
        return
    problem = session_run.load_save(session, upload.getvalue())
    if problem is None:
        session[keys.RUN_LOADED] = True
        run = session[keys.RUN]
        session[keys.TOOLS_MESSAGE] = ("success", f"Loaded the run at epoch {run.trainer.epoch}; Step and Play "
                                       "go on exactly as the saved run would have.", _stamp(run))
    else:
        session[keys.TOOLS_MESSAGE] = ("error", problem, _stamp(session[keys.RUN]))


# --- edit a weight ----------------------------------------------------------------------------------
def _pick(label: str, options: list, key: str, **kwargs) -> object:
    """A select box whose stored choice is kept inside its current options."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    return st.selectbox(label, options, key=key, persist_state="session", **kwargs)


def edit_box(run: Run) -> None:
    """Pick w_ji^(l) or b_i^(l), type a value, set it: training goes on from the edited network."""
    net = run.net
    sizes = net.sizes
    st.markdown("**Edit a weight by hand**")
    row = st.container(horizontal=True)
    with row:
        layer = _pick("Layer l", list(range(1, net.n_layers + 1)), keys.EDIT_LAYER, width=110)
        kind = _pick("Parameter", list(KINDS if net.bias else KINDS[:1]), keys.EDIT_KIND, width=150)
        j = None
        if kind == KINDS[0]:
            j = _pick("From unit j", list(range(1, sizes[layer - 1] + 1)), keys.EDIT_J, width=110)
        i = _pick("To unit i" if j else "Unit i", list(range(1, sizes[layer] + 1)), keys.EDIT_I, width=110)
    now = net.W[layer - 1][j - 1, i - 1] if j else net.b[layer - 1][i - 1]
    name = f"w_{j}{i}^({layer})" if j else f"b_{i}^({layer})"
    row = st.container(horizontal=True, vertical_alignment="bottom")
    row.text_input(f"New value of {name} (now {now:.6g})", key=keys.EDIT_VALUE, placeholder=f"{now:.6g}", width=220,
                   persist_state="session")
    row.button("Set", key=keys.EDIT_APPLY, on_click=_on_edit, args=(layer, i, j),
               disabled=run.latest is not None,
               help="Continue from here first to edit at an earlier epoch." if run.latest else None)


def _on_edit(layer: int, i: int, j: int | None) -> None:
    session = st.session_state
    text = session.get(keys.EDIT_VALUE, "")
    _act(session, lambda: session_run.edit_param(session, layer, i, j, text))


# --- new data, same weights -------------------------------------------------------------------------
def new_data_box(run: Run) -> None:
    """New samples of the data set for the network as it is: how does it do on data it has not seen?"""
    st.markdown("**New data, same weights**")
    st.button("Draw new data, keep the network", key=keys.NEW_DATA, icon=":material/shuffle:",
              on_click=lambda: _act(st.session_state, lambda: session_run.new_data(st.session_state)),
              disabled=run.latest is not None,
              help="New samples from the same distribution (a new data seed; for a CSV, a new train/test split). "
                   "The losses then show how the trained network does on points it has never seen.")
