"""The run model: a run's record replays it exactly; checkpoints stay bounded; one build path."""

from __future__ import annotations

import numpy as np
import pytest

from engine import MLP, RunConfig, Trainer, make_dataset, train_epoch
from engine.history import SCALARS
from engine.record import (
    CHECKPOINT_FLOATS,
    MAX_CHECKPOINTS,
    Epochs,
    RunRecord,
    SampleStep,
    SetParams,
    Settings,
    frozen_params,
)
from engine.run_config import DRAW_SEED_STRIDE, draw_seed


@pytest.fixture(scope="module")
def moons():
    return make_dataset("moons", n=120, seed=2)


def _trainer(data, **changes) -> Trainer:
    return RunConfig(hidden_sizes=(5, 3), hidden="tanh", lr=0.3, batch_size=7, seed=4).with_changes(changes).build(data)


def _eventful(trainer: Trainer) -> None:
    """A run with every kind of operation: settings changed mid-run, sample steps, a hand edit."""
    trainer.run(3)
    trainer.lr = 0.05
    trainer.run(2)
    trainer.apply_sample_step(5)
    trainer.batch_size = None
    trainer.net.set_regularization("l2", 0.01)
    trainer.run(2)
    W, b = trainer.net.get_params()
    W[0][1, 2] = 1.5
    trainer.set_params(W, b)
    trainer.batch_size = 1
    trainer.run(1)
    trainer.apply_sample_step(0, lr=0.9)
    trainer.apply_sample_step(3)
    trainer.run(2)


def _assert_same_params(a: MLP, b: MLP) -> None:
    for p, q in zip(a.W + a.b, b.W + b.b):
        np.testing.assert_array_equal(p, q)


def test_record_lists_the_operations_in_order(moons):
    t = _trainer(moons)
    _eventful(t)
    ops = t.record.operations
    kinds = [type(op).__name__ for op in ops]
    assert kinds == ["Epochs", "Epochs", "SampleStep", "Epochs", "SetParams", "Epochs", "SampleStep",
                     "SampleStep", "Epochs"]
    assert ops[0] == Epochs(3, Settings(0.3, 7, "none", 0.0))
    assert ops[1] == Epochs(2, Settings(0.05, 7, "none", 0.0))
    assert ops[3] == Epochs(2, Settings(0.05, None, "l2", 0.01))
    assert ops[6] == SampleStep(0, 0.9) and ops[7] == SampleStep(3, 0.05)
    assert isinstance(ops[4], SetParams) and ops[4].W[0][1, 2] == 1.5
    assert t.epoch == t.record.epoch == 10
    assert t.record.position == 10 + 4


def test_replay_from_the_start_reproduces_weights_history_and_generator_bit_for_bit(moons):
    t = _trainer(moons)
    _eventful(t)
    twin = t.replay()
    _assert_same_params(twin.net, t.net)
    for name in SCALARS:
        np.testing.assert_array_equal(twin.history.column(name), t.history.column(name))
    np.testing.assert_array_equal(twin.history.epochs, t.history.epochs)
    np.testing.assert_array_equal(twin.history.grad_norms, t.history.grad_norms)
    np.testing.assert_array_equal(twin.history.snapshots, t.history.snapshots)
    assert twin.rng.bit_generator.state == t.rng.bit_generator.state
    for a, b in zip(twin.record.operations, t.record.operations, strict=True):
        assert a == b if not isinstance(a, SetParams) else all(np.array_equal(p, q) for p, q in zip(a.W, b.W))
    # both go on identically
    t.run(3)
    twin.run(3)
    _assert_same_params(twin.net, t.net)


def test_a_fork_trains_on_as_the_run_would_and_leaves_the_run_alone(moons):
    t = _trainer(moons)
    _eventful(t)
    before = (t.net.get_params(), t.rng.bit_generator.state, t.epoch, len(t.history), t.record.position)
    ahead = t.fork()
    ahead.run(2)
    assert ahead.epoch == t.epoch + 2 and len(ahead.history) == len(t.history) + 2
    # the run is as it was: weights, generator, epoch, history rows, record
    for p, q in zip([*before[0][0], *before[0][1]], t.net.W + t.net.b):
        np.testing.assert_array_equal(p, q)
    assert (t.rng.bit_generator.state, t.epoch, len(t.history), t.record.position) == before[1:]
    # the fork holds what those operations give by hand, and what the run gives when it takes them
    ref = _by_hand(moons, [*t.record.operations, Epochs(2, t.settings)])
    for p, q in zip(ahead.net.W + ahead.net.b, ref.W + ref.b):
        np.testing.assert_allclose(p, q, rtol=0, atol=1e-15)
    t.run(2)
    _assert_same_params(ahead.net, t.net)
    assert ahead.rng.bit_generator.state == t.rng.bit_generator.state
    for name in SCALARS:
        np.testing.assert_array_equal(ahead.history.column(name), t.history.column(name))


def _by_hand(data, ops_done: list) -> MLP:
    """The same operations done without a Trainer: train_epoch, the update rule and set_params."""
    cfg = RunConfig(hidden_sizes=(5, 3), hidden="tanh", lr=0.3, batch_size=7, seed=4)
    net = cfg.network(data)
    rng = np.random.default_rng(4)
    Y = net.encode_targets(data.targets("train", net.loss_name))
    for op in ops_done:
        if isinstance(op, Epochs):
            net.set_regularization(op.settings.reg, op.settings.lam)
            for _ in range(op.count):
                train_epoch(net, data.X_train, Y, op.settings.lr, op.settings.batch_size, rng)
        elif isinstance(op, SampleStep):
            x, y = data.X_train[op.index : op.index + 1], Y[op.index : op.index + 1]
            dW, db = net.gradients(x, y)
            net.step(dW, db, op.lr)
        else:
            net.set_params(list(op.W), list(op.b))
    return net


