"""The session's run (data, network, trainer), kept in step with the Playground's controls.

Everything lives in the session's own mapping (`st.session_state` in the app, a dict in tests):
nothing mutable is shared between users.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Collection, MutableMapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import streamlit as st

from engine import MLP, Dataset, Trainer, dataset_from_csv, make_dataset, save
from engine.datasets import AUTO_CLASSES, MAX_CSV_BYTES, SYNTHETIC, decode_csv, features_for
from engine.run_config import draw_seed
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
    data_draw: int = 0  # 0: the data of the seed; k > 0: new samples ("new data, same weights")
    latest: Trainer | None = None  # the run's latest state while the timeline shows an earlier epoch

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
    hidden = hidden_controls(session)  # fixed at the link's values: a widget value is not taken
    raw = {c.key: known.get(c.key, c.default) if c.key in hidden else session.get(c.key, known.get(c.key, c.default))
           for c in controls.CONTROLS}
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


def seed_from_url(session: MutableMapping, params: MutableMapping, page_params: Collection[str] = ()) -> list[str]:
    """On a session's first run, take control values and classroom flags from URL query parameters.

    `page_params` are parameters the page reads itself (not settings, not reported as unknown).

    The link is read against the defaults of its version (`controls.LINK_DEFAULTS`; version 1 when
    it names none, today's defaults when it has no parameters at all). Values are
    checked against the control table; bad ones are dropped, named in one message (a bounded number
    of them, each quoted to a bounded length). A version this app does not know applies nothing.
    """
    if keys.CONFIG in session:
        return []
    versions = controls.FLAG_BY_KEY["v"]
    try:
        version = versions.validate(controls.parse_url_value(versions, params.get("v", "1")))
    except ValueError as err:  # the values would be read against defaults the link was not written for
        session[keys.CONFIG] = controls.defaults()
        readable = ", ".join(map(str, versions.choices))
        return [f"This link's settings were not applied: {err}; this app reads links of version {readable}, "
                "so it opens with its own defaults."]
    problems: list[str] = []
    # a bare address is no old link: it opens with today's defaults
    raw, flags = controls.link_defaults(version) if params else controls.defaults(), controls.flag_defaults()
    unknown = []
    for key in params:
        target = raw if key in controls.BY_KEY else flags if key in flags else None
        if target is None:
            if key != "v" and key not in page_params:
                unknown.append(quoted(key))
            continue
        target[key] = _link_value(controls.BY_KEY.get(key) or controls.FLAG_BY_KEY[key], params, problems,
                                  target[key])
    session[keys.CONFIG] = raw
    session[keys.LINK_FLAGS] = flags
    if unknown:
        problems.append(f"{_some(unknown)} {'is not a setting' if len(unknown) == 1 else 'are not settings'}")
    if not problems:
        return []
    return [f"Some of the link's settings were ignored: {_some(problems, '; ')}. The other settings apply."]


def _link_value(control: controls.Control, params: MutableMapping, problems: list[str], fallback: Any) -> Any:
    """The link's value of `control`, checked; a bad one is named in `problems` and `fallback` is kept."""
    try:
        return control.validate(controls.parse_url_value(control, params[control.key]))
    except ValueError as err:
        problems.append(f"{err} (keeping {control.format(fallback)})")
        return fallback


def link_flags(session: MutableMapping) -> dict[str, Any]:
    """The classroom flags this session was opened with (an ordinary link's when there were none)."""
    return session.get(keys.LINK_FLAGS) or controls.flag_defaults()


def hidden_controls(session: MutableMapping) -> frozenset[str]:
    """The controls the opening link hides: not drawn, and fixed at the link's values."""
    return frozenset(controls.BY_KEY).difference(link_flags(session)["show"])


def _some(items: list[str], sep: str = ", ", shown: int = 5) -> str:
    """At most `shown` of `items` joined, and how many more there are."""
    more = f"{sep}and {len(items) - shown} more" if len(items) > shown else ""
    return sep.join(items[:shown]) + more


def url_params(values: dict[str, Any], flags: dict[str, Any] | None = None) -> dict[str, str]:
    """The link's query parameters: its version, the values that differ from that version's
    defaults, and the classroom flags that are set."""
    base = controls.link_defaults(controls.LINK_VERSION)
    params = {"v": str(controls.LINK_VERSION)}
    params |= {c.key: controls.url_value(values[c.key]) for c in controls.CONTROLS if values[c.key] != base[c.key]}
    flags = flags or {}
    params |= {c.key: controls.url_value(flags[c.key]) for c in controls.LINK_FLAGS
               if c.key in flags and flags[c.key] != c.default}
    return params


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


def build_run(values: dict[str, Any], session: MutableMapping, draw: int = 0, strict: bool = False,
              data_draw: int = 0, initial: Any = None) -> Run:
    """A fresh run for these values; `draw` > 0 gives other initial weights for the same seed,
    `data_draw` > 0 other samples of the data, `initial` given (W, b) as the initial weights.

    With `strict`, data that cannot be built (an unusable CSV) raises ValueError instead of
    falling back to XOR."""
    notes: list[str] = []
    data = _dataset({**values, "seed": data_seed(values["seed"], data_draw)}, session, notes, strict)
    cfg = controls.run_config(values, data.task)
    if cfg.loss != values["loss"]:
        notes.append(f"{controls.BY_KEY['loss'].format(values['loss'])} loss does not suit a "
                     f"{data.task} task; using {controls.BY_KEY['loss'].format(cfg.loss)}.")
    used = {**values, "loss": cfg.loss, **({"output": cfg.output} if cfg.loss == "squared" else {})}
    return Run(used, data, cfg.build(data, draw, initial), structure_of(used), draw=draw, notes=notes,
               data_draw=data_draw)


def data_seed(seed: int, data_draw: int) -> int:
    """The seed of the data (and of a CSV's train/test split) for data draw `data_draw` of `seed`."""
    return draw_seed(seed, data_draw)


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


def step(session: MutableMapping, epochs: int, budget: float = STEP_SECONDS) -> int:
    """Train the session's run `epochs` epochs (see `train`); a note says how far a click got. Returns
    the epochs trained."""
    run = sync(session)
    done, wanted = train(run, epochs, budget)
    cut = 0 < done < wanted and run.trainer.divergence is None
    session[keys.STEP_NOTE] = (f"Trained {done} of {wanted} epochs: one click trains for at most {budget:g} s. "
                               "Click again to go on." if cut else None)
    return done


def train(run: Run, epochs: int, budget: float = STEP_SECONDS) -> tuple[int, int]:
    """Train `epochs` epochs from the latest, never past the epoch limit and for at most `budget`
    seconds; (epochs trained, epochs asked within the limit). Playing stops on divergence or at the limit.

    A large network with per-sample updates can take seconds per epoch; the time budget keeps
    the page answering (and Pause working).
    """
    to_latest(run)
    limit = run.values["max_epochs"]
    if limit:
        epochs = min(epochs, limit - run.trainer.epoch)
    start, done = time.monotonic(), 0
    while done < epochs and run.trainer.divergence is None:
        run.trainer.run(1)
        done += 1
        if time.monotonic() - start > budget:
            break
    if run.trainer.divergence is not None or at_limit(run):
        run.playing = False
    return done, epochs


def set_playing(session: MutableMapping, playing: bool) -> None:
    """Start or stop playing (never after divergence or at the epoch limit).

    Idempotent, so a click delivered twice is harmless.
    """
    run = sync(session)
    if playing:
        to_latest(run)
        session[keys.PLAY_SENT] = None  # a new Play: its first film is trained anew
        session[keys.STEP_NOTE] = None  # "click again to go on" is for clicks, not for play
    run.playing = playing and run.trainer.divergence is None and not at_limit(run)


def reset(session: MutableMapping) -> None:
    """New initial weights (same data and settings), epoch 0."""
    run = sync(session)
    session[keys.RUN] = build_run(run.values, session, draw=run.draw + 1, data_draw=run.data_draw)


def restart(session: MutableMapping) -> None:
    """Back to this run's initial weights and shuffling, keeping the current ξ and batch settings."""
    run = sync(session)
    to_latest(run)
    run.trainer.restart()
    run.playing = False


def weights_json(run: Run, session: MutableMapping | None = None) -> str:
    """The run's save file (see `engine.save`): its setup (control values, draws, the CSV's text),
    weights, record and history, at its latest epoch, for download."""
    values = {k: (list(v) if isinstance(v, tuple) else v) for k, v in run.values.items()}
    csv = (session or {}).get(keys.CSV_TEXT) if values["dataset"] == controls.CSV_DATASET else None
    setup = {"config": values, "draw": run.draw, "data_draw": run.data_draw, "csv": csv}
    return save.dump(latest(run), setup)


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
    run = sync(session)
    _check_at_latest(run, "update the network")
    step = run.trainer.apply_sample_step(index)
    return step.loss_before, step.loss_after


# --- the run's tools: load a save, rewind, edit a weight, new data (ui/playground/run_tools.py) --------
def latest(run: Run) -> Trainer:
    """The run at its latest epoch (the timeline may show an earlier one)."""
    return run.latest or run.trainer


def to_latest(run: Run) -> None:
    """Show the run's latest epoch again (the settings in force carry over)."""
    if run.latest is not None:
        run.latest.settings = run.trainer.settings
        run.trainer, run.latest = run.latest, None


def _check_at_latest(run: Run, what: str) -> None:
    if run.latest is not None:
        raise ValueError(f"the timeline shows epoch {run.trainer.epoch} of {run.latest.epoch}; to {what} there, "
                         "click “Continue from here” on the Playground first (or go back to the latest epoch)")


def rewind(session: MutableMapping, epoch: int) -> None:
    """Show the run as it was at the end of `epoch` (recomputed exactly from the nearest checkpoint);
    the later epochs are kept until `continue_from_here`."""
    run = sync(session)
    head = latest(run)
    epoch = max(0, min(int(epoch), head.epoch))
    run.playing = False
    if epoch == head.epoch:
        to_latest(run)
    elif epoch != run.trainer.epoch:
        past = head.at_epoch(epoch)
        past.settings = run.trainer.settings
        run.trainer, run.latest = past, head


def continue_from_here(session: MutableMapping) -> None:
    """Make the epoch the timeline shows the run's latest: the later epochs are dropped."""
    sync(session).latest = None


def edit_param(session: MutableMapping, layer: int, i: int, j: int | None, text: str) -> str:
    """Set w_ji^(l) (or b_i^(l) when `j` is None; 1-based) to the number in `text` (Trainer.set_params: the
    history marks the edit). Returns what was done; ValueError, nothing changed, for a bad value or index."""
    run = sync(session)
    _check_at_latest(run, "edit a weight")
    name = f"b_{i}^({layer})" if j is None else f"w_{j}{i}^({layer})"
    try:
        value = float(str(text).strip().replace("−", "-"))
    except ValueError:
        raise ValueError(f"{quoted(str(text))} is not a number; type one such as 0.5 or -1.2e-3") from None
    if not np.isfinite(value) or abs(value) > MAX_EDIT:
        raise ValueError(f"{name} must be a finite number from −{MAX_EDIT:g} to {MAX_EDIT:g}, got {quoted(text)}")
    W, b = run.net.get_params()
    sizes = run.net.sizes
    if not 1 <= layer < len(sizes) or not 1 <= i <= sizes[layer] or j is not None and not 1 <= j <= sizes[layer - 1]:
        raise ValueError(f"the network {sizes} has no {name}")
    if j is None:
        if not run.net.bias:
            raise ValueError("this network has no biases (turn them on in the Network section)")
        b[layer - 1][i - 1] = value
    else:
        W[layer - 1][j - 1, i - 1] = value
    run.playing = False
    run.trainer.set_params(W, b)
    return f"Set {name} to {value:g} at epoch {run.trainer.epoch}; training goes on from the edited network."


MAX_EDIT = 1000.0  # a hand-typed weight's largest magnitude


def new_data(session: MutableMapping) -> str:
    """New samples of the data set (a new data seed; for a CSV, a new train/test split), the network
    kept as it is: a new run whose initial weights are the current ones. Returns what was done."""
    run = sync(session)
    _check_at_latest(run, "swap the data")
    draw = run.data_draw + 1
    new = build_run(run.values, session, run.draw, strict=True, data_draw=draw, initial=run.net.get_params())
    new.trainer.settings = run.trainer.settings
    session[keys.RUN] = new
    what = "train/test split of your CSV" if run.values["dataset"] == controls.CSV_DATASET else "samples"
    return (f"New {what} (data seed {data_seed(run.values['seed'], draw)}), the network kept from epoch "
            f"{run.trainer.epoch}: this is now epoch 0 of a run on the new data, and Restart comes back here.")


def load_save(session: MutableMapping, data: bytes) -> str | None:
    """Restore the run saved in `data` (a `weights_json` download): the controls, data, network, record
    and history as they were. None if loaded, else a message saying what is wrong, nothing changed."""
    try:
        saved = save.parse(data)
        run, values, csv = _run_of_save(saved)
    except ValueError as err:
        return f"That file was not loaded and the run is unchanged: {err}."
    if csv is not None:
        session[keys.CSV_TEXT] = csv
    session[keys.CONFIG] = values
    for c in controls.CONTROLS:
        if c.key in session:
            session[c.key] = list(values[c.key]) if isinstance(values[c.key], tuple) else values[c.key]
    session[keys.RUN] = run
    return None


def _run_of_save(saved: save.SavedRun) -> tuple[Run, dict[str, Any], str | None]:
    """The run a parsed save file describes, its control values and CSV text; ValueError if it cannot be."""
    setup = saved.setup
    config = setup.get("config")
    if not isinstance(config, dict) or set(config) - set(controls.BY_KEY):
        unknown = _some(sorted(set(config) - set(controls.BY_KEY))) if isinstance(config, dict) else ""
        raise ValueError(f"its settings are not those of this app{' (' + unknown + ')' if unknown else ''}")
    missing = sorted(set(controls.BY_KEY) - set(config))
    if missing:
        raise ValueError(f"its settings lack {_some(missing)}")
    for c in controls.CONTROLS:
        c.validate(config[c.key])  # a ValueError names the control and what it allows
    values = controls.validate(config)[0]
    draw, data_draw = setup.get("draw"), setup.get("data_draw")
    if not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2**32 for d in (draw, data_draw)):
        raise ValueError("its setup's draw and data_draw must be whole numbers ≥ 0")
    csv = setup.get("csv")
    if values["dataset"] == controls.CSV_DATASET and not isinstance(csv, str):
        raise ValueError("it is a run on an uploaded CSV but holds no CSV text")
    csv = csv if values["dataset"] == controls.CSV_DATASET else None
    if csv is not None and len(csv) > MAX_CSV_BYTES:
        raise ValueError(f"its CSV text is longer than the {MAX_CSV_BYTES // 2**20} MB an upload may have")
    run = build_run(values, {keys.CSV_TEXT: csv}, draw, strict=True, data_draw=data_draw, initial=saved.initial)
    if run.values != values:
        raise ValueError("its settings do not fit its data (the loss or output unit differs)")
    save.restore(run.trainer, saved)
    return run, values, csv


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


def keep_play_snapshot(session: MutableMapping, kept: int) -> None:
    """While a film is trained, every few frames: keep the run's trainer as it is, for a Pause that
    lands on one of the next frames (the fewer frames from a snapshot to the Pause, the less to redo);
    the last `kept` of them are kept."""
    run = session[keys.RUN]
    before = session.get(keys.PLAY_SNAPSHOTS)
    snaps = before[1] if before and before[0] is run else []
    session[keys.PLAY_SNAPSHOTS] = (run, [*snaps, trainer_copy(run.trainer)][-kept:])


def pause_at(session: MutableMapping, epoch: object) -> None:
    """Stop playing, with the run rolled back to `epoch`, the frame on the user's screen.

    The server trains ahead of what the browser shows; the run goes back to the last trainer kept
    at or before `epoch` (`keep_play_snapshot`) and trains on to it, which redoes exactly the
    epochs shown (same weights, generator and history). An epoch before the kept trainers (or not
    a number) leaves the run where it is.
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
