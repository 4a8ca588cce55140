"""How fast, and with how much memory, an oversized CSV upload is refused.

Prints, for a file under the upload limit but far over the row cap, a good file at the row cap,
and a file over the size limit (the issue's 17 MiB, 400,000-row case):
* in process: the time `session_run.accept_csv` takes and its peak allocation (tracemalloc), best of 3 timed runs;
* against `streamlit run app.py` in Chromium: upload → message shown, and the server's resident
  memory (VmRSS) and peak (VmHWM) before and after, from /proc.

Targets: a refusal in well under a second, a few MB at most on the server.
    python bench/bench_csv_upload.py
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_playground import start_server  # noqa: E402
from engine.datasets import MAX_CSV_BYTES, MAX_POINTS  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from ui import keys, session_run  # noqa: E402


def files() -> dict[str, bytes]:
    """The uploads measured, by description."""
    short_rows = (min(MAX_CSV_BYTES, 2 * 10**6) - 100) // len(b"1,2,0\n")  # under the uploader's limit
    cap = "".join(f"{k % 7},{k % 5},{k % 2}\n" for k in range(MAX_POINTS))
    long_row = b"1.23456789012345678901,2.34567890123456789012,0\n"
    return {
        f"{short_rows:,} rows, {short_rows * 6 / 2**20:.2f} MiB (over the row cap)":
            b"a,b,y\n" + b"1,2,0\n" * short_rows,
        f"{MAX_POINTS:,} rows (at the cap, accepted)": ("a,b,y\n" + cap).encode(),
        "400,000 rows, 17 MiB (over the size limit)": b"a,b,y\n" + (long_row * 400_000)[: 17 * 2**20],
    }


def in_process() -> None:
    for name, data in files().items():
        times = []
        for _ in range(3):
            session = {keys.CONFIG: session_run.control_values({})[0]}
            t0 = time.perf_counter()
            message = session_run.accept_csv(session, "bench", data)
            times.append(time.perf_counter() - t0)
        elapsed = min(times)
        tracemalloc.start()  # a separate run: tracing slows the code down
        session_run.accept_csv({keys.CONFIG: session[keys.CONFIG]}, "bench", data)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        verdict = "accepted" if message is None else message.split(": ", 1)[1][:70]
        print(f"in process, {name}: {1000 * elapsed:.0f} ms, peak {peak / 2**20:.1f} MiB allocated — {verdict}")


def _memory(pid: int) -> dict[str, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}


def in_browser(url: str, pid: int, uploads: dict[str, bytes]) -> None:
    """Each upload into a fresh page of the served app: upload → message, and the server's memory."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, data in uploads.items():
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            page.goto(f"{url}/?dataset=csv")
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
            page.wait_for_selector("[data-testid='stFileUploader']")
            before = _memory(pid)
            t0 = time.perf_counter()
            page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
                {"name": "long.csv", "mimeType": "text/csv", "buffer": data})
            page.get_by_text("data rows", exact=False).first.wait_for(timeout=60_000)
            elapsed = time.perf_counter() - t0
            after = _memory(pid)
            page.close()
            print(f"browser, {name}: upload → message {1000 * elapsed:.0f} ms; server RSS {before['VmRSS']:.0f} → "
                  f"{after['VmRSS']:.0f} MiB, peak (VmHWM) {before['VmHWM']:.0f} → {after['VmHWM']:.0f} MiB")
        browser.close()


def main() -> None:
    in_process()
    proc, url = start_server()
    try:
        big = next(iter(files().items()))
        small = "x,y\n" + "1,0\n" * (MAX_POINTS + 1)
        in_browser(url, proc.pid, {f"{MAX_POINTS + 1:,} rows, 20 KiB": small.encode(), big[0]: big[1]})
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
