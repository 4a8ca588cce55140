"""Regenerate engine/data/<name>.npz from scikit-learn: `python -m tests.engine.make_real_datasets`.

A one-off tool (needs requirements-dev.txt); the app only reads the files it writes. Each file holds
`data` (float64, or uint8 when every value is a whole number from 0 to 255, as the digits' pixel
counts are) and `target` (uint8), so engine.datasets gets scikit-learn's values back exactly. The
zip entries carry a fixed date, so regenerating unchanged data leaves the files byte for byte alike.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np

from engine.datasets import DATA_DIR, REAL, _load_real

FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry


def compact(X: np.ndarray) -> np.ndarray:
    """X as uint8 if that keeps every value, else as float64."""
    small = np.array_equal(X, np.round(X)) and X.min() >= 0 and X.max() <= 255
    return X.astype(np.uint8) if small else X.astype(np.float64)


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An .npz file that np.load reads, its bytes a function of the arrays alone."""
    with zipfile.ZipFile(path, "w") as zf:
        for key, value in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(value), allow_pickle=False)
            zf.writestr(zipfile.ZipInfo(f"{key}.npy", FIXED_DATE), buffer.getvalue(),
                        compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def main() -> None:
    from sklearn import datasets as sk

    DATA_DIR.mkdir(exist_ok=True)
    for name in REAL:
        bunch = getattr(sk, f"load_{name}")()
        X, y = bunch.data.astype(np.float64), bunch.target.astype(np.int64)
        path = DATA_DIR / f"{name}.npz"
        write_npz(path, {"data": compact(X), "target": y.astype(np.uint8)})
        X_read, y_read = _load_real(name)
        assert np.array_equal(X_read, X) and np.array_equal(y_read, y), name
        print(f"{path.name}: {X.shape[0]} × {X.shape[1]}, {y.max() + 1} classes, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
