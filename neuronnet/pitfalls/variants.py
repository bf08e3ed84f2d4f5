"""The buggy variants: each one is a real component of the project with one classic mistake of
the source documents put back in, written in the project's own code so that it can be swapped in
for the real one (an activation, a loss, an optimizer, a schedule, a neuron, a layer, a network,
the trainer, the evaluation, the split, an initializer).

Nothing here is used by the real code. Each variant marks the line where the mistake lives with
``# BUG:``; the catalogue (catalogue.py) says what it is, why it is wrong and which generic
property of the test suite catches it; ``docs/pitfalls.md`` shows each next to the real line.

The two quirks at the end (a shared layer bias, and the sampled batch mode, which is a real
batch mode of the project) are not bugs: their exact meaning is pinned by a property instead.
"""
import math

import numpy as np

from .. import training
from ..activations import Identity, ReLU, Sigmoid, Tanh
from ..convert import from_arrays
from ..layer import Layer
from ..losses import CrossEntropy
from ..network import Network
from ..neuron import Neuron
from ..optimizers import Momentum
from ..training.schedules import LossThreshold


# --- activations --------------------------------------------------------------------------------
class SigmoidDerivativeOfOutput(Sigmoid):
    """derivative-of-output (source 000): sigmoid'(z) = s(z)(1 - s(z)) is a formula in z, but the
    neuron only kept its output a = s(z), and that is what got passed in."""

    def derivative_from_z(self, z):
        a = self.forward(z)  # the stored output: all the source had at hand
        return super().derivative_from_z(a)  # BUG: s(a)(1 - s(a)), the formula for z fed a = s(z)


class SigmoidNaiveExp(Sigmoid):
    """sigmoid-overflow (sources 001, 003): the textbook formula as written."""

    def forward(self, z):
        return 1.0 / (1.0 + np.exp(-z))  # BUG: exp(-z) overflows to inf for z < -709


class TanhAsExpRatio(Tanh):
    """tanh-overflow (source 000): tanh written out as a ratio of exponentials."""

    def forward(self, z):
        return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))  # BUG: inf/inf for |z| > 710

    def derivative_from_z(self, z):
        t = self.forward(z)
        return 1.0 - t * t


class ReLUDerivativeInPlace(ReLU):
    """relu-grad-mutates-cache (source 003): the derivative is computed by overwriting its
    argument, and its argument is the neuron's cached pre-activation z."""

    def derivative_from_z(self, z):
        z[z <= 0] = 0.0  # BUG: writes into the caller's array: the neuron's z is now a 0/1 mask
        z[z > 0] = 1.0
        return z


class IdentityStepDerivative(Identity):
    """identity-derivative (source 002): the derivative of f(z) = z written as a step."""

    def derivative_from_z(self, z):
        return np.where(z < 2, 1.0, 0.0)  # BUG: 0 wherever z >= 2; the slope of z is 1 everywhere


# --- losses -------------------------------------------------------------------------------------
class CrossEntropyGradientOnLogits(CrossEntropy):
    """ce-gradient-on-logits (source 004): the loss applies the softmax, its gradient forgets it."""

    def gradient(self, a, t):
        return (a - t) / a.shape[0]  # BUG: the logits a where the probabilities softmax(a) belong


class CrossEntropyNaiveSoftmax(CrossEntropy):
    """softmax-overflow (source 000): the softmax straight from its definition."""

    def softmax(self, a):
        e = np.exp(a)  # BUG: no row max subtracted: exp(710) is inf, and inf / inf is nan
        return e / e.sum(axis=1, keepdims=True)


class CrossEntropyLogOfSoftmax(CrossEntropy):
    """log-of-zero (source 000): the loss as the log of the (stable) softmax's probabilities."""

    def value(self, a, t):
        p = self.softmax(a)  # a probability below 1e-308 is rounded to exactly 0.0 here
        return float(-np.sum(t * np.log(p))) / a.shape[0]  # BUG: log(0.0) = -inf


class CrossEntropyLogPlusEpsilon(CrossEntropy):
    """clipped-log (source 001's ``log(y + 1e-7)``, source 004's ``clip(y, 1e-308, ...)``): a small
    number added inside the log so that it never sees 0."""

    def value(self, a, t):
        p = self.softmax(a)
        return float(-np.sum(t * np.log(p + 1e-7))) / a.shape[0]  # BUG: not the log of p any more


