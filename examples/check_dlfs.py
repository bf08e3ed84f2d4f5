"""The adapter that lets ``neuronnet check`` call the DLFS-style network.

    neuronnet check examples/check_dlfs.py

Two things differ from neuronnet's contract: an Affine's W is (fan_in, fan_out), so the
adapter transposes it both ways; and the gradient comes back in the same order. The network
also exposes its backward pass, so the adapter offers ``backward(grad_output)`` and the checker
can test that backward is linear in the upstream gradient and leaves it alone.
"""
import dlfs_network
import numpy as np


class Adapter:
    def __init__(self, net):
        self.net = net

    def set_parameters(self, params):
        for affine, W, b in zip(self.net.affines, params[0::2], params[1::2]):
            affine.W, affine.b = np.array(W, dtype=float).T, np.array(b, dtype=float)

    def forward(self, X):
        return self.net.predict(X)

    def loss(self, X, Y):
        return self.net.loss(X, Y)

    def gradient(self, X, Y):
        grads = self.net.gradient(X, Y)
        return [g.T if k % 2 == 0 else g for k, g in enumerate(grads)]  # dW back to (out, in)

    def backward(self, grad_output):
        self.net.backward_from(grad_output)
        return [g for a in self.net.affines for g in (a.dW.T, a.db)]


def adapter_for(module):
    def build(layer_sizes, activations, loss):
        return Adapter(module.LayerNet(layer_sizes, activations, loss, np.random.default_rng(0)))
    return build


build = adapter_for(dlfs_network)
