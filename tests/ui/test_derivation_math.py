"""ui/derivation/equations.py against the independent lecture formulas of tests/ui/lecture_math.py."""

from __future__ import annotations

import re

import numpy as np
import pytest

from engine import MLP, examples
from engine.activations import ACTIVATIONS
from engine.step import compute_step
from tests.ui import lecture_math as ref
from ui import latex, session_run
from ui.derivation import equations as der

PAIRS = [("sigmoid", "bce", 1), ("softmax", "ce", 3), ("sigmoid", "squared", 2), ("linear", "squared", 2),
         ("softmax", "squared", 3)]
HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]


def _net(sizes, hidden, output, loss, bias=True, seed=1):
    net = MLP(sizes, hidden=hidden, output=output, loss=loss, bias=bias, init="uniform", seed=seed)
    rng = np.random.default_rng(seed)
    net.set_params([rng.uniform(-1, 1, w.shape) for w in net.W], [rng.uniform(-0.5, 0.5, b.shape) for b in net.b])
    return net


def _target(loss, J, rng):
    if loss == "bce":
        return np.array([1.0])
    if loss == "ce":
        return np.eye(J)[1]
    return rng.uniform(0, 1, J)


def _all_close(a, b):
    for p, q in zip(a, b, strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-10, atol=1e-12)


def _has_all(text: str, values) -> None:
    for v in np.ravel(values):
        assert latex.num(v) in text, (latex.num(v), text[:400])


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize(("output", "loss", "J"), PAIRS)
def test_step_numbers_equal_the_lecture_formulas(hidden, output, loss, J):
    rng = np.random.default_rng(3)
    net = _net([3, 4, 3, J], hidden, output, loss)
    x, y = rng.normal(size=3), _target(loss, J, rng)
    s = compute_step(net, x, y, 0.3)
    r = ref.net_step(net, x, y, 0.3)
    _all_close(s.I, r.I)
    _all_close(s.O, r.O)
    _all_close(s.delta, r.delta)
    _all_close(s.dW, r.dW)
    _all_close(s.W_after, r.W_after)
    _all_close(s.b_after, r.b_after)
    assert s.loss_before == pytest.approx(r.loss_before, rel=1e-10)
    assert s.loss_after == pytest.approx(r.loss_after, rel=1e-10)
    # … and the LaTeX shows those numbers
    fwd = " ".join(der.forward_latex(s))
    for l in range(3):
        _has_all(fwd, r.I[l])
        _has_all(fwd, r.O[l])
    assert latex.num(r.loss_before) in der.loss_latex(s)[-1]
    _, out_eqs = der.output_delta_latex(s)
    _has_all(out_eqs[-1], r.delta[-1])
    for l in (1, 2):
        _has_all(der.hidden_delta_latex(s, l)[-1], r.delta[l - 1])
    for l in (1, 2, 3):
        _has_all(der.gradient_latex(s, l)[0], r.dW[l - 1])
    rows = {row["parameter"]: row for row in der.update_rows(s)}
    assert rows["w_32^(2)"]["after"] == pytest.approx(r.W_after[1][2, 1], rel=1e-12)
    assert rows["b_1^(1)"]["after"] == pytest.approx(r.b_after[0][0], rel=1e-12)


def test_output_rule_names_the_simplification():
    expect = {("sigmoid", "bce"): "matched", ("softmax", "ce"): "matched", ("linear", "squared"): "matched",
              ("sigmoid", "squared"): "sigmoid_squared", ("softmax", "squared"): "chain"}
    for (output, loss), rule in expect.items():
        net = MLP([2, 3], output=output, loss=loss)
        assert der.output_rule(net) == rule
    s = compute_step(_net([2, 2, 1], "sigmoid", "sigmoid", "bce"), [0.5, -1.0], [1.0], 0.1)
    text, eqs = der.output_delta_latex(s)
    assert "cancel" in text and r"\frac{y^{*}-y}{y^{*}(1-y^{*})}" in eqs[0]
    s = compute_step(_net([2, 2, 2], "tanh", "sigmoid", "squared"), [0.5, -1.0], [0.2, 0.7], 0.1)
    assert r"\odot\mathbf{y}^{*}\odot(1-\mathbf{y}^{*})" in der.output_delta_latex(s)[1][0]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_derivative_is_written_for_the_activation(hidden):
    s = compute_step(_net([2, 3, 1], hidden, "sigmoid", "bce"), [0.3, 0.9], [0.0], 0.1)
    line = der.hidden_delta_latex(s, 1)[0]
    assert ACTIVATIONS[hidden].derivative_latex.replace("(l)", "(1)") in line


