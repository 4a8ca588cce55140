"""The run tools' timeline (ui.playground.run_tools): which slider values rewind the run."""

from __future__ import annotations

from ui import keys, session_run
from ui.playground import run_tools


def test_only_the_slider_of_the_latest_epoch_rewinds_a_quick_click_sends_back_an_older_ones_value(monkeypatch):
    session: dict = {}
    session_run.sync(session)
    session_run.step(session, 2)
    older = run_tools.timeline_key(session[keys.RUN])  # the slider the page showed at epoch 2
    session_run.step(session, 1)  # a quick Step: the browser sends that slider's value back with the click
    session[older] = 1
    monkeypatch.setattr(run_tools.st, "session_state", session)
    run_tools._on_timeline(older)
    assert session[keys.RUN].trainer.epoch == 3 and session[keys.RUN].latest is None
    current = run_tools.timeline_key(session[keys.RUN])
    session[current] = 1  # a drag of the slider on the page
    run_tools._on_timeline(current)
    assert session[keys.RUN].trainer.epoch == 1 and session[keys.RUN].latest.epoch == 3
