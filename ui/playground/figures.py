"""Plotly figure builders for the Playground: pure functions from engine state to `go.Figure`.

Built from plain dicts in the shared look of `ui.theme` (which says why). Titles carry no volatile
text (epoch, loss), and arrays go out as float32, to keep the browser fast.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

from engine import MLP, Dataset, History
from engine.network import param_labels
from ui import plain, theme
from ui.theme import DIVERGING, NEGATIVE, POSITIVE, SEQUENTIAL, f32, figure

Array = np.ndarray

WIDTH_BUCKETS = (0.25, 0.5, 0.75, 1.0)
EDGE_BUCKETS = [(positive, level) for positive in (False, True) for level in range(len(WIDTH_BUCKETS))]
MAX_DRAWN_UNITS = 16
MAX_TEXT_CELLS = 120
MAX_TRAJECTORIES = 40


# --- 1. network diagram ------------------------------------------------------------------------
NETWORK_HEIGHT = 400
NETWORK_MARGIN = dict(l=12, r=12, t=28, b=64)  # the top names the epoch, the bottom holds the colour scale
LABEL_SPACING_PX = 40  # units this far apart (or more) carry their bias b (inputs: their name) below them
LABEL_GAP_PX = 6  # room between a unit's circle and its label
LABEL_HALO = ", ".join([f"0 0 3px {theme.WHITE}"] * 4)  # a CSS text-shadow: the paper's colour around the text


def node_positions(sizes: list[int]) -> tuple[list[Array], float]:
    """y of the drawn units per layer (large layers cut to MAX_DRAWN_UNITS), and the space between units.

    The largest drawn layer spans [-1, 1]; the others are centred with the same spacing.
    """
    drawn = [min(n, MAX_DRAWN_UNITS) for n in sizes]
    step = 2 / (max(drawn) - 1) if max(drawn) > 1 else 2.0
    return [((m - 1) / 2 - np.arange(m)) * step for m in drawn], step


def edge_levels(w: Array | float, wmax: float) -> Array:
    """The width bucket (0 thinnest to 3 widest) of each weight, by |w| relative to the largest |w|."""
    return np.minimum(np.searchsorted(WIDTH_BUCKETS, np.abs(w) / wmax), len(WIDTH_BUCKETS) - 1)


def bucket_style(positive: bool, level: int) -> tuple[str, float, float]:
    """An edge bucket's line (theme colour, width) and opacity: sign by colour, |w| by width."""
    return POSITIVE if positive else NEGATIVE, 0.6 + 4.4 * WIDTH_BUCKETS[level], 0.35 + 0.5 * WIDTH_BUCKETS[level]


def edge_name(l: int, j: int, i: int) -> str:
    """w_ji^(l) of weight layer l (0-based), from input j to unit i (0-based), as plotly text."""
    return f"w<sub>{j + 1}{i + 1}</sub><sup>({l + 1})</sup>"


def unit_texts(net: MLP, l: int, i: int, value: float, node_title: str) -> tuple[str, str]:
    """Unit i of layer l ≥ 1 (0-based i): its label below it ("b = …") and its hover text."""
    short = f"b = {bounded(net.b[l - 1][i])}" if net.bias else ""
    kind = "output" if l == len(net.sizes) - 1 else f"hidden layer {l}"
    bias = f"<br>bias b = {net.b[l - 1][i]:.4g}" if net.bias else ""
    return short, f"{kind}, unit {i + 1}{bias}" + ("" if np.isnan(value) else f"<br>{node_title} = {value:.3g}")


def colour_range(values: Array, node_title: str) -> tuple[float, float]:
    """The units' colour scale: from 0 for a mean |δ|, else from the smallest value; never empty."""
    lo = 0.0 if node_title.startswith("mean") else float(values.min())
    return lo, max(float(values.max()), lo + 1e-12)


def bounded(value: float) -> str:
    """A signed number in at most six characters: +3.08, -41, +2e+03."""
    if abs(value) < 9.995:
        return f"{value:+.2f}"
    return f"{value:+.0f}" if abs(value) < 999.5 else f"{value:+.0e}"


