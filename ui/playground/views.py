"""The Playground's main area: run buttons, metrics, the six views and downloads."""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from functools import partial

import streamlit as st

from ui import keys, plain, session_run, share
from ui.live_chart import live_chart, live_player, pause_catcher, show_prepared, step_ahead
from ui.playground import detail, film, frames, run_tools, step
from ui.session_run import Run


def run_buttons(run: Run) -> None:
    """Step 1, step N, play/pause, reset and restart, each acting through a callback (a row that wraps)."""
    session = st.session_state
    n = run.values["steps"]
    row = st.container(horizontal=True, key=keys.RUN_BUTTONS)
    limit = ""
    if run.trainer.divergence is not None:
        limit = (f" (training diverged with these settings: lower ξ in the Training section to train on from "
                 f"epoch {run.trainer.epoch}, the last finite one)")
    elif session_run.at_limit(run):
        limit = " (the epoch limit is reached: raise it in the Run section to train on)"
    row.button("Step 1 epoch", key=keys.STEP_1, on_click=step.clicked, args=(session, 1),
               disabled=bool(limit), help=f"One pass over the training data{limit}.")
    row.button(f"Step {n} epochs", key=keys.STEP_N, on_click=step.clicked, args=(session, n),
               disabled=bool(limit), help=f"Set N in the Run section of the sidebar{limit}.")
    # two buttons with their own keys: a click on one can never be replayed as a click on the other
    if run.playing:
        row.button("Pause", icon=":material/pause:", key=keys.PAUSE, on_click=session_run.set_playing,
                   args=(session, False), type="primary", help="Stop after the current frame.")
    else:
        row.button("Play", icon=":material/play_arrow:", key=keys.PLAY, on_click=session_run.set_playing,
                   args=(session, True), type="primary", disabled=bool(limit),
                   help=f"Train continuously; the speed is set in the Run section{limit}.")
    row.button("Reset", key=keys.RESET, on_click=session_run.reset, args=(session,),
               help="New random initial weights, epoch 0.")
    row.button("Restart", key=keys.RESTART, on_click=session_run.restart, args=(session,),
               help="Back to epoch 0 and this run's initial weights, to replay it with another ξ or batch size.")


def messages(run: Run) -> None:
    """Divergence, settings that were rejected, and adjustments made to fit the data (in a container that
    is always there, see `live`)."""
    box = st.container()
    for text in st.session_state.get(keys.PROBLEMS, []):
        box.warning(plain.for_markdown(text), icon=":material/warning:")
    for text in run.notes:
        box.info(plain.for_markdown(text), icon=":material/info:")
    if st.session_state.get(keys.STEP_NOTE) and not run.playing:
        box.info(st.session_state[keys.STEP_NOTE], icon=":material/timer:")
    if run.trainer.divergence is not None:
        box.error(f"{run.trainer.divergence.message} The views show epoch {run.trainer.epoch}, the last one whose "
                  "weights and losses were all finite.", icon=":material/dangerous:")
    if session_run.at_limit(run):
        limit, epoch = run.values["max_epochs"], run.trainer.epoch
        where = "the limit" if epoch == limit else f"past the limit of {limit}"
        box.info(f"Stopped at epoch {epoch}, {where} set in the Run section. Raise it (0: no limit) to train on.",
                 icon=":material/stop_circle:")


MAIN_CHARTS = {"net": "chart_network", "out": "chart_output", "loss": "chart_loss"}  # the players' charts


def metrics(run: Run, shown: dict | None = None) -> None:
    """Epoch, losses and the task's metric, outside the figures, in the player's row (see
    `ui.live_chart.live_player`): at rest the server's numbers; while playing (a film `shown`) the
    player draws them frame by frame with the charts, and a step's painting with its frame."""
    live_player(shown, keys.PLAYER, MAIN_CHARTS, frames.metric_texts(run), on_shown=film.note_pace)


