"""Server cost per session: CPU time and memory of one `streamlit run app.py` process, idle and playing.

Starts the app on a free loopback port, opens one page to load what every session shares, then N
browser contexts (Debian's chromium) on the Playground, and reads the server process's CPU time
(utime + stime in /proc/PID/stat) and resident memory over a fixed window twice: with the N
sessions idle (page loaded, nothing clicked), then with all N playing. Prints per session: the
share of one core, the frames per second each session got, the server's CPU per frame, and the
memory each session added (RSS growth over the process as it was before the N sessions opened).
One more session, which never plays, clicks "Step 1 epoch" a few times with the others idle and
again with them playing: the time from its click to its network chart showing the new epoch is how
long a student's click waits behind the class's Play (issue 12: at most a second).
Several runs; min / median / max over them.

The browser runs on the same cores as the server: with many sessions playing it is the browser
that limits the frame rate, so read the CPU per frame together with the frame rate (a student's
own machine draws up to 1000 / FRAME_MS frames per second). With `--split-cores` the server and the
clicking session's browser run on the first core, the playing sessions' browser on the second, as a
hosted demo's server runs apart from the class's browsers: the click then waits for the server, not
for a browser starved by the others' drawing.

Needs Debian's chromium at /usr/bin/chromium and playwright from requirements-dev.txt.
    python bench/bench_sessions.py [--sessions 1 4] [--window 10] [--runs 3] [--split-cores]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, app_process  # noqa: E402
from ui.live_chart import FRAME_MS  # noqa: E402

SPEED = 2  # epochs per frame while playing (the Playground's default)
TICK = os.sysconf("SC_CLK_TCK")
EPOCH_SHOWN = "document.querySelector('.js-plotly-plot')?.layout?.meta?.epoch ?? -1"


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process `pid` (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime: fields 14 and 15 of the line


def rss_mb(pid: int) -> float:
    """Resident memory of process `pid` in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def open_playground(browser, url: str, script: str = ""):
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    if script:
        context.add_init_script(script)
    page = context.new_page()
    page.goto(f"{url}/?speed={SPEED}")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=60_000)
    return page


# In the clicking session's page: the time of the last message from the server
LAST_MESSAGE = """
const Socket = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new Socket(...args);
  socket.addEventListener('message', () => { window.__lastMessage = performance.now(); });
  return socket;
};
window.WebSocket.prototype = Socket.prototype;
Object.assign(window.WebSocket, Socket);
"""
# Click "Step 1 epoch"; resolves with [ms until the network chart shows the next epoch (30 s at most),
# ms until the last message from the server before that]: the server's part of the wait.
STEP_CLICK = f"""
async () => {{
  const before = ({EPOCH_SHOWN}), t0 = performance.now();
  [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'Step 1 epoch').click();
  return await new Promise(resolve => {{
    const tick = () => {{
      if (({EPOCH_SHOWN}) > before || performance.now() - t0 > 30000)
        resolve([performance.now() - t0, window.__lastMessage - t0]);
      else requestAnimationFrame(tick);
    }};
    requestAnimationFrame(tick);
  }});
}}
"""
CLICKS = 3  # clicks timed with the others idle, and again with them playing


def click_ms(page) -> tuple[float, float]:
    """Over CLICKS clicks on "Step 1 epoch", the median time to the chart showing the next epoch and
    to the server's last message before it."""
    times = []
    for _ in range(CLICKS):
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
        times.append(page.evaluate(STEP_CLICK))
        time.sleep(0.3)
    return statistics.median(t for t, _ in times), statistics.median(m for _, m in times)


def pin(pid: int, cores: set[int]) -> None:
    """Run every thread of process `pid` (and the threads and processes it starts later) on `cores`."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        os.sched_setaffinity(int(task.name), cores)


def pin_launcher(cores: set[int]) -> None:
    """Pin this process's children (playwright's driver, which starts the browsers) to `cores`."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                pin(int(stat.parent.name), cores)
        except (OSError, ValueError):
            pass  # a process that ended meanwhile


