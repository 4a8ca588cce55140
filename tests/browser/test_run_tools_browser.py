"""The run tools in a real Chromium: load a save file, drag the timeline, edit a weight and see y* change,
at three screen sizes (nothing of the tools overlaps, nothing is wider than the screen)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import EPOCH_SHOWN, enter_text, metric, screenshot, wait_idle
from ui import keys, session_run

SIZES = ((1440, 1000), (1024, 768), (390, 844))
CHART_EPOCH = "document.querySelectorAll('.js-plotly-plot')[{k}]?.layout?.meta?.epoch"
TOOLS_LABEL = "Load a saved run · edit a weight · new data"
UPLOADER = f".st-key-{keys.SAVE_UPLOAD} input[type='file']"
Y_STAR = "JSON.stringify(document.querySelectorAll('.js-plotly-plot')[1].data.map(t => t.z ?? t.y))"


def _save_file(tmp_path) -> str:
    """A run of 30 epochs on circles, saved as the app's download would save it."""
    session: dict = {"dataset": "circles"}
    session_run.step(session, 30)
    path = tmp_path / "run.json"
    path.write_text(session_run.weights_json(session[keys.RUN], session))
    return str(path)


def _wait_epoch(page, epoch: int, timeout: float = 90_000) -> None:
    """Wait until the metrics, the diagram and y* show `epoch` (a loaded run reruns the whole page)."""
    page.wait_for_function(f"{EPOCH_SHOWN} === '{epoch}'", timeout=timeout)
    wait_idle(page, timeout)
    _show_charts(page)
    page.wait_for_function(f"{CHART_EPOCH.format(k=0)} === {epoch} && {CHART_EPOCH.format(k=1)} === {epoch}",
                           timeout=timeout)


def _show_charts(page) -> None:
    """Scroll y* into view (a chart out of view keeps pace without drawing)."""
    page.locator(".js-plotly-plot").nth(1).scroll_into_view_if_needed()


def _no_overlap(page, where: str) -> None:
    """The tools' widgets side by side never overlap, and none is wider than the screen."""
    width = page.viewport_size["width"]
    boxes = [b for b in (el.bounding_box() for el in page.locator(
        f".st-key-{keys.RUN_TOOLS} [data-testid='stElementContainer']").all()) if b and b["width"] > 0]
    for b in boxes:
        assert b["x"] >= -1 and b["x"] + b["width"] <= width + 1, (where, b)
    for k, a in enumerate(boxes):
        for b in boxes[k + 1:]:
            apart = (a["x"] + a["width"] <= b["x"] + 1 or b["x"] + b["width"] <= a["x"] + 1
                     or a["y"] + a["height"] <= b["y"] + 1 or b["y"] + b["height"] <= a["y"] + 1)
            assert apart, (where, a, b)


def test_load_a_save_drag_the_timeline_and_edit_a_weight(page, app_url, tmp_path):
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(app_url)
    wait_idle(page)
    page.get_by_text(TOOLS_LABEL).click()
    page.locator(f".st-key-{keys.SAVE_UPLOAD} input[type='file']").set_input_files(_save_file(tmp_path))
    _wait_epoch(page, 30)
    expect(page.get_by_text("Loaded the run at epoch 30")).to_be_visible()
    # the sidebar shows the loaded run's data set
    expect(page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Data set")).to_have_value("Circles")

    thumb = page.locator(f".st-key-{keys.TIMELINE} input[type='range']").locator("xpath=../..")
    thumb.scroll_into_view_if_needed()
    box = thumb.bounding_box()
    track = page.locator(f".st-key-{keys.TIMELINE} [role='group'] > div[data-orientation]").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + 0.3 * track["width"], box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    page.wait_for_function("[...document.querySelectorAll(\"[data-testid='stAlert']\")]"
                           ".some(e => /Showing epoch \\d+ of 30/.test(e.innerText))")
    wait_idle(page)
    shown = int(metric(page, "Epoch"))
    assert 0 < shown < 30
    _show_charts(page)
    page.wait_for_function(f"{CHART_EPOCH.format(k=1)} === {shown}")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        wait_idle(page)
        _no_overlap(page, f"{width}x{height}, past")
        page.locator(f".st-key-{keys.TIMELINE}").scroll_into_view_if_needed()
        screenshot(page, f"run-tools-past-{width}x{height}")

    page.set_viewport_size({"width": 1440, "height": 1000})
    page.get_by_role("button", name="Back to epoch 30").click()
    _wait_epoch(page, 30)
    before = page.evaluate(Y_STAR)
    page.locator(f".st-key-{keys.EDIT_VALUE} input").fill("4")
    page.locator(f".st-key-{keys.EDIT_VALUE} input").press("Enter")
    wait_idle(page)
    page.locator(f".st-key-{keys.EDIT_APPLY} button").click()
    _show_charts(page)
    page.wait_for_function(f"{Y_STAR} !== {before!r}")  # y* follows the edited weight
    expect(page.get_by_text("training goes on from the edited network")).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        wait_idle(page)
        _no_overlap(page, f"{width}x{height}, edited")
        screenshot(page, f"run-tools-edited-{width}x{height}")


def test_the_tools_are_drawn_once_opened_reached_by_keyboard_and_keep_what_was_typed(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(app_url)
    wait_idle(page)
    page.wait_for_selector(".js-plotly-plot")
    assert page.locator(f".st-key-{keys.RUN_TOOLS} [data-testid='stElementContainer']").count() == 0  # closed
    summary = page.locator("summary").filter(has_text=TOOLS_LABEL)
    summary.focus()
    page.keyboard.press("Enter")  # opened from the keyboard
    page.wait_for_selector(UPLOADER, state="attached")
    wait_idle(page)
    page.keyboard.press("Tab")  # the next stop is inside the tools: the uploader's button
    assert page.evaluate(f"!!document.activeElement.closest('.st-key-{keys.SAVE_UPLOAD}')")
    box = page.get_by_role("textbox", name="New value of")  # named for screen readers
    enter_text(page, box, "1.5")
    summary.click()  # closed: the contents go
    page.wait_for_selector(UPLOADER, state="detached")
    wait_idle(page)
    summary.click()
    page.wait_for_selector(UPLOADER, state="attached")
    expect(box).to_have_value("1.5")  # what was typed is still there
