"""Training by gradient descent, epoch by epoch, with divergence detection."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.network import MLP, Backward
from engine.validation import int_in_range, positive_number

Array = np.ndarray

LOWER_LR_ADVICE = "lower the learning rate ξ (try a tenth of it) and reset or restart"


@dataclass(frozen=True)
class Divergence:
    """Why training stopped: the epoch, what stopped being finite, and what to do."""

    epoch: int
    what: str
    advice: str = LOWER_LR_ADVICE

    @property
    def message(self) -> str:
        return f"Training diverged in epoch {self.epoch}: {self.what}. To fix it, {self.advice}."


@dataclass(frozen=True)
class EpochResult:
    """What one epoch did. Norms are per weight layer, averaged over the epoch's updates."""

    loss: float
    grad_norms: Array
    delta_norms: Array
    neuron_delta: list[Array]
    n_updates: int
    divergence: Divergence | None = None


def batch_slices(n: int, batch_size: int | None) -> list[slice]:
    """Consecutive slices of a (shuffled) range of n rows; None means one full batch."""
    size = n if batch_size is None else min(int(batch_size), n)
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]


def train_epoch(
    net: MLP,
    X: object,
    Y: object,
    lr: float,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    epoch: int = 0,
) -> EpochResult:
    """One pass over (X, Y) in shuffled mini-batches: w ← w − ξ ∂L/∂w after each batch.

    batch_size=1 is the lecture's per-sample rule, None the full batch. On a non-finite loss or
    weight the network is put back to its weights at the start of the epoch and the result
    carries a `Divergence` record.
    """
    lr = positive_number("lr (ξ)", lr)
    X, Y = net.check_inputs(X), net.encode_targets(Y)
    net._check_rows(X, Y)
    if batch_size is not None:
        int_in_range("batch_size", batch_size, 1, 10**9)
    rng = rng if rng is not None else np.random.default_rng(net.seed)
    n = X.shape[0]
    order = rng.permutation(n)
    Xs, Ys = X.take(order, axis=0), Y.take(order, axis=0)
    start_W, start_b = net.get_params()
    stats = _EpochStats(net.sizes[1:])
    loss_sum = 0.0
    slices = batch_slices(n, batch_size)
    per_sample = net.lossfn.per_sample
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for s in slices:
            fwd = net.forward(Xs[s])
            loss_sum += float(np.add.reduce(per_sample(Ys[s], fwd.I[-1], fwd.O[-1])))
            back = net.backward(fwd, Ys[s])
            stats.add(back)
            net.step(back.dW, back.db, lr)
        grad_sums, delta_sums, neuron_sums = stats.result()
    loss = loss_sum / n
    divergence = _find_divergence(net, loss, epoch)
    if divergence is not None:
        net.set_params(start_W, start_b)
    return EpochResult(
        loss=loss,
        grad_norms=grad_sums / len(slices),
        delta_norms=delta_sums / n,
        neuron_delta=[a / n for a in neuron_sums],
        n_updates=len(slices),
        divergence=divergence,
    )


class _EpochStats:
    """Per layer, Σ over updates of ‖∂L/∂W^(l)‖, Σ over samples of ‖δ^(l)‖ and of |δ_i^(l)|.

    Cheap per mini-batch: gradient norms are one dot product each; the deltas (fresh arrays,
    never changed later) are only kept until about `MAX_FLOATS` values are held, then every
    layer's are joined and summed at once with matrix-vector products.
    """

    MAX_FLOATS = 1 << 20

    def __init__(self, widths: list[int]) -> None:
        self.row_floats = sum(widths)
        self.grad_sum = [0.0] * len(widths)
        self.pending: list[list[Array]] = []
        self.rows = 0
        self.norm_sum = np.zeros(len(widths))
        self.abs_sum = [np.zeros(k) for k in widths]
        self.unit_ones = [np.ones(k) for k in widths]

    def add(self, back: Backward) -> None:
        for l, g in enumerate(back.dW):
            self.grad_sum[l] += math.sqrt(np.vdot(g, g))
        self.pending.append(back.delta)
        self.rows += back.delta[0].shape[0]
        if self.rows * self.row_floats >= self.MAX_FLOATS:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        ones = np.ones(self.rows)
        for l, parts in enumerate(zip(*self.pending)):
            D = parts[0] if len(parts) == 1 else np.concatenate(parts)
            self.abs_sum[l] += ones @ np.abs(D)
            self.norm_sum[l] += ones @ np.sqrt((D * D) @ self.unit_ones[l])
        self.pending, self.rows = [], 0

    def result(self) -> tuple[Array, Array, list[Array]]:
        self._flush()
        return np.array(self.grad_sum), self.norm_sum, self.abs_sum


def _find_divergence(net: MLP, loss: float, epoch: int) -> Divergence | None:
    for l, (w, b) in enumerate(zip(net.W, net.b), start=1):
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            return Divergence(epoch, f"the weights of layer {l} became infinite or NaN")
    if not np.isfinite(loss):
        return Divergence(epoch, "the loss became infinite or NaN")
    return None
