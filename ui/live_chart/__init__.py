"""A plotly chart that the browser updates in place, and plays a short film of frames while training.

`st.plotly_chart` rebuilds its chart whenever the figure changes, and every update costs a round
trip through Streamlit. This chart keeps one plot and hands each new figure to `Plotly.react`, so
a zoom survives the next epoch. While playing, the server sends a film of several frames per
round trip; the browser shows them one after another and, when it starts on a film, asks for the
next one, so training and drawing overlap. The plot follows its container's width; scrolled out
of view, it keeps pace without drawing and draws its latest figure when it comes into view.

The browser side is `live_chart.js` and `live_chart.css` beside this file (read as text: Streamlit
takes asset paths only from installed packages). plotly.js is the app's `static/plotly.min.js`
(a copy of the plotly package's, which a test keeps identical), served by Streamlit's static file
serving, so every server process delivers it from its first request. Charts are drawn in the
page's theme (`st.context.theme`); a chart that finds the page in another theme asks for a rerun.
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from ui import theme

HERE = Path(__file__).parent
STATIC_PLOTLY = "app/static/plotly.min.js"  # ./static/plotly.min.js with `server.enableStaticServing`
CONFIG = {"displaylogo": False, "responsive": True}
FRAME_MS = 80  # shortest time from one film frame to the next

_live = st.components.v2.component("live_plotly_chart", js=(HERE / "live_chart.js").read_text(),
                                   css=(HERE / "live_chart.css").read_text(), isolate_styles=False)


def _rerun() -> None:
    """Nothing to do here: the rerun the browser asks for (the next film, or a new theme) draws anew."""


def plotly_url() -> str:
    """Where the browser fetches plotly.js: the static folder under the server's base URL path."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + "/".join(part for part in (base, STATIC_PLOTLY) if part)


def page_theme() -> str:
    """The page's theme, "light" or "dark" (light while the browser has not said)."""
    kind = st.context.theme.type
    return kind if kind in theme.THEMES else "light"


def live_chart(figs: go.Figure | list[go.Figure], key: str, revision: str = "", playing: bool = False,
               ask: bool = True) -> None:
    """Show a figure, or a film of figures shown in turn, under `key`, updating the plot in place.

    The user's zoom and hidden traces last until `revision` changes (or, for an axis with a
    `uirevision` of its own, until that changes too). With `playing`, the figures are a film that
    is part of playing; with `ask` too, the browser asks for the next film, with a rerun, when it
    starts showing this one (one chart of several playing together asks). A figure's
    `layout.meta.label`, if set, becomes the chart's text alternative.
    """
    figs = figs if isinstance(figs, list) else [figs]
    name = page_theme()
    for fig in figs:
        fig.layout.uirevision = f"{key}:{revision}"
        fig.layout.meta = {**(fig.layout.meta or {}), "theme": name}
        for axis in (*fig.select_xaxes(), *fig.select_yaxes()):
            if axis.uirevision is not None:  # an axis's own revision (e.g. its scale) refines the chart's
                axis.uirevision = f"{key}:{revision}:{axis.uirevision}"
    frames = [theme.recolour(pio.to_json(fig, validate=False), name) for fig in figs]
    _live(key=key, data={"frames": frames, "play": playing, "ask": ask, "report_theme": ask,
                         "plotly_url": plotly_url(), "config": CONFIG, "frame_ms": FRAME_MS},
          height=max(fig.layout.height or 450 for fig in figs), on_shown_change=_rerun, on_theme_change=_rerun)
