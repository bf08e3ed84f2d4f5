"""The reference: the same network as neuronnet, one weight matrix per layer, vectorized.

Written independently of neuronnet and importing nothing from it (a test enforces this): two
implementations agreeing is the evidence that both are right. Only numpy and the standard
library are used. The contract both follow is docs/semantics.md.
"""
from .activations import ACTIVATIONS, Identity, ReLU, Sigmoid, Tanh, activation
from .affine import Affine
from .batches import BATCH_MODES, batches
from .initializers import INITS, initial_weights
from .losses import (
    LOSSES,
    HalfMSE,
    SigmoidCrossEntropy,
    SoftmaxCrossEntropy,
    log_sigmoid,
    log_softmax,
    loss_layer,
    softmax,
)
from .mlp import MLP
from .optimizers import OPTIMIZERS, SGD, Adam, Momentum, Nesterov, RMSProp

__all__ = ["MLP", "Affine", "Identity", "Sigmoid", "Tanh", "ReLU", "ACTIVATIONS", "activation",
           "HalfMSE", "SoftmaxCrossEntropy", "SigmoidCrossEntropy", "softmax", "log_softmax",
           "log_sigmoid", "LOSSES", "loss_layer", "SGD", "Momentum", "Nesterov", "RMSProp",
           "Adam", "OPTIMIZERS", "initial_weights", "INITS",
           "batches", "BATCH_MODES"]
