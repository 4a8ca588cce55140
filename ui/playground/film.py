"""The Playground's main figures (network, y*, loss: one chart each) and the films of frames sent while playing.

While playing, each rerun of the play area trains a film: about 1 s of the browser's frames,
or more when the browser waits longer for a film (a busy server), each `speed` epochs on,
encoded compactly (`ui.playground.frames`). The main charts
hold base figures with a fixed trace structure, built once per play set-up, and the browser
applies the frames to them; the server keeps the trainer every few frames, so that Pause can
roll the run back to the frame on screen (`ui.session_run.pause_at`).
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ui import keys, live_chart, session_run, share
from ui.playground import figures, frames
from ui.session_run import Run

FILM_SHOWN_SECONDS = 1.0  # a film holds about this long of the browser's frames (a detail view comes with each)
FILM_COVER = 1.5  # or this many times the wait the browser reports for a film, if longer
FILM_LONGEST_SECONDS = 2.0  # but no longer than this
FILM_FRAMES = (2, 60)  # frames per film, at least and at most
START_FPS = 20.0  # the browser's frame rate assumed until it reports its own
FILM_SECONDS = 0.25  # no further frame once a film has taken this long: a Pause waits for the film in train
SNAPSHOT_FRAMES = 16  # a trainer kept every this many frames: a Pause retrains at most this many
SNAPSHOTS_KEPT = 2 * -(-FILM_FRAMES[1] // SNAPSHOT_FRAMES) + 1  # the film on screen's, the next film's, one more
FRAME_TRAIN_SECONDS = 0.15  # training time per frame at most (at least one epoch is trained)
MAP_RESOLUTION = 60  # the y* map's grid in the full figures
PLAY_RESOLUTION = 36  # a coarser y* map while playing keeps frames quick
BUSY_RESOLUTION = 24  # and coarser still while the server is busy
BUSY_LOAD = 2.0  # films whose wall time exceeds their CPU time this many times: the server is busy
CALM_LOAD = 1.4  # and no longer busy below this
# the main views' toggles, one above each view's chart: widget key → default
MAIN_TOGGLES = {keys.COLOUR_BY_SAMPLE: False, keys.SHOW_TEST: True, keys.LOG_LOSS: False}


VIEWS = ("network", "output", "loss")  # the main views, one chart each, left to right


def main_figures(run: Run, colour_by_sample: bool, show_test: bool, log_loss: bool,
                 play_resolution: int | None = None) -> list[go.Figure]:
    """The network diagram, the output over the input plane and the loss curves: one figure per view.

    Each figure carries its epoch in the layout's `meta` (and the diagram names it in a corner):
    while playing, the charts show films of frames, and the metrics row moves on once per film.
    Each also carries a text alternative (`meta.label`) with what it shows, the epoch and the loss.
    With `play_resolution`, they are the base figures of Play: the y* map at that resolution and the
    diagram with every edge bucket's trace.
    """
    net, data, trainer = run.net, run.data, run.trainer
    grads = net.gradients(data.X_train, trainer.Y_train)[0]
    values, title = frames.node_values(run, colour_by_sample)
    diverged = trainer.divergence.epoch if trainer.divergence else None
    figs = [
        figures.network_figure(net, values, grads, data.input_names, title, every_bucket=bool(play_resolution)),
        figures.output_figure(net, data, show_test, resolution=play_resolution or MAP_RESOLUTION,
                              painted=bool(play_resolution) and figures.painted_map(data)),
        figures.loss_figure(trainer.history, trainer.metric_name, log_loss, diverged),
    ]
    epoch, h = trainer.epoch, trainer.history
    train, test = h.column("train_loss")[-1], h.column("test_loss")[-1]
    loss = f"train loss {train:.4g}" + ("" if np.isnan(test) else f", test loss {test:.4g}")
    shape = "-".join(map(str, net.sizes))
    labels = (f"Network {shape} at epoch {epoch}, {loss}: edge colour is the sign of each weight, width its size; "
              f"unit colour is {title}.",
              f"What the network has learned at epoch {epoch}, {loss}: its prediction y* over the data.",
              f"Loss over the epochs up to epoch {epoch}: {loss}.")
    for fig, label in zip(figs, labels):
        fig.layout.meta = {"epoch": epoch, "label": label, **({"play": True} if play_resolution else {})}
    figs[0].add_annotation(text=f"epoch {epoch}", x=0, y=1, xref="paper", yref="paper", xanchor="left",
                           yanchor="bottom", showarrow=False, font=dict(size=13))
    return figs


def revision(run: Run) -> str:
    """Changes when the run is rebuilt or reset, which is when a chart forgets the user's zoom."""
    return f"{run.structure}/{run.draw}"


