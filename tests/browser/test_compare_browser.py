"""The Compare page in a real Chromium: a preset trains, its charts render, no exception box."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, choose, enter_text, screenshot, wait_idle
from tests.browser.test_playground_layout import DARK_BACKGROUND, DARK_TEXT, _colours, _overlap, _sidebar


def _set_number(page, label: str, value: int) -> None:
    enter_text(page, page.locator("[data-testid='stNumberInput']").filter(has_text=label).first.locator("input"),
               str(value))


def _open_compare(page, app_url, query: str = "") -> None:
    """From the start page (with the Playground's settings in `query`) through the sidebar."""
    page.goto(f"{app_url}/{query}")
    wait_idle(page)
    page.locator("[data-testid='stSidebarNav']").get_by_text("Compare", exact=True).click()
    wait_idle(page)
    page.get_by_role("heading", name="Compare runs from the same start").wait_for()


def _pick_preset(page, name: str, runs: int) -> None:
    """Choose a preset and wait until its runs have reached the page (the Runs box shows them)."""
    choose(page, page.locator("[data-testid='stSelectbox']").filter(has_text="Preset").first, name)
    wait_idle(page)
    runs_box = page.locator("[data-testid='stNumberInput']").filter(has_text="Runs").first.locator("input")
    expect(runs_box).to_have_value(str(runs))
    wait_idle(page)


def _open_editor(page) -> None:
    page.locator("[data-testid='stExpander'] summary").filter(has_text="Edit the runs").click()
    page.locator("[data-testid='stTextInput']").first.wait_for()
    wait_idle(page)


# Every Plotly.Plots.resize call, with the plot's width then and the width it was drawn at: a resize is only for a
# change of width (the ResizeObserver also reports a chart's first size, and a height's change).
RESIZES = """
window.__resizes = [];
let plotly;
Object.defineProperty(window, 'Plotly', { configurable: true, get: () => plotly, set: (value) => {
  plotly = value;
  const resize = value.Plots.resize;
  value.Plots.resize = function (plot) {
    window.__resizes.push([plot.clientWidth, plot._fullLayout.width]);
    return resize.apply(this, arguments);
  };
} });
"""

# Each change of the script's state, with the epoch each chart shows then (layout.meta.epoch)
STATES = """
window.__states = [];
new MutationObserver(() => {
  const app = document.querySelector("[data-testid='stApp']");
  const state = app && app.getAttribute('data-test-script-state');
  const last = window.__states[window.__states.length - 1];
  if (state && (!last || last[0] !== state)) {
    const plots = [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')];
    window.__states.push([state, plots.map((p) => p.layout && p.layout.meta && p.layout.meta.epoch)]);
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-test-script-state'] });
"""

# The x and y domains of each panel of a plot (a figure of panels: ui.compare.figures.panel_row)
DOMAINS = """(p) => Object.keys(p._fullLayout).filter((k) => /^xaxis\\d*$/.test(k)).map((k) => {
  const y = p._fullLayout[p._fullLayout[k].anchor.replace('y', 'yaxis')];
  return [p._fullLayout[k].domain.map((v) => +v.toFixed(3)), y.domain.map((v) => +v.toFixed(3))]; })"""


def _columns_and_rows(page, k: int) -> tuple[int, int]:
    """How many columns and rows the panels of the page's k-th plot are laid out in."""
    domains = page.locator("[data-testid=stMain] .js-plotly-plot").nth(k).evaluate(DOMAINS)
    return len({tuple(x) for x, _ in domains}), len({tuple(y) for _, y in domains})


def test_preset_trains_and_renders(page, app_url):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.add_init_script(RESIZES)
    page.add_init_script(STATES)
    _open_compare(page, app_url)
    page.get_by_text("Pick a preset").wait_for()
    # plotly.js drew its costly first figure off screen while the page was idle, and left nothing behind
    page.wait_for_function("window.__liveWarm === 'done'")
    assert page.locator(".js-plotly-plot").count() == 0
    _pick_preset(page, "Sigmoid vs tanh vs ReLU", 4)
    _set_number(page, "Epochs E", 120)
    # the new epoch count has reached the server once the Continue button shows it
    page.get_by_role("button", name="Continue (+120 epochs)").wait_for()
    wait_idle(page)
    page.evaluate("window.__states = []")
    page.get_by_role("button", name="Train all runs").click()
    page.get_by_text("4 runs, epoch 120.").wait_for(timeout=60_000)
    # the job's run ends, and once both finished charts are drawn the browser reruns the page, once, for the buttons
    # (a rerun from the server would drop what it had not sent yet: the charts would come with the rerun)
    page.wait_for_function("window.__states.filter((s) => s[0] === 'notRunning').length >= 2", timeout=60_000)
    page.wait_for_timeout(500)
    states = page.evaluate("window.__states")
    assert [s for s, _ in states] == ["running", "notRunning", "running", "notRunning"], states
    assert states[2][1] == [120, 120], states
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_role("button", name="Continue (+120 epochs)")).to_be_enabled()
    expect(main.get_by_role("button", name="Stop")).to_be_disabled()
    # the three curves' panels, then the open tab's: a panel of gradient norms per run (this preset's tab)
    plots = "document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')"
    page.wait_for_function(f"{plots}.length == 2 && document.querySelectorAll('.js-plotly-plot .annotation-text')"
                           ".length >= 7", timeout=60_000)
    titles = " ".join(t.text_content() for t in page.locator(".js-plotly-plot .annotation-text").all())
    assert all(name in titles for name in ("sigmoid", "tanh", "ReLU", "leaky ReLU"))
    assert "w^(1)" in page.locator(".js-plotly-plot").last.text_content()  # a layer's line in the legend
    # each plot shows the epoch it has drawn
    assert page.evaluate(f"[...{plots}].map((p) => p.layout.meta.epoch)") == [120] * 2
    # side by side on a wide page, one to a row on a phone, the figure as tall as its rows; one legend entry a run
    assert [_columns_and_rows(page, k) for k in (0, 1)] == [(3, 1), (4, 1)]
    assert page.locator(".js-plotly-plot").first.locator(".legend .traces").count() == 4
    height = f"{plots}[0]._fullLayout.height"
    wide = page.evaluate(height)
    for width, height_, layout in ((390, 844, [(1, 3), (1, 4)]), (1024, 768, [(2, 2), (2, 2)]),
                                   (1300, 1000, [(3, 1), (2, 2)]), (1600, 2600, [(3, 1), (4, 1)])):
        page.set_viewport_size({"width": width, "height": height_})
        page.wait_for_function(f"[...{plots}].every((p) => Math.abs(p._fullLayout.width - p.clientWidth) < 1)")
        page.wait_for_timeout(300)  # plotly's own window-resize handler, if it ran, acts about 0.1 s later
        assert [_columns_and_rows(page, k) for k in (0, 1)] == layout, width
        # each figure of panels as tall as its rows, and its place on the page as tall as it (nothing drawn over)
        boxes = page.evaluate(f"[...{plots}].map((p) => [p.getBoundingClientRect().height, p._fullLayout.height])")
        assert all(abs(box - drawn) <= 2 for box, drawn in boxes), (width, boxes)
    assert page.evaluate(height) == wide
    assert page.locator(".cmp-table").count() == 1 and page.locator("[data-testid='stDataFrame']").count() == 0
    summary = page.locator(".cmp-table").inner_text()
    assert all(name in summary for name in ("sigmoid", "tanh", "leaky ReLU")) and "epochs to accuracy" in summary
    screenshot(page, "compare")
    # another tab draws its own views: the decision regions (a heatmap each), then the unit health (a table)
    page.get_by_role("tab", name="Decision regions").click()
    page.wait_for_function(f"{plots}.length == 5 && [...{plots}].slice(1).every((p) => p.data && "
                           "p.data[0].type === 'heatmap' && p.querySelector('.hm image'))", timeout=60_000)
    page.wait_for_timeout(500)  # a few frames: a chart's ResizeObserver reports its first size after its drawing
    assert all(now != drawn for now, drawn in page.evaluate("window.__resizes")), "a resize to the same width"
    screenshot(page, "compare-regions")
    page.get_by_role("tab", name="Unit health").click()
    page.wait_for_function(f"{plots}.length == 1 && document.querySelectorAll('.cmp-table').length == 2",
                           timeout=60_000)
    assert "A′<0.01" in page.locator(".cmp-table").last.inner_text()
    # the tab stays open when the runs train on
    page.get_by_role("button", name="Continue (+120 epochs)").click()
    page.get_by_text("4 runs, epoch 240.").wait_for(timeout=60_000)
    wait_idle(page, timeout=60_000)
    expect(page.get_by_role("tab", name="Unit health")).to_have_attribute("aria-selected", "true")
    assert page.locator(".cmp-table").count() == 2
    # Continue with charts in the open tab: a plot taken off the page by the rerun is not resized (plotly refuses)
    page.get_by_role("tab", name="Decision regions").click()
    page.wait_for_function(f"{plots}.length == 5", timeout=60_000)
    page.get_by_role("button", name="Continue (+120 epochs)").click()
    page.get_by_text("4 runs, epoch 360.").wait_for(timeout=60_000)
    wait_idle(page, timeout=60_000)
    assert not [e for e in errors if "Resize must be passed" in e], errors
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlert']").filter(has_text="Could not").count() == 0


