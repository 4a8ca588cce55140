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
