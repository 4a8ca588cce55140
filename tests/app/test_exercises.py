"""Your turn through AppTest: questions in the lecture's order, answers right, wrong and not numbers,
the tally, new sample / new network / a typed seed, exercise links, and every activation × loss."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from engine import exercises as exq
from tests.app.conftest import APP, open_page
from tests.engine.test_exercises import SETUPS, Student, _ref_values
from ui import keys, latex, plain
from ui.derivation import exercises as ui_ex

PAGE = "app_pages/derivation.py"
LECTURE = "v1.2-2-1.sigmoid.sigmoid.bce.nobias"


@pytest.fixture
def deriv(app):
    return open_page(app, PAGE)


def _ex(at) -> exq.Exercise:
    return ui_ex.exercise_of(at.session_state[keys.EX_STATE])


def _clean(at) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def _answer(at, text: str):
    at.text_input(key=keys.EX_ANSWER).input(text)
    return at.button(key=keys.EX_CHECK).click().run()


def _question(at) -> int:
    return at.session_state[keys.EX_STATE]["q"]


def _texts(elements) -> list[str]:
    return [e.value for e in elements]


def _linked(params: dict[str, str]) -> AppTest:
    """The app opened by a link to the Step-by-step page with these query parameters."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    return open_page(at, PAGE)


@pytest.mark.parametrize("setup", SETUPS[::2], ids=[s.code() for s in SETUPS[::2]])
def test_the_worked_lines_end_on_the_shown_answer(setup):
    ex = exq.draw(setup, 5)
    for n, q in enumerate(ex.questions):
        lines = ui_ex.worked_latex(ex, q)
        assert lines and lines[-1].endswith("=" + latex.num(float(q.shown))), (q.key, lines[-1])
        assert ui_ex.question_prompt(ex, q) and "$" in ui_ex.question_prompt(ex, q)
        assert len(ui_ex.known_latex(ex, n + 1)) >= len(ui_ex.known_latex(ex, n))
        for line in [*lines, *ui_ex.known_latex(ex, n + 1), *ui_ex.givens_latex(ex)]:  # KaTeX can parse it
            assert line.count("{") == line.count("}") and line.count(r"\begin") == line.count(r"\end"), line


def test_right_answers_walk_the_lectures_order(deriv):
    _clean(deriv)
    run = deriv.session_state[keys.RUN]
    ex = _ex(deriv)
    assert ex.setup == exq.setup_like(run.net.sizes, run.net.hidden, run.net.output, run.net.loss_name, run.net.bias)
    assert any(h.value == "Your turn" for h in deriv.subheader)
    expected = _ref_values(ex)
    student = Student(ex)
    for n, q in enumerate(ex.questions):
        assert q.value == pytest.approx(expected[q.key], rel=1e-12)
        assert f"Question {n + 1} of {len(ex.questions)}" in " ".join(_texts(deriv.markdown))
        _answer(deriv, str(student.answer(q.key)))
        _clean(deriv)
        assert deriv.success[0].value.startswith("Right") and q.shown in deriv.success[0].value
        assert _question(deriv) == n + 1
    assert deriv.session_state[keys.EX_TALLY] == {"right": len(ex.questions), "wrong": 0}
    assert any("questions of this exercise done" in s.value for s in deriv.success)
    assert "Your tally this session: 7 right, 0 wrong." in " ".join(_texts(deriv.caption))


