"""Several runs from one start: configurations as changes from a base, shared data and weights.

A `Comparison` trains each `Variant` (a label and a few changes to a base `RunConfig`) on the
same `Dataset` object, with the same shuffling seed and, layer by layer, the same initial weights
wherever the layer has the same shape and the same initialisation scheme. A run whose shapes
differ (other hidden sizes, or J = 2 outputs for cross-entropy on two classes) says which layers
it could not share, and why.

Also here: the epoch at which a run first reaches a target, a log grid of learning rates ξ, and
the health of the hidden units (saturated units with A′ < 0.01, dead ReLUs).

Pure numpy: usable from a notebook and from the tests without streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from engine.activations import ACTIVATIONS
from engine.datasets import Dataset
from engine.history import History
from engine.network import MLP
from engine.run_config import RunConfig
from engine.training import Trainer
from engine.validation import int_in_range, positive_number

Array = np.ndarray

MAX_RUNS = 12
SATURATION = 0.01  # a unit is saturated on a point when A′(I) < this


@dataclass(frozen=True)
class Variant:
    """One run of a comparison: a label and its changes to the base configuration."""

    label: str
    changes: Mapping[str, object] = field(default_factory=dict)


@dataclass
class CompareRun:
    """A trained (or training) run: its configuration, trainer and where its weights came from.

    `shared_from[l]` names the run whose initial w^(l+1), b^(l+1) this run copied ("base" for the
    base network), or is None when this run drew that layer itself.
    """

    label: str
    config: RunConfig
    trainer: Trainer
    shared_from: list[str | None]
    note: str

    @property
    def net(self) -> MLP:
        return self.trainer.net

    @property
    def history(self) -> History:
        return self.trainer.history

    @property
    def epoch(self) -> int:
        return self.trainer.epoch

    @property
    def diverged(self) -> bool:
        return self.trainer.divergence is not None

    @property
    def fully_shared(self) -> bool:
        return all(s is not None for s in self.shared_from)


@dataclass(frozen=True)
class Summary:
    """One row of the comparison table."""

    label: str
    epoch: int
    epochs_to_target: int | None
    train_loss: float
    test_loss: float
    train_metric: float
    test_metric: float
    diverged_at: int | None


class Comparison:
    """Runs built from `base` + each variant's changes on one data set, trained side by side.

    `initial` (W, b) optionally fixes the base network's initial weights (e.g. the Playground's);
    otherwise the base network draws them from its seed. Raises ValueError naming the run when a
    variant is not a valid configuration for the data.
    """

    def __init__(
        self,
        base: RunConfig,
        data: Dataset,
        variants: Sequence[Variant],
        initial: tuple[list[Array], list[Array]] | None = None,
    ) -> None:
        if not 1 <= len(variants) <= MAX_RUNS:
            raise ValueError(f"a comparison holds 1 to {MAX_RUNS} runs, got {len(variants)}")
        self.base = base.checked()
        self.data = data
        pool: dict[tuple, tuple[str, Array, Array]] = {}
        base_net = self.base.network(data)
        if initial is not None:
            base_net.set_params(*initial)
        _register(pool, "base", self.base, base_net)
        self.runs: list[CompareRun] = []
        for k, variant in enumerate(variants, start=1):
            label = str(variant.label).strip() or f"run {k}"
            try:
                config = self.base.with_changes(variant.changes)
                net = config.network(data)
            except ValueError as err:
                raise ValueError(f"{label}: {err}") from None
            shared = _share(pool, label, config, net)
            trainer = config.build(data, initial=net.get_params())
            self.runs.append(CompareRun(label, config, trainer, shared, _sharing_note(config, self.base, shared, data)))
        for run in self.runs:
            users = [r.label for r in self.runs if run.label in r.shared_from]
            if users:
                run.note += f"; copied by {', '.join(users)}"

    @property
    def epoch(self) -> int:
        """The epoch every run that has not diverged has reached."""
        alive = [r.epoch for r in self.runs if not r.diverged]
        return min(alive) if alive else max(r.epoch for r in self.runs)

    @property
    def all_diverged(self) -> bool:
        return all(r.diverged for r in self.runs)

    def start_groups(self) -> list[list[str]]:
        """The runs grouped by identical initial weights (compared exactly), largest group first."""
        groups: list[list[CompareRun]] = []
        for run in self.runs:
            for group in groups:
                if _same_params(group[0].trainer.initial, run.trainer.initial):
                    group.append(run)
                    break
            else:
                groups.append([run])
        return sorted(([r.label for r in g] for g in groups), key=len, reverse=True)

    def train(self, epochs: int) -> None:
        """Train every run `epochs` more epochs (a diverged run stays where it stopped)."""
        for run in self.runs:
            run.trainer.run(epochs)

    def summaries(self, target: float) -> list[Summary]:
        """Per run: epochs until the train metric first reached `target`, and the final values."""
        rows = []
        for run in self.runs:
            h = run.history
            div = run.trainer.divergence
            rows.append(Summary(
                run.label, run.epoch, epochs_to_target(h, target),
                _last(h, "train_loss"), _last(h, "test_loss"),
                _last(h, "train_metric"), _last(h, "test_metric"),
                None if div is None else div.epoch,
            ))
        return rows

    def unit_health(self) -> list[tuple[list[LayerHealth], list[LayerHealth]]]:
        """Per run: the hidden layers' health with the initial weights and with the current ones."""
        out = []
        X = self.data.X_train
        for run in self.runs:
            start = run.net.copy()
            start.set_params(*[list(p) for p in run.trainer.initial])
            out.append((unit_health(start, X), unit_health(run.net, X)))
        return out


