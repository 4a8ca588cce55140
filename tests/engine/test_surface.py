"""The loss surface against plain numpy written here: the single unit's exact surface and real path, a slice
through the current weights, the PCA plane's reconstruction error, bounded cost."""

from __future__ import annotations

import numpy as np
import pytest

from engine import make_dataset, surface
from engine.run_config import RunConfig


def _bce(y, z):
    """Plain per-sample binary cross-entropy of a sigmoid unit with pre-activation z: −y log y* − (1−y) log(1−y*)."""
    return y * np.log1p(np.exp(-z)) + (1 - y) * np.log1p(np.exp(z))


def _single_unit(lr=1.0, batch=None, epochs=0):
    data = make_dataset("gaussians", n=200, noise=0.5, seed=3, standardize=False)
    trainer = RunConfig(hidden_sizes=(), lr=lr, batch_size=batch, bias=False, seed=3).build(data)
    path = [trainer.net.params[:2].copy()]
    for _ in range(epochs):
        trainer.run(1)
        path.append(trainer.net.params[:2].copy())
    return trainer, np.array(path)


def _surface(trainer, plane):
    h = trainer.history
    return surface.loss_surface(trainer.net, trainer.data.X_train, trainer.Y_train, plane, h.snapshots,
                          h.snapshot_epochs)


def test_the_single_units_surface_is_the_loss_at_every_grid_point_and_its_path_the_real_one():
    trainer, path = _single_unit(lr=3.0, epochs=15)
    net, data = trainer.net, trainer.data
    assert surface.trainable(net).tolist() == [0, 1]  # w1, w2 and nothing else
    surf = _surface(trainer, surface.weight_slice(net.params, 0, 1))
    assert surf.whole_space and surf.rows == surf.n_rows == data.X_train.shape[0]
    assert surf.losses.shape == (surface.RESOLUTION, surface.RESOLUTION) and surface.RESOLUTION >= 60
    W1, W2 = np.meshgrid(surf.a, surf.b)  # losses[r, c] is at (a[c], b[r])
    z = data.X_train[:, 0, None, None] * W1 + data.X_train[:, 1, None, None] * W2  # (N, rows, cols)
    y = data.y_train[:, None, None]
    np.testing.assert_allclose(surf.losses, _bce(y, z).mean(axis=0), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(surf.path, path)  # the weights after every epoch, recorded here
    np.testing.assert_array_equal(surf.epochs, np.arange(16))
    np.testing.assert_array_equal(surf.current, path[-1])
    assert surf.current_loss == pytest.approx(_bce(data.y_train, data.X_train @ path[-1]).mean(), rel=1e-12)
    # the grid covers the whole path, on equal scales
    assert surf.a[0] < path[:, 0].min() and path[:, 0].max() < surf.a[-1]
    assert surf.b[0] < path[:, 1].min() and path[:, 1].max() < surf.b[-1]
    assert surf.a[-1] - surf.a[0] == pytest.approx(surf.b[-1] - surf.b[0])


def _plain_loss(sizes, params, X, y, bias=True):
    """A sigmoid network's mean binary cross-entropy, layer by layer in plain numpy (params as MLP lays them out)."""
    n_w = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    u, w_at, b_at = X, 0, n_w
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = params[w_at:w_at + n_in * n_out].reshape(n_in, n_out)
        z = u @ W + (params[b_at:b_at + n_out] if bias else 0.0)
        w_at, b_at = w_at + n_in * n_out, b_at + n_out
        u = 1 / (1 + np.exp(-z))
    return _bce(y, z[:, 0]).mean()


def _xor_trainer(epochs=20, **cfg):
    data = make_dataset("xor", n=200, noise=0.1, seed=1)
    trainer = RunConfig(**{"hidden_sizes": (4,), "lr": 1.0, "seed": 1, **cfg}).build(data)
    trainer.run(epochs)
    return trainer


def test_a_slice_through_the_current_weights_gives_the_current_loss_there():
    trainer = _xor_trainer()
    net, data = trainer.net, trainer.data
    i, j = 3, net.n_weights + 1  # w_22^(1) and the bias b_2^(1)
    plane = surface.weight_slice(net.params, i, j)
    surf = _surface(trainer, plane)
    assert not surf.whole_space
    current = net.params.copy()
    np.testing.assert_array_equal(surf.current, current[[i, j]])
    plain = _plain_loss(net.sizes, current, data.X_train, data.y_train)
    assert surf.current_loss == pytest.approx(plain, rel=1e-12)
    assert surface.batched_losses(net, data.X_train, trainer.Y_train, plane.points(surf.current))[0] == \
        pytest.approx(plain, rel=1e-12)
    # any grid point: the current weights with w_22^(1), b_2^(1) replaced
    for r, c in ((0, 0), (17, 40), (63, 5)):
        p = current.copy()
        p[i], p[j] = surf.a[c], surf.b[r]
        assert surf.losses[r, c] == pytest.approx(_plain_loss(net.sizes, p, data.X_train, data.y_train), rel=1e-10)
    # the path is the real history of those two parameters
    np.testing.assert_array_equal(surf.path, trainer.history.snapshots[:, [i, j]])


def test_the_pca_planes_reconstruction_error_is_what_pca_says():
    trainer = _xor_trainer(epochs=30, batch_size=1)
    net, snaps = trainer.net, trainer.history.snapshots
    plane = surface.pca_plane(snaps, net.params, surface.trainable(net))
    offsets = snaps - net.params
    eig = np.sort(np.linalg.eigvalsh(offsets.T @ offsets))[::-1]  # PCA about the current weights
    coords = plane.coordinates(snaps)
    error = ((snaps - plane.points(coords)) ** 2).sum()
    assert error == pytest.approx(eig[2:].sum(), rel=1e-8, abs=1e-10)
    assert plane.explained == pytest.approx(eig[:2].sum() / eig.sum(), rel=1e-10)
    assert plane.random_directions == 0
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-12)
    np.testing.assert_array_equal(plane.origin, net.params)
    surf = _surface(trainer, plane)
    np.testing.assert_allclose(surf.current, [0.0, 0.0], atol=1e-12)  # the current weights lie on the plane
    assert surf.current_loss == pytest.approx(
        _plain_loss(net.sizes, net.params, trainer.data.X_train, trainer.data.y_train), rel=1e-12)


