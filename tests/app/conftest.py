"""AppTest helpers: every page is started from the entry point, as a user would."""

from __future__ import annotations

import base64
import json
from html.parser import HTMLParser

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, bundle_trace_types
from ui import keys

APP = str(ROOT / "app.py")


@pytest.fixture
def app() -> AppTest:
    """The app at its default page, run once."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    """Switch to a page script, e.g. 'app_pages/compare.py', and run it."""
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def set_expander(at: AppTest, key: str, open_: bool = True) -> AppTest:
    """Open (or close) the expander keyed `key` as a click on its label would, and rerun."""
    at.session_state[key] = open_
    at.run()
    assert not at.exception, at.exception
    return at


def plotly_specs(at: AppTest) -> list[dict]:
    """The figure of every chart on the page: each `st.plotly_chart`, then the last frame of each live chart."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")] + [films[-1] for films in live_films(at)]


def component_data(at: AppTest, name: str) -> list[dict]:
    """The data sent to each component named `name` (`st.components.v2`) on the page, in page order."""
    return [json.loads(c.proto.json) for c in at.get("bidi_component") if c.proto.component_name == name]


def rerun_asked(at: AppTest) -> list[str]:
    """The tokens with which the page asks the browser for a rerun once its charts have drawn (`preload_plotly`)."""
    return [d["rerun"] for d in component_data(at, "plotly_preload") if d.get("rerun")]


def browser_rerun(at: AppTest) -> AppTest:
    """Run the page again if it asks the browser for a rerun once its charts have drawn, as the browser does."""
    if rerun_asked(at):
        at.run()
        assert not at.exception, at.exception
    return at


class _TableReader(HTMLParser):
    """The cells of the HTML tables in a text (the text they show, entities read), row by row."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(at: AppTest) -> list[list[dict[str, str]]]:
    """Every HTML table the page shows with `st.html` (Compare's), as rows of column → cell text."""
    reader = _TableReader()
    for h in at.get("html"):
        reader.feed(h.value)
    return [[dict(zip(head, row)) for row in rows] for head, *rows in reader.tables]


def metric_rows(at: AppTest) -> list[tuple[str, str, str]]:
    """Every metric on the page as (label, value, change): each `st.metric`, then the Playground's metrics
    row as the server sent it (the Play player draws it, `ui.playground.views.metrics`)."""
    rows = [(m.label, m.value, str(m.proto.delta)) for m in at.metric]
    for c in at.get("bidi_component"):
        if c.proto.component_name == "live_player" and c.proto.id.endswith(f"-{keys.PLAYER}"):
            rows += [tuple(row) for row in json.loads(c.proto.json)["metrics"]]
    return rows


def metrics(at: AppTest) -> dict[str, str]:
    """The page's metrics, label → value (see `metric_rows`)."""
    return {label: value for label, value, _ in metric_rows(at)}


def live_films(at: AppTest) -> list[list[dict]]:
    """The frames sent to each live chart (`ui.live_chart`), in page order, as figure dicts; each uses
    only trace types of the plotly.js bundle the browser loads."""
    films = [[json.loads(frame) for frame in data["frames"]] for data in component_data(at, "live_plotly_chart")]
    used = {t.get("type", "scatter") for film in films for fig in film for t in fig["data"]}
    assert used <= bundle_trace_types(), f"trace types the served plotly.js cannot draw: {used - bundle_trace_types()}"
    return films


def decode(value: object) -> np.ndarray:
    """A plotly array, plain list or {'dtype', 'bdata'} base64 block, as numpy."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if isinstance(shape, str):  # plotly writes "rows, cols"
            shape = [int(n) for n in shape.split(",")]
        return arr.reshape(shape) if shape else arr
    return np.asarray(value, dtype=float)
