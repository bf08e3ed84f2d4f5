"""The adapter that lets ``neuronnet check`` call the Nielsen-style network.

    neuronnet check examples/check_nielsen.py

The network works on one column vector at a time and supports sigmoid neurons with the
quadratic cost only: ``build`` says so with NotImplementedError, and the checker draws only
those architectures. The adapter turns rows into columns and back, and sums backprop's
per-sample gradients into the gradient of the mean cost.
"""
import nielsen_network
import numpy as np


class Adapter:
    def __init__(self, net):
        self.net = net

    def set_parameters(self, params):
        self.net.weights = [np.array(W, dtype=float) for W in params[0::2]]
        self.net.biases = [np.array(b, dtype=float).reshape(-1, 1) for b in params[1::2]]

    def forward(self, X):
        return np.array([self.net.feedforward(x.reshape(-1, 1)).ravel() for x in X])

    def loss(self, X, Y):
        return float(np.mean(0.5 * np.sum((self.forward(X) - Y) ** 2, axis=1)))

    def gradient(self, X, Y):
        sum_w = [np.zeros_like(w) for w in self.net.weights]
        sum_b = [np.zeros_like(b) for b in self.net.biases]
        for x, y in zip(X, Y):
            nabla_w, nabla_b = self.net.backprop(x.reshape(-1, 1), y.reshape(-1, 1))
            sum_w = [s + n for s, n in zip(sum_w, nabla_w)]
            sum_b = [s + n for s, n in zip(sum_b, nabla_b)]
        n = len(X)
        return [g for w, b in zip(sum_w, sum_b) for g in (w / n, b.ravel() / n)]

    def train_step(self, X, Y, lr):
        batch = [(x.reshape(-1, 1), y.reshape(-1, 1)) for x, y in zip(X, Y)]
        self.net.update_mini_batch(batch, lr)


def adapter_for(module):
    def build(layer_sizes, activations, loss):
        if set(activations) != {"sigmoid"} or loss != "half_mse":
            raise NotImplementedError("sigmoid neurons and the quadratic cost only")
        return Adapter(module.Network(layer_sizes, np.random.default_rng(0)))
    return build


build = adapter_for(nielsen_network)
