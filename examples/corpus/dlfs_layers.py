"""A network in the style of "Deep Learning from Scratch" (Saito): a class per layer.

Each layer has forward(x) and backward(dout); Affine holds W as (fan_in, fan_out) and keeps
dW, db after backward. The network keeps its parameters in ``self.params`` ('W1', 'b1', ...),
the layers in an ordered dict, and the loss layer apart (SoftmaxWithLoss or MeanSquaredLoss);
``gradient(x, t)`` is backprop: forward, then backward from dout = 1.

    neuronnet check examples/corpus/dlfs_layers.py
"""

import numpy as np


class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = None
        self.dW, self.db = np.zeros_like(W), np.zeros_like(b)

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = self.x.T @ dout        # (fan_in, n) @ (n, fan_out)
        self.db = dout.sum(axis=0)       # one sum over the batch per neuron
        return dx


class Sigmoid:
    def forward(self, x):
        self.out = 0.5 * (1.0 + np.tanh(0.5 * x))    # 1 / (1 + exp(-x)) without overflow
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out ** 2)


class Relu:
    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0
        return dx


class SoftmaxWithLoss:
    """The mean cross-entropy of softmax(x) against t (one-hot or probability rows)."""

    def forward(self, x, t):
        self.t = t
        log_y = x - x.max(axis=1, keepdims=True)
        log_y -= np.log(np.sum(np.exp(log_y), axis=1, keepdims=True))
        self.y = np.exp(log_y)
        return -np.sum(t * log_y) / x.shape[0]

    def backward(self, dout=1):
        n = len(self.t)                  # the mean over the batch's n rows
        return dout * (self.y - self.t) / n


class MeanSquaredLoss:
    """The mean over the batch of 0.5 * sum((y - t)**2)."""

    def forward(self, y, t):
        self.y, self.t = y, t
        return 0.5 * np.sum((y - t) ** 2) / y.shape[0]

    def backward(self, dout=1):
        return dout * (self.y - self.t) / self.y.shape[0]


ACTIVATION_LAYERS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": Relu}


class MultiLayerNet:
    def __init__(self, sizes, activations, loss, weight_init_std=0.01, seed=0):
        rng = np.random.default_rng(seed)
        self.params = {}
        self.layers = {}                 # a dict keeps the order the layers are added in
        for i in range(1, len(sizes)):
            self.params["W%d" % i] = weight_init_std * rng.standard_normal((sizes[i - 1], sizes[i]))
            self.params["b%d" % i] = np.zeros(sizes[i])
            self.layers["Affine%d" % i] = Affine(self.params["W%d" % i], self.params["b%d" % i])
            if activations[i - 1] != "identity":
                self.layers["Activation%d" % i] = ACTIVATION_LAYERS[activations[i - 1]]()
        self.last_layer = SoftmaxWithLoss() if loss == "cross_entropy" else MeanSquaredLoss()
        self.n_affine = len(sizes) - 1

    def predict(self, x):
        for name in self.layers:
            x = self.layers[name].forward(x)
        return x

    def loss(self, x, t):
        return self.last_layer.forward(self.predict(x), t)

    def _collect(self):
        grads = {}
        for i in range(1, self.n_affine + 1):
            grads["W%d" % i] = self.layers["Affine%d" % i].dW
            grads["b%d" % i] = self.layers["Affine%d" % i].db
        return grads

    def backward_from(self, dout):
        for name in reversed(self.layers):    # from the output layer down
            dout = self.layers[name].backward(dout)
        return self._collect()

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        return self.backward_from(dout)


# --- the adapter for `neuronnet check`: W transposed both ways -----------------------------------
class Adapter:
    def __init__(self, net):
        self.net = net

    def _keys(self):
        return [k for i in range(1, self.net.n_affine + 1) for k in ("W%d" % i, "b%d" % i)]

    def _to_contract(self, grads):
        return [grads[k].T.copy() if k[0] == "W" else grads[k].copy() for k in self._keys()]

    def set_parameters(self, params):
        for key, p in zip(self._keys(), params):   # in place: the Affine layers share these
            self.net.params[key][...] = np.transpose(p) if key[0] == "W" else p

    def parameters(self):
        return self._to_contract(self.net.params)

    def forward(self, X):
        return self.net.predict(X)

    def loss(self, X, Y):
        return self.net.loss(X, Y)

    def gradient(self, X, Y):
        return self._to_contract(self.net.gradient(X, Y))

    def backward(self, grad_output):
        return self._to_contract(self.net.backward_from(grad_output))

    def train_step(self, X, Y, lr):
        grads = self.net.gradient(X, Y)
        for key in self.net.params:
            self.net.params[key] -= lr * grads[key]


def build(layer_sizes, activations, loss):
    return Adapter(MultiLayerNet(list(layer_sizes), list(activations), loss))
