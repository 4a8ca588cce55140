"""Independent references shared by the engine tests: finite differences, data, configurations."""

from __future__ import annotations

import numpy as np

from engine import MLP

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
PAIRS = (("sigmoid", "bce"), ("softmax", "ce"), ("sigmoid", "squared"), ("linear", "squared"),
         ("softmax", "squared"))
KINKED = ("relu", "leaky_relu")

D_IN, N_ROWS, WIDTH = 3, 6, 4
FD_STEP = 1e-3


def n_outputs(output: str, loss: str) -> int:
    """J for a pair: 1 for the lecture's sigmoid + bce, 3 with softmax, 2 otherwise."""
    if output == "softmax":
        return 3
    return 1 if loss == "bce" else 2


def targets(rng: np.random.Generator, output: str, loss: str, n: int) -> np.ndarray:
    """Targets of the kind each loss takes: 0/1, class labels, one-hot rows or real values."""
    J = n_outputs(output, loss)
    if loss == "bce":
        return rng.integers(0, 2, (n, J)).astype(float)
    if loss == "ce":
        return rng.integers(0, J, n)
    if output == "softmax":
        return np.eye(J)[rng.integers(0, J, n)]
    if output == "sigmoid":
        return rng.uniform(0.0, 1.0, (n, J))
    return rng.normal(size=(n, J))


def hidden_pre_activations(net: MLP, X: np.ndarray) -> np.ndarray:
    """Every hidden I of the batch, flattened (empty without hidden layers)."""
    fwd = net.forward(X)
    return np.concatenate([I.ravel() for I in fwd.I[:-1]] + [np.empty(0)])


def smooth_case(hidden, output, loss, depth, bias=True, reg="none", lam=0.0, seed=0, margin=0.05):
    """(net, X, Y) with random biases, every hidden I at least `margin` and (for L1) every weight
    at least 5h from a kink, trying seeds from `seed` on: finite differences never cross one."""
    for s in range(seed, seed + 200):
        rng = np.random.default_rng(s)
        sizes = [D_IN] + [WIDTH] * depth + [n_outputs(output, loss)]
        net = MLP(sizes, hidden=hidden, output=output, loss=loss, bias=bias, seed=s, reg=reg, lam=lam)
        if bias:
            net.set_params(net.W, [rng.normal(0.0, 0.5, b.shape) for b in net.b])
        X = rng.normal(size=(N_ROWS, D_IN))
        Y = targets(rng, output, loss, N_ROWS)
        I = hidden_pre_activations(net, X)
        kinks_ok = hidden not in KINKED or I.size == 0 or np.abs(I).min() > margin
        l1_ok = reg != "l1" or min(np.abs(w).min() for w in net.W) > 5 * FD_STEP
        if kinks_ok and l1_ok:
            return net, X, Y
    raise AssertionError("no seed keeps the case away from kinks")


def objective(net: MLP, X, Y) -> float:
    """What backprop differentiates: the mean data loss plus the weight penalty."""
    return net.loss(X, Y) + net.penalty()


def numeric_gradient(net: MLP, X, Y, h: float = FD_STEP) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Five-point central differences, (−f(+2h) + 8f(+h) − 8f(−h) + f(−2h)) / 12h, of every W and b
    entry, perturbing the network's own arrays in place (error O(h⁴), about 1e-12 here)."""
    grads = []
    for p in net.W + net.b:
        g = np.zeros_like(p)
        flat = p.reshape(-1)
        for k in range(flat.size):
            keep = flat[k]
            f = []
            for step in (2 * h, h, -h, -2 * h):
                flat[k] = keep + step
                f.append(objective(net, X, Y))
            flat[k] = keep
            g.reshape(-1)[k] = (-f[0] + 8 * f[1] - 8 * f[2] + f[3]) / (12 * h)
        grads.append(g)
    L = net.n_layers
    return grads[:L], grads[L:]


def flat(W: list[np.ndarray], b: list[np.ndarray]) -> np.ndarray:
    return np.concatenate([a.ravel() for a in W + b])


def relative_errors(a, b, floor: float = 1e-6) -> np.ndarray:
    """|a − b| / max(|a|, |b|, floor): a relative error, or for entries below `floor` an absolute
    error scaled by 1/floor (so < 1e-6 means |a − b| < 1e-12 there)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)


# --- a forward pass written from the lecture, not from the engine -----------------------------
def _ref_softmax(I: np.ndarray) -> np.ndarray:
    e = np.exp(I - I.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


REF_ACTIVATION = {
    "sigmoid": lambda I: 1.0 / (1.0 + np.exp(-I)),
    "tanh": np.tanh,
    "relu": lambda I: np.where(I > 0, I, 0.0),
    "leaky_relu": lambda I: np.where(I > 0, I, 0.01 * I),
    "linear": lambda I: I,
    "softmax": _ref_softmax,
}


def reference_forward(net: MLP, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(I, O) per layer: I^(l) = u^(l) W^(l) (+ b^(l)), O^(l) = A(I^(l)), u^(l+1) = O^(l)."""
    I_, O = [], []
    u = np.asarray(X, dtype=float)
    for l, (W, b) in enumerate(zip(net.W, net.b)):
        I = u @ W + (b if net.bias else 0.0)
        u = REF_ACTIVATION[net.output if l == net.n_layers - 1 else net.hidden](I)
        I_.append(I)
        O.append(u)
    return I_, O
