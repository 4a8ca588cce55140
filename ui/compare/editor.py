"""Compare's run editor: one column of widgets per run, turned into engine variants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from engine.compare import Variant
from engine.run_config import losses_for
from ui import controls, keys, plain
from ui.compare.presets import PRESETS, adapt_changes

SAME = "same"
BATCH_CHOICES = (1, 5, 10, 32, 100, "full")
FIELDS = ("loss", "output", "hidden", "hidden_sizes", "lr", "batch_size", "init", "reg", "lam")


def field_choices(task: str) -> dict[str, tuple]:
    """The options of each selectbox in the run editor (the first is always 'same')."""
    return {
        "loss": (SAME, *losses_for(task)),
        "output": (SAME, "sigmoid", "softmax", "linear"),
        "hidden": (SAME, *controls.BY_KEY["hidden"].choices),
        "lr": (SAME, *controls.LR_CHOICES),
        "batch_size": (SAME, *BATCH_CHOICES),
        "init": (SAME, *controls.BY_KEY["init"].choices),
        "reg": (SAME, *controls.BY_KEY["reg"].choices),
        "lam": (SAME, *controls.LAMBDA_CHOICES),
    }


def editor_values(variant: Variant) -> dict[str, Any]:
    """A variant as run-editor widget values ('same' for every unchanged field)."""
    out: dict[str, Any] = {"label": variant.label}
    for name in FIELDS:
        value = variant.changes.get(name, SAME)
        if name == "hidden_sizes":
            value = "" if value == SAME else sizes_text(value)  # type: ignore[arg-type]
        elif name == "batch_size" and name in variant.changes and value is None:
            value = "full"
        out[name] = value
    return out


def sizes_text(sizes: tuple[int, ...]) -> str:
    return ", ".join(map(str, sizes)) if sizes else "none"


def parse_sizes(text: str) -> tuple[int, ...] | None:
    """'8, 8' → (8, 8); 'none' or '0' → () (no hidden layer); '' → None (same as the base)."""
    text = str(text).strip().lower()
    if not text:
        return None
    if text in ("none", "0", "-"):
        return ()
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"hidden sizes must be whole numbers separated by commas, like '8, 8'; "
                         f"got {text!r}") from None
    if any(n < 1 or n > controls.MAX_UI_UNITS for n in sizes):
        raise ValueError(f"each hidden layer needs 1 to {controls.MAX_UI_UNITS} units; got {text!r}")
    if len(sizes) > controls.BY_KEY["n_layers"].high:
        raise ValueError(f"at most {controls.BY_KEY['n_layers'].high:g} hidden layers; got {len(sizes)}")
    return sizes


def variant_from_editor(values: Mapping[str, Any], index: int, base_lam: float = 0.0) -> Variant:
    """Run-editor widget values → a Variant; ValueError with a readable message on bad input.

    Turning a penalty on without choosing λ uses the Playground's λ default when the base has none.
    """
    changes: dict[str, object] = {}
    for name in FIELDS:
        value = values.get(name, SAME)
        if name == "hidden_sizes":
            sizes = parse_sizes(value or "")
            if sizes is not None:
                changes[name] = sizes
        elif value != SAME and value is not None:
            changes[name] = None if (name == "batch_size" and value == "full") else value
    if changes.get("reg", "none") != "none" and "lam" not in changes and base_lam == 0:
        changes["lam"] = controls.BY_KEY["lam"].default
    label = str(values.get("label") or "").strip()[:40] or f"run {index + 1}"
    return Variant(label, changes)


# --- the editor's widgets --------------------------------------------------------------------------
MAX_UI_RUNS = 6
FIELD_LABELS = {"loss": "Loss L", "output": "Output unit y*", "hidden": "Hidden activation A",
                "hidden_sizes": "Hidden sizes H", "lr": "Learning rate ξ", "batch_size": "Batch size",
                "init": "Initial weights", "reg": "Regularization", "lam": "λ"}
SHORT = {"loss": "L", "output": "y*", "hidden": "A", "hidden_sizes": "H", "lr": "ξ", "batch_size": "batch",
         "init": "init", "reg": "penalty", "lam": "λ"}
FIELD_FORMAT = {"loss": controls.BY_KEY["loss"].format, "hidden": controls.BY_KEY["hidden"].format,
                "init": controls.BY_KEY["init"].format, "reg": controls.BY_KEY["reg"].format,
                "output": lambda v: str(v).capitalize(), "lr": lambda v: f"{v:g}",
                "lam": lambda v: f"{v:g}", "batch_size": str}


def kept(key: str, default: Any, options: tuple | None = None) -> str:
    """A widget key with its value set: the stored one if it is still an option, else `default`.

    The widgets keep their values across page switches with `persist_state="session"`.
    """
    ss = st.session_state
    if key not in ss or (options is not None and ss[key] not in options):
        ss[key] = default
    return key


def load_preset(task: str) -> None:
    """Fill every run column with the chosen preset's runs (fitted to the data's task)."""
    ss = st.session_state
    ss[keys.CMP_EDITOR_TASK] = task
    preset = PRESETS.get(ss.get(keys.CMP_PRESET))
    if preset is None:
        return
    choices = field_choices(task)
    skipped = []
    for i in range(MAX_UI_RUNS):
        variant = preset.runs[i] if i < len(preset.runs) else Variant(f"run {i + 1}", {})
        values = editor_values(Variant(variant.label, adapt_changes(variant.changes, task)))
        for name, value in values.items():
            ss[keys.cmp_field(i, name)] = fitted = _offered(choices, name, value)
            if fitted != value:
                skipped.append(f"{FIELD_LABELS[name].lower()} = {value}")
    ss[keys.CMP_N_RUNS] = len(preset.runs)
    ss[keys.CMP_EPOCHS] = preset.epochs
    ss[keys.CMP_ERROR] = (f"This preset's {', '.join(sorted(set(skipped)))} does not suit this data set; "
                          "those runs keep the Playground's setting.") if skipped else None


def _offered(choices: dict[str, tuple], name: str, value: Any) -> Any:
    """`value`, if the task's `choices` offer it for field `name` (or the field has no list), else 'same'."""
    return value if name not in choices or value in choices[name] else SAME