def test_sweep_marks_diverged_runs(page, app_url):
    _open_compare(page, app_url, "?loss=squared&output=linear")
    assert "loss squared with a linear output" in page.get_by_text("Playground's configuration:").inner_text()
    page.get_by_text("Learning-rate sweep").click()
    wait_idle(page)
    _set_number(page, "Values K", 5)
    _set_number(page, "Epochs E", 30)
    page.get_by_role("button", name="Run the sweep").click()
    wait_idle(page, timeout=60_000)
    page.wait_for_function("document.querySelectorAll('[data-testid=stMain] .js-plotly-plot').length == 1 + 1"
                           " && document.querySelector('.js-plotly-plot').textContent.includes('diverged')",
                           timeout=60_000)
    # by its content, not its place: the browser's rerun after the job may be moving the plots into their new places
    expect(page.locator(".js-plotly-plot").filter(has_text="learning rate ξ")).to_contain_text("diverged")
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "compare-sweep")
    # the system turns dark: so do the page's charts, every one of them
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("[...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')].every((p) => "
                           "p.layout.meta.theme === 'dark')", timeout=20_000)
    assert set(_colours(page)) == {(DARK_BACKGROUND, DARK_TEXT)}
    # a narrower window: every chart follows the width, and its element stays as tall as what it draws (plotly's
    # own resize left a fixed-height chart's element 0 px tall, its drawing hanging out of it)
    page.set_viewport_size({"width": 1024, "height": 2600})
    page.wait_for_function("[...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')].every((p) => "
                           "p._fullLayout.width < 1000)", timeout=20_000)
    page.wait_for_timeout(300)
    heights = page.evaluate("""() => [...document.querySelectorAll("[data-testid='stMain'] .js-plotly-plot")]
      .map((p) => [p.getBoundingClientRect().height, p.querySelector('.main-svg').getBoundingClientRect().height])""")
    assert all(plot == drawn > 0 for plot, drawn in heights), heights
    # the curves' legend, four rows at this width, gets the room it takes below the panels, no more
    room = page.evaluate("""() => [...document.querySelectorAll("[data-testid='stMain'] .js-plotly-plot")]
      .filter((p) => p.layout.meta.panels).map((p) => [p._fullLayout.margin.b - p.layout.meta.panels.below,
        p.querySelector('.legend').getBoundingClientRect().height])""")
    assert room and all(0 <= given - taken <= 8 for given, taken in room), room


