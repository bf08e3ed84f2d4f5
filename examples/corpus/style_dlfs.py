"""A network written to the API of "Deep Learning from Scratch", checked through the ready adapter.

    MultiLayerNet(input_size, hidden_size_list, output_size, activation="relu",
                  weight_init_std=0.01, weight_decay_lambda=0)
    params["W1"] (fan_in, fan_out), params["b1"], ...; predict(x), loss(x, t), gradient(x, t)

Samples are rows. A layer is an object with forward and backward; Affine computes x W + b and
shares its W and b with params; SoftmaxWithLoss reads a one-hot t as its labels. gradient is
backprop: forward through every layer, then backward from dout = 1.
No build: the adapter makes one (the toml says [check] style = "dlfs").
"""

import numpy as np


class Affine:

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)          # (fan_in, n) (n, fan_out)
        self.db = dout.sum(axis=0)
        return np.dot(dout, self.W.T)             # dL/dx, (n, fan_in)


class Relu:

    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0.0
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0.0
        return dx


class Sigmoid:

    def forward(self, x):
        self.out = 0.5 * (1.0 + np.tanh(0.5 * x))   # 1 / (1 + e^-x), with no overflow
        return self.out

    def backward(self, dout):
        return dout * self.out * (1.0 - self.out)


class SoftmaxWithLoss:
    """The mean over the batch of -log softmax(x)[label]; a one-hot t gives its labels."""

    def forward(self, x, t):
        self.labels = t.argmax(axis=1) if t.ndim == 2 else t
        shifted = x - x.max(axis=1, keepdims=True)
        log_y = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.y = np.exp(log_y)
        return -np.mean(log_y[np.arange(len(x)), self.labels])

    def backward(self, dout=1):
        batch_size = len(self.y)
        dx = self.y.copy()
        dx[np.arange(batch_size), self.labels] -= 1.0
        return dout * dx / batch_size


ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid}


class MultiLayerNet:

    def __init__(self, input_size, hidden_size_list, output_size, activation="relu",
                 weight_init_std=0.01, weight_decay_lambda=0, seed=0):
        rng = np.random.default_rng(seed)
        sizes = [input_size] + list(hidden_size_list) + [output_size]
        self.weight_decay_lambda = weight_decay_lambda
        self.n_affine = len(sizes) - 1
        self.params, self.layers = {}, {}   # a dict keeps the order layers are added in
        for i in range(1, len(sizes)):
            self.params["W%d" % i] = weight_init_std * rng.standard_normal((sizes[i - 1], sizes[i]))
            self.params["b%d" % i] = np.zeros(sizes[i])
            self.layers["Affine%d" % i] = Affine(self.params["W%d" % i], self.params["b%d" % i])
            if i < len(sizes) - 1:    # a layer object of its own: it keeps its own mask or out
                activation_layer = ACTIVATIONS[activation]()
                self.layers["Activation%d" % i] = activation_layer
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        for name in self.layers:
            x = self.layers[name].forward(x)
        return x

    def loss(self, x, t):
        decay = sum(0.5 * self.weight_decay_lambda * np.sum(self.params["W%d" % i] ** 2)
                    for i in range(1, self.n_affine + 1))
        return self.last_layer.forward(self.predict(x), t) + decay

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        grads = {}
        for i in range(1, self.n_affine + 1):
            affine = self.layers["Affine%d" % i]
            grads["W%d" % i] = affine.dW + self.weight_decay_lambda * affine.W
            grads["b%d" % i] = affine.db
        return grads
