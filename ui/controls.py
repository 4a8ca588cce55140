"""The Playground's controls as one declarative table.

Each `Control` states its key, label, widget kind, default, allowed range or choices, help text
(with the lecture's symbol), and whether a change resets the network. Widgets, validation,
defaults and the shareable URL are generated from this table; limits live nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from engine.activations import ACTIVATIONS, OUTPUT_UNITS
from engine.datasets import (
    AUTO_CLASSES,
    CSV_TARGETS,
    DATASET_NAMES,
    FEATURES,
    MAX_CSV_CLASSES,
    MAX_NOISE,
    MAX_TEST_FRACTION,
    dataset_label,
)
from engine.losses import LOSSES
from engine.network import INITS, MAX_HIDDEN_LAYERS, REGULARIZERS
from engine.run_config import RunConfig, losses_for
from engine.validation import quoted
from ui import plain

MAX_UI_UNITS = 64
CSV_DATASET = "csv"
LR_CHOICES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0, 10.0)
LR_MIN, LR_MAX = 1e-4, 10.0
LAMBDA_CHOICES = (0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
BATCH_MODES = {"sample": "1 — per sample (the lecture's SGD)", "mini": "mini-batch of k",
               "full": "full batch"}
INIT_LABELS = {"xavier": "Xavier (Glorot)", "he": "He", "uniform": "uniform ±0.5", "zeros": "all zeros"}
REG_LABELS = {"none": "none", "l1": "L1: λ Σ|w|", "l2": "L2: (λ/2) Σ w²"}


@dataclass(frozen=True)
class Control:
    """One user setting: how it is shown, what it may hold, and what changing it does."""

    key: str
    label: str
    kind: str  # "select", "multi" (at least `low` choices, else 1), "int", "float", "bool", "lr"
    default: Any
    help: str
    section: str
    resets: bool = True
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    step: float | None = None
    labels: dict = field(default_factory=dict)

    def format(self, value: Any) -> str:
        return str(self.labels.get(value, value))

    def validate(self, value: Any) -> Any:
        """Return `value` coerced to this control's type, or raise ValueError saying what is allowed."""
        if self.kind == "select":
            if value not in self.choices:
                raise ValueError(f"{self.label}: {quoted(value)} is not one of {', '.join(map(str, self.choices))}")
            return value
        if self.kind == "multi":
            values = tuple(dict.fromkeys(value))  # each choice once, in the order given
            bad = [v for v in values if v not in self.choices]
            if bad:
                raise ValueError(f"{self.label}: {quoted(bad[0])} is not one of {', '.join(self.choices)}")
            if len(values) < (1 if self.low is None else self.low):
                raise ValueError(f"{self.label}: choose at least one of {', '.join(self.choices)}")
            return values
        if self.kind == "bool":
            return bool(value)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.label} must be a number, got {quoted(value)}") from None
        if not (self.low <= number <= self.high):
            raise ValueError(f"{self.label} must be from {self.low:g} to {self.high:g}, got {quoted(value)}")
        if self.kind == "int":
            if number != int(number):
                raise ValueError(f"{self.label} must be a whole number, got {quoted(value)}")
            return int(number)
        return number


def _activation_help() -> str:
    return "A for the hidden layers: " + ", ".join(
        f"{a.label} (A′ = {a.derivative_text})" for a in ACTIVATIONS.values()
    ) + ". Changing it starts a new network."