def test_a_wrong_answer_names_the_step_and_shows_the_worked_line(deriv):
    ex = _ex(deriv)
    for q in ex.questions[:2]:
        _answer(deriv, q.shown)
    q = ex.questions[2]
    assert q.key == "delta_out"
    _answer(deriv, str(Student(ex, mistake="out_sign").answer(q.key)))
    assert not deriv.exception
    message = deriv.error[0].value
    assert message.startswith("Not quite") and "prediction minus target" in message and q.shown in message
    tex = " ".join(_texts(deriv.latex))
    assert ui_ex.worked_latex(ex, q)[0] in tex and r"y^{*}-y=" in tex
    assert deriv.session_state[keys.EX_TALLY] == {"right": 2, "wrong": 1}
    assert _question(deriv) == 3  # on to the hidden δ, which now has δ⁽²⁾ to work from
    assert r"\boldsymbol{\delta}^{(2)}=" in tex
    # a slip in the update: ξ forgotten
    for q in ex.questions[3:-1]:
        _answer(deriv, q.shown)
    _answer(deriv, str(Student(ex, mistake="no_xi").answer("w_new")))
    assert "ξ forgotten" in deriv.error[0].value


@pytest.mark.parametrize("text", ["abc", "1/2", "nan", "<script>", "1,2.3", "1e999", "  "])
def test_text_that_is_not_a_number_changes_nothing(deriv, text):
    before = dict(deriv.session_state[keys.EX_STATE])
    _answer(deriv, text)
    assert not deriv.exception and not deriv.error
    assert len(deriv.warning) == 1 and deriv.warning[0].value.count(". ") == 0
    assert deriv.session_state[keys.EX_STATE] == before
    assert deriv.session_state[keys.EX_TALLY] == {"right": 0, "wrong": 0}


def test_show_the_answer_moves_on_without_counting(deriv):
    ex = _ex(deriv)
    deriv.button(key=keys.EX_SHOW).click().run()
    assert _question(deriv) == 1 and deriv.session_state[keys.EX_TALLY] == {"right": 0, "wrong": 0}
    assert ex.questions[0].shown in deriv.info[-1].value


def test_new_sample_new_network_and_a_typed_seed_are_seeded(deriv):
    state = deriv.session_state[keys.EX_STATE]
    setup = exq.parse_setup(state["setup"])
    _answer(deriv, _ex(deriv).questions[0].shown)
    deriv.button(key=keys.EX_NEW_SAMPLE).click().run()
    assert deriv.session_state[keys.EX_STATE] == ui_ex.new_state(setup, 0, 1, setup.code())
    deriv.button(key=keys.EX_NEW_NET).click().run()
    assert deriv.session_state[keys.EX_STATE]["seed"] == 1 and deriv.session_state[keys.EX_STATE]["sample"] == 0
    deriv.number_input(key=keys.EX_SEED).set_value(99).run()
    _clean(deriv)
    ex = _ex(deriv)
    assert (ex.seed, ex.sample) == (99, 0)
    assert ex.questions == exq.draw(setup, 99, 0).questions
    assert ui_ex.givens_latex(ex)[1] in " ".join(_texts(deriv.latex))


def test_a_link_reproduces_the_exercise():
    at = _linked({"exercise_seed": "17", "exercise_sample": "2", "exercise_net": LECTURE})
    _clean(at)
    ex = _ex(at)
    assert (ex.seed, ex.sample, ex.setup.code()) == (17, 2, LECTURE)
    assert ex.questions == exq.draw(exq.parse_setup(LECTURE), 17, 2).questions
    tex = " ".join(_texts(at.latex))
    assert all(line in tex for line in ui_ex.givens_latex(ex))
    shown = at.get("code")[0].value
    assert shown == f"derivation?exercise_seed=17&exercise_sample=2&exercise_net={LECTURE}#your-turn"
    assert shown == ui_ex.link(17, LECTURE, 2) and ui_ex.link(3) == "derivation?exercise_seed=3#your-turn"
    # the link survives reruns and page switches, and a second student gets the same questions
    _answer(at, ex.questions[0].shown)
    at.switch_page("app_pages/playground.py").run()
    open_page(at, PAGE)
    assert _ex(at).seed == 17 and _question(at) == 1
    again = _linked({"exercise_seed": "17", "exercise_sample": "2", "exercise_net": LECTURE})
    assert _ex(again).questions == ex.questions


