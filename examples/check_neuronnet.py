"""neuronnet's own neuron model under ``neuronnet check``: it meets the contract as it is.

    neuronnet check examples/check_neuronnet.py
"""
import numpy as np

from neuronnet import Network


def build(layer_sizes, activations, loss):
    return Network(layer_sizes, activations, loss, rng=np.random.default_rng(0))
