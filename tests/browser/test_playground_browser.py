"""The Playground in a real Chromium against `streamlit run app.py`."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import EPOCH_SHOWN, metric, screenshot, serve_app, wait_idle
from ui.live_chart import STATIC_PLOTLY
from ui.playground import views

PAGES = (("", "Backprop Playground"), ("derivation", "Backprop, step by step"),
         ("compare", "Compare runs from the same start"))
NAV = ["Playground", "Backprop, step by step", "Compare", "Lessons"]


def test_load_step_watch_the_loss_fall_and_download(page, app_url):
    page.goto(f"{app_url}/?dataset=xor&lr=1.0")
    wait_idle(page)
    page.wait_for_selector(".js-plotly-plot")
    assert metric(page, "Epoch") == "0"
    first = float(metric(page, "Train loss"))
    page.get_by_role("button", name=re.compile(r"^Step \d+ epochs$")).click()
    page.wait_for_function(f"{EPOCH_SHOWN} !== '0'")
    wait_idle(page)
    page.get_by_role("button", name=re.compile(r"^Step \d+ epochs$")).click()
    page.wait_for_function(f"{EPOCH_SHOWN} === '20'")
    wait_idle(page)
    assert float(metric(page, "Train loss")) < first
    assert page.locator(".js-plotly-plot").count() == 4  # the main views (one chart each) + the detail view
    for k in range(3):
        assert page.locator(".js-plotly-plot").nth(k).locator(".cartesianlayer .subplot").count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "playground")
    _download_three_in_quick_succession(page)


def _download_three_in_quick_succession(page) -> None:
    """The run, the history and the run again, clicked within about a second: every file arrives."""
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    labels = (views.RUN_DOWNLOAD, "Download history (CSV)", views.RUN_DOWNLOAD)
    for label in labels:
        page.get_by_role("button", name=label).click()
        page.wait_for_timeout(100)
    while len(downloads) < len(labels):
        page.wait_for_event("download", timeout=10_000)
    assert [d.suggested_filename for d in downloads] == [
        "backprop-playground-weights.json", "backprop-playground-history.csv", "backprop-playground-weights.json"]


MAIN_CHART_EPOCH = "document.querySelector('.js-plotly-plot')?.layout?.meta?.epoch"
# every live chart of the page has drawn epoch 0 and is not drawing
ALL_DRAWN_AT_0 = ("(() => { const plots = [...document.querySelectorAll('.live-plot')]; return plots.length === 4 && "
                  "plots.every(p => p.layout && p.layout.meta && p.layout.meta.epoch === 0 && !p.live.busy); })()")


def _view(name: str) -> str:
    """A main view's plot ("network", "output" or "loss"), found by its keyed container, in JavaScript."""
    return f"document.querySelector('.st-key-view_{name} .js-plotly-plot')"


def _drag_zoom(page, view: str) -> None:
    """A box zoom with the mouse over the middle of one of the main charts ("network", "output", "loss")."""
    plot = page.locator(f".st-key-view_{view} .js-plotly-plot")
    plot.scroll_into_view_if_needed()
    area = plot.locator(".nsewdrag[data-subplot='xy']").bounding_box()
    page.mouse.move(area["x"] + 0.3 * area["width"], area["y"] + 0.3 * area["height"])
    page.mouse.down()
    page.mouse.move(area["x"] + 0.6 * area["width"], area["y"] + 0.6 * area["height"], steps=5)
    page.mouse.up()


def test_a_zoom_survives_the_next_epoch(page, app_url):
    page.goto(app_url)
    wait_idle(page)
    page.wait_for_function(ALL_DRAWN_AT_0)  # the charts draw in their own time, in any order
    _drag_zoom(page, "output")  # a box zoom on the output chart
    output = _view("output")
    x_range = f"{output}.layout.xaxis.range"
    page.wait_for_function(f"{x_range}[1] - {x_range}[0] < 3")
    zoomed = page.evaluate(x_range)
    page.evaluate(f"window.__outputPlot = {output}")
    page.get_by_role("button", name="Step 1 epoch").click()
    # the output chart has drawn epoch 1 and finished drawing (during Plotly.react the layout holds
    # the new figure's range until plotly puts the user's zoom back)
    page.wait_for_function(f"{output}?.layout?.meta?.epoch === 1 && !{output}.live.busy")
    # the same plot, updated in place: the first step brings the timeline above the views, which
    # must not make the browser rebuild them (a rebuilt chart lost the zoom whenever it got painted
    # before the rerun had sent it again)
    assert page.evaluate(f"{output} === window.__outputPlot")
    assert page.evaluate(x_range) == zoomed
    _drag_zoom(page, "loss")  # and the loss chart
    loss = f"{_view('loss')}.layout"
    y_range = f"{loss}.yaxis.range"
    page.wait_for_function(f"{y_range}[1] - {y_range}[0] < 0.05")
    page.get_by_text("Log scale").click()  # a new scale starts unzoomed; the output chart keeps its zoom
    page.wait_for_function(f"{loss}.yaxis.type === 'log'")
    wait_idle(page)
    assert page.evaluate(f"{loss}.yaxis.autorange") is True
    assert page.evaluate(x_range) == zoomed
    page.get_by_role("button", name="Reset", exact=True).click()  # a new run forgets the zoom
    page.wait_for_function("['network', 'output', 'loss'].every(v => document.querySelector("
                           "`.st-key-view_${v} .js-plotly-plot`)?.layout?.meta?.epoch === 0)")  # each in its own time
    assert page.evaluate(x_range) != zoomed


