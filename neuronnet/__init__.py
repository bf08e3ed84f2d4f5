"""neuronnet: a backpropagation network built one neuron object at a time, checked against an
independent vectorized reference (the ``reference`` package)."""
from .activations import Identity, ReLU, Sigmoid, Tanh
from .layer import Layer
from .losses import CrossEntropy, HalfMSE
from .network import Network
from .neuron import Neuron
from .optimizers import SGD, Momentum, Nesterov

__all__ = ["Network", "Layer", "Neuron", "Identity", "Sigmoid", "Tanh", "ReLU", "HalfMSE",
           "CrossEntropy", "SGD", "Momentum", "Nesterov"]
__version__ = "0.1.0"
