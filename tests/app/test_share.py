"""Share and classroom links, versioned links, the lecture's rule and the presenter's keys (issue 13, parts 1
and 6), through AppTest as a user meets them."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import component_data, open_page, set_expander
from tests.app.test_bad_input import fresh
from tests.ui import lecture_math as ref
from ui import controls, keyboard, keys, session_run, theme

WIDGETS = ("selectbox", "number_input", "slider", "toggle", "multiselect")


def drawn_controls(at: AppTest) -> set[str]:
    """The controls of the control table that the page draws as widgets."""
    return {w.key for kind in WIDGETS for w in at.get(kind) if w.key in controls.BY_KEY}


def warnings(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning).replace("\\_", "_")


def link_params(link: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(link).query, keep_blank_values=True))


def shown_links(at: AppTest) -> list[str]:
    """The links the Share panel shows to copy, in order (the panel opened first)."""
    set_expander(at, keys.SHARE)
    return [data["link"] for data in component_data(at, "copy_link")]


def test_a_classroom_link_from_the_share_panel_shows_exactly_the_ticked_controls():
    at = fresh({"seed": "7", "n_layers": "2"})
    everything = drawn_controls(at)
    assert {"dataset", "seed", "lr", "batch_mode", "hidden"} <= everything
    set_expander(at, keys.SHARE)
    at.multiselect(key=keys.SHARE_SHOWN).set_value(["lr", "hidden", "batch_mode"]).run()
    link = shown_links(at)[-1]  # the classroom link, as the panel shows it for copying
    params = link_params(link)
    assert params["v"] == "1" and params["show"] == "hidden,lr,batch_mode" and params["seed"] == "7"

    student = fresh(params)
    assert drawn_controls(student) == {"hidden", "lr", "batch_mode"}  # batch_k too is fixed: not drawn
    assert student.button(key=keys.LECTURE_RULE)  # the batch control is shown, and so is its one-click rule
    run = student.session_state[keys.RUN]
    assert (run.values["seed"], run.values["n_layers"]) == (7, 2) and run.net.sizes == [2, 4, 4, 1]
    # a shown control changes the run; a hidden one stays at the link's value whatever reaches the session
    student.selectbox(key="hidden").set_value("tanh").run()
    student.session_state["seed"] = 3
    student.session_state["n_layers"] = 1
    student.run()
    run = student.session_state[keys.RUN]
    assert run.values["hidden"] == "tanh" and run.net.hidden == "tanh"
    assert (run.values["seed"], run.values["n_layers"]) == (7, 2)
    assert student.query_params["show"] == "hidden,lr,batch_mode"  # a reload keeps the classroom view
    assert len(shown_links(student)) == 1  # the students' Share panel offers this page's link only


def test_the_share_panel_is_drawn_only_while_open_and_keeps_its_choices():
    at = fresh({"seed": "7"})
    panel = lambda: ([w.key for w in at.multiselect if w.key == keys.SHARE_SHOWN]  # noqa: E731
                     + [w.key for w in at.toggle if w.key == keys.SHARE_PRESENTER] + component_data(at, "copy_link"))
    assert not panel()  # closed: neither the links' component nor the multiselect before the first chart
    set_expander(at, keys.SHARE)
    assert len(panel()) == 4
    at.multiselect(key=keys.SHARE_SHOWN).set_value(["lr"]).run()
    at.toggle(key=keys.SHARE_PRESENTER).set_value(True).run()
    set_expander(at, keys.SHARE, False)
    assert not panel()
    at.button(key=keys.STEP_1).click().run()
    set_expander(at, keys.SHARE)
    assert at.multiselect(key=keys.SHARE_SHOWN).value == ["lr"] and at.toggle(key=keys.SHARE_PRESENTER).value
    params = link_params(shown_links(at)[-1])
    assert params["show"] == "lr" and params["presenter"] == "True" and params["seed"] == "7"


def test_a_classroom_link_that_shows_nothing_draws_no_control():
    at = fresh({"show": "", "lr": "0.3"})
    assert drawn_controls(at) == set() and not at.warning
    assert at.session_state[keys.RUN].values["lr"] == 0.3


@pytest.mark.parametrize(("params", "message"), [
    ({"show": "lr,bogus", "lr": "0.3"}, "Controls shown: 'bogus' is not one of dataset"),
    ({"presenter": "maybe", "lr": "0.3"}, "Presenter layout must be true or false, got 'maybe'"),
])
def test_a_bad_flag_is_named_and_the_run_keeps_the_rest(params, message):
    at = fresh(params)
    assert message in warnings(at) and len(at.warning) == 1
    run = at.session_state[keys.RUN]
    assert run.values["lr"] == 0.3  # the link's good settings apply
    assert drawn_controls(at) == drawn_controls(fresh({"lr": "0.3"}))  # nothing hidden, the usual layout
    assert not session_run.link_flags(at.session_state)["presenter"]


def test_a_link_of_an_unknown_version_applies_nothing_and_says_so():
    at = fresh({"v": "9", "lr": "0.3", "show": "lr"})
    assert len(at.warning) == 1
    assert "This link's settings were not applied: Link version: 9 is not one of 1" in warnings(at)
    run = at.session_state[keys.RUN]
    assert run.values == {**controls.defaults(), "loss": "bce"} and len(drawn_controls(at)) > 10


def test_the_current_versions_defaults_are_the_controls_defaults():
    """A changed default must come with a new link version (see `controls.LINK_DEFAULTS`)."""
    assert controls.link_defaults(controls.LINK_VERSION) == controls.defaults()
    assert controls.LINK_DEFAULTS[1]["batch_mode"] == "mini" and controls.LINK_DEFAULTS[1]["lr"] == 1.0


OTHER_DEFAULTS = {"dataset": "circles", "hidden": "tanh", "lr": 0.1, "batch_mode": "sample", "seed": 5,
                  "units_1": 8, "n_points": 200, "init": "he", "n_layers": 2, "noise": 0.3, "bias": False}


def _defaults_changed(monkeypatch) -> None:
    """Simulate a later version of the app whose controls have other defaults."""
    table = tuple(dataclasses.replace(c, default=OTHER_DEFAULTS.get(c.key, c.default)) for c in controls.CONTROLS)
    monkeypatch.setattr(controls, "CONTROLS", table)
    monkeypatch.setattr(controls, "BY_KEY", {c.key: c for c in table})


def _trained(params: dict[str, str]) -> tuple:
    """The run a link opens, after two epochs: its configuration, initial and trained weights."""
    at = fresh(params)
    run = at.session_state[keys.RUN]
    config = controls.run_config(run.values, run.data.task)
    initial = [w.copy() for w in run.net.W]
    at.button(key=keys.STEP_1).click().run()
    at.button(key=keys.STEP_1).click().run()
    return config, initial, [w.copy() for w in run.net.W], run.data.X_train.copy()


@pytest.mark.parametrize("link", [{"v": "1", "lr": "0.3", "units_1": "6"}, {"lr": "0.3", "units_1": "6"}],
                         ids=["v1", "no version"])
def test_an_old_link_reproduces_its_run_after_the_defaults_change(monkeypatch, link):
    before = _trained(link)
    _defaults_changed(monkeypatch)
    assert fresh().session_state[keys.RUN].values["dataset"] == "circles"  # a bare visit takes the new defaults
    after = _trained(link)
    assert after[0] == before[0]  # the same RunConfig
    for old, new in zip(before[1:], after[1:]):
        for a, b in zip(old if isinstance(old, list) else [old], new if isinstance(new, list) else [new]):
            np.testing.assert_array_equal(a, b)


def test_a_link_writes_its_version_and_what_differs_from_that_versions_defaults(monkeypatch):
    at = fresh({"lr": "0.3"})
    assert dict(at.query_params) == {"v": "1", "lr": "0.3"}
    _defaults_changed(monkeypatch)
    at.run()
    assert dict(at.query_params) == {"v": "1", "lr": "0.3"}  # against version 1's table, not the new defaults


def test_the_lecture_rule_is_one_click_away(app):
    app.button(key=keys.STEP_1).click().run()
    run = app.session_state[keys.RUN]
    assert run.values["batch_mode"] == "mini" and run.trainer.batch_size == 10  # today's default is kept
    assert "Use the lecture's rule: per-sample SGD" in app.button(key=keys.LECTURE_RULE).label
    app.button(key=keys.LECTURE_RULE).click().run()
    assert app.session_state[keys.RUN] is run and run.trainer.epoch == 1  # the network is kept
    assert run.values["batch_mode"] == "sample" and run.trainer.batch_size == 1
    assert app.selectbox(key="batch_mode").value == "sample" and app.query_params["batch_mode"] == "sample"
    assert any("Training with the lecture's rule: per-sample SGD" in c.value for c in app.caption)
    assert not [b for b in app.button if b.key == keys.LECTURE_RULE]


def test_space_and_right_arrow_map_to_play_and_one_step(app):
    run = app.session_state[keys.RUN]
    keyboard.step_epoch(app.session_state)
    assert run.trainer.epoch == 1
    keyboard.toggle_play(app.session_state)
    assert run.playing
    keyboard.toggle_play(app.session_state)
    assert not run.playing
    assert [c for c in app.get("bidi_component") if c.proto.component_name == "presenter_keys"]


def test_the_presenter_layout_scales_type_and_lines_and_keeps_the_captions():
    at = fresh({"presenter": "true"})
    assert any("font-size: 125%" in h.proto.body for h in at.get("html"))
    assert any("Train loss should fall" in c.value for c in at.caption)
    spec = theme.figure([dict(type="scatter", x=[0, 1], y=[0, 1], line=dict(width=2))], 300)
    big = theme.scaled(spec, 1.5, 2.0)
    assert big.layout.font.size == 18 and big.layout.xaxis.tickfont.size == 18 and big.data[0].line.width == 4
    assert big.layout.margin.l == 1.5 * theme.MARGIN["l"] and spec.data[0].line.width == 2  # a copy
    assert not any("font-size: 125%" in h.proto.body for h in fresh().get("html"))


# --- Apply this step: a rise of the total loss is explained --------------------------------------------
def _total(W, b, net, X, Y) -> float:
    """The mean loss over the samples, in plain numpy (tests/ui/lecture_math.py)."""
    return float(np.mean([ref.loss_value(net.loss_name, y, ref.forward(W, b, net.hidden, net.output, x)[2][-1])
                          for x, y in zip(X, Y)]))


def _sample_where(run, total_rises: bool) -> int:
    net, X, Y = run.net, run.data.X_train, run.trainer.Y_train
    W, b = [np.array(w) for w in net.W], [np.array(v) for v in net.b]
    for k in range(len(X)):
        r = ref.net_step(net, X[k], Y[k], run.trainer.lr)
        rises = _total(r.W_after, r.b_after, net, X, Y) > _total(W, b, net, X, Y)
        if r.loss_after < r.loss_before and rises == total_rises:
            return k
    raise AssertionError("no such sample")


def test_apply_this_step_says_why_the_total_loss_rose():
    at = fresh({"lr": "3"})
    deriv = open_page(at, "app_pages/derivation.py")
    run = deriv.session_state[keys.RUN]
    net, X, Y = run.net, run.data.X_train, run.trainer.Y_train
    k = _sample_where(run, total_rises=True)
    expected = (_total(net.W, net.b, net, X, Y), _total(ref.net_step(net, X[k], Y[k], 3.0).W_after,
                                                        ref.net_step(net, X[k], Y[k], 3.0).b_after, net, X, Y))
    deriv.number_input(key=keys.DERIV_SAMPLE["playground"]).set_value(k).run()
    deriv.button(key=keys.DERIV_APPLY).click().run()
    text = " ".join(s.value for s in deriv.success)
    found = re.search(rf"mean loss over all {len(X)} samples rose, from (\S+) to (\S+?): one sample's step goes "
                      r"downhill on that sample's loss, not on the total", text)
    assert found, text
    np.testing.assert_allclose([float(found[1]), float(found[2])], expected, rtol=1e-5)
    # a step that lowers the total gets no such line
    k = _sample_where(deriv.session_state[keys.RUN], total_rises=False)
    deriv.number_input(key=keys.DERIV_SAMPLE["playground"]).set_value(k).run()
    deriv.button(key=keys.DERIV_APPLY).click().run()
    text = " ".join(s.value for s in deriv.success)
    assert f"Applied the update for sample {k}" in text and "rose" not in text
