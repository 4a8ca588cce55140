"""The multilayer perceptron of the lecture: forward stages, deltas, gradients and updates.

Row convention: a batch X holds one sample per row, so the lecture's column form
I = Wᵀu becomes I = u W + b for all rows at once. `W[l]` has shape (n_in, n_out):
`W[0]` is the lecture's w^(1) (D×H), its entry [j, i] is w_ji^(1).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_UNITS
from engine.losses import LOSSES, check_pairing, output_delta
from engine.validation import choice, finite_matrix, int_in_range, positive_number

Array = np.ndarray
GradientBuffer = tuple[Array, list[Array], list[Array]]  # a gradient vector and its dW, db views

MAX_HIDDEN_LAYERS = 6
MAX_UNITS = 256
MAX_INPUTS = 4096
REGULARIZERS = ("none", "l1", "l2")
FLOAT64 = np.dtype(np.float64)


def _xavier(rng: np.random.Generator, n_in: int, n_out: int) -> Array:
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), (n_in, n_out))


def _he(rng: np.random.Generator, n_in: int, n_out: int) -> Array:
    return rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out))


def _uniform(rng: np.random.Generator, n_in: int, n_out: int) -> Array:
    return rng.uniform(-0.5, 0.5, (n_in, n_out))


def _zeros(rng: np.random.Generator, n_in: int, n_out: int) -> Array:
    return np.zeros((n_in, n_out))


INITS = {"xavier": _xavier, "he": _he, "uniform": _uniform, "zeros": _zeros}


class Forward(NamedTuple):  # a NamedTuple rather than a dataclass: one is made per mini-batch
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


class Backward(NamedTuple):
    """δ^(l) = ∂L/∂I^(l) per sample (N × n_out) and the mean gradients over the batch.

    `grad` holds every gradient in the layout of `MLP.params`; `dW` and `db` are views of it.
    """

    delta: list[Array]
    dW: list[Array]
    db: list[Array]
    grad: Array


class MLP:
    """A fully connected network with sizes [D, H1, …, J]; 0 to 6 hidden layers.

    All parameters live in one vector `params` (the weights of every layer, then the biases, as
    `flatten_params` lays them out); `W` and `b` are per-layer views of it.
    """

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
        self._shapes = list(zip(self.sizes[:-1], self.sizes[1:]))
        ends = np.cumsum([a * b for a, b in self._shapes] + self.sizes[1:]).tolist()
        self._spans = list(zip([0, *ends[:-1]], ends))  # where each W^(l), then each b^(l), lies in `params`
        rng = np.random.default_rng(self.seed)
        self._install([INITS[init](rng, a, b) for a, b in self._shapes], [np.zeros(n) for n in self.sizes[1:]])

    # --- configuration -------------------------------------------------------------------
    @property
    def W(self) -> tuple[Array, ...]:
        """The weight matrices W^(1) … W^(L), views of `params` (change them in place or by `set_params`)."""
        return self._W

    @property
    def b(self) -> tuple[Array, ...]:
        """The bias vectors b^(1) … b^(L), views of `params`."""
        return self._b

    @property
    def n_layers(self) -> int:
        """L, the number of weight layers (hidden layers + 1)."""
        return len(self._W)

    @property
    def n_weights(self) -> int:
        """How many weights there are: `params[:n_weights]` are the weights, the rest the biases."""
        return self._spans[len(self._shapes)][0]

    @property
    def n_params(self) -> int:
        return sum(w.size for w in self.W) + (sum(b.size for b in self.b) if self.bias else 0)

    @property
    def lossfn(self):
        return LOSSES[self.loss_name]

    def activation_of(self, layer: int):
        """The activation entry of weight layer `layer` (0-based); the last one is the output unit."""
        return self.units()[layer]

    def units(self) -> list:
        """The activation entry of every weight layer: the hidden activation, then the output unit."""
        return [ACTIVATIONS[self.hidden]] * (len(self._W) - 1) + [OUTPUT_UNITS[self.output]]

    def set_regularization(self, reg: str, lam: float) -> None:
        """Choose the weight penalty ('none', 'l1', 'l2') and its rate λ (biases are not penalised)."""
        self.reg = choice("reg", reg, REGULARIZERS)
        self.lam = positive_number("lam", lam, allow_zero=True)

    def encode_targets(self, Y: object) -> Array:
        """Validate targets for this network's loss and return them as an (N, J) float array."""
        return self.lossfn.encode_targets(Y, self.sizes[-1])

    def check_inputs(self, X: object) -> Array:
        """Validate inputs for this network and return them as an (N, D) float array."""
        return finite_matrix("X", X, self.sizes[0])

    def check_data(self, X: object, Y: object) -> tuple[Array, Array]:
        """Validate inputs and targets (one target row per input row); return them as arrays."""
        X, Y = self.check_inputs(X), self.encode_targets(Y)
        if X.shape[0] != Y.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but Y has {Y.shape[0]}")
        return X, Y

    # --- parameters ----------------------------------------------------------------------
    def unflatten(self, flat: Array) -> tuple[list[Array], list[Array]]:
        """Per-layer weight matrices and bias vectors as views of a vector laid out like `params`."""
        views = [flat[start:end] for start, end in self._spans]
        return [v.reshape(shape) for v, shape in zip(views, self._shapes)], views[len(self._shapes) :]

    def gradient_buffer(self) -> GradientBuffer:
        """A new vector laid out like `params` with its per-layer views (dW, db), for `backward`."""
        grad = np.empty(self.params.size)
        return (grad, *self.unflatten(grad))

    def _install(self, W: list[Array], b: list[Array]) -> None:
        """A new `params` vector holding W then b, with `W` and `b` its views."""
        self.params = flatten_params(W, b)
        W, b = self.unflatten(self.params)
        self._W, self._b = tuple(W), tuple(b)

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
        self._install(new_W, new_b)

    def copy(self) -> MLP:
        """An independent network with the same configuration and parameters."""
        twin = MLP.__new__(MLP)
        twin.__dict__.update(self.__dict__)
        twin._install(self.W, self.b)
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
        a = X if type(X) is np.ndarray and X.dtype is FLOAT64 else np.asarray(X, dtype=np.float64)
        bias = self.bias
        for w, b, unit in zip(self._W, self._b, self.units()):
            u.append(a)
            z = a @ w
            if bias:
                z += b
            a = unit.forward(z)
            I_.append(z)
            O.append(a)
        return tuple.__new__(Forward, (u, I_, O))  # as Forward(u, I_, O), without its Python-level __new__

    def backward(self, fwd: Forward, Y: Array, out: GradientBuffer | None = None) -> Backward:
        """δ^(L) from the loss through the output unit, then δ^(l) = (δ^(l+1) W^(l+1)ᵀ) ⊙ A′(I^(l)).

        `Y` must be encoded, shape (N, J). Gradients are means over the N rows:
        ∂L/∂W^(l) = u^(l)ᵀ δ^(l) / N, plus the weight penalty's gradient. They are written into
        `out` (from `gradient_buffer`, overwritten by every call) or else into new arrays.
        """
        u, I_, O = fwd
        n = u[0].shape[0]
        derivative = ACTIVATIONS[self.hidden].derivative
        grad, dW, db = out if out is not None else self.gradient_buffer()
        bias, W = self.bias, self._W
        d = output_delta(LOSSES[self.loss_name], self.output, Y, I_[-1], O[-1])
        deltas = [d] * len(W)
        for l in range(len(W) - 1, -1, -1):  # layer l's gradients, then the delta of the layer below
            np.matmul(u[l].T, d, dW[l])
            if bias:
                np.add.reduce(d, 0, None, db[l])
            if l:
                d = (d @ W[l].T) * derivative(I_[l - 1], O[l - 1])
                deltas[l - 1] = d
        k = self._spans[len(W)][0]  # n_weights
        if not bias:
            grad[k:] = 0.0
        if n > 1:  # the mean over rows; one row is the lecture's per-sample rule as it stands
            grad /= n
        if self.reg != "none" and self.lam > 0:
            grad[:k] += self.penalty_gradient(self.params[:k])
        return tuple.__new__(Backward, (deltas, dW, db, grad))

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
        X, Y = self.check_data(X, Y)
        back = self.backward(self.forward(X), Y)
        return back.dW, back.db

    def step(self, dW: list[Array], db: list[Array], lr: float) -> None:
        """Gradient descent: W ← W − ξ ∂L/∂W (and b, when biases are trained)."""
        for w, g in zip(self.W, dW):
            w -= lr * g
        if self.bias and self.train_bias:
            for b, g in zip(self.b, db):
                b -= lr * g

    def descend(self, grad: Array, lr: float) -> None:
        """`step` for a gradient laid out like `params` (a `Backward`'s `grad`), in one operation."""
        trained, g = self.trained_views(grad)
        trained -= lr * g

    def trained_views(self, grad: Array) -> tuple[Array, Array]:
        """The part of `params` that descent changes (all of it, or the weights when biases are not
        trained) and the same part of `grad`, a vector laid out like `params`."""
        if self.bias and self.train_bias:
            return self.params, grad
        k = self.n_weights
        return self.params[:k], grad[:k]

    def sample_losses(self, X: object, Y: object) -> Array:
        """The data loss of every sample, shape (N,)."""
        X, Y = self.check_data(X, Y)
        fwd = self.forward(X)
        return self.lossfn.per_sample(Y, fwd.I[-1], fwd.O[-1])

    def loss(self, X: object, Y: object) -> float:
        """Mean per-sample data loss (the penalty is reported separately by `penalty`)."""
        return float(self.sample_losses(X, Y).mean())

    def predict(self, X: object) -> Array:
        """y* for every row of X, shape (N, J)."""
        return self.forward(self.check_inputs(X)).prediction

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
