"""The "Backprop, step by step" page's content: the lecture's equations filled in with live numbers.

Pure functions only (no streamlit): each takes a network and one sample (or a few) and returns
LaTeX strings or table rows, so everything the page shows can be unit-tested.

Notation follows the lecture: u^(l) is the input of weight layer l (u^(1) = x), I^(l) its first
stage (pre-activation), O^(l) = A(I^(l)) = u^(l+1) its output, y* = O^(L) the prediction, y the
target, δ^(l) = ∂L/∂I^(l), ξ the learning rate and w_ji^(l) the weight from unit j of u^(l) to
unit i of layer l (the engine's W[l - 1][j - 1, i - 1]). Vectors are columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import LOSSES, MLP, gradcheck
from engine.activations import ACTIVATIONS, OUTPUT_UNITS
from engine.step import Step
from ui.latex import MAX_FULL, col, fits, mat, num, row, sub, term

Array = np.ndarray

MAX_CHECK = 48  # gradient check: at most this many parameters (a seeded random choice beyond it)
CHECK_EPS = 1e-5
CHECK_REL_TOL = 1e-5
CHECK_ABS_TOL = 1e-9
BATCH = 4  # samples in the batch view
MAX_TABLE_ROWS = 300  # update table: beyond this many parameters, only the largest changes
HIGHLIGHT = 3  # the update table marks this many largest changes


# --- 1. forward ---------------------------------------------------------------------------------
def activation_name(net: MLP, l: int) -> str:
    """Plain name of layer l's (1-based) activation."""
    return net.activation_of(l - 1).label


def forward_latex(s: Step) -> list[str]:
    """u^(1) = x, then per layer I^(l) = (w^(l))ᵀ u^(l) + b^(l) and O^(l) = A(I^(l)), with numbers."""
    lines = [input_latex(s)]
    for l in range(1, s.L + 1):
        lines += [*stage_i_latex(s, l), stage_o_latex(s, l)]
    return lines


def input_latex(s: Step) -> str:
    """u^(1) = x with the sample's numbers."""
    return r"\mathbf{u}^{(1)}=\mathbf{x}=" + col(s.u[0], "x")


def stage_i_latex(s: Step, l: int) -> list[str]:
    """I^(l) = (w^(l))ᵀ u^(l) + b^(l) of layer l (1-based) with numbers (two lines when I is summarised)."""
    W, u, b, I_ = s.W_before[l - 1], s.u[l - 1], s.b_before[l - 1], s.I[l - 1]
    bias = s.net.bias
    sym = rf"\mathbf{{I}}^{{({l})}}=(\mathbf{{w}}^{{({l})}})^{{\mathrm T}}\mathbf{{u}}^{{({l})}}" + (
        rf"+\mathbf{{b}}^{{({l})}}" if bias else "")
    if fits(*W.shape):
        nums = mat(W, "w", transposed=True) + col(u, "u") + ("+" + col(b, "b") if bias else "")
    else:  # shapes only; the result on its own line when it is summarised too
        nums = (rf"\underbrace{{(\mathbf{{w}}^{{({l})}})^{{\mathrm T}}}}_{{{W.shape[1]}\times{W.shape[0]}}}"
                rf"\underbrace{{\mathbf{{u}}^{{({l})}}}}_{{{W.shape[0]}\times 1}}"
                + (rf"+\mathbf{{b}}^{{({l})}}" if bias else ""))
    if fits(len(I_)):
        return [sym + "=" + nums + "=" + col(I_, "I", f"^{{({l})}}")]
    return [sym + "=" + nums, rf"\mathbf{{I}}^{{({l})}}=" + col(I_, "I", f"^{{({l})}}")]


def stage_o_latex(s: Step, l: int) -> str:
    """O^(l) = A(I^(l)) of layer l (1-based) with numbers: u^(l+1), or y* at the output."""
    nxt = r"\mathbf{y}^{*}" if l == s.L else rf"\mathbf{{u}}^{{({l + 1})}}"
    return (rf"\mathbf{{O}}^{{({l})}}=\mathcal{{A}}(\mathbf{{I}}^{{({l})}})="
            + col(s.O[l - 1], "O", f"^{{({l})}}") + "=" + nxt)


