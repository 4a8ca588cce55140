"""The session's run (data, network, trainer), kept in step with the Playground's controls.

Everything lives in the session's own mapping (`st.session_state` in the app, a dict in tests):
nothing mutable is shared between users.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import MutableMapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import streamlit as st

from engine import MLP, Dataset, Trainer, dataset_from_csv, make_dataset
from engine.datasets import AUTO_CLASSES, SYNTHETIC, decode_csv, features_for
from engine.validation import quoted
from ui import controls, keys

STEP_SECONDS = 2.0  # one click trains at most this long


@dataclass
class Run:
    """One training run: the values that built it, its data and its trainer."""

    values: dict[str, Any]
    data: Dataset
    trainer: Trainer
    structure: tuple
    draw: int = 0
    playing: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def net(self) -> MLP:
        return self.trainer.net

    @property
    def loss(self) -> str:
        return self.net.loss_name


def control_values(session: MutableMapping) -> tuple[dict[str, Any], list[str]]:
    """The validated value of every control: its widget's value, else the last known one.

    The last known values live in `session[CONFIG]`, so they survive page switches, which
    remove the Playground's widgets from the session. The other pages keep their widgets with
    `persist_state="session"`; the Playground keeps this mirror instead because its values also
    come from a shared link, which is checked against the control table so that a bad parameter
    is named to the user (`bind="query-params"` would drop it silently), and because Compare and
    the Step-by-step page read the Playground's configuration while its widgets are not drawn.
    """
    known = session.get(keys.CONFIG, {})
    raw = {c.key: session.get(c.key, known.get(c.key, c.default)) for c in controls.CONTROLS}
    values, problems = controls.validate(raw, known)
    _fit_features(session, values, known)
    for key in problems:  # a rejected entry goes back to the value in force (widgets not yet drawn)
        if key in session:
            session[key] = values[key]
    session[keys.CONFIG] = values
    return values, list(problems.values())


def _fit_features(session: MutableMapping, values: dict[str, Any], known: dict[str, Any]) -> None:
    """A switch to a generated data set of other dimensions starts from its own input features."""
    new, old = values["dataset"], known.get("dataset")
    if new == old or not known or new not in SYNTHETIC:
        return
    if old in SYNTHETIC and SYNTHETIC[old].dims == SYNTHETIC[new].dims:
        return
    values["features"] = natural_features(new)
    if "features" in session:
        session["features"] = list(values["features"])


def seed_from_url(session: MutableMapping, params: MutableMapping) -> list[str]:
    """On a session's first run, take control values from URL query parameters.

    Values are checked against the control table; bad ones are dropped, named in one message
    (a bounded number of them, each quoted to a bounded length).
    """
    if keys.CONFIG in session:
        return []
    raw = {c.key: c.default for c in controls.CONTROLS}
    unknown, problems = [], []
    for key, text in params.items():
        control = controls.BY_KEY.get(key)
        if control is None:
            unknown.append(quoted(key))
            continue
        try:
            raw[key] = control.validate(controls.parse_url_value(control, text))
        except ValueError as err:
            problems.append(f"{err} (keeping {control.format(control.default)})")
    session[keys.CONFIG] = raw
    if unknown:
        problems.append(f"{_some(unknown)} {'is not a setting' if len(unknown) == 1 else 'are not settings'}")
    if not problems:
        return []
    return [f"Some of the link's settings were ignored: {_some(problems, '; ')}. The other settings apply."]


def _some(items: list[str], sep: str = ", ", shown: int = 5) -> str:
    """At most `shown` of `items` joined, and how many more there are."""
    more = f"{sep}and {len(items) - shown} more" if len(items) > shown else ""
    return sep.join(items[:shown]) + more


def url_params(values: dict[str, Any]) -> dict[str, str]:
    """The values that differ from their defaults, as URL query parameters."""
    return {c.key: controls.url_value(values[c.key]) for c in controls.CONTROLS
            if values[c.key] != c.default}


def structure_of(values: dict[str, Any]) -> tuple:
    """What, if changed, needs a new network: the resetting controls (unused layer sizes ignored)."""
    used = [k for k in controls.reset_keys()
            if not (k.startswith("units_") and int(k.split("_")[1]) > values["n_layers"])]
    return tuple((k, values[k]) for k in used)


def natural_features(name: str) -> tuple[str, ...] | None:
    """The input features a generated data set starts with (its raw coordinates); None for the others."""
    return features_for(SYNTHETIC[name].dims)[: SYNTHETIC[name].dims] if name in SYNTHETIC else None


def csv_dataset(text: str, values: dict[str, Any]) -> Dataset:
    """The uploaded CSV's data set for these control values (ValueError saying what is wrong)."""
    return dataset_from_csv(text, values["test_percent"] / 100, values["seed"], values["standardize"],
                            values["csv_target"])


