"""A network in the style of CS231n's assignments: a dict of parameters and layer functions.

``self.params`` holds W1 (D, H1), b1 (H1,), W2 (H1, H2), ... : W as (fan_in, fan_out), so a
batch X (N, D) goes through X.dot(W1) + b1. Hidden layers are affine - ReLU, the last layer is
affine (the class scores), and the loss is the softmax loss on INTEGER labels y (N,), plus
0.5 * reg * sum(W * W). ``loss(X)`` returns the scores; ``loss(X, y)`` returns (loss, grads).

    neuronnet check examples/corpus/cs231n_params.py --one-hot
"""
import numpy as np


def affine_forward(x, w, b):
    """x (N, D), w (D, M), b (M,) -> out (N, M), cache."""
    out = x.dot(w) + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    """dout (N, M) -> dx (N, D), dw (D, M), db (M,)."""
    x, w, b = cache
    dx = dout.dot(w.T)
    dw = x.T.dot(dout)
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    out = np.maximum(0, x)
    return out, x


def relu_backward(dout, cache):
    x = cache
    dx = dout.copy()
    dx[x < 0] = 0
    return dx


def softmax_loss(x, y):
    """x (N, C) scores, y (N,) integer labels -> the mean loss and dx (N, C)."""
    shifted = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)
    probs = np.exp(log_probs)
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


class FullyConnectedNet:
    """{affine - relu} x (L - 1) - affine - softmax."""

    def __init__(self, hidden_dims, input_dim, num_classes, weight_scale=1e-2, reg=0.0,
                 seed=0):
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        dims = [input_dim] + list(hidden_dims) + [num_classes]
        rng = np.random.default_rng(seed)
        self.params = {}
        for i in range(self.num_layers):
            self.params["W%d" % (i + 1)] = weight_scale * rng.standard_normal((dims[i], dims[i + 1]))
            self.params["b%d" % (i + 1)] = np.zeros(dims[i + 1])

    def loss(self, X, y=None):
        caches = {}
        out = X
        for i in range(1, self.num_layers + 1):
            out, caches["affine%d" % i] = affine_forward(out, self.params["W%d" % i],
                                                          self.params["b%d" % i])
            if i < self.num_layers:
                out, caches["relu%d" % i] = relu_forward(out)
        scores = out
        if y is None:
            return scores

        loss, dout = softmax_loss(scores, y)
        grads = {}
        for i in range(self.num_layers, 0, -1):
            W = self.params["W%d" % i]
            loss += 0.5 * self.reg * np.sum(W * W)
            if i < self.num_layers:
                dout = relu_backward(dout, caches["relu%d" % i])
            dout, dW, db = affine_backward(dout, caches["affine%d" % i])
            grads["W%d" % i] = dW + self.reg * W
            grads["b%d" % i] = db
        return loss, grads


# --- the adapter for `neuronnet check --one-hot`: labels from one-hot rows -----------------------
class Adapter:

    def __init__(self, model):
        self.model = model

    def _keys(self):
        return [k for i in range(1, self.model.num_layers + 1) for k in ("W%d" % i, "b%d" % i)]

    def set_parameters(self, params):
        for key, p in zip(self._keys(), params):
            self.model.params[key] = np.array(p, dtype=float).T.copy() if key[0] == "W" else \
                np.array(p, dtype=float)

    def parameters(self):
        return [self.model.params[k].T.copy() if k[0] == "W" else self.model.params[k].copy()
                for k in self._keys()]

    def forward(self, X):
        return self.model.loss(X)

    def loss(self, X, Y):
        return self.model.loss(X, Y.argmax(axis=1))[0]

    def gradient(self, X, Y):
        _, grads = self.model.loss(X, Y.argmax(axis=1))
        return [grads[k].T.copy() if k[0] == "W" else grads[k] for k in self._keys()]

    def train_step(self, X, Y, lr):
        _, grads = self.model.loss(X, Y.argmax(axis=1))
        for k in self._keys():
            self.model.params[k] -= lr * grads[k]


def build(layer_sizes, activations, loss):
    if loss != "cross_entropy" or activations[-1] != "identity" or \
            any(a != "relu" for a in activations[:-1]):
        raise NotImplementedError("affine-ReLU hidden layers, affine scores and the softmax loss")
    return Adapter(FullyConnectedNet(layer_sizes[1:-1], layer_sizes[0], layer_sizes[-1]))
