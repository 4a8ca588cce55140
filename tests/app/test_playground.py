"""The Playground page through Streamlit's AppTest: controls, run buttons, play, divergence, downloads."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from engine.training import Trainer
from tests.app.conftest import APP, component_data, live_films, metrics, open_page, plotly_specs
from ui import controls, keys, session_run
from ui.playground import film, run_tools, views
from ui.playground.detail import DETAIL_REFRESH_SECONDS, DETAIL_VIEWS

LONGEST_FILM = film.FILM_FRAMES[1]  # read before a test's fixtures change it


def _run(at):
    return at.session_state[keys.RUN]


def test_loads_with_defaults_and_its_charts(app):
    run = _run(app)
    assert run.values == controls.defaults()
    assert metrics(app)["Epoch"] == "0"
    *main, detail = plotly_specs(app)  # network, output and loss: one chart each; then the detail view
    assert [fig["layout"]["meta"]["epoch"] for fig in main] == [0, 0, 0]
    names = [t["name"] for t in main[0]["data"] if t.get("name")]
    assert "inputs" in names and "units" not in names  # the diagram, before any δ: every unit unvalued
    assert main[1]["data"][0]["type"] == "heatmap" and main[2]["layout"]["yaxis"]["title"]["text"] == "loss L"
    assert detail["data"][0]["type"] == "heatmap"
    assert not app.warning and not app.error


def test_every_default_visible_control_is_a_widget_with_the_tables_limits(app):
    hidden = {"output", "lam", "csv_target", "units_2", "units_3", "units_4", "units_5", "units_6"}
    for c in controls.CONTROLS:
        if c.key in hidden or c.section == "Run":
            continue
        if c.kind == "select":
            box = app.selectbox(key=c.key)
            assert box.value == c.default
        elif c.kind in ("int", "lr"):
            box = app.number_input(key=c.key)
            assert box.value == c.default
            assert box.proto.min == c.low and box.proto.max == c.high
        elif c.kind == "float":
            box = app.slider(key=c.key)
            assert box.proto.min == c.low and box.proto.max == c.high
        elif c.kind == "bool":
            assert app.toggle(key=c.key).value == c.default
        elif c.kind == "multi":
            assert tuple(app.multiselect(key=c.key).value) == c.default


def test_run_section_controls_exist(app):
    for key in ("steps", "speed", "max_epochs"):
        c = controls.BY_KEY[key]
        box = app.number_input(key=key)
        assert (box.proto.min, box.proto.max) == (c.low, c.high)


def test_step_one_and_step_n(app):
    app.button(key=keys.STEP_1).click().run()
    assert _run(app).trainer.epoch == 1
    app.number_input(key="steps").set_value(7).run()
    app.button(key=keys.STEP_N).click().run()
    assert _run(app).trainer.epoch == 8
    assert metrics(app)["Epoch"] == "8"
    h = _run(app).trainer.history
    assert list(h.epochs) == list(range(9))


def test_a_steps_run_paints_it_first_on_the_figures_the_charts_hold_then_sends_the_full_ones(app):
    """The step player (hidden, first in the main area) gets the step as one frame, with where it goes on
    the figures the previous run sent; the same run then sends the full figures, whose spec is kept."""
    app.button(key=keys.STEP_1).click().run()
    held = [film[-1] for film in live_films(app)[:3]]  # the charts' figures at epoch 1
    app.button(key=keys.STEP_1).click().run()
    step_player, _ = component_data(app, "live_player")  # the hidden step player, then Play's (the metrics row)
    painting = step_player["film"]
    assert painting["step"] and len(painting["frames"]) == 1 and painting["frames"][0]["e"] == 2
    assert [painting["spec"][view]["traces"] for view in ("net", "out", "loss")] == [len(f["data"]) for f in held]
    figures = [film[-1] for film in live_films(app)[:3]]
    assert all(fig["layout"]["meta"]["epoch"] == 2 for fig in figures)
    spec = app.session_state[keys.STEP_SPEC]["spec"]
    assert [spec[view]["traces"] for view in ("net", "out", "loss")] == [len(f["data"]) for f in figures]
    app.toggle(key=keys.LOG_LOSS).set_value(True).run()  # a run without a step paints nothing
    assert [p["film"] for p in component_data(app, "live_player")] == [None, None]


def _ahead(at) -> dict | None:
    (data,) = component_data(at, "live_step_ahead")
    step_player, _ = component_data(at, "live_player")
    assert data["button"] == keys.STEP_1 and data["run"] == step_player["run"]  # the run it ends, numbered at its start
    return data["film"]


def test_each_rerun_at_rest_ends_with_the_next_epoch_worked_out_ahead_the_step_itself_gives(app):
    """The hidden step-ahead player holds epoch e + 1 from a fork (the run stays at e); clicking Step 1 takes
    the same step on the run: its painting's frame is the one worked out ahead, number for number."""
    app.button(key=keys.STEP_1).click().run()
    run = _run(app)
    params = run.net.params.copy()
    ahead = _ahead(app)
    assert ahead["ahead"] == {"from": 1} and ahead["frames"][0]["e"] == 2
    assert ahead["metrics"] == keys.PLAYER and ahead["frames"][0]["m"][0][:2] == ["Epoch", "2"]
    assert run.trainer.epoch == 1 and np.array_equal(run.net.params, params) and len(run.trainer.history) == 2
    run_number = component_data(app, "live_player")[0]["run"]
    app.button(key=keys.STEP_1).click().run()
    step_player, _ = component_data(app, "live_player")
    assert step_player["film"]["frames"] == ahead["frames"] and step_player["run"] == run_number + 1
    assert _ahead(app)["ahead"]["from"] == 2
    app.number_input(key="max_epochs").set_value(2).run()  # at the epoch limit: no step to work out
    assert _ahead(app) is None
    app.number_input(key="max_epochs").set_value(0).run()
    app.button(key=keys.PLAY).click().run()  # playing: none either
    assert _ahead(app) is None


