"""The multilayer perceptron of the lecture: forward stages, deltas, gradients and updates.

Row convention: a batch X holds one sample per row, so the lecture's column form
I = Wᵀu becomes I = u W + b for all rows at once. `W[l]` has shape (n_in, n_out):
`W[0]` is the lecture's w^(1) (D×H), its entry [j, i] is w_ji^(1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_UNITS
from engine.losses import LOSSES, check_pairing, output_delta
from engine.validation import choice, finite_matrix, int_in_range, positive_number

Array = np.ndarray

MAX_HIDDEN_LAYERS = 6
MAX_UNITS = 256
MAX_INPUTS = 4096
REGULARIZERS = ("none", "l1", "l2")


def _xavier(rng: np.random.Generator, n_in: int, n_out: int) -> Array:
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), (n_in, n_out))


def _he(rng: np.random.Generator, n_in: int, n_out: int) -> Array:
    return rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out))


def _uniform(rng: np.random.Generator, n_in: int, n_out: int) -> Array:
    return rng.uniform(-0.5, 0.5, (n_in, n_out))


def _zeros(rng: np.random.Generator, n_in: int, n_out: int) -> Array:
    return np.zeros((n_in, n_out))


INITS = {"xavier": _xavier, "he": _he, "uniform": _uniform, "zeros": _zeros}


@dataclass(frozen=True)
class Forward:
    """The stages of one forward pass, per layer l = 1 … L (list index l − 1).

    u[l] is the layer's input, I[l] = u[l] W[l] + b[l] its pre-activation, O[l] = A(I[l]) its
    output; O[l] is u[l + 1], and the last O is the prediction y*.
    """

    u: list[Array]
    I: list[Array]
    O: list[Array]

    @property
    def prediction(self) -> Array:
        return self.O[-1]


@dataclass(frozen=True)
class Backward:
    """δ^(l) = ∂L/∂I^(l) per sample (N × n_out) and the mean gradients over the batch."""

    delta: list[Array]
    dW: list[Array]
    db: list[Array]


class MLP:
    """A fully connected network with sizes [D, H1, …, J]; 0 to 6 hidden layers."""

    def __init__(
        self,
        sizes: list[int] | tuple[int, ...],
        hidden: str = "sigmoid",
        output: str = "sigmoid",
        loss: str = "bce",
        bias: bool = True,
        init: str = "xavier",
        seed: int = 0,
        reg: str = "none",
        lam: float = 0.0,
        train_bias: bool = True,
    ) -> None:
        sizes = list(sizes)
        if not 2 <= len(sizes) <= MAX_HIDDEN_LAYERS + 2:
            raise ValueError(
                f"sizes must list D, 0 to {MAX_HIDDEN_LAYERS} hidden sizes and J, got {sizes}"
            )
        int_in_range("sizes[0] (inputs D)", sizes[0], 1, MAX_INPUTS)
        for k, n in enumerate(sizes[1:], start=1):
            int_in_range(f"sizes[{k}]", n, 1, MAX_UNITS)
        self.sizes = [int(n) for n in sizes]
        self.hidden = choice("hidden", hidden, HIDDEN_ACTIVATIONS)
        self.output = choice("output", output, OUTPUT_UNITS)
        self.loss_name = choice("loss", loss, LOSSES)
        check_pairing(self.output, self.loss_name, self.sizes[-1])
        self.init = choice("init", init, INITS)
        self.bias = bool(bias)
        self.train_bias = bool(train_bias)
        self.seed = int_in_range("seed", seed, 0, 2**32 - 1)
        self.set_regularization(reg, lam)
        rng = np.random.default_rng(self.seed)
        self.W = [INITS[init](rng, a, b) for a, b in zip(self.sizes[:-1], self.sizes[1:])]
        self.b = [np.zeros(n) for n in self.sizes[1:]]

    # --- configuration -------------------------------------------------------------------
    @property
    def n_layers(self) -> int:
        """L, the number of weight layers (hidden layers + 1)."""
        return len(self.W)

    @property
    def n_params(self) -> int:
        return sum(w.size for w in self.W) + (sum(b.size for b in self.b) if self.bias else 0)

    @property
    def lossfn(self):
        return LOSSES[self.loss_name]

    def activation_of(self, layer: int):
        """The activation entry of weight layer `layer` (0-based); the last one is the output unit."""
        if layer == self.n_layers - 1:
            return OUTPUT_UNITS[self.output]
        return ACTIVATIONS[self.hidden]

    def set_regularization(self, reg: str, lam: float) -> None:
        """Choose the weight penalty ('none', 'l1', 'l2') and its rate λ (biases are not penalised)."""
        self.reg = choice("reg", reg, REGULARIZERS)
        self.lam = positive_number("lam", lam, allow_zero=True)

    def encode_targets(self, Y: object) -> Array:
        """Validate targets for this network's loss and return them as an (N, J) float array."""
        return self.lossfn.encode_targets(Y, self.sizes[-1])

    def check_inputs(self, X: object) -> Array:
        return finite_matrix("X", X, self.sizes[0])

    # --- parameters ----------------------------------------------------------------------
    def get_params(self) -> tuple[list[Array], list[Array]]:
        """Copies of (W, b)."""
        return [w.copy() for w in self.W], [b.copy() for b in self.b]

    def set_params(self, W: list[Array], b: list[Array] | None = None) -> None:
        """Replace the weights (and biases) with copies, checking every shape."""
        if len(W) != self.n_layers:
            raise ValueError(f"W must hold {self.n_layers} matrices, got {len(W)}")
        new_W = []
        for l, (w, old) in enumerate(zip(W, self.W)):
            a = np.array(w, dtype=np.float64)
            if a.shape != old.shape:
                raise ValueError(f"W[{l}] must have shape {old.shape}, got {a.shape}")
            new_W.append(a)
        new_b = [x.copy() for x in self.b]
        if b is not None:
            if len(b) != self.n_layers:
                raise ValueError(f"b must hold {self.n_layers} vectors, got {len(b)}")
            new_b = []
            for l, (v, old) in enumerate(zip(b, self.b)):
                a = np.array(v, dtype=np.float64).reshape(-1)
                if a.shape != old.shape:
                    raise ValueError(f"b[{l}] must have shape {old.shape}, got {a.shape}")
                new_b.append(a if self.bias else np.zeros_like(a))
        self.W, self.b = new_W, new_b

    def copy(self) -> MLP:
        """An independent network with the same configuration and parameters."""
        twin = MLP.__new__(MLP)
        twin.__dict__.update(self.__dict__)
        twin.W, twin.b = self.get_params()
        return twin

    def to_dict(self) -> dict:
        """A JSON-ready description: configuration and parameters."""
        return {
            "sizes": self.sizes, "hidden": self.hidden, "output": self.output,
            "loss": self.loss_name, "bias": self.bias, "train_bias": self.train_bias,
            "init": self.init, "seed": self.seed, "reg": self.reg, "lam": self.lam,
            "W": [w.tolist() for w in self.W], "b": [b.tolist() for b in self.b],
        }

    @classmethod
    def from_dict(cls, d: dict) -> MLP:
        """Rebuild a network written by `to_dict`."""
        keys = ("hidden", "output", "loss", "bias", "init", "seed", "reg", "lam", "train_bias")
        net = cls(d["sizes"], **{k: d[k] for k in keys if k in d})
        net.set_params(d["W"], d.get("b"))
        return net

    # --- the math ------------------------------------------------------------------------
    def forward(self, X: Array) -> Forward:
        """u^(1) = X; then I^(l) = u^(l) W^(l) + b^(l), O^(l) = A(I^(l)) = u^(l+1)."""
        u, I_, O = [], [], []
        a = np.asarray(X, dtype=np.float64)
        last = self.n_layers - 1
        for l, (w, b) in enumerate(zip(self.W, self.b)):
            u.append(a)
            z = a @ w
            if self.bias:
                z += b
            a = (OUTPUT_UNITS[self.output] if l == last else ACTIVATIONS[self.hidden]).forward(z)
            I_.append(z)
            O.append(a)
        return Forward(u, I_, O)

    def backward(self, fwd: Forward, Y: Array) -> Backward:
        """δ^(L) from the loss through the output unit, then δ^(l) = (δ^(l+1) W^(l+1)ᵀ) ⊙ A′(I^(l)).

        `Y` must be encoded, shape (N, J). Gradients are means over the N rows:
        ∂L/∂W^(l) = u^(l)ᵀ δ^(l) / N, plus the weight penalty's gradient.
        """
        n = fwd.u[0].shape[0]
        act = ACTIVATIONS[self.hidden]
        d = output_delta(self.lossfn, self.output, Y, fwd.I[-1], fwd.O[-1])
        deltas = [d]
        for l in range(self.n_layers - 2, -1, -1):
            d = (d @ self.W[l + 1].T) * act.derivative(fwd.I[l], fwd.O[l])
            deltas.append(d)
        deltas.reverse()
        dW = [u.T @ d for u, d in zip(fwd.u, deltas)]
        if n > 1:  # the mean over rows; one row is the lecture's per-sample rule as it stands
            for g in dW:
                g /= n
        if self.reg != "none" and self.lam > 0:
            dW = [g + self.penalty_gradient(w) for g, w in zip(dW, self.W)]
        if self.bias:
            db = [np.add.reduce(d, axis=0) for d in deltas]
            if n > 1:
                for g in db:
                    g /= n
        else:
            db = [np.zeros_like(b) for b in self.b]
        return Backward(deltas, dW, db)

    def penalty_gradient(self, w: Array) -> Array:
        """∂(penalty)/∂W for one weight matrix: λW for L2, λ sign(W) for L1."""
        return self.lam * (w if self.reg == "l2" else np.sign(w))

    def penalty(self) -> float:
        """The regularization term: (λ/2) Σ w² for L2, λ Σ |w| for L1, 0 for none."""
        if self.reg == "l2":
            return 0.5 * self.lam * sum(float((w * w).sum()) for w in self.W)
        if self.reg == "l1":
            return self.lam * sum(float(np.abs(w).sum()) for w in self.W)
        return 0.0

    def gradients(self, X: object, Y: object) -> tuple[list[Array], list[Array]]:
        """(dW, db): the mean gradient of (data loss + penalty) over the rows of X."""
        X, Y = self.check_inputs(X), self.encode_targets(Y)
        self._check_rows(X, Y)
        back = self.backward(self.forward(X), Y)
        return back.dW, back.db

    def step(self, dW: list[Array], db: list[Array], lr: float) -> None:
        """Gradient descent: W ← W − ξ ∂L/∂W (and b, when biases are trained)."""
        for w, g in zip(self.W, dW):
            w -= lr * g
        if self.bias and self.train_bias:
            for b, g in zip(self.b, db):
                b -= lr * g

    def sample_losses(self, X: object, Y: object) -> Array:
        """The data loss of every sample, shape (N,)."""
        X, Y = self.check_inputs(X), self.encode_targets(Y)
        self._check_rows(X, Y)
        fwd = self.forward(X)
        return self.lossfn.per_sample(Y, fwd.I[-1], fwd.O[-1])

    def loss(self, X: object, Y: object) -> float:
        """Mean per-sample data loss (the penalty is reported separately by `penalty`)."""
        return float(self.sample_losses(X, Y).mean())

    def predict(self, X: object) -> Array:
        """y* for every row of X, shape (N, J)."""
        return self.forward(self.check_inputs(X)).prediction

    @staticmethod
    def _check_rows(X: Array, Y: Array) -> None:
        if X.shape[0] != Y.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but Y has {Y.shape[0]}")

    def __repr__(self) -> str:
        return (f"MLP(sizes={self.sizes}, hidden={self.hidden!r}, output={self.output!r}, "
                f"loss={self.loss_name!r}, bias={self.bias})")


def flatten_params(W: list[Array], b: list[Array]) -> Array:
    """All weights then all biases in one vector (the order of `param_labels`)."""
    return np.concatenate([w.ravel() for w in W] + [v.ravel() for v in b])


def param_labels(sizes: list[int]) -> list[str]:
    """Names in the lecture's notation, 1-based: w_ji^(l) joins input j to unit i of layer l."""
    names = []
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        names += [f"w_{j}{i}^({l})" for j in range(1, n_in + 1) for i in range(1, n_out + 1)]
    for l, n_out in enumerate(sizes[1:], start=1):
        names += [f"b_{i}^({l})" for i in range(1, n_out + 1)]
    return names
