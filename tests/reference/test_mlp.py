"""The reference model's own checks, word for word: building it from arrays, setting its
parameters, the data it is given and the calls made out of order. The layers are 2 -> 3 -> 4,
so a width read from the wrong axis or the wrong layer shows. The reference is the oracle of
every comparison, so its refusals are pinned as the neuron model's are
(tests/test_network_refusals.py)."""
import numpy as np
import pytest

from reference import MLP

W0, W1 = np.arange(6.0).reshape(3, 2), np.arange(12.0).reshape(4, 3)
b0, b1 = np.array([0.5, -0.5, 1.0]), np.array([1.0, 2.0, 3.0, 4.0])


def model():
    return MLP.from_arrays([W0, W1], [b0, b1], ["tanh", "identity"])


CASES = [
    (lambda: MLP.from_arrays([], [], "tanh"), ValueError,
     "weights, biases: got 0 and 0 arrays; expected the same non-zero number, one pair per layer"),
    (lambda: MLP.from_arrays([W0], [b0, b1], "tanh"), ValueError,
     "weights, biases: got 1 and 2 arrays; expected the same non-zero number, one pair per layer"),
    (lambda: MLP.from_arrays([np.ones((0, 2))], [np.zeros(0)], "tanh"), ValueError,
     "weights[0]: got shape (0, 2); expected (fan_out, fan_in), both >= 1"),
    (lambda: MLP.from_arrays([W0, np.ones((4, 0))], [b0, b1], "tanh"), ValueError,
     "weights[1]: got shape (4, 0); expected (fan_out, fan_in), both >= 1"),
    (lambda: MLP.from_arrays([np.ones(3)], [b0], "tanh"), ValueError,
     "weights[0]: got an array of shape (3,); expected shape (n, n)"),
    (lambda: MLP.from_arrays([W0], [np.zeros(2)], "tanh"), ValueError,
     "biases[0]: got an array of shape (2,); expected shape (3,)"),
    (lambda: MLP.from_arrays([W0, W1], [b0, np.zeros(3)], "tanh"), ValueError,
     "biases[1]: got an array of shape (3,); expected shape (4,)"),
    (lambda: MLP.from_arrays([W0], [[np.nan] * 3], "tanh"), ValueError,
     "biases[0]: got non-finite values (inf or nan); expected finite numbers"),
    (lambda: MLP.from_arrays([W0, np.ones((4, 2))], [b0, b1], "tanh"), ValueError,
     "weights[1]: got shape (4, 2); expected 3 columns, the width of layer 0"),
    (lambda: MLP.from_arrays([W0, W1], [b0, b1], ["tanh"]), ValueError,
     "activations: got ['tanh']; expected 2 names, one per layer"),
    (lambda: MLP.from_arrays([W0, W1], [b0, b1], 5), ValueError,
     "activations: got 5; expected 2 names, one per layer"),
    (lambda: MLP.from_arrays([W0, W1], [b0, b1], ["tanh", "softplus"]), ValueError,
     "activation: got 'softplus'; expected one of ['identity', 'relu', 'sigmoid', 'tanh']"),
    (lambda: MLP.from_arrays([W0, W1], [b0, b1], "tanh", loss="mae"), ValueError,
     "loss: got 'mae'; expected one of ['cross_entropy', 'half_mse']"),
    (lambda: model().set_parameters(5), TypeError,
     "params: got a int; expected a list [W_0, b_0, W_1, ...]"),
    (lambda: model().set_parameters([W0]), ValueError,
     "params: got 1 arrays; expected 4 ([W_0, b_0, W_1, ...])"),
    (lambda: model().set_parameters([W0, b0, W1, np.zeros(3)]), ValueError,
     "params[3]: got an array of shape (3,); expected shape (4,)"),
    (lambda: model().set_parameters([W0, b0, W1.T, b1]), ValueError,
     "params[2]: got an array of shape (3, 4); expected shape (4, 3)"),
    (lambda: model().set_parameters([W0, b0 * np.inf, W1, b1]), ValueError,
     "params[1]: got non-finite values (inf or nan); expected finite numbers"),
    (lambda: model().gradient(np.ones((5, 3)), np.ones((5, 4))), ValueError,
     "X: got an array of shape (5, 3); expected shape (n, 2)"),
    (lambda: model().gradient(np.ones((5, 2)), np.ones((5, 3))), ValueError,
     "Y: got an array of shape (5, 3); expected shape (n, 4)"),
    (lambda: model().backward(np.ones((1, 4))), RuntimeError,
     "backward: no forward pass yet; call forward(X) first"),
    (lambda: model().pre_activations(), RuntimeError, "pre_activations: no forward pass yet"),
    (lambda: model().deltas(), RuntimeError,
     "deltas: no backward pass yet; call gradient() or train_step() first"),
]


@pytest.mark.parametrize("call, error, sentence", CASES)
def test_each_refusal_is_its_whole_sentence(call, error, sentence):
    with pytest.raises(error) as refusal:
        call()
    assert type(refusal.value) is error and str(refusal.value) == sentence


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
