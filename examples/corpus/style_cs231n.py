"""A network written to the API of CS231n's second assignment (fc_net.py), checked through the
ready adapter.

    FullyConnectedNet(hidden_dims, input_dim, num_classes, reg=0.0, weight_scale=1e-2,
                      dtype=np.float32, seed=0)
    params["W1"] (D, H1), params["b1"] (H1,), ...; loss(X) -> scores; loss(X, y) -> (loss, grads)

Samples are rows, labels y are integers. A layer is a pair of functions: the forward returns
its output and a cache, the backward takes the upstream gradient and the cache. The hidden
layers are affine then ReLU; the last is affine, its outputs the class scores; the data loss is
the mean softmax loss, and the penalty 0.5 * reg * sum ||W||^2 adds reg * W to each dW.
No build: the adapter makes one (the toml says [check] style = "cs231n").
"""
import numpy as np


def affine_forward(x, w, b):
    """out = x w + b for x (N, D), w (D, M), b (M,); the cache is what the backward needs."""
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w)


def affine_backward(dout, cache):
    """dout (N, M) -> dx (N, D), dw (D, M), db (M,)."""
    x, w = cache
    rows = x.reshape(x.shape[0], -1)
    dx = (dout @ w.T).reshape(x.shape)
    dw = rows.T @ dout
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    """The upstream gradient passes where the input was positive."""
    x = cache
    return dout * (x > 0)


def affine_relu_forward(x, w, b):
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    return out, (fc_cache, relu_cache)


def affine_relu_backward(dout, cache):
    fc_cache, relu_cache = cache
    return affine_backward(relu_backward(dout, relu_cache), fc_cache)


def softmax_loss(x, y):
    """The mean over the N rows of -log softmax(x_i)[y_i], and its gradient dx (N, C)."""
    N = x.shape[0]
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].sum() / N
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1.0
    dx = dx / N
    return loss, dx


class FullyConnectedNet:
    """{affine - relu} x (L - 1) - affine - softmax."""

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, reg=0.0,
                 weight_scale=1e-2, dtype=np.float32, seed=0):
        self.reg = reg
        self.dtype = dtype
        self.num_layers = len(hidden_dims) + 1
        rng = np.random.default_rng(seed)
        dims = [input_dim, *hidden_dims, num_classes]
        self.params = {}
        for i, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
            self.params[f"W{i}"] = (weight_scale * rng.standard_normal((fan_in, fan_out))).astype(dtype)
            self.params[f"b{i}"] = np.zeros(fan_out, dtype=dtype)

    def loss(self, X, y=None):
        X = X.astype(self.dtype)
        L = self.num_layers
        caches = []
        out = X
        for i in range(1, L):
            out, cache = affine_relu_forward(out, self.params[f"W{i}"], self.params[f"b{i}"])
            caches.append(cache)
        scores, last_cache = affine_forward(out, self.params[f"W{L}"], self.params[f"b{L}"])
        if y is None:
            return scores

        data_loss, dscores = softmax_loss(scores, y)
        reg_loss = 0.5 * self.reg * sum(np.sum(self.params[f"W{i}"] ** 2) for i in range(1, L + 1))
        loss = data_loss + reg_loss

        grads = {}
        dout, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dscores, last_cache)
        for i in range(L - 1, 0, -1):
            dout, grads[f"W{i}"], grads[f"b{i}"] = affine_relu_backward(dout, caches[i - 1])
        for i in range(1, L + 1):
            grads[f"W{i}"] += self.reg * self.params[f"W{i}"]
        return loss, grads
