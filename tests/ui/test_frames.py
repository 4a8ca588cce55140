"""Play's compact frames (ui.playground.frames) and Pause's rollback (ui.session_run.pause_at).

References are plain numpy written here (the forward pass, the buckets) or a run trained afresh
from the same seed, never the encoder's own helpers.
"""

from __future__ import annotations

import base64

import numpy as np
import pytest

from tests.ui import lecture_math as ref
from ui import keys, session_run, theme
from ui.playground import figures, film, frames


@pytest.fixture
def session() -> dict:
    """A session on the default run (XOR, 2-4-1 sigmoid, bce), trained 5 epochs."""
    session: dict = {}
    session_run.sync(session)
    session_run.step(session, 5)
    return session


def test_quantised_values_come_back_within_half_a_step():
    z = np.linspace(-0.3, 1.3, 1001)
    back = frames.dequantised(frames.unpacked(frames.packed(frames.quantised(z, 0.0, 1.0), "u1"), "u1"), 0.0, 1.0)
    inside = (z >= 0) & (z <= 1)
    assert np.abs(back[inside] - z[inside]).max() <= 0.5 / frames.LEVELS + 1e-12
    assert back[z < 0].max() == 0.0 and back[z > 1].min() == 1.0  # outside the range: clipped to its ends


def test_a_frames_y_star_is_the_networks_prediction_within_the_quantisation_step(session):
    session_run.step(session, 100)  # far enough for y* to cross 0.5 somewhere
    run = session[keys.RUN]
    f = frames.frame(run, False, run.trainer.epoch - 1, resolution=20)
    out = f["out"]
    z = frames.dequantised(frames.unpacked(out["z"], "u1"), out["lo"], out["hi"])
    _, _, grid = figures.plane_grid(run.data, 20)  # the grid's points; y* is computed here by hand
    u = run.data.inputs(grid)
    expected = ref.predictions(run.net.W, run.net.b, "sigmoid", "sigmoid", u)
    assert (out["lo"], out["hi"]) == (0.0, 1.0)
    assert np.abs(z - expected).max() <= 0.5 / frames.LEVELS + 1e-6
    gx, gy, _ = figures.plane_grid(run.data, 20)
    bx, by = frames.line_unpacked(out["bx"], gx[0], gx[-1]), frames.line_unpacked(out["by"], gy[0], gy[-1])
    assert bx.size == by.size > 0  # the y* = 0.5 line, NaN between segments
    assert np.isnan(bx[2::3]).all() and np.isfinite(bx[0::3]).all()
    ex, ey = figures.level_line(gx, gy, expected.reshape(20, 20), 0.5)  # the line through the hand-computed y*
    for got, want, span in ((bx, ex, gx[-1] - gx[0]), (by, ey, gy[-1] - gy[0])):
        assert np.array_equal(np.isnan(got), np.isnan(want))
        assert np.nanmax(np.abs(got - want)) <= span / (2 * frames.LINE_LEVELS) + 1e-9


def test_a_packed_line_comes_back_within_half_a_step_with_its_breaks():
    x = np.array([-1.0, -0.2, np.nan, 0.3, 1.0, np.nan, 2.0])  # the last one outside [-1, 1]: clipped
    back = frames.line_unpacked(frames.line_packed(x, -1.0, 1.0), -1.0, 1.0)
    assert np.array_equal(np.isnan(back), np.isnan(x)) and back[-1] == 1.0
    assert np.nanmax(np.abs(back[:-1] - x[:-1])) <= 1 / frames.LINE_LEVELS


