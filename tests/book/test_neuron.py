"""A Neuron as made: a float64 copy of its weights, a float bias, the identity by default, and
no state until a pass. (Its arithmetic is proved equal to the reference's in tests/proofs/.)"""
import numpy as np

from neuronnet.neuron import Neuron


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


def test_a_neuron_keeps_float64_weights_whatever_it_is_given():
    neuron = Neuron([1, 2, 3], 1)
    assert neuron.weights.dtype == np.float64 and isinstance(neuron.bias, float)
    assert neuron.velocity_weights.shape == (3,) and neuron.velocity_weights.dtype == np.float64


def test_a_neurons_repr_shows_what_it_holds_briefly():
    # One value as a number, a few as a list, more than four as the first four and "...".
    neuron = Neuron([0.314159, -1.2], 0.05, activation="sigmoid")
    assert repr(neuron) == "SigmoidNeuron(fan_in=2, w=[0.314, -1.2], b=0.05)"
    neuron.forward(np.array([[1.0, 0.0]]))
    assert repr(neuron) == "SigmoidNeuron(fan_in=2, w=[0.314, -1.2], b=0.05, a=0.59)"
    neuron.forward(np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [2.0, 2.0]]))
    assert repr(neuron).endswith("a=[0.59, 0.512, 0.24, 0.152])")
    neuron.forward(np.zeros((5, 2)))
    assert repr(neuron).endswith("a=[0.512, 0.512, 0.512, 0.512, ...])")
