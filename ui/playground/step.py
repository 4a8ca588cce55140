"""A click on Step drawn at once: one painted frame on the full figures the charts hold, which follow.

Redrawing the main charts with new full figures costs the browser about 0.3 s after the server's
run, most of it plotly laying the three plots out again. So the main area's rerun after a step
first sends a hidden player one frame of the new state (`ui.playground.frames.frame`) with where
it goes on the figures the charts hold (`spec`, kept when they were built): the player paints the
edges, units, y* map and loss curves under each plot and hides the SVG traces they replace. The
run then waits a moment (HEAD_START_SECONDS), so that the browser paints the step before it takes
in the full figures, which (hover, colour bars, axes) take the painting's place once plotly has
drawn them.

Faster still, each rerun that leaves the run still ends with the next epoch worked out ahead, on a
fork of the trainer (`ahead_film`): the browser paints it the moment "Step 1 epoch" is clicked, while
the server takes the same step on the run itself (same weights, same shuffling: the same numbers).
Anything else touched in the page first (a control, a toggle, a key) drops it, and the click takes
the way above.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import MutableMapping
from typing import Any

import plotly.graph_objects as go

from ui import keys, live_chart, session_run
from ui.playground import figures, film, frames
from ui.session_run import Run

# The rerun waits this long after sending a painting (its thread idle, no CPU spent), so that the browser
# renders and paints it before it takes in the full figures' messages, which would keep it busy first.
HEAD_START_SECONDS = 0.08
# A step worked out ahead costs each rerun that leaves the run still one epoch of training: none is
# worked out for a set-up whose last one took longer than this (a large network with per-sample updates).
AHEAD_MAX_SECONDS = 0.05


def spec(run: Run, figs: list[go.Figure]) -> dict[str, Any]:
    """Where a painted frame goes on the main views' full figures `figs` (network, y* map, loss): the
    paint of each view that can be painted, the traces it replaces and each figure's trace count (the
    player paints only on a plot that holds such a figure)."""
    network, output, loss = figs
    made: dict[str, Any] = {}
    n_inputs = len(figures.node_positions(run.net.sizes)[0][0])
    paint = frames.network_paint(network, n_inputs)
    if paint:  # the units have colours (from the first epoch on)
        units = frames.trace_index(network, "units")
        made["net"] = {"paint": paint, "xy": frames.edge_geometry(run.net)["xy"], "units": units,
                       "hide": [*range(frames.trace_index(network, "weights")), units],
                       "labels": frames.trace_index(network, "labels"), "keep": n_inputs,
                       "note": len(network.layout.annotations) - 1, "traces": len(network.data)}
    if frames.output_kind(run.data) == "plane" and figures.painted_map(run.data):
        gx, gy, _ = figures.plane_grid(run.data, film.MAP_RESOLUTION)
        made["out"] = {"x": frames.packed(gx, "<f4"), "y": frames.packed(gy, "<f4"),
                       "paint": figures.map_paint(run.data, run.net, live_chart.page_theme()),
                       "hide": [k for k in (frames.trace_index(output, "y* = 0.5"),) if k >= 0],
                       "traces": len(output.data)}
    made["loss"] = {"paint": frames.loss_styles(loss, run), "traces": len(loss.data)}
    return made


def _setup(run: Run, toggles: dict[str, bool]) -> tuple:
    """What the full figures were built for besides the epoch: the run, the theme and the views' toggles."""
    return film.revision(run), live_chart.page_theme(), tuple(toggles.values())


def keep(session: MutableMapping, run: Run, figs: list[go.Figure], toggles: dict[str, bool]) -> None:
    """Keep the spec of the full figures just sent to the main charts, for the next step's painting."""
    session[keys.STEP_SPEC] = {"for": _setup(run, toggles), "spec": spec(run, figs)}


def clicked(session: MutableMapping, epochs: int) -> None:
    """A Step button's click: train `epochs` epochs and mark the step for painting (with the epoch it
    started from, after which the loss curves grow)."""
    done = session_run.step(session, epochs)
    session[keys.STEP_FROM] = session[keys.RUN].trainer.epoch - done


def _kept_spec(session: MutableMapping, run: Run, toggles: dict[str, bool]) -> dict[str, Any] | None:
    """The spec of the full figures the charts hold, if a step of `run` can be painted on them (the same
    set-up, not playing, not diverged)."""
    kept = session.get(keys.STEP_SPEC)
    if not kept or kept["for"] != _setup(run, toggles) or run.playing or run.trainer.divergence:
        return None
    return kept["spec"]


def _painted_film(session: MutableMapping, counter: str, run: Run, toggles: dict[str, bool], since: int,
                  spec: dict[str, Any], **more: Any) -> dict[str, Any]:
    """`run` now as a film of one painted frame (the loss rows after epoch `since`), numbered by
    `session[counter]`, with the metrics row it updates (the Play player's)."""
    frame = frames.frame(run, toggles[keys.COLOUR_BY_SAMPLE], since, film.MAP_RESOLUTION, painted=True)
    number = session[counter] = session.get(counter, 0) + 1
    return {"id": number, "frames": [frame], "spec": spec, "last": True, "step": True, "metrics": keys.PLAYER,
            **more}


def film_for(session: MutableMapping, run: Run, since: int | None) -> dict[str, Any] | None:
    """The step taken from epoch `since` as a film of one painted frame for the charts, or None where
    they cannot be painted (no step, a different set-up than their figures', playing, diverged)."""
    toggles = film.main_toggles(session)
    spec = None if since is None else _kept_spec(session, run, toggles)
    return None if spec is None else _painted_film(session, keys.PLAY_FILM, run, toggles, since, spec)


def ahead_film(session: MutableMapping, run: Run) -> dict[str, Any] | None:
    """The next epoch, trained on a fork of the run (which stays as it is), as a film of one painted
    frame for the browser to paint when "Step 1 epoch" is clicked (`ahead`: the epoch the charts must
    show); None where a step could not be painted or costs too much."""
    toggles = film.main_toggles(session)
    setup, cost, spec = _setup(run, toggles), session.get(keys.STEP_AHEAD_COST), _kept_spec(session, run, toggles)
    if (spec is None or run.latest is not None or session_run.at_limit(run)
            or (cost and cost[0] == setup and cost[1] > AHEAD_MAX_SECONDS)):
        return None
    start = time.perf_counter()
    twin = run.trainer.fork()
    twin.run(1)
    if twin.divergence:
        return None
    epoch = run.trainer.epoch
    made = _painted_film(session, keys.STEP_AHEAD_FILM, dataclasses.replace(run, trainer=twin), toggles, epoch,
                         spec, ahead={"from": epoch})
    session[keys.STEP_AHEAD_COST] = (setup, time.perf_counter() - start)
    return made
