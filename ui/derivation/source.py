"""What the Step-by-step page derives from: the Playground's network and data, or a worked example."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from engine import MLP
from ui import keys, session_run


@dataclass(frozen=True)
class Source:
    """What the page derives from: a network, its samples (X, encoded Y), points to plot, ξ."""

    net: MLP
    X: np.ndarray
    Y: np.ndarray
    points: np.ndarray  # (N, 2) for the sample chooser
    colour: np.ndarray
    axis_titles: tuple[str, str]
    lr: float
    label: str
    input_names: list[str] | None = None  # the inputs' names on the diagram (None: x1, x2, …)
    epoch: int = 0  # the Playground's epoch, or the worked example's steps applied


def current_source() -> Source:
    """The network, samples and ξ the page works on now."""
    session = st.session_state
    if session.get(keys.DERIV_MODE) == "example" and session.get(keys.DERIV_EXAMPLE) is not None:
        ex = session[keys.DERIV_EXAMPLE]
        return Source(ex.net, ex.X, ex.Y, ex.X[:, :2], ex.labels, ("x₁", "x₂"), ex.lr, ex.title, epoch=ex.steps)
    run = session_run.sync(session)
    data = run.data
    P = data.P_train
    titles = ("x₁", "x₂")
    if P.shape[1] < 2:  # 1-D inputs: plot x against the target
        P, titles = np.c_[P[:, 0], data.y_train], ("x₁", "y")
    label = f"the Playground's network {run.net.sizes} on {data.name}, epoch {run.trainer.epoch}"
    return Source(run.net, data.X_train, run.trainer.Y_train, P, data.y_train, titles, run.trainer.lr, label,
                  list(data.input_names), run.trainer.epoch)
