"""Data sets: seeded, split as asked, standardised with training statistics, features, real data, CSV."""

import hashlib
import socket

import numpy as np
import pytest

from engine import DATASET_NAMES, dataset_from_csv, make_dataset
from engine.datasets import REAL, SYNTHETIC, _load_real

ARRAYS = ("X_train", "y_train", "X_test", "y_test", "P_train", "P_test")


@pytest.mark.parametrize("name", list(SYNTHETIC))
def test_synthetic_sets_are_seeded(name):
    a, b = make_dataset(name, n=120, noise=0.2, seed=7), make_dataset(name, n=120, noise=0.2, seed=7)
    for field in ARRAYS:
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    c = make_dataset(name, n=120, noise=0.2, seed=8)
    assert not np.array_equal(a.P_train, c.P_train)


@pytest.mark.parametrize("name", list(SYNTHETIC))
def test_synthetic_sets_shape_task_and_labels(name):
    spec = SYNTHETIC[name]
    data = make_dataset(name, n=200, test_fraction=0.25, seed=1)
    assert (len(data.y_train), len(data.y_test)) == (150, 50)
    assert data.X_train.shape == (150, spec.dims) and data.P_train.shape == (150, spec.dims)
    assert data.task == spec.task and data.n_classes == spec.n_classes
    assert data.n_outputs == (spec.n_classes if spec.task == "multiclass" else 1)
    if spec.task != "regression":
        labels = np.concatenate([data.y_train, data.y_test])
        assert labels.dtype.kind == "i"
        np.testing.assert_array_equal(np.unique(labels), np.arange(spec.n_classes))
        counts = np.bincount(labels)
        assert counts.min() >= 0.3 * counts.max()  # no class is starved
    assert np.all(np.abs(data.P_train) < 6)  # toy points live around [-2, 2]²


def test_split_sizes_and_a_set_without_test_data():
    data = make_dataset("moons", n=101, test_fraction=0.3, seed=0)
    assert (len(data.y_train), len(data.y_test)) == (71, 30)
    assert set(map(tuple, data.P_train)).isdisjoint(map(tuple, data.P_test))
    empty = make_dataset("moons", n=50, test_fraction=0.0)
    assert (len(empty.y_train), len(empty.y_test)) == (50, 0)
    assert empty.X_test.shape == (0, 2)


