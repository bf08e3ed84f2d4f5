"""Style: a vectorized network whose sums are all written with ``np.einsum`` (so it adds up in
a different order from ``@``), and whose ReLU takes the other convention at the kink:
relu'(z) = 1 where z >= 0 (z = 0 included). Activations relu, tanh, identity; sigmoid is not
supported (build raises NotImplementedError). Losses half_mse and cross_entropy.

Rows are samples: X is (n, n_in), W[l] is (fan_out, fan_in), b[l] is (fan_out,), z[l] and
a[l + 1] are (n, fan_out), a[0] is X.
"""
import numpy as np


def relu(z):
    return np.where(z >= 0, z, 0.0)


def relu_grad(z):
    return (z >= 0).astype(float)


FUNCS = {
    "relu": (relu, relu_grad),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "identity": (lambda z: z, lambda z: np.ones_like(z)),
}


class EinsumNet:
    def __init__(self, sizes, activations, loss):
        self.acts, self.loss_name = activations, loss
        self.W = [np.zeros((o, i)) for i, o in zip(sizes, sizes[1:])]
        self.b = [np.zeros(o) for o in sizes[1:]]

    def set_parameters(self, params):
        self.W = [np.array(W, dtype=float) for W in params[0::2]]
        self.b = [np.array(b, dtype=float) for b in params[1::2]]

    def parameters(self):
        return [p.copy() for pair in zip(self.W, self.b) for p in pair]

    def forward(self, X):
        a = np.asarray(X, dtype=float)
        self.a, self.z = [a], []
        for W, b, name in zip(self.W, self.b, self.acts):
            z = np.einsum("ni,oi->no", a, W) + b
            a = FUNCS[name][0](z)
            self.z.append(z)
            self.a.append(a)
        return a

    def loss(self, X, Y):
        out = self.forward(X)
        n = out.shape[0]
        if self.loss_name == "half_mse":
            return 0.5 * np.einsum("no,no->", out - Y, out - Y) / n
        shifted = out - out.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -np.einsum("no,no->", Y, log_p) / n

    def loss_grad(self, out, Y):
        """dL/dout of the mean loss, (n, n_out)."""
        n = out.shape[0]
        if self.loss_name == "half_mse":
            return (out - Y) / n
        e = np.exp(out - out.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        return (p - Y) / n

    def backward(self, grad_output):
        dA = np.asarray(grad_output, dtype=float)
        self.delta = [None] * len(self.W)
        grads = []
        for l in reversed(range(len(self.W))):
            delta = dA * FUNCS[self.acts[l]][1](self.z[l])
            self.delta[l] = delta
            dW = np.einsum("no,ni->oi", delta, self.a[l])
            db = np.einsum("no->o", delta)
            grads = [dW, db] + grads
            dA = np.einsum("no,oi->ni", delta, self.W[l])
        return grads

    def gradient(self, X, Y):
        out = self.forward(X)
        return self.backward(self.loss_grad(out, Y))

    def deltas(self):
        return list(self.delta)

    def pre_activations(self):
        return list(self.z)

    def train_step(self, X, Y, lr=0.1):
        grads = self.gradient(X, Y)
        self.W = [W - lr * dW for W, dW in zip(self.W, grads[0::2])]
        self.b = [b - lr * db for b, db in zip(self.b, grads[1::2])]


def build(layer_sizes, activations, loss):
    if "sigmoid" in activations:
        raise NotImplementedError("this network has relu, tanh and identity layers only")
    return EinsumNet(list(layer_sizes), list(activations), loss)