CONTROLS: tuple[Control, ...] = (
    # --- data -----------------------------------------------------------------------------------
    Control("dataset", "Data set", "select", "xor",
            "What the network learns. Changing it starts a new network.", "Data",
            choices=(*DATASET_NAMES, CSV_DATASET),
            labels={**{n: dataset_label(n) for n in DATASET_NAMES}, CSV_DATASET: "Your CSV (upload below)"}),
    Control("n_points", "Points", "int", 300, "How many points are generated (train + test). Resets.",
            "Data", low=20, high=2000, step=10),
    Control("noise", "Noise", "float", 0.1, "How far points are pushed from their clean position. Resets.",
            "Data", low=0.0, high=MAX_NOISE, step=0.05),
    Control("test_percent", "Test split (%)", "int", 30,
            "Share of points held out to measure the test loss. Resets.", "Data",
            low=0, high=int(MAX_TEST_FRACTION * 100), step=5),
    Control("features", "Input features", "multi", ("x1", "x2"),
            "What the input layer u^(1) receives, as in TensorFlow Playground. Resets.", "Data",
            choices=tuple(FEATURES)),
    Control("standardize", "Standardise inputs", "bool", True,
            "Shift and scale every input to mean 0, standard deviation 1 on the training set. Resets.",
            "Data"),
    Control("csv_target", "Your CSV's target (last column)", "select", "auto",
            f"Classes (at most {MAX_CSV_CLASSES}) or numbers to fit (regression); 'automatic' takes classes for "
            f"whole numbers with at most {AUTO_CLASSES} distinct values. Resets.", "Data", choices=CSV_TARGETS,
            labels={"auto": "automatic", "classes": "classes", "values": "numbers (regression)"}),
    # --- network --------------------------------------------------------------------------------
    Control("hidden", "Hidden activation A", "select", "sigmoid", _activation_help(), "Network",
            choices=tuple(ACTIVATIONS), labels={k: a.label for k, a in ACTIVATIONS.items()}),
    Control("loss", "Loss L", "select", "bce",
            "bce needs a sigmoid output y*, ce a softmax output; with squared loss you choose. Resets.",
            "Network", choices=tuple(LOSSES), labels={k: v.label for k, v in LOSSES.items()}),
    Control("output", "Output unit (squared loss)", "select", "sigmoid",
            "The output layer's activation when the loss is squared. Resets.", "Network",
            choices=tuple(OUTPUT_UNITS), labels={k: v.label for k, v in OUTPUT_UNITS.items()}),
    Control("n_layers", "Hidden layers", "int", 1,
            "How many hidden layers (0 gives the lecture's single layer). Resets.", "Network",
            low=0, high=MAX_HIDDEN_LAYERS, step=1),
    *(
        Control(f"units_{k}", f"Units H in layer {k}", "int", 4,
                f"How many units hidden layer {k} has. Resets.", "Network",
                low=1, high=MAX_UI_UNITS, step=1)
        for k in range(1, MAX_HIDDEN_LAYERS + 1)
    ),
    Control("bias", "Biases b", "bool", True,
            "Add a bias to every unit (the lecture leaves them out). Resets.", "Network"),
    Control("init", "Initial weights", "select", "xavier",
            "How w_ji^(l) are drawn at the start. 'all zeros' shows why symmetry must be broken. Resets.",
            "Network", choices=tuple(INITS), labels=INIT_LABELS),
    Control("seed", "Seed", "int", 0, "Seeds the data, the initial weights and the shuffling. Resets.",
            "Network", low=0, high=999_999, step=1),
    # --- training (a change keeps the network) ----------------------------------------------------
    Control("lr", "Learning rate ξ", "lr", 1.0,
            "ξ in w ← w − ξ ∂L/∂w: type a value from 0.0001 to 10 or pick one below. Keeps the network.",
            "Training", resets=False, choices=LR_CHOICES, low=LR_MIN, high=LR_MAX, step=0.05),
    Control("batch_mode", "Batch", "select", "mini",
            "Per sample: update after every point (the lecture's rule). Mini-batch: after k points, "
            "with the mean gradient. Full: once per epoch. Keeps the network.", "Training",
            resets=False, choices=tuple(BATCH_MODES), labels=BATCH_MODES),
    Control("batch_k", "Mini-batch size k", "int", 10, "Points per update in mini-batch mode. Keeps the network.",
            "Training", resets=False, low=2, high=500, step=1),
    Control("reg", "Regularization", "select", "none",
            "A penalty on the weights added to the loss (biases are not penalised). Keeps the network.",
            "Training", resets=False, choices=REGULARIZERS, labels=REG_LABELS),
    Control("lam", "λ", "select", 0.001, "The penalty's rate λ. Keeps the network.", "Training",
            resets=False, choices=LAMBDA_CHOICES),
    Control("steps", "N (epochs per 'Step N')", "int", 10, "How many epochs 'Step N epochs' trains.",
            "Run", resets=False, low=1, high=1000, step=1),
    Control("speed", "Play speed (epochs per frame)", "int", 2,
            "How many epochs each animation frame trains while playing.", "Run", resets=False,
            low=1, high=100, step=1),
    Control("max_epochs", "Stop at epoch (0 = never)", "int", 0,
            "Training pauses when this epoch is reached.", "Run", resets=False,
            low=0, high=100_000, step=100),
)

BY_KEY: dict[str, Control] = {c.key: c for c in CONTROLS}
SECTIONS = ("Data", "Network", "Training", "Run")


def defaults() -> dict[str, Any]:
    """Every control's default value."""
    return {c.key: c.default for c in CONTROLS}


def reset_keys() -> tuple[str, ...]:
    """The controls whose change starts a new network."""
    return tuple(c.key for c in CONTROLS if c.resets)


