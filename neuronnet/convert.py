"""Exact conversion between a network of neurons and per-layer arrays (the reference's layout).

``W[l][j] == network.layers[l].neurons[j].weights`` and ``b[l][j] == ...neurons[j].bias``.
Copies both ways, so neither side can change the other afterwards. Plain arrays in and out:
neither package needs to import the other.
"""
from .activations import get_activation
from .guards import check_layer_arrays
from .guards.model_arguments import per_layer
from .layer import Layer
from .network import Network
from .neuron import Neuron


def to_arrays(network):
    """(weights, biases): lists of (fan_out, fan_in) and (fan_out,) float64 arrays."""
    params = network.parameters()
    return params[0::2], params[1::2]


def from_arrays(weights, biases, activations, loss="half_mse", l2=0.0):
    """A Network whose neuron j of layer l has weights ``weights[l][j]`` and bias
    ``biases[l][j]`` (and an L2 penalty of strength ``l2``: network.py)."""
    if len(weights) != len(biases) or not weights:
        raise ValueError(f"weights, biases: got {len(weights)} and {len(biases)} arrays; "
                         "expected the same, non-zero number (one per layer)")
    activations = [get_activation(a) for a in per_layer(activations, len(weights))]
    layers = []
    for l, (W, b, activation) in enumerate(zip(weights, biases, activations)):
        W, b = check_layer_arrays(f"weights[{l}], biases[{l}]", W, b)
        layers.append(Layer([Neuron(w_j, b_j, activation) for w_j, b_j in zip(W, b)]))
    return Network.from_layers(layers, loss, l2)


