"""A run's record: everything needed to replay it exactly from its start.

A run is its initial weights, its shuffling seed and, in order, what was done to it: epochs
trained under some settings (ξ, batch size, penalty, λ may change mid-run), one-sample updates
applied by hand, and parameters set by hand. Replaying those operations from the initial weights
and a fresh generator gives the same weights bit for bit, because every operation is
deterministic given the weights and the generator's state.

Checkpoints (weights and generator state at evenly spaced positions) are kept so that any point of
the run can be reached by replaying from the nearest checkpoint instead of from the start; their
number is bounded (the spacing doubles when the store is full), so memory stays bounded however
long a run goes, and reaching any point replays fewer than 2 · length / capacity operations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

Array = np.ndarray
Params = tuple[tuple[Array, ...], tuple[Array, ...]]

CHECKPOINT_FLOATS = 600_000  # parameters kept in checkpoints at most (4.8 MB of float64)
MAX_CHECKPOINTS = 400


@dataclass(frozen=True)
class Settings:
    """The training settings in force for an epoch: ξ, batch size (None: full batch), penalty, λ."""

    lr: float
    batch_size: int | None
    reg: str = "none"
    lam: float = 0.0


@dataclass(frozen=True)
class Epochs:
    """`count` consecutive epochs trained with `settings`."""

    count: int
    settings: Settings


@dataclass(frozen=True)
class SampleStep:
    """One per-sample update w ← w − ξ ∂L/∂w on training sample `index`, applied between epochs."""

    index: int
    lr: float


@dataclass(frozen=True, eq=False)
class SetParams:
    """Parameters set by hand (an edited weight, say), between epochs."""

    W: tuple[Array, ...]
    b: tuple[Array, ...]


Operation = Epochs | SampleStep | SetParams


@dataclass(frozen=True)
class Checkpoint:
    """The run's state after its first `position` operations: epoch, parameters and generator state."""

    epoch: int
    position: int
    W: tuple[Array, ...]
    b: tuple[Array, ...]
    rng_state: dict


def frozen_params(W: list[Array], b: list[Array]) -> Params:
    """Read-only copies of (W, b), safe to keep in a record."""
    def freeze(a: Array) -> Array:
        c = np.array(a, dtype=np.float64)
        c.flags.writeable = False
        return c
    return tuple(freeze(w) for w in W), tuple(freeze(v) for v in b)


@dataclass
class RunRecord:
    """Initial weights, shuffling seed, the settings at the start, the operations in order, and
    bounded checkpoints."""

    initial: Params
    seed: int
    settings: Settings
    operations: list[Operation] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    epoch: int = 0
    stride: int = 1  # checkpoints are kept at positions that are multiples of this

    @property
    def n_params(self) -> int:
        return sum(w.size for w in self.initial[0]) + sum(v.size for v in self.initial[1])

    @property
    def capacity(self) -> int:
        """How many checkpoints are kept at most (fewer for larger networks)."""
        return max(2, min(MAX_CHECKPOINTS, CHECKPOINT_FLOATS // max(1, self.n_params)))

    def add_epoch(self, settings: Settings) -> None:
        """One more epoch trained with `settings` (joined to the last entry when its settings match)."""
        last = self.operations[-1] if self.operations else None
        if isinstance(last, Epochs) and last.settings == settings:
            self.operations[-1] = Epochs(last.count + 1, settings)
        else:
            self.operations.append(Epochs(1, settings))
        self.epoch += 1

    def add(self, operation: SampleStep | SetParams) -> None:
        """An operation between epochs."""
        self.operations.append(operation)

    def clear(self) -> None:
        """Back to the start: no operations, no checkpoints."""
        self.operations.clear()
        self.checkpoints.clear()
        self.epoch = 0
        self.stride = 1

    def keep_checkpoint(self, W: list[Array], b: list[Array], rng: np.random.Generator) -> None:
        """Remember the current state if its position is a multiple of the stride; when the store is
        full, the stride doubles and the checkpoints off the new stride are dropped."""
        position = self.position
        if position % self.stride:
            return
        if len(self.checkpoints) >= self.capacity:
            self.stride *= 2
            self.checkpoints[:] = [c for c in self.checkpoints if c.position % self.stride == 0]
            if position % self.stride:
                return
        W_, b_ = frozen_params(W, b)
        self.checkpoints.append(Checkpoint(self.epoch, position, W_, b_, rng.bit_generator.state))

    @property
    def position(self) -> int:
        """A count of operations done so far (epochs counted one by one)."""
        return sum(op.count if isinstance(op, Epochs) else 1 for op in self.operations)

    def operations_between(self, start: int, stop: int) -> list[Operation]:
        """The operations from position `start` to `stop` (an `Epochs` entry cut where needed)."""
        out: list[Operation] = []
        done = 0
        for op in self.operations:
            size = op.count if isinstance(op, Epochs) else 1
            lo, hi = max(done, start), min(done + size, stop)
            if lo < hi:
                out.append(Epochs(hi - lo, op.settings) if isinstance(op, Epochs) else op)
            done += size
        return out

    def position_after_epoch(self, epoch: int) -> int:
        """The position at the end of epoch `epoch`: after its training and the operations done at it
        (sample steps, edits) before the next epoch started."""
        done = trained = 0
        for op in self.operations:
            if isinstance(op, Epochs):
                if trained + op.count > epoch:
                    return done + epoch - trained
                trained += op.count
                done += op.count
            else:
                done += 1
        return done

    def until(self, position: int, epoch: int) -> RunRecord:
        """A copy of this record cut after its first `position` operations (at epoch `epoch`)."""
        return RunRecord(self.initial, self.seed, self.settings, self.operations_between(0, position),
                         [c for c in self.checkpoints if c.position <= position], epoch, self.stride)

    def start_for(self, position: int) -> Checkpoint:
        """The latest checkpoint at or before `position` (the first one is kept for ever)."""
        return max((c for c in self.checkpoints if c.position <= position), key=lambda c: c.position)

    @property
    def nbytes(self) -> int:
        arrays = sum(a.nbytes for c in self.checkpoints for a in (*c.W, *c.b))
        edits = sum(a.nbytes for op in self.operations if isinstance(op, SetParams) for a in (*op.W, *op.b))
        return arrays + edits
