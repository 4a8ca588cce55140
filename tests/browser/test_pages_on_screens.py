"""Every page on a desktop, a projector (sidebar open and closed) and a phone: nothing overlaps, everything fits
the window, no equation is cut off without a visible scrollbar, no button's label is cut.

One page object walks the three pages in one session (so the Step-by-step page and Compare see the trained
Playground); the viewport changes between set-ups. Screenshots of each page on each screen go to artifacts/.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, KATEX_ERROR, choose, wait_idle
from tests.browser.test_playground_layout import LAID_OUT, VIEW_CELL, _check, _overlap, _sidebar

# name, viewport, sidebar open (None: as the page has it, collapsed on a phone)
SCREENS = (("desktop", (1440, 1000), True), ("projector", (1024, 768), True),
           ("projector-closed", (1024, 768), False), ("phone", (390, 844), None))
ELEMENT = '[data-testid="stElementContainer"]'  # the cell a chart drawn by st.plotly_chart fills

SHOWN = "(e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; }"
BOX = "(e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"

# every displayed equation and Compare table (what may scroll sideways inside the page): how wide its content
# is, how wide its box, and how it overflows
SCROLLERS = f"""() => [...document.querySelectorAll('[data-testid="stMain"] :is(.katex-display, .cmp-table)')]
  .filter({SHOWN})
  .map((e) => {{ const s = getComputedStyle(e); return {{
    text: e.textContent.slice(0, 50), scroll: e.scrollWidth, client: e.clientWidth, box: ({BOX})(e),
    overflow: s.overflowX, scrollbar: s.scrollbarWidth, colour: s.scrollbarColor }}; }})"""

# every button with a label, in the main area and the sidebar when it is open: its box, its text's box, and any
# part of it whose content is wider than its box (a label cut off or ellipsised)
BUTTONS = f"""() => {{
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const open = sidebar && sidebar.getBoundingClientRect().right > 50;
  const roots = [document.querySelector('[data-testid="stMain"]'), ...(open ? [sidebar] : [])];
  return roots.flatMap((root) => [...root.querySelectorAll('button')]).filter({SHOWN})
  .filter((b) => b.innerText.trim()).map((b) => {{
    const range = document.createRange(); range.selectNodeContents(b);
    const t = range.getBoundingClientRect();
    const cut = [b, ...b.querySelectorAll('*')].filter((e) => e.clientWidth > 0 && (
      e.scrollWidth > e.clientWidth + 1 || getComputedStyle(e).textOverflow === 'ellipsis'
      && e.scrollWidth > e.clientWidth)).length;
    return {{ text: b.innerText.trim(), box: ({BOX})(b), textBox: [t.left, t.top, t.right, t.bottom], cut }}; }}); }}"""

# the main area: whether it scrolls sideways, and the boxes of its leaf elements (none may cover another)
PAGE = f"""() => {{
  const main = document.querySelector('[data-testid="stMain"]');
  const leaves = [...main.querySelectorAll('{ELEMENT}')].filter({SHOWN})
    .filter((e) => !e.querySelector('{ELEMENT}') && getComputedStyle(e).position !== 'absolute')
    .filter((e) => !e.closest('details:not([open])'));  // a closed expander keeps its content's boxes
  return {{ scroll: main.scrollWidth, client: main.clientWidth,
           elements: leaves.map((e) => ({{ box: ({BOX})(e),
                                        what: e.innerText.slice(0, 40) || e.outerHTML.slice(0, 300) }})) }}; }}"""

THUMB = re.compile(r"(?:rgba?|color)\(([^)]*)\)")  # "rgba(r, g, b, a)" or "color(srgb r g b / a)"


def _visible_thumb(colour: str) -> bool:
    """A computed scrollbar-color whose thumb (its first colour) is not transparent."""
    m = THUMB.match(colour)
    if not m:
        return False
    numbers = [float(v) for v in re.findall(r"[\d.]+", m.group(1))]
    return len(numbers) == 3 or numbers[3] > 0.2


def _check_page(page, name: str) -> None:
    """The page fits the window, no element covers another, equations, tables and button labels are whole."""
    width = page.viewport_size["width"]
    layout = page.evaluate(PAGE)
    assert layout["scroll"] <= layout["client"] + 1, (name, "the page scrolls sideways", layout["scroll"])
    boxes = layout["elements"]
    for i, a in enumerate(boxes):
        assert a["box"][0] >= -1 and a["box"][2] <= width + 1, (name, "outside the window", a)
        for b in boxes[i + 1:]:
            assert not _overlap(a["box"], b["box"]), (name, "elements overlap", a, b)
    for eq in page.evaluate(SCROLLERS):
        assert eq["box"][0] >= -1 and eq["box"][2] <= width + 1, (name, "equation or table outside the window", eq)
        if eq["scroll"] > eq["client"] + 1:  # too wide: it must scroll, and show that it does
            assert eq["overflow"] in ("auto", "scroll") and eq["scrollbar"] != "none", (name, "clipped", eq)
            assert _visible_thumb(eq["colour"]), (name, "scrollbar not shown", eq)
    for button in page.evaluate(BUTTONS):
        box, text = button["box"], button["textBox"]
        assert box[0] >= -1 and box[2] <= width + 1, (name, "button outside the window", button)
        assert not button["cut"] and box[0] - 1 <= text[0] and text[2] <= box[2] + 1, (name, "label cut", button)


def _check_ticks(plots: list[dict], name: str) -> None:
    """No tick label under a legend, a colour bar or an axis title of its plot."""
    for k, p in enumerate(plots):
        for tick in p["ticks"]:
            for block in p["legends"] + p["colorbars"] + p["titles"]:
                assert not _overlap(tick, block), (f"{name}: chart {k}", "tick label covered", tick, block)


def _shot(page, name: str) -> None:
    """A screenshot of the whole page: the window is made as tall as the main area for a moment."""
    size = dict(page.viewport_size)
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 9000)})
    page.wait_for_function(LAID_OUT)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"screens-{name}.png"))
    page.set_viewport_size(size)


def _on_every_screen(page, name: str, charts: int | None, cell: str) -> None:
    for screen, size, sidebar in SCREENS:
        page.set_viewport_size({"width": size[0], "height": size[1]})
        if sidebar is not None:
            _sidebar(page, sidebar)
        wait_idle(page)
        where = f"{name} {screen}"
        _shot(page, f"{name}-{screen}")
        _check_ticks(_check(page, where, charts, cell), where)
        _check_page(page, where)
    assert page.locator("[data-testid='stException']").count() == 0, name
    assert page.locator(KATEX_ERROR).count() == 0, f"{name}: a formula KaTeX could not read"


def _go(page, title: str) -> None:
    """To another page through the sidebar's navigation (the session, and its trained network, stay)."""
    page.set_viewport_size({"width": SCREENS[0][1][0], "height": SCREENS[0][1][1]})
    _sidebar(page, True)
    page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    wait_idle(page)