def main_toggles(session: MutableMapping | None = None) -> dict[str, bool]:
    """The main views' toggles as set in this session (their defaults before the first run)."""
    session = st.session_state if session is None else session
    return {key: bool(session.get(key, default)) for key, default in MAIN_TOGGLES.items()}


def film(run: Run) -> dict[str, Any]:
    """While playing: a film of compact frames of `speed` epochs each, and the base figures' set-up.

    Returns {"id", "frames", "spec", "last"} (`last`: the run stopped, at the limit or on divergence,
    and no film follows). A film stops once it has taken FILM_SECONDS to train (down to one frame),
    so that a Pause or another user's click waits for a fraction of a second at most.
    """
    session = st.session_state
    toggles = main_toggles()
    resolution = play_resolution(session, run)
    wanted = frames_wanted(session)
    shown, start, cpu = [], time.monotonic(), time.thread_time()
    plane = figures.plane_grid(run.data, resolution) if frames.output_kind(run.data) == "plane" else None
    painted = False  # the first frame comes before the base figures, which say whether the diagram is painted
    for k in range(wanted):
        if k % SNAPSHOT_FRAMES == 0:
            session_run.keep_play_snapshot(session, SNAPSHOTS_KEPT)
        since = run.trainer.epoch
        session_run.train(run, run.values["speed"], budget=FRAME_TRAIN_SECONDS)
        shown.append(frames.frame(run, toggles[keys.COLOUR_BY_SAMPLE], since, resolution, painted, plane))
        if len(shown) == 1:
            base = base_figures(run, toggles, resolution)
            painted = bool(base["spec"]["net"].get("paint"))
        if not run.playing or time.monotonic() - start > FILM_SECONDS:  # stopped (limit, divergence) or slow
            break
    note_load(session, (time.monotonic() - start) / max(time.thread_time() - cpu, 1e-4))
    if frames.output_kind(run.data) == "figure":  # the y* view moves once per film
        output = share.for_layout(main_figures(run, **toggles), st.session_state)[1]
        shown[0]["out"] = {"fig": live_chart.prepared(output, "chart_output", revision(run))}
    number = session[keys.PLAY_FILM] = session.get(keys.PLAY_FILM, 0) + 1
    made = {"id": number, "frames": shown, "spec": base["spec"], "last": not run.playing}
    session[keys.PLAY_SENT] = (run, made)
    return made


def sent_before(run: Run) -> dict[str, Any] | None:
    """The last film sent since Play was pressed on this run (None: none yet), with the base
    figures brought up to date for the main views' toggles.

    A rerun of the main area while playing (a toggle, say) sends it again: the player has seen its
    number and leaves it alone, so only the films the player asks for are trained and none is dropped
    (None too when the player asks in this rerun for the film after it).
    """
    session = st.session_state
    kept = session.get(keys.PLAY_SENT)
    asked = (session.get(keys.PLAYER) or {}).get("shown")  # the player started on a film: it wants the next
    if not kept or kept[0] is not run or (isinstance(asked, dict) and asked.get("film") == kept[1]["id"]):
        return None
    base_figures(run, main_toggles(), play_resolution(session, run))
    return kept[1]


