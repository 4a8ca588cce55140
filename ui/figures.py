"""Plotly figure builders for the Playground: pure functions from engine state to `go.Figure`.

Figures carry no volatile text (epoch, loss) in titles, so a figure that did not change is not
re-sent; arrays go out as float32 to keep the browser fast.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine import MLP, Dataset, History
from engine.network import param_labels

Array = np.ndarray

POSITIVE, NEGATIVE = "#d9480f", "#1c7ed6"  # edge colours: w > 0 orange, w < 0 blue
CLASS_COLOURS = ("#1c7ed6", "#d9480f", "#2f9e44", "#ae3ec9", "#f59f00", "#0ca678", "#e64980",
                 "#495057", "#74c0fc", "#ffa94d")
DIVERGING = [[0.0, "#1c7ed6"], [0.5, "#f8f9fa"], [1.0, "#d9480f"]]
WIDTH_BUCKETS = (0.25, 0.5, 0.75, 1.0)
MAX_DRAWN_UNITS = 16
MAX_TEXT_CELLS = 120
MAX_TRAJECTORIES = 40


def _base_layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    fig.update_layout(template="plotly_white", height=height, margin=dict(l=10, r=10, t=30, b=10),
                      **extra)
    return fig


def _f32(a: Array) -> Array:
    return np.asarray(a, dtype=np.float32)


# --- 1. network diagram ------------------------------------------------------------------------
def _node_positions(sizes: list[int]) -> list[Array]:
    """y coordinates of the drawn units per layer, centred; large layers are cut to MAX_DRAWN_UNITS."""
    return [np.linspace(1, -1, min(n, MAX_DRAWN_UNITS)) * min(n, MAX_DRAWN_UNITS) / 8 for n in sizes]


def network_figure(
    net: MLP,
    neuron_delta: list[Array] | None = None,
    gradients: list[Array] | None = None,
    input_names: list[str] | None = None,
) -> go.Figure:
    """Units by layer; edge colour = sign of w_ji^(l), width = |w|; units coloured by mean |δ|.

    Hovering an edge's midpoint shows w_ji^(l), its value and its current gradient ∂L/∂w_ji^(l);
    hovering a unit shows its bias and mean |δ|. At most 16 units per layer are drawn.
    """
    sizes = net.sizes
    ys = _node_positions(sizes)
    wmax = max(float(np.abs(w).max()) for w in net.W) or 1.0
    buckets: dict[tuple[bool, int], list[float | None]] = {}
    mid_x, mid_y, mid_text = [], [], []
    for l, w in enumerate(net.W):
        shown_in, shown_out = len(ys[l]), len(ys[l + 1])
        for j in range(shown_in):
            for i in range(shown_out):
                value = float(w[j, i])
                level = int(np.searchsorted(WIDTH_BUCKETS, abs(value) / wmax))
                seg = buckets.setdefault((value >= 0, min(level, 3)), [])
                seg += [l, l + 1, None]
                seg_y = buckets.setdefault((value >= 0, min(level, 3), "y"), [])
                seg_y += [ys[l][j], ys[l + 1][i], None]
                mid_x.append(l + 0.5)
                mid_y.append((ys[l][j] + ys[l + 1][i]) / 2)
                grad = "" if gradients is None else f"<br>∂L/∂w = {gradients[l][j, i]:.4g}"
                mid_text.append(f"w<sub>{j + 1}{i + 1}</sub><sup>({l + 1})</sup> = {value:.4g}{grad}")
    fig = go.Figure()
    for key, xs in sorted((k, v) for k, v in buckets.items() if len(k) == 2):
        positive, level = key
        fig.add_trace(go.Scatter(
            x=xs, y=buckets[(positive, level, "y")], mode="lines", hoverinfo="skip", showlegend=False,
            line=dict(color=POSITIVE if positive else NEGATIVE, width=0.6 + 4.4 * WIDTH_BUCKETS[level]),
            opacity=0.35 + 0.5 * WIDTH_BUCKETS[level],
        ))
    fig.add_trace(go.Scatter(x=mid_x, y=mid_y, mode="markers", marker=dict(size=9, opacity=0),
                             hovertext=mid_text, hoverinfo="text", showlegend=False, name="weights"))
    node_x, node_y, colour, text, label = [], [], [], [], []
    names = input_names or [f"x{j + 1}" for j in range(sizes[0])]
    for l, n in enumerate(sizes):
        for i in range(len(ys[l])):
            node_x.append(l)
            node_y.append(ys[l][i])
            if l == 0:
                colour.append(np.nan)
                text.append(f"input u<sub>{i + 1}</sub><sup>(1)</sup> = {names[i]}")
                label.append(names[i])
                continue
            d = np.nan if neuron_delta is None else float(neuron_delta[l - 1][i])
            colour.append(d)
            bias = f"<br>b = {net.b[l - 1][i]:.4g}" if net.bias else ""
            kind = "output" if l == len(sizes) - 1 else f"hidden layer {l}"
            text.append(f"{kind}, unit {i + 1}{bias}<br>mean |δ| = {d:.3g}")
            label.append(f"{net.b[l - 1][i]:+.2f}" if net.bias and n <= 10 else "")
    fig.add_trace(go.Scatter(
        x=node_x, y=node_y, mode="markers+text", text=label, textposition="bottom center",
        textfont=dict(size=10, color="#495057"), hovertext=text, hoverinfo="text", showlegend=False,
        marker=dict(size=26, color=colour, colorscale="YlOrRd", cmin=0, line=dict(width=1.5, color="#343a40"),
                    colorbar=dict(title="mean |δ|", thickness=10, len=0.6), showscale=neuron_delta is not None),
        name="units",
    ))
    for l, n in enumerate(sizes):
        if n > MAX_DRAWN_UNITS:
            fig.add_annotation(x=l, y=ys[l][-1] - 0.35, text=f"{MAX_DRAWN_UNITS} of {n} shown",
                               showarrow=False, font=dict(size=10))
    titles = ["input"] + [f"hidden {l}" for l in range(1, len(sizes) - 1)] + ["output y*"]
    fig.update_xaxes(tickvals=list(range(len(sizes))), ticktext=titles, showgrid=False, zeroline=False)
    fig.update_yaxes(visible=False)
    return _base_layout(fig, 360)


# --- 2. output over the input plane --------------------------------------------------------------
def plane_grid(data: Dataset, resolution: int = 60) -> tuple[Array, Array, Array]:
    """Axis values and the (resolution², 2) grid of raw points covering the data with a margin."""
    P = np.vstack([data.P_train, data.P_test])
    lo, hi = P.min(axis=0), P.max(axis=0)
    pad = 0.08 * (hi - lo)
    gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    xx, yy = np.meshgrid(gx, gy)
    return gx, gy, np.c_[xx.ravel(), yy.ravel()]


def _points(data: Dataset, show_test: bool, fig: go.Figure, regression: bool) -> None:
    splits = [("train", data.P_train, data.y_train, "circle")]
    if show_test and len(data.y_test):
        splits.append(("test", data.P_test, data.y_test, "x"))
    for split, P, y, symbol in splits:
        if regression:
            colour = _f32(y)
            marker = dict(color=colour, colorscale="RdBu_r", size=6, symbol=symbol,
                          line=dict(width=0.6, color="#212529"))
            fig.add_trace(go.Scatter(x=_f32(P[:, 0]), y=_f32(P[:, 1]), mode="markers", marker=marker,
                                     name=split, hovertemplate="y = %{marker.color:.3f}<extra></extra>"))
            continue
        for k in np.unique(y):
            sel = y == k
            fig.add_trace(go.Scatter(
                x=_f32(P[sel, 0]), y=_f32(P[sel, 1]), mode="markers", name=f"{split}: class {k}",
                marker=dict(color=CLASS_COLOURS[int(k) % 10], size=6 if split == "train" else 7,
                            symbol=symbol, line=dict(width=0.7, color="white" if split == "train" else
                                                     CLASS_COLOURS[int(k) % 10])),
                hovertemplate=f"{split}, class {k}<extra></extra>",
            ))


def output_figure(net: MLP, data: Dataset, show_test: bool = True, resolution: int = 60) -> go.Figure:
    """What the network has learned: y* over the input plane with the data on top.

    Binary: y* as a heatmap with the y* = 0.5 boundary; several classes: the winning class,
    shaded by its y*; 2-D regression: the prediction surface; 1-D: the curve; data without a
    plane (real data sets): the points on their first two principal components, ringed when wrong.
    """
    fig = go.Figure()
    if not data.has_plane:
        return _projection_figure(net, data, show_test)
    if data.P_train.shape[1] == 1:
        return _curve_figure(net, data, show_test)
    gx, gy, grid = plane_grid(data, resolution)
    pred = net.predict(data.inputs(grid))
    shape = (resolution, resolution)
    if data.task == "multiclass":
        cls = pred.argmax(axis=1)
        conf = pred.max(axis=1)
        k = pred.shape[1]
        colours = []
        for c in range(k):
            lo_, hi_ = c / k, (c + 1) / k
            colours += [[lo_, "#ffffff"], [hi_ - 1e-6, CLASS_COLOURS[c % 10]]]
        colours[-1][0] = 1.0
        # class c with confidence p → c + p within its own colour band
        z = (cls + (conf - 1 / k) / (1 - 1 / k) * 0.98) / k
        fig.add_trace(go.Heatmap(x=_f32(gx), y=_f32(gy), z=_f32(z.reshape(shape)), zmin=0, zmax=1,
                                 colorscale=colours, showscale=False, opacity=0.75, hoverinfo="skip"))
    elif data.task == "binary":
        p1 = pred[:, 0] if pred.shape[1] == 1 else pred[:, 1]
        fig.add_trace(go.Heatmap(x=_f32(gx), y=_f32(gy), z=_f32(p1.reshape(shape)), zmin=0, zmax=1,
                                 colorscale=DIVERGING, opacity=0.8, colorbar=dict(title="y*", thickness=10),
                                 hovertemplate="y* = %{z:.3f}<extra></extra>"))
        fig.add_trace(go.Contour(x=_f32(gx), y=_f32(gy), z=_f32(p1.reshape(shape)), showscale=False,
                                 contours=dict(start=0.5, end=0.5, size=1, coloring="lines"),
                                 colorscale=[[0, "#212529"], [1, "#212529"]], line=dict(width=2.5),
                                 hoverinfo="skip", name="y* = 0.5"))
    else:
        z = pred[:, 0]
        lim = float(max(np.abs(z).max(), np.abs(data.y_train).max(), 1e-9))
        fig.add_trace(go.Heatmap(x=_f32(gx), y=_f32(gy), z=_f32(z.reshape(shape)), zmin=-lim, zmax=lim,
                                 colorscale="RdBu_r", opacity=0.8, colorbar=dict(title="y*", thickness=10),
                                 hovertemplate="y* = %{z:.3f}<extra></extra>"))
    _points(data, show_test, fig, data.task == "regression")
    fig.update_xaxes(range=[gx[0], gx[-1]], title=data.input_names[0] if data.features[0] == "x1" else "x1")
    fig.update_yaxes(range=[gy[0], gy[-1]], title="x2")
    return _base_layout(fig, 400, legend=dict(orientation="h", y=-0.15))


def _curve_figure(net: MLP, data: Dataset, show_test: bool) -> go.Figure:
    P = np.vstack([data.P_train, data.P_test])
    xs = np.linspace(P.min(), P.max(), 200)[:, None]
    fig = go.Figure(go.Scatter(x=_f32(xs[:, 0]), y=_f32(net.predict(data.inputs(xs))[:, 0]), mode="lines",
                               name="y* (network)", line=dict(color="#212529", width=3)))
    fig.add_trace(go.Scatter(x=_f32(data.P_train[:, 0]), y=_f32(data.y_train), mode="markers", name="train",
                             marker=dict(color=CLASS_COLOURS[1], size=6)))
    if show_test and len(data.y_test):
        fig.add_trace(go.Scatter(x=_f32(data.P_test[:, 0]), y=_f32(data.y_test), mode="markers", name="test",
                                 marker=dict(color=CLASS_COLOURS[0], size=7, symbol="x")))
    fig.update_xaxes(title="x1")
    fig.update_yaxes(title="y")
    return _base_layout(fig, 400, legend=dict(orientation="h", y=-0.15))


def _projection_figure(net: MLP, data: Dataset, show_test: bool) -> go.Figure:
    fig = go.Figure()
    splits = [("train", data.X_train, data.P_train, data.y_train)]
    if show_test and len(data.y_test):
        splits.append(("test", data.X_test, data.P_test, data.y_test))
    for split, X, P, y in splits:
        pred = net.predict(X)
        if data.task == "regression":
            fig.add_trace(go.Scatter(x=_f32(P[:, 0]), y=_f32(P[:, 1]), mode="markers", name=split,
                                     marker=dict(color=_f32(pred[:, 0]), colorscale="RdBu_r", size=6)))
            continue
        cls = pred.argmax(axis=1) if pred.shape[1] > 1 else (pred[:, 0] >= 0.5).astype(int)
        wrong = cls != y
        fig.add_trace(go.Scatter(
            x=_f32(P[:, 0]), y=_f32(P[:, 1]), mode="markers", name=f"{split} (colour = predicted class)",
            marker=dict(color=[CLASS_COLOURS[int(c) % 10] for c in cls], size=np.where(wrong, 10, 6),
                        symbol="circle" if split == "train" else "x",
                        line=dict(width=np.where(wrong, 2, 0).tolist(), color="#212529")),
            hovertext=[f"true class {t}, predicted {c}" for t, c in zip(y, cls)], hoverinfo="text",
        ))
    fig.update_xaxes(title="principal component 1")
    fig.update_yaxes(title="principal component 2")
    return _base_layout(fig, 400, legend=dict(orientation="h", y=-0.15))


# --- 3. per-neuron maps --------------------------------------------------------------------------
def neuron_maps_figure(net: MLP, data: Dataset, layer: int, resolution: int = 30) -> go.Figure:
    """Small multiples: the output O_i^(layer) of every unit of one hidden layer over the input plane."""
    gx, gy, grid = plane_grid(data, resolution)
    out = net.forward(data.inputs(grid)).O[layer - 1]
    n = min(out.shape[1], MAX_DRAWN_UNITS)
    cols = min(n, 4)
    rows = -(-n // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[f"unit {i + 1}" for i in range(n)],
                        horizontal_spacing=0.03, vertical_spacing=0.08)
    lo, hi = float(out.min()), float(out.max())
    for i in range(n):
        fig.add_trace(go.Heatmap(x=_f32(gx), y=_f32(gy), z=_f32(out[:, i].reshape(resolution, resolution)),
                                 zmin=lo, zmax=hi, colorscale="RdBu_r", showscale=i == 0,
                                 colorbar=dict(title=f"O<sup>({layer})</sup>", thickness=10),
                                 hovertemplate="O = %{z:.3f}<extra></extra>"),
                      row=i // cols + 1, col=i % cols + 1)
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    return _base_layout(fig, 170 * rows + 40)


# --- 4. loss curves ------------------------------------------------------------------------------
def loss_figure(history: History, metric_name: str, log_y: bool = False,
                diverged_at: int | None = None) -> go.Figure:
    """Train and test loss per epoch (top) and the accuracy or R² (bottom); divergence marked."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.65, 0.35], vertical_spacing=0.06)
    e = history.epochs
    for name, colour, dash in (("train", "#d9480f", "solid"), ("test", "#1c7ed6", "dot")):
        loss = history.column(f"{name}_loss")
        if np.all(np.isnan(loss)):
            continue
        fig.add_trace(go.Scatter(x=e, y=_f32(loss), name=f"{name} loss", mode="lines",
                                 line=dict(color=colour, dash=dash),
                                 hovertemplate="epoch %{x}: %{y:.4g}<extra>" + name + " loss</extra>"), 1, 1)
        fig.add_trace(go.Scatter(x=e, y=_f32(history.column(f"{name}_metric")), name=f"{name} {metric_name}",
                                 mode="lines", line=dict(color=colour, dash=dash), showlegend=False,
                                 hovertemplate="epoch %{x}: %{y:.3f}<extra>" + name + f" {metric_name}</extra>"),
                      2, 1)
    if diverged_at is not None:
        fig.add_vline(x=diverged_at, line=dict(color="#c92a2a", dash="dash"))
        fig.add_annotation(x=diverged_at, y=1, yref="paper", text="diverged", showarrow=False,
                           font=dict(color="#c92a2a"), xanchor="right")
    fig.update_yaxes(title_text="loss L", type="log" if log_y else "linear", row=1, col=1)
    fig.update_yaxes(title_text=metric_name, row=2, col=1)
    fig.update_xaxes(title_text="epoch", row=2, col=1)
    return _base_layout(fig, 400, legend=dict(orientation="h", y=1.08))


