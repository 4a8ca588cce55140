"""A run's save file: versioned JSON holding everything needed to go on exactly where it was.

The file holds a `setup` (whatever rebuilds the data and the network: the app's control values,
the draw, an uploaded CSV's text; opaque here), the network's initial and current parameters
(readable lists), the shuffling generator's state, the divergence if any, the run's record
(operations and checkpoints, so that rewinding works after loading) and its history. Bulk arrays
are base64 blocks of little-endian float64 or int64, so every number comes back bit for bit.

`parse` checks a file completely (size first, then structure, types, shapes, finiteness) and
raises a ValueError saying what is wrong; `restore` then puts the state on a fresh trainer built
from the setup, checking that it fits that trainer and that the current weights follow from the
record. Neither changes anything it was not given.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.history import History, ThinnedTable
from engine.network import REGULARIZERS
from engine.record import Checkpoint, Epochs, Operation, RunRecord, SampleStep, SetParams, Settings, frozen_params
from engine.training import MAX_BATCH, Divergence, Trainer
from engine.validation import choice, int_in_range, positive_number, quoted

FORMAT = "backprop-playground-run"
VERSION = 1
MAX_SAVE_BYTES = 32 * 2**20  # an upload's size limit (the uploader's too)
MAX_OPERATIONS = 200_000
MAX_TEXT = 4 * 2**20  # the setup's longest string (an uploaded CSV is at most 2 MB)
Params = tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]
DTYPES = {"f8": "<f8", "i8": "<i8"}


@dataclass(frozen=True)
class SavedRun:
    """A parsed save file: the setup, and the trainer's state to put on a trainer built from it."""

    setup: dict[str, Any]
    network: dict[str, Any]
    initial: Params
    current: Params
    epoch: int
    rng_state: dict
    divergence: Divergence | None
    record: RunRecord
    tables: dict[str, tuple[np.ndarray, np.ndarray]]  # name -> (epochs, rows)
    marks: list[tuple[int, float]]


# --- writing --------------------------------------------------------------------------------------
def _block(a: np.ndarray) -> dict:
    kind = "i8" if a.dtype.kind in "iu" else "f8"
    data = np.ascontiguousarray(a, dtype=DTYPES[kind]).tobytes()
    return {"dtype": kind, "shape": list(a.shape), "data": base64.b64encode(data).decode("ascii")}


def _params(W: tuple | list, b: tuple | list) -> dict:
    return {"W": [np.asarray(w).tolist() for w in W], "b": [np.asarray(v).tolist() for v in b]}


def _settings(s: Settings) -> dict:
    return {"lr": s.lr, "batch_size": s.batch_size, "reg": s.reg, "lam": s.lam}


def _operation(op: Operation) -> dict:
    if isinstance(op, Epochs):
        return {"epochs": op.count, "settings": _settings(op.settings)}
    if isinstance(op, SampleStep):
        return {"sample": op.index, "lr": op.lr}
    return {"set": {"W": [_block(w) for w in op.W], "b": [_block(v) for v in op.b]}}


def _checkpoint(c: Checkpoint) -> dict:
    return {"epoch": c.epoch, "position": c.position, "W": [_block(w) for w in c.W],
            "b": [_block(v) for v in c.b], "rng": c.rng_state}


def dump(trainer: Trainer, setup: dict[str, Any]) -> str:
    """The save file of `trainer`'s run, with `setup` (JSON-ready) to rebuild its data and network."""
    rec, hist = trainer.record, trainer.history
    div = trainer.divergence
    return json.dumps({
        "format": FORMAT, "version": VERSION, "setup": setup,
        "network": trainer.net.to_dict(), "initial": _params(*trainer.initial),
        "epoch": trainer.epoch, "rng": trainer.rng.bit_generator.state,
        "divergence": None if div is None else {"epoch": div.epoch, "what": div.what},
        "record": {"seed": rec.seed, "settings": _settings(rec.settings), "epoch": rec.epoch, "stride": rec.stride,
                   "operations": [_operation(op) for op in rec.operations],
                   "checkpoints": [_checkpoint(c) for c in rec.checkpoints]},
        "history": {**{name: {"epochs": _block(t.epochs), "rows": _block(t.rows)} for name, t in hist.tables.items()},
                    "marks": [list(m) for m in hist.marks]},
    }, indent=1)


# --- reading --------------------------------------------------------------------------------------
def _no_constant(name: str) -> None:
    raise ValueError(f"it holds {name}, which is not a finite number")


