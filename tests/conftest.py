"""Shared test settings."""

import functools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def plotly_bundle() -> Path:
    """The plotly.js file the live charts load (imported here only when asked: the engine's tests need no UI)."""
    from ui.live_chart import STATIC_PLOTLY

    return ROOT / "static" / STATIC_PLOTLY.removeprefix("app/static/")


@functools.cache
def bundle_trace_types() -> frozenset[str]:
    """The trace types the served plotly.js bundle registers."""
    return frozenset(re.findall(r'moduleType:"trace",name:"(\w+)"', plotly_bundle().read_text()))


def pytest_addoption(parser) -> None:
    parser.addoption("--fuzz-long", action="store_true",
                     help="walk the pages at random for 10 minutes (tests/app/test_fuzz.py) instead of 10 s")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under `pytest -n 2`: all the browser tests in one worker (one server and one browser for them, and
    never two browsers at once), the other tests one at a time to whichever worker is free."""
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/browser" if nodeid.startswith("tests/browser/") else nodeid

    return BrowserTestsTogether(config, log)
