"""Nielsen's ``network.py`` ("Neural Networks and Deep Learning", chapters 1-2) to the contract.

The student's ``Network(sizes)`` keeps ``weights[l]`` as (fan_out, fan_in), the contract's
orientation, and ``biases[l]`` as a column (fan_out, 1). It works on one sample at a time:
``feedforward(a)`` and ``backprop(x, y)`` take columns (n_in, 1) and (n_out, 1), and backprop
returns ``(nabla_b, nabla_w)``, the gradient of the quadratic cost C_x = 1/2 ||a - y||^2 of that
one sample. The contract's gradient is of the mean over the batch, so

    dW_l = (1/n) sum_x nabla_w[l](x),    db_l = (1/n) sum_x nabla_b[l](x).

``update_mini_batch(mini_batch, eta)`` already steps by eta times that mean: it is train_step.
Every neuron is a sigmoid and the cost is quadratic: any other architecture is refused
(NotImplementedError, "not applicable").
"""
import numpy as np

from .finding import StyleMismatch, find

ASSUMES = ("a class Network(sizes) with weights[l] (fan_out, fan_in), column biases[l], "
           "feedforward(a) and backprop(x, y) -> (nabla_b, nabla_w) on column vectors; sigmoid "
           "neurons and the quadratic cost only; update_mini_batch(mini_batch, eta) if present")
ONE_HOT = False


def adapt(module):
    Network = find(module, "Network", "nielsen", methods=("feedforward", "backprop"))

    def build(layer_sizes, activations, loss):
        if set(activations) != {"sigmoid"} or loss != "half_mse":
            raise NotImplementedError("Nielsen's network.py: sigmoid neurons and the quadratic "
                                      f"cost only, not {list(activations)} with {loss}")
        net = Network(list(layer_sizes))
        for name in ("weights", "biases"):
            if not isinstance(getattr(net, name, None), list):
                raise StyleMismatch(f"the nielsen adapter looked for a list Network.{name}; "
                                    f"found {type(getattr(net, name, None)).__name__}")
        return Columns(net)
    return build


def column(v):
    return np.array(v, dtype=np.float64).reshape(-1, 1)


class Columns:
    """The contract's rows in, Nielsen's columns inside; copies both ways."""

    def __init__(self, net):
        self.net = net
        if callable(getattr(net, "update_mini_batch", None)):
            self.train_step = self._train_step

    def set_parameters(self, params):
        self.net.weights = [np.array(W, dtype=np.float64) for W in params[0::2]]
        self.net.biases = [column(b) for b in params[1::2]]

    def parameters(self):
        return [p for W, b in zip(self.net.weights, self.net.biases)
                for p in (np.array(W, dtype=np.float64), np.array(b, dtype=np.float64).ravel())]

    def forward(self, X):
        return np.array([np.ravel(self.net.feedforward(column(x))) for x in X])

    def loss(self, X, Y):
        """C = (1/n) sum_x 1/2 ||a(x) - y||^2."""
        return float(np.mean(0.5 * np.sum((self.forward(X) - Y) ** 2, axis=1)))

    def gradient(self, X, Y):
        n = len(X)
        sum_w = [np.zeros(np.shape(W)) for W in self.net.weights]
        sum_b = [np.zeros(np.shape(b)) for b in self.net.biases]
        for x, y in zip(X, Y):
            nabla_b, nabla_w = self.net.backprop(column(x), column(y))
            sum_w = [s + nw for s, nw in zip(sum_w, nabla_w)]
            sum_b = [s + nb for s, nb in zip(sum_b, nabla_b)]
        return [g for sw, sb in zip(sum_w, sum_b) for g in (sw / n, np.ravel(sb) / n)]

    def _train_step(self, X, Y, lr):
        self.net.update_mini_batch([(column(x), column(y)) for x, y in zip(X, Y)], lr)