def _get(d: object, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """d[key], checked to be of `kind` (bool is never a number here)."""
    if not isinstance(d, dict):
        raise ValueError(f"{where or 'the file'} must be a JSON object")
    if key not in d:
        raise ValueError(f"{where or 'the file'} has no '{key}'")
    value = d[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        raise ValueError(f"{where + '.' if where else ''}{key} must be {_kind_name(kinds)}, got {quoted(value)}")
    return value


def _kind_name(kinds: tuple[type, ...]) -> str:
    names = {dict: "an object", list: "a list", str: "text", int: "a whole number", float: "a number",
             bool: "true or false", type(None): "null"}
    return " or ".join(dict.fromkeys(names[k] for k in kinds))


def _array(value: object, where: str, shape: tuple[int, ...] | None = None, finite: bool = True) -> np.ndarray:
    """A base64 block (or, for parameters, nested lists) as a float64/int64 array of `shape`."""
    if isinstance(value, dict):
        kind = _get(value, "dtype", str, where)
        if kind not in DTYPES:
            raise ValueError(f"{where}.dtype must be f8 or i8, got {quoted(kind)}")
        dims = _get(value, "shape", list, where)
        if not 1 <= len(dims) <= 2 or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0
                                              for n in dims):
            raise ValueError(f"{where}.shape must be one or two whole numbers ≥ 0, got {quoted(dims)}")
        text = _get(value, "data", str, where)
        size = math.prod(dims)
        if len(text) != 4 * ((8 * size + 2) // 3):
            raise ValueError(f"{where}.data does not hold {size} numbers (it is cut short or too long)")
        try:
            a = np.frombuffer(base64.b64decode(text, validate=True), dtype=DTYPES[kind]).reshape(dims)
        except ValueError:
            raise ValueError(f"{where}.data is not base64 text") from None
        a = a.astype(np.float64 if kind == "f8" else np.int64)
    elif isinstance(value, list):
        try:
            a = np.array(value)
        except (TypeError, ValueError):
            a = np.array(None)
        if a.dtype.kind not in "iuf" or a.dtype == bool:
            raise ValueError(f"{where} must be a list of numbers (or of rows of numbers of one length)")
        a = a.astype(np.float64)
    else:
        raise ValueError(f"{where} must be a list of numbers or an array block")
    if shape is not None and a.shape != shape:
        raise ValueError(f"{where} must have shape {shape}, got {a.shape}")
    if a.dtype.kind == "f" and not (np.isfinite(a).all() if finite else not np.isinf(a).any()):
        advice = "; every weight must be finite" if finite else ""
        raise ValueError(f"{where} holds NaN or an infinite number{advice}")
    return a


def _param_lists(d: object, where: str, shapes: tuple[list, list]) -> Params:
    W = _get(d, "W", list, where)
    b = _get(d, "b", list, where)
    if len(W) != len(shapes[0]) or len(b) != len(shapes[1]):
        raise ValueError(f"{where} must hold {len(shapes[0])} weight matrices and bias vectors, "
                         f"got {len(W)} and {len(b)}")
    return frozen_params([_array(w, f"{where}.W[{l}]", s) for l, (w, s) in enumerate(zip(W, shapes[0]))],
                         [_array(v, f"{where}.b[{l}]", s) for l, (v, s) in enumerate(zip(b, shapes[1]))])


def _shapes(network: dict) -> tuple[list[tuple[int, ...]], list[tuple[int, ...]]]:
    sizes = _get(network, "sizes", list, "network")
    if not 2 <= len(sizes) <= 10 or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 4096
                                           for n in sizes):
        raise ValueError(f"network.sizes must list 2 to 10 layer sizes from 1 to 4096, got {quoted(sizes)}")
    return [(a, b) for a, b in zip(sizes[:-1], sizes[1:])], [(b,) for b in sizes[1:]]


def _settings_of(d: object, where: str) -> Settings:
    batch = _get(d, "batch_size", (int, type(None)), where)
    return Settings(positive_number(f"{where}.lr", _get(d, "lr", (int, float), where)),
                    None if batch is None else int_in_range(f"{where}.batch_size", batch, 1, MAX_BATCH),
                    choice(f"{where}.reg", _get(d, "reg", str, where), REGULARIZERS),
                    positive_number(f"{where}.lam", _get(d, "lam", (int, float), where), allow_zero=True))


def _rng_state(d: object, where: str) -> dict:
    """A PCG64 generator state, checked by giving it to a generator."""
    if _get(d, "bit_generator", str, where) != "PCG64":
        raise ValueError(f"{where} must be a PCG64 generator's state")
    inner = _get(d, "state", dict, where)
    for key in ("state", "inc"):
        if not 0 <= _get(inner, key, int, f"{where}.state") < 2**128:
            raise ValueError(f"{where}.state.{key} must be from 0 to 2^128 − 1")
    _get(d, "has_uint32", int, where)
    _get(d, "uinteger", int, where)
    try:
        rng = np.random.default_rng()
        rng.bit_generator.state = d
        return rng.bit_generator.state
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{where} is not a valid generator state") from None


def _operations(items: list, shapes: tuple[list, list]) -> list[Operation]:
    if len(items) > MAX_OPERATIONS:
        raise ValueError(f"the record lists {len(items)} operations; at most {MAX_OPERATIONS}")
    ops: list[Operation] = []
    for k, item in enumerate(items):
        where = f"record.operations[{k}]"
        if isinstance(item, dict) and "epochs" in item:
            ops.append(Epochs(int_in_range(f"{where}.epochs", item["epochs"], 1, 10**9),
                              _settings_of(_get(item, "settings", dict, where), f"{where}.settings")))
        elif isinstance(item, dict) and "sample" in item:
            ops.append(SampleStep(int_in_range(f"{where}.sample", item["sample"], 0, 10**9),
                                  positive_number(f"{where}.lr", _get(item, "lr", (int, float), where))))
        elif isinstance(item, dict) and "set" in item:
            ops.append(SetParams(*_param_lists(item["set"], f"{where}.set", shapes)))
        else:
            raise ValueError(f"{where} must be epochs, a sample step or a hand edit")
    return ops


def _record(d: object, shapes: tuple[list, list], initial: Params, epoch: int, rng: dict) -> RunRecord:
    seed = int_in_range("record.seed", _get(d, "seed", int, "record"), 0, 2**32 - 1)
    ops = _operations(_get(d, "operations", list, "record"), shapes)
    record = RunRecord(initial, seed, _settings_of(_get(d, "settings", dict, "record"), "record.settings"), ops)
    record.epoch = sum(op.count for op in ops if isinstance(op, Epochs))
    if record.epoch != epoch or _get(d, "epoch", int, "record") != epoch:
        raise ValueError(f"the record's operations train {record.epoch} epochs but the file is at epoch {epoch}")
    record.stride = int_in_range("record.stride", _get(d, "stride", int, "record"), 1, 2**40)
    end = record.position
    items = _get(d, "checkpoints", list, "record")
    if len(items) > record.capacity:
        raise ValueError(f"the record holds {len(items)} checkpoints; at most {record.capacity}")
    # a record keeps a checkpoint at every multiple of its stride, and doubles the stride only when full
    expected = list(range(0, end + 1, record.stride))
    if len(items) != len(expected) or record.stride > 1 and len(items) < record.capacity // 2:
        raise ValueError(f"the record must hold a checkpoint at every multiple of its stride {record.stride} "
                         f"up to position {end}")
    epochs_at = _epochs_at(ops)
    for k, (item, position) in enumerate(zip(items, expected)):
        where = f"record.checkpoints[{k}]"
        if _get(item, "position", int, where) != position or _get(item, "epoch", int, where) != epochs_at(position):
            raise ValueError(f"{where} must be at position {position}, epoch {epochs_at(position)}")
        W, b = _param_lists(item, where, shapes)
        record.checkpoints.append(Checkpoint(epochs_at(position), position, W, b,
                                             _rng_state(_get(item, "rng", dict, where), f"{where}.rng")))
    return record


def _epochs_at(ops: list[Operation]):
    """A function giving the epoch reached after the first `position` operations."""
    def epochs_at(position: int) -> int:
        done = trained = 0
        for op in ops:
            size = op.count if isinstance(op, Epochs) else 1
            take = min(size, position - done)
            if take <= 0:
                break
            trained += take if isinstance(op, Epochs) else 0
            done += take
        return trained
    return epochs_at


def _history(d: object) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], list[tuple[int, float]]]:
    tables = {}
    for name in ("scalars", "neurons", "snapshots"):
        where = f"history.{name}"
        t = _get(d, name, dict, "history")
        epochs = _array(_get(t, "epochs", dict, where), f"{where}.epochs")
        rows = _array(_get(t, "rows", dict, where), f"{where}.rows", finite=False)
        if epochs.dtype.kind != "i" or epochs.ndim != 1 or rows.ndim != 2 or rows.shape[0] != epochs.size:
            raise ValueError(f"{where} must hold one row per epoch")
        if epochs.size and (np.any(np.diff(epochs) < 0) or epochs[0] < 0):
            raise ValueError(f"{where}.epochs must not decrease")
        tables[name] = (epochs, rows)
    marks = []
    for k, m in enumerate(_get(d, "marks", list, "history")):
        if not (isinstance(m, list) and len(m) == 2 and isinstance(m[0], int) and isinstance(m[1], (int, float))):
            raise ValueError(f"history.marks[{k}] must be [epoch, loss]")
        marks.append((int(m[0]), float(m[1])))
    return tables, marks


