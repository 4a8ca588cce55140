"""Compare: several configurations trained from the same start, side by side; a sweep over ξ.

Everything this page keeps lives in st.session_state under "cmp_…" keys: the editor's values,
the two comparisons (runs and ξ sweep) and the training job in progress. Training runs in
chunks inside the script, updating a progress bar; Stop (or any click) interrupts the script
between chunks, and the job continues on the next run unless Stop cleared it.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import streamlit as st

from engine.compare import Comparison, Variant, log_grid, lr_sweep_variants
from ui import controls, session_run
from ui.compare import figures as cui

ss = st.session_state

RUNS, SWEEP, JOB, ERROR, SAVED, LOCK = "cmp_runs", "cmp_sweep", "cmp_job", "cmp_error", "cmp_saved", "cmp_lock"
CHUNK_S = 0.2
MAX_UI_RUNS = 6
SWEEP_CHOICES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
FIELD_LABELS = {"loss": "Loss L", "output": "Output unit y*", "hidden": "Hidden activation A",
                "hidden_sizes": "Hidden sizes H", "lr": "Learning rate ξ", "batch_size": "Batch size",
                "init": "Initial weights", "reg": "Regularization", "lam": "λ"}
SHORT = {"loss": "L", "output": "y*", "hidden": "A", "hidden_sizes": "H", "lr": "ξ", "batch_size": "batch",
         "init": "init", "reg": "penalty", "lam": "λ"}
FIELD_FORMAT = {"loss": controls.BY_KEY["loss"].format, "hidden": controls.BY_KEY["hidden"].format,
                "init": controls.BY_KEY["init"].format, "reg": controls.BY_KEY["reg"].format,
                "output": lambda v: str(v).capitalize(), "lr": lambda v: f"{v:g}",
                "lam": lambda v: f"{v:g}", "batch_size": str}


BOUNDARY_CAPTIONS = {
    "binary": "Same points, same start: where the final y* crosses 0.5 is each run's decision boundary; "
              "a wide pale band means y* is still unsure there.",
    "multiclass": "Same points, same start: each colour is the class with the largest y*_j; compare "
                  "where the runs draw the borders between classes.",
    "regression": "Same points, same start: the colour is the final y* over the plane; compare how "
                  "closely each run follows the targets.",
}


# --- state helpers --------------------------------------------------------------------------------
def keep(key: str, default: Any, options: tuple | None = None) -> str:
    """A widget key whose value survives leaving the page (widget state is dropped then)."""
    saved = ss.setdefault(SAVED, {})
    if key not in ss:
        ss[key] = saved.get(key, default)
    if options is not None and ss[key] not in options:
        ss[key] = default
    return key


def save_widgets() -> None:
    """Remember every editor value (also of run columns not shown now) for the next visit."""
    ss[SAVED] = {**ss.get(SAVED, {}), **{k: ss[k] for k in ss if str(k).startswith("cmp_w_")}}


def wkey(i: int, name: str) -> str:
    return f"cmp_w_run{i}_{name}"


def playground() -> session_run.Run:
    """The Playground's current run (built from its defaults if the Playground was never opened)."""
    return session_run.sync(ss)


def base_of(run: session_run.Run):
    return controls.run_config(run.values, run.data.task)


def initial_of(run: session_run.Run, base) -> tuple | None:
    """The Playground's initial weights, when its network has the base configuration's shapes."""
    if run.net.sizes == base.sizes(run.data):
        return tuple(list(p) for p in run.trainer.initial)
    return None


def load_preset() -> None:
    preset = cui.PRESETS.get(ss.get("cmp_w_preset"))
    if preset is None:
        return
    task = playground().data.task
    choices = cui.field_choices(task)
    skipped = []
    for i in range(MAX_UI_RUNS):
        variant = preset.runs[i] if i < len(preset.runs) else Variant(f"run {i + 1}", {})
        values = cui.editor_values(Variant(variant.label, cui.adapt_changes(variant.changes, task)))
        for name, value in values.items():
            if name in choices and value not in choices[name]:
                skipped.append(f"{FIELD_LABELS[name].lower()} = {value}")
                value = cui.SAME
            ss[wkey(i, name)] = value
    ss["cmp_w_n_runs"] = len(preset.runs)
    ss["cmp_w_epochs"] = preset.epochs
    ss[ERROR] = (f"This preset's {', '.join(sorted(set(skipped)))} does not suit this data set; "
                 "those runs keep the Playground's setting.") if skipped else None


