"""Training claims (what the playground promises students), determinism, divergence, history size."""

import copy

import numpy as np
import pytest

from engine import MLP, Divergence, History, Trainer, accuracy, make_dataset, train_epoch, training
from engine.history import SCALARS, ThinnedTable
from engine.record import Settings

SEEDS = (0, 1, 2)

# (data set, hidden sizes, hidden activation, output, loss, ξ, batch size, within this many epochs)
CLAIMS = {
    "xor": ([8], "sigmoid", "sigmoid", "bce", 2.0, 10, 50),
    "circles": ([8], "tanh", "sigmoid", "bce", 0.5, 10, 30),
    "spiral3": ([32, 32], "relu", "softmax", "ce", 0.3, 10, 100),
}


def _trainer(name, hidden_sizes, hidden, output, loss, lr, batch, seed, **data_options):
    data = make_dataset(name, seed=seed, **data_options)
    net = MLP([data.n_inputs, *hidden_sizes, data.n_outputs], hidden=hidden, output=output, loss=loss,
              seed=seed)
    return Trainer(net, data, lr=lr, batch_size=batch, seed=seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", list(CLAIMS))
def test_reaches_95_percent_train_accuracy(name, seed):
    *config, within = CLAIMS[name]
    trainer = _trainer(name, *config, seed=seed)
    while trainer.epoch < within and trainer.history.column("train_metric")[-1] < 0.95:
        trainer.run(1)
    assert trainer.history.column("train_metric")[-1] >= 0.95, f"{name} not at 95% after {within} epochs"
    assert trainer.divergence is None
    # the recorded metric is the real accuracy of the current weights
    data = trainer.data
    assert trainer.history.column("train_metric")[-1] == accuracy(trainer.net.predict(data.X_train), data.y_train)


def _epochs_to_95(loss, seed, limit):
    data = make_dataset("xor", seed=seed)
    net = MLP([2, 8, 1], hidden="sigmoid", output="sigmoid", loss=loss, seed=seed)
    Y, rng = net.encode_targets(data.y_train), np.random.default_rng(seed)
    for epoch in range(1, limit + 1):
        train_epoch(net, data.X_train, Y, 1.0, batch_size=10, rng=rng)
        if accuracy(net.predict(data.X_train), data.y_train) >= 0.95:
            return epoch
    return limit + 1


def test_xor_cross_entropy_learns_faster_than_squared_loss():
    """The lecture's point: with a sigmoid output, bce's δ = y* − y does not vanish where y*(1 − y*)
    does, so 2-8-1 sigmoid, ξ = 1, batch 10 gets to 95% in far fewer epochs than squared loss."""
    bce = [_epochs_to_95("bce", s, 1000) for s in range(5)]
    squared = [_epochs_to_95("squared", s, 1000) for s in range(5)]
    assert max(bce) <= 100, bce
    assert all(b < s for b, s in zip(bce, squared)), (bce, squared)
    assert 3 * sum(bce) < sum(squared), (bce, squared)


def _run(seed, epochs=15):
    trainer = _trainer("moons", [6, 5], "tanh", "sigmoid", "bce", 0.3, 7, seed=3)
    trainer.seed = seed
    trainer.restart()
    trainer.run(epochs)
    return trainer


def test_same_seed_gives_identical_weights_and_history():
    a, b = _run(seed=4), _run(seed=4)
    for p, q in zip(a.net.W + a.net.b, b.net.W + b.net.b):
        np.testing.assert_array_equal(p, q)
    for name in SCALARS:
        np.testing.assert_array_equal(a.history.column(name), b.history.column(name))
    np.testing.assert_array_equal(a.history.grad_norms, b.history.grad_norms)
    np.testing.assert_array_equal(a.history.delta_norms, b.history.delta_norms)
    np.testing.assert_array_equal(a.history.snapshots, b.history.snapshots)
    np.testing.assert_array_equal(a.history.epochs, np.arange(16))
    c = _run(seed=5)  # another shuffling seed, another run
    assert not np.array_equal(a.net.W[0], c.net.W[0])


def test_restart_replays_the_same_run():
    trainer = _run(seed=4)
    first = [w.copy() for w in trainer.net.W]
    trainer.restart()
    assert trainer.epoch == 0 and len(trainer.history) == 1
    trainer.run(15)
    for p, q in zip(first, trainer.net.W):
        np.testing.assert_array_equal(p, q)


def test_history_records_what_the_epochs_did():
    trainer = _run(seed=4, epochs=0)
    results = trainer.run(3)
    h = trainer.history
    np.testing.assert_array_equal(h.column("epoch_loss")[1:], [r.loss for r in results])
    np.testing.assert_array_equal(h.grad_norms[1:], [r.grad_norms for r in results])
    np.testing.assert_array_equal(h.neuron_delta(1)[1:], [r.neuron_delta[1] for r in results])
    assert np.isnan(h.column("epoch_loss")[0])
    net, data = trainer.net, trainer.data
    assert h.column("train_loss")[-1] == pytest.approx(net.loss(data.X_train, data.y_train), rel=1e-14)
    assert h.column("test_loss")[-1] == pytest.approx(net.loss(data.X_test, data.y_test), rel=1e-14)
    np.testing.assert_array_equal(h.snapshots[-1], np.concatenate([a.ravel() for a in net.W + net.b]))


@pytest.mark.parametrize("held", [None, 60, 300])
def test_epoch_statistics_against_direct_computation(held, monkeypatch):
    """grad_norms: mean over updates of ‖∂L/∂W^(l)‖; delta_norms: mean over samples of ‖δ^(l)‖;
    neuron_delta: mean over samples of |δ_i^(l)| — recomputed batch by batch with a twin network
    (`held`: the engine sums what it has gathered every few batches instead of once an epoch)."""
    if held is not None:
        monkeypatch.setattr(training._EpochStats, "MAX_FLOATS", held)
    data = make_dataset("blobs3", n=60, seed=1)
    net = MLP([2, 5, 4, 3], hidden="tanh", output="softmax", loss="ce", seed=2, reg="l2", lam=0.01)
    twin = net.copy()
    Y = net.encode_targets(data.y_train)
    result = train_epoch(net, data.X_train, Y, 0.4, batch_size=8, rng=np.random.default_rng(7))
    order = np.random.default_rng(7).permutation(len(Y))
    X, Y = data.X_train[order], Y[order]
    grad, delta, neuron, loss = np.zeros(3), np.zeros(3), [np.zeros(k) for k in (5, 4, 3)], 0.0
    for start in range(0, len(Y), 8):
        fwd = twin.forward(X[start : start + 8])
        back = twin.backward(fwd, Y[start : start + 8])
        loss += twin.sample_losses(X[start : start + 8], Y[start : start + 8]).sum()
        for l in range(3):
            grad[l] += np.linalg.norm(back.dW[l])
            delta[l] += np.linalg.norm(back.delta[l], axis=1).sum()
            neuron[l] += np.abs(back.delta[l]).sum(axis=0)
        twin.step(back.dW, back.db, 0.4)
    n_updates = -(-len(Y) // 8)
    assert result.n_updates == n_updates
    assert result.loss == pytest.approx(loss / len(Y), rel=1e-13)
    np.testing.assert_allclose(result.grad_norms, grad / n_updates, rtol=1e-12)
    np.testing.assert_allclose(result.delta_norms, delta / len(Y), rtol=1e-12)
    for mine, ref in zip(result.neuron_delta, neuron):
        np.testing.assert_allclose(mine, ref / len(Y), rtol=1e-12)
    for p, q in zip(net.W + net.b, twin.W + twin.b):
        np.testing.assert_array_equal(p, q)


def test_divergence_is_reported_and_weights_stay_finite():
    trainer = _trainer("plane", [8], "relu", "linear", "squared", 50.0, 10, seed=0)
    results = trainer.run(50)  # no floating-point warning escapes the engine (conftest raises on them)
    record = trainer.divergence
    assert isinstance(record, Divergence)
    assert results[-1].divergence == record
    assert record.epoch == trainer.epoch + 1 == len(results)
    assert "diverged in epoch" in record.message and "lower the learning rate" in record.message
    assert "infinite or NaN" in record.what
    assert all(np.all(np.isfinite(p)) for p in trainer.net.W + trainer.net.b)
    # the weights are the last finite ones: those recorded after the last good epoch
    assert trainer.history.snapshot_epochs[-1] == trainer.epoch
    np.testing.assert_array_equal(trainer.history.snapshots[-1],
                                  np.concatenate([p.ravel() for p in trainer.net.W + trainer.net.b]))
    assert trainer.run(5) == []  # a diverged run stays stopped until restart
    trainer.restart()
    assert trainer.divergence is None and trainer.epoch == 0


def test_divergent_epoch_puts_the_weights_back():
    data = make_dataset("plane", seed=0)
    net = MLP([2, 8, 1], hidden="relu", output="linear", loss="squared", seed=0)
    rng = np.random.default_rng(0)
    for epoch in range(1, 50):
        before = [p.copy() for p in net.W + net.b]
        result = train_epoch(net, data.X_train, data.y_train, 50.0, 10, rng, epoch=epoch)
        if result.divergence is not None:
            break
    assert result.divergence is not None and result.divergence.epoch == epoch
    for p, q in zip(before, net.W + net.b):
        np.testing.assert_array_equal(p, q)


def test_history_of_10000_recorded_epochs_stays_small():
    sizes, n_params = [8, 8, 1], 2 * 8 + 8 * 8 + 8 * 1 + 8 + 8 + 1
    history = History(sizes, n_params)
    rng = np.random.default_rng(0)
    scalars = dict.fromkeys(SCALARS, 0.5)
    for epoch in range(10_001):
        history.record(epoch, scalars, rng.random(3), rng.random(3),
                       [rng.random(k) for k in sizes], rng.random(n_params))
    assert history.nbytes <= 5 * 2**20
    epochs = history.epochs
    assert epochs[0] == 0 and epochs[-1] == 10_000 and np.all(np.diff(epochs) > 0)
    assert history.snapshot_epochs[-1] == 10_000 and history.neuron_epochs[-1] == 10_000
    assert history.snapshots.shape[1] == n_params


def test_history_of_10000_real_epochs_stays_small():
    data = make_dataset("xor", n=20, seed=0)
    trainer = Trainer(MLP([2, 8, 8, 1], seed=0), data, lr=0.5, batch_size=None)
    trainer.run(10_000)
    h = trainer.history
    assert h.nbytes <= 5 * 2**20
    assert h.epochs[-1] == 10_000 and h.snapshot_epochs[-1] == 10_000
    assert len(h) == 10_001  # every scalar row is still there at this length
    assert np.all(np.diff(h.snapshot_epochs) > 0) and len(h.snapshot_epochs) <= 500


def _diverging_plane(epochs: int) -> Trainer:
    """ReLU on the unscaled plane with ξ = 10, full batch: the loss overflows in epoch 6 while the weights
    stay finite (about 1e27), so the epoch's own loss, taken before its update, is still finite."""
    data = make_dataset("plane", standardize=False, seed=0)
    net = MLP([2, 4, 1], hidden="relu", output="linear", loss="squared", init="uniform", seed=0)
    trainer = Trainer(net, data, lr=10.0, batch_size=None, seed=0)
    trainer.run(epochs)
    return trainer


def test_an_infinite_evaluated_loss_with_finite_weights_is_a_divergence_and_rolled_back():
    trainer = _diverging_plane(100)
    assert trainer.divergence is not None and trainer.divergence.epoch == 6
    assert trainer.last.divergence is None and np.isfinite(trainer.last.loss)  # the epoch itself looked fine
    assert trainer.epoch == 5 and trainer.history.epochs[-1] == 5
    for column in ("train_loss", "test_loss", "train_metric", "test_metric"):
        assert np.isfinite(trainer.history.column(column)).all()
    five = _diverging_plane(5)  # the weights and the shuffling are those after epoch 5
    assert all(np.array_equal(a, b) for a, b in zip(trainer.net.W + trainer.net.b, five.net.W + five.net.b))
    assert trainer.rng.bit_generator.state == five.rng.bit_generator.state


def test_new_settings_after_a_divergence_train_on_from_the_last_finite_weights():
    trainer = _diverging_plane(100)
    trainer.settings = trainer.settings  # the same settings: still diverged
    assert trainer.divergence is not None and trainer.run(1) == []
    trainer.settings = Settings(1e-4, None)
    assert trainer.divergence is None
    trainer.run(1)  # (this far out, ξ = 1e-4 holds for one more epoch only)
    assert trainer.epoch == 6 and trainer.divergence is None
    assert np.isfinite(trainer.history.column("train_loss")).all()


def test_a_copied_history_table_holds_its_rows_in_no_more_room_and_grows_as_the_original():
    table = ThinnedTable(3, capacity=40)
    for epoch in range(57):  # past the capacity: thinned once
        table.append(epoch, np.full(3, float(epoch)))
    twin = copy.deepcopy(table)
    assert twin._rows.shape == (len(table), 3) and np.array_equal(twin.rows, table.rows)
    for epoch in range(57, 200):  # both grow and thin alike
        for t in (table, twin):
            t.append(epoch, np.full(3, float(epoch)))
    assert np.array_equal(twin.epochs, table.epochs) and np.array_equal(twin.rows, table.rows)
