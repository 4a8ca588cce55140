"""Backpropagation against finite differences and hand-written deltas, in float64.

Tolerance: relative error |a − b| / max(|a|, |b|, 1e-6) below 1e-6 per parameter, i.e. a
relative error for every gradient entry above 1e-6 and an absolute error below 1e-12 under it.
The finite differences are five-point stencils (helpers.numeric_gradient), written here.
"""

import itertools

import numpy as np
import pytest

from engine import MLP, gradcheck, train_epoch
from tests.engine.helpers import (
    HIDDEN,
    KINKED,
    PAIRS,
    flat,
    hidden_pre_activations,
    numeric_gradient,
    reference_forward,
    relative_errors,
    smooth_case,
)

TOL = 1e-6

GRID = list(itertools.product(HIDDEN, PAIRS, (0, 1, 3), (True, False)))


def _check_against_finite_differences(net, X, Y):
    if net.hidden in KINKED:  # no finite-difference step may cross a ReLU kink
        I = hidden_pre_activations(net, X)
        assert I.size == 0 or np.abs(I).min() > 1e-3
    dW, db = net.gradients(X, Y)
    nW, nb = numeric_gradient(net, X, Y)
    analytic, numeric = flat(dW, db), flat(nW, nb)
    assert relative_errors(analytic, numeric).max() < TOL

    # engine.gradcheck: same analytic values (trained parameters, in flatten_params order), a
    # two-point difference that agrees with ours to its own precision, no kink in reach
    gc = gradcheck(net, X, Y)
    trained = analytic if net.bias else flat(dW, [])
    np.testing.assert_array_equal(gc.analytic, trained)
    assert relative_errors(gc.numeric, numeric[: trained.size], floor=1e-4).max() < TOL
    assert relative_errors(gc.analytic, gc.numeric, floor=1e-4).max() < TOL
    assert gc.near_kink == 0
    return analytic


@pytest.mark.parametrize(("hidden", "pair", "depth", "bias"), GRID,
                         ids=[f"{h}-{o}+{lo}-{d}hidden-{'bias' if b else 'nobias'}"
                              for h, (o, lo), d, b in GRID])
def test_backprop_matches_finite_differences(hidden, pair, depth, bias):
    net, X, Y = smooth_case(hidden, *pair, depth, bias)
    analytic = _check_against_finite_differences(net, X, Y)
    assert np.abs(analytic).max() > 1e-3  # a real gradient, not a vacuous zero


REGULARIZED = [("sigmoid", ("sigmoid", "bce"), "l2"), ("tanh", ("softmax", "ce"), "l1"),
               ("relu", ("linear", "squared"), "l2"), ("leaky_relu", ("sigmoid", "squared"), "l1"),
               ("linear", ("softmax", "squared"), "l2")]


@pytest.mark.parametrize(("hidden", "pair", "reg"), REGULARIZED)
@pytest.mark.parametrize("depth", [1, 3])
def test_regularized_gradients(hidden, pair, reg, depth):
    net, X, Y = smooth_case(hidden, *pair, depth, reg=reg, lam=0.3)
    assert net.penalty() > 0
    _check_against_finite_differences(net, X, Y)
    # the penalty's share is exactly λW (L2) or λ sign(W) (L1), biases unpenalised
    plain = net.copy()
    plain.set_regularization("none", 0.0)
    dW, db = net.gradients(X, Y)
    pW, pb = plain.gradients(X, Y)
    for g, p, w in zip(dW, pW, net.W):
        np.testing.assert_allclose(g - p, 0.3 * (w if reg == "l2" else np.sign(w)), rtol=1e-12, atol=1e-15)
    for g, p in zip(db, pb):
        np.testing.assert_array_equal(g, p)


