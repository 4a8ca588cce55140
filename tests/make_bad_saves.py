"""A corpus of malformed save files (each made from a good one), each with the message it must get.

`python -m tests.make_bad_saves DIR` writes the files to DIR (to try them by hand in the app);
`corpus()` gives them to the tests: name -> (file bytes, the message's key phrase).
"""

from __future__ import annotations

import base64
import copy
import json
import sys
from collections.abc import Callable

import numpy as np

from engine.save import MAX_SAVE_BYTES
from tests.make_bad_csvs import write_corpus
from ui import keys, session_run


def good_save() -> str:
    """A run with every kind of operation and enough epochs for several checkpoints, saved."""
    session: dict = {}
    session_run.sync(session)
    session_run.step(session, 12)
    session_run.edit_param(session, 1, 1, 2, "0.5")
    session_run.apply_sample_step(session, 3)
    session["lr"] = 0.1
    session_run.step(session, 5)
    return session_run.weights_json(session[keys.RUN], session)


def _edit(doc: dict, change: Callable[[dict], object]) -> bytes:
    out = copy.deepcopy(doc)
    change(out)
    return json.dumps(out).encode()


def _set(path: str, value: object) -> Callable[[dict], None]:
    """A change setting doc[a][b]... (a path like 'network.W.0.1') to `value`."""
    def change(doc: dict) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        for p in parents:
            doc = doc[p]
        doc[last] = value
    return change


def _history_inf(doc: dict) -> None:
    block = doc["history"]["scalars"]["rows"]
    rows = np.zeros(block["shape"])
    rows[0, 0] = np.inf
    block["data"] = base64.b64encode(rows.astype("<f8").tobytes()).decode()


def corpus() -> dict[str, tuple[bytes, str]]:
    """Every malformed file with the phrase its message must hold."""
    text = good_save()
    doc = json.loads(text)
    w0 = doc["network"]["W"][0]
    sample = next(k for k, op in enumerate(doc["record"]["operations"]) if "sample" in op)
    checkpoint_data = doc["record"]["checkpoints"][1]["W"][0]["data"]
    files: dict[str, tuple[bytes, str]] = {
        "empty": (b"", "not complete JSON"),
        "truncated": (text[: len(text) // 2].encode(), "not complete JSON"),
        "cut_at_the_last_brace": (text[:-1].encode(), "not complete JSON"),
        "a_csv": (b"x1,x2,label\n1,2,0\n", "not complete JSON"),
        "binary_junk": (np.random.default_rng(0).integers(0, 256, 3000, dtype=np.uint8).tobytes(), "not UTF-8"),
        "a_json_list": (b"[1, 2, 3]", "not a save file of this app"),
        "old_weights_download": (json.dumps({"config": {}, "epoch": 3, "network": doc["network"]}).encode(),
                                 "not a save file of this app"),
        "wrong_version": (_edit(doc, _set("version", 2)), "version 2; this app reads version 1"),
        "no_version": (_edit(doc, lambda d: d.pop("version")), "version None"),
        "deep_nesting": (b"[" * 200_000, "nests too deeply"),
        "over_the_size_limit": (b" " * (MAX_SAVE_BYTES + 1), "at most 32 MB"),
        "nan_weight": (text.replace(json.dumps(w0[0][0]), "NaN", 1).encode(), "holds NaN"),
        "infinity_weight": (_edit(doc, _set("network.W.0.0.0", 1e999)), "holds Infinity, which is not a finite"),
        "overflowing_weight": (text.replace(json.dumps(w0[0][0]), "1e999", 1).encode(), "infinite number"),
        "text_weight": (_edit(doc, _set("network.W.0.0.0", "0.5")), "must be a list of numbers"),
        "wrong_shape": (_edit(doc, _set("network.W.0", [row[:-1] for row in w0])), "must have shape"),
        "a_layer_missing": (_edit(doc, lambda d: d["initial"]["W"].pop()), "must hold 2 weight matrices"),
        "other_sizes_than_its_setup": (_edit(doc, _set("setup.config.units_1", 5)), "must have shape"),
        "edited_current_weights": (_edit(doc, _set("network.W.0.0.0", w0[0][0] + 0.25)),
                                   "do not follow from its record"),
        "epoch_off": (_edit(doc, _set("epoch", 40)), "the file is at epoch 40"),
        "bool_epoch": (_edit(doc, _set("epoch", True)), "epoch must be a whole number"),
        "checkpoint_missing": (_edit(doc, lambda d: d["record"]["checkpoints"].pop(1)),
                               "a checkpoint at every multiple"),
        "checkpoint_not_base64": (_edit(doc, _set("record.checkpoints.1.W.0.data", "!" * len(checkpoint_data))),
                                  "is not base64"),
        "checkpoint_cut_short": (_edit(doc, _set("record.checkpoints.1.W.0.data", checkpoint_data[:-4])),
                                 "cut short or too long"),
        "bad_generator": (_edit(doc, _set("rng.bit_generator", "MT19937")), "PCG64"),
        "generator_state_too_big": (_edit(doc, _set("rng.state.state", 2**130)), "from 0 to 2^128"),
        "zero_epochs": (_edit(doc, _set("record.operations.0.epochs", 0)), "epochs must be from 1"),
        "unknown_operation": (_edit(doc, lambda d: d["record"]["operations"].append({"jump": 3})),
                              "must be epochs, a sample step or a hand edit"),
        "sample_past_the_data": (_edit(doc, _set(f"record.operations.{sample}.sample", 10**6)), "past the data's"),
        "history_infinite": (_edit(doc, _history_inf), "infinite"),
        "negative_learning_rate": (_edit(doc, _set("setup.config.lr", -1)), "ξ"),
        "unknown_setting": (_edit(doc, _set("setup.config.colour", "red")), "not those of this app"),
        "setting_missing": (_edit(doc, lambda d: d["setup"]["config"].pop("noise")), "lack"),
        "csv_run_without_csv": (_edit(doc, _set("setup.config.dataset", "csv")), "holds no CSV text"),
        "negative_draw": (_edit(doc, _set("setup.draw", -1)), "whole numbers ≥ 0"),
    }
    return files


def main(folder: str) -> None:
    """Write every file of the corpus to `folder` as NAME.json."""
    write_corpus(corpus(), folder, ".json")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bad_saves")
