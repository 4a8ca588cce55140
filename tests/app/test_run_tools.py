"""The run tools through AppTest and the session's functions: save and load, the timeline, editing a
weight, new data; every malformed save file leaves the run as it was and says why."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, component_data, metrics, open_page, plotly_specs, set_expander
from tests.make_bad_saves import corpus
from ui import keys, session_run
from ui.playground import run_tools


def _run(at):
    return at.session_state[keys.RUN]


def _fresh() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _tools(at: AppTest) -> AppTest:
    """Open the run tools' expander (its contents are drawn only while open)."""
    return set_expander(at, keys.RUN_TOOLS)


def _upload(at: AppTest, data: bytes) -> AppTest:
    _tools(at)
    at.file_uploader(key=keys.SAVE_UPLOAD).set_value(("run.json", data, "application/json")).run()
    assert not at.exception, at.exception
    return at


def _assert_same(a, b) -> None:
    np.testing.assert_array_equal(a.net.params, b.net.params)
    assert a.rng.bit_generator.state == b.rng.bit_generator.state and a.epoch == b.epoch
    for name, table in a.history.tables.items():
        np.testing.assert_array_equal(table.rows, b.history.tables[name].rows)
        np.testing.assert_array_equal(table.epochs, b.history.tables[name].epochs)


def _edited_run(at: AppTest) -> AppTest:
    """Circles, ξ changed mid-run, a hand edit: 25 epochs in all."""
    at.selectbox(key="dataset").set_value("circles").run()
    at.button(key=keys.STEP_N).click().run()
    at.number_input(key="lr").set_value(0.25).run()
    session_run.edit_param(at.session_state, 1, 2, 1, "0.3")
    at.button(key=keys.STEP_N).click().run()
    at.button(key=keys.STEP_1).click().run()
    return at


def test_a_saved_run_loaded_in_a_fresh_session_goes_on_bit_for_bit():
    original = _edited_run(_fresh())
    data = session_run.weights_json(_run(original), original.session_state).encode()
    loaded = _upload(_fresh(), data)
    assert loaded.selectbox(key="dataset").value == "circles"  # the sidebar shows the run's settings
    assert not loaded.error, [e.value for e in loaded.error]
    assert any("Loaded the run at epoch 21" in s.value for s in loaded.success)
    a, b = _run(original).trainer, _run(loaded).trainer
    _assert_same(a, b)
    assert b.history.marks == a.history.marks and len(a.history.marks) == 1
    for at in (original, loaded):
        for _ in range(5):
            at.button(key=keys.STEP_N).click().run()  # 50 more epochs, 10 a click
    _assert_same(_run(original).trainer, _run(loaded).trainer)
    assert _run(loaded).trainer.epoch == 71


@pytest.fixture(scope="module")
def bad_files() -> dict[str, tuple[bytes, str]]:
    return corpus()


def test_every_malformed_save_leaves_the_run_untouched_with_a_message(bad_files):
    session: dict = {}
    session_run.step(session, 7)
    run, config = session[keys.RUN], dict(session[keys.CONFIG])
    params, rng = run.net.params.copy(), run.trainer.rng.bit_generator.state
    for name, (data, phrase) in bad_files.items():
        message = session_run.load_save(session, data)
        assert message is not None and phrase in message, (name, message)
        assert message.startswith("That file was not loaded and the run is unchanged: ") and message.endswith(".")
        assert "\n" not in message and message.count(". ") <= 1, (name, message)  # one sentence
        assert session[keys.RUN] is run and session[keys.CONFIG] == config, name
        assert np.array_equal(run.net.params, params) and run.trainer.rng.bit_generator.state == rng, name
        assert run.trainer.epoch == 7 and run.latest is None, name


@pytest.mark.parametrize("name", ["truncated", "wrong_version", "edited_current_weights", "nan_weight"])
def test_a_malformed_save_uploaded_gets_one_message_on_the_page(bad_files, name):
    at = _fresh()
    at.button(key=keys.STEP_1).click().run()
    before = _run(at).net.params.copy()
    _upload(at, bad_files[name][0])
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and bad_files[name][1] in errors[0]
    assert np.array_equal(_run(at).net.params, before) and _run(at).trainer.epoch == 1


def test_the_uploader_caps_the_file_size():
    from engine.save import MAX_SAVE_BYTES
    assert _tools(_fresh()).file_uploader(key=keys.SAVE_UPLOAD).proto.max_upload_size_mb == MAX_SAVE_BYTES // 2**20