def test_stop_ends_a_long_training(page, app_url):
    _open_compare(page, app_url)
    _pick_preset(page, "Deep sigmoid network: vanishing gradients", 4)
    _set_number(page, "Epochs E", 5000)
    page.get_by_role("button", name="Train all runs").click()
    page.get_by_text(re.compile(r"Training: epoch [1-9]\d* of 5000")).wait_for()
    # the runs so far are drawn while the job trains (the curves, updated in place), not only at its end
    page.wait_for_function("document.querySelectorAll('[data-testid=stMain] .js-plotly-plot .main-svg').length >= 1"
                           " && document.querySelector('[data-testid=stProgress]') !== null", timeout=60_000)
    assert page.locator("[data-testid='stProgress']").count() == 1
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop").click()
    wait_idle(page)
    page.get_by_text(re.compile(r"4 runs, epoch \d+\.")).wait_for()
    epoch = int(re.search(r"4 runs, epoch (\d+)\.", page.locator("[data-testid='stMarkdown']").filter(
        has_text="4 runs, epoch").first.inner_text()).group(1))
    assert 0 < epoch < 5000
    assert page.locator("[data-testid='stProgress']").count() == 0
    page.wait_for_function("document.querySelectorAll('[data-testid=stMain] .js-plotly-plot .main-svg')"
                           ".length >= 1", timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "compare-deep-stopped")
    # Continue trains on: one pair of buttons while it does (Continue off, Stop on), none left from before
    page.get_by_role("button", name="Continue (+5000 epochs)").click()
    page.get_by_text(re.compile(r"Training: epoch \d+ of \d+")).wait_for()
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_role("button", name=re.compile("Continue"))).to_have_count(1)
    expect(main.get_by_role("button", name=re.compile("Continue"))).to_be_disabled()
    expect(main.get_by_role("button", name="Stop")).to_have_count(1)
    main.get_by_role("button", name="Stop").click()
    wait_idle(page)
    expect(main.get_by_role("button", name=re.compile("Continue"))).to_be_enabled()