def parse(data: bytes) -> SavedRun:
    """A save file's bytes, fully checked: ValueError saying what is wrong (size is checked first)."""
    if len(data) > MAX_SAVE_BYTES:
        raise ValueError(f"the file has {len(data) / 2**20:.1f} MB; a save file has at most "
                         f"{MAX_SAVE_BYTES // 2**20} MB")
    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 text, so not a save file of this app") from None
    except RecursionError:
        raise ValueError("the file nests too deeply to be a save file") from None
    except ValueError as err:
        if "finite number" in str(err):
            raise
        raise ValueError("the file is not complete JSON (is it cut short?), so not a save file of this app") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError("the file is not a save file of this app (it lacks \"format\": \"backprop-playground-run\")")
    version = doc.get("version")
    if version != VERSION:
        raise ValueError(f"the file is a save of version {quoted(version)}; this app reads version {VERSION}")
    setup = _get(doc, "setup", dict, "")
    if len(json.dumps(setup)) > MAX_TEXT + 65536:
        raise ValueError("the file's setup is too long")
    network = _get(doc, "network", dict, "")
    shapes = _shapes(network)
    current = _param_lists(network, "network", shapes)
    initial = _param_lists(_get(doc, "initial", dict, ""), "initial", shapes)
    epoch = int_in_range("epoch", _get(doc, "epoch", int, ""), 0, 10**9)
    rng = _rng_state(_get(doc, "rng", dict, ""), "rng")
    div = _get(doc, "divergence", (dict, type(None)), "")
    divergence = None if div is None else Divergence(int_in_range("divergence.epoch", div.get("epoch"), 1, 10**9),
                                                     _get(div, "what", str, "divergence")[:200])
    record = _record(_get(doc, "record", dict, ""), shapes, initial, epoch, rng)
    tables, marks = _history(_get(doc, "history", dict, ""))
    return SavedRun(setup, network, initial, current, epoch, rng, divergence, record, tables, marks)