def test_standardisation_uses_training_statistics():
    features = ("x1", "x2", "x1^2", "x1*x2", "sin(x2)")
    data = make_dataset("xor", n=300, features=features, seed=2)
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0.0, atol=1e-13)
    np.testing.assert_allclose(data.X_train.std(axis=0), 1.0, rtol=1e-13)

    def raw(P):  # the features, computed here from the raw points
        x1, x2 = P[:, 0], P[:, 1]
        return np.column_stack([x1, x2, x1 ** 2, x1 * x2, np.sin(x2)])

    F = raw(data.P_train)
    np.testing.assert_allclose(data.mean, F.mean(axis=0), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(data.std, F.std(axis=0), rtol=1e-13)
    np.testing.assert_allclose(data.X_test, (raw(data.P_test) - F.mean(axis=0)) / F.std(axis=0), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(data.inputs(data.P_test), data.X_test, rtol=1e-15, atol=1e-15)
    assert data.input_names == list(features) and data.n_inputs == 5


def test_features_without_standardisation():
    data = make_dataset("circles", features=("x1^2", "x2^2", "sin(x1)"), standardize=False, seed=0)
    P = data.P_train
    np.testing.assert_array_equal(data.X_train, np.column_stack([P[:, 0] ** 2, P[:, 1] ** 2, np.sin(P[:, 0])]))
    assert data.mean is None and data.std is None
    sine = make_dataset("sine", features=("x1", "sin(x1)"), standardize=False)
    np.testing.assert_array_equal(sine.X_train[:, 1], np.sin(sine.P_train[:, 0]))


def test_default_features_are_the_raw_coordinates():
    assert make_dataset("xor").features == ("x1", "x2")
    assert make_dataset("sine").features == ("x1",)


def test_targets_encoding_for_the_loss():
    data = make_dataset("blobs3", seed=0)
    np.testing.assert_array_equal(data.targets("train", "ce"), data.y_train)
    np.testing.assert_array_equal(data.targets("test", "squared"), np.eye(3)[data.y_test])
    xor = make_dataset("xor", seed=0)
    np.testing.assert_array_equal(xor.targets("train", "squared"), xor.y_train)


def test_regression_targets_follow_their_surface():
    plane = make_dataset("plane", noise=0.0, seed=3)
    P = plane.P_train
    np.testing.assert_allclose(plane.y_train, (P[:, 0] + 2 * P[:, 1]) / 6, rtol=1e-14, atol=1e-15)
    sine = make_dataset("sine", noise=0.0, seed=3)
    np.testing.assert_allclose(sine.y_train, np.sin(1.5 * sine.P_train[:, 0]), rtol=1e-14, atol=1e-15)


REAL_SHAPES = {"iris": (150, 4, 3), "wine": (178, 13, 3), "breast_cancer": (569, 30, 2), "digits": (1797, 64, 10)}


@pytest.mark.parametrize("name", list(REAL))
def test_real_data_sets_load_offline(name, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("a real data set tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    n, d, k = REAL_SHAPES[name]
    data = make_dataset(name, test_fraction=0.2, seed=0)
    assert len(data.y_train) + len(data.y_test) == n and len(data.y_test) == round(0.2 * n)
    assert data.n_inputs == d and data.n_classes == k and data.n_outputs == (1 if k == 2 else k)
    assert data.task == ("binary" if k == 2 else "multiclass")
    np.testing.assert_array_equal(np.unique(np.concatenate([data.y_train, data.y_test])), np.arange(k))
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0.0, atol=1e-12)
    assert data.P_train.shape == (len(data.y_train), 2)  # a 2-D view for the plots
    assert name in DATASET_NAMES


# sha256 of the inputs as little-endian float64 bytes, then the labels as little-endian int64 bytes,
# taken from scikit-learn 1.9.1's loaders
REAL_SHA256 = {
    "iris": "aa06b8008ceba42efc654be0f83fdafc786239c9e8f13146044d078f5aab8f23",
    "wine": "3a28849ef2366c4b9d4e382b3fa5624a66f693c04d7fdcf43c529bbb0bb338d7",
    "breast_cancer": "25e2eb7b7a8745b1bde5ba18bc4969983d2e2f403291ecd5bde4a29ef30c3859",
    "digits": "f6d9e39f37dc45d327f6db33428ee58970ccceabb2535a5c179de35886b70443",
}


@pytest.mark.parametrize("name", list(REAL))
def test_shipped_real_data_keep_their_values(name):
    X, y = _load_real(name)
    n, d, k = REAL_SHAPES[name]
    assert X.shape == (n, d) and y.shape == (n,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(np.unique(y), np.arange(k))
    digest = hashlib.sha256(X.astype("<f8").tobytes() + y.astype("<i8").tobytes()).hexdigest()
    assert digest == REAL_SHA256[name]


@pytest.mark.parametrize("name", list(REAL))
def test_shipped_real_data_are_new_arrays_on_every_load(name):
    X, y = _load_real(name)
    X_again, y_again = _load_real(name)
    assert X.flags.writeable and not np.shares_memory(X, X_again) and not np.shares_memory(y, y_again)
    X[:] = -1.0  # a caller that writes into its copy leaves the next load alone
    assert not np.array_equal(_load_real(name)[0], X)


@pytest.mark.parametrize("name", list(REAL))
def test_shipped_real_data_equal_scikit_learns(name):
    sk = pytest.importorskip("sklearn.datasets")
    bunch = getattr(sk, f"load_{name}")()
    X, y = _load_real(name)
    np.testing.assert_array_equal(X, bunch.data, strict=True)
    np.testing.assert_array_equal(y, bunch.target.astype(np.int64), strict=True)


CSV = "height,weight,label\n1.0,2.0,0\n3.0,4.5,1\n\n5.0,6.0,0\n7.0,8.0,1\n2.0,2.0,1\n"


def test_csv_classification():
    data = dataset_from_csv(CSV, test_fraction=0.2, seed=0, standardize=False)
    assert data.task == "binary" and data.n_classes == 2 and data.n_outputs == 1
    assert (len(data.y_train), len(data.y_test)) == (4, 1)
    rows = np.column_stack([np.vstack([data.X_train, data.X_test]), np.concatenate([data.y_train, data.y_test])])
    expected = np.array([[1, 2, 0], [3, 4.5, 1], [5, 6, 0], [7, 8, 1], [2, 2, 1]], dtype=float)
    assert sorted(map(tuple, rows)) == sorted(map(tuple, expected))  # blank lines skipped, order shuffled
    assert data.has_plane and data.P_train.shape == (4, 2)


def test_csv_labels_are_mapped_to_0_to_k_minus_1():
    data = dataset_from_csv("a,b,c,t\n1,2,3,2\n3,1,3,5\n5,6,3,9\n1,1,1,5\n", test_fraction=0.0)
    assert data.task == "multiclass" and data.n_classes == 3
    assert sorted(data.y_train.tolist()) == [0, 1, 1, 2]
    assert data.input_names == ["a", "b", "c"] and not data.has_plane  # > 2 inputs: header names, PCA plot


def test_csv_regression():
    data = dataset_from_csv("x,t\n1,0.5\n2,1.5\n3,2.25\n4,3.0\n", test_fraction=0.25)
    assert data.task == "regression" and data.n_classes == 0 and data.n_outputs == 1
    assert sorted(np.concatenate([data.y_train, data.y_test]).tolist()) == [0.5, 1.5, 2.25, 3.0]


@pytest.mark.parametrize(("text", "message"), [
    ("", "the file is empty"),
    ("a,b,c\n", "the CSV has a header but no data rows"),
    ("a\n1\n2\n", "the CSV needs at least two columns"),
    ("a,b,label\n1,2,0\n3,1\n5,6,0\n", "line 3 has 2 values but the header has 3 columns"),
    ("a,b,label\n1,2,0\n3,1,1,7\n", "line 3 has 4 values but the header has 3 columns"),
    ("a,b,label\n1,2,0\nx,1,1\n5,6,0\n", "line 3, column 'a' holds 'x', which is not a number"),
    ("a,b,label\n1,2,0\n3,1,0\n5,6,0\n", "the CSV's target column \\(the last\\) holds only one class"),
    ("a,b,label\n1,nan,0\n3,1,1\n", "line 2, column 'b' holds 'nan'; remove or fill in NaN"),
    ("a,label\n1,0\n2,1\n" + "3,1\n" * 5000, "more than 5000 data rows \\(line 5002 is one too many\\)"),
    ("a,b,label\n1,,0\n", "line 2, column 'b' is empty; fill in a number or remove the row"),
    ("a;b;label\n1;2;0\n", "the header has one column and semicolons in it; save the file with commas"),
])
def test_malformed_csv(text, message):
    with pytest.raises(ValueError, match=message):
        dataset_from_csv(text)


def test_csv_with_signed_labels_is_classification_and_keeps_header_names():
    data = dataset_from_csv("height,weight,label\n1,2,-1\n3,4,1\n5,6,-1\n7,8,1\n", test_fraction=0.0)
    assert data.task == "binary" and sorted(data.y_train.tolist()) == [0, 0, 1, 1]
    assert data.input_names == ["height", "weight"] and data.has_plane


def test_csv_with_values_near_the_float_limit_is_refused():
    rows = "".join(f"{(-1) ** i * 1.7e308},{i % 2}\n" for i in range(30))
    with pytest.raises(ValueError, match="rescale the data"):
        dataset_from_csv("a,y\n" + rows)