def loss_latex(s: Step) -> list[str]:
    """The loss formula, then the same with y and y* substituted, and its value."""
    lossfn = s.net.lossfn
    y, p = s.y, s.prediction
    value = num(s.loss_before)
    if s.net.loss_name == "bce":
        parts = [rf"-{term(y[j])}\cdot\log {term(p[j])}-(1-{term(y[j])})\cdot\log(1-{term(p[j])})"
                 for j in range(len(y))]
    elif s.net.loss_name == "ce":
        hot = [j for j in range(len(y)) if y[j] != 0]
        parts = [rf"-{term(y[j])}\cdot\log {term(p[j])}" for j in hot]
    else:
        if len(y) > MAX_FULL:
            parts = [r"\tfrac12\sum_{j}(y_j-y^{*}_j)^2"]
        else:
            parts = [r"\tfrac12\left[" + "+".join(rf"({num(y[j])}-{term(p[j])})^2" for j in range(len(y)))
                     + r"\right]"]
    if len(parts) > MAX_FULL:
        parts = [r"\sum_j(\dots)"]
    return [lossfn.latex, "L=" + "".join(parts) + "=" + value]


# --- 2. backward --------------------------------------------------------------------------------
def output_rule(net: MLP) -> str:
    """Which form δ at the output takes: 'matched', 'sigmoid_squared' or 'chain'."""
    if net.output == LOSSES[net.loss_name].matched_output:
        return "matched"
    if net.output == "sigmoid":
        return "sigmoid_squared"
    return "chain"


def output_delta_latex(s: Step) -> tuple[str, list[str]]:
    """(explanation, equations) for δ^(L) = ∂L/∂I^(L), with numbers; the loss's ∂L/∂y* second."""
    text, eqs = _output_delta(s)
    return text, [eqs[0], s.net.lossfn.grad_latex, *eqs[1:]]


def _output_delta(s: Step) -> tuple[str, list[str]]:
    net, L = s.net, s.L
    y, p, d = s.y, s.prediction, s.delta[-1]
    dL = rf"\boldsymbol{{\delta}}^{{({L})}}"
    ystar, yv = col(p, "y^{*}"), col(y, "y")
    rule = output_rule(net)
    loss, unit = net.lossfn, OUTPUT_UNITS[net.output]
    if rule == "matched" and net.output == "sigmoid":
        text = (f"{unit.label} output with {loss.label.lower()} loss: the derivative of the loss, "
                "(y* − y)/(y*(1 − y*)), is multiplied by the sigmoid's slope y*(1 − y*), "
                "and the two y*(1 − y*) cancel. What is left is simply y* − y.")
        eqs = [dL + r"=\frac{\partial L}{\partial y^{*}}\,\mathcal{A}'(I^{(" + str(L) + r")})"
               r"=\frac{y^{*}-y}{y^{*}(1-y^{*})}\,y^{*}(1-y^{*})=\mathbf{y}^{*}-\mathbf{y}"]
    elif rule == "matched" and net.output == "softmax":
        text = ("Softmax output with cross-entropy loss: the softmax couples all outputs, but its "
                "Jacobian combined with −y_j/y*_j collapses to the same short rule, y*_k − y_k per output.")
        eqs = [r"\delta^{(" + str(L) + r")}_k=\sum_j\frac{\partial L}{\partial y^{*}_j}"
               r"\frac{\partial y^{*}_j}{\partial I_k}=y^{*}_k-y_k"]
    elif rule == "matched":
        text = (f"{unit.label} output with {loss.label.lower()} loss: the output's slope is 1, so δ is "
                "the derivative of the loss, y* − y.")
        eqs = [dL + r"=(\mathbf{y}^{*}-\mathbf{y})\cdot 1=\mathbf{y}^{*}-\mathbf{y}"]
    elif rule == "sigmoid_squared":
        text = ("Sigmoid output with squared loss: no cancellation here. The loss's derivative y* − y "
                "is multiplied by the sigmoid's slope y*(1 − y*), which shrinks δ when y* is near 0 or 1.")
        eqs = [dL + r"=(\mathbf{y}^{*}-\mathbf{y})\odot\mathbf{y}^{*}\odot(1-\mathbf{y}^{*})"]
        factors = "(" + ystar + "-" + yv + r")\odot" + col(p * (1 - p), "a") + "=" if fits(len(p)) else ""
        eqs.append(dL + "=" + factors + col(d, r"\delta"))
        return text, eqs
    else:
        g = p - y
        sgy = float((g * p).sum())
        text = (f"{unit.label} output with {loss.label.lower()} loss: no shortcut applies, so the general "
                "chain rule is written out: δ_k = Σ_j ∂L/∂y*_j · ∂y*_j/∂I_k. For the softmax "
                "∂y*_j/∂I_k = y*_j(1[j = k] − y*_k), which gives the formula below.")
        eqs = [r"\delta^{(" + str(L) + r")}_k=\sum_j\frac{\partial L}{\partial y^{*}_j}"
               r"\frac{\partial y^{*}_j}{\partial I_k}=y^{*}_k\Big((y^{*}_k-y_k)-\sum_j(y^{*}_j-y_j)\,y^{*}_j\Big)",
               r"\sum_j(y^{*}_j-y_j)\,y^{*}_j=" + num(sgy),
               dL + "=" + (ystar + r"\odot\Big(" + col(g, "g") + "-" + term(sgy) + r"\Big)=" if fits(len(p)) else "")
               + col(d, r"\delta")]
        return text, eqs
    eqs.append(dL + "=" + (ystar + "-" + yv + "=" if fits(len(p)) else "") + col(d, r"\delta"))
    return text, eqs


def hidden_derivative(s: Step, l: int) -> Array:
    """A′(I^(l)) of hidden layer l (1-based)."""
    act = ACTIVATIONS[s.net.hidden]
    return act.derivative(s.I[l - 1], s.O[l - 1])


def hidden_delta_latex(s: Step, l: int) -> list[str]:
    """δ^(l) = (w^(l+1) δ^(l+1)) ⊙ A′(I^(l)) for hidden layer l (1-based), with numbers."""
    act = s.net.hidden
    W = s.W_before[l]
    a_prime = hidden_derivative(s, l)
    back = W @ s.delta[l]
    dl = rf"\boldsymbol{{\delta}}^{{({l})}}"
    sym = (dl + rf"=\big(\mathbf{{w}}^{{({l + 1})}}\boldsymbol{{\delta}}^{{({l + 1})}}\big)\odot"
           rf"\mathcal{{A}}'(\mathbf{{I}}^{{({l})}}),\qquad \mathcal{{A}}'(\mathbf{{I}}^{{({l})}})="
           + ACTIVATIONS[act].derivative_latex.replace("(l)", f"({l})"))
    lines = [sym]
    if fits(*W.shape):
        lines.append(dl + r"=\Big(" + mat(W, "w") + col(s.delta[l], r"\delta") + r"\Big)\odot"
                     + col(a_prime, "a") + "=" + col(back, "g") + r"\odot" + col(a_prime, "a")
                     + "=" + col(s.delta[l - 1], r"\delta", f"^{{({l})}}"))
    elif fits(len(back)):
        lines.append(dl + "=" + col(back, "g") + r"\odot" + col(a_prime, "a") + "="
                     + col(s.delta[l - 1], r"\delta", f"^{{({l})}}"))
    else:
        lines.append(dl + "=" + col(s.delta[l - 1], r"\delta", f"^{{({l})}}"))
    return lines


def penalty_latex(net: MLP, l: int) -> str:
    """The regularizer's term in ∂/∂w^(l) ('' when there is none)."""
    if net.reg == "none" or net.lam == 0:
        return ""
    term_ = rf"\mathbf{{w}}^{{({l})}}" if net.reg == "l2" else rf"\operatorname{{sign}}(\mathbf{{w}}^{{({l})}})"
    return rf"+{num(net.lam)}\,{term_}"


