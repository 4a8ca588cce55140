"""Lessons that follow the lecture: a short guided path, each lesson a few Playground setups one click away.

A lesson names its setups as changes to the control table's defaults; its links are written by the
same code that writes the Playground's own URL (`session_run.url_params`), so they are read back by
`session_run.seed_from_url` like any shared link. Links open a new tab (a new session): the run in
this tab stays as it is. The Step-by-step page reads the same parameters, so its links show the
lesson's network too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from ui import controls, keys, plain, session_run
from ui.derivation import exercises
from ui.derivation.sections import ANCHORS

# relative to the app's own pages, so that a base URL path (a proxy in front of the app) is kept
PLAYGROUND_PATH = "./"
DERIVATION_PATH = "./derivation"


@dataclass(frozen=True)
class Setup:
    """One Playground setup of a lesson: a button label and the controls it changes (beyond the lesson's)."""

    label: str
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Lesson:
    """A step of the guided path: what it shows (with the lecture's formula), its setups, what to look at,
    and the Step-by-step section (a key of `ANCHORS`) that goes with it (its exercise: `exercise_link`)."""

    key: str
    title: str
    idea: str
    formulas: tuple[str, ...]
    changes: dict[str, Any]
    setups: tuple[Setup, ...]
    look_at: str
    section: str

    def values(self, setup: Setup) -> dict[str, Any]:
        """Every control's value in this setup."""
        return {**controls.defaults(), **self.changes, **setup.changes}


DEEP = {"n_layers": 5, **{f"units_{k}": 8 for k in range(1, 6)}, "lr": 0.3}

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "single-unit", "One sigmoid unit with cross-entropy",
        "The lecture starts with a single layer: y* = A(wᵀx) with a sigmoid A and binary cross-entropy. Its "
        "gradient simplifies to (y* − y) x, so each sample nudges the weights along its own x.",
        (r"\mathbf{w}\leftarrow\mathbf{w}-\xi\,(y^{*}-y)\,\mathbf{x}",),
        {"dataset": "linear", "n_layers": 0, "bias": False, "batch_mode": "sample", "lr": 0.1},
        (Setup("Open it in the Playground"),),
        "Step one epoch at a time: the boundary y* = 0.5 is a straight line through the middle that turns "
        "until it separates the classes. On the Step-by-step page, δ at the output is y* − y: the sigmoid's "
        "slope y*(1 − y*) cancels against the loss's, and each gradient is δ times its input xⱼ.",
        "backward",
    ),
    Lesson(
        "two-two-one", "The 2-2-1 sigmoid network of the slides",
        "Two inputs, two hidden sigmoid units, one output, no biases, one sample at a time: the network "
        "the lecture derives backpropagation on.",
        (r"\delta^{(2)}=y^{*}-y,\qquad\delta_i^{(1)}=\delta^{(2)}\,w_{i1}^{(2)}\,z_i(1-z_i)",
         r"w_{j1}^{(2)}\leftarrow w_{j1}^{(2)}-\xi\,\delta^{(2)}z_j,\qquad "
         r"w_{ji}^{(1)}\leftarrow w_{ji}^{(1)}-\xi\,\delta_i^{(1)}x_j"),
        {"dataset": "xor", "n_layers": 1, "units_1": 2, "bias": False, "batch_mode": "sample", "lr": 0.5},
        (Setup("Open it in the Playground"),),
        "On the Step-by-step page, play the two passes: δ⁽²⁾ appears at the output, then travels back along "
        "the two weights w⁽²⁾ to give δ⁽¹⁾, and every edge gets uⱼ δᵢ. Without biases, as on the slides, "
        "this small network struggles with XOR; turn Biases on in the sidebar and it learns.",
        "passes",
    ),
    Lesson(
        "vector-form", "The vector form at larger H",
        "With H hidden units the sums become matrix products: w⁽¹⁾ is D × H, and one product gives every "
        "unit's first stage at once.",
        (r"\mathbf{I}^{(l)}=(\mathbf{w}^{(l)})^{\mathrm T}\mathbf{u}^{(l)}",
         r"\mathbf{O}^{(l)}=\mathcal{A}(\mathbf{I}^{(l)})=\mathbf{u}^{(l+1)}"),
        {"dataset": "circles", "n_layers": 1, "units_1": 8},
        (Setup("Open it in the Playground"),),
        "Section 1 of the Step-by-step page writes each layer as one product, (w⁽¹⁾)ᵀ (8 × 2) times u⁽¹⁾ "
        "(2 × 1) gives the 8 entries of I⁽¹⁾. In the Playground, the Weights view shows the same matrices "
        "and the Neuron maps view what each of the 8 units computes over the plane.",
        "forward",
    ),
    Lesson(
        "loss", "Squared loss vs cross-entropy",
        "Behind a sigmoid output, squared loss keeps the sigmoid's slope in δ⁽ᴸ⁾; cross-entropy cancels it.",
        (r"\text{cross-entropy: }\delta^{(L)}=y^{*}-y", r"\text{squared: }\delta^{(L)}=(y^{*}-y)\,y^{*}(1-y^{*})"),
        {"dataset": "circles"},
        (Setup("Cross-entropy", {"loss": "bce"}), Setup("Squared loss", {"loss": "squared", "output": "sigmoid"})),
        "Open both and step 50 epochs in each: the squared-loss run is slower, because y*(1 − y*) is small "
        "when y* is near 0 or 1, even when it is wrong. Section 2 of the Step-by-step page shows the two "
        "forms of δ at the output; the Compare page runs both from the same start.",
        "backward",
    ),
    Lesson(
        "activations", "Sigmoid vs tanh vs ReLU",
        "Every hidden δ is multiplied by its layer's slope A′(I) on the way back.",
        (r"\boldsymbol{\delta}^{(l)}=\big(\mathbf{w}^{(l+1)}\boldsymbol{\delta}^{(l+1)}\big)\odot"
         r"\mathcal{A}'(\mathbf{I}^{(l)})",
         r"\text{sigmoid: }O(1-O)\le\tfrac14,\qquad\tanh\text{: }1-O^2\le 1,\qquad"
         r"\text{ReLU: }\mathbb{1}[I>0]"),
        {"dataset": "spiral", "n_layers": 2, "units_1": 8, "units_2": 8, "lr": 0.3},
        (Setup("Sigmoid", {"hidden": "sigmoid"}), Setup("tanh", {"hidden": "tanh"}), Setup("ReLU", {"hidden": "relu"})),
        "The sigmoid's slope is at most 0.25, tanh's at most 1, ReLU's 0 or 1. Step 100 epochs in each and "
        "compare the loss; the Deltas δ view shows how large δ stays in each hidden layer.",
        "backward",
    ),
    Lesson(
        "learning-rate", "ξ too small, about right, too large",
        "The learning rate ξ scales every step of gradient descent.",
        (r"\mathbf{w}^{t+1}=\mathbf{w}^{t}-\xi\,\frac{\partial L}{\partial\mathbf{w}^{t}}",),
        {},
        (Setup("ξ = 0.01", {"lr": 0.01}), Setup("ξ = 0.5", {"lr": 0.5}), Setup("ξ = 10", {"lr": 10.0})),
        "Step 100 epochs in each: with ξ = 0.01 the loss creeps down, with 0.5 it falls steadily, with 10 it "
        "jumps about, because each step overshoots the valley. Section 3 of the Step-by-step page shows one "
        "update, w − ξ ∂L/∂w, with ξ's value in it.",
        "update",
    ),
    Lesson(
        "deep", "Deeper networks and vanishing gradients",
        "Five hidden layers of 8: on the way back, δ is multiplied by A′ once per layer.",
        (r"\boldsymbol{\delta}^{(l)}=\big(\mathbf{w}^{(l+1)}\boldsymbol{\delta}^{(l+1)}\big)\odot"
         r"\mathcal{A}'(\mathbf{I}^{(l)}),\quad l=L-1,\dots,1",
         r"\text{sigmoid: }\mathcal{A}'\le\tfrac14\text{ in each of five layers: }(\tfrac14)^5\approx 0.001"),
        DEEP,
        (Setup("Sigmoid", {"hidden": "sigmoid"}), Setup("ReLU, He init", {"hidden": "relu", "init": "he"})),
        "Train 50 epochs and open the Grad norms view: with sigmoids the first layer's gradient sits far "
        "below the last one's and the network barely learns; with ReLU and He's initial weights the layers "
        "stay closer. On the Step-by-step page, play the backward pass and watch δ shrink layer by layer.",
        "passes",
    ),
)