def test_a_frame_holds_the_networks_weights_buckets_and_numbers(session):
    run = session[keys.RUN]
    f = frames.frame(run, False, 3, resolution=20)
    net = f["net"]
    W = np.concatenate([w.ravel() for w in run.net.W])  # every weight is drawn in this small network
    w = frames.unpacked(net["w"], "<f4")
    assert np.allclose(w, W, rtol=1e-6)
    wmax = np.abs(W).max()
    level = np.array([min(sum(abs(v) / wmax > t for t in (0.25, 0.5, 0.75)), 3) for v in W])
    assert frames.unpacked(net["c"], "u1").tolist() == (4 * (W >= 0) + level).tolist()  # sign, then width
    assert np.allclose(frames.unpacked(net["v"], "<f4"), np.concatenate(run.trainer.last.neuron_delta), rtol=1e-6)
    assert net["t"][0] == f"b = {run.net.b[0][0]:+.2f}" and len(net["h"]) == 5
    assert f["e"] == 5 and f["m"][0] == ("Epoch", "5", None)
    painted = frames.frame(run, False, 3, 20, painted=True)  # a painted diagram has no hover: no w, ∂L/∂w, texts
    assert {k: v for k, v in net.items() if k not in ("w", "g", "h")} == painted["net"]
    assert painted["out"] == f["out"] == frames.frame(run, False, 3, 20, plane=figures.plane_grid(run.data, 20))["out"]
    h = run.trainer.history
    assert f["loss"]["x"] == [4, 5]  # the rows after epoch 3
    assert f["loss"]["y"][0] == pytest.approx(list(h.column("train_loss")[-2:]), rel=1e-5)


def test_a_film_spec_places_every_edge_and_names_the_traces(session):
    run = session[keys.RUN]
    base = [figures.network_figure(run.net, run.trainer.last.neuron_delta, None, None, every_bucket=True),
            figures.output_figure(run.net, run.data, True, 20),
            figures.loss_figure(run.trainer.history, run.trainer.metric_name)]
    base[0].add_annotation(text="epoch 5")
    spec = frames.film_spec(run, base, 20)
    xy = frames.unpacked(spec["net"]["xy"], "<f4").reshape(-1, 4)
    assert len(xy) == 2 * 4 + 4 * 1 and set(xy[:, 0]) == {0, 1} and set(xy[:, 2]) == {1, 2}
    assert spec["net"]["names"][1] == "w<sub>12</sub><sup>(1)</sup>"
    assert [base[0].data[k].mode for k in spec["net"]["buckets"]] == ["lines"] * 8
    assert base[0].data[spec["net"]["units"]].name == "units"
    # the bias labels follow the inputs' names on their own trace: the frame's unit labels complete it
    labels = base[0].data[spec["net"]["labels"]]
    assert labels.name == "labels" and list(labels.text) == spec["net"]["fixed"] + [
        t for t in frames.frame(run, False, 0, 20)["net"]["t"] if t]
    assert spec["out"]["kind"] == "plane" and base[1].data[spec["out"]["line"]].name == "y* = 0.5"


def _hex_rgb(colour: str) -> list[int]:
    return [int(colour[k:k + 2], 16) for k in (1, 3, 5)]


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_plays_y_star_map_is_painted_under_the_plot_in_the_heatmaps_colours(session, theme_name):
    run = session[keys.RUN]
    painted = figures.output_figure(run.net, run.data, True, 20, painted=True)
    still = figures.output_figure(run.net, run.data, True, 20)
    names = [t.name for t in painted.data]
    assert "y* = 0.5" not in names and "y* = 0.5" in [t.name for t in still.data]  # the line is painted too
    # the painting lies under the plot's SVG: the plot lets it show through
    clear = theme.TRANSPARENT
    assert painted.layout.paper_bgcolor == painted.layout.plot_bgcolor == clear != still.layout.paper_bgcolor
    assert list(painted.layout.xaxis.range) == list(still.layout.xaxis.range) and not painted.layout.images
    heat = painted.data[0]  # kept for its colour bar, beyond the axis range
    assert min(heat.x) > painted.layout.xaxis.range[1] and (heat.zmin, heat.zmax) == (0.0, 1.0)
    spec = frames.film_spec(run, [figures.network_figure(run.net, run.trainer.last.neuron_delta, None, None,
                                                         every_bucket=True), painted,
                                  figures.loss_figure(run.trainer.history, run.trainer.metric_name)], 20)
    assert spec["out"]["paint"] == figures.map_paint(run.data, run.net, "light")  # outside a page: light
    paint = figures.map_paint(run.data, run.net, theme_name)
    assert paint["opacity"] == still.data[0].opacity
    assert paint["ink"] == (theme.DARK[theme.INK] if theme_name == "dark" else theme.INK)
    lut = np.frombuffer(base64.b64decode(paint["lut"]), np.uint8).reshape(256, 4)
    dark = {k.lower(): v for k, v in theme.DARK.items()} if theme_name == "dark" else {}
    ends = [_hex_rgb(dark.get(c.lower(), c)) for c in (theme.NEGATIVE, theme.NEUTRAL, theme.POSITIVE)]
    assert lut[0, :3].tolist() == ends[0] and lut[255, :3].tolist() == ends[2] and (lut[:, 3] == 255).all()
    assert np.abs(lut[127:129, :3].astype(int).mean(axis=0) - ends[1]).max() <= 1  # the scale's middle, y* = 0.5


