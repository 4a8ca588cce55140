"""Shared test settings."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser) -> None:
    parser.addoption("--fuzz-long", action="store_true",
                     help="walk the pages at random for 10 minutes (tests/app/test_fuzz.py) instead of 40 s")