def test_a_path_of_one_point_gets_random_orthonormal_directions_in_the_trained_parameters_only():
    trainer = _xor_trainer(epochs=0, bias=False)
    net = trainer.net
    plane = surface.pca_plane(trainer.history.snapshots, net.params, surface.trainable(net))
    assert plane.random_directions == 2
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-12)
    assert not plane.directions[:, net.n_weights:].any()  # no bias to move
    surf = _surface(trainer, plane)
    assert np.isfinite(surf.losses).all()


def test_huge_weights_raise_no_floating_point_error():
    trainer = _xor_trainer(epochs=0, hidden="relu")
    net, data = trainer.net, trainer.data
    P = np.tile(net.params, (3, 1))
    P[1, 0] = 1e300
    P[2, :] = 1e200  # through two ReLU layers' worth of products: overflows to inf, then inf − inf
    losses = surface.batched_losses(net, data.X_train, trainer.Y_train, P)  # the strict errstate of conftest holds
    assert losses[0] == pytest.approx(net.loss(data.X_train, trainer.Y_train), rel=1e-12)
    assert not np.isfinite(losses[2])  # the figure's business (tests/ui/test_surface_figure.py)


def test_a_large_network_averages_over_fewer_rows_and_a_coarser_grid_within_the_work_budget():
    def work(net, resolution, rows):  # multiply-adds, an activation counted as ELEMENTWISE_COST of them
        return resolution**2 * rows.size * sum(a * b + surface.ELEMENTWISE_COST * b
                                               for a, b in zip(net.sizes[:-1], net.sizes[1:]))

    digits = make_dataset("digits", seed=0)
    n = digits.X_train.shape[0]
    net = RunConfig(hidden_sizes=(16,), loss="ce", output="softmax", seed=0).network(digits)
    resolution, rows = surface.sizing(net, n)
    assert resolution == surface.RESOLUTION and surface.MIN_ROWS <= rows.size < n and np.all(np.diff(rows) > 0)
    assert work(net, resolution, rows) <= surface.WORK_BUDGET
    largest = RunConfig(hidden_sizes=(64,) * 6, loss="ce", output="softmax", seed=0).network(digits)
    resolution, rows = surface.sizing(largest, n)
    assert rows.size == surface.MIN_ROWS and resolution == surface.MIN_RESOLUTION  # the floor of both
    assert work(largest, resolution, rows) <= 2 * surface.WORK_BUDGET
    small = RunConfig(hidden_sizes=(4,)).network(make_dataset("xor"))
    resolution, rows = surface.sizing(small, 210)
    assert resolution == surface.RESOLUTION and rows.size == 210  # the default network: every row, 64×64


def test_grid_points_are_made_a_chunk_at_a_time(monkeypatch):
    monkeypatch.setattr(surface, "CHUNK_FLOATS", 5000)
    trainer = _xor_trainer(epochs=3)
    net, data = trainer.net, trainer.data
    plane = surface.pca_plane(trainer.history.snapshots, net.params, surface.trainable(net))
    coords = np.random.default_rng(0).normal(size=(300, 2))
    chunked = surface.plane_losses(net, data.X_train, trainer.Y_train, plane, coords)
    for k in (0, 150, 299):
        assert chunked[k] == pytest.approx(
            _plain_loss(net.sizes, plane.points(coords[k])[0], data.X_train, data.y_train), rel=1e-10)


def test_batched_losses_match_one_vector_at_a_time_for_softmax_and_a_penalty():
    data = make_dataset("iris", seed=0)
    trainer = RunConfig(hidden_sizes=(5,), hidden="tanh", loss="ce", output="softmax", reg="l2", lam=0.01,
                        seed=0).build(data)
    trainer.run(5)
    net, X, Y = trainer.net, data.X_train, trainer.Y_train
    rng = np.random.default_rng(0)
    P = net.params + rng.normal(0, 0.5, (7, net.params.size))
    losses = surface.batched_losses(net, X, Y, P)
    for p, value in zip(P, losses):
        W = [p[0:20].reshape(4, 5), p[20:35].reshape(5, 3)]
        b = [p[35:40], p[40:43]]
        z = np.tanh(X @ W[0] + b[0]) @ W[1] + b[1]
        log_softmax = z - np.log(np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)) - \
            z.max(axis=1, keepdims=True)
        plain = -(Y * log_softmax).sum(axis=1).mean() + 0.5 * 0.01 * sum((w**2).sum() for w in W)
        assert value == pytest.approx(plain, rel=1e-10)


def test_the_weight_history_is_bounded_and_keeps_the_latest_weights():
    trainer = _xor_trainer(epochs=0, lr=0.1)
    history = trainer.history
    assert history.snapshot_capacity == min(500, 200_000 // trainer.net.params.size)
    trainer.run(history.snapshot_capacity + 40)
    snaps = history.snapshots
    assert len(snaps) <= history.snapshot_capacity
    np.testing.assert_array_equal(snaps[-1], trainer.net.params)  # the path ends at the current weights
    assert history.snapshot_epochs[0] == 0 and history.snapshot_epochs[-1] == trainer.epoch