def test_every_page_fits_every_screen(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{app_url}/?steps=20")
    wait_idle(page)
    page.get_by_role("button", name="Step 20 epochs").click()
    wait_idle(page)
    page.wait_for_function("[...document.querySelectorAll('.js-plotly-plot')].some("
                           "(p) => p.layout.meta && p.layout.meta.epoch === 20)", timeout=60_000)
    _on_every_screen(page, "playground", None, VIEW_CELL)

    _go(page, "Backprop, step by step")
    page.wait_for_selector(".katex-display")
    page.get_by_role("button", name="Apply this step").wait_for()
    _on_every_screen(page, "derivation", 2, ELEMENT)  # the sample picker and the two passes' diagram

    _go(page, "Compare")
    choose(page, page.locator("[data-testid='stSelectbox']").filter(has_text="Preset").first,
           "ξ too small / about right / too large")
    wait_idle(page)
    expect(page.locator("[data-testid='stNumberInput']").filter(has_text="Runs").first.locator("input")
           ).to_have_value("3")
    epochs = page.locator("[data-testid='stNumberInput']").filter(has_text="Epochs E").first.locator("input")
    epochs.fill("60")
    epochs.press("Enter")
    page.get_by_role("button", name="Continue (+60 epochs)").wait_for(timeout=60_000)  # the server has it
    wait_idle(page)
    page.get_by_role("button", name="Train all runs").click()
    page.get_by_text("3 runs, epoch 60.").wait_for(timeout=60_000)
    wait_idle(page, timeout=60_000)
    charts = 1 + 3  # the curves' panels, then each run's decision regions (the open tab)
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length == {charts}",
                           timeout=60_000)
    _on_every_screen(page, "compare", charts, ELEMENT)
    # the other tabs of each run's views: the gradient norms (charts), the unit health (a table that scrolls sideways)
    _go(page, "Compare")
    page.get_by_role("tab", name="Gradient norms").click()
    page.wait_for_function("[...document.querySelectorAll('.js-plotly-plot')].filter((p) => p.data && "
                           "p.data[0].name === 'w^(1)').length == 1", timeout=60_000)
    _on_every_screen(page, "compare-gradients", 1 + 1, ELEMENT)  # the curves' panels, the gradient norms' panels
    page.get_by_role("tab", name="Unit health").click()
    page.wait_for_function("document.querySelectorAll('.cmp-table').length == 2", timeout=60_000)
    _on_every_screen(page, "compare-health", 1, ELEMENT)  # the tables inside the window, scrolling visibly

    _go(page, "Lessons")
    page.wait_for_selector(".katex-display")
    _on_every_screen(page, "lessons", 0, ELEMENT)  # every lesson's formulas, links and text; no charts
