"""Play in a real browser against a bare page drawing the same films; server CPU per frame; Pause.

At the reference set-up (REFERENCE below, the Playground's defaults), run after run, taking turns
(the bare page first in even runs, the app first in odd ones):
* the app: Play, then the distinct frames per second the network chart shows (its layout.meta.epoch)
  over `--seconds`, and the server's CPU time (utime + stime of the `streamlit run` process) over the
  same window, per frame shown;
* the bare page (a page of the app's origin with its plotly.js and no Streamlit, REPLAY below): the
  app's own live-chart module on three divs of the app's chart sizes, holding Play's base figures,
  and its player given Play's films (recorded in process from the app, the films a browser drawing
  60 frames a second asks for), each film as soon as the player asks for it: what the browser can
  draw of these frames when nothing else takes its time (a replay of the plotly calls alone would
  draw next to nothing: Play paints what moves on canvases of its own);
* Pause: the time from a click on Pause until the Play button is back and the metrics row shows the
  epoch that was on screen (the frame on screen is final at the click), `--pauses` times per run, each
  1–2 s after Play (a seeded random delay: anywhere in a film, not in step with the films).
Prints min / median / max over the runs of each figure and of the ratio app / bare page, and the
sessions one core holds at 20 and at 10 frames per second (1000 ms / (fps · CPU ms per frame)).

Targets (issue 12): fps ≥ 0.9 × the bare page's and ≥ 20 on a quiet machine; ≤ 10 ms of server CPU
per frame; Pause → final ≤ 250 ms median.

Needs Debian's chromium at /usr/bin/chromium and playwright from requirements-dev.txt.
    python bench/bench_play.py [--runs 3] [--seconds 5] [--pauses 3]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_sessions import cpu_seconds  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, app_process  # noqa: E402
from ui.live_chart import FRAME_MS, STATIC_PLOTLY  # noqa: E402

REFERENCE = ("?dataset=xor&n_layers=1&units_1=4&hidden=sigmoid&loss=bce&lr=1&batch_mode=mini&batch_k=10"
             "&speed=2&seed=0")
VIEWPORT = {"width": 1440, "height": 1000}
FILMS = 60  # films recorded for the bare page: more than it shows in --seconds
NET_EPOCH = "(document.querySelector('.js-plotly-plot')?.layout?.meta?.epoch ?? -1)"

# Distinct frames per second of the network chart over `seconds` (a frame: a new epoch on it).
COUNT_FRAMES = """
async (seconds) => {
  let frames = 0, last = null;
  const t0 = performance.now();
  return await new Promise(resolve => {
    const tick = () => {
      const epoch = document.querySelector('.js-plotly-plot').layout.meta.epoch;
      if (epoch !== last) { frames++; last = epoch; }
      if (performance.now() - t0 < seconds * 1000) requestAnimationFrame(tick); else resolve(frames / seconds);
    };
    requestAnimationFrame(tick);
  });
}
"""

# The bare page: the app's live-chart module (ui/live_chart/live_chart.js) on three divs of the app's
# chart sizes holding Play's base figures, and its player given the recorded films one after another,
# each as soon as the player asks for it (no Streamlit, no server); frames per second over `seconds`.
REPLAY = """
async ([js, css, base, films, sizes, plotlyUrl, seconds]) => {
  const style = document.createElement('style');
  style.textContent = css;
  document.head.appendChild(style);
  const module = await import(URL.createObjectURL(new Blob([js], { type: 'text/javascript' })));
  const keys = ['chart_network', 'chart_output', 'chart_loss'], config = { displaylogo: false, responsive: true };
  keys.forEach((key, k) => {
    const div = document.createElement('div');
    div.style.cssText = `width:${sizes[k][0]}px;display:inline-block;vertical-align:top`;
    document.body.appendChild(div);
    module.default({ data: { key, frames: [base[k]], plotly_url: plotlyUrl, config }, parentElement: div,
                     setTriggerValue: () => {} });
  });
  await new Promise((resolve) => {  // the three base figures drawn
    const drawn = () => document.querySelectorAll('.js-plotly-plot').length === 3 ? resolve() : setTimeout(drawn, 50);
    drawn();
  });
  const holder = document.createElement('div');
  document.body.appendChild(holder);
  let next = 0;
  const give = () => module.default({
    data: { kind: 'player', film: films[next++], charts: { net: keys[0], out: keys[1], loss: keys[2] }, metrics: [],
            frame_ms: %FRAME_MS%, plotly_url: plotlyUrl },
    parentElement: holder, setStateValue: () => {},
    setTriggerValue: (name) => { if (name === 'shown' && next < films.length) setTimeout(give, 0); },
  });
  give();
  let frames = 0, last = null;
  const t0 = performance.now();
  return await new Promise((resolve) => {
    const tick = () => {
      const epoch = document.querySelector('.js-plotly-plot').layout.meta.epoch;
      if (epoch !== last) { frames++; last = epoch; }
      if (performance.now() - t0 < seconds * 1000 && next <= films.length) requestAnimationFrame(tick);
      else resolve(frames / ((performance.now() - t0) / 1000));
    };
    requestAnimationFrame(tick);
  });
}
"""

# Click Pause; resolves with [ms until the Play button is back and the metrics row shows the epoch that
# was on screen, that epoch], or [NaN, that epoch] if that has not happened within 10 s (a Pause that
# did not land on the frame shown: a bug).
PAUSE = """
async () => {
  const shown = document.querySelector('.js-plotly-plot').layout.meta.epoch;
  const t0 = performance.now();
  document.querySelector('.st-key-pause button').click();
  return await new Promise(resolve => {
    const tick = () => {
      const metric = document.querySelector('.st-key-player .live-metric-value');
      if (document.querySelector('.st-key-play button') && metric && metric.innerText === String(shown)) {
        resolve([performance.now() - t0, shown]);
      } else if (performance.now() - t0 > 10000) resolve([NaN, shown]);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}
"""


def open_app(browser, url: str):
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(url + "/" + REFERENCE)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_function(f"{NET_EPOCH} === 0", timeout=60_000)
    return page


def play(page, after: int) -> None:
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(f"{NET_EPOCH} >= {after}", timeout=60_000)


def app_run(browser, url: str, pid: int, seconds: float, pauses: int) -> dict[str, float]:
    """The app's frames per second and server CPU per frame while playing, and its Pause times."""
    page = open_app(browser, url)
    play(page, 10)
    c0 = cpu_seconds(pid)
    fps = page.evaluate(COUNT_FRAMES, seconds)
    cpu = cpu_seconds(pid) - c0
    pause_ms, phases = [], random.Random(0)  # each Pause anywhere in a film, not in step with them
    for k in range(pauses):
        if k:
            play(page, page.evaluate(NET_EPOCH) + 10)
        page.wait_for_timeout(1000 + phases.uniform(0, 1000))
        ms, epoch = page.evaluate(PAUSE)
        if ms != ms:
            raise SystemExit(f"a Pause with epoch {epoch} on screen did not land on it within 10 s")
        pause_ms.append(ms)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.context.close()
    return {"fps": fps, "cpu_ms": 1000 * cpu / max(fps * seconds, 1), "pause_ms": statistics.median(pause_ms)}


def chart_sizes(browser, url: str) -> list[list[int]]:
    """The app's three main charts' sizes (width, height) at the bench's viewport."""
    page = open_app(browser, url)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 3")  # they draw one a frame
    sizes = page.evaluate("[...document.querySelectorAll('.js-plotly-plot')].slice(0, 3)"
                          ".map(p => [p.clientWidth, p.clientHeight])")
    page.context.close()
    return sizes


def app_films(count: int, fps: float = 60) -> tuple[list[str], list[dict]]:
    """In process, at the reference set-up: Play's three base figures (JSON) and its first `count`
    films, asked for one after another by a browser drawing `fps` frames a second."""
    from streamlit.testing.v1 import AppTest

    from ui import keys

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(dict(p.split("=") for p in REFERENCE[1:].split("&")))
    at.run()
    at.session_state[keys.PLAY_PACE] = fps
    at.button(key=keys.PLAY).click().run()
    films = [_sent(at)]
    while len(films) < count:
        at.session_state[keys.PLAYER] = {"shown": {"film": films[-1]["id"], "fps": fps}}
        at.run()
        films.append(_sent(at))
    return [text for text, _ in at.session_state[keys.PLAY_BASE]["texts"]], films


def _sent(at) -> dict:
    """The film the player was given in the last run (the last player on the page: the hidden step player,
    `ui.playground.step`, comes first)."""
    return [json.loads(c.proto.json)["film"] for c in at.get("bidi_component")
            if c.proto.component_name == "live_player"][-1]


def bare_run(browser, url: str, base: list[str], films: list[dict], sizes: list[list[int]], seconds: float) -> float:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(f"{url}/_stcore/health")  # a bare page of the app's origin, which serves plotly.js
    page.evaluate("document.body.textContent = ''")
    page.add_script_tag(url=f"{url}/{STATIC_PLOTLY}")
    chart = ROOT / "ui" / "live_chart"
    fps = page.evaluate(REPLAY.replace("%FRAME_MS%", str(FRAME_MS)),
                        [(chart / "live_chart.js").read_text(), (chart / "live_chart.css").read_text(), base, films,
                         sizes, f"/{STATIC_PLOTLY}", seconds])
    page.context.close()
    return fps


def rerun_cpu_per_frame(fps: float, films: int = 5) -> tuple[float, float]:
    """In process, at the reference set-up, for a browser drawing `fps` frames per second: CPU ms
    per frame of (the page's reruns that train films, the films' own work).

    AppTest runs the whole page each time, where the browser's request for the next film reruns
    only the play area (`ui.playground.views.play_area`): the first figure is an upper bound of the
    server's cost per frame, the second (training, frames, the detail view's refresh: the thread
    CPU of `film.film` and `detail.refreshed_charts`) leaves out Streamlit's own work for the
    fragment's rerun."""
    from streamlit.testing.v1 import AppTest

    from ui import keys
    from ui.playground import detail, film

    own = [0.0]

    def timed(function):
        def wrapper(*args, **kwargs):
            start = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                own[0] += time.thread_time() - start
        return wrapper

    originals = film.film, detail.refreshed_charts
    film.film, detail.refreshed_charts = map(timed, originals)
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params.update(dict(p.split("=") for p in REFERENCE[1:].split("&")))
        at.run()
        at.session_state[keys.PLAY_PACE] = fps
        at.session_state[keys.PLAY_LOAD] = (1.0, False)  # as on a calm server: full films, the 36-point grid
        at.button(key=keys.PLAY).click().run()
        frames, cpu, own[0] = 0, 0.0, 0.0
        for _ in range(films):
            at.session_state[keys.PLAY_LOAD] = (1.0, False)
            at.session_state[keys.PLAYER] = {"shown": {"film": _sent(at)["id"], "fps": fps}}  # asks for the next
            start = time.process_time()
            at.run()
            cpu += time.process_time() - start
            frames += len(_sent(at)["frames"])
    finally:
        film.film, detail.refreshed_charts = originals
    return 1000 * cpu / max(frames, 1), 1000 * own[0] / max(frames, 1)


def spread(values: list[float]) -> str:
    v = sorted(values)
    return f"{v[0]:8.2f} {statistics.median(v):8.2f} {v[-1]:8.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of Play counted per run")
    parser.add_argument("--pauses", type=int, default=3, help="Play/Pause cycles timed per run")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows: dict[str, list[float]] = {"app fps": [], "bare page fps": [], "app / bare page": [],
                                    "server CPU ms per frame": [], "Pause -> final ms (median of run)": []}
    with app_process() as (proc, url), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        sizes = chart_sizes(browser, url)
        base, films = app_films(FILMS)
        print(f"the bare page's films: {len(films)}, {sum(len(f['frames']) for f in films)} frames; "
              f"charts {sizes}", flush=True)
        for run in range(args.runs):
            order = ("bare", "app") if run % 2 == 0 else ("app", "bare")
            result = {}
            for which in order:
                if which == "bare":
                    result["bare"] = bare_run(browser, url, base, films, sizes, args.seconds)
                else:
                    result.update(app_run(browser, url, proc.pid, args.seconds, args.pauses))
            rows["app fps"].append(result["fps"])
            rows["bare page fps"].append(result["bare"])
            rows["app / bare page"].append(result["fps"] / result["bare"])
            rows["server CPU ms per frame"].append(result["cpu_ms"])
            rows["Pause -> final ms (median of run)"].append(result["pause_ms"])
            print(f"run {run + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in result.items()), flush=True)
        browser.close()
    print(f"\n{args.runs} runs (min / median / max), load average {Path('/proc/loadavg').read_text().split()[0]}:")
    for name, values in rows.items():
        print(f"  {name:36s} {spread(values)}")
    for fps in (20, 10):
        page, own = zip(*(rerun_cpu_per_frame(fps) for _ in range(args.runs)))
        print(f"  in process, films for {fps} frames/s, CPU ms per frame: whole-page reruns {spread(page)} "
              f"(at most {1000 / (fps * statistics.median(page)):.0f} sessions per core), the films' own work "
              f"{spread(own)}")


if __name__ == "__main__":
    main()
