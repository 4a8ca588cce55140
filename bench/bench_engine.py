"""Time one training epoch of the numpy engine against a lean numpy loop and against PyTorch (CPU, float64).

Run from the repository root:  python bench/bench_engine.py [--runs 3] [--repeats 7]

Cases (playground sizes), sigmoid hidden units, plain SGD with ξ = 0.1:
  * 2-8-8-1, sigmoid output + binary cross-entropy, on the 500 training points of xor (n = 714),
    batch sizes 1, 10 and the full batch;
  * 2-4-1 on the default xor set (210 training points), batch 10;
  * 64-64-10, softmax + cross-entropy, on the digits training split (1258 points), batch 32;
  * 2-[8]×6-1 on the 500 xor points, batch 10.

Timed per epoch, every runner taking turns with the others (so a busy machine slows all alike),
each figure the best of `--repeats` timed blocks of a few epochs, in CPU time of the process by
default (`--clock wall` for elapsed time: on a shared machine that mostly measures the neighbours):
  * lean: `lean_loop.lean_epoch`, a plain numpy loop (shuffle, forward, backward, update) with no
    statistics and no checks;
  * engine: the epoch as `Trainer.run` trains it (`engine.training._train_epoch`, the Trainer
    having validated its data once): the loss, the per-layer gradient and δ norms and the
    per-neuron mean |δ| that `EpochResult` carries, and the divergence check;
  * train_epoch: the public function, which validates every argument on every call;
  * Trainer.run(1): all that a Playground epoch costs: the epoch, then the train and test loss and
    accuracy of the new weights (`Trainer.evaluate`), the history row and the record's checkpoint;
  * torch (when importable): the same network and update in PyTorch with one thread (its fastest
    setting at these sizes), and with its default thread count under `--clock wall` (in CPU time
    its idle threads' spinning would count against it).
The script first checks that the engine and the lean loop give the same weights bit for bit.
numpy's BLAS runs on one thread (OPENBLAS_NUM_THREADS=1, set here unless already set): on a
shared 2-core machine its second thread makes the larger products of `evaluate` several times
slower when the other core is busy, which would measure the neighbours rather than the engine.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported

import argparse  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.lean_loop import lean_epoch  # noqa: E402
from engine import MLP, Trainer, make_dataset, train_epoch  # noqa: E402
from engine.training import _train_epoch  # noqa: E402

LEAN_TARGET = 1.25  # engine / lean, geometric mean over the cases
TORCH_TARGET = 4.0  # torch / engine
LR = 0.1


def _gmean(values: list[float]) -> float:
    return math.exp(sum(map(math.log, values)) / len(values))


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def _best_ms(runners: list[Callable[[], object]], epochs: int, repeats: int, clock: Callable[[], float]) -> list[float]:
    """Best ms/epoch of each runner; the runners take turns so a busy machine hits all alike."""
    for run in runners:
        run()  # warm-up
    best = [math.inf] * len(runners)
    for _ in range(repeats):
        for k, run in enumerate(runners):
            t0 = clock()
            for _ in range(epochs):
                run()
            best[k] = min(best[k], (clock() - t0) / epochs)
    return [1000.0 * t for t in best]


def _cases() -> list[dict]:
    xor500 = make_dataset("xor", n=714, seed=0)
    cases = [
        {"name": f"2-8-8-1 N=500 batch {'full' if b is None else b}", "data": xor500, "hidden": [8, 8],
         "batch": b, "epochs": 2 if b == 1 else 20 if b == 10 else 200}
        for b in (1, 10, None)
    ]
    cases.append({"name": "2-4-1 xor N=210 batch 10", "data": make_dataset("xor", seed=0), "hidden": [4],
                  "batch": 10, "epochs": 60})
    cases.append({"name": "64-64-10 digits N=1258 batch 32", "data": make_dataset("digits", seed=0),
                  "hidden": [64], "batch": 32, "epochs": 10})
    cases.append({"name": "2-[8]x6-1 N=500 batch 10", "data": xor500, "hidden": [8] * 6, "batch": 10,
                  "epochs": 8})
    return cases


def _network(case: dict) -> MLP:
    data = case["data"]
    multi = data.n_outputs > 1
    return MLP([data.n_inputs, *case["hidden"], data.n_outputs], hidden="sigmoid",
               output="softmax" if multi else "sigmoid", loss="ce" if multi else "bce", seed=0)


def _runners(case: dict) -> dict[str, Callable[[], object]]:
    """Each way of training one epoch, on its own copy of the network and its own generator."""
    data, batch = case["data"], case["batch"]
    nets = [_network(case) for _ in range(3)]
    X, Y = data.X_train, nets[0].encode_targets(data.y_train)
    W, b = nets[0].get_params()
    softmax = nets[0].output == "softmax"
    rngs = [np.random.default_rng(0) for _ in range(3)]
    trainer = Trainer(_network(case), data, lr=LR, batch_size=batch, seed=0)
    return {
        "lean": lambda: lean_epoch(W, b, X, Y, LR, batch, rngs[0], softmax),
        "engine": lambda: _train_epoch(nets[1], X, Y, LR, batch, rngs[1], 0),
        "train_epoch": lambda: train_epoch(nets[2], X, Y, LR, batch, rngs[2]),
        "Trainer.run": lambda: trainer.run(1),
    }


def _same_weights(case: dict) -> bool:
    """The engine's epochs and the lean loop's give the same weights bit for bit."""
    net = _network(case)
    data = case["data"]
    X, Y = data.X_train, net.encode_targets(data.y_train)
    W, b = net.get_params()
    a, c = np.random.default_rng(1), np.random.default_rng(1)
    for _ in range(2):
        _train_epoch(net, X, Y, LR, case["batch"], a, 0)
        lean_epoch(W, b, X, Y, LR, case["batch"], c, net.output == "softmax")
    return all(np.array_equal(p, q) for p, q in zip([*net.W, *net.b], W + b))


def torch_epoch(case: dict, torch) -> Callable[[], None]:
    nn = torch.nn
    data = case["data"]
    sizes = [data.n_inputs, *case["hidden"], data.n_outputs]
    layers: list = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out, dtype=torch.float64), nn.Sigmoid()]
    model = nn.Sequential(*layers[:-1])  # the output unit lives inside the loss (logits in)
    if data.n_outputs == 1:
        loss_fn = nn.BCEWithLogitsLoss()
        Y = torch.tensor(data.y_train, dtype=torch.float64).reshape(-1, 1)
    else:
        loss_fn = nn.CrossEntropyLoss()
        Y = torch.tensor(data.y_train, dtype=torch.int64)
    X = torch.tensor(data.X_train, dtype=torch.float64)
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


def _one_run(cases: list[dict], repeats: int, clock: str, torch) -> dict[str, list[float]]:
    """ms/epoch per runner and case (torch with one thread, and with its default count for wall time)."""
    names = ["lean", "engine", "train_epoch", "Trainer.run"]
    ms: dict[str, list[float]] = {k: [] for k in names}
    for case in cases:
        runners = _runners(case)
        for k, t in zip(names, _best_ms([runners[k] for k in names], case["epochs"], repeats, CLOCKS[clock])):
            ms[k].append(t)
    if torch is not None:
        default_threads = torch.get_num_threads()
        configs = [1] + ([default_threads] if clock == "wall" and default_threads > 1 else [])
        for label, threads in ((f"torch {t}t", t) for t in configs):
            torch.set_num_threads(threads)
            ms[label] = []
            for k, case in enumerate(cases):
                engine = _runners(case)["engine"]
                e, t = _best_ms([engine, torch_epoch(case, torch)], case["epochs"], repeats, CLOCKS[clock])
                ms["engine"][k] = min(ms["engine"][k], e)
                ms[label].append(t)
        torch.set_num_threads(default_threads)
    return ms


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="whole benchmark runs (min/median/max over them)")
    parser.add_argument("--repeats", type=int, default=7, help="timed blocks per figure within a run (best kept)")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch even if it is importable")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not importable: no torch figures (pip install torch==2.13.0).")
    if args.no_torch:
        torch = None
    cases = _cases()
    env = {k: os.environ.get(k, "-") for k in ("OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE")}
    print(f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else "") + f"; {env}; "
          f"{args.clock} time")
    for case in cases:
        assert _same_weights(case), f"{case['name']}: the engine and the lean loop disagree"
    print("engine and lean loop: the same weights bit for bit after 2 epochs, every case")

    ratios: dict[str, list[float]] = {}
    for r in range(args.runs):
        ms = _one_run(cases, args.repeats, args.clock, torch)
        print(f"\nrun {r + 1}: ms/epoch, and ratios to lean (engine-side) or to the engine (torch)")
        head = f"{'case':<34}" + "".join(f"{k:>13}" for k in ms)
        print(head)
        for k, case in enumerate(cases):
            print(f"{case['name']:<34}" + "".join(f"{ms[name][k]:>13.3f}" for name in ms))
        per_case = {name: [ms[name][k] / ms["lean"][k] for k in range(len(cases))]
                    for name in ("engine", "train_epoch", "Trainer.run")}
        for name in [n for n in ms if n.startswith("torch")]:
            per_case[name] = [ms[name][k] / ms["engine"][k] for k in range(len(cases))]
            per_case[f"{name} (2-8-8-1)"] = per_case[name][:3]
        for name, values in per_case.items():
            print(f"  {name:>22}: " + " ".join(f"{v:5.2f}x" for v in values) + f"   gmean {_gmean(values):.3f}x")
            ratios.setdefault(name, []).append(_gmean(values))

    print(f"\ngeometric means over the cases, min / median / max over {args.runs} runs:")
    print(f"  {'engine / lean:':<30}{_spread(ratios['engine'])}   (target <= {LEAN_TARGET})")
    print(f"  {'train_epoch / lean:':<30}{_spread(ratios['train_epoch'])}")
    print(f"  {'Trainer.run / lean:':<30}{_spread(ratios['Trainer.run'])}")
    for name in [n for n in ratios if n.startswith("torch")]:
        print(f"  {name + ' / engine:':<30}{_spread(ratios[name])}   (target >= {TORCH_TARGET})")


if __name__ == "__main__":
    main()