def network_figure(
    net: MLP,
    node_values: list[Array] | None = None,
    gradients: list[Array] | None = None,
    input_names: list[str] | None = None,
    node_title: str = "mean |δ|",
    every_bucket: bool = False,
) -> go.Figure:
    """Units by layer; edge colour = sign of w_ji^(l), width = |w|; units coloured by `node_values` on a scale.

    `node_values` holds one array per weight layer (e.g. mean |δ| over the last epoch, or the
    outputs O of one sample), shown on a colour bar titled `node_title`. Hovering an edge's
    midpoint shows w_ji^(l), its value and its current gradient ∂L/∂w_ji^(l); hovering a unit
    shows its bias b and value. Units far enough apart carry "b = …" (inputs: their name) below
    them; on larger networks these are in the hover only. At most 16 units per layer are drawn.
    With `every_bucket`, every (sign, width) bucket has its edge trace, empty or not, in a fixed order
    (negative then positive, thin to wide), so that Play can move edges between them in place.
    """
    sizes = net.sizes
    ys, step = node_positions(sizes)
    pad = 0.3 + 0.4 * step / 2  # room above the top unit (a note) and below the bottom one (its label)
    y_range = [-1 - pad - 0.25, 1 + pad]  # and the layer names at the bottom
    area_px = NETWORK_HEIGHT - NETWORK_MARGIN["t"] - NETWORK_MARGIN["b"]
    px_per_unit = area_px / (y_range[1] - y_range[0])  # the height is fixed: so is the vertical scale
    spacing_px = step * px_per_unit
    labelled = spacing_px >= LABEL_SPACING_PX
    marker_px = float(np.clip(0.6 * spacing_px, 7, 24))
    wmax = max(float(np.abs(w).max()) for w in net.W) or 1.0
    segments: dict[tuple[bool, int], tuple[list, list]] = {}
    mid_x, mid_y, mid_text = [], [], []
    for l, w in enumerate(net.W):
        for j in range(len(ys[l])):
            for i in range(len(ys[l + 1])):
                value = float(w[j, i])
                level = int(edge_levels(value, wmax))
                xs, yv = segments.setdefault((value >= 0, level), ([], []))
                xs += [l, l + 1, None]
                yv += [ys[l][j], ys[l + 1][i], None]
                mid_x.append(l + 0.5)
                mid_y.append((ys[l][j] + ys[l + 1][i]) / 2)
                grad = "" if gradients is None or gradients[l] is None else f"<br>∂L/∂w = {gradients[l][j, i]:.4g}"
                mid_text.append(f"{edge_name(l, j, i)} = {value:.4g}{grad}")
    if every_bucket:
        for key in EDGE_BUCKETS:
            segments.setdefault(key, ([], []))
    traces = [
        dict(type="scatter", x=xs, y=yv, mode="lines", hoverinfo="skip", showlegend=False,
             line=dict(color=colour, width=width), opacity=opacity)
        for (xs, yv), (colour, width, opacity) in ((segments[key], bucket_style(*key)) for key in sorted(segments))
    ]
    traces.append(dict(type="scatter", x=mid_x, y=mid_y, mode="markers", marker=dict(size=9, opacity=0),
                       hovertext=mid_text, hoverinfo="text", showlegend=False, name="weights"))
    names = list(input_names) if input_names else [f"x{j + 1}" for j in range(sizes[0])]
    unvalued = dict(x=[], y=[], hover=[])  # inputs, and units without a value yet
    valued = dict(x=[], y=[], hover=[], value=[])
    labels = dict(x=[], y=[], text=[])
    for l in range(len(sizes)):
        for i in range(len(ys[l])):
            if l == 0:
                # user text (CSV headers) as plain text, cut before escaping so no entity is split
                group = unvalued
                short = plain.for_plotly(names[i] if len(names[i]) <= 7 else names[i][:6] + "…")
                hover = f"input u<sub>{i + 1}</sub><sup>(1)</sup> = {plain.for_plotly(names[i])}"
            else:
                d = np.nan if node_values is None else float(node_values[l - 1][i])
                group = unvalued if np.isnan(d) else valued
                short, hover = unit_texts(net, l, i, d, node_title)
                if group is valued:
                    group["value"].append(d)
            group["x"].append(l)
            group["y"].append(float(ys[l][i]))
            group["hover"].append(hover)
            if labelled and short:
                labels["x"].append(l)
                labels["y"].append(float(ys[l][i]) - (marker_px / 2 + LABEL_GAP_PX) / px_per_unit)
                labels["text"].append(short)
    unit = dict(type="scatter", mode="markers", hoverinfo="text", showlegend=False)
    outline = dict(width=1.5, color=theme.INK)
    traces.append({**unit, "x": unvalued["x"], "y": unvalued["y"],
                   "hovertext": unvalued["hover"], "name": "inputs",
                   "marker": dict(size=marker_px, color=theme.WHITE, line=outline)})
    if valued["x"]:
        values = np.asarray(valued["value"])
        lo, hi = colour_range(values, node_title)
        traces.append({**unit, "x": valued["x"], "y": valued["y"],
                       "hovertext": valued["hover"], "name": "units",
                       "marker": dict(size=marker_px, color=f32(values), colorscale=SEQUENTIAL, line=outline,
                                      cmin=lo, cmax=hi, showscale=True,
                                      colorbar=dict(orientation="h", x=0.5, xanchor="center", y=0, yanchor="top",
                                                    ypad=10, len=0.6, thickness=8, tickformat=".2g", nticks=4,
                                                    title=dict(text=node_title, side="top"),
                                                    tickfont=dict(size=10)))})
    if labels["x"]:  # below each circle with room to spare, on a halo of the paper: legible where edges cross
        traces.append(dict(type="scatter", mode="text", textposition="bottom center", hoverinfo="skip",
                           showlegend=False, name="labels", **labels,
                           textfont=dict(size=10, color=theme.MUTED, shadow=LABEL_HALO)))
    notes = [dict(x=l, y=float(ys[l][0]) + 0.6 * step / 2 + 0.05, text=f"{MAX_DRAWN_UNITS} of {n} shown",
                  showarrow=False, yanchor="bottom", font=dict(size=10)) for l, n in enumerate(sizes)
             if n > MAX_DRAWN_UNITS]
    titles = ["input"] + [f"hidden {l}" for l in range(1, len(sizes) - 1)] + ["output y*"]
    notes += [dict(x=l, y=y_range[0], text=t, showarrow=False, yanchor="bottom", font=dict(size=11))
              for l, t in enumerate(titles)]
    return figure(traces, NETWORK_HEIGHT, annotations=notes, margin=NETWORK_MARGIN,
                  xaxis=dict(visible=False, range=[-0.45, len(sizes) - 0.55]),
                  yaxis=dict(visible=False, range=y_range))


