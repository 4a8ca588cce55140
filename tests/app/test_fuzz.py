"""A seeded random walk through all three pages (AppTest): widgets set to valid and boundary values,
hostile text, CSV uploads from the corpus, bursts of Step/Play/Pause/Reset/Restart, page switches.

After every run: no exception, no traceback text, the page's widgets all there, and no `nan`/`inf`
in any metric, caption, markdown or table. The walk lasts FUZZ_SECONDS (10 s by default, and at
least MIN_ACTIONS actions: a short walk for every CI run); `pytest --fuzz-long` walks 10 minutes
(or set FUZZ_SECONDS), locally.
"""

from __future__ import annotations

import os
import random
import re
import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, html_tables, metric_rows
from tests.make_bad_csvs import corpus
from ui import keys
from ui.compare.views import VIEWS
from ui.derivation.sections import MODES
from ui.playground import film

PAGES = {"playground": "app_pages/playground.py", "derivation": "app_pages/derivation.py",
         "compare": "app_pages/compare.py", "lessons": "app_pages/lessons.py"}
# widgets each page always draws (the rest depend on the settings)
ALWAYS = {
    "playground": ("dataset", "hidden", "lr", keys.STEP_1, keys.STEP_N, keys.RESET, keys.RESTART),
    "derivation": (keys.DERIV_MODE, keys.DERIV_LOAD["lecture"], keys.DERIV_LOAD["mazur"]),
    "compare": (keys.CMP_VIEW,),
    "lessons": (),  # links only
}
COMPARE_VIEWS = {VIEWS[0]: (keys.CMP_PRESET, keys.CMP_N_RUNS, keys.CMP_EPOCHS),
                 VIEWS[1]: (keys.CMP_SWEEP_LO, keys.CMP_SWEEP_HI, keys.CMP_SWEEP_K)}
RUN_BUTTONS = (keys.STEP_1, keys.STEP_N, keys.PLAY, keys.PAUSE, keys.RESET, keys.RESTART)
COSTLY = {keys.CMP_EPOCHS: (1, 2, 15), keys.CMP_SWEEP_EPOCHS: (1, 2, 15), keys.CMP_N_RUNS: (2, 3),
          "n_points": (20, 300, 2000), "max_epochs": (0, 1, 100)}
TEXTS = ("", "x", "<b>bold</b>", "[link](https://example.org)", "$x$ **y** `z`", "<script>alert(1)</script>",
         "4, 4", "0", "-3", "1000,1000", "9" * 60, "ünïcødé ξ")
RADIO_VALUES = {keys.DERIV_MODE: list(MODES)}  # radios whose labels are not their values
MIN_ACTIONS = 20  # the walk goes on past its time until it has done this many, however slow the machine
NON_FINITE = re.compile(r"(?<![a-z])[+-]?(nan|inf)(?![a-z])", re.IGNORECASE)


def _seconds(config: pytest.Config) -> float:
    if config.getoption("--fuzz-long"):
        return 600.0
    return float(os.environ.get("FUZZ_SECONDS", "10"))


def _texts(at: AppTest) -> list[tuple[str, str]]:
    """(kind, text) of every metric, caption, markdown and table on the page."""
    out = [("metric", " ".join(map(str, row))) for row in metric_rows(at)]
    out += [("caption", c.value) for c in at.caption] + [("markdown", m.value) for m in at.markdown]
    out += [("table", t.value.to_string()) for t in [*at.dataframe, *at.table]]
    out += [("table", str(rows)) for rows in html_tables(at)]
    return out


def _check(at: AppTest, page: str, step: str) -> None:
    assert not at.exception, (step, at.exception)
    for kind, text in [*_texts(at), *[("alert", a.value) for a in [*at.error, *at.warning, *at.info]]]:
        assert "Traceback" not in text, (step, kind, text)
        if kind != "alert":  # a message may name NaN or inf in words; a number on screen may not
            assert not NON_FINITE.search(text), (step, kind, text)
    present = {w.key for kind in ("selectbox", "number_input", "button", "radio") for w in at.get(kind)}
    expected = set(ALWAYS[page])
    if page == "compare":
        expected |= set(COMPARE_VIEWS[at.radio(key=keys.CMP_VIEW).value])
    missing = expected - present
    assert not missing, (step, missing)


