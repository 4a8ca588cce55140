"""A plotly chart that the browser updates in place, and plays a short film of frames while training.

`st.plotly_chart` rebuilds its chart whenever the figure changes, and every update costs a round
trip through Streamlit. This chart keeps one plot and hands each new figure to `Plotly.react`, so
a zoom survives the next epoch. While playing, the server sends a film of several frames per
round trip; the browser shows them one after another and, when it starts on a film, asks for the
next one, so training and drawing overlap. plotly.js is the copy inside the plotly Python
package, served by Streamlit's component route.
"""

from __future__ import annotations

from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
import streamlit.components.v1 as components_v1

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
ASSETS = "plotly_assets"
ASSET_ROUTE = f"component/{__name__}.{ASSETS}/plotly.min.js"
CONFIG = {"displaylogo": False, "responsive": True}
FRAME_MS = 80  # shortest time from one film frame to the next

JS = """
// plotly.js once per page (Streamlit's own copy, if a page of it loaded one first); a failed load
// is forgotten, so the next update tries again
function plotlyLoaded(route) {
  if (!window.__livePlotly) {
    window.__livePlotly = new Promise((resolve, reject) => {
      if (window.Plotly) { resolve(window.Plotly); return; }
      const app = document.querySelector('script[src*="static/js/index"]');
      const script = document.createElement('script');
      script.src = new URL('../../' + route, app ? app.src : document.baseURI).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__livePlotly = null;
        script.remove();
        reject(new Error('the chart library (plotly.js) could not be loaded'));
      };
      document.head.appendChild(script);
    });
  }
  return window.__livePlotly;
}

// Show queued frames one by one, each painted at least once and at most one per FRAME_MS;
// starting on a new film asks for the next.
function pump(plot) {
  const live = plot.live;
  if (live.busy || !live.queue.length || !plot.isConnected) return;
  const wait = live.lastDrawn + live.frameMs - performance.now();
  if (wait > 0) { live.busy = true; setTimeout(() => { live.busy = false; pump(plot); }, wait); return; }
  const [film, text] = live.queue.shift();
  // ask once per film, and only when no later film is queued: a film that arrived unasked (say,
  // after a toggle) is then absorbed instead of keeping an extra film in flight for good. Not
  // while Streamlit marks the chart stale: a rerun is under way (it brings a film of its own) or
  // the user is leaving the page, and a request now would pull the browser back to this page.
  const later = live.queue.length && live.queue[live.queue.length - 1][0] !== film;
  const stale = plot.closest('[data-stale="true"]') !== null;
  if (live.ask && film !== null && film !== live.askedFor && !later && !stale) {
    live.askedFor = film;
    live.ask(film);
  }
  live.busy = true;
  live.lastDrawn = performance.now();
  const figure = JSON.parse(text);
  plotlyLoaded(live.route)
    .then((Plotly) => {
      if (!plot.data) plot.textContent = '';  // a message left by a failed first draw
      // a new revision (a rebuilt run) is drawn afresh: react can leave a legend behind that the
      // new figure no longer has (the 1-D curve's, under a 2-D plane)
      const fresh = plot.layout && plot.layout.uirevision !== figure.layout.uirevision;
      return (fresh ? Plotly.newPlot : Plotly.react)(plot, figure.data, figure.layout, live.config);
    })
    .catch((error) => {
      console.error('live chart:', error);
      if (!plot.data) {
        plot.textContent = `This chart could not be drawn: ${error.message}. ` +
          'It tries again with the next update (a step, or reloading the page).';
      }
    })
    .finally(() => requestAnimationFrame(() => setTimeout(() => { live.busy = false; pump(plot); })));
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let plot = parentElement.querySelector('.live-plot');
  if (!plot) {
    plot = document.createElement('div');
    plot.className = 'live-plot';
    plot.live = { queue: [], busy: false, lastDrawn: 0, films: 0, askedFor: null, received: null };
    parentElement.appendChild(plot);
  }
  const live = plot.live;
  Object.assign(live, { route: data.route, config: data.config, frameMs: data.frame_ms });
  live.ask = data.play ? (film) => setTriggerValue('shown', film) : null;
  const received = data.frames.join('\\n');
  if (received === live.received) return;  // the same figures again: nothing to draw
  live.received = received;
  const film = data.play ? ++live.films : null;  // numbered here, so every film is asked on from once
  const frames = data.frames.map((text) => [film, text]);
  // a still figure replaces whatever was queued; a film joins the queue, which keeps at most three films
  live.queue = data.play ? live.queue.concat(frames).slice(-3 * frames.length) : frames;
  pump(plot);
}
"""

CSS = ".live-plot { contain: layout style; }"

_live = st.components.v2.component("live_plotly_chart", js=JS, css=CSS, isolate_styles=False)


def _next_film() -> None:
    """Nothing to do here: the rerun the browser asks for trains and sends the next film."""


def live_chart(figs: go.Figure | list[go.Figure], key: str, revision: str = "", playing: bool = False) -> None:
    """Show a figure, or a film of figures shown in turn, under `key`, updating the plot in place.

    The user's zoom and hidden traces last until `revision` changes (or, for an axis with a
    `uirevision` of its own, until that changes too). With `playing`, the figures
    are a film that is part of playing: the browser asks for the next film, with a rerun, when it
    starts showing this one.
    """
    figs = figs if isinstance(figs, list) else [figs]
    components_v1.declare_component(ASSETS, path=PLOTLY_DIR)
    for fig in figs:
        fig.layout.uirevision = f"{key}:{revision}"
        for axis in (*fig.select_xaxes(), *fig.select_yaxes()):
            if axis.uirevision is not None:  # an axis's own revision (e.g. its scale) refines the chart's
                axis.uirevision = f"{key}:{revision}:{axis.uirevision}"
    frames = [pio.to_json(fig, validate=False) for fig in figs]
    _live(key=key, data={"frames": frames, "play": playing, "route": ASSET_ROUTE, "config": CONFIG,
                         "frame_ms": FRAME_MS},
          height=max(fig.layout.height or 450 for fig in figs), on_shown_change=_next_film)