def test_chain_of_one_weight_equals_its_gradient_and_expands_like_the_slides():
    net = examples.lecture_example().net
    x, y = np.array([1.0, 0.0]), np.array([1.0])
    s = compute_step(net, x, y, 0.5)
    r = ref.net_step(net, x, y, 0.5)
    for l, j, i in [(1, 1, 2), (1, 2, 1), (2, 1, 1), (2, 2, 1)]:
        lines, value = der.chain_latex(s, l, j, i)
        assert value == pytest.approx(r.dW[l - 1][j - 1, i - 1], rel=1e-12, abs=1e-15)
        assert lines[0].endswith("=" + latex.num(value))
    lines, _ = der.chain_latex(s, 1, 1, 2)
    slide = lines[-1]  # (y*−y)/(y*(1−y*)) · y*(1−y*) · w_21^(2) · z_2(1−z_2) · x_1
    p, z2 = r.O[-1][0], r.O[0][1]
    for factor in ((p - 1) / (p * (1 - p)), p * (1 - p), -1.0, z2 * (1 - z2), 1.0):
        assert "_{" + latex.num(factor) + "}" in slide
    assert r"w_{21}^{(2)}" in slide and "z_{2}(1-z_{2})" in slide


def test_chain_in_a_deep_network_uses_the_recursion():
    net = _net([2, 3, 3, 2], "tanh", "softmax", "ce")
    x, y = np.array([0.4, -0.2]), np.array([0.0, 1.0])
    s = compute_step(net, x, y, 0.1)
    r = ref.net_step(net, x, y, 0.1)
    lines, value = der.chain_latex(s, 1, 2, 3)
    assert value == pytest.approx(r.dW[0][1, 2], rel=1e-12)
    assert "1-z_{3}^{2}" in lines[1] and latex.num(r.delta[0][2]) in lines[1]
    lines, value = der.chain_latex(s, 3, 1, 2)
    assert latex.num(r.delta[2][1]) in lines[1]


def test_mazur_example_matches_his_published_numbers():
    ex = examples.mazur_example()
    for row in examples.comparison_rows(ex):
        assert abs(row["difference"]) < 5e-7, row
    r = ref.net_step(ex.net, ex.X[0], ex.Y[0], 0.5)
    s = examples.apply_example_step(ex, 0)
    _all_close(ex.net.W, r.W_after)
    np.testing.assert_array_equal(ex.net.b[1], [0.6, 0.6])  # biases are not updated
    assert s.loss_before == pytest.approx(0.298371109, abs=1e-9) and ex.steps == 1
    # the comparison still uses the starting weights after a step
    assert abs(examples.comparison_rows(ex)[0]["difference"]) < 5e-7


def test_lecture_example_by_hand():
    ex = examples.lecture_example()
    s = compute_step(ex.net, ex.X[0], ex.Y[0], ex.lr)  # x = (1, 0), y = 1
    z = 1 / (1 + np.exp(-np.array([0.5, -0.5])))
    p = 1 / (1 + np.exp(-(z[0] - z[1])))
    np.testing.assert_allclose(s.O[0], z)
    assert s.prediction[0] == pytest.approx(p)
    assert s.delta[-1][0] == pytest.approx(p - 1)
    assert not ex.net.bias and "b^{(1)}" not in der.forward_latex(s)[1]


def test_large_arrays_are_summarised_never_written_out():
    net = _net([64, 12, 10], "relu", "softmax", "ce")
    x, y = np.random.default_rng(0).normal(size=64), np.eye(10)[3]
    s = compute_step(net, x, y, 0.1)
    text = " ".join(der.forward_latex(s) + der.output_delta_latex(s)[1] + der.hidden_delta_latex(s, 1)
                    + der.gradient_latex(s, 1) + der.gradient_latex(s, 2)
                    + der.batch_latex(net, np.tile(x, (4, 1)), np.tile(y, (4, 1)), [0, 1, 2, 3], 1))
    for block in re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", text):
        assert block.count(r"\\") < latex.MAX_FULL and block.split(r"\\")[0].count("&") < latex.MAX_FULL
    assert "largest:" in text and r"64\times12" in text
    top = int(np.argmax(np.abs(x)))
    assert f"x_{{{top + 1}}}={latex.num(x[top])}" in der.forward_latex(s)[0]


