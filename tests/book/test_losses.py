"""The losses as made and looked up, and the targets cross-entropy takes: probability rows,
within rounding of a sum of 1. (Its refusals: tests/test_refusals.py.)"""
import numpy as np
import pytest

from neuronnet import Network
from neuronnet.losses import CrossEntropy, HalfMSE, get_loss
from reference import MLP


def test_a_loss_is_looked_up_by_name_or_passed_through():
    assert get_loss("cross_entropy").name == "cross_entropy"
    assert isinstance(get_loss("half_mse"), HalfMSE)
    loss = CrossEntropy()
    assert get_loss(loss) is loss


def test_cross_entropy_takes_rows_within_rounding_of_one():
    ce = CrossEntropy()
    tol = ce.ROW_SUM_TOL
    for t in [np.eye(3), np.full((2, 4), 0.25), np.array([[0.5, 0.5 + tol / 2]]),
              np.array([[0.0, 1.0 - tol / 2]])]:
        assert ce.check_targets(t) is t
    with pytest.raises(ValueError, match="^Y: "):
        ce.check_targets(np.array([[0.5, 0.5 + 4 * tol]]))
    with pytest.raises(ValueError, match="^Y: "):
        ce.check_targets(np.array([[1.0, -0.0001, 0.0001]]))   # sums to 1, one entry negative
    assert HalfMSE().check_targets(np.array([[5.0, -3.0]])).tolist() == [[5.0, -3.0]]


MODELS = [Network, MLP]


@pytest.mark.parametrize("model", MODELS, ids=["neuron", "reference"])
def test_cross_entropy_is_per_row_when_rows_differ_by_a_thousand(model):
    # The max is subtracted per row: a max over the whole batch would underflow the first
    # row's exponentials to 0 and take log(0).
    net = model([1, 2], ["identity"], loss="cross_entropy", init="glorot_uniform",
                rng=np.random.default_rng(0))
    net.set_parameters([np.array([[0.0], [1.0]]), np.array([0.0, 0.0])])
    X = np.array([[0.0], [1000.0]])  # logits [0, 0] and [0, 1000]
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    loss = net.loss(X, Y)
    assert np.isfinite(loss) and abs(loss - np.log(2) / 2) < 1e-12
    grads = net.gradient(X, Y)
    assert all(np.isfinite(g).all() for g in grads)
