"""Compact frames for Play: per frame, only the numbers the main views change.

While playing, the browser holds the three main plots (drawn once from base figures built with a
fixed trace structure, see `ui.playground.film`), and each frame says what moved: the epoch and the
metrics row's text; each drawn edge's bucket (sign and width), w and ∂L/∂w; the units' colour values,
labels and hover texts; y* on the play grid as one byte per point over its colour range, with the
y* = 0.5 line; and the loss rows trained since the previous frame. Arrays travel as base64 of their
little-endian bytes; `ui/live_chart/live_chart.js` decodes them and makes one plotly call per plot
(the loss in batches). A `spec` per film says where in the base figures each part goes.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ui import controls, live_chart, plain, theme
from ui.playground import figures
from ui.session_run import Run

Array = np.ndarray
LEVELS = 255  # y* is sent as 0..LEVELS over its colour range
LINE_LEVELS, LINE_GAP = 65534, 65535  # the y* = 0.5 line's coordinates over the grid's range, and a break
LOSS_SERIES = ("train_loss", "train_metric", "test_loss", "test_metric")


def packed(values: Array, dtype: str) -> str:
    """An array as base64 of its bytes in `dtype` (little-endian: '<f4', 'u1')."""
    return base64.b64encode(np.ascontiguousarray(values, dtype=dtype).tobytes()).decode("ascii")


def unpacked(text: str, dtype: str) -> Array:
    """The array `packed` wrote."""
    return np.frombuffer(base64.b64decode(text), dtype=dtype)


def quantised(z: Array, lo: float, hi: float) -> Array:
    """z on [lo, hi] as bytes 0..LEVELS (nearest level; values outside are clipped)."""
    return np.clip(np.rint((np.asarray(z, dtype=np.float64) - lo) / (hi - lo) * LEVELS), 0, LEVELS).astype(np.uint8)


def dequantised(q: Array, lo: float, hi: float) -> Array:
    """The levels back on [lo, hi]: within half a step, (hi − lo) / (2 · LEVELS), of the value sent."""
    return lo + np.asarray(q, dtype=np.float64) / LEVELS * (hi - lo)


def line_packed(values: Array, lo: float, hi: float) -> str:
    """A curve's coordinates on [lo, hi] as base64 of little-endian uint16 levels 0..LINE_LEVELS,
    LINE_GAP for a NaN (a break between segments): half of float32's size, far finer than a pixel."""
    v = np.asarray(values, dtype=np.float64)
    q = np.rint(np.clip((np.nan_to_num(v) - lo) / (hi - lo), 0, 1) * LINE_LEVELS)
    return packed(np.where(np.isnan(v), LINE_GAP, q), "<u2")


def line_unpacked(text: str, lo: float, hi: float) -> Array:
    """The coordinates `line_packed` wrote: within (hi − lo) / (2 · LINE_LEVELS) of those sent, NaN kept."""
    q = unpacked(text, "<u2")
    return np.where(q == LINE_GAP, np.nan, lo + q / LINE_LEVELS * (hi - lo))


def metric_texts(run: Run) -> list[tuple[str, str, str | None]]:
    """The metrics row: (label, value, change since the previous epoch or None) for epoch, losses, metrics."""
    h, fmt = run.trainer.history, controls.TASK_ACCURACY_LABEL[run.data.task]
    rows: list[tuple[str, str, str | None]] = [("Epoch", str(run.trainer.epoch), None)]
    for name, label in (("train_loss", "Train loss"), ("test_loss", "Test loss")):
        v = h.column(name)
        change = v[-1] - v[-2] if len(v) > 1 else np.nan
        rows.append((label, plain.number(v[-1], ".4f"), f"{change:+.2e}" if np.isfinite(change) else None))
    for name in ("train", "test"):
        v = h.column(f"{name}_metric")[-1]
        rows.append((f"{name.capitalize()} {run.trainer.metric_name}", fmt(v) if np.isfinite(v) else "—", None))
    return rows