def _target_notes(data: Dataset, values: dict[str, Any]) -> list[str]:
    """Why whole-number targets are fitted as numbers, when the choice was automatic."""
    y = np.concatenate([data.y_train, data.y_test])
    if values["csv_target"] != "auto" or data.task != "regression" or not np.all(y == np.round(y)):
        return []
    return [f"Your CSV's target holds {np.unique(y).size} different whole numbers, more than {AUTO_CLASSES}, "
            "so it is fitted as numbers (regression); to classify, set “Your CSV's target” to classes (Data)."]


def _dataset(values: dict[str, Any], session: MutableMapping, notes: list[str], strict: bool) -> Dataset:
    """The data set for these values; an unusable CSV raises ValueError if `strict`, else gives XOR."""
    name = values["dataset"]
    split = values["test_percent"] / 100
    if name == controls.CSV_DATASET:
        text = session.get(keys.CSV_TEXT)
        if text:
            try:
                data = csv_dataset(text, values)
            except ValueError as err:
                if strict:
                    raise
                notes.append(f"Your CSV could not be used: {err}. Showing XOR instead.")
            else:
                notes += _target_notes(data, values)
                return data
        else:
            notes.append("Upload a CSV file first (Data section). Showing XOR until then.")
        name = "xor"
    dims = SYNTHETIC[name].dims if name in SYNTHETIC else 2
    features = tuple(f for f in values["features"] if f in features_for(dims))
    if not features:
        features = natural_features(name)
        notes.append(f"The chosen input features do not apply to this data set; using {', '.join(features)}.")
    return _dataset_cache(name, values["n_points"], values["noise"], split, values["seed"], features,
                           values["standardize"])


def _make(name, n, noise, split, seed, features, standardize) -> Dataset:
    return make_dataset(name, n=n, noise=noise, test_fraction=split, seed=seed, features=features,
                        standardize=standardize)


# data sets are pure functions of their parameters: cache_data hands every session its own copy
_dataset_cache = st.cache_data(show_spinner=False, max_entries=32)(_make)


def build_run(values: dict[str, Any], session: MutableMapping, draw: int = 0, strict: bool = False) -> Run:
    """A fresh run for these values; `draw` > 0 gives other initial weights for the same seed.

    With `strict`, data that cannot be built (an unusable CSV) raises ValueError instead of
    falling back to XOR."""
    notes: list[str] = []
    data = _dataset(values, session, notes, strict)
    cfg = controls.run_config(values, data.task)
    if cfg.loss != values["loss"]:
        notes.append(f"{controls.BY_KEY['loss'].format(values['loss'])} loss does not suit a "
                     f"{data.task} task; using {controls.BY_KEY['loss'].format(cfg.loss)}.")
    used = {**values, "loss": cfg.loss, **({"output": cfg.output} if cfg.loss == "squared" else {})}
    return Run(used, data, cfg.build(data, draw), structure_of(used), draw=draw, notes=notes)


def apply_training_settings(run: Run, values: dict[str, Any]) -> None:
    """ξ, batch size and regularization take effect on the existing network."""
    run.trainer.settings = controls.run_config(values, run.data.task).settings
    run.values = values


