"""The activation table against the textbook formulas, its derivatives against finite differences."""

import numpy as np
import pytest

from engine import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_UNITS
from tests.engine.helpers import REF_ACTIVATION

# away from 0, where relu and leaky relu have their kink
I = np.array([[-30.0, -2.5, -0.7, -0.01], [0.02, 0.6, 3.0, 25.0]])


@pytest.mark.parametrize("name", HIDDEN_ACTIVATIONS)
def test_hidden_activation_and_derivative(name):
    act = ACTIVATIONS[name]
    O = act.forward(I)
    np.testing.assert_allclose(O, REF_ACTIVATION[name](I), rtol=1e-15, atol=1e-300)
    h = 1e-6
    numeric = (act.forward(I + h) - act.forward(I - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(I, O), numeric, rtol=1e-8, atol=1e-9)  # FD rounding ~1e-10
    assert O is not I  # a fresh array, never the input itself


@pytest.mark.parametrize("value", [0.5, np.float64(-2.0), np.array(3.0), -800.0, 800.0])
def test_sigmoid_of_a_scalar_is_a_scalar(value):
    out = ACTIVATIONS["sigmoid"].forward(value)
    assert np.ndim(out) == 0
    assert float(out) == pytest.approx(1.0 / (1.0 + np.exp(-np.clip(value, -700, 700))), rel=1e-15)


def test_sigmoid_saturates_without_overflow():
    with np.errstate(over="raise"):
        out = ACTIVATIONS["sigmoid"].forward(np.array([-1e308, -800.0, -700.0, 0.0, 700.0, 800.0, 1e308]))
    assert np.all(np.isfinite(out)) and np.all((out >= 0) & (out <= 1))
    assert out[3] == 0.5 and out[-1] == 1.0 and out[0] < 1e-300
    row = [[1.0, -1.0]]
    np.testing.assert_array_equal(ACTIVATIONS["sigmoid"].forward(row), 1.0 / (1.0 + np.exp(-np.array(row))))


def test_softmax_rows_are_distributions_even_for_huge_inputs():
    Z = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0], [-1e4, -1e4, -1e4]])
    P = OUTPUT_UNITS["softmax"].forward(Z)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(P[0], np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum(), rtol=1e-15)
    np.testing.assert_allclose(P[1], [1.0, 0.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(P[2], 1 / 3, rtol=1e-15)


@pytest.mark.parametrize("name", list(OUTPUT_UNITS))
def test_output_unit_backprop_is_the_jacobian_transpose_product(name):
    """δ = (∂y*/∂I)ᵀ g for any upstream g, with the Jacobian from finite differences of the unit."""
    unit = OUTPUT_UNITS[name]
    rng = np.random.default_rng(0)
    Z, G = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    O = unit.forward(Z)
    h = 1e-6
    for n in range(4):
        jac = np.empty((3, 3))  # jac[k, j] = ∂y*_j / ∂I_k
        for k in range(3):
            step = np.zeros(3)
            step[k] = h
            jac[k] = (unit.forward(Z[n : n + 1] + step) - unit.forward(Z[n : n + 1] - step))[0] / (2 * h)
        np.testing.assert_allclose(unit.backprop(O[n : n + 1], G[n : n + 1])[0], jac @ G[n], rtol=1e-8, atol=1e-10)


def test_sigmoid_and_derivatives_give_the_floats_of_the_plain_formulas():
    """The table's sigmoid (0-d float64 operands, in place) is 1 / (1 + e^(−max(I, −700))) bit for
    bit, and A′ is O(1 − O) for the sigmoid and 1 − O² for tanh, as written with Python floats."""
    import numpy as np

    from engine.activations import ACTIVATIONS

    I = np.concatenate([np.random.default_rng(0).normal(0, 30, 500), [-1e308, -750.0, -700.0, 0.0, 800.0]])
    with np.errstate(over="ignore"):
        expected = 1.0 / (1.0 + np.exp(-np.maximum(I, -700.0)))
    O = ACTIVATIONS["sigmoid"].forward(I.reshape(-1, 5))
    np.testing.assert_array_equal(O.ravel(), expected)
    np.testing.assert_array_equal(ACTIVATIONS["sigmoid"].derivative(I, expected), expected * (1.0 - expected))
    np.testing.assert_array_equal(ACTIVATIONS["tanh"].derivative(I, np.tanh(I)), 1.0 - np.tanh(I) ** 2)
