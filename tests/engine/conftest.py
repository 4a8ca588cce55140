"""Engine tests run in float64 against references written in the tests (see helpers.py)."""

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _strict_numpy():
    """Any overflow or invalid operation outside the engine's own guards fails the test."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        yield