# --- 5. weights ----------------------------------------------------------------------------------
def weights_figure(net: MLP) -> go.Figure:
    """One heatmap per layer: W^(l) with rows j (inputs) and columns i (units); small ones are labelled."""
    L = net.n_layers
    fig = make_subplots(rows=1, cols=L, subplot_titles=[f"W<sup>({l + 1})</sup>  {w.shape[0]}×{w.shape[1]}"
                                                       for l, w in enumerate(net.W)],
                        horizontal_spacing=0.06)
    lim = max(float(np.abs(w).max()) for w in net.W) or 1.0
    for l, w in enumerate(net.W):
        text = np.vectorize(lambda v: f"{v:.2f}")(w) if w.size <= MAX_TEXT_CELLS else None
        fig.add_trace(go.Heatmap(
            z=_f32(w), x=[f"i={i + 1}" for i in range(w.shape[1])], y=[f"j={j + 1}" for j in range(w.shape[0])],
            zmin=-lim, zmax=lim, colorscale=DIVERGING, showscale=l == L - 1, text=text,
            texttemplate="%{text}" if text is not None else None,
            colorbar=dict(title="w", thickness=10),
            hovertemplate=f"w<sub>%{{y}},%{{x}}</sub><sup>({l + 1})</sup> = %{{z:.4g}}<extra></extra>",
        ), 1, l + 1)
        fig.update_yaxes(autorange="reversed", row=1, col=l + 1)
    return _base_layout(fig, 360)