def sync(session: MutableMapping) -> Run:
    """The session's run, rebuilt when a resetting control changed, else updated in place.

    A change the data cannot take (e.g. a CSV target with too many classes) is undone, with a
    message, and the run is kept as it was.
    """
    values, problems = control_values(session)
    run = session.get(keys.RUN)
    if run is None or run.structure != structure_of(values):
        try:
            new = build_run(values, session, strict=run is not None)
        except ValueError as err:
            problems.append(f"That change was not applied and the run is unchanged: {err}.")
            apply_training_settings(run, _keep_structure(session, values, run))
        else:
            run = session[keys.RUN] = new
            for key in ("loss", "output"):  # what the data forced, written back so the controls agree
                if run.values[key] != values[key]:
                    session[keys.CONFIG][key] = run.values[key]
                    if key in session:
                        session[key] = run.values[key]
    else:
        apply_training_settings(run, values)
    session[keys.PROBLEMS] = problems
    return run


def _keep_structure(session: MutableMapping, values: dict[str, Any], run: Run) -> dict[str, Any]:
    """`values` with the resetting controls put back to the run's, in the session and its widgets."""
    kept = {**values, **{k: run.values[k] for k in controls.reset_keys()}}
    session[keys.CONFIG] = kept
    for k in controls.reset_keys():
        if k in session and values[k] != kept[k]:
            session[k] = list(kept[k]) if isinstance(kept[k], tuple) else kept[k]
    return kept


def accept_csv(session: MutableMapping, upload_id: str, data: bytes) -> str | None:
    """Take an uploaded file as the CSV data if it makes a data set with the current settings
    (the run then starts on it); else a message saying what is wrong, the run left as it was.

    Each upload is checked once: its verdict stands for the reruns that follow.
    """
    checked = session.get(keys.CSV_CHECKED)
    if checked is not None and checked[0] == upload_id:
        return checked[1]
    message = None
    try:
        text = decode_csv(data)
        csv_dataset(text, session[keys.CONFIG])
    except ValueError as err:
        message = f"That file was not used and the run is unchanged: {err}."
    else:
        if text != session.get(keys.CSV_TEXT):
            session[keys.CSV_TEXT] = text
            session.pop(keys.RUN, None)
    session[keys.CSV_CHECKED] = (upload_id, message)
    return message


def sync_changed(session: MutableMapping) -> tuple[Run, bool]:
    """The session's run, as `sync` gives it, and whether any control changed since the last sync."""
    before = session.get(keys.CONFIG)
    run = sync(session)
    return run, session[keys.CONFIG] != before


def at_limit(run: Run) -> bool:
    """Whether the run has reached the epoch limit set in the Run section (0: no limit)."""
    limit = run.values["max_epochs"]
    return bool(limit) and run.trainer.epoch >= limit


def step(session: MutableMapping, epochs: int, budget: float = STEP_SECONDS, explain: bool = True) -> None:
    """Train `epochs` epochs, never past the epoch limit and for at most `budget` seconds.

    A large network with per-sample updates can take seconds per epoch; the time budget keeps
    the page answering (and Pause working). With `explain`, a note says how far a click got.
    """
    run = sync(session)
    limit = run.values["max_epochs"]
    if limit:
        epochs = min(epochs, limit - run.trainer.epoch)
    start, done = time.monotonic(), 0
    while done < epochs and run.trainer.divergence is None:
        run.trainer.run(1)
        done += 1
        if time.monotonic() - start > budget:
            break
    cut = explain and 0 < done < epochs and run.trainer.divergence is None
    session[keys.STEP_NOTE] = (f"Trained {done} of {epochs} epochs: one click trains for at most {budget:g} s. "
                          "Click again to go on." if cut else None)
    if run.trainer.divergence is not None or at_limit(run):
        run.playing = False


