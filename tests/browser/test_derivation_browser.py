"""The step-by-step page in a real Chromium: KaTeX renders, a click on the scatter picks a sample."""

from __future__ import annotations

from tests.browser.conftest import KATEX_ERROR, screenshot, wait_idle


def _open(page, app_url) -> None:
    page.goto(f"{app_url}/derivation")
    wait_idle(page)
    # opened directly by its URL, the page must not show Streamlit's "Page not found" dialog
    assert page.get_by_text("Page not found").count() == 0
    page.wait_for_selector(".katex")
    page.wait_for_selector("[data-testid='stPlotlyChart'] .js-plotly-plot")
    page.get_by_role("button", name="Apply this step").wait_for()


def _sample_value(page) -> str:
    box = page.locator("[data-testid='stNumberInput']").filter(has_text="Sample (training set")
    return box.locator("input").input_value()


def test_katex_renders_and_a_click_on_the_scatter_picks_the_sample(page, app_url):
    _open(page, app_url)
    assert page.locator(".katex").count() > 15
    assert page.locator(KATEX_ERROR).count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_role("heading", name="1 · Forward pass").count() == 1
    screenshot(page, "derivation")
    assert _sample_value(page) == "0"
    points = page.locator("[data-testid='stPlotlyChart'] .scatterlayer .trace").first.locator("path.point")
    box = points.nth(11).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "[...document.querySelectorAll(\"[data-testid='stNumberInput'] input\")]"
        ".some(e => e.value === '11')", timeout=15_000)
    wait_idle(page)
    assert _sample_value(page) == "11"
    page.get_by_role("button", name="Apply this step").click()
    page.wait_for_selector("text=Applied the update for sample 11")
    wait_idle(page)
    assert page.locator(KATEX_ERROR).count() == 0
    page.get_by_role("tab", name="Gradient check").click()
    page.wait_for_selector("text=checked gradients agree")
    page.get_by_role("tab", name="Batch view").click()
    page.wait_for_selector("text=A mini-batch of 4 samples")
    wait_idle(page)
    assert page.locator(KATEX_ERROR).count() == 0


def test_worked_examples_render(page, app_url):
    _open(page, app_url)
    page.get_by_role("button", name="Load Mazur's 2-2-2").click()
    page.wait_for_selector("text=Published numbers beside ours")
    wait_idle(page)
    page.wait_for_selector(".katex")
    assert page.locator(KATEX_ERROR).count() == 0
    screenshot(page, "derivation-mazur")
    page.get_by_role("button", name="Load the lecture's 2-2-1").click()
    page.wait_for_selector("text=corners of XOR")
    wait_idle(page)
    assert page.locator(KATEX_ERROR).count() == 0
