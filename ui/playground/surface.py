"""The loss surface figure: L over a plane in weight space, level lines, the training path, the current point.

A pure function of an `engine.surface.Surface`. Nothing non-finite reaches the browser: a loss that
overflowed takes the largest finite value of the grid, the linear colour scale saturates at the
grid's 95th percentile (so a huge corner does not wash out the valley), and the log scale shows
log₁₀ L from a floor of 1e-12.
"""

from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go

from engine.surface import Surface
from ui import theme
from ui.playground.figures import COLORBAR, LEGEND_ON_TOP, level_line
from ui.theme import SEQUENTIAL, f32, figure

Array = np.ndarray

SURFACE_HEIGHT = 500
LEVELS = 10  # level lines, evenly spaced on the colour scale
SATURATE_QUANTILE = 0.95  # the linear scale's top colour: this quantile of the grid's losses
LOG_FLOOR = 1e-12
MARGIN = dict(l=60, r=70, t=56, b=50)  # a legend row on top, the colour bar on the right
_PARAM = re.compile(r"([wb])_(\d+)\^\((\d+)\)")


def html_label(label: str) -> str:
    """A parameter's name as `param_labels` writes it (w_21^(1)) in plotly's HTML (w<sub>21</sub><sup>(1)</sup>)."""
    return _PARAM.sub(r"\1<sub>\2</sub><sup>(\3)</sup>", label)


_SUB, _SUP = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"), str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def text_label(label: str) -> str:
    """A parameter's name as `param_labels` writes it (w_21^(1)) in plain text with sub- and superscripts (w₂₁⁽¹⁾)."""
    return _PARAM.sub(lambda m: m[1] + m[2].translate(_SUB) + f"({m[3]})".translate(_SUP), label)


def finite_losses(losses: Array) -> Array:
    """The grid's losses with every non-finite value replaced by the largest finite one (1 if none is)."""
    z = np.asarray(losses, dtype=np.float64)
    ok = np.isfinite(z)
    return np.where(ok, z, z[ok].max() if ok.any() else 1.0)


def colour_values(losses: Array, log_scale: bool) -> tuple[Array, float, float]:
    """What the colours show (L, or log₁₀ L) and the colour range, all finite."""
    z = finite_losses(losses)
    if log_scale:
        z = np.log10(np.maximum(z, LOG_FLOOR))
        lo, hi = float(z.min()), float(z.max())
    else:
        lo, hi = float(z.min()), float(np.quantile(z, SATURATE_QUANTILE))
    return z, lo, max(hi, lo + 1e-9)


def _level_lines(a: Array, b: Array, z: Array, lo: float, hi: float) -> tuple[Array, Array]:
    xs, ys = [], []
    for level in np.linspace(lo, hi, LEVELS + 2)[1:-1]:
        x, y = level_line(a, b, z, float(level))
        xs.append(x)
        ys.append(y)
    return np.concatenate(xs), np.concatenate(ys)


def surface_figure(surf: Surface, axis_labels: tuple[str, str], epoch: int, log_scale: bool = False,
                   label: str = "") -> go.Figure:
    """The loss over the surface's grid as a heatmap with level lines, the path (one dot per recorded
    weight vector, hover: its epoch), its start and the current weights.

    `axis_labels` name the plane's axes (parameter names as `param_labels` writes them, or any
    plain text); `epoch` goes to `layout.meta.epoch` and `label` to the text alternative.
    """
    z, lo, hi = colour_values(surf.losses, log_scale)
    raw = finite_losses(surf.losses)
    name = "log<sub>10</sub> L" if log_scale else "L"
    heat = dict(type="heatmap", x=f32(surf.a), y=f32(surf.b), z=f32(z), zmin=lo, zmax=hi, colorscale=SEQUENTIAL,
                colorbar={**COLORBAR, "title": dict(text=name)}, name="L",
                hovertemplate="(%{x:.3f}, %{y:.3f}): L = %{customdata:.4g}<extra></extra>", customdata=f32(raw))
    lx, ly = _level_lines(surf.a, surf.b, z, lo, hi)
    path, epochs = surf.path, surf.epochs
    traces = [
        heat,
        dict(type="scatter", x=f32(lx), y=f32(ly), mode="lines", hoverinfo="skip", showlegend=False,
             line=dict(color=theme.INK, width=0.8), opacity=0.35, name="level lines"),
        dict(type="scatter", x=f32(path[:, 0]), y=f32(path[:, 1]), mode="lines+markers", name="path",
             line=dict(color=theme.BLUE, width=2), marker=dict(size=5, color=theme.BLUE),
             text=[f"epoch {int(e)}" for e in epochs], hovertemplate="%{text}<extra>path</extra>"),
        dict(type="scatter", x=f32(path[:1, 0]), y=f32(path[:1, 1]), mode="markers", name="start",
             marker=dict(size=11, symbol="circle-open", color=theme.INK, line=dict(width=2)),
             hovertemplate=f"start, epoch {int(epochs[0])}<extra></extra>"),
        dict(type="scatter", x=f32(surf.current[:1]), y=f32(surf.current[1:]), mode="markers", name="now",
             marker=dict(size=15, symbol="star", color=theme.WHITE, line=dict(width=1.5, color=theme.INK)),
             hovertemplate=f"now, epoch {epoch}: L = {surf.current_loss:.4g}<extra></extra>"),
    ]
    # a new plane starts unzoomed (see ui.live_chart: an axis's own revision)
    axis = dict(constrain="domain", showgrid=False, zeroline=False,
                uirevision=f"{surf.plane.kind}{surf.plane.indices or ''}")
    fig = figure(traces, SURFACE_HEIGHT, legend=LEGEND_ON_TOP, margin=MARGIN,
                 xaxis={**axis, "range": [float(surf.a[0]), float(surf.a[-1])],
                        "title": dict(text=axis_labels[0])},
                 yaxis={**axis, "range": [float(surf.b[0]), float(surf.b[-1])], "scaleanchor": "x",
                        "scaleratio": 1, "title": dict(text=axis_labels[1])})
    fig.layout.meta = {"epoch": int(epoch), "label": label}
    return fig
