"""The adapter that lets ``neuronnet check`` call the loop network.

    neuronnet check examples/check_loops.py

The network keeps lists of numbers and supports the half-MSE loss only (no softmax): ``build``
raises NotImplementedError for cross-entropy, and the checker draws only half-MSE networks. The
adapter converts arrays to lists and back.
"""
import loops_network
import numpy as np


class Adapter:
    def __init__(self, net):
        self.net = net

    def set_parameters(self, params):
        self.net.weights = [np.asarray(W, dtype=float).tolist() for W in params[0::2]]
        self.net.biases = [np.asarray(b, dtype=float).tolist() for b in params[1::2]]

    def forward(self, X):
        return np.array([self.net.run(x)[1][-1] for x in np.asarray(X).tolist()])

    def loss(self, X, Y):
        return self.net.loss(np.asarray(X).tolist(), np.asarray(Y).tolist())

    def gradient(self, X, Y):
        dW, db = self.net.gradient(np.asarray(X).tolist(), np.asarray(Y).tolist())
        return [np.array(g, dtype=float) for pair in zip(dW, db) for g in pair]

    def train_step(self, X, Y, lr):
        self.net.train_step(np.asarray(X).tolist(), np.asarray(Y).tolist(), lr)


def adapter_for(module):
    def build(layer_sizes, activations, loss):
        if loss != "half_mse":
            raise NotImplementedError("the loop network has the half-MSE loss only")
        return Adapter(module.LoopNet(layer_sizes, activations))
    return build


build = adapter_for(loops_network)
