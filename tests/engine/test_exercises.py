"""Exercises: expected values against tests/ui/lecture_math.py, answers a student builds from the shown
digits (right ones accepted, typical mistakes rejected with their hint), seeds, links and typed text."""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest

from engine import exercises as exq
from tests.engine.helpers import HIDDEN, PAIRS
from tests.ui import lecture_math as ref

SEEDS = range(4)


def _setups() -> list[exq.Setup]:
    """Every hidden activation × (output, loss) pair the page supports, with 0 or 1 hidden layer, ± biases."""
    out = []
    for hidden, (output, loss), layers, bias in itertools.product(HIDDEN, PAIRS, (0, 1), (True, False)):
        J = 1 if output != "softmax" else 3
        if loss == "squared" and output != "softmax":
            J = 2 if hidden in ("tanh", "relu") else 1  # some with several outputs
        out.append(exq.Setup((2, *([2] * layers), J), hidden, output, loss, bias))
    # one input, one hidden unit, two outputs behind a sigmoid
    out += [exq.Setup((1, 1, 1), "tanh", "sigmoid", "bce", True), exq.Setup((1, 1), "relu", "linear", "squared", True),
            exq.Setup((1, 2, 2), "sigmoid", "sigmoid", "squared", False),
            exq.Setup((2, 1, 2), "leaky_relu", "softmax", "ce", True)]
    return out


SETUPS = _setups()


@functools.cache
def _draw(setup: exq.Setup, seed: int) -> exq.Exercise:
    return exq.draw(setup, seed)
IDS = [s.code() for s in SETUPS]


def _r(v):
    """As a student reads a computed number: four significant digits."""
    return np.vectorize(lambda a: float(f"{a:.4g}"))(np.asarray(v, float))


class Student:
    """Works an exercise from the numbers on screen with the lecture's formulas (plain numpy, no engine),
    rounding every number to four significant digits; `mistake` makes one typical slip."""

    def __init__(self, ex: exq.Exercise, mistake: str | None = None, jitter: np.random.Generator | None = None):
        self.ex, self.m, self.jitter = ex, mistake, jitter
        s = ex.setup
        self.act, self.dact = ref.HIDDEN[s.hidden]
        self.out = ref.OUTPUT[s.output]

    def read(self, value):
        """A value as shown; with `jitter`, any number as close to the value as the shown one may be
        (a student who kept other digits on the way)."""
        if self.jitter is None:
            return _r(value)
        h = np.vectorize(lambda a: exq.half_unit(exq.shown(a)))(np.asarray(value, float))
        return np.asarray(value, float) + self.jitter.uniform(-1, 1, np.shape(value)) * h

    def forward(self):
        ex, s, m = self.ex, self.ex.setup, self.m
        u = ex.x
        for l, (W, b) in enumerate(zip(ex.W, ex.b), start=1):
            W = W.T if m == "transposed" and W.shape[0] == W.shape[1] else W
            I = self.read(W.T @ u + (0 if (m == "no_bias" or not s.bias) else b))
            if l < s.layers:
                u = self.read(I if m == "hidden_I" else (ref._sigmoid(I) if m == "sigmoid_hidden" else self.act(I)))
            else:
                return I if m == "stage_I" else ref._sigmoid(I) if m == "sigmoid_output" else self.out(I)

    def shown(self, name: str) -> np.ndarray:
        L, J = self.ex.setup.layers, self.ex.setup.sizes[-1]
        return self.read([self.ex.values[f"{name}_{k}"] for k in range(1, (J if name[1] == str(L) else
                                                                          self.ex.setup.sizes[1]) + 1)])

    def answer(self, key: str) -> float:
        ex, s, m = self.ex, self.ex.setup, self.m
        L, k, j, unit = s.layers, ex.k, ex.j, ex.unit
        y = ex.y
        if key == "ystar":
            return float(_r(self.forward()[k - 1]))
        p = self.shown(f"O{L}")
        if key == "loss":
            if m == "one_output":
                return float(_r(0.5 * (y[k - 1] - p[k - 1]) ** 2))
            if m == "no_half":
                return float(_r(np.sum((y - p) ** 2)))
            if s.loss == "bce":
                a, c = (1 - y, y) if m == "swapped" else (y, 1 - y)
                log = np.log10 if m == "log10" else np.log
                value = float(-np.sum(a * log(p) + c * log(1 - p)))
            elif s.loss == "ce":
                value = float(-np.sum(y * (np.log10 if m == "log10" else np.log)(p)))
            else:
                value = ref.loss_value(s.loss, y, p)
            return float(_r(-value if m == "loss_sign" else value))
        if key == "delta_out":
            if m == "dldy":
                return float(_r(ref.loss_gradient(s.loss, y, p)[k - 1]))
            if m == "out_no_slope":
                return float(_r(p[k - 1] - y[k - 1]))
            if m in ("extra_slope", "diagonal"):
                return float(_r((p[k - 1] - y[k - 1]) * p[k - 1] * (1 - p[k - 1])))
            d = (ref.output_jacobian(s.output, None, p).T @ ref.loss_gradient(s.loss, y, p))[k - 1]
            return float(_r(-d if m == "out_sign" else d))
        d_out = self.shown(f"d{L}")
        if key == "delta_hidden":
            I, z = self.shown("I1")[unit - 1], self.shown("O1")[unit - 1]
            row = unit % s.sizes[1] if m == "wrong_weight" else unit - 1
            back = float(ex.W[1][row] @ d_out)
            if m == "hid_no_slope":
                slope = 1.0
            elif m == "sigmoid_slope":
                slope = z * (1 - z)
            else:
                slope = float(self.dact(np.array([I]), np.array([I if m == "I_for_O" else z]))[0])
            return float(_r(-back * slope if m == "hid_sign" else back * slope))
        d = self.shown("d1")[unit - 1]
        x = ex.x[j - 1]
        if key == "grad_w":
            factor = {"no_input": 1.0, "wrong_input": ex.x[j % s.sizes[0]]}.get(m, x)
            if m == "output_not_input":
                factor = self.shown("O1")[unit - 1]
            g = d * factor
            return float(_r(-g if m == "gw_sign" else ex.xi * g if m == "xi_included" else g))
        if key == "grad_b":
            g = d * (x if m == "times_input" else 1.0)
            return float(_r(-g if m == "gb_sign" else g))
        g = self.read(ex.values["gw"])
        w = ex.W[0][j - 1, unit - 1]
        step = g if m == "no_xi" else ex.xi * g
        return float(_r(-step if m == "change_only" else w + step if m == "plus" else w - step))


