"""Compare's tables: the summary of each run and the health of its hidden units, as plain HTML."""

from __future__ import annotations

import html

import numpy as np

from engine.compare import Comparison
from ui import controls


def _fmt(x: float, digits: int = 4) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:.{digits}g}"


def summary_table(comp: Comparison, target: float) -> list[dict[str, str]]:
    """One row per run: epochs to the target, final losses and metrics, divergence, weight sharing."""
    metric = comp.runs[0].trainer.metric_name
    as_metric = controls.TASK_ACCURACY_LABEL[comp.data.task]
    rows = []
    for run, s in zip(comp.runs, comp.summaries(target)):
        reached = "not reached" if s.epochs_to_target is None else str(s.epochs_to_target)
        rows.append({
            "run": s.label,
            f"epochs to {metric} ≥ {as_metric(target)}": reached,
            "train loss": _fmt(s.train_loss),
            "test loss": _fmt(s.test_loss),
            f"train {metric}": as_metric(s.train_metric) if np.isfinite(s.train_metric) else "—",
            f"test {metric}": as_metric(s.test_metric) if np.isfinite(s.test_metric) else "—",
            "epochs": str(s.epoch),
            "diverged": "—" if s.diverged_at is None else f"in epoch {s.diverged_at}",
            "initial weights": run.note,
        })
    return rows


def health_table(comp: Comparison) -> list[dict[str, str]]:
    """One row per run, one column per hidden layer: the share of (point, unit) pairs with
    A′ < 0.01 and, for ReLUs, of dead units, at the start → now."""
    rows = []
    for run, (start, now) in zip(comp.runs, comp.unit_health()):
        row = {"run": run.label}
        for l, (a, b) in enumerate(zip(start, now), start=1):
            text = f"A′<0.01: {100 * a.saturated:.0f} → {100 * b.saturated:.0f} %"
            if a.dead is not None:
                text += f" · dead: {100 * a.dead:.0f} → {100 * b.dead:.0f} %"
            row[f"layer {l}"] = text
        if len(row) == 1:
            row["layer 1"] = "no hidden layer"
        rows.append(row)
    columns = dict.fromkeys(k for row in rows for k in row)
    return [{k: row.get(k, "— (no such layer)") for k in columns} for row in rows]


def html_table(rows: list[dict[str, str]]) -> str:
    """Rows of text (the same keys each) as an HTML table for `st.html`, every cell plain text (ui/pages.css styles
    it: a few rows need no data grid, which costs the browser far more to draw)."""
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row.values()) + "</tr>" for row in rows)
    return f'<div class="cmp-table"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
