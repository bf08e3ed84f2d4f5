"""Numerics: every activation of both models, and its derivative, keeps its digits on the whole
line and on both tails (relative error within TAIL_RTOL of an exact decimal value wherever that
value is a normal float), and stays finite and in range everywhere."""
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from exact import EXACT, TINY, relative_error
from models import ACTIVATION_OBJECTS
from neuronnet.activations import ACTIVATIONS, ReLU
from neuronnet.verify.checks.tolerances import TAIL_RTOL
from reference.activations import ACTIVATIONS as REFERENCE_ACTIVATIONS
from reference.activations import ReLU as RefReLU

# z from -745 (where even the sigmoid underflows) to 745, the tails drawn as often as the middle.
Z = st.one_of(st.floats(-745.0, 745.0), st.floats(20.0, 745.0), st.floats(-745.0, -20.0))


def test_there_is_an_exact_form_for_every_activation_of_both_models():
    assert set(EXACT) == set(ACTIVATIONS) == set(REFERENCE_ACTIVATIONS)
    assert set(ACTIVATION_OBJECTS) == {f"{model}-{name}" for model in ("neuronnet", "reference")
                                       for name in ACTIVATIONS}


@pytest.mark.parametrize("key", sorted(ACTIVATION_OBJECTS))
@given(z=Z)
@example(z=-38.0).via("the neuron model's old sigmoid returned 0 here, not 3.1e-17")
@example(z=30.0).via("s (1 - s) kept three digits of the sigmoid's slope here")
@example(z=25.0).via("1 - tanh^2 returned 0 here, not 7.7e-22")
def test_an_activation_keeps_its_digits_on_both_tails(key, z):
    activation = ACTIVATION_OBJECTS[key]
    exact_f, exact_slope = EXACT[key.split("-", 1)[1]]
    zs = np.array([z])
    for what, got, exact in (("f", activation.forward(zs.copy())[0], exact_f(z)),
                             ("f'", activation.derivative_from_z(zs.copy())[0], exact_slope(z))):
        assert np.isfinite(got), f"{key} {what}({z!r}) = {got}"
        if abs(exact) >= TINY:
            error = relative_error(got, exact)
            assert error <= TAIL_RTOL, (f"{key} {what}({z!r}): got {got!r}, exact {float(exact)!r}"
                                        f"; relative error {error:.3e} > {TAIL_RTOL:g}")
        else:   # below the normal range a float has fewer digits: only the size is held
            assert abs(got) < 2 * TINY, f"{key} {what}({z!r}) = {got!r}, exact {float(exact)!r}"


# --- cross-entropy's targets: where (p - t)/n is the gradient -----------------------------------
@pytest.mark.parametrize("kind", ["neuron", "reference"])
@given(rows=st.lists(st.lists(st.floats(0, 1), min_size=3, max_size=3), min_size=1, max_size=4),
       off=st.sampled_from([-0.5, -1e-6, 1e-6, 0.5]), flip=st.booleans())
def test_cross_entropy_takes_distributions_and_refuses_other_rows_by_name(kind, rows, off, flip):
    from models import MODEL_CLASSES
    T = np.array(rows)
    assume_positive = T.sum(axis=1) > 0.1
    T = T[assume_positive] if assume_positive.any() else np.eye(3)[:1]
    T = T / T.sum(axis=1, keepdims=True)             # distributions, to rounding
    X = np.zeros((len(T), 2))
    net = MODEL_CLASSES[kind]([2, 3], ["identity"], "cross_entropy", rng=np.random.default_rng(0))
    assert np.isfinite(net.loss(X, T))               # rounding is no reason to refuse
    bad = T.copy()
    if flip:            # a negative entry, the row still summing to 1
        bad[-1] = [1.5, -0.5, 0.0]
    else:
        bad[-1, 0] += off
    before = net.parameters()
    for call in (lambda: net.loss(X, bad), lambda: net.gradient(X, bad),
                 lambda: net.train_step(X, bad, lr=0.1)):
        with pytest.raises(ValueError, match=rf"^Y: .*row {len(T) - 1}.*expected.*every row a "
                                             "probability distribution"):
            call()
    assert all(np.array_equal(a, b) for a, b in zip(before, net.parameters()))


def test_relu_derivative_at_exactly_zero_is_zero_in_both_models():
    z = np.array([[-1.0, 0.0, 2.0]])
    assert np.array_equal(ReLU().derivative_from_z(z), [[0.0, 0.0, 1.0]])
    ref = RefReLU()
    ref.forward(z)
    assert np.array_equal(ref.backward(np.ones_like(z)), [[0.0, 0.0, 1.0]])


def test_an_activations_repr_is_its_class():
    from neuronnet.activations import get_activation
    assert [repr(get_activation(name)) for name in ("sigmoid", "relu")] == ["Sigmoid()", "ReLU()"]