def test_the_timeline_shows_a_past_epoch_everywhere_and_step_goes_on_from_the_latest():
    at = _fresh()
    at.button(key=keys.STEP_N).click().run()
    at.button(key=keys.STEP_N).click().run()
    latest = _run(at).trainer
    ref = session_run.build_run(_run(at).values, {}).trainer  # a fresh run from the same start
    ref.run(7)
    at.slider(key=run_tools.timeline_key(_run(at))).set_value(7).run()
    run = _run(at)
    assert run.trainer.epoch == 7 and run.latest is latest
    np.testing.assert_array_equal(run.net.params, ref.net.params)
    assert metrics(at)["Epoch"] == "7"
    epochs = [s["layout"].get("meta", {}).get("epoch") for s in plotly_specs(at)]
    assert [e for e in epochs if e is not None] == [7, 7, 7, 7]  # the network, y*, the loss and the detail view
    assert any("Showing epoch 7 of 20" in i.value for i in at.info)
    open_page(at, "app_pages/derivation.py")
    assert any("epoch 7" in m.value for m in [*at.markdown, *at.caption, *at.info])
    open_page(at, "app_pages/playground.py")
    assert _run(at).trainer.epoch == 7 and at.slider(key=run_tools.timeline_key(_run(at))).value == 7
    at.button(key=keys.STEP_1).click().run()  # Step trains on from the latest epoch: nothing is lost
    assert _run(at).trainer.epoch == 21 and _run(at).latest is None


def test_continue_from_here_drops_the_later_epochs():
    at = _fresh()
    at.button(key=keys.STEP_N).click().run()
    at.slider(key=run_tools.timeline_key(_run(at))).set_value(4).run()
    at.button(key=keys.CONTINUE_HERE).click().run()
    run = _run(at)
    assert run.trainer.epoch == 4 and run.latest is None and at.slider(key=run_tools.timeline_key(_run(at))).max == 4
    at.button(key=keys.STEP_1).click().run()
    ref = session_run.build_run(run.values, {}).trainer
    ref.run(5)
    np.testing.assert_array_equal(_run(at).net.params, ref.net.params)


def test_at_a_past_epoch_edits_and_sample_steps_are_refused_with_a_message():
    session: dict = {}
    session_run.step(session, 10)
    session_run.rewind(session, 3)
    for act in (lambda: session_run.apply_sample_step(session, 0),
                lambda: session_run.edit_param(session, 1, 1, 1, "1"), lambda: session_run.new_data(session)):
        with pytest.raises(ValueError, match="Continue from here"):
            act()
    assert session[keys.RUN].trainer.epoch == 3 and session[keys.RUN].latest.epoch == 10


def test_editing_a_weight_changes_the_views_marks_the_loss_and_training_goes_on_from_it():
    at = _fresh()
    at.button(key=keys.STEP_N).click().run()
    by_hand = _run(at).trainer.replay()
    before = [json.dumps(s["data"]) for s in plotly_specs(at)]
    _tools(at)
    at.selectbox(key=keys.EDIT_LAYER).set_value(1).run()
    at.selectbox(key=keys.EDIT_KIND).set_value("weight w_ji").run()
    at.selectbox(key=keys.EDIT_J).set_value(2).run()
    at.selectbox(key=keys.EDIT_I).set_value(3).run()
    at.text_input(key=keys.EDIT_VALUE).set_value("−2.5").run()
    at.button(key=keys.EDIT_APPLY).click().run()
    assert any(r"Set w\_23^(1) to -2.5 at epoch 10" in s.value for s in at.success)
    run = _run(at)
    assert run.net.W[0][1, 2] == -2.5
    after = [json.dumps(s["data"]) for s in plotly_specs(at)]
    assert before[1] != after[1]  # y* follows at once
    loss = next(s for s in plotly_specs(at) if any(t.get("name") == "edited" for t in s["data"]))
    edited = next(t for t in loss["data"] if t.get("name") == "edited")
    assert list(edited["x"]) == [10]
    W, b = by_hand.net.get_params()  # the engine doing the same by hand
    W[0][1, 2] = -2.5
    by_hand.set_params(W, b)
    (ahead,) = component_data(at, "live_step_ahead")  # the step from the edited weights, worked out ahead
    at.button(key=keys.STEP_1).click().run()
    by_hand.run(1)
    np.testing.assert_array_equal(_run(at).net.params, by_hand.net.params)
    step_player = component_data(at, "live_player")[0]  # the step the server took: what was worked out ahead
    assert ahead["film"]["ahead"] == {"from": 10} and step_player["film"]["frames"] == ahead["film"]["frames"]


