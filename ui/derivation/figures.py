"""The Step-by-step page's figure: the samples in the plane, the chosen one ringed, to click on."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui import theme
from ui.derivation.source import Source


def sample_chooser(src: Source, index: int) -> go.Figure:
    """The samples in the plane (classes in the class colours, values on the diverging scale), the chosen one ringed."""
    P, c = src.points, np.asarray(src.colour)
    if np.issubdtype(c.dtype, np.integer):  # class labels: the class colours
        marker = {"color": theme.class_colours(c)}
    else:  # values: the diverging scale
        marker = {"color": theme.f32(c), "colorscale": theme.DIVERGING}
    samples = dict(type="scatter", x=theme.f32(P[:, 0]), y=theme.f32(P[:, 1]), mode="markers",
                   customdata=np.arange(len(P)), marker={**marker, "size": 7, "opacity": 0.75, "line": {"width": 0}},
                   hovertemplate="sample %{customdata}<extra></extra>", name="samples", showlegend=False)
    chosen = dict(type="scatter", x=[float(P[index, 0])], y=[float(P[index, 1])], mode="markers", customdata=[index],
                  marker={"size": 16, "color": theme.TRANSPARENT, "line": {"width": 3, "color": theme.HIGHLIGHT}},
                  hovertemplate="chosen: sample %{customdata}<extra></extra>", name="chosen", showlegend=False)
    lo, hi = np.nanmin(P, axis=0), np.nanmax(P, axis=0)
    pad = np.maximum(0.08 * (hi - lo), 0.25)  # one or a few samples still get a readable frame
    return theme.figure(
        [samples, chosen], 260, margin={"l": 50, "r": 10, "t": 10, "b": 40},
        xaxis={"title": {"text": src.axis_titles[0]}, "range": [float(lo[0] - pad[0]), float(hi[0] + pad[0])]},
        yaxis={"title": {"text": src.axis_titles[1]}, "range": [float(lo[1] - pad[1]), float(hi[1] + pad[1])]})
