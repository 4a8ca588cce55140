"""Figure builders on a known network: what is drawn matches the weights, deltas and history."""

from __future__ import annotations

import json

import numpy as np
import plotly.io as pio
import pytest

from engine import MLP, Trainer, make_dataset
from tests.app.conftest import decode
from ui import session_run, theme
from ui.playground import figures


@pytest.fixture
def known():
    """A 2-3-1 network with hand-set weights and a trained copy's history."""
    net = MLP([2, 3, 1], seed=0)
    W = [np.array([[0.5, -1.0, 0.25], [-0.75, 2.0, 0.0]]), np.array([[1.5], [-0.5], [0.1]])]
    b = [np.array([0.1, -0.2, 0.3]), np.array([-0.4])]
    net.set_params(W, b)
    return net, W, b


def _hover_values(fig, name):
    trace = next(t for t in fig.data if t.name == name)
    return list(trace.hovertext)


def test_network_edges_follow_sign_and_hover_shows_w_and_gradient(known):
    net, W, _ = known
    grads = [np.full_like(w, 0.125) for w in W]
    fig = figures.network_figure(net, None, grads)
    hover = _hover_values(fig, "weights")
    expected = [f"w<sub>{j + 1}{i + 1}</sub><sup>({l + 1})</sup> = {W[l][j, i]:.4g}<br>∂L/∂w = 0.125"
                for l in range(2) for j in range(W[l].shape[0]) for i in range(W[l].shape[1])]
    assert hover == expected
    lines = [t for t in fig.data if t.mode == "lines"]
    n_pos = sum(len(t.x) // 3 for t in lines if t.line.color == figures.POSITIVE)
    n_neg = sum(len(t.x) // 3 for t in lines if t.line.color == figures.NEGATIVE)
    assert n_pos == sum(int((w >= 0).sum()) for w in W) and n_neg == sum(int((w < 0).sum()) for w in W)


def test_network_widest_edge_is_the_largest_weight(known):
    net, W, _ = known
    fig = figures.network_figure(net)
    lines = [t for t in fig.data if t.mode == "lines"]
    widest = max(lines, key=lambda t: t.line.width)
    assert widest.line.color == figures.POSITIVE and len(widest.x) == 3  # only w_22^(1) = 2.0
    assert (widest.x[0], widest.x[1]) == (0, 1)


def test_network_units_coloured_by_mean_abs_delta_and_show_biases(known):
    net, _, b = known
    deltas = [np.array([0.1, 0.2, 0.3]), np.array([0.9])]
    fig = figures.network_figure(net, deltas)
    units = next(t for t in fig.data if t.name == "units")
    inputs = next(t for t in fig.data if t.name == "inputs")  # the inputs carry no value: a plain fill
    assert len(inputs.x) == 2 and inputs.marker.color == theme.WHITE
    colours = decode(units.marker.color)
    assert np.allclose(colours, [0.1, 0.2, 0.3, 0.9])
    assert f"b = {b[0][1]:.4g}" in units.hovertext[1]
    # the bias is named on the diagram, and the colour has a scale saying what it means
    labels = next(t for t in fig.data if t.name == "labels")
    assert list(labels.text) == ["x1", "x2", *(f"b = {v:+.2f}" for v in (*b[0], *b[1]))]
    assert all(y < unit_y for y, unit_y in zip(labels.y, [*inputs.y, *units.y]))  # each below its unit
    assert units.marker.showscale and units.marker.colorbar.title.text == "mean |δ|"
    assert (units.marker.cmin, units.marker.cmax) == (0.0, pytest.approx(0.9))


@pytest.mark.parametrize(("value", "text"), [(0.0, "+0.00"), (-3.084, "-3.08"), (41.2, "+41"), (-999.4, "-999"),
                                             (1234.5, "+1e+03"), (-2.5e7, "-2e+07")])
def test_diagram_numbers_have_a_bounded_width(value, text):
    assert figures.bounded(value) == text and len(text) <= 6


def test_large_networks_name_biases_in_the_hover_only_with_smaller_units():
    small = figures.network_figure(MLP([2, 4, 1]), [np.ones(4), np.ones(1)])
    large = figures.network_figure(MLP([2, 8, 8, 8, 1]), [np.ones(8)] * 3 + [np.ones(1)])
    units = {name: next(t for t in fig.data if t.name == "units") for name, fig in (("s", small), ("l", large))}
    labels = next(t for t in small.data if t.name == "labels")
    assert sum(t.startswith("b = ") for t in labels.text) == 5
    assert not any(t.name == "labels" for t in large.data) and all("bias b = " in h for h in units["l"].hovertext)
    assert units["l"].marker.size < units["s"].marker.size


def test_unit_labels_stand_on_a_halo_of_the_paper_colour_in_both_themes(known):
    net, _, _ = known
    fig = figures.network_figure(net, [np.ones(3), np.ones(1)])
    (labels,) = [t for t in fig.data if t.name == "labels"]
    assert theme.WHITE in labels.textfont.shadow and fig.layout.paper_bgcolor == theme.WHITE
    dark = json.loads(theme.recolour(pio.to_json(fig, validate=False), "dark"))
    halos = {t["textfont"]["shadow"] for t in dark["data"] if t.get("name") == "labels"}
    assert halos and all(theme.DARK_BACKGROUND in h and theme.WHITE not in h for h in halos)
    assert dark["layout"]["paper_bgcolor"] == theme.DARK_BACKGROUND


def test_each_class_in_the_legend_of_a_projection_shows_its_own_colour():
    """Digits: ten classes on their principal components; the legend's markers are the ten class colours."""
    data = make_dataset("digits")
    net = MLP([64, 8, 10], output="softmax", loss="ce", seed=0)
    fig = figures.output_figure(net, data)
    entries = [t for t in fig.data if t.showlegend is not False]
    classes = [t for t in entries if t.name.isdigit()]
    assert [t.name for t in classes] == [str(k) for k in range(10)]
    colours = [t.marker.color for t in classes]
    assert colours == [theme.class_colour(k) for k in range(10)] and len(set(colours)) == 10
    assert [t.name for t in entries if not t.name.isdigit()] == ["train", "test"]
    points = [t for t in fig.data if t.showlegend is False]
    assert [t.name for t in points] == ["train", "test"]
    assert all(len(t.x) == 1 and t.x[0] is None for t in entries)  # the legend's entries draw nothing
    assert fig.layout.legend.title.text == "predicted class"


def test_network_draws_at_most_16_units_per_layer():
    net = MLP([64, 32, 10], output="softmax", loss="ce")
    fig = figures.network_figure(net)  # no values yet: every unit in the plain trace
    units = next(t for t in fig.data if t.name == "inputs")
    assert len(units.x) == 16 + 16 + 10
    assert any("16 of 64 shown" in a.text for a in fig.layout.annotations)


def test_output_heatmap_is_the_prediction_on_the_grid():
    data = make_dataset("xor", n=100, seed=1)
    net = MLP([2, 3, 1], seed=2)
    fig = figures.output_figure(net, data, resolution=20)
    heat = fig.data[0]
    gx, gy, grid = figures.plane_grid(data, 20)
    # independent forward pass: sigmoid(sigmoid(X W1 + b1) W2 + b2)
    X = (grid - data.mean) / data.std

    def sig(z):
        return 1 / (1 + np.exp(-z))

    expected = sig(sig(X @ net.W[0] + net.b[0]) @ net.W[1] + net.b[1])[:, 0].reshape(20, 20)
    assert np.allclose(np.asarray(heat.z), expected, atol=1e-6)
    assert fig.data[1].name == "y* = 0.5"
    n_points = sum(len(t.x) for t in fig.data if t.type == "scatter" and t.mode == "markers")
    assert n_points == 100


def test_level_line_on_a_plane_and_a_circle():
    gx, gy = np.linspace(-1, 1, 41), np.linspace(-1, 1, 41)
    xx, yy = np.meshgrid(gx, gy)
    x, y = figures.level_line(gx, gy, 0.5 + 0.5 * xx - 0.25 * yy, 0.5)  # the line x = y / 2
    ok = ~np.isnan(x)
    assert ok.sum() > 40 and np.allclose(x[ok], y[ok] / 2, atol=1e-12)
    x, y = figures.level_line(gx, gy, xx**2 + yy**2, 0.25)  # circle of radius 0.5
    r = np.hypot(x, y)[~np.isnan(x)]
    assert np.allclose(r, 0.5, atol=0.01)
    assert figures.level_line(gx, gy, np.zeros_like(xx), 0.5)[0].size == 0


def test_output_figure_for_each_kind_of_data():
    for name, sizes, kw in (("spiral3", [2, 4, 3], dict(output="softmax", loss="ce")),
                            ("bumps", [2, 4, 1], dict(output="linear", loss="squared")),
                            ("sine", [1, 4, 1], dict(output="linear", loss="squared")),
                            ("iris", [4, 4, 3], dict(output="softmax", loss="ce"))):
        data = make_dataset(name, n=60)
        fig = figures.output_figure(MLP(sizes, **kw), data)
        assert len(fig.data) >= 2, name
    sine = figures.output_figure(MLP([1, 4, 1], output="linear", loss="squared"), make_dataset("sine", n=60))
    assert sine.data[0].mode == "lines" and len(sine.data[0].x) == 200


def test_weights_heatmaps_hold_w(known):
    net, W, _ = known
    figs = [figures.weights_figure(net, l) for l in (1, 2)]  # one chart per layer
    for l in range(2):
        assert np.allclose(np.asarray(figs[l].data[0].z, dtype=float), W[l], atol=1e-7)
    assert figs[0].data[0].text[1][1] == "2.00"
    assert figs[0].data[0].zmax == figs[1].data[0].zmax == 2.0  # one scale for all layers


def test_loss_curves_hold_the_history_and_mark_divergence():
    trainer = Trainer(MLP([2, 3, 1]), make_dataset("xor", n=60), lr=0.5)
    trainer.run(5)
    h = trainer.history
    fig = figures.loss_figure(h, "accuracy", log_y=True, diverged_at=5)
    train = next(t for t in fig.data if t.name == "train L")
    assert np.allclose(decode(train.y), h.column("train_loss"), rtol=1e-6)
    assert list(train.x) == list(range(6))
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.shapes[0].x0 == 5
    # placed in the figure's frame, where plotly reserves the rows it needs above the plot, also after a resize
    legend = fig.layout.legend
    assert (legend.xref, legend.yref, legend.entrywidth) == ("container", "container", None)


def test_delta_and_gradient_views_match_the_history():
    trainer = Trainer(MLP([2, 3, 3, 1]), make_dataset("circles", n=60), lr=0.5)
    trainer.run(4)
    h = trainer.history
    d = figures.delta_figure(h, 2)
    assert np.allclose(np.asarray(d.data[0].z, dtype=float), h.neuron_delta(1)[1:].T, rtol=1e-6)
    g = figures.grad_norm_figure(h)
    assert len(g.data) == 3 and np.allclose(decode(g.data[2].y), h.grad_norms[1:, 2], rtol=1e-6)
    t = figures.trajectory_figure(h, trainer.net.sizes)
    assert len(t.data) == 2 * 3 + 3 * 3 + 3
    n = figures.neuron_maps_figure(trainer.net, trainer.data, 1, resolution=10)
    tiles = np.asarray(n.data[0].z, dtype=float)
    _, _, grid = figures.plane_grid(trainer.data, 10)
    hidden = trainer.net.forward(trainer.data.inputs(grid)).O[0]
    assert np.allclose(tiles[:10, :10], hidden[:, 0].reshape(10, 10), atol=1e-6)  # unit 1, top left
    assert np.allclose(tiles[:10, 12:22], hidden[:, 1].reshape(10, 10), atol=1e-6)
    assert [a.text for a in n.layout.annotations] == ["unit 1", "unit 2", "unit 3"]


def test_two_sessions_never_share_a_run():
    one, two = {}, {}
    a, b = session_run.sync(one), session_run.sync(two)
    session_run.step(one, 3)
    assert a is not b and a.net is not b.net and b.trainer.epoch == 0
    assert not any(np.shares_memory(x, y) for x, y in zip(a.net.W, b.net.W))


def test_figures_bring_an_empty_template_not_streamlits(known):
    """Streamlit makes its own template plotly's default; its placeholder colours would draw every line black."""
    import streamlit  # noqa: F401  (importing it installs that default)

    net, _, _ = known
    trainer = Trainer(MLP([2, 3, 1]), make_dataset("xor", n=60), lr=0.5)
    trainer.run(3)
    h = trainer.history
    built = [figures.network_figure(net), figures.output_figure(trainer.net, trainer.data),
             figures.loss_figure(h, "accuracy"), figures.weights_figure(net, 1),
             figures.trajectory_figure(h, [2, 3, 1]),
             figures.delta_figure(h, 1), figures.grad_norm_figure(h),
             figures.neuron_maps_figure(trainer.net, trainer.data, 1, resolution=10)]
    for fig in built:
        assert json.loads(pio.to_json(fig, validate=False))["layout"]["template"] == {}
