"""The Playground's loss surface detail view: its controls, its presets and its per-session cache.

The weight history is the run's `History.snapshots`: one parameter vector per recorded row,
at most `History.snapshot_capacity` of them (500, fewer for large networks: 200,000 floats in
all), old rows thinned out by halves when full, so the path is bounded however long a run goes.
The surface is computed only while this view is shown, and once per network state (the session
keeps the last one).
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from engine import surface as engine_surface
from engine.network import MLP, param_labels
from ui import controls, keys, plain, session_run
from ui.playground.surface import html_label, surface_figure, text_label
from ui.session_run import Run

PLANES = {"pca": "Plane through the path (PCA)", "slice": "Two weights, the others fixed"}


@dataclass(frozen=True)
class Preset:
    """A ready-made run for the surface: control values (checked against the control table), epochs."""

    key: str
    label: str
    values: dict[str, Any]
    epochs: int
    look_for: str


# the lecture's single sigmoid unit y* = A(w1 x1 + w2 x2), no bias, on two overlapping Gaussian classes
# (raw inputs, not standardised: their spread makes the valley steep enough for ξ = 10 to overshoot)
SINGLE_UNIT = {"dataset": "gaussians", "n_points": 300, "noise": 1.0, "test_percent": 30, "features": ("x1", "x2"),
               "standardize": False, "n_layers": 0, "bias": False, "loss": "bce", "init": "xavier", "seed": 0,
               "reg": "none"}
PRESETS: dict[str, Preset] = {
    key: Preset(key, label, {**SINGLE_UNIT, "lr": lr, "batch_mode": batch_mode}, 40, text)
    for key, label, lr, batch_mode, text in (
        ("small", "ξ too small", 0.02, "full",
         "ξ = 0.02, full batch, 40 epochs: each step is short, so the path has crept only a little way "
         "towards the bottom of the valley."),
        ("right", "ξ about right", 1.0, "full",
         "ξ = 1, full batch, 40 epochs: the path runs straight down the slope, across the level lines, "
         "and settles at the bottom."),
        ("large", "ξ too large", 10.0, "full",
         "ξ = 10, full batch, 40 epochs: the first step overshoots far out of the valley (the loss goes "
         "up), the path comes back and then bounces across the bottom without settling."),
        ("sgd", "per-sample SGD", 0.5, "sample",
         "ξ = 0.5, one sample per update (the lecture's rule), 40 epochs: each epoch's updates follow "
         "single points, so the path wanders about the bottom where the full batch goes straight."),
    )
}


def available(net: MLP) -> bool:
    """Whether the network has a plane to show: at least two trainable parameters."""
    return engine_surface.trainable(net).size >= 2


def whole_space(net: MLP) -> bool:
    """Whether two parameters are all the network trains: the slice over them is its whole weight space."""
    return engine_surface.trainable(net).size == 2


def apply_preset(session: MutableMapping, key: str) -> None:
    """Set the Playground to a preset through the control table, start a fresh run and train it."""
    preset = PRESETS[key]
    for name, value in preset.values.items():
        session[name] = list(value) if isinstance(value, tuple) else value
    run = session_run.sync(session)
    session[keys.RUN] = session_run.build_run(run.values, session)  # the same first draw every time
    session_run.step(session, preset.epochs)
    session[keys.SURFACE_PRESET] = key
    session[keys.DETAIL_VIEW] = "surface"
    session[keys.SURFACE_RERUN] = True


def _preset_shown(run: Run) -> Preset | None:
    """The preset applied last, while the run still has its settings."""
    preset = PRESETS.get(st.session_state.get(keys.SURFACE_PRESET))
    if preset is None:
        return None
    values = {name: (tuple(v) if isinstance(v, list) else v) for name, v in run.values.items()}
    return preset if all(values.get(name) == value for name, value in preset.values.items()) else None


def _default_weights(run: Run, options: list[int]) -> list[int]:
    """The two trainable parameters that moved the most over the recorded history."""
    snaps = run.trainer.history.snapshots[:, options]
    moved = np.ptp(snaps, axis=0)
    return [options[k] for k in sorted(np.argsort(-moved, kind="stable")[:2])]


def _pick(key: str, options: list[int], default: int, labels: list[str], label: str) -> int:
    if st.session_state.get(key) not in options:
        st.session_state[key] = default
    return st.selectbox(label, options, format_func=lambda k: text_label(labels[k]), key=key)


def view_controls(run: Run) -> tuple:
    """Draw the presets, the choice of plane and the colour scale; return what the figure depends on."""
    if st.session_state.pop(keys.SURFACE_RERUN, False):
        st.rerun(scope="app")  # a preset changed the controls: the sidebar and the URL must follow
    session = st.session_state
    row = st.container(horizontal=True, key=keys.SURFACE_PRESET + "_row")
    for preset in PRESETS.values():
        row.button(preset.label, key=f"{keys.SURFACE_PRESET}_{preset.key}", on_click=apply_preset,
                   args=(session, preset.key), help=f"The single sigmoid unit with two inputs and no bias. "
                   f"{preset.look_for}")
    shown = _preset_shown(run)
    if shown is not None:
        st.info(shown.look_for, icon=":material/landscape:")
    net = run.net
    options = [int(k) for k in engine_surface.trainable(net)]
    if whole_space(net):
        kind, weights = "slice", tuple(options)
    else:
        row = st.container(horizontal=True)
        with row:
            kind = st.segmented_control("Plane", list(PLANES), format_func=PLANES.get, default="pca",
                                        key=keys.SURFACE_PLANE) or "pca"
            weights = ()
            if kind == "slice":
                labels = param_labels(net.sizes)
                first, second = _default_weights(run, options)
                w1 = _pick(keys.SURFACE_WEIGHTS[0], options, first, labels, "Horizontal axis")
                rest = [k for k in options if k != w1]
                w2 = _pick(keys.SURFACE_WEIGHTS[1], rest, second if second != w1 else rest[0], labels,
                           "Vertical axis")
                weights = (w1, w2)
    log_scale = st.toggle("Log colour scale", False, key=keys.SURFACE_LOG)
    return kind, weights, log_scale


def _state_key(run: Run, kind: str, weights: tuple) -> tuple:
    """What a surface depends on: the data, the path (whose last row is the current weights), the plane."""
    snaps = run.trainer.history.snapshots
    digest = hashlib.blake2b(snaps.tobytes() + run.net.params.tobytes(), digest_size=16).hexdigest()
    return id(run.data), run.net.loss_name, run.net.reg, run.net.lam, kind, weights, snaps.shape, digest


def compute(run: Run, kind: str, weights: tuple) -> engine_surface.Surface:
    """The surface for this run and plane, from the session's cache when nothing it depends on changed."""
    key = _state_key(run, kind, weights)
    cached = st.session_state.get(keys.SURFACE_CACHE)
    if cached is not None and cached[0] == key:
        return cached[1]
    surf = build_surface(run, kind, weights)
    st.session_state[keys.SURFACE_CACHE] = (key, surf, run.data)  # the data kept: its id stays unique
    return surf


