"""The look every page's figures share: palette, fonts, axis defaults, float32 arrays, panel layout.

Figures are assembled from plain dicts and wrapped without plotly's per-property validation
(`_validate=False`), which takes a figure from ~20 ms to well under 1 ms; panels are laid out with
explicit axis domains (no `make_subplots`) for the same reason. This is the only figure module
that spells out colours.

The categorical colours are Okabe & Ito's ("Color Universal Design", 2008). Their order keeps
the classes of a three-class data set, and the two weight signs, apart under deuteranopia,
protanopia and tritanopia (tests/ui/test_theme.py simulates them): class 0 and negative weights
are blue, class 1 and positive weights vermillion, class 2 grey.

Figures are built in the light theme; `recolour` turns a figure's JSON into the dark theme by
swapping each light colour that would vanish or glare on a dark background for its counterpart
in `DARK`, so both themes come from this one table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

Array = np.ndarray

BLUE, VERMILLION, BLACK = "#0072B2", "#D55E00", "#000000"
ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, REDDISH_PURPLE = "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#CC79A7"
GREY = "#999999"  # Okabe–Ito's grey, lighter than their black for filled regions
BROWN, GREEN, INDIGO = "#8C510A", "#117733", "#332288"  # beyond Okabe–Ito's eight

# classes (up to ten digits; grey for class 2 fills regions well); the first four stay apart under
# each simulated colour-vision deficiency (a fifth that did too would have to be yellow, too faint on white)
PALETTE = (BLUE, VERMILLION, GREY, BLACK, SKY_BLUE, ORANGE, REDDISH_PURPLE, BLUISH_GREEN, YELLOW, BROWN, GREEN,
           INDIGO)
POSITIVE, NEGATIVE = VERMILLION, BLUE  # weight signs: w > 0, w < 0
TRAIN, TEST = VERMILLION, BLUE  # the two loss curves (test dotted)

WHITE = "#ffffff"
TRANSPARENT = "rgba(0,0,0,0)"
INK = "#212529"  # boundary lines, marker outlines
MUTED = "#495057"  # secondary text
ALERT = "#c92a2a"  # divergence marks
HIGHLIGHT = ORANGE  # the chosen sample
HIGHLIGHT_BG = "#f9e7bf"  # table rows worth a look: a light tint of HIGHLIGHT
HIGHLIGHT_BAND = "rgba(230,159,0,0.16)"  # behind the part of a diagram a step works on: HIGHLIGHT, see-through

TEXT, GRID, LINE = "#31333f", "#e9ecef", "#ced4da"  # text, grid lines, zero and axis lines
NEUTRAL = "#f8f9fa"  # the middle of the diverging scale: zero
LOW, MID, HIGH = "#fff7bc", "#fd8d3c", "#99000d"  # the sequential scale, small to large

# colour scales spelled out: plotly.js knows no "_r" names and orders some named scales differently
DIVERGING = [[0.0, NEGATIVE], [0.5, NEUTRAL], [1.0, POSITIVE]]  # W, y*, signed values
SEQUENTIAL = [[0.0, LOW], [0.5, MID], [1.0, HIGH]]  # sizes such as mean |δ|
LAYERS = [[0.0, "#fdae6b"], [1.0, "#2171b5"]]  # first layer light orange → last layer blue (seen on both themes)
# Compare's runs: the Okabe–Ito colours with a contrast of at least 3:1 (WCAG's for graphics) on both backgrounds
# (black turns light in the dark theme), then brown; their grey, orange, sky blue and yellow are too faint on white.
# The first three stay apart under each simulated colour-vision deficiency, the others in normal vision.
RUN_COLOURS = (BLUE, VERMILLION, BLACK, BLUISH_GREEN, REDDISH_PURPLE, BROWN)
RAMP = [[0.0, BLUE], [0.5, REDDISH_PURPLE], [1.0, VERMILLION]]  # runs ordered by a number (ξ), as visible

# the dark theme (Streamlit's dark background): light colour → dark-theme colour; the weight signs and
# the first classes keep their hues, which stand out on both backgrounds
DARK_BACKGROUND = "#0e1117"
DARK = {WHITE: DARK_BACKGROUND, TEXT: "#e3e5e8", GRID: "#262a33", LINE: "#454b57", INK: "#e9ecef",
        MUTED: "#adb5bd", NEUTRAL: "#2c313a", BLACK: "#f1f3f5", INDIGO: "#9d8fe6", BROWN: "#c98d45",
        ALERT: "#ff6b6b", LOW: "#3b3412", HIGH: "#ffd43b"}
THEMES = ("light", "dark")
_HEX = re.compile(r"(#|%23)([0-9a-fA-F]{6})\b")  # a data URI spells # as %23
_DARK = {light.lower(): dark for light, dark in DARK.items()}

FONT = dict(family="Source Sans Pro, sans-serif", size=12, color=TEXT)
PANEL_TITLE_FONT = dict(size=13)
# every axis, legend and margin setting a renderer could fill in is spelled out, so that a figure looks
# the same in the Playground's own chart and in `st.plotly_chart`, whose theme fills in the rest
AXIS = dict(gridcolor=GRID, zerolinecolor=LINE, linecolor=LINE, showgrid=True, zeroline=True,
            tickfont=FONT, automargin=False, ticklabeloverflow="allow")
HIDDEN = dict(visible=False, showgrid=False, zeroline=False)  # maps and diagrams: no axis drawn
MARGIN = dict(l=55, r=15, t=40, b=45, pad=0)
F32_MAX = 3.0e38


def class_colour(k: int) -> str:
    """The colour of class k."""
    return PALETTE[int(k) % len(PALETTE)]


def class_colours(labels: Iterable) -> list[str]:
    """One colour per class label."""
    return [class_colour(k) for k in labels]


def layer_colour(l: int, n_layers: int) -> str:
    """The colour of weight layer l (0-based) of `n_layers`: light orange first, dark blue last."""
    return sample_colorscale(LAYERS, [0.15 + 0.85 * l / max(1, n_layers - 1)])[0]


def recolour(figure_json: str, theme: str) -> str:
    """A figure's JSON in `theme` ("light" as built, or "dark": each colour of `DARK` swapped, in data URIs too)."""
    if theme != "dark":
        return figure_json
    return _HEX.sub(lambda m: m.group(1) + _DARK.get("#" + m.group(2).lower(), "#" + m.group(2))[1:], figure_json)


