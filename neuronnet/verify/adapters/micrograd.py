"""micrograd's ``MLP`` of scalar ``Value``s to the contract.

The student's ``MLP(nin, nouts)`` has ``layers``, each with ``neurons``, each with ``w`` (a list
of fan_in Values: row j of W_l) and ``b``; a layer maps a list of inputs to its Values (or
to one Value, when it has one neuron: the adapter calls the layers in turn and makes that a
list, which micrograd's own ``MLP.__call__`` does not); ``parameters()`` lists every weight
and bias; ``zero_grad()`` sets their ``.grad`` to 0; a Value's ``backward()`` sets its own
grad to 1 and runs the graph's chain rule, adding into every ``.grad``.

The activations are the student's: the adapter measures, once, what a hidden layer and the last
layer apply (micrograd's repository: relu hidden, linear last; the lecture: tanh) and refuses
any other architecture. The loss is the adapter's, as in micrograd, where the MLP has none:
with the batch's outputs A (n, n_out) and the mean loss's dL/dA computed in numpy, the
student's graph backpropagates the surrogate

    S = sum_{n,k} (dL/dA)_{nk} A_{nk},   whose dS/dtheta = dL/dtheta for every parameter theta,

so every gradient the checker sees comes out of the student's Values, once per call, after
``zero_grad()``; ``backward(grad_output)`` seeds the same S with a given dL/dA.
"""
import numpy as np

from .finding import StyleMismatch, activation_of, find

ASSUMES = ("a class MLP(nin, nouts) of layers -> neurons -> w, b Values (.data, .grad), "
           "parameters(), zero_grad() and Value.backward(); the hidden and last layers' "
           "activations are measured; the loss is computed by the adapter")
ONE_HOT = False


def adapt(module):
    find(module, "Value", "micrograd", methods=("backward",))
    MLP = find(module, "MLP", "micrograd", methods=("parameters", "zero_grad"))
    hidden, last = measured_activations(MLP)

    def build(layer_sizes, activations, loss):
        wanted = [hidden] * (len(layer_sizes) - 2) + [last]
        if list(activations) != wanted or loss not in LOSSES:
            raise NotImplementedError(f"this MLP computes {wanted} with a loss of "
                                      f"{', '.join(LOSSES)}, not {list(activations)}, {loss}")
        return Scalars(MLP(layer_sizes[0], list(layer_sizes[1:])), loss)
    return build


def measured_activations(MLP):
    """(hidden, last): what MLP(1, [1, 1])'s two layers apply, each with w = 1 and b = 0."""
    try:
        model = MLP(1, [1, 1])
    except Exception as exc:  # noqa: BLE001 - the student's exception says why it does not fit
        raise StyleMismatch(f"the micrograd adapter looked for MLP(nin, nouts); MLP(1, [1, 1]) "
                            f"raised {type(exc).__name__}: {exc}") from exc
    neurons = [layer_neurons(layer, 0) for layer in model_layers(model)]
    found = [activation_of(lambda z, n=n: as_values(n([z]))[0].data) for n in neurons]
    if None in found:
        raise StyleMismatch("the micrograd adapter looked for neurons that apply identity, "
                            "relu, tanh or sigmoid to sum(w x) + b; found one that applies "
                            "none of them")
    return tuple(found)


def model_layers(model):
    layers = getattr(model, "layers", None)
    if not isinstance(layers, list):
        raise StyleMismatch(f"the micrograd adapter looked for a list MLP.layers; found "
                            f"{type(layers).__name__}")
    for layer in layers:
        for neuron in getattr(layer, "neurons", None) or ():
            if not hasattr(neuron, "w") or not hasattr(neuron, "b"):
                raise StyleMismatch("the micrograd adapter looked for neurons with w and b; "
                                    f"found a {type(neuron).__name__} without them")
    return layers


def layer_neurons(layer, unit):
    """The unit's neuron, its weights set to 1 and its bias to 0 (a probe)."""
    neuron = layer.neurons[unit]
    for w in neuron.w:
        w.data = 1.0
    neuron.b.data = 0.0
    return neuron


def as_values(out):
    """MLP(x) returns a list of Values, or the Value itself when there is one output."""
    return list(out) if isinstance(out, (list, tuple)) else [out]


def log_softmax(A):
    shifted = A - A.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


# the mean loss over the batch and its dL/dA, in numpy
LOSSES = {
    "half_mse": (lambda A, Y: 0.5 * np.sum((A - Y) ** 2) / len(A),
                 lambda A, Y: (A - Y) / len(A)),
    "cross_entropy": (lambda A, Y: -np.sum(Y * log_softmax(A)) / len(A),
                      lambda A, Y: (np.exp(log_softmax(A)) * Y.sum(axis=1, keepdims=True) - Y)
                      / len(A)),
}


class Scalars:
    """The contract's arrays in and out, the student's Values inside."""

    def __init__(self, model, loss):
        self.model, self.layers = model, model_layers(model)
        self.X = None
        self.loss_of, self.dloss_of = LOSSES[loss]

    def _read(self, field):
        """[W_0, b_0, ...] of the Values' ``data`` or ``grad``, as new arrays."""
        return [np.array([[float(getattr(w, field)) for w in n.w] for n in layer.neurons])
                if k == 0 else np.array([float(getattr(n.b, field)) for n in layer.neurons])
                for layer in self.layers for k in (0, 1)]

    def set_parameters(self, params):
        for layer, W, b in zip(self.layers, params[0::2], params[1::2]):
            for j, neuron in enumerate(layer.neurons):
                for i, w in enumerate(neuron.w):
                    w.data = float(W[j, i])
                neuron.b.data = float(b[j])

    def parameters(self):
        return self._read("data")

    def _outputs(self, X):
        """Each sample's last-layer Values, through the student's layers in turn."""
        rows = []
        for x in X:
            a = [float(v) for v in x]
            for layer in self.layers:
                a = as_values(layer(a))
            rows.append(a)
        return rows

    def loss(self, X, Y):
        return float(self.loss_of(self.forward(X), Y))

    def forward(self, X):
        self.X = np.array(X, dtype=np.float64)      # what backward(grad_output) rebuilds
        return self._data(self._outputs(X))

    def _data(self, outputs):
        return np.array([[a.data for a in row] for row in outputs], dtype=np.float64)

    def _backprop(self, outputs, dA):
        """The student's backward() of S = sum(dA * A) on a fresh graph, after zero_grad()."""
        surrogate = sum((a * float(g) for row, grow in zip(outputs, dA)
                         for a, g in zip(row, grow)))
        self.model.zero_grad()
        surrogate.backward()
        return self._read("grad")

    def gradient(self, X, Y):
        outputs = self._outputs(X)
        return self._backprop(outputs, self.dloss_of(self._data(outputs), Y))

    def backward(self, grad_output):
        """After forward(X): the gradient for a given dL/dA, through a new graph on that X."""
        if self.X is None:
            raise RuntimeError("backward(grad_output) needs a forward(X) before it")
        return self._backprop(self._outputs(self.X), grad_output)

    def train_step(self, X, Y, lr):
        """One SGD step as micrograd's demo takes it: p.data -= lr * p.grad for every p in
        the student's parameters()."""
        self.gradient(X, Y)
        for p in self.model.parameters():
            p.data -= lr * p.grad
