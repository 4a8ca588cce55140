"""The loss over a plane in weight space, and the planes worth looking at.

A plane is an origin and two directions in the space of all parameters (`MLP.params`): the point
at plane coordinates (a, b) has parameters origin + a·d₁ + b·d₂. Two planes are offered:

* a slice over two chosen parameters, every other one held at its current value; its
  coordinates are those two parameters' own values. When a network has only two trainable
  parameters (the lecture's single unit with two inputs and no bias) the slice is the whole
  weight space: the surface is exact and the path is the real trajectory.
* the plane through the current weights spanned by the first two principal directions of the
  weight history (the path's own plane, as loss-landscape studies draw it), the path projected
  onto it.

The loss at every grid point is computed in one batched forward pass (chunked to bound memory):
the parameter vectors of the grid are stacked and every layer is a batched matrix product.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.network import MLP

Array = np.ndarray

RESOLUTION = 64  # grid points per axis
CHUNK_FLOATS = 2_000_000  # floats of one layer's batched activations at most (16 MB)
WORK_BUDGET = 400_000_000  # multiply-adds of one surface at most (about 0.5 s): large networks use fewer rows
ELEMENTWISE_COST = 20  # an activation's exp or tanh costs about this many multiply-adds
MIN_ROWS = 40  # training rows used at least, however large the network
MIN_RESOLUTION = 24  # grid points per axis at least (when even MIN_ROWS rows exceed the budget)
PAD = 0.25  # the grid extends this share of the path's extent beyond it on every side
MIN_HALF_WIDTH = 2.0  # the grid spans at least ± this around its centre (a short path keeps its surroundings)


@dataclass(frozen=True)
class Plane:
    """Parameters origin + a·directions[0] + b·directions[1] at plane coordinates (a, b).

    `kind` is "slice" (coordinates are parameters `indices`' own values) or "pca" (the path's
    principal plane; `explained` is the share of the path's squared distance from the origin
    that lies in the plane, `random_directions` how many directions had to be drawn at random
    because the path spans fewer than two).
    """

    kind: str
    origin: Array
    directions: Array
    indices: tuple[int, int] | None = None
    explained: float = 1.0
    random_directions: int = 0

    def coordinates(self, points: Array) -> Array:
        """(K, 2) plane coordinates of parameter vectors (K, n_params), projected onto the plane."""
        return (np.atleast_2d(points) - self.origin) @ self.directions.T

    def points(self, coords: Array) -> Array:
        """(K, n_params) parameter vectors at plane coordinates (K, 2)."""
        return self.origin + np.atleast_2d(coords) @ self.directions


def trainable(net: MLP) -> Array:
    """Indices into `params` of what training changes: the weights, and the biases when trained."""
    n = net.params.size if net.bias and net.train_bias else net.n_weights
    return np.arange(n)


def weight_slice(params: Array, i: int, j: int) -> Plane:
    """The plane over parameters i and j (their own values as coordinates), the others at `params`."""
    if i == j:
        raise ValueError("a slice needs two different parameters")
    origin = np.array(params, dtype=np.float64)
    origin[[i, j]] = 0.0
    directions = np.zeros((2, origin.size))
    directions[0, i] = directions[1, j] = 1.0
    return Plane("slice", origin, directions, indices=(int(i), int(j)))


def pca_plane(path: Array, current: Array, free: Array, seed: int = 0) -> Plane:
    """The plane through `current` along the first two principal directions of the path's offsets
    from it (an SVD of path − current, as in Li et al. 2018, "Visualizing the loss landscape").

    Only the parameters `free` (indices) can vary. When the path spans fewer than two directions,
    the missing ones are drawn at random (seeded) orthogonal to it, and counted.
    """
    current = np.asarray(current, dtype=np.float64)
    offsets = np.asarray(path, dtype=np.float64)[:, free] - current[free]
    _, s, vt = np.linalg.svd(offsets, full_matrices=False)
    total = float((s**2).sum())
    rank = int((s > 1e-12 * max(1.0, s.max(initial=0.0))).sum())
    found = vt[: min(rank, 2)]
    rng = np.random.default_rng(seed)
    basis = list(found)
    while len(basis) < 2:  # Gram–Schmidt on a random vector
        v = rng.normal(size=free.size)
        for u in basis:
            v -= (v @ u) * u
        basis.append(v / np.linalg.norm(v))
    directions = np.zeros((2, current.size))
    directions[:, free] = np.array(basis)
    explained = float((s[:2] ** 2).sum() / total) if total > 0 else 1.0
    return Plane("pca", current.copy(), directions, explained=explained, random_directions=2 - len(found))


def grid_axes(coords: Array, resolution: int = RESOLUTION) -> tuple[Array, Array]:
    """Axis values of a square grid covering plane coordinates (K, 2) with a margin.

    Both axes get the same span (one unit of weight is as long on either), at least ± MIN_HALF_WIDTH.
    """
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    centre = (lo + hi) / 2
    half = max(float((hi - lo).max()) * (0.5 + PAD), MIN_HALF_WIDTH)
    return tuple(np.linspace(c - half, c + half, resolution) for c in centre)


def work_per_row(net: MLP) -> int:
    """The cost of one training row at one grid point, in multiply-adds (an activation counts ELEMENTWISE_COST)."""
    return sum(a * b + ELEMENTWISE_COST * b for a, b in zip(net.sizes[:-1], net.sizes[1:]))


def sizing(net: MLP, n_rows: int, resolution: int = RESOLUTION) -> tuple[int, Array]:
    """The grid resolution and the training rows a surface uses, within WORK_BUDGET multiply-adds:
    every row at `resolution` when that fits; else evenly spaced rows (down to MIN_ROWS), then a
    coarser grid (down to MIN_RESOLUTION)."""
    per_row = work_per_row(net)
    used = int(min(n_rows, max(MIN_ROWS, WORK_BUDGET // (resolution**2 * per_row))))
    if resolution**2 * used * per_row > WORK_BUDGET:
        resolution = max(MIN_RESOLUTION, int(np.sqrt(WORK_BUDGET / (used * per_row))))
    rows = np.arange(n_rows) if used == n_rows else np.linspace(0, n_rows - 1, used).round().astype(np.intp)
    return resolution, rows


def _chunk(net: MLP, n_rows: int) -> int:
    """How many parameter vectors one batched pass takes: CHUNK_FLOATS bounds both their activations
    and the vectors themselves."""
    return max(1, CHUNK_FLOATS // max(n_rows * max(net.sizes), net.params.size))


def batched_losses(net: MLP, X: Array, Y: Array, P: Array) -> Array:
    """The training objective (mean data loss over the rows of X, plus the weight penalty if the
    network has one) at each parameter vector of P (K, n_params): shape (K,).

    `Y` must be encoded (`MLP.encode_targets`). The network itself is not changed.
    """
    P = np.atleast_2d(np.asarray(P, dtype=np.float64))
    step = _chunk(net, X.shape[0])
    return np.concatenate([_block_losses(net, X, Y, P[k:k + step]) for k in range(0, P.shape[0], step)])


def plane_losses(net: MLP, X: Array, Y: Array, plane: Plane, coords: Array) -> Array:
    """`batched_losses` at plane coordinates (K, 2), never holding more than one chunk's parameter vectors."""
    step = _chunk(net, X.shape[0])
    return np.concatenate([_block_losses(net, X, Y, plane.points(coords[k:k + step]))
                           for k in range(0, coords.shape[0], step)])


