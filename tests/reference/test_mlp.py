"""The reference model (reference.MLP) as a unit: building it from arrays, setting its
parameters, the calls made out of order and fit's refusals before any work. The layers are
2 -> 3 -> 4, so a width read from the wrong axis or the wrong layer shows. (Its refusals of bad
arrays and data, row by row: tests/test_refusals.py.)"""
import numpy as np
import pytest

from reference import MLP
from refusing import refused

W0, W1 = np.arange(6.0).reshape(3, 2), np.arange(12.0).reshape(4, 3)
b0, b1 = np.array([0.5, -0.5, 1.0]), np.array([1.0, 2.0, 3.0, 4.0])


def model():
    return MLP.from_arrays([W0, W1], [b0, b1], ["tanh", "identity"])


@pytest.mark.parametrize("call, method", [
    (lambda: model().backward(np.ones((1, 4))), "backward"),
    (lambda: model().pre_activations(), "pre_activations"),
    (lambda: model().deltas(), "deltas"),
])
def test_a_call_out_of_order_is_refused_naming_the_method(call, method):
    refused(RuntimeError, method, call)


@pytest.mark.parametrize("kwargs, name, error", [
    (dict(shuffle=True, rng=None), "rng", TypeError),
    (dict(batch_mode="bogus"), "batch_mode", ValueError),
    (dict(batch_mode="minibatch", batch_size=5), "batch_size", ValueError),
])
def test_fit_refuses_a_bad_setting_before_any_work(kwargs, name, error):
    m = model()
    before = m.parameters()
    refused(error, name, lambda: m.fit(np.ones((4, 2)), np.zeros((4, 4)), **kwargs))
    assert all(np.array_equal(p, q) for p, q in zip(before, m.parameters()))
    m.fit(np.ones((4, 2)), np.zeros((4, 4)), batch_mode="minibatch", batch_size=4,
          rng=np.random.default_rng(0))                         # a batch of every row fits


def test_from_arrays_holds_float64_copies_and_the_names():
    weights, biases = [W0.astype(np.int64), W1.copy()], [b0.copy(), list(b1)]
    m = MLP.from_arrays(weights, biases, "tanh", loss="cross_entropy")
    weights[1][0, 0] = biases[0][0] = 99.0
    got = m.parameters()
    assert [p.dtype for p in got] == [np.float64] * 4
    assert all(np.array_equal(p, q) for p, q in zip(got, [W0, b0, W1, b1]))
    assert (m.activation_names, m.loss_name) == (["tanh", "tanh"], "cross_entropy")
    assert MLP.from_arrays([W0], [b0], ("relu",)).activation_names == ["relu"]
    assert MLP.from_arrays([W0], [b0], "identity").loss_name == "half_mse"


def test_set_parameters_copies_and_leaves_the_velocities():
    m = model()
    X, Y = np.ones((2, 2)), np.zeros((2, 4))
    m.train_step(X, Y, "momentum", lr=0.1, momentum=0.9)
    velocities = [v.copy() for v in m.velocities]
    new = [W0 + 1, b0 + 1, W1 + 1, b1 + 1]
    m.set_parameters(new)
    new[0][0, 0] = 99.0
    assert all(np.array_equal(p, q) for p, q in zip(m.parameters(), [W0 + 1, b0 + 1, W1 + 1,
                                                                    b1 + 1]))
    assert all(np.array_equal(v, w) for v, w in zip(m.velocities, velocities))


def test_the_gradient_has_the_parameters_shapes():
    grads = model().gradient(np.ones((5, 2)), np.ones((5, 4)))
    assert [g.shape for g in grads] == [(3, 2), (3,), (4, 3), (4,)]


def test_the_references_repr_is_its_architecture():
    from reference import MLP
    assert repr(MLP([3, 4, 2], ["tanh", "identity"], rng=np.random.default_rng(0))) == \
        "MLP([3, 4, 2], ['tanh', 'identity'], loss='half_mse')"


def test_the_references_train_step_defaults_and_clip_norm_one():
    # lr 0.1 by default, and clip_norm = 1.0 is a norm like any other (only 0 is refused).
    from reference import MLP

    def make():
        return MLP([3, 2], ["identity"], rng=np.random.default_rng(0))
    X, Y = np.ones((2, 3)), np.zeros((2, 2))
    a, b = make(), make()
    a.train_step(X, Y)
    b.train_step(X, Y, optimizer="sgd", lr=0.1)
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    make().train_step(X, Y, clip_norm=1.0)