def test_plays_diagram_is_painted_from_the_figures_own_styles_and_places(session):
    run = session[keys.RUN]
    fig = figures.network_figure(run.net, run.trainer.last.neuron_delta, None, None, every_bucket=True)
    fig.add_annotation(text="epoch 5")
    before = fig.to_dict()
    paint = frames.paint_network(fig, 2)
    units = next(t for t in before["data"] if t.get("name") == "units")
    labels = next(t for t in before["data"] if t.get("name") == "labels")
    xy = frames.unpacked(paint["units"], "<f4").reshape(-1, 2)
    assert np.allclose(xy, np.column_stack([units["x"], units["y"]])) and len(xy) == 4 + 1  # hidden and output
    spots = frames.unpacked(paint["labels"], "<f4").reshape(-1, 2)
    assert np.allclose(spots, np.column_stack([labels["x"][2:], labels["y"][2:]]))  # below each unit, not the inputs
    assert paint["buckets"] == [[t["line"]["color"], t["line"]["width"], t["opacity"]] for t in before["data"][:8]]
    # what is painted leaves the figure; the inputs, their names and the colour bar stay
    assert all(len(t.x) == 0 for t in fig.data[:8]) and fig.layout.annotations[-1].text == ""
    kept = {t.name: t for t in fig.data}
    assert list(kept["labels"].text) == ["x1", "x2"] and kept["units"].marker.opacity == 0
    assert kept["units"].marker.showscale and len(kept["inputs"].x) == 2
    assert fig.layout.paper_bgcolor == fig.layout.plot_bgcolor == theme.TRANSPARENT  # the painting shows through
    assert list(fig.layout.xaxis.range) == list(before["layout"]["xaxis"]["range"])  # the places paint on these axes


def test_plays_loss_curves_are_painted_from_the_figures_own_points_and_styles(session):
    run = session[keys.RUN]
    session_run.train(run, 5)
    fig = figures.loss_figure(run.trainer.history, run.trainer.metric_name)
    before = {t["name"]: t for t in fig.to_dict()["data"]}
    styles = frames.paint_loss(fig, run)
    h = run.trainer.history
    curves = fig.layout.meta["curves"]
    assert curves["x"] == list(range(run.trainer.epoch + 1))  # every epoch from 0
    for k, name in enumerate(frames.LOSS_SERIES):  # every series, rounded to 6 digits
        assert np.allclose(curves["y"][k], h.column(name), rtol=1e-5)
    assert [s["series"] for s in styles] == [0, 1, 2, 3]
    for style, name in zip(styles, ["train L", "train accuracy", "test L", "test accuracy"]):
        trace = before[name]
        assert (style["colour"], style["width"], style["dash"]) == (trace["line"]["color"], trace["line"]["width"],
                                                                  trace["line"]["dash"])
        assert style["opacity"] == trace.get("opacity", 1)
        assert style["axis"] == ("yaxis2" if trace.get("yaxis") == "y2" else "yaxis")
    # plotly cannot range the axes from empty curves: they are set, and the player widens what it was given
    grow = fig.layout.meta["grow"]
    assert grow["xaxis"] == list(fig.layout.xaxis.range) == [0, max(2 * run.trainer.epoch, 10)]
    losses = np.concatenate([h.column("train_loss"), h.column("test_loss")])
    assert grow["yaxis"] == list(fig.layout.yaxis.range) and grow["yaxis"][0] == 0 and grow["yaxis"][1] > losses.max()
    assert "yaxis2" not in grow and list(fig.layout.yaxis2.range) == [0, 1.02]  # accuracy's fixed range stays
    logged = figures.loss_figure(h, run.trainer.metric_name, log_y=True)
    frames.paint_loss(logged, run)
    low, high = logged.layout.meta["grow"]["yaxis"]  # decades, in plotly's log units
    assert low < np.log10(losses.min()) and high > np.log10(losses.max()) and high - low < 4
    kept = {t.name: t for t in fig.data}  # one empty point each: the legend keeps every curve
    assert all(list(kept[n].x) == [None] for n in before) and fig.layout.paper_bgcolor == theme.TRANSPARENT