@pytest.mark.parametrize("params, says", [
    ({"exercise_seed": "abc"}, "exercise_seed must be a whole number from 0 to 999999"),
    ({"exercise_seed": "5", "exercise_sample": "-1"}, "exercise_sample must be a whole number"),
    ({"exercise_seed": "5", "exercise_net": "v9.2-2-1"}, "not in a form this version reads"),
    ({"exercise_seed": "5", "exercise_net": "v1.2-2-1.sigmoid.softmax.bce.bias"}, "needs a sigmoid output"),
    ({"exercise_seed": "9" * 5000}, "exercise_seed must be a whole number"),
    ({"exercise_seed": "1", "exercise_net": "v1." + "x" * 5000}, "not in a form this version reads"),
])
def test_a_bad_link_says_what_is_wrong_and_the_page_goes_on(params, says):
    at = _linked(params)
    assert not at.exception and not at.error
    assert any(says in w.value and w.value.startswith("The exercise link was not used") and len(w.value) < 300
               for w in at.warning)
    assert _ex(at).seed == 0 and len(_ex(at).questions) >= 5


def test_a_link_without_a_network_takes_the_pages():
    at = _linked({"exercise_seed": "8"})
    _clean(at)
    run = at.session_state[keys.RUN]
    assert _ex(at).seed == 8 and _ex(at).setup.sizes == (2, 2, 1) and _ex(at).setup.hidden == run.net.hidden


def test_the_single_layer_asks_the_lectures_rule(deriv):
    deriv.session_state["n_layers"] = 0
    deriv.run()
    _clean(deriv)
    ex = _ex(deriv)
    assert ex.setup.sizes == (2, 1)
    assert [q.key for q in ex.questions] == ["ystar", "loss", "delta_out", "grad_w", "grad_b", "w_new"]
    for q in ex.questions[:-1]:
        _answer(deriv, q.shown)
    _answer(deriv, str(Student(ex, mistake="plus").answer("w_new")))
    assert "subtract" in deriv.error[0].value
    assert any("single-layer rule" in t and r"\xi\,(y^{*}-y)\,x_" in t for t in _texts(deriv.latex))


def test_the_worked_example_gives_the_lectures_network(deriv):
    deriv.button(key=keys.DERIV_LOAD["lecture"]).click().run()
    _clean(deriv)
    assert _ex(deriv).setup.code() == LECTURE


@pytest.mark.parametrize("hidden, loss, output, dataset", [
    ("sigmoid", "bce", "sigmoid", "xor"), ("tanh", "bce", "sigmoid", "xor"), ("relu", "ce", "softmax", "blobs3"),
    ("leaky_relu", "squared", "sigmoid", "xor"), ("linear", "squared", "linear", "plane"),
    ("tanh", "squared", "softmax", "blobs3"),
])
def test_every_activation_and_loss_gives_an_exercise(deriv, hidden, loss, output, dataset):
    for key, value in {"hidden": hidden, "loss": loss, "output": output, "dataset": dataset}.items():
        deriv.session_state[key] = value
    deriv.run()
    _clean(deriv)
    ex = _ex(deriv)
    assert (ex.setup.hidden, ex.setup.loss, ex.setup.output) == (hidden, loss, output)
    q = ex.questions[0]
    _answer(deriv, str(Student(ex).answer(q.key)))
    _clean(deriv)
    assert deriv.success[0].value.startswith("Right")
    q = ex.questions[1]
    for m in q.mistakes[:1]:
        _answer(deriv, str(Student(ex, mistake=m.key).answer(q.key)))
        assert plain.for_markdown(m.hint) in deriv.error[0].value


def test_a_larger_network_gets_a_small_exercise_and_says_so(deriv):
    deriv.session_state["n_layers"] = 3
    deriv.session_state["units_1"] = 8
    deriv.run()
    _clean(deriv)
    assert _ex(deriv).setup.sizes == (2, 2, 1)
    assert any("The page's network (2-8-4-4-1) is larger" in c.value for c in deriv.caption)
