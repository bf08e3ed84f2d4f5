"""A network written to the API of deeplearning.ai's L-layer assignment (Course 1, week 4), with
the L2-regularised cost and backward of Course 2 for any depth, checked through the ready adapter.

    parameters = initialize_parameters_deep(layer_dims)        # W1 (n_1, n_0), b1 (n_1, 1), ...
    AL, caches = L_model_forward(X, parameters)                # X (n_0, m): samples as columns
    cost = compute_cost(AL, Y)
    grads = L_model_backward(AL, Y, caches)                    # dW1, db1, ..., dA0, ...
    parameters = update_parameters(parameters, grads, learning_rate)

[LINEAR -> RELU] * (L - 1) -> LINEAR -> SIGMOID, and the cross-entropy of the sigmoid's output
against 0/1 labels, averaged over the m columns. Each layer's cache is ((A_prev, W, b), Z).
No build: the adapter makes one (the toml says [check] style = "dlai").
"""
import numpy as np


def initialize_parameters_deep(layer_dims, seed=3):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        scale = 1.0 / np.sqrt(layer_dims[l - 1])
        parameters["W" + str(l)] = scale * rng.standard_normal((layer_dims[l], layer_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def sigmoid(Z):
    A = 1.0 / (1.0 + np.exp(-Z))
    return A, Z


def relu(Z):
    A = np.maximum(0.0, Z)
    return A, Z


def sigmoid_backward(dA, cache):
    """dZ = dA * sigma'(Z), with sigma'(Z) = s (1 - s)."""
    Z = cache
    s = 1.0 / (1.0 + np.exp(-Z))
    return dA * s * (1.0 - s)


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0.0
    return dZ


def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    return Z, (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        A, activation_cache = relu(Z)
    return A, (linear_cache, activation_cache)


def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    return np.squeeze(cost)


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA_prev, dW, db = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA_prev, dW, db
    return grads


def compute_cost_with_regularization(AL, Y, parameters, lambd):
    """The cross-entropy plus lambd / (2m) times the squares of every weight (no bias)."""
    m = Y.shape[1]
    L = len(parameters) // 2
    squares = sum(np.sum(np.square(parameters["W" + str(l)])) for l in range(1, L + 1))
    return compute_cost(AL, Y) + lambd / (2 * m) * squares


def backward_propagation_with_regularization(AL, Y, caches, lambd):
    """L_model_backward, and lambd / m * W added to each dW."""
    m = AL.shape[1]
    grads = L_model_backward(AL, Y, caches)
    for l in range(1, len(caches) + 1):
        (_, W, _), _ = caches[l - 1]
        grads["dW" + str(l)] = grads["dW" + str(l)] + lambd / m * W
    return grads


def update_parameters(parameters, grads, learning_rate):
    parameters = dict(parameters)
    for l in range(1, len(parameters) // 2 + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters
