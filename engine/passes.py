"""The lecture's procedure for one sample as an ordered list of steps: forward, loss, backward, update.

Forward: u^(1) = x enters; per layer l, I^(l) = (w^(l))ᵀu^(l) (+ b^(l)), then O^(l) = A(I^(l)) = u^(l+1);
then the loss at the output. Backward: δ^(L) at the output, ∂L/∂w^(L) = u^(L) δ^(L)ᵀ on its edges, then
per layer below δ^(l) = (w^(l+1) δ^(l+1)) ⊙ A′(I^(l)) and ∂L/∂w^(l). Update: every edge to w − ξ ∂L/∂w.
That is 4L + 3 steps for L weight layers.

Each step carries what a diagram shows once it is done: the quantities known on every layer of units,
the parameters the edges are drawn with, the gradients found so far and the values the step writes
on its edges. The numbers are those of `engine.step.Step`; nothing is recomputed here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.step import Step

Array = np.ndarray

FORWARD, BACKWARD, UPDATE = "forward", "backward", "update"
PHASES = {"input": FORWARD, "stage_I": FORWARD, "stage_O": FORWARD, "loss": FORWARD,
          "delta": BACKWARD, "gradient": BACKWARD, "update": UPDATE}


@dataclass(frozen=True)
class Quantity:
    """A named vector or matrix shown on the diagram: x, I, O, δ on units; w, ∂L/∂w on edges."""

    name: str
    values: Array


@dataclass(frozen=True)
class PassStep:
    """One step of the two passes and everything the diagram shows when it is done.

    `layer` is the weight layer l (1-based) the step computes (0 for the input). `units[k]` lists the
    quantities known on unit layer k (0: the inputs, L: the output), oldest first; `W`, `b` are the
    parameters the edges and units are drawn with (after the update: the new ones); `gradients[l - 1]`
    is ∂L/∂w^(l) once found, else None; `edge_labels[l - 1]` the values this step writes on the edges
    of weight layer l, if any. `active_units` is the unit layer the step writes (None if it writes
    edges only) and `active_edges` the weight layers (1-based) it reads or writes.
    """

    kind: str
    layer: int
    units: tuple[tuple[Quantity, ...], ...]
    W: tuple[Array, ...]
    b: tuple[Array, ...]
    gradients: tuple[Array | None, ...]
    edge_labels: tuple[Quantity | None, ...]
    loss: float | None
    active_units: int | None
    active_edges: tuple[int, ...]

    @property
    def phase(self) -> str:
        return PHASES[self.kind]


def pass_steps(s: Step) -> list[PassStep]:
    """The 4L + 3 steps of sample `s`'s forward pass, loss, backward pass and update, in order."""
    L = s.L
    units: list[list[Quantity]] = [[] for _ in range(L + 1)]
    gradients: list[Array | None] = [None] * L
    steps: list[PassStep] = []

    def add(kind: str, layer: int, active_units: int | None, active_edges: tuple[int, ...] = (),
            labels: dict[int, Quantity] | None = None, after: bool = False) -> None:
        labels = labels or {}
        steps.append(PassStep(
            kind, layer, tuple(tuple(q) for q in units),
            tuple(s.W_after if after else s.W_before), tuple(s.b_after if after else s.b_before),
            tuple(gradients), tuple(labels.get(k) for k in range(1, L + 1)),
            s.loss_before if kind not in ("input", "stage_I", "stage_O") else None,
            active_units, active_edges))

    units[0].append(Quantity("x", s.x))
    add("input", 0, 0)
    for l in range(1, L + 1):
        units[l].append(Quantity("I", s.I[l - 1]))
        add("stage_I", l, l, (l,), {l: Quantity("w", s.W_before[l - 1])})
        units[l].append(Quantity("O", s.O[l - 1]))
        add("stage_O", l, l)
    add("loss", L, L)
    for l in range(L, 0, -1):
        units[l].append(Quantity("δ", s.delta[l - 1]))
        if l == L:
            add("delta", l, l)
        else:
            add("delta", l, l, (l + 1,), {l + 1: Quantity("w", s.W_before[l])})
        gradients[l - 1] = s.dW[l - 1]
        add("gradient", l, None, (l,), {l: Quantity("∂L/∂w", s.dW[l - 1])})
    add("update", L, None, tuple(range(1, L + 1)),
        {l: Quantity("w", s.W_after[l - 1]) for l in range(1, L + 1)}, after=True)
    return steps
