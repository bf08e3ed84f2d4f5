"""Preparing data for training: seeded train/valid/test splits and feature scaling.

Random state comes only from a ``numpy.random.Generator`` passed in, so a seed given once
reproduces every split. Scaling statistics come from the training split alone.
"""
import math
import numbers

import numpy as np

from ..guards import check_generator, check_positive_int, check_real


def split_indices(n_or_labels, fractions, rng):
    """Seeded split of the rows into parts (e.g. train/valid/test) of the given fractions.

    n_or_labels: an int n (a plain split of rows 0..n-1) or a 1-D integer label array y (n,)
    (a stratified split: every class is split in the same proportions, so a rare class is not
    left out of the test set by chance).
    fractions: positive numbers summing to 1 (within 1e-9), one per part, e.g. (0.8, 0.1, 0.1).

    Returns a tuple of int64 index arrays, one per part, each sorted; together they are
    disjoint and cover every row.

    How, per class (the whole data is one class when given n): permute the class's m rows with
    ``rng.permutation``, then cut at ``round(m * (f_1 + ... + f_i))``. Cutting at rounded
    *cumulative* fractions (not rounding each part's size) keeps the parts summing to m, and each
    part within 1 row of ``f_i * m``. Classes are visited in sorted label order, one permutation
    each, so a given ``rng`` state always gives the same split.
    """
    check_generator("rng", rng, "the rows are permuted with it")
    fractions = _check_fractions(fractions)
    labels = _labels_or_single_class(n_or_labels)
    cumulative = np.cumsum(fractions).tolist()
    parts = [[] for _ in fractions]
    # FIX: test-is-training-copy
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        for i, (start, stop) in enumerate(_cuts(len(members), cumulative)):
            parts[i].append(members[start:stop])
    parts = tuple(np.sort(np.concatenate(p)).astype(np.int64) for p in parts)
    empty = [i for i, p in enumerate(parts) if len(p) == 0]
    if empty:
        raise ValueError(_empty_part_message(fractions, cumulative, labels, empty[0]))
    return parts


def _check_fractions(fractions):
    """A tuple of positive finite floats summing to 1 within 1e-9, or ValueError naming it."""
    try:
        values = tuple(fractions)
    except TypeError:
        raise TypeError(f"fractions: got {fractions!r}; expected a sequence of positive "
                        "numbers summing to 1, e.g. (0.8, 0.1, 0.1)") from None
    if not values:
        raise ValueError("fractions: got an empty sequence; expected at least one fraction")
    for value in values:
        check_real("fractions", value)
        if value <= 0:
            raise ValueError(f"fractions: got {values!r}; every fraction must be > 0 (an empty "
                             "part is not a part)")
    values = tuple(float(v) for v in values)
    if abs(math.fsum(values) - 1.0) > 1e-9:
        raise ValueError(f"fractions: got {values!r}, summing to {math.fsum(values)!r}; "
                         "expected a sum of 1")
    return values


def _labels_or_single_class(n_or_labels):
    """A 1-D integer label array: the labels given, or n zeros (one class) for an int n."""
    if isinstance(n_or_labels, numbers.Integral) and not isinstance(n_or_labels, bool):
        return np.zeros(check_positive_int("n_or_labels", n_or_labels), dtype=np.int64)
    labels = np.asarray(n_or_labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or len(labels) == 0:
        raise ValueError(f"n_or_labels: got an array of shape {labels.shape} and type "
                         f"{labels.dtype}; expected a positive int n or a non-empty 1-D integer "
                         "label array")
    return labels


def _cuts(m, cumulative):
    """(start, stop) of each part for m rows: boundaries at round(m * cumulative fraction).

    The last boundary is m itself, not round(m * 0.9999999999): a rounding error in the sum of
    the fractions must not drop the last row."""
    bounds = [0] + [round(m * c) for c in cumulative[:-1]] + [m]
    return list(zip(bounds[:-1], bounds[1:]))


def _empty_part_message(fractions, cumulative, labels, part):
    """Say which part is empty and how many rows (in one class) would fill every part."""
    largest = int(np.unique(labels, return_counts=True)[1].max())
    # The smallest class size m for which every part gets a row. A part of fraction f gets at
    # least f*m - 1 rows, so m = ceil(2 / min f) always suffices; the search stops there (and
    # is not attempted for absurdly small fractions, where that bound is reported instead).
    enough = math.ceil(2 / min(fractions))
    needed = next((m for m in range(1, min(enough, 10**6) + 1)
                   if all(stop > start for start, stop in _cuts(m, cumulative))), enough)
    where = (f"the largest class has {largest} rows" if len(np.unique(labels)) > 1
             else f"the data has {largest} rows")
    return (f"fractions: got {fractions!r}; part {part} (fraction {fractions[part]}) would be "
            f"empty: {where}, but these fractions need at least {needed} rows "
            f"{'in one class ' if len(np.unique(labels)) > 1 else ''}to give every part a row")



def min_max_scale(X_train, X_other):
    """Scale every feature to [0, 1] using the *training* minimum and range only, so the test
    set tells the model nothing."""
    low = X_train.min(axis=0)
    span = np.where(X_train.max(axis=0) > low, X_train.max(axis=0) - low, 1.0)
    return (X_train - low) / span, (X_other - low) / span
