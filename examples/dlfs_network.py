"""A student's network in the style of "Deep Learning from Scratch": one small class per layer,
each with a forward that keeps what its backward needs and a backward of a line or two; a net
that runs them in order. Rows are samples, and an Affine layer's W is (fan_in, fan_out).

Written for neuronnet's examples; check it with ``neuronnet check examples/check_dlfs.py``.
"""
import numpy as np


class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW, self.db = self.x.T @ dout, dout.sum(axis=0)
        return dout @ self.W.T


class Sigmoid:
    def forward(self, x):
        self.out = 0.5 * (1.0 + np.tanh(0.5 * x))
        return self.out

    def backward(self, dout):
        return dout * self.out * (1.0 - self.out)


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out ** 2)


class Relu:
    def forward(self, x):
        self.mask = x <= 0
        return np.where(self.mask, 0.0, x)

    def backward(self, dout):
        return np.where(self.mask, 0.0, dout)


class Identity:
    def forward(self, x):
        return x

    def backward(self, dout):
        return dout


class SoftmaxWithLoss:
    """Cross-entropy of the softmax of the scores, averaged over the batch."""

    def forward(self, x, t):
        shifted = x - x.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.y, self.t = np.exp(log_p), t
        return -np.sum(t * log_p) / len(x)

    def backward(self):
        return (self.y - self.t) / len(self.t)


class MeanSquaredHalf:
    """1/2 ||y - t||^2, averaged over the batch."""

    def forward(self, y, t):
        self.diff = y - t
        return 0.5 * np.sum(self.diff ** 2) / len(y)

    def backward(self):
        return self.diff / len(self.diff)


ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": Relu, "identity": Identity}
LOSSES = {"cross_entropy": SoftmaxWithLoss, "half_mse": MeanSquaredHalf}


class LayerNet:
    ACTIVATIONS, LOSSES = ACTIVATIONS, LOSSES

    def __init__(self, sizes, activations, loss, rng):
        self.affines = [Affine(0.1 * rng.standard_normal((m, n)), np.zeros(n))
                        for m, n in zip(sizes, sizes[1:])]
        self.layers = []
        for affine, name in zip(self.affines, activations):
            self.layers += [affine, self.ACTIVATIONS[name]()]
        self.last_layer = self.LOSSES[loss]()

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        return self.last_layer.forward(self.predict(x), t)

    def backward_from(self, dout):
        """Run every layer's backward, from dL/d(scores) down."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)

    def gradient(self, x, t):
        self.loss(x, t)
        self.backward_from(self.last_layer.backward())
        return [g for affine in self.affines for g in (affine.dW, affine.db)]