# --- 2. output over the input plane --------------------------------------------------------------
MAP_HEIGHT = 400
COLORBAR = dict(title=dict(text="y*"), thickness=10, x=1.02, xanchor="left", xpad=0)
COLORBAR_MARGIN = dict(r=60)  # room on the right for COLORBAR and its ticks
# placed in the figure's frame (not the plot area's): a legend that needs more rows than LEGEND_MARGIN holds gets
# room reserved above the plot, which follows a resize (placed on the plot area, it stayed where a wider or
# narrower plot had put it and covered the curves after the window was resized)
LEGEND_ON_TOP = dict(orientation="h", x=0, y=1, xref="container", yref="container", yanchor="top", font=dict(size=11))
LEGEND_MARGIN = dict(t=60)  # room above the plot for two rows of LEGEND_ON_TOP
def plane_grid(data: Dataset, resolution: int = 60) -> tuple[Array, Array, Array]:
    """Axis values and the (resolution², 2) grid of raw points covering the data with a margin."""
    P = np.vstack([data.P_train, data.P_test])
    lo, hi = P.min(axis=0), P.max(axis=0)
    pad = 0.08 * (hi - lo)
    gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    xx, yy = np.meshgrid(gx, gy)
    return gx, gy, np.c_[xx.ravel(), yy.ravel()]


