"""The Compare page through AppTest: every preset trains a few epochs from one shared start."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import (
    browser_rerun,
    component_data,
    decode,
    html_tables,
    open_page,
    plotly_specs,
    rerun_asked,
    set_expander,
)
from ui import keys
from ui.compare import views
from ui.compare.presets import PRESETS

PAGE = "app_pages/compare.py"
TRAIN, MORE = keys.cmp_button("train", keys.CMP_RUNS), keys.cmp_button("more", keys.CMP_RUNS)


@pytest.fixture
def compare(app: AppTest) -> AppTest:
    """The Compare page with its run editor opened (it starts folded)."""
    return set_expander(open_page(app, PAGE), keys.CMP_EDITOR)


def _no_problems(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def _panels(spec: dict) -> int:
    """How many panels a chart's figure has (`figures.panel_row`; one for a one-panel figure)."""
    return spec["layout"]["meta"].get("panels", {"count": 1})["count"]


def _same(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a[0] + a[1], b[0] + b[1]))


def test_opens_with_the_first_preset_and_no_results(app):
    at = open_page(app, PAGE)
    assert at.session_state[keys.CMP_EDITOR] is False and _editor_widgets(at) == []  # folded: presets need no edits
    assert "**squared loss**: L = Squared" in at.markdown[-1].value      # the line under it: what each run changes
    compare = set_expander(at, keys.CMP_EDITOR)
    _no_problems(compare)
    assert compare.selectbox(key=keys.CMP_PRESET).value == "loss"
    assert compare.text_input(key=keys.cmp_field(1, "label")).value == "squared loss"
    assert compare.selectbox(key=keys.cmp_field(1, "loss")).value == "squared"
    assert any("Pick a preset" in i.value for i in compare.info)
    assert not plotly_specs(compare)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_trains_from_one_start(compare, preset):
    at = compare
    at.selectbox(key=keys.CMP_PRESET).set_value(preset).run()
    at.number_input(key=keys.CMP_EPOCHS).set_value(4).run()
    at.button(key=TRAIN).click().run()
    _no_problems(at)
    comp = at.session_state[keys.CMP_RUNS]
    assert [r.label for r in comp.runs] == [v.label for v in PRESETS[preset].runs]
    assert all(r.epoch == 4 for r in comp.runs)
    first = comp.runs[0]
    playground = at.session_state[keys.RUN]
    assert all(r.trainer.data is playground.data for r in comp.runs)       # one data set
    assert len({r.trainer.seed for r in comp.runs}) == 1                   # one shuffling
    for run in comp.runs:
        if run.config.init == first.config.init:                           # one start
            assert _same(run.trainer.initial, first.trainer.initial)
        else:                                                              # the He-init run
            assert "the setting under test" in run.note
    if preset != "deep":  # shallow presets start from the Playground's own network
        assert all(r.fully_shared for r in comp.runs)
        assert _same(first.trainer.initial, playground.trainer.initial)
        assert comp.start_groups() == [[r.label for r in comp.runs]]
    else:                 # other shapes: the first deep run draws, the others copy it
        assert comp.start_groups() == [["sigmoid", "tanh", "ReLU"], ["ReLU, He init"]]
        assert first.note.endswith("copied by tanh, ReLU")
    specs = plotly_specs(at)
    n = len(comp.runs)
    assert at.session_state[keys.CMP_PER_RUN] == PRESETS[preset].view  # the tab that shows what the preset is about
    regions = PRESETS[preset].view == "Decision regions"
    # the three curves' panels, then that tab's: a chart per run's decision regions, or one of gradient-norm panels
    assert len(specs) == 1 + (n if regions else 1)
    assert all(s["layout"]["meta"]["epoch"] == 4 for s in specs)  # each chart says which epoch it shows
    assert _panels(specs[0]) == 3 and all(_panels(s) == (1 if regions else n) for s in specs[1:])
    per_run = [{t["type"] for t in s["data"]} for s in specs[1:]]
    assert per_run == ([{"heatmap"}] * n if regions else [{"scatter"}])
    heatmaps = [t for s in specs[1:] for t in s["data"] if t["type"] == "heatmap"]
    assert all(t["z"]["dtype"] == "f4" for t in heatmaps)
    assert not any(t["type"] == "contour" for s in specs for t in s["data"])
    (table,) = html_tables(at)
    assert [row["run"] for row in table] == [r.label for r in comp.runs]


