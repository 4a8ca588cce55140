"""Save files and rewinding: a saved run goes on bit for bit; `Trainer.at_epoch` equals a fresh run
trained that far; a hand edit is marked in the history and training goes on from it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine import RunConfig, Trainer, make_dataset, save
from engine import record as record_module
from engine.record import Epochs, SampleStep, SetParams

CONFIG = RunConfig(hidden_sizes=(5, 3), hidden="tanh", lr=0.3, batch_size=7, seed=4)


@pytest.fixture(scope="module")
def moons():
    return make_dataset("moons", n=120, seed=2)


def _first_nine_epochs(t: Trainer) -> None:
    """Nine epochs, ξ changed after six, then a sample step and a hand edit at epoch 9."""
    t.run(6)
    t.lr = 0.05
    t.run(3)
    t.apply_sample_step(4)
    W, b = t.net.get_params()
    W[1][2, 0] = -0.75
    t.set_params(W, b)


def _eventful(t: Trainer) -> None:
    """Epochs under changing settings, a sample step and a hand edit."""
    _first_nine_epochs(t)
    t.batch_size = None
    t.net.set_regularization("l2", 0.01)
    t.run(4)


def _loaded(t: Trainer, data) -> Trainer:
    """A trainer in a fresh place restored from `t`'s save file (the bytes only)."""
    saved = save.parse(save.dump(t, {"note": "test"}).encode())
    fresh = CONFIG.build(data, initial=saved.initial)
    fresh.settings = t.settings
    save.restore(fresh, saved)
    return fresh


def _assert_same_run(a: Trainer, b: Trainer) -> None:
    np.testing.assert_array_equal(a.net.params, b.net.params)
    assert a.rng.bit_generator.state == b.rng.bit_generator.state and a.epoch == b.epoch
    for name, table in a.history.tables.items():
        other = b.history.tables[name]
        np.testing.assert_array_equal(table.epochs, other.epochs)
        np.testing.assert_array_equal(table.rows, other.rows)  # NaN where NaN
    assert a.history.marks == b.history.marks
    assert [c.position for c in a.record.checkpoints] == [c.position for c in b.record.checkpoints]
    assert len(a.record.operations) == len(b.record.operations) and a.record.stride == b.record.stride


def test_a_loaded_run_goes_on_bit_for_bit(moons):
    t = CONFIG.build(moons)
    _eventful(t)
    u = _loaded(t, moons)
    _assert_same_run(t, u)
    assert u.last is not None and np.array_equal(u.last.neuron_delta[0], t.last.neuron_delta[0])
    t.run(50)
    u.run(50)
    _assert_same_run(t, u)
    # rewinding the loaded run recomputes the original's past
    for epoch in (0, 5, 9, 11, 40):
        np.testing.assert_array_equal(t.at_epoch(epoch).net.params, u.at_epoch(epoch).net.params)


def test_the_file_is_versioned_json_with_readable_weights(moons):
    t = CONFIG.build(moons)
    t.run(2)
    doc = json.loads(save.dump(t, {}))
    assert doc["format"] == save.FORMAT and doc["version"] == save.VERSION == 1
    assert doc["network"]["W"][0] == t.net.W[0].tolist() and doc["epoch"] == 2
    assert doc["initial"]["W"][1] == t.initial[0][1].tolist()


def test_a_diverged_run_is_saved_with_its_divergence():
    plane = make_dataset("plane", n=100, seed=0)
    config = RunConfig(hidden_sizes=(8,), hidden="relu", output="linear", loss="squared", lr=50.0, batch_size=10)
    t = config.build(plane)
    t.run(50)
    assert t.divergence is not None
    saved = save.parse(save.dump(t, {}).encode())
    u = config.build(plane, initial=saved.initial)
    save.restore(u, saved)
    assert u.divergence == t.divergence and u.epoch == t.epoch and u.run(1) == []


@pytest.fixture
def few_checkpoints(monkeypatch):
    """Room for 6 checkpoints of the test network: the stride doubles several times in 100 epochs."""
    n_params = CONFIG.network(make_dataset("moons", n=120, seed=2)).n_params
    monkeypatch.setattr(record_module, "CHECKPOINT_FLOATS", 6 * n_params)


def test_rewinding_to_any_epoch_equals_a_fresh_run_trained_that_far(moons, few_checkpoints):
    t = CONFIG.build(moons)
    t.run(100)
    assert t.record.stride >= 16 and len(t.record.checkpoints) <= 6
    epochs = [0, 1, 100, *np.random.default_rng(5).integers(2, 100, 6)]
    for epoch in epochs:
        past = t.at_epoch(int(epoch))
        ref = CONFIG.build(moons)  # the same initial weights and seed, trained `epoch` epochs
        ref.run(int(epoch))
        np.testing.assert_array_equal(past.net.params, ref.net.params)
        assert past.rng.bit_generator.state == ref.rng.bit_generator.state and past.epoch == epoch
        np.testing.assert_array_equal(past.history.column("train_loss"), ref.history.column("train_loss"))
        if epoch:
            np.testing.assert_array_equal(past.last.neuron_delta[1], ref.last.neuron_delta[1])
    assert t.epoch == 100 and t.record.position == 100  # the run itself is untouched


def test_training_on_from_a_rewound_epoch_equals_a_fresh_run(moons, few_checkpoints):
    t = CONFIG.build(moons)
    t.run(60)
    past = t.at_epoch(23)
    past.run(17)
    ref = CONFIG.build(moons)
    ref.run(40)
    np.testing.assert_array_equal(past.net.params, ref.net.params)
    assert past.record.epoch == 40 and past.record.position == 40
    np.testing.assert_array_equal(past.replay().net.params, ref.net.params)  # its record replays it


def test_rewinding_an_eventful_run_equals_its_operations_done_by_hand(moons):
    t = CONFIG.build(moons)
    _eventful(t)
    past = t.at_epoch(9)  # after the sample step and the edit made at epoch 9
    ref = CONFIG.build(moons)
    _first_nine_epochs(ref)  # the same operations, done on a fresh trainer
    np.testing.assert_array_equal(past.net.params, ref.net.params)
    assert past.history.marks == ref.history.marks and len(past.history.marks) == 1
    kinds = [type(op) for op in past.record.operations]
    assert kinds == [Epochs, Epochs, SampleStep, SetParams]


def test_a_hand_edit_is_marked_and_training_goes_on_from_it(moons):
    t = CONFIG.build(moons)
    t.run(5)
    W, b = t.net.get_params()
    W[0][1, 3] = 2.5
    b[1][0] = -1.0
    by_hand = CONFIG.build(moons)
    by_hand.run(5)
    t.set_params(W, b)
    assert t.history.marks == [(5, t.history.column("train_loss")[-1])]
    net = by_hand.net  # the same edit done on the network directly, then one epoch
    net.W[0][1, 3], net.b[1][0] = 2.5, -1.0
    t.run(1)
    by_hand.run(1)
    np.testing.assert_array_equal(t.net.params, by_hand.net.params)
