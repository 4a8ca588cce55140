"""The Compare page's figures.

Every figure builder is a pure function of a `Comparison` (engine/compare.py) returning a
`go.Figure` built from plain dicts in the shared look of `ui.theme`; nothing here touches
streamlit. Each builder draws one panel (one curve for every run, or one run's decision regions or
gradient norms); `panel_row` joins a row of panels into one figure with one legend, whose panels
the browser lays out to its width (the curves, the gradient norms), and decision regions stay one
figure per run, which the page sets side by side in a row that wraps. A phone gets one to a row.
Figures carry float32 arrays, decision boundaries are heatmaps (not contours), and long histories
are thinned to at most `MAX_POINTS` per trace.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from engine.compare import CompareRun, Comparison
from engine.datasets import Dataset
from ui import plain, theme
from ui.compare import presets
from ui.compare.points import points_image
from ui.playground.figures import plane_grid
from ui.theme import f32, figure

MAX_POINTS = 400
BLOW_UP = 20.0  # a curve this many times above its start is cut off at the top of its panel
EXPLODED = 100.0  # a sweep run whose final loss is this many times its start is marked like a diverged one
GRID = 60
LEGEND = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0}
# a legend row's height at the theme's font, and the legend's own padding with a little room (measured in Chromium:
# one row 29 px, three 67, eight 162)
LEGEND_ROW_PX, LEGEND_PAD_PX = 19, 14
PANEL_PX = 270  # the narrowest a panel of `panel_row` is drawn, its margins included


# --- figures ---------------------------------------------------------------------------------------
def _labels(comp: Comparison) -> list[str]:
    """The runs' labels (typed by the user) as plain text for plotly."""
    return [plain.for_plotly(run.label) for run in comp.runs]


def _thin(n: int) -> np.ndarray:
    """Indices of at most MAX_POINTS rows of n, always keeping the last."""
    if n <= MAX_POINTS:
        return np.arange(n)
    idx = np.unique(np.linspace(0, n - 1, MAX_POINTS).astype(int))
    return idx


def _capped_range(series: list[np.ndarray]) -> list[float] | None:
    """A y-range that fits the tame curves when others blow up far above their start.

    A curve blows up when its peak exceeds `BLOW_UP` × the smallest first value of all curves
    (the runs share their start, so their first values are alike); it then leaves the panel.
    """
    finite = [s[np.isfinite(s)] for s in series]
    finite = [s for s in finite if s.size]
    if not finite:
        return None
    ref = min(float(s[0]) for s in finite)
    peaks = [float(s.max()) for s in finite]
    tame = [p for p in peaks if p <= BLOW_UP * ref]
    if ref <= 0 or not tame or len(tame) == len(peaks):
        return None
    return [0.0, 1.2 * max(tame)]


def _colour(k: int) -> str:
    return theme.RUN_COLOURS[k % len(theme.RUN_COLOURS)]


