"""A dataset as the training loop sees it: features kept as they were read, turned into float64
one batch at a time.

Why not convert once? Full MNIST as uint8 is 47 MB; as float64 it is 376 MB, before the network
has allocated anything. Keeping the pixels as bytes and scaling each batch as it is drawn keeps
full-MNIST training well under 400 MB.
"""
import numpy as np

from ..guards import check_positive_int, check_real

# The most classes a Dataset takes: a network has one output neuron per class, and a one-hot
# batch of 1,000 rows of 10**5 classes is already 800 MB.
MAX_CLASSES = 100_000


class Dataset:
    """Features ``X`` (n, d) of any real dtype with either class ``labels`` (n,) in
    ``0..n_classes-1`` (classification: targets are one-hot rows) or real ``targets`` (n, k)
    (regression). Every batch's features are divided by ``divisor`` (255 for pixels, so they
    lie in [0, 1]).

    ``batch(rows)`` -> ``(X_b, Y_b)``, both float64, new arrays: the network never sees (and so
    can never write into) the stored data.
    """

    def __init__(self, X, labels=None, targets=None, n_classes=None, divisor=1.0, name="data"):
        self.name = name
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"{name} X: got shape {X.shape}; expected (n_samples, n_features) "
                             "with both at least 1")
        if not (np.issubdtype(X.dtype, np.integer) or np.issubdtype(X.dtype, np.floating)):
            raise ValueError(f"{name} X: got dtype {X.dtype}; expected integers or floats")
        if np.issubdtype(X.dtype, np.floating) and not np.isfinite(X).all():
            raise ValueError(f"{name} X: got non-finite values; expected finite numbers")
        self.divisor = check_real("divisor", divisor)
        if self.divisor == 0.0:
            raise ValueError(f"{name} divisor: got 0.0; expected a non-zero number")
        if (labels is None) == (targets is None):
            raise ValueError(f"{name}: got {'both' if labels is not None else 'neither'} labels "
                             "and targets; expected exactly one (labels for classes, targets "
                             "for regression)")
        if labels is not None:
            n_classes = check_positive_int("n_classes", n_classes)
            if n_classes > MAX_CLASSES:
                raise ValueError(f"{name} n_classes: got {n_classes}; expected at most "
                                 f"{MAX_CLASSES} (one output neuron per class)")
            labels = np.asarray(labels)
            if labels.shape != (X.shape[0],) or not np.issubdtype(labels.dtype, np.integer):
                raise ValueError(f"{name} labels: got {labels.dtype} of shape {labels.shape}; "
                                 f"expected {X.shape[0]} integer class indices")
            if labels.min() < 0 or labels.max() >= n_classes:
                raise ValueError(f"{name} labels: got values in [{labels.min()}, {labels.max()}]; "
                                 f"expected class indices in [0, {n_classes - 1}]")
            self.labels, self.n_classes, self.targets = labels.astype(np.int64), n_classes, None
        else:
            targets = np.asarray(targets, dtype=np.float64)
            if targets.ndim != 2 or targets.shape[0] != X.shape[0]:
                raise ValueError(f"{name} targets: got shape {targets.shape}; expected "
                                 f"({X.shape[0]}, n_outputs), one row per sample")
            if not np.isfinite(targets).all():
                raise ValueError(f"{name} targets: got non-finite values; expected finite numbers")
            self.targets, self.labels, self.n_classes = targets, None, None
        self.X = X

    @property
    def is_classification(self):
        return self.labels is not None

    @property
    def n_features(self):
        return self.X.shape[1]

    @property
    def n_outputs(self):
        return self.n_classes if self.is_classification else self.targets.shape[1]

    def __len__(self):
        return self.X.shape[0]

    def batch(self, rows):
        """The float64 features and targets of ``rows`` (an index array or a slice)."""
        X_b = self.X[rows].astype(np.float64)  # astype copies even when X is float64 already
        if self.divisor != 1.0:
            X_b /= self.divisor
        if self.is_classification:
            labels = self.labels[rows]
            Y_b = np.zeros((len(labels), self.n_classes))  # one-hot rows, a batch at a time
            Y_b[np.arange(len(labels)), labels] = 1.0
            return X_b, Y_b
        return X_b, self.targets[rows].copy()

    def subset(self, rows, name=None):
        """The samples ``rows`` as a new Dataset (copies of the stored arrays)."""
        name = name or self.name
        if self.is_classification:
            return Dataset(self.X[rows], labels=self.labels[rows], n_classes=self.n_classes,
                           divisor=self.divisor, name=name)
        return Dataset(self.X[rows], targets=self.targets[rows], divisor=self.divisor, name=name)

    def __repr__(self):
        kind = f"{self.n_classes} classes" if self.is_classification else f"{self.n_outputs} targets"
        return f"Dataset({self.name!r}, {len(self)} x {self.n_features} {self.X.dtype}, {kind})"


def check_dataset(name, data):
    if not isinstance(data, Dataset):
        raise ValueError(f"{name}: got {type(data).__name__}; expected a neuronnet.dataset."
                         "Dataset (e.g. Dataset(X, labels=y, n_classes=10))")