def set_job(key: str, target: int) -> None:
    ss[JOB] = {"key": key, "target": int(target)}


def editor_variants() -> list[Variant]:
    """The run editor's columns as variants (labels made unique); ValueError on bad input."""
    variants, labels = [], set()
    base_lam = base_of(playground()).lam
    for i in range(int(ss["cmp_w_n_runs"])):
        values = {name: ss.get(wkey(i, name), cui.SAME) for name in ("label", *cui.FIELDS)}
        v = cui.variant_from_editor(values, i, base_lam)
        label = v.label if v.label not in labels else f"{v.label} ({i + 1})"
        labels.add(label)
        variants.append(Variant(label, v.changes))
    return variants


def sweep_variants() -> list[Variant]:
    return lr_sweep_variants(log_grid(ss["cmp_w_sweep_lo"], ss["cmp_w_sweep_hi"], int(ss["cmp_w_sweep_k"])))


def start(key: str, what: str, make_variants, epochs_key: str) -> None:
    """Build a comparison on the Playground's data and start training it (or keep the error)."""
    run = playground()
    base = base_of(run)
    try:
        comp = Comparison(base, run.data, make_variants(), initial_of(run, base))
    except ValueError as err:
        ss[ERROR] = f"Could not set up the {what}: {err}"
        return
    ss[ERROR] = None
    ss[key] = comp
    set_job(key, ss[epochs_key])


def start_runs() -> None:
    start(RUNS, "runs", editor_variants, "cmp_w_epochs")


def start_sweep() -> None:
    start(SWEEP, "sweep", sweep_variants, "cmp_w_sweep_epochs")


def more(key: str, epochs_key: str) -> None:
    comp = ss.get(key)
    if comp is not None:
        set_job(key, comp.epoch + int(ss[epochs_key]))


def stop() -> None:
    ss[JOB] = None


def lock() -> threading.RLock:
    """This session's training lock.

    A click during training starts a new script run at once while the old one finishes its chunk
    (it stops at its next progress update); both hold this lock while they train or read the runs,
    so a page never shows runs caught half-way through a chunk.
    """
    return ss.setdefault(LOCK, threading.RLock())


def run_job(key: str) -> None:
    """Train the job's comparison in chunks up to its target epoch, with a progress bar.

    Chunks grow or shrink to take about `CHUNK_S` seconds, so the bar moves and Stop answers fast.
    """
    job = ss.get(JOB)
    comp = ss.get(key)
    if not job or job["key"] != key or comp is None:
        return
    target = job["target"]
    bar = st.progress(min(1.0, comp.epoch / target), text=f"Training: epoch {comp.epoch} of {target}")
    chunk = 2
    while ss.get(JOB) is job and comp.epoch < target and not comp.all_diverged:
        t0 = time.perf_counter()
        with lock():
            comp.train(min(chunk, target - comp.epoch))
        took = max(time.perf_counter() - t0, 1e-3)
        chunk = max(1, min(4 * chunk, int(chunk * CHUNK_S / took)))
        bar.progress(min(1.0, comp.epoch / target), text=f"Training: epoch {comp.epoch} of {target}")
    bar.empty()
    if ss.get(JOB) is job:
        ss[JOB] = None
        st.rerun()  # redraw the buttons (Stop off, Continue on) with the finished runs


def buttons(key: str, start, epochs_key: str, label: str) -> None:
    running = bool(ss.get(JOB)) and ss[JOB]["key"] == key
    c1, c2, c3, _ = st.columns([1.3, 1.3, 0.6, 3])
    c1.button(label, key=f"cmp_train_{key}", type="primary", on_click=start, width="stretch")
    c2.button(f"Continue (+{int(ss[epochs_key])} epochs)", key=f"cmp_more_{key}", on_click=more,
              args=(key, epochs_key), disabled=ss.get(key) is None or running, width="stretch")
    c3.button("Stop", key=f"cmp_stop_{key}", on_click=stop, disabled=not running, width="stretch")


