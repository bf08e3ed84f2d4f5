"""A network written to the API of micrograd, checked through the ready adapter.

    Value(data): .data, .grad, +, *, **, tanh(), relu(), backward()
    Neuron(nin, nonlin): w (nin Values), b; Layer(nin, nout): neurons; MLP(nin, nouts): layers
    Module: parameters(), zero_grad()

Hidden neurons apply tanh, the last layer none (nonlin=False). A node remembers the nodes it
was computed from and how to pass its grad back to them; backward() orders the graph so that
each node passes its grad only after every use of it has added into it.
No build: the adapter makes one (the toml says [check] style = "micrograd").
"""
import math
import random


class Value:

    def __init__(self, data, parents=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.pass_back = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def pass_back():       # d(s + o)/ds = d(s + o)/do = 1
            self.grad += out.grad
            other.grad += out.grad
        out.pass_back = pass_back
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def pass_back():       # d(s o)/ds = o, d(s o)/do = s
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out.pass_back = pass_back
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,))

        def pass_back():
            self.grad += k * self.data ** (k - 1) * out.grad
        out.pass_back = pass_back
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,))

        def pass_back():       # tanh'(x) = 1 - tanh(x)^2
            self.grad += (1 - t ** 2) * out.grad
        out.pass_back = pass_back
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,))

        def pass_back():
            self.grad += (self.data > 0) * out.grad
        out.pass_back = pass_back
        return out

    def backward(self):
        order, seen = [], set()

        def visit(node):
            if id(node) in seen:
                return
            seen.add(id(node))
            for parent in node.parents:
                visit(parent)
            order.append(node)
        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node.pass_back()

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)


class Module:

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []


class Neuron(Module):

    def __init__(self, nin, nonlin=True, rng=None):
        rng = rng or random.Random(0)
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return z.tanh() if self.nonlin else z

    def parameters(self):
        return self.w + [self.b]


class Layer(Module):

    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP(Module):

    def __init__(self, nin, nouts, seed=0):
        rng = random.Random(seed)
        sizes = [nin] + list(nouts)
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1, rng=rng)
                       for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
            x = x if isinstance(x, list) else [x]
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]
