"""A plotly chart that the browser updates in place, and the player that plays compact films on such charts.

`st.plotly_chart` rebuilds its chart whenever the figure changes, and every update costs a round
trip through Streamlit. A live chart keeps one plot and hands each new figure to `Plotly.react`,
so a zoom survives the next epoch. The plot follows its container's width (a figure of panels,
`layout.meta.panels` from `ui.compare.figures.panel_row`, is laid out anew for it: as many panels to a
row as fit, and as tall as its rows); scrolled out of view,
it keeps pace without drawing and draws its latest figure when it comes into view. Each plot
registers itself in the page under its key, so that a player can drive it.

While playing, a player (`live_player`) receives films of compact frames (`ui.playground.frames`)
and applies each frame, in one animation frame, to the charts it names (one plotly call per chart,
the loss in batches) and to the metrics row it draws itself; when it starts on a film it asks for
the next, so training and drawing overlap. It stops at once on a click of the page's Pause button
and reports the epoch on screen; a hidden tab neither draws nor asks.

The browser side is `live_chart.js` and `live_chart.css` beside this file (read as text: Streamlit
takes asset paths only from installed packages). plotly.js is the app's
`static/plotly-cartesian.min.js`: plotly.js's cartesian bundle (npm `plotly.js-cartesian-dist-min`,
MIT licence), a third of the full bundle's size and parse time, with the 2-D trace types the charts
use, of the same plotly.js version as the plotly package's (tests check both). Streamlit's static
file serving delivers it from any server process's first request. Charts are drawn in the
page's theme (`st.context.theme`); a chart that finds the page in another theme asks for a rerun.
A chart's plotly event handlers (a click on the diagram, say) belong in `draw` in the JS, after its first plot.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from ui import theme

HERE = Path(__file__).parent
STATIC_PLOTLY = "app/static/plotly-cartesian.min.js"  # ./static/ with `server.enableStaticServing`
CONFIG = {"displaylogo": False, "responsive": True}
FRAME_MS = 15  # shortest time from one film frame to the next: one per animation frame at 60 Hz, at most

_JS, _CSS = (HERE / "live_chart.js").read_text(), (HERE / "live_chart.css").read_text()
_live = st.components.v2.component("live_plotly_chart", js=_JS, css=_CSS, isolate_styles=False)
_player = st.components.v2.component("live_player", js=_JS, css=_CSS, isolate_styles=False)
_preload = st.components.v2.component("plotly_preload", js=_JS, css=_CSS, isolate_styles=False)
_pause = st.components.v2.component("live_pause", js=_JS, css=_CSS, isolate_styles=False)
_ahead = st.components.v2.component("live_step_ahead", js=_JS, css=_CSS, isolate_styles=False)


def _rerun() -> None:
    """Nothing to do here: the rerun the browser asks for (the next film, a new theme, a job's end) draws anew."""


def plotly_url() -> str:
    """Where the browser fetches plotly.js: the static folder under the server's base URL path."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + "/".join(part for part in (base, STATIC_PLOTLY) if part)


def page_theme() -> str:
    """The page's theme, "light" or "dark" (light while the browser has not said)."""
    kind = st.context.theme.type
    return kind if kind in theme.THEMES else "light"


def prepared(fig: go.Figure, key: str, revision: str = "") -> str:
    """The figure's JSON for the chart under `key`, in the page's theme.

    The user's zoom and hidden traces last until `revision` changes (or, for an axis with a
    `uirevision` of its own, until that changes too). A figure's `layout.meta.label`, if set,
    becomes the chart's text alternative.
    """
    name = page_theme()
    fig.layout.uirevision = f"{key}:{revision}"
    fig.layout.meta = {**(fig.layout.meta or {}), "theme": name}
    for axis in (*fig.select_xaxes(), *fig.select_yaxes()):
        if axis.uirevision is not None:  # an axis's own revision (e.g. its scale) refines the chart's
            axis.uirevision = f"{key}:{revision}:{axis.uirevision}"
    return theme.recolour(pio.to_json(fig, validate=False), name)


def live_chart(fig: go.Figure, key: str, revision: str = "", watch_theme: bool = False) -> None:
    """Show a figure under `key`, updating the plot in place (see `prepared` for `revision`).

    With `watch_theme`, the chart asks for a rerun when the page's theme changes (one chart of a
    page is enough)."""
    show_prepared(prepared(fig, key, revision), key, fig.layout.height or 450, watch_theme)


def show_prepared(text: str, key: str, height: int | str, watch_theme: bool = False, adopt: str = "") -> None:
    """Show a figure's JSON from `prepared` under `key` (an unchanged text leaves the plot alone), `height` px tall
    (or "content": as tall as the browser draws it).

    With `adopt`, the chart takes over the plot last shown under that name if it has left the page
    (a drawing under another key replaced it), so the figure is updated in place, not drawn anew.
    """
    data = {"key": key, "frames": [text], "report_theme": watch_theme, "plotly_url": plotly_url(), "config": CONFIG}
    _live(key=key, data=data | ({"adopt": adopt} if adopt else {}), height=height, on_theme_change=_rerun)


def preload_plotly(key: str, rerun: str = "") -> None:
    """Start loading plotly.js now, showing nothing, so a page's first live chart need not wait for it.

    With `rerun`, a token new to the page, the browser asks for one rerun once the page's live charts have drawn
    the figures they received (or after 2 s): the rest of the page is then redrawn after the charts, not over
    them."""
    _preload(key=key, data={"kind": "preload", "plotly_url": plotly_url(), "rerun": rerun}, height=0,
             on_drawn_change=_rerun)


def live_player(film: dict[str, Any] | None, key: str, charts: dict[str, str], metrics: list[tuple],
                on_shown: Callable[[], None], run: int | None = None) -> None:
    """The metrics row and, with a `film` (see `ui.playground.film.film`), the player of its frames.

    `charts` names the live charts the frames go to ({"net": key, "out": key, "loss": key});
    `metrics` is the row as the server has it, (label, value, change) each, shown until a frame
    replaces it. When the browser starts on a film it asks for the next with a rerun, calling
    `on_shown` first ({"film", "fps", "wait"} in `st.session_state[key]["shown"]`). A film's
    "charts" ({chart key: JSON from `prepared`}, if any) are drawn on those live charts with its
    first frame. Pause goes through `pause_catcher`. A step's film (`ui.playground.step`) is painted at
    once on the charts' full figures, until the next figures drawn on them replace the painting. A `run`
    number says a run of the page (the Playground's main area) starts, for `step_ahead`.
    """
    _player(key=key, data={"kind": "player", "film": film, "charts": charts, "metrics": metrics,
                           "frame_ms": FRAME_MS, "plotly_url": plotly_url(), "run": run},
            on_shown_change=on_shown, on_ended_change=_rerun)


def step_ahead(film: dict[str, Any] | None, key: str, charts: dict[str, str], button: str, run: int) -> None:
    """Hold a step's film worked out ahead (`ui.playground.step.ahead_film`; it draws nothing), at the end of
    run `run` (numbered by a `live_player` at its start): painted on `charts` at a click on the button
    keyed `button`, if the charts show the epoch it starts from and nothing else in the page was
    pressed since the server took it in; None drops the one held."""
    _ahead(key=key, data={"kind": "ahead", "film": film, "charts": charts, "button": button, "run": run}, height=0)


def pause_catcher(key: str, pause_key: str, on_pause: Callable[[], None]) -> None:
    """Pause as one rerun of the fragment this is drawn in (it draws nothing): a click on the button
    keyed `pause_key` while the player plays stops it at once and, in place of the button's own
    click, calls `on_pause` with the epoch on screen in `st.session_state[key]["paused"]`
    ({"epoch", "film"})."""
    _pause(key=key, data={"kind": "pause", "pause_key": pause_key}, height=0, on_paused_change=on_pause)
