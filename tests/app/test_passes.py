"""The two passes on the Step-by-step page through AppTest: every step against tests/ui/lecture_math.py,
stepping back and forth, play, other depths and activations, the worked example."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.app.conftest import open_page
from tests.ui import lecture_math as ref
from tests.ui.test_pass_figure import check_figure
from ui import keys

PAGE = "app_pages/derivation.py"


def _pass_spec(at) -> dict:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    found = [s for s in specs if "steps" in s["layout"].get("meta", {})]
    assert len(found) == 1
    return found[0]


def _clean(at) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def _reference(at, index: int = 0) -> tuple[ref.Ref, list[np.ndarray]]:
    run = at.session_state[keys.RUN]
    W0 = [np.array(w) for w in run.net.W]
    return ref.net_step(run.net, run.data.X_train[index], run.trainer.Y_train[index], run.trainer.lr), W0


def _show(at, k: int) -> None:
    """Step k, as Next clicked k − 1 times from the first would show it."""
    at.session_state[keys.PASS_STEP] = k
    at.run()
    _clean(at)
    assert _pass_spec(at)["layout"]["meta"]["step"] == k


def _heading(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Step "))


def test_every_step_forward_and_back_shows_the_reference_values(app):
    at = open_page(app, PAGE)
    _clean(at)
    r, W0 = _reference(at)
    L = len(W0)
    n = 4 * L + 3
    seen = {}
    for k in range(1, n + 1):
        spec = _pass_spec(at)
        assert spec["layout"]["meta"] == {"epoch": 0, "step": k, "steps": n, "kind": ref.lecture_order(L)[k - 1][0],
                                          "layer": ref.lecture_order(L)[k - 1][1]}
        check_figure(spec, r, W0, k - 1, L)
        assert _heading(at).startswith(f"**Step {k} of {n}**")
        seen[k] = (spec, [x.value for x in at.latex][:4])
        if k < n:
            at.button(key=keys.PASS_NEXT).click().run()
            _clean(at)
    assert at.button(key=keys.PASS_NEXT).disabled
    for k in range(n - 1, 0, -1):  # back again: each step exactly as it was
        at.button(key=keys.PASS_PREVIOUS).click().run()
        assert (_pass_spec(at), [x.value for x in at.latex][:4]) == seen[k]
    assert at.button(key=keys.PASS_PREVIOUS).disabled and at.button(key=keys.PASS_FIRST).disabled
    at.button(key=keys.PASS_LAST).click().run()
    assert _pass_spec(at) == seen[n][0] and at.button(key=keys.PASS_LAST).disabled
    at.button(key=keys.PASS_FIRST).click().run()
    assert _pass_spec(at) == seen[1][0]
    assert at.get("progress")[0].proto.text == f"Step 1 of {n}"


def test_play_moves_one_step_per_tick_to_the_end_and_pause_stops_it(app):
    at = open_page(app, PAGE)
    n = _pass_spec(at)["layout"]["meta"]["steps"]
    at.button(key=keys.PASS_PLAY).click().run()
    assert at.session_state[keys.PASS_PLAYING] and at.session_state[keys.PASS_STEP] == 1  # step 1 stays a beat
    for k in range(2, n + 1):
        at.run()  # AppTest never ticks run_every: each run stands for one tick
        _clean(at)
        assert _pass_spec(at)["layout"]["meta"]["step"] == k
    assert not at.session_state[keys.PASS_PLAYING]
    assert at.button(key=keys.PASS_PLAY).label == "Play"
    at.run()
    assert at.session_state[keys.PASS_STEP] == n  # it stays at the end
    at.button(key=keys.PASS_PLAY).click().run()  # at the end, Play starts over
    assert at.session_state[keys.PASS_STEP] == 1
    at.run()
    at.button(key=keys.PASS_PAUSE).click().run()
    assert not at.session_state[keys.PASS_PLAYING]
    at.run()
    assert at.session_state[keys.PASS_STEP] == 2


@pytest.mark.parametrize("layers, hidden", [(0, "sigmoid"), (3, "relu"), (6, "tanh")])
def test_other_depths_and_activations(app, layers, hidden):
    app.session_state["n_layers"] = layers
    app.session_state["hidden"] = hidden
    at = open_page(app, PAGE)
    _clean(at)
    at.number_input(key=keys.DERIV_SAMPLE["playground"]).set_value(5).run()
    r, W0 = _reference(at, 5)
    L = layers + 1
    assert len(W0) == L
    for k in (2 * L, 2 * L + 3, 4 * L + 3):  # the output's stage O, δ^(L-1) or ∂L/∂w^(L), the update
        _show(at, k)
        check_figure(_pass_spec(at), r, W0, k - 1, L)


def test_the_worked_example_of_the_lecture(app):
    at = open_page(app, PAGE)
    at.button(key=keys.DERIV_LOAD["lecture"]).click().run()
    ex = at.session_state[keys.DERIV_EXAMPLE]
    assert not ex.net.bias
    W0 = [np.array(w) for w in ex.net.W]
    r = ref.net_step(ex.net, ex.X[0], ex.Y[0], ex.lr)
    for k in range(1, 12):
        _show(at, k)
        check_figure(_pass_spec(at), r, W0, k - 1, 2)
