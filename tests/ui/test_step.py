"""A step painted on the main charts' full figures (ui.playground.step): where the painting goes, and its frame.

References: the figures' own traces (the painting must replace exactly what they draw, in their
styles), the buckets and y* computed here by hand; never the step module's helpers.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.ui import lecture_math as ref
from ui import keys, session_run
from ui.playground import figures, film, frames, step


@pytest.fixture
def session() -> dict:
    """A session on the default run (XOR, 2-4-1 sigmoid, bce) trained 5 epochs, its full figures' spec kept."""
    session: dict = {}
    session_run.sync(session)
    session_run.step(session, 5)
    run = session[keys.RUN]
    toggles = film.main_toggles(session)
    step.keep(session, run, film.main_figures(run, **toggles), toggles)
    return session


def _figures(session):
    return film.main_figures(session[keys.RUN], **film.main_toggles(session))


def test_the_diagrams_painting_replaces_its_edges_and_units_in_their_own_styles(session):
    run = session[keys.RUN]
    network = _figures(session)[0]
    spec = step.spec(run, _figures(session))["net"]
    edges = [k for k, t in enumerate(network.data) if t.mode == "lines"]
    units = next(k for k, t in enumerate(network.data) if t.name == "units")
    assert spec["hide"] == edges + [units] and spec["units"] == units
    wmax = max(np.abs(w).max() for w in run.net.W)
    ys = figures.node_positions(run.net.sizes)[0]
    for k in edges:  # each edge trace's first edge: its weight's bucket, by hand, paints in the trace's style
        trace = network.data[k]
        (x0, x1), (y0, y1) = trace.x[:2], trace.y[:2]
        l, j, i = int(x0), int(np.argmin(np.abs(ys[int(x0)] - y0))), int(np.argmin(np.abs(ys[int(x1)] - y1)))
        w = run.net.W[l][j, i]
        level = next(n for n, edge in enumerate(figures.WIDTH_BUCKETS) if abs(w) / wmax <= edge)
        colour, width, opacity = spec["paint"]["buckets"][4 * (w >= 0) + level]
        assert (colour, width, opacity) == (trace.line.color, trace.line.width, trace.opacity)
    labels = network.data[spec["labels"]]
    assert spec["keep"] == 2 and list(labels.text[:2]) == ["x1", "x2"]  # the inputs' names stay plotly's
    assert all(text.startswith("b = ") for text in labels.text[2:])
    assert network.layout.annotations[spec["note"]].text == "epoch 5"
    assert spec["traces"] == len(network.data)


def test_the_maps_and_losss_paintings_replace_the_heatmap_boundary_and_curves(session):
    run = session[keys.RUN]
    _, output, loss = _figures(session)
    spec = step.spec(run, _figures(session))
    heat = output.data[0]
    assert heat.type == "heatmap"
    np.testing.assert_array_equal(frames.unpacked(spec["out"]["x"], "<f4"), np.asarray(heat.x, dtype=np.float32))
    np.testing.assert_array_equal(frames.unpacked(spec["out"]["y"], "<f4"), np.asarray(heat.y, dtype=np.float32))
    assert [output.data[k].name for k in spec["out"]["hide"]] == ["y* = 0.5"]
    painted = {loss.data[s["trace"]].name: s for s in spec["loss"]["paint"]}
    assert sorted(painted) == sorted(t.name for t in loss.data if t.mode == "lines")
    for style in painted.values():
        trace = loss.data[style["trace"]]
        assert (style["colour"], style["width"], style["dash"]) == (trace.line.color, trace.line.width, trace.line.dash)
        assert style["axis"] == ("yaxis2" if trace.yaxis == "y2" else "yaxis")