def trajectory_figure(history: History, sizes: list[int]) -> go.Figure:
    """Weights over epochs (recorded snapshots; at most 40 weights, the largest at the end)."""
    snaps = history.snapshots
    n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    labels = param_labels(sizes)[:n_weights]
    final = np.abs(snaps[-1, :n_weights])
    chosen = np.sort(np.argsort(final)[::-1][:MAX_TRAJECTORIES])
    fig = go.Figure()
    for k in chosen:
        fig.add_trace(go.Scatter(x=history.snapshot_epochs, y=_f32(snaps[:, k]), mode="lines", name=labels[k],
                                 hovertemplate=f"{labels[k]}: %{{y:.4g}} (epoch %{{x}})<extra></extra>"))
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title="w")
    return _base_layout(fig, 360, showlegend=len(chosen) <= 12)


# --- 6. deltas and gradient norms ----------------------------------------------------------------
def delta_figure(history: History, layer: int) -> go.Figure:
    """Mean |δ_i^(layer)| per unit (rows) over epochs (columns)."""
    d = history.neuron_delta(layer - 1)[1:]  # epoch 0 has no δ yet
    e = history.neuron_epochs[1:]
    fig = go.Figure(go.Heatmap(
        x=e, y=[f"unit {i + 1}" for i in range(d.shape[1])], z=_f32(d.T), colorscale="YlOrRd",
        colorbar=dict(title="mean |δ|", thickness=10),
        hovertemplate="epoch %{x}, %{y}: %{z:.3g}<extra></extra>",
    ))
    fig.update_xaxes(title="epoch")
    return _base_layout(fig, 360)


def grad_norm_figure(history: History) -> go.Figure:
    """‖∂L/∂W^(l)‖ per layer over epochs, log scale: vanishing gradients show as lower lines."""
    g = history.grad_norms[1:]
    e = history.epochs[1:]
    fig = go.Figure()
    for l in range(g.shape[1]):
        fig.add_trace(go.Scatter(x=e, y=_f32(g[:, l]), mode="lines", name=f"W({l + 1})",
                                 hovertemplate=f"‖∂L/∂W({l + 1})‖ = %{{y:.3g}} (epoch %{{x}})<extra></extra>"))
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title="gradient norm", type="log")
    return _base_layout(fig, 360)
