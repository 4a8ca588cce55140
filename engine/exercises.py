"""Exercises ("Your turn"): one sample through a small network, one quantity at a time, checked.

A seed draws a small network with round weights and a sample (so a teacher can hand out a seed
and every student gets the same numbers). The questions follow the lecture: y*, L, δ at the
output, one hidden δ_i^(1), one gradient ∂L/∂w_ji^(1) (and ∂L/∂b_i^(1) with biases), and the
updated weight w_ji^(1) − ξ ∂L/∂w_ji^(1). Students work from the rounded numbers on screen, so
each question accepts the error that rounding its inputs can cause, propagated to first order,
plus the answer's own rounding; a wrong answer is matched against the typical mistakes, each
recomputed with this network's numbers.

Names: quantities are keyed "x1", "y1", "w1_2_1" (w_21^(1)), "b1_1", "xi" (given, exact) and
"I1_1", "O1_1" (the stages; O of the last layer is y*), "L", "d1_1" (δ_1^(1)), "gw", "gb", "wnew".
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np

from engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_UNITS
from engine.losses import LOSSES, check_pairing

VERSION = "v1"
DIGITS = 4  # computed values are shown (and answered) to this many significant digits
MAX_INPUTS, MAX_HIDDEN, MAX_OUTPUTS = 2, 2, 3  # the exercise network's largest sizes
MAX_SEED = 999_999
MAX_SAMPLE = 9_999
MAX_ANSWER_CHARS = 40
CUSHION = 1.25  # on the first-order rounding bound, for the second-order terms it leaves out
LEARNING_RATES = (0.1, 0.2, 0.5)
DRAWS = 200  # attempts at a sample away from saturation and ReLU kinks

SLOPE_TEXT = {"sigmoid": "z_i(1 − z_i)", "tanh": "1 − z_i²", "relu": "1 if I_i > 0, else 0",
              "leaky_relu": "1 if I_i > 0, else 0.01", "linear": "1"}
SIGN_HINT = ("Check the sign: δ at the output is prediction minus target, y* − y, and that sign "
             "carries through every δ and gradient below it.")


# --- the network's structure -------------------------------------------------------------------
@dataclass(frozen=True)
class Setup:
    """The exercise network's structure: sizes (D, J) or (D, H, J), activations, loss, biases."""

    sizes: tuple[int, ...]
    hidden: str
    output: str
    loss: str
    bias: bool

    @property
    def layers(self) -> int:
        return len(self.sizes) - 1

    def code(self) -> str:
        """The structure as a link value, e.g. 'v1.2-2-1.sigmoid.sigmoid.bce.bias'."""
        return ".".join([VERSION, "-".join(map(str, self.sizes)), self.hidden, self.output, self.loss,
                         "bias" if self.bias else "nobias"])


def parse_setup(text: str) -> Setup:
    """A Setup from its `code()`; ValueError with one sentence saying what is wrong."""
    parts = str(text)[:100].split(".")
    usage = "it should look like v1.2-2-1.sigmoid.sigmoid.bce.bias"
    if len(parts) != 6 or parts[0] != VERSION:
        raise ValueError(f"the exercise's network is not in a form this version reads ({usage})")
    _, sizes_text, hidden, output, loss, bias = parts
    if not re.fullmatch(r"\d(-\d){1,2}", sizes_text):
        raise ValueError(f"the exercise's sizes must be 2 or 3 numbers joined by '-' ({usage})")
    sizes = tuple(int(n) for n in sizes_text.split("-"))
    limits = (MAX_INPUTS, *([MAX_HIDDEN] * (len(sizes) - 2)), MAX_OUTPUTS)
    if any(not 1 <= n <= m for n, m in zip(sizes, limits)):
        raise ValueError(f"the exercise's sizes go up to {MAX_INPUTS} inputs, {MAX_HIDDEN} hidden units and "
                         f"{MAX_OUTPUTS} outputs")
    if hidden not in HIDDEN_ACTIVATIONS or output not in OUTPUT_UNITS or loss not in LOSSES:
        raise ValueError("the exercise's activation, output unit or loss is not one this page knows")
    if bias not in ("bias", "nobias"):
        raise ValueError("the exercise's last part must be 'bias' or 'nobias'")
    check_pairing(output, loss, sizes[-1])
    return Setup(sizes, hidden, output, loss, bias == "bias")