def test_a_steps_film_is_one_frame_of_the_new_state(session):
    run = session[keys.RUN]
    step.clicked(session, 1)
    since = session.pop(keys.STEP_FROM)
    assert since == 5 and run.trainer.epoch == 6
    made = step.film_for(session, run, since)
    assert made["step"] and made["last"] and len(made["frames"]) == 1
    assert made["spec"] == session[keys.STEP_SPEC]["spec"]
    f = made["frames"][0]
    assert f["e"] == 6 and f["loss"]["x"] == [6]
    assert f["loss"]["y"][0] == [pytest.approx(run.trainer.history.column("train_loss")[-1], rel=1e-5)]
    gx, gy, grid = figures.plane_grid(run.data, film.MAP_RESOLUTION)
    u = run.data.inputs(grid)
    expected = ref.predictions(run.net.W, run.net.b, "sigmoid", "sigmoid", u)
    z = frames.dequantised(frames.unpacked(f["out"]["z"], "u1"), f["out"]["lo"], f["out"]["hi"])
    assert np.abs(z - expected).max() <= 0.5 / frames.LEVELS + 1e-6


def test_no_painting_without_a_step_or_for_figures_of_another_set_up(session):
    run = session[keys.RUN]
    assert step.film_for(session, run, None) is None
    session[keys.LOG_LOSS] = True  # the charts hold figures built with the linear loss scale
    assert step.film_for(session, run, run.trainer.epoch) is None
    session[keys.LOG_LOSS] = False
    assert step.film_for(session, run, run.trainer.epoch) is not None
    run.playing = True
    assert step.film_for(session, run, run.trainer.epoch) is None


def test_a_step_worked_out_ahead_is_the_lectures_next_epoch_and_leaves_the_run_alone(session):
    """The next epoch by hand (one epoch of mini-batch updates, ∂L/∂w = δ u, on the run's own shuffling),
    against the film's y* map; the run keeps its epoch, weights and generator."""
    run = session[keys.RUN]
    W, b = [w.copy() for w in run.net.W], [v.copy() for v in run.net.b]
    rng_state = run.trainer.rng.bit_generator.state
    made = step.ahead_film(session, run)
    assert made["ahead"] == {"from": 5} and made["frames"][0]["e"] == 6
    assert run.trainer.epoch == 5 and run.trainer.rng.bit_generator.state == rng_state
    assert all(np.array_equal(p, q) for p, q in zip(run.net.W + run.net.b, W + b))
    rng = np.random.default_rng()
    rng.bit_generator.state = rng_state
    X, y = run.data.X_train, run.data.y_train.reshape(-1, 1).astype(float)  # the default run: XOR, 2-4-1
    for batch in np.array_split(rng.permutation(len(X)), range(10, len(X), 10)):
        W, b = ref.batch_step(W, b, "sigmoid", "sigmoid", "bce", X[batch], y[batch], run.trainer.lr)
    gx, gy, grid = figures.plane_grid(run.data, film.MAP_RESOLUTION)
    expected = ref.predictions(W, b, "sigmoid", "sigmoid", run.data.inputs(grid))
    out = made["frames"][0]["out"]
    z = frames.dequantised(frames.unpacked(out["z"], "u1"), out["lo"], out["hi"])
    assert np.abs(z - expected).max() <= 0.5 / frames.LEVELS + 1e-6


def test_no_step_is_worked_out_ahead_while_playing_or_when_the_last_one_took_too_long(session, monkeypatch):
    run = session[keys.RUN]
    run.playing = True
    assert step.ahead_film(session, run) is None
    run.playing = False
    monkeypatch.setattr(step, "AHEAD_MAX_SECONDS", 0.0)
    assert step.ahead_film(session, run) is not None  # it measures what one costs for this set-up
    assert step.ahead_film(session, run) is None
    session[keys.LOG_LOSS] = True  # figures of another set-up: none (and no cost known for it)
    assert step.ahead_film(session, run) is None


def test_the_epochs_axis_ends_at_a_round_number_past_the_next_epoch():
    assert [figures.nice_ceiling(x) for x in (1, 3, 7, 11, 12, 13, 101, 2966)] == [1, 3, 8, 12, 12, 15, 120, 3000]
    for x in np.linspace(1, 5000, 997):  # the curves fill at least 75 % of the axis
        assert x <= figures.nice_ceiling(x) < x / 0.75 + 1e-9