def test_a_chart_whose_library_failed_to_load_says_so_and_tries_again(page, app_url):
    failed = []

    def fail_once(route):
        if failed:
            route.continue_()
        else:
            failed.append(route.request.url)
            route.abort()

    page.route(f"**/{STATIC_PLOTLY}", fail_once)
    page.goto(app_url)
    wait_idle(page)
    page.get_by_text("This chart could not be drawn").first.wait_for()
    page.get_by_role("button", name="Step 1 epoch").click()
    page.wait_for_function(f"{MAIN_CHART_EPOCH} === 1")
    # each chart draws in its own time after the step (one at a time): every one has drawn
    page.wait_for_function("[...document.querySelectorAll('.live-plot')].every(p => p.data && !p.live.busy)")
    assert failed and page.get_by_text("This chart could not be drawn").count() == 0


# From the page's start: the animation frame (counted) in which each live plot was first drawn
COUNT_FIRST_DRAWS = """
window.__firstDrawn = {};
let frame = 0;
const look = () => {
  frame++;
  document.querySelectorAll('.live-plot').forEach((p, k) => {
    if (p._fullLayout && !(k in window.__firstDrawn)) window.__firstDrawn[k] = frame;
  });
  requestAnimationFrame(look);
};
requestAnimationFrame(look);
"""


def test_charts_that_waited_for_plotly_draw_one_per_frame_so_the_first_shows_first(page, app_url):
    """plotly.js arrives late: the charts waiting for it draw one per animation frame, not all in the
    task that evaluates it (the first chart would wait for the others' drawing)."""
    def late(route):
        page.wait_for_timeout(1500)
        route.continue_()

    page.add_init_script(COUNT_FIRST_DRAWS)
    page.route(f"**/{STATIC_PLOTLY}", late)
    page.goto(app_url)
    wait_idle(page)
    page.wait_for_function("Object.keys(window.__firstDrawn).length >= 3")
    frames = sorted(page.evaluate("window.__firstDrawn").values())
    assert len(set(frames[:3])) == 3, frames  # the first three drawn in three different frames


def _nav(page) -> list[str]:
    return [t.split("\n")[-1].strip() for t in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()]


# Whether Streamlit's Material Symbols font has loaded, and each visible icon's width in font sizes:
# a drawn icon is one glyph about as wide as the font size; a missing font (or an icon name the
# font lacks) would show the icon's name as text, several times wider.
MATERIAL_ICONS = """
() => {
  const loaded = [...document.fonts].some(
    f => f.family.replace(/"/g, '') === 'Material Symbols Rounded' && f.status === 'loaded');
  const icons = [...document.querySelectorAll("[data-testid='stIconMaterial']")].filter(e => e.offsetParent);
  return [loaded, icons.map(e => [e.textContent, e.scrollWidth / parseFloat(getComputedStyle(e).fontSize)])];
}
"""
EMOJI_ON_PAGE = r"/\p{Extended_Pictographic}/u.test(document.title + document.body.innerText)"


def test_every_page_opens_by_its_url_names_its_tab_and_needs_no_emoji_font(page, app_url):
    """This machine has no emoji font: icons must come from Streamlit's bundled Material Symbols."""
    for (path, heading), name in zip(PAGES, NAV):
        page.goto(f"{app_url}/{path}")
        wait_idle(page)
        page.get_by_role("heading", name=heading).wait_for()
        assert page.get_by_text("Page not found").count() == 0, path
        assert _nav(page) == NAV, path
        expect(page).to_have_title(f"{name} · Backprop Playground")
        nav = page.locator("[data-testid='stSidebarNav'] a")
        assert [link.locator("[data-testid='stIconMaterial']").count() for link in nav.all()] == [1] * len(NAV), path
        loaded, icons = page.evaluate(MATERIAL_ICONS)
        assert loaded, path
        assert icons and all(width < 1.5 for _, width in icons), (path, icons)
        assert not page.evaluate(EMOJI_ON_PAGE), path
        assert not page.evaluate("document.querySelector(\"link[rel='shortcut icon']\").href.startsWith('data:')")
    page.goto(app_url)
    wait_idle(page)
    play = page.get_by_role("button", name="Play", exact=True)
    assert play.locator("[data-testid='stIconMaterial']").text_content() == "play_arrow"


def test_a_direct_link_as_a_fresh_servers_first_request(page):
    """The first request a new server gets is a page's own link (as after a Cloud restart)."""
    with serve_app() as url:
        page.goto(f"{url}/compare")
        wait_idle(page)
        page.get_by_role("heading", name="Compare runs from the same start").wait_for()
        assert _nav(page) == NAV


def test_charts_load_plotly_under_a_base_url_path(page):
    """The live charts fetch plotly.js relative to the app, so a server under a path prefix works."""
    with serve_app("under/a/prefix") as url:
        page.goto(f"{url}/")
        wait_idle(page)
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length === 4", timeout=30_000)
        assert page.evaluate("[...document.scripts].some(s => s.src.includes('/under/a/prefix/app/static/'))")