def setup_like(sizes: list[int], hidden: str, output: str, loss: str, bias: bool) -> Setup:
    """An exercise structure like a network's: its activations, loss and biases, at most one small hidden layer."""
    inner = [min(sizes[1], MAX_HIDDEN)] if len(sizes) > 2 else []
    return Setup((min(sizes[0], MAX_INPUTS), *inner, min(sizes[-1], MAX_OUTPUTS)), hidden, output, loss, bool(bias))


def output_rule(output: str, loss: str) -> str:
    """Which form δ at the output takes: 'matched' (y* − y), 'sigmoid_squared' or 'chain' (softmax, squared)."""
    if output == LOSSES[loss].matched_output:
        return "matched"
    return "sigmoid_squared" if output == "sigmoid" else "chain"


# --- shown numbers --------------------------------------------------------------------------------
def shown(value: float) -> str:
    """A computed value as the page shows it: DIGITS significant digits, trailing zeros kept."""
    if value == 0:
        return "0"
    return format(float(value), f"#.{DIGITS}g").rstrip(".").replace("e+", "e")


def half_unit(text: str) -> float:
    """Half a unit in the last digit of a shown number (0 for an exact '0')."""
    exponent = Decimal(text).as_tuple().exponent
    return 0.0 if text == "0" else 0.5 * 10.0 ** int(exponent)


def rounded(value: float) -> float:
    """The value as the student reads it on screen."""
    return float(shown(value))


# --- the exercise ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mistake:
    """A typical mistake: what it gives with these numbers, and the hint naming the step."""

    key: str
    value: float
    tolerance: float
    hint: str


@dataclass(frozen=True)
class Question:
    """One quantity to compute: its key ('ystar', 'loss', 'delta_out', 'delta_hidden', 'grad_w',
    'grad_b', 'w_new'), the exact value, the accepted distance, the typical mistakes, what it reveals."""

    key: str
    name: str  # the quantity's key in Exercise.values
    value: float
    tolerance: float
    mistakes: tuple[Mistake, ...]
    pitfall: str  # the hint when no typical mistake matches
    reveals: tuple[str, ...]

    @property
    def shown(self) -> str:
        return shown(self.value)


@dataclass(frozen=True)
class Exercise:
    """A drawn exercise: its structure, seed and sample number, the given numbers, every exact
    quantity (`values`), the chosen indices (input j, hidden unit i, output k; 1-based) and the questions."""

    setup: Setup
    seed: int
    sample: int
    W: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...]
    x: np.ndarray
    y: np.ndarray
    xi: float
    j: int
    i: int
    k: int
    values: dict[str, float]
    questions: tuple[Question, ...]

    @property
    def unit(self) -> int:
        """The unit of the asked first-layer weight w_ji^(1): hidden unit i, or output k with no hidden layer."""
        return self.i if self.setup.layers == 2 else self.k