def one_run(browser, n: int, window: float, server_cores: set[int] | None = None,
            clicker_browser=None) -> dict[str, float]:
    """Per-session figures for `n` sessions on a fresh server (and the server's memory before them),
    the server on `server_cores` and the clicking session in `clicker_browser` if given."""
    with app_process() as (proc, url):
        if server_cores:
            pin(proc.pid, server_cores)
        warm = open_playground(browser, url)  # imports, caches and the first script run: shared by all
        warm.context.close()
        time.sleep(2)
        base = rss_mb(proc.pid)
        pages = [open_playground(browser, url) for _ in range(n)]
        # the clicking session never plays: its clicks wait behind the others' Play
        clicker = open_playground(clicker_browser or browser, url, LAST_MESSAGE)
        time.sleep(2)
        c0 = cpu_seconds(proc.pid)
        time.sleep(window)
        idle_cpu = cpu_seconds(proc.pid) - c0
        idle_rss = rss_mb(proc.pid)
        idle_click = click_ms(clicker)
        for page in pages:
            page.get_by_role("button", name="Play", exact=True).click()
        time.sleep(3)  # films flowing
        e0 = [page.evaluate(EPOCH_SHOWN) for page in pages]
        c0 = cpu_seconds(proc.pid)
        time.sleep(window)
        play_cpu = cpu_seconds(proc.pid) - c0
        e1 = [page.evaluate(EPOCH_SHOWN) for page in pages]
        play_rss = rss_mb(proc.pid)
        play_click = click_ms(clicker)
        for page in pages:
            page.get_by_role("button", name="Pause", exact=True).click()
            page.context.close()
        clicker.context.close()
    frames = sum(b - a for a, b in zip(e0, e1)) / SPEED  # all sessions together
    return {
        "server MB before (not per session)": base,
        "idle CPU % of a core": 100 * idle_cpu / window / n,
        "idle MB": (idle_rss - base) / n,
        "playing CPU % of a core": 100 * play_cpu / window / n,
        "playing frames/s": frames / window / n,
        "playing CPU ms/frame": 1000 * play_cpu / max(frames, 1),
        "playing MB": (play_rss - base) / n,
        "another's click, others idle, ms": idle_click[0],
        "  its server's answer, others idle, ms": idle_click[1],
        "another's click, others playing, ms": play_click[0],
        "  its server's answer, others playing, ms": play_click[1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 4],
                        help="sessions open at once (several: a set of runs each)")
    parser.add_argument("--window", type=float, default=10.0, help="seconds measured, idle and playing")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--split-cores", action="store_true",
                        help="the server and the clicking session's browser on core 0, the playing sessions' on core 1")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server_cores, clicker_browser = None, None
    with sync_playwright() as pw:
        if args.split_cores:
            pin_launcher({1})  # the browser started now runs on core 1
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        if args.split_cores:
            pin_launcher({0})  # the clicking session's browser on core 0, where each server is moved
            clicker_browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            server_cores = {0}
        for n in args.sessions:
            runs = [one_run(browser, n, args.window, server_cores, clicker_browser) for _ in range(args.runs)]
            print(f"\n{n} session(s), {args.runs} runs of {args.window:g} s each (per session: min / median / max)")
            for name in runs[0]:
                values = sorted(r[name] for r in runs)
                print(f"  {name:42s} {values[0]:8.2f} {statistics.median(values):8.2f} {values[-1]:8.2f}")
            ms = statistics.median(r["playing CPU ms/frame"] for r in runs)
            print(f"  at the browser's top rate of {1000 / FRAME_MS:g} frames/s a playing session would cost "
                  f"about {ms * 100 / FRAME_MS:.0f} % of a core")
        browser.close()


if __name__ == "__main__":
    main()
