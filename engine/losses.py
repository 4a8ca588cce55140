"""Loss functions L(y, y*), one table entry each, with the output units they may follow.

y* is the network's prediction (the last O), y the target. Every loss is summed over the
J outputs of one sample; the engine averages over samples. Cross-entropies are computed from
the pre-activation I of the output layer, so a y* that rounds to 0 or 1 never gives inf or NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.activations import OUTPUT_UNITS
from engine.validation import finite_matrix

Array = np.ndarray


def _row_sums(a: Array) -> Array:
    # Σ over the J outputs of each sample; with one output that is the column itself (the same floats)
    return a[:, 0] if a.shape[1] == 1 else np.add.reduce(a, axis=1)


def _bce(Y: Array, I: Array, O: Array) -> Array:
    # −y log σ(I) − (1−y) log(1−σ(I)) = log(1+e^I) − y I
    return _row_sums(np.logaddexp(0.0, I) - Y * I)


def _ce(Y: Array, I: Array, O: Array) -> Array:
    # −Σ_j y_j log softmax(I)_j = logsumexp(I) − Σ_j y_j I_j   (Σ_j y_j = 1)
    m = np.maximum.reduce(I, axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.add.reduce(np.exp(I - m), axis=1))
    return lse - _row_sums(Y * I)


def _squared(Y: Array, I: Array, O: Array) -> Array:
    return 0.5 * _row_sums((Y - O) ** 2)


def _binary_targets(Y: object, J: int) -> Array:
    T = finite_matrix("Y", Y, J)
    if not ((T == 0) | (T == 1)).all():
        raise ValueError("Y for the bce loss must hold 0/1 labels")
    return T


def _class_targets(Y: object, J: int) -> Array:
    a = np.asarray(Y)
    if a.ndim == 1 or (a.ndim == 2 and a.shape[1] == 1 and J > 1):
        labels = finite_matrix("Y", a)[:, 0]
        if not np.all(labels == np.round(labels)) or labels.min() < 0 or labels.max() >= J:
            raise ValueError(f"Y for the ce loss must hold integer class labels 0 … {J - 1}")
        return np.eye(J)[labels.astype(np.intp)]
    T = finite_matrix("Y", a, J)
    if np.any(T < 0) or not np.allclose(T.sum(axis=1), 1.0):
        raise ValueError("Y for the ce loss, given as a matrix, must be one-hot (rows of 0/1 summing to 1)")
    return T


def _real_targets(Y: object, J: int) -> Array:
    return finite_matrix("Y", Y, J)


@dataclass(frozen=True)
class Loss:
    """A per-sample loss, its derivative ∂L/∂y*, and the output units it accepts.

    `outputs[0]` is the matched unit: with it the output delta simplifies to y* − y.
    """

    name: str
    label: str
    per_sample: Callable[[Array, Array, Array], Array]
    grad_prediction: Callable[[Array, Array], Array]
    encode_targets: Callable[[object, int], Array]
    outputs: tuple[str, ...]
    tasks: tuple[str, ...]  # the kinds of data set it suits: binary, multiclass, regression
    latex: str
    grad_latex: str

    @property
    def matched_output(self) -> str:
        return self.outputs[0]


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "bce", "Binary cross-entropy", _bce,
            lambda Y, O: -Y / O + (1.0 - Y) / (1.0 - O),
            _binary_targets, ("sigmoid",), ("binary",),
            r"L=-y\log y^{*}-(1-y)\log(1-y^{*})",
            r"\frac{\partial L}{\partial y^{*}}=-\frac{y}{y^{*}}+\frac{1-y}{1-y^{*}}",
        ),
        Loss(
            "ce", "Cross-entropy", _ce,
            lambda Y, O: -Y / O,
            _class_targets, ("softmax",), ("binary", "multiclass"),
            r"L=-\sum_{j=1}^{J} y_j\log y^{*}_j",
            r"\frac{\partial L}{\partial y^{*}_j}=-\frac{y_j}{y^{*}_j}",
        ),
        Loss(
            "squared", "Squared", _squared,
            lambda Y, O: O - Y,
            _real_targets, ("linear", "sigmoid", "softmax"), ("binary", "multiclass", "regression"),
            r"L=\tfrac12\sum_{j=1}^{J}(y_j-y^{*}_j)^2",
            r"\frac{\partial L}{\partial y^{*}_j}=y^{*}_j-y_j",
        ),
    )
}


def check_pairing(output: str, loss: str, n_outputs: int) -> None:
    """Raise a ValueError that says what to pick when (output unit, loss, J) make no sense."""
    entry = LOSSES[loss]
    if output not in entry.outputs:
        allowed = " or ".join(OUTPUT_UNITS[o].label.lower() for o in entry.outputs)
        raise ValueError(
            f"the {entry.label.lower()} loss needs a {allowed} output unit, not {output}; "
            f"pick output={entry.matched_output!r} or a different loss"
        )
    if output == "softmax" and n_outputs < 2:
        raise ValueError("a softmax output needs at least 2 output units (J ≥ 2); "
                         "for one output use output='sigmoid' with loss='bce'")


def output_delta(loss: Loss, output: str, Y: Array, I: Array, O: Array) -> Array:
    """δ at the output layer, ∂L/∂I for each sample: y* − y for a matched pair, else the chain rule."""
    if output == loss.matched_output:
        return O - Y
    return OUTPUT_UNITS[output].backprop(O, loss.grad_prediction(Y, O))
