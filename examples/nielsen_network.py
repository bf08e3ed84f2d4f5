"""A student's network in the style of Nielsen's network.py: column vectors, sigmoid neurons,
the quadratic cost C = 1/2 ||a - y||^2, backprop one sample at a time.

Written for neuronnet's examples; check it with ``neuronnet check examples/check_nielsen.py``.
"""
import numpy as np


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))   # = 1 / (1 + exp(-z)), without overflow


def sigmoid_prime(z):
    """The derivative of the sigmoid, as a function of z."""
    s = sigmoid(z)
    return s * (1.0 - s)


class Network:
    def __init__(self, sizes, rng):
        self.sizes = sizes
        self.weights = [rng.standard_normal((y, x)) for x, y in zip(sizes[:-1], sizes[1:])]
        self.biases = [rng.standard_normal((y, 1)) for y in sizes[1:]]

    def feedforward(self, a):
        """a: a column (n_inputs, 1) -> the output column (n_outputs, 1)."""
        for w, b in zip(self.weights, self.biases):
            a = sigmoid(w @ a + b)
        return a

    def backprop(self, x, y):
        """The gradient of C for one sample (x, y), both columns: (nabla_w, nabla_b), lists
        shaped like the weights and biases."""
        activation, activations, zs = x, [x], []
        for w, b in zip(self.weights, self.biases):
            zs.append(w @ activation + b)
            activation = sigmoid(zs[-1])
            activations.append(activation)
        delta = (activations[-1] - y) * sigmoid_prime(zs[-1])
        nabla_w, nabla_b = [None] * len(self.weights), [None] * len(self.biases)
        nabla_w[-1], nabla_b[-1] = delta @ activations[-2].T, delta
        for l in range(2, len(self.sizes)):
            delta = (self.weights[-l + 1].T @ delta) * sigmoid_prime(zs[-l])
            nabla_w[-l], nabla_b[-l] = delta @ activations[-l - 1].T, delta
        return nabla_w, nabla_b

    def update_mini_batch(self, mini_batch, eta):
        """One gradient-descent step on the mean cost of a list of (x, y) columns."""
        sum_w = [np.zeros_like(w) for w in self.weights]
        sum_b = [np.zeros_like(b) for b in self.biases]
        for x, y in mini_batch:
            nabla_w, nabla_b = self.backprop(x, y)
            sum_w = [s + n for s, n in zip(sum_w, nabla_w)]
            sum_b = [s + n for s, n in zip(sum_b, nabla_b)]
        m = len(mini_batch)
        self.weights = [w - eta / m * s for w, s in zip(self.weights, sum_w)]
        self.biases = [b - eta / m * s for b, s in zip(self.biases, sum_b)]