def gradient_latex(s: Step, l: int) -> list[str]:
    """∂L/∂w^(l) = u^(l) δ^(l)ᵀ (an outer product, the shape of w^(l)), and ∂L/∂b^(l) = δ^(l)."""
    u, d = s.u[l - 1], s.delta[l - 1]
    outer = np.outer(u, d)
    n_in, n_out = outer.shape
    head = rf"\frac{{\partial L}}{{\partial \mathbf{{w}}^{{({l})}}}}=\mathbf{{u}}^{{({l})}}" \
           rf"\boldsymbol{{\delta}}^{{({l})\mathrm T}}"
    pen = penalty_latex(s.net, l)
    shape = rf"{n_in}\times{n_out}\text{{, the shape of }}\mathbf{{w}}^{{({l})}}"
    result = r"\underbrace{" + mat(outer, r"\partial w", f"^{{({l})}}") + "}_{" + shape + "}"
    factors = col(u, "u") + row(d, r"\delta") + "=" if fits(n_in, n_out) else ""
    body = head + "=" + factors + result
    lines = [body]
    if pen:
        lines.append(r"\text{with the penalty: }\frac{\partial (L+\text{penalty})}{\partial\mathbf{w}^{("
                     + str(l) + ")}}=" + rf"\mathbf{{u}}^{{({l})}}\boldsymbol{{\delta}}^{{({l})\mathrm T}}" + pen
                     + "=" + mat(s.dW[l - 1], r"\partial w", f"^{{({l})}}"))
    if s.net.bias:
        lines.append(rf"\frac{{\partial L}}{{\partial \mathbf{{b}}^{{({l})}}}}=\boldsymbol{{\delta}}^{{({l})}}="
                     + col(d, r"\delta"))
    return lines


# --- 3. update ----------------------------------------------------------------------------------
def weight_name(l: int, j: int, i: int) -> str:
    """Plain-text name of w_ji^(l) (1-based)."""
    return f"w_{sub(j, i)}^({l})"


def update_rows(s: Step) -> list[dict]:
    """Every trained parameter: name, value before, gradient, value after, change."""
    rows = []
    for l, (w0, g, w1) in enumerate(zip(s.W_before, s.dW, s.W_after), start=1):
        for (j, i), v in np.ndenumerate(w0):
            rows.append({"parameter": weight_name(l, j + 1, i + 1), "layer": l, "before": float(v),
                         "gradient": float(g[j, i]), "after": float(w1[j, i]),
                         "change": float(w1[j, i] - v)})
    if s.net.bias and s.net.train_bias:
        for l, (b0, g, b1) in enumerate(zip(s.b_before, s.db, s.b_after), start=1):
            for i, v in enumerate(b0):
                rows.append({"parameter": f"b_{i + 1}^({l})", "layer": l, "before": float(v),
                             "gradient": float(g[i]), "after": float(b1[i]), "change": float(b1[i] - v)})
    return rows


def largest_changes(rows: list[dict], k: int = HIGHLIGHT) -> set[int]:
    """Positions of the k rows whose parameter moves most."""
    order = np.argsort([-abs(r["change"]) for r in rows], kind="stable")
    return {int(p) for p in order[:k]}


def table_rows(rows: list[dict]) -> tuple[list[dict], bool]:
    """All rows, or (for a large network) the MAX_TABLE_ROWS largest changes; and whether cut."""
    if len(rows) <= MAX_TABLE_ROWS:
        return rows, False
    keep = np.argsort([-abs(r["change"]) for r in rows], kind="stable")[:MAX_TABLE_ROWS]
    return [rows[k] for k in sorted(keep)], True


