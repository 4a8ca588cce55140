"""The Playground's main area: run buttons, metrics, the six views and downloads."""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from functools import partial

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ui import controls, session_run
from ui.live_chart import live_chart
from ui.playground import figures
from ui.session_run import Run

FILM_FRAMES = 4  # frames trained and sent per round trip while playing, at most
FILM_SECONDS = 0.3  # no further frame once a film has taken this long, so Pause answers soon
FRAME_TRAIN_SECONDS = 0.15  # training time per frame at most (at least one epoch is trained)
PLAY_RESOLUTION = 36  # a coarser y* map while playing keeps frames quick
# the main views' toggles, one above each panel: widget key → default
MAIN_TOGGLES = {"colour_by_sample": False, "show_test": True, "log_loss": False}
DETAIL_REFRESH_SECONDS = 1.0
DETAIL_CACHE = "detail_cache"
PAGE_SYNCED = "page_synced"
DETAIL_VIEWS = {
    "neurons": "Neuron maps",
    "weights": "Weights",
    "trajectories": "Trajectories",
    "deltas": "Deltas δ",
    "gradnorms": "Grad norms",
}


def run_buttons(run: Run) -> None:
    """Step 1, step N, play/pause, reset and restart, each acting through a callback."""
    session = st.session_state
    n = run.values["steps"]
    cols = st.columns(5)
    at_limit = session_run.at_limit(run)
    limit = " (the epoch limit is reached: raise it in the Run section to train on)" if at_limit else ""
    cols[0].button("Step 1 epoch", key="step1", on_click=session_run.step, args=(session, 1), width="stretch",
                   disabled=bool(limit), help=f"One pass over the training data{limit}.")
    cols[1].button(f"Step {n} epochs", key="stepn", on_click=session_run.step, args=(session, n), width="stretch",
                   disabled=bool(limit), help=f"Set N in the Run section of the sidebar{limit}.")
    # two buttons with their own keys: a click on one can never be replayed as a click on the other
    if run.playing:
        cols[2].button("⏸ Pause", key="pause", on_click=session_run.set_playing, args=(session, False), type="primary",
                       width="stretch", help="Stop after the current frame.")
    else:
        cols[2].button("▶ Play", key="play", on_click=session_run.set_playing, args=(session, True), type="primary",
                       width="stretch", disabled=run.trainer.divergence is not None or bool(limit),
                       help=f"Train continuously; the speed is set in the Run section{limit}.")
    cols[3].button("Reset", key="reset", on_click=session_run.reset, args=(session,), width="stretch",
                   help="New random initial weights, epoch 0.")
    cols[4].button("Restart", key="restart", on_click=session_run.restart, args=(session,),
                   width="stretch",
                   help="Back to this run's initial weights, to replay it with another ξ or batch size.")


def messages(run: Run) -> None:
    """Divergence, settings that were rejected, and adjustments made to fit the data."""
    for text in st.session_state.get(session_run.PROBLEMS, []):
        st.warning(text, icon="⚠️")
    for text in run.notes:
        st.info(text, icon="ℹ️")
    if st.session_state.get(session_run.STEP_NOTE) and not run.playing:
        st.info(st.session_state[session_run.STEP_NOTE], icon="⏱")
    if run.trainer.divergence is not None:
        st.error(run.trainer.divergence.message + " The views show the last finite session_run.", icon="🛑")
    if session_run.at_limit(run):
        limit, epoch = run.values["max_epochs"], run.trainer.epoch
        where = "the limit" if epoch == limit else f"past the limit of {limit}"
        st.info(f"Stopped at epoch {epoch}, {where} set in the Run section. Raise it (0: no limit) to train on.",
                icon="⏹")


def metrics(run: Run) -> None:
    """Epoch, losses and the task's metric, outside the figures."""
    h = run.trainer.history
    fmt = controls.TASK_ACCURACY_LABEL[run.data.task]
    cols = st.columns(5)
    cols[0].metric("Epoch", run.trainer.epoch)
    for col, name, label in ((cols[1], "train_loss", "Train loss"), (cols[2], "test_loss", "Test loss")):
        v = h.column(name)
        delta = None if len(v) < 2 or np.isnan(v[-2]) else f"{v[-1] - v[-2]:+.2e}"
        col.metric(label, "—" if np.isnan(v[-1]) else f"{v[-1]:.4f}", delta, delta_color="inverse")
    for col, name in ((cols[3], "train"), (cols[4], "test")):
        v = h.column(f"{name}_metric")[-1]
        col.metric(f"{name.capitalize()} {run.trainer.metric_name}", "—" if np.isnan(v) else fmt(v))


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