# The main views (and a detail view's charts) side by side while each gets at least VIEW_MIN_PX, fewer
# to a row on a narrower main area (one on a phone); touch targets of at least 40 px on a phone. Keyed
# containers and widgets carry the class "st-key-<key>". A button that a rerun replaced (Play by Pause)
# is not shown beside its successor: Streamlit keeps a keyed element that a rerun displaced on screen,
# marked data-retained, until that run ends.
VIEW_MIN_PX = 270
LAYOUT_CSS = f"""<style>
.st-key-{keys.MAIN_VIEWS} > div, .st-key-{keys.DETAIL_ROW} > div {{
  flex: 1 1 {VIEW_MIN_PX}px; min-width: min({VIEW_MIN_PX}px, 100%); }}
.st-key-{keys.RUN_BUTTONS} [data-retained], .st-key-{keys.STEP_PLAYER}, .st-key-{keys.STEP_AHEAD} {{ display: none; }}
@media (max-width: 640px) {{
  .st-key-{keys.RUN_BUTTONS} button, .st-key-{keys.MAIN_VIEWS} label, .st-key-{keys.DETAIL_VIEW} button {{
    min-height: 40px; }}
}}
</style>"""
VIEW_HEADINGS = ("Network", "What it has learned", "Loss")
TOGGLE_LABELS = ("Colour units by the output O of training point 1", "Show test points", "Log scale")


def main_views(run: Run, playing: bool = False) -> None:
    """The network, what it has learned and the loss, each with its heading, toggle, chart and caption.

    One chart per view, in a row that wraps; while `playing` (a film was just trained), the charts
    hold Play's base figures, on which the player shows the film's frames.
    """
    st.html(LAYOUT_CSS)
    row = st.container(horizontal=True, key=keys.MAIN_VIEWS, gap="medium")
    cells = [row.container(key=f"view_{view}") for view in film.VIEWS]
    toggles = {}
    for cell, heading, label, (key, default) in zip(cells, VIEW_HEADINGS, TOGGLE_LABELS, film.MAIN_TOGGLES.items()):
        cell.subheader(heading)
        toggles[key] = cell.toggle(label, default, key=key)
    # while playing, the charts hold Play's base figures; else this state's (larger for a projector)
    figs = None if playing else share.for_layout(film.main_figures(run, **toggles), st.session_state)
    if figs is not None:
        step.keep(st.session_state, run, figs, toggles)
    colour = ("its output O for the first training point" if toggles[keys.COLOUR_BY_SAMPLE]
              else "its mean |δ| over the last epoch (from the first epoch on)")
    captions = (f"Vermillion (red-orange) edges are positive weights, blue negative, thicker is larger |w|; a "
                f"unit's colour is {colour}, on the scale below. Hover a unit for its bias b, an edge's middle "
                "for w and ∂L/∂w.",
                output_caption(run.data),
                "Train loss should fall; a test loss that rises while the train loss falls means "
                "the network is memorising the training points.")
    for k, (cell, view, caption) in enumerate(zip(cells, film.VIEWS, captions)):
        with cell:  # one chart watches the page's theme for all
            if figs is None:
                text, height = st.session_state[keys.PLAY_BASE]["texts"][k]
                show_prepared(text, f"chart_{view}", height, watch_theme=k == 0)
            else:
                live_chart(figs[k], f"chart_{view}", film.revision(run), watch_theme=k == 0)
            st.caption(caption)


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


RUN_DOWNLOAD = "Download the run (JSON, to load again)"  # the button's label


def downloads(run: Run) -> None:
    """Weights and configuration as JSON, history as CSV (built only when clicked).

    A click does not rerun the page (`on_click="ignore"`): during a rerun the buttons are redrawn
    with new files, and a second click within a moment of the first gave no file."""
    cols = st.columns(2)
    cols[0].download_button(RUN_DOWNLOAD,
                            partial(session_run.weights_json, run, st.session_state),
                            file_name="backprop-playground-weights.json", mime="application/json",
                            key=keys.DOWNLOAD_WEIGHTS, on_click="ignore")
    cols[1].download_button("Download history (CSV)", partial(session_run.history_csv, run),
                            file_name="backprop-playground-history.csv", mime="text/csv",
                            key=keys.DOWNLOAD_HISTORY, on_click="ignore")


