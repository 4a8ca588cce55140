"""A training run: network, data, ξ, batch size, seeded shuffling and the history of every epoch."""

from __future__ import annotations

import numpy as np

from engine.datasets import Dataset
from engine.history import History
from engine.metrics import METRICS
from engine.network import MLP, flatten_params
from engine.training import Divergence, EpochResult, train_epoch


class Trainer:
    """Trains `net` on `data` epoch by epoch and records what happened in `history`.

    ξ (`lr`) and `batch_size` may change between epochs; `restart()` returns to the initial
    weights and the same shuffling seed, so a run can be replayed with other settings.
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
        self.Y_train = net.encode_targets(data.targets("train", loss))
        self.has_test = data.X_test.shape[0] > 0
        self.Y_test = net.encode_targets(data.targets("test", loss)) if self.has_test else None
        self.metric_name, self._metric = METRICS[data.task]
        self.initial = net.get_params()
        self._start()

    def _start(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.epoch = 0
        self.divergence: Divergence | None = None
        self.last: EpochResult | None = None
        self.history = History(self.net.sizes[1:], sum(w.size + b.size for w, b in zip(self.net.W, self.net.b)))
        L = self.net.n_layers
        nan = np.full(L, np.nan)
        self.history.record(0, self.evaluate(), nan, nan,
                            [np.full(k, np.nan) for k in self.net.sizes[1:]], self._flat())

    def _flat(self) -> np.ndarray:
        return flatten_params(self.net.W, self.net.b)

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
        """Train up to `epochs` epochs; stop early, keeping the last finite weights, on divergence."""
        results = []
        if self.divergence is not None:
            return results
        for _ in range(int(epochs)):
            result = train_epoch(self.net, self.data.X_train, self.Y_train, self.lr,
                                 self.batch_size, self.rng, epoch=self.epoch + 1)
            results.append(result)
            self.last = result
            if result.divergence is not None:
                self.divergence = result.divergence
                break
            self.epoch += 1
            scalars = self.evaluate()
            scalars["epoch_loss"] = result.loss
            self.history.record(self.epoch, scalars, result.grad_norms, result.delta_norms,
                                result.neuron_delta, self._flat())
        return results
