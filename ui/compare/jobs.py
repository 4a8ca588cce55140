"""Compare's training job: build a comparison on the Playground's data and train it in chunks.

Training runs in chunks inside the script, one run after another (each to the job's target before
the next), updating a progress bar and drawing the runs so far each time a run finishes (and, on a
long run, now and then), so each run's charts come as soon as it has finished. Stop (or any click)
interrupts the script between chunks, and the job continues on the next run unless Stop cleared it
(then the runs stay at their epochs, the first ones further than the last).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from engine.compare import Comparison, Variant, log_grid, lr_sweep_variants
from engine.run_config import RunConfig
from ui import controls, keys, plain, session_run
from ui.compare import editor

CHUNK_S = 0.2  # a chunk of training takes about this long, so the bar moves and Stop answers fast
FIRST_DRAW_S = 0.5  # a job's first drawing: when its first run finishes, or after this much training if sooner
DRAW_GAP_S = 0.6  # a finished run is drawn this long after the last drawing at the soonest, and not this near the end
DRAW_S = (3.0, 10.0)  # the pause between two timed drawings: the time trained so far, within these


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
    st.session_state[keys.CMP_JOB] = {"key": key, "target": int(target)}


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
    _start(keys.CMP_RUNS, "runs", lambda base: editor.editor_variants(base.lam), keys.CMP_EPOCHS)


def start_sweep() -> None:
    ss = st.session_state
    _start(keys.CMP_SWEEP, "sweep", lambda base: lr_sweep_variants(
        log_grid(ss[keys.CMP_SWEEP_LO], ss[keys.CMP_SWEEP_HI], int(ss[keys.CMP_SWEEP_K]))), keys.CMP_SWEEP_EPOCHS)


def more(key: str, epochs_key: str) -> None:
    """Continue: every run to E epochs past the furthest (a job stopped part-way left the runs at different epochs)."""
    comp = st.session_state.get(key)
    if comp is not None:
        _set_job(key, comp.latest + int(st.session_state[epochs_key]))


def stop() -> None:
    st.session_state[keys.CMP_JOB] = None


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


def _left(comp: Comparison, target: int) -> int:
    """The epochs still to train, summed over the runs."""
    return sum(target - r.epoch for r in comp.runs if not r.diverged and r.epoch < target)


def _progress(comp: Comparison, target: int) -> tuple[float, str]:
    """The progress bar's share of the job done and its text, naming the run in training."""
    k = comp.behind(target)
    left = _left(comp, target)
    total = max(1, target * len(comp.runs))
    if k is None:
        return 1.0, f"Training: epoch {target} of {target}"
    label = plain.for_markdown(comp.runs[k].label)
    return (min(1.0, 1 - left / total),
            f"Training: epoch {comp.runs[k].epoch} of {target} · run {k + 1} of {len(comp.runs)} ({label})")


def run_job(key: str, bar: DeltaGenerator, draw: Callable[[Comparison, list[int] | None], None]) -> None:
    """Train the job's comparison in chunks up to its target epoch, one run after another, with a progress bar.

    Chunks grow or shrink to take about `CHUNK_S` seconds, so the bar moves and Stop answers fast.
    `draw(comp, ready)` shows the runs so far with the panels of the runs `ready` (under the lock): each
    time a run finishes, after `FIRST_DRAW_S` of training if no run has finished by then, and at
    intervals of `DRAW_S`. Once every run has finished, `draw(comp, None)` shows them as the script
    does without a job, and the job reruns the script (the buttons: Stop off, Continue on), which
    draws the same charts again and so changes none.
    """
    ss = st.session_state
    job = ss.get(keys.CMP_JOB)
    comp = ss.get(key)
    if not job or job["key"] != key or comp is None:
        return
    target = job["target"]
    bar = bar.progress(*_progress(comp, target))
    chunk = 2
    start = time.perf_counter()
    next_draw, drawn, first_left = start + FIRST_DRAW_S, None, _left(comp, target)
    while ss.get(keys.CMP_JOB) is job and (k := comp.behind(target)) is not None:
        run = comp.runs[k]
        t0 = time.perf_counter()
        with lock():
            run.trainer.run(min(chunk, target - run.epoch))
        now = time.perf_counter()
        chunk = max(1, min(4 * chunk, int(chunk * CHUNK_S / max(now - t0, 1e-3))))
        following = comp.behind(target)
        if following is None:
            break
        left = _left(comp, target)
        ending = (now - start) * left / max(1, first_left - left) < DRAW_GAP_S  # the final drawing comes soon
        if (following != k and not ending and (drawn is None or now - drawn >= DRAW_GAP_S)) or now >= next_draw:
            with lock():
                draw(comp, comp.finished(target))
            drawn, next_draw = now, now + min(max(now - start, DRAW_S[0]), DRAW_S[1])
        bar.progress(*_progress(comp, target))
    if ss.get(keys.CMP_JOB) is job:
        with lock():
            draw(comp, None)
        bar.empty()
        ss[keys.CMP_JOB] = None
        st.rerun()  # the buttons (Stop off, Continue on); the finished runs' charts are drawn already
    bar.empty()