def _figure(traces: list[dict], height: int, epoch: int, entries: int = 0, per_row: int = 1, bottom: int = 45,
            left: int = 55, **layout) -> go.Figure:
    """The shared look, with a legend of `entries` (`per_row` to a row) below the x-axis title, and the epoch the
    figure shows in `layout.meta.epoch`.

    The rows are fixed (each entry gets 1/per_row of the plot's width, whatever the width), so the bottom margin,
    and the figure with it, grows by exactly their height: a legend never covers the axis title on a phone.
    """
    rows = -(-entries // per_row)
    extra = LEGEND_ROW_PX * rows + (LEGEND_PAD_PX if rows else 0)
    legend = {**LEGEND, "entrywidth": 1 / per_row, "entrywidthmode": "fraction"}
    return figure(traces, height + extra, margin={"l": left, "b": bottom + extra}, legend=legend,
                  showlegend=rows > 0, meta={"epoch": int(epoch), "legend_px": extra}, **layout)


def _epochs(run: CompareRun) -> tuple[np.ndarray, np.ndarray]:
    """The thinned rows of a run's history and their epochs."""
    idx = _thin(len(run.history))
    return idx, run.history.epochs[idx].astype(np.int32)


def ramp(n: int) -> list[str]:
    """n colours from blue through reddish purple to vermillion (for runs ordered by a number, like ξ)."""
    return sample_colorscale(theme.RAMP, list(np.linspace(0.0, 1.0, n)) if n > 1 else [0.0])


def _title(text: str) -> list[dict]:
    """A one-panel figure's title, as an annotation centred above its plot area."""
    return theme.panel_titles(theme.panels(1, 1), [text])


CURVES = ("loss", "metric", "delta")  # the curves of every run over epochs, one figure each


def curve_figure(comp: Comparison, curve: str, colours: list[str] | None = None) -> go.Figure:
    """One curve of every run over epochs: the loss L (train solid, test dotted), the train metric or output δ."""
    colours = colours or [_colour(k) for k in range(len(comp.runs))]
    metric = comp.runs[0].trainer.metric_name
    title = {"loss": "loss L (solid: train, dotted: test)", "metric": f"{metric} (train)",
             "delta": "output ‖δ^(L)‖ per point"}[curve]
    traces: list[dict] = []
    plotted: list[np.ndarray] = []
    for k, (run, label) in enumerate(zip(comp.runs, _labels(comp))):
        h = run.history
        idx, x = _epochs(run)
        if curve == "loss":
            series = [(h.column("train_loss"), None)] + ([(h.column("test_loss"), "dot")] if run.trainer.has_test
                                                         else [])
        elif curve == "metric":
            series = [(h.column("train_metric"), None)]
        else:
            series = [(h.delta_norms[:, -1], None)]
        plotted.append(series[0][0])
        for y, dash in series:
            line = {"color": colours[k], "width": 2} | ({"dash": dash} if dash else {})
            traces.append(dict(
                type="scatter", x=x, y=f32(y[idx]), mode="lines", name=label, showlegend=dash is None,
                legendgroup=label, line=line, hovertemplate=f"{label}<br>epoch %{{x}}: %{{y:.4g}}<extra></extra>",
            ))
    yaxis: dict = {"rangemode": "tozero"}
    capped = _capped_range(plotted) if curve != "metric" else None
    if capped:
        yaxis["range"] = capped
    return _figure(traces, 320, comp.epoch, len(comp.runs), annotations=_title(title),
                   xaxis={"title": {"text": "epoch"}}, yaxis=yaxis)


def can_draw_boundaries(data: Dataset) -> bool:
    """Decision regions need 2-D raw points mapped to the network's inputs (not the real data sets)."""
    return data.has_plane and data.P_train.shape[1] == 2


def _surface(run: CompareRun, data: Dataset, X: np.ndarray) -> np.ndarray:
    """What each grid point is drawn as: P(class 1), the predicted class, or y* for regression."""
    with np.errstate(all="ignore"):
        y = run.net.predict(X)
    if data.task == "multiclass":
        return y.argmax(axis=1).astype(np.float32)
    if data.task == "binary":
        p = y[:, 1] if y.shape[1] == 2 else y[:, 0]
        return np.clip(p, 0.0, 1.0)
    return y[:, 0]


def boundary_figure(comp: Comparison, k: int) -> go.Figure:
    """Run k's final decision regions (a heatmap) under the training points (one image, `ui.compare.points`);
    the first run's has the colour bar."""
    data = comp.data
    run = comp.runs[k]
    gx, gy, P = plane_grid(data, GRID)
    X = data.inputs(P)
    if data.task == "multiclass":
        n = data.n_classes
        scale = [[i / (n - 1) if n > 1 else 0, theme.class_colour(i)] for i in range(n)]
        zrange = {"zmin": 0, "zmax": n - 1}
        title = "class"
    elif data.task == "binary":
        scale, zrange, title = theme.DIVERGING, {"zmin": 0, "zmax": 1}, "y* (class 1)"
    else:
        scale, zrange, title = theme.DIVERGING, {}, "y*"
    z = _surface(run, data, X).reshape(len(gy), len(gx))
    traces = [
        dict(type="heatmap", x=f32(gx), y=f32(gy), z=f32(z), colorscale=scale, opacity=0.75, showscale=(k == 0),
             colorbar={"title": {"text": title}, "len": 0.8, "thickness": 12}, **zrange,
             hovertemplate="%{z:.2f}<extra></extra>"),
    ]
    points = points_image(data.P_train, data.y_train, scale, (gx[0], gx[-1], gy[0], gy[-1]),
                          zrange.get("zmin"), zrange.get("zmax"))
    return _figure(traces, 300, comp.epoch, bottom=20, left=15, annotations=_title(_labels(comp)[k]),
                   images=[points], xaxis=dict(theme.HIDDEN),
                   yaxis={**theme.HIDDEN, "scaleanchor": "x", "scaleratio": 1})


def _norm_range(comp: Comparison) -> tuple[list[float] | None, float]:
    """One log-axis range for every run's ‖∂L/∂w^(l)‖ (so their panels compare), and how many decades it spans."""
    values = np.concatenate([r.history.grad_norms.ravel() for r in comp.runs])
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return None, 0.0
    lo, hi = np.log10(values.min()), np.log10(values.max())
    pad = 0.05 * (hi - lo) + 0.05
    return [float(lo - pad), float(hi + pad)], float(hi - lo)


def grad_norms_figure(comp: Comparison, k: int) -> go.Figure:
    """Run k's per-layer ‖∂L/∂w^(l)‖ over epochs (log scale, zero left out), on a scale shared by all runs."""
    run, label = comp.runs[k], _labels(comp)[k]
    deepest = max(r.net.n_layers for r in comp.runs)
    idx, x = _epochs(run)
    g = run.history.grad_norms[idx]
    traces = [dict(type="scatter", x=x, y=f32(np.where(g[:, l] > 0, g[:, l], np.nan)), mode="lines",
                   name=f"w^({l + 1})", line={"width": 2, "color": theme.layer_colour(l, deepest)},
                   hovertemplate=f"{label}, w^({l + 1})<br>epoch %{{x}}: %{{y:.3g}}<extra></extra>")
              for l in range(g.shape[1])]
    y_range, decades = _norm_range(comp)
    yaxis = {"type": "log", "exponentformat": "power", "dtick": 1 if decades >= 2 else "D2",
             "title": {"text": "‖∂L/∂w^(l)‖"}} | ({"range": y_range} if y_range else {})
    return _figure(traces, 320, comp.epoch, len(traces), per_row=2, left=75, annotations=_title(label),
                   xaxis={"title": {"text": "epoch"}}, yaxis=yaxis)


def panel_row(figs: list[go.Figure]) -> go.Figure:
    """One-panel figures (`_figure`'s, with a title annotation) joined into one figure of panels, with one legend
    (an entry per name, which shows or hides that name in every panel) and `layout.meta.panels` for the browser.

    The browser (ui/live_chart) sets as many panels side by side as its width gives `PANEL_PX` each (the margins
    around a panel included), in rows that wrap; the legend gets as many entries to a row as the panels' own
    legends had in as many panels' width (fewer if its longest name needs it), a panel's title too long for it
    is cut short (the whole of it on hover), and the figure grows to the rows: one panel to a row on a phone.
    Here the panels sit in one row, with the legend of the panel with the most legend rows.
    """
    specs = [f.to_plotly_json() for f in figs]
    base = max(specs, key=lambda spec: spec["layout"]["margin"]["b"])["layout"]
    # traceorder "normal": grouped entries (those with a legendgroup) would wrap earlier and stand further apart
    layout = {**base, "annotations": [], "images": [], "legend": {**base["legend"], "traceorder": "normal"}}
    traces, named = [], {}
    for k, spec in enumerate(specs, start=1):
        ax = theme.ref(k)
        for trace in spec["data"]:
            name = trace.get("legendgroup") or trace.get("name")
            shown = trace.get("showlegend", True) and name not in named
            if shown:
                named[name] = trace.get("name")
            traces.append({**trace, **ax, "legendgroup": name, "showlegend": shown})
        panel = spec["layout"]
        layout[theme.axis_name(k, "x")] = {**panel["xaxis"], "anchor": ax["yaxis"]}
        layout[theme.axis_name(k, "y")] = {**panel["yaxis"], "anchor": ax["xaxis"]} | (
            {"scaleanchor": ax["xaxis"]} if "scaleanchor" in panel["yaxis"] else {})  # a map keeps its aspect
        layout["annotations"] += [{**note, "xref": f"{ax['xaxis']} domain", "yref": f"{ax['yaxis']} domain",
                                   "x": 0.5, "y": 1} for note in panel.get("annotations", [])]
        layout["images"] += [{**image, "xref": ax["xaxis"], "yref": ax["yaxis"]} for image in panel.get("images", [])]
    margin, meta = base["margin"], base["meta"]
    below = margin["b"] - meta["legend_px"]  # the x-axis's ticks and title
    layout["meta"] = {**meta, "panels": {
        "count": len(specs), "min": PANEL_PX - margin["l"] - margin["r"], "gapx": margin["l"] + margin["r"],
        "height": base["height"] - margin["t"] - margin["b"], "gapy": margin["t"] + below, "below": below,
        "titles": [note["text"] for note in layout["annotations"]],
        "legend": {"entries": len(named), "per_row": round(1 / base["legend"]["entrywidth"]),
                   "names": list(named.values()), "row": LEGEND_ROW_PX, "pad": LEGEND_PAD_PX}}}
    return go.Figure(data=traces, layout=layout, _validate=False)


def per_run_figures(comp: Comparison, view: str) -> list[go.Figure]:
    """One figure per run for a tab of each run's own views (`presets.PER_RUN_VIEWS`; Unit health is a table)."""
    if view == presets.REGIONS:
        return [boundary_figure(comp, k) for k in range(len(comp.runs))] if can_draw_boundaries(comp.data) else []
    if view == presets.GRADIENTS:
        return [grad_norms_figure(comp, k) for k in range(len(comp.runs))]
    return []


def curve_figures(comp: Comparison, colours: list[str] | None = None) -> list[go.Figure]:
    """The curves of every run over epochs, one figure each (`CURVES`)."""
    return [curve_figure(comp, curve, colours) for curve in CURVES]


def result_figures(comp: Comparison, view: str) -> list[go.Figure]:
    """The figures the page draws for finished runs: the curves' panels, then the open tab `view`'s figures (the
    gradient norms' panels, or one figure of decision regions per run)."""
    runs = per_run_figures(comp, view)
    return [panel_row(curve_figures(comp))] + ([panel_row(runs)] if view == presets.GRADIENTS else runs)


def sweep_outcomes(comp: Comparison) -> list[str | None]:
    """Per run: None if it trained, else why it is off the chart (diverged, or loss exploded)."""
    out = []
    for run, s in zip(comp.runs, comp.summaries(1.0)):
        start = float(run.history.column("train_loss")[0])
        if s.diverged_at is not None:
            out.append(f"diverged in epoch {s.diverged_at}")
        elif not np.isfinite(s.train_loss) or s.train_loss > EXPLODED * start:
            out.append(f"loss exploded to {s.train_loss:.2g}")
        else:
            out.append(None)
    return out


def sweep_figure(comp: Comparison) -> go.Figure:
    """Final train and test loss against ξ (log axes); diverged runs marked ✕ at the top."""
    lrs = np.array([r.config.lr for r in comp.runs])
    summaries = comp.summaries(1.0)
    train = np.array([s.train_loss for s in summaries])
    test = np.array([s.test_loss for s in summaries])
    outcome = sweep_outcomes(comp)
    bad = np.array([o is not None for o in outcome])
    ok = ~bad
    traces = [dict(type="scatter", x=f32(lrs[ok]), y=f32(train[ok]), mode="lines+markers", name="train loss",
                   line={"color": theme.TRAIN, "width": 2}, marker={"size": 8},
                   hovertemplate="ξ = %{x:.3g}: %{y:.4g}<extra>train</extra>")]
    if comp.runs[0].trainer.has_test:
        traces.append(dict(type="scatter", x=f32(lrs[ok]), y=f32(test[ok]), mode="lines+markers", name="test loss",
                           line={"color": theme.TEST, "width": 2, "dash": "dot"}, marker={"size": 7},
                           hovertemplate="ξ = %{x:.3g}: %{y:.4g}<extra>test</extra>"))
    if bad.any():
        finite = np.concatenate([train[ok], test[ok]])
        finite = finite[np.isfinite(finite)]
        top = float(finite.max()) * 1.5 if finite.size else 1.0
        traces.append(dict(
            type="scatter", x=f32(lrs[bad]), y=f32(np.full(int(bad.sum()), top)), mode="markers+text",
            name="diverged", text=["diverged"] * int(bad.sum()), textposition="bottom center",
            marker={"symbol": "x", "size": 14, "color": theme.ALERT},
            customdata=[o for o in outcome if o is not None],
            hovertemplate="ξ = %{x:.3g}: %{customdata}<extra></extra>"))
    return _figure(traces, 320, comp.epoch, len(traces), per_row=3,
                   xaxis={"type": "log", "title": {"text": "learning rate ξ"}, "exponentformat": "power", "dtick": 1},
                   yaxis={"type": "log", "title": {"text": "loss L after training"}})

