"""Style: a network split over two files, as a student's project grows: the activation
functions live in the neighbour module ``neighbour_layers.py``, imported inside ``build``; the
network and its backprop are here. Vectorized, rows are samples: X is (n, n_in), W[l] is
(fan_out, fan_in), b[l] is (fan_out,), zs[l] and deltas[l] are (n, fan_out).
"""
import numpy as np


class SplitNet:
    def __init__(self, sizes, funcs, loss):
        self.funcs, self.loss_name = funcs, loss   # funcs[l] = (f, f') of layer l
        self.W = [np.zeros((o, i)) for i, o in zip(sizes, sizes[1:])]
        self.b = [np.zeros(o) for o in sizes[1:]]

    def set_parameters(self, params):
        self.W = [np.array(W, dtype=float) for W in params[0::2]]
        self.b = [np.array(b, dtype=float) for b in params[1::2]]

    def parameters(self):
        return [p.copy() for pair in zip(self.W, self.b) for p in pair]

    def forward(self, X):
        a = np.asarray(X, dtype=float)
        self.activations, self.zs = [a], []
        for W, b, (f, _) in zip(self.W, self.b, self.funcs):
            z = a @ W.T + b
            a = f(z)
            self.zs.append(z)
            self.activations.append(a)
        return a

    def loss(self, X, Y):
        out = self.forward(X)
        if self.loss_name == "half_mse":
            return 0.5 * np.sum((out - Y) ** 2) / len(out)
        m = out.max(axis=1, keepdims=True)
        log_softmax = out - m - np.log(np.exp(out - m).sum(axis=1, keepdims=True))
        return -np.sum(Y * log_softmax) / len(out)

    def cost_derivative(self, out, Y):
        """dL/d(out) of the mean loss."""
        if self.loss_name == "half_mse":
            return (out - Y) / len(out)
        e = np.exp(out - out.max(axis=1, keepdims=True))
        return (e / e.sum(axis=1, keepdims=True) - Y) / len(out)

    def backward(self, grad_output):
        grad_a = np.asarray(grad_output, dtype=float)
        L = len(self.W)
        self.ds = [None] * L
        nabla_w, nabla_b = [None] * L, [None] * L
        for l in range(L - 1, -1, -1):
            delta = grad_a * self.funcs[l][1](self.zs[l])
            self.ds[l] = delta
            nabla_w[l] = delta.T @ self.activations[l]
            nabla_b[l] = delta.sum(axis=0)
            grad_a = delta @ self.W[l]
        return [g for pair in zip(nabla_w, nabla_b) for g in pair]

    def gradient(self, X, Y):
        out = self.forward(X)
        return self.backward(self.cost_derivative(out, Y))

    def deltas(self):
        return list(self.ds)

    def pre_activations(self):
        return list(self.zs)

    def train_step(self, X, Y, lr=0.1):
        """Backpropagate and update in one pass, from the output layer down."""
        out = self.forward(X)
        grad_a = self.cost_derivative(out, Y)
        for l in range(len(self.W) - 1, -1, -1):
            delta = grad_a * self.funcs[l][1](self.zs[l])
            grad_a = delta @ self.W[l]
            self.W[l] -= lr * (delta.T @ self.activations[l])
            self.b[l] -= lr * delta.sum(axis=0)


def build(layer_sizes, activations, loss):
    import neighbour_layers
    funcs = [neighbour_layers.get(name) for name in activations]
    return SplitNet(list(layer_sizes), funcs, loss)
