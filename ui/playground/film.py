"""The Playground's main figures (network, y*, loss: one chart each) and the films of frames sent while playing."""

from __future__ import annotations

import time

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ui import keys, session_run
from ui.playground import figures
from ui.session_run import Run

FILM_FRAMES = 4  # frames trained and sent per round trip while playing, at most
FILM_SECONDS = 0.3  # no further frame once a film has taken this long, so Pause answers soon
FRAME_TRAIN_SECONDS = 0.15  # training time per frame at most (at least one epoch is trained)
PLAY_RESOLUTION = 36  # a coarser y* map while playing keeps frames quick
# the main views' toggles, one above each view's chart: widget key → default
MAIN_TOGGLES = {keys.COLOUR_BY_SAMPLE: False, keys.SHOW_TEST: True, keys.LOG_LOSS: False}


VIEWS = ("network", "output", "loss")  # the main views, one chart each, left to right


def main_figures(run: Run, colour_by_sample: bool, show_test: bool, log_loss: bool) -> list[go.Figure]:
    """The network diagram, the output over the input plane and the loss curves: one figure per view.

    Each figure carries its epoch in the layout's `meta` (and the diagram names it in a corner):
    while playing, the charts show films of frames, and the metrics row moves on once per film.
    Each also carries a text alternative (`meta.label`) with what it shows, the epoch and the loss.
    """
    net, data, trainer = run.net, run.data, run.trainer
    grads = net.gradients(data.X_train, trainer.Y_train)[0]
    if colour_by_sample:
        values, title = [o[0] for o in net.forward(data.X_train[:1]).O], "O (point 1)"
    else:
        values = trainer.last.neuron_delta if trainer.last is not None else None
        title = "mean |δ|"
    diverged = trainer.divergence.epoch if trainer.divergence else None
    figs = [
        figures.network_figure(net, values, grads, data.input_names, title),
        figures.output_figure(net, data, show_test, resolution=PLAY_RESOLUTION if run.playing else 60),
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
        fig.layout.meta = {"epoch": epoch, "label": label}
    figs[0].add_annotation(text=f"epoch {epoch}", x=0, y=1, xref="paper", yref="paper", xanchor="left",
                           yanchor="bottom", showarrow=False, font=dict(size=13))
    return figs


def revision(run: Run) -> str:
    """Changes when the run is rebuilt or reset, which is when a chart forgets the user's zoom."""
    return f"{run.structure}/{run.draw}"


def main_toggles() -> dict[str, bool]:
    """The main views' toggles as set in this session (their defaults before the first run)."""
    return {key: bool(st.session_state.get(key, default)) for key, default in MAIN_TOGGLES.items()}


def film(run: Run) -> list[list[go.Figure]]:
    """While playing: up to FILM_FRAMES frames of `speed` epochs each, with the main figures after each.

    A slow network gets shorter films (down to one frame), so a Pause waits for one film at most.
    """
    toggles, frames, start = main_toggles(), [], time.monotonic()
    for _ in range(FILM_FRAMES):
        session_run.step(st.session_state, run.values["speed"], budget=FRAME_TRAIN_SECONDS, explain=False)
        frames.append(main_figures(run, **toggles))
        if not run.playing or time.monotonic() - start > FILM_SECONDS:  # stopped (limit, divergence) or slow
            break
    return frames