def _widgets(at: AppTest) -> list:
    kinds = ("selectbox", "number_input", "slider", "toggle", "multiselect", "text_input", "radio", "checkbox")
    return [w for kind in kinds for w in at.get(kind) if getattr(w, "key", None) and not w.disabled]


def _set_randomly(rng: random.Random, w) -> str:
    """Give widget `w` a random valid or boundary value; returns what was done."""
    kind = w.type
    if kind == "selectbox":
        i = rng.randrange(len(w.options))
        w.select_index(i)
        return f"{w.key} #{i}"
    if kind == "radio":
        value = rng.choice(RADIO_VALUES.get(w.key, list(w.options)))
        w.set_value(value)
        return f"{w.key} = {value}"
    if kind == "number_input":
        lo, hi = w.proto.min, w.proto.max
        value = rng.choice(COSTLY.get(w.key) or (lo, hi, lo + (hi - lo) * rng.random()))
        if w.proto.data_type == w.proto.INT:
            value = int(round(value))
        w.set_value(value)
        return f"{w.key} = {value}"
    if kind == "slider":
        lo, hi = w.proto.min, w.proto.max
        value = rng.choice([lo, hi, round(lo + (hi - lo) * rng.random(), 2)])
        w.set_value(value)
        return f"{w.key} = {value}"
    if kind in ("toggle", "checkbox"):
        w.set_value(not w.value)
        return f"{w.key} toggled"
    if kind == "multiselect":
        options = list(w.options)
        chosen = rng.sample(options, rng.randint(0, min(3, len(options))))
        w.set_value(chosen)
        return f"{w.key} = {chosen}"
    text = rng.choice(TEXTS)
    w.set_value(text)
    return f"{w.key} = {text!r}"


def _act(rng: random.Random, at: AppTest, page: str, files: list) -> tuple[str, str]:
    """One random action (or a burst of clicks); returns the page afterwards and what was done."""
    roll = rng.random()
    buttons = {b.key: b for b in at.button if b.key and not b.disabled}
    if roll < 0.08:
        page = rng.choice(list(PAGES))
        at.switch_page(PAGES[page]).run()
        return page, f"open {page}"
    if roll < 0.45 and buttons:
        key = rng.choice([k for k in buttons if k in RUN_BUTTONS] or list(buttons))
        burst = rng.choice((1, 1, 2, 4))
        for _ in range(burst):
            button = next((b for b in at.button if b.key == key and not b.disabled), None)
            if button is None:
                break
            button.click().run()
        return page, f"click {key} ×{burst}"
    uploaders = [u for u in at.get("file_uploader") if u.key == keys.CSV_UPLOAD]  # the save uploader: test_run_tools
    if roll < 0.52 and uploaders:
        name, (data, _) = rng.choice(files)
        uploaders[0].set_value((f"{name}.csv", data, "text/csv")).run()
        return page, f"upload {name}"
    widgets = _widgets(at)
    if not widgets:
        at.run()
        return page, "rerun"
    done = _set_randomly(rng, rng.choice(widgets))
    at.run()
    return page, done


@pytest.mark.parametrize("seed", [20261201])
def test_a_random_walk_through_every_page_never_breaks(seed, request, monkeypatch):
    monkeypatch.setattr(film, "FILM_SECONDS", 0.3)  # short films: more actions in the time
    rng = random.Random(seed)
    files = [(n, f) for n, f in corpus().items() if n not in ("over_the_size_limit", "too_many_rows")]
    files.append(("good", ("x1,x2,y\n" + "".join(f"{k % 7},{k % 5},{k % 2}\n" for k in range(60))).encode()))
    at = AppTest.from_file(APP, default_timeout=60).run()
    page, log = "playground", []
    _check(at, page, "start")
    end = time.monotonic() + _seconds(request.config)
    while time.monotonic() < end or len(log) < MIN_ACTIONS:
        page, done = _act(rng, at, page, files)
        log.append(done)
        _check(at, page, " → ".join(log[-8:]))
    print(f"{len(log)} actions, {sum(a.startswith('click') for a in log)} click bursts")
