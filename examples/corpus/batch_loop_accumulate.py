"""Style: a loop over the samples of a batch. Each sample's gradient is computed with vectors
(x is (n_in,), z and delta of a layer are (fan_out,)) and added into arrays allocated once in
__init__ and zeroed at the start of every gradient call; at the end they are divided by n.
Activations tanh, sigmoid, identity (relu is refused); losses half_mse and cross_entropy.

W[l] is (fan_out, fan_in), b[l] is (fan_out,). deltas() and pre_activations() give, per layer,
the (n, fan_out) array of every sample's delta and z from the last gradient call.
"""
import numpy as np


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


F = {"tanh": np.tanh, "sigmoid": sigmoid, "identity": lambda z: z}
DF = {"tanh": lambda z: 1.0 - np.tanh(z) ** 2,
      "sigmoid": lambda z: sigmoid(z) * (1.0 - sigmoid(z)),
      "identity": lambda z: np.ones_like(z)}


class LoopAccumulateNet:
    def __init__(self, sizes, activations, loss):
        self.acts, self.loss_name = activations, loss
        self.W = [np.zeros((o, i)) for i, o in zip(sizes, sizes[1:])]
        self.b = [np.zeros(o) for o in sizes[1:]]
        self.dW = [np.zeros_like(W) for W in self.W]   # the accumulators
        self.db = [np.zeros_like(b) for b in self.b]

    def set_parameters(self, params):
        self.W = [np.array(W, dtype=float) for W in params[0::2]]
        self.b = [np.array(b, dtype=float) for b in params[1::2]]

    def parameters(self):
        return [p.copy() for pair in zip(self.W, self.b) for p in pair]

    def feed(self, x):
        """One sample: return the list of z and the list of a (a[0] = x)."""
        zs, activations = [], [x]
        for W, b, name in zip(self.W, self.b, self.acts):
            zs.append(W @ activations[-1] + b)
            activations.append(F[name](zs[-1]))
        return zs, activations

    def forward(self, X):
        return np.array([self.feed(x)[1][-1] for x in np.asarray(X, dtype=float)])

    def sample_loss(self, out, y):
        if self.loss_name == "half_mse":
            return 0.5 * np.sum((out - y) ** 2)
        m = out.max()
        return -np.sum(y * (out - m - np.log(np.sum(np.exp(out - m)))))

    def loss(self, X, Y):
        total = 0.0
        for x, y in zip(np.asarray(X, dtype=float), np.asarray(Y, dtype=float)):
            total += self.sample_loss(self.feed(x)[1][-1], y)
        return total / len(X)

    def sample_output_grad(self, out, y):
        """dL/d(out) of ONE sample's loss."""
        if self.loss_name == "half_mse":
            return out - y
        e = np.exp(out - out.max())
        return e / e.sum() - y

    def gradient(self, X, Y):
        X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
        n, L = len(X), len(self.W)
        for l in range(L):
            self.dW[l].fill(0.0)
            self.db[l].fill(0.0)
        self.z_rows = [np.zeros((n, len(b))) for b in self.b]
        self.delta_rows = [np.zeros((n, len(b))) for b in self.b]
        for i in range(n):
            zs, activations = self.feed(X[i])
            grad_a = self.sample_output_grad(activations[-1], Y[i])
            for l in reversed(range(L)):
                delta = grad_a * DF[self.acts[l]](zs[l])
                self.dW[l] += np.outer(delta, activations[l])
                self.db[l] += delta
                grad_a = self.W[l].T @ delta
                self.z_rows[l][i], self.delta_rows[l][i] = zs[l], delta / n
        return [g / n for pair in zip(self.dW, self.db) for g in pair]

    def deltas(self):
        return [d.copy() for d in self.delta_rows]

    def pre_activations(self):
        return [z.copy() for z in self.z_rows]

    def train_step(self, X, Y, lr=0.1):
        grads = self.gradient(X, Y)
        for l in range(len(self.W)):
            self.W[l] = self.W[l] - lr * grads[2 * l]
            self.b[l] = self.b[l] - lr * grads[2 * l + 1]


def build(layer_sizes, activations, loss):
    if "relu" in activations:
        raise NotImplementedError("tanh, sigmoid and identity layers only")
    return LoopAccumulateNet(list(layer_sizes), list(activations), loss)
