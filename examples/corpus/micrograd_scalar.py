"""A network in the style of micrograd: scalar autograd on Value objects.

Every number is a Value; each operation records its parents in ``_prev`` (a set) and a
``_backward`` closure that adds its share into the parents' ``grad``. ``backward()`` sorts the
graph topologically and runs the closures from the loss down. Neuron, Layer and MLP hold
lists of Values: neuron j of layer l holds w (fan_in Values, row j of W_l) and b.

Activations identity, tanh, relu, sigmoid; losses half_mse and cross_entropy (a max-shifted
log-sum-exp, so huge logits stay finite).

    neuronnet check examples/corpus/micrograd_scalar.py
"""
import math
import random

import numpy as np


class Value:
    """One scalar, its gradient and how it was computed."""

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only constant powers"
        out = Value(self.data ** other, (self,), f"**{other}")

        def _backward():
            self.grad += other * self.data ** (other - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out

    def sigmoid(self):
        s = 0.5 * (1 + math.tanh(0.5 * self.data))   # no overflow for large |x|
        out = Value(s, (self,), "sigmoid")

        def _backward():
            self.grad += s * (1 - s) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other ** -1


class Neuron:

    def __init__(self, nin, act="tanh"):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.act = act

    def __call__(self, x):
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return z if self.act == "identity" else getattr(z, self.act)()

    def parameters(self):
        return self.w + [self.b]


class Layer:

    def __init__(self, nin, nout, act):
        self.neurons = [Neuron(nin, act) for _ in range(nout)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]


class MLP:

    def __init__(self, nin, nouts, acts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1], acts[i]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for n in layer.neurons for p in n.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0


def half_mse(out, y):
    return sum((0.5 * (ai - yi) ** 2 for ai, yi in zip(out, y)), Value(0))


def cross_entropy(logits, y):
    """-sum_k y_k log softmax(logits)_k = sum_k y_k (logsumexp - logit_k), shifted by the max."""
    m = max(a.data for a in logits)
    lse = sum((a - m).exp() for a in logits).log() + m
    return sum((yi * (lse - ai) for ai, yi in zip(logits, y)), Value(0))


# --- the adapter for `neuronnet check`: arrays in and out, Values inside -------------------------
class Adapter:

    def __init__(self, model, loss):
        self.model, self.loss_fn = model, {"half_mse": half_mse, "cross_entropy": cross_entropy}[loss]

    def set_parameters(self, params):
        for layer, W, b in zip(self.model.layers, params[0::2], params[1::2]):
            for j, neuron in enumerate(layer.neurons):
                for i, w in enumerate(neuron.w):
                    w.data = float(W[j, i])
                neuron.b.data = float(b[j])

    def _arrays(self, field):
        """[W_0, b_0, ...] of the Values' data or grad."""
        return [np.array([[getattr(w, field) for w in n.w] for n in layer.neurons]) if k == 0
                else np.array([getattr(n.b, field) for n in layer.neurons])
                for layer in self.model.layers for k in (0, 1)]

    def parameters(self):
        return self._arrays("data")

    def forward(self, X):
        return np.array([[a.data for a in self.model(list(x))] for x in X.tolist()])

    def _mean_loss(self, X, Y):
        losses = [self.loss_fn(self.model(x), y) for x, y in zip(X.tolist(), Y.tolist())]
        return sum(losses, Value(0)) * (1.0 / len(losses))

    def loss(self, X, Y):
        return self._mean_loss(X, Y).data

    def gradient(self, X, Y):
        total = self._mean_loss(X, Y)
        self.model.zero_grad()
        total.backward()
        return self._arrays("grad")

    def train_step(self, X, Y, lr):
        self.gradient(X, Y)
        for p in self.model.parameters():
            p.data -= lr * p.grad


def build(layer_sizes, activations, loss):
    return Adapter(MLP(layer_sizes[0], list(layer_sizes[1:]), list(activations)), loss)
