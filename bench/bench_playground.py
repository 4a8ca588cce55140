"""Playground speed in a real browser, and per-session cost on the server.

Prints:
* against the reference page (bench/reference_page.py: one button, one small plotly chart), run after run
  in turns: the first chart after opening the page (target ≤ 1.3× the reference's) and click "Step 1
  epoch" → every visible chart redrawn (target ≤ 1.5× the reference's);
* click "Step 1 epoch" → every visible chart redrawn (median and p90 over many clicks; target ≤ 250 ms);
* Play: distinct frames per second, i.e. main-chart redraws showing a new epoch (target ≥ 8);
* one script rerun of the Playground, timed by AppTest (target ≤ 60 ms);
* the size of one session's run after 10,000 epochs at the default network (target < 20 MB);
* opening the run tools' and the Share expanders (drawn only once open) → their contents shown;
* with --against-tree DIR instead: only the first chart, this tree's Playground against DIR's, in turns.

Needs Debian's chromium at /usr/bin/chromium and playwright from requirements-dev.txt.
    python bench/bench_playground.py [--clicks 15] [--play-seconds 5] [--runs 3] [--against-tree DIR]
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port  # noqa: E402
from ui import keys  # noqa: E402

# Resolves with the ms from the click until every visible chart (in the window: the live charts draw
# a chart scrolled out of view when it comes into view) shows a new epoch (`layout.meta.epoch`, which a
# step's painting sets too) or, without one, a new figure, and the epoch counter has moved on.
CLICK_AND_WAIT = """
async (label) => {
  // a live chart knows whether it is in view (its IntersectionObserver, which also counts clipping by
  // the page's scrolling area); any other plot: its box within the window
  const inView = (p) => {
    if (p.live) return p.live.visible;
    const r = p.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight;
  };
  const plots = () => Array.from(document.querySelectorAll('.js-plotly-plot')).filter(inView);
  // the epoch counter: the Playground's metrics row (the Play player draws it), the reference's st.metric
  const counter = ".st-key-player .live-metric-value, [data-testid='stMetricValue']";
  const epoch = () => document.querySelector(counter).innerText;
  const shown = (p) => (p.layout && p.layout.meta && p.layout.meta.epoch !== undefined ? p.layout.meta.epoch : p.data);
  const before = new Map(plots().map(p => [p, shown(p)]));
  const start = epoch();
  const button = Array.from(document.querySelectorAll('button')).find(b => b.innerText.trim() === label);
  const t0 = performance.now();
  button.click();
  return await new Promise(resolve => {
    const tick = () => {
      const now = plots();  // in view now: the click's rerun can move a chart out of (or into) view
      const fresh = now.filter(p => p.data && p._fullLayout && (!before.has(p) || before.get(p) !== shown(p)));
      if (epoch() !== start && now.length && fresh.length === now.length) resolve(performance.now() - t0);
      else if (performance.now() - t0 > 20000) {
        resolve(`stuck: epoch ${start} -> ${epoch()}, ${fresh.length} of ${now.length} charts redrawn`);
      }
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}
"""

# Counts, over `seconds`, the distinct frames: main-chart redraws that show a new epoch. Each
# frame of the main chart carries its epoch in layout.meta (a film of several frames arrives per
# round trip while playing, so the metrics row above moves on once per film, not per frame).
COUNT_FRAMES = """
async (seconds) => {
  let frames = 0, redraws = 0, lastData = null, lastEpoch = null;
  const t0 = performance.now();
  return await new Promise(resolve => {
    const tick = () => {
      const plot = document.querySelector('.js-plotly-plot');
      if (plot && plot.data && plot.data !== lastData) {
        redraws++;
        lastData = plot.data;
      }
      const epoch = plot && plot.layout && plot.layout.meta && plot.layout.meta.epoch;
      if (epoch !== lastEpoch) { frames++; lastEpoch = epoch; }  // Play updates the plot in place
      if (performance.now() - t0 < seconds * 1000) requestAnimationFrame(tick);
      else resolve([frames / seconds, redraws / seconds]);
    };
    requestAnimationFrame(tick);
  });
}
"""


FIRST_CHART = "(() => { const p = document.querySelector('.js-plotly-plot'); return !!(p && p._fullLayout); })()"


# Whether the page has settled after a click: no script run, and no chart holding a step's painting
# (its full figures follow in the same run, drawn after it).
SETTLED = """
() => document.querySelector("[data-testid='stApp']").dataset.testScriptState === 'notRunning' &&
  Object.values(window.__livePlots || {}).every((p) => !p.live.covered)
"""


def _settle(page) -> None:
    """Wait until the page has settled after a click, and a moment more."""
    page.wait_for_function(SETTLED, polling="raf", timeout=30_000)
    page.wait_for_timeout(150)


def start_server(script: str = "app.py", root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """`streamlit run script` in the tree `root`, on a free port: the process and its address."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true", "--server.port",
         str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("streamlit did not start")


def _opened(pw, url: str):
    """A browser and a 1600×1200 page on `url` once its first script run is done."""
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1600, "height": 1200})
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    return browser, page


def browser_figures(url: str, clicks: int, play_seconds: float) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser, page = _opened(pw, url)
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2")
        times = []
        for _ in range(clicks + 2):
            times.append(_click_and_wait(page))
            _settle(page)
        times = sorted(times[2:])  # the first clicks warm up
        p90 = times[int(0.9 * (len(times) - 1))]
        print(f"click 'Step 1 epoch' -> all charts updated: median {statistics.median(times):.0f} ms, "
              f"p90 {p90:.0f} ms over {len(times)} clicks (target <= 250 ms)")
        page.get_by_role("button", name="Play", exact=True).click()
        page.wait_for_timeout(1500)
        frames, redraws = page.evaluate(COUNT_FRAMES, play_seconds)
        page.get_by_role("button", name="Pause", exact=True).click()
        print(f"Play: {frames:.1f} distinct frames/s (main chart redrawn with a new epoch; {redraws:.1f} "
              f"redraws/s in all) over {play_seconds:g} s (target >= 8)")
        browser.close()


def _click_and_wait(page) -> float:
    """ms from a click on "Step 1 epoch" to every visible chart redrawn (an error after 20 s)."""
    took = page.evaluate(CLICK_AND_WAIT, "Step 1 epoch")
    if isinstance(took, str):
        raise RuntimeError(f"{page.url}: {took}")
    return took


def _open_fresh(browser, url: str) -> tuple:
    """A fresh browser profile opens `url`: its context, the page and the ms to its first drawn chart."""
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    page = context.new_page()
    page.goto(url, wait_until="commit")
    page.wait_for_function(FIRST_CHART, polling="raf", timeout=60_000)
    return context, page, page.evaluate("performance.now()")  # since the navigation started


def _first_chart_and_clicks(browser, url: str, clicks: int) -> tuple[float, float]:
    """A fresh browser profile opens `url`: ms to its first drawn chart, then the median click → charts."""
    context, page, first = _open_fresh(browser, url)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.wait_for_timeout(1000)
    times = []
    for _ in range(clicks + 2):
        times.append(_click_and_wait(page))
        _settle(page)
    context.close()
    return first, statistics.median(times[2:])  # the first clicks warm up


def _spread(values: list[float], unit: str = "") -> str:
    fmt = "{:.2f}" if not unit else "{:.0f}"
    return "/".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values))) + unit