def test_editor_values_survive_a_page_switch(page, app_url):
    """The widgets keep their values with persist_state="session": away to the Playground and back."""
    _open_compare(page, app_url)
    _pick_preset(page, "ξ too small / about right / too large", 3)
    _set_number(page, "Epochs E", 77)
    assert page.locator("[data-testid='stTextInput']").count() == 0  # the run editor starts folded
    _open_editor(page)
    enter_text(page, page.locator("[data-testid='stTextInput']").filter(has_text="Label").first.locator("input"),
               "my first run")
    page.locator("[data-testid='stSidebarNav']").get_by_text("Playground", exact=True).click()
    page.get_by_role("button", name="Step 1 epoch").wait_for()
    wait_idle(page)
    page.locator("[data-testid='stSidebarNav']").get_by_text("Compare", exact=True).click()
    page.get_by_role("heading", name="Compare runs from the same start").wait_for()
    wait_idle(page)
    number = page.locator("[data-testid='stNumberInput']")
    expect(number.filter(has_text="Runs").first.locator("input")).to_have_value("3")
    expect(number.filter(has_text="Epochs E").first.locator("input")).to_have_value("77")
    if not page.locator("[data-testid='stTextInput']").count():
        _open_editor(page)
    expect(page.locator("[data-testid='stTextInput']").filter(has_text="Label").first.locator("input")
           ).to_have_value("my first run")
    expect(page.get_by_role("combobox", name="Preset")).to_have_value(re.compile("ξ too small"))


# The boxes of a plot's legend entries and of its panels' titles, and the plot's own
ENTRIES_AND_TITLES = """(p) => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return { plot: box(p), entries: [...p.querySelectorAll('.legend .traces')].map(box),
  titles: [...p.querySelectorAll('.annotation')].map(box),
  cut: [...p.querySelectorAll('.annotation-text')].map((t) => t.textContent).filter((t) => t.endsWith('…')) }; }"""


def test_long_run_labels_fit_the_legend_and_the_panels_titles(page, app_url):
    """Six runs with 40-character labels on a projector: a legend entry a row if need be, a panel's title cut short
    to its panel (the whole of it on hover), nothing over anything, with the sidebar open and closed."""
    page.set_viewport_size({"width": 1024, "height": 768})
    _open_compare(page, app_url)
    _pick_preset(page, "Sigmoid vs tanh vs ReLU", 4)
    _set_number(page, "Runs", 6)
    _set_number(page, "Epochs E", 3)
    _open_editor(page)
    labels = [f"RUN {k}: WIDE LETTERS, MUCH LARGER ξ & MORE"[:40] for k in range(6)]
    for k, label in enumerate(labels):
        enter_text(page, page.locator("[data-testid='stTextInput']").filter(has_text="Label").nth(k).locator("input"),
                   label)
    page.get_by_role("button", name="Train all runs").click()
    page.get_by_text("6 runs, epoch 3.").wait_for(timeout=60_000)
    wait_idle(page, timeout=60_000)
    plots = page.locator("[data-testid=stMain] .js-plotly-plot")
    for sidebar in (True, False):
        _sidebar(page, sidebar)
        page.wait_for_function("[...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')].every("
                               "(p) => Math.abs(p._fullLayout.width - p.clientWidth) < 1)")
        page.wait_for_timeout(300)
        curves, grads = (plots.nth(k).evaluate(ENTRIES_AND_TITLES) for k in (0, 1))
        assert len(curves["entries"]) == 6 and len(grads["titles"]) == 6
        for figure in (curves, grads):
            for boxes in (figure["entries"], figure["titles"]):
                for i, a in enumerate(boxes):
                    assert not any(_overlap(a, b) for b in boxes[i + 1:]), (sidebar, a, boxes)
                    assert figure["plot"][0] - 1 <= a[0] and a[2] <= figure["plot"][2] + 1, (sidebar, a)
        assert grads["cut"], "no title needed cutting: the test's labels are too short"
        for k, name in enumerate(("curves", "grads")):
            plots.nth(k).screenshot(path=str(ARTIFACTS / f"compare-long-labels-{name}-sidebar-{sidebar}.png"))
    hovered = page.evaluate("[...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')][1]"
                            ".layout.annotations.map((a) => a.hovertext).filter(Boolean)")
    assert hovered and set(hovered) <= {label.replace("&", "&amp;") for label in labels}