def test_continue_trains_more_and_the_curves_follow(compare):
    at = compare
    at.number_input(key=keys.CMP_EPOCHS).set_value(3).run()
    first = rerun_asked(at.button(key=TRAIN).click().run())
    browser_rerun(at)
    second = rerun_asked(at.button(key=MORE).click().run())
    assert len(first) == len(second) == 1 and first != second  # a new token for each job: the browser asks again
    browser_rerun(at)
    _no_problems(at)
    comp = at.session_state[keys.CMP_RUNS]
    assert comp.epoch == 6
    curves = plotly_specs(at)[0]["data"]  # the loss: train (in the legend) and test, per run
    train_loss = [t for t in curves if t.get("showlegend")]
    assert len(train_loss) == 2
    np.testing.assert_allclose(decode(train_loss[0]["y"]),
                               comp.runs[0].history.column("train_loss").astype(np.float32))
    assert at.button(key=keys.cmp_button("stop", keys.CMP_RUNS)).disabled


def test_bad_hidden_sizes_give_a_message_not_a_traceback(compare):
    at = compare
    at.text_input(key=keys.cmp_field(1, "hidden_sizes")).input("eight").run()
    at.button(key=TRAIN).click().run()
    assert not at.exception
    assert "hidden sizes must be whole numbers" in at.error[0].value
    at.text_input(key=keys.cmp_field(1, "hidden_sizes")).input("8, 999").run()
    at.button(key=TRAIN).click().run()
    assert not at.exception and "1 to 64 units" in at.error[0].value
    at.text_input(key=keys.cmp_field(1, "hidden_sizes")).input("6, 6").run()
    at.number_input(key=keys.CMP_EPOCHS).set_value(2).run()
    at.button(key=TRAIN).click().run()
    _no_problems(at)
    run = at.session_state[keys.CMP_RUNS].runs[1]
    assert run.net.sizes == [2, 6, 6, 1] and not run.fully_shared
    assert "other hidden sizes" in run.note


def test_a_clashing_preset_says_so(compare):
    """On a regression data set, the loss preset cannot use cross-entropy: it says so and still trains."""
    at = compare
    at.session_state[keys.CONFIG] = {**at.session_state[keys.CONFIG], "dataset": "plane", "loss": "squared",
                                  "output": "linear"}
    at.run()
    at.selectbox(key=keys.CMP_PRESET).set_value("activation").run()
    at.selectbox(key=keys.CMP_PRESET).set_value("loss").run()
    assert not at.exception
    assert "does not suit this data set" in at.error[0].value
    at.number_input(key=keys.CMP_EPOCHS).set_value(2).run()
    at.button(key=TRAIN).click().run()
    _no_problems(at)
    assert [r.config.loss for r in at.session_state[keys.CMP_RUNS].runs] == ["squared", "squared"]


def test_a_new_task_in_the_playground_refits_the_runs_and_keeps_the_users_edits(compare):
    """The runs were filled for two classes; on a three-class data set binary cross-entropy cannot train: the
    columns are fitted to it (as a preset is), the page says so, the user's other edits stay."""
    at = compare
    at.selectbox(key=keys.cmp_field(1, "lr")).set_value(0.1).run()
    at.number_input(key=keys.CMP_EPOCHS).set_value(2).run()
    at.button(key=TRAIN).click().run()
    _no_problems(at)
    at.session_state[keys.CONFIG] = {**at.session_state[keys.CONFIG], "dataset": "blobs3", "loss": "ce",
                                  "output": "softmax"}
    at.run()
    assert not at.exception
    (notice,) = [e.value for e in at.error]
    assert notice.endswith("fitted to it: cross-entropy: L Binary cross-entropy → Cross-entropy; cross-entropy: "
                           "y\\* same → Softmax.")  # as markdown: y\* is y*
    at.button(key=TRAIN).click().run()
    _no_problems(at)
    runs = at.session_state[keys.CMP_RUNS].runs
    assert [r.config.loss for r in runs] == ["ce", "squared"] and runs[0].net.sizes[-1] == 3
    assert runs[1].config.lr == 0.1                                            # the user's edit
    at.run()
    assert not at.error                                                        # said once


