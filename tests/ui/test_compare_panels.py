"""Compare's figures of panels (`figures.panel_row`): one-panel figures joined, with one legend, laid out by the
browser (tests/browser/test_compare_browser.py checks the layout there)."""

from __future__ import annotations

import json

import plotly.io as pio

from engine import make_dataset
from engine.compare import Comparison, Variant
from engine.run_config import RunConfig
from ui import theme
from ui.compare import figures
from ui.compare.presets import GRADIENTS, REGIONS


def _comparison(variants: list[Variant]) -> Comparison:
    comp = Comparison(RunConfig(), make_dataset("xor", n=60, seed=1), variants)
    comp.train(2)
    return comp


def _spec(fig) -> dict:
    return json.loads(pio.to_json(fig, validate=False))


def test_the_curves_are_one_figure_of_three_panels_with_one_legend_entry_a_run():
    comp = _comparison([Variant("sigmoid", {"hidden": "sigmoid"}), Variant("tanh", {"hidden": "tanh"})])
    panels = figures.curve_figures(comp)
    row = _spec(figures.panel_row(panels))
    assert len(row["data"]) == sum(len(f.data) for f in panels)
    for k, panel in enumerate(panels, start=1):  # each panel's traces on its own pair of axes, which anchor each other
        ref = theme.ref(k)
        on_panel = [t for t in row["data"] if (t["xaxis"], t["yaxis"]) == (ref["xaxis"], ref["yaxis"])]
        assert [t["name"] for t in on_panel] == [t.name for t in panel.data]
        layout = row["layout"]
        assert layout[theme.axis_name(k, "x")]["anchor"] == ref["yaxis"]
        assert layout[theme.axis_name(k, "y")]["anchor"] == ref["xaxis"]
        assert layout[theme.axis_name(k, "x")]["title"]["text"] == "epoch"
    # the panels' titles, each above its own panel
    titles = row["layout"]["annotations"]
    assert [a["text"] for a in titles] == [f.layout.annotations[0].text for f in panels]
    assert [(a["xref"], a["yref"], a["x"], a["y"], a["yanchor"]) for a in titles][1] == (
        "x2 domain", "y2 domain", 0.5, 1, "bottom")
    # one legend entry a run, which shows or hides that run in every panel; in the order of the runs
    shown = [t["name"] for t in row["data"] if t["showlegend"]]
    assert shown == ["sigmoid", "tanh"]
    assert all(t["legendgroup"] == t["name"] for t in row["data"])
    assert row["layout"]["legend"]["traceorder"] == "normal"
    meta = row["layout"]["meta"]
    margin = row["layout"]["margin"]
    assert meta["epoch"] == 2 and meta["panels"] == {
        "count": 3, "min": figures.PANEL_PX - margin["l"] - margin["r"], "gapx": margin["l"] + margin["r"],
        "height": row["layout"]["height"] - margin["t"] - margin["b"], "gapy": margin["t"] + 45, "below": 45,
        "titles": [a["text"] for a in titles],  # for the browser, which cuts one too long for its panel short
        "legend": {"entries": 2, "per_row": 1, "names": ["sigmoid", "tanh"], "row": figures.LEGEND_ROW_PX,
                   "pad": figures.LEGEND_PAD_PX}}


def test_runs_of_other_depths_share_one_legend_of_every_layer():
    comp = _comparison([Variant("shallow", {}), Variant("deep", {"hidden_sizes": (4, 4, 4)})])
    panels = figures.per_run_figures(comp, GRADIENTS)
    row = _spec(figures.panel_row(panels))
    assert [t["name"] for t in row["data"] if t["showlegend"]] == ["w^(1)", "w^(2)", "w^(3)", "w^(4)"]
    deepest = max(panels, key=lambda f: f.layout.margin.b)  # the legend's room is the panel's with the most rows
    assert row["layout"]["margin"]["b"] == deepest.layout.margin.b and row["layout"]["meta"]["panels"]["legend"][
        "entries"] == 4
    assert row["layout"]["yaxis2"]["type"] == "log" and row["layout"]["yaxis2"]["range"] == list(
        panels[1].layout.yaxis.range)


def test_a_maps_images_and_aspect_follow_its_panel():
    comp = _comparison([Variant("a", {}), Variant("b", {"lr": 0.1})])
    row = _spec(figures.panel_row(figures.per_run_figures(comp, REGIONS)))
    assert [(i["xref"], i["yref"]) for i in row["layout"]["images"]] == [("x", "y"), ("x2", "y2")]
    assert [row["layout"][a]["scaleanchor"] for a in ("yaxis", "yaxis2")] == ["x", "x2"]
