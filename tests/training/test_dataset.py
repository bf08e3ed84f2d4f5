"""A Dataset holds what it was given, each part as checked, and refuses bad data word for word
before it keeps anything. X has 3 rows and 2 columns throughout, so a row count read from the
wrong axis shows."""
import numpy as np
import pytest

from neuronnet.training import Dataset
from neuronnet.training.dataset import MAX_CLASSES

X = np.arange(6, dtype=np.uint8).reshape(3, 2)


def test_a_classification_set_holds_its_parts_as_checked():
    d = Dataset(X, labels=np.array([0, 2, 1], dtype=np.int8), n_classes=np.int64(3),
                divisor=255, name="pixels")
    assert d.X is not None and d.X.dtype == np.uint8 and np.array_equal(d.X, X)
    assert d.labels.dtype == np.int64 and d.labels.tolist() == [0, 2, 1]
    assert (d.n_classes, type(d.n_classes), d.targets) == (3, int, None)
    assert (d.divisor, type(d.divisor), d.name) == (255.0, float, "pixels")
    assert (len(d), d.n_features, d.n_outputs, d.is_classification) == (3, 2, 3, True)


def test_a_regression_set_holds_float64_targets_and_no_labels():
    d = Dataset(X, targets=[[1], [2], [3]])
    assert d.targets.dtype == np.float64 and d.targets.tolist() == [[1.0], [2.0], [3.0]]
    assert (d.labels, d.n_classes, d.divisor, d.name) == (None, None, 1.0, "data")
    assert (len(d), d.n_features, d.n_outputs, d.is_classification) == (3, 2, 1, False)


def test_labels_at_both_ends_and_the_most_classes_are_accepted():
    assert Dataset(X, labels=[0, 1, 0], n_classes=2).labels.tolist() == [0, 1, 0]
    assert Dataset(X, labels=[0, 0, MAX_CLASSES - 1], n_classes=MAX_CLASSES).n_classes \
        == MAX_CLASSES
    assert Dataset(np.ones((1, 1)), labels=[0], n_classes=1).n_outputs == 1


LABELS = dict(labels=[0, 1, 0], n_classes=2)
CASES = [
    (dict(X=np.ones((3, 2, 1)), **LABELS), ValueError,
     "data X: got shape (3, 2, 1); expected (n_samples, n_features) with both at least 1"),
    (dict(X=np.ones((0, 2)), **LABELS), ValueError,
     "data X: got shape (0, 2); expected (n_samples, n_features) with both at least 1"),
    (dict(X=np.ones((3, 0)), **LABELS), ValueError,
     "data X: got shape (3, 0); expected (n_samples, n_features) with both at least 1"),
    (dict(X=np.ones((3, 2), dtype=bool), **LABELS), ValueError,
     "data X: got dtype bool; expected integers or floats"),
    (dict(X=np.array([[1.0, np.inf], [0, 0], [0, 0]]), **LABELS), ValueError,
     "data X: got non-finite values; expected finite numbers"),
    (dict(X=np.array([[1.0, 0], [np.nan, 0], [0, 0]], dtype=np.float32), **LABELS), ValueError,
     "data X: got non-finite values; expected finite numbers"),
    (dict(X=X, divisor="255", **LABELS), TypeError,
     "divisor: got '255'; expected a finite real number (an int or a float)"),
    (dict(X=X, divisor=0, **LABELS), ValueError,
     "data divisor: got 0.0; expected a non-zero number"),
    (dict(X=X, labels=[0, 1, 0], targets=np.ones((3, 1)), n_classes=2), ValueError,
     "data: got both labels and targets; expected exactly one (labels for classes, targets "
     "for regression)"),
    (dict(X=X), ValueError,
     "data: got neither labels and targets; expected exactly one (labels for classes, "
     "targets for regression)"),
    (dict(X=X, labels=[0, 1, 0]), TypeError, "n_classes: got None; expected a positive integer"),
    (dict(X=X, labels=[0, 1, 0], n_classes=MAX_CLASSES + 1), ValueError,
     f"data n_classes: got {MAX_CLASSES + 1}; expected at most {MAX_CLASSES} (one output "
     "neuron per class)"),
    (dict(X=X, labels=[0, 1], n_classes=2), ValueError,
     "data labels: got int64 of shape (2,); expected 3 integer class indices"),
    (dict(X=X, labels=[0.0, 1.0, 0.0], n_classes=2), ValueError,
     "data labels: got float64 of shape (3,); expected 3 integer class indices"),
    (dict(X=X, labels=[0, 2, 0], n_classes=2), ValueError,
     "data labels: got values in [0, 2]; expected class indices in [0, 1]"),
    (dict(X=X, labels=[-1, 1, 0], n_classes=2), ValueError,
     "data labels: got values in [-1, 1]; expected class indices in [0, 1]"),
    (dict(X=X, targets=np.ones(3)), ValueError,
     "data targets: got shape (3,); expected (3, n_outputs), one row per sample"),
    (dict(X=X, targets=np.ones((2, 3))), ValueError,
     "data targets: got shape (2, 3); expected (3, n_outputs), one row per sample"),
    (dict(X=X, targets=[[0.0], [np.nan], [1.0]]), ValueError,
     "data targets: got non-finite values; expected finite numbers"),
]


@pytest.mark.parametrize("kwargs, error, sentence", CASES)
def test_each_refusal_is_its_whole_sentence(kwargs, error, sentence):
    with pytest.raises(error) as refusal:
        Dataset(**kwargs)
    assert str(refusal.value) == sentence


def test_a_refusal_names_the_set():
    with pytest.raises(ValueError) as refusal:
        Dataset(X, labels=[0, 5, 0], n_classes=2, name="test split")
    assert str(refusal.value).startswith("test split labels: got values in [0, 5]")


def test_a_batch_is_divided_by_the_divisor_and_a_subset_keeps_it_and_names_itself():
    for divisor in (1.0, 2.0, 255):
        d = Dataset(X, labels=[0, 1, 0], n_classes=2, divisor=divisor)
        X_b, Y_b = d.batch([2, 0])
        assert X_b.dtype == np.float64 and X_b.tolist() == (X[[2, 0]] / divisor).tolist()
        assert Y_b.tolist() == [[1.0, 0.0], [1.0, 0.0]]
        part = d.subset([1], name="one row")
        assert (part.name, part.divisor, len(part)) == ("one row", float(divisor), 1)
        regression = Dataset(X, targets=[[1], [2], [3]], divisor=divisor).subset([0, 2], "ends")
        assert (regression.name, regression.divisor) == ("ends", float(divisor))
        assert regression.batch([1])[0].tolist() == [list(X[2] / divisor)]
