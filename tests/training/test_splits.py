"""split_indices and min_max_scale (neuronnet/training/splits.py): stratified and plain splits
cut where the fractions say, the same for the same seed, random otherwise; an empty part and
bad fractions refused naming the argument."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuronnet.io import (
    data_dir,
)
from neuronnet.training import split_indices
from strategies import WrongType, expecting

DATA_DIR = data_dir()


# --------------------------------------------------------------------------------------------
# split_indices

LABELS = np.repeat([3, 0, 7, 1], [50, 31, 7, 12])      # uneven classes, labels not 0..k-1
np.random.default_rng(99).shuffle(LABELS)


def check_partition(parts, n):
    for part in parts:
        assert part.dtype == np.int64
        assert (np.diff(part) > 0).all()                   # sorted, no repeats
    everything = np.concatenate(parts)
    assert len(everything) == n                            # disjoint ...
    assert np.array_equal(np.sort(everything), np.arange(n))   # ... and covering


@pytest.mark.parametrize("fractions", [(0.8, 0.1, 0.1), (0.5, 0.5), (0.6, 0.2, 0.1, 0.1), (1.0,)])
def test_split_indices_stratified(fractions):
    parts = split_indices(LABELS, fractions, np.random.default_rng(0))
    assert len(parts) == len(fractions)
    check_partition(parts, len(LABELS))
    for label in np.unique(LABELS):
        m = np.sum(LABELS == label)
        for part, f in zip(parts, fractions):
            assert abs(np.sum(LABELS[part] == label) - f * m) <= 1


@given(st.lists(st.integers(0, 4), min_size=1, max_size=60),
       st.lists(st.integers(1, 20), min_size=1, max_size=4))
def test_every_class_is_cut_at_the_rounded_cumulative_fractions(labels, weights):
    # The rule the docstring states, exactly: a class of m rows gives part i
    # round(m * F_i) - round(m * F_(i-1)) of its rows, with F the cumulative fractions, F_0 = 0
    # and the last boundary m itself. (Within 1 row of f_i * m, which the tests above check,
    # also holds of truncating or of rounding each part on its own.)
    labels = np.array(labels)
    fractions = tuple(w / sum(weights) for w in weights)
    cumulative = np.cumsum(fractions)
    try:
        parts = split_indices(labels, fractions, np.random.default_rng(0))
    except ValueError as error:
        assert "would be empty" in str(error)
        return
    check_partition(parts, len(labels))
    for label in np.unique(labels):
        m = int(np.sum(labels == label))
        bounds = [0] + [round(m * c) for c in cumulative[:-1]] + [m]
        assert [int(np.sum(labels[part] == label)) for part in parts] == \
            np.diff(bounds).tolist(), (label, m, fractions)


@pytest.mark.parametrize("n", [10, 97, 1000])
def test_split_indices_plain(n):
    fractions = (0.7, 0.15, 0.15)
    parts = split_indices(n, fractions, np.random.default_rng(0))
    check_partition(parts, n)
    for part, f in zip(parts, fractions):
        assert abs(len(part) - f * n) <= 1


@pytest.mark.parametrize("what", [100, LABELS], ids=["plain", "stratified"])
def test_split_indices_deterministic_per_seed(what):
    first = split_indices(what, (0.8, 0.1, 0.1), np.random.default_rng(5))
    again = split_indices(what, (0.8, 0.1, 0.1), np.random.default_rng(5))
    other = split_indices(what, (0.8, 0.1, 0.1), np.random.default_rng(6))
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[1], other[1])


def test_split_indices_is_a_random_split():
    """Not the first rows in order: the held-out part is spread over the data."""
    train, test = split_indices(1000, (0.9, 0.1), np.random.default_rng(0))
    assert test.min() < 100 and test.max() > 900


@pytest.mark.parametrize("fractions,fragment,error", expecting([
    ((0.8, 0.1), "summing to 0.9"), ((0.8, 0.3), "summing to 1.1"),
    ((1.2, -0.2), "> 0"), ((0.5, 0.0, 0.5), "> 0"), ((), "empty"),
    ((0.5, float("nan")), "finite"), WrongType((0.5, "sequence")),
    WrongType((("a", "b"), "finite")),
]))
def test_split_indices_rejects_bad_fractions(fractions, fragment, error):
    with pytest.raises(error, match=f"^fractions: got.*{fragment}"):
        split_indices(10, fractions, np.random.default_rng(0))


def test_split_indices_accepts_a_sum_within_tolerance():
    parts = split_indices(10, (0.7, 0.2, 0.1 + 5e-10), np.random.default_rng(0))
    check_partition(parts, 10)


@pytest.mark.parametrize("what,fragment", [
    (5, "the data has 5 rows, but these fractions need at least 16 rows to"),
    (np.array([0, 0, 1, 1, 1]), "the largest class has 3 rows.*at least 16 rows in one class to"),
])
def test_split_indices_empty_part(what, fragment):
    with pytest.raises(ValueError, match=f"^fractions: got.*part [12].*empty.*{fragment} give "
                                         "every part a row$"):
        split_indices(what, (0.9, 0.05, 0.05), np.random.default_rng(0))
    # ... and the size the message names is enough.
    check_partition(split_indices(16, (0.9, 0.05, 0.05), np.random.default_rng(0)), 16)


@given(st.lists(st.integers(1, 40), min_size=2, max_size=4))
def test_the_rows_an_empty_part_needs_are_the_fewest_that_split(weights):
    # The message's "at least N rows" is the smallest N for which the split succeeds: tried
    # here from the outside, one size after another.
    fractions = tuple(w / sum(weights) for w in weights)
    fewest = next(m for m in range(1, 10**4)
                  if _splits(m, fractions))
    if fewest == 1:
        return
    with pytest.raises(ValueError, match=f"at least {fewest} rows to give every part a row$"):
        split_indices(fewest - 1, fractions, np.random.default_rng(0))


def test_fractions_too_small_to_search_name_the_bound():
    # Below a fraction of 2e-6 the size is not searched (it would take millions of tries):
    # the message names the bound ceil(2 / min f), which always suffices.
    with pytest.raises(ValueError, match="at least 20000000 rows to give every part a row$"):
        split_indices(5, (1 - 1e-7, 1e-7), np.random.default_rng(0))


def _splits(m, fractions):
    try:
        split_indices(m, fractions, np.random.default_rng(0))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("what,error", expecting([
    (0,), (-1,), (True,), (2.0,), (np.array([0.0, 1.0]),), (np.zeros((2, 2), int),),
    (np.array([], dtype=int),), (["a", "b"],)]))
def test_split_indices_rejects_bad_data(what, error):
    with pytest.raises(error, match="^n_or_labels: got"):
        split_indices(what, (0.5, 0.5), np.random.default_rng(0))


def test_split_indices_rejects_global_random_state():
    with pytest.raises(TypeError, match="^rng: got"):
        split_indices(10, (0.5, 0.5), np.random.RandomState(0))