def query(values: dict[str, Any]) -> str:
    """The URL query that sets these control values (only those that differ from the defaults)."""
    return urlencode(session_run.url_params(values))


def playground_link(lesson: Lesson, setup: Setup) -> str:
    return f"{PLAYGROUND_PATH}?{query(lesson.values(setup))}"


def section_link(lesson: Lesson) -> str:
    """The lesson's Step-by-step section, with the network of its first setup."""
    return f"{DERIVATION_PATH}?{query(lesson.values(lesson.setups[0]))}#{ANCHORS[lesson.section]}"


def exercise_link(lesson: Lesson) -> str:
    """Your turn on the Step-by-step page, on the network of the lesson's first setup, seeded by the lesson's
    number: every student who opens it gets the same questions."""
    settings = query(lesson.values(lesson.setups[0]))
    return exercises.link(LESSONS.index(lesson) + 1, base=f"{DERIVATION_PATH}?{settings}")


SECTION_NAMES = {"passes": "the two passes on the diagram", "forward": "1 · forward pass",
                 "backward": "2 · backward pass", "update": "3 · update", "closer": "a closer look"}


def render() -> None:
    """Every lesson: its idea and formula, its Playground setups, what to look at, its section and exercise."""
    for number, lesson in enumerate(LESSONS, start=1):
        st.subheader(f"{number} · {lesson.title}", anchor=lesson.key)
        st.markdown(plain.for_markdown(lesson.idea))
        for formula in lesson.formulas:
            st.latex(formula)
        row = st.container(horizontal=True, key=keys.LESSON_LINKS + lesson.key)
        for setup in lesson.setups:
            row.link_button(setup.label, playground_link(lesson, setup), icon=":material/science:", type="primary")
        row.link_button(f"Step by step: {SECTION_NAMES[lesson.section]}", section_link(lesson),
                        icon=":material/functions:")
        row.link_button("Exercise", exercise_link(lesson), icon=":material/edit_note:")
        st.markdown(f"**Look at:** {plain.for_markdown(lesson.look_at)}")
