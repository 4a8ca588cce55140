"""Compare's training job: build a comparison on the Playground's data and train it in chunks.

Training runs in chunks inside the script, updating a progress bar and, now and then, drawing the
runs so far (the first time after the first chunk), so the charts fill in while the job trains;
Stop (or any click) interrupts the script between chunks, and the job continues on the next run
unless Stop cleared it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from engine.compare import Comparison, Variant, log_grid, lr_sweep_variants
from engine.run_config import RunConfig
from ui import controls, keys, session_run
from ui.compare import editor
from ui.compare.figures import can_draw_boundaries
from ui.compare.presets import GRADIENTS, PRESETS, REGIONS

CHUNK_S = 0.2  # a chunk of training takes about this long, so the bar moves and Stop answers fast
DRAW_S = (3.0, 10.0)  # the pause between two drawings of the runs so far: the time trained so far, within these


def playground() -> session_run.Run:
    """The Playground's current run (built from its defaults if the Playground was never opened)."""
    return session_run.sync(st.session_state)


def base_of(run: session_run.Run) -> RunConfig:
    """The Playground's configuration, the base every run changes."""
    return controls.run_config(run.values, run.data.task)


def initial_of(run: session_run.Run, base: RunConfig) -> tuple | None:
    """The Playground's initial weights, when its network has the base configuration's shapes."""
    if run.net.sizes == base.sizes(run.data):
        return tuple(list(p) for p in run.trainer.initial)
    return None


def _set_job(key: str, target: int) -> None:
    st.session_state[keys.CMP_JOB] = {"key": key, "target": int(target), "id": time.monotonic_ns()}


def _start(key: str, what: str, make_variants: Callable[[RunConfig], list[Variant]], epochs_key: str) -> None:
    """Build a comparison on the Playground's data and start training it (or keep the error)."""
    ss = st.session_state
    run = playground()
    base = base_of(run)
    try:
        comp = Comparison(base, run.data, make_variants(base), initial_of(run, base))
    except ValueError as err:
        ss[keys.CMP_ERROR] = f"Could not set up the {what}: {err}"
        return
    ss[keys.CMP_ERROR] = None
    ss[key] = comp
    _set_job(key, ss[epochs_key])


def start_runs() -> None:
    """Train the editor's runs, folding the editor away (the page redraws less while they train)."""
    _start(keys.CMP_RUNS, "runs", lambda base: editor.editor_variants(base.lam), keys.CMP_EPOCHS)
    if not st.session_state[keys.CMP_ERROR]:
        editor.fold()
        _open_preset_tab(can_draw_boundaries(st.session_state[keys.CMP_RUNS].data))


def _open_preset_tab(plane: bool) -> None:
    """The runs of another preset than the last one trained open that preset's tab of each run's views (the
    gradient norms for the decision regions on data with no `plane` to draw them on); a pick stays otherwise."""
    ss = st.session_state
    preset = PRESETS.get(ss.get(keys.CMP_PRESET))
    if preset is None or ss.get(keys.CMP_PER_RUN_PRESET) == preset.key:
        return
    ss[keys.CMP_PER_RUN_PRESET] = preset.key
    ss[keys.CMP_PER_RUN_SHOWN] = preset.view if plane or preset.view != REGIONS else GRADIENTS


def start_sweep() -> None:
    ss = st.session_state
    _start(keys.CMP_SWEEP, "sweep", lambda base: lr_sweep_variants(
        log_grid(ss[keys.CMP_SWEEP_LO], ss[keys.CMP_SWEEP_HI], int(ss[keys.CMP_SWEEP_K]))), keys.CMP_SWEEP_EPOCHS)


def more(key: str, epochs_key: str) -> None:
    comp = st.session_state.get(key)
    if comp is not None:
        _set_job(key, comp.epoch + int(st.session_state[epochs_key]))


def stop() -> None:
    st.session_state[keys.CMP_JOB] = None


def stop_unless(key: str, what: dict[str, str], left: str = "its view was closed") -> None:
    """Stop a job of another comparison than `key`'s ("" for any: the page was left), as it trains only while on
    screen, saying so in `keys.CMP_NOTE`; `what` names the comparison of each key, `left` what took it off screen."""
    ss = st.session_state
    job = ss.get(keys.CMP_JOB)
    if not job or running(key):
        return
    comp = ss.get(job["key"])
    ss[keys.CMP_JOB] = None  # first: the run still training stops after its chunk, and lets the lock go
    if comp is not None:
        with lock():
            epoch = comp.epoch
        ss[keys.CMP_NOTE] = (f"The {what[job['key']]} stopped at epoch {epoch} of {job['target']} when {left} "
                             "(it trains only while on screen); its Continue trains on.")


def running(key: str) -> bool:
    job = st.session_state.get(keys.CMP_JOB)
    return bool(job) and job["key"] == key


def lock() -> threading.RLock:
    """This session's training lock.

    A click during training starts a new script run at once while the old one finishes its chunk
    (it stops at its next progress update); both hold this lock while they train or read the runs,
    so a page never shows runs caught half-way through a chunk.
    """
    return st.session_state.setdefault(keys.CMP_LOCK, threading.RLock())


def run_job(key: str, bar: DeltaGenerator, draw: Callable[[Comparison], None]) -> str:
    """Train the job's comparison in chunks up to its target epoch, with a progress bar in `bar`; a token naming
    the job if it ended, "" if none did (the caller then shows the finished runs, in live charts of the drawings'
    names, so the browser updates their plots in place, and has the browser rerun for the buttons as they are
    without a job).

    Chunks grow or shrink to take about `CHUNK_S` seconds, so the bar moves and Stop answers fast.
    `draw(comp)` shows the runs so far (under the lock): after the first chunk, then at
    intervals of `DRAW_S`. The app's own Stop (in its menu bar) ends the job as the page's Stop does: the next
    click does not take it up again.
    """
    ss = st.session_state
    job = ss.get(keys.CMP_JOB)
    comp = ss.get(key)
    if not job or job["key"] != key or comp is None:
        return ""
    target = job["target"]
    try:
        _train(comp, job, target, bar, draw)
    except StopException:  # the app's own Stop (its menu bar) or the session's end: the job ends where it is
        if ss.get(keys.CMP_JOB) is job:
            ss[keys.CMP_JOB] = None
        raise
    if ss.get(keys.CMP_JOB) is not job:
        return ""
    ss[keys.CMP_JOB] = None
    return f"{key}:{job['id']}"


def _train(comp: Comparison, job: dict, target: int, bar: DeltaGenerator, draw: Callable[[Comparison], None]) -> None:
    """`run_job`'s loop: chunks, drawings and the progress bar, until the target, a Stop or every run diverged."""
    ss = st.session_state
    bar = bar.progress(min(1.0, comp.epoch / target), text=f"Training: epoch {comp.epoch} of {target}")
    chunk = 2
    start = next_draw = time.perf_counter()
    while ss.get(keys.CMP_JOB) is job and comp.epoch < target and not comp.all_diverged:
        t0 = time.perf_counter()
        with lock():
            comp.train(min(chunk, target - comp.epoch))
        now = time.perf_counter()
        chunk = max(1, min(4 * chunk, int(chunk * CHUNK_S / max(now - t0, 1e-3))))
        if now >= next_draw and comp.epoch < target and not comp.all_diverged:
            with lock():
                draw(comp)
            next_draw = now + min(max(now - start, DRAW_S[0]), DRAW_S[1])
        bar.progress(min(1.0, comp.epoch / target), text=f"Training: epoch {comp.epoch} of {target}")
    bar.empty()
