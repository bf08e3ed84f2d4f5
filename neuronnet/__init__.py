"""neuronnet: a backpropagation network built one neuron object at a time, checked against an
independent vectorized reference (the ``reference`` package).

The names below are loaded on first use (PEP 562): ``import neuronnet.app.cli``, the
``neuronnet`` program, then starts without numpy, so its first line handles Ctrl-C before the
heavy imports begin, and a stop during them ends in one line, not a traceback.
"""
import importlib

_WHERE = {"Network": "network", "Layer": "layer", "Neuron": "neuron", "Identity": "activations",
          "Sigmoid": "activations", "Tanh": "activations", "ReLU": "activations",
          "HalfMSE": "losses", "CrossEntropy": "losses", "SGD": "optimizers",
          "Momentum": "optimizers", "Nesterov": "optimizers"}
__all__ = list(_WHERE)
__version__ = "0.1.0"


def __getattr__(name):
    if name not in _WHERE:
        raise AttributeError(f"module 'neuronnet' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)


def __dir__():
    return sorted(list(globals()) + __all__)