def update_latex(s: Step) -> str:
    """The update rule in the lecture's symbols."""
    rule = r"\mathbf{w}^{(l)}\leftarrow\mathbf{w}^{(l)}-\xi\,\frac{\partial L}{\partial \mathbf{w}^{(l)}}"
    if s.net.bias and s.net.train_bias:
        rule += r",\qquad\mathbf{b}^{(l)}\leftarrow\mathbf{b}^{(l)}-\xi\,\boldsymbol{\delta}^{(l)}"
    return rule + rf",\qquad\xi={num(s.lr)}"


def layer_update_latex(s: Step, l: int) -> list[str]:
    """w^(l) ← w^(l) − ξ ∂L/∂w^(l) of layer l (1-based) with numbers (and b^(l) when biases are trained)."""
    W0, g, W1 = s.W_before[l - 1], s.dW[l - 1], s.W_after[l - 1]
    w = rf"\mathbf{{w}}^{{({l})}}"
    head = w + r"\leftarrow" + w + rf"-\xi\,\frac{{\partial L}}{{\partial {w}}}="
    sup = f"^{{({l})}}"
    factors = (mat(W0, "w", sup) + "-" + term(s.lr) + r"\cdot" + mat(g, r"\partial w", sup) + "="
               if fits(*W0.shape) else "")
    lines = [head + factors + mat(W1, "w", sup)]
    if s.net.bias and s.net.train_bias:
        b = rf"\mathbf{{b}}^{{({l})}}"
        nums = (col(s.b_before[l - 1], "b") + "-" + term(s.lr) + r"\cdot" + col(s.db[l - 1], r"\delta") + "="
                if fits(len(s.b_before[l - 1])) else "")
        lines.append(b + r"\leftarrow" + b + rf"-\xi\,\boldsymbol{{\delta}}^{{({l})}}=" + nums
                     + col(s.b_after[l - 1], "b", f"^{{({l})}}"))
    return lines


# --- 4. one weight's chain ----------------------------------------------------------------------
def _output_factor(s: Step) -> tuple[str, float, str, float]:
    """For one output (J = 1): symbol and value of ∂L/∂y* and of A′(I^(L))."""
    y, p = float(s.y[0]), float(s.prediction[0])
    if s.net.loss_name == "bce":
        dl_sym, dl_val = r"\frac{y^{*}-y}{y^{*}(1-y^{*})}", (p - y) / (p * (1 - p)) if 0 < p < 1 else np.nan
    else:
        dl_sym, dl_val = r"(y^{*}-y)", p - y
    if s.net.output == "sigmoid":
        a_sym, a_val = r"y^{*}(1-y^{*})", p * (1 - p)
    else:
        a_sym, a_val = "1", 1.0
    return dl_sym, dl_val, a_sym, a_val


def _brace(sym: str, value: float) -> str:
    return rf"\underbrace{{{sym}}}_{{{num(value)}}}"


def chain_latex(s: Step, l: int, j: int, i: int) -> tuple[list[str], float]:
    """∂L/∂w_ji^(l) (all 1-based) term by term; returns (equations, the derivative's value)."""
    L = s.L
    w = rf"w_{{{sub(j, i)}}}^{{({l})}}"
    dIi = rf"\delta_{{{i}}}^{{({l})}}"
    u_j, d_i = float(s.u[l - 1][j - 1]), float(s.delta[l - 1][i - 1])
    grad = d_i * u_j
    u_name = rf"x_{{{j}}}" if l == 1 else rf"u_{{{j}}}^{{({l})}}"
    lines = [rf"\frac{{\partial L}}{{\partial {w}}}=\frac{{\partial L}}{{\partial I_{{{i}}}^{{({l})}}}}"
             rf"\,\frac{{\partial I_{{{i}}}^{{({l})}}}}{{\partial {w}}}={dIi}\,{u_name}"
             rf"={term(d_i)}\cdot{term(u_j)}={num(grad)}"]
    if l == L:
        lines.append(_output_entry_latex(s, i))
    else:
        W_next, d_next = s.W_before[l], s.delta[l]
        a_prime = float(hidden_derivative(s, l)[i - 1])
        total = float(W_next[i - 1] @ d_next)
        k_all = range(1, W_next.shape[1] + 1)
        shown = list(k_all)[:MAX_FULL]
        terms = "+".join(rf"{term(W_next[i - 1, k - 1])}\cdot{term(d_next[k - 1])}" for k in shown)
        if len(k_all) > MAX_FULL:
            terms += r"+\dots"
        entry = ACTIVATIONS[s.net.hidden].unit_derivative_latex.replace("_{i}", f"_{{{i}}}")
        lines.append(rf"\begin{{aligned}}{dIi}&=\mathcal{{A}}'(I_{{{i}}}^{{({l})}})\sum_{{k}}w_{{{i}k}}^{{({l + 1})}}"
                     rf"\delta_{{k}}^{{({l + 1})}}={entry}\sum_k w_{{{i}k}}^{{({l + 1})}}\delta_k^{{({l + 1})}}\\"
                     rf"&={term(a_prime)}\cdot\big({terms}\big)\\&={term(a_prime)}\cdot{term(total)}={num(d_i)}"
                     r"\end{aligned}")
        if l == L - 1 and s.net.sizes[-1] == 1:
            lines.append(_lecture_chain(s, l, j, i, u_name, a_prime))
    return lines, grad


