"""Style: functional. The parameters live in a dict {"W0": ..., "b0": ..., "W1": ...}; the
network is two pure functions, ``forward(params, X) -> (out, cache)`` and
``backward(params, cache, dout) -> grads``, plus a loss function that returns the loss and
dL/dout. No classes except the small adapter ``build`` returns.

Rows are samples: X is (n, n_in), W{l} is (fan_out, fan_in), b{l} is (fan_out,), every z{l}
and a{l} is (n, fan_out); a0 is X.
"""
import numpy as np


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1.0 - s)


ACT = {
    "identity": (lambda z: z, lambda z: np.ones_like(z)),
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
}


def forward(params, X, activations):
    """Return the last a, (n, n_out), and a cache of every z{l} and a{l}."""
    cache = {"a0": X}
    a = X
    for l, name in enumerate(activations):
        z = a @ params[f"W{l}"].T + params[f"b{l}"]
        a = ACT[name][0](z)
        cache[f"z{l}"], cache[f"a{l + 1}"] = z, a
    return a, cache


def backward(params, cache, dout, activations):
    """dout = dL/da of the last layer, (n, n_out). Return grads {"W0": dW0, "b0": db0, ...}."""
    grads = {}
    da = dout
    for l in reversed(range(len(activations))):
        dz = da * ACT[activations[l]][1](cache[f"z{l}"])
        cache[f"dz{l}"] = dz
        grads[f"W{l}"] = dz.T @ cache[f"a{l}"]
        grads[f"b{l}"] = dz.sum(axis=0)
        da = dz @ params[f"W{l}"]
    return grads


def half_mse(out, Y):
    n = out.shape[0]
    diff = out - Y
    return 0.5 * np.sum(diff ** 2) / n, diff / n


def softmax(out):
    e = np.exp(out - out.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(out, Y):
    """Softmax cross-entropy of the logits, averaged; Y may hold probability rows."""
    n = out.shape[0]
    shifted = out - out.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dout = (softmax(out) - Y) / n
    return -np.sum(Y * log_p) / n, dout


LOSSES = {"half_mse": half_mse, "cross_entropy": cross_entropy}


def sgd_update(params, grads, lr):
    return {key: params[key] - lr * grads[key] for key in params}


class FunctionalNet:
    """The contract's methods, each a call or two of the functions above."""

    def __init__(self, sizes, activations, loss):
        self.L, self.activations, self.loss_fn = len(sizes) - 1, activations, LOSSES[loss]
        self.params = {}
        self.cache = None

    def set_parameters(self, params):
        for l in range(self.L):
            self.params[f"W{l}"] = np.array(params[2 * l], dtype=float)
            self.params[f"b{l}"] = np.array(params[2 * l + 1], dtype=float)

    def parameters(self):
        return [self.params[f"{p}{l}"].copy() for l in range(self.L) for p in "Wb"]

    def forward(self, X):
        out, self.cache = forward(self.params, X, self.activations)
        return out

    def loss(self, X, Y):
        return self.loss_fn(self.forward(X), Y)[0]

    def _as_list(self, grads):
        return [grads[f"{p}{l}"] for l in range(self.L) for p in "Wb"]

    def backward(self, grad_output):
        return self._as_list(backward(self.params, self.cache, grad_output, self.activations))

    def gradient(self, X, Y):
        out, self.cache = forward(self.params, X, self.activations)
        _, dout = self.loss_fn(out, Y)
        return self._as_list(backward(self.params, self.cache, dout, self.activations))

    def deltas(self):
        return [self.cache[f"dz{l}"] for l in range(self.L)]

    def pre_activations(self):
        return [self.cache[f"z{l}"] for l in range(self.L)]

    def train_step(self, X, Y, lr=0.1):
        out, cache = forward(self.params, X, self.activations)
        _, dout = self.loss_fn(out, Y)
        self.params = sgd_update(self.params, backward(self.params, cache, dout,
                                                       self.activations), lr)


def build(layer_sizes, activations, loss):
    return FunctionalNet(list(layer_sizes), list(activations), loss)
