"""Share and classroom links, the presenter layout and the presenter's keys in a real Chromium (issue 13)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, EPOCH_SHOWN, click_at_rest, rerun_by, wait_idle
from tests.browser.test_playground_layout import LAID_OUT, SCREENS, SIDEBAR_OPEN, _check, _in_view_each, _open
from ui import keys
from ui.share import FONT_SCALE
from ui.theme import FONT

SIDEBAR = "[data-testid='stSidebar']"
WIDGETS = ", ".join(f"{SIDEBAR} [data-testid='{t}']" for t in
                    ("stSelectbox", "stNumberInput", "stSlider", "stCheckbox", "stMultiSelect", "stToggle"))
LOAD_MS = 60_000  # a first page load on a busy machine
# the metrics row's epoch: Streamlit's metric, or the player's own row while playing
# every piece of text in the main area outside the charts, as page boxes
TEXT_BOXES = """() => [...document.querySelectorAll(
    "[data-testid='stMain'] :is(h1, h2, h3, p, button, .live-metric-value, .live-metric-label)")]
  .filter((el) => !el.closest('.js-plotly-plot') && !el.querySelector('p, h1, h2, h3'))
  .map((el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, el.innerText]; })
  .filter((b) => b[2] - b[0] > 0 && b[3] - b[1] > 0 && b[4].trim())"""


def _share(page):
    """Open the sidebar's Share panel."""
    panel = page.locator(f"{SIDEBAR} [data-testid='stExpander']").filter(has_text="Share").first
    links = panel.locator(".copy-link")
    if links.count() == 0 or not links.first.is_visible():
        panel.get_by_text("Share", exact=True).click()
    return panel


def _copy(page, panel, label: str) -> str:
    """Click a Share link's copy button, check that it says so, and read the clipboard; the link shown
    beside the button must be what was copied."""
    box = panel.locator(f'.copy-link[data-label="{label}"]')  # by its label kept aside: the button's changes
    button = box.get_by_role("button")
    expect(button).to_have_text(label)  # the panel's components have drawn (in either order)
    click_at_rest(button)
    expect(button).not_to_have_text(label)
    assert button.inner_text() == "Copied", f"the button says {button.inner_text()!r}, not that it copied"
    copied = page.evaluate("navigator.clipboard.readText()")
    assert box.locator("code").inner_text() == copied
    return copied


def test_the_copy_button_and_a_classroom_link_in_a_new_browser(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 1000},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{app_url}/?lr=0.3&seed=4")
    wait_idle(page, LOAD_MS)
    page.wait_for_selector(".js-plotly-plot", timeout=LOAD_MS)
    assert page.locator(f"{SIDEBAR} .copy-link").count() == 0  # the closed panel's contents are not drawn
    panel = _share(page)
    assert _copy(page, panel, "Copy this page's link") == f"{app_url}?v=1&seed=4&lr=0.3"
    ticks = panel.locator("[data-testid='stMultiSelect']")
    # each choice reruns the panel alone (a fragment), often too quickly for the page to show it as running:
    # wait for the classroom link to follow instead
    classroom_link = panel.locator(".copy-link code").nth(1)
    for label, shown in (("Learning rate ξ", "lr"), ("Batch", "lr,batch_mode")):
        ticks.locator("input").fill(label)  # the list is long: typing narrows it
        page.get_by_role("option", name=label, exact=True).click()
        expect(classroom_link).to_contain_text(re.compile(rf"show={shown}(&|$)"))
    page.keyboard.press("Escape")
    panel.get_by_text("Presenter layout", exact=True).click()
    expect(classroom_link).to_contain_text("presenter=True")
    wait_idle(page)
    classroom = _copy(page, panel, "Copy the classroom link")
    panel.get_by_text("Share", exact=True).click()  # closed and opened again, the panel keeps its choices
    page.wait_for_selector(f"{SIDEBAR} .copy-link", state="detached")
    panel.get_by_text("Share", exact=True).click()
    assert _copy(page, panel, "Copy the classroom link") == classroom
    assert dict(parse_qsl(urlsplit(classroom).query, keep_blank_values=True)) == {
        "v": "1", "seed": "4", "lr": "0.3", "show": "lr,batch_mode", "presenter": "True"}
    page.locator(SIDEBAR).screenshot(path=str(ARTIFACTS / "share-panel-desktop.png"))
    # no st.code on the Playground: its syntax highlighter is 1.5 MB of script to load before the first chart
    assert not page.evaluate(
        "performance.getEntriesByType('resource').some((r) => r.name.includes('SyntaxHighlighter'))")
    context.close()

    student = browser.new_context(viewport={"width": SCREENS["desktop"][0], "height": SCREENS["desktop"][1]})
    page = student.new_page()
    page.goto(classroom.replace("presenter=True", "presenter=false"))  # the sidebar open, to look at it
    wait_idle(page, LOAD_MS)
    page.wait_for_selector(".js-plotly-plot", timeout=LOAD_MS)
    labels = page.locator(WIDGETS).all_inner_texts()
    assert len(labels) == 2 and labels[0].startswith("Learning rate ξ") and labels[1].startswith("Batch"), labels
    assert page.get_by_role("button", name="Use the lecture's rule: per-sample SGD").is_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "share-classroom-desktop.png"))
    student.close()


