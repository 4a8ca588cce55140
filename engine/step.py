"""One sample through the network: its forward stages, deltas, gradients and the update.

This is the lecture's per-sample rule w ← w − ξ ∂L/∂w written out for one (x, y), with every
intermediate kept so that each can be shown or checked on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.network import MLP

Array = np.ndarray


@dataclass(frozen=True)
class Step:
    """One sample's forward stages, deltas, gradients and the per-sample update w ← w − ξ ∂L/∂w.

    Arrays are per sample (1-D); `W_after`/`b_after` are what applying the step installs.
    """

    net: MLP
    x: Array
    y: Array
    lr: float
    u: list[Array]
    I: list[Array]
    O: list[Array]
    delta: list[Array]
    dW: list[Array]
    db: list[Array]
    W_before: list[Array]
    b_before: list[Array]
    W_after: list[Array]
    b_after: list[Array]
    loss_before: float
    loss_after: float

    @property
    def L(self) -> int:
        return len(self.u)

    @property
    def prediction(self) -> Array:
        return self.O[-1]

    @property
    def finite(self) -> bool:
        """Whether the update keeps every parameter and the sample's loss finite."""
        return bool(np.isfinite(self.loss_after)
                    and all(np.all(np.isfinite(p)) for p in [*self.W_after, *self.b_after]))


def sample_loss(net: MLP, x: Array, y: Array) -> float:
    """The data loss of one sample (no penalty); `y` encoded."""
    fwd = net.forward(np.atleast_2d(x))
    return float(net.lossfn.per_sample(np.atleast_2d(y), fwd.I[-1], fwd.O[-1])[0])


def compute_step(net: MLP, x: Array, y: Array, lr: float) -> Step:
    """Forward, backward and the per-sample update for sample (x, y); `y` encoded, shape (J,).

    The network is not changed: the update is made on a copy.
    """
    X, Y = np.atleast_2d(np.asarray(x, dtype=np.float64)), np.atleast_2d(np.asarray(y, dtype=np.float64))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        fwd = net.forward(X)
        back = net.backward(fwd, Y)
        after = net.copy()
        after.step(back.dW, back.db, lr)
        loss_before = float(net.lossfn.per_sample(Y, fwd.I[-1], fwd.O[-1])[0])
        loss_after = sample_loss(after, X, Y)
    return Step(
        net=net, x=X[0], y=Y[0], lr=float(lr),
        u=[a[0] for a in fwd.u], I=[a[0] for a in fwd.I], O=[a[0] for a in fwd.O],
        delta=[d[0] for d in back.delta], dW=back.dW, db=back.db,
        W_before=[w.copy() for w in net.W], b_before=[b.copy() for b in net.b],
        W_after=list(after.W), b_after=list(after.b), loss_before=loss_before, loss_after=loss_after,
    )
