"""The Playground's views on four screens (desktop, projector with the sidebar open and closed, phone), on
large networks (the default one: test_pages_on_screens.py), in light and dark: nothing covers anything,
everything fits the window.

One server and one page serve every screen size (the viewport changes between set-ups).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, screenshot, wait_idle
from ui import keys
from ui.playground import film
from ui.playground.detail import DETAIL_VIEWS

SCREENS = {"desktop": (1440, 1000), "projector": (1024, 768), "phone": (390, 844)}
# the default network (xor, 2-4-1) on these screens is test_pages_on_screens.py's, which checks the same boxes
NETWORKS = {"digits": "dataset=digits", "deep": "n_layers=3&units_1=8&units_2=8&units_3=8"}
CHARTS = len(film.VIEWS) + 1  # the main views and the detail view

# Boxes of every plot, of the cell it should fill (the closest ancestor matching the selector passed in) and
# of what is drawn in it, in page coordinates: "blocks" (plot areas, legends, colour bars, axis titles) must
# not overlap one another; "labels" (unit labels, annotations) must not overlap one another, the units or the
# blocks other than their plot area. "ticks" are the tick labels (test_pages_on_screens.py checks them).
VIEW_CELL = '[class*="st-key-view_"]'  # the Playground's views and detail charts
GEOMETRY = """(cell) => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  return [...document.querySelectorAll('.js-plotly-plot')].map((plot) => {
    const all = (selector) => [...plot.querySelectorAll(selector)].filter(shown).map(box);
    const titles = all('[class^="g-x"][class$="title"] text, [class^="g-y"][class$="title"] text');  // every axis's
    return {
      plot: box(plot), cell: box(plot.closest(cell) || plot.parentNode),
      areas: all('.nsewdrag'), legends: all('g.legend'), colorbars: all('g.colorbar'), titles,
      labels: all('.textpoint text').concat(all('.annotation')),
      ticks: [...plot.querySelectorAll('[class$="tick"] > text')].filter((e) => !e.closest('.colorbar'))
        .filter(shown).map(box),
      units: all('.scatterlayer .trace .points path').filter((b) => b[2] - b[0] > 5),
      epoch: plot.layout.meta && plot.layout.meta.epoch,
    };
  });
}"""

# Every plot drawn, and laid out at its element's present width: a chart placed in a new row is drawn first
# and resized to its cell a frame later (by its ResizeObserver), and a CI run once measured in between.
LAID_OUT = """[...document.querySelectorAll('.js-plotly-plot')].every(
  (p) => p._fullLayout && Math.abs(p._fullLayout.width - p.getBoundingClientRect().width) <= 2)"""


def _overlap(a, b, slack: float = 1.0) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack


def _unique(boxes):
    return [list(b) for b in {tuple(round(v) for v in b) for b in boxes}]


def _geometry(page, cell: str, charts: int | None, attempts: int = 20) -> list[dict]:
    """The GEOMETRY of the laid-out page; with `charts`, measured again (up to `attempts` times, 0.25 s apart)
    while their number differs: a late rerun can swap a chart's element for its successor between a wait for
    the count and the measurement (a CI run once measured in between)."""
    for _ in range(attempts):
        page.wait_for_function(LAID_OUT)
        plots = page.evaluate(GEOMETRY, cell)
        if charts is None or len(plots) == charts:
            break
        page.wait_for_timeout(250)
    return plots


def _check(page, name: str, charts: int | None = None, cell: str = VIEW_CELL) -> list[dict]:
    """Assert the geometry rules above for every plot on the page (exactly `charts` of them, if given)."""
    plots = _geometry(page, cell, charts)
    width = page.viewport_size["width"]
    assert len(plots) == charts if charts is not None else len(plots) >= CHARTS, (name, len(plots))
    for k, p in enumerate(plots):
        where = f"{name}: chart {k}"
        assert p["plot"][0] >= -1 and p["plot"][2] <= width + 1, (where, p["plot"], width)  # fits the window
        assert abs((p["plot"][2] - p["plot"][0]) - (p["cell"][2] - p["cell"][0])) <= 2, where  # fills its cell
        blocks = _unique(p["areas"]) + p["legends"] + p["colorbars"] + p["titles"]
        for i, a in enumerate(blocks):
            assert p["plot"][0] - 1 <= a[0] and a[2] <= p["plot"][2] + 1, (where, "block outside", a, p["plot"])
            for b in blocks[i + 1:]:
                assert not _overlap(a, b), (where, "blocks overlap", a, b)
        others = p["legends"] + p["colorbars"] + p["titles"]
        for i, a in enumerate(p["labels"]):
            assert p["plot"][0] - 1 <= a[0] and a[2] <= p["plot"][2] + 1, (where, "label outside", a)
            for b in p["labels"][i + 1:] + p["units"] + others:
                assert not _overlap(a, b), (where, "label overlaps", a, b)
        for q in plots[k + 1:]:
            assert not _overlap(p["plot"], q["plot"]), (where, "plots overlap")
    return plots


def _open(page, url: str, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(url)
    wait_idle(page)
    # the main views and the detail view (the weights, digits' first detail view, are one chart per layer)
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length >= {CHARTS}", timeout=60_000)
    page.wait_for_function(LAID_OUT)


def _in_view_each(page, condition: str, timeout: float = 30_000) -> None:
    """Scroll each chart into view (one out of view does not draw) and wait until `condition` holds for it."""
    for k in range(page.locator(".js-plotly-plot").count()):
        page.locator(".js-plotly-plot").nth(k).scroll_into_view_if_needed()
        page.wait_for_function(f"(p => {condition})(document.querySelectorAll('.js-plotly-plot')[{k}])",
                               timeout=timeout)


def _step(page) -> None:
    page.get_by_role("button", name="Step 1 epoch").click()
    wait_idle(page)
    _in_view_each(page, "p.layout.meta.epoch === undefined || p.layout.meta.epoch === 1")


def _shots(page, name: str) -> None:
    screenshot(page, f"layout-{name}")
    for view in film.VIEWS:
        page.locator(f".st-key-view_{view}").screenshot(path=str(ARTIFACTS / f"layout-{name}-{view}.png"))


SIDEBAR_OPEN = "document.querySelector(\"[data-testid='stSidebar']\").getBoundingClientRect().right > 50"


def _sidebar(page, open_: bool) -> None:
    if page.evaluate(SIDEBAR_OPEN) == open_:
        return
    if open_:
        page.get_by_test_id("stExpandSidebarButton").click()
    else:
        page.get_by_test_id("stSidebar").hover()
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
    page.wait_for_function(SIDEBAR_OPEN if open_ else f"!({SIDEBAR_OPEN})")
    page.wait_for_timeout(600)  # the sidebar's transition, then the charts follow their containers


@pytest.mark.parametrize("network", list(NETWORKS))
def test_nothing_covers_anything_on_any_screen(page, app_url, network):
    url = f"{app_url}/?{NETWORKS[network]}"
    for screen, size in SCREENS.items():
        _open(page, url, size)
        if screen == "projector":
            _sidebar(page, True)
        _step(page)
        _check(page, f"{network} {screen}")
        _shots(page, f"{network}-{screen}")
        if screen == "projector":
            before = _check(page, f"{network} projector, sidebar open")
            _sidebar(page, False)
            after = _check(page, f"{network} projector, sidebar closed")
            _shots(page, f"{network}-projector-closed")
            # the charts use the wider main area: the main views, and the detail view's charts, are wider or
            # more of them share a row
            for group in (slice(0, len(film.VIEWS)), slice(len(film.VIEWS), None)):
                width = [[p["plot"][2] - p["plot"][0] for p in plots[group]] for plots in (before, after)]
                rows = [len({round(p["plot"][1]) for p in plots[group]}) for plots in (before, after)]
                assert rows[1] < rows[0] or all(w1 > w0 + 200 for w0, w1 in zip(*width)), (group, rows, width)
    assert page.locator("[data-testid='stException']").count() == 0


def test_every_detail_view_fits_a_phone_and_a_desktop(page, app_url):
    for screen in ("phone", "desktop"):
        _open(page, f"{app_url}/?{NETWORKS['deep']}&steps=5", SCREENS[screen])
        page.get_by_role("button", name="Step 5 epochs").click()
        wait_idle(page)
        for key, name in DETAIL_VIEWS.items():
            page.get_by_role("radio", name=name, exact=True).click()
            wait_idle(page)
            charts = len(film.VIEWS) + (4 if key == "weights" else 1)  # the weights: one chart per layer
            page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length === {charts}")
            page.wait_for_function(LAID_OUT)
            _check(page, f"{screen} {key}", charts)
            # the whole page: a chart's own element can be swapped for its successor by a late rerun
            page.screenshot(path=str(ARTIFACTS / f"layout-detail-{screen}-{key}.png"), full_page=True)


def test_buttons_fit_and_touch_targets_are_large_on_a_phone(page, app_url):
    _open(page, app_url, SCREENS["phone"])
    width = SCREENS["phone"][0]
    for key in (keys.STEP_1, keys.STEP_N, keys.PLAY, keys.RESET, keys.RESTART):
        button = page.locator(f".st-key-{key} button:visible").first
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["height"] >= 40
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth")  # the label is not cut
    for key in film.MAIN_TOGGLES:
        toggle = page.locator(f".st-key-{key} label:visible").first
        toggle.scroll_into_view_if_needed()
        assert toggle.bounding_box()["height"] >= 40


DARK_TEXT = "rgb(227, 229, 232)"  # theme.DARK[theme.TEXT]
DARK_BACKGROUND = "rgb(14, 17, 23)"  # theme.DARK_BACKGROUND


def _colours(page) -> list[tuple[str, str]]:
    return [tuple(pair) for pair in page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(p => [
        getComputedStyle(p.querySelector('.main-svg')).backgroundColor,
        getComputedStyle(p.querySelector('.xtick text') || p.querySelector('.annotation-text')).fill])""")]


def test_the_charts_follow_the_dark_theme_of_the_system_and_a_change_of_it(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, color_scheme="dark")
    page = context.new_page()
    _open(page, app_url, SCREENS["desktop"])
    page_background = page.evaluate("getComputedStyle(document.querySelector(\"[data-testid='stApp']\"))"
                                    ".backgroundColor")
    assert page_background == DARK_BACKGROUND
    _in_view_each(page, "p.layout.meta.theme === 'dark'")
    assert set(_colours(page)) == {(DARK_BACKGROUND, DARK_TEXT)}
    _check(page, "dark")
    _shots(page, "dark")
    page.emulate_media(color_scheme="light")  # the system turns light: the page does, and so do its charts
    _in_view_each(page, "p.layout.meta.theme === 'light'", timeout=20_000)
    assert set(_colours(page)) == {("rgb(255, 255, 255)", "rgb(49, 51, 63)")}
    context.close()
