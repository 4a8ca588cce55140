"""Training by gradient descent, epoch by epoch, with divergence detection, and the `Trainer`.

`train_epoch` is one pass over the data; a `Trainer` runs epochs on a network and a data set,
records every epoch in its `History` and every operation in its `RunRecord`, so that the run can
be replayed exactly.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np

from engine.datasets import Dataset
from engine.history import History
from engine.metrics import METRICS
from engine.network import MLP, Backward, Forward, GradientBuffer
from engine.record import Checkpoint, Epochs, Operation, RunRecord, SampleStep, SetParams, Settings, frozen_params
from engine.step import Step, compute_step
from engine.validation import int_in_range, positive_number

Array = np.ndarray

MAX_BATCH = 10**9
LOWER_LR_ADVICE = ("lower the learning rate ξ (try a tenth of it) to train on from the last finite weights, "
                   "or reset or restart")


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
    carries a `Divergence` record. Every argument is validated (a `Trainer` validates its data
    once, when it is built, and skips this).
    """
    lr = positive_number("lr (ξ)", lr)
    X, Y = net.check_data(X, Y)
    if batch_size is not None:
        int_in_range("batch_size", batch_size, 1, MAX_BATCH)
    rng = rng if rng is not None else np.random.default_rng(net.seed)
    return _train_epoch(net, X, Y, lr, batch_size, rng, epoch)


def _train_epoch(
    net: MLP, X: Array, Y: Array, lr: float, batch_size: int | None, rng: np.random.Generator, epoch: int,
    start: Array | None = None,
) -> EpochResult:
    """`train_epoch` on validated arguments: X and encoded Y as float arrays with as many rows.

    `start`, when given, is a copy of `net.params` the caller already made (restored on divergence).
    """
    n = X.shape[0]
    order = rng.permutation(n)
    Xs, Ys = X.take(order, axis=0), Y.take(order, axis=0)
    start = net.params.copy() if start is None else start
    buffer = net.gradient_buffer()  # each batch's gradient is used up before the next is computed
    stats = _EpochStats(net, Ys, buffer)
    slices = batch_slices(n, batch_size)
    rate = np.array(lr, dtype=np.float64)  # 0-d: the same floats as lr, without a conversion per update
    trained, trained_grad = net.trained_views(buffer[0])  # `net.descend`, its views taken once
    forward, backward, add = net.forward, net.backward, stats.add
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for s in slices:
            fwd = forward(Xs[s])
            add(fwd, backward(fwd, Ys[s], buffer))
            trained -= rate * trained_grad
        loss_sum, grad_sums, delta_sums, neuron_sums = stats.result()
    loss = loss_sum / n
    divergence = _find_divergence(net, loss, epoch)
    if divergence is not None:
        net.params[:] = start
    return EpochResult(
        loss=loss,
        grad_norms=grad_sums / len(slices),
        delta_norms=delta_sums / n,
        neuron_delta=[a / n for a in neuron_sums],
        n_updates=len(slices),
        divergence=divergence,
    )


