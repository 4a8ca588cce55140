"""The Playground's loss surface view: each preset opens it without an exception, with its epoch and finite values."""

from __future__ import annotations

import numpy as np
import pytest

from tests.app.conftest import decode, live_films
from ui import keys
from ui.playground.surface_view import PRESETS


def _surface(at) -> dict:
    """The loss surface chart's figure: the detail view's chart, the page's last live chart."""
    spec = live_films(at)[-1][-1]
    assert [t.get("name") for t in spec["data"]][-3:] == ["path", "start", "now"]
    return spec


def _open_surface(at):
    at.button_group(key=keys.DETAIL_VIEW).set_value("surface").run()
    assert not at.exception, at.exception
    return at


def _finite_everywhere(spec: dict) -> None:
    for trace in spec["data"]:
        for name in ("x", "y", "z", "customdata"):
            if name in trace:
                values = decode(trace[name])
                assert np.isfinite(values[~np.isnan(values)]).all() if trace["type"] == "scatter" else \
                    np.isfinite(values).all(), (trace.get("name"), name)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_opens_the_surface_with_its_epoch(app, preset):
    _open_surface(app)
    app.button(key=f"{keys.SURFACE_PRESET}_{preset}").click().run()
    assert not app.exception, app.exception
    run = app.session_state[keys.RUN]
    assert run.net.sizes == [2, 1] and not run.net.bias  # the single unit, no bias
    assert run.trainer.epoch == PRESETS[preset].epochs
    assert run.trainer.lr == PRESETS[preset].values["lr"]
    assert app.session_state[keys.DETAIL_VIEW] == "surface"
    spec = _surface(app)
    assert spec["layout"]["meta"]["epoch"] == PRESETS[preset].epochs
    _finite_everywhere(spec)
    # the sidebar follows the preset (the whole page reran)
    assert app.number_input(key="n_layers").value == 0
    assert app.toggle(key="bias").value is False
    # the path drawn is the recorded (w1, w2) history: the plane is the whole weight space
    path = [t for t in spec["data"] if t.get("name") == "path"][0]
    history = run.trainer.history.snapshots[:, :2]
    np.testing.assert_allclose(decode(path["x"]), history[:, 0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(decode(path["y"]), history[:, 1], rtol=1e-6, atol=1e-6)


def test_the_default_network_offers_the_pca_plane_and_a_slice(app):
    app.button(key=keys.STEP_N).click().run()
    _open_surface(app)
    spec = _surface(app)
    assert spec["layout"]["meta"]["epoch"] == 10
    assert "principal direction" in spec["layout"]["xaxis"]["title"]["text"]
    _finite_everywhere(spec)
    app.button_group(key=keys.SURFACE_PLANE).set_value("slice").run()
    assert not app.exception, app.exception
    spec = _surface(app)
    assert "<sub>" in spec["layout"]["xaxis"]["title"]["text"]  # a weight's name
    app.toggle(key=keys.SURFACE_LOG).set_value(True).run()
    assert not app.exception, app.exception
    spec = _surface(app)
    assert spec["data"][0]["colorbar"]["title"]["text"].startswith("log")
    _finite_everywhere(spec)


def test_a_step_recomputes_the_surface_and_a_rerun_reuses_it(app):
    _open_surface(app)
    first = app.session_state[keys.SURFACE_CACHE][1]
    app.run()
    assert app.session_state[keys.SURFACE_CACHE][1] is first  # same network state: cached
    app.button(key=keys.STEP_1).click().run()
    assert app.session_state[keys.SURFACE_CACHE][1] is not first
    assert _surface(app)["layout"]["meta"]["epoch"] == 1


def test_the_surface_is_not_computed_while_another_view_is_shown(app):
    app.button(key=keys.STEP_1).click().run()
    assert keys.SURFACE_CACHE not in app.session_state


@pytest.mark.parametrize("dataset", ["iris", "plane", "sine", "spiral3"])
def test_the_surface_opens_on_every_kind_of_data(app, dataset):
    app.selectbox(key="dataset").select(dataset).run()
    app.button(key=keys.STEP_N).click().run()
    _open_surface(app)
    spec = _surface(app)
    assert spec["layout"]["meta"]["epoch"] == app.session_state[keys.RUN].trainer.epoch
    _finite_everywhere(spec)
    app.button_group(key=keys.SURFACE_PLANE).set_value("slice").run()
    assert not app.exception, app.exception
    _finite_everywhere(_surface(app))


def test_a_network_with_one_weight_has_no_surface_and_the_page_still_works(app):
    _open_surface(app)
    app.number_input(key="n_layers").set_value(0).run()
    app.toggle(key="bias").set_value(False).run()
    app.selectbox(key="dataset").select("sine").run()  # one input, no bias: the single weight w_11^(1)
    assert not app.exception, app.exception
    assert app.session_state[keys.RUN].net.params.size == 2 and not app.session_state[keys.RUN].net.bias
    assert "surface" not in app.button_group(key=keys.DETAIL_VIEW).options


def test_huge_weights_and_divergence_leave_a_finite_surface(app):
    app.number_input(key="lr").set_value(10.0).run()
    app.selectbox(key="batch_mode").select("sample").run()
    app.button(key=keys.STEP_N).click().run()  # xor, ξ = 10 per sample: weights in the hundreds
    assert abs(app.session_state[keys.RUN].net.params).max() > 50
    _open_surface(app)
    _finite_everywhere(_surface(app))
    app.selectbox(key="dataset").select("plane").run()
    app.selectbox(key="hidden").select("relu").run()
    app.button(key=keys.STEP_N).click().run()  # squared loss, ReLU, ξ = 10: diverges
    assert app.session_state[keys.RUN].trainer.divergence is not None
    assert not app.exception, app.exception
    _finite_everywhere(_surface(app))


def test_playing_with_the_surface_open_sends_frames_and_no_exception(app):
    _open_surface(app)
    app.button(key=keys.PLAY).click().run()
    for _ in range(3):
        app.run()
        assert not app.exception, app.exception
    assert app.session_state[keys.RUN].trainer.epoch > 0
    app.button(key=keys.PAUSE).click().run()
    assert _surface(app)["layout"]["meta"]["epoch"] <= app.session_state[keys.RUN].trainer.epoch


def _preset_run(key: str):
    """The preset's run as the Playground builds it (control table → RunConfig), trained its epochs."""
    from engine import make_dataset
    from ui import controls

    values, problems = controls.validate({c.key: c.default for c in controls.CONTROLS} | PRESETS[key].values)
    assert not problems
    data = make_dataset(values["dataset"], n=values["n_points"], noise=values["noise"],
                        test_fraction=values["test_percent"] / 100, seed=values["seed"],
                        features=values["features"], standardize=values["standardize"])
    trainer = controls.run_config(values, data.task).build(data)
    trainer.run(PRESETS[key].epochs)
    return trainer


def test_each_preset_does_what_its_note_says():
    runs = {key: _preset_run(key) for key in PRESETS}
    best = _preset_run("right")
    best.run(2000)
    floor = best.history.column("train_loss")[-1]  # the bottom of the valley
    loss = {key: t.history.column("train_loss") for key, t in runs.items()}
    paths = {key: t.history.snapshots[:, :2] for key, t in runs.items()}
    steps = {key: np.diff(p, axis=0) for key, p in paths.items()}
    # too small: still far up the slope, having moved little
    assert loss["small"][-1] > floor + 0.03
    start, bottom = paths["small"][0], best.net.params[:2]
    assert np.linalg.norm(paths["small"][-1] - start) < np.linalg.norm(bottom - start) / 3
    # about right: downhill every epoch, ending at the bottom
    assert np.all(np.diff(loss["right"]) < 0) and loss["right"][-1] < floor + 0.005
    # too large: the first step goes uphill, and late steps reverse direction (bouncing), never settling
    assert loss["large"][1] > loss["large"][0]
    late = steps["large"][-10:]
    assert np.mean(np.sum(late[1:] * late[:-1], axis=1) < 0) >= 0.5
    assert loss["large"][-1] > floor + 0.01
    # per-sample SGD: its late epochs wander much further than the full batch's
    wander = {key: np.linalg.norm(steps[key][-20:], axis=1).sum() for key in ("sgd", "right")}
    assert wander["sgd"] > 10 * wander["right"]
