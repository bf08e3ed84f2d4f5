"""The buggy variants of the chapter beyond SGD and squared error: Adam, the L2 penalty and
binary cross-entropy (their entries: entries_beyond_sgd.py). Each buggy line is marked
``# BUG:``."""
import numpy as np

from ..losses import BinaryCrossEntropy
from ..network import Network
from ..neuron import Neuron
from ..optimizers import Adam
from .variants import NetworkFactory

# The penalty the L2 variants' networks carry (checked by neuronnet check, whose build has
# no l2 of its own): strong enough that its share of every gradient is plain to see.
L2 = 0.5


class AdamWithoutBiasCorrection(Adam):
    """adam-without-bias-correction: the moments used as they are, though both start at 0."""

    def move(self, w, g, v, s, t):
        v = self.beta1 * v + (1.0 - self.beta1) * g
        s = self.beta2 * s + (1.0 - self.beta2) * (g * g)
        return w - self.lr * v / (np.sqrt(s) + self.eps), v, s  # BUG: no 1 - beta^t factors


class NeuronPenalizingBias(Neuron):
    """l2-on-bias: the penalty's gradient added to the bias too, as a loop over every
    parameter ``grads[k] += l2 * params[k] / n`` does."""

    def backward(self, grad_output, l2=0.0):
        delta = super().backward(grad_output, l2)
        self.grad_bias += l2 / len(delta) * self.bias  # BUG: the loss has no bias term
        return delta


class NetworkWithoutPenaltyInLoss(Network):
    """l2-missing-from-loss: the gradients carry the penalty, the reported loss does not."""

    def _loss_of(self, output, Y):
        return self.loss_function.value(output, Y)  # BUG: + l2 / (2n) sum ||W||^2 forgotten


class BinaryCrossEntropyOfRoundedSigmoid(BinaryCrossEntropy):
    """bce-of-rounded-sigmoid: the textbook formula on p = sigmoid(a)."""

    def value(self, a, t):
        p = self.sigmoid(a)
        # BUG: log(p) is -inf once p rounds to 0 (a < -745), log(1 - p) once p rounds to 1 (a > 36)
        return float(-np.sum(t * np.log(p) + (1 - t) * np.log(1 - p))) / a.shape[0]


L2_ON_BIAS = NetworkFactory("l2-on-bias", neuron_class=NeuronPenalizingBias, l2=L2)
L2_MISSING = NetworkFactory("l2-missing-from-loss", network_class=NetworkWithoutPenaltyInLoss,
                            l2=L2)
REAL_L2 = NetworkFactory("real with l2", l2=L2)
