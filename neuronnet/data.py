"""Reading the data shipped in data/ (for now: iris) and preparing it for a network."""
import csv
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def load_iris(path=None):
    """Fisher's iris: X (150, 4) float64 features, y (150,) int class indices, and the class
    names (sorted). Reads a CSV with a header row and the species name in the last column."""
    path = Path(path) if path is not None else DATA_DIR / "iris.csv"
    if not path.is_file():
        raise FileNotFoundError(f"path: got {str(path)!r}, which is not a file; expected the iris "
                                "CSV (shipped as data/iris.csv)")
    features, names = [], []
    with path.open(newline="") as f:
        rows = csv.reader(f)
        header = next(rows, None)
        if header is None or len(header) != 5:
            raise ValueError(f"{path}: got header {header!r}; expected 4 feature columns and "
                             "a species column")
        for line_no, row in enumerate(rows, start=2):
            if not row:
                continue
            if len(row) != 5:
                raise ValueError(f"{path}, line {line_no}: got {len(row)} fields; expected 5")
            try:
                features.append([float(v) for v in row[:4]])
            except ValueError:
                raise ValueError(f"{path}, line {line_no}: got {row[:4]!r}; expected four "
                                 "numbers") from None
            names.append(row[4])
    X = np.array(features, dtype=np.float64)
    if X.size == 0 or not np.isfinite(X).all():
        raise ValueError(f"{path}: expected at least one row of finite numbers")
    classes, y = np.unique(names, return_inverse=True)
    return X, y, [str(c) for c in classes]


def one_hot(y, n_classes):
    """Class indices (n,) -> one-hot rows (n, n_classes)."""
    return np.eye(n_classes)[y]


def stratified_split(y, test_fraction, rng):
    """Indices (train, test): each class split in the same proportion, drawn from ``rng``."""
    train, test = [], []
    for c in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == c))
        n_test = int(round(test_fraction * len(members)))
        test.extend(members[:n_test])
        train.extend(members[n_test:])
    return np.array(sorted(train)), np.array(sorted(test))


def min_max_scale(X_train, X_other):
    """Scale every feature to [0, 1] using the *training* minimum and range only, so the test
    set tells the model nothing."""
    low = X_train.min(axis=0)
    span = np.where(X_train.max(axis=0) > low, X_train.max(axis=0) - low, 1.0)
    return (X_train - low) / span, (X_other - low) / span