@pytest.mark.parametrize(
    ("key", "widget", "value"),
    [("dataset", "selectbox", "circles"), ("hidden", "selectbox", "tanh"), ("loss", "selectbox", "squared"),
     ("n_layers", "number_input", 2), ("units_1", "number_input", 6), ("bias", "toggle", False),
     ("init", "selectbox", "he"), ("seed", "number_input", 3), ("noise", "slider", 0.3),
     ("test_percent", "number_input", 20), ("n_points", "number_input", 200),
     ("standardize", "toggle", False)],
)
def test_structural_changes_start_a_new_network(app, key, widget, value):
    app.button(key=keys.STEP_1).click().run()
    before = _run(app)
    getattr(app, widget)(key=key).set_value(value).run()
    assert not app.exception
    after = _run(app)
    assert after is not before and after.trainer.epoch == 0
    assert after.values[key] == value
    assert controls.BY_KEY[key].resets


@pytest.mark.parametrize(
    ("key", "widget", "value"),
    [("lr", "number_input", 0.05), ("batch_mode", "selectbox", "full"), ("reg", "selectbox", "l2")],
)
def test_training_settings_keep_the_network(app, key, widget, value):
    app.button(key=keys.STEP_1).click().run()
    before = _run(app)
    weights = [w.copy() for w in before.net.W]
    getattr(app, widget)(key=key).set_value(value).run()
    after = _run(app)
    assert after is before and after.trainer.epoch == 1
    assert all(np.array_equal(a, b) for a, b in zip(weights, after.net.W))
    assert not controls.BY_KEY[key].resets


def test_learning_rate_batch_and_regularization_reach_the_trainer(app):
    app.number_input(key="lr").set_value(0.05).run()
    app.selectbox(key="batch_mode").set_value("sample").run()
    app.selectbox(key="reg").set_value("l1").run()
    app.selectbox(key="lam").set_value(0.01).run()
    run = _run(app)
    assert run.trainer.lr == 0.05 and run.trainer.batch_size == 1
    assert (run.net.reg, run.net.lam) == ("l1", 0.01)


def test_quick_pick_sets_the_learning_rate(app):
    app.button_group(key="lr_pick").set_value(0.03).run()
    assert _run(app).trainer.lr == 0.03
    assert app.number_input(key="lr").value == 0.03


def test_hidden_layer_count_shows_one_size_per_layer(app):
    app.number_input(key="n_layers").set_value(3).run()
    for k in (1, 2, 3):
        app.number_input(key=f"units_{k}").set_value(k + 2).run()
    assert _run(app).net.sizes == [2, 3, 4, 5, 1]
    app.number_input(key="n_layers").set_value(0).run()
    assert _run(app).net.sizes == [2, 1]  # the lecture's single layer


