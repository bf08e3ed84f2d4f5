"""Style: a vectorized batch network that works in float32 throughout, as a student does to
save memory or to match a GPU framework. Parameters and inputs are cast to float32 on the way
in, and everything it returns is float32.

Rows are samples: X is (n, n_in), W_l is (fan_out, fan_in), b_l is (fan_out,), every z and a
is (n, fan_out). The loss is the mean over the batch.
"""
import numpy as np

F32 = np.float32


def act(name, z):
    if name == "sigmoid":
        return F32(1) / (F32(1) + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, F32(0))
    return z


def act_prime(name, z, a):
    """f'(z), written with the cached a where that is cheaper."""
    if name == "sigmoid":
        return a * (F32(1) - a)
    if name == "tanh":
        return F32(1) - a * a
    if name == "relu":
        return (z > 0).astype(F32)
    return np.ones_like(z)


class Float32Net:
    def __init__(self, sizes, activations, loss):
        self.sizes, self.acts, self.loss_name = sizes, activations, loss
        self.W = [np.zeros((o, i), F32) for i, o in zip(sizes, sizes[1:])]
        self.b = [np.zeros(o, F32) for o in sizes[1:]]

    def set_parameters(self, params):
        self.W = [np.array(W, dtype=F32) for W in params[0::2]]
        self.b = [np.array(b, dtype=F32) for b in params[1::2]]

    def parameters(self):
        return [p.copy() for pair in zip(self.W, self.b) for p in pair]

    def forward(self, X):
        a = np.asarray(X, dtype=F32)
        self.zs, self.activs = [], [a]
        for W, b, name in zip(self.W, self.b, self.acts):
            z = a @ W.T + b
            a = act(name, z)
            self.zs.append(z)
            self.activs.append(a)
        return a

    def softmax(self, a):
        e = np.exp(a - a.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def loss(self, X, Y):
        a = self.forward(X)
        Y = np.asarray(Y, dtype=F32)
        n = a.shape[0]
        if self.loss_name == "half_mse":
            return F32(0.5) * np.sum((a - Y) ** 2) / F32(n)
        shifted = a - a.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -np.sum(Y * log_p) / F32(n)

    def output_grad(self, a, Y):
        """dL/da of the mean loss, (n, n_out)."""
        n = a.shape[0]
        if self.loss_name == "half_mse":
            return (a - Y) / F32(n)
        return (self.softmax(a) - Y) / F32(n)

    def backward(self, grad_output):
        """Backpropagate dL/da of the last layer (after forward); return [dW_0, db_0, ...]."""
        dA = np.asarray(grad_output, dtype=F32)
        L = len(self.W)
        dW, db = [None] * L, [None] * L
        self.ds = [None] * L
        for l in reversed(range(L)):
            delta = dA * act_prime(self.acts[l], self.zs[l], self.activs[l + 1])
            self.ds[l] = delta
            dW[l] = delta.T @ self.activs[l]
            db[l] = delta.sum(axis=0)
            dA = delta @ self.W[l]
        return [g for pair in zip(dW, db) for g in pair]

    def gradient(self, X, Y):
        a = self.forward(X)
        return self.backward(self.output_grad(a, np.asarray(Y, dtype=F32)))

    def deltas(self):
        return list(self.ds)

    def pre_activations(self):
        return list(self.zs)

    def train_step(self, X, Y, lr=0.1):
        grads = self.gradient(X, Y)
        for l in range(len(self.W)):
            self.W[l] -= F32(lr) * grads[2 * l]
            self.b[l] -= F32(lr) * grads[2 * l + 1]


def build(layer_sizes, activations, loss):
    return Float32Net(list(layer_sizes), list(activations), loss)
