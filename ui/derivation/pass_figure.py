"""The network diagram of one step of the two passes: the Playground's diagram with the step's values on it.

The diagram is `ui.playground.figures.network_figure` drawn with the step's parameters (after the update,
the new ones) and the gradients found so far (in the edges' hover). On top: a band behind the layer the
step works on, every unit's latest value (x, I, O or δ; all of them in its hover) and the values the step
writes on its edges. Each value trace keeps the exact numbers in `customdata`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from engine import MLP
from engine.passes import PassStep, Quantity
from ui import theme
from ui.playground.figures import NETWORK_HEIGHT, NETWORK_MARGIN, network_figure, node_positions

UNIT_LABEL_PX = 46  # units this far apart (or more) carry their latest value above them
EDGE_LABEL_UNITS = 4  # a weight layer's edges carry values when both of its layers have at most this many units,
EDGE_LABEL_PX = 60  # its units are this far apart,
EDGE_LABEL_LAYERS = 2  # and the network has at most this many weight layers (room between the columns of units)
EDGE_SPREAD = (0.38, 0.62)  # labels of the edges from the first … last unit sit this far along their edges
LABEL_FONT = dict(size=10, color=theme.INK, shadow=f"0 0 3px {theme.WHITE}")


def value_text(value: float) -> str:
    """A value on the diagram, in three significant digits."""
    return f"{float(value):.3g}"


def unit_text(q: Quantity, i: int, output: bool) -> str:
    """Unit i's label for quantity q: its name (y* for the output's O) and value."""
    return f"{'y*' if output and q.name == 'O' else q.name} = {value_text(q.values[i])}"


def _unit_spacing_px(fig: go.Figure, step: float) -> float:
    y0, y1 = fig.layout.yaxis.range
    return step / (y1 - y0) * (NETWORK_HEIGHT - NETWORK_MARGIN["t"] - NETWORK_MARGIN["b"])


def _band(x0: float, x1: float) -> dict:
    return dict(type="rect", xref="x", yref="paper", x0=x0, x1=x1, y0=0, y1=1, layer="below",
                fillcolor=theme.HIGHLIGHT_BAND, line=dict(width=0))


def _unit_traces(p: PassStep, ys: list[np.ndarray], labelled: bool) -> list[dict]:
    """Per layer of units with a value: its latest value above each drawn unit, every known one in the hover."""
    traces = []
    last = len(ys) - 1
    for k, known in enumerate(p.units):
        if not known:
            continue
        n = len(ys[k])
        latest = known[-1]
        hover = ["<br>".join(unit_text(q, i, k == last) for q in known) for i in range(n)]
        traces.append(dict(
            type="scatter", mode="markers+text", x=[k] * n, y=[float(y) for y in ys[k]], name=f"values {k}",
            meta={"layer": k, "quantity": latest.name}, customdata=[float(v) for v in latest.values[:n]],
            text=[unit_text(latest, i, k == last) if labelled else "" for i in range(n)],
            textposition="top center", textfont=LABEL_FONT, hovertext=hover, hoverinfo="text",
            marker=dict(size=22, opacity=0), showlegend=False))
    return traces


def _edge_traces(p: PassStep, ys: list[np.ndarray], spacing_px: float) -> list[dict]:
    """Per weight layer the step writes on: each drawn edge's value, along the edge, when there is room."""
    traces = []
    for l, q in enumerate(p.edge_labels, start=1):
        if q is None:
            continue
        src, dst = ys[l - 1], ys[l]
        room = (max(len(src), len(dst)) <= EDGE_LABEL_UNITS and spacing_px >= EDGE_LABEL_PX
                and len(p.edge_labels) <= EDGE_LABEL_LAYERS)
        x, y, data, text = [], [], [], []
        for j, yj in enumerate(src):
            t = EDGE_SPREAD[0] + (EDGE_SPREAD[1] - EDGE_SPREAD[0]) * (j / (len(src) - 1) if len(src) > 1 else 0.5)
            for i, yi in enumerate(dst):
                x.append(l - 1 + t)
                y.append(float(yj + t * (yi - yj)))
                data.append([j, i, float(q.values[j, i])])
                text.append(value_text(q.values[j, i]) if room else "")
        traces.append(dict(type="scatter", mode="text", x=x, y=y, name=f"edges {l}",
                           meta={"layer": l, "quantity": q.name}, customdata=data, text=text,
                           textfont=LABEL_FONT, hoverinfo="skip", showlegend=False))
    return traces


def pass_figure(p: PassStep, net: MLP, input_names: list[str] | None = None, meta: dict | None = None) -> go.Figure:
    """The diagram of step `p` of `net`'s two passes for one sample (see the module docstring); `meta` goes in
    the layout (the page puts the step and the epoch there)."""
    shown = net.copy()
    shown.set_params(list(p.W), list(p.b))
    fig = network_figure(shown, None, list(p.gradients), input_names)
    ys, step = node_positions(net.sizes)
    spacing_px = _unit_spacing_px(fig, step)
    shapes = [_band(l - 1, l) for l in p.active_edges]
    if p.active_units is not None:
        shapes.append(_band(p.active_units - 0.3, p.active_units + 0.3))
    fig.add_traces(_unit_traces(p, ys, spacing_px >= UNIT_LABEL_PX) + _edge_traces(p, ys, spacing_px))
    if p.loss is not None:
        fig.add_annotation(text=f"L = {p.loss:.4g}", x=len(ys) - 1, y=1, xref="x", yref="paper", yanchor="bottom",
                           showarrow=False, font=dict(size=13))
    fig.update_layout(shapes=shapes, meta=meta or {})
    return fig
