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
