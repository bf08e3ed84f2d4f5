"""A network: a list of layers, a loss, and the order of forward, backward and update.

One training step (:meth:`Network.step`), in reading order; with a sigmoid layer, half-MSE and
SGD it is about a hundred lines, most of them the mathematics:

1. forward, layer by layer (``Layer.forward``), neuron by neuron (``Neuron.forward``):
   ``z = x . w + b`` and ``a = f(z)`` (``Sigmoid.forward``, activations.py);
2. the loss of the output ``a_L`` against the targets (``HalfMSE.value``, losses.py) and its
   gradient ``dL/da_L = (a_L - t) / n`` (``HalfMSE.gradient``);
3. backward, from the output layer down (``Layer.backward``, ``Neuron.backward``):
   ``delta = dL/da * f'(z)``, ``dW = delta . x``, ``db = sum(delta)``, and the blame
   ``dL/dx = sum_j outer(delta_j, w_j)`` handed to the layer below;
4. the update of every parameter (``Neuron.update``): ``w <- w - lr * dW`` (``SGD.step``,
   optimizers.py).

The arguments a caller gives are checked in one line each before any of this
(neuronnet/guards/); ``step`` itself takes data its caller has checked.
"""
import functools

import numpy as np

from .activations import get_activation
from .batching import BATCH_MODES
from .epoch import run_epoch
from .guards import check_matrix, check_positive_real, check_real
from .guards.model_arguments import (
    check_chain,
    check_data,
    check_epochs,
    check_grad_output,
    check_init,
    check_order,
    check_parameter_list,
    check_sizes,
    per_layer,
)
from .initializers import INITIALIZERS
from .layer import Layer
from .losses import get_loss
from .optimizers import get_optimizer
from .trace import trace


