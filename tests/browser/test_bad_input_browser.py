"""Hostile input in a real Chromium: markup in a link value or a CSV header makes no element, link
or dialog; a file over the uploader's limit is refused with the uploader's message."""

from __future__ import annotations

import urllib.parse

import pytest

from tests.browser.conftest import choose, screenshot, wait_idle
from tests.make_bad_csvs import HTML_HEADER

SCRIPT = '<img src=x onerror="alert(1)"><a href="https://example.org/x">click</a><script>alert(2)</script>'
MARKDOWN = "[md](javascript:alert(3)) https://example.org/y"
INJECTED = ("img[src='x']", "a[href*='example.org']", "a[href^='javascript']", "script:not([src])")


@pytest.fixture
def dialogs(page) -> list[str]:
    """Every dialog the page opens (dismissed); the listener is proven to work before the test."""
    seen: list[str] = []

    def record(dialog) -> None:
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.goto("about:blank")
    page.evaluate("() => alert('probe')")
    assert seen == ["probe"], "the dialog listener does not work"
    seen.clear()
    return seen


def _injected(page) -> dict[str, int]:
    counts = {sel: page.locator(f"[data-testid='stMain'] {sel}, [data-testid='stSidebar'] {sel}").count()
              for sel in INJECTED}
    return {sel: n for sel, n in counts.items() if n}


def _upload(page, name: str, data: bytes) -> None:
    page.get_by_test_id("stSidebar").locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data})


def test_a_link_value_with_html_and_markdown_is_plain_text(page, app_url, dialogs):
    query = urllib.parse.urlencode({"hidden": MARKDOWN + SCRIPT, "dataset": SCRIPT})
    page.goto(f"{app_url}/?{query}")
    wait_idle(page)
    page.wait_for_selector(".js-plotly-plot")
    warning = page.locator("[data-testid='stAlertContentWarning']").first
    assert "<img src=x" in warning.inner_text() and "[md](javascript" in warning.inner_text()
    page.wait_for_timeout(500)  # time for an injected handler to fire
    assert not _injected(page) and not dialogs
    screenshot(page, "bad-input-link")


def test_a_csv_header_with_html_is_plain_text_in_the_chart(page, app_url, dialogs):
    page.goto(f"{app_url}/?dataset=csv")
    wait_idle(page)
    header = f"{HTML_HEADER.replace(',', ' ')} {SCRIPT.replace(',', ' ')},x2,label\n"
    rows = "".join(f"{k % 7 - 3},{k % 5 - 2},{k % 2}\n" for k in range(60))
    _upload(page, "html.csv", (header + rows).encode())
    page.wait_for_function("[...document.querySelectorAll('.js-plotly-plot text')]"
                           ".some(t => t.textContent.includes('<a hre'))", timeout=30_000)  # a cut label
    wait_idle(page)
    page.locator(".js-plotly-plot").first.hover()
    page.wait_for_timeout(500)
    assert not _injected(page) and not dialogs
    assert page.locator(".js-plotly-plot a").count() == 0
    screenshot(page, "bad-input-csv-header")


def test_a_file_over_the_upload_limit_is_refused_with_a_message(page, app_url):
    page.goto(f"{app_url}/?dataset=csv")
    wait_idle(page)
    _upload(page, "big.csv", b"a,b\n" + b"1,0\n" * (3 * 2**20 // 4))
    uploader = page.get_by_test_id("stSidebar").locator("[data-testid='stFileUploader']")
    uploader.get_by_text("2.0MB", exact=False).first.wait_for(timeout=15_000)
    assert "or smaller" in uploader.inner_text()
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "bad-input-too-big")


def test_switching_from_the_1d_sine_to_a_2d_data_set_leaves_no_1d_legend(page, app_url):
    page.goto(f"{app_url}/?dataset=sine")
    wait_idle(page)
    curve = page.locator(".js-plotly-plot [class^='legend'] text", has_text="y* (network)")  # legend2text, …
    curve.first.wait_for(state="attached", timeout=30_000)
    data_set = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Data set")
    choose(page, data_set.first, "Gaussian bumps (regression)")
    wait_idle(page)
    page.locator(".js-plotly-plot text", has_text="x2").first.wait_for(state="attached", timeout=30_000)  # the plane
    page.wait_for_timeout(500)
    assert curve.count() == 0
    screenshot(page, "bad-input-sine-to-bumps")
