"""Time rewinding a run (`Trainer.at_epoch`) and loading its save file, against one Playground epoch.

Run from the repository root:  python bench/bench_rewind.py [--runs 3] [--repeats 5]

Cases (each run trained first, with a checkpoint store as the app has it):
  * small-400: 2-4-1 on the default xor set (210 training points), batch 10, 400 epochs (stride 1);
  * small-10k: the same, 10,000 epochs (the checkpoint stride has doubled to 32);
  * wide-600: 2-64-64-64-1 (8,577 parameters: 69 checkpoints fit in 600k floats) on 500 xor
    points, batch 10, 600 epochs (stride 16).

Timed, each taking turns with the others (a busy machine slows all alike), CPU time of the process,
min / median / max over `--runs` runs of the best of `--repeats`:
  * epoch (the reference): `Trainer.run(1)`, everything one Playground epoch costs;
  * best rewind: to an epoch just after a checkpoint (one epoch replayed, for its δ colours);
  * worst rewind: to the epoch just before the next checkpoint (`stride` epochs replayed);
  * load: `engine.save.parse` and `restore` of the run's save file (its size is printed).
Rewinding also copies the history up to that epoch; the bytes the run keeps are printed.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import RunConfig, Trainer, make_dataset, save  # noqa: E402

CASES = {
    "small-400": (RunConfig(hidden_sizes=(4,), lr=0.5, batch_size=10), 300, 400),
    "small-10k": (RunConfig(hidden_sizes=(4,), lr=0.5, batch_size=10), 300, 10_000),
    "wide-600": (RunConfig(hidden_sizes=(64, 64, 64), lr=0.1, batch_size=10), 714, 600),
}


def _best(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def _case(config: RunConfig, n: int, epochs: int) -> tuple[Trainer, Trainer, int, int, bytes]:
    data = make_dataset("xor", n=n, seed=0)
    trainer = config.build(data)
    trainer.run(epochs)
    stride = trainer.record.stride
    checkpoint = max(c.epoch for c in trainer.record.checkpoints if c.epoch < epochs - stride)
    return trainer, trainer.at_epoch(epochs), checkpoint, stride, save.dump(trainer, {}).encode()


def _load(config: RunConfig, trainer: Trainer, text: bytes) -> None:
    saved = save.parse(text)
    fresh = config.build(trainer.data, initial=saved.initial)
    save.restore(fresh, saved)


def bench_case(name: str, config: RunConfig, n: int, epochs: int, runs: int, repeats: int) -> None:
    """Train the case's run, then time the epoch, the two rewinds and the load, taking turns."""
    trainer, twin, checkpoint, stride, text = _case(config, n, epochs)
    timers = {
        "epoch": lambda: twin.run(1),
        "best rewind": lambda: trainer.at_epoch(checkpoint + 1),
        "worst rewind": lambda: trainer.at_epoch(checkpoint + stride),
        "load": lambda: _load(config, trainer, text),
    }
    results: dict[str, list[float]] = {k: [] for k in timers}
    for _ in range(runs):
        for key, fn in timers.items():  # alternating
            results[key].append(_best(fn, repeats))
    print(f"\n{name}: {trainer.net.sizes}, {epochs} epochs, stride {stride}, "
          f"{len(trainer.record.checkpoints)} checkpoints ({trainer.record.nbytes / 1e6:.2f} MB), "
          f"history {trainer.history.nbytes / 1e6:.2f} MB, save file {len(text) / 1e6:.2f} MB")
    ref = statistics.median(results["epoch"])
    for key, times in results.items():
        lo, mid, hi = min(times), statistics.median(times), max(times)
        print(f"  {key:13s} {lo * 1e3:8.1f} / {mid * 1e3:8.1f} / {hi * 1e3:8.1f} ms   {mid / ref:7.1f}× an epoch")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; CPU seconds; ratios to one Playground epoch")
    for name, (config, n, epochs) in CASES.items():
        bench_case(name, config, n, epochs, args.runs, args.repeats)


if __name__ == "__main__":
    main()