class CrossEntropySummed(CrossEntropy):
    """summed-loss (source 004's ``-np.sum``, source 003's ``.sum()``): the loss of the batch is
    the sum of the samples' losses, not their mean, and so is its gradient."""

    def value(self, a, t):
        return float(-np.sum(t * self.log_softmax(a)))  # BUG: no division by the batch size n

    def gradient(self, a, t):
        return self.softmax(a) - t  # BUG: n times the gradient of the mean


# --- an optimizer -------------------------------------------------------------------------------
class MomentumWithoutVelocity(Momentum):
    """momentum-overwrites-weights (source 004): the momentum rule applied to the weights
    themselves; the velocity ``v`` is handed back untouched."""

    def step(self, w, g, v):
        w = w - self.lr * g  # a plain gradient step ...
        w = -self.lr * g + self.mu * w  # BUG: ... then w is scaled by mu, as if it were v
        return w, v


# --- initializers (the signature of neuronnet.initializers: one neuron's fan_in weights) --------
def normal_shifted_negative(rng, fan_in, fan_out, std):
    """biased-init (source 004): weights and biases from normal(-0.1, 0.02)."""
    return rng.normal(-0.1, 0.02, fan_in)  # BUG: every weight negative (mean -5 std from 0)


def uniform_zero_to_one(rng, fan_in, fan_out, std):
    """biased-init (source 003): ``np.random.rand``, whatever the fan-in."""
    return rng.uniform(0.0, 1.0, fan_in)  # BUG: every weight positive, and large for a wide layer


# --- a schedule ---------------------------------------------------------------------------------
class LossThresholdLargestFirst(LossThreshold):
    """unreachable-schedule (source 000): ``if loss < 0.05: ... elif loss < 0.03: ...``."""

    def rate(self, epoch, loss):
        if loss is None or not math.isfinite(loss):
            return self.lr
        for threshold, rate in reversed(self.steps):  # BUG: the largest threshold is tested first
            if loss < threshold:
                return rate
        return self.lr


# --- the training loop, the evaluation, the split ------------------------------------------------
def train_with_aliased_best(model, train_data, valid_data=None, **settings):
    """best-model-aliasing (source 004): ``best_net = self`` at the best epoch. The epoch number
    is right; the model is the live one, which went on training after it."""
    result = training.train(model, train_data, valid_data, **settings)
    result.best_model = result.model  # BUG: a second name for the live network, not a copy
    return result


def evaluate_with_backprop(model, dataset, batch_size=1000, lr=0.1):
    """backprop-on-test (source 000): the test loop, copied from the training loop, kept its
    backprop call. Each evaluation reports what the model did *before* it learned this data."""
    report = training.evaluate(model, dataset, batch_size)
    for start in range(0, len(dataset), batch_size):
        X_b, Y_b = dataset.batch(slice(start, start + batch_size))
        model.train_step(X_b, Y_b, optimizer="sgd", lr=lr)  # BUG: learning from the test set
    return report


def split_test_from_train(n_or_labels, fractions, rng):
    """test-is-training-copy (source 000): the test images were read from a folder named
    ``train_copy/train``, a copy of the training images. Here: the last part (the test set) is
    drawn from the first part's rows (the training set)."""
    parts = training.split_indices(n_or_labels, fractions, rng)
    test = rng.choice(parts[0], size=len(parts[-1]), replace=False)  # BUG: rows it trains on
    return parts[:-1] + (np.sort(test),)


# --- a network, a neuron --------------------------------------------------------------------------
class BiasOffByOneNetwork(Network):
    """bias-off-by-one (source 000): the source kept one bias per layer in a list that also had a
    slot for the input layer, and its backward loop sent hidden layer l's bias update to slot
    l - 1. So the first hidden layer's bias update went to the input layer's slot, which the
    forward pass never reads, and every other hidden layer received the update of the layer
    above. In per-neuron terms: a layer's bias gradients, summed (the source's bias was one number
    per layer), land on every neuron of the layer below. The output layer's bias is right."""

    def _backward(self, Y):
        super()._backward(Y)
        hidden = self.layers[:-1]
        sums = [sum(neuron.grad_bias for neuron in layer.neurons) for layer in hidden]
        for l, layer in enumerate(hidden):
            arriving = sums[l + 1] if l + 1 < len(hidden) else 0.0  # BUG: one layer off
            for neuron in layer.neurons:
                neuron.grad_bias = arriving