def level_line(gx: Array, gy: Array, z: Array, level: float = 0.5) -> tuple[Array, Array]:
    """The curve z = level through a grid (marching squares), as x, y with NaN between segments.

    z has shape (len(gy), len(gx)). Each cell whose corners straddle the level contributes one
    segment (two for a saddle) between the linearly interpolated crossings on its edges.
    """
    above = z > level
    z00, z01, z10, z11 = z[:-1, :-1], z[:-1, 1:], z[1:, :-1], z[1:, 1:]
    x0, x1 = gx[:-1][None, :], gx[1:][None, :]
    y0, y1 = gy[:-1][:, None], gy[1:][:, None]

    def cross(za, zb):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.clip((level - za) / (zb - za), 0, 1)

    shape = z00.shape
    # crossing points on the four edges: bottom (y0), top (y1), left (x0), right (x1)
    edges = [
        (above[:-1, :-1] != above[:-1, 1:], x0 + cross(z00, z01) * (x1 - x0), np.broadcast_to(y0, shape)),
        (above[1:, :-1] != above[1:, 1:], x0 + cross(z10, z11) * (x1 - x0), np.broadcast_to(y1, shape)),
        (above[:-1, :-1] != above[1:, :-1], np.broadcast_to(x0, shape), y0 + cross(z00, z10) * (y1 - y0)),
        (above[:-1, 1:] != above[1:, 1:], np.broadcast_to(x1, shape), y0 + cross(z01, z11) * (y1 - y0)),
    ]
    hit = np.stack([e[0] for e in edges], axis=-1)  # (rows, cols, 4)
    ex = np.stack([np.broadcast_to(e[1], shape) for e in edges], axis=-1)
    ey = np.stack([np.broadcast_to(e[2], shape) for e in edges], axis=-1)
    xs, ys = [], []
    for count in (2, 4):
        cells = hit.sum(axis=-1) == count
        if not cells.any():
            continue
        order = np.argsort(~hit[cells], axis=-1, kind="stable")  # the hit edges first
        px = np.take_along_axis(ex[cells], order, axis=-1)
        py = np.take_along_axis(ey[cells], order, axis=-1)
        for a, b in ((0, 1), (2, 3))[: count // 2]:
            n = px.shape[0]
            xs.append(np.column_stack([px[:, a], px[:, b], np.full(n, np.nan)]).ravel())
            ys.append(np.column_stack([py[:, a], py[:, b], np.full(n, np.nan)]).ravel())
    if not xs:
        return np.empty(0), np.empty(0)
    return np.concatenate(xs), np.concatenate(ys)


def _points(data: Dataset, show_test: bool, regression: bool) -> list[dict]:
    """Training points as filled dots, test points as rings, coloured by class (or by y)."""
    splits = [("train", data.P_train, data.y_train, "circle")]
    if show_test and len(data.y_test):
        splits.append(("test", data.P_test, data.y_test, "circle-open"))
    traces = []
    for split, P, y, symbol in splits:
        if regression:
            marker = dict(color=f32(y), colorscale=DIVERGING, size=6, symbol=symbol)
            hover = "y = %{marker.color:.3f}<extra>" + split + "</extra>"
        else:
            marker = dict(color=theme.class_colours(y), size=6, symbol=symbol)
            hover = "%{text}<extra>" + split + "</extra>"
        traces.append(dict(type="scatter", x=f32(P[:, 0]), y=f32(P[:, 1]), mode="markers", name=split,
                           marker=marker, text=None if regression else [f"class {int(k)}" for k in y],
                           hovertemplate=hover))
    return traces


def plane_values(net: MLP, data: Dataset, grid: Array) -> tuple[Array, float, float]:
    """The y* map's value at each grid point and its colour range (zmin, zmax).

    Binary: y* of class 1 on [0, 1]; several classes: the winning class c with confidence p lands
    inside its own band [c/k, (c+1)/k), darker when surer; regression: y* on ±(largest |y*| or |y|).
    """
    pred = net.predict(data.inputs(grid))
    if data.task == "multiclass":
        k = pred.shape[1]
        return (pred.argmax(axis=1) + (pred.max(axis=1) - 1 / k) / (1 - 1 / k) * 0.98) / k, 0.0, 1.0
    if data.task == "binary":
        return (pred[:, 0] if pred.shape[1] == 1 else pred[:, 1]), 0.0, 1.0
    lim = float(max(np.abs(pred[:, 0]).max(), np.abs(data.y_train).max(), 1e-9))
    return pred[:, 0], -lim, lim


def output_figure(net: MLP, data: Dataset, show_test: bool = True, resolution: int = 60,
                  painted: bool = False) -> go.Figure:
    """What the network has learned: y* over the input plane with the data on top.

    Binary: y* as a heatmap with the y* = 0.5 boundary; several classes: the winning class,
    shaded by its y*; 2-D regression: the prediction surface; 1-D: the curve; data without a
    plane (real data sets): the points on their first two principal components, ringed when wrong.
    `painted` (Play, where `painted_map` holds): the heatmap and boundary give way to a painting the
    browser makes from each frame's bytes under the plot's SVG (`map_paint`), so that plotly need not
    lay the plot out again; the background is transparent, and a heatmap beyond the axes' ranges
    keeps the colour bar.
    """
    if not data.has_plane:
        return _projection_figure(net, data, show_test)
    if data.P_train.shape[1] == 1:
        return _curve_figure(net, data, show_test)
    gx, gy, grid = plane_grid(data, resolution)
    z, lo, hi = plane_values(net, data, grid)
    z = z.reshape(resolution, resolution)
    heat = dict(type="heatmap", x=f32(gx), y=f32(gy), z=f32(z), zmin=lo, zmax=hi)
    colours, opacity = map_colours(data, net)
    layout = {}
    if painted:
        # two cells beyond the axes' ranges, only for the colour bar (the plot area shows the image)
        beyond = [float(gx[-1] + 10 * (gx[-1] - gx[0])), float(gx[-1] + 11 * (gx[-1] - gx[0]))]
        heat.update(x=beyond, y=f32(gy[:1]), z=[[lo, hi]], hoverinfo="skip")
        # the painting lies under the plot
        layout.update(paper_bgcolor=theme.TRANSPARENT, plot_bgcolor=theme.TRANSPARENT)
    traces = []
    if data.task == "multiclass":
        traces.append({**heat, "colorscale": colours, "showscale": False, "opacity": opacity, "hoverinfo": "skip"})
    else:
        traces.append({"hovertemplate": "y* = %{z:.3f}<extra></extra>", **heat, "colorscale": colours,
                       "opacity": opacity, "colorbar": COLORBAR})
    if data.task == "binary" and not painted:
        bx, by = level_line(gx, gy, z, 0.5)
        traces.append(dict(type="scatter", x=f32(bx), y=f32(by), mode="lines", name="y* = 0.5",
                           line=dict(color=theme.INK, width=2.5), hoverinfo="skip"))
    traces += _points(data, show_test, data.task == "regression")
    margin = {} if data.task == "multiclass" else COLORBAR_MARGIN
    grid = dict(showgrid=False, zeroline=False) if painted else {}  # the heatmap hides them; the painting lies below
    return figure(traces, MAP_HEIGHT, showlegend=False, margin=margin,  # the caption explains dots, rings, line
                   xaxis=dict(range=[gx[0], gx[-1]], title=dict(text="x1"), **grid),
                   yaxis=dict(range=[gy[0], gy[-1]], title=dict(text="x2"), **grid), **layout)


def map_colours(data: Dataset, net: MLP) -> tuple[list, float]:
    """The y* map's colour scale and opacity: diverging for one output, a light-to-full band per class."""
    if data.task != "multiclass":
        return DIVERGING, 0.8
    k = net.sizes[-1]
    colours = []
    for c in range(k):
        colours += [[c / k, theme.WHITE], [(c + 1) / k - 1e-6, theme.class_colour(c)]]
    colours[-1][0] = 1.0
    return colours, 0.75


def painted_map(data: Dataset) -> bool:
    """Whether Play paints the y* map as an image: a plane whose colour range is fixed (classes)."""
    return data.has_plane and data.P_train.shape[1] == 2 and data.task != "regression"


def map_paint(data: Dataset, net: MLP, theme_name: str) -> dict:
    """What the browser needs to paint the y* map from a frame's bytes: the colour of each of the
    256 levels (RGBA bytes, base64), the heatmap's opacity and the boundary line's colour, in the page's theme."""
    colours, opacity = map_colours(data, net)
    return {"lut": colour_lut(colours, theme_name), "opacity": opacity, "ink": theme.recolour(theme.INK, theme_name)}


def colour_lut(colours: list, theme_name: str) -> str:
    """A colour scale ([stop, "#rrggbb"] pairs) at 256 evenly spaced levels as RGBA bytes (base64),
    interpolated in RGB as plotly does, in the page's theme."""
    stops = np.array([stop for stop, _ in colours])
    rgb = np.array([_rgb(theme.recolour(colour, theme_name)) for _, colour in colours], dtype=np.float64)
    levels = np.linspace(0.0, 1.0, 256)
    lut = np.column_stack([np.interp(levels, stops, rgb[:, c]) for c in range(3)] + [np.full(256, 255.0)])
    return base64.b64encode(np.rint(lut).astype(np.uint8).tobytes()).decode("ascii")


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _curve_figure(net: MLP, data: Dataset, show_test: bool) -> go.Figure:
    P = np.vstack([data.P_train, data.P_test])
    xs = np.linspace(P.min(), P.max(), 200)[:, None]
    traces = [
        dict(type="scatter", x=f32(xs[:, 0]), y=f32(net.predict(data.inputs(xs))[:, 0]), mode="lines",
             name="y* (network)", line=dict(color=theme.INK, width=3)),
        dict(type="scatter", x=f32(data.P_train[:, 0]), y=f32(data.y_train), mode="markers", name="train",
             marker=dict(color=theme.TRAIN, size=6)),
    ]
    if show_test and len(data.y_test):
        traces.append(dict(type="scatter", x=f32(data.P_test[:, 0]), y=f32(data.y_test), mode="markers",
                           name="test", marker=dict(color=theme.TEST, size=7, symbol="x")))
    return figure(traces, MAP_HEIGHT, legend=LEGEND_ON_TOP, margin=LEGEND_MARGIN, xaxis=dict(title=dict(text="x1")),
                   yaxis=dict(title=dict(text="y")))


SPLIT_SYMBOLS = {"train": "circle", "test": "x"}


def _key(n_classes: int, splits: list[str]) -> list[dict]:
    """Legend entries only: each class in its colour, then each split's symbol (points carry one colour each,
    and a trace's own legend entry would show the first point's)."""
    blank = dict(type="scatter", x=[None], y=[None], mode="markers", hoverinfo="skip")
    return ([{**blank, "name": str(k), "marker": dict(color=theme.class_colour(k), size=9)} for k in range(n_classes)]
            + [{**blank, "name": split, "marker": dict(color=theme.WHITE, size=8, symbol=SPLIT_SYMBOLS[split],
                                                       line=dict(width=1.5, color=theme.INK))} for split in splits])


def _projection_figure(net: MLP, data: Dataset, show_test: bool) -> go.Figure:
    splits = [("train", data.X_train, data.P_train, data.y_train)]
    if show_test and len(data.y_test):
        splits.append(("test", data.X_test, data.P_test, data.y_test))
    traces = []
    for split, X, P, y in splits:
        pred = net.predict(X)
        if data.task == "regression":
            traces.append(dict(type="scatter", x=f32(P[:, 0]), y=f32(P[:, 1]), mode="markers", name=split,
                               marker=dict(color=f32(pred[:, 0]), colorscale=DIVERGING, size=6)))
            continue
        cls = pred.argmax(axis=1) if pred.shape[1] > 1 else (pred[:, 0] >= 0.5).astype(int)
        wrong = cls != y
        traces.append(dict(
            type="scatter", x=f32(P[:, 0]), y=f32(P[:, 1]), mode="markers", name=split, showlegend=False,
            marker=dict(color=theme.class_colours(cls), size=np.where(wrong, 10, 6).tolist(),
                        symbol=SPLIT_SYMBOLS[split], line=dict(width=np.where(wrong, 2, 0).tolist(), color=theme.INK)),
            hovertext=[f"true class {t}, predicted {c}" for t, c in zip(y, cls)], hoverinfo="text",
        ))
    if data.task != "regression":
        traces += _key(data.n_classes if data.task == "multiclass" else 2, [split for split, *_ in splits])
    return figure(traces, MAP_HEIGHT, legend={**LEGEND_ON_TOP, "title": dict(text="predicted class", side="top"),
                                              "itemclick": False, "itemdoubleclick": False},
                  margin=LEGEND_MARGIN,
                   xaxis=dict(title=dict(text="principal component 1")),
                   yaxis=dict(title=dict(text="principal component 2")))


# --- 3. per-neuron maps --------------------------------------------------------------------------
def neuron_maps_figure(net: MLP, data: Dataset, layer: int, resolution: int = 30) -> go.Figure:
    """Small multiples: the output O_i^(layer) of every unit of one hidden layer over the input plane.

    The maps are tiles of a single heatmap (one trace, one pair of axes), which the browser draws
    far faster than one subplot per unit.
    """
    _, _, grid = plane_grid(data, resolution)
    out = net.forward(data.inputs(grid)).O[layer - 1]
    n = min(out.shape[1], MAX_DRAWN_UNITS)
    cols = min(n, 4)
    rows = -(-n // cols)
    gap = max(2, resolution // 10)
    step, row_step = resolution + gap, resolution + resolution // 2  # room above each row for its names
    z = np.full((rows * row_step - resolution // 2, cols * step - gap), np.nan, dtype=np.float32)
    notes = []
    for i in range(n):
        r, c = divmod(i, cols)
        top = (rows - 1 - r) * row_step  # heatmap rows grow upwards: the first unit goes top left
        z[top:top + resolution, c * step:c * step + resolution] = f32(out[:, i]).reshape(resolution, resolution)
        notes.append(dict(x=c * step + resolution / 2, y=top + resolution, text=f"unit {i + 1}", showarrow=False,
                          yanchor="bottom", font=dict(size=11)))
    lo, hi = float(out.min()), float(out.max())
    trace = dict(type="heatmap", z=z, zmin=lo, zmax=hi, colorscale=DIVERGING, hoverongaps=False,
                 colorbar=dict(title=dict(text=f"O<sup>({layer})</sup>"), thickness=10),
                 hovertemplate="O = %{z:.3f}<extra></extra>")
    return figure([trace], 190 * rows + 50, annotations=notes, xaxis=theme.HIDDEN,
                   yaxis={**theme.HIDDEN, "scaleanchor": "x", "scaleratio": 1})


# --- 4. loss curves ------------------------------------------------------------------------------
def loss_figure(history: History, metric_name: str, log_y: bool = False,
                diverged_at: int | None = None) -> go.Figure:
    """Train and test loss per epoch (left axis) with the accuracy or R² faintly behind (right axis).

    One pair of axes with an overlaid second y axis: each extra subplot costs the browser time on
    every redraw. Divergence is marked with a dashed line.
    """
    e = history.epochs
    traces = []
    for name, colour, dash in (("train", theme.TRAIN, "solid"), ("test", theme.TEST, "dot")):
        loss = history.column(f"{name}_loss")
        if np.all(np.isnan(loss)):
            continue
        traces.append(dict(type="scatter", x=e, y=f32(loss), name=f"{name} L", mode="lines",
                           line=dict(color=colour, dash=dash, width=2.5),
                           hovertemplate="epoch %{x}: L = %{y:.4g}<extra>" + name + "</extra>"))
        traces.append(dict(type="scatter", x=e, y=f32(history.column(f"{name}_metric")), mode="lines",
                           name=f"{name} {metric_name}", yaxis="y2", opacity=0.45,
                           line=dict(color=colour, dash=dash, width=1.5),
                           hovertemplate="epoch %{x}: %{y:.3f}<extra>" + name + f" {metric_name}</extra>"))
    if history.marks:  # hand edits (ui.playground.run_tools), at the train loss just after each
        at, loss = zip(*history.marks)
        traces.append(dict(type="scatter", x=list(at), y=f32(np.array(loss)), mode="markers", name="edited",
                           marker=dict(symbol="x-thin", size=11, line=dict(width=2, color=theme.ALERT)),
                           hovertemplate="weight edited at epoch %{x}<extra></extra>"))
    shapes, notes = [], []
    if diverged_at is not None:
        shapes.append(dict(type="line", x0=diverged_at, x1=diverged_at, xref="x", y0=0, y1=1, yref="paper",
                           line=dict(color=theme.ALERT, dash="dash")))
        notes.append(dict(x=diverged_at, y=1, yref="paper", text="diverged", showarrow=False,
                          font=dict(color=theme.ALERT), xanchor="right"))
    columns = {kind: np.concatenate([history.column(f"{split}_{kind}") for split in ("train", "test")])
               for kind in ("loss", "metric")}
    metric_axis = dict(title=dict(text=metric_name), overlaying="y", side="right", showgrid=False,
                       autorangeoptions=_room(columns["metric"]))
    if metric_name == "accuracy":
        metric_axis.update(range=[0, 1.02], tickmode="linear", tick0=0, dtick=0.25, tickformat=".0%")
    # the legend fits the fixed top margin in two rows; on a narrow plot its further rows get room reserved above
    # the plot (see LEGEND_ON_TOP; fixed columns would cut "train accuracy" short)
    return figure(traces, MAP_HEIGHT, legend=LEGEND_ON_TOP, shapes=shapes, annotations=notes,
                  margin={**LEGEND_MARGIN, "l": 66, "r": 55},  # room for ticks such as 0.6925
                  xaxis=dict(title=dict(text="epoch"), autorangeoptions=dict(include=[nice_ceiling(e[-1] + 1)])),
                  # a new scale starts unzoomed (see ui.live_chart: an axis's own revision)
                  yaxis=dict(title=dict(text="loss L"), type="log" if log_y else "linear", nticks=6,
                             uirevision="log" if log_y else "linear",
                             autorangeoptions=_room(columns["loss"], log=log_y)),
                  yaxis2=metric_axis)


ROOM = 0.05  # the loss axis reaches this share of its span beyond the curves (a step's new point lands inside)
NICE = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)  # the epochs' axis ends at one of these times a power of 10


def nice_ceiling(value: float) -> float:
    """The smallest NICE number times a power of 10 that is at least `value` (> 0): the epochs' axis
    reaches it, so that it stays put over several steps and the curves fill at least 75 % of it."""
    scale = 10.0 ** np.floor(np.log10(value))
    return float(next(n * scale for n in NICE if n * scale >= value * (1 - 1e-12)))


def _room(values: Array, log: bool = False) -> dict:
    """A y axis's autorange options that leave ROOM of the span beyond the finite `values` (in decades
    on a log axis; a loss from 0 stays ≥ 0), so that the next step's points land inside the axes."""
    v = values[np.isfinite(values) & ((values > 0) if log else True)]
    if not v.size:
        return {}
    if log:
        lo, hi = np.log10(v.min()), np.log10(v.max())
        pad = ROOM * max(hi - lo, 0.1)
        return dict(include=[float(10 ** (lo - pad)), float(10 ** (hi + pad))])
    lo, hi = float(v.min()), float(v.max())
    pad = ROOM * max(hi - lo, 0.1 * abs(hi), 1e-9)
    return dict(include=[lo - pad if lo - pad >= 0 or lo < 0 else 0.0, hi + pad])


# --- 5. weights ----------------------------------------------------------------------------------
def weights_figure(net: MLP, layer: int) -> go.Figure:
    """W^(layer) as a heatmap with rows j (inputs) and columns i (units), on a scale shared by all layers.

    One figure per layer, so that the layers sit side by side where there is room and stack where
    there is not; small matrices are labelled with their values.
    """
    w = net.W[layer - 1]
    axes = theme.panels(1, 1)
    axes["yaxis"].update(autorange="reversed")
    lim = max(float(np.abs(m).max()) for m in net.W) or 1.0
    trace = dict(type="heatmap", z=f32(w), x=[f"i={i + 1}" for i in range(w.shape[1])],
                 y=[f"j={j + 1}" for j in range(w.shape[0])], zmin=-lim, zmax=lim, colorscale=DIVERGING,
                 colorbar={**COLORBAR, "title": dict(text="w")},
                 hovertemplate=f"w<sub>%{{y}},%{{x}}</sub><sup>({layer})</sup> = %{{z:.4g}}<extra></extra>")
    if w.size <= MAX_TEXT_CELLS:
        trace.update(text=[[plain.number(v, ".2f") for v in row] for row in w], texttemplate="%{text}")
    title = f"W<sup>({layer})</sup>  {w.shape[0]}×{w.shape[1]}"
    return figure([trace], 360, annotations=theme.panel_titles(axes, [title]), margin=COLORBAR_MARGIN, **axes)


def trajectory_figure(history: History, sizes: list[int]) -> go.Figure:
    """Weights over epochs (recorded snapshots; at most 40 weights, the largest at the end)."""
    snaps = history.snapshots
    n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    labels = param_labels(sizes)[:n_weights]
    chosen = np.sort(np.argsort(np.abs(snaps[-1, :n_weights]))[::-1][:MAX_TRAJECTORIES])
    traces = [dict(type="scatter", x=history.snapshot_epochs, y=f32(snaps[:, k]), mode="lines", name=labels[k],
                   hovertemplate=f"{labels[k]}: %{{y:.4g}} (epoch %{{x}})<extra></extra>") for k in chosen]
    return figure(traces, 360, showlegend=len(chosen) <= 12, xaxis=dict(title=dict(text="epoch")),
                   yaxis=dict(title=dict(text="w")))


# --- 6. deltas and gradient norms ----------------------------------------------------------------
def delta_figure(history: History, layer: int) -> go.Figure:
    """Mean |δ_i^(layer)| per unit (rows) over epochs (columns)."""
    d = history.neuron_delta(layer - 1)[1:]  # epoch 0 has no δ yet
    trace = dict(type="heatmap", x=history.neuron_epochs[1:], y=[f"unit {i + 1}" for i in range(d.shape[1])],
                 z=f32(d.T), colorscale=SEQUENTIAL, colorbar=dict(title=dict(text="mean |δ|"), thickness=10),
                 hovertemplate="epoch %{x}, %{y}: %{z:.3g}<extra></extra>")
    return figure([trace], 360, xaxis=dict(title=dict(text="epoch")))


def grad_norm_figure(history: History) -> go.Figure:
    """‖∂L/∂W^(l)‖ per layer over epochs, log scale: vanishing gradients show as lower lines."""
    g = history.grad_norms[1:]
    e = history.epochs[1:]
    traces = [dict(type="scatter", x=e, y=f32(g[:, l]), mode="lines", name=f"W({l + 1})",
                   line=dict(color=theme.layer_colour(l, g.shape[1])),
                   hovertemplate=f"‖∂L/∂W({l + 1})‖ = %{{y:.3g}} (epoch %{{x}})<extra></extra>")
              for l in range(g.shape[1])]
    return figure(traces, 360, xaxis=dict(title=dict(text="epoch")),
                   yaxis=dict(title=dict(text="gradient norm"), type="log", nticks=6))