def _sweep(at: AppTest, epochs: int) -> None:
    """ξ = 0.01, 0.1, 1, 10, 100 for `epochs` epochs."""
    at.radio(key=keys.CMP_VIEW).set_value("Learning-rate sweep").run()
    at.selectbox(key=keys.CMP_SWEEP_LO).set_value(0.01).run()
    at.selectbox(key=keys.CMP_SWEEP_HI).set_value(100.0).run()
    at.number_input(key=keys.CMP_SWEEP_K).set_value(5).run()
    at.number_input(key=keys.CMP_SWEEP_EPOCHS).set_value(epochs).run()
    at.button(key=keys.cmp_button("train", keys.CMP_SWEEP)).click().run()
    _no_problems(at)


def test_learning_rate_sweep(compare):
    at = compare
    _sweep(at, 3)
    comp = at.session_state[keys.CMP_SWEEP]
    assert [r.config.lr for r in comp.runs] == [0.01, 0.1, 1.0, 10.0, 100.0]
    assert all(_same(r.trainer.initial, comp.runs[0].trainer.initial) for r in comp.runs)
    sweep, curves = plotly_specs(at)
    assert _panels(curves) == 3
    assert all(s["layout"]["meta"]["epoch"] == 3 for s in (sweep, curves))
    assert sweep["layout"]["xaxis"]["type"] == "log"
    x = decode(sweep["data"][0]["x"])
    assert np.allclose(x, [0.01, 0.1, 1.0, 10.0, 100.0][: len(x)], rtol=1e-6)
    at.selectbox(key=keys.CMP_SWEEP_LO).set_value(100.0).run()
    at.button(key=keys.cmp_button("train", keys.CMP_SWEEP)).click().run()
    assert not at.exception and "must be above the lowest" in at.error[0].value


def test_results_survive_a_trip_to_the_playground(compare):
    at = compare
    at.selectbox(key=keys.CMP_PRESET).set_value("lr").run()
    at.number_input(key=keys.CMP_EPOCHS).set_value(2).run()
    at.button(key=TRAIN).click().run()
    at.switch_page("app_pages/playground.py").run()
    at.switch_page(PAGE).run()
    _no_problems(at)
    assert at.selectbox(key=keys.CMP_PRESET).value == "lr"
    assert at.session_state[keys.CMP_RUNS].runs[2].config.lr == 10.0
    assert len(plotly_specs(at)) == 1 + 3  # the curves, each run's decision regions


