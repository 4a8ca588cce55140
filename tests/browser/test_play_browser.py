"""Play in a real Chromium: compact frames in order, Pause on the frame shown, hidden tabs, two sessions."""

from __future__ import annotations

import json

from tests.browser.conftest import metric, wait_idle
from ui.playground import figures, views

PLOTS = "[...document.querySelectorAll('.js-plotly-plot')]"
NET_EPOCH = "document.querySelector('.js-plotly-plot')?.layout?.meta?.epoch"

# Per animation frame over `ms`: the epochs of the network, y* and loss charts and the metrics row's epoch,
# one entry each time the network's epoch changes (and the other views' at that moment).
WATCH = """
async (ms) => {
  const seen = [], t0 = performance.now();
  return await new Promise(resolve => {
    const tick = () => {
      const [net, out, loss] = """ + PLOTS + """.map(p => p.layout.meta.epoch);
      const metric = document.querySelector('.live-metric-value')?.textContent;
      if (!seen.length || seen[seen.length - 1][0] !== net) seen.push([net, out, loss, Number(metric)]);
      if (performance.now() - t0 < ms) requestAnimationFrame(tick); else resolve(seen);
    };
    requestAnimationFrame(tick);
  });
}
"""

# The main charts hold Play's figures, the network and y* showing the same epoch (the loss follows in batches).
SAME_FRAME = (f"{PLOTS}.slice(0, 3).every(p => p.layout?.meta?.play) && "
              f"{PLOTS}[1].layout.meta.epoch === {PLOTS}[0].layout.meta.epoch")

# Click Pause (as a user's click, through the document) and give the epoch on screen at that moment.
PAUSE = """() => {
  const button = document.querySelector('.st-key-pause button');
  button.click();
  return document.querySelector('.js-plotly-plot').layout.meta.epoch;
}"""

# Count script runs started over `ms` (the page's requests to the server).
COUNT_RUNS = """
async (ms) => {
  const app = document.querySelector("[data-testid='stApp']");
  let runs = 0;
  const obs = new MutationObserver(() => { if (app.getAttribute('data-test-script-state') === 'running') runs++; });
  obs.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  await new Promise(r => setTimeout(r, ms));
  obs.disconnect();
  return runs;
}
"""

# The painted y* map's pixels drawn opaque in the ink colour (the map's cells are translucent), which
# is the y* = 0.5 line decoded from the frame's 16-bit coordinates: how many, and the largest share of
# the canvas's width or height that they span
INK_LINE = """() => {
  const canvas = document.querySelectorAll('.js-plotly-plot')[1].querySelector('canvas.live-paint');
  const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0, x0 = Infinity, x1 = -1, y0 = Infinity, y1 = -1;
  for (let k = 0; k < d.length; k += 4) {
    const off = Math.abs(d[k] - 0x21) + Math.abs(d[k + 1] - 0x25) + Math.abs(d[k + 2] - 0x29);
    if (d[k + 3] !== 255 || off >= 30) continue;
    const x = (k / 4) % canvas.width, y = Math.floor(k / 4 / canvas.width);
    n++; x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  return [n, Math.max((x1 - x0) / canvas.width, (y1 - y0) / canvas.height)];
}"""
HIDE = """(hidden) => {
  Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => hidden ? 'hidden' : 'visible'});
  document.dispatchEvent(new Event('visibilitychange'));
}"""


def _downloaded_epoch(page) -> int:
    with page.expect_download() as download:
        page.get_by_role("button", name=views.RUN_DOWNLOAD).click()
    return json.loads(open(download.value.path(), encoding="utf-8").read())["epoch"]


def _play(page, at_least: int) -> None:
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(f"{NET_EPOCH} >= {at_least}", timeout=30_000)


def _pause(page) -> int:
    shown = page.evaluate(PAUSE)
    page.get_by_role("button", name="Play", exact=True).wait_for()
    wait_idle(page)
    return shown


