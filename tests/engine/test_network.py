"""Parameters: the lecture's names, copies, serialisation, initialisation."""

import json

import numpy as np
import pytest

from engine import MLP, flatten_params, param_labels


def test_parameter_names_follow_the_lecture():
    """w_ji^(l) joins input j to unit i of layer l and is W[l-1][j-1, i-1]; flatten_params keeps that order."""
    net = MLP([2, 3, 1], seed=0)
    names = param_labels(net.sizes)
    values = flatten_params(net.W, net.b)
    assert len(names) == len(values) == net.n_params == 2 * 3 + 3 + 3 + 1
    lookup = dict(zip(names, values))
    for j in (1, 2):
        for i in (1, 2, 3):
            assert lookup[f"w_{j}{i}^(1)"] == net.W[0][j - 1, i - 1]
    assert lookup["w_31^(2)"] == net.W[1][2, 0]
    assert names[-4:] == ["b_1^(1)", "b_2^(1)", "b_3^(1)", "b_1^(2)"]


def test_copy_is_independent():
    net = MLP([2, 4, 1], seed=1)
    twin = net.copy()
    twin.W[0][0, 0] += 1.0
    twin.b[0][0] += 1.0
    assert net.W[0][0, 0] != twin.W[0][0, 0] and net.b[0][0] == 0.0


def test_set_params_copies_and_zeroes_unused_biases():
    net = MLP([2, 2, 1], bias=False)
    W = [np.ones((2, 2)), np.ones((2, 1))]
    net.set_params(W, [np.ones(2), np.ones(1)])
    W[0][0, 0] = 5.0
    assert net.W[0][0, 0] == 1.0
    assert all(np.all(b == 0) for b in net.b)
    assert net.n_params == 6


def test_to_dict_round_trip_through_json():
    net = MLP([3, 5, 2], hidden="tanh", output="softmax", loss="ce", seed=4, reg="l1", lam=0.01,
              train_bias=False, init="he")
    net.set_params(net.W, [np.full(5, 0.1), np.full(2, -0.2)])
    again = MLP.from_dict(json.loads(json.dumps(net.to_dict())))
    X = np.random.default_rng(0).normal(size=(4, 3))
    np.testing.assert_array_equal(again.predict(X), net.predict(X))
    assert (again.hidden, again.output, again.loss_name, again.reg, again.lam, again.train_bias) == \
        ("tanh", "softmax", "ce", "l1", 0.01, False)


@pytest.mark.parametrize(("init", "std"), [("xavier", np.sqrt(2 / (60 + 40))), ("he", np.sqrt(2 / 60)),
                                           ("uniform", np.sqrt(1 / 12)), ("zeros", 0.0)])
def test_initialisation_scales(init, std):
    net = MLP([60, 40, 1], init=init, seed=3)
    assert net.W[0].std() == pytest.approx(std, rel=0.05, abs=1e-15)
    assert abs(net.W[0].mean()) < 0.1 * std + 1e-15
    assert all(np.all(b == 0) for b in net.b)
    np.testing.assert_array_equal(MLP([60, 40, 1], init=init, seed=3).W[0], net.W[0])  # seeded


def test_params_is_one_vector_that_W_and_b_view():
    """`params` holds W then b in the order of flatten_params; an in-place change shows through both."""
    net = MLP([2, 3, 2], output="softmax", loss="ce", seed=5)
    np.testing.assert_array_equal(net.params, flatten_params(net.W, net.b))
    assert net.n_weights == 2 * 3 + 3 * 2 and net.params.size == net.n_weights + 3 + 2
    net.params[0] = 7.0
    net.b[1][1] = -3.0
    assert net.W[0][0, 0] == 7.0 and net.params[-1] == -3.0
    with pytest.raises(AttributeError):
        net.W = [np.zeros((2, 3)), np.zeros((3, 2))]  # replace them with set_params, which keeps the views
    net.set_params([np.ones((2, 3)), np.ones((3, 2))], [np.zeros(3), np.zeros(2)])
    assert np.all(net.params[: net.n_weights] == 1.0) and all(np.shares_memory(w, net.params) for w in net.W)


@pytest.mark.parametrize(("bias", "train_bias", "reg"),
                         [(True, True, "none"), (True, False, "l2"), (False, True, "l1")])
def test_backward_into_a_buffer_and_descend_match_new_arrays_and_step(bias, train_bias, reg):
    """The training loop's path (gradients written into one reused vector, one update of `params`)
    gives the same floats as the per-layer one."""
    rng = np.random.default_rng(1)
    net = MLP([3, 4, 4, 2], hidden="tanh", output="softmax", loss="ce", seed=2, bias=bias,
              train_bias=train_bias, reg=reg, lam=0.01)
    X, Y = rng.normal(size=(6, 3)), net.encode_targets(rng.integers(0, 2, 6))
    fwd = net.forward(X)
    fresh = net.backward(fwd, Y)
    buffer = net.gradient_buffer()
    buffer[0][:] = np.nan  # whatever the buffer held is overwritten
    reused = net.backward(fwd, Y, buffer)
    assert reused.grad is buffer[0]
    for p, q in zip(fresh.dW + fresh.db, reused.dW + reused.db, strict=True):
        np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(fresh.grad, flatten_params(fresh.dW, fresh.db))
    twin = net.copy()
    net.step(fresh.dW, fresh.db, 0.3)
    twin.descend(reused.grad, 0.3)
    np.testing.assert_array_equal(net.params, twin.params)


def test_units_list_the_hidden_activation_then_the_output_unit():
    from engine.activations import ACTIVATIONS, OUTPUT_UNITS

    net = MLP([2, 4, 3, 3], hidden="tanh", output="softmax", loss="ce")
    assert net.units() == [ACTIVATIONS["tanh"], ACTIVATIONS["tanh"], OUTPUT_UNITS["softmax"]]
    assert [net.activation_of(l) for l in range(3)] == net.units()
    assert MLP([2, 1]).units() == [OUTPUT_UNITS["sigmoid"]]


@pytest.mark.parametrize("train_bias", [True, False])
def test_trained_views_are_the_part_of_params_descent_changes(train_bias):
    net = MLP([2, 3, 1], train_bias=train_bias)
    grad = np.arange(net.params.size, dtype=float)
    trained, g = net.trained_views(grad)
    k = net.n_weights if not train_bias else net.params.size
    assert np.shares_memory(trained, net.params) and trained.size == k
    np.testing.assert_array_equal(g, grad[:k])
    before = net.params.copy()
    trained -= 0.5 * g
    expected = before.copy()
    expected[:k] -= 0.5 * grad[:k]
    np.testing.assert_array_equal(net.params, expected)