def test_only_the_open_tab_of_each_runs_views_is_drawn(compare):
    """Each run's decision regions, gradient norms and unit health sit in tabs; only the open one is drawn (its
    figures are built), it follows the preset until the user picks another, and the pick outlasts a job and a page."""
    at = compare
    at.number_input(key=keys.CMP_EPOCHS).set_value(2).run()
    at.button(key=TRAIN).click().run()
    _no_problems(at)
    assert [t.label for t in at.tabs] == ["Decision regions", "Gradient norms", "Unit health"]
    specs = plotly_specs(at)
    assert [t["type"] for s in specs[1:] for t in s["data"]] == ["heatmap", "heatmap"] and len(html_tables(at)) == 1
    at.session_state[keys.CMP_PER_RUN_SHOWN] = "Unit health"  # what the tab's on_change keeps of a click
    at.run()
    assert len(plotly_specs(at)) == 1 and len(html_tables(at)) == 2
    health = html_tables(at)[1]
    assert [row["run"] for row in health] == ["cross-entropy", "squared loss"]
    assert all(row["layer 1"].startswith("A′<0.01: ") for row in health)
    at.button(key=MORE).click().run()
    at.switch_page("app_pages/playground.py").run()
    at.switch_page(PAGE).run()
    _no_problems(at)
    assert at.session_state[keys.CMP_RUNS].epoch == 4 and at.session_state[keys.CMP_PER_RUN] == "Unit health"
    assert len(plotly_specs(at)) == 1 and len(html_tables(at)) == 2
    at.session_state[keys.CMP_PER_RUN_SHOWN] = "Gradient norms"
    at.run()
    curves, grads = plotly_specs(at)
    assert _panels(grads) == 2 and {t["name"] for t in grads["data"]} == {"w^(1)", "w^(2)"}
    at.selectbox(key=keys.CMP_PRESET).set_value("deep").run()    # another preset in the menu: the results keep theirs
    assert at.session_state[keys.CMP_PER_RUN] == "Gradient norms"
    at.selectbox(key=keys.CMP_PRESET).set_value("lr").run()
    assert at.session_state[keys.CMP_PER_RUN] == "Gradient norms"
    at.number_input(key=keys.CMP_EPOCHS).set_value(2).run()
    at.button(key=TRAIN).click().run()                             # its runs trained: its own tab opens
    assert at.session_state[keys.CMP_PER_RUN] == "Decision regions"
    at.session_state[keys.CMP_PER_RUN_SHOWN] = "Unit health"
    at.button(key=TRAIN).click().run()                             # the same preset again: the pick stays
    assert at.session_state[keys.CMP_PER_RUN] == "Unit health"


def test_sweep_marks_diverged_runs(compare):
    at = compare
    at.session_state[keys.CONFIG] = {**at.session_state[keys.CONFIG], "loss": "squared", "output": "linear"}
    _sweep(at, 10)
    comp = at.session_state[keys.CMP_SWEEP]
    diverged = [r.config.lr for r in comp.runs if r.diverged]
    assert diverged == [10.0, 100.0]
    sweep = plotly_specs(at)[0]
    (marks,) = [t for t in sweep["data"] if t["name"] == "diverged"]
    assert np.allclose(decode(marks["x"]), diverged)
    ok = [t for t in sweep["data"] if t["name"] == "train loss"][0]
    assert np.allclose(decode(ok["x"]), [0.01, 0.1, 1.0])


def test_continue_is_off_once_every_run_has_diverged(compare):
    at = compare
    at.session_state[keys.CONFIG] = {**at.session_state[keys.CONFIG], "loss": "squared", "output": "linear"}
    at.radio(key=keys.CMP_VIEW).set_value("Learning-rate sweep").run()
    at.selectbox(key=keys.CMP_SWEEP_LO).set_value(30.0).run()
    at.selectbox(key=keys.CMP_SWEEP_HI).set_value(100.0).run()
    at.number_input(key=keys.CMP_SWEEP_K).set_value(3).run()
    at.number_input(key=keys.CMP_SWEEP_EPOCHS).set_value(50).run()
    browser_rerun(at.button(key=keys.cmp_button("train", keys.CMP_SWEEP)).click().run())
    _no_problems(at)
    assert at.session_state[keys.CMP_SWEEP].all_diverged
    more = at.button(key=keys.cmp_button("more", keys.CMP_SWEEP))
    assert more.disabled and "smaller ξ" in more.help