def _describe(d: dict) -> dict:
    return {k: v for k, v in d.items() if k not in ("W", "b")}


def restore(trainer: Trainer, saved: SavedRun) -> None:
    """Put the saved state on `trainer`, freshly built (at epoch 0) from the saved setup and initial
    weights; ValueError if it does not fit that trainer or its weights do not follow from its record."""
    mine, theirs = _describe(trainer.net.to_dict()), _describe(saved.network)
    if mine != theirs:
        diff = ", ".join(f"{k} {quoted(theirs.get(k))} (its setup gives {quoted(v)})"
                         for k, v in mine.items() if theirs.get(k) != v)
        raise ValueError(f"the file's network does not match its own setup: {diff}")
    if saved.record.seed != trainer.seed:
        raise ValueError(f"the record's shuffling seed {saved.record.seed} is not its setup's {trainer.seed}")
    history = History(trainer.net.sizes[1:], trainer.net.n_params)
    try:
        history.restore({name: ThinnedTable.restore(history.tables[name].capacity, *saved.tables[name])
                         for name in history.tables}, saved.marks)
    except ValueError as err:
        raise ValueError(f"the file's history does not fit its network: {err}") from None
    n = trainer.data.X_train.shape[0]
    if any(isinstance(op, SampleStep) and op.index >= n for op in saved.record.operations):
        raise ValueError(f"the record steps on a training sample past the data's {n} samples")
    trainer.net.set_params(*[list(p) for p in saved.current])
    trainer.rng.bit_generator.state = saved.rng_state
    trainer.epoch = saved.epoch
    trainer.record = saved.record
    trainer.history = history
    trainer.divergence = saved.divergence
    check = trainer.at_epoch(saved.epoch)
    if not (np.array_equal(check.net.params, trainer.net.params) and check.rng.bit_generator.state == saved.rng_state):
        raise ValueError("the file's current weights do not follow from its record (was the file edited?)")
    trainer.last = check.last
