"""Compare's presets: ready-made comparisons, each a few changes to the Playground's configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.compare import Variant
from engine.run_config import RunConfig
from ui import controls

# the tabs of each run's own views on the page
PER_RUN_VIEWS = REGIONS, GRADIENTS, HEALTH = ("Decision regions", "Gradient norms", "Unit health")


@dataclass(frozen=True)
class Preset:
    """A ready-made comparison: its runs (changes to the Playground's configuration) and epochs."""

    key: str
    title: str
    runs: tuple[Variant, ...]
    epochs: int
    look_for: str
    view: str = REGIONS  # the tab of each run's own views that shows what `look_for` describes


DEEP = (8, 8, 8, 8, 8)
DEEP_LR = 0.3  # large enough to learn, small enough that the ReLU runs do not all die at once

PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "loss", "Cross-entropy vs squared loss with a sigmoid output",
            (Variant("cross-entropy", {"loss": "bce"}),
             Variant("squared loss", {"loss": "squared", "output": "sigmoid"})),
            300,
            "Behind a sigmoid, squared loss multiplies δ^(L) = y* − y by y*(1 − y*), which is tiny "
            "when y* is confidently wrong; cross-entropy cancels that factor, so it starts learning sooner.",
        ),
        Preset(
            "activation", "Sigmoid vs tanh vs ReLU",
            (Variant("sigmoid", {"hidden": "sigmoid"}), Variant("tanh", {"hidden": "tanh"}),
             Variant("ReLU", {"hidden": "relu"}), Variant("leaky ReLU", {"hidden": "leaky_relu"})),
            300,
            "The sigmoid's A′ is at most 0.25, tanh's at most 1, an active ReLU's exactly 1: "
            "δ^(l) keeps more of its size through tanh and ReLU layers.",
            GRADIENTS,
        ),
        Preset(
            "lr", "ξ too small / about right / too large",
            (Variant("ξ = 0.01 (too small)", {"lr": 0.01}), Variant("ξ = 0.5 (about right)", {"lr": 0.5}),
             Variant("ξ = 10 (too large)", {"lr": 10.0})),
            300,
            "Too small a ξ creeps down the loss; too large a ξ overshoots, so the loss jumps about "
            "or stalls high, and the weights may blow up.",
        ),
        Preset(
            "deep", "Deep sigmoid network: vanishing gradients",
            (Variant("sigmoid", {"hidden": "sigmoid", "hidden_sizes": DEEP, "lr": DEEP_LR}),
             Variant("tanh", {"hidden": "tanh", "hidden_sizes": DEEP, "lr": DEEP_LR}),
             Variant("ReLU", {"hidden": "relu", "hidden_sizes": DEEP, "lr": DEEP_LR}),
             Variant("ReLU, He init", {"hidden": "relu", "hidden_sizes": DEEP, "lr": DEEP_LR, "init": "he"})),
            200,
            "Five hidden layers of 8, ξ = 0.3: each sigmoid layer multiplies δ by A′ ≤ 0.25 on the way "
            "back, so ‖∂L/∂w^(1)‖ sits orders of magnitude below ‖∂L/∂w^(L)‖ and the network barely learns.",
            GRADIENTS,
        ),
    )
}
CUSTOM = "custom"


def describe(cfg: RunConfig) -> str:
    """A one-line summary of a configuration in the lecture's terms."""
    sizes = " × ".join(map(str, cfg.hidden_sizes)) or "none"
    batch = "full batch" if cfg.batch_size is None else f"batch {cfg.batch_size}"
    reg = "" if cfg.reg == "none" or cfg.lam == 0 else f", {cfg.reg.upper()} λ = {cfg.lam:g}"
    return (f"hidden H = {sizes}, A = {controls.BY_KEY['hidden'].format(cfg.hidden)}, "
            f"loss {controls.BY_KEY['loss'].format(cfg.loss).lower()} with a "
            f"{cfg.output} output y*, ξ = {cfg.lr:g}, {batch}, "
            f"{controls.INIT_LABELS[cfg.init]} init{reg}, seed {cfg.seed}")


def adapt_changes(changes: Mapping[str, object], task: str) -> dict[str, object]:
    """Fit a preset's changes to the data: binary cross-entropy becomes cross-entropy on 3+ classes."""
    new = dict(changes)
    if task == "multiclass" and new.get("loss") == "bce":
        new["loss"] = "ce"
        new["output"] = "softmax"
    return new