def test_closing_a_view_stops_its_job_and_says_so(compare):
    """A job trains only while its view is open: closed during it (the switch interrupts the run), it stops where it
    is, once, with a sentence; opening the view again shows its runs so far, with Continue on."""
    at = compare
    _sweep(at, 5)
    browser_rerun(at)
    at.session_state[keys.CMP_JOB] = {"key": keys.CMP_SWEEP, "target": 400, "id": 1}  # as a switch finds it mid-job
    at.radio(key=keys.CMP_VIEW).set_value("Runs side by side").run()
    _no_problems(at)
    assert at.session_state[keys.CMP_JOB] is None and at.session_state[keys.CMP_SWEEP].epoch == 5
    assert [i.value for i in at.info][0] == ("The learning-rate sweep stopped at epoch 5 of 400 when its view was "
                                             "closed (it trains only while on screen); its Continue trains on.")
    at.run()
    assert not any("stopped" in i.value for i in at.info)  # said once
    at.radio(key=keys.CMP_VIEW).set_value("Learning-rate sweep").run()
    _no_problems(at)
    assert at.session_state[keys.CMP_SWEEP].epoch == 5
    assert not at.button(key=keys.cmp_button("more", keys.CMP_SWEEP)).disabled
    # a job of the view that is opened is left alone
    at.session_state[keys.CMP_JOB] = {"key": keys.CMP_SWEEP, "target": 7, "id": 2}
    at.radio(key=keys.CMP_VIEW).set_value("Learning-rate sweep").run()
    assert at.session_state[keys.CMP_SWEEP].epoch == 7


def test_leaving_the_page_stops_its_job_and_says_so_on_return(compare):
    """Another page opened during a job (the switch interrupts the run) stops it where it is; back on Compare, one
    sentence says so and Continue trains on (before, the job waited unseen and went on, with no bar, on return)."""
    at = compare
    _sweep(at, 5)
    browser_rerun(at)
    at.session_state[keys.CMP_JOB] = {"key": keys.CMP_SWEEP, "target": 400, "id": 1}  # as a switch finds it mid-job
    at.switch_page("app_pages/playground.py").run()
    assert not at.exception
    assert at.session_state[keys.CMP_JOB] is None and at.session_state[keys.CMP_SWEEP].epoch == 5
    at.switch_page(PAGE).run()
    _no_problems(at)
    assert [i.value for i in at.info][0] == ("The learning-rate sweep stopped at epoch 5 of 400 when you left the "
                                             "Compare page (it trains only while on screen); its Continue trains on.")
    assert at.session_state[keys.CMP_SWEEP].epoch == 5
    assert not at.button(key=keys.cmp_button("more", keys.CMP_SWEEP)).disabled


@pytest.mark.parametrize(("dataset", "loss", "output", "charts"), [
    ("blobs3", "ce", "softmax", 1 + 2),  # three classes: the loss preset uses cross-entropy with softmax
    ("sine", "squared", "linear", 1 + 1),  # 1-D regression: no decision regions to draw, the gradient norms open
])
def test_other_tasks(compare, dataset, loss, output, charts):
    at = compare
    at.session_state[keys.CONFIG] = {**at.session_state[keys.CONFIG], "dataset": dataset, "loss": loss,
                                  "output": output, "features": ("x1",) if dataset == "sine" else ("x1", "x2")}
    at.run()
    at.selectbox(key=keys.CMP_PRESET).set_value("activation").run()
    at.selectbox(key=keys.CMP_PRESET).set_value("loss").run()
    at.number_input(key=keys.CMP_EPOCHS).set_value(2).run()
    at.button(key=TRAIN).click().run()
    assert not at.exception
    comp = at.session_state[keys.CMP_RUNS]
    assert comp.data.name == dataset and all(r.epoch == 2 for r in comp.runs)
    assert len(plotly_specs(at)) == charts
    if dataset == "sine":  # the loss preset's tab, the decision regions, would be empty: its gradient norms instead
        assert at.session_state[keys.CMP_PER_RUN] == "Gradient norms" and _panels(plotly_specs(at)[1]) == 2
        at.session_state[keys.CMP_PER_RUN_SHOWN] = "Decision regions"
        at.run()
        assert any("Decision regions need points in the plane" in c.value for c in at.caption)
    if dataset == "blobs3":
        assert [r.config.loss for r in comp.runs] == ["ce", "squared"]
        assert comp.runs[0].net.sizes[-1] == 3


