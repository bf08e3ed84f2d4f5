"""A network in the style of Nielsen's network.py ("Neural Networks and Deep Learning", ch. 1-2).

Column vectors, one sample at a time: x is (n_in, 1), W_l is (fan_out, fan_in), b_l is
(fan_out, 1). Sigmoid neurons and the quadratic cost C = 1/2 ||a - y||^2 only. The sigmoid is
the textbook one, 1 / (1 + exp(-z)): correct, though numpy warns when exp(-z) overflows.

    neuronnet check examples/corpus/nielsen_columns.py
"""
import numpy as np


class Network:

    def __init__(self, sizes, rng=None):
        """sizes = [n_in, n_1, ..., n_out]; random N(0, 1) weights and biases."""
        rng = rng or np.random.default_rng()
        self.num_layers = len(sizes)
        self.sizes = sizes
        self.biases = [rng.standard_normal((n, 1)) for n in sizes[1:]]
        self.weights = [rng.standard_normal((n, m)) for m, n in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        """a: (n_in, 1) -> the output layer's activation, (n_out, 1)."""
        for b, w in zip(self.biases, self.weights):
            a = sigmoid(np.dot(w, a) + b)
        return a

    def update_mini_batch(self, mini_batch, eta):
        """One gradient-descent step on a list of (x, y) column pairs, with the gradient of the
        mean cost over the mini-batch."""
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        step = eta / len(mini_batch)
        self.weights = [w - step * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - step * nb for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x, y):
        """(nabla_b, nabla_w): the gradient of C_x = 1/2 ||a - y||^2 for one sample, layer by
        layer, shaped like self.biases and self.weights."""
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        # forward pass, keeping every z and every activation
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        # backward pass: delta = dC/dz of the output layer, then of each layer below
        delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = sigmoid_prime(z)
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return (nabla_b, nabla_w)

    def cost_derivative(self, output_activations, y):
        """dC_x/da of the quadratic cost, (n_out, 1)."""
        return (output_activations - y)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


# --- the adapter for `neuronnet check`: rows in, columns inside ----------------------------------
class Adapter:

    def __init__(self, net):
        self.net = net

    def set_parameters(self, params):
        self.net.weights = [np.array(W, dtype=float) for W in params[0::2]]
        self.net.biases = [np.array(b, dtype=float).reshape(-1, 1) for b in params[1::2]]

    def forward(self, X):
        return np.array([self.net.feedforward(x.reshape(-1, 1)).ravel() for x in X])

    def loss(self, X, Y):
        return float(np.mean(0.5 * np.sum((self.forward(X) - Y) ** 2, axis=1)))

    def gradient(self, X, Y):
        """The mean over the batch of backprop's per-sample gradients."""
        sum_w = [np.zeros(w.shape) for w in self.net.weights]
        sum_b = [np.zeros(b.shape) for b in self.net.biases]
        for x, y in zip(X, Y):
            nabla_b, nabla_w = self.net.backprop(x.reshape(-1, 1), y.reshape(-1, 1))
            sum_w = [s + nw for s, nw in zip(sum_w, nabla_w)]
            sum_b = [s + nb for s, nb in zip(sum_b, nabla_b)]
        n = len(X)
        return [g for sw, sb in zip(sum_w, sum_b) for g in (sw / n, sb.ravel() / n)]

    def train_step(self, X, Y, lr):
        self.net.update_mini_batch([(x.reshape(-1, 1), y.reshape(-1, 1)) for x, y in zip(X, Y)],
                                   lr)


def build(layer_sizes, activations, loss):
    if set(activations) != {"sigmoid"} or loss != "half_mse":
        raise NotImplementedError("sigmoid neurons and the quadratic cost only")
    return Adapter(Network(list(layer_sizes), np.random.default_rng(0)))