class _Chain:
    """The lecture's per-sample computation as named nodes, each a function of the values before it.

    `variant` names one typical mistake built into its node (e.g. 'no_bias' in the first stages,
    'no_xi' in the update), or is None for the right computation.
    """

    def __init__(self, setup: Setup, j: int, unit: int, k: int = 1, variant: str | None = None) -> None:
        self.s, self.j, self.unit, self.k, self.variant = setup, j, unit, k, variant
        self.nodes: dict[str, Callable[[dict], float]] = {}
        L = setup.layers
        for l in range(1, L + 1):
            for i in range(1, setup.sizes[l] + 1):
                self.nodes[f"I{l}_{i}"] = self._stage_I(l, i)
            for i in range(1, setup.sizes[l] + 1):
                self.nodes[f"O{l}_{i}"] = self._stage_O(l, i)
        self.nodes["L"] = self._loss
        for k in range(1, setup.sizes[-1] + 1):
            self.nodes[f"d{L}_{k}"] = self._output_delta(k)
        if L == 2:
            for i in range(1, setup.sizes[1] + 1):
                self.nodes[f"d1_{i}"] = self._hidden_delta(i)
        self.nodes["gw"] = self._grad_w
        self.nodes["gb"] = self._grad_b
        self.nodes["wnew"] = self._update

    def _u(self, l: int, j: int) -> str:
        return f"x{j}" if l == 1 else f"O{l - 1}_{j}"

    def _stage_I(self, l: int, i: int) -> Callable[[dict], float]:
        n_in = self.s.sizes[l - 1]
        swap = self.variant == "transposed" and n_in == self.s.sizes[l]

        def f(v: dict) -> float:
            total = sum(v[f"w{l}_{i}_{j}" if swap else f"w{l}_{j}_{i}"] * v[self._u(l, j)]
                        for j in range(1, n_in + 1))
            return total + (v[f"b{l}_{i}"] if self.s.bias and self.variant != "no_bias" else 0.0)
        return f

    def _stage_O(self, l: int, i: int) -> Callable[[dict], float]:
        if l < self.s.layers:
            name = "sigmoid" if self.variant == "sigmoid_hidden" else self.s.hidden
            act = (lambda I: I) if self.variant == "hidden_I" else ACTIVATIONS[name].forward
            return lambda v: float(act(np.array([v[f"I{l}_{i}"]]))[0])
        if self.variant == "stage_I":
            return lambda v: v[f"I{l}_{i}"]
        unit = "sigmoid" if self.variant == "sigmoid_output" else self.s.output
        fn, n_out = OUTPUT_UNITS[unit].forward, self.s.sizes[l]
        if unit == "softmax":
            return lambda v: float(fn(np.array([v[f"I{l}_{m}"] for m in range(1, n_out + 1)]))[i - 1])
        return lambda v: float(fn(np.array([v[f"I{l}_{i}"]]))[0])

    def _pair(self, v: dict, only: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """y* and y as vectors (or just output `only`)."""
        J, L = self.s.sizes[-1], self.s.layers
        ks = [only] if only else range(1, J + 1)
        return np.array([v[f"O{L}_{k}"] for k in ks]), np.array([v[f"y{k}"] for k in ks])

    def _loss(self, v: dict) -> float:
        m = self.variant
        p, y = self._pair(v, self.k if m == "one_output" else None)
        log = np.log10 if m == "log10" else np.log
        if self.s.loss == "bce":
            a, c = (1 - y, y) if m == "swapped" else (y, 1 - y)
            value = -np.sum(a * log(p) + c * log(1 - p))
        elif self.s.loss == "ce":
            value = -np.sum(y * log(p))
        else:
            value = np.sum((y - p) ** 2) * (1.0 if m == "no_half" else 0.5)
        return float(-value if m == "loss_sign" else value)

    def _output_delta(self, k: int) -> Callable[[dict], float]:
        rule = output_rule(self.s.output, self.s.loss)
        m = self.variant
        form = {"dldy": "dldy", "out_no_slope": "matched", "extra_slope": "sigmoid_squared",
                "diagonal": "sigmoid_squared"}.get(m, rule)

        def f(v: dict) -> float:
            p, y = self._pair(v)
            pk, yk = p[k - 1], y[k - 1]
            if form == "dldy":
                value = -yk / pk if self.s.loss == "ce" else (pk - yk) / (pk * (1 - pk))
            elif form == "matched":
                value = pk - yk
            elif form == "sigmoid_squared":
                value = (pk - yk) * pk * (1 - pk)
            else:
                value = pk * ((pk - yk) - np.sum((p - y) * p))
            return float(-value if m == "out_sign" else value)
        return f

    def _hidden_delta(self, i: int) -> Callable[[dict], float]:
        J, H, m = self.s.sizes[-1], self.s.sizes[1], self.variant
        row = i % H + 1 if m == "wrong_weight" else i

        def f(v: dict) -> float:
            back = sum(v[f"w2_{row}_{k}"] * v[f"d2_{k}"] for k in range(1, J + 1))
            I_, O_ = np.array([v[f"I1_{i}"]]), np.array([v[f"O1_{i}"]])
            if m == "hid_no_slope":
                slope = 1.0
            elif m == "sigmoid_slope":
                slope = O_[0] * (1 - O_[0])
            else:
                slope = ACTIVATIONS[self.s.hidden].derivative(I_, I_ if m == "I_for_O" else O_)[0]
            return float(-back * slope if m == "hid_sign" else back * slope)
        return f

    def _grad_w(self, v: dict) -> float:
        m, j, D = self.variant, self.j, self.s.sizes[0]
        factor = {"no_input": lambda: 1.0, "wrong_input": lambda: v[f"x{j % D + 1}"],
                  "output_not_input": lambda: v[f"O1_{self.unit}"]}.get(m, lambda: v[f"x{j}"])()
        g = v[f"d1_{self.unit}"] * factor
        return -g if m == "gw_sign" else v["xi"] * g if m == "xi_included" else g

    def _grad_b(self, v: dict) -> float:
        m = self.variant
        g = v[f"d1_{self.unit}"] * (v[f"x{self.j}"] if m == "times_input" else 1.0)
        return -g if m == "gb_sign" else g

    def _update(self, v: dict) -> float:
        m, w = self.variant, v[f"w1_{self.j}_{self.unit}"]
        step = v["gw"] * (1.0 if m == "no_xi" else v["xi"])
        return -step if m == "change_only" else w + step if m == "plus" else w - step

    def evaluate(self, given: dict[str, float]) -> dict[str, float]:
        values = dict(given)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            for name, fn in self.nodes.items():
                values[name] = fn(values)
        return values


class _Reads(dict):
    """A dict that notes which keys a node reads."""

    def __init__(self, data: dict) -> None:
        super().__init__(data)
        self.read: list[str] = []

    def __getitem__(self, key: str) -> float:
        if key not in self.read:
            self.read.append(key)
        return super().__getitem__(key)


def _rounding_error(chain: _Chain, name: str, values: dict, revealed: set[str], memo: dict) -> float:
    """How far a student's value of `name` can be from the exact one when every input it uses is off by
    its rounding on screen (revealed values), or by its own rounding and error (values worked out on the way)."""
    if name in memo:
        return memo[name]
    fn = chain.nodes[name]
    probe = _Reads(values)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        fn(probe)
    total = 0.0
    for p in probe.read:
        if p not in chain.nodes:  # a given: shown exactly
            continue
        step = half_unit(shown(values[p])) + (0.0 if p in revealed else _rounding_error(chain, p, values, revealed,
                                                                                         memo))
        if step == 0:
            continue
        up, down = dict(values), dict(values)
        up[p] += step
        down[p] -= step
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            total += abs(fn(up) - fn(down)) / 2
    memo[name] = total
    return total


def tolerance(chain: _Chain, name: str, values: dict, revealed: set[str]) -> float:
    """The accepted distance from the exact value: the propagated rounding of the inputs, plus the answer's own."""
    value = values[name]
    spread = CUSHION * _rounding_error(chain, name, values, revealed, {})
    return spread + half_unit(shown(value)) + 1e-12 * (1 + abs(value))


# --- drawing ----------------------------------------------------------------------------------------
def _signed(rng: np.random.Generator, low: int, high: int, scale: float, shape) -> np.ndarray:
    """Round numbers low/scale … high/scale in size, each of random sign."""
    return rng.integers(low, high + 1, size=shape) / scale * rng.choice([-1.0, 1.0], size=shape)


def _given(setup: Setup, W, b, x, y, xi) -> dict[str, float]:
    g = {f"x{j + 1}": float(v) for j, v in enumerate(x)}
    g.update({f"y{k + 1}": float(v) for k, v in enumerate(y)})
    for l, (w, bb) in enumerate(zip(W, b), start=1):
        g.update({f"w{l}_{j + 1}_{i + 1}": float(w[j, i]) for j, i in np.ndindex(w.shape)})
        g.update({f"b{l}_{i + 1}": float(v) for i, v in enumerate(bb)})
    g["xi"] = float(xi)
    return g


def _target(setup: Setup, rng: np.random.Generator) -> np.ndarray:
    J = setup.sizes[-1]
    if setup.output == "softmax":
        return np.eye(J)[rng.integers(J)]
    if setup.output == "sigmoid":
        return rng.integers(0, 2, size=J).astype(float)
    return rng.integers(-10, 11, size=J) / 10


def _fair(setup: Setup, values: dict, k: int) -> bool:
    """Whether a sample makes a good exercise: no saturated output, no hidden input at a ReLU kink, a live unit."""
    L, J = setup.layers, setup.sizes[-1]
    p = np.array([values[f"O{L}_{m}"] for m in range(1, J + 1)])
    if setup.output != "linear" and not np.all((p > 0.03) & (p < 0.97)):
        return False
    if abs(values[f"O{L}_{k}"] - values[f"y{k}"]) < 0.05:
        return False
    if L == 2:
        I = np.array([values[f"I1_{i}"] for i in range(1, setup.sizes[1] + 1)])
        live = setup.hidden not in ("relu", "leaky_relu") or np.any(I > 0)  # a unit that passes its δ on
        return bool(np.all(np.abs(I) > 0.05) and live)
    return True


def draw(setup: Setup, seed: int, sample: int = 0) -> Exercise:
    """The exercise of `seed` (its network and ξ) and `sample` (its x, y and the asked indices)."""
    net_rng = np.random.default_rng([int(seed), 0])
    W = tuple(_signed(net_rng, 2, 20, 20, (a, c)) for a, c in zip(setup.sizes[:-1], setup.sizes[1:]))
    b = tuple(_signed(net_rng, 1, 10, 20, (c,)) if setup.bias else np.zeros(c) for c in setup.sizes[1:])
    xi = float(net_rng.choice(LEARNING_RATES))
    rng = np.random.default_rng([int(seed), 1, int(sample)])
    D, J = setup.sizes[0], setup.sizes[-1]
    probe = _Chain(setup, 1, 1)
    for _ in range(DRAWS):
        x = _signed(rng, 1, 9, 10, (D,))  # not ±1, where the input's factor would vanish from view
        y = _target(setup, rng)
        k = int(rng.integers(J)) + 1 if setup.output != "softmax" else int(np.argmax(y)) + 1
        j = int(rng.integers(D)) + 1
        values = probe.evaluate(_given(setup, W, b, x, y, xi))
        if _fair(setup, values, k):
            break
    i = 1
    if setup.layers == 2:  # a hidden unit that passes its δ on (a live ReLU) when there is one
        H = setup.sizes[1]
        live = [m for m in range(1, H + 1) if ACTIVATIONS[setup.hidden].derivative(
            np.array([values[f"I1_{m}"]]), np.array([values[f"O1_{m}"]]))[0] > 0.05]
        i = int(rng.choice(live or list(range(1, H + 1))))
    unit = i if setup.layers == 2 else k
    given = _given(setup, W, b, x, y, xi)
    chain = _Chain(setup, j, unit, k)
    values = chain.evaluate(given)
    ex = Exercise(setup, int(seed), int(sample), W, b, x, y, xi, j, i, k, values, ())
    return replace(ex, questions=_questions(ex, chain, given))


# --- the questions and their mistakes -----------------------------------------------------------------
def _forward_mistakes(s: Setup) -> list[tuple[str, str]]:
    found = [("stage_I", "That is the first stage I; y* is the second stage O = A(I): apply the output's "
                         "activation to it.")]
    if s.layers == 2:
        found.append(("hidden_I", "The hidden layer's activation was skipped: the next layer takes "
                                  "z = O⁽¹⁾ = A(I⁽¹⁾), not I⁽¹⁾."))
        if s.hidden != "sigmoid":
            found.append(("sigmoid_hidden", f"The hidden activation here is {ACTIVATIONS[s.hidden].label}, "
                                            "not the sigmoid."))
    if s.output == "softmax":
        found.append(("sigmoid_output", "The output is a softmax, e^(I_k) / Σ_j e^(I_j), not a sigmoid of I_k "
                                        "alone."))
    if s.bias:
        found.append(("no_bias", "The bias is missing: every first stage is I = wᵀu + b."))
    found.append(("transposed", "w_ji runs from input j to unit i: unit i adds up column i of w, "
                                "I_i = Σ_j w_ji u_j."))
    return found


def _loss_mistakes(s: Setup) -> list[tuple[str, str]]:
    found = []
    if s.loss in ("bce", "ce"):
        found += [("log10", "Use the natural logarithm ln, not the logarithm to base 10."),
                  ("loss_sign", "Mind the minus sign: the log of a probability below 1 is negative, so "
                                "L = −log(…) is positive.")]
    if s.loss == "bce":
        found.append(("swapped", "The two terms are swapped: with y = 1 only −log y* is left, with y = 0 only "
                                 "−log(1 − y*)."))
    if s.loss == "squared":
        found.append(("no_half", "The squared loss has a ½ in front: L = ½ Σ_j (y_j − y*_j)²."))
        if s.sizes[-1] > 1:
            found.append(("one_output", "Sum over all the outputs j, not only one of them."))
    return found


OUTPUT_PITFALL = {"matched": "δ at the output is y* − y here.",
                  "sigmoid_squared": "δ at the output is (y* − y) y*(1 − y*) here.",
                  "chain": "δ_k = y*_k((y*_k − y_k) − Σ_j (y*_j − y_j) y*_j) here."}


def _output_mistakes(s: Setup) -> list[tuple[str, str]]:
    rule = output_rule(s.output, s.loss)
    found = [("out_sign", SIGN_HINT)]
    if rule == "matched" and s.output != "linear":
        found += [("extra_slope", "No extra slope here: with this loss behind its matched output unit the "
                                  "factors cancel, and δ is just y* − y."),
                  ("dldy", "That is only ∂L/∂y*; through the output unit's slope it becomes y* − y.")]
    if rule == "sigmoid_squared":
        found.append(("out_no_slope", "A missing y*(1 − y*): with squared loss behind a sigmoid nothing "
                                      "cancels, δ = (y* − y) y*(1 − y*)."))
    if rule == "chain":
        found += [("out_no_slope", "Behind a softmax the squared loss needs the whole chain: "
                                   "δ_k = y*_k((y*_k − y_k) − Σ_j (y*_j − y_j) y*_j)."),
                  ("diagonal", "The softmax couples its outputs: the term −Σ_j (y*_j − y_j) y*_j is missing.")]
    return found


def _hidden_mistakes(s: Setup) -> list[tuple[str, str]]:
    slope, label = SLOPE_TEXT[s.hidden], ACTIVATIONS[s.hidden].label
    found = [("hid_sign", SIGN_HINT),
             ("hid_no_slope", f"A missing A′: multiply by the hidden unit's slope, here {slope}.")]
    if s.hidden != "sigmoid":
        found.append(("sigmoid_slope", f"The slope of {label} is {slope}, not the sigmoid's z_i(1 − z_i)."))
    if s.hidden in ("sigmoid", "tanh"):
        found.append(("I_for_O", f"Used I instead of O: the slope is written in the unit's output z_i = O_i, "
                                 f"{slope}."))
    if s.sizes[1] > 1:
        found.append(("wrong_weight", "Take the weights leaving unit i, w_ik⁽²⁾, not another unit's."))
    return found


def _gradient_mistakes(s: Setup) -> list[tuple[str, str]]:
    found = [("gw_sign", SIGN_HINT), ("no_input", "Multiply δ by the weight's input: ∂L/∂w_ji = x_j δ_i."),
             ("xi_included", "That has ξ in it already: the gradient is x_j δ_i; ξ comes in with the update.")]
    if s.sizes[0] > 1:
        found.append(("wrong_input", "Take the input at the weight's tail: w_ji runs from input j to unit i, so "
                                     "the factor is x_j."))
    if s.layers == 2:
        found.append(("output_not_input", "The factor is what goes into the weight, x_j, not what comes out of "
                                          "the unit, z_i."))
    return found


UPDATE_MISTAKES = [("no_xi", "ξ forgotten: the step is ξ times the gradient, w − ξ ∂L/∂w."),
                   ("plus", "Gradient descent goes against the gradient: subtract, w − ξ ∂L/∂w."),
                   ("change_only", "That is the change −ξ ∂L/∂w; add it to the old weight.")]
BIAS_MISTAKES = [("gb_sign", SIGN_HINT), ("times_input", "A bias's input is always 1, so ∂L/∂b_i = δ_i, with no x.")]


def _questions(ex: Exercise, chain: _Chain, given: dict) -> tuple[Question, ...]:
    """The questions in the lecture's order, each with its tolerance and its tellable mistakes."""
    s, v, L, unit = ex.setup, ex.values, ex.setup.layers, ex.unit
    stages = tuple(f"{st}{l}_{m}" for l in range(1, L + 1) for st in "IO" for m in range(1, s.sizes[l] + 1))
    plan = [("ystar", f"O{L}_{ex.k}", _forward_mistakes(s),
             "Go stage by stage: I = wᵀu + b, then O = A(I), and each layer's O is the next layer's input; keep "
             "four significant digits on the way.", stages),
            ("loss", "L", _loss_mistakes(s), "Put y and y* into the loss's formula (natural logarithms).", ("L",)),
            ("delta_out", f"d{L}_{ex.k}", _output_mistakes(s), OUTPUT_PITFALL[output_rule(s.output, s.loss)],
             tuple(f"d{L}_{m}" for m in range(1, s.sizes[-1] + 1)))]
    if L == 2:
        plan.append(("delta_hidden", f"d1_{unit}", _hidden_mistakes(s),
                     f"δ_i⁽¹⁾ = A′(I_i⁽¹⁾) Σ_k w_ik⁽²⁾ δ_k⁽²⁾, with A′ = {SLOPE_TEXT[s.hidden]}.",
                     tuple(f"d1_{m}" for m in range(1, s.sizes[1] + 1))))
    plan.append(("grad_w", "gw", _gradient_mistakes(s),
                 "∂L/∂w_ji = x_j δ_i: the input at the weight's tail times the δ at its head.", ("gw",)))
    if s.bias:
        plan.append(("grad_b", "gb", BIAS_MISTAKES, "A bias's gradient is the δ of its unit.", ("gb",)))
    plan.append(("w_new", "wnew", UPDATE_MISTAKES, "w ← w − ξ ∂L/∂w.", ("wnew",)))
    revealed: set[str] = set()
    out = []
    for key, name, mistakes, pitfall, reveals in plan:
        tol = tolerance(chain, name, v, revealed)
        kept: list[Mistake] = []
        for variant, hint in mistakes:
            wrong = _Chain(s, ex.j, unit, ex.k, variant)
            values = wrong.evaluate(given)
            m = Mistake(variant, values[name], tolerance(wrong, name, values, revealed), hint)
            # only the mistakes an answer can tell apart from the right value and from each other
            if math.isfinite(m.value) and abs(m.value - v[name]) > tol + m.tolerance and all(
                    abs(m.value - other.value) > m.tolerance + other.tolerance for other in kept):
                kept.append(m)
        out.append(Question(key, name, v[name], tol, tuple(kept), pitfall, reveals))
        revealed.update(reveals)
    return tuple(out)


# --- answers -----------------------------------------------------------------------------------------
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d{1,3})?")