def node_values(run: Run, colour_by_sample: bool) -> tuple[list[Array] | None, str]:
    """The units' colour values (one array per weight layer) and what they are."""
    if colour_by_sample:
        return [o[0] for o in run.net.forward(run.data.X_train[:1]).O], "O (point 1)"
    last = run.trainer.last
    return (last.neuron_delta if last is not None else None), "mean |δ|"


def _drawn(net, arrays: list[Array]) -> Array:
    """The entries of per-layer (inputs × units) arrays that the diagram draws, in its order (l, j, i)."""
    shown = [len(y) for y in figures.node_positions(net.sizes)[0]]
    return np.concatenate([a[: shown[l], : shown[l + 1]].ravel() for l, a in enumerate(arrays)])


def trace_index(fig: go.Figure, name: str) -> int:
    """The index of the trace named `name` in `fig` (-1: none)."""
    return next((k for k, t in enumerate(fig.data) if t.name == name), -1)


def film_spec(run: Run, base: list[go.Figure], resolution: int) -> dict[str, Any]:
    """Where each frame's parts go in the base figures (network, y* map), and the fixed geometry."""
    net, data = run.net, run.data
    ys = figures.node_positions(net.sizes)[0]
    network, output, _ = base
    labels = trace_index(network, "labels")
    spec: dict[str, Any] = {
        "net": {"buckets": list(range(len(figures.EDGE_BUCKETS))), "mid": trace_index(network, "weights"),
                "units": trace_index(network, "units"), "note": len(network.layout.annotations) - 1,
                # the bias labels (a trace of their own, after the inputs' fixed labels) change each frame
                "labels": labels, "fixed": list(network.data[labels].text[: len(ys[0])]) if labels >= 0 else [],
                **edge_geometry(net)},
        "out": {"kind": output_kind(data)},
    }
    if spec["out"]["kind"] == "plane":
        gx, gy, _ = figures.plane_grid(data, resolution)
        spec["out"].update(x=packed(gx, "<f4"), y=packed(gy, "<f4"), line=trace_index(output, "y* = 0.5"))
        if figures.painted_map(data):  # the browser paints y* (and its boundary) as the plot's image
            spec["out"]["paint"] = figures.map_paint(data, net, live_chart.page_theme())
    return spec


def edge_geometry(net) -> dict[str, Any]:
    """Each drawn edge's ends (x0, y0, x1, y1 packed as float32) and name w_ji^(l), in the frames' order."""
    ys = figures.node_positions(net.sizes)[0]
    xy, names = [], []
    for l in range(net.n_layers):
        for j in range(len(ys[l])):
            for i in range(len(ys[l + 1])):
                xy += [l, ys[l][j], l + 1, ys[l + 1][i]]
                names.append(figures.edge_name(l, j, i))
    return {"xy": packed(xy, "<f4"), "names": names}


def paint_network(fig: go.Figure, n_inputs: int) -> dict[str, Any]:
    """Play's diagram as a painting: takes the edges, the units' circles and labels and the epoch note
    out of Play's base diagram `fig` (built with every edge bucket's trace), makes its background
    transparent and returns what the player needs to paint each frame under the plot (`network_paint`).
    The inputs, their names and the colour bar stay in the figure.
    """
    paint = network_paint(fig, n_inputs)
    if not paint:
        return paint
    for trace in fig.data[: len(figures.EDGE_BUCKETS)]:
        trace.x, trace.y = [], []
    units = fig.data[trace_index(fig, "units")]
    units.marker.opacity, units.hoverinfo = 0, "skip"  # kept for its colour bar
    fig.data[trace_index(fig, "weights")].hoverinfo = "skip"  # the hover would show the film's first frame
    labels = trace_index(fig, "labels")
    if labels >= 0:
        trace = fig.data[labels]
        trace.x, trace.y, trace.text = trace.x[:n_inputs], trace.y[:n_inputs], trace.text[:n_inputs]
    fig.layout.annotations[-1].text = ""
    fig.layout.paper_bgcolor = fig.layout.plot_bgcolor = theme.TRANSPARENT
    return paint