def test_editor_changes_reach_the_runs(compare):
    at = compare
    at.selectbox(key=keys.cmp_field(1, "reg")).set_value("l2").run()
    at.selectbox(key=keys.cmp_field(1, "batch_size")).set_value("full").run()
    at.selectbox(key=keys.cmp_field(0, "lr")).set_value(0.1).run()
    at.number_input(key=keys.CMP_EPOCHS).set_value(2).run()
    at.button(key=TRAIN).click().run()
    _no_problems(at)
    comp = at.session_state[keys.CMP_RUNS]
    first, second = comp.runs
    assert first.config.changes_from(comp.base) == {"lr": 0.1} and first.trainer.lr == 0.1
    assert second.config.reg == "l2" and second.config.lam == 0.001 and second.net.lam == 0.001
    assert second.trainer.batch_size is None and second.config.loss == "squared"
    assert _same(first.trainer.initial, second.trainer.initial)


def test_the_charts_fill_in_while_the_job_trains(compare, monkeypatch):
    """The job draws the runs so far after its first chunk, before it has finished; the same run of the script then
    draws the finished runs in charts that take over the drawings' plots by name (updated in place), and asks the
    browser for a rerun once they are drawn, for the buttons as they are without a job; the rerun sends the same
    charts again (the browser leaves them alone) and asks for none."""
    draws, charts = [], []
    real_results, real_chart = views.results, views.chart

    def results(comp, target, draft=""):
        draws.append((draft, comp.epoch, [r.epoch for r in comp.runs]))
        real_results(comp, target, draft)

    def chart(fig, name, draft="", watch_theme=False):
        charts.append((name + draft, fig.to_json()))
        real_chart(fig, name, draft, watch_theme)

    def summary_table(comp, target):
        tabled.append(comp.epoch)
        return real_table(comp, target)

    tabled, real_table = [], views.tables.summary_table
    monkeypatch.setattr(views, "results", results)
    monkeypatch.setattr(views, "chart", chart)
    monkeypatch.setattr(views.tables, "summary_table", summary_table)
    at = compare
    at.selectbox(key=keys.CMP_PRESET).set_value("activation").run()
    at.number_input(key=keys.CMP_EPOCHS).set_value(40).run()
    draws.clear()
    charts.clear()
    tabled.clear()
    runs = []
    real_run_job = views.jobs.run_job
    monkeypatch.setattr(views.jobs, "run_job", lambda *args: runs.append("job") or real_run_job(*args))
    at.button(key=TRAIN).click().run()
    _no_problems(at)
    assert runs == ["job"] and len(rerun_asked(at)) == 1               # not st.rerun(): it would drop unsent charts
    assert at.button(key=MORE).disabled                               # the job's own run: still its buttons
    browser_rerun(at)
    assert runs == ["job", "job"] and rerun_asked(at) == []           # the job's run of the script, then its rerun
    assert draws[0] == ("@1", 2, [2, 2, 2, 2])                    # the first chunk's runs, on screen
    drafts, finished = draws[:-2], draws[-2:]
    assert [d[0] for d in drafts] == [f"@{k}" for k in range(1, len(drafts) + 1)]
    assert all(e < 40 for _, e, _ in drafts) and [e for _, e, _ in drafts] == sorted({e for _, e, _ in drafts})
    assert finished == [("", 40, [40] * 4)] * 2                      # after the job in its run, and in the rerun
    assert tabled == [40, 40]                  # the summary table with the finished runs only: it is slow to draw
    first_curves = json.loads(charts[0][1])
    assert charts[0][0] == "cmp_fig_curves@1"
    assert max(max(decode(t["x"])) for t in first_curves["data"]) == 2
    assert all(k == "cmp_fig_curves" + d for (k, _), (d, _, _) in zip(charts, drafts))  # while training: the curves
    finals = ["cmp_fig_curves", "cmp_fig_grads"]            # the curves' panels, the open tab's (gradient norms)
    assert len(charts) == len(drafts) + 2 * len(finals) and [k for k, _ in charts[-4:]] == finals * 2
    assert charts[-4:-2] == charts[-2:]                    # the rerun's charts are the same figures: left alone
    assert len(plotly_specs(at)) == len(finals) and at.session_state[keys.CMP_JOB] is None
    # each chart takes over the plot its drawing during training left (`adopt`), so the browser updates it in place
    live = component_data(at, "live_plotly_chart")
    assert [d["adopt"] for d in live] == [d["key"] for d in live] == finals
    assert [d["report_theme"] for d in live] == [True, False]  # the first chart watches the theme for the page
    assert all(json.loads(d["frames"][0])["layout"]["uirevision"] == f"{d['key']}:" for d in live)
    # the buttons as they are without a job: Continue on, Stop off
    assert not at.button(key=MORE).disabled and at.button(key=keys.cmp_button("stop", keys.CMP_RUNS)).disabled