# --- views ----------------------------------------------------------------------------------------
def editor(task: str) -> None:
    choices = cui.field_choices(task)
    n = int(ss["cmp_w_n_runs"])
    with st.expander("Edit the runs: each column changes the Playground's configuration "
                     "('same' keeps its value)", expanded=ss.get(RUNS) is None):
        cols = st.columns(n)
        for i, col in enumerate(cols):
            with col:
                st.text_input("Label", key=keep(wkey(i, "label"), f"run {i + 1}"), max_chars=40)
                for name in cui.FIELDS:
                    if name == "hidden_sizes":
                        st.text_input(FIELD_LABELS[name], key=keep(wkey(i, name), ""),
                                      placeholder="same, or e.g. 8, 8",
                                      help="Units per hidden layer, comma-separated; 'none' for no hidden layer.")
                        continue
                    fmt = FIELD_FORMAT[name]
                    st.selectbox(FIELD_LABELS[name], choices[name], key=keep(wkey(i, name), cui.SAME,
                                                                              choices[name]),
                                 format_func=lambda v, f=fmt: "same" if v == cui.SAME else f(v))


def run_summaries(n: int) -> str:
    lines = []
    for i in range(n):
        values = {name: ss.get(wkey(i, name), cui.SAME) for name in ("label", *cui.FIELDS)}
        changed = [f"{SHORT[k]} = {v if k == 'hidden_sizes' else FIELD_FORMAT[k](v)}"
                   for k, v in values.items() if k != "label" and v not in (cui.SAME, "")]
        lines.append(f"**{values['label'] or f'run {i + 1}'}**: " + (", ".join(changed) or "as the Playground"))
    return " · ".join(lines)


def chart(fig, key: str) -> None:
    st.plotly_chart(fig, key=key, width="stretch", config={"displaylogo": False})


def results(comp: Comparison, target: float) -> None:
    data = comp.data
    groups = comp.start_groups()
    start = ("all start from exactly the same weights" if len(groups) == 1 else
             f"{len(groups[0])} of {len(comp.runs)} start from exactly the same weights "
             "(the last column says why the others cannot)")
    st.markdown(f"**{len(comp.runs)} runs, epoch {comp.epoch}.** All use the same data "
                f"({data.X_train.shape[0]} training and {data.X_test.shape[0]} test points) and the "
                f"same shuffling; {start}.")
    st.dataframe(cui.summary_table(comp, target), hide_index=True, width="stretch")
    st.caption("Read across a row: how many epochs each run needed to reach the target on the "
               "training set, and where its losses ended.")
    chart(cui.curves_figure(comp), "cmp_fig_curves")
    st.caption("Losses of different L are not on one scale: compare their shapes, the accuracy, and "
               "‖δ^(L)‖, the error signal every backward pass starts from.")
    if cui.can_draw_boundaries(data):
        chart(cui.boundaries_figure(comp), "cmp_fig_boundaries")
        st.caption(BOUNDARY_CAPTIONS[data.task])
    else:
        st.caption("Decision regions need points in the plane (two raw inputs); this data set has other inputs.")
    chart(cui.grad_norms_figure(comp), "cmp_fig_grads")
    st.caption("One line per weight layer: if ‖∂L/∂w^(1)‖ sits far below ‖∂L/∂w^(L)‖, δ has "
               "vanished on its way back and the first layers hardly move.")
    st.dataframe(cui.health_table(comp), hide_index=True, width="stretch")
    st.caption("Start → now, on the training points: a saturated unit (A′ < 0.01) passes almost no "
               "δ back; a dead ReLU (I ≤ 0 on every point) passes none and never recovers.")


