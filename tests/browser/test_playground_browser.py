"""The Playground in a real Chromium against `streamlit run app.py`."""

from __future__ import annotations

import re

from tests.browser.conftest import screenshot, serve_app, wait_idle

PAGES = (("", "Backprop Playground"), ("derivation", "Backprop, step by step"),
         ("compare", "Compare runs from the same start"))
NAV = ["Playground", "Backprop, step by step", "Compare"]


def _metric(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text()


def test_load_step_and_watch_the_loss_fall(page, app_url):
    page.goto(f"{app_url}/?dataset=xor&lr=1.0")
    wait_idle(page)
    page.wait_for_selector(".js-plotly-plot")
    assert _metric(page, "Epoch") == "0"
    first = float(_metric(page, "Train loss"))
    page.get_by_role("button", name=re.compile(r"^Step \d+ epochs$")).click()
    page.wait_for_function("document.querySelector(\"[data-testid='stMetricValue']\").innerText !== '0'")
    wait_idle(page)
    page.get_by_role("button", name=re.compile(r"^Step \d+ epochs$")).click()
    page.wait_for_function("document.querySelector(\"[data-testid='stMetricValue']\").innerText === '20'")
    wait_idle(page)
    assert float(_metric(page, "Train loss")) < first
    assert page.locator(".js-plotly-plot").count() == 2  # main views (one chart, three panels) + detail
    assert page.locator(".js-plotly-plot").first.locator(".cartesianlayer .subplot").count() >= 4
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "playground")


def test_every_detail_view_renders(page, app_url):
    page.goto(f"{app_url}/?dataset=circles&n_layers=2&steps=5")
    wait_idle(page)
    page.get_by_role("button", name="Step 5 epochs").click()
    wait_idle(page)
    for name in ("Weights", "Trajectories", "Deltas δ", "Grad norms", "Neuron maps"):
        page.get_by_role("radio", name=name, exact=True).click()
        wait_idle(page)
        page.wait_for_timeout(300)
        assert page.locator(".js-plotly-plot").count() == 2, name
        screenshot(page, f"playground-detail-{name.split()[0].lower()}")
    assert page.locator("[data-testid='stException']").count() == 0


def test_play_advances_epochs_until_paused(page, app_url):
    page.goto(f"{app_url}/?speed=5")
    wait_idle(page)
    page.get_by_role("button", name="▶ Play").click()
    page.wait_for_function(
        "parseInt(document.querySelector(\"[data-testid='stMetricValue']\").innerText) >= 20", timeout=30_000)
    page.get_by_role("button", name="⏸ Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for()
    wait_idle(page)
    paused_at = _metric(page, "Epoch")
    page.wait_for_timeout(1000)
    assert _metric(page, "Epoch") == paused_at
    assert page.locator("[data-testid='stException']").count() == 0


def test_sessions_are_independent(browser, app_url):
    first, second = browser.new_page(), browser.new_page()
    for p in (first, second):
        p.goto(app_url)
        wait_idle(p)
    first.get_by_role("button", name="Step 1 epoch").click()
    first.wait_for_function("document.querySelector(\"[data-testid='stMetricValue']\").innerText === '1'")
    second.reload()
    wait_idle(second)
    second.wait_for_selector("[data-testid='stMetricValue']")
    assert _metric(second, "Epoch") == "0"
    first.close()
    second.close()


def _nav(page) -> list[str]:
    return [t.split("\n")[-1].strip() for t in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()]


def test_every_page_opens_directly_by_its_url(page, app_url):
    for path, heading in PAGES:
        page.goto(f"{app_url}/{path}")
        wait_idle(page)
        page.get_by_role("heading", name=heading).wait_for()
        assert page.get_by_text("Page not found").count() == 0, path
        assert _nav(page) == NAV, path


def test_a_direct_link_as_a_fresh_servers_first_request(page):
    """The first request a new server gets is a page's own link (as after a Cloud restart)."""
    with serve_app() as url:
        page.goto(f"{url}/compare")
        wait_idle(page)
        page.get_by_role("heading", name="Compare runs from the same start").wait_for()
        assert _nav(page) == NAV