def network_paint(fig: go.Figure, n_inputs: int) -> dict[str, Any]:
    """What the player needs to paint the diagram `fig` shows, in the page's theme: each edge bucket's
    style (in `figures.EDGE_BUCKETS` order), the units' places, size, outline and colour scale, the
    places of their labels (after the `n_inputs` inputs' names) and the label and note fonts; {} while
    no unit has a colour yet (the player then updates the plot instead)."""
    if trace_index(fig, "units") < 0:
        return {}
    name = live_chart.page_theme()
    buckets = [[theme.recolour(colour, name), width, opacity]
               for colour, width, opacity in (figures.bucket_style(*key) for key in figures.EDGE_BUCKETS)]
    units = fig.data[trace_index(fig, "units")]
    labels = trace_index(fig, "labels")
    trace = fig.data[labels] if labels >= 0 else None
    spots = [v for xy in zip(trace.x[n_inputs:], trace.y[n_inputs:]) for v in xy] if trace else []
    return {"buckets": buckets, "units": packed([v for xy in zip(units.x, units.y) for v in xy], "<f4"),
            "labels": packed(spots, "<f4"), "size": units.marker.size, "outline": units.marker.line.width,
            "lut": figures.colour_lut(list(units.marker.colorscale), name),
            "ink": theme.recolour(theme.INK, name), "muted": theme.recolour(theme.MUTED, name),
            "halo": theme.recolour(theme.WHITE, name), "family": theme.FONT["family"],
            "label_size": trace.textfont.size if trace else 10,
            "note_size": fig.layout.annotations[-1].font.size or 13}


def paint_loss(fig: go.Figure, run: Run) -> list[dict[str, Any]]:
    """Play's loss chart as a painting: takes the curves' points out of Play's base loss figure `fig`
    into its `layout.meta.curves` ({"x": epochs, "y": the LOSS_SERIES}), leaving each curve one empty
    point for its legend entry, makes its background transparent, and returns each curve's style
    (its series, colour in the page's theme, width, dash, opacity and y axis), with which the player
    paints the curves under the plot and extends them frame by frame. The edit marks stay plotly's.
    """
    styles = loss_styles(fig, run)
    for style in styles:
        trace = fig.data[style["trace"]]
        trace.x, trace.y, trace.hoverinfo = [None], [None], "skip"
    h = run.trainer.history
    grow = _painted_ranges(fig, h, styles)
    fig.layout.meta = {**(fig.layout.meta or {}), "grow": grow,
                       "curves": {"x": h.epochs.tolist(), "y": [_plain(h.column(s)) for s in LOSS_SERIES]}}
    fig.layout.paper_bgcolor = fig.layout.plot_bgcolor = theme.TRANSPARENT
    return styles


def loss_styles(fig: go.Figure, run: Run) -> list[dict[str, Any]]:
    """Each loss curve of `fig` as the player paints it: its series (in LOSS_SERIES), trace, colour in
    the page's theme, width, dash, opacity and y axis."""
    name, styles = live_chart.page_theme(), []
    for series, trace_name in enumerate(_loss_names(run)):
        k = trace_index(fig, trace_name)
        if k < 0:  # no test split
            continue
        trace = fig.data[k]
        styles.append({"series": series, "trace": k, "colour": theme.recolour(trace.line.color, name),
                       "width": trace.line.width, "dash": trace.line.dash,
                       "opacity": 1 if trace.opacity is None else trace.opacity,
                       "axis": "yaxis2" if trace.yaxis == "y2" else "yaxis"})
    return styles


