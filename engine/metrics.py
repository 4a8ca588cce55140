"""How good a prediction is, per task: accuracy for classification, R² for regression."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Array = np.ndarray


def predicted_class(prediction: Array) -> Array:
    """Class index per row: y* ≥ 0.5 for one output, the largest y*_j otherwise."""
    if prediction.shape[1] == 1:
        return (prediction[:, 0] >= 0.5).astype(np.int64)
    return prediction.argmax(axis=1)


def accuracy(prediction: Array, labels: Array) -> float:
    """Fraction of rows whose predicted class equals the integer label."""
    return float((predicted_class(prediction) == np.asarray(labels).reshape(-1)).mean())


def r_squared(prediction: Array, target: Array) -> float:
    """Coefficient of determination 1 − SS_res / SS_tot over all outputs."""
    t = np.asarray(target, dtype=np.float64).reshape(prediction.shape)
    ss_tot = float(((t - t.mean(axis=0)) ** 2).sum())
    ss_res = float(((t - prediction) ** 2).sum())
    return 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan")


METRICS: dict[str, tuple[str, Callable[[Array, Array], float]]] = {
    "binary": ("accuracy", accuracy),
    "multiclass": ("accuracy", accuracy),
    "regression": ("R²", r_squared),
}
