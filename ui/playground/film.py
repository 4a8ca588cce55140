"""The Playground's main figure (network, y*, loss as panels) and the films of frames sent while playing."""

from __future__ import annotations

import time

import plotly.graph_objects as go
import streamlit as st

from ui import keys, session_run
from ui.playground import figures
from ui.session_run import Run

FILM_FRAMES = 4  # frames trained and sent per round trip while playing, at most
FILM_SECONDS = 0.3  # no further frame once a film has taken this long, so Pause answers soon
FRAME_TRAIN_SECONDS = 0.15  # training time per frame at most (at least one epoch is trained)
PLAY_RESOLUTION = 36  # a coarser y* map while playing keeps frames quick
# the main views' toggles, one above each panel: widget key → default
MAIN_TOGGLES = {keys.COLOUR_BY_SAMPLE: False, keys.SHOW_TEST: True, keys.LOG_LOSS: False}


def main_figure(run: Run, colour_by_sample: bool, show_test: bool, log_loss: bool) -> go.Figure:
    """The network diagram, the output over the input plane and the loss curves as panels of one figure.

    One chart with three panels redraws much faster in the browser than three charts. Each figure
    names its epoch in a corner and in the layout's `meta`: while playing, the chart shows a film
    of frames, and the metrics row moves on once per film.
    """
    net, data = run.net, run.data
    grads = net.gradients(data.X_train, run.trainer.Y_train)[0]
    if colour_by_sample:
        values, title = [o[0] for o in net.forward(data.X_train[:1]).O], "O (point 1)"
    else:
        values = run.trainer.last.neuron_delta if run.trainer.last is not None else None
        title = "mean |δ|"
    diverged = run.trainer.divergence.epoch if run.trainer.divergence else None
    fig = figures.side_by_side([
        figures.network_figure(net, values, grads, data.input_names, title),
        figures.output_figure(net, data, show_test, resolution=PLAY_RESOLUTION if run.playing else 60),
        figures.loss_figure(run.trainer.history, run.trainer.metric_name, log_loss, diverged),
    ])
    epoch = run.trainer.epoch
    fig.layout.meta = {"epoch": epoch}
    fig.add_annotation(text=f"epoch {epoch}", x=0, y=1, xref="paper", yref="paper", xanchor="left",
                       yanchor="bottom", showarrow=False, font=dict(size=13))
    return fig


def revision(run: Run) -> str:
    """Changes when the run is rebuilt or reset, which is when a chart forgets the user's zoom."""
    return f"{run.structure}/{run.draw}"


def main_toggles() -> dict[str, bool]:
    """The main views' toggles as set in this session (their defaults before the first run)."""
    return {key: bool(st.session_state.get(key, default)) for key, default in MAIN_TOGGLES.items()}


def film(run: Run) -> list[go.Figure]:
    """While playing: up to FILM_FRAMES frames of `speed` epochs each, with the main figure after each.

    A slow network gets shorter films (down to one frame), so a Pause waits for one film at most.
    """
    toggles, frames, start = main_toggles(), [], time.monotonic()
    for _ in range(FILM_FRAMES):
        session_run.step(st.session_state, run.values["speed"], budget=FRAME_TRAIN_SECONDS, explain=False)
        frames.append(main_figure(run, **toggles))
        if not run.playing or time.monotonic() - start > FILM_SECONDS:  # stopped (limit, divergence) or slow
            break
    return frames