def test_frames_in_order_pause_on_the_frame_shown_and_a_hidden_tab_asks_nothing(page, app_url):
    page.goto(f"{app_url}/?speed=5")
    wait_idle(page)
    page.wait_for_function(f"{NET_EPOCH} === 0")
    _play(page, 10)
    page.wait_for_function(SAME_FRAME, timeout=30_000)  # the charts have drawn Play's figures
    for k in (0, 1, 2):  # the diagram, y* and the loss painted under their plots, anew each frame
        painted = f"{PLOTS}[{k}].querySelector('.svg-container > canvas.live-paint').toDataURL()"
        first = page.evaluate(painted)
        page.wait_for_function(f"{painted} !== {first!r}", timeout=10_000)
    page.wait_for_function(f"(([n, span]) => n > 100 && span > 0.3)(({INK_LINE})())", timeout=10_000)  # y* = 0.5
    seen = page.evaluate(WATCH, 3000)
    nets = [s[0] for s in seen]
    # in order, none skipped or repeated (a frame trains fewer than 5 epochs if they take too long)
    assert len(seen) >= 3 and all(0 < b - a <= 5 for a, b in zip(nets, nets[1:])), seen
    assert all(net == out == metric and loss <= net for net, out, loss, metric in seen), seen  # moving together
    for _ in range(3):  # each toggle reruns the fragment, which sends a film nobody asked for: absorbed
        page.get_by_text("Log scale").click()
        page.wait_for_timeout(150)
    page.wait_for_timeout(1500)
    nets = [s[0] for s in page.evaluate(WATCH, 3000)]
    assert len(nets) >= 3 and all(0 < b - a <= 5 for a, b in zip(nets, nets[1:])), nets

    # the detail view (neuron maps) comes with the films about once a second, without a rerun of the page
    page.locator(".st-key-chart_neurons").scroll_into_view_if_needed()
    detail = "document.querySelector('.st-key-chart_neurons .js-plotly-plot').layout.meta.epoch"
    epochs = {page.evaluate(detail)}
    for _ in range(8):
        page.wait_for_timeout(500)
        epochs.add(page.evaluate(detail))
    assert len(epochs) >= 3, epochs

    page.evaluate(HIDE, True)  # a hidden tab: no frames drawn, nothing asked of the server
    page.wait_for_timeout(500)
    wait_idle(page)  # a request already in flight lands
    hidden_at = page.evaluate(NET_EPOCH)
    assert page.evaluate(COUNT_RUNS, 2000) == 0
    assert page.evaluate(NET_EPOCH) == hidden_at
    page.evaluate(HIDE, False)
    page.wait_for_function(f"{NET_EPOCH} > {hidden_at}", timeout=30_000)

    shown = _pause(page)
    page.wait_for_timeout(500)
    assert page.evaluate(f"{PLOTS}.map(p => p.layout.meta.epoch)")[:3] == [shown] * 3
    # the loss axes that grew while playing range themselves again (plotly keeps a relayout's ranges), with
    # room to spare for the next step, up to a round number (figures.nice_ceiling)
    epochs = page.evaluate(f"{PLOTS}[2].layout.xaxis")
    end = figures.nice_ceiling(shown + 1)
    assert epochs["autorange"] is True and epochs["range"][0] <= 0 and end <= epochs["range"][1] < 1.01 * end
    assert page.evaluate(f"{PLOTS}.every(p => !p.querySelector('.live-paint'))")  # no painting left under a plot
    assert metric(page, "Epoch") == str(shown)
    assert _downloaded_epoch(page) == shown  # the session's run is the run of the frame shown
    page.get_by_role("button", name="Step 1 epoch").click()  # and it trains on from there
    page.wait_for_function(f"{NET_EPOCH} === {shown + 1}")
    assert page.locator("[data-testid='stException']").count() == 0


def test_two_sessions_playing_at_once_stay_independent(browser, app_url):
    first, second = browser.new_page(), browser.new_page()
    for p, speed in ((first, 2), (second, 3)):  # the second opens while the first plays: a fresh run of its own
        p.goto(f"{app_url}/?speed={speed}")
        wait_idle(p)
        p.wait_for_function(f"{NET_EPOCH} === 0")
        _play(p, 2 * speed)
    shown = _pause(first)
    going = second.evaluate(NET_EPOCH)
    second.wait_for_function(f"{NET_EPOCH} > {going}", timeout=30_000)  # the other session plays on
    assert first.evaluate(NET_EPOCH) == shown
    other = _pause(second)
    assert _downloaded_epoch(first) == shown and _downloaded_epoch(second) == other
    first.close()
    second.close()
