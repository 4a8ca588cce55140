"""Seeded data sets: 2-D toy problems, regression surfaces, small real data, CSV uploads.

A `Dataset` keeps the raw points P (for plotting) apart from the network inputs X, which are
P passed through the chosen input features and, optionally, standardised with the training
set's statistics. `dataset.inputs(P)` applies the same mapping to any points, e.g. a grid.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.validation import choice, int_in_range, positive_number, quoted

Array = np.ndarray
Generator = Callable[[np.random.Generator, int, float], tuple[Array, Array]]

DOMAIN = 2.0  # 2-D toy points lie in about [-2, 2]²
MIN_POINTS, MAX_POINTS = 20, 5000
MAX_NOISE = 1.0
MAX_TEST_FRACTION = 0.9
MAX_CSV_MAGNITUDE = 1e100  # larger values overflow the standardisation and the plots
MAX_CSV_BYTES = 2 * 2**20  # an upload's size limit (the uploader's too)
MAX_CSV_COLUMNS = 100
CSV_TARGETS = ("auto", "classes", "values")  # how the last column is read (see dataset_from_csv)
AUTO_CLASSES, MAX_CSV_CLASSES = 10, 50


# --- generators: (rng, n, noise) -> (raw points P, targets) -----------------------------------
def _uniform_square(rng: np.random.Generator, n: int) -> Array:
    return rng.uniform(-DOMAIN, DOMAIN, (n, 2))


def _jitter(rng: np.random.Generator, P: Array, noise: float) -> Array:
    return P + noise * rng.normal(size=P.shape)


def _xor(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Array]:
    P = _uniform_square(rng, n)
    P += np.sign(P) * 0.1  # keep clean points off the axes
    return _jitter(rng, P, noise), (P[:, 0] * P[:, 1] > 0).astype(np.int64)


def _circles(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Array]:
    y = (np.arange(n) % 2).astype(np.int64)
    r = np.where(y == 1, rng.uniform(0, 0.8, n), rng.uniform(1.3, 2.0, n))
    t = rng.uniform(0, 2 * np.pi, n)
    return _jitter(rng, np.c_[r * np.cos(t), r * np.sin(t)], noise), y


def _gaussians(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Array]:
    y = (np.arange(n) % 2).astype(np.int64)
    centres = np.where(y[:, None] == 1, 1.0, -1.0) * np.ones((n, 2))
    return centres + (0.45 + noise) * rng.normal(size=(n, 2)), y


def _arms(rng: np.random.Generator, n: int, noise: float, n_arms: int) -> tuple[Array, Array]:
    y = (np.arange(n) % n_arms).astype(np.int64)
    s = rng.uniform(0.05, 1.0, n)
    t = 1.75 * 2 * np.pi * s / (n_arms / 2) + 2 * np.pi * y / n_arms
    r = DOMAIN * s
    return _jitter(rng, np.c_[r * np.sin(t), r * np.cos(t)], noise * 0.5), y


def _spiral(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Array]:
    return _arms(rng, n, noise, 2)


def _spiral3(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Array]:
    return _arms(rng, n, noise, 3)


def _moons(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Array]:
    y = (np.arange(n) % 2).astype(np.int64)
    t = rng.uniform(0, np.pi, n)
    P = np.where(y[:, None] == 0, np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    P = (P - [0.5, 0.25]) * 1.6
    return _jitter(rng, P, noise * 0.5), y


def _linear(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Array]:
    P = _uniform_square(rng, n)
    return _jitter(rng, P, noise), (P[:, 0] - 0.5 * P[:, 1] > 0.2).astype(np.int64)


def _blobs3(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Array]:
    y = (np.arange(n) % 3).astype(np.int64)
    angle = 2 * np.pi * y / 3 + np.pi / 2
    centres = 1.2 * np.c_[np.cos(angle), np.sin(angle)]
    return centres + (0.4 + noise) * rng.normal(size=(n, 2)), y


def _plane(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Array]:
    P = _uniform_square(rng, n)
    return P, (P[:, 0] + 2 * P[:, 1]) / 6 + noise * 0.5 * rng.normal(size=n)


def _bumps(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Array]:
    P = _uniform_square(rng, n)
    z = np.exp(-((P - [0.8, 0.8]) ** 2).sum(1) / 0.5) - np.exp(-((P + [0.8, 0.8]) ** 2).sum(1) / 0.5)
    return P, z + noise * 0.5 * rng.normal(size=n)


def _sine(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Array]:
    x = rng.uniform(-3.0, 3.0, (n, 1))
    return x, np.sin(1.5 * x[:, 0]) + noise * 0.5 * rng.normal(size=n)


@dataclass(frozen=True)
class Synthetic:
    """A generated data set: its task, its number of classes (0 for regression), a generator."""

    name: str
    label: str
    task: str
    n_classes: int
    generate: Generator
    dims: int = 2


SYNTHETIC: dict[str, Synthetic] = {
    d.name: d
    for d in (
        Synthetic("xor", "XOR", "binary", 2, _xor),
        Synthetic("circles", "Circles", "binary", 2, _circles),
        Synthetic("gaussians", "Two Gaussians", "binary", 2, _gaussians),
        Synthetic("spiral", "Spiral", "binary", 2, _spiral),
        Synthetic("moons", "Moons", "binary", 2, _moons),
        Synthetic("linear", "Linearly separable", "binary", 2, _linear),
        Synthetic("blobs3", "3 blobs (3 classes)", "multiclass", 3, _blobs3),
        Synthetic("spiral3", "3-arm spiral (3 classes)", "multiclass", 3, _spiral3),
        Synthetic("plane", "Plane (regression)", "regression", 0, _plane),
        Synthetic("bumps", "Gaussian bumps (regression)", "regression", 0, _bumps),
        Synthetic("sine", "1-D sine (regression)", "regression", 0, _sine, dims=1),
    )
}

# small real data sets, shipped as engine/data/<name>.npz (sources in engine/data/README.md);
# name -> (label, task)
REAL: dict[str, tuple[str, str]] = {
    "iris": ("Iris (4 features, 3 classes)", "multiclass"),
    "wine": ("Wine (13 features, 3 classes)", "multiclass"),
    "breast_cancer": ("Breast cancer (30 features, 2 classes)", "binary"),
    "digits": ("Digits 8×8 (64 features, 10 classes)", "multiclass"),
}
DATA_DIR = Path(__file__).resolve().parent / "data"

DATASET_NAMES = tuple(SYNTHETIC) + tuple(REAL)


def dataset_label(name: str) -> str:
    return SYNTHETIC[name].label if name in SYNTHETIC else REAL[name][0]


# --- input features (TensorFlow Playground's) --------------------------------------------------
FEATURES: dict[str, tuple[int, Callable[[Array], Array]]] = {
    "x1": (1, lambda P: P[:, 0]),
    "x2": (2, lambda P: P[:, 1]),
    "x1^2": (1, lambda P: P[:, 0] ** 2),
    "x2^2": (2, lambda P: P[:, 1] ** 2),
    "x1*x2": (2, lambda P: P[:, 0] * P[:, 1]),
    "sin(x1)": (1, lambda P: np.sin(P[:, 0])),
    "sin(x2)": (2, lambda P: np.sin(P[:, 1])),
}  # name -> (raw dimensions it needs, map)


def features_for(dims: int) -> tuple[str, ...]:
    """The feature names usable with raw points of `dims` dimensions."""
    return tuple(f for f, (need, _) in FEATURES.items() if need <= dims)


@dataclass(frozen=True)
class Dataset:
    """Train/test split of one data set, as network inputs and as raw points for plots."""

    name: str
    task: str
    n_classes: int
    X_train: Array
    y_train: Array
    X_test: Array
    y_test: Array
    P_train: Array
    P_test: Array
    features: tuple[str, ...]
    mean: Array | None
    std: Array | None
    has_plane: bool
    names: tuple[str, ...] | None = None  # display names of the inputs, when not the feature names

    @property
    def n_inputs(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_outputs(self) -> int:
        return self.n_classes if self.task == "multiclass" else 1

    @property
    def input_names(self) -> list[str]:
        return list(self.names or self.features)

    def inputs(self, P: Array) -> Array:
        """Network inputs for raw points P (features, then the training set's scaling)."""
        X = _apply_features(P, self.features) if self.has_plane else np.asarray(P, dtype=np.float64)
        return X if self.mean is None else (X - self.mean) / self.std

    def targets(self, split: str, loss: str) -> Array:
        """Targets for `split` ('train' or 'test') encoded for `loss` (one-hot for squared + classes)."""
        y = self.y_train if split == "train" else self.y_test
        if self.task == "multiclass" and loss == "squared":
            return np.eye(self.n_classes)[y]
        return y


def _apply_features(P: Array, features: tuple[str, ...]) -> Array:
    return np.column_stack([FEATURES[f][1](P) for f in features])


def _split(rng: np.random.Generator, n: int, test_fraction: float) -> tuple[Array, Array]:
    order = rng.permutation(n)
    n_test = int(round(n * test_fraction))
    if n - n_test < 1:
        raise ValueError("test_fraction leaves no training data")
    return order[n_test:], order[:n_test]


def _assemble(
    name: str,
    task: str,
    n_classes: int,
    P: Array,
    X: Array,
    y: Array,
    features: tuple[str, ...],
    test_fraction: float,
    standardize: bool,
    rng: np.random.Generator,
    has_plane: bool,
    names: tuple[str, ...] | None = None,
) -> Dataset:
    train, test = _split(rng, len(y), test_fraction)
    mean = std = None
    if standardize:
        mean = X[train].mean(axis=0)
        std = X[train].std(axis=0)
        std[std == 0] = 1.0
        X = (X - mean) / std
    return Dataset(name, task, n_classes, X[train], y[train], X[test], y[test],
                   P[train], P[test], tuple(features), mean, std, has_plane, names)


def make_dataset(
    name: str,
    n: int = 300,
    noise: float = 0.1,
    test_fraction: float = 0.3,
    seed: int = 0,
    features: tuple[str, ...] | list[str] | None = None,
    standardize: bool = True,
) -> Dataset:
    """Build the named data set, seeded. `n` and `noise` apply to the generated sets only."""
    choice("dataset", name, DATASET_NAMES)
    test_fraction = positive_number("test_fraction", test_fraction, allow_zero=True)
    if test_fraction > MAX_TEST_FRACTION:
        raise ValueError(f"test_fraction must be from 0 to {MAX_TEST_FRACTION}, got {test_fraction}")
    int_in_range("seed", seed, 0, 2**32 - 1)
    rng = np.random.default_rng(seed)
    if name in REAL:
        X, y = _load_real(name)
        task = REAL[name][1]
        names = tuple(f"x{i + 1}" for i in range(X.shape[1]))
        n_classes = int(y.max()) + 1
        return _assemble(name, task, n_classes, _principal_plane(X), X, y, names,
                         test_fraction, standardize, rng, has_plane=False)
    spec = SYNTHETIC[name]
    int_in_range("n", n, MIN_POINTS, MAX_POINTS)
    noise = positive_number("noise", noise, allow_zero=True)
    if noise > MAX_NOISE:
        raise ValueError(f"noise must be from 0 to {MAX_NOISE}, got {noise}")
    allowed = features_for(spec.dims)
    features = tuple(features) if features is not None else allowed[: spec.dims]
    if not features:
        raise ValueError("features must name at least one input feature")
    for f in features:
        choice("features", f, allowed)
    P, y = spec.generate(rng, n, noise)
    return _assemble(name, spec.task, spec.n_classes, P, _apply_features(P, features), y,
                     features, test_fraction, standardize, rng, has_plane=True)


def _load_real(name: str) -> tuple[Array, Array]:
    """A shipped data set's inputs (float64) and class labels (int64), as new arrays on every call."""
    with np.load(DATA_DIR / f"{name}.npz") as npz:
        return npz["data"].astype(np.float64), npz["target"].astype(np.int64)


def _principal_plane(X: Array) -> Array:
    """The first two principal components of standardised X (for scatter plots only)."""
    Z = (X - X.mean(0)) / np.where(X.std(0) == 0, 1, X.std(0))
    _, _, vt = np.linalg.svd(Z, full_matrices=False)
    return Z @ vt[:2].T


def _csv_number(cell: str, line: int, column: str) -> float:
    """One CSV cell as a finite number of moderate size, else ValueError naming its line and column."""
    try:
        value = float(cell)
    except ValueError:
        value = None
    if value is not None and abs(value) <= MAX_CSV_MAGNITUDE:
        return value
    where, text = f"line {line}, column {column}", cell.strip()
    if not text:
        raise ValueError(f"{where} is empty; fill in a number or remove the row")
    if value is None:
        raise ValueError(f"{where} holds {quoted(text)}, which is not a number; "
                         "the CSV must hold numbers only below its header")
    if not np.isfinite(value):
        raise ValueError(f"{where} holds {quoted(text)}; remove or fill in NaN and infinite values")
    raise ValueError(f"{where} holds {value:.3g}, beyond ±{MAX_CSV_MAGNITUDE:g}; rescale the data first")


def _csv_header(row: list[str]) -> list[str]:
    """The header's column names, checked: two to MAX_CSV_COLUMNS columns, each name once."""
    if len(row) < 2:
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if sep in row[0]:
                raise ValueError(f"the header has one column and {name} in it; save the file with commas "
                                 "between values (e.g. 'Comma-separated' in a spreadsheet's Save as)")
        raise ValueError("the CSV needs at least two columns: inputs, then the target last")
    if len(row) > MAX_CSV_COLUMNS:
        raise ValueError(f"the header has {len(row)} columns; at most {MAX_CSV_COLUMNS} are allowed "
                         "(inputs, then the target last)")
    names = [h.strip() for h in row]
    seen: dict[str, int] = {}
    for k, name in enumerate(names, start=1):
        if name and name in seen:
            raise ValueError(f"columns {seen[name]} and {k} are both named {quoted(name)}; give every column "
                             "its own name")
        seen[name] = k
    return names


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` one at a time (no copy of the whole text, unlike StringIO or splitlines)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def read_csv(text: str) -> tuple[list[str], Array]:
    """The header and the numbers of CSV text, read row by row: the first problem stops the reading,
    so a file past MAX_POINTS rows is refused without reading the rest. ValueError says where."""
    reader = csv.reader(_lines(text.removeprefix("\ufeff")))
    header: list[str] | None = None
    rows: list[list[float]] = []
    try:
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            if header is None:
                header = _csv_header(row)
                columns = [quoted(h or f"#{k + 1}") for k, h in enumerate(header)]
                continue
            line = reader.line_num
            if len(rows) == MAX_POINTS:
                raise ValueError(f"the CSV has more than {MAX_POINTS} data rows (line {line} is one too many); "
                                 f"keep at most {MAX_POINTS}")
            if len(row) != len(header):
                raise ValueError(f"line {line} has {len(row)} values but the header has {len(header)} "
                                 "columns; give every row one value per column")
            rows.append([_csv_number(c, line, columns[k]) for k, c in enumerate(row)])
    except csv.Error as err:
        raise ValueError(f"line {reader.line_num} cannot be read as CSV ({err}); save the file as plain "
                         "comma-separated text") from None
    if header is None:
        raise ValueError("the file is empty; upload a CSV with a header row and rows of numbers")
    if not rows:
        raise ValueError("the CSV has a header but no data rows; add rows of numbers below it")
    return header, np.array(rows)


def decode_csv(data: bytes) -> str:
    """Uploaded bytes as text: UTF-8 (with or without a byte-order mark), else ValueError."""
    if len(data) > MAX_CSV_BYTES:
        raise ValueError(f"the file has {len(data) / 2**20:.1f} MB; at most {MAX_CSV_BYTES // 2**20} MB are allowed")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(f"byte {err.start + 1} of the file is not UTF-8 text; save it as a CSV in UTF-8 "
                         "(e.g. 'CSV UTF-8' in a spreadsheet's Save as)") from None


def dataset_from_csv(
    text: str, test_fraction: float = 0.3, seed: int = 0, standardize: bool = True, target: str = "auto"
) -> Dataset:
    """A data set from CSV text: a header row, numeric columns, the target in the last column.

    `target` "classes" makes the target's distinct values (at most MAX_CSV_CLASSES) classes
    0 … k − 1 in sorted order, "values" a regression task; "auto" takes classes when the target
    holds whole numbers with at most AUTO_CLASSES distinct values (e.g. −1/+1), else values.
    """
    choice("target", target, CSV_TARGETS)
    header, data = read_csv(text)
    X, t = data[:, :-1], data[:, -1]
    classes = np.unique(t)
    whole = bool(np.all(t == np.round(t)))
    if target == "auto":
        target = "classes" if whole and classes.size <= AUTO_CLASSES else "values"
    if target == "classes":
        if classes.size < 2:
            raise ValueError("the CSV's target column (the last) holds only one class; it needs at least two")
        if classes.size > MAX_CSV_CLASSES:
            raise ValueError(f"the CSV's target column (the last) holds {classes.size} distinct values; at most "
                             f"{MAX_CSV_CLASSES} classes are allowed (treat the target as numbers instead)")
        y = np.searchsorted(classes, t).astype(np.int64)
        task = "binary" if classes.size == 2 else "multiclass"
    else:
        y, task = t, "regression"
    n_classes = 0 if task == "regression" else int(classes.size)
    rng = np.random.default_rng(seed)
    names = tuple(h or f"x{i + 1}" for i, h in enumerate(header[:-1]))
    dims = X.shape[1]
    plane = dims <= 2
    P = X if plane else _principal_plane(X)
    feats = tuple(("x1", "x2")[:dims]) if plane else names
    return _assemble("csv", task, n_classes, P, X, y, feats, test_fraction, standardize, rng,
                     has_plane=plane, names=names)