def test_loss_decides_the_output_unit(app):
    app.selectbox(key="loss").set_value("ce").run()
    assert (_run(app).net.output, _run(app).net.sizes[-1]) == ("softmax", 2)
    app.selectbox(key="loss").set_value("squared").run()
    app.selectbox(key="output").set_value("linear").run()
    assert _run(app).net.output == "linear"
    app.selectbox(key="dataset").set_value("spiral3").run()
    assert _run(app).net.sizes[-1] == 3
    app.selectbox(key="dataset").set_value("plane").run()
    run = _run(app)
    assert (run.net.loss_name, run.net.output) == ("squared", "linear")
    assert metrics(app)["Train R²"]


def test_loss_that_does_not_fit_the_task_is_replaced_with_a_note():
    at = _fresh({"dataset": "blobs3", "loss": "bce"})
    assert _run(at).net.loss_name == "ce"
    assert any("does not suit" in i.value for i in at.info)
    assert at.selectbox(key="loss").options == ["Cross-entropy", "Squared"]


def test_reset_draws_new_weights_and_restart_replays(app):
    run = _run(app)
    initial = [w.copy() for w in run.net.W]
    app.button(key=keys.STEP_N).click().run()
    trained = [w.copy() for w in _run(app).net.W]
    app.button(key=keys.RESTART).click().run()
    assert _run(app).trainer.epoch == 0
    assert all(np.array_equal(a, b) for a, b in zip(initial, _run(app).net.W))
    app.button(key=keys.STEP_N).click().run()  # same seed, same shuffles: the same run again
    assert all(np.array_equal(a, b) for a, b in zip(trained, _run(app).net.W))
    app.button(key=keys.RESET).click().run()
    assert _run(app).trainer.epoch == 0
    assert not np.array_equal(initial[0], _run(app).net.W[0])


def _main_chart(at, view: str = "network") -> dict:
    """A main view's chart data: its figure (a dict), under "frames" as a list of one."""
    chart = next(c for c in at.get("bidi_component") if c.proto.id.endswith(f"chart_{view}"))
    return {"frames": [json.loads(f) for f in json.loads(chart.proto.json)["frames"]]}


def _film(at) -> dict | None:
    """The film the player got in the last run (None: no player, or a still page)."""
    players = [c for c in at.get("bidi_component") if c.proto.component_name == "live_player"]
    return json.loads(players[-1].proto.json)["film"] if players else None  # after the hidden step player


def _ask_next(at) -> None:
    """The rerun the player asks for when it starts showing the last film (it reports that film)."""
    at.session_state[keys.PLAYER] = {"shown": {"film": _film(at)["id"], "fps": 20}}
    at.run()


def _epochs(at) -> list[int]:
    return [f["e"] for f in _film(at)["frames"]]


@pytest.fixture
def unhurried(monkeypatch):
    """Films of 4 frames with no time limits, so what they hold does not depend on the machine's speed."""
    monkeypatch.setattr(film, "FILM_SECONDS", 60.0)
    monkeypatch.setattr(film, "FRAME_TRAIN_SECONDS", 60.0)
    monkeypatch.setattr(film, "FILM_FRAMES", (4, 4))
    monkeypatch.setattr(film, "BUSY_LOAD", float("inf"))


def test_play_sends_films_of_speed_epoch_frames_and_pause_stops(app, unhurried):
    app.number_input(key="speed").set_value(3).run()
    app.button(key=keys.PLAY).click().run()  # Play trains and sends the first film
    assert _run(app).playing
    epochs = _epochs(app)
    assert epochs == [3 * k for k in range(1, 5)] and epochs[-1] == _run(app).trainer.epoch
    assert not _film(app)["last"]
    network = _main_chart(app)["frames"][0]  # the base figure: every edge bucket's trace, the first frame's epoch
    assert network["layout"]["meta"]["epoch"] == 3 and [t.get("mode") for t in network["data"][:8]] == ["lines"] * 8
    app.run()  # a rerun the player did not ask for (a toggle, say) sends the same film again
    assert _epochs(app) == epochs and _run(app).trainer.epoch == epochs[-1]
    _ask_next(app)  # the rerun the browser asks for when it starts showing a film
    assert _epochs(app) == [epochs[-1] + 3 * k for k in range(1, 5)]
    assert _main_chart(app)["frames"][0] == network  # the same base, re-sent unchanged (the plot is left alone)
    app.button(key=keys.PAUSE).click().run()  # a Pause the player did not see (as AppTest clicks it)
    stopped = _run(app).trainer.epoch
    assert _film(app) is None and metrics(app)["Epoch"] == str(stopped)
    assert _main_chart(app)["frames"][0]["layout"]["meta"]["epoch"] == stopped
    app.run()
    assert not _run(app).playing and _run(app).trainer.epoch == stopped