def _state(trainer) -> tuple:
    return (trainer.epoch, [w.copy() for w in trainer.net.W], [b.copy() for b in trainer.net.b],
            trainer.rng.bit_generator.state, trainer.history.column("train_loss").copy(), trainer.record.position)


def _same(a: tuple, b: tuple) -> bool:
    return (a[0] == b[0] and all(np.array_equal(x, y) for x, y in zip(a[1] + a[2], b[1] + b[2]))
            and a[3] == b[3] and np.array_equal(a[4], b[4]) and a[5] == b[5])


def test_pause_rolls_the_run_back_to_the_frame_on_screen():
    session: dict = {}
    run = session_run.sync(session)
    session_run.set_playing(session, True)
    shown = {}
    for _ in range(3):  # three films of four frames of 2 epochs, the server training ahead of the screen
        session_run.keep_play_snapshot(session, 4)
        for _ in range(4):
            session_run.train(run, 2)
            shown[run.trainer.epoch] = _state(run.trainer)
    assert run.trainer.epoch == 24
    session_run.pause_at(session, 14)  # the second film's third frame was on screen
    run = session[keys.RUN]
    assert not run.playing and _same(_state(run.trainer), shown[14])
    fresh = session_run.build_run(run.values, {})  # the same run trained straight to epoch 14
    fresh.trainer.run(14)
    assert all(np.array_equal(a, b) for a, b in zip(fresh.net.W, run.net.W))
    session_run.step(session, 2)  # and it trains on from there as the run would have
    assert _same(_state(run.trainer), shown[16])


def test_the_pause_catchers_trigger_rolls_the_run_back_to_its_epoch():
    session: dict = {}
    run = session_run.sync(session)
    session_run.set_playing(session, True)
    shown = {}
    for _ in range(2):
        session_run.keep_play_snapshot(session, 4)
        for _ in range(3):
            session_run.train(run, 2)
            shown[run.trainer.epoch] = _state(run.trainer)
    session[keys.PAUSE_CATCHER] = {"paused": {"epoch": 8, "film": 2}}  # as the click on Pause sends it
    film.pause(session)
    run = session[keys.RUN]
    assert not run.playing and _same(_state(run.trainer), shown[8])


@pytest.mark.parametrize("epoch", [None, "7", True, 25, -1, 3.0])
def test_a_pause_with_no_usable_epoch_stops_where_the_run_is(epoch):
    session: dict = {}
    run = session_run.sync(session)
    session_run.set_playing(session, True)
    session_run.keep_play_snapshot(session, 4)
    session_run.step(session, 10)
    before = _state(run.trainer)
    session_run.pause_at(session, epoch)
    assert not session[keys.RUN].playing and _same(_state(session[keys.RUN].trainer), before)


def test_a_trainer_copy_is_independent():
    session: dict = {}
    run = session_run.sync(session)
    session_run.step(session, 3)
    twin = session_run.trainer_copy(run.trainer)
    before = _state(twin)
    run.trainer.run(5)
    assert _same(_state(twin), before)
    twin.run(5)
    assert _same(_state(twin), _state(run.trainer))
