"""Compare's views: the preset and editor controls, the buttons, the results of each comparison."""

from __future__ import annotations

import itertools

import streamlit as st

from engine.compare import Comparison
from ui import controls, keys, plain, session_run
from ui.compare import editor, figures, jobs, presets, tables
from ui.compare.editor import kept
from ui.live_chart import preload_plotly, prepared, show_prepared

SWEEP_CHOICES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
VIEWS = ("Runs side by side", "Learning-rate sweep")

BOUNDARY_CAPTIONS = {
    "binary": "Same points, same start: where the final y* crosses 0.5 is each run's decision boundary; "
              "a wide pale band means y* is still unsure there.",
    "multiclass": "Same points, same start: each colour is the class with the largest y*_j; compare "
                  "where the runs draw the borders between classes.",
    "regression": "Same points, same start: the colour is the final y* over the plane; compare how "
                  "closely each run follows the targets.",
}



def buttons(key: str, start, epochs_key: str, label: str) -> None:
    """Train (a new comparison), Continue (more epochs) and Stop, each as wide as its label (a row that wraps)."""
    running, comp = jobs.running(key), st.session_state.get(key)
    diverged = comp is not None and comp.all_diverged
    row = st.container(horizontal=True)
    row.button(label, key=keys.cmp_button("train", key), type="primary", on_click=start)
    row.button(f"Continue (+{int(st.session_state[epochs_key])} epochs)", key=keys.cmp_button("more", key),
               on_click=jobs.more, args=(key, epochs_key), disabled=comp is None or diverged or running,
               help="Every run has diverged: train anew with smaller ξ." if diverged else None)
    row.button("Stop", key=keys.cmp_button("stop", key), on_click=jobs.stop, disabled=not running)


def chart(fig, name: str, draft: str = "", watch_theme: bool = False) -> None:
    """A live chart (`ui.live_chart`) keyed `name` + `draft`: a drawing during training, and the finished
    runs after it, update the plot of that name in place. A figure of panels is as tall as the browser lays it
    out (`figures.panel_row`). The first chart of a view watches the page's theme (`watch_theme`): a new theme
    reruns the page, which draws every chart in it."""
    panels = "panels" in (fig.layout.meta or {})
    show_prepared(prepared(fig, name), name + draft, "content" if panels else fig.layout.height, watch_theme, name)


def panels(figs: list, name: str, draft: str, watch_theme: bool = False) -> None:
    """One-panel figures as one chart of panels (`figures.panel_row`) keyed cmp_fig_<name>."""
    if figs:
        chart(figures.panel_row(figs), f"cmp_fig_{name}", draft, watch_theme)


def chart_row(figs: list, name: str, draft: str) -> None:
    """Charts side by side in a row that wraps (ui/pages.css: one to a row on a phone), keyed cmp_fig_<name>_<k>."""
    row = st.container(horizontal=True, gap="small", key=f"cmp_row_{name}{draft}")
    for k, fig in enumerate(figs):
        with row:
            chart(fig, f"cmp_fig_{name}_{k}", draft)


def results(comp: Comparison, target: float, draft: str = "") -> None:
    """The runs' summary, table and curves, then each run's own views in tabs (chart keys end in `draft` for a
    drawing during training, which has the summary and curves only)."""
    data = comp.data
    groups = comp.start_groups()
    start = ("all start from exactly the same weights" if len(groups) == 1 else
             f"{len(groups[0])} of {len(comp.runs)} start from exactly the same weights "
             "(the last column says why the others cannot)")
    st.markdown(f"**{len(comp.runs)} runs, epoch {comp.epoch}.** All use the same data "
                f"({data.X_train.shape[0]} training and {data.X_test.shape[0]} test points) and the "
                f"same shuffling; {start}.")
    # while training, the curves only: the table and every run's charts would keep the browser busy
    if not draft:
        st.html(tables.html_table(tables.summary_table(comp, target)))
        st.caption("Read across a row: how many epochs each run needed to reach the target on the "
                   "training set, and where its losses ended.")
    panels(figures.curve_figures(comp), "curves", draft, watch_theme=True)
    st.caption("Losses of different L are not on one scale: compare their shapes, the accuracy, and "
               "‖δ^(L)‖, the error signal every backward pass starts from.")
    if draft:
        st.caption("The summary table and each run's decision regions, gradient norms and unit health follow "
                   "when the training ends.")
        return
    per_run_views(comp)


