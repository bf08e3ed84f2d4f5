"""Accuracy and the confusion matrix: hand-worked examples, the identities that tie them
together, and bad input named."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuronnet.training.metrics import accuracy, confusion_matrix
from strategies import budget


def test_accuracy_by_hand():
    assert accuracy([0, 1, 2, 2], [0, 2, 2, 2]) == 0.75
    assert accuracy([1], [1]) == 1.0
    assert accuracy([1, 0], [0, 1]) == 0.0
    assert isinstance(accuracy(np.array([3, 1]), np.array([3, 0])), float)


def test_confusion_matrix_by_hand():
    # true:      0  0  1  1  1  2
    # predicted: 0  1  1  1  2  0
    cm = confusion_matrix([0, 0, 1, 1, 1, 2], [0, 1, 1, 1, 2, 0], 3)
    assert cm.dtype == np.int64
    assert cm.tolist() == [[1, 1, 0],    # row = true class 0: one right, one called 1
                           [0, 2, 1],    # true class 1: two right, one called 2
                           [1, 0, 0]]    # true class 2: called 0


def test_rows_are_true_classes_and_columns_predictions():
    # Every sample of class 0 is predicted as 2: scikit-learn's convention puts the count at
    # row 0 (true), column 2 (predicted), not the transpose.
    cm = confusion_matrix([0, 0, 0], [2, 2, 2], 3)
    assert cm[0, 2] == 3 and cm[2, 0] == 0


def test_repeated_pairs_are_all_counted():
    # The pair (1, 1) five times: a fancy-indexed += would count it once.
    assert confusion_matrix([1] * 5, [1] * 5, 2).tolist() == [[0, 0], [0, 5]]


def test_classes_never_seen_give_zero_rows_and_columns():
    cm = confusion_matrix([0, 0], [0, 0], 4)
    assert cm.shape == (4, 4) and cm.sum() == 2 and cm[0, 0] == 2


def test_no_samples_give_a_zero_matrix():
    assert confusion_matrix([], [], 2).tolist() == [[0, 0], [0, 0]]


@st.composite
def labelled(draw):
    k = draw(st.integers(1, 6))
    n = draw(st.integers(1, 40))
    classes = st.integers(0, k - 1)
    y_true = draw(st.lists(classes, min_size=n, max_size=n))
    y_pred = draw(st.lists(classes, min_size=n, max_size=n))
    return np.array(y_true), np.array(y_pred), k


@settings(max_examples=budget(100))
@given(labelled())
def test_the_matrix_and_the_accuracy_agree(case):
    y_true, y_pred, k = case
    n = len(y_true)
    cm = confusion_matrix(y_true, y_pred, k)
    assert cm.shape == (k, k) and cm.dtype == np.int64 and (cm >= 0).all()
    assert cm.sum() == n
    assert np.trace(cm) / n == accuracy(y_true, y_pred)
    assert cm.sum(axis=1).tolist() == np.bincount(y_true, minlength=k).tolist()  # true counts
    assert cm.sum(axis=0).tolist() == np.bincount(y_pred, minlength=k).tolist()  # predictions
    for i, j in zip(y_true[:5], y_pred[:5]):
        assert cm[i, j] == np.sum((y_true == i) & (y_pred == j))
    # Swapping the roles of truth and prediction transposes the matrix.
    assert (confusion_matrix(y_pred, y_true, k) == cm.T).all()


@pytest.mark.parametrize("call, fragments", [
    (lambda: accuracy([0, 1], [0, 1, 1]), ["y_pred", "3 labels", "2 of y_true"]),
    (lambda: accuracy([], []), ["y_true", "0 samples"]),
    (lambda: accuracy(np.eye(3), [0, 1, 2]), ["y_true", "(3, 3)", "argmax"]),
    (lambda: accuracy([0, 1], 1), ["y_pred", "()", "1-D"]),
    (lambda: accuracy([0.0, 1.0], [0, 1]), ["y_true", "float64", "integer"]),
    (lambda: accuracy([0, 1], [True, False]), ["y_pred", "bool", "integer"]),
    (lambda: confusion_matrix([0, 1], [0], 2), ["y_pred", "1 labels", "2 of y_true"]),
    (lambda: confusion_matrix([0, 3], [0, 1], 3), ["y_true", "class 3", "position 1",
                                                   "0 .. 2"]),
    (lambda: confusion_matrix([0, 1], [-1, 1], 3), ["y_pred", "class -1", "position 0"]),
    (lambda: confusion_matrix([0, 1], [0, 1], 0), ["n_classes", "0", "positive"]),
    (lambda: confusion_matrix([0, 1], [0, 1], 2.0), ["n_classes", "2.0"]),
    (lambda: confusion_matrix([0, 1], [0, 1], True), ["n_classes", "True"]),
    (lambda: confusion_matrix([[0], [1]], [0, 1], 2), ["y_true", "(2, 1)"]),
])
def test_bad_input_is_named(call, fragments):
    with pytest.raises(ValueError) as info:
        call()
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))


def test_the_accuracy_of_no_samples_is_refused_with_its_reason():
    with pytest.raises(ValueError) as refusal:
        accuracy([], [])
    assert str(refusal.value).startswith("y_true: got 0 samples; expected ") and "0/0" in \
        str(refusal.value)
