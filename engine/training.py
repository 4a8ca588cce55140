"""Training by gradient descent, epoch by epoch, with divergence detection."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.network import MLP
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
    Xs, Ys = X[order], Y[order]
    start_W, start_b = net.get_params()
    L = net.n_layers
    grad_sq = np.zeros(L)
    delta_sq = np.zeros(L)
    neuron_abs = [np.zeros(k) for k in net.sizes[1:]]
    loss_sum = 0.0
    slices = batch_slices(n, batch_size)
    lossfn = net.lossfn
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for s in slices:
            fwd = net.forward(Xs[s])
            loss_sum += float(lossfn.per_sample(Ys[s], fwd.I[-1], fwd.O[-1]).sum())
            back = net.backward(fwd, Ys[s])
            for l in range(L):
                grad_sq[l] += np.sqrt((back.dW[l] ** 2).sum())
                delta_sq[l] += np.sqrt((back.delta[l] ** 2).sum(axis=1)).sum()
                neuron_abs[l] += np.abs(back.delta[l]).sum(axis=0)
            net.step(back.dW, back.db, lr)
    loss = loss_sum / n
    divergence = _find_divergence(net, loss, epoch)
    if divergence is not None:
        net.set_params(start_W, start_b)
    return EpochResult(
        loss=loss,
        grad_norms=grad_sq / len(slices),
        delta_norms=delta_sq / n,
        neuron_delta=[a / n for a in neuron_abs],
        n_updates=len(slices),
        divergence=divergence,
    )


def _find_divergence(net: MLP, loss: float, epoch: int) -> Divergence | None:
    for l, (w, b) in enumerate(zip(net.W, net.b), start=1):
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
            return Divergence(epoch, f"the weights of layer {l} became infinite or NaN")
    if not np.isfinite(loss):
        return Divergence(epoch, "the loss became infinite or NaN")
    return None
