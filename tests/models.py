"""The components under test, in the forms the checks take, and the small models and data the
training properties use. The one place tests build a model.

``MINE`` and ``REF`` build a model from arrays (``make(weights, biases, activations, loss)``);
``INITS`` build one from a seed (``make(sizes, activations, loss, init, rng, init_std)``);
``make_model(kind)`` a small classifier of either kind. A pitfall variant is a factory that
swaps one component of ``MINE`` for a buggy one.
"""
import numpy as np

import reference
from neuronnet import Network
from neuronnet.activations import ACTIVATIONS, get_activation
from neuronnet.convert import from_arrays
from neuronnet.initializers import INITIALIZERS
from neuronnet.losses import BinaryCrossEntropy, CrossEntropy
from neuronnet.optimizers import SGD, Adam, Momentum, RMSProp
from neuronnet.training import Dataset
from reference import MLP
from reference.initializers import initial_weights

MODEL_CLASSES = {"neuron": Network, "reference": MLP}


def MINE(weights, biases, activations, loss, l2=0.0):
    return from_arrays(weights, biases, activations, loss, l2)


def REF(weights, biases, activations, loss, l2=0.0):
    return MLP.from_arrays(weights, biases, activations, loss, l2)


def mine_init(sizes, activations, loss, init, rng, init_std):
    return Network(sizes, activations, loss=loss, init=init, rng=rng, init_std=init_std)


def ref_init(sizes, activations, loss, init, rng, init_std):
    return MLP(sizes, activations, loss=loss, init=init, rng=rng, init_std=init_std)


INITS = {"neuronnet": mine_init, "reference": ref_init}


def make_model(kind, sizes=(3, 5, 3), activations=("tanh", "identity"), loss="cross_entropy",
               seed=0):
    """A small Glorot-initialised classifier of either kind ("neuron" or "reference")."""
    return MODEL_CLASSES[kind](list(sizes), list(activations), loss=loss, init="glorot_uniform",
                               rng=np.random.default_rng(seed))


def blobs(seed, n=24, n_features=3, n_classes=3, name="data"):
    """A small classification set: class means apart, unit noise, features in about [-3, 3]."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    X = rng.normal(size=(n, n_features)) * 0.7 + np.eye(n_classes, n_features)[y] * 1.5
    return Dataset(X, labels=y, n_classes=n_classes, name=name)


# ----------------------------------------------------------------------------- the reference's
# components, through adapters to the interfaces the checks take (the reference's optimizers
# update lists of arrays in place; its losses and activations are layers with a cached forward).
class InPlaceStep:
    """``step(w, g, v) -> (w, v)`` from the reference's ``update(params, grads, velocities)``."""

    def __init__(self, optimizer):
        self.optimizer = optimizer

    def step(self, w, g, v):
        is_float = np.ndim(w) == 0
        w, v = np.array(w, dtype=np.float64), np.array(v, dtype=np.float64)
        self.optimizer.update([w], [np.asarray(g, dtype=np.float64)], [v])
        return (float(w), float(v)) if is_float else (w, v)

    def __repr__(self):
        return f"reference.{type(self.optimizer).__name__}"


def ref_sgd(lr):
    return InPlaceStep(reference.SGD(lr))


def ref_momentum(lr, mu=0.9):
    return InPlaceStep(reference.Momentum(lr, mu))


def ref_nesterov(lr, mu=0.9):
    return InPlaceStep(reference.Nesterov(lr, mu))


class InPlaceMove:
    """``move(w, g, v, s, t) -> (w, v, s)`` from the reference's
    ``update(params, grads, velocities, squares, t)``."""

    def __init__(self, optimizer):
        self.optimizer = optimizer

    def move(self, w, g, v, s, t):
        is_float = np.ndim(w) == 0
        w, g = np.array(w, dtype=np.float64), np.asarray(g, dtype=np.float64)
        # Arrays of w's shape (a state may still be the scalar 0 a neuron starts with).
        v, s = (np.array(np.broadcast_to(x, w.shape), dtype=np.float64) for x in (v, s))
        self.optimizer.update([w], [g], [v], [s], t)
        return (float(w), float(v), float(s)) if is_float else (w, v, s)

    def __repr__(self):
        return f"reference.{type(self.optimizer).__name__}"


def ref_adam(lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return InPlaceMove(reference.Adam(lr, beta1, beta2, eps))


def ref_rmsprop(lr, rho=0.99, eps=1e-8):
    return InPlaceMove(reference.RMSProp(lr, rho, eps))


class LossLayer:
    """``value``/``gradient`` from the reference's ``forward(a, T)``/``backward()``."""

    def __init__(self, layer):
        self.layer = layer

    def value(self, a, T):
        return self.layer.forward(a, T)

    def gradient(self, a, T):
        self.layer.forward(a, T)
        return self.layer.backward()

    def __repr__(self):
        return f"reference.{type(self.layer).__name__}"


class ActivationLayer:
    """``forward``/``derivative_from_z`` from the reference's ``forward(z)``/``backward(da)``."""

    def __init__(self, layer):
        self.layer = layer

    def forward(self, z):
        return self.layer.forward(z)

    def derivative_from_z(self, z):
        self.layer.forward(z)
        return self.layer.backward(np.ones(np.shape(z)))

    def __repr__(self):
        return f"reference.{type(self.layer).__name__}"


def _reference_draw(name):
    def draw(rng, fan_in, fan_out, std):
        return initial_weights(name, fan_in, fan_out, rng, std)
    draw.__name__ = f"reference {name}"
    return draw


# The real components of both packages, by kind, as the component-level properties take them.
ACTIVATION_OBJECTS = {f"neuronnet-{name}": get_activation(name) for name in ACTIVATIONS}
ACTIVATION_OBJECTS.update({f"reference-{name}": ActivationLayer(reference.activation(name))
                           for name in ACTIVATIONS})
CROSS_ENTROPIES = {"neuronnet": CrossEntropy(),
                   "reference": LossLayer(reference.SoftmaxCrossEntropy())}
BINARY_CROSS_ENTROPIES = {"neuronnet": BinaryCrossEntropy(),
                          "reference": LossLayer(reference.SigmoidCrossEntropy())}
MOMENTA = {"neuronnet": (Momentum, SGD), "reference": (ref_momentum, ref_sgd)}
ADAMS = {"neuronnet": Adam, "reference": ref_adam}
RMSPROPS = {"neuronnet": RMSProp, "reference": ref_rmsprop}
# The initializers the recipes use. The coursework's uniform(0, 1/fan_in) is all positive by
# design: it is the exception, pinned as such in tests/pitfalls/test_catalogue.py.
SYMMETRIC = ("glorot_uniform", "he_normal", "normal")
INITIAL = {f"neuronnet-{name}": INITIALIZERS[name] for name in SYMMETRIC}
INITIAL.update({f"reference-{name}": _reference_draw(name) for name in SYMMETRIC})


# --- both models as a ``build``, the contract of neuronnet check (neuronnet.verify) -------------
def build_neuron(layer_sizes, activations, loss):
    return Network(layer_sizes, activations, loss, rng=np.random.default_rng(0))


def build_reference(layer_sizes, activations, loss):
    return MLP(layer_sizes, activations, loss, rng=np.random.default_rng(0))


BUILDS = {"neuronnet": build_neuron, "reference": build_reference}
