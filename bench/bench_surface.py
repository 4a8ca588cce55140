"""Time the loss surface (`engine.surface`): the batched grid against a plain loop over the grid points.

For each case the network is trained 20 epochs and the surface computed on the PCA plane of its weight
history: `engine.surface.loss_surface` (every grid point in one batched forward pass, chunked) against a
reference written here that sets each grid point's parameters on the network and calls `MLP.loss`, one
point at a time. The two take turns, best of `--repeats` timings each, over `--runs` runs; the script
checks that both give the same losses first.

    python bench/bench_surface.py --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core, as on the shared machine (see README)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from engine import make_dataset  # noqa: E402
from engine import surface as engine_surface  # noqa: E402
from engine.run_config import RunConfig  # noqa: E402

CASES = {  # name → (data set, hidden sizes, loss, output)
    "2-4-1 xor N=210 (the default network)": ("xor", (4,), "bce", "sigmoid"),
    "2-8-8-1 xor N=210": ("xor", (8, 8), "bce", "sigmoid"),
    "64-16-10 digits N=1258": ("digits", (16,), "ce", "softmax"),
}


def _setup(name: str, resolution: int):
    dataset, hidden, loss, output = CASES[name]
    data = make_dataset(dataset, seed=0)
    trainer = RunConfig(hidden_sizes=hidden, loss=loss, output=output, lr=0.5, seed=0).build(data)
    trainer.run(20)
    net, h = trainer.net, trainer.history
    plane = engine_surface.pca_plane(h.snapshots, net.params, engine_surface.trainable(net))

    def batched():
        return engine_surface.loss_surface(net, data.X_train, trainer.Y_train, plane, h.snapshots,
                                           h.snapshot_epochs, resolution)

    surf = batched()
    A, B = np.meshgrid(surf.a, surf.b)
    grid = plane.points(np.c_[A.ravel(), B.ravel()])
    rows = engine_surface.sizing(net, data.X_train.shape[0], resolution)[1]
    X, Y = data.X_train[rows], trainer.Y_train[rows]
    probe = net.copy()

    def loop():
        out = np.empty(grid.shape[0])
        for k, p in enumerate(grid):
            probe.params[:] = p
            out[k] = probe.loss(X, Y)
        return out.reshape(surf.losses.shape)

    np.testing.assert_allclose(loop(), surf.losses, rtol=1e-10, atol=1e-12)
    return batched, loop, rows.size, data.X_train.shape[0]


def _best(fn, repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--resolution", type=int, default=engine_surface.RESOLUTION)
    args = parser.parse_args()
    print(f"grid {args.resolution}×{args.resolution}, CPU time, best of {args.repeats} per run, {args.runs} runs; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'case':40s} {'rows':>10s} {'batched ms (min/med/max)':>26s} {'loop ms (min/med/max)':>26s} "
          f"{'loop / batched':>22s}")
    for name in CASES:
        batched, loop, rows, n = _setup(name, args.resolution)
        times = {"batched": [], "loop": []}
        for _ in range(args.runs):  # alternating, so a busy machine slows both alike
            times["batched"].append(1000 * _best(batched, args.repeats))
            times["loop"].append(1000 * _best(loop, args.repeats))
        ratios = [lo / ba for lo, ba in zip(times["loop"], times["batched"])]

        def fmt(values, spec=".0f"):
            return "/".join(format(v, spec) for v in (min(values), statistics.median(values), max(values)))

        print(f"{name:40s} {f'{rows}/{n}':>10s} {fmt(times['batched']):>26s} {fmt(times['loop']):>26s} "
              f"{fmt(ratios, '.1f'):>22s}")


if __name__ == "__main__":
    main()