def _output_entry_latex(s: Step, i: int) -> str:
    L, p, y, d = s.L, float(s.prediction[i - 1]), float(s.y[i - 1]), float(s.delta[-1][i - 1])
    head = rf"\delta_{{{i}}}^{{({L})}}="
    rule = output_rule(s.net)
    if rule == "matched":
        return head + rf"y^{{*}}_{{{i}}}-y_{{{i}}}={num(p)}-{term(y)}={num(d)}"
    if rule == "sigmoid_squared":
        return (head + rf"(y^{{*}}_{{{i}}}-y_{{{i}}})\,y^{{*}}_{{{i}}}(1-y^{{*}}_{{{i}}})"
                rf"=({num(p)}-{term(y)})\cdot{num(p)}\cdot(1-{num(p)})={num(d)}")
    g = s.prediction - s.y
    sgy = float((g * s.prediction).sum())
    return (head + rf"y^{{*}}_{{{i}}}\Big((y^{{*}}_{{{i}}}-y_{{{i}}})-\sum_k(y^{{*}}_k-y_k)y^{{*}}_k\Big)"
            rf"={num(p)}\cdot\big({term(p - y)}-{term(sgy)}\big)={num(d)}")


def _lecture_chain(s: Step, l: int, j: int, i: int, u_name: str, a_prime: float) -> str:
    """The slide's fully expanded product for a weight one layer below a single output."""
    L = s.L
    dl_sym, dl_val, a_sym, a_val = _output_factor(s)
    w_next = float(s.W_before[l][i - 1, 0])
    u_j = float(s.u[l - 1][j - 1])
    hid = ACTIVATIONS[s.net.hidden].unit_derivative_latex.replace("_{i}", f"_{{{i}}}")
    value = dl_val * a_val * w_next * a_prime * u_j
    w = rf"w_{{{sub(j, i)}}}^{{({l})}}"
    rest = (r"\," + _brace(rf"w_{{{i}1}}^{{({L})}}", w_next) + r"\," + _brace(hid, a_prime) + r"\,"
            + _brace(u_name, u_j))
    shown = num(value) if np.isfinite(value) else r"\text{0/0: }y^{*}\text{ rounds to 0 or 1}"
    line = (rf"\frac{{\partial L}}{{\partial {w}}}="
            + _brace(dl_sym, dl_val) + r"\," + _brace(a_sym, a_val) + rest + "=" + shown)
    if output_rule(s.net) == "matched" and s.net.output == "sigmoid":  # the slide's last step: they cancel
        line = (r"\begin{aligned}" + line.replace("=", "&=", 1) + r"\\&="
                + _brace("(y^{*}-y)", float(s.prediction[0] - s.y[0])) + rest + "="
                + num(float(s.prediction[0] - s.y[0]) * w_next * a_prime * u_j) + r"\end{aligned}")
    return line