def test_a_film_keeps_a_trainer_every_few_frames_so_a_pause_redoes_few(app, unhurried, monkeypatch):
    monkeypatch.setattr(film, "FILM_FRAMES", (40, 40))
    app.button(key=keys.PLAY).click().run()  # 40 frames of 2 epochs: trainers at epochs 0, 32 and 64
    kept = app.session_state[keys.PLAY_SNAPSHOTS][1]
    assert [t.epoch for t in kept] == [2 * film.SNAPSHOT_FRAMES * k for k in range(3)]
    redone = []
    real_run = Trainer.run
    monkeypatch.setattr(Trainer, "run", lambda self, n, *a, **k: (redone.append(n), real_run(self, n, *a, **k))[1])
    session = {key: app.session_state[key] for key in (keys.RUN, keys.PLAY_SNAPSHOTS)}
    session[keys.PAUSE_CATCHER] = {"paused": {"epoch": 62, "film": 1}}  # as the click on Pause sends it
    film.pause(session)
    assert redone == [62 - 32] and session[keys.RUN].trainer.epoch == 62 and not session[keys.RUN].playing


def test_a_pause_lands_anywhere_in_the_film_on_screen_while_the_next_is_trained(app, unhurried, monkeypatch):
    monkeypatch.setattr(film, "FILM_FRAMES", (LONGEST_FILM, LONGEST_FILM))
    app.button(key=keys.PLAY).click().run()
    on_screen = _epochs(app)
    _ask_next(app)  # the player shows the first film while the server trains the second
    session = {key: app.session_state[key] for key in (keys.RUN, keys.PLAY_SNAPSHOTS)}
    session[keys.PAUSE_CATCHER] = {"paused": {"epoch": on_screen[0], "film": 1}}
    film.pause(session)
    assert session[keys.RUN].trainer.epoch == on_screen[0]


def test_on_a_calm_server_each_film_brings_the_open_detail_view_at_least_once_a_second():
    # a film is asked for as the one before starts: films FILM_SHOWN_SECONDS apart, each one
    # refreshing the detail view once DETAIL_REFRESH_SECONDS have passed since the last
    assert DETAIL_REFRESH_SECONDS < film.FILM_SHOWN_SECONDS <= 1.0


def test_a_slow_frame_is_cut_short_and_leaves_no_note(app, unhurried, monkeypatch):
    monkeypatch.setattr(film, "FRAME_TRAIN_SECONDS", 0.0)  # as if every epoch took longer than a frame may
    app.number_input(key="speed").set_value(50).run()
    app.button(key=keys.PLAY).click().run()
    assert _epochs(app) == [1, 2, 3, 4]
    app.button(key=keys.PAUSE).click().run()
    assert not app.session_state[keys.STEP_NOTE]  # "click again to go on" is for clicks, not for play
    assert not any("Trained" in i.value for i in app.info)


def test_a_slow_film_is_cut_short_so_pause_answers_soon(app, monkeypatch):
    monkeypatch.setattr(film, "FILM_SECONDS", 0.0)  # as if the first frame had already taken a film's time
    app.number_input(key="speed").set_value(3).run()
    app.button(key=keys.PLAY).click().run()
    assert _epochs(app) == [3] and not _film(app)["last"]