def test_update_table_highlights_and_cuts():
    s = compute_step(_net([2, 4, 1], "sigmoid", "sigmoid", "bce"), [1.0, 2.0], [0.0], 0.5)
    rows = der.update_rows(s)
    assert len(rows) == 2 * 4 + 4 + 4 + 1
    top = der.largest_changes(rows)
    biggest = max(abs(r["change"]) for r in rows)
    assert len(top) == der.HIGHLIGHT and any(abs(rows[k]["change"]) == biggest for k in top)
    big = compute_step(_net([20, 30, 1], "sigmoid", "sigmoid", "bce"), np.ones(20), [1.0], 0.5)
    shown, cut = der.table_rows(der.update_rows(big))
    assert cut and len(shown) == der.MAX_TABLE_ROWS


def test_gradient_check_passes_and_flags_the_relu_kink():
    net = _net([3, 5, 2], "tanh", "sigmoid", "squared")
    check = der.check_gradients(net, [0.1, -0.4, 0.8], [0.3, 0.6])
    assert check.passed and len(check.rows) == 3 * 5 + 5 * 2 + 5 + 2 and not check.sampled
    kinked = MLP([2, 3, 1], hidden="relu", init="zeros")  # every hidden I is exactly 0
    assert der.check_gradients(kinked, [1.0, 1.0], [1.0]).near_kink == 3
    big = _net([30, 20, 1], "sigmoid", "sigmoid", "bce")
    check = der.check_gradients(big, np.ones(30), [1.0])
    assert check.sampled and len(check.rows) == der.MAX_CHECK and check.passed


def test_batch_gradient_is_the_mean_of_per_sample_outer_products():
    net = _net([2, 3, 1], "sigmoid", "sigmoid", "bce")
    rng = np.random.default_rng(5)
    X, Y = rng.normal(size=(6, 2)), (rng.uniform(size=(6, 1)) > 0.5).astype(float)
    idx = der.batch_indices(4, 6)
    assert idx == [4, 5, 0, 1]
    batch = der.batch_pieces(net, X[idx], Y[idx], 1)
    pieces, mean = batch.pieces, batch.mean
    expect = [ref.net_step(net, X[k], Y[k], 0.0).dW[0] for k in idx]
    _all_close(pieces, expect)
    np.testing.assert_allclose(mean, np.mean(expect, axis=0), rtol=1e-12)
    text = " ".join(der.batch_latex(net, X, Y, idx, 1))
    _has_all(text, np.mean(expect, axis=0))
    assert der.batch_indices(0, 1) == [0]


def test_numbers_render_as_latex():
    assert latex.num(0.5933) == "0.5933" and latex.num(0) == "0" and latex.num(-2.0) == "-2"
    assert latex.num(1.234e-7) == r"1.234\times10^{-7}" and latex.term(-0.25) == "(-0.25)"
    assert latex.num(float("nan")) == r"\text{NaN}" and latex.sub(1, 2) == "12" and latex.sub(12, 3) == "12,3"


def test_penalty_is_shown_when_regularization_is_on():
    net = _net([2, 2, 1], "sigmoid", "sigmoid", "bce")
    net.set_regularization("l2", 0.1)
    s = compute_step(net, [1.0, 0.5], [1.0], 0.5)
    r = ref.net_step(net, [1.0, 0.5], [1.0], 0.5)
    np.testing.assert_allclose(s.dW[0], r.dW[0] + 0.1 * net.W[0])
    assert r"0.1\,\mathbf{w}^{(1)}" in " ".join(der.gradient_latex(s, 1))


def test_apply_sample_step_updates_the_run_and_records_it():
    session: dict = {}
    run = session_run.sync(session)
    before_rows = len(run.trainer.history)
    net = run.net
    x, y = run.data.X_train[7], run.trainer.Y_train[7]
    r = ref.net_step(net, x, y, run.trainer.lr)
    lb, la = session_run.apply_sample_step(session, 7)
    assert session_run.sync(session) is run
    _all_close(run.net.W, r.W_after)
    _all_close(run.net.b, r.b_after)
    assert (lb, la) == (pytest.approx(r.loss_before), pytest.approx(r.loss_after))
    h = run.trainer.history
    assert len(h) == before_rows + 1 and h.epochs[-1] == run.trainer.epoch == 0
    assert h.column("train_loss")[-1] == pytest.approx(run.trainer.evaluate()["train_loss"])
    W = [w.copy() for w in run.net.W]
    for bad in (-1, 10**6, 2.5, "3", True):
        with pytest.raises(ValueError):
            session_run.apply_sample_step(session, bad)
    _all_close(run.net.W, W)


def test_unknown_example_is_a_clear_error():
    with pytest.raises(ValueError, match="worked example"):
        examples.make_example("nope")
