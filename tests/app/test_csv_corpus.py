"""The malformed-CSV corpus (tests/make_bad_csvs.py) uploaded, file after file, over a trained run:
each file gets its message and leaves the run exactly as it was; the valid odd ones are taken."""

from __future__ import annotations

import pytest

from tests.app.test_bad_input import assert_unchanged, errors, fresh, snapshot, trained_on_csv, upload
from tests.make_bad_csvs import HTML_HEADER, corpus
from ui import keys

CORPUS = corpus()
REJECTED = [name for name, (_, phrase) in CORPUS.items() if phrase is not None]


@pytest.fixture(scope="module")
def trained():
    """One session for the whole corpus: a CSV run whose target is read as classes, trained 2 epochs."""
    at = trained_on_csv(0)
    at.selectbox(key="csv_target").set_value("classes").run()
    for _ in range(2):
        at.button(key=keys.STEP_1).click().run()
    return at


@pytest.mark.parametrize("name", REJECTED)
def test_a_malformed_file_gets_its_message_and_leaves_the_run(trained, name):
    data, phrase = CORPUS[name]
    before = snapshot(trained)
    upload(trained, data, f"{name}.csv")
    text = errors(trained)
    assert phrase in text and "the run is unchanged" in text, text
    assert len(text) < 400 and "Traceback" not in text
    assert_unchanged(trained, before)
    assert trained.session_state[keys.RUN].trainer.epoch == 2


def test_a_file_with_a_byte_order_mark_is_read_and_html_headers_stay_plain_text():
    at = fresh({"dataset": "csv"})
    upload(at, CORPUS["bom"][0])
    run = at.session_state[keys.RUN]
    assert run.data.name == "csv" and run.data.input_names == ["x1", "x2"] and not at.error
    upload(at, CORPUS["html_headers"][0], "html.csv")
    run = at.session_state[keys.RUN]
    assert run.data.input_names[0] == HTML_HEADER.replace(",", " ") and not at.error
