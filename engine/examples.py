"""Worked examples with their own small networks: the lecture's 2-2-1 and Matt Mazur's 2-2-2.

Each comes with its samples and ξ; Mazur's with the numbers he published, to compare ours with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.network import MLP
from engine.step import Step, compute_step

Array = np.ndarray


@dataclass
class Example:
    """A small network with its own samples, ξ and (optionally) published numbers to compare with."""

    key: str
    title: str
    note: str
    net: MLP
    X: Array
    Y: Array
    lr: float
    start: tuple[list[Array], list[Array]] = field(default=None)  # type: ignore[assignment]
    published: dict[str, float] = field(default_factory=dict)
    steps: int = 0

    def __post_init__(self) -> None:
        if self.start is None:
            self.start = self.net.get_params()

    @property
    def labels(self) -> Array:
        """A class or value per sample, for colouring the sample chooser."""
        return self.Y.argmax(axis=1) if self.Y.shape[1] > 1 else self.Y[:, 0]


def lecture_example() -> Example:
    """The lecture's 2-2-1 sigmoid network (no biases, BCE) on the four XOR corners, round weights."""
    net = MLP([2, 2, 1], hidden="sigmoid", output="sigmoid", loss="bce", bias=False)
    net.set_params([np.array([[0.5, -0.5], [0.25, 0.75]]), np.array([[1.0], [-1.0]])])
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    Y = np.array([[1.0], [1.0], [0.0], [0.0]])
    return Example("lecture", "The lecture's 2-2-1 network",
                   "Two inputs, two sigmoid hidden units z₁, z₂, one sigmoid output y*, binary "
                   "cross-entropy, no biases; the samples are the four corners of XOR, ξ = 0.5.",
                   net, X, Y, 0.5)


MAZUR_PUBLISHED = {
    "out_h1 = O_1^(1)": 0.593269992, "out_h2 = O_2^(1)": 0.596884378,
    "out_o1 = y*_1": 0.75136507, "out_o2 = y*_2": 0.772928465, "E_total (before)": 0.298371109,
    "w5 = w_11^(2)": 0.35891648, "w6 = w_21^(2)": 0.408666186, "w7 = w_12^(2)": 0.511301270,
    "w8 = w_22^(2)": 0.561370121, "w1 = w_11^(1)": 0.149780716, "w2 = w_21^(1)": 0.19956143,
    "w3 = w_12^(1)": 0.24975114, "w4 = w_22^(1)": 0.29950229, "E_total (after one update)": 0.291027924,
}


def mazur_example() -> Example:
    """Matt Mazur's 'step by step backpropagation example': 2-2-2, sigmoid, squared loss, ξ = 0.5."""
    net = MLP([2, 2, 2], hidden="sigmoid", output="sigmoid", loss="squared", bias=True, train_bias=False)
    net.set_params([np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([[0.40, 0.50], [0.45, 0.55]])],
                   [np.array([0.35, 0.35]), np.array([0.60, 0.60])])
    return Example("mazur", "Matt Mazur's 2-2-2 example",
                   "Inputs (0.05, 0.10), targets (0.01, 0.99), sigmoid everywhere, squared loss "
                   "E = ½Σ(y − y*)², ξ = 0.5; the biases b₁ = 0.35, b₂ = 0.60 stay fixed. "
                   "His w1…w8 are our w_11^(1), w_21^(1), w_12^(1), w_22^(1), w_11^(2), w_21^(2), "
                   "w_12^(2), w_22^(2).",
                   net, np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]]), 0.5,
                   published=dict(MAZUR_PUBLISHED))


EXAMPLES = {"lecture": lecture_example, "mazur": mazur_example}


def make_example(key: str) -> Example:
    if key not in EXAMPLES:
        raise ValueError(f"unknown worked example {key!r}; choose one of {', '.join(EXAMPLES)}")
    return EXAMPLES[key]()


def example_numbers(ex: Example) -> dict[str, float]:
    """Ours, from the example's starting weights: the quantities Mazur publishes, by his names."""
    net = ex.net.copy()
    net.set_params(*[list(p) for p in ex.start])
    s = compute_step(net, ex.X[0], ex.Y[0], ex.lr)
    W0, W1 = s.W_after
    return {
        "out_h1 = O_1^(1)": s.O[0][0], "out_h2 = O_2^(1)": s.O[0][1],
        "out_o1 = y*_1": s.O[1][0], "out_o2 = y*_2": s.O[1][1], "E_total (before)": s.loss_before,
        "w5 = w_11^(2)": W1[0, 0], "w6 = w_21^(2)": W1[1, 0], "w7 = w_12^(2)": W1[0, 1],
        "w8 = w_22^(2)": W1[1, 1], "w1 = w_11^(1)": W0[0, 0], "w2 = w_21^(1)": W0[1, 0],
        "w3 = w_12^(1)": W0[0, 1], "w4 = w_22^(1)": W0[1, 1], "E_total (after one update)": s.loss_after,
    }


def comparison_rows(ex: Example) -> list[dict]:
    """Published value, ours and their difference, per published quantity."""
    ours = example_numbers(ex)
    return [{"quantity": k, "published": v, "ours": float(ours[k]), "difference": float(ours[k] - v)}
            for k, v in ex.published.items()]


def apply_example_step(ex: Example, index: int) -> Step:
    """Apply the per-sample update of sample `index` to the example's network; returns the step."""
    s = compute_step(ex.net, ex.X[index], ex.Y[index], ex.lr)
    if not s.finite:
        raise ValueError("this step would make the weights or the loss infinite; nothing was changed")
    ex.net.set_params(s.W_after, s.b_after)
    ex.steps += 1
    return s
