"""The Playground's detail views: neuron maps, weight matrices, trajectories, deltas, gradient norms, the loss
surface."""

from __future__ import annotations

import time

import streamlit as st

from ui import keys, share
from ui.live_chart import live_chart
from ui.playground import figures, surface_view
from ui.playground.film import revision
from ui.session_run import Run

DETAIL_REFRESH_SECONDS = 1.0
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

    While playing it is rebuilt about once a second and re-sent unchanged in between (the
    browser leaves an unchanged figure alone), so the main views get every frame.
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
    now = time.monotonic()
    if run.playing and cache and cache[0] == (choice, layer, spec) and now - cache[1] < DETAIL_REFRESH_SECONDS:
        figs, caption = cache[2], cache[3]  # an unchanged figure is not redrawn by the browser
    else:
        figs, caption = _detail_figures(run, choice, layer, spec)
        st.session_state[keys.DETAIL_CACHE] = ((choice, layer, spec), now, figs, caption)
    figs = share.for_layout(figs, st.session_state)  # larger for a projector
    if len(figs) == 1:
        live_chart(figs[0], f"chart_{choice}", revision(run))
    else:  # side by side where there is room (see ui.playground.views.LAYOUT_CSS)
        row = st.container(horizontal=True, key=keys.DETAIL_ROW, gap="medium")
        for k, fig in enumerate(figs, start=1):
            with row.container():
                live_chart(fig, f"chart_{choice}_{k}", revision(run))
    st.caption(caption)


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