def test_play_stops_at_the_epoch_limit(app, unhurried):
    app.number_input(key="max_epochs").set_value(100).run()
    app.number_input(key="speed").set_value(40).run()
    app.button(key=keys.PLAY).click().run()  # frames at 40, 80, 100: the film ends early
    run = _run(app)
    assert run.trainer.epoch == 100 and not run.playing
    assert _film(app)["last"]  # the browser shows these frames, asks for no more, then for the final page
    assert _epochs(app) == [40, 80, 100]
    app.run()  # the player's rerun once the last frame is shown
    assert _film(app) is None
    assert any("Stopped at epoch 100, the limit" in i.value for i in app.info)
    assert all(app.button(key=k).disabled for k in ("play", "step1", "stepn"))
    session_run.set_playing(app.session_state, True)
    assert not _run(app).playing  # a click that got through anyway does nothing


def test_a_limit_set_below_the_epoch_stops_there_and_says_so(app):
    app.button(key=keys.STEP_N).click().run()
    app.number_input(key="max_epochs").set_value(4).run()
    assert _run(app).trainer.epoch == 10
    assert any("Stopped at epoch 10, past the limit of 4" in i.value for i in app.info)
    app.number_input(key="max_epochs").set_value(0).run()  # no limit: training goes on
    assert not app.button(key=keys.PLAY).disabled
    app.button(key=keys.STEP_1).click().run()
    assert _run(app).trainer.epoch == 11


def _place(node, key: str, path: tuple = ()) -> tuple | None:
    """Where in the page the container keyed `key` is (its path of child indices), or None."""
    if getattr(getattr(node, "proto", None), "id", "").endswith(f"-{key}"):
        return path
    for index, child in getattr(node, "children", {}).items():
        found = _place(child, key, path + (index,))
        if found is not None:
            return found
    return None


def test_the_main_views_keep_their_place_whatever_appears_above_them(app, unhurried):
    """The browser rebuilds a container that moved from nothing, and a live chart rebuilt loses the
    user's zoom: the timeline (from epoch 1), a rewind's note, a limit's message and Play move nothing."""
    place = _place(app.main, keys.MAIN_VIEWS)
    assert place is not None
    app.button(key=keys.STEP_1).click().run()  # the timeline appears
    assert _place(app.main, keys.MAIN_VIEWS) == place
    app.button(key=keys.STEP_N).click().run()
    app.slider(key=run_tools.timeline_key(_run(app))).set_value(3).run()  # "Showing epoch 3 of 11" and its buttons
    assert app.button(key=keys.TO_LATEST) and _place(app.main, keys.MAIN_VIEWS) == place
    app.button(key=keys.TO_LATEST).click().run()
    app.number_input(key="max_epochs").set_value(5).run()  # "Stopped at epoch 11, past the limit of 5"
    assert any("past the limit" in i.value for i in app.info) and _place(app.main, keys.MAIN_VIEWS) == place
    app.number_input(key="max_epochs").set_value(0).run()
    app.button(key=keys.PLAY).click().run()  # the player in place of the metrics row
    assert _run(app).playing and _place(app.main, keys.MAIN_VIEWS) == place


def test_sync_changed_sees_a_control_the_run_has_not_taken_in():
    session: dict = {}
    run, _ = session_run.sync_changed(session)
    assert session_run.sync_changed(session) == (run, False)
    session["lr"] = 0.125  # a training setting: same network
    assert session_run.sync_changed(session) == (run, True) and run.trainer.lr == 0.125
    assert session_run.sync_changed(session) == (run, False)
    session["n_layers"] = 2  # a structural setting: a new network
    rebuilt, changed = session_run.sync_changed(session)
    assert changed and rebuilt is not run and len(rebuilt.net.W) == 3


def test_a_control_change_in_a_fragment_only_rerun_asks_for_the_whole_page():
    session: dict = {"n_layers": 2}
    session_run.sync(session)  # a full run: the page script syncs, then runs the fragment
    session[keys.PAGE_SYNCED] = True
    assert not views.sidebar_is_stale(session)
    assert not views.sidebar_is_stale(session)  # a fragment rerun, nothing new since the last sync
    session["units_1"] = 6  # arrives with a rerun of the fragment alone
    assert views.sidebar_is_stale(session) and session[keys.RUN].net.sizes[1] == 6


