"""How good a classifier is: accuracy and the confusion matrix.

Both take class *indices*: ``y_true`` and ``y_pred`` are 1-D integer arrays of length n, as
``Network.predict`` returns for a cross-entropy network. One-hot targets ``Y`` (n, k) become
indices with ``Y.argmax(axis=1)``.
"""
import numbers

import numpy as np


def accuracy(y_true, y_pred):
    """The fraction of samples whose predicted class is the true one, a float in [0, 1]."""
    y_true, y_pred = _check_labels(y_true, y_pred)
    if y_true.size == 0:
        raise ValueError("y_true: got 0 samples; expected at least one (the accuracy of no "
                         "samples is 0/0)")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, n_classes):
    """C (n_classes, n_classes) int64, ``C[i, j]`` = how many samples of true class i were
    predicted as class j.

    Rows are the true class, columns the predicted one: scikit-learn's convention. So row i
    sums to the number of samples of class i, the diagonal holds the correct predictions, and
    ``trace(C) / n`` is the accuracy.
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral) \
            or n_classes < 1:
        raise ValueError(f"n_classes: got {n_classes!r}; expected a positive integer")
    y_true, y_pred = _check_labels(y_true, y_pred)
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        outside = (labels < 0) | (labels >= n_classes)
        if outside.any():
            k = int(np.argmax(outside))
            raise ValueError(f"{name}: got the class {labels[k]} at position {k}; expected "
                             f"classes 0 .. {n_classes - 1} (n_classes={n_classes})")
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    # Hazard: counts[y_true, y_pred] += 1 would count a (true, predicted) pair that occurs
    # several times only once: fancy-indexed += writes each repeated cell a single time.
    # np.add.at adds once per occurrence.
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def _check_labels(y_true, y_pred):
    """Both as 1-D int64 arrays of the same length."""
    y_true = _as_labels("y_true", y_true)
    y_pred = _as_labels("y_pred", y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_pred: got {y_pred.size} labels for the {y_true.size} of y_true; "
                         "expected one prediction per sample")
    return y_true, y_pred


def _as_labels(name, labels):
    array = np.asarray(labels)
    if array.ndim != 1:
        hint = " (for one-hot rows use Y.argmax(axis=1))" if array.ndim == 2 else ""
        raise ValueError(f"{name}: got an array of shape {array.shape}; expected 1-D class "
                         f"indices (n,){hint}")
    # Hazard: an empty list becomes a float64 array; it holds no non-integer, so let it pass.
    if array.dtype.kind not in "iu" and array.size > 0:
        raise ValueError(f"{name}: got an array of dtype {array.dtype}; expected integer class "
                         "indices (a float or bool label is ambiguous: convert it yourself)")
    return array.astype(np.int64)
