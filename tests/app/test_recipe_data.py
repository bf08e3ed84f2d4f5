"""Preprocessing is one function of the training split, for every recipe.

- Scaling statistics come from the training split alone: changing the rows outside it changes
  nothing about how the training rows are scaled, and every split goes through the same map.
- The same transform applies to every split and to every batch, subset or not: a batch of any
  rows equals those rows of the whole split, and a subset's batches equal the split's.
- Image features reach exactly [0, 1]: pixel 0 is 0.0 and pixel 255 is 1.0.

Both models read the data through the same code, so none of this can be seen by comparing them.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuronnet.app import recipe_data, recipes
from neuronnet.training import split_indices
from neuronnet.training.dataset import Dataset

RECIPES = sorted(recipes.RECIPES)
IMAGES = [name for name in RECIPES if recipes.get(name).data.startswith(("mnist", "digits"))]


@pytest.fixture(scope="module")
def loaded():
    """Every recipe's splits, loaded once (the MNIST recipes read 70,000 images each)."""
    return {name: recipe_data.load(recipes.get(name).data, recipes.seeds(3)[0]) for name in RECIPES}


@pytest.mark.parametrize("name", RECIPES)
def test_every_batch_of_every_split_is_the_same_map_of_its_rows(name, loaded):
    splits = loaded[name]
    parts = [splits.train, splits.valid, splits.test]
    assert len({part.divisor for part in parts}) == 1, "the splits are scaled differently"
    rng = np.random.default_rng(0)
    for part in parts:
        everything = part.batch(np.arange(len(part)))
        for size in (1, 7, len(part)):
            rows = np.sort(rng.choice(len(part), min(size, len(part)), replace=False))
            X_b, Y_b = part.batch(rows)
            assert np.array_equal(X_b, everything[0][rows]) and np.array_equal(Y_b,
                                                                               everything[1][rows])
            X_s, Y_s = part.subset(rows).batch(np.arange(len(rows)))
            assert np.array_equal(X_s, X_b) and np.array_equal(Y_s, Y_b), \
                f"{name} {part.name}: a subset's batches differ from the split's"


@st.composite
def datasets_and_rows(draw):
    """A Dataset of either kind (classes or real targets) with any divisor and feature dtype,
    and some of its rows, in any order, repeats allowed."""
    n, d = draw(st.integers(1, 12)), draw(st.integers(1, 4))
    dtype = draw(st.sampled_from([np.uint8, np.int64, np.float32, np.float64]))
    values = draw(st.lists(st.integers(0, 255), min_size=n * d, max_size=n * d))
    X = np.array(values, dtype=dtype).reshape(n, d)
    divisor = draw(st.sampled_from([1.0, 255.0, 0.5, -3.0, 7.25]))
    if draw(st.booleans()):
        k = draw(st.integers(1, 5))
        labels = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
        data = Dataset(X, labels=labels, n_classes=k, divisor=divisor)
    else:
        k = draw(st.integers(1, 3))
        targets = np.array(draw(st.lists(st.floats(-1e3, 1e3), min_size=n * k,
                                         max_size=n * k))).reshape(n, k)
        data = Dataset(X, targets=targets, divisor=divisor)
    rows = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=2 * n)))
    return data, rows


def expected_batch(data, rows):
    """What the docstring says a batch is: the rows' features over the divisor, in float64, and
    their one-hot rows (classes) or their targets (regression)."""
    X = data.X[rows].astype(np.float64) / data.divisor
    if data.is_classification:
        return X, np.eye(data.n_classes)[data.labels[rows]]
    return X, data.targets[rows]


@given(datasets_and_rows())
def test_a_batch_and_a_subsets_batches_are_the_same_map_of_the_rows(case):
    data, rows = case
    X_b, Y_b = data.batch(rows)
    X_e, Y_e = expected_batch(data, rows)
    assert X_b.dtype == Y_b.dtype == np.float64
    assert np.array_equal(X_b, X_e) and np.array_equal(Y_b, Y_e), (data, rows)
    part = data.subset(rows)
    assert (part.divisor, part.n_outputs, part.is_classification) == \
        (data.divisor, data.n_outputs, data.is_classification), (data, part)
    inner = np.arange(len(rows))[::-1]
    X_s, Y_s = part.batch(inner)
    assert np.array_equal(X_s, X_b[inner]) and np.array_equal(Y_s, Y_b[inner]), \
        f"{data}: a subset's batch differs from the same rows of the whole"


@pytest.mark.parametrize("name", IMAGES)
def test_image_features_reach_exactly_zero_and_one(name, loaded):
    splits = loaded[name]
    for part in (splits.train, splits.valid, splits.test):
        assert part.X.dtype == np.uint8 and part.divisor == 255
        rows = np.flatnonzero((part.X == 255).any(axis=1))[:50]
        X_b, _ = part.batch(rows)
        assert X_b.max() == 1.0 and X_b.min() == 0.0
        assert np.array_equal(X_b, part.X[rows] / 255.0)          # pixel p is p / 255, exactly


def iris_like(n=150, seed=1):
    """Distinct raw features on scales far from [0, 1], three balanced classes."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * [1.0, 10.0, 100.0, 0.01] + [5.0, -20.0, 300.0, 0.0]
    return X, np.arange(n) % 3, ["a", "b", "c"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_iris_is_scaled_by_its_training_rows_alone(seed, monkeypatch):
    # iris is the recipe with fitted statistics (a min-max scaling): on data whose rows are
    # known, every split must be (raw - min) / (max - min) with min and max of the training
    # rows, and changing the other rows must not move the training rows' features.
    X, y, classes = iris_like()
    monkeypatch.setattr(recipe_data, "load_iris", lambda path: (X, y, classes))
    splits = recipe_data.load("iris", recipes.seeds(seed)[0])
    train, valid, test = split_indices(y, (0.6, 0.2, 0.2), recipes.seeds(seed)[0])
    low, high = X[train].min(axis=0), X[train].max(axis=0)
    for part, rows in ((splits.train, train), (splits.valid, valid), (splits.test, test)):
        features = part.batch(np.arange(len(part)))[0]
        assert np.allclose(features, (X[rows] - low) / (high - low), rtol=0, atol=1e-15), part.name
    train_features = splits.train.batch(np.arange(len(train)))[0]
    assert train_features.min() == 0.0 and train_features.max() == 1.0

    moved = X.copy()
    moved[np.concatenate([valid, test])] *= 1000.0        # far outside the training range
    monkeypatch.setattr(recipe_data, "load_iris", lambda path: (moved, y, classes))
    again = recipe_data.load("iris", recipes.seeds(seed)[0])
    assert np.array_equal(again.train.batch(np.arange(len(train)))[0], train_features)