def test_log_scale_gets_the_loss_axis_a_fresh_zoom_and_keeps_the_others(app):
    def revisions():
        layouts = {view: _main_chart(app, view)["frames"][-1]["layout"] for view in film.VIEWS}
        return ({view: layout["uirevision"] for view, layout in layouts.items()},
                {(view, k): v.get("uirevision") for view, layout in layouts.items() for k, v in layout.items()
                 if k[1:5] == "axis"})

    chart_rev, axes = revisions()
    app.toggle(key=keys.LOG_LOSS).set_value(True).run()
    chart_rev_log, axes_log = revisions()
    assert chart_rev_log == chart_rev  # the network and output charts keep a zoom
    changed = {k for k in axes if axes[k] != axes_log[k]}
    assert changed == {("loss", "yaxis")}  # the loss axis starts afresh
    assert axes_log["loss", "yaxis"].startswith(chart_rev["loss"])


def test_divergence_warns_keeps_finite_weights_and_disables_play(app):
    app.selectbox(key="dataset").set_value("plane").run()
    app.selectbox(key="hidden").set_value("relu").run()
    app.selectbox(key="output").set_value("linear").run()
    app.number_input(key="lr").set_value(10.0).run()
    app.button(key=keys.STEP_N).click().run()
    assert not app.exception
    run = _run(app)
    assert run.trainer.divergence is not None
    assert all(np.isfinite(w).all() for w in run.net.W)
    assert any("diverged" in e.value and "lower the learning rate" in e.value for e in app.error)
    assert any(e.value.endswith("the last one whose weights and losses were all finite.") for e in app.error)
    assert app.button(key=keys.PLAY).disabled
    specs = plotly_specs(app)
    assert any(shape.get("type") == "line" for s in specs for shape in s["layout"].get("shapes", []))


def test_downloads_hold_the_network_and_history(app):
    app.button(key=keys.STEP_N).click().run()
    run = _run(app)
    payload = json.loads(session_run.weights_json(run, app.session_state))
    assert payload["epoch"] == 10 and payload["setup"]["config"]["dataset"] == "xor"
    assert np.allclose(payload["network"]["W"][0], run.net.W[0])
    lines = session_run.history_csv(run).strip().splitlines()
    assert lines[0].startswith("epoch,train_loss,test_loss")
    assert len(lines) == 1 + 11
    assert float(lines[-1].split(",")[1]) == pytest.approx(run.trainer.history.column("train_loss")[-1])
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["Download the run (JSON, to load again)", "Download history (CSV)"]


def _fresh(params: dict[str, str]):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.run()
    assert not at.exception
    return at


def test_url_parameters_set_controls_and_bad_ones_get_a_message():
    at = _fresh({"dataset": "circles", "hidden": "tanh", "lr": "99", "n_layers": "9", "nope": "1"})
    run = _run(at)
    assert (run.values["dataset"], run.values["hidden"]) == ("circles", "tanh")
    assert run.values["lr"] == controls.BY_KEY["lr"].default and run.values["n_layers"] == 1
    text = " ".join(w.value for w in at.warning)
    assert "Learning rate ξ must be from 0.0001 to 10" in text
    assert "Hidden layers must be from 0 to 6" in text and "'nope' is not a setting" in text


def test_a_malformed_csv_gets_a_message_and_a_working_page(app):
    app.session_state[keys.CSV_TEXT] = "a,b,target\n1,2\n"
    app.selectbox(key="dataset").set_value("csv").run()
    assert not app.exception
    assert any("line 2 has 2 values but the header has 3 columns" in w.value for w in app.warning)
    assert _run(app).data.name == "xor" and app.selectbox(key="dataset").value == "xor"  # the change is undone


def test_a_good_csv_is_trained(app):
    rows = "\n".join(f"{x:.3f},{y:.3f},{int(x * y > 0)}" for x, y in np.random.default_rng(0).normal(size=(80, 2)))
    app.session_state[keys.CSV_TEXT] = "x1,x2,label\n" + rows
    app.selectbox(key="dataset").set_value("csv").run()
    app.button(key=keys.STEP_1).click().run()
    run = _run(app)
    assert run.data.name == "csv" and run.trainer.epoch == 1 and not app.exception


def test_settings_survive_a_visit_to_another_page(app):
    app.selectbox(key="hidden").set_value("tanh").run()
    app.button(key=keys.STEP_N).click().run()
    run = _run(app)
    open_page(app, "app_pages/compare.py")
    open_page(app, "app_pages/playground.py")
    assert _run(app) is run and run.trainer.epoch == 10
    assert app.selectbox(key="hidden").value == "tanh"


