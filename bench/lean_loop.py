"""The lean reference: one epoch of plain mini-batch SGD for a sigmoid MLP, hand-written in numpy.

Shuffle (the same Generator call as the engine), then per mini-batch a forward pass, the deltas of
the matched output/loss pair (y* − y for sigmoid + bce and softmax + ce), the mean gradients and
the update w ← w − ξ ∂L/∂w. No loss, no statistics, no checks. Written as a careful numpy user
would write it, and with the engine's operation order, so that both give the same weights bit for
bit (`bench_engine.py` checks that before timing).
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def lean_epoch(
    W: list[Array], b: list[Array], X: Array, Y: Array, lr: float, batch_size: int | None,
    rng: np.random.Generator, softmax: bool,
) -> None:
    """Train the weights W, b (changed in place) for one epoch on X and encoded targets Y."""
    n = X.shape[0]
    order = rng.permutation(n)
    Xs, Ys = X[order], Y[order]
    size = n if batch_size is None else batch_size
    last = len(W) - 1
    for start in range(0, n, size):
        a, y = Xs[start : start + size], Ys[start : start + size]
        m = a.shape[0]
        outs = [a]
        for l in range(last):
            a = 1.0 / (1.0 + np.exp(-(a @ W[l] + b[l])))
            outs.append(a)
        z = a @ W[last] + b[last]
        if softmax:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
        else:
            a = 1.0 / (1.0 + np.exp(-z))
        d = a - y
        for l in range(last, -1, -1):
            u = outs[l]
            gW = u.T @ d / m
            gb = d.sum(axis=0) / m
            if l:
                d = (d @ W[l].T) * (u * (1.0 - u))
            W[l] -= lr * gW
            b[l] -= lr * gb