def test_the_apps_own_stop_ends_the_job(compare, monkeypatch):
    """Streamlit's Stop (its menu bar) stops the script in a chunk: the job ends there, and the next click
    neither takes it up again nor leaves a progress bar."""
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    from engine.compare import Comparison

    chunks, real_train = [], Comparison.train

    def train(comp, epochs):
        chunks.append(epochs)
        if len(chunks) == 2:
            raise StopException()
        real_train(comp, epochs)

    monkeypatch.setattr(Comparison, "train", train)
    at = compare
    at.number_input(key=keys.CMP_EPOCHS).set_value(5000).run()
    at.button(key=TRAIN).click().run()
    assert not at.exception and at.session_state[keys.CMP_JOB] is None
    epoch = at.session_state[keys.CMP_RUNS].epoch
    assert len(chunks) == 2 and epoch == chunks[0]
    at.run()                                                        # the next click
    _no_problems(at)
    assert len(chunks) == 2 and at.session_state[keys.CMP_RUNS].epoch == epoch
    assert any(f"2 runs, epoch {epoch}." in m.value for m in at.markdown)
    assert not at.get("progress") and not at.button(key=MORE).disabled


def _editor_widgets(at: AppTest) -> list[str]:
    return [w.key for w in (*at.text_input, *at.selectbox) if w.key and w.key.startswith("cmp_w_run")]


def test_the_editor_folds_away_at_train_and_keeps_its_values(compare):
    """Train folds the editor (its ~40 widgets are not redrawn at every script run while the runs train);
    the values stay, and opening it draws them again; a set-up error leaves it open."""
    at = compare
    at.text_input(key=keys.cmp_field(1, "hidden_sizes")).input("eight").run()
    at.button(key=TRAIN).click().run()
    assert "hidden sizes must be whole numbers" in at.error[0].value
    assert len(_editor_widgets(at)) == 2 * 10                        # still open: two runs, ten fields each
    at.text_input(key=keys.cmp_field(1, "hidden_sizes")).input("").run()
    at.text_input(key=keys.cmp_field(0, "label")).input("my run").run()
    at.number_input(key=keys.CMP_EPOCHS).set_value(2).run()
    at.button(key=TRAIN).click().run()
    _no_problems(at)
    assert at.session_state[keys.CMP_RUNS].runs[0].label == "my run"
    assert at.session_state[keys.CMP_EDITOR] is False and _editor_widgets(at) == []
    at.run()
    assert _editor_widgets(at) == [] and at.session_state[keys.cmp_field(0, "label")] == "my run"
    at.session_state[keys.CMP_EDITOR] = True                         # the user opens it
    at.run()
    assert at.text_input(key=keys.cmp_field(0, "label")).value == "my run"
    at.selectbox(key=keys.cmp_field(1, "lr")).set_value(0.1).run()
    at.button(key=MORE).click().run()                                 # Continue keeps the runs and the editor open
    assert _editor_widgets(at)
    at.button(key=TRAIN).click().run()
    _no_problems(at)
    assert at.session_state[keys.CMP_RUNS].runs[1].trainer.lr == 0.1 and _editor_widgets(at) == []
