"""The Playground's detail views: neuron maps, weight matrices, trajectories, deltas, gradient norms, the loss
surface."""

from __future__ import annotations

import time

import streamlit as st

from ui import keys, share
from ui.live_chart import live_chart, prepared
from ui.playground import figures, surface_view
from ui.playground.film import revision
from ui.session_run import Run

DETAIL_REFRESH_SECONDS = 0.9  # just under a film's length: each film brings the open detail view
DETAIL_VIEWS = {
    "neurons": "Neuron maps",
    "weights": "Weights",
    "trajectories": "Trajectories",
    "deltas": "Deltas δ",
    "gradnorms": "Grad norms",
    "surface": "Loss surface",
}


def detail_view(run: Run) -> None:
    """One of the detail views, chosen with a segmented control (only the chosen one is built).

    While playing it is rebuilt about once a second: the films carry it (`refreshed_charts`), and a
    rerun of the main area in between re-sends it unchanged (the browser leaves an unchanged figure
    alone), so the main views get every frame.
    """
    net, data = run.net, run.data
    st.subheader("Inside the network")
    options = [k for k in DETAIL_VIEWS if k != "neurons" or (data.has_plane and data.P_train.shape[1] == 2
                                                             and net.n_layers > 1)]
    if not surface_view.available(net):
        options.remove("surface")
    choice = st.segmented_control("Detail view", options, format_func=DETAIL_VIEWS.get, default=options[0],
                                  key=keys.DETAIL_VIEW, label_visibility="collapsed") or options[0]
    layer_choice = range(1, net.n_layers + (0 if choice == "neurons" else 1))
    layer = 1
    if choice in ("neurons", "deltas") and len(layer_choice) > 1:
        layer = st.select_slider("Layer l", list(layer_choice), key=choice + keys.DETAIL_LAYER_SUFFIX)
    spec = surface_view.view_controls(run) if choice == "surface" else None
    cache = st.session_state.get(keys.DETAIL_CACHE)
    if run.playing and cache and cache[0] == (choice, layer, spec) and not _due(cache):
        figs, caption = cache[2], cache[3]  # an unchanged figure is not redrawn by the browser
    else:
        figs, caption = _cached_figures(run, (choice, layer, spec))
    figs = share.for_layout(figs, st.session_state)  # larger for a projector
    names = chart_keys(choice, len(figs))
    if len(figs) == 1:
        live_chart(figs[0], names[0], revision(run))
    else:  # side by side where there is room (see ui.playground.views.LAYOUT_CSS)
        row = st.container(horizontal=True, key=keys.DETAIL_ROW, gap="medium")
        for fig, name in zip(figs, names):
            with row.container():
                live_chart(fig, name, revision(run))
    st.caption(caption)


def chart_keys(choice: str, count: int) -> list[str]:
    """The live charts' keys of a detail view drawn as `count` charts."""
    return [f"chart_{choice}"] if count == 1 else [f"chart_{choice}_{k}" for k in range(1, count + 1)]


def refreshed_charts(run: Run) -> dict[str, str]:
    """While playing: the open detail view's charts built anew ({chart key: figure JSON}) once
    DETAIL_REFRESH_SECONDS have passed since they were last built, else {} (the player draws them)."""
    cache = st.session_state.get(keys.DETAIL_CACHE)
    if not cache or not _due(cache):
        return {}
    figs = share.for_layout(_cached_figures(run, cache[0])[0], st.session_state)
    return {name: prepared(fig, name, revision(run)) for name, fig in zip(chart_keys(cache[0][0], len(figs)), figs)}


def _due(cache: tuple) -> bool:
    return time.monotonic() - cache[1] >= DETAIL_REFRESH_SECONDS


def _cached_figures(run: Run, what: tuple) -> tuple[list, str]:
    """The detail view's figures and caption for (choice, layer, surface spec), kept in the session."""
    figs, caption = _detail_figures(run, *what)
    for fig in figs:  # the epoch each chart shows, for the benchmarks and the tests
        fig.layout.meta = {**(fig.layout.meta or {}), "epoch": run.trainer.epoch}
    st.session_state[keys.DETAIL_CACHE] = (what, time.monotonic(), figs, caption)
    return figs, caption


def _detail_figures(run: Run, choice: str, layer: int, spec: tuple | None) -> tuple[list, str]:
    net, data, history = run.net, run.data, run.trainer.history
    if choice == "surface":
        return surface_view.figures(run, spec)
    if choice == "weights":
        figs = [figures.weights_figure(net, l) for l in range(1, net.n_layers + 1)]
        return figs, "Row j, column i holds w_ji^(l), the weight from input j to unit i of layer l."
    if choice == "neurons":
        fig = figures.neuron_maps_figure(net, data, layer)
        caption = f"What each unit of hidden layer {layer} computes over the input plane: O^({layer}) = A(I^({layer}))."
    elif choice == "trajectories":
        fig = figures.trajectory_figure(history, net.sizes)
        caption = "Each line is one weight over the epochs; steep stretches are where the gradient was large."
    elif choice == "deltas":
        fig = figures.delta_figure(history, layer)
        caption = (f"Mean |δ_i^({layer})| per unit and epoch: units whose δ fades to 0 have stopped learning.")
    else:
        fig = figures.grad_norm_figure(history)
        caption = ("‖∂L/∂W^(l)‖ per layer: in deep sigmoid networks the early layers' lines sit far below "
                   "the last — vanishing gradients.")
    return [fig], caption
