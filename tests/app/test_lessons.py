"""Lessons (ui/lessons.py, app_pages/lessons.py): every link is valid and opens the page it names with its setup."""

from __future__ import annotations

import ast
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, open_page
from tests.conftest import ROOT
from ui import controls, keys, lessons, session_run
from ui.derivation import exercises
from ui.derivation.sections import ANCHORS


def _navigation() -> dict[str, str]:
    """The page scripts by URL path, read from app.py's `st.Page(...)` calls (the default page: "")."""
    pages = {}
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            options = {k.arg: k.value.value for k in node.keywords}
            pages["" if options.get("default") else options["url_path"]] = node.args[0].value
    return pages


PAGES = _navigation()
TITLES = {"app_pages/playground.py": "Backprop Playground", "app_pages/derivation.py": "Backprop, step by step"}
PARAMETERS = {c.key for c in controls.CONTROLS} | set(controls.FLAG_BY_KEY)  # settings and link flags (v)

LINKS = [(lesson, setup.label, lessons.playground_link(lesson, setup), lesson.values(setup))
         for lesson in lessons.LESSONS for setup in lesson.setups]
LINKS += [(lesson, "section", lessons.section_link(lesson), lesson.values(lesson.setups[0]))
          for lesson in lessons.LESSONS]
LINKS += [(lesson, "exercise", lessons.exercise_link(lesson), lesson.values(lesson.setups[0]))
          for lesson in lessons.LESSONS]


def _script(path: str) -> str:
    """The page script a relative link's path opens."""
    name = path.removeprefix("./").strip("/")
    assert name in PAGES, f"{path} names no page of app.py ({sorted(PAGES)})"
    return PAGES[name]


def test_the_navigation_was_read():
    assert PAGES[""] == "app_pages/playground.py" and PAGES["derivation"] == "app_pages/derivation.py"
    assert PAGES["lessons"] == "app_pages/lessons.py"


@pytest.mark.parametrize("lesson, what, link, values", LINKS, ids=[f"{l.key}-{w}" for l, w, _, _ in LINKS])
def test_every_link_is_valid_and_opens_its_page_with_its_setup(lesson, what, link, values):
    parts = urlsplit(link)
    params = dict(parse_qsl(parts.query, strict_parsing=True))
    own = exercises.LINK_PARAMS if what == "exercise" else ()  # an exercise link's own parameters
    assert set(params) - set(own) <= PARAMETERS
    if what == "exercise":
        assert params[exercises.SEED_PARAM] == str(lessons.LESSONS.index(lesson) + 1)
    session: dict = {}
    assert session_run.seed_from_url(session, params, own) == []  # validated as any shared link is, no problems
    assert session[keys.CONFIG] == values
    assert controls.validate(values)[1] == {}
    script = _script(parts.path)
    anchors = [*ANCHORS.values(), exercises.ANCHOR]
    if parts.fragment:
        assert parts.fragment in anchors
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(script)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]  # no setting was ignored or adjusted
    assert at.title[0].value == TITLES[script]
    run = at.session_state[keys.RUN]
    assert {k: run.values[k] for k in values} == values
    assert run.net.sizes[1:-1] == controls.hidden_sizes(values)
    assert (run.net.hidden, run.net.loss_name, run.net.bias) == (values["hidden"], values["loss"], values["bias"])
    assert run.trainer.lr == values["lr"]
    if parts.fragment:
        assert parts.fragment in [h.proto.anchor for h in at.subheader]


def test_the_lessons_page_lists_every_lesson_with_its_links(app):
    at = open_page(app, "app_pages/lessons.py")
    assert not at.exception and not at.error
    headings = [h.value for h in at.subheader]
    assert headings == [f"{k} · {lesson.title}" for k, lesson in enumerate(lessons.LESSONS, start=1)]
    assert len(at.latex) == sum(len(lesson.formulas) for lesson in lessons.LESSONS)
    buttons = [b.proto for b in at.get("link_button")]
    assert [b.url for b in buttons] == [link for lesson in lessons.LESSONS for link in (
        *(lessons.playground_link(lesson, s) for s in lesson.setups), lessons.section_link(lesson),
        lessons.exercise_link(lesson))]
    assert {lesson.key for lesson in lessons.LESSONS} == {h.proto.anchor for h in at.subheader}
    assert all("Look at:" in m.value for m in at.markdown if m.value.startswith("**Look at"))
    assert at.session_state[keys.RUN].trainer.epoch == 0  # the page itself changes nothing


def test_the_lessons_cover_the_lecture_path():
    keys_ = [lesson.key for lesson in lessons.LESSONS]
    assert keys_ == ["single-unit", "two-two-one", "vector-form", "loss", "activations", "learning-rate", "deep"]
    by_key = {lesson.key: lesson for lesson in lessons.LESSONS}
    single = by_key["single-unit"].values(by_key["single-unit"].setups[0])
    assert (single["n_layers"], single["loss"], single["bias"], single["batch_mode"]) == (0, "bce", False, "sample")
    slides = by_key["two-two-one"].values(by_key["two-two-one"].setups[0])
    assert (slides["n_layers"], slides["units_1"], slides["hidden"], slides["bias"]) == (1, 2, "sigmoid", False)
    assert [s.changes["hidden"] for s in by_key["activations"].setups] == ["sigmoid", "tanh", "relu"]
    assert [s.changes["lr"] for s in by_key["learning-rate"].setups] == [0.01, 0.5, 10.0]
    assert [s.changes.get("loss") for s in by_key["loss"].setups] == ["bce", "squared"]
    deep = by_key["deep"].values(by_key["deep"].setups[0])
    assert deep["n_layers"] == 5 and deep["hidden"] == "sigmoid"