def set_playing(session: MutableMapping, playing: bool) -> None:
    """Start or stop playing (never after divergence or at the epoch limit).

    Idempotent, so a click delivered twice is harmless.
    """
    run = sync(session)
    run.playing = playing and run.trainer.divergence is None and not at_limit(run)


def reset(session: MutableMapping) -> None:
    """New initial weights (same data and settings), epoch 0."""
    run = sync(session)
    session[keys.RUN] = build_run(run.values, session, draw=run.draw + 1)


def restart(session: MutableMapping) -> None:
    """Back to this run's initial weights and shuffling, keeping the current ξ and batch settings."""
    run = sync(session)
    run.trainer.restart()
    run.playing = False


def weights_json(run: Run) -> str:
    """Configuration, epoch and parameters, for download."""
    values = {k: (list(v) if isinstance(v, tuple) else v) for k, v in run.values.items()}
    return json.dumps({"config": values, "epoch": run.trainer.epoch, "network": run.net.to_dict()}, indent=1)


def history_csv(run: Run) -> str:
    """Every per-epoch series as CSV, one row per recorded epoch."""
    table = run.trainer.history.as_table()
    names = list(table)
    rows = np.column_stack([table[n] for n in names])
    lines = [",".join(names)]
    lines += [",".join(_fmt(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def _fmt(value: float) -> str:
    if np.isnan(value):
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def apply_sample_step(session: MutableMapping, index: int) -> tuple[float, float]:
    """One per-sample update w ← w − ξ ∂L/∂w on training sample `index` (the step-by-step page's button).

    It counts as an update of the run (see `Trainer.apply_sample_step`); Restart still returns to
    the run's initial weights. Returns the sample's loss before and after; raises ValueError
    (changing nothing) for a bad index or a step that would make the weights non-finite.
    """
    step = sync(session).trainer.apply_sample_step(index)
    return step.loss_before, step.loss_after


PLAY_SNAPSHOTS_KEPT = 4  # films back that Pause can roll the run back into


def trainer_copy(trainer: Trainer) -> Trainer:
    """An independent copy of a trainer (its data shared, being read only): network, generator,
    history and record copied; the record's checkpoints, which are never changed, shared."""
    twin = copy.copy(trainer)
    twin.net = trainer.net.copy()
    twin.rng = copy.deepcopy(trainer.rng)
    twin.history = copy.deepcopy(trainer.history)
    record = trainer.record
    twin.record = replace(record, operations=list(record.operations), checkpoints=list(record.checkpoints))
    return twin


def keep_play_snapshot(session: MutableMapping) -> None:
    """Before a film is trained: keep the run's trainer as it is, for a Pause that lands in this film."""
    run = session[keys.RUN]
    kept = session.get(keys.PLAY_SNAPSHOTS)
    snaps = kept[1] if kept and kept[0] is run else []
    session[keys.PLAY_SNAPSHOTS] = (run, [*snaps, trainer_copy(run.trainer)][-PLAY_SNAPSHOTS_KEPT:])


def pause_at(session: MutableMapping, epoch: object) -> None:
    """Stop playing, with the run rolled back to `epoch`, the frame on the user's screen.

    The server trains ahead of what the browser shows; the run goes back to the trainer kept at
    the start of the film showing `epoch` and trains on to it, which redoes exactly the epochs
    shown (same weights, generator and history). An epoch outside the kept films (or not a
    number) leaves the run where it is.
    """
    run = sync(session)
    run.playing = False
    kept = session.pop(keys.PLAY_SNAPSHOTS, None)
    if not isinstance(epoch, int) or isinstance(epoch, bool) or not kept or kept[0] is not run:
        return
    if not 0 <= epoch < run.trainer.epoch:
        return
    starts = [s for s in kept[1] if s.epoch <= epoch and s.divergence is None]
    if not starts:
        return
    trainer = starts[-1]
    trainer.run(epoch - trainer.epoch)
    if trainer.epoch == epoch:
        run.trainer = trainer
        apply_training_settings(run, run.values)
