"""The Compare page's presets, its mapping from the Playground's controls, and its figures.

Every figure builder is a pure function of a `Comparison` (engine/compare.py) returning a
`go.Figure` built from plain dicts in the shared look of `ui.theme`; nothing here touches
streamlit. Figures carry float32 arrays, decision boundaries are heatmaps (not contours), and
long histories are thinned to at most `MAX_POINTS` per trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from engine.compare import CompareRun, Comparison, RunConfig, Variant
from engine.datasets import Dataset
from ui import config, theme
from ui.figures import plane_grid
from ui.theme import f32, figure

MAX_POINTS = 400
BLOW_UP = 20.0  # a curve this many times above its start is cut off at the top of its panel
EXPLODED = 100.0  # a sweep run whose final loss is this many times its start is marked like a diverged one
GRID = 60
LEGEND = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0}


# --- presets --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Preset:
    """A ready-made comparison: its runs (changes to the Playground's configuration) and epochs."""

    key: str
    title: str
    runs: tuple[Variant, ...]
    epochs: int
    look_for: str


DEEP = (8, 8, 8, 8, 8)
DEEP_LR = 0.3  # large enough to learn, small enough that the ReLU runs do not all die at once

PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "loss", "Cross-entropy vs squared loss with a sigmoid output",
            (Variant("cross-entropy", {"loss": "bce"}),
             Variant("squared loss", {"loss": "squared", "output": "sigmoid"})),
            300,
            "Behind a sigmoid, squared loss multiplies δ^(L) = y* − y by y*(1 − y*), which is tiny "
            "when y* is confidently wrong; cross-entropy cancels that factor, so it starts learning sooner.",
        ),
        Preset(
            "activation", "Sigmoid vs tanh vs ReLU",
            (Variant("sigmoid", {"hidden": "sigmoid"}), Variant("tanh", {"hidden": "tanh"}),
             Variant("ReLU", {"hidden": "relu"}), Variant("leaky ReLU", {"hidden": "leaky_relu"})),
            300,
            "The sigmoid's A′ is at most 0.25, tanh's at most 1, an active ReLU's exactly 1: "
            "δ^(l) keeps more of its size through tanh and ReLU layers.",
        ),
        Preset(
            "lr", "ξ too small / about right / too large",
            (Variant("ξ = 0.01 (too small)", {"lr": 0.01}), Variant("ξ = 0.5 (about right)", {"lr": 0.5}),
             Variant("ξ = 10 (too large)", {"lr": 10.0})),
            300,
            "Too small a ξ creeps down the loss; too large a ξ overshoots, so the loss jumps about "
            "or stalls high, and the weights may blow up.",
        ),
        Preset(
            "deep", "Deep sigmoid network: vanishing gradients",
            (Variant("sigmoid", {"hidden": "sigmoid", "hidden_sizes": DEEP, "lr": DEEP_LR}),
             Variant("tanh", {"hidden": "tanh", "hidden_sizes": DEEP, "lr": DEEP_LR}),
             Variant("ReLU", {"hidden": "relu", "hidden_sizes": DEEP, "lr": DEEP_LR}),
             Variant("ReLU, He init", {"hidden": "relu", "hidden_sizes": DEEP, "lr": DEEP_LR, "init": "he"})),
            200,
            "Five hidden layers of 8, ξ = 0.3: each sigmoid layer multiplies δ by A′ ≤ 0.25 on the way "
            "back, so ‖∂L/∂w^(1)‖ sits orders of magnitude below ‖∂L/∂w^(L)‖ and the network barely learns.",
        ),
    )
}
CUSTOM = "custom"


# --- the Playground's controls → engine configuration ---------------------------------------------
def base_config(values: Mapping[str, Any], task: str) -> RunConfig:
    """The Playground's validated control values as the comparison's base configuration."""
    loss = config.loss_for_task(task, values["loss"])
    return RunConfig(
        hidden_sizes=tuple(config.hidden_sizes(dict(values))),
        hidden=values["hidden"],
        output=config.output_unit(task, loss, values["output"]),
        loss=loss,
        lr=float(values["lr"]),
        batch_size=config.batch_size(dict(values)),
        init=values["init"],
        reg=values["reg"],
        lam=float(values["lam"]) if values["reg"] != "none" else 0.0,
        bias=bool(values["bias"]),
        seed=int(values["seed"]),
    )


