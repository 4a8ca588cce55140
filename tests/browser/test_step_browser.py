"""A Step painted at once on the main charts, then their full figures (ui/playground/step.py), in Chromium."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from tests.browser.conftest import ARTIFACTS, EPOCH_SHOWN, metric, screenshot, wait_idle
from tests.conftest import ROOT
from ui import keys

MAIN = ("chart_network", "chart_output", "chart_loss")
# the charts' drawings of the step's full figures, held back until the test lets them go
HOLD = """() => { window.__held = []; const real = window.__realPlotly = window.__realPlotly ||
  { react: Plotly.react, newPlot: Plotly.newPlot };
  for (const name of ['react', 'newPlot']) {
    Plotly[name] = (...args) => new Promise((resolve) => window.__held.push(() => real[name](...args).then(resolve)));
  } }"""
RELEASE = """() => { Object.assign(Plotly, window.__realPlotly); window.__held.forEach((draw) => draw()); }"""
STATE = """(keys) => keys.map((k) => { const p = window.__livePlots[k]; return {
  epoch: p.layout.meta.epoch, covered: Boolean(p.live.covered), hidden: p.querySelectorAll('.live-hidden').length,
  painted: [...p.querySelectorAll('canvas.live-paint')].some((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
    return false; }) }; })"""
SETTLED = """(keys) => document.querySelector("[data-testid='stApp']").dataset.testScriptState === 'notRunning' &&
  keys.every((k) => { const p = (window.__livePlots || {})[k]; return p && !p.live.covered && !p.live.busy; })"""


def _shot(page, key: str) -> np.ndarray:
    png = page.locator(f".st-key-view_{key.removeprefix('chart_')} .live-plot").screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def _timeline(page) -> str:
    return page.locator(f".st-key-{keys.TIMELINE} input[type='range']").input_value()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_step_is_painted_at_once_like_its_full_figures_which_follow(browser, app_url, scheme):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{app_url}/?dataset=xor&lr=1.0")
    wait_idle(page)
    step = page.get_by_role("button", name="Step 1 epoch")
    # to epoch 10 (the units have colours to paint from epoch 1 on), where the epochs' axis reaches 12 (room
    # for the next step: figures.nice_ceiling), and so does the next step's full figure
    page.get_by_role("button", name="Step 10 epochs").click()
    page.wait_for_function(f"({SETTLED})({list(MAIN)}) && "
                           "window.__livePlots.chart_network.layout.meta.epoch === 10", timeout=30_000)
    assert _timeline(page) == "10"
    page.evaluate(HOLD)
    step.click()
    page.wait_for_function(f"({STATE})({list(MAIN)}).every((s) => s.epoch === 11 && s.covered)", timeout=30_000)
    page.wait_for_function("window.__held.length === 3", timeout=30_000)  # the full figures have come
    page.wait_for_timeout(300)
    for state in page.evaluate(STATE, list(MAIN)):  # painted, with the SVG it replaces hidden
        assert state["painted"] and state["hidden"] > 0
    assert metric(page, "Epoch") == "11"  # the metrics row, painted with the charts
    epochs_axis = page.evaluate("window.__livePlots.chart_loss.layout.xaxis.range")
    painted = {key: _shot(page, key) for key in MAIN}
    screenshot(page, f"step-painted-{scheme}")

    page.evaluate(RELEASE)
    page.wait_for_function(f"({SETTLED})({list(MAIN)}) && document.querySelectorAll('.live-paint').length === 0",
                           timeout=30_000)
    page.wait_for_timeout(300)
    assert _timeline(page) == "11"
    for state in page.evaluate(STATE, list(MAIN)):
        assert state == {"epoch": 11, "covered": False, "hidden": 0, "painted": False}
    assert page.evaluate("window.__livePlots.chart_loss.layout.xaxis.range") == epochs_axis
    screenshot(page, f"step-full-{scheme}")
    for key in MAIN:  # the painting looks like the full figure of the same epoch
        full = _shot(page, key)
        assert full.shape == painted[key].shape
        off = np.abs(full - painted[key]).max(axis=2) > 80
        if off.mean() >= 0.01:  # the two pictures, for a look
            pair = np.concatenate([painted[key], full, np.where(off[..., None], 255, 0).repeat(3, 2)], axis=1)
            Image.fromarray(pair.astype(np.uint8)).save(ARTIFACTS / f"step-{key}-{scheme}.png")
        assert off.mean() < 0.01, f"{key} ({scheme}): {off.mean():.2%} of the pixels differ"
    assert page.locator("[data-testid='stException']").count() == 0
    context.close()


def test_steps_clicked_in_quick_succession_leave_every_view_on_one_epoch_with_no_painting_left(browser, app_url):
    """The connection survives, and once the page is idle the metrics, the timeline and the three charts
    show the same epoch, with every painting given way to its full figures. (Streamlit can take two clicks
    on one button that reach it together as one, so the epoch reached is not asserted.)"""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if "ForwardMsg" in message.text else None)
    page.goto(f"{app_url}/?dataset=xor")
    wait_idle(page)
    page.wait_for_function(f"({SETTLED})({list(MAIN)})", timeout=30_000)
    # a click as soon as the button is there (a rerun can be redrawing the row)
    click = """async () => { for (;;) {
      const button = [...document.querySelectorAll('button')].find((b) => b.innerText.trim() === 'Step 1 epoch');
      if (button) { button.click(); return; }
      await new Promise((resolve) => requestAnimationFrame(resolve)); } }"""
    for gap in (0, 30, 0, 60, 0, 0, 20, 0):
        page.evaluate(click)
        page.wait_for_timeout(gap)
    page.wait_for_function(f"{EPOCH_SHOWN} !== '0'",
                           timeout=30_000)
    agreed = f"""() => {{ const epoch = {EPOCH_SHOWN};
      return ({SETTLED})({list(MAIN)})
        && {list(MAIN)}.every((k) => String(window.__livePlots[k].layout.meta.epoch) === epoch)
        && document.querySelector(".st-key-{keys.TIMELINE} input[type='range']").value === epoch; }}"""
    for _ in range(3):  # idle, and still agreeing a moment later (no run was left to come)
        page.wait_for_function(agreed, timeout=30_000)
        page.wait_for_timeout(700)
    assert page.evaluate(agreed)
    assert page.evaluate("document.querySelectorAll('.live-paint, .live-hidden').length") == 0
    assert not errors and page.locator("[data-testid='stException']").count() == 0
    context.close()


class _Held:
    """The page's Streamlit connection, with the server's messages held back while `on` (the page's own go
    through): what the page shows then, it drew without the server."""

    def __init__(self, page) -> None:
        self.on, self.queue = False, []
        page.route_web_socket(lambda url: url.endswith("/_stcore/stream"), self._route)

    def _route(self, ws) -> None:
        self.ws, server = ws, ws.connect_to_server()
        server.on_message(lambda message: self.queue.append(message) if self.on else ws.send(message))

    def release(self) -> None:
        self.on = False
        for message in self.queue:
            self.ws.send(message)
        self.queue.clear()


AHEAD_FROM = "(window.__liveAhead && window.__liveAhead.film ? window.__liveAhead.film.ahead.from : null)"


def test_step_1_is_painted_in_its_click_from_the_epoch_worked_out_ahead_and_anything_else_touched_drops_it(
        browser, app_url):
    """With the server's messages held back, a click on Step 1 shows the next epoch on the three charts and
    the metrics row; the server's step then agrees. A toggle pressed first drops the step worked out ahead:
    the click waits for the server."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    held = _Held(page)
    page.goto(f"{app_url}/?dataset=xor&lr=1.0")
    wait_idle(page)
    page.get_by_role("button", name="Step 10 epochs").click()
    page.wait_for_function(f"({SETTLED})({list(MAIN)}) && {AHEAD_FROM} === 10", timeout=30_000)
    held.on = True
    page.get_by_role("button", name="Step 1 epoch").click()
    page.wait_for_function(f"({STATE})({list(MAIN)}).every((s) => s.epoch === 11 && s.covered && s.painted) && "
                           f"{EPOCH_SHOWN} === '11'", timeout=10_000)
    for _ in range(100):  # the server's answer comes, held back: it reached the page only after the painting
        if held.queue:
            break
        page.wait_for_timeout(50)
    assert held.queue
    held.release()
    page.wait_for_function(f"({SETTLED})({list(MAIN)}) && {AHEAD_FROM} === 11", timeout=30_000)
    assert _timeline(page) == "11" and metric(page, "Epoch") == "11"
    assert [s["epoch"] for s in page.evaluate(STATE, list(MAIN))] == [11, 11, 11]

    held.on = True
    page.get_by_text("Log scale").click()  # a press on anything else than Step 1: the step ahead is dropped
    page.get_by_role("button", name="Step 1 epoch").click()
    page.wait_for_timeout(800)
    assert [(s["epoch"], s["covered"]) for s in page.evaluate(STATE, list(MAIN))] == [(11, False)] * 3
    assert page.evaluate(EPOCH_SHOWN) == "11"
    held.release()
    page.wait_for_function(f"({SETTLED})({list(MAIN)}) && {EPOCH_SHOWN} === '12' && "
                           f"({STATE})({list(MAIN)}).every((s) => s.epoch === 12)", timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    context.close()


# live_chart.js alone in a blank page: the step-ahead component and the step player fed as Streamlit
# would feed them, three stand-in charts showing an epoch, and the two buttons.
AHEAD_PAGE = """async (js) => {
  document.body.innerHTML = '<div class="st-key-step1"><button>Step 1 epoch</button></div>' +
    '<div class="st-key-reset"><button>Reset</button></div><div id="host"></div>';
  const module = await import(URL.createObjectURL(new Blob([js], { type: 'text/javascript' })));
  const charts = { net: 'chart_network', out: 'chart_output', loss: 'chart_loss' };
  window.__livePlots = {};
  window.showEpoch = (epoch) => Object.values(charts).forEach((key) => {
    window.__livePlots[key] = { data: [], layout: { meta: { epoch } }, live: {} }; });
  const host = document.getElementById('host');
  const feed = (data) => module.default({ data, parentElement: host, setTriggerValue: () => {} });
  window.runStarts = (run) => feed({ kind: 'player', film: null, charts, metrics: [], frame_ms: 15, run });
  window.runEnds = (run, id, from) => feed({ kind: 'ahead', charts, button: 'step1', run,
    film: { id, frames: [{ e: from + 1 }], spec: {}, step: true, ahead: { from } } });
  window.press = (label) => {
    const button = [...document.querySelectorAll('button')].find((b) => b.innerText === label);
    button.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    button.click();
  };
  window.painted = () => [...window.__liveAhead.live.seen];
}"""


def test_no_step_worked_out_before_the_server_took_a_press_in_is_painted_after_it(page):
    """The runs' numbers decide: a step worked out by a run that was under way when Reset was pressed
    (its start seen before the press, or still to be seen) is not painted; one from a run started after is."""
    page.set_content("<html><body></body></html>")
    page.evaluate(AHEAD_PAGE, (ROOT / "ui/live_chart/live_chart.js").read_text())
    frame = "new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))"

    def click_step() -> list:
        page.evaluate("press('Step 1 epoch')")
        page.evaluate(frame)
        return page.evaluate("painted()")

    page.evaluate("showEpoch(10); runStarts(1); runEnds(1, 'a', 10)")
    assert click_step() == ["a"]  # the step from epoch 10, painted in its click
    page.evaluate("showEpoch(11); runStarts(2); press('Reset'); runEnds(2, 'b', 11)")  # run 2 was under way
    assert click_step() == ["a"]
    page.evaluate("showEpoch(0); runStarts(3); runEnds(3, 'c', 0); showEpoch(1); runStarts(4); runEnds(4, 'd', 1)")
    assert click_step() == ["a", "d"]  # run 3 may have started before the second click came: only run 4's
    page.evaluate("showEpoch(2); press('Reset'); runStarts(5); runEnds(5, 'e', 2)")  # Reset before run 5 was seen
    assert click_step() == ["a", "d"]
    page.evaluate("showEpoch(0); runStarts(6); runEnds(6, 'f', 0); runStarts(7); runEnds(7, 'g', 0)")
    assert click_step() == ["a", "d", "g"]
    page.evaluate("showEpoch(1); runStarts(8); runEnds(8, 'h', 1)")  # the click's run: idle again
    page.evaluate("document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }))")
    page.evaluate("runStarts(9); runEnds(9, 'i', 1)")  # a run started after the press: it counts
    assert click_step() == ["a", "d", "g", "i"]
    # a value put in a field with no key or pointer (autofill, dictation) drops the step worked out ahead too
    page.evaluate("runStarts(10); runEnds(10, 'j', 2); showEpoch(2)")
    page.evaluate("document.body.dispatchEvent(new Event('input', { bubbles: true }))")
    assert click_step() == ["a", "d", "g", "i"]
