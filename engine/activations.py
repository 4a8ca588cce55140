"""Activation functions A and their derivatives A′, one table entry each.

Each derivative is written next to its forward step and is expressed in terms of the
pre-activation I and the output O = A(I), as the lecture does (A′ = z(1 − z) for the sigmoid).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

LEAKY_SLOPE = 0.01


def _constant(value: float) -> Array:
    """A read-only 0-d float64 array: as an operand it gives the same floats as the Python float,
    without numpy's conversion of a Python scalar on every call (a third of a small ufunc's cost)."""
    a = np.array(value, dtype=np.float64)
    a.flags.writeable = False
    return a


ONE = _constant(1.0)
_SIGMOID_FLOOR = _constant(-700.0)


def _sigmoid(I: Array) -> Array:
    # 1 / (1 + e^(−I)) with I clipped below at −700 so exp stays finite (above, e^(−I) → 0 gives 1
    # exactly, as clipping at +700 would); ufuncs writing in place, as this runs once per layer
    # and mini-batch
    t = np.maximum(I, _SIGMOID_FLOOR)
    if type(t) is not np.ndarray:  # a scalar or 0-d input gives a scalar
        return 1.0 / (1.0 + np.exp(-t))
    np.negative(t, t)
    np.exp(t, t)
    np.add(t, ONE, t)
    return np.divide(ONE, t, t)


def _softmax(I: Array) -> Array:
    e = np.exp(I - np.maximum.reduce(I, axis=-1, keepdims=True))
    return e / np.add.reduce(e, axis=-1, keepdims=True)


@dataclass(frozen=True)
class Activation:
    """An elementwise activation: A(I) and A′(I) given (I, O)."""

    name: str
    label: str
    forward: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array]
    latex: str
    derivative_latex: str  # A′ of a layer's vector, in O^(l) and I^(l) ("(l)" stands for the layer)
    unit_derivative_latex: str  # A′ of hidden unit i, in the lecture's z-notation (z_i = O_i)
    derivative_text: str


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "sigmoid", "Sigmoid", _sigmoid, lambda I, O: O * (ONE - O),
            r"\frac{1}{1+e^{-I}}", r"\mathbf{O}^{(l)}\odot(1-\mathbf{O}^{(l)})", "z_{i}(1-z_{i})",
            "O(1 − O)",
        ),
        Activation(
            "tanh", "tanh", np.tanh, lambda I, O: ONE - O * O,
            r"\tanh(I)", r"1-\mathbf{O}^{(l)}\odot\mathbf{O}^{(l)}", "1-z_{i}^{2}", "1 − O²",
        ),
        Activation(
            "relu", "ReLU", lambda I: np.maximum(I, 0.0), lambda I, O: (I > 0).astype(I.dtype),
            r"\max(0,\,I)", r"\mathbb{1}[\mathbf{I}^{(l)}>0]", r"\mathbb{1}[I_{i}>0]", "1 if I > 0, else 0",
        ),
        Activation(
            "leaky_relu", "Leaky ReLU",
            lambda I: np.where(I > 0, I, LEAKY_SLOPE * I),
            lambda I, O: np.where(I > 0, 1.0, LEAKY_SLOPE),
            rf"\max({LEAKY_SLOPE}\,I,\,I)",
            rf"\mathbb{{1}}[\mathbf{{I}}^{{(l)}}>0]+{LEAKY_SLOPE}\,\mathbb{{1}}[\mathbf{{I}}^{{(l)}}\le 0]",
            rf"\mathbb{{1}}[I_{{i}}>0]+{LEAKY_SLOPE}\,\mathbb{{1}}[I_{{i}}\le0]",
            f"1 if I > 0, else {LEAKY_SLOPE}",
        ),
        Activation(
            "linear", "Linear", lambda I: I.copy(), lambda I, O: np.ones_like(I),
            r"I", r"\mathbf{1}", "1", "1",
        ),
    )
}

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")


@dataclass(frozen=True)
class OutputUnit:
    """The output layer's activation; `backprop` maps ∂L/∂y* to ∂L/∂I (δ at the output)."""

    name: str
    label: str
    forward: Callable[[Array], Array]
    backprop: Callable[[Array, Array], Array]
    latex: str


OUTPUT_UNITS: dict[str, OutputUnit] = {
    u.name: u
    for u in (
        OutputUnit("sigmoid", "Sigmoid", _sigmoid, lambda O, g: g * O * (1.0 - O),
                   r"\sigma(I)=\frac{1}{1+e^{-I}}"),
        # softmax Jacobian-vector product: δ_k = y*_k (g_k − Σ_j g_j y*_j)
        OutputUnit("softmax", "Softmax", _softmax,
                   lambda O, g: O * (g - np.add.reduce(g * O, axis=-1, keepdims=True)),
                   r"\mathrm{softmax}(I)_k=\frac{e^{I_k}}{\sum_j e^{I_j}}"),
        OutputUnit("linear", "Linear", lambda I: I.copy(), lambda O, g: g, r"I"),
    )
}

