"""A network in the style of a NumPy "Module / Sequential" mini-framework, PyTorch-like.

Every Module has forward(x) and backward(grad) (grad = dL/d(output), returns dL/d(input)),
parameters() and grads() (lists of arrays, the grads accumulated by backward until
zero_grad()). Linear holds W as (out_features, in_features), as torch.nn.Linear does, so
x (n, in) -> x @ W.T + b (n, out). The losses are modules too: SoftmaxCrossEntropy (fused:
its backward is (softmax - y) / n) and MSELoss (the mean of 1/2 ||a - y||^2).

    neuronnet check examples/corpus/module_sequential.py
"""
import numpy as np


class Module:
    def __call__(self, x):
        return self.forward(x)

    def parameters(self):
        return []

    def grads(self):
        return []

    def zero_grad(self):
        for g in self.grads():
            g[...] = 0.0


class Linear(Module):
    def __init__(self, in_features, out_features, rng):
        bound = 1.0 / np.sqrt(in_features)
        self.W = rng.uniform(-bound, bound, (out_features, in_features))
        self.b = rng.uniform(-bound, bound, out_features)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)

    def forward(self, x):
        self.x = x
        return x @ self.W.T + self.b

    def backward(self, grad):
        self.dW += grad.T @ self.x
        self.db += grad.sum(axis=0)
        return grad @ self.W

    def parameters(self):
        return [self.W, self.b]

    def grads(self):
        return [self.dW, self.db]


class Tanh(Module):
    def forward(self, x):
        self.a = np.tanh(x)
        return self.a

    def backward(self, grad):
        return grad * (1 - self.a ** 2)


class Sigmoid(Module):
    def forward(self, x):
        self.a = 0.5 * (1 + np.tanh(0.5 * x))
        return self.a

    def backward(self, grad):
        return grad * self.a * (1 - self.a)


class ReLU(Module):
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask


class Sequential(Module):
    def __init__(self, *modules):
        self.modules = list(modules)

    def forward(self, x):
        for m in self.modules:
            x = m(x)
        return x

    def backward(self, grad):
        for m in reversed(self.modules):
            grad = m.backward(grad)
        return grad

    def parameters(self):
        return [p for m in self.modules for p in m.parameters()]

    def grads(self):
        return [g for m in self.modules for g in m.grads()]


class SoftmaxCrossEntropy(Module):
    """forward(logits, y) -> the mean of -sum(y log softmax(logits)); y one-hot or soft."""

    def forward(self, logits, y):
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.p, self.y = np.exp(log_p), y
        return -np.sum(y * log_p) / len(y)

    def backward(self):
        n = len(self.y)
        return (self.p - self.y) / n


class MSELoss(Module):
    """forward(pred, y) -> the mean over the batch of 1/2 ||pred - y||^2."""

    def forward(self, pred, y):
        self.pred, self.y = pred, y
        return 0.5 * np.sum((pred - y) ** 2) / len(y)

    def backward(self):
        grad = self.pred - self.y
        return grad / len(grad)


ACTIVATIONS = {"tanh": Tanh, "sigmoid": Sigmoid, "relu": ReLU}


def make_model(sizes, activations, rng):
    modules = []
    for n_in, n_out, act in zip(sizes, sizes[1:], activations):
        modules.append(Linear(n_in, n_out, rng))
        if act != "identity":
            modules.append(ACTIVATIONS[act]())
    return Sequential(*modules)


# --- the adapter for `neuronnet check`: W is already (fan_out, fan_in) ---------------------------
class Adapter:
    def __init__(self, model, criterion):
        self.model, self.criterion = model, criterion

    def set_parameters(self, params):
        for p, new in zip(self.model.parameters(), params):
            p[...] = new

    def parameters(self):
        return [p.copy() for p in self.model.parameters()]

    def forward(self, X):
        return self.model(X)

    def loss(self, X, Y):
        return self.criterion.forward(self.model(X), Y)

    def gradient(self, X, Y):
        self.model.zero_grad()
        self.criterion.forward(self.model(X), Y)
        self.model.backward(self.criterion.backward())
        return [g.copy() for g in self.model.grads()]

    def backward(self, grad_output):
        self.model.zero_grad()
        self.model.backward(grad_output)
        return [g.copy() for g in self.model.grads()]

    def train_step(self, X, Y, lr):
        self.gradient(X, Y)
        for p, g in zip(self.model.parameters(), self.model.grads()):
            p -= lr * g


def build(layer_sizes, activations, loss):
    criterion = SoftmaxCrossEntropy() if loss == "cross_entropy" else MSELoss()
    return Adapter(make_model(list(layer_sizes), list(activations), np.random.default_rng(0)),
                   criterion)