class Network:
    """An object-per-neuron multilayer perceptron.

    Parameters
    ----------
    layer_sizes : list of int
        ``[n_inputs, hidden_1, ..., n_outputs]``; the input "layer" has no neurons.
    activations : str, Activation, or a list of them
        One per layer of neurons (``len(layer_sizes) - 1``), or one for all. Names: identity,
        sigmoid, tanh, relu.
    loss : ``"half_mse"``, ``"cross_entropy"``, ``"binary_cross_entropy"`` or a Loss
        The cross-entropies have the softmax (or the sigmoid) fused in: give the output layer
        ``identity``.
    init : ``"coursework"``, ``"glorot_uniform"``, ``"he_normal"`` or ``"normal"``
    rng : numpy.random.Generator
        Where the initial weights come from; required.
    init_std : float
        The standard deviation of the ``normal`` initializer.
    l2 : float >= 0
        The strength of the L2 penalty (scikit-learn's ``alpha``): the loss of a batch of n
        rows is the loss function's mean plus ``l2 / (2 n) * sum of every weight squared``
        (biases excluded), and the gradient is that loss's. ``backward(grad_output)``, given
        dL/da from outside, leaves the penalty out: it is not a function of the output.
    """

    def __init__(self, layer_sizes, activations, loss="half_mse", init="glorot_uniform",
                 rng=None, init_std=0.01, l2=0.0):
        sizes = check_sizes(layer_sizes)       # also refused when the machine lacks memory
        activations = [get_activation(a) for a in per_layer(activations, len(sizes) - 1)]
        check_init(init, init_std, rng, INITIALIZERS)
        self.l2 = check_real("l2", l2, low=0.0)
        self.loss_function = get_loss(loss)
        self.layers = [Layer.create(fan_in, fan_out, activation, init, rng, init_std)
                       for fan_in, fan_out, activation in zip(sizes, sizes[1:], activations)]

    @classmethod
    def from_layers(cls, layers, loss="half_mse", l2=0.0):
        """A network from ready-made layers (their neurons keep their weights)."""
        check_chain([(layer.fan_in, layer.fan_out) for layer in layers])
        net = cls.__new__(cls)
        net.l2 = check_real("l2", l2, low=0.0)
        net.loss_function = get_loss(loss)
        net.layers = list(layers)
        return net

    # --- shape facts ---------------------------------------------------------------------
    @property
    def layer_sizes(self):
        return [self.layers[0].fan_in] + [layer.fan_out for layer in self.layers]

    @property
    def n_inputs(self):
        return self.layers[0].fan_in

    @property
    def n_outputs(self):
        return self.layers[-1].fan_out

    @property
    def activation_names(self):
        """Each layer's activation, by name (as ``reference.MLP`` has them). Whether a file can
        keep them is the file part's question: neuronnet/io/model_names.py."""
        return [layer.activation.name for layer in self.layers]

    @property
    def loss_name(self):
        return self.loss_function.name

    # --- forward and backward --------------------------------------------------------------
    def forward(self, X):
        """X (n, n_inputs) -> the output layer's activations (n, n_outputs)."""
        return self._forward(check_matrix("X", X, self.n_inputs))

    def _forward(self, a):
        for layer in self.layers:
            a = layer.forward(a)
        return a

    def _backward(self, Y):
        """After a forward pass: every neuron's delta and gradients, for targets Y (with the
        L2 penalty's share in every dL/dw)."""
        self._backprop(self.loss_function.gradient(self.layers[-1].output, Y), self.l2)

    def _backprop(self, grad, l2=0.0):
        """grad = dL/da of the output layer, carried down layer by layer."""
        for depth in range(len(self.layers) - 1, -1, -1):
            grad = self.layers[depth].backward(grad, need_grad_inputs=depth > 0, l2=l2)

    def _loss_of(self, output, Y):
        """The loss function's mean over the batch, plus the L2 penalty
        ``l2 / (2 n) * sum_neurons w . w``."""
        loss = self.loss_function.value(output, Y)
        if self.l2:
            # FIX: l2-missing-from-loss
            squares = sum(neuron.penalty() for layer in self.layers for neuron in layer.neurons)
            loss += self.l2 / (2.0 * len(output)) * squares
        return loss

    def step(self, X, Y, optimizer, clip_norm=None):
        """:meth:`train_step` on data its caller has checked, with a ready Optimizer: what a
        training loop calls once per batch."""
        loss = self._loss_of(self._forward(X), Y)
        self._backward(Y)
        if clip_norm is not None:
            self._clip(clip_norm)
        for layer in self.layers:
            layer.update(optimizer)
        return loss

    def backward(self, grad_output):
        """After ``forward(X)``: backpropagate a given ``grad_output = dL/da`` of the output
        layer, (n, n_outputs), and return ``[dW_0, db_0, ...]`` (``gradient`` is this with the
        loss's own dL/da). Nothing is written into ``grad_output``."""
        self._backprop(check_grad_output(grad_output, self.layers[-1].output))
        return self._gradients()

    def trace(self, X, T, optimizer="sgd", lr=0.1, momentum=0.9):
        """One step on a sample (or small batch), neuron by neuron, parameters kept: trace.py."""
        return trace(self, X, T, optimizer, lr, momentum)

    def pre_activations(self):
        """Each layer's ``z = a_prev W^T + b``, (n, fan_out), from the last forward pass."""
        return [np.column_stack([neuron.z for neuron in layer.neurons])
                for layer in self.layers]

    def loss(self, X, Y):
        """The mean loss over the batch (X, Y)."""
        return self._loss(*self._check_data(X, Y))

    def _loss(self, X, Y):
        return self._loss_of(self._forward(X), Y)

    def output_and_loss(self, X, Y):
        """One forward pass: the outputs (n, n_outputs) and their mean loss. Evaluation uses it
        so that accuracy and loss come from the same pass; no parameter changes."""
        X, Y = self._check_data(X, Y)
        output = self._forward(X)
        return output, self._loss_of(output, Y)

    def gradient(self, X, Y):
        """``[dW_0, db_0, dW_1, db_1, ...]`` of the mean loss over (X, Y), assembled from the
        neurons' own gradients (dW_l row j is neuron j's ``grad_weights``)."""
        X, Y = self._check_data(X, Y)
        self._forward(X)
        self._backward(Y)
        return self._gradients()

    def _gradients(self):
        grads = []
        for layer in self.layers:
            grads.append(np.array([neuron.grad_weights for neuron in layer.neurons]))
            grads.append(np.array([neuron.grad_bias for neuron in layer.neurons]))
        return grads

    def deltas(self):
        """Each layer's ``delta = dL/dz``, (n, fan_out), from the last backward pass."""
        return [np.column_stack([neuron.delta for neuron in layer.neurons])
                for layer in self.layers]

    def forget_pass(self):
        """Drop what the last pass left in the neurons (x, z, a, delta, dW, db): a batch's
        values, which a kept or pickled model does not need. Parameters and optimizer state
        stay."""
        for layer in self.layers:
            layer.output = None
            for neuron in layer.neurons:
                neuron.inputs = neuron.z = neuron.output = neuron.delta = None
                neuron.grad_weights = neuron.grad_bias = None

    # --- parameters --------------------------------------------------------------------------
    def parameters(self):
        """Copies, ``[W_0, b_0, W_1, b_1, ...]``, W_l (fan_out, fan_in) with neuron j's weights
        as row j: the reference's layout."""
        params = []
        for layer in self.layers:
            params.append(np.array([neuron.weights for neuron in layer.neurons]))
            params.append(np.array([neuron.bias for neuron in layer.neurons]))
        return params

    def set_parameters(self, params):
        """Copy ``[W_0, b_0, ...]`` into the neurons (velocities are left as they are)."""
        shapes = [shape for layer in self.layers
                  for shape in ((layer.fan_out, layer.fan_in), (layer.fan_out,))]
        params = check_parameter_list(params, shapes)
        for layer, W, b in zip(self.layers, params[0::2], params[1::2]):
            for neuron, w_row, b_j in zip(layer.neurons, W, b):
                neuron.weights, neuron.bias = w_row.copy(), float(b_j)

    # --- training ------------------------------------------------------------------------------
    def train_step(self, X, Y, optimizer="sgd", lr=0.1, momentum=0.9, clip_norm=None):
        """Forward, backward and one update of every parameter on the batch (X, Y). Returns the
        loss before the update. ``optimizer``: a name (made here with ``lr`` and ``momentum``)
        or an Optimizer, used as it is. ``clip_norm``: see :meth:`_clip`."""
        X, Y = self._check_data(X, Y)
        if clip_norm is not None:
            clip_norm = check_positive_real("clip_norm", clip_norm)
        return self.step(X, Y, get_optimizer(optimizer, lr, momentum), clip_norm)

    def _clip(self, clip_norm):
        """Gradient clipping by global norm (Pascanu, Mikolov & Bengio 2013): when the norm of
        all gradients together, ``||g|| = sqrt(sum of every dW and db squared)``, exceeds
        ``clip_norm``, scale every gradient by ``clip_norm / ||g||``. The direction is kept,
        only the step length is capped, so one exploding batch cannot throw the weights away."""
        squares = 0.0
        for layer in self.layers:
            for neuron in layer.neurons:
                squares += float(np.dot(neuron.grad_weights, neuron.grad_weights))
                squares += neuron.grad_bias * neuron.grad_bias
        norm = np.sqrt(squares)
        if norm > clip_norm:
            factor = clip_norm / norm
            for layer in self.layers:
                for neuron in layer.neurons:
                    neuron.grad_weights = neuron.grad_weights * factor
                    neuron.grad_bias = neuron.grad_bias * factor

    def fit(self, X, Y, *, epochs=1, batch_mode="minibatch", batch_size=None, optimizer="sgd",
            lr=0.1, momentum=0.9, rng=None, shuffle=True):
        """Train for ``epochs`` epochs; returns each epoch's loss (see epoch.py).

        Every epoch visits the samples in the order ``rng.permutation(n)`` (or 0..n-1 with
        ``shuffle=False``) and steps as ``batch_mode`` says (see batching.py); ``batch_size``
        None is 32, or n when smaller. The optimizer is made once, here, for every step.
        """
        X, Y = self._check_data(X, Y)
        epochs, batch_size = check_epochs(len(X), epochs, batch_mode, batch_size, BATCH_MODES)
        step = functools.partial(self.step, optimizer=get_optimizer(optimizer, lr, momentum))
        check_order(shuffle, rng)
        n = len(X)
        return [run_epoch(step, self._loss, lambda rows: (X[rows], Y[rows]),
                          rng.permutation(n) if shuffle else np.arange(n), batch_mode,
                          batch_size)
                for _ in range(epochs)]

    def predict(self, X):
        """Class indices (n,) for cross-entropy networks; 0/1 per output (n, k), where the
        logit is > 0, for binary cross-entropy; the outputs (n, k) otherwise."""
        out = self.forward(X)
        if self.loss_function.name == "cross_entropy":
            return out.argmax(axis=1)
        if self.loss_function.name == "binary_cross_entropy":
            return (out > 0).astype(int)
        return out

    # --- checks and display -------------------------------------------------------------------
    def _check_data(self, X, Y):
        X, Y = check_data(X, Y, self.n_inputs, self.n_outputs)
        return X, self.loss_function.check_targets(Y)

    def __repr__(self):
        layers = ",\n  ".join(repr(layer) for layer in self.layers)
        l2 = f", l2={self.l2}" if self.l2 else ""
        return f"Network([\n  {layers}\n], loss={self.loss_function!r}{l2})"