def parse_answer(text: object) -> float:
    """A typed number ('−0.27', '0,27', '2.7e-1'); ValueError with one sentence when it is not one."""
    raw = str(text)
    if len(raw) > MAX_ANSWER_CHARS:
        raise ValueError(f"The answer is longer than {MAX_ANSWER_CHARS} characters: type just the number, "
                         "such as −0.2689.")
    t = raw.strip().replace("−", "-").replace("–", "-").replace(" ", "")
    if not t:
        raise ValueError("Type a number first, such as −0.2689.")
    if not _NUMBER.fullmatch(t) or (t.count(",") and "." in t):
        raise ValueError("That is not a number: type a decimal such as −0.2689 (a point or a comma before the "
                         "decimals, e-notation allowed).")
    value = float(t.replace(",", "."))
    if not math.isfinite(value):
        raise ValueError("That number is too large: type a decimal such as −0.2689.")
    return value


@dataclass(frozen=True)
class Verdict:
    """The check of one answer: right or not, the matched typical mistake (if any) and the hint to show."""

    right: bool
    answer: float
    mistake: Mistake | None
    hint: str


def check(question: Question, answer: float) -> Verdict:
    """Right when within the question's tolerance; else the closest typical mistake it matches, if any."""
    if abs(answer - question.value) <= question.tolerance:
        return Verdict(True, answer, None, "")
    near = [m for m in question.mistakes if abs(answer - m.value) <= m.tolerance]
    if near:
        m = min(near, key=lambda m: abs(answer - m.value))
        return Verdict(False, answer, m, m.hint)
    return Verdict(False, answer, None, question.pitfall)
