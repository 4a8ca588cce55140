"""Compare's rows of panels: one figure per row (ui/compare/figures.py), laid out for its width by the live chart's
`arrange` (ui/live_chart/live_chart.js, run here in node): side by side where they fit, stacked on a phone."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import plotly.io as pio
import pytest

from engine import make_dataset
from engine.compare import Comparison, Variant
from engine.run_config import RunConfig
from tests.conftest import ROOT
from ui.compare import figures

ACTS = [Variant(a, {"hidden": a}) for a in ("sigmoid", "tanh", "relu", "leaky_relu")]


def _comparison(variants: list[Variant], epochs: int = 3) -> Comparison:
    comp = Comparison(RunConfig(), make_dataset("xor", n=90, seed=2), variants)
    comp.train(epochs)
    return comp


@pytest.fixture(scope="module")
def rows() -> dict:
    return figures.result_figures(_comparison(ACTS))


def test_each_run_is_a_panel_on_its_own_axes(rows):
    for name, n in (("curves", 3), ("boundaries", 4), ("grads", 4)):
        fig = rows[name]
        meta = fig.layout.meta
        assert meta["grid"]["n"] == n and meta["epoch"] == 3 and "sigmoid, tanh, relu, leaky_relu" in meta["label"]
        axes = sorted({(t.xaxis, t.yaxis) for t in fig.data})
        assert axes == sorted([("x", "y")] + [(f"x{k}", f"y{k}") for k in range(2, n + 1)]), name
        refs = [(a.xref, a.yref) for a in fig.layout.annotations]  # a title above each panel, wherever it goes
        assert refs == [("x domain", "y domain")] + [(f"x{k} domain", f"y{k} domain") for k in range(2, n + 1)]
    heat = [t for t in rows["boundaries"].data if t.type == "heatmap"]
    assert [t.showscale for t in heat] == [True, False, False, False]  # one colour bar
    assert [rows["boundaries"].layout[f"yaxis{k if k > 1 else ''}"].scaleanchor for k in (1, 2, 3, 4)] == [
        "x", "x2", "x3", "x4"]


def test_one_legend_names_each_run_and_each_layer_once():
    comp = _comparison([Variant("shallow", {}), Variant("deep", {"hidden_sizes": (4, 4)})])
    curves = figures.curves_figure(comp)
    assert [t.name for t in curves.data if t.showlegend] == ["shallow", "deep"]
    assert {t.legendgroup for t in curves.data} == {"shallow", "deep"}  # a click on a run hides it in every panel
    grads = figures.grad_norms_figure(comp)
    assert [t.name for t in grads.data if t.showlegend] == ["w^(1)", "w^(2)", "w^(3)"]
    assert grads.layout.meta["grid"]["legend"]["entries"] == 3
    # the shared log scale and the layers' colours are those of each run's own panel before
    assert len({t.line.color for t in grads.data if t.name == "w^(1)"}) == 1


def test_the_panels_carry_the_numbers_of_the_runs(rows):
    comp = _comparison(ACTS)
    curves = figures.curves_figure(comp)
    loss = [t for t in curves.data if t.yaxis == "y" and t.showlegend]
    for run, trace in zip(comp.runs, loss):
        np.testing.assert_array_equal(np.asarray(trace.y), run.history.column("train_loss").astype(np.float32))
    delta = [t for t in curves.data if t.yaxis == "y3"]
    np.testing.assert_array_equal(np.asarray(delta[2].y), comp.runs[2].history.delta_norms[:, -1].astype(np.float32))
    grads = figures.grad_norms_figure(comp)
    layer2 = [t for t in grads.data if t.yaxis == "y4" and t.name == "w^(2)"][0]
    np.testing.assert_allclose(np.asarray(layer2.y), comp.runs[3].history.grad_norms[:, 1], rtol=1e-6)


ARRANGE = """
import { arrange } from %s;
const { figure, widths } = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(widths.map((width) => arrange(figure, width))));
"""


def _arranged(fig, widths: list[int]) -> list[dict]:
    """The figure laid out by live_chart.js's `arrange` for each width."""
    script = ("import { createRequire } from 'module'; const require = createRequire(import.meta.url);"
              + ARRANGE % json.dumps((ROOT / "ui" / "live_chart" / "live_chart.js").as_uri()))
    spec = json.loads(pio.to_json(fig, validate=False))
    out = subprocess.run(["node", "--input-type=module", "-e", script], input=json.dumps(
        {"figure": spec, "widths": widths}), capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _boxes(layout: dict, n: int) -> list[tuple[float, float, float, float]]:
    """Each panel's plot area in px (left, top, right, bottom) of a laid-out figure."""
    w = layout["width"] - layout["margin"]["l"] - layout["margin"]["r"]
    h = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    out = []
    for k in range(1, n + 1):
        (x0, x1), (y0, y1) = (layout[f"{a}axis{k if k > 1 else ''}"]["domain"] for a in "xy")
        out.append((x0 * w, (1 - y1) * h, x1 * w, (1 - y0) * h))
    return out


# the main area's width at 1440 × 1000 (sidebar open), 1024 × 768 (open, closed), 390 × 844
WIDTHS = {"desktop": 980, "projector": 565, "projector-closed": 900, "phone": 350}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("name", ["curves", "boundaries", "grads"])
def test_the_browser_lays_the_panels_out_for_its_width(rows, name):
    fig = rows[name]
    grid = fig.layout.meta["grid"]
    left, right, top, bottom = grid["pad"]
    laid = _arranged(fig, list(WIDTHS.values()))
    columns = {}
    for screen, width, out in zip(WIDTHS, WIDTHS.values(), laid):
        layout = out["layout"]
        assert layout["width"] == width and layout["margin"]["l"] == 0
        boxes = _boxes(layout, grid["n"])
        columns[screen] = len({round(b[0]) for b in boxes})
        for i, a in enumerate(boxes):
            # each panel as tall as asked, with its pads inside the figure and clear of every other panel's
            assert a[3] - a[1] == pytest.approx(grid["plot"])
            assert a[0] >= left - 0.01 and a[2] <= width - grid["right"] - right + 0.01 and a[1] >= top - 0.01
            assert a[2] - a[0] >= grid["cell"] - left - right - 0.01, (screen, "squeezed", a)
            for b in boxes[i + 1:]:
                padded = (a[0] - left, a[1] - top, a[2] + right, a[3] + bottom)
                assert min(padded[2], b[2]) - max(padded[0], b[0]) <= 0.01 or \
                    min(padded[3], b[3]) - max(padded[1], b[1]) <= 0.01, (screen, "panels too close", a, b)
        rows_ = -(-grid["n"] // columns[screen])
        legend_rows = -(-grid["legend"]["entries"] // (columns[screen] * grid["legend"]["per_panel"]))
        below = legend_rows * grid["legend"]["row"] + grid["legend"]["gap"] if legend_rows else 0
        assert layout["height"] == rows_ * (top + grid["plot"] + bottom) + below == layout["margin"]["b"] + max(
            b[3] for b in boxes) + bottom
    assert columns["phone"] == 1  # one to a row on a phone, side by side where they fit
    assert columns["desktop"] == min(grid["n"], 3) and columns["projector"] == 2
    assert columns["projector-closed"] == min(grid["n"], 3)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_colour_bar_spans_the_first_panel_right_of_the_panels(rows):
    for out in _arranged(rows["boundaries"], [350, 980]):
        bar = [t["colorbar"] for t in out["data"] if t.get("showscale")]
        (y0, y1) = out["layout"]["yaxis"]["domain"]
        assert len(bar) == 1 and bar[0]["x"] == 1 and bar[0]["xanchor"] == "left"
        assert bar[0]["y"] == pytest.approx((y0 + y1) / 2) and bar[0]["len"] == pytest.approx(0.8 * (y1 - y0))
        assert out["layout"]["margin"]["r"] == figures.COLORBAR_PX
