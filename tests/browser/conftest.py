"""Real-browser fixtures: `streamlit run app.py` on a free loopback port, Debian's Chromium.

Outside CI a missing Chromium skips these tests; with CI set it fails loudly.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts"
# a formula KaTeX could not read: one it could not parse, or an unknown command it shows in its error colour
KATEX_ERROR = ".katex-error, .katex [style*='204, 0, 0']"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def need(path: str, name: str, package: str) -> None:
    """Skip when the program at `path` is missing; with CI set, fail loudly instead."""
    if not Path(path).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{name} not found at {path}: .ci/run must install Debian's {package}")
        pytest.skip(f"{name} not installed (apt-get install {package})")


@pytest.fixture(scope="session", autouse=True)
def _need_chromium() -> None:
    need(CHROMIUM, "Chromium", "chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1600, "height": 2600}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Base URL of a `streamlit run app.py` server started for this test session."""
    with serve_app() as url:
        yield url


@contextmanager
def serve_app(base_path: str = "") -> Iterator[str]:
    """Run `streamlit run app.py` on a free loopback port (under `base_path`) until the block ends."""
    with app_process(base_path) as (_, url):
        yield url


@contextmanager
def app_process(base_path: str = "") -> Iterator[tuple[subprocess.Popen, str]]:
    """Like `serve_app`, also giving the server's process (for benchmarks that read its CPU time)."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.baseUrlPath", base_path,
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else "")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        yield proc, url
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Stop a server process started by a test: politely, then for good after 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


# The Playground's metrics row, which the Play player draws (ui.playground.views.metrics): the epoch it
# shows (a JS expression), and the value under a label
EPOCH_SHOWN = "(document.querySelector('.st-key-player .live-metric-value') || {}).innerText"
METRIC = """(label) => { const box = [...document.querySelectorAll('.st-key-player .live-metric')]
  .find((b) => b.querySelector('.live-metric-label').textContent === label);
  return box ? box.querySelector('.live-metric-value').textContent : null; }"""


def metric(page, label: str, timeout: float = 30_000) -> str:
    """The value the Playground's metrics row shows under `label` (once the row is drawn)."""
    return page.wait_for_function(METRIC, arg=label, timeout=timeout).json_value()


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the app is connected and no script run is in progress."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def click_at_rest(locator, timeout: float = 10_000) -> None:
    """Click `locator` once its box has stayed put for 100 ms: an expander that has just opened still
    moves its contents, and a click aimed at a moving button lands on whatever took its place."""
    last, waited = None, 0.0
    while (box := locator.bounding_box()) != last or last is None:
        if waited > timeout:
            raise AssertionError(f"{locator} kept moving for {timeout / 1000:.0f} s")
        last = box
        locator.page.wait_for_timeout(100)
        waited += 100
    locator.click()


def choose(page, selectbox, option: str, attempts: int = 4) -> None:
    """Open `selectbox` and click `option`; a rerun that redraws the box can close its list before the
    click lands, so open it again (up to `attempts` times) until the option shows."""
    wanted = page.get_by_role("option", name=option, exact=True)
    for attempt in range(attempts):
        wait_idle(page)
        selectbox.click()
        try:
            wanted.wait_for(state="visible", timeout=5_000)
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            continue
        wanted.click()
        return


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# From now on, whether a script run has begun: the state is "running", or was before a change that the
# observer is told of only after it (a quick run can begin and end within one task of the page)
WATCH_RERUN = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__rerunSeen = false;
  new MutationObserver((records, obs) => {
    if (app.getAttribute("data-test-script-state") === "running" || records.some((r) => r.oldValue === "running")) {
      window.__rerunSeen = true;
      obs.disconnect();
    }
  }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"], attributeOldValue: true});
}"""


def _run_begun(page, action, timeout: float) -> None:
    """Do `action` and wait until a script run has begun (a timeout error if none within `timeout` ms)."""
    page.evaluate(WATCH_RERUN)
    action()
    page.wait_for_function("window.__rerunSeen === true", timeout=timeout)


def rerun_by(page, action, timeout: float = 30_000) -> None:
    """Do `action` (which must start a script run) and wait until that run has begun and ended."""
    _run_begun(page, action, timeout)
    wait_idle(page, timeout)


def enter_text(page, box, text: str, timeout: float = 30_000, tries: int = 3) -> None:
    """Type `text` into the input `box`, press Enter and wait for the run it starts to end.

    A run can go unseen: one quick enough that the page never shows it as running. With no run seen
    within 10 s, the box still holding `text` counts as taken in; a box holding its old value again
    (a rerun under way redrew it between the typing and the Enter) is typed again, up to `tries` times.
    """
    for _ in range(tries):
        wait_idle(page, timeout)
        box.fill(text)
        try:
            _run_begun(page, lambda: box.press("Enter"), timeout=10_000)
        except PlaywrightTimeout:
            if box.input_value() != text:
                continue
        wait_idle(page, timeout)
        return
    raise AssertionError(f"{text!r} typed and entered {tries} times did not stay in the box")