def _same_params(a: tuple[list[Array], list[Array]], b: tuple[list[Array], list[Array]]) -> bool:
    pairs = list(zip(a[0], b[0])) + list(zip(a[1], b[1]))
    return len(a[0]) == len(b[0]) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in pairs)


def _register(pool: dict, label: str, config: RunConfig, net: MLP) -> None:
    for l, (w, b) in enumerate(zip(net.W, net.b)):
        pool.setdefault((l, w.shape, config.init, config.bias), (label, w.copy(), b.copy()))


def _share(pool: dict, label: str, config: RunConfig, net: MLP) -> list[str | None]:
    """Copy every layer whose (index, shape, init) an earlier run has; register the rest."""
    shared: list[str | None] = []
    W, b = net.get_params()
    for l in range(net.n_layers):
        key = (l, W[l].shape, config.init, config.bias)
        if key in pool:
            source, w0, b0 = pool[key]
            W[l], b[l] = w0.copy(), b0.copy()
            shared.append(source)
        else:
            pool[key] = (label, W[l].copy(), b[l].copy())
            shared.append(None)
    net.set_params(W, b)
    return shared


def _sharing_note(config: RunConfig, base: RunConfig, shared: list[str | None], data: Dataset) -> str:
    """One line: where this run's initial weights come from, and why a layer could not be shared."""
    sources = sorted({s for s in shared if s is not None})
    if all(s is not None for s in shared):
        return "same as " + " and ".join(sources)
    if config.init != base.init and not sources:
        return f"own draw by '{config.init}' (the setting under test)"
    reasons = []
    if config.hidden_sizes != base.hidden_sizes:
        reasons.append("other hidden sizes H")
    if config.n_outputs(data) != base.n_outputs(data):
        reasons.append(f"J = {config.n_outputs(data)} outputs")
    why = " and ".join(reasons) or "other layer shapes"
    own = ", ".join(f"w^({l + 1})" for l, s in enumerate(shared) if s is None)
    if sources:
        return f"{own} drawn fresh ({why}); the rest as {' and '.join(sources)}"
    return f"own draw ({why})"


def _last(history: History, column: str) -> float:
    values = history.column(column)
    return float(values[-1]) if len(values) else float("nan")


def epochs_to_target(history: History, target: float, column: str = "train_metric") -> int | None:
    """The first recorded epoch whose `column` is ≥ `target`, or None if it never was."""
    values = history.column(column)
    hit = np.flatnonzero(values >= target)
    return int(history.epochs[hit[0]]) if hit.size else None


def log_grid(low: float, high: float, k: int) -> list[float]:
    """k learning rates ξ evenly spaced in log10 from `low` to `high`, rounded to 3 digits."""
    low = positive_number("lowest ξ", low)
    high = positive_number("highest ξ", high)
    k = int_in_range("number of ξ values K", k, 2, MAX_RUNS)
    if high <= low:
        raise ValueError(f"the highest ξ ({high:g}) must be above the lowest ({low:g})")
    return [float(f"{x:.3g}") for x in np.logspace(np.log10(low), np.log10(high), k)]


def lr_sweep_variants(lrs: Iterable[float]) -> list[Variant]:
    """One variant per ξ: the whole sweep starts from one initialisation."""
    return [Variant(f"ξ = {lr:g}", {"lr": float(lr)}) for lr in lrs]


@dataclass(frozen=True)
class LayerHealth:
    """One hidden layer: share of (point, unit) pairs with A′ < 0.01, and of dead units.

    `dead` is for ReLU-like layers: units whose I ≤ 0 on every point, so they pass no gradient
    (None for other activations).
    """

    saturated: float
    dead: float | None


def unit_health(net: MLP, X: Array) -> list[LayerHealth]:
    """The health of each hidden layer of `net` on the inputs X."""
    fwd = net.forward(X)
    act = ACTIVATIONS[net.hidden]
    out = []
    for I, O in zip(fwd.I[:-1], fwd.O[:-1]):
        saturated = float((act.derivative(I, O) < SATURATION).mean())
        dead = float(np.all(I <= 0, axis=0).mean()) if net.hidden in ("relu", "leaky_relu") else None
        out.append(LayerHealth(saturated, dead))
    return out
