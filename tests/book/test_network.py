"""The neuron model's own refusals, word for word (its parameters, generator, data and layers),
and what set_parameters stores: float64 weights whatever numbers it was handed."""
import numpy as np
import pytest

from neuronnet import Network
from neuronnet.layer import Layer
from neuronnet.neuron import Neuron


def net():
    return Network([2, 3, 1], ["tanh", "identity"], rng=np.random.default_rng(0))


@pytest.mark.parametrize("params, error, sentence", [
    (5.0, TypeError, "params: got a float; expected a list [W_0, b_0, W_1, b_1, ...]"),
    ([np.array([["a", "b"]] * 3), np.zeros(3), np.zeros((1, 3)), np.zeros(1)], TypeError,
     "params[0]: got an array of dtype <U1; expected real numbers (ints or floats)"),
    ([np.ones((3, 2), dtype=bool), np.zeros(3), np.zeros((1, 3)), np.zeros(1)], TypeError,
     "params[0]: got an array of dtype bool; expected real numbers (ints or floats)"),
])
def test_bad_parameters_are_refused_in_one_whole_sentence(params, error, sentence):
    with pytest.raises(error) as refusal:
        net().set_parameters(params)
    assert str(refusal.value) == sentence


def test_integer_parameters_are_stored_as_float64():
    network = net()
    network.set_parameters([np.arange(6).reshape(3, 2), np.arange(3), np.ones((1, 3), int),
                            np.zeros(1, int)])
    weights = [n.weights for layer in network.layers for n in layer.neurons]
    assert all(w.dtype == np.float64 for w in weights), [w.dtype for w in weights]
    assert np.array_equal(weights[2], [4.0, 5.0])


def test_a_bad_generator_is_refused_in_one_whole_sentence():
    with pytest.raises(TypeError) as refusal:
        Network([2, 3, 1], ["tanh", "identity"], rng=3)
    assert str(refusal.value) == (
        "rng: got 3; expected a numpy.random.Generator (the initial weights are drawn from "
        "it), e.g. numpy.random.default_rng(0)")


def wide():
    """2 -> 3 -> 4: no two sizes alike, so a size read from the wrong axis or layer shows."""
    return Network([2, 3, 4], ["tanh", "identity"], rng=np.random.default_rng(0))


@pytest.mark.parametrize("call, sentence", [
    (lambda: wide().gradient(np.ones((5, 3)), np.ones((5, 4))),
     "X: got an array of shape (5, 3); expected 2 columns, shape (n_samples, 2)"),
    (lambda: wide().gradient(np.ones((5, 2)), np.ones((5, 3))),
     "Y: got an array of shape (5, 3); expected 4 columns, shape (n_samples, 4)"),
    (lambda: wide().train_step(np.ones((5, 2)), np.ones((4, 4))),
     "Y: got 4 rows for the 5 rows of X; expected one target row per sample"),
    (lambda: wide().loss(np.ones((3, 2)), np.ones((5, 4))),
     "Y: got 5 rows for the 3 rows of X; expected one target row per sample"),
    (lambda: Network([2, 3, 4], ["tanh", "identity"], loss="cross_entropy",
                     rng=np.random.default_rng(0)).gradient(np.ones((2, 2)), np.full((2, 4), 0.5)),
     "Y: row 0 is [0.5 0.5 0.5 0.5] (sum 2); expected, for cross_entropy, every row a "
     "probability distribution: entries >= 0 summing to 1 (a one-hot row for a class label)"),
    (lambda: Network([2, 3, 4], ["tanh"], rng=np.random.default_rng(0)),
     "activations: got 1 activations; expected 2, one per layer of neurons"),
    (lambda: Layer([]), "neurons: got an empty list; expected at least one Neuron"),
    (lambda: Layer([Neuron([1.0]), Neuron([1.0, 2.0])]),
     "neurons: got fan_in values [1, 2]; expected every neuron of a layer to read the same "
     "inputs (one fan_in)"),
])
def test_bad_data_and_layers_are_refused_in_one_whole_sentence(call, sentence):
    with pytest.raises(ValueError) as refusal:
        call()
    assert str(refusal.value) == sentence


def test_train_step_defaults_to_plain_sgd_at_rate_0_1():
    X, Y = np.ones((3, 2)), np.zeros((3, 4))
    by_default, explicit = wide(), wide()
    assert by_default.train_step(X, Y) == explicit.train_step(X, Y, "sgd", lr=0.1)
    assert all(np.array_equal(p, q) for p, q in zip(by_default.parameters(),
                                                    explicit.parameters()))
    layer = Layer([Neuron([1.0, 2.0]), Neuron([0.0, 1.0])])
    assert layer.output is None and len(layer.neurons) == 2
