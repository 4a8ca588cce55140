"""Bad input and faults (issue 10): one test per defect, through the pages as a user meets them.

A rejected input leaves the run as it was and says what was wrong; nothing non-finite or
unbounded reaches the screen; user text is plain text.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from engine import make_dataset
from engine.compare import Comparison, Variant
from engine.datasets import MAX_POINTS
from engine.run_config import RunConfig
from tests.app.conftest import APP, decode, html_tables, metric_rows, open_page, plotly_specs, set_expander
from ui import keys, session_run
from ui.compare import tables

LIMIT_MB = 2  # the uploader's limit (engine.datasets.MAX_CSV_BYTES), spelled out so this file runs on older code
GOOD_CSV = "x1,x2,label\n" + "\n".join(
    f"{x:.3f},{y:.3f},{int(x * y > 0)}" for x, y in np.random.default_rng(0).normal(size=(80, 2)))


def fresh(params: dict[str, str] | None = None) -> AppTest:
    """The app opened from a link with these query parameters."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params or {})
    at.run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, content: bytes | str, name: str = "data.csv") -> AppTest:
    """Upload a file to the Playground's CSV uploader and rerun."""
    data = content.encode() if isinstance(content, str) else content
    at.file_uploader(key=keys.CSV_UPLOAD).set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def trained_on_csv(epochs: int = 3) -> AppTest:
    """A run on the good CSV, trained `epochs` epochs."""
    at = fresh()
    at.selectbox(key="dataset").set_value("csv").run()
    upload(at, GOOD_CSV)
    for _ in range(epochs):
        at.button(key=keys.STEP_1).click().run()
    assert at.session_state[keys.RUN].data.name == "csv"
    return at


def snapshot(at: AppTest) -> tuple:
    """What must survive a rejected input: the run object, its epoch, weights, history and data."""
    run = at.session_state[keys.RUN]
    t = run.trainer
    return (run, t.epoch, [w.copy() for w in t.net.W], [b.copy() for b in t.net.b],
            t.history.column("train_loss").copy(), run.data, at.session_state[keys.CSV_TEXT])


def assert_unchanged(at: AppTest, before: tuple) -> None:
    run, epoch, W, b, losses, data, text = before
    now = at.session_state[keys.RUN]
    assert now is run and now.trainer.epoch == epoch and now.data is data
    assert all(np.array_equal(x, y) for x, y in zip(W + b, now.net.W + now.net.b))
    assert np.array_equal(now.trainer.history.column("train_loss"), losses)
    assert at.session_state[keys.CSV_TEXT] == text


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


# --- 1. a rejected upload keeps the run ------------------------------------------------------------
def test_1_a_rejected_csv_leaves_the_trained_run_as_it_was():
    at = trained_on_csv(3)
    before = snapshot(at)
    upload(at, "x1,x2,label\n1,2,0\n3,abc,1\n", "bad.csv")
    assert_unchanged(at, before)
    assert "line 3, column 'x2' holds 'abc', which is not a number" in errors(at)
    assert "the run is unchanged" in errors(at)
    at.button(key=keys.STEP_1).click().run()  # and training goes on from epoch 3
    assert at.session_state[keys.RUN].trainer.epoch == 4


# --- 2. upload size limit and a row cap that stops the reading -------------------------------------
def test_2_the_uploader_has_a_small_limit_and_reading_stops_at_the_row_cap():
    at = fresh({"dataset": "csv"})
    assert at.file_uploader(key=keys.CSV_UPLOAD).proto.max_upload_size_mb == LIMIT_MB
    at = trained_on_csv(1)
    before = snapshot(at)
    # past the cap, a line that is no CSV at all: the reading has stopped before it
    rows = "1,2,0\n" * (MAX_POINTS + 10) + '"unclosed\n'
    upload(at, "x1,x2,label\n" + rows, "long.csv")
    assert f"more than {MAX_POINTS} data rows (line {MAX_POINTS + 2} is one too many)" in errors(at)
    assert_unchanged(at, before)


