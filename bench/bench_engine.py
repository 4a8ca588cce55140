"""Time one training epoch of the numpy engine against the same network in PyTorch (CPU, float64).

Run from the repository root:  python bench/bench_engine.py [--repeats 7]

Cases (playground sizes):
  * N = 500 points, 2-8-8-1, sigmoid hidden, sigmoid output + binary cross-entropy,
    batch sizes 1, 10 and the full batch;
  * the digits training split (N ≈ 1258), 64-64-10, sigmoid hidden, softmax + cross-entropy, batch 32.

Both sides do the same work per epoch: shuffle, then for every mini-batch a forward pass, the
loss, backpropagation and a plain SGD step w ← w − ξ ∂L/∂w. The engine's epoch also validates
its inputs and accumulates the per-layer statistics the UI plots; the torch loop does nothing
extra. Each figure is the best of `--repeats` timed runs of a few epochs, engine and torch
taking turns (the best, not the mean, because other work on the machine only ever adds time).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import MLP, make_dataset, train_epoch  # noqa: E402

TARGET_RATIO = 4.0
LR = 0.1


def _best_ms(runners: list[Callable[[], None]], epochs: int, repeats: int) -> list[float]:
    """Best ms/epoch of each runner; the runners take turns so a busy machine hits all alike."""
    for run in runners:
        run()  # warm-up
    best = [math.inf] * len(runners)
    for _ in range(repeats):
        for k, run in enumerate(runners):
            t0 = time.perf_counter()
            for _ in range(epochs):
                run()
            best[k] = min(best[k], (time.perf_counter() - t0) / epochs)
    return [1000.0 * t for t in best]


def _cases() -> list[dict]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    cases = [
        {"name": f"2-8-8-1 sigmoid/bce N=500 batch={'full' if b is None else b}",
         "sizes": [2, 8, 8, 1], "output": "sigmoid", "loss": "bce", "X": X, "y": y,
         "batch": b, "epochs": 3 if b == 1 else 30, "small": True}
        for b in (1, 10, None)
    ]
    digits = make_dataset("digits", seed=0)
    cases.append({"name": f"64-64-10 sigmoid/softmax+ce digits N={digits.X_train.shape[0]} batch=32",
                  "sizes": [64, 64, 10], "output": "softmax", "loss": "ce",
                  "X": digits.X_train, "y": digits.y_train, "batch": 32, "epochs": 10, "small": False})
    return cases


def engine_epoch(case: dict) -> Callable[[], None]:
    net = MLP(case["sizes"], hidden="sigmoid", output=case["output"], loss=case["loss"], seed=0)
    X, Y = case["X"], net.encode_targets(case["y"])
    rng = np.random.default_rng(0)
    return lambda: train_epoch(net, X, Y, LR, case["batch"], rng)


def torch_epoch(case: dict, torch) -> Callable[[], None]:
    nn = torch.nn
    sizes = case["sizes"]
    layers: list = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out, dtype=torch.float64), nn.Sigmoid()]
    model = nn.Sequential(*layers[:-1])  # the output unit lives inside the loss (logits in)
    if case["loss"] == "bce":
        loss_fn = nn.BCEWithLogitsLoss()
        Y = torch.tensor(case["y"], dtype=torch.float64).reshape(-1, 1)
    else:
        loss_fn = nn.CrossEntropyLoss()
        Y = torch.tensor(case["y"], dtype=torch.int64)
    X = torch.tensor(case["X"], dtype=torch.float64)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    gen = torch.Generator().manual_seed(0)
    n = X.shape[0]
    size = n if case["batch"] is None else case["batch"]

    def run() -> None:
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, size):
            idx = perm[i : i + size]
            opt.zero_grad()
            loss_fn(model(X[idx]), Y[idx]).backward()
            opt.step()

    return run


def _gmean(values: list[float]) -> float:
    return math.exp(sum(map(math.log, values)) / len(values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    cases = _cases()
    try:
        import torch
    except ImportError:
        print("PyTorch is not importable: timing the engine only (pip install torch==2.13.0).")
        print(f"{'case':<58} {'engine ms':>10}")
        for case in cases:
            print(f"{case['name']:<58} {_best_ms([engine_epoch(case)], case['epochs'], args.repeats)[0]:>10.3f}")
        return
    # torch's default thread count first, then one thread (switching per run would be unfair to it)
    default_threads = torch.get_num_threads()
    engine_ms = [math.inf] * len(cases)
    torch_ms: list[list[float]] = []
    for threads in (default_threads, 1):
        torch.set_num_threads(threads)
        row = []
        for k, case in enumerate(cases):
            ms, tms = _best_ms([engine_epoch(case), torch_epoch(case, torch)], case["epochs"], args.repeats)
            engine_ms[k] = min(engine_ms[k], ms)
            row.append(tms)
        torch_ms.append(row)
    torch.set_num_threads(default_threads)

    print(f"numpy {np.__version__}, torch {torch.__version__}: torch timed with its default "
          f"{default_threads} threads and with 1 thread; ratio = torch time / engine time")
    print(f"{'case':<58} {'engine ms':>10} {'torch ms':>10} {'ratio':>7} {'torch 1t ms':>12} {'ratio':>7}")
    for k, case in enumerate(cases):
        e, t, t1 = engine_ms[k], torch_ms[0][k], torch_ms[1][k]
        print(f"{case['name']:<58} {e:>10.3f} {t:>10.3f} {t / e:>6.2f}x {t1:>12.3f} {t1 / e:>6.2f}x")
    small = [k for k, case in enumerate(cases) if case["small"]]
    for label, row in (("torch, default threads", torch_ms[0]), ("torch, 1 thread", torch_ms[1])):
        g = math.exp(sum(math.log(row[k] / engine_ms[k]) for k in small) / len(small))
        verdict = "meets" if g >= TARGET_RATIO else "MISSES"
        print(f"geometric mean speed-up over the 2-8-8-1 batch sizes vs {label}: {g:.2f}x "
              f"({verdict} the {TARGET_RATIO:.0f}x target)")


if __name__ == "__main__":
    main()
