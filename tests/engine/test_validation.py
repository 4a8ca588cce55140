"""Bad inputs raise ValueError with a message that names the problem (and often the fix)."""

import re

import numpy as np
import pytest

from engine import MLP, Trainer, gradcheck, make_dataset, train_epoch

E = re.escape


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(sizes=[2]), "sizes must list D, 0 to 6 hidden sizes and J"),
    (dict(sizes=[2] + [3] * 7 + [1]), "sizes must list D, 0 to 6 hidden sizes and J"),
    (dict(sizes=[0, 1]), E("sizes[0] (inputs D) must be from 1 to 4096, got 0")),
    (dict(sizes=[2, 300, 1]), E("sizes[1] must be from 1 to 256, got 300")),
    (dict(sizes=[2, 3, 0]), E("sizes[2] must be from 1 to 256, got 0")),
    (dict(sizes=[2, 2.5, 1]), E("sizes[1] must be a whole number")),
    (dict(sizes=[2, True, 1]), E("sizes[1] must be a whole number")),
    (dict(hidden="swish"), "hidden='swish' is not known; choose one of: sigmoid, tanh, relu, leaky_relu, linear"),
    (dict(output="tanh"), "output='tanh' is not known; choose one of: sigmoid, softmax, linear"),
    (dict(loss="hinge"), "loss='hinge' is not known; choose one of: bce, ce, squared"),
    (dict(init="glorot"), "init='glorot' is not known"),
    (dict(reg="l3"), "reg='l3' is not known; choose one of: none, l1, l2"),
    (dict(reg="l2", lam=-1), "lam must be a finite number ≥ 0"),
    (dict(reg="l2", lam=float("inf")), "lam must be a finite number ≥ 0"),
    (dict(seed=-1), "seed must be from 0 to"),
    (dict(sizes=[2, 2], output="softmax", loss="bce"),
     "the binary cross-entropy loss needs a sigmoid output unit, not softmax; pick output='sigmoid'"),
    (dict(sizes=[2, 2], output="linear", loss="bce"), "needs a sigmoid output unit, not linear"),
    (dict(sizes=[2, 3], output="sigmoid", loss="ce"),
     "the cross-entropy loss needs a softmax output unit, not sigmoid; pick output='softmax'"),
    (dict(sizes=[2, 1], output="softmax", loss="squared"), E("a softmax output needs at least 2 output units (J ≥ 2)")),
    (dict(sizes=[2, 1], output="softmax", loss="ce"), "for one output use output='sigmoid' with loss='bce'"),
])
def test_bad_network_configuration(kwargs, message):
    kwargs = {"sizes": [2, 3, 1], **kwargs}
    with pytest.raises(ValueError, match=message):
        MLP(kwargs.pop("sizes"), **kwargs)


NET = MLP([2, 3, 1], seed=0)
CE = MLP([2, 3], output="softmax", loss="ce")
SQUARED = MLP([2, 2], output="linear", loss="squared")


@pytest.mark.parametrize(("call", "message"), [
    (lambda: NET.predict(np.zeros((4, 3))), "X must have 2 columns, got 3"),
    (lambda: NET.predict(np.zeros((4, 2, 1))),
     E("X must be a non-empty 2-D array (rows = samples), got shape (4, 2, 1)")),
    (lambda: NET.predict(np.zeros((0, 2))), E("X must be a non-empty 2-D array")),
    (lambda: NET.predict([["a", "b"]]), "X must be numeric"),
    (lambda: NET.predict([[0.0, np.nan]]), "X contains NaN or inf; remove or impute those values"),
    (lambda: NET.gradients([[0.0, np.inf]], [1]), "X contains NaN or inf"),
    (lambda: NET.gradients([[0.0, -np.inf]], [1]), "X contains NaN or inf"),
    (lambda: NET.gradients([[0.0, 1.0]], [np.nan]), "Y contains NaN or inf"),
    (lambda: NET.gradients([[0.0, 1.0]], [0.5]), "Y for the bce loss must hold 0/1 labels"),
    (lambda: NET.gradients(np.zeros((5, 2)), np.zeros(4)), "X has 5 rows but Y has 4"),
    (lambda: NET.loss(np.zeros((5, 2)), np.zeros((5, 2))), "Y must have 1 columns, got 2"),
    (lambda: CE.gradients(np.zeros((2, 2)), [0, 3]), "Y for the ce loss must hold integer class labels 0 … 2"),
    (lambda: CE.gradients(np.zeros((2, 2)), [0, -1]), "integer class labels 0 … 2"),
    (lambda: CE.gradients(np.zeros((2, 2)), [0, 1.5]), "integer class labels 0 … 2"),
    (lambda: CE.gradients(np.zeros((2, 2)), [[1, 1, 0], [0, 0, 1]]), E("must be one-hot (rows of 0/1 summing to 1)")),
    (lambda: CE.gradients(np.zeros((2, 2)), [[1, 0], [0, 1]]), "Y must have 3 columns, got 2"),
    (lambda: SQUARED.gradients(np.zeros((2, 2)), [1.0, 2.0]), "Y must have 2 columns, got 1"),
    (lambda: SQUARED.gradients(np.zeros((1, 2)), [[1.0, np.inf]]), "Y contains NaN or inf"),
    (lambda: gradcheck(NET, np.zeros((2, 3)), [0, 1]), "X must have 2 columns, got 3"),
    (lambda: NET.set_params([np.zeros((3, 3)), np.zeros((3, 1))]), E("W[0] must have shape (2, 3), got (3, 3)")),
    (lambda: NET.set_params([np.zeros((2, 3))]), "W must hold 2 matrices, got 1"),
    (lambda: NET.set_params(NET.W, [np.zeros(2), np.zeros(1)]), E("b[0] must have shape (3,), got (2,)")),
])
def test_bad_data_for_the_network(call, message):
    with pytest.raises(ValueError, match=message):
        call()