def frames_wanted(session) -> int:
    """Frames for the next film at the browser's reported rate: FILM_SHOWN_SECONDS of them, or enough
    to cover FILM_COVER times the wait for a film the browser reports (a busy server answers later),
    up to FILM_LONGEST_SECONDS. Training stops earlier if the film takes FILM_SECONDS (see `film`)."""
    fps = session.get(keys.PLAY_PACE) or START_FPS
    seconds = min(max(FILM_SHOWN_SECONDS, FILM_COVER * session.get(keys.PLAY_WAIT, 0.0)), FILM_LONGEST_SECONDS)
    return int(np.clip(round(seconds * fps), *FILM_FRAMES))


def note_load(session, load: float) -> None:
    """Keep a film's wall time over its CPU time, smoothed, and whether the server counts as busy."""
    smooth, was_busy = session.get(keys.PLAY_LOAD, (1.0, False))
    smooth = 0.6 * smooth + 0.4 * load
    session[keys.PLAY_LOAD] = (smooth, smooth > (CALM_LOAD if was_busy else BUSY_LOAD))


def busy(session) -> bool:
    """Whether the last films found the server busy (other sessions or programs taking the cores)."""
    return session.get(keys.PLAY_LOAD, (1.0, False))[1]


def _setup(run: Run) -> tuple:
    """What every base figure is built for besides its view's toggle and the y* resolution: run and theme."""
    return revision(run), live_chart.page_theme()


def play_resolution(session, run: Run) -> int:
    """The y* map's resolution while playing: the base figures' for the same run (a change would
    redraw every chart), else coarser if the server is busy."""
    kept = session.get(keys.PLAY_BASE)
    if kept and kept["setup"] == _setup(run):
        return kept["resolution"]
    return BUSY_RESOLUTION if busy(session) else PLAY_RESOLUTION


def base_figures(run: Run, toggles: dict[str, bool], resolution: int) -> dict[str, Any]:
    """The main charts' figures while playing and the films' spec: {"texts": [(JSON, height)] per view,
    "spec", ...}. A view's figure is built anew when the run, the theme, the resolution or its own
    toggle changes; else the one kept in the session is sent again, which leaves its plot alone."""
    setup = _setup(run)
    views = [(setup, resolution, on) for on in toggles.values()]
    kept = st.session_state.get(keys.PLAY_BASE)
    if kept and kept["views"] == views:
        return kept
    figs = share.for_layout(main_figures(run, **toggles, play_resolution=resolution), st.session_state)
    paint = frames.paint_network(figs[0], len(figures.node_positions(run.net.sizes)[0][0]))
    curves = frames.paint_loss(figs[2], run)
    texts = [kept["texts"][k] if kept and kept["views"][k] == views[k]
             else (live_chart.prepared(fig, f"chart_{view}", revision(run)), fig.layout.height)
             for k, (fig, view) in enumerate(zip(figs, VIEWS))]
    kept = {"setup": setup, "resolution": resolution, "views": views, "texts": texts,
            "spec": frames.film_spec(run, figs, resolution)}
    kept["spec"]["net"]["paint"], kept["spec"]["loss"] = paint, {"paint": curves}
    st.session_state[keys.PLAY_BASE] = kept
    return kept


def note_pace(session: MutableMapping | None = None) -> None:
    """The player's report on starting a film: the frames per second it draws and its wait in ms
    from asking for a film to receiving it (each kept if plausible)."""
    session = st.session_state if session is None else session
    shown = (session.get(keys.PLAYER) or {}).get("shown")
    shown = shown if isinstance(shown, dict) else {}
    for name, key, low, high, scale in (("fps", keys.PLAY_PACE, 1, 120, 1), ("wait", keys.PLAY_WAIT, 0, 10_000, 1e-3)):
        value = shown.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high:
            session[key] = float(value) * scale


def pause(session: MutableMapping | None = None) -> None:
    """Pause (the pause catcher's trigger): stop, with the run rolled back to the epoch on the user's screen."""
    session = st.session_state if session is None else session
    paused = (session.get(keys.PAUSE_CATCHER) or {}).get("paused")
    session_run.pause_at(session, paused.get("epoch") if isinstance(paused, dict) else None)