def sidebar_is_stale(session: MutableMapping) -> bool:
    """In a rerun of the main area's fragment alone, whether a control changed (the run takes it in).

    Streamlit can send a sidebar change together with the chart's request for the next film, as
    a rerun of the fragment only; the sidebar and the URL then need a rerun of the whole page.
    """
    alone = not session.pop(keys.PAGE_SYNCED, False)  # the page script sets it just before the fragment
    return alone and session_run.sync_changed(session)[1]


def live(run: Run) -> None:
    """The main area as a fragment: a step reruns only this, not the sidebar.

    Inside it, the metrics row is a fragment of its own (`play_area`): while playing, the player
    asks for each next film with a rerun of that alone, so a film costs the server its training and
    frames, not a rerun of the whole main area, and the browser redraws nothing but the player.

    Each part whose number of elements varies (the messages, the run tools with the timeline from
    epoch 1 on) sits in a container of its own, so that what follows keeps its place in the page: the
    browser rebuilds a moved container from nothing, and a live chart rebuilt loses the user's zoom
    (and is drawn afresh) whenever the browser paints before the rerun has sent that chart again.
    """

    st.session_state[keys.PAGE_SYNCED] = True  # the page script has just synced the run with the controls

    @st.fragment(key=keys.MAIN_AREA)
    def main_area() -> None:
        if sidebar_is_stale(st.session_state):
            st.rerun(scope="app")
        current = st.session_state[keys.RUN]
        # first on the page, so that the browser has it long before this run's full figures: a step just
        # taken as one painted frame for the main charts (ui.playground.step; hidden, always there)
        since = st.session_state.pop(keys.STEP_FROM, None)
        painting = step.film_for(st.session_state, current, since)
        run_number = st.session_state[keys.MAIN_RUNS] = st.session_state.get(keys.MAIN_RUNS, 0) + 1
        live_player(painting, keys.STEP_PLAYER, MAIN_CHARTS, [], on_shown=film.note_pace, run=run_number)
        run_buttons(current)
        messages(current)
        st.session_state[keys.MAIN_AREA_RUNNING] = True
        playing = play_area()  # a film was trained: the main charts hold Play's base figures
        if painting is not None:  # the browser paints it, and the metrics, before this run's full figures reach it
            time.sleep(step.HEAD_START_SECONDS)
        pause_catcher(keys.PAUSE_CATCHER, keys.PAUSE, film.pause)  # a Pause reruns this fragment alone
        with st.container():
            run_tools.draw(current)
        main_views(current, playing=playing)
        detail.detail_view(current)
        downloads(current)
        # last, once all else is sent: the next epoch, for the browser to paint at the click on Step 1
        step_ahead(step.ahead_film(st.session_state, current), keys.STEP_AHEAD, MAIN_CHARTS, keys.STEP_1, run_number)

    main_area()


@st.fragment(key=keys.PLAY_AREA)
def play_area() -> bool:
    """The metrics row, or while playing the player with the next film (True: a film was sent).

    Rerun alone (the player asking for the next film), it trains that film and adds the open detail
    view's charts about once a second. In a rerun of the main area (a toggle, say) it sends the last
    film again (`film.sent_before`), which trains nothing and which the player leaves alone. Alone
    with the run no longer playing (it reached the epoch limit or diverged, or a Pause got there
    first), it reruns the page, so that the buttons and messages follow.
    """
    session = st.session_state
    alone = not session.pop(keys.MAIN_AREA_RUNNING, False)
    if alone and (sidebar_is_stale(session) or not session[keys.RUN].playing):
        st.rerun(scope="app")
    current, shown = session[keys.RUN], None
    if current.playing:
        shown = None if alone else film.sent_before(current)
        if shown is None:
            shown = film.film(current)
            shown["charts"] = detail.refreshed_charts(current) if alone else {}
    metrics(current, shown)
    return shown is not None