def validate(
    values: dict[str, Any], fallback: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Each value checked against its control; a bad one falls back (to `fallback`, else the
    default) and gets a message, keyed by control, saying what is allowed."""
    fallback = fallback or {}
    clean, problems = {}, {}
    for c in CONTROLS:
        try:
            clean[c.key] = c.validate(values.get(c.key, c.default))
        except ValueError as err:
            clean[c.key] = fallback.get(c.key, c.default)
            problems[c.key] = f"{err}; keeping {c.format(clean[c.key])}."
    return clean, problems


TASK_SQUARED_OUTPUTS = {"binary": ("sigmoid", "linear"), "multiclass": ("softmax", "sigmoid", "linear"),
                        "regression": ("linear",)}
TASK_ACCURACY_LABEL: dict[str, Callable[[float], str]] = {
    "binary": lambda v: f"{100 * v:.1f} %", "multiclass": lambda v: f"{100 * v:.1f} %",
    "regression": lambda v: plain.number(v, ".3f"),
}


def output_unit(task: str, loss: str, chosen: str) -> str:
    """The output unit y* implied by the loss (bce → sigmoid, ce → softmax; squared: the choice)."""
    if loss != "squared":
        return LOSSES[loss].matched_output
    allowed = TASK_SQUARED_OUTPUTS[task]
    return chosen if chosen in allowed else allowed[0]


def loss_for_task(task: str, chosen: str) -> str:
    """The chosen loss if it suits the task, else the task's natural loss."""
    allowed = losses_for(task)
    return chosen if chosen in allowed else allowed[0]


def run_config(values: dict[str, Any], task: str) -> RunConfig:
    """The validated control values as the engine's configuration for data of this task.

    A control named like a `RunConfig` field is taken as it is; the others are derived here
    (the loss and output unit the task allows, the hidden sizes, the batch size, λ only with a penalty).
    """
    loss = loss_for_task(task, values["loss"])
    derived = {
        "loss": loss, "output": output_unit(task, loss, values["output"]),
        "hidden_sizes": tuple(hidden_sizes(values)), "batch_size": batch_size(values),
        "lam": float(values["lam"]) if values["reg"] != "none" else 0.0,
    }
    direct = {f.name: values[f.name] for f in fields(RunConfig) if f.name in values and f.name not in derived}
    return RunConfig(**direct, **derived)


def hidden_sizes(values: dict[str, Any]) -> list[int]:
    """H per hidden layer, from the layer count and the per-layer unit controls."""
    return [values[f"units_{k}"] for k in range(1, values["n_layers"] + 1)]


def batch_size(values: dict[str, Any]) -> int | None:
    """1, k or None (full batch) from the batch mode."""
    return {"sample": 1, "mini": values["batch_k"], "full": None}[values["batch_mode"]]


# --- links: versioned, so a link keeps its meaning when a default above changes ----------------------
# A link writes `v` and every control value that differs from its version's defaults; a link without `v`
# is version 1. Each version's table is frozen: changing a default above means adding version 2 here
# with the new defaults (a test checks that the current version's table equals the defaults). A
# control added later is missing from older tables and takes its default, which must keep the old
# behaviour.
LINK_VERSION = 1
LINK_DEFAULTS: dict[int, MappingProxyType] = {
    1: MappingProxyType({
        "dataset": "xor", "n_points": 300, "noise": 0.1, "test_percent": 30, "features": ("x1", "x2"),
        "standardize": True, "csv_target": "auto", "hidden": "sigmoid", "loss": "bce", "output": "sigmoid",
        "n_layers": 1, "units_1": 4, "units_2": 4, "units_3": 4, "units_4": 4, "units_5": 4, "units_6": 4,
        "bias": True, "init": "xavier", "seed": 0, "lr": 1.0, "batch_mode": "mini", "batch_k": 10,
        "reg": "none", "lam": 0.001, "steps": 10, "speed": 2, "max_epochs": 0,
    }),
}
# the link's own flags, checked like the controls: its version, the controls a classroom link shows
# (the others are hidden and fixed at the link's values; a control added later is hidden too, at its
# default), and the presenter layout
LINK_FLAGS: tuple[Control, ...] = (
    Control("v", "Link version", "select", 1, "The version of the link format.", "Link", resets=False,
            choices=tuple(LINK_DEFAULTS)),
    Control("show", "Controls shown", "multi", tuple(BY_KEY),
            "The controls a classroom link shows; the others are hidden, fixed at the link's values.", "Link",
            resets=False, choices=tuple(BY_KEY), low=0, labels={tuple(BY_KEY): "all", (): "none"}),
    Control("presenter", "Presenter layout", "bool", False,
            "Sidebar closed, larger type and thicker lines, for a projector.", "Link", resets=False,
            labels={False: "off", True: "on"}),
)
FLAG_BY_KEY: dict[str, Control] = {c.key: c for c in LINK_FLAGS}


def link_defaults(version: int) -> dict[str, Any]:
    """Every control's value for a link of `version` that does not name it."""
    table = LINK_DEFAULTS[version]
    return {c.key: table.get(c.key, c.default) for c in CONTROLS}


def flag_defaults() -> dict[str, Any]:
    """The classroom flags of an ordinary link: every control shown, the usual layout."""
    return {c.key: c.default for c in LINK_FLAGS if c.key != "v"}


def url_value(value: Any) -> str:
    """A control value as URL text (lists comma-separated)."""
    if isinstance(value, (tuple, list)):
        return ",".join(value)
    return str(value)


def parse_url_value(control: Control, text: str) -> Any:
    """URL text back to a value of the control's kind (not yet range-checked)."""
    if control.kind == "multi":
        return tuple(t for t in text.split(",") if t)
    if control.kind == "bool":
        if text.lower() not in ("true", "false", "1", "0"):
            raise ValueError(f"{control.label} must be true or false, got {quoted(text)}")
        return text.lower() in ("true", "1")
    if control.kind == "select" and not isinstance(control.default, str):
        try:
            return type(control.default)(text)
        except ValueError:
            raise ValueError(f"{control.label} must be a number, got {quoted(text)}") from None
    return text