def test_2_a_file_over_the_limit_is_refused_by_the_server_side_check_too():
    at = trained_on_csv(1)
    before = snapshot(at)
    upload(at, b"a,b\n" + b"1,0\n" * (LIMIT_MB * 2**20 // 4 + 1), "big.csv")
    assert "at most 2 MB are allowed" in errors(at)
    assert_unchanged(at, before)


# --- 3. divergence at the first non-finite loss; bounded numbers ------------------------------------
DIVERGING = {"dataset": "plane", "hidden": "relu", "init": "uniform", "batch_mode": "full",
             "standardize": "false", "lr": "10", "steps": "1000"}
NON_FINITE = re.compile(r"(?<![a-z])[+-]?(nan|inf)(?![a-z])", re.IGNORECASE)


def test_3_an_infinite_loss_with_finite_weights_is_a_divergence_and_nothing_non_finite_is_shown():
    at = fresh(DIVERGING)
    at.button(key=keys.STEP_N).click().run()
    run = at.session_state[keys.RUN]
    assert run.trainer.divergence is not None
    h = run.trainer.history
    for column in ("train_loss", "test_loss", "train_metric", "test_metric"):
        assert np.isfinite(h.column(column)).all(), column  # the last epoch kept is finite throughout
    assert h.epochs[-1] == run.trainer.epoch
    rows = metric_rows(at)
    assert rows
    for label, value, change in rows:
        assert not NON_FINITE.search(value) and len(value) <= 10, (label, value)
        assert not NON_FINITE.search(str(change)), (label, change)
    network = plotly_specs(at)[0]["data"]
    labels = [t for trace in network for t in (trace.get("text") or []) if isinstance(t, str)]
    assert labels and max(len(t) for t in labels) <= 10, labels
    assert_charts_finite(at)


def assert_charts_finite(at: AppTest) -> None:
    """No infinite value in any chart's data (NaN only as gaps between lines)."""
    for spec in plotly_specs(at):
        for trace in spec["data"]:
            for key in ("x", "y", "z"):
                if isinstance(trace.get(key), dict):
                    assert not np.isinf(decode(trace[key])).any(), (trace.get("type"), key)


# --- 4. after divergence, a lower ξ trains on from the last finite weights --------------------------
def test_4_lowering_the_learning_rate_after_divergence_trains_on():
    at = fresh(DIVERGING)
    at.button(key=keys.STEP_N).click().run()
    run = at.session_state[keys.RUN]
    epoch, W = run.trainer.epoch, [w.copy() for w in run.net.W]
    for key in (keys.STEP_1, keys.STEP_N, keys.PLAY):  # the buttons say they cannot go on, and why
        button = at.button(key=key)
        assert button.disabled and "lower ξ" in button.help, key
    at.number_input(key="lr").set_value(1e-4).run()
    assert not at.button(key=keys.STEP_1).disabled
    assert at.session_state[keys.RUN] is run and np.array_equal(run.net.W[0], W[0])
    at.button(key=keys.STEP_1).click().run()
    assert run.trainer.divergence is None and run.trainer.epoch == epoch + 1
    assert not at.error
    assert_charts_finite(at)


# --- 5. a data set of other dimensions starts from its own input features ---------------------------
def test_5_switching_from_a_1d_to_a_2d_data_set_takes_both_inputs():
    at = fresh()
    at.selectbox(key="dataset").set_value("sine").run()
    assert at.session_state[keys.RUN].data.features == ("x1",)
    at.selectbox(key="dataset").set_value("bumps").run()
    run = at.session_state[keys.RUN]
    assert run.data.features == ("x1", "x2") and run.net.sizes[0] == 2
    assert tuple(at.multiselect(key="features").value) == ("x1", "x2")
    main = plotly_specs(at)[0]
    assert not any(t.get("name") == "y* (network)" for t in main["data"]), "the 1-D plot is left over"


# --- 6. user text is plain text ---------------------------------------------------------------------
HOSTILE = '<a href="https://example.org">click</a><b>bold</b><img src=x onerror=alert(1)>'


def test_6_a_csv_header_with_html_is_plain_text_in_the_network_chart():
    at = fresh()
    at.selectbox(key="dataset").set_value("csv").run()
    upload(at, GOOD_CSV.replace("x1,x2", f"{HOSTILE.replace(',', ' ')},x2", 1))
    network = plotly_specs(at)[0]["data"]
    texts = [str(t) for trace in network for key in ("text", "hovertext") for t in (trace.get(key) or [])]
    assert any("&lt;a href" in t for t in texts)
    assert not any("<a" in t or "<b>" in t or "<img" in t for t in texts)


def test_6_a_link_value_with_markup_is_quoted_as_plain_text():
    at = fresh({"hidden": "[click](https://example.org)<b>x</b>"})
    (warning,) = at.warning
    assert "\\[click\\]" in warning.value and "\\<b\\>" in warning.value and "https\\://" in warning.value


def test_6_compare_labels_are_plain_text_in_markdown_and_figures():
    at = set_expander(open_page(fresh(), "app_pages/compare.py"), keys.CMP_EDITOR)
    at.text_input(key=keys.cmp_field(0, "label")).set_value("<b>[x](https://e.org)</b>").run()
    text = " ".join(m.value for m in at.markdown)
    assert "\\<b\\>\\[x\\](https\\://e.org)\\</b\\>" in text
    at.text_input(key=keys.cmp_field(1, "label")).set_value(":red[z] :material/home:").run()  # Streamlit's directives
    assert "\\:red\\[z\\] \\:material/home:" in " ".join(m.value for m in at.markdown)
    at.number_input(key=keys.CMP_EPOCHS).set_value(2).run()
    at.button(key=keys.cmp_button("train", keys.CMP_RUNS)).click().run()
    names = [t.get("name", "") for spec in plotly_specs(at) for t in spec["data"]]
    assert "&lt;b&gt;[x](https://e.org)&lt;/b&gt;" in names and not any("<b>" in n for n in names)
    (table,) = html_tables(at)  # Compare's summary table: the label's text in its cell, no markup around it
    assert table[0]["run"] == "<b>[x](https://e.org)</b>"
    (markup,) = [h.value for h in at.html if h.value.startswith("<div class=\"cmp-table\">")]
    assert "&lt;b&gt;[x](https://e.org)&lt;/b&gt;" in markup and "<b>" not in markup


# --- 7. hostile links: a bounded quote, one message ---------------------------------------------------
def test_7_a_hostile_link_gets_one_short_message():
    params = {"dataset": "x" * 100_000, **{f"junk{k}": "1" for k in range(300)}}
    at = fresh(params)
    assert len(at.warning) == 1
    text = at.warning[0].value
    assert len(text) < 1000 and "and 295 more" in text and "xxxx…" in text
    assert at.session_state[keys.RUN].values["dataset"] == "xor"


# --- 8. the smaller ones ----------------------------------------------------------------------------
def test_8_the_health_table_names_a_layer_a_run_does_not_have():
    data = make_dataset("xor", n=60, seed=0)
    comp = Comparison(RunConfig(), data, [Variant("one", {}), Variant("two", {"hidden_sizes": (4, 4)})])
    rows = tables.health_table(comp)
    assert rows[0]["layer 2"] == "— (no such layer)" and all(v is not None for r in rows for v in r.values())


@pytest.mark.parametrize(("content", "message"), [
    ("", "the file is empty; upload a CSV with a header row and rows of numbers"),
    ("x1,x2,label\n1,2,0\n3,,1\n", "line 3, column 'x2' is empty; fill in a number or remove the row"),
    ("x1;x2;label\n1;2;0\n3;4;1\n", "the header has one column and semicolons in it; save the file with commas"),
])
def test_8_csv_messages_say_where_and_what_to_do(content, message):
    at = trained_on_csv(1)
    before = snapshot(at)
    upload(at, content, "other.csv")
    assert message in errors(at) and "Upload a CSV file first" not in errors(at)
    assert_unchanged(at, before)


def test_8_eleven_integer_classes_are_fitted_as_numbers_with_a_note_and_can_be_classes():
    rng = np.random.default_rng(1)
    rows = "\n".join(f"{a:.3f},{b:.3f},{int(k)}" for a, b, k in
                     np.c_[rng.normal(size=(220, 2)), np.arange(220) % 11])
    at = fresh()
    at.selectbox(key="dataset").set_value("csv").run()
    upload(at, "a,b,k\n" + rows)
    assert at.session_state[keys.RUN].data.task == "regression"
    assert any("11 different whole numbers" in i.value for i in at.info)
    at.selectbox(key="csv_target").set_value("classes").run()
    run = at.session_state[keys.RUN]
    assert run.data.task == "multiclass" and run.data.n_classes == 11


def test_8_a_target_choice_the_csv_cannot_take_is_undone_and_keeps_the_run():
    rows = "\n".join(f"{a:.3f},{a * 0.37 + 0.001 * k:.4f}" for k, a in enumerate(np.linspace(-2, 2, 80)))
    at = fresh()
    at.selectbox(key="dataset").set_value("csv").run()
    upload(at, "a,t\n" + rows)
    at.button(key=keys.STEP_1).click().run()
    before = snapshot(at)
    at.selectbox(key="csv_target").set_value("classes").run()
    assert_unchanged(at, before)
    assert at.selectbox(key="csv_target").value == "auto"
    assert any("not applied" in w.value and "80 distinct values; at most 50 classes" in w.value for w in at.warning)


def test_session_run_accepts_a_file_once_per_upload():
    session = {keys.CONFIG: session_run.control_values({})[0]}
    assert session_run.accept_csv(session, "id1", GOOD_CSV.encode()) is None and session[keys.CSV_TEXT]
    assert session_run.accept_csv(session, "id2", b"\xff\xfe").startswith("That file was not used")
    assert session_run.accept_csv(session, "id2", GOOD_CSV.encode()).startswith("That file was not used")
