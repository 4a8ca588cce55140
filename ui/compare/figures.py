"""The Compare page's figures.

Every figure builder is a pure function of a `Comparison` (engine/compare.py) returning a
`go.Figure` built from plain dicts in the shared look of `ui.theme`; nothing here touches
streamlit. Figures carry float32 arrays, decision boundaries are heatmaps (not contours), and
long histories are thinned to at most `MAX_POINTS` per trace.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from engine.compare import CompareRun, Comparison
from engine.datasets import Dataset
from ui import plain, theme
from ui.playground.figures import plane_grid
from ui.theme import f32, figure

MAX_POINTS = 400
BLOW_UP = 20.0  # a curve this many times above its start is cut off at the top of its panel
EXPLODED = 100.0  # a sweep run whose final loss is this many times its start is marked like a diverged one
GRID = 60
LEGEND = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0}


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
    return theme.PALETTE[k % len(theme.PALETTE)]


def _figure(traces: list[dict], height: int, bottom: int = 85, left: int = 55, **layout) -> go.Figure:
    """The shared look; the legend sits in the bottom margin, below the x-axis titles."""
    return figure(traces, height, margin={"l": left, "b": bottom}, legend=LEGEND, **layout)


def _epochs(run: CompareRun) -> tuple[np.ndarray, np.ndarray]:
    """The thinned rows of a run's history and their epochs."""
    idx = _thin(len(run.history))
    return idx, run.history.epochs[idx].astype(np.int32)


def ramp(n: int) -> list[str]:
    """n colours from dark blue through pink to orange (for runs ordered by a number, like ξ)."""
    return sample_colorscale(theme.RAMP, list(np.linspace(0.0, 0.8, n)) if n > 1 else [0.0])


def curves_figure(comp: Comparison, colours: list[str] | None = None) -> go.Figure:
    """Train (solid) and test (dotted) loss, the train metric and the output δ over epochs."""
    colours = colours or [_colour(k) for k in range(len(comp.runs))]
    metric = comp.runs[0].trainer.metric_name
    axes = theme.panels(3, 3, gap=0.07)
    titles = ["loss L (solid: train, dotted: test)", f"{metric} (train)", "output ‖δ^(L)‖ per point"]
    traces: list[dict] = []
    losses: list[np.ndarray] = []
    deltas: list[np.ndarray] = []
    for k, (run, label) in enumerate(zip(comp.runs, _labels(comp))):
        h = run.history
        idx, x = _epochs(run)
        losses.append(h.column("train_loss"))
        deltas.append(h.delta_norms[:, -1])
        series = [
            (1, h.column("train_loss"), True, None),
            (1, h.column("test_loss"), False, "dot"),
            (2, h.column("train_metric"), False, None),
            (3, h.delta_norms[:, -1], False, None),
        ]
        for col, y, legend, dash in series:
            if col == 1 and dash and not run.trainer.has_test:
                continue
            line = {"color": colours[k], "width": 2} | ({"dash": dash} if dash else {})
            traces.append(dict(
                type="scatter", x=x, y=f32(y[idx]), mode="lines", name=label, showlegend=legend,
                legendgroup=label, line=line,
                hovertemplate=f"{label}<br>epoch %{{x}}: %{{y:.4g}}<extra></extra>", **theme.ref(col),
            ))
    for col in (1, 2, 3):
        axes[theme.axis_name(col, "x")]["title"] = {"text": "epoch"}
        axes[theme.axis_name(col, "y")]["rangemode"] = "tozero"
    for col, series in ((1, losses), (3, deltas)):
        capped = _capped_range(series)
        if capped:
            axes[theme.axis_name(col, "y")]["range"] = capped
    return _figure(traces, 360, annotations=theme.panel_titles(axes, titles), **axes)


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


