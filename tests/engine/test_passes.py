"""The two passes as steps (engine/passes.py) against the plain-numpy lecture formulas of tests/ui/lecture_math.py."""

from __future__ import annotations

import numpy as np
import pytest

from engine import MLP, compute_step
from engine.network import MAX_HIDDEN_LAYERS
from engine.passes import pass_steps
from tests.engine.helpers import HIDDEN, PAIRS, n_outputs, targets
from tests.ui import lecture_math as ref

RTOL = 1e-12


def case(depth: int, hidden: str, output: str = "sigmoid", loss: str = "bce", bias: bool = True, seed: int = 0):
    """A network of `depth` hidden layers (3 units each), one encoded sample, its Step and the reference."""
    rng = np.random.default_rng(seed)
    J = n_outputs(output, loss)
    net = MLP([2] + [3] * depth + [J], hidden=hidden, output=output, loss=loss, bias=bias, seed=seed)
    if bias:
        net.set_params(net.W, [rng.normal(0.0, 0.5, b.shape) for b in net.b])
    x = rng.normal(size=2)
    y = net.encode_targets(targets(rng, output, loss, 1))[0]
    return compute_step(net, x, y, 0.7), ref.net_step(net, x, y, 0.7)


def reference_units(r: ref.Ref, k: int) -> dict[str, np.ndarray]:
    """What unit layer k (0: inputs) can show, by quantity name, from the reference."""
    if k == 0:
        return {"x": r.u[0]}
    return {"I": r.I[k - 1], "O": r.O[k - 1], "δ": r.delta[k - 1]}


@pytest.mark.parametrize("depth", range(MAX_HIDDEN_LAYERS + 1))
@pytest.mark.parametrize("hidden", HIDDEN)
def test_every_value_of_every_step_matches_the_lecture_formulas(depth, hidden):
    s, r = case(depth, hidden, seed=depth)
    steps = pass_steps(s)
    L = depth + 1
    assert [(p.kind, p.layer) for p in steps] == ref.lecture_order(L)
    assert len(steps) == 4 * L + 3
    for n, p in enumerate(steps):
        for k, known in enumerate(p.units):
            for q in known:
                np.testing.assert_allclose(q.values, reference_units(r, k)[q.name], rtol=RTOL, atol=1e-15)
        updated = p.kind == "update"
        for l in range(L):
            np.testing.assert_allclose(p.W[l], (r.W_after if updated else [np.asarray(w) for w in s.W_before])[l],
                                       rtol=RTOL)
            np.testing.assert_allclose(p.b[l], (r.b_after if updated else s.b_before)[l], rtol=RTOL)
            if p.gradients[l] is not None:
                np.testing.assert_allclose(p.gradients[l], r.dW[l], rtol=RTOL, atol=1e-15)
            label = p.edge_labels[l]
            if label is not None:
                expected = r.dW[l] if label.name == "∂L/∂w" else (r.W_after[l] if updated else s.W_before[l])
                np.testing.assert_allclose(label.values, expected, rtol=RTOL, atol=1e-15)
        assert (p.loss is None) == (n < 2 * L + 1)
        if p.loss is not None:
            assert p.loss == pytest.approx(r.loss_before, rel=RTOL)


def test_the_steps_show_what_is_known_then_and_no_more():
    s, _ = case(2, "tanh")
    steps = pass_steps(s)
    L = 3
    names = [[tuple(q.name for q in known) for known in p.units] for p in steps]
    assert names[0] == [("x",), (), (), ()]
    assert names[2] == [("x",), ("I", "O"), (), ()]  # layer 1, stage O
    assert names[2 * L + 1] == [("x",)] + [("I", "O")] * L  # the loss: the forward pass is done
    assert names[2 * L + 2] == [("x",), ("I", "O"), ("I", "O"), ("I", "O", "δ")]  # δ^(L) first
    assert names[-1] == [("x",)] + [("I", "O", "δ")] * L
    known_gradients = [[g is not None for g in p.gradients] for p in steps]
    assert known_gradients[2 * L + 3] == [False, False, True]  # ∂L/∂w^(L) right after δ^(L)
    assert known_gradients[-2] == known_gradients[-1] == [True] * L
    assert [p.active_edges for p in steps if p.kind == "delta"] == [(), (3,), (2,)]  # δ^(l) reads w^(l+1)
    assert steps[-1].active_edges == (1, 2, 3) and steps[-1].phase == "update"


@pytest.mark.parametrize("output, loss", PAIRS)
@pytest.mark.parametrize("bias", [True, False])
def test_every_output_and_loss(output, loss, bias):
    s, r = case(1, "sigmoid", output, loss, bias)
    last = pass_steps(s)[-1]
    for k, known in enumerate(last.units):
        for q in known:
            np.testing.assert_allclose(q.values, reference_units(r, k)[q.name], rtol=1e-10, atol=1e-15)
    for l in range(2):
        np.testing.assert_allclose(last.W[l], r.W_after[l], rtol=RTOL)


def test_building_the_steps_changes_nothing_and_repeats_exactly():
    s, _ = case(1, "relu")
    before = [w.copy() for w in s.net.W]
    a, b = pass_steps(s), pass_steps(s)
    assert [p.kind for p in a] == [p.kind for p in b]
    for p, q in zip(a, b):
        for x, y in zip(p.W, q.W):
            np.testing.assert_array_equal(x, y)
    for w, w0 in zip(s.net.W, before):
        np.testing.assert_array_equal(w, w0)
