"""A network in plain Python: lists of lists and for-loops over samples, neurons and weights.

W[l][j][i] is the weight from input i to neuron j of layer l, b[l][j] neuron j's bias; one
sample x is a list of floats. No numpy inside the network (math.exp, math.tanh, math.log):
only the adapter at the bottom converts arrays to lists and back. Activations identity,
sigmoid, tanh, relu; losses half_mse and cross_entropy (the softmax is part of the loss).

    neuronnet check examples/corpus/plain_loops.py
"""
import math
import random


def activate(name, z):
    if name == "sigmoid":
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)
    if name == "tanh":
        return math.tanh(z)
    if name == "relu":
        return z if z > 0 else 0.0
    return z


def derivative(name, z, a):
    """f'(z), using a = f(z) where that is the usual formula."""
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a * a
    if name == "relu":
        return 1.0 if z > 0 else 0.0
    return 1.0


def softmax(v):
    m = max(v)
    e = [math.exp(vi - m) for vi in v]
    s = sum(e)
    return [ei / s for ei in e]


class LoopNet:
    def __init__(self, sizes, activations, loss, seed=0):
        rnd = random.Random(seed)
        self.sizes, self.acts, self.loss_name = sizes, activations, loss
        self.W = [[[rnd.gauss(0, 1) for i in range(sizes[l])] for j in range(sizes[l + 1])]
                  for l in range(len(sizes) - 1)]
        self.b = [[0.0 for j in range(sizes[l + 1])] for l in range(len(sizes) - 1)]

    def forward_one(self, x):
        """zs[l][j] and a[l][j] of one sample; a[0] is x itself."""
        zs, a = [], [x]
        for l in range(len(self.W)):
            z_l, a_l = [], []
            for j in range(len(self.W[l])):
                z = self.b[l][j]
                for i in range(len(a[l])):
                    z += self.W[l][j][i] * a[l][i]
                z_l.append(z)
                a_l.append(activate(self.acts[l], z))
            zs.append(z_l)
            a.append(a_l)
        return zs, a

    def predict(self, X):
        return [self.forward_one(x)[1][-1] for x in X]

    def sample_loss(self, out, y):
        if self.loss_name == "half_mse":
            return 0.5 * sum((o - t) ** 2 for o, t in zip(out, y))
        m = max(out)
        log_sum = m + math.log(sum(math.exp(o - m) for o in out))
        return sum(t * (log_sum - o) for o, t in zip(out, y))

    def total_loss(self, X, Y):
        return sum(self.sample_loss(out, y) for out, y in zip(self.predict(X), Y)) / len(X)

    def gradient(self, X, Y):
        """dW, db (lists shaped like W, b) of the mean loss over the samples X, Y."""
        L = len(self.W)
        dW = [[[0.0] * len(row) for row in W_l] for W_l in self.W]
        db = [[0.0] * len(b_l) for b_l in self.b]
        for x, y in zip(X, Y):
            zs, a = self.forward_one(x)
            if self.loss_name == "half_mse":
                error = [aj - yj for aj, yj in zip(a[-1], y)]
            else:
                error = [pj - yj for pj, yj in zip(softmax(a[-1]), y)]
            delta = [error[j] * derivative(self.acts[-1], zs[-1][j], a[-1][j])
                     for j in range(len(error))]
            for l in range(L - 1, -1, -1):
                for j in range(len(delta)):
                    db[l][j] += delta[j]
                    for i in range(len(a[l])):
                        dW[l][j][i] += delta[j] * a[l][i]
                if l > 0:
                    below = []
                    for i in range(len(a[l])):
                        s = 0.0
                        for k in range(len(delta)):
                            s += self.W[l][k][i] * delta[k]
                        below.append(s * derivative(self.acts[l - 1], zs[l - 1][i], a[l][i]))
                    delta = below
        n = len(X)
        for l in range(L):
            for j in range(len(db[l])):
                db[l][j] /= n
                for i in range(len(dW[l][j])):
                    dW[l][j][i] /= n
        return dW, db

    def train_step(self, X, Y, lr):
        dW, db = self.gradient(X, Y)
        for l in range(len(self.W)):
            for j in range(len(self.W[l])):
                self.b[l][j] -= lr * db[l][j]
                for i in range(len(self.W[l][j])):
                    self.W[l][j][i] -= lr * dW[l][j][i]


# --- the adapter for `neuronnet check`: arrays to lists and back ---------------------------------
import numpy as np  # noqa: E402 - the adapter only


class Adapter:
    def __init__(self, net):
        self.net = net

    def set_parameters(self, params):
        self.net.W = [np.asarray(W, dtype=float).tolist() for W in params[0::2]]
        self.net.b = [np.asarray(b, dtype=float).tolist() for b in params[1::2]]

    def parameters(self):
        return [np.array(p) for W, b in zip(self.net.W, self.net.b) for p in (W, b)]

    def forward(self, X):
        return np.array(self.net.predict(X.tolist()), dtype=float).reshape(len(X), -1)

    def loss(self, X, Y):
        return self.net.total_loss(X.tolist(), Y.tolist())

    def gradient(self, X, Y):
        dW, db = self.net.gradient(X.tolist(), Y.tolist())
        return [np.array(p) for W, b in zip(dW, db) for p in (W, b)]

    def train_step(self, X, Y, lr):
        self.net.train_step(X.tolist(), Y.tolist(), lr)


def build(layer_sizes, activations, loss):
    return Adapter(LoopNet(list(layer_sizes), list(activations), loss))
