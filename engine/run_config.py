"""The configuration of one run, and the one place a network and its trainer are built from it.

A `RunConfig` holds everything that defines a run besides its data; `build` turns it and a data
set into a `Trainer` at epoch 0. The Playground and Compare both build their runs here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_UNITS
from engine.datasets import Dataset
from engine.losses import LOSSES
from engine.network import INITS, MAX_HIDDEN_LAYERS, MAX_UNITS, MLP, REGULARIZERS
from engine.record import Settings
from engine.training import Trainer
from engine.validation import choice, int_in_range, positive_number

Params = tuple[Sequence[np.ndarray], Sequence[np.ndarray]]

TASK_LABELS = {"binary": "two-class", "multiclass": "multi-class", "regression": "regression"}
# Reset draws other initial weights for the same seed: draw k uses seed + DRAW_SEED_STRIDE · k
# (mod 2³²). The stride is an arbitrary prime (the 1000th); it is fixed because shared links and
# saved runs name (seed, draw) and must keep drawing the same weights.
DRAW_SEED_STRIDE = 7919


def draw_seed(seed: int, draw: int) -> int:
    """The seed of the initial weights for draw number `draw` of `seed`."""
    return (int(seed) + DRAW_SEED_STRIDE * int(draw)) % 2**32


def losses_for(task: str) -> tuple[str, ...]:
    """The losses that suit a task, the natural one first (bce, ce or squared)."""
    return tuple(name for name, loss in LOSSES.items() if task in loss.tasks)


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines one run besides its data: network, loss, ξ, batch, penalty, seed.

    `batch_size` None is the full batch; `seed` draws the initial weights and the shuffling.
    """

    hidden_sizes: tuple[int, ...] = (4,)
    hidden: str = "sigmoid"
    output: str = "sigmoid"
    loss: str = "bce"
    lr: float = 0.5
    batch_size: int | None = 10
    init: str = "xavier"
    reg: str = "none"
    lam: float = 0.0
    bias: bool = True
    seed: int = 0

    def checked(self) -> RunConfig:
        """This configuration with every field validated (ValueError naming the field)."""
        sizes = tuple(self.hidden_sizes)
        if len(sizes) > MAX_HIDDEN_LAYERS:
            raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(sizes)}")
        for k, n in enumerate(sizes, start=1):
            int_in_range(f"units H in hidden layer {k}", n, 1, MAX_UNITS)
        choice("hidden activation", self.hidden, HIDDEN_ACTIVATIONS)
        choice("output unit", self.output, OUTPUT_UNITS)
        choice("loss", self.loss, LOSSES)
        choice("init", self.init, INITS)
        choice("regularization", self.reg, REGULARIZERS)
        if self.batch_size is not None:
            int_in_range("batch size", self.batch_size, 1, 10**6)
        return replace(self, hidden_sizes=tuple(int(n) for n in sizes),
                       lr=positive_number("learning rate ξ", self.lr),
                       lam=positive_number("λ", self.lam, allow_zero=True),
                       seed=int_in_range("seed", self.seed, 0, 2**32 - 1))

    def with_changes(self, changes: Mapping[str, object]) -> RunConfig:
        """A copy with `changes` applied. A new loss brings its own output unit (bce → sigmoid,
        ce → softmax) unless the output is changed too or the current one still fits."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}; choose from {', '.join(sorted(known))}")
        new = dict(changes)
        if "hidden_sizes" in new:
            new["hidden_sizes"] = tuple(new["hidden_sizes"])  # type: ignore[arg-type]
        loss = new.get("loss", self.loss)
        if "output" not in new and loss in LOSSES and self.output not in LOSSES[loss].outputs:
            new["output"] = LOSSES[loss].matched_output
        return replace(self, **new).checked()  # type: ignore[arg-type]

    def n_outputs(self, data: Dataset) -> int:
        """J: the data's outputs, or 2 for cross-entropy on a two-class task."""
        return 2 if (data.task == "binary" and self.loss == "ce") else data.n_outputs

    def sizes(self, data: Dataset) -> list[int]:
        return [data.n_inputs, *self.hidden_sizes, self.n_outputs(data)]

    def check_task(self, data: Dataset) -> None:
        """Raise a ValueError saying what to pick when the loss does not suit the data's task."""
        if data.task not in LOSSES[self.loss].tasks:
            fits = [loss.label.lower() for loss in LOSSES.values() if data.task in loss.tasks]
            raise ValueError(f"the {LOSSES[self.loss].label.lower()} loss does not suit a "
                             f"{TASK_LABELS[data.task]} data set; use {' or '.join(fits)}")

    @property
    def settings(self) -> Settings:
        """The training settings (ξ, batch size, penalty, λ), which may change during a run."""
        return Settings(self.lr, self.batch_size, self.reg, self.lam)

    def network(self, data: Dataset, draw: int = 0) -> MLP:
        """The network for `data` with initial weights of draw number `draw` for this seed."""
        self.check_task(data)
        return MLP(self.sizes(data), hidden=self.hidden, output=self.output, loss=self.loss,
                   bias=self.bias, init=self.init, seed=draw_seed(self.seed, draw), reg=self.reg, lam=self.lam)

    def build(self, data: Dataset, draw: int = 0, initial: Params | None = None) -> Trainer:
        """A trainer at epoch 0: the network (with `initial` (W, b) instead of its draw, if given),
        ξ, batch size and shuffling seed."""
        net = self.network(data, draw)
        if initial is not None:
            net.set_params(*[list(p) for p in initial])
        return Trainer(net, data, lr=self.lr, batch_size=self.batch_size, seed=self.seed)

    def changes_from(self, base: RunConfig) -> dict[str, object]:
        """The fields that differ from `base`."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) != getattr(base, f.name)}