class _EpochStats:
    """An epoch's loss sum and, per layer, Σ over updates of ‖∂L/∂W^(l)‖ and Σ over samples of ‖δ^(l)‖
    and of |δ_i^(l)|.

    Per mini-batch only the gradient norms are taken (one dot product each, on flat views of the
    gradient buffer the epoch's batches write into); the output layer's I and O and the deltas
    (fresh arrays, never changed later) are kept until about `MAX_FLOATS` values are held, then
    reduced together: the loss in one call of the loss function, sums over samples as
    matrix-vector products.
    """

    MAX_FLOATS = 1 << 20

    def __init__(self, net: MLP, Y: Array, buffer: GradientBuffer) -> None:
        widths = net.sizes[1:]
        self.per_sample = net.lossfn.per_sample
        self.Y = Y  # the epoch's targets in the order the batches take them
        self.weight_grads = [g.reshape(-1) for g in buffer[1]]
        self.done = 0  # rows already reduced
        self.held = 0  # floats held
        self.row_floats = sum(widths) + 2 * widths[-1]
        self.ones = np.ones(max(Y.shape[0], *widths))
        self.pending: list[tuple[Array, Array, list[Array]]] = []
        self.loss_sum = 0.0
        self.grad_sum = [0.0] * len(widths)
        self.norm_sum = [0.0] * len(widths)
        self.abs_sum: list[Array] = []

    def add(self, fwd: Forward, back: Backward) -> None:
        """Take the batch's gradient norms now and keep what the rest of the statistics need."""
        grad_sum, dot, sqrt = self.grad_sum, np.dot, math.sqrt
        for l, g in enumerate(self.weight_grads):
            grad_sum[l] += sqrt(dot(g, g))
        delta = back.delta
        self.pending.append((fwd.I[-1], fwd.O[-1], delta))
        self.held += delta[0].shape[0] * self.row_floats
        if self.held >= self.MAX_FLOATS:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        I, O, *deltas = (_joined(parts) for parts in zip(*((i, o, *d) for i, o, d in self.pending)))
        rows, ones = I.shape[0], self.ones
        Y = self.Y[self.done : self.done + rows]
        self.loss_sum += float(np.add.reduce(self.per_sample(Y, I, O)))
        column = ones[:rows]
        sums = [column @ np.abs(D) for D in deltas]
        self.abs_sum = [a + b for a, b in zip(self.abs_sum, sums)] if self.abs_sum else sums
        for l, D in enumerate(deltas):
            self.norm_sum[l] += float(column @ np.sqrt((D * D) @ ones[: D.shape[1]]))
        self.done += rows
        self.pending, self.held = [], 0

    def result(self) -> tuple[float, Array, Array, list[Array]]:
        """The loss sum, the per-layer sums of gradient and δ norms, and Σ|δ_i| of every unit."""
        self._flush()
        return self.loss_sum, np.array(self.grad_sum), np.array(self.norm_sum), self.abs_sum


def _joined(parts: tuple[Array, ...]) -> Array:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _find_divergence(net: MLP, loss: float, epoch: int) -> Divergence | None:
    if not np.isfinite(net.params).all():
        for l, (w, b) in enumerate(zip(net.W, net.b), start=1):
            if not (np.isfinite(w).all() and np.isfinite(b).all()):
                return Divergence(epoch, f"the weights of layer {l} became infinite or NaN")
    if not np.isfinite(loss):
        return Divergence(epoch, "the loss became infinite or NaN")
    return None


def _loss_divergence(scalars: dict[str, float], epoch: int) -> Divergence | None:
    """A divergence if the evaluated train or test loss (or the penalty) of finite weights is not finite."""
    for name in ("train_loss", "test_loss", "penalty"):
        if not np.isfinite(scalars.get(name, 0.0)):
            return Divergence(epoch, f"the {name.replace('_', ' ')} became infinite or NaN")
    return None


def _sample_update(net: MLP, x: Array, y: Array, lr: float) -> Step:
    """Apply one sample's update w ← w − ξ ∂L/∂w to `net`; ValueError (nothing changed) if it is not finite."""
    step = compute_step(net, x, y, lr)
    if not step.finite:
        raise ValueError("this step would make the weights or the loss infinite; nothing was changed "
                         "(lower the learning rate ξ)")
    net.set_params(step.W_after, step.b_after)
    return step


