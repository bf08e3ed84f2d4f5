"""A network written to the API of Nielsen's network.py, checked through the ready adapter.

    Network(sizes): weights[l] (fan_out, fan_in), biases[l] a column (fan_out, 1)
    feedforward(a), backprop(x, y) -> (nabla_b, nabla_w), update_mini_batch(mini_batch, eta)

Columns, one sample at a time; sigmoid neurons; the quadratic cost C_x = 1/2 ||a - y||^2.
No build: the adapter makes one (the toml says [check] style = "nielsen").
"""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    """d sigma / dz, taken at z: sigma(z) (1 - sigma(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


class Network:

    def __init__(self, sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.sizes = list(sizes)
        self.num_layers = len(sizes)
        self.weights = [rng.standard_normal((fan_out, fan_in))
                        for fan_in, fan_out in zip(sizes[:-1], sizes[1:])]
        self.biases = [rng.standard_normal((fan_out, 1)) for fan_out in sizes[1:]]

    def feedforward(self, a):
        for W, b in zip(self.weights, self.biases):
            a = sigmoid(W @ a + b)
        return a

    def cost_derivative(self, output_activations, y):
        """dC_x / da for the quadratic cost."""
        return output_activations - y

    def backprop(self, x, y):
        """The gradient of C_x for one column x: (nabla_b, nabla_w), layer by layer."""
        zs, activations = [], [x]
        for W, b in zip(self.weights, self.biases):
            zs.append(W @ activations[-1] + b)
            activations.append(sigmoid(zs[-1]))
        last = len(self.weights) - 1
        nabla_b, nabla_w = [None] * (last + 1), [None] * (last + 1)
        delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
        for l in range(last, -1, -1):
            if l < last:    # delta^l = (W^{l+1})^T delta^{l+1} * sigma'(z^l)
                delta = (self.weights[l + 1].T @ delta) * sigmoid_prime(zs[l])
            nabla_b[l] = delta
            nabla_w[l] = delta @ activations[l].T
        return nabla_b, nabla_w

    def update_mini_batch(self, mini_batch, eta):
        """One step of gradient descent on the mean cost of the (x, y) pairs."""
        total_b = [np.zeros_like(b) for b in self.biases]
        total_w = [np.zeros_like(W) for W in self.weights]
        for x, y in mini_batch:
            nabla_b, nabla_w = self.backprop(x, y)
            total_b = [t + nb for t, nb in zip(total_b, nabla_b)]
            total_w = [t + nw for t, nw in zip(total_w, nabla_w)]
        rate = eta / len(mini_batch)
        self.weights = [W - rate * t for W, t in zip(self.weights, total_w)]
        self.biases = [b - rate * t for b, t in zip(self.biases, total_b)]