def test_every_activation_and_loss_renders(app):
    for hidden in ("sigmoid", "tanh", "relu", "leaky_relu", "linear"):
        app.selectbox(key="hidden").set_value(hidden).run()
        for loss in ("bce", "ce", "squared"):
            app.selectbox(key="loss").set_value(loss).run()
            app.button(key=keys.STEP_1).click().run()
            assert not app.exception, (hidden, loss)


def test_changed_settings_are_written_to_the_url(app):
    app.selectbox(key="hidden").set_value("tanh").run()
    app.number_input(key="units_1").set_value(8).run()
    assert app.query_params["hidden"] == "tanh" and app.query_params["units_1"] == "8"
    assert "dataset" not in app.query_params  # defaults stay out of the link


def test_a_csv_with_huge_values_gets_a_message_not_a_traceback(app):
    rows = "".join(f"{(-1) ** i * 1.7e308},{i % 2}\n" for i in range(30))
    app.session_state[keys.CSV_TEXT] = "a,y\n" + rows
    app.selectbox(key="dataset").set_value("csv").run()
    assert not app.exception
    assert any("beyond ±1e+100" in w.value for w in app.warning)


def test_duplicate_features_in_a_link_count_once():
    at = _fresh({"features": "x1,x1,x2"})
    assert _run(at).values["features"] == ("x1", "x2") and _run(at).net.sizes[0] == 2


def test_a_loss_forced_by_the_data_is_written_back_and_keeps_the_run(app):
    app.selectbox(key="dataset").set_value("blobs3").run()
    run = _run(app)
    assert run.net.loss_name == "ce" and app.selectbox(key="loss").value == "ce"
    app.button(key=keys.STEP_1).click().run()
    app.button(key=keys.STEP_1).click().run()
    assert _run(app) is run and run.trainer.epoch == 2  # no silent rebuild


def test_a_click_trains_for_a_bounded_time(app):
    run = _run(app)
    session_run.step(app.session_state, 50, budget=0.0)
    assert run.trainer.epoch == 1
    assert "Trained 1 of 50 epochs" in app.session_state[keys.STEP_NOTE]
    app.run()
    assert any("Trained 1 of 50 epochs" in i.value for i in app.info)


@pytest.mark.parametrize(("dataset", "phrase"), [
    ("xor", "0.5 boundary"), ("blobs3", "winning class"), ("plane", "carry their targets"),
    ("sine", "black curve"), ("iris", "predicted class"),
])
def test_the_output_caption_fits_the_data(dataset, phrase):
    at = _fresh({"dataset": dataset})
    assert any(phrase in c.value for c in at.caption)


def test_every_detail_view_chart_carries_the_epoch_it_shows():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"n_layers": "2", "steps": "3"})
    at.run()
    at.button(key=keys.STEP_N).click().run()
    offered = at.button_group(key=keys.DETAIL_VIEW).options  # the views' names as shown
    assert len(offered) == len(DETAIL_VIEWS)
    for view in DETAIL_VIEWS:
        at.button_group(key=keys.DETAIL_VIEW).set_value(view).run()
        assert not at.exception, at.exception
        epochs = [film[-1]["layout"]["meta"]["epoch"] for film in live_films(at)]
        assert epochs and set(epochs) == {3}, (view, epochs)


def test_a_film_covers_the_browsers_wait_for_the_next(app, monkeypatch):
    monkeypatch.setattr(film, "FILM_SECONDS", 60.0)
    monkeypatch.setattr(film, "FRAME_TRAIN_SECONDS", 60.0)
    session = app.session_state
    app.button(key=keys.PLAY).click().run()
    def ask(report: dict) -> int:  # the player's report as its callback takes it, then the rerun it asks for
        session[keys.PLAYER] = {"shown": {"film": _film(app)["id"], **report}}
        film.note_pace(session)
        app.run()
        return len(_film(app)["frames"])

    shown = round(film.FILM_SHOWN_SECONDS * 10)
    for wait_ms, frames in ((100, shown), (1000, 15), (5000, 20)):  # at 10 frames/s: its length, 1.5 × the wait, 2 s
        assert ask({"fps": 10, "wait": wait_ms}) == frames, wait_ms
    assert ask({"fps": 10, "wait": "soon"}) == 20  # not a number: the last wait is kept
    assert ask({"fps": 1000, "wait": -5}) == 20  # implausible: both kept