def against_reference(app_url: str, reference_url: str, runs: int, clicks: int) -> None:
    """The Playground and the reference page in turns, each run opening both in fresh profiles."""
    from playwright.sync_api import sync_playwright

    rows = {"app": [], "reference": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for run in range(runs):
            order = ("reference", "app") if run % 2 == 0 else ("app", "reference")
            for name in order:
                rows[name].append(_first_chart_and_clicks(browser, app_url if name == "app" else reference_url,
                                                          clicks))
        browser.close()
    first = [a[0] / r[0] for a, r in zip(rows["app"], rows["reference"])]
    click = [a[1] / r[1] for a, r in zip(rows["app"], rows["reference"])]
    print(f"first chart after opening, min/median/max over {runs} runs: Playground "
          f"{_spread([a[0] for a in rows['app']], ' ms')}, reference "
          f"{_spread([r[0] for r in rows['reference']], ' ms')}, ratio {_spread(first)} (target <= 1.3)")
    print(f"click 'Step 1 epoch' -> every visible chart redrawn, median of {clicks} clicks, min/median/max over runs: "
          f"Playground {_spread([a[1] for a in rows['app']], ' ms')}, reference "
          f"{_spread([r[1] for r in rows['reference']], ' ms')}, ratio {_spread(click)} (target <= 1.5)")


def _first_chart(browser, url: str) -> float:
    """A fresh browser profile opens `url`: ms from the navigation to its first drawn chart."""
    context, _, first = _open_fresh(browser, url)
    context.close()
    return first


def against_tree(app_url: str, before_url: str, runs: int) -> None:
    """This tree's Playground and another tree's, opened in turns in fresh profiles: the first chart."""
    from playwright.sync_api import sync_playwright

    rows = {"this": [], "before": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for run in range(runs):
            for name in (("before", "this") if run % 2 == 0 else ("this", "before")):
                rows[name].append(_first_chart(browser, app_url if name == "this" else before_url))
        browser.close()
    print(f"first chart, min/median/max over {runs} openings each, in turns: this tree "
          f"{_spread(rows['this'], ' ms')}, the other tree {_spread(rows['before'], ' ms')}")


# (the expander's label, a selector of its last part): an expander drawn only once opened
EXPANDERS = (("Load a saved run · edit a weight · new data", f".st-key-{keys.NEW_DATA} button"),
             ("Share", "[data-testid='stSidebar'] .copy-link button >> nth=1"))


def open_times(url: str, opens: int = 5) -> None:
    """ms from a click on a lazily drawn expander's label to its contents shown, median over `opens`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser, page = _opened(pw, url)
        page.wait_for_selector(".js-plotly-plot")
        for label, contents in EXPANDERS:
            summary = page.locator("summary").filter(has_text=label).first
            times = []
            for _ in range(opens + 1):
                t0 = time.perf_counter()
                summary.click()
                page.wait_for_selector(contents, state="visible")
                times.append((time.perf_counter() - t0) * 1000)
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
                page.wait_for_timeout(300)
                summary.click()  # closed again
                page.wait_for_selector(contents, state="detached")
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
                page.wait_for_timeout(300)
            print(f"open '{label}' -> its contents shown: {_spread(times[1:], ' ms')} (min/median/max over "
                  f"{opens} opens, after one to warm up)")
        browser.close()


def rerun_figure(reruns: int = 20) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.button(key=keys.STEP_N).click().run()
    times = []
    for _ in range(reruns):
        t0 = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - t0) * 1000)
    print(f"one script rerun (AppTest, includes its own overhead): median {statistics.median(times):.0f} ms "
          f"(target <= 60 ms)")


def session_size(epochs: int = 10_000) -> None:
    from ui import session_run

    session: dict = {}
    run = session_run.sync(session)
    t0 = time.perf_counter()
    run.trainer.run(epochs)
    seconds = time.perf_counter() - t0
    size = len(pickle.dumps(run))
    print(f"session run after {epochs} epochs at {run.net.sizes}: {size / 1e6:.2f} MB pickled, "
          f"history {run.trainer.history.nbytes / 1e6:.2f} MB (target < 20 MB); training took {seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=15)
    parser.add_argument("--play-seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3, help="runs against the reference page")
    parser.add_argument("--against-tree", type=Path, metavar="DIR",
                        help="only the first chart, against another checkout's Playground (A/B), --runs openings each")
    args = parser.parse_args()
    proc, url = start_server()
    if args.against_tree:
        other, other_url = start_server(root=args.against_tree.resolve())
        try:
            against_tree(url, other_url, args.runs)
        finally:
            for p in (proc, other):
                p.terminate()
                p.wait(timeout=10)
        return
    reference, reference_url = start_server("bench/reference_page.py")
    try:
        against_reference(url, reference_url, args.runs, args.clicks)
        open_times(url)
        browser_figures(url, args.clicks, args.play_seconds)
    finally:
        for p in (proc, reference):
            p.terminate()
            p.wait(timeout=10)
    rerun_figure()
    session_size()


if __name__ == "__main__":
    main()