def test_state_at_any_position_equals_doing_those_operations_by_hand(moons):
    t = _trainer(moons)
    _eventful(t)
    rng = np.random.default_rng(0)
    for position in [0, t.record.position, *rng.integers(0, t.record.position, 6)]:
        state = t.state_at(int(position))
        ref = _by_hand(moons, t.record.operations_between(0, int(position)))
        for p, q in zip([*state.W, *state.b], ref.W + ref.b):
            np.testing.assert_allclose(p, q, rtol=0, atol=1e-15)
    final = t.state_at(t.record.position)
    _assert_same_params(MLP.from_dict({**t.net.to_dict(), "W": final.W, "b": final.b}), t.net)


def test_state_at_from_a_sparse_checkpoint_is_exact_and_leaves_the_run_alone():
    data = make_dataset("xor", n=60, seed=1)
    t = RunConfig(hidden_sizes=(3,), lr=0.5, batch_size=10).build(data)
    t.run(40)
    assert [c.epoch for c in t.record.checkpoints] == list(range(41))
    t.record.checkpoints[:] = [c for c in t.record.checkpoints if c.epoch in (0, 16, 32)]
    before = t.net.get_params()
    state = t.state_at(25)
    assert state.epoch == 25
    ref = RunConfig(hidden_sizes=(3,), lr=0.5, batch_size=10).build(data)
    ref.run(25)
    for p, q in zip([*state.W, *state.b], ref.net.W + ref.net.b):
        np.testing.assert_array_equal(p, q)
    assert state.rng_state == ref.rng.bit_generator.state
    for p, q in zip(before[0] + before[1], t.net.W + t.net.b):
        np.testing.assert_array_equal(p, q)


def test_checkpoints_stay_bounded_and_keep_the_start(moons):
    data = make_dataset("digits", seed=0)
    t = RunConfig(hidden_sizes=(64, 64), hidden="relu", output="softmax", loss="ce", lr=0.1,
                  batch_size=None).build(data)
    t.run(30)
    assert t.record.nbytes <= CHECKPOINT_FLOATS * 8
    assert t.record.checkpoints[0].position == 0 and t.record.checkpoints[-1].epoch == 30
    record = RunRecord(frozen_params([np.zeros((2, 2))], [np.zeros(2)]), 0, Settings(0.1, 1))
    rng = np.random.default_rng(0)
    record.keep_checkpoint([np.zeros((2, 2))], [np.zeros(2)], rng)
    for _ in range(3000):
        record.add_epoch(Settings(0.1, 1))
        record.keep_checkpoint([np.zeros((2, 2))], [np.zeros(2)], rng)
    positions = [c.position for c in record.checkpoints]
    assert record.capacity == MAX_CHECKPOINTS and record.operations == [Epochs(3000, Settings(0.1, 1))]
    assert len(positions) <= MAX_CHECKPOINTS and positions[0] == 0 and positions[-1] == 3000
    assert np.all(np.diff(positions) > 0) and max(np.diff(positions)) <= 2 * 3000 // MAX_CHECKPOINTS


def test_restart_clears_the_record_and_divergence_keeps_the_generator(moons):
    t = _trainer(moons)
    _eventful(t)
    t.restart()
    assert t.record.operations == [] and t.record.position == 0 and len(t.record.checkpoints) == 1
    plane = make_dataset("plane", n=80, seed=0)
    big = RunConfig(loss="squared", output="linear", hidden="relu", init="uniform", lr=10.0,
                    batch_size=None).build(plane)
    state = big.rng.bit_generator.state
    for _ in range(200):
        if big.divergence is not None:
            break
        state = big.rng.bit_generator.state
        big.run(1)
    assert big.divergence is not None
    assert big.rng.bit_generator.state == state  # the failed epoch's shuffle is undone
    assert big.record.epoch == big.epoch


def test_sample_step_updates_records_and_validates(moons):
    t = _trainer(moons)
    t.run(2)
    x, y = moons.X_train[4:5], t.Y_train[4:5]
    ref = t.net.copy()
    dW, db = ref.gradients(x, y)
    ref.step(dW, db, t.lr)
    rows = len(t.history)
    t.apply_sample_step(4)
    _assert_same_params(t.net, ref)
    assert len(t.history) == rows + 1 and t.history.epochs[-1] == 2 and t.epoch == 2
    assert t.history.column("train_loss")[-1] == pytest.approx(ref.loss(moons.X_train, t.Y_train), abs=1e-15)
    for bad in (-1, moons.X_train.shape[0], 1.5, True):
        with pytest.raises(ValueError, match="training-set index"):
            t.apply_sample_step(bad)
    with pytest.raises(ValueError, match="finite"):
        W, b = t.net.get_params()
        W[0][0, 0] = np.inf
        t.set_params(W, b)
    _assert_same_params(t.net, ref)


def test_build_draws_seed_plus_stride_times_draw(moons):
    assert DRAW_SEED_STRIDE == 7919  # links name (seed, draw): the stride never changes
    assert draw_seed(2**32 - 1, 1) == 7918
    cfg = RunConfig(hidden_sizes=(4,), seed=12)
    t = cfg.build(moons, draw=3)
    ref = MLP([2, 4, 1], seed=12 + 7919 * 3)
    _assert_same_params(t.net, ref)
    assert t.seed == 12 and t.lr == cfg.lr and t.batch_size == cfg.batch_size
    assert cfg.with_changes({"loss": "ce"}).build(moons).net.sizes == [2, 4, 2]