class NeuronZeroingUpstream(Neuron):
    """backward-mutates-upstream (source 001's ``dout[self.mask] = 0``): a ReLU neuron silences
    the gradient where it was off by writing zeros into the array it was handed. The layer hands
    each neuron a column *view* of its own upstream array, so the zeros land in the caller's."""

    def backward(self, grad_output, l2=0.0):
        if isinstance(self.activation, ReLU):
            grad_output[self.z <= 0] = 0.0  # BUG: writes into the caller's dL/da
        return super().backward(grad_output, l2)


# --- quirks: not bugs; their meaning is pinned ---------------------------------------------------
class SharedBiasLayer(Layer):
    """shared-layer-bias (source 000): one bias for the whole layer; every neuron adds the same
    number. A real model with fewer parameters, not a wrong gradient: by the chain rule the
    gradient of the shared bias is the *sum* of the neurons' bias gradients, and that is the
    gradient this layer steps with.

    The neurons' own ``bias`` attributes are kept equal to the shared one, so the forward pass
    is the neuron model's; ``update`` moves the weights as usual and the shared bias once.
    """

    def __init__(self, neurons, bias=0.0):
        super().__init__(neurons)
        self.bias, self.velocity_bias, self.grad_bias = float(bias), 0.0, None
        self.tie_biases()

    def tie_biases(self):
        for neuron in self.neurons:
            neuron.bias = self.bias

    def backward(self, grad_output, need_grad_inputs=True, l2=0.0):
        grad_inputs = super().backward(grad_output, need_grad_inputs, l2)
        self.grad_bias = sum(neuron.grad_bias for neuron in self.neurons)  # dL/db = sum_j dL/db_j
        return grad_inputs

    def update(self, optimizer):
        for neuron in self.neurons:
            neuron.weights, neuron.velocity_weights = optimizer.step(
                neuron.weights, neuron.grad_weights, neuron.velocity_weights)
        self.bias, self.velocity_bias = optimizer.step(self.bias, self.grad_bias,
                                                       self.velocity_bias)
        self.tie_biases()


# --- building networks with a variant swapped in -------------------------------------------------
class NetworkFactory:
    """``make(weights, biases, activations, loss) -> Network`` (the factory signature of the
    checks, neuronnet/verify/checks/) with buggy components swapped in: an activation replaces the
    real one of the same name, a loss the real one of the same name; a neuron, layer or network
    class replaces the real class everywhere. Components not named stay the real ones."""

    def __init__(self, name, activation=None, loss=None, network_class=Network,
                 neuron_class=Neuron, layer_class=Layer, l2=0.0):
        self.name, self.activation, self.loss = name, activation, loss
        self.l2 = l2   # the L2 penalty of every network it builds, unless a call says otherwise
        self.network_class, self.neuron_class, self.layer_class = (network_class, neuron_class,
                                                                   layer_class)

    def swap_activation(self, name):
        return self.activation if self.activation is not None and name == self.activation.name \
            else name

    def swap_loss(self, name):
        return self.loss if self.loss is not None and name == self.loss.name else name

    def __call__(self, weights, biases, activations, loss, l2=None):
        l2 = self.l2 if l2 is None else l2
        base = from_arrays(weights, biases, [self.swap_activation(a) for a in activations],
                           self.swap_loss(loss), l2)
        if (self.network_class, self.neuron_class, self.layer_class) == (Network, Neuron, Layer):
            return base
        layers = [self.layer_class([self.neuron_class(n.weights, n.bias, n.activation)
                                    for n in layer.neurons]) for layer in base.layers]
        return self.network_class.from_layers(layers, base.loss_function, l2)

    def build(self, layer_sizes, activations, loss):
        """The variant as a ``build(layer_sizes, activations, loss)``, the contract of
        ``neuronnet check`` (neuronnet.verify): a network whose parameters, zero here, the
        checker then sets."""
        weights = [np.zeros((fan_out, fan_in))
                   for fan_in, fan_out in zip(layer_sizes, layer_sizes[1:])]
        return self(weights, [np.zeros(w.shape[0]) for w in weights], activations, loss)

    def network(self, sizes, activations, loss, draw, rng, std=0.01):
        """A fresh network of ``sizes`` whose weights come from the initializer ``draw`` (the
        signature of neuronnet.initializers: ``draw(rng, fan_in, fan_out, std)``, one neuron at
        a time), biases 0, with this factory's swaps."""
        weights = [np.array([draw(rng, fan_in, fan_out, std) for _ in range(fan_out)])
                   for fan_in, fan_out in zip(sizes, sizes[1:])]
        return self(weights, [np.zeros(w.shape[0]) for w in weights], activations, loss)

    def __repr__(self):
        return f"NetworkFactory({self.name!r})"


REAL = NetworkFactory("real")
