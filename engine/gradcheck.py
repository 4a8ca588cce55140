"""Analytic gradients (backpropagation) against central finite differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.network import MLP, param_labels

Array = np.ndarray

KINKED = ("relu", "leaky_relu")


@dataclass(frozen=True)
class GradCheck:
    """Per checked parameter: its name, backprop's value, the finite difference, relative error."""

    names: list[str]
    analytic: Array
    numeric: Array
    rel_error: Array
    near_kink: int

    @property
    def max_rel_error(self) -> float:
        return float(self.rel_error.max()) if self.rel_error.size else 0.0

    def passed(self, tol: float = 1e-6, atol: float = 1e-9) -> bool:
        """Every parameter within `tol` relative error, or within `atol` absolutely (entries near 0)."""
        abs_error = np.abs(self.analytic - self.numeric)
        return bool(np.all((self.rel_error < tol) | (abs_error < atol)))


def relative_error(a: Array, b: Array, floor: float = 1e-12) -> Array:
    """|a − b| / max(|a|, |b|), with both tiny (below `floor`) counted as agreement."""
    a, b = np.asarray(a), np.asarray(b)
    denom = np.maximum(np.abs(a), np.abs(b))
    return np.where(denom < floor, 0.0, np.abs(a - b) / np.where(denom < floor, 1.0, denom))


def gradcheck(
    net: MLP,
    X: object,
    Y: object,
    eps: float = 1e-5,
    max_params: int | None = None,
    rng: np.random.Generator | None = None,
) -> GradCheck:
    """Compare ∂(loss + penalty)/∂θ from backprop with (f(θ+ε) − f(θ−ε)) / 2ε per parameter.

    With `max_params`, a random subset (drawn with `rng`) is checked. `near_kink` counts hidden
    pre-activations of a ReLU network closer to 0 than the perturbation can move them.
    """
    X, Yenc = net.check_inputs(X), net.encode_targets(Y)
    dW, db = net.gradients(X, Yenc)
    labels = iter(param_labels(net.sizes))
    trained = list(zip(net.W, dW))
    index = []  # (array, flat position, label, analytic value)
    for p, g in trained:
        index += [(p, pos, next(labels), g.flat[pos]) for pos in range(p.size)]
    for b, g in zip(net.b, db):
        names = [next(labels) for _ in range(b.size)]
        if net.bias and net.train_bias:
            index += [(b, pos, names[pos], g[pos]) for pos in range(b.size)]
    if max_params is not None and len(index) > max_params:
        rng = rng if rng is not None else np.random.default_rng(0)
        pick = np.sort(rng.choice(len(index), size=max_params, replace=False))
        index = [index[i] for i in pick]

    def objective() -> float:
        return net.loss(X, Yenc) + net.penalty()

    numeric = np.empty(len(index))
    for k, (p, pos, _, _) in enumerate(index):
        flat = p.reshape(-1)
        keep = flat[pos]
        flat[pos] = keep + eps
        up = objective()
        flat[pos] = keep - eps
        down = objective()
        flat[pos] = keep
        numeric[k] = (up - down) / (2 * eps)
    analytic = np.array([a for *_, a in index])
    near = 0
    if net.hidden in KINKED:
        fwd = net.forward(X)
        near = int(sum((np.abs(I) < 100 * eps).sum() for I in fwd.I[:-1]))
    return GradCheck([lab for _, _, lab, _ in index], analytic, numeric,
                     relative_error(analytic, numeric), near)
