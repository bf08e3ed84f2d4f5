"""The neuron model's own refusals, word for word (those of its parameters and its generator),
and what set_parameters stores: float64 weights whatever numbers it was handed."""
import numpy as np
import pytest

from neuronnet import Network


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
