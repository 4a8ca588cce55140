"""Input checks shared by the engine: every failure is a ValueError naming the parameter."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

MAX_QUOTE = 40  # characters of a user's value quoted back in a message


def quoted(value: object, limit: int = MAX_QUOTE) -> str:
    """A bounded quotation of a user's value: its repr, cut to `limit` characters with '…'."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def choice(param: str, value: str, allowed: Iterable[str]) -> str:
    """Return `value` if it is one of `allowed`, else raise naming the choices."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{param}={quoted(value)} is not known; choose one of: {', '.join(allowed)}")
    return value


def int_in_range(param: str, value: object, low: int, high: int) -> int:
    """Return `value` as an int within [low, high], else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{param} must be a whole number from {low} to {high}, got {quoted(value)}")
    if not low <= int(value) <= high:
        raise ValueError(f"{param} must be from {low} to {high}, got {value}")
    return int(value)


def positive_number(param: str, value: object, allow_zero: bool = False) -> float:
    """Return `value` as a finite float > 0 (or ≥ 0), else raise."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{param} must be a number, got {quoted(value)}") from None
    if not np.isfinite(x) or x < 0 or (x == 0 and not allow_zero):
        bound = "≥ 0" if allow_zero else "> 0"
        raise ValueError(f"{param} must be a finite number {bound}, got {quoted(value)}")
    return x


def finite_matrix(param: str, value: object, n_cols: int | None = None) -> np.ndarray:
    """Return `value` as a finite float64 (N, n_cols) array; a 1-D array is one column."""
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{param} must be numeric") from None
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[0] == 0:
        raise ValueError(f"{param} must be a non-empty 2-D array (rows = samples), got shape {a.shape}")
    if n_cols is not None and a.shape[1] != n_cols:
        raise ValueError(f"{param} must have {n_cols} columns, got {a.shape[1]}")
    if not np.isfinite(a).all():
        raise ValueError(f"{param} contains NaN or inf; remove or impute those values")
    return a
