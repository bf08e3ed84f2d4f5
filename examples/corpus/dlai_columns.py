"""Style: the deeplearning.ai "L-layer deep network" assignment. Samples are COLUMNS: X is
(n_x, m); parameters["W" + str(l)] is (n_l, n_{l-1}) and parameters["b" + str(l)] is (n_l, 1),
layers numbered from 1. Forward keeps a cache per layer; backward takes dZ down the layers with
dW = dZ A_prev^T / m and db = sum(dZ) / m. Hidden layers relu, tanh or sigmoid; the output
layer is identity or sigmoid with half_mse, or identity logits with softmax cross_entropy.

The adapter at the bottom transposes X, Y and the gradients between rows and columns.
"""
import numpy as np


def initialize_parameters_deep(layer_dims, seed=1):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z)), Z


def relu(Z):
    return np.maximum(0, Z), Z


def tanh(Z):
    return np.tanh(Z), Z


def identity(Z):
    return Z, Z


def sigmoid_backward(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return dA * s * (1 - s)


def relu_backward(dA, cache):
    dZ = np.array(dA, copy=True)
    dZ[cache <= 0] = 0
    return dZ


def tanh_backward(dA, cache):
    return dA * (1 - np.tanh(cache) ** 2)


def identity_backward(dA, cache):
    return dA


FORWARD = {"sigmoid": sigmoid, "relu": relu, "tanh": tanh, "identity": identity}
BACKWARD = {"sigmoid": sigmoid_backward, "relu": relu_backward, "tanh": tanh_backward,
            "identity": identity_backward}


def linear_activation_forward(A_prev, W, b, activation):
    Z = W @ A_prev + b
    A, activation_cache = FORWARD[activation](Z)
    return A, ((A_prev, W, b), activation_cache)


def L_model_forward(X, parameters, activations):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)],
                                             parameters["b" + str(l)], activations[l - 1])
        caches.append(cache)
    return A, caches


def softmax(Z):
    T = np.exp(Z - Z.max(axis=0, keepdims=True))
    return T / T.sum(axis=0, keepdims=True)


def compute_cost(AL, Y, loss):
    m = Y.shape[1]
    if loss == "half_mse":
        return float(np.sum((AL - Y) ** 2) / (2 * m))
    Z = AL - AL.max(axis=0, keepdims=True)
    log_p = Z - np.log(np.exp(Z).sum(axis=0, keepdims=True))
    return float(-np.sum(Y * log_p) / m)


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    dZ = BACKWARD[activation](dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def L_model_backward(dAL, caches, activations):
    """dAL is dL/dA of the output for ONE sample per column (the 1/m comes in linear_backward)."""
    grads = {}
    L = len(caches)
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, current_cache, activations[L - 1])
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, activations[l])
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def output_gradient(AL, Y, loss):
    """Per-sample dL/dAL (half_mse), or dL/dZ of the logits (cross_entropy)."""
    if loss == "half_mse":
        return AL - Y
    return softmax(AL) - Y


def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


class Adapter:
    """Rows to columns and back; b is (n_l, 1) inside."""

    def __init__(self, layer_dims, activations, loss):
        self.activations, self.loss_name = activations, loss
        self.L = len(layer_dims) - 1
        self.parameters_ = initialize_parameters_deep(layer_dims)

    def set_parameters(self, params):
        for l in range(1, self.L + 1):
            self.parameters_["W" + str(l)] = np.array(params[2 * l - 2], dtype=float)
            self.parameters_["b" + str(l)] = np.array(params[2 * l - 1], dtype=float).reshape(-1, 1)

    def parameters(self):
        return [p.copy() if k == "W" else p.ravel().copy()
                for l in range(1, self.L + 1) for k, p in
                (("W", self.parameters_["W" + str(l)]), ("b", self.parameters_["b" + str(l)]))]

    def forward(self, X):
        AL, _ = L_model_forward(np.asarray(X).T, self.parameters_, self.activations)
        return AL.T

    def loss(self, X, Y):
        AL, _ = L_model_forward(np.asarray(X).T, self.parameters_, self.activations)
        return compute_cost(AL, np.asarray(Y).T, self.loss_name)

    def _grads(self, X, Y):
        AL, caches = L_model_forward(np.asarray(X).T, self.parameters_, self.activations)
        dAL = output_gradient(AL, np.asarray(Y).T, self.loss_name)
        return L_model_backward(dAL, caches, self.activations)

    def gradient(self, X, Y):
        grads = self._grads(X, Y)
        return [g for l in range(1, self.L + 1)
                for g in (grads["dW" + str(l)], grads["db" + str(l)].ravel())]

    def train_step(self, X, Y, lr=0.0075):
        self.parameters_ = update_parameters(self.parameters_, self._grads(X, Y), lr)


def build(layer_sizes, activations, loss):
    *hidden, out = activations
    if "identity" in hidden:
        raise NotImplementedError("hidden layers are relu, tanh or sigmoid")
    if out not in ("identity", "sigmoid") or (loss == "cross_entropy" and out != "identity"):
        raise NotImplementedError("the output is identity or sigmoid (identity logits for softmax)")
    return Adapter(list(layer_sizes), list(activations), loss)