def boundaries_figure(comp: Comparison) -> go.Figure:
    """The final decision regions of every run as small multiples (heatmaps + training points)."""
    data = comp.data
    n = len(comp.runs)
    cols = min(n, 4)
    rows = -(-n // cols)
    axes = theme.panels(n, cols, gap=0.03, vgap=0.08)
    gx, gy, P = plane_grid(data, GRID)
    X = data.inputs(P)
    if data.task == "multiclass":
        k = data.n_classes
        scale = [[i / (k - 1) if k > 1 else 0, theme.class_colour(i)] for i in range(k)]
        zrange = {"zmin": 0, "zmax": k - 1}
        title = "class"
    elif data.task == "binary":
        scale, zrange, title = theme.DIVERGING, {"zmin": 0, "zmax": 1}, "y* (class 1)"
    else:
        scale, zrange, title = theme.DIVERGING, {}, "y*"
    point_colour = f32(data.y_train)
    traces: list[dict] = []
    for k, run in enumerate(comp.runs):
        z = _surface(run, data, X).reshape(len(gy), len(gx))
        traces.append(dict(
            type="heatmap", x=f32(gx), y=f32(gy), z=f32(z), colorscale=scale, opacity=0.75, showscale=(k == 0),
            colorbar={"title": {"text": title}, "len": 0.8, "thickness": 12}, **zrange,
            hovertemplate="%{z:.2f}<extra></extra>", **theme.ref(k + 1),
        ))
        traces.append(dict(
            type="scatter", x=f32(data.P_train[:, 0]), y=f32(data.P_train[:, 1]), mode="markers", showlegend=False,
            marker={"size": 4, "color": point_colour, "colorscale": scale, "line": {"width": 0.5, "color": theme.INK},
                    **({"cmin": zrange["zmin"], "cmax": zrange["zmax"]} if zrange else {})},
            hoverinfo="skip", **theme.ref(k + 1),
        ))
    for k in range(1, n + 1):
        axes[theme.axis_name(k, "x")].update(theme.HIDDEN)
        axes[theme.axis_name(k, "y")].update(theme.HIDDEN, scaleanchor=theme.ref(k)["xaxis"], scaleratio=1)
    return _figure(traces, 300 * rows, bottom=20, annotations=theme.panel_titles(axes, _labels(comp)),
                   **axes)


def grad_norms_figure(comp: Comparison) -> go.Figure:
    """Per-layer ‖∂L/∂w^(l)‖ over epochs, one panel per run (log scale: zero is left out)."""
    n = len(comp.runs)
    axes = theme.panels(n, n, gap=0.02)
    deepest = max(r.net.n_layers for r in comp.runs)
    shown: set[int] = set()
    traces: list[dict] = []
    for k, (run, label) in enumerate(zip(comp.runs, _labels(comp))):
        idx, x = _epochs(run)
        g = run.history.grad_norms[idx]
        for l in range(g.shape[1]):
            y = np.where(g[:, l] > 0, g[:, l], np.nan)
            traces.append(dict(
                type="scatter", x=x, y=f32(y), mode="lines", name=f"w^({l + 1})", legendgroup=f"layer{l}",
                showlegend=l not in shown, line={"width": 2, "color": theme.layer_colour(l, deepest)},
                hovertemplate=f"{label}, w^({l + 1})<br>epoch %{{x}}: %{{y:.3g}}<extra></extra>",
                **theme.ref(k + 1),
            ))
            shown.add(l)
    values = np.concatenate([r.history.grad_norms.ravel() for r in comp.runs])
    values = values[np.isfinite(values) & (values > 0)]
    decades = np.log10(values.max() / values.min()) if values.size else 0.0
    log = {"type": "log", "exponentformat": "power", "dtick": 1 if decades >= 2 else "D2"}
    for k in range(1, n + 1):
        axes[theme.axis_name(k, "x")]["title"] = {"text": "epoch"}
        shared = {"title": {"text": "‖∂L/∂w^(l)‖"}} if k == 1 else {"matches": "y", "showticklabels": False}
        axes[theme.axis_name(k, "y")].update(log, **shared)
    return _figure(traces, 360, left=75, annotations=theme.panel_titles(axes, _labels(comp)), **axes)


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
    return _figure(traces, 360,
                   xaxis={"type": "log", "title": {"text": "learning rate ξ"}, "exponentformat": "power", "dtick": 1},
                   yaxis={"type": "log", "title": {"text": "loss L after training"}})

