"""A student's network with plain Python loops: lists of numbers, one sample at a time, one
neuron at a time, one weight at a time. No numpy: every sum is written out.

Written for neuronnet's examples; check it with ``neuronnet check examples/check_loops.py``.
"""
import math


def activate(name, z):
    if name == "sigmoid":
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    if name == "tanh":
        return math.tanh(z)
    if name == "relu":
        return z if z > 0 else 0.0
    return z


def slope(name, z, a):
    """f'(z), using the output a = f(z) where that is simpler."""
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a * a
    if name == "relu":
        return 1.0 if z > 0 else 0.0
    return 1.0


class LoopNet:
    """weights[l][j][i]: from input i to neuron j of layer l; biases[l][j]. Half-MSE loss."""

    def __init__(self, sizes, activations):
        self.activations = activations
        self.weights = [[[0.0] * m for _ in range(n)] for m, n in zip(sizes, sizes[1:])]
        self.biases = [[0.0] * n for n in sizes[1:]]

    def run(self, x):
        """One sample forward: every layer's z and a (a[0] is x itself)."""
        zs, outs = [], [list(x)]
        for W, b, name in zip(self.weights, self.biases, self.activations):
            z = [sum(w_ji * a_i for w_ji, a_i in zip(row, outs[-1])) + b_j
                 for row, b_j in zip(W, b)]
            zs.append(z)
            outs.append([activate(name, z_j) for z_j in z])
        return zs, outs

    def loss(self, X, Y):
        total = 0.0
        for x, y in zip(X, Y):
            a = self.run(x)[1][-1]
            total += 0.5 * sum((a_k - y_k) ** 2 for a_k, y_k in zip(a, y))
        return total / len(X)

    def deltas(self, zs, outs, W, y):
        """One sample's deltas, output layer first, given the weights W to send them down."""
        L = len(zs)
        delta = [(a - t) * slope(self.activations[-1], z, a)
                 for z, a, t in zip(zs[-1], outs[-1], y)]
        result = [delta]
        for l in range(L - 2, -1, -1):
            delta = [sum(W[l + 1][k][j] * delta[k] for k in range(len(delta)))
                     * slope(self.activations[l], zs[l][j], outs[l + 1][j])
                     for j in range(len(zs[l]))]
            result.insert(0, delta)
        return result

    def gradient(self, X, Y):
        """dW[l][j][i] and db[l][j] of the mean loss over the batch."""
        n = len(X)
        dW = [[[0.0] * len(row) for row in W] for W in self.weights]
        db = [[0.0] * len(b) for b in self.biases]
        for x, y in zip(X, Y):
            zs, outs = self.run(x)
            for l, delta in enumerate(self.deltas(zs, outs, self.weights, y)):
                for j, d in enumerate(delta):
                    db[l][j] += d / n
                    for i, a_i in enumerate(outs[l]):
                        dW[l][j][i] += d * a_i / n
        return dW, db

    def train_step(self, X, Y, lr):
        dW, db = self.gradient(X, Y)
        for l in range(len(self.weights)):
            for j in range(len(self.weights[l])):
                self.biases[l][j] -= lr * db[l][j]
                for i in range(len(self.weights[l][j])):
                    self.weights[l][j][i] -= lr * dW[l][j][i]
