"""The live chart's assets: its plotly.js is the plotly package's own, its JavaScript parses."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import plotly
import pytest

from tests.conftest import ROOT


def test_the_served_plotly_js_is_the_plotly_packages_own():
    """The live charts load ./static/plotly.min.js: it must be the copy that matches the figures' plotly."""
    package = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert (ROOT / "static" / "plotly.min.js").read_bytes() == package.read_bytes()


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_components_javascript_parses():
    subprocess.run(["node", "--check", str(ROOT / "ui" / "live_chart" / "live_chart.js")], check=True)
