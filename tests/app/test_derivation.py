"""The step-by-step page through AppTest: numbers against tests/ui/lecture_math.py, Apply, examples."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

from engine import LOSSES, examples
from engine.activations import ACTIVATIONS
from tests.app.conftest import open_page, plotly_specs
from tests.ui import lecture_math as ref
from ui import keys, latex, theme
from ui.derivation import equations as der

PAGE = "app_pages/derivation.py"


@pytest.fixture
def deriv(app):
    return open_page(app, PAGE)


def _tex(at) -> str:
    return " ".join(l.value for l in at.latex)


def _contains(at, values) -> None:
    text = _tex(at)
    for v in np.ravel(values):
        assert latex.num(v) in text, latex.num(v)


def _clean(at) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def _frame(at, column: str):
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, f"no table with a {column!r} column"
    return frames[0]


def _tab(at, name: str):
    """Open one of the lazy tabs (only the open one runs)."""
    at.session_state[keys.DERIV_TAB] = name
    return at.run()


def _sample_ref(at, index: int) -> ref.Ref:
    run = at.session_state[keys.RUN]
    return ref.net_step(run.net, run.data.X_train[index], run.trainer.Y_train[index], run.trainer.lr)


def test_default_page_shows_the_lecture_numbers_fast(deriv):
    _clean(deriv)
    r = _sample_ref(deriv, 0)
    _contains(deriv, np.concatenate([*r.I, *r.O, *r.delta]))
    _contains(deriv, [r.loss_before])
    _contains(deriv, r.dW[0])
    assert "cancel" in " ".join(m.value for m in deriv.markdown)  # sigmoid + BCE: δ = y* − y
    assert deriv.metric[0].value == f"{r.loss_before:.6g}" and deriv.metric[1].value == f"{r.loss_after:.6g}"
    table = _frame(deriv, "after")
    np.testing.assert_allclose(table["after"].to_numpy()[:8], r.W_after[0].ravel(), rtol=1e-12)
    assert not any("agree" in s.value for s in deriv.success)  # lazy tabs: the check has not run
    _tab(deriv, "Gradient check")
    assert any("agree" in s.value for s in deriv.success)
    checked = _frame(deriv, "finite difference")
    assert len(checked) == 17 and checked["pass"].all()
    t = time.perf_counter()
    deriv.run()
    assert time.perf_counter() - t < 1.0


def test_choosing_the_sample_changes_every_number(deriv):
    deriv.number_input(key=keys.DERIV_SAMPLE["playground"]).set_value(17).run()
    _clean(deriv)
    r = _sample_ref(deriv, 17)
    _contains(deriv, np.concatenate([r.u[0], *r.O, r.delta[-1]]))
    # the batch view: sample 17 and the next three, per-sample u δᵀ and their mean (last layer)
    _tab(deriv, "Batch view")
    pieces = [_sample_ref(deriv, k).dW[-1] for k in range(17, 21)]
    _contains(deriv, np.mean(pieces, axis=0))
    _contains(deriv, pieces[2])


def test_apply_this_step_updates_the_sessions_network(deriv):
    deriv.number_input(key=keys.DERIV_SAMPLE["playground"]).set_value(5).run()
    run = deriv.session_state[keys.RUN]
    rows = len(run.trainer.history)
    r = _sample_ref(deriv, 5)
    deriv.button(key=keys.DERIV_APPLY).click().run()
    _clean(deriv)
    net = deriv.session_state[keys.RUN].net
    for w, expect in zip(net.W, r.W_after, strict=True):
        np.testing.assert_allclose(w, expect, rtol=1e-12)
    for b, expect in zip(net.b, r.b_after, strict=True):
        np.testing.assert_allclose(b, expect, rtol=1e-12)
    assert len(run.trainer.history) == rows + 1 and run.trainer.epoch == 0
    assert any("Applied the update for sample 5" in s.value for s in deriv.success)
    assert deriv.metric[0].value == f"{r.loss_after:.6g}"  # the page now derives from the new weights
    # a second click applies the next step from there
    r2 = _sample_ref(deriv, 5)
    deriv.button(key=keys.DERIV_APPLY).click().run()
    np.testing.assert_allclose(deriv.session_state[keys.RUN].net.W[0], r2.W_after[0], rtol=1e-12)
    # the Playground follows: same network, its history ends with the hand steps
    deriv.switch_page("app_pages/playground.py").run()
    _clean(deriv)
    assert deriv.session_state[keys.RUN] is run
    np.testing.assert_allclose(run.net.W[0], r2.W_after[0], rtol=1e-12)
    assert len(run.trainer.history) == rows + 2
    open_page(deriv, PAGE)  # the chosen sample survives the page switch
    assert deriv.number_input(key=keys.DERIV_SAMPLE["playground"]).value == 5


def test_lecture_example_loads_and_apply_changes_only_the_example(deriv):
    playground_W = [w.copy() for w in deriv.session_state[keys.RUN].net.W]
    deriv.button(key=keys.DERIV_LOAD["lecture"]).click().run()
    _clean(deriv)
    assert deriv.session_state[keys.DERIV_MODE] == "example"
    ex = deriv.session_state[keys.DERIV_EXAMPLE]
    assert ex.key == "lecture" and not ex.net.bias
    deriv.number_input(key=keys.DERIV_SAMPLE["example"]).set_value(2).run()  # x = (1, 1), y = 0
    r = ref.net_step(ex.net, ex.X[2], ex.Y[2], 0.5)
    _contains(deriv, np.concatenate([*r.O, r.delta[0]]))
    assert r"\underbrace{w_{11}^{(2)}}" in _tex(deriv)  # the slide's expanded chain for w_11^(1)
    deriv.button(key=keys.DERIV_APPLY).click().run()
    _clean(deriv)
    for w, expect in zip(deriv.session_state[keys.DERIV_EXAMPLE].net.W, r.W_after, strict=True):
        np.testing.assert_allclose(w, expect, rtol=1e-12)
    for w, before in zip(deriv.session_state[keys.RUN].net.W, playground_W, strict=True):
        np.testing.assert_array_equal(w, before)
    deriv.radio(key=keys.DERIV_MODE).set_value("playground").run()
    _clean(deriv)
    assert "on xor" in " ".join(c.value for c in deriv.caption)


def test_mazur_example_beside_his_published_numbers(deriv):
    deriv.button(key=keys.DERIV_LOAD["mazur"]).click().run()
    _clean(deriv)
    table = _frame(deriv, "published")
    assert len(table) == len(examples.MAZUR_PUBLISHED)
    np.testing.assert_allclose(table["ours"], table["published"], atol=5e-7)
    assert "0.2984" in _tex(deriv) and r"(y^{*}_{2}-y_{2})\,y^{*}_{2}(1-y^{*}_{2})" not in _tex(deriv)
    assert any("no cancellation" in m.value for m in deriv.markdown)  # sigmoid + squared
    deriv.button(key=keys.DERIV_APPLY).click().run()
    W = deriv.session_state[keys.DERIV_EXAMPLE].net.W
    published = examples.MAZUR_PUBLISHED
    assert W[1][0, 0] == pytest.approx(published["w5 = w_11^(2)"], abs=1e-8)
    assert W[1][1, 1] == pytest.approx(published["w8 = w_22^(2)"], abs=1e-8)
    assert W[0][1, 0] == pytest.approx(published["w2 = w_21^(1)"], abs=1e-8)
    assert W[0][1, 1] == pytest.approx(published["w4 = w_22^(1)"], abs=1e-8)
    np.testing.assert_array_equal(deriv.session_state[keys.DERIV_EXAMPLE].net.b[0], [0.35, 0.35])


CASES = [  # (dataset, hidden, loss, output, words in the δ explanation)
    ("xor", "sigmoid", "bce", "sigmoid", "cancel"),
    ("xor", "tanh", "ce", "sigmoid", "collapses"),
    ("xor", "relu", "squared", "sigmoid", "no cancellation"),
    ("xor", "leaky_relu", "squared", "linear", "slope is 1"),
    ("blobs3", "linear", "squared", "softmax", "general chain rule"),
    ("sine", "tanh", "squared", "linear", "slope is 1"),
    ("blobs3", "sigmoid", "ce", "softmax", "collapses"),
]


def test_every_activation_and_loss(deriv):
    for dataset, hidden, loss, output, words in CASES:
        for key, value in (("dataset", dataset), ("hidden", hidden), ("loss", loss), ("output", output)):
            deriv.session_state[key] = value
        deriv.run()
        _clean(deriv)
        net = deriv.session_state[keys.RUN].net
        assert (net.hidden, net.loss_name) == (hidden, loss)
        r = _sample_ref(deriv, 0)
        _contains(deriv, np.concatenate([r.O[-1], r.delta[-1], r.delta[0]]))
        _contains(deriv, [r.loss_before])
        assert ACTIVATIONS[hidden].derivative_latex.replace("(l)", "(1)") in _tex(deriv)
        assert any(words in m.value for m in deriv.markdown), (dataset, hidden, loss, output)
        W = _frame(deriv, "after")
        np.testing.assert_allclose(W["after"].to_numpy()[: r.W_after[0].size], r.W_after[0].ravel(), rtol=1e-12)


def test_one_weights_chain(deriv):
    for key, value in ((keys.DERIV_WEIGHT[0], 1), (keys.DERIV_WEIGHT[1], 2), (keys.DERIV_WEIGHT[2], 3)):
        deriv.session_state[key] = value
    deriv.run()
    _clean(deriv)
    r = _sample_ref(deriv, 0)
    text = _tex(deriv)
    assert r"\frac{\partial L}{\partial w_{23}^{(1)}}" in text
    assert latex.num(r.dW[0][1, 2]) in text and latex.num(r.delta[0][2]) in text


def test_large_network_is_summarised(deriv):
    deriv.session_state["dataset"] = "digits"
    deriv.session_state["n_layers"] = 2
    deriv.session_state["units_1"] = 32
    deriv.run()
    _clean(deriv)
    text = _tex(deriv)
    assert "largest:" in text and r"64\times32" in text
    for block in re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", text):
        assert block.count(r"\\") < latex.MAX_FULL
    _tab(deriv, "Gradient check")
    assert any("picked at random" in c.value for c in deriv.caption)
    assert len(_frame(deriv, "after")) == der.MAX_TABLE_ROWS


def test_relu_kink_is_noted(deriv):
    deriv.session_state["hidden"] = "relu"
    deriv.session_state["init"] = "zeros"
    _tab(deriv, "Gradient check")
    _clean(deriv)
    assert any("kink" in i.value for i in deriv.info)


def test_bad_input_never_raises(deriv):
    deriv.number_input(key=keys.DERIV_SAMPLE["playground"]).set_value(200).run()
    deriv.session_state["n_points"] = 20  # the training set shrinks under the chosen sample
    for key, value in ((keys.DERIV_WEIGHT[0], -4), (keys.DERIV_WEIGHT[1], 2.5), (keys.DERIV_BATCH_LAYER, 99)):
        deriv.session_state[key] = value
    deriv.run()
    _clean(deriv)
    n = len(deriv.session_state[keys.RUN].data.X_train)
    assert n < 20 and 0 <= deriv.number_input(key=keys.DERIV_SAMPLE["playground"]).value < n
    assert deriv.number_input(key=keys.DERIV_WEIGHT[0]).value == 1
    _tab(deriv, "Batch view")
    _clean(deriv)
    assert 1 <= deriv.number_input(key=keys.DERIV_BATCH_LAYER).value <= 2
    deriv.session_state[keys.DERIV_MODE] = "example"  # example mode before any example was loaded
    deriv.run()
    _clean(deriv)
    assert deriv.session_state[keys.DERIV_EXAMPLE].key == "lecture"


TASK_DATA = {"bce": ("xor", "sigmoid"), "ce": ("blobs3", "softmax"), "squared": ("sine", "linear")}


@pytest.mark.parametrize("loss", list(TASK_DATA))
@pytest.mark.parametrize("hidden", list(ACTIVATIONS))
def test_page_renders_every_activation_and_loss_from_their_records(deriv, hidden, loss):
    """Adding an activation or a loss is one record: its A′ and ∂L/∂y* reach the page from it."""
    dataset, output = TASK_DATA[loss]
    for key, value in (("dataset", dataset), ("hidden", hidden), ("loss", loss), ("output", output)):
        deriv.session_state[key] = value
    deriv.run()
    _clean(deriv)
    net = deriv.session_state[keys.RUN].net
    assert (net.hidden, net.loss_name, net.output) == (hidden, loss, output)
    text = _tex(deriv)
    assert ACTIVATIONS[hidden].derivative_latex.replace("(l)", "(1)") in text
    assert LOSSES[loss].grad_latex in text
    assert LOSSES[loss].latex in text


def test_sample_chooser_in_the_theme_colours(deriv):
    """Classes in the class colours (not the old teal/pink scale), values on the diverging scale."""
    for key, value in (("dataset", "spiral3"), ("loss", "ce"), ("output", "softmax")):
        deriv.session_state[key] = value
    deriv.run()
    _clean(deriv)
    samples, chosen = plotly_specs(deriv)[0]["data"]
    assert samples["marker"]["color"] == theme.class_colours(deriv.session_state[keys.RUN].data.y_train)
    assert chosen["marker"]["line"]["color"] == theme.HIGHLIGHT
    deriv.button(key=keys.DERIV_LOAD["lecture"]).click().run()  # its single output: a value per sample
    _clean(deriv)
    samples = plotly_specs(deriv)[0]["data"][0]
    assert samples["marker"]["colorscale"] == theme.DIVERGING
