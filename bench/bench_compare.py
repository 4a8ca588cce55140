"""Time the Compare page's work: each preset trained on the Playground's default data.

Run from the repository root:  python bench/bench_compare.py [--epochs E] [--repeats 3]

For every preset (for its own number of epochs, or E) it builds the comparison from the
Playground's default configuration (XOR, 300 points, 2-4-1 sigmoid network, ξ = 1, batch 10),
trains it the way the page does (chunks of E/25 epochs, as between progress-bar updates) and then
builds the figures and tables the page draws for the finished runs (the curves, the summary table and
the preset's open tab: its runs' decision regions, gradient norms or unit-health table). It prints the
best of `--repeats` runs of each stage; the target is that the 4-run preset ("Sigmoid vs tanh vs ReLU")
trains for 300 epochs in at most 3 s, figures included.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import make_dataset  # noqa: E402
from engine.compare import Comparison  # noqa: E402
from ui import controls  # noqa: E402
from ui.compare import figures, presets, tables  # noqa: E402

TARGET_S = 3.0
TARGET_PRESET = "activation"


def _best(fn, repeats: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _train(preset: presets.Preset, epochs: int):
    values = controls.defaults()
    data = make_dataset(values["dataset"], n=values["n_points"], noise=values["noise"],
                        test_fraction=values["test_percent"] / 100, seed=values["seed"],
                        features=values["features"], standardize=values["standardize"])
    comp = Comparison(controls.run_config(values, data.task), data, preset.runs)
    chunk = max(1, min(50, epochs // 25))
    while comp.epoch < epochs and not comp.all_diverged:
        comp.train(min(chunk, epochs - comp.epoch))
    return comp


def _figures(comp: Comparison, view: str) -> int:
    """The figures and tables the page draws for finished runs with the tab `view` open; their JSON's size."""
    figs = figures.result_figures(comp, view)
    tables.summary_table(comp, 0.95)
    if view == presets.HEALTH:
        tables.health_table(comp)
    return sum(len(json.dumps(f.to_plotly_json(), default=str)) for f in figs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="default: each preset's own")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"Compare presets on the Playground's default data (best of {args.repeats}):")
    print(f"{'preset':<55}{'runs':>5}{'epochs':>7}{'train s':>9}{'figures s':>11}{'total s':>9}"
          f"{'spec kB':>9}")
    verdict = 0
    for key, preset in presets.PRESETS.items():
        epochs = args.epochs or preset.epochs
        train_s, comp = _best(lambda p=preset, e=epochs: _train(p, e), args.repeats)
        fig_s, size = _best(lambda c=comp, v=preset.view: _figures(c, v), args.repeats)
        total = train_s + fig_s
        mark = ""
        if key == TARGET_PRESET and epochs == 300:
            ok = total <= TARGET_S
            verdict = 0 if ok else 1
            mark = f"  <- target ≤ {TARGET_S:g} s: {'met' if ok else 'MISSED'}"
        print(f"{preset.title:<55}{len(preset.runs):>5}{epochs:>7}{train_s:>9.2f}{fig_s:>11.3f}{total:>9.2f}"
              f"{size / 1000:>9.0f}{mark}")
    return verdict


if __name__ == "__main__":
    raise SystemExit(main())
