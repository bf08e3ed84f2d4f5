"""The independent reference (one matrix per layer) under ``neuronnet check``: it meets the
contract as it is.

    neuronnet check examples/check_reference.py
"""
import numpy as np

from reference import MLP


def build(layer_sizes, activations, loss):
    return MLP(layer_sizes, activations, loss, rng=np.random.default_rng(0))