# --- 5. gradient check --------------------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    """Gradient-check rows (name, analytic, numeric, relative error, pass) and a summary."""

    rows: list[dict]
    n_params: int
    near_kink: int
    sampled: bool

    @property
    def passed(self) -> bool:
        return all(r["pass"] for r in self.rows)


def check_gradients(net: MLP, x: Array, y: Array, max_params: int = MAX_CHECK) -> Check:
    """backprop vs central differences on one sample (a seeded random subset for large networks)."""
    work = net.copy()
    X, Y = np.atleast_2d(x), np.atleast_2d(y)
    n_trained = sum(w.size for w in net.W) + (sum(b.size for b in net.b) if net.bias and net.train_bias else 0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        gc = gradcheck(work, X, Y, eps=CHECK_EPS, max_params=max_params, rng=np.random.default_rng(0))
    rows = []
    for name, a, n, r in zip(gc.names, gc.analytic, gc.numeric, gc.rel_error):
        ok = bool(r < CHECK_REL_TOL or abs(a - n) < CHECK_ABS_TOL)
        rows.append({"parameter": name, "backprop": float(a), "finite difference": float(n),
                     "relative error": float(r), "pass": ok})
    return Check(rows, n_trained, gc.near_kink, n_trained > max_params)


# --- 6. batch view ------------------------------------------------------------------------------
def batch_indices(index: int, n: int, size: int = BATCH) -> list[int]:
    """The chosen sample and the ones after it (wrapping), at most `size`, no repeats."""
    return [(index + k) % n for k in range(min(size, n))]


@dataclass(frozen=True)
class BatchPieces:
    """A mini-batch of layer l: rows u_n^(l) and δ_n^(l), the outer products u_n δ_nᵀ and their mean."""

    u: Array
    delta: Array
    pieces: list[Array]
    mean: Array


def batch_pieces(net: MLP, X: Array, Y: Array, l: int) -> BatchPieces:
    """Per-sample outer products u_n^(l) δ_n^(l)ᵀ of layer l (1-based) and their mean."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        fwd = net.forward(np.atleast_2d(X))
        back = net.backward(fwd, np.atleast_2d(Y))
    U, D = fwd.u[l - 1], back.delta[l - 1]
    pieces = [np.outer(u, d) for u, d in zip(U, D)]
    return BatchPieces(U, D, pieces, np.mean(pieces, axis=0))


def batch_latex(net: MLP, X: Array, Y: Array, indices: list[int], l: int) -> list[str]:
    """The mini-batch gradient of layer l as the mean of per-sample outer products, with numbers."""
    batch = batch_pieces(net, X[indices], Y[indices], l)
    U, Dl, pieces, mean = batch.u, batch.delta, batch.pieces, batch.mean
    B = len(pieces)
    name = r"\partial w"
    lines = [rf"\frac{{\partial L_{{\text{{batch}}}}}}{{\partial \mathbf{{w}}^{{({l})}}}}=\frac{{1}}{{B}}"
             rf"\sum_{{n=1}}^{{B}}\mathbf{{u}}^{{({l})}}_n\boldsymbol{{\delta}}^{{({l})\mathrm T}}_n,\qquad B={B}"]
    for k, (idx, u, d, piece) in enumerate(zip(indices, U, Dl, pieces), start=1):
        factors = col(u, "u") + row(d, r"\delta") + "=" if fits(*piece.shape) else ""
        lines.append(rf"n={k}\ (\text{{sample }}{idx}):\quad\mathbf{{u}}^{{({l})}}_{{{k}}}"
                     rf"\boldsymbol{{\delta}}^{{({l})\mathrm T}}_{{{k}}}=" + factors + mat(piece, name))
    if fits(*mean.shape):
        total = "+".join(mat(p, name) for p in pieces)
        lines.append(rf"\frac{{1}}{{{B}}}\Big({total}\Big)=" + mat(mean, name))
    else:
        lines.append(r"\text{mean}=" + mat(mean, name))
    return lines