def f32(a: Array) -> Array:
    """float32 for the browser; values beyond its range are clipped (NaN stays NaN)."""
    return np.clip(np.asarray(a, dtype=np.float64), -F32_MAX, F32_MAX).astype(np.float32)


def figure(traces: list[dict], height: int, **layout) -> go.Figure:
    """A figure from trace and layout dicts in the shared look, unvalidated (see the module docstring)."""
    # an empty template: the process-wide default is Streamlit's, whose placeholder colours
    # only Streamlit's own chart element replaces
    layout = {"height": height, "template": {}, "font": FONT, "paper_bgcolor": WHITE, "plot_bgcolor": WHITE,
              "hoverlabel": dict(font=FONT), "colorway": list(PALETTE), **layout,
              "margin": {**MARGIN, **layout.get("margin", {})}}
    legend = layout.get("legend", {})
    layout["legend"] = {**legend, "font": {**FONT, **legend.get("font", {})}}
    layout.setdefault("xaxis", {})
    layout.setdefault("yaxis", {})
    for name, axis in list(layout.items()):
        if name.startswith(("xaxis", "yaxis")):
            layout[name] = {**AXIS, **axis, "title": {"font": FONT, **axis.get("title", {})}}
    return go.Figure(data=traces, layout=layout, _validate=False)


# --- panels: several pairs of axes in one figure ---------------------------------------------------
def axis_name(k: int, letter: str) -> str:
    """The layout key of panel k's axis: 'xaxis', 'yaxis2', …"""
    return f"{letter}axis" if k == 1 else f"{letter}axis{k}"


def ref(k: int) -> dict:
    """A trace's axis references for panel k."""
    return dict(xaxis=f"x{k if k > 1 else ''}", yaxis=f"y{k if k > 1 else ''}")


def slots(widths: list[float], gap: float) -> list[tuple[float, float]]:
    """Left-to-right [x0, x1] spans in paper coordinates, proportional to `widths`, `gap` apart."""
    usable = 1 - gap * (len(widths) - 1)
    spans, left = [], 0.0
    for w in widths:
        span = usable * w / sum(widths)
        spans.append((left, left + span))
        left += span + gap
    return spans


def panels(n: int, cols: int, gap: float = 0.04, vgap: float = 0.08) -> dict:
    """Axis dicts for n equal panels, `cols` to a row, filled left to right from the top (panel k = 1 … n)."""
    rows = -(-n // cols)
    xs = slots([1.0] * cols, gap)
    ys = slots([1.0] * rows, vgap)[::-1]
    axes = {}
    for k in range(1, n + 1):
        r, c = divmod(k - 1, cols)
        axes[axis_name(k, "x")] = dict(domain=list(xs[c]), anchor=ref(k)["yaxis"])
        axes[axis_name(k, "y")] = dict(domain=list(ys[r]), anchor=ref(k)["xaxis"])
    return axes


def panel_titles(axes: dict, titles: list[str]) -> list[dict]:
    """Panel titles as annotations centred above each panel."""
    notes = []
    for k, title in enumerate(titles, start=1):
        xd, yd = axes[axis_name(k, "x")]["domain"], axes[axis_name(k, "y")]["domain"]
        notes.append(dict(text=title, x=(xd[0] + xd[1]) / 2, y=yd[1], xref="paper", yref="paper",
                          xanchor="center", yanchor="bottom", showarrow=False, font=PANEL_TITLE_FONT))
    return notes


# --- the presenter layout: larger type and thicker lines for a projector ----------------------------
def scaled(fig: go.Figure, font: float, line: float) -> go.Figure:
    """A copy of `fig` with every font size and margin times `font` and every line width times `line`
    (the figure itself, which may be cached, is left as it was)."""
    return go.Figure(_scaled(fig.to_plotly_json(), font, line, ""), _validate=False)


def _scaled(node, font: float, line: float, name: str):
    """`node` (part of a figure's dict, found under `name`) with its sizes scaled, as new dicts and lists."""
    if isinstance(node, list):
        return [_scaled(item, font, line, name) if isinstance(item, (dict, list)) else item for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if number and ((key == "size" and name.endswith("font")) or (name == "margin" and key in ("l", "r", "t", "b"))):
            out[key] = value * font
        elif number and key == "width" and name == "line":
            out[key] = value * line
        else:
            out[key] = _scaled(value, font, line, key) if isinstance(value, (dict, list)) else value
    return out
