"""An independent implementation of the lecture's formulas, in plain numpy, for checking the page.

Column vectors and no shortcuts: I = Wᵀu + b, O = A(I); δ at the output is the full chain rule
Jᵀ ∂L/∂y* with the output unit's Jacobian J (so the page's simplifications are checked, not
copied); δ^(l) = (W^(l+1) δ^(l+1)) ⊙ A′(I^(l)); ∂L/∂W^(l) = u^(l) δ^(l)ᵀ; W ← W − ξ ∂L/∂W.
Nothing here calls the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


HIDDEN = {
    "sigmoid": (_sigmoid, lambda I, O: O * (1 - O)),
    "tanh": (np.tanh, lambda I, O: 1 - O**2),
    "relu": (lambda z: np.maximum(z, 0), lambda I, O: (I > 0).astype(float)),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda I, O: np.where(I > 0, 1.0, 0.01)),
    "linear": (lambda z: z, lambda I, O: np.ones_like(I)),
}


def output_jacobian(output: str, I, O):
    """∂y*/∂I as a matrix, J[j, k] = ∂y*_j/∂I_k."""
    if output == "sigmoid":
        return np.diag(O * (1 - O))
    if output == "softmax":
        return np.diag(O) - np.outer(O, O)
    return np.eye(len(O))


OUTPUT = {"sigmoid": _sigmoid, "softmax": _softmax, "linear": lambda z: z}


def loss_value(loss: str, y, p) -> float:
    if loss == "bce":
        return float(np.sum(-y * np.log(p) - (1 - y) * np.log(1 - p)))
    if loss == "ce":
        return float(-np.sum(y * np.log(p)))
    return float(0.5 * np.sum((y - p) ** 2))


def loss_gradient(loss: str, y, p):
    """∂L/∂y*."""
    if loss == "bce":
        return (p - y) / (p * (1 - p))
    if loss == "ce":
        return -y / p
    return p - y


@dataclass
class Ref:
    u: list
    I: list
    O: list
    delta: list
    dW: list
    db: list
    W_after: list
    b_after: list
    loss_before: float
    loss_after: float


def forward(W, b, hidden, output, x, use_bias=True):
    act = HIDDEN[hidden][0]
    u, I, O = [np.asarray(x, float)], [], []
    for l, (w, bb) in enumerate(zip(W, b)):
        z = w.T @ u[-1] + (bb if use_bias else 0.0)
        a = OUTPUT[output](z) if l == len(W) - 1 else act(z)
        I.append(z)
        O.append(a)
        if l < len(W) - 1:
            u.append(a)
    return u, I, O


def predictions(W, b, hidden, output, points):
    """y* for each row of `points` (the first output unit's), by `forward` one point at a time."""
    return np.array([forward(W, b, hidden, output, x)[2][-1][0] for x in np.asarray(points, float)])


def step(W, b, hidden, output, loss, x, y, xi, use_bias=True, train_bias=True) -> Ref:
    """One sample through the lecture's formulas: forward, backward, one gradient-descent update."""
    W = [np.array(w, float) for w in W]
    b = [np.array(v, float) for v in b]
    y = np.asarray(y, float)
    u, I, O = forward(W, b, hidden, output, x, use_bias)
    p = O[-1]
    d = output_jacobian(output, I[-1], p).T @ loss_gradient(loss, y, p)
    deltas = [d]
    for l in range(len(W) - 2, -1, -1):
        d = (W[l + 1] @ d) * HIDDEN[hidden][1](I[l], O[l])
        deltas.insert(0, d)
    dW = [np.outer(ul, dl) for ul, dl in zip(u, deltas)]
    db = [dl.copy() if use_bias else np.zeros_like(dl) for dl in deltas]
    W_after = [w - xi * g for w, g in zip(W, dW)]
    b_after = [v - xi * g if (use_bias and train_bias) else v.copy() for v, g in zip(b, db)]
    *_, O_after = forward(W_after, b_after, hidden, output, x, use_bias)
    return Ref(u, I, O, deltas, dW, db, W_after, b_after, loss_value(loss, y, p),
               loss_value(loss, y, O_after[-1]))


def batch_step(W, b, hidden, output, loss, X, Y, xi) -> tuple[list, list]:
    """One gradient-descent update on a mini-batch: w ← w − ξ × the mean over its samples of `step`'s ∂L/∂w."""
    refs = [step(W, b, hidden, output, loss, x, y, xi) for x, y in zip(X, Y)]
    W_after = [np.asarray(w, float) - xi * np.mean([r.dW[l] for r in refs], axis=0) for l, w in enumerate(W)]
    b_after = [np.asarray(v, float) - xi * np.mean([r.db[l] for r in refs], axis=0) for l, v in enumerate(b)]
    return W_after, b_after


def net_step(net, x, y, xi) -> Ref:
    """`step` for an engine network's configuration and weights (read as plain arrays)."""
    return step([np.array(w) for w in net.W], [np.array(v) for v in net.b], net.hidden, net.output,
                net.loss_name, x, y, xi, net.bias, net.train_bias)


def lecture_order(L: int) -> list[tuple[str, int]]:
    """The two passes' steps in the lecture's order, as (kind, layer): the input, stages I and O of each layer,
    the loss, δ then the gradients of each layer from the output down, the update."""
    forward = [("input", 0)] + [(kind, l) for l in range(1, L + 1) for kind in ("stage_I", "stage_O")]
    backward = [(kind, l) for l in range(L, 0, -1) for kind in ("delta", "gradient")]
    return forward + [("loss", L)] + backward + [("update", L)]
