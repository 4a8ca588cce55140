"""The engine against scikit-learn's MLP internals, with identical weights.

scikit-learn's `_backprop` gives the mean loss and mean gradients over the batch, like the engine.
Its L2 term is α/(2n)·Σw² (gradient αW/n), so it is the engine's L2 with λ = α/n. Its SGD solver
with momentum 0 and a full batch makes the plain step w ← w − ξ ∂L/∂w, like `train_epoch`.
"""

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier, MLPRegressor

from engine import MLP, train_epoch

N, D, XI = 12, 3, 0.2
HIDDEN = {"logistic": "sigmoid", "tanh": "tanh", "relu": "relu", "identity": "linear"}
KINDS = {  # kind -> (engine output, engine loss, J)
    "binary": ("sigmoid", "bce", 1),
    "multiclass": ("softmax", "ce", 3),
    "regression": ("linear", "squared", 1),
}


def _problem(kind, rng):
    X = rng.normal(size=(N, D))
    if kind == "binary":
        y = (X[:, 0] > 0).astype(int)
        return X, y, y.reshape(-1, 1).astype(float)
    if kind == "multiclass":
        y = np.arange(N) % 3
        return X, y, np.eye(3)[y]
    y = 2 * X[:, 1] - X[:, 2]
    return X, y, y.reshape(-1, 1)


def _pair(kind, activation, alpha, seed=0):
    """(sklearn model, engine net, X, y as each takes it, sklearn's encoded targets), same weights."""
    rng = np.random.default_rng(seed)
    X, y, T = _problem(kind, rng)
    options = dict(hidden_layer_sizes=(5, 4), activation=activation, alpha=alpha, solver="sgd",
                   momentum=0.0, nesterovs_momentum=False, learning_rate_init=XI, batch_size=N,
                   shuffle=False, random_state=0)
    if kind == "regression":
        sk = MLPRegressor(**options).partial_fit(X, y)
    else:
        sk = MLPClassifier(**options).partial_fit(X, y, classes=np.unique(y))
    output, loss, J = KINDS[kind]
    W = [rng.normal(size=c.shape) for c in sk.coefs_]
    b = [rng.normal(size=c.shape) for c in sk.intercepts_]
    sk.coefs_, sk.intercepts_ = [w.copy() for w in W], [v.copy() for v in b]
    net = MLP([D, 5, 4, J], hidden=HIDDEN[activation], output=output, loss=loss,
              reg="l2" if alpha else "none", lam=alpha / N)
    net.set_params(W, b)
    return sk, net, X, y, T


@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("activation", list(HIDDEN))
def test_gradient_matches_sklearn_backprop(activation, kind, alpha):
    sk, net, X, y, T = _pair(kind, activation, alpha)
    activations = [X] + [None] * (sk.n_layers_ - 1)
    deltas = [None] * (sk.n_layers_ - 1)
    coef_grads = [np.empty_like(c) for c in sk.coefs_]
    intercept_grads = [np.empty_like(c) for c in sk.intercepts_]
    sk_loss, coef_grads, intercept_grads = sk._backprop(X, T, None, activations, deltas, coef_grads,
                                                        intercept_grads)
    assert net.loss(X, y) + net.penalty() == pytest.approx(sk_loss, rel=1e-13)
    fwd = net.forward(X)
    for mine, theirs in zip(fwd.O, activations[1:]):
        np.testing.assert_allclose(mine, theirs, rtol=1e-13, atol=1e-15)
    dW, db = net.gradients(X, y)
    for mine, theirs in zip(dW + db, coef_grads + intercept_grads):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("activation", ["logistic", "tanh"])
def test_one_sgd_step_matches_sklearn(activation, kind):
    sk, net, X, y, _ = _pair(kind, activation, alpha=0.3, seed=1)
    sk.partial_fit(X, y)  # one full-batch step of its SGD solver
    train_epoch(net, X, y, XI, batch_size=None)
    for mine, theirs in zip(net.W + net.b, sk.coefs_ + sk.intercepts_):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)
