"""The Step-by-step page's figure: the samples in the plane, the chosen one ringed, to click on."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.derivation.source import Source


def sample_chooser(src: Source, index: int) -> go.Figure:
    P, c = src.points, np.asarray(src.colour, dtype=float)
    ids = np.arange(len(P))
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=P[:, 0].astype(np.float32), y=P[:, 1].astype(np.float32), mode="markers", customdata=ids,
        marker={"size": 7, "color": c.astype(np.float32), "colorscale": "Tealrose", "opacity": 0.75,
                "line": {"width": 0}},
        hovertemplate="sample %{customdata}<extra></extra>", name="samples", showlegend=False))
    fig.add_trace(go.Scatter(
        x=[float(P[index, 0])], y=[float(P[index, 1])], mode="markers", customdata=[index],
        marker={"size": 16, "color": "rgba(0,0,0,0)", "line": {"width": 3, "color": "#d9480f"}},
        hovertemplate="chosen: sample %{customdata}<extra></extra>", name="chosen", showlegend=False))
    lo, hi = np.nanmin(P, axis=0), np.nanmax(P, axis=0)
    pad = np.maximum(0.08 * (hi - lo), 0.25)  # one or a few samples still get a readable frame
    fig.update_layout(height=260, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    fig.update_xaxes(title=src.axis_titles[0], range=[float(lo[0] - pad[0]), float(hi[0] + pad[0])])
    fig.update_yaxes(title=src.axis_titles[1], range=[float(lo[1] - pad[1]), float(hi[1] + pad[1])])
    return fig