def _ref_values(ex: exq.Exercise) -> dict[str, float]:
    s, k, j, unit = ex.setup, ex.k, ex.j, ex.unit
    r = ref.step(list(ex.W), list(ex.b), s.hidden, s.output, s.loss, ex.x, ex.y, ex.xi, use_bias=s.bias)
    values = {"ystar": r.O[-1][k - 1], "loss": r.loss_before, "delta_out": r.delta[-1][k - 1],
              "grad_w": r.dW[0][j - 1, unit - 1], "grad_b": r.db[0][unit - 1], "w_new": r.W_after[0][j - 1, unit - 1]}
    if s.layers == 2:
        values["delta_hidden"] = r.delta[0][unit - 1]
    return values


@pytest.mark.parametrize("setup", SETUPS, ids=IDS)
def test_expected_values_are_the_lecture_formulas(setup):
    for seed in SEEDS:
        ex = _draw(setup, seed)
        expected = _ref_values(ex)
        keys = ["ystar", "loss", "delta_out", *(["delta_hidden"] if setup.layers == 2 else []), "grad_w",
                *(["grad_b"] if setup.bias else []), "w_new"]
        assert [q.key for q in ex.questions] == keys  # the lecture's order
        for q in ex.questions:
            assert q.value == pytest.approx(expected[q.key], rel=1e-12, abs=1e-14), (q.key, seed)


@pytest.mark.parametrize("setup", SETUPS, ids=IDS)
def test_answers_from_the_shown_digits_are_accepted(setup):
    rng = np.random.default_rng(0)
    for seed in SEEDS:
        ex = _draw(setup, seed)
        for q in ex.questions:
            assert exq.check(q, float(q.shown)).right and exq.check(q, q.value).right
            assert exq.check(q, Student(ex).answer(q.key)).right, (q.key, seed)
            for _ in range(5):  # any inputs that round to the shown ones
                assert exq.check(q, Student(ex, jitter=rng).answer(q.key)).right, (q.key, seed)
            # and the bound is tight enough to mean something: a few units in the fourth digit
            assert q.tolerance < 0.01 * abs(q.value) + 1e-3, (q.key, q.tolerance, q.value)


@pytest.mark.parametrize("setup", SETUPS, ids=IDS)
def test_typical_mistakes_are_rejected_with_their_hint(setup):
    seen = set()
    for seed in SEEDS:
        ex = _draw(setup, seed)
        for q in ex.questions:
            for m in q.mistakes:
                verdict = exq.check(q, Student(ex, mistake=m.key).answer(q.key))
                assert not verdict.right, (q.key, m.key, seed)
                assert verdict.mistake is not None and verdict.mistake.key == m.key, (q.key, m.key, seed)
                assert verdict.hint == m.hint
                seen.add((q.key, m.key))
    # the lecture's usual slips are told apart in this structure (when they change the number at all)
    assert ("delta_out", "out_sign") in seen and ("w_new", "no_xi") in seen
    assert ("ystar", "stage_I") in seen or setup.output == "linear"
    assert ("grad_w", "no_input") in seen
    if setup.layers == 2 and setup.hidden in ("sigmoid", "tanh"):
        assert ("delta_hidden", "hid_no_slope") in seen and ("delta_hidden", "I_for_O") in seen
    if exq.output_rule(setup.output, setup.loss) == "sigmoid_squared":
        assert ("delta_out", "out_no_slope") in seen


