"""The two passes on the Step-by-step page and one lesson, in a real Chromium: play to the end, the layout on
three screens (nothing overlaps, everything fits), a lesson's link opening its Playground setup."""

from __future__ import annotations

from tests.browser.conftest import KATEX_ERROR, screenshot, wait_idle
from ui import keys

SCREENS = {"desktop": (1440, 1000), "projector": (1024, 768), "phone": (390, 844)}
STEPS = 11  # the default 2-4-1 network: 4L + 3

GEOMETRY = f"""() => {{
  const box = (el) => {{ const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }};
  const shown = (el) => {{ const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; }};
  const plot = document.querySelector('.st-key-{keys.PASS_DIAGRAM} .js-plotly-plot');
  return {{
    diagram: box(document.querySelector('.st-key-{keys.PASS_DIAGRAM}')),
    line: box(document.querySelector('.st-key-{keys.PASS_LINE}')),
    buttons: box(document.querySelector('.st-key-{keys.PASS_BUTTONS}')),
    plot: box(plot),
    labels: [...plot.querySelectorAll('.textpoint text')].filter(shown).filter((e) => e.textContent).map(box),
    step: plot.layout.meta.step,
  }};
}}"""


def _overlap(a, b, slack: float = 1.0) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack


def _wait_step(page, k: int) -> None:
    page.wait_for_function(f"[...document.querySelectorAll('.st-key-{keys.PASS_LINE} p')]"
                           f".some(p => p.textContent.startsWith('Step {k} of {STEPS}'))", timeout=60_000)
    page.wait_for_function(f"(() => {{ const p = document.querySelector('.st-key-{keys.PASS_DIAGRAM} .js-plotly-plot');"
                           f" return p && p.layout && p.layout.meta.step === {k}; }})()", timeout=60_000)


def _check_layout(page, name: str) -> None:
    g = page.evaluate(GEOMETRY)
    width = page.viewport_size["width"]
    for part in ("diagram", "line", "buttons", "plot"):
        assert g[part][0] >= -1 and g[part][2] <= width + 1, (name, part, g[part], width)
    assert not _overlap(g["diagram"], g["line"]), (name, g["diagram"], g["line"])
    assert not _overlap(g["buttons"], g["diagram"]), name
    labels = g["labels"]
    assert labels, name
    for i, a in enumerate(labels):
        assert g["plot"][0] - 1 <= a[0] and a[2] <= g["plot"][2] + 1, (name, "label outside", a)
        for b in labels[i + 1:]:
            assert not _overlap(a, b, slack=2.0), (name, "labels overlap", a, b)


def test_the_two_passes_play_to_the_end_and_fit_every_screen(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{app_url}/derivation#two-passes")
    wait_idle(page, 60_000)
    _wait_step(page, 1)
    assert page.locator("[data-testid='stException']").count() == 0
    buttons = page.locator(f".st-key-{keys.PASS_BUTTONS}")
    # Play from two steps before the end: two beats on by itself, then it stops (every step, and Play from
    # the first: tests/app/test_passes.py)
    for name, k in (("Last", STEPS), ("Previous", STEPS - 1), ("Previous", STEPS - 2)):
        buttons.get_by_role("button", name=name).click()
        _wait_step(page, k)
        wait_idle(page, 60_000)
    buttons.get_by_role("button", name="Play").click()
    _wait_step(page, STEPS - 1)
    _wait_step(page, STEPS)  # played on by itself, one step a beat
    buttons.get_by_role("button", name="Play").wait_for(timeout=30_000)
    wait_idle(page, 60_000)
    assert page.locator(KATEX_ERROR).count() == 0
    for name, (w, h) in SCREENS.items():
        page.set_viewport_size({"width": w, "height": h})
        for k in (STEPS, 2):  # the update (every edge labelled), then stage I of layer 1 (edges and units)
            _go_to(page, k)
            _check_layout(page, f"{name}, step {k}")
        screenshot(page, f"passes-{name}")


def _go_to(page, k: int) -> None:
    """Step k: the last one by Last, step 2 by First then Next."""
    shown = page.evaluate(GEOMETRY)["step"]
    if k == shown:
        pass
    elif k == STEPS:
        page.locator(f".st-key-{keys.PASS_BUTTONS}").get_by_role("button", name="Last").click()
    else:
        page.locator(f".st-key-{keys.PASS_BUTTONS}").get_by_role("button", name="First").click()
        _wait_step(page, 1)
        wait_idle(page, 60_000)
        page.locator(f".st-key-{keys.PASS_BUTTONS}").get_by_role("button", name="Next").click()
    _wait_step(page, k)
    wait_idle(page, 60_000)
    page.locator(f".st-key-{keys.PASS_ROW}").scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # the plot's relayout to its new width


def test_a_lesson_opens_its_playground_setup_in_a_new_tab(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{app_url}/lessons")
    wait_idle(page, 60_000)
    page.get_by_text("Look at:").first.wait_for()
    for name, (w, h) in SCREENS.items():
        page.set_viewport_size({"width": w, "height": h})
        page.wait_for_timeout(300)
        row = page.locator(f".st-key-{keys.LESSON_LINKS}two-two-one")
        row.scroll_into_view_if_needed()
        boxes = [b.bounding_box() for b in row.locator("a").all()]
        assert len(boxes) == 3
        for i, a in enumerate(boxes):
            assert a["x"] >= 0 and a["x"] + a["width"] <= w + 1, (name, a)
            for b in boxes[i + 1:]:
                assert not _overlap([a["x"], a["y"], a["x"] + a["width"], a["y"] + a["height"]],
                                    [b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"]]), name
        screenshot(page, f"lessons-{name}")
    page.set_viewport_size({"width": 1440, "height": 1000})
    with page.context.expect_page() as opened:
        page.locator(f".st-key-{keys.LESSON_LINKS}two-two-one").get_by_text("Open it in the Playground").click()
    tab = opened.value
    tab.bring_to_front()
    wait_idle(tab, 60_000)
    tab.get_by_role("heading", name="Backprop Playground").wait_for(timeout=60_000)
    assert "units_1=2" in tab.url and "bias=False" in tab.url
    inputs = "[...document.querySelectorAll(\"[data-testid='stSidebar'] [data-testid='stNumberInput']\")]"
    tab.wait_for_function(f"() => {inputs}.some(e => e.innerText.includes('Units H in layer 1') "
                          "&& e.querySelector('input').value === '2')", timeout=60_000)  # the lesson's H = 2
    wait_idle(tab, 60_000)
    assert tab.locator("[data-testid='stAlertContentWarning']").count() == 0  # no setting was ignored
    assert page.locator("[data-testid='stException']").count() == 0  # the lessons tab is as it was
    tab.close()
