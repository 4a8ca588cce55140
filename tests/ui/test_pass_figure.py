"""The two passes' diagram and lines (ui/derivation/pass_figure.py, passes.py) against tests/ui/lecture_math.py.

`check_figure` states the lecture's order on its own (what each unit and edge shows after each step) and
compares every value the figure carries with the plain-numpy reference; the AppTest tests reuse it.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine import MLP, compute_step
from engine.network import MAX_HIDDEN_LAYERS
from engine.passes import pass_steps
from tests.app.conftest import decode
from tests.ui import lecture_math as ref
from ui import latex
from ui.derivation import passes
from ui.derivation.pass_figure import pass_figure
from ui.playground.figures import MAX_DRAWN_UNITS

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")


def latest_on_units(kind: str, layer: int, k: int) -> str | None:
    """The quantity unit layer k shows after step (kind, layer), or None."""
    if k == 0:
        return "x"
    if kind in ("stage_I", "stage_O", "input"):
        return None if k > layer else ("I" if k == layer and kind == "stage_I" else "O")
    if kind == "loss":
        return "O"
    return "δ" if kind == "update" or k >= layer else "O"


def edges_written(kind: str, layer: int, L: int) -> dict[int, str]:
    """The weight layers (1-based) whose edges step (kind, layer) labels, and with what."""
    if kind == "stage_I":
        return {layer: "w"}
    if kind == "delta" and layer < L:
        return {layer + 1: "w"}
    if kind == "gradient":
        return {layer: "∂L/∂w"}
    if kind == "update":
        return {l: "w" for l in range(1, L + 1)}
    return {}


def check_figure(spec: dict, r: ref.Ref, W0: list[np.ndarray], n: int, L: int) -> None:
    """Every value figure `spec` (a figure dict) shows at step n (0-based) equals the reference `r`."""
    kind, layer = ref.lecture_order(L)[n]
    traces = {t.get("name"): t for t in spec["data"]}
    updated = kind == "update"
    for k in range(L + 1):
        quantity = latest_on_units(kind, layer, k)
        trace = traces.get(f"values {k}")
        if quantity is None:
            assert trace is None, (n, k)
            continue
        expected = {"x": r.u[0], "I": r.I[k - 1] if k else None, "O": r.O[k - 1] if k else None,
                    "δ": r.delta[k - 1] if k else None}[quantity][:MAX_DRAWN_UNITS]
        assert trace["meta"]["quantity"] == quantity, (n, k)
        np.testing.assert_allclose(decode(trace["customdata"]), expected, rtol=1e-12, atol=1e-15)
        for text, v in zip(trace["text"], expected):
            assert text in ("", f"{'y*' if quantity == 'O' and k == L else quantity} = {v:.3g}")
    written = edges_written(kind, layer, L)
    for l in range(1, L + 1):
        trace = traces.get(f"edges {l}")
        if l not in written:
            assert trace is None, (n, l)
            continue
        assert trace["meta"]["quantity"] == written[l]
        matrix = r.dW[l - 1] if written[l] == "∂L/∂w" else (r.W_after if updated else W0)[l - 1]
        for j, i, v in trace["customdata"]:
            assert v == pytest.approx(matrix[int(j), int(i)], rel=1e-12, abs=1e-15)
    # the edges themselves: drawn with the weights before the update, after it with the new ones
    shown = r.W_after if updated else W0
    hover = iter(traces["weights"]["hovertext"])
    gradient_known = {l for l in range(1, L + 1) if n >= ref.lecture_order(L).index(("gradient", l))}
    for l in range(1, L + 1):
        rows, cols = (min(m, MAX_DRAWN_UNITS) for m in shown[l - 1].shape)
        for j in range(rows):
            for i in range(cols):
                text = next(hover)
                assert f"= {shown[l - 1][j, i]:.4g}" in text
                assert ("∂L/∂w" in text) == (l in gradient_known)
                if l in gradient_known:
                    assert float(text.split("∂L/∂w = ")[1]) == pytest.approx(r.dW[l - 1][j, i], rel=1e-3, abs=1e-15)


def _case(depth: int, hidden: str, width: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    net = MLP([2] + [width] * depth + [1], hidden=hidden, seed=seed)
    net.set_params(net.W, [rng.normal(0.0, 0.5, b.shape) for b in net.b])
    x, y = rng.normal(size=2), np.array([1.0])
    W0 = [np.array(w) for w in net.W]
    return net, compute_step(net, x, y, 0.5), ref.net_step(net, x, y, 0.5), W0


@pytest.mark.parametrize("depth, hidden", [(d, "sigmoid") for d in range(MAX_HIDDEN_LAYERS + 1)]
                         + [(2, a) for a in HIDDEN[1:]])
def test_every_step_of_every_depth_and_activation_shows_the_reference_values(depth, hidden):
    net, s, r, W0 = _case(depth, hidden, seed=depth)
    steps = pass_steps(s)
    for n, p in enumerate(steps):
        check_figure(pass_figure(p, net).to_dict(), r, W0, n, depth + 1)


def test_large_layers_are_drawn_in_part_and_keep_their_values():
    net, s, r, W0 = _case(2, "tanh", width=40)
    steps = pass_steps(s)
    for n in (3, len(steps) - 1):  # layer 1 stage I (wide edge labels), the update
        spec = pass_figure(steps[n], net).to_dict()
        check_figure(spec, r, W0, n, 3)
        assert any("16 of 40 shown" in a["text"] for a in spec["layout"]["annotations"])
        assert all(t == "" for t in spec["data"][-1]["text"])  # no labels on hundreds of edges


def test_small_networks_are_labelled_on_units_and_edges():
    net, s, r, W0 = _case(1, "sigmoid", width=2)
    p = pass_steps(s)[1]  # stage I of layer 1: I^(1) on the units, w^(1) on the edges
    traces = {t.get("name"): t for t in pass_figure(p, net).to_dict()["data"]}
    assert traces["values 1"]["text"] == [f"I = {v:.3g}" for v in r.I[0]]
    assert traces["edges 1"]["text"] == [f"{W0[0][j, i]:.3g}" for j in range(2) for i in range(2)]


@pytest.mark.parametrize("depth", [0, 1, 3])
def test_each_steps_line_carries_its_numbers(depth):
    net, s, r, _ = _case(depth, "tanh")
    L = depth + 1
    for p in pass_steps(s):
        text = " ".join(passes.step_lines(s, p))
        if p.kind == "stage_I":
            values = r.I[p.layer - 1]
        elif p.kind == "stage_O":
            values = r.O[p.layer - 1]
        elif p.kind == "loss":
            values = [r.loss_before]
        elif p.kind == "delta":
            values = r.delta[p.layer - 1]
        elif p.kind == "gradient":
            values = r.dW[p.layer - 1]
        elif p.kind == "update":
            values = np.concatenate([w.ravel() for w in r.W_after])
        else:
            values = r.u[0]
        for v in np.ravel(values):
            assert latex.num(v) in text, (p.kind, p.layer, v)
        assert passes.step_title(p, L) and passes.step_text(s, p)