X4, Y4 = np.zeros((4, 2)), np.zeros(4)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(lr=0), E("lr (ξ) must be a finite number > 0, got 0")),
    (dict(lr=-0.1), E("lr (ξ) must be a finite number > 0")),
    (dict(lr=float("nan")), E("lr (ξ) must be a finite number > 0")),
    (dict(lr="fast"), E("lr (ξ) must be a number, got 'fast'")),
    (dict(lr=0.1, batch_size=0), "batch_size must be from 1 to"),
    (dict(lr=0.1, batch_size=2.5), "batch_size must be a whole number"),
    (dict(lr=0.1, X=np.ones((4, 1))), "X must have 2 columns, got 1"),
    (dict(lr=0.1, Y=[0, 1, 2, 1]), "Y for the bce loss must hold 0/1 labels"),
])
def test_bad_training_arguments(kwargs, message):
    X, Y = kwargs.pop("X", X4), kwargs.pop("Y", Y4)
    net = NET.copy()
    with pytest.raises(ValueError, match=message):
        train_epoch(net, X, Y, **kwargs)
    for p, q in zip(net.W, NET.W):  # nothing was trained
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(name="mnist"), "dataset='mnist' is not known; choose one of: xor, circles"),
    (dict(n=5), "n must be from 20 to 5000, got 5"),
    (dict(n=10**6), "n must be from 20 to 5000"),
    (dict(n=100.5), "n must be a whole number"),
    (dict(noise=2), "noise must be from 0 to 1.0, got 2"),
    (dict(noise=-0.1), "noise must be a finite number ≥ 0"),
    (dict(test_fraction=0.95), "test_fraction must be from 0 to 0.9, got 0.95"),
    (dict(test_fraction=-0.1), "test_fraction must be a finite number ≥ 0"),
    (dict(features=["x3"]), "features='x3' is not known; choose one of: x1, x2, x1\\^2"),
    (dict(name="sine", features=["x2"]), "features='x2' is not known; choose one of: x1, x1\\^2, sin\\(x1\\)"),
    (dict(features=[]), "features must name at least one input feature"),
    (dict(seed=-1), "seed must be from 0 to"),
])
def test_bad_dataset_arguments(kwargs, message):
    kwargs = {"name": "xor", **kwargs}
    with pytest.raises(ValueError, match=message):
        make_dataset(kwargs.pop("name"), **kwargs)


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("lr", 0, E("learning rate ξ must be a finite number > 0, got 0")),
    ("lr", float("inf"), E("learning rate ξ must be a finite number > 0")),
    ("batch_size", 0, "batch size must be from 1 to"),
    ("batch_size", 2.5, "batch size must be a whole number"),
])
def test_trainer_checks_its_settings_when_they_are_set(setting, value, message):
    """The Trainer's epochs do not re-check ξ and the batch size, so setting a bad one fails at once."""
    trainer = Trainer(MLP([2, 3, 1], seed=0), make_dataset("xor", n=40), lr=0.2, batch_size=5)
    with pytest.raises(ValueError, match=message):
        setattr(trainer, setting, value)
    with pytest.raises(ValueError, match=message):
        Trainer(MLP([2, 3, 1], seed=0), make_dataset("xor", n=40), **{"lr": 0.2, "batch_size": 5, setting: value})
    assert (trainer.lr, trainer.batch_size) == (0.2, 5)


def test_trainer_rejects_a_network_that_does_not_fit_the_data():
    with pytest.raises(ValueError, match=E("the network takes 3 inputs (sizes[0]) but the data set has 2")):
        Trainer(MLP([3, 1]), make_dataset("xor"))
    with pytest.raises(ValueError, match="Y for the bce loss must hold 0/1 labels"):
        Trainer(MLP([2, 1]), make_dataset("spiral3"))
    with pytest.raises(ValueError, match="Y for the bce loss must hold 0/1 labels"):
        Trainer(MLP([2, 1]), make_dataset("plane"))