def build_surface(run: Run, kind: str, weights: tuple) -> engine_surface.Surface:
    """The surface for this run on the chosen plane (no cache)."""
    net, history = run.net, run.trainer.history
    if kind == "pca":
        plane = engine_surface.pca_plane(history.snapshots, net.params, engine_surface.trainable(net))
    else:
        plane = engine_surface.weight_slice(net.params, *weights)
    return engine_surface.loss_surface(net, run.data.X_train, run.trainer.Y_train, plane, history.snapshots,
                                       history.snapshot_epochs)


def _what(surf: engine_surface.Surface, labels: list[str]) -> tuple[tuple[str, str], str]:
    """The axis titles and a caption saying what the plane is."""
    plane = surf.plane
    if plane.kind == "pca":
        axes = ("principal direction 1", "principal direction 2")
        share = f"{100 * plane.explained:.1f} %"
        drawn = {0: "", 1: " The path so far runs along one direction only: the second is drawn at random.",
                 2: " The path has not started yet: both directions are drawn at random."}
        random = drawn[plane.random_directions]
        text = (f"L over the plane through the current weights along the first two principal directions of the "
                f"weight history (the path's own plane, as loss-landscape studies draw it); it holds {share} of "
                f"the path's squared distance from the current weights.{random} The path is projected onto it: "
                "only the current point lies on the plane, so the colour under earlier points is not the loss "
                "they had.")
        return axes, text
    i, j = plane.indices
    names = (text_label(labels[i]), text_label(labels[j]))
    if surf.whole_space:
        lecture = " (the lecture's w₁ and w₂)" if labels[i].startswith("w_") and labels[j].startswith("w_") else ""
        text = (f"{names[0]} and {names[1]}{lecture} are all this network trains, so the plane is its whole "
                f"weight space: the colour is the loss L at every ({names[0]}, {names[1]}), and the path is the "
                "real trajectory of the two weights.")
    else:
        text = (f"A slice: L over {names[0]} and {names[1]}, every other weight and bias held at its current "
                "value. The path is the real history of these two weights, but the others changed along the "
                "way, so the colour under earlier points is not the loss they had.")
    return (html_label(labels[i]), html_label(labels[j])), text


def figures(run: Run, spec: tuple) -> tuple[list[go.Figure], str]:
    """The surface figure and its caption for what `view_controls` returned."""
    kind, weights, log_scale = spec
    surf = compute(run, kind, weights)
    axes, text = _what(surf, param_labels(run.net.sizes))
    epoch = run.trainer.epoch
    loss = f"L = {plain.number(surf.current_loss)}"
    fig = surface_figure(surf, axes, epoch, log_scale,
                         label=f"Loss surface at epoch {epoch}, {loss} at the current weights (the star). {text}")
    capacity = run.trainer.history.snapshot_capacity
    notes = [text, f"One dot per recorded weight vector ({len(surf.epochs)}; a long run keeps at most {capacity} "
             "on this network, the older ones thinned out); the ring is the start, the star the current weights, "
             f"where {loss}."]
    if surf.rows < surf.n_rows or surf.a.size < engine_surface.RESOLUTION:
        notes.append(f"To keep it quick on this network, the surface is a {surf.a.size}×{surf.b.size} grid averaging "
                     f"over {surf.rows} of the {surf.n_rows} training points (evenly spaced); the star's L uses "
                     "them all.")
    if run.net.reg != "none" and run.net.lam > 0:
        notes.append(f"L includes the {controls.REG_LABELS[run.net.reg]} penalty, which training descends too.")
    if not log_scale:
        notes.append("The darkest colour covers the top 5 % of the grid's losses; the log colour scale shows "
                     "them all.")
    return [fig], " ".join(notes)