def _texts_apart(page, name: str) -> None:
    boxes = page.evaluate(TEXT_BOXES)
    width = page.viewport_size["width"]
    for i, a in enumerate(boxes):
        assert a[0] >= -1 and a[2] <= width + 1, (name, "text outside the window", a)
        for b in boxes[i + 1:]:
            inside = (a[0] <= b[0] and b[2] <= a[2] and a[1] <= b[1] and b[3] <= a[3]) or (
                b[0] <= a[0] and a[2] <= b[2] and b[1] <= a[1] and a[3] <= b[3])  # a label in its button
            apart = min(a[2], b[2]) - max(a[0], b[0]) <= 1 or min(a[3], b[3]) - max(a[1], b[1]) <= 1
            assert inside or apart, (name, "texts overlap", a, b)


def test_the_presenter_layout_fits_a_projector_and_a_phone(page, app_url):
    for screen in ("projector", "phone"):
        _open(page, f"{app_url}/?presenter=true&show=lr,batch_mode", SCREENS[screen])
        assert not page.evaluate(SIDEBAR_OPEN)  # the sidebar starts closed
        # the presenter's type, from its style element (whose chunk can arrive after the charts have drawn)
        page.wait_for_function("getComputedStyle(document.documentElement).fontSize === '20px'")
        page.wait_for_function(LAID_OUT)  # the charts follow their containers at the larger type
        page.get_by_role("button", name="Step 1 epoch").click()
        wait_idle(page)
        _in_view_each(page, "p.layout.meta.epoch === undefined || p.layout.meta.epoch === 1")
        plots = _check(page, f"presenter {screen}")
        assert len(plots) == 4
        sizes = page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].map(p => p.layout.font.size)")
        assert sizes == [FONT["size"] * FONT_SCALE] * 4
        _texts_apart(page, f"presenter {screen}")
        if screen == "projector":  # the three views in one row
            views = [p["plot"] for p in plots[:3]]
            assert max(v[1] for v in views) < min(v[3] for v in views), views  # side by side
        page.set_viewport_size({"width": SCREENS[screen][0], "height": 2400})  # the whole page in one picture
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / f"share-presenter-{screen}.png"))
    assert page.locator("[data-testid='stException']").count() == 0


# From now on, the most visible buttons labelled "Pause" at once, and whether "Play" was ever on screen
# beside a "Pause" (a button's label is its text without its icon's name)
WATCH_RUN_BUTTONS = """() => {
  window.__runButtonsSeen = {pause: 0, both: false};
  const label = (b) => [...b.querySelectorAll("[data-testid='stIconMaterial']")]
    .reduce((text, icon) => text.replace(icon.textContent, ''), b.textContent).trim();
  const look = () => {
    const shown = [...document.querySelectorAll('button')].filter((b) => b.checkVisibility()).map(label);
    const pause = shown.filter((t) => t === 'Pause').length, seen = window.__runButtonsSeen;
    seen.pause = Math.max(seen.pause, pause);
    seen.both = seen.both || (pause > 0 && shown.includes('Play'));
  };
  look();
  new MutationObserver(look).observe(document.body,
    {subtree: true, childList: true, attributes: true, characterData: true});
}"""


def test_space_plays_and_pauses_and_the_right_arrow_steps_but_not_in_a_number_input(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(app_url)
    wait_idle(page, LOAD_MS)
    page.wait_for_selector(".js-plotly-plot", timeout=LOAD_MS)
    page.evaluate("document.activeElement.blur()")
    rerun_by(page, lambda: page.keyboard.press("ArrowRight"))
    page.wait_for_function(f"{EPOCH_SHOWN} === '1'")
    page.evaluate(WATCH_RUN_BUTTONS)
    page.keyboard.press(" ")
    # exact names: while playing, the timeline's help button is named "Help for Timeline: playing on
    # from epoch N; pause to look back", which a substring match for "Pause" (or "Play") also finds
    page.get_by_role("button", name="Pause", exact=True).wait_for()
    page.wait_for_function(f"Number({EPOCH_SHOWN}) > 1")
    shown = page.evaluate("""() => {  // Space, in the same task as reading the frame on screen
      const shown = [...document.querySelectorAll('.live-player')].find((root) => root.live.playing).live.epoch;
      document.body.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true }));
      return shown;
    }""")
    page.get_by_role("button", name="Play", exact=True).wait_for()
    wait_idle(page)
    assert page.evaluate(EPOCH_SHOWN) == str(shown)  # paused on the frame on screen, not where the server trained to
    # never two Pause buttons on screen, nor Play beside Pause (Streamlit shows a keyed element that a
    # rerun displaced until the run ends, unless the page hides it), from Space to Space
    assert page.evaluate("window.__runButtonsSeen") == {"pause": 1, "both": False}
    epoch = int(page.evaluate(EPOCH_SHOWN))
    # typed into a number input (the sidebar's Points), the keys are the input's: nothing plays or steps
    box = page.locator(f"{SIDEBAR} .st-key-n_points input")
    box.click()
    page.keyboard.press(" ")
    page.keyboard.press("ArrowRight")
    page.keyboard.press(" ")
    assert box.input_value() == "300"
    box.evaluate("el => el.blur()")
    wait_idle(page)
    rerun_by(page, lambda: page.keyboard.press("ArrowRight"))  # back on the page, → steps exactly one epoch
    page.wait_for_function(f"{EPOCH_SHOWN} === '{epoch + 1}'")
    assert page.get_by_role("button", name="Play", exact=True).is_visible()
    assert page.locator(f".st-key-{keys.PRESENTER_KEYS}").count() == 1
    # by clicks too (a click reruns the main area only): the button replaced is not shown beside the new one
    page.evaluate(WATCH_RUN_BUTTONS)
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).wait_for()
    wait_idle(page)
    assert page.evaluate("window.__runButtonsSeen") == {"pause": 1, "both": False}
