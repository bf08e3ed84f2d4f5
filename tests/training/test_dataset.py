"""A Dataset holds what it was given, each part as checked, and at its limits (the most classes,
labels at both ends). X has 3 rows and 2 columns throughout, so a row count read from the
wrong axis shows. (Its refusals, one row each: tests/test_refusals.py.)"""
import numpy as np

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


def test_a_subset_keeps_the_name_unless_given_one():
    data = Dataset(np.zeros((4, 2)), targets=np.zeros((4, 1)), name="train")
    assert data.subset([0, 1]).name == "train" and data.subset([0], name="part").name == "part"