def describe(cfg: RunConfig) -> str:
    """A one-line summary of a configuration in the lecture's terms."""
    sizes = " × ".join(map(str, cfg.hidden_sizes)) or "none"
    batch = "full batch" if cfg.batch_size is None else f"batch {cfg.batch_size}"
    reg = "" if cfg.reg == "none" or cfg.lam == 0 else f", {cfg.reg.upper()} λ = {cfg.lam:g}"
    return (f"hidden H = {sizes}, A = {config.BY_KEY['hidden'].format(cfg.hidden)}, "
            f"loss {config.BY_KEY['loss'].format(cfg.loss).lower()} with a "
            f"{cfg.output} output y*, ξ = {cfg.lr:g}, {batch}, "
            f"{config.INIT_LABELS[cfg.init]} init{reg}, seed {cfg.seed}")


def adapt_changes(changes: Mapping[str, object], task: str) -> dict[str, object]:
    """Fit a preset's changes to the data: binary cross-entropy becomes cross-entropy on 3+ classes."""
    new = dict(changes)
    if task == "multiclass" and new.get("loss") == "bce":
        new["loss"] = "ce"
        new["output"] = "softmax"
    return new


# --- the run editor: one column of widgets per run -------------------------------------------------
SAME = "same"
BATCH_CHOICES = (1, 5, 10, 32, 100, "full")
FIELDS = ("loss", "output", "hidden", "hidden_sizes", "lr", "batch_size", "init", "reg", "lam")


def field_choices(task: str) -> dict[str, tuple]:
    """The options of each selectbox in the run editor (the first is always 'same')."""
    return {
        "loss": (SAME, *config.TASK_LOSSES[task]),
        "output": (SAME, "sigmoid", "softmax", "linear"),
        "hidden": (SAME, *config.BY_KEY["hidden"].choices),
        "lr": (SAME, *config.LR_CHOICES),
        "batch_size": (SAME, *BATCH_CHOICES),
        "init": (SAME, *config.BY_KEY["init"].choices),
        "reg": (SAME, *config.BY_KEY["reg"].choices),
        "lam": (SAME, *config.LAMBDA_CHOICES),
    }


def editor_values(variant: Variant) -> dict[str, Any]:
    """A variant as run-editor widget values ('same' for every unchanged field)."""
    out: dict[str, Any] = {"label": variant.label}
    for name in FIELDS:
        value = variant.changes.get(name, SAME)
        if name == "hidden_sizes":
            value = "" if value == SAME else sizes_text(value)  # type: ignore[arg-type]
        elif name == "batch_size" and name in variant.changes and value is None:
            value = "full"
        out[name] = value
    return out


def sizes_text(sizes: tuple[int, ...]) -> str:
    return ", ".join(map(str, sizes)) if sizes else "none"


def parse_sizes(text: str) -> tuple[int, ...] | None:
    """'8, 8' → (8, 8); 'none' or '0' → () (no hidden layer); '' → None (same as the base)."""
    text = str(text).strip().lower()
    if not text:
        return None
    if text in ("none", "0", "-"):
        return ()
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"hidden sizes must be whole numbers separated by commas, like '8, 8'; "
                         f"got {text!r}") from None
    if any(n < 1 or n > config.MAX_UI_UNITS for n in sizes):
        raise ValueError(f"each hidden layer needs 1 to {config.MAX_UI_UNITS} units; got {text!r}")
    if len(sizes) > config.BY_KEY["n_layers"].high:
        raise ValueError(f"at most {config.BY_KEY['n_layers'].high:g} hidden layers; got {len(sizes)}")
    return sizes


