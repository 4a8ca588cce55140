"""The live chart's assets: its plotly.js is the plotly package's version, its JavaScript parses."""

from __future__ import annotations

import re
import shutil
import subprocess

import plotly.offline
import pytest

from tests.conftest import ROOT, bundle_trace_types, plotly_bundle


def test_the_served_plotly_js_is_the_cartesian_bundle_of_the_plotly_packages_version():
    """The live charts load plotly.js's cartesian bundle: its version must be the one the figures' plotly
    writes for, and it must draw what the charts use (every live chart's traces are checked against it
    in `tests.app.conftest.live_films`)."""
    header = plotly_bundle().read_text()[:200]
    version = re.search(r"plotly\.js \(cartesian - minified\) v(\S+)", header).group(1)
    assert version == plotly.offline.get_plotlyjs_version()
    assert {"scatter", "heatmap"} <= bundle_trace_types()


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_components_javascript_parses():
    subprocess.run(["node", "--check", str(ROOT / "ui" / "live_chart" / "live_chart.js")], check=True)
