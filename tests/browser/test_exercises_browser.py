"""Your turn in a real Chromium: an exercise link opens at its section; one answer right, one not a number,
one wrong; the section laid out without overlaps at 1440×1000, 1024×768 and 390×844."""

from __future__ import annotations

from engine import exercises as exq
from tests.browser.conftest import ARTIFACTS, KATEX_ERROR, enter_text, wait_idle

CODE = "v1.2-2-1.sigmoid.sigmoid.bce.nobias"
LOAD = 120_000  # the whole Step-by-step page renders before the section: slow on a loaded machine


def _overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def _submit(page, section, text: str) -> None:
    enter_text(page, section.get_by_label("Your answer"), text, timeout=LOAD)


def _laid_out(page, section, width: int, name: str) -> None:
    """Nothing of the section overlaps or leaves the window; its screenshot saved to look at."""
    wait_idle(page, LOAD)
    assert page.locator("[data-testid='stException']").count() == 0
    assert section.locator(KATEX_ERROR).count() == 0 and section.locator(".katex").count() > 5
    answer = section.get_by_label("Your answer").bounding_box()
    boxes = [section.get_by_role("button", name=n).bounding_box()
             for n in ("Check", "New sample", "New network", "Show the answer")]
    whole = section.bounding_box()
    assert whole["x"] >= 0 and whole["x"] + whole["width"] <= width
    for box in boxes:
        assert box["x"] >= 0 and box["x"] + box["width"] <= width and not _overlap(box, answer)
    for a, b in zip(boxes, boxes[1:]):
        assert not _overlap(a, b)
    ARTIFACTS.mkdir(exist_ok=True)
    for part, target in (("top", section.get_by_role("heading", name="Your turn")),
                         ("question", section.get_by_label("Your answer"))):
        target.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{part}.png"))


def test_an_exercise_link_answered_right_and_wrong(page, app_url):
    ex = exq.draw(exq.parse_setup(CODE), 5)
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{app_url}/derivation?exercise_seed=5&exercise_net={CODE}#your-turn")
    section = page.locator(".st-key-your_turn")
    section.get_by_text("Question 1 of 6").wait_for(timeout=LOAD)
    wait_idle(page, LOAD)
    assert section.get_by_role("heading", name="Your turn").count() == 1
    _submit(page, section, ex.questions[0].shown)
    section.get_by_text("Right:").wait_for()
    section.get_by_text("Question 2 of 6").wait_for()
    _submit(page, section, "not a number")
    section.get_by_text("That is not a number").wait_for()
    _submit(page, section, exq.shown(-ex.questions[1].value))  # the loss's minus sign forgotten
    section.get_by_text("Not quite").wait_for()
    section.get_by_text("Mind the minus sign").wait_for()
    assert section.get_by_text("right, 1 wrong").count() == 1
    _laid_out(page, section, 1440, "exercise-1440x1000")
    for width, height in ((1024, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        _laid_out(page, section, width, f"exercise-{width}x{height}")
