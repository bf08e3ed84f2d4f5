"""The book's small objects at their edges: what a Neuron, an optimizer and a loss hold when
made with their defaults, and their refusals word for word (the optimizers' rates and mu, the
names of optimizers and losses, cross-entropy's target rows), each limit shown inclusive or
exclusive as documented."""
import numpy as np
import pytest

from neuronnet.losses import CrossEntropy, HalfMSE, get_loss
from neuronnet.neuron import Neuron
from neuronnet.optimizers import SGD, Momentum, Nesterov, get_optimizer

REAL_TYPE = "a finite real number (an int or a float)"
MOMENTUM_RANGE = "a number >= 0.0 and < 1.0"
TARGETS = ("expected, for cross_entropy, every row a probability distribution: entries >= 0 "
           "summing to 1 (a one-hot row for a class label)")


def test_a_new_neuron_holds_a_float64_copy_and_no_state_yet():
    given = np.array([1, 2], dtype=np.int32)
    n = Neuron(given)
    given[0] = 9
    assert n.weights.dtype == np.float64 and n.weights.tolist() == [1.0, 2.0]
    assert (n.bias, type(n.bias), n.activation.name) == (0.0, float, "identity")
    assert n.velocity_weights.tolist() == [0.0, 0.0] and n.velocity_weights.dtype == np.float64
    assert (n.velocity_bias, type(n.velocity_bias)) == (0.0, float)
    assert (n.inputs, n.z, n.output, n.delta, n.grad_weights, n.grad_bias) == (None,) * 6
    assert Neuron([0.5], bias=np.float32(2), activation="tanh").bias == 2.0


def test_the_optimizers_hold_their_rate_and_mu():
    assert (get_optimizer("sgd").lr, type(get_optimizer("sgd"))) == (0.1, SGD)
    m = get_optimizer("momentum")
    assert (type(m), m.lr, m.mu) == (Momentum, 0.1, 0.9)
    n = get_optimizer("nesterov", lr=0.25, momentum=0.5)
    assert (type(n), n.lr, n.mu) == (Nesterov, 0.25, 0.5)
    assert Momentum(0.5).mu == 0.9 and Momentum(0, 0).lr == 0.0
    assert Momentum(0.1, np.nextafter(1.0, 0.0)).mu < 1.0
    same = SGD(0.3)
    assert get_optimizer(same) is same
    assert get_loss("cross_entropy").name == "cross_entropy" and isinstance(get_loss("half_mse"),
                                                                            HalfMSE)
    loss = CrossEntropy()
    assert get_loss(loss) is loss


CASES = [
    (lambda: SGD(-0.1), ValueError, "lr: got -0.1; expected a number >= 0.0"),
    (lambda: SGD(None), TypeError, f"lr: got None; expected {REAL_TYPE}"),
    (lambda: Momentum(0.1, 1.0), ValueError, f"momentum: got 1.0; expected {MOMENTUM_RANGE}"),
    (lambda: Momentum(0.1, -0.1), ValueError, f"momentum: got -0.1; expected {MOMENTUM_RANGE}"),
    (lambda: Nesterov(0.1, None), TypeError, f"momentum: got None; expected {REAL_TYPE}"),
    (lambda: Momentum(-1.0), ValueError, "lr: got -1.0; expected a number >= 0.0"),
    (lambda: get_optimizer("sgd", momentum=1.0), ValueError,
     f"momentum: got 1.0; expected {MOMENTUM_RANGE}"),
    (lambda: get_optimizer("sgd", momentum=-0.5), ValueError,
     f"momentum: got -0.5; expected {MOMENTUM_RANGE}"),
    (lambda: get_optimizer("momentum", momentum=float("nan")), ValueError,
     "momentum: got nan; expected a finite real number"),
    (lambda: get_optimizer("sgd", lr=-2), ValueError, "lr: got -2; expected a number >= 0.0"),
    (lambda: get_optimizer("adam"), ValueError,
     "optimizer: got 'adam'; expected one of ['momentum', 'nesterov', 'sgd'] or an Optimizer "
     "instance"),
    (lambda: get_optimizer(SGD), ValueError,
     f"optimizer: got {SGD!r}; expected one of ['momentum', 'nesterov', 'sgd'] or an Optimizer "
     "instance"),
    (lambda: get_loss("mae"), ValueError,
     "loss: got 'mae'; expected one of ['cross_entropy', 'half_mse'] or a Loss instance"),
    (lambda: get_loss(None), ValueError,
     "loss: got None; expected one of ['cross_entropy', 'half_mse'] or a Loss instance"),
    (lambda: CrossEntropy().check_targets(np.array([[1.0, 0.0], [0.25, 0.5]])), ValueError,
     f"Y: row 1 is [0.25 0.5 ] (sum 0.75); {TARGETS}"),
    (lambda: CrossEntropy().check_targets(np.array([[0.0, 1.0], [1.5, -0.5], [2.0, 0.0]])),
     ValueError, f"Y: row 1 is [ 1.5 -0.5] (sum 1); {TARGETS}"),
    (lambda: CrossEntropy().check_targets(np.array([[1 / 3, 1 / 3, 1 / 3 + 1e-7]])), ValueError,
     f"Y: row 0 is [0.333333 0.333333 0.333333] (sum 1.0000001); {TARGETS}"),
    (lambda: CrossEntropy().check_targets(np.full((1, 10), 0.2)), ValueError,
     f"Y: row 0 is [0.2 0.2 0.2 ... 0.2 0.2 0.2] (sum 2); {TARGETS}"),
]


@pytest.mark.parametrize("call, error, sentence", CASES)
def test_each_refusal_is_its_whole_sentence(call, error, sentence):
    with pytest.raises(error) as refusal:
        call()
    assert type(refusal.value) is error and str(refusal.value) == sentence


def test_cross_entropy_takes_rows_within_rounding_of_one():
    ce = CrossEntropy()
    tol = ce.ROW_SUM_TOL
    for t in [np.eye(3), np.full((2, 4), 0.25), np.array([[0.5, 0.5 + tol / 2]]),
              np.array([[0.0, 1.0 - tol / 2]])]:
        assert ce.check_targets(t) is t
    with pytest.raises(ValueError):
        ce.check_targets(np.array([[0.5, 0.5 + 4 * tol]]))
    with pytest.raises(ValueError):
        ce.check_targets(np.array([[1.0, -0.0001, 0.0001]]))   # sums to 1, one entry negative
    assert HalfMSE().check_targets(np.array([[5.0, -3.0]])).tolist() == [[5.0, -3.0]]