def main_views(run: Run, frames: list[go.Figure] | None = None) -> None:
    """Headings, toggles and captions around the main figure, or the film of frames just trained."""
    heads = st.columns(3)
    heads[0].subheader("Network")
    heads[1].subheader("What it has learned")
    heads[2].subheader("Loss")
    labels = ("Colour units by the output O of training point 1", "Show test points", "Log scale")
    toggles = {key: head.toggle(label, default, key=key)
               for head, label, (key, default) in zip(heads, labels, MAIN_TOGGLES.items())}
    live_chart(frames or main_figure(run, **toggles), "chart_main", revision(run),
               playing=bool(frames) and run.playing)
    notes = st.columns(3)
    colour = ("its output O for the first training point" if toggles["colour_by_sample"]
              else "its mean |δ| over the last epoch")
    notes[0].caption("Orange edges are positive weights, blue negative, thicker is larger |w|; a unit's colour is "
                     f"{colour}. Hover an edge's middle for w and ∂L/∂w.")
    notes[1].caption(output_caption(run.data))
    notes[2].caption("Train loss should fall; a test loss that rises while the train loss falls means "
                     "the network is memorising the training points.")


def output_caption(data) -> str:
    """What to look for in the output panel, for this kind of data."""
    if not data.has_plane:
        what = ("coloured by the predicted class; large ringed points are misclassified"
                if data.task != "regression" else "coloured by the prediction y*")
        return f"Each point at its first two principal components, {what}."
    if data.P_train.shape[1] == 1:
        return "The black curve is the prediction y*(x); dots are training targets y, crosses test targets."
    if data.task == "regression":
        return ("The background is the prediction y* over the input plane; the dots (training) and rings (test) "
                "carry their targets y in the same colours, so a good fit hides them.")
    if data.task == "multiclass":
        return ("The background shades the winning class, darker where its y* is surer; dots are training "
                "points, rings test points.")
    return ("The background is y* at every point of the input plane (dots: training points, rings: test "
            "points); watch the y* = 0.5 boundary bend to separate the classes.")


def detail_view(run: Run) -> None:
    """One of the detail views, chosen with a segmented control (only the chosen one is built).

    While playing it is rebuilt about once a second and re-sent unchanged in between (the
    browser leaves an unchanged figure alone), so the main views get every frame.
    """
    net, data = run.net, run.data
    st.subheader("Inside the network")
    options = [k for k in DETAIL_VIEWS if k != "neurons" or (data.has_plane and data.P_train.shape[1] == 2
                                                             and net.n_layers > 1)]
    choice = st.segmented_control("Detail view", options, format_func=DETAIL_VIEWS.get, default=options[0],
                                  key="detail_view", label_visibility="collapsed") or options[0]
    layer_choice = range(1, net.n_layers + (0 if choice == "neurons" else 1))
    layer = 1
    if choice in ("neurons", "deltas") and len(layer_choice) > 1:
        layer = st.select_slider("Layer l", list(layer_choice), key=f"{choice}_layer")
    cache = st.session_state.get(DETAIL_CACHE)
    now = time.monotonic()
    if run.playing and cache and cache[0] == (choice, layer) and now - cache[1] < DETAIL_REFRESH_SECONDS:
        fig, caption = cache[2], cache[3]  # an unchanged figure is not redrawn by the browser
    else:
        fig, caption = _detail_figure(run, choice, layer)
        st.session_state[DETAIL_CACHE] = ((choice, layer), now, fig, caption)
    live_chart(fig, f"chart_{choice}", revision(run))
    st.caption(caption)


def _detail_figure(run: Run, choice: str, layer: int) -> tuple:
    net, data, history = run.net, run.data, run.trainer.history
    if choice == "neurons":
        fig = figures.neuron_maps_figure(net, data, layer)
        caption = f"What each unit of hidden layer {layer} computes over the input plane: O^({layer}) = A(I^({layer}))."
    elif choice == "weights":
        fig = figures.weights_figure(net)
        caption = "Row j, column i holds w_ji^(l), the weight from input j to unit i of layer l."
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
    return fig, caption


def downloads(run: Run) -> None:
    """Weights and configuration as JSON, history as CSV (built only when clicked)."""
    cols = st.columns(2)
    cols[0].download_button("Download weights + config (JSON)", partial(session_run.weights_json, run),
                            file_name="backprop-playground-weights.json", mime="application/json",
                            key="download_weights")
    cols[1].download_button("Download history (CSV)", partial(session_run.history_csv, run),
                            file_name="backprop-playground-history.csv", mime="text/csv",
                            key="download_history")


def sidebar_is_stale(session: MutableMapping) -> bool:
    """In a rerun of the main area's fragment alone, whether a control changed (the run takes it in).

    Streamlit can send a sidebar change together with the chart's request for the next film, as
    a rerun of the fragment only; the sidebar and the URL then need a rerun of the whole page.
    """
    alone = not session.pop(PAGE_SYNCED, False)  # the page script sets it just before the fragment
    return alone and session_run.sync_changed(session)[1]


def live(run: Run) -> None:
    """The main area as one fragment: a step reruns only this, not the sidebar.

    While playing, each rerun trains a short film of frames; the chart asks for the next rerun
    when it starts showing the film (see `ui.live_chart`), so no timer is needed.
    """

    st.session_state[PAGE_SYNCED] = True  # the page script has just synced the run with the controls

    @st.fragment
    def frame() -> None:
        if sidebar_is_stale(st.session_state):
            st.rerun(scope="app")
        current = st.session_state[session_run.RUN]
        frames = film(current) if current.playing else None
        run_buttons(current)
        messages(current)
        metrics(current)
        main_views(current, frames)
        detail_view(current)
        downloads(current)

    frame()
