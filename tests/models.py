"""The components under test, as the factories tests/checks.py takes.

``MINE`` and ``REF`` build a model from arrays (``make(weights, biases, activations, loss)``);
``INITS`` build one from a seed (``make(sizes, activations, loss, init, rng, init_std)``).
A pitfall variant is a factory that swaps one component of ``MINE`` for a buggy one.
"""
from neuronnet import Network
from neuronnet.convert import from_arrays
from reference import MLP


def MINE(weights, biases, activations, loss):
    return from_arrays(weights, biases, activations, loss)


def REF(weights, biases, activations, loss):
    return MLP.from_arrays(weights, biases, activations, loss)


def mine_init(sizes, activations, loss, init, rng, init_std):
    return Network(sizes, activations, loss=loss, init=init, rng=rng, init_std=init_std)


def ref_init(sizes, activations, loss, init, rng, init_std):
    return MLP(sizes, activations, loss=loss, init=init, rng=rng, init_std=init_std)


INITS = {"neuronnet": mine_init, "reference": ref_init}