def test_penalty_values():
    net = MLP([2, 3, 1], reg="l2", lam=0.5, seed=1)
    assert net.penalty() == pytest.approx(0.25 * sum((w ** 2).sum() for w in net.W), rel=1e-14)
    net.set_regularization("l1", 0.5)
    assert net.penalty() == pytest.approx(0.5 * sum(np.abs(w).sum() for w in net.W), rel=1e-14)
    net.set_regularization("none", 0.5)
    assert net.penalty() == 0.0


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("pair", PAIRS)
def test_forward_stages_match_reference(hidden, pair):
    net, X, _ = smooth_case(hidden, *pair, depth=2)
    fwd = net.forward(X)
    I_ref, O_ref = reference_forward(net, X)
    for l in range(net.n_layers):
        np.testing.assert_allclose(fwd.I[l], I_ref[l], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(fwd.O[l], O_ref[l], rtol=1e-13, atol=1e-15)
        np.testing.assert_array_equal(fwd.u[l], X if l == 0 else fwd.O[l - 1])
    np.testing.assert_array_equal(net.predict(X), fwd.prediction)


@pytest.mark.parametrize(("hidden", "pair"), [("sigmoid", ("sigmoid", "bce")), ("relu", ("softmax", "ce")),
                                              ("tanh", ("linear", "squared")), ("leaky_relu", ("softmax", "squared"))])
def test_batch_gradient_is_mean_of_sample_gradients(hidden, pair):
    net, X, Y = smooth_case(hidden, *pair, depth=2, reg="l2", lam=0.1)
    dW, db = net.gradients(X, Y)
    per_sample = [net.gradients(X[k : k + 1], Y[k : k + 1]) for k in range(len(X))]
    for l in range(net.n_layers):
        # the penalty gradient is added once per batch, so it survives the mean unchanged
        np.testing.assert_allclose(dW[l], np.mean([g[0][l] for g in per_sample], axis=0), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(db[l], np.mean([g[1][l] for g in per_sample], axis=0), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("pair", PAIRS)
def test_full_batch_epoch_equals_batch_none(pair):
    net, X, Y = smooth_case("tanh", *pair, depth=1)
    twin = net.copy()
    a = train_epoch(net, X, Y, 0.3, batch_size=len(X), rng=np.random.default_rng(4))
    b = train_epoch(twin, X, Y, 0.3, batch_size=None, rng=np.random.default_rng(4))
    assert a.n_updates == b.n_updates == 1
    assert a.loss == b.loss
    for p, q in zip(net.W + net.b, twin.W + twin.b):
        np.testing.assert_array_equal(p, q)
    # and one full-batch step is exactly w − ξ · (mean gradient), the order of rows being irrelevant
    start = twin.copy()
    dW, db = start.gradients(X, Y)
    train_epoch(start, X, Y, 0.3, batch_size=None, rng=np.random.default_rng(5))
    for w, w0, g in zip(start.W, twin.W, dW):
        np.testing.assert_allclose(w, w0 - 0.3 * g, rtol=1e-13, atol=1e-15)


def _output_delta(net, X, Y):
    return net.backward(net.forward(X), net.encode_targets(Y)).delta[-1]


def test_softmax_ce_output_delta_is_prediction_minus_target():
    net, X, y = smooth_case("tanh", "softmax", "ce", depth=1)
    _, O = reference_forward(net, X)
    np.testing.assert_allclose(_output_delta(net, X, y), O[-1] - np.eye(3)[y], rtol=1e-13, atol=1e-15)


def test_sigmoid_bce_output_delta_is_prediction_minus_target():
    net, X, y = smooth_case("relu", "sigmoid", "bce", depth=1)
    _, O = reference_forward(net, X)
    np.testing.assert_allclose(_output_delta(net, X, y), O[-1] - y, rtol=1e-13, atol=1e-15)


def test_sigmoid_squared_output_delta_has_the_extra_derivative():
    net, X, Y = smooth_case("tanh", "sigmoid", "squared", depth=1)
    _, O = reference_forward(net, X)
    p = O[-1]
    np.testing.assert_allclose(_output_delta(net, X, Y), (p - Y) * p * (1 - p), rtol=1e-12, atol=1e-15)


def test_softmax_squared_output_delta_is_the_jacobian_product():
    net, X, Y = smooth_case("sigmoid", "softmax", "squared", depth=1)
    _, O = reference_forward(net, X)
    expected = [(np.diag(p) - np.outer(p, p)) @ (p - y) for p, y in zip(O[-1], Y)]
    np.testing.assert_allclose(_output_delta(net, X, Y), expected, rtol=1e-12, atol=1e-15)


def test_linear_squared_output_delta_is_prediction_minus_target():
    net, X, Y = smooth_case("sigmoid", "linear", "squared", depth=1)
    _, O = reference_forward(net, X)
    np.testing.assert_allclose(_output_delta(net, X, Y), O[-1] - Y, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize(("output", "loss", "y"), [("sigmoid", "bce", [[1.0], [0.0]]), ("softmax", "ce", [0, 1])])
def test_saturated_prediction_gives_finite_loss_and_gradients(output, loss, y):
    """I = ±800 makes y* round to exactly 0 or 1; the loss is computed from I and stays finite."""
    J = 1 if loss == "bce" else 2
    net = MLP([1, J], hidden="sigmoid", output=output, loss=loss, bias=False)
    sign = np.array([[-1.0]]) if J == 1 else np.array([[-1.0, 1.0]])
    net.set_params([800.0 * sign])
    X = np.array([[1.0], [-1.0]])  # both rows confidently wrong: I = ∓800
    p = net.predict(X)
    assert np.all((p == 0.0) | (p == 1.0) | (p < 1e-300))
    losses = net.sample_losses(X, y)
    assert np.all(np.isfinite(losses))
    np.testing.assert_allclose(losses, 800.0 if J == 1 else 1600.0, rtol=1e-12)
    dW, db = net.gradients(X, y)
    assert all(np.all(np.isfinite(g)) for g in dW + db)
    np.testing.assert_allclose(dW[0], [[-1.0]] if J == 1 else [[-1.0, 1.0]], rtol=1e-12)
    # and a confidently right prediction costs (almost) nothing
    assert net.loss(X, [[0.0], [1.0]] if J == 1 else [1, 0]) < 1e-300


def test_gradcheck_passes_entries_that_are_zero_up_to_rounding():
    from engine.gradcheck import GradCheck

    check = GradCheck(["a", "b"], np.array([1e-3, 1e-13]), np.array([1e-3 * (1 + 1e-8), 3e-12]),
                      np.array([1e-8, 0.97]), 0)
    assert check.passed()  # b is zero to within finite-difference noise
    assert not check.passed(atol=1e-13)