def test_a_bad_edit_value_says_what_is_wrong_and_changes_nothing():
    at = _tools(_fresh())
    before = _run(at).net.params.copy()
    for text, phrase in (("abc", "is not a number"), ("1e5", "from −1000 to 1000"), ("nan", "finite")):
        at.text_input(key=keys.EDIT_VALUE).set_value(text).run()
        at.button(key=keys.EDIT_APPLY).click().run()
        assert any(phrase in e.value for e in at.error), text
        np.testing.assert_array_equal(_run(at).net.params, before)


def test_new_data_keeps_the_weights():
    at = _fresh()
    at.button(key=keys.STEP_N).click().run()
    old = _run(at)
    _tools(at)
    at.button(key=keys.NEW_DATA).click().run()
    new = _run(at)
    assert new is not old and new.data_draw == 1 and new.trainer.epoch == 0
    np.testing.assert_array_equal(new.net.params, old.net.params)
    assert not np.array_equal(new.data.X_train, old.data.X_train)
    assert new.data.X_train.shape == old.data.X_train.shape
    assert any("New samples" in s.value for s in at.success)
    at.button(key=keys.RESET).click().run()  # Reset keeps the new data
    assert np.array_equal(_run(at).data.X_train, new.data.X_train)


def test_a_run_on_an_uploaded_csv_is_saved_with_its_text_and_loads_in_a_fresh_session():
    from tests.make_bad_csvs import corpus as csv_corpus
    text = csv_corpus()["bom"][0]
    session: dict = {}
    session_run.sync(session)
    assert session_run.accept_csv(session, "upload-1", text) is None
    session["dataset"] = "csv"
    session_run.step(session, 6)
    saved = session_run.weights_json(session[keys.RUN], session).encode()
    fresh: dict = {}
    session_run.sync(fresh)
    assert session_run.load_save(fresh, saved) is None
    assert fresh[keys.CSV_TEXT] == session[keys.CSV_TEXT] and fresh[keys.CONFIG]["dataset"] == "csv"
    for s in (session, fresh):
        session_run.step(s, 5)
    _assert_same(session[keys.RUN].trainer, fresh[keys.RUN].trainer)
    np.testing.assert_array_equal(session[keys.RUN].data.X_train, fresh[keys.RUN].data.X_train)


def test_while_playing_the_timeline_says_where_play_started():
    at = _fresh()
    at.button(key=keys.STEP_N).click().run()
    at.button(key=keys.PLAY).click().run()  # the page around the player stays as Play left it
    start = session_run.latest(_run(at)).epoch
    slider = at.slider(key=run_tools.timeline_key(_run(at)))
    assert slider.disabled and slider.label == f"Timeline: playing on from epoch {start}; pause to look back"
    at.button(key=keys.PAUSE).click().run()
    assert at.slider(key=run_tools.timeline_key(_run(at))).label == "Timeline: the epoch the views show"


def test_the_tools_are_drawn_only_while_their_expander_is_open_and_keep_what_was_typed():
    at = _fresh()
    tools = [keys.SAVE_UPLOAD, keys.EDIT_LAYER, keys.EDIT_VALUE, keys.EDIT_APPLY, keys.NEW_DATA]
    drawn = lambda: {w.key for kind in ("file_uploader", "selectbox", "text_input", "button")  # noqa: E731
                     for w in at.get(kind)} & set(tools)
    assert not drawn()  # closed: nothing of the tools is sent before the first chart
    _tools(at)
    assert drawn() == set(tools)
    at.selectbox(key=keys.EDIT_I).set_value(3).run()
    at.text_input(key=keys.EDIT_VALUE).set_value("0.75").run()
    set_expander(at, keys.RUN_TOOLS, False)
    assert not drawn()
    at.button(key=keys.STEP_1).click().run()  # a step while closed
    open_page(at, "app_pages/derivation.py")  # and a visit to another page
    open_page(at, "app_pages/playground.py")
    _tools(at)
    assert at.selectbox(key=keys.EDIT_I).value == 3 and at.text_input(key=keys.EDIT_VALUE).value == "0.75"
    at.button(key=keys.EDIT_APPLY).click().run()
    assert _run(at).net.W[0][0, 2] == 0.75  # what was typed is what is set