def refit(task: str) -> None:
    """Fit the run columns to the data's task if it changed since they were filled (the Playground's data set
    changed), as a preset is fitted: binary cross-entropy becomes cross-entropy with softmax on 3+ classes, a
    choice the task does not offer becomes 'same'. Every other value stays; the page says what changed."""
    ss = st.session_state
    before = ss.get(keys.CMP_EDITOR_TASK, task)
    ss[keys.CMP_EDITOR_TASK] = task
    if before == task:
        return
    choices = field_choices(task)
    changed = []
    for i in range(MAX_UI_RUNS):
        values = _column_values(i)
        chosen = {name: value for name, value in values.items() if name in choices and value != SAME}
        for name, value in adapt_changes(chosen, task).items():
            value = _offered(choices, name, value)
            if value != values[name]:
                ss[keys.cmp_field(i, name)] = value
                if i < int(ss.get(keys.CMP_N_RUNS, 0)):
                    shown = [SAME if v == SAME else FIELD_FORMAT[name](v) for v in (values[name], value)]
                    changed.append(f"{values['label']}: {SHORT[name]} {shown[0]} → {shown[1]}")
    if changed:
        ss[keys.CMP_ERROR] = ("The Playground's data set has another task now, so the runs were fitted to it: "
                              + "; ".join(changed) + ".")


def _column_values(i: int) -> dict[str, Any]:
    return {name: st.session_state.get(keys.cmp_field(i, name), SAME) for name in ("label", *FIELDS)}


def editor_variants(base_lam: float) -> list[Variant]:
    """The run editor's columns as variants (labels made unique); ValueError on bad input."""
    variants, labels = [], set()
    for i in range(int(st.session_state[keys.CMP_N_RUNS])):
        v = variant_from_editor(_column_values(i), i, base_lam)
        label = v.label if v.label not in labels else f"{v.label} ({i + 1})"
        labels.add(label)
        variants.append(Variant(label, v.changes))
    return variants


def fold() -> None:
    """Fold the editor away (at the next script run)."""
    st.session_state[keys.CMP_EDITOR] = False


def editor(task: str) -> None:
    """One column of widgets per run; 'same' keeps the Playground's value.

    It starts folded (a preset needs no editing; the line under it names each run's changes). Folded, it
    draws no widgets (their values stay, `persist_state`), so the page does not draw some 40 widgets at
    every script run, nor take them off at a click on Train (a fifth of a second of the browser's time, while
    the runs train); opening it reruns the script, which draws them.
    """
    choices = field_choices(task)
    n = int(st.session_state[keys.CMP_N_RUNS])
    box = st.expander("Edit the runs: each column changes the Playground's configuration ('same' keeps its value)",
                      key=keys.CMP_EDITOR, on_change="rerun")
    if not box.open:
        return
    with box:
        for i, col in enumerate(st.columns(n)):
            with col:
                st.text_input("Label", key=kept(keys.cmp_field(i, "label"), f"run {i + 1}"), max_chars=40,
                              persist_state="session")
                for name in FIELDS:
                    key = keys.cmp_field(i, name)
                    if name == "hidden_sizes":
                        st.text_input(FIELD_LABELS[name], key=kept(key, ""), placeholder="same, or e.g. 8, 8",
                                      help="Units per hidden layer, comma-separated; 'none' for no hidden layer.",
                                      persist_state="session")
                        continue
                    fmt = FIELD_FORMAT[name]
                    st.selectbox(FIELD_LABELS[name], choices[name], key=kept(key, SAME, choices[name]),
                                 format_func=lambda v, f=fmt: "same" if v == SAME else f(v),
                                 persist_state="session")


def run_summaries(n: int) -> str:
    """One line naming each run and what it changes."""
    lines = []
    for i in range(n):
        values = _column_values(i)
        changed = [f"{SHORT[k]} = {plain.for_markdown(v) if k == 'hidden_sizes' else FIELD_FORMAT[k](v)}"
                   for k, v in values.items() if k != "label" and v not in (SAME, "")]
        label = plain.for_markdown(values["label"] or f"run {i + 1}")
        lines.append(f"**{label}**: " + (", ".join(changed) or "as the Playground"))
    return " · ".join(lines)
