"""A decision-region panel's training points as one plotly layout image: an SVG of circles.

One image is one node for the browser to lay out and draw, where 210 points as plotly markers are
210 SVG paths (most of a decision-region panel's drawing time). The image covers a box in data
units (`xref`/`yref` "x"/"y"), so it follows a zoom like the heatmap under it. Its colours are the
theme's, spelled `%23rrggbb` (a data URI cannot hold `#`), which `ui.theme.recolour` swaps like
any other: a point whose value lies between two stops of the colour scale is the lower stop's
colour under the upper stop's at the matching opacity, so the dark theme's stops mix the same way.
"""

from __future__ import annotations

import numpy as np

from ui import theme

WIDTH = 1000  # the SVG's width in its own units; its height follows the box's aspect
RADIUS = 0.009  # a point's radius as a fraction of the box's width: 4–5 px in a 250 px panel, as the markers were
OUTLINE = 0.002  # its outline's width, likewise


def _mix(values: np.ndarray, scale: list[list]) -> tuple[list[str], list[str], np.ndarray]:
    """Per value in [0, 1]: the colour scale's stop at or below it, the next stop, and how far towards it."""
    stops = np.array([s for s, _ in scale], dtype=float)
    colours = [c for _, c in scale]
    lower = np.clip(np.searchsorted(stops, values, side="right") - 1, 0, len(stops) - 2)
    frac = np.clip((values - stops[lower]) / (stops[lower + 1] - stops[lower]), 0.0, 1.0)
    return [colours[i] for i in lower], [colours[i + 1] for i in lower], frac


def points_image(points: np.ndarray, values: np.ndarray, scale: list[list], box: tuple[float, float, float, float],
                 cmin: float | None = None, cmax: float | None = None) -> dict:
    """A layout image of `points` (n, 2) coloured by `values` on `scale` from `cmin` to `cmax` (the values'
    range when not given), outlined in ink, over `box` = (x0, x1, y0, y1) in data units."""
    x0, x1, y0, y1 = box
    height = WIDTH * (y1 - y0) / (x1 - x0)
    values = np.asarray(values, dtype=float)
    lo = float(values.min()) if cmin is None else cmin
    hi = float(values.max()) if cmax is None else cmax
    unit = (values - lo) / (hi - lo) if hi > lo else np.full(values.shape, 0.5)
    below, above, frac = _mix(np.clip(unit, 0.0, 1.0), scale)
    cx = (points[:, 0] - x0) / (x1 - x0) * WIDTH
    cy = (y1 - points[:, 1]) / (y1 - y0) * height
    r, width = RADIUS * WIDTH, OUTLINE * WIDTH
    circles = []
    for x, y, low, high, f in zip(cx, cy, below, above, frac):
        low, f = (high, 0.0) if f >= 1 else (low, f)
        circles.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:g}' fill='{low}'/>")
        if f > 0:  # the upper stop over the lower, inside the outline
            circles.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r - width / 2:g}' fill='{high}' "
                           f"fill-opacity='{f:.3f}' stroke='none'/>")
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {height:.1f}' preserveAspectRatio='none'>"
           f"<g stroke='{theme.INK}' stroke-width='{width:g}'>{''.join(circles)}</g></svg>")
    return {"source": "data:image/svg+xml;utf8," + svg.replace("#", "%23"), "xref": "x", "yref": "y",
            "x": float(x0), "y": float(y1), "sizex": float(x1 - x0), "sizey": float(y1 - y0), "sizing": "stretch",
            "xanchor": "left", "yanchor": "top", "layer": "above"}