def _regions(comp: Comparison) -> None:
    if not figures.can_draw_boundaries(comp.data):
        st.caption("Decision regions need points in the plane (two raw inputs); this data set has other inputs.")
        return
    chart_row(figures.per_run_figures(comp, presets.REGIONS), "boundaries", "")
    st.caption(BOUNDARY_CAPTIONS[comp.data.task])


def _gradients(comp: Comparison) -> None:
    panels(figures.per_run_figures(comp, presets.GRADIENTS), "grads", "")
    st.caption("One line per weight layer: if ‖∂L/∂w^(1)‖ sits far below ‖∂L/∂w^(L)‖, δ has "
               "vanished on its way back and the first layers hardly move.")


def _health(comp: Comparison) -> None:
    st.html(tables.html_table(tables.health_table(comp)))
    st.caption("Start → now, on the training points: a saturated unit (A′ < 0.01) passes almost no "
               "δ back; a dead ReLU (I ≤ 0 on every point) passes none and never recovers.")


PER_RUN = dict(zip(presets.PER_RUN_VIEWS, (_regions, _gradients, _health)))


def _remember_view() -> None:
    st.session_state[keys.CMP_PER_RUN_SHOWN] = st.session_state[keys.CMP_PER_RUN]


def per_run_views(comp: Comparison) -> None:
    """Each run's own views, one tab each; only the open tab is drawn (a click on another draws that one).

    The open tab is the preset's (`Preset.view`, set by `jobs.start_runs`) until the user picks another, and
    stays while a job trains or another page is open."""
    ss = st.session_state
    ss[keys.CMP_PER_RUN] = ss.get(keys.CMP_PER_RUN_SHOWN, presets.REGIONS)
    for tab, show in zip(st.tabs(presets.PER_RUN_VIEWS, key=keys.CMP_PER_RUN, on_change=_remember_view),
                         PER_RUN.values()):
        if tab.open:
            with tab:
                show(comp)


def sweep_results(comp: Comparison, draft: str = "") -> None:
    """The sweep's final losses against ξ and its curves (chart keys end in `draft`, as in `results`)."""
    chart(figures.sweep_figure(comp), "cmp_fig_sweep", draft, watch_theme=True)
    st.caption("Every ξ started from the same weights: look for the valley — too small a ξ ends high "
               "because it barely moved, too large a ξ overshoots or diverges (✕).")
    colours = figures.ramp(len(comp.runs))
    panels(figures.curve_figures(comp, colours), "sweep_curves", draft)
    st.caption("The same runs over epochs, from blue (smallest ξ) through pink to vermillion (largest): small steps "
               "give smooth, slow curves; large ones fast but jagged, stuck or diverging ones.")


def train_and_show(key: str, show, empty: str) -> None:
    """Any set-up error, then the training job (if one is pending), then the results or a hint; after the results
    of a job that ended in this run of the script, the browser reruns once it has drawn them, for the buttons as
    they are without a job (the charts, unchanged, are left alone).

    The results sit in one placeholder that the job redraws with the runs so far while it trains;
    the progress bar has its own, left empty when no job runs, so the page keeps one layout. The rerun is the
    browser's, not `st.rerun()`: a rerun started here drops whatever the server has not sent yet of this run
    (Streamlit clears its queue), and the finished charts would come only with the rerun, after it had run.
    """
    if st.session_state.get(keys.CMP_ERROR):
        st.error(plain.for_markdown(st.session_state[keys.CMP_ERROR]))
    bar, slot = st.empty(), st.empty()
    drafts = itertools.count(1)

    def draw(comp: Comparison, draft: str) -> None:
        with slot.container():
            show(comp, draft)

    ended = jobs.run_job(key, bar, lambda comp: draw(comp, f"@{next(drafts)}"))
    comp = st.session_state.get(key)
    if comp is None:
        slot.info(empty)
    else:
        with jobs.lock():
            draw(comp, "")
    with bar:  # nothing on screen: plotly.js loads before a click, so the first chart of a job draws at once
        preload_plotly(f"cmp_plotly_{key}", rerun=ended)