def test_the_lecture_network_names_the_lectures_mistakes():
    setup = exq.Setup((2, 2, 1), "sigmoid", "sigmoid", "bce", False)
    ex = exq.draw(setup, 3)
    hints = {m.key: m.hint for q in ex.questions for m in q.mistakes}
    assert "y* − y" in hints["out_sign"]
    assert "z_i(1 − z_i)" in hints["hid_no_slope"]
    assert "ξ forgotten" in hints["no_xi"]
    assert "instead of O" in hints["I_for_O"]
    wrong = exq.check(ex.questions[2], -ex.questions[2].value)
    assert wrong.mistake.key == "out_sign" and not wrong.right
    other = exq.check(ex.questions[2], 1234.0)
    assert other.mistake is None and other.hint == ex.questions[2].pitfall


def test_single_layer_asks_the_lectures_update():
    ex = exq.draw(exq.Setup((2, 1), "sigmoid", "sigmoid", "bce", False), 4)
    assert [q.key for q in ex.questions] == ["ystar", "loss", "delta_out", "grad_w", "w_new"]
    p, y, x = ex.values["O1_1"], ex.y[0], ex.x[ex.j - 1]
    assert ex.questions[-1].value == pytest.approx(ex.W[0][ex.j - 1, 0] - ex.xi * (p - y) * x, rel=1e-12)


def test_the_same_seed_gives_the_same_exercise():
    setup = exq.Setup((2, 2, 1), "tanh", "sigmoid", "bce", True)
    a, b = exq.draw(setup, 42, 3), exq.draw(setup, 42, 3)
    assert all(np.array_equal(u, v) for u, v in zip(a.W + a.b + (a.x, a.y), b.W + b.b + (b.x, b.y)))
    assert (a.xi, a.j, a.i, a.k) == (b.xi, b.j, b.i, b.k) and a.questions == b.questions
    other_sample, other_net = exq.draw(setup, 42, 4), exq.draw(setup, 43, 3)
    assert all(np.array_equal(u, v) for u, v in zip(a.W, other_sample.W)) and a.xi == other_sample.xi
    assert not np.array_equal(a.x, other_sample.x) or a.y.tolist() != other_sample.y.tolist()
    assert not all(np.array_equal(u, v) for u, v in zip(a.W, other_net.W))


def test_given_numbers_are_round_and_drawn_away_from_kinks_and_saturation():
    for setup in SETUPS:
        ex = exq.draw(setup, 11)
        for w in ex.W:
            assert np.allclose(w * 20, np.round(w * 20)) and np.all(np.abs(w) <= 1)
        assert np.allclose(ex.x * 10, np.round(ex.x * 10)) and ex.xi in exq.LEARNING_RATES
        if setup.layers == 2 and setup.hidden in ("relu", "leaky_relu"):
            I = [ex.values[f"I1_{i}"] for i in range(1, setup.sizes[1] + 1)]
            assert min(abs(v) for v in I) > 0.05 and ex.values[f"I1_{ex.i}"] > 0  # a live unit is asked


def test_setup_codes_round_trip_and_bad_ones_say_what_is_wrong():
    for setup in SETUPS:
        assert exq.parse_setup(setup.code()) == setup
    assert exq.setup_like([64, 16, 8, 10], "relu", "softmax", "ce", True) == exq.Setup(
        (2, 2, 3), "relu", "softmax", "ce", True)
    assert exq.setup_like([5, 1], "tanh", "sigmoid", "bce", False).sizes == (2, 1)
    for bad in ("", "v2.2-2-1.sigmoid.sigmoid.bce.bias", "v1.2-9-1.sigmoid.sigmoid.bce.bias",
                "v1.2-2-1.swish.sigmoid.bce.bias", "v1.2-2-1.sigmoid.softmax.bce.bias",
                "v1.2-2-1.sigmoid.sigmoid.bce.maybe", "v1.22.sigmoid.sigmoid.bce.bias", "x" * 10_000,
                "v1.2-2-1.sigmoid.softmax.ce.bias"):
        with pytest.raises(ValueError) as err:
            exq.parse_setup(bad)
        assert "\n" not in str(err.value) and len(str(err.value)) < 200


@pytest.mark.parametrize("text, value", [("0.25", 0.25), (" -0.2689 ", -0.2689), ("−0.5", -0.5), ("0,75", 0.75),
                                         (".5", 0.5), ("3", 3.0), ("2.5e-3", 0.0025), ("+1.", 1.0)])
def test_typed_numbers_are_read(text, value):
    assert exq.parse_answer(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "   ", "abc", "nan", "inf", "1_000", "1.2.3", "1,234.5", "0x10", "1e999",
                                  "2/3", "=1+1", "<b>1</b>", "9" * 41, "1e5000"])
def test_other_text_is_refused_in_one_sentence(text):
    with pytest.raises(ValueError) as err:
        exq.parse_answer(text)
    message = str(err.value)
    assert message.endswith(".") and message.count(". ") == 0 and len(message) < 160