def sweep_results(comp: Comparison) -> None:
    chart(cui.sweep_figure(comp), "cmp_fig_sweep")
    st.caption("Every ξ started from the same weights: look for the valley — too small a ξ ends high "
               "because it barely moved, too large a ξ overshoots or diverges (✕).")
    chart(cui.curves_figure(comp, cui.ramp(len(comp.runs))), "cmp_fig_sweep_curves")
    st.caption("The same runs over epochs, from dark blue (smallest ξ) to orange (largest): small steps "
               "give smooth, slow curves; large ones fast but jagged, stuck or diverging ones.")


def train_and_show(key: str, show, empty: str) -> None:
    """Any set-up error, then the training job (if one is pending), then the results or a hint."""
    if ss.get(ERROR):
        st.error(ss[ERROR])
    run_job(key)
    comp = ss.get(key)
    if comp is None:
        st.info(empty)
        return
    with lock():
        show(comp)


def runs_view(run: session_run.Run) -> None:
    task = run.data.task
    keep("cmp_w_preset", "loss", (*cui.PRESETS, cui.CUSTOM))
    if "cmp_w_run0_label" not in ss and wkey(0, "label") not in ss.get(SAVED, {}):
        load_preset()
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
    c1.selectbox("Preset", (*cui.PRESETS, cui.CUSTOM), key="cmp_w_preset", on_change=load_preset,
                 format_func=lambda k: cui.PRESETS[k].title if k in cui.PRESETS else "Your own runs")
    c2.number_input("Runs", 2, MAX_UI_RUNS, step=1, key=keep("cmp_w_n_runs", 2))
    c3.number_input("Epochs E", 1, 5000, step=50, key=keep("cmp_w_epochs", 300))
    c4.number_input("Target accuracy (%)", 50.0, 100.0, step=1.0, key=keep("cmp_w_target", 95.0),
                    help="The table counts the epochs until the training accuracy (R² for regression) "
                    "first reaches this.")
    preset = cui.PRESETS.get(ss["cmp_w_preset"])
    if preset is not None:
        st.caption(f"**What this preset shows:** {preset.look_for}")
    editor(task)
    st.markdown(run_summaries(int(ss["cmp_w_n_runs"])))
    buttons(RUNS, start_runs, "cmp_w_epochs", "Train all runs")
    train_and_show(RUNS, lambda comp: results(comp, ss["cmp_w_target"] / 100),
                   "Pick a preset (or edit the runs) and press **Train all runs**.")


def sweep_view(run: session_run.Run) -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.selectbox("Lowest ξ", SWEEP_CHOICES, key=keep("cmp_w_sweep_lo", 0.001, SWEEP_CHOICES),
                 format_func=lambda v: f"{v:g}")
    c2.selectbox("Highest ξ", SWEEP_CHOICES, key=keep("cmp_w_sweep_hi", 30.0, SWEEP_CHOICES),
                 format_func=lambda v: f"{v:g}")
    c3.number_input("Values K", 3, 12, step=1, key=keep("cmp_w_sweep_k", 8))
    c4.number_input("Epochs E", 1, 2000, step=50, key=keep("cmp_w_sweep_epochs", 100))
    st.caption("K values of ξ evenly spaced on a log scale, all trained from one initialisation of "
               "the Playground's network.")
    buttons(SWEEP, start_sweep, "cmp_w_sweep_epochs", "Run the sweep")
    train_and_show(SWEEP, sweep_results, "Choose the range and press **Run the sweep**.")


# --- page -----------------------------------------------------------------------------------------
st.title("Compare runs from the same start")
st.markdown("Each run below is the Playground's configuration with one or two settings changed. "
            "All runs see the same data, in the same order, and start from the same initial "
            "weights w^(l) wherever the layer shapes allow, so any difference comes from the "
            "change alone.")
pg = playground()
st.caption(f"Playground's configuration: {controls.BY_KEY['dataset'].format(pg.data.name)} · "
           f"{cui.describe(base_of(pg))}")
view = st.radio("View", ("Runs side by side", "Learning-rate sweep"), horizontal=True,
                key=keep("cmp_w_view", "Runs side by side"), label_visibility="collapsed")
if view == "Runs side by side":
    runs_view(pg)
else:
    sweep_view(pg)
save_widgets()