class Trainer:
    """Trains `net` on `data` epoch by epoch and records what happened in `history` and `record`.

    ξ (`lr`) and `batch_size` (and the network's penalty) may change between epochs; a sample's
    update or new parameters may be applied between them. `restart()` returns to the initial
    weights and the same shuffling seed; `replay()` recomputes the run from its record. The data
    is validated once, here, and ξ and the batch size whenever they are set, so epochs train
    without checking them again.
    """

    def __init__(
        self, net: MLP, data: Dataset, lr: float = 0.1, batch_size: int | None = 10, seed: int = 0
    ) -> None:
        if data.n_inputs != net.sizes[0]:
            raise ValueError(f"the network takes {net.sizes[0]} inputs (sizes[0]) but the data set has "
                             f"{data.n_inputs} input features; build it with sizes[0] = {data.n_inputs}")
        self.net = net
        self.data = data
        self.lr = lr
        self.batch_size = batch_size
        self.seed = seed
        loss = net.loss_name
        self.Y_train = net.check_data(data.X_train, data.targets("train", loss))[1]
        self.has_test = data.X_test.shape[0] > 0
        self.Y_test = net.check_data(data.X_test, data.targets("test", loss))[1] if self.has_test else None
        self.metric_name, self._metric = METRICS[data.task]
        self.initial = frozen_params(*net.get_params())
        self._start()

    def _start(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.epoch = 0
        self.divergence: Divergence | None = None
        self.last: EpochResult | None = None
        self.record = RunRecord(self.initial, self.seed, self.settings)
        self.history = History(self.net.sizes[1:], sum(w.size + b.size for w, b in zip(self.net.W, self.net.b)))
        self._record_row(self.evaluate())

    def _record_row(self, scalars: dict[str, float], result: EpochResult | None = None) -> None:
        """A history row for the current weights, and a checkpoint; NaN norms when no epoch was trained."""
        if result is None:
            nan = np.full(self.net.n_layers, np.nan)
            norms, neurons = (nan, nan), [np.full(k, np.nan) for k in self.net.sizes[1:]]
        else:
            norms, neurons = (result.grad_norms, result.delta_norms), result.neuron_delta
        self.history.record(self.epoch, scalars, *norms, neurons, self.net.params)
        self.record.keep_checkpoint(self.net.W, self.net.b, self.rng)

    @property
    def lr(self) -> float:
        """ξ, the learning rate of the next epochs."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = positive_number("learning rate ξ", value)

    @property
    def batch_size(self) -> int | None:
        """The mini-batch size of the next epochs; None is the full batch."""
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value: int | None) -> None:
        self._batch_size = None if value is None else int_in_range("batch size", value, 1, MAX_BATCH)

    @property
    def settings(self) -> Settings:
        """The settings the next epoch trains with."""
        return Settings(self.lr, self.batch_size, self.net.reg, self.net.lam)

    @settings.setter
    def settings(self, new: Settings) -> None:
        """New settings for the next epoch; a divergence holds only for the settings it happened with."""
        if new != self.settings:
            self.divergence = None
        self.net.set_regularization(new.reg, new.lam)
        self.lr, self.batch_size = new.lr, new.batch_size

    def restart(self) -> None:
        """Back to the initial weights, epoch 0 and the same shuffling sequence."""
        self.net.set_params(*[list(p) for p in self.initial])
        self._start()

    def evaluate(self) -> dict[str, float]:
        """Train and test loss and metric of the current weights, and the penalty."""
        net, data = self.net, self.data
        out = {"penalty": net.penalty()}
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            parts = [("train", data.X_train, self.Y_train, data.y_train)]
            if self.has_test:
                parts.append(("test", data.X_test, self.Y_test, data.y_test))
            for split, X, Y, raw in parts:
                fwd = net.forward(X)
                out[f"{split}_loss"] = float(net.lossfn.per_sample(Y, fwd.I[-1], fwd.O[-1]).mean())
                out[f"{split}_metric"] = self._metric(fwd.prediction, raw)
        return out

    def run(self, epochs: int = 1) -> list[EpochResult]:
        """Train up to `epochs` epochs; stop early on divergence, keeping the last finite weights
        (and the shuffling generator as it was before the failed epoch)."""
        results = []
        if self.divergence is not None:
            return results
        for _ in range(int(epochs)):
            before = self.rng.bit_generator.state
            settings = self.settings
            start = self.net.params.copy()  # one vector: W and b are views into it
            result = _train_epoch(self.net, self.data.X_train, self.Y_train, self.lr,
                                  self.batch_size, self.rng, self.epoch + 1, start)
            results.append(result)
            self.last = result
            scalars = self.evaluate() if result.divergence is None else {}
            divergence = result.divergence or _loss_divergence(scalars, self.epoch + 1)
            if divergence is not None:  # finite weights whose loss is not are no finite state either
                self.divergence = divergence
                self.net.params[:] = start
                self.rng.bit_generator.state = before
                break
            self.epoch += 1
            self.record.add_epoch(settings)
            scalars["epoch_loss"] = result.loss
            self._record_row(scalars, result)
        return results

    def apply_sample_step(self, index: int, lr: float | None = None) -> Step:
        """One per-sample update w ← w − ξ ∂L/∂w on training sample `index` (ξ: the run's by default).

        It completes no epoch (the epoch counter and the shuffling are untouched); the history
        gets a row at the current epoch with the losses after the step, this step's gradient and
        δ norms and the new parameters. Raises ValueError, changing nothing, for a bad index or a
        step that would make the weights non-finite.
        """
        n = self.data.X_train.shape[0]
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < n:
            raise ValueError(f"the sample must be a training-set index from 0 to {n - 1}, got {index!r}")
        lr = self.lr if lr is None else positive_number("learning rate ξ", lr)
        step = _sample_update(self.net, self.data.X_train[index], self.Y_train[index], lr)
        self.record.add(SampleStep(int(index), lr))
        norms = EpochResult(
            loss=step.loss_after, n_updates=1,
            grad_norms=np.array([np.sqrt((g**2).sum()) for g in step.dW]),
            delta_norms=np.array([np.sqrt((d**2).sum()) for d in step.delta]),
            neuron_delta=[np.abs(d) for d in step.delta],
        )
        self._record_row(self.evaluate(), norms)
        return step

    def set_params(self, W: list[Array], b: list[Array]) -> None:
        """New parameters by hand (between epochs): checked for shape and finiteness, then recorded."""
        trial = self.net.copy()
        trial.set_params(W, b)
        if not all(np.isfinite(p).all() for p in (*trial.W, *trial.b)):
            raise ValueError("every weight and bias must be a finite number; nothing was changed")
        self.net.set_params(trial.W, trial.b)
        self.record.add(SetParams(*frozen_params(trial.W, trial.b)))
        scalars = self.evaluate()
        self._record_row(scalars)
        self.history.mark_edit(self.epoch, scalars["train_loss"])

    def _apply(self, op: Operation) -> None:
        if isinstance(op, Epochs):
            self.settings = op.settings
            self.run(op.count)
        elif isinstance(op, SampleStep):
            self.apply_sample_step(op.index, op.lr)
        else:
            self.set_params(list(op.W), list(op.b))

    def fork(self) -> Trainer:
        """A trainer in exactly this one's state (weights, generator, epoch, history, record), on the
        same data: what it trains leaves this one alone (a step can be worked out before it is taken)."""
        twin = copy.copy(self)
        twin.net = self.net.copy()
        twin.rng = copy.deepcopy(self.rng)
        twin.history = self.history.until(self.epoch)
        twin.record = self.record.until(self.record.position, self.record.epoch)
        return twin

    def replay(self) -> Trainer:
        """A new trainer on the same data that redoes this run's record from the initial weights:
        the same weights, history and generator state, bit for bit. The current settings carry over."""
        net = self.net.copy()
        net.set_params(*[list(p) for p in self.initial])
        net.set_regularization(self.record.settings.reg, self.record.settings.lam)
        twin = Trainer(net, self.data, self.record.settings.lr, self.record.settings.batch_size, self.seed)
        for op in list(self.record.operations):
            twin._apply(op)
        twin.settings = self.settings
        return twin

    def _twin_at(self, start: Checkpoint, position: int) -> Trainer:
        """A new trainer on the same data, from checkpoint `start`, that redoes the operations up to `position`."""
        net = self.net.copy()
        net.set_params(list(start.W), list(start.b))
        twin = Trainer(net, self.data, self.lr, self.batch_size, self.seed)
        twin.initial = self.initial
        twin.rng.bit_generator.state = start.rng_state
        twin.epoch = start.epoch
        for op in self.record.operations_between(start.position, position):
            twin._apply(op)
        return twin

    def state_at(self, position: int) -> Checkpoint:
        """The parameters and generator state after the run's first `position` operations (epochs
        counted one by one), recomputed exactly from the nearest checkpoint; the run is not changed."""
        position = int_in_range("position", position, 0, self.record.position)
        twin = self._twin_at(self.record.start_for(position), position)
        return Checkpoint(twin.epoch, position, *frozen_params(twin.net.W, twin.net.b), twin.rng.bit_generator.state)

    def at_epoch(self, epoch: int) -> Trainer:
        """A new trainer as this run was at the end of epoch `epoch` (see `RunRecord.position_after_epoch`):
        weights, generator, record and history up to there, and its last epoch's result, recomputed
        exactly from the checkpoint before that epoch; the current settings carry over. This run is
        not changed."""
        epoch = int_in_range("epoch", epoch, 0, self.epoch)
        position = self.record.position_after_epoch(epoch)
        before = self.record.position_after_epoch(epoch - 1) if epoch else position  # epoch's training starts
        twin = self._twin_at(self.record.start_for(before), position)
        twin.record = self.record.until(position, epoch)
        twin.history = self.history.until(epoch)
        twin.settings = self.settings
        twin.divergence = None
        return twin