def _block_losses(net: MLP, X: Array, Y: Array, P: Array) -> Array:
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        return _unguarded_losses(net, X, Y, P)


def _unguarded_losses(net: MLP, X: Array, Y: Array, P: Array) -> Array:
    k = P.shape[0]
    shapes = list(zip(net.sizes[:-1], net.sizes[1:]))
    w_end = np.cumsum([n_in * n_out for n_in, n_out in shapes])  # the layout of `params`: W^(1) … W^(L),
    b_end = w_end[-1] + np.cumsum(net.sizes[1:])                # then b^(1) … b^(L)
    a = X[None]  # (1, N, D), broadcast over the K vectors
    for l, (n_in, n_out) in enumerate(shapes):
        w = P[:, w_end[l] - n_in * n_out:w_end[l]].reshape(k, n_in, n_out)
        z = a @ w  # (K, N, n_out)
        if net.bias:
            z += P[:, b_end[l] - n_out:b_end[l]][:, None, :]
        a = net.activation_of(l).forward(z)
    J = net.sizes[-1]
    I_, O = z.reshape(-1, J), a.reshape(-1, J)
    per_sample = net.lossfn.per_sample(np.tile(Y, (k, 1)), I_, O).reshape(k, -1)
    losses = per_sample.mean(axis=1)
    if net.reg != "none" and net.lam > 0:
        w = P[:, : net.n_weights]
        losses += 0.5 * net.lam * (w * w).sum(axis=1) if net.reg == "l2" else net.lam * np.abs(w).sum(axis=1)
    return losses


@dataclass(frozen=True)
class Surface:
    """The loss over a square grid of a plane, the path projected onto it and the current point.

    `losses[r, c]` is the objective at plane coordinates (a[c], b[r]); `rows` says how many of the
    `n_rows` training rows it averages over. `path` holds the plane coordinates of the recorded
    weight history (`epochs` their epochs), `current` those of the current weights and
    `current_loss` their objective over every training row.
    """

    plane: Plane
    a: Array
    b: Array
    losses: Array
    path: Array
    epochs: Array
    current: Array
    current_loss: float
    rows: int
    n_rows: int
    whole_space: bool  # the plane is the whole space of trainable parameters: the surface is exact


def loss_surface(net: MLP, X: Array, Y: Array, plane: Plane, path: Array, epochs: Array,
                 resolution: int = RESOLUTION) -> Surface:
    """The objective over a grid covering the path's projection onto `plane` (see `Surface`), at most
    `resolution` points a side (fewer, and fewer training rows, on networks too large for WORK_BUDGET).

    `X` and `Y` (encoded) are the training data, `path` the weight history (K, n_params) and `epochs`
    its epochs; the current weights are `net.params`.
    """
    coords = plane.coordinates(path)
    current = plane.coordinates(net.params)[0]
    resolution, rows = sizing(net, X.shape[0], resolution)
    a, b = grid_axes(np.vstack([coords, current]), resolution)
    A, B = np.meshgrid(a, b)
    losses = plane_losses(net, X[rows], Y[rows], plane, np.c_[A.ravel(), B.ravel()]).reshape(resolution, resolution)
    current_loss = float(batched_losses(net, X, Y, net.params)[0])
    whole = plane.kind == "slice" and trainable(net).size == 2 and set(plane.indices) == set(trainable(net))
    return Surface(plane, a, b, losses, coords, np.asarray(epochs), current, current_loss, rows.size,
                   X.shape[0], whole)