def _painted_ranges(fig: go.Figure, h, styles: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Sets the range of each loss-chart axis that plotly would have ranged from the curves (empty now):
    the epochs from 0 with room to grow, a loss from 0 (a log axis: the decades it spans), a metric
    over its values; returns those ranges by axis, which the player widens as the curves leave them."""
    last = int(h.epochs[-1])
    grow = {"xaxis": [0.0, float(max(2 * last, 10))]}
    for axis in ("yaxis", "yaxis2"):
        layout = fig.layout[axis]
        values = np.concatenate([h.column(LOSS_SERIES[st["series"]]) for st in styles if st["axis"] == axis] or [[]])
        values = values[np.isfinite(values)]
        if layout.range is not None or not values.size:  # a fixed range (accuracy), or nothing to show
            continue
        lo, hi = float(values.min()), float(values.max())
        if layout.type == "log":
            positive = values[values > 0]
            lo, hi = (np.log10(positive.min()), np.log10(positive.max())) if positive.size else (-1.0, 0.0)
            grow[axis] = [float(np.floor(lo)) - 0.1, float(np.ceil(hi)) + 0.1]
        else:
            pad = 0.1 * max(hi - lo, abs(hi), 1e-9)
            grow[axis] = [0.0 if lo >= 0 else lo - pad, hi + pad]
    for axis, span in grow.items():
        fig.layout[axis].range = span
    return grow


def output_kind(data) -> str:
    """'plane' (y* over the input plane, sent as bytes per frame) or 'figure' (the whole figure, once per film)."""
    return "plane" if data.has_plane and data.P_train.shape[1] == 2 else "figure"


def _loss_names(run: Run) -> list[str]:
    metric = run.trainer.metric_name
    return [f"{split} {kind}" for split in ("train", "test") for kind in ("L", metric)]


def frame(run: Run, colour_by_sample: bool, since: int, resolution: int, painted: bool = False,
          plane: tuple[Array, Array, Array] | None = None) -> dict[str, Any]:
    """The state of the main views now: epoch, metrics, network, y* (a 'plane' map) and the loss rows
    after epoch `since`. A `painted` diagram (see `paint_network`) shows no hover, so its frames carry
    no w, ∂L/∂w or hover texts; `plane` is `figures.plane_grid(run.data, resolution)`, if at hand."""
    net, data, trainer = run.net, run.data, run.trainer
    values, title = node_values(run, colour_by_sample)
    w = _drawn(net, net.W)
    wmax = max(float(np.abs(m).max()) for m in net.W) or 1.0
    codes = 4 * (w >= 0) + figures.edge_levels(w, wmax)  # the index in figures.EDGE_BUCKETS
    shown = [len(y) for y in figures.node_positions(net.sizes)[0]]
    d = np.concatenate([np.nan_to_num(v[: shown[l + 1]]) for l, v in enumerate(values)])
    lo, hi = figures.colour_range(d, title)
    texts = [figures.unit_texts(net, l, i, float(values[l - 1][i]), title)
             for l in range(1, len(shown)) for i in range(shown[l])]
    diagram = {"c": packed(codes, "u1"), "v": packed(d, "<f4"), "lo": lo, "hi": hi, "t": [t for t, _ in texts]}
    if not painted:
        grads = net.gradients(data.X_train, trainer.Y_train)[0]
        diagram.update(w=packed(w, "<f4"), g=packed(_drawn(net, grads), "<f4"), h=[h for _, h in texts])
    out: dict[str, Any] = {"e": trainer.epoch, "m": metric_texts(run), "net": diagram, "loss": _loss_rows(run, since)}
    if output_kind(data) == "plane":
        gx, gy, grid = plane or figures.plane_grid(data, resolution)
        z, zlo, zhi = figures.plane_values(net, data, grid)
        out["out"] = {"z": packed(quantised(z, zlo, zhi), "u1"), "lo": zlo, "hi": zhi}
        if data.task == "binary":
            bx, by = figures.level_line(gx, gy, z.reshape(resolution, resolution), 0.5)
            out["out"].update(bx=line_packed(bx, gx[0], gx[-1]), by=line_packed(by, gy[0], gy[-1]))
    return out


def _loss_rows(run: Run, since: int) -> dict[str, Any]:
    """The history rows after epoch `since`: their epochs and the four loss-chart series (None for NaN)."""
    h = run.trainer.history
    start = int(np.searchsorted(h.epochs, since, side="right"))
    series = [h.column(name)[start:] for name in LOSS_SERIES]
    return {"x": h.epochs[start:].tolist(), "y": [_plain(s) for s in series]}


def _plain(values: Array) -> list[float | None]:
    """A loss-chart series for JSON: 6 significant digits, None for NaN."""
    return [None if np.isnan(v) else float(f"{v:.6g}") for v in values]