def variant_from_editor(values: Mapping[str, Any], index: int, base_lam: float = 0.0) -> Variant:
    """Run-editor widget values → a Variant; ValueError with a readable message on bad input.

    Turning a penalty on without choosing λ uses the Playground's λ default when the base has none.
    """
    changes: dict[str, object] = {}
    for name in FIELDS:
        value = values.get(name, SAME)
        if name == "hidden_sizes":
            sizes = parse_sizes(value or "")
            if sizes is not None:
                changes[name] = sizes
        elif value != SAME and value is not None:
            changes[name] = None if (name == "batch_size" and value == "full") else value
    if changes.get("reg", "none") != "none" and "lam" not in changes and base_lam == 0:
        changes["lam"] = config.BY_KEY["lam"].default
    label = str(values.get("label") or "").strip()[:40] or f"run {index + 1}"
    return Variant(label, changes)


# --- figures ---------------------------------------------------------------------------------------
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
    for k, run in enumerate(comp.runs):
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
                type="scatter", x=x, y=f32(y[idx]), mode="lines", name=run.label, showlegend=legend,
                legendgroup=run.label, line=line,
                hovertemplate=f"{run.label}<br>epoch %{{x}}: %{{y:.4g}}<extra></extra>", **theme.ref(col),
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
    return _figure(traces, 300 * rows, bottom=20, annotations=theme.panel_titles(axes, [r.label for r in comp.runs]),
                   **axes)


def grad_norms_figure(comp: Comparison) -> go.Figure:
    """Per-layer ‖∂L/∂w^(l)‖ over epochs, one panel per run (log scale: zero is left out)."""
    n = len(comp.runs)
    axes = theme.panels(n, n, gap=0.02)
    deepest = max(r.net.n_layers for r in comp.runs)
    shown: set[int] = set()
    traces: list[dict] = []
    for k, run in enumerate(comp.runs):
        idx, x = _epochs(run)
        g = run.history.grad_norms[idx]
        for l in range(g.shape[1]):
            y = np.where(g[:, l] > 0, g[:, l], np.nan)
            traces.append(dict(
                type="scatter", x=x, y=f32(y), mode="lines", name=f"w^({l + 1})", legendgroup=f"layer{l}",
                showlegend=l not in shown, line={"width": 2, "color": theme.layer_colour(l, deepest)},
                hovertemplate=f"{run.label}, w^({l + 1})<br>epoch %{{x}}: %{{y:.3g}}<extra></extra>",
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
    return _figure(traces, 360, left=75, annotations=theme.panel_titles(axes, [r.label for r in comp.runs]), **axes)


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


# --- tables ----------------------------------------------------------------------------------------
def _fmt(x: float, digits: int = 4) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:.{digits}g}"


def summary_table(comp: Comparison, target: float) -> list[dict[str, str]]:
    """One row per run: epochs to the target, final losses and metrics, divergence, weight sharing."""
    metric = comp.runs[0].trainer.metric_name
    as_metric = config.TASK_ACCURACY_LABEL[comp.data.task]
    rows = []
    for run, s in zip(comp.runs, comp.summaries(target)):
        reached = "not reached" if s.epochs_to_target is None else str(s.epochs_to_target)
        rows.append({
            "run": s.label,
            f"epochs to {metric} ≥ {as_metric(target)}": reached,
            "train loss": _fmt(s.train_loss),
            "test loss": _fmt(s.test_loss),
            f"train {metric}": as_metric(s.train_metric) if np.isfinite(s.train_metric) else "—",
            f"test {metric}": as_metric(s.test_metric) if np.isfinite(s.test_metric) else "—",
            "epochs": str(s.epoch),
            "diverged": "—" if s.diverged_at is None else f"in epoch {s.diverged_at}",
            "initial weights": run.note,
        })
    return rows


def health_table(comp: Comparison) -> list[dict[str, str]]:
    """One row per run, one column per hidden layer: the share of (point, unit) pairs with
    A′ < 0.01 and, for ReLUs, of dead units, at the start → now."""
    rows = []
    for run, (start, now) in zip(comp.runs, comp.unit_health()):
        row = {"run": run.label}
        for l, (a, b) in enumerate(zip(start, now), start=1):
            text = f"A′<0.01: {100 * a.saturated:.0f} → {100 * b.saturated:.0f} %"
            if a.dead is not None:
                text += f" · dead: {100 * a.dead:.0f} → {100 * b.dead:.0f} %"
            row[f"layer {l}"] = text
        if len(row) == 1:
            row["layer 1"] = "no hidden layer"
        rows.append(row)
    return rows
