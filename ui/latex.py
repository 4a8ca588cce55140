"""Numbers, vectors and matrices as LaTeX, written out in full when small and summarised when large."""

from __future__ import annotations

import numpy as np

Array = np.ndarray

MAX_FULL = 8  # a vector or matrix with more rows or columns than this is summarised, not written out
SUMMARY_ENTRIES = 3  # how many of the largest entries a summary names


def num(x: float, digits: int = 4) -> str:
    """A number for LaTeX with `digits` significant digits; 1.2\\times10^{-5} instead of 1.2e-05."""
    x = float(x)
    if np.isnan(x):
        return r"\text{NaN}"
    if np.isinf(x):
        return r"\infty" if x > 0 else r"-\infty"
    if x == 0:
        return "0"
    s = f"{x:.{digits}g}"
    if "e" in s:
        mantissa, exponent = s.split("e")
        return rf"{mantissa}\times10^{{{int(exponent)}}}"
    return s


def term(x: float) -> str:
    """`num`, in parentheses when negative (for use inside a sum or product)."""
    s = num(x)
    return f"({s})" if float(x) < 0 else s


def sub(*idx: int) -> str:
    """A 1-based subscript: 12 for (1, 2), 12,3 when an index has two digits."""
    parts = [str(k) for k in idx]
    return ("," if any(len(p) > 1 for p in parts) else "").join(parts)


def _summary(A: Array, name: str, sup: str = "") -> str:
    """A large array as its shape and its few largest entries, named `name_{...}^{sup}`."""
    A = np.atleast_1d(A)
    flat = np.abs(np.nan_to_num(A, nan=np.inf)).ravel()
    top = np.argsort(-flat, kind="stable")[:SUMMARY_ENTRIES]
    entries = []
    for k in top:
        idx = np.unravel_index(k, A.shape)
        entries.append(rf"{name}_{{{sub(*(i + 1 for i in idx))}}}{sup}={num(A[idx])}")
    shape = r"\times".join(str(n) for n in (A.shape if A.ndim == 2 else (A.shape[0], 1)))
    return rf"\left[\,{shape}\text{{, largest: }}" + r",\ ".join(entries) + r",\ \dots\right]"


def col(v: Array, name: str = "v", sup: str = "") -> str:
    """A column vector, or its summary when it has more than MAX_FULL entries."""
    v = np.ravel(v)
    if v.size > MAX_FULL:
        return _summary(v, name, sup)
    return r"\begin{bmatrix}" + r"\\".join(num(x) for x in v) + r"\end{bmatrix}"


def row(v: Array, name: str = "v", sup: str = "") -> str:
    """A row vector, or its summary."""
    v = np.ravel(v)
    if v.size > MAX_FULL:
        return _summary(v, name, sup)
    return r"\begin{bmatrix}" + " & ".join(num(x) for x in v) + r"\end{bmatrix}"


def mat(M: Array, name: str = "m", sup: str = "", transposed: bool = False) -> str:
    """A matrix, or its summary; with `transposed`, M is shown as Mᵀ and entries keep M's names."""
    M = np.atleast_2d(M)
    if max(M.shape) > MAX_FULL:
        return _summary(M, name, sup) + (r"^{\mathrm T}" if transposed else "")
    shown = M.T if transposed else M
    body = r"\\".join(" & ".join(num(x) for x in r_) for r_ in shown)
    return r"\begin{bmatrix}" + body + r"\end{bmatrix}"


def fits(*shape: int) -> bool:
    """Whether an array of this shape is written out in full."""
    return max(shape) <= MAX_FULL