def runs_view(run: session_run.Run) -> None:
    task = run.data.task
    first_visit = keys.cmp_field(0, "label") not in st.session_state
    kept(keys.CMP_PRESET, "loss", (*presets.PRESETS, presets.CUSTOM))
    if first_visit:
        editor.load_preset(task)
    else:
        editor.refit(task)
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
    c1.selectbox("Preset", (*presets.PRESETS, presets.CUSTOM), key=keys.CMP_PRESET,
                 on_change=editor.load_preset, args=(task,), persist_state="session",
                 format_func=lambda k: presets.PRESETS[k].title if k in presets.PRESETS else "Your own runs")
    c2.number_input("Runs", 2, editor.MAX_UI_RUNS, step=1, key=kept(keys.CMP_N_RUNS, 2), persist_state="session")
    c3.number_input("Epochs E", 1, 5000, step=50, key=kept(keys.CMP_EPOCHS, 300), persist_state="session")
    c4.number_input("Target accuracy (%)", 50.0, 100.0, step=1.0, key=kept(keys.CMP_TARGET, 95.0),
                    persist_state="session",
                    help="The table counts the epochs until the training accuracy (R² for regression) "
                    "first reaches this.")
    preset = presets.PRESETS.get(st.session_state[keys.CMP_PRESET])
    if preset is not None:
        st.caption(f"**What this preset shows:** {preset.look_for}")
    editor.editor(task)
    st.markdown(editor.run_summaries(int(st.session_state[keys.CMP_N_RUNS])))
    buttons(keys.CMP_RUNS, jobs.start_runs, keys.CMP_EPOCHS, "Train all runs")
    train_and_show(keys.CMP_RUNS, lambda comp, draft: results(comp, st.session_state[keys.CMP_TARGET] / 100, draft),
                   "Pick a preset (or edit the runs) and press **Train all runs**.")


def sweep_view(run: session_run.Run) -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.selectbox("Lowest ξ", SWEEP_CHOICES, key=kept(keys.CMP_SWEEP_LO, 0.001, SWEEP_CHOICES), persist_state="session",
                 format_func=lambda v: f"{v:g}")
    c2.selectbox("Highest ξ", SWEEP_CHOICES, key=kept(keys.CMP_SWEEP_HI, 30.0, SWEEP_CHOICES), persist_state="session",
                 format_func=lambda v: f"{v:g}")
    c3.number_input("Values K", 3, 12, step=1, key=kept(keys.CMP_SWEEP_K, 8), persist_state="session")
    c4.number_input("Epochs E", 1, 2000, step=50, key=kept(keys.CMP_SWEEP_EPOCHS, 100), persist_state="session")
    st.caption("K values of ξ evenly spaced on a log scale, all trained from one initialisation of "
               "the Playground's network.")
    buttons(keys.CMP_SWEEP, jobs.start_sweep, keys.CMP_SWEEP_EPOCHS, "Run the sweep")
    train_and_show(keys.CMP_SWEEP, sweep_results, "Choose the range and press **Run the sweep**.")


VIEW_OF = {VIEWS[0]: keys.CMP_RUNS, VIEWS[1]: keys.CMP_SWEEP}
NAMES = {key: view.lower() for view, key in VIEW_OF.items()}  # "the learning-rate sweep stopped …"


def _left_view() -> None:
    """A job of the view just closed stops where it is."""
    jobs.stop_unless(VIEW_OF[st.session_state[keys.CMP_VIEW]], NAMES)


def left_page() -> None:
    """Another page is open: a job of either view stops where it is (it would wait, unseen, for the page's return)."""
    jobs.stop_unless("", NAMES, "you left the Compare page")


def render() -> None:
    """The page below its introduction: the Playground's configuration, then one of the two views."""
    pg = jobs.playground()
    st.caption(f"Playground's configuration: {controls.BY_KEY['dataset'].format(pg.data.name)} · "
               f"{presets.describe(jobs.base_of(pg))}")
    view = st.radio("View", VIEWS, horizontal=True, key=kept(keys.CMP_VIEW, VIEWS[0], VIEWS),
                    label_visibility="collapsed", persist_state="session", on_change=_left_view)
    if note := st.session_state.pop(keys.CMP_NOTE, None):
        st.info(note)
    if view == VIEWS[0]:
        runs_view(pg)
    else:
        sweep_view(pg)
