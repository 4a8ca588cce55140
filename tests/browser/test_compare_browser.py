"""The Compare page in a real Chromium: a preset trains, its charts render, no exception box."""

from __future__ import annotations

from tests.browser.conftest import screenshot, wait_idle


def _set_number(page, label: str, value: int) -> None:
    box = page.locator("[data-testid='stNumberInput']").filter(has_text=label).first
    box.locator("input").fill(str(value))
    box.locator("input").press("Enter")
    wait_idle(page)


def _open_compare(page, app_url) -> None:
    """From the start page through the sidebar, as a student would."""
    page.goto(app_url)
    wait_idle(page)
    page.locator("[data-testid='stSidebarNav']").get_by_text("Compare").click()
    wait_idle(page)
    page.get_by_role("heading", name="Compare runs from the same start").wait_for()


def test_preset_trains_and_renders(page, app_url):
    _open_compare(page, app_url)
    page.get_by_text("Pick a preset").wait_for()
    page.locator("[data-testid='stSelectbox']").filter(has_text="Preset").first.click()
    page.get_by_role("option", name="Sigmoid vs tanh vs ReLU").click()
    wait_idle(page)
    _set_number(page, "Epochs E", 120)
    page.get_by_role("button", name="Train all runs").click()
    wait_idle(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .js-plotly-plot")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 3")
    page.wait_for_timeout(500)
    charts = page.locator("[data-testid='stPlotlyChart']")
    assert charts.count() == 3
    titles = " ".join(t.text_content() for t in page.locator(".js-plotly-plot .gtitle, "
                                                                ".js-plotly-plot .annotation-text").all())
    for name in ("sigmoid", "tanh", "ReLU", "leaky ReLU"):
        assert name in titles
    assert page.locator("[data-testid='stDataFrame']").count() == 2
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlert']").filter(has_text="Could not").count() == 0
    screenshot(page, "compare")


def test_sweep_renders(page, app_url):
    _open_compare(page, app_url)
    page.get_by_text("Learning-rate sweep").click()
    wait_idle(page)
    _set_number(page, "Values K", 5)
    _set_number(page, "Epochs E", 30)
    page.get_by_role("button", name="Run the sweep").click()
    wait_idle(page)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2")
    page.wait_for_timeout(500)
    assert page.locator("[data-testid='stPlotlyChart']").count() == 2
    assert "learning rate ξ" in page.locator(".js-plotly-plot").first.text_content()
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "compare-sweep")
