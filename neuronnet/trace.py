"""One step of backprop traced neuron by neuron: every number the network computes for one
sample (or a small batch), in the order it computes them, with a central difference beside
every derivative.

    record = network.trace(x, t, optimizer="sgd", lr=0.1)
    record.neurons[l][j].z, .a, .delta, .dW, .db, .w_new, .b_new

Forward, for neuron j of layer l:  z = w . x + b,  a = f(z).
Backward, from the output down:    delta = f'(z) * dL/da, where dL/da is the loss's gradient
for an output neuron and sum_k w_kj delta_k over the neurons k of the layer above otherwise;
then dW = delta . x and db = sum(delta).
With an L2 penalty of strength l2 on the network, the loss adds l2 / (2n) * sum ||w||^2 over
every neuron's weights (``data_loss`` is the loss without it, ``weight_squares`` the sum), and
dW = delta . x + (l2 / n) w; db has no share.
Update: the optimizer's step ``move(w, g, v, s, t)`` (optimizers.py) from the neuron's velocity v
and mean square s (0 before the first step) at its step number t: v_new, s_new and w_new,
vb_new, sb_new and b_new (computed on copies: tracing changes nothing). With Adam, ``lr_t`` is
the bias-corrected rate of step t, lr * sqrt(1 - beta2^t) / (1 - beta1^t).
For a loss that applies a softmax (cross-entropy) or a sigmoid (binary cross-entropy),
``probabilities`` holds p = softmax(a) or sigmoid(a) of the output: dL/da = (p - t) / n is
worked from it.

``numeric`` holds, for the first MAX_NUMERIC dW entries and db of every neuron shown (all of a
narrow layer; see :func:`shown`), the central difference of the loss, or
None where a ReLU input crossed its kink during the difference (there the loss has no
derivative to compare with: "kink: not comparable"). The app adds the comparison with the
reference (neuronnet/app/trace_command.py): the book imports nothing of it.
"""
from dataclasses import dataclass, field

import numpy as np

from .gradcheck import step_size
from .optimizers import Optimizer, get_optimizer

MAX_NUMERIC = 16   # numeric differences for at most this many weights per neuron (the first ones)
SHOWN_NEURONS = 4  # of a wider layer, the first three neurons and the last are shown and checked


def shown(steps):
    """The neurons of a layer that are shown (and checked numerically): all of a narrow layer,
    else the first SHOWN_NEURONS - 1 and the last, with None where the others are left out."""
    if len(steps) <= SHOWN_NEURONS:
        return list(steps)
    return list(steps[:SHOWN_NEURONS - 1]) + [None] + list(steps[-1:])


@dataclass
class NeuronStep:
    """Everything one neuron computed in the traced step. Vectors over the batch are (n,)."""
    layer: int
    index: int
    activation: str
    x: np.ndarray          # (n, fan_in) inputs
    w: np.ndarray          # (fan_in,)
    b: float
    z: np.ndarray          # (n,)
    a: np.ndarray          # (n,)
    dL_da: np.ndarray      # (n,) the gradient arriving at a
    slope: np.ndarray      # (n,) f'(z)
    delta: np.ndarray      # (n,)
    dW: np.ndarray         # (fan_in,)
    db: float
    w_new: np.ndarray
    b_new: float
    v: np.ndarray          # (fan_in,) the weights' velocity before the step (0 at first)
    vb: float              # the bias's velocity before the step
    v_new: np.ndarray      # after the step (sgd keeps no velocity: v_new is v)
    vb_new: float
    s: np.ndarray = None   # (fan_in,) the weights' mean square of g before the step (0 at first)
    sb: float = 0.0        # the bias's
    s_new: np.ndarray = None   # after the step (only RMSProp and Adam change it)
    sb_new: float = 0.0
    t: int = 1             # the number of this step for this neuron, from 1
    lr_t: float = None     # Adam's bias-corrected rate at step t; None for the others
    numeric: dict = field(default_factory=dict)   # "dW[i]" / "db" -> central difference or None
    checks: dict = field(default_factory=dict)    # filled by a checker: quantity -> (ok, other)


@dataclass
class Trace:
    sizes: list
    activations: list
    loss: str
    X: np.ndarray
    T: np.ndarray
    output: np.ndarray
    loss_value: float
    loss_gradient: np.ndarray     # dL/da of the output layer, (n, n_outputs)
    optimizer: str                # its name, with its lr and momentum (unused by sgd)
    lr: float
    momentum: float
    neurons: list                 # neurons[l][j]: a NeuronStep
    loss_after: float             # the loss on the same batch after the update
    probabilities: np.ndarray = None   # p = softmax or sigmoid of the output; None without one
    hyperparameters: dict = field(default_factory=dict)   # the optimizer's: lr, mu, beta1, ...
    keeps_squares: bool = False   # whether the optimizer moves s (RMSProp, Adam)
    l2: float = 0.0               # the L2 penalty's strength
    data_loss: float = None       # the loss function's mean, without the penalty
    weight_squares: float = 0.0   # sum ||w||^2 over every neuron
    checks: dict = field(default_factory=dict)   # filled by a checker: "loss", "p", "dL/da"


def trace(network, X, T, optimizer="sgd", lr=0.1, momentum=0.9):
    """The record of one forward, backward and update of ``network`` on the batch (X, T)
    (one sample may be given as a vector). The network's parameters are left as they were.
    ``optimizer``: a name (made with ``lr`` and ``momentum``) or an Optimizer, used as it is."""
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    T = np.atleast_2d(np.asarray(T, dtype=np.float64))
    opt = get_optimizer(optimizer, lr, momentum)
    loss_value = network.loss(X, T)
    network.gradient(X, T)
    output = network.layers[-1].output.copy()
    grad_out = network.loss_function.gradient(output, T)
    layers = network.layers
    record = []
    for l, layer in enumerate(layers):
        steps = []
        for j, neuron in enumerate(layer.neurons):
            if l == len(layers) - 1:
                dL_da = grad_out[:, j]
            else:  # sum_k w_kj delta_k over the layer above
                dL_da = sum(above.weights[j] * above.delta for above in layers[l + 1].neurons)
            steps.append(_neuron_step(l, j, neuron, np.array(dL_da, dtype=float), opt))
        record.append(steps)
    for steps in record:
        for step in shown(steps):
            if step is not None:
                step.numeric = numeric_derivatives(network, X, T, step)
    before = network.parameters()
    network.set_parameters(_stepped(before, record))
    loss_after = network.loss(X, T)
    network.set_parameters(before)
    loss = network.loss_function
    squash = getattr(loss, "softmax", None) or getattr(loss, "sigmoid", None)
    return Trace(network.layer_sizes, [layer.activation.name for layer in layers],
                 loss.name, X, T, output, loss_value, grad_out, opt.name,
                 opt.lr, getattr(opt, "mu", 0.0), record, loss_after,
                 None if squash is None else squash(output), dict(vars(opt)),
                 type(opt).move is not Optimizer.move, network.l2, loss.value(output, T),
                 sum(neuron.penalty() for layer in layers for neuron in layer.neurons))


def _neuron_step(l, j, neuron, dL_da, opt):
    """One neuron's record, its update made on copies of its parameters and state: step
    number t = steps taken + 1, as ``Neuron.update`` counts."""
    t = neuron.steps + 1
    v, vb = neuron.velocity_weights.copy(), float(neuron.velocity_bias)
    s = np.broadcast_to(neuron.square_weights, neuron.weights.shape).astype(float)
    sb = float(neuron.square_bias)
    w_new, v_new, s_new = opt.move(neuron.weights.copy(), neuron.grad_weights, v.copy(),
                                   s.copy(), t)
    b_new, vb_new, sb_new = opt.move(neuron.bias, neuron.grad_bias, vb, sb, t)
    lr_t = None
    if hasattr(opt, "beta1"):
        # Adam's bias correction (optimizers.py computes it inside ``move`` and keeps it there).
        lr_t = opt.lr * np.sqrt(1.0 - opt.beta2 ** t) / (1.0 - opt.beta1 ** t)
    return NeuronStep(
        l, j, neuron.activation.name, neuron.inputs.copy(), neuron.weights.copy(), neuron.bias,
        neuron.z.copy(), neuron.output.copy(), dL_da,
        neuron.activation.derivative_from_z(neuron.z.copy()), neuron.delta.copy(),
        neuron.grad_weights.copy(), neuron.grad_bias, w_new, float(b_new), v, vb,
        np.array(v_new, dtype=float), float(vb_new), s,
        sb, np.broadcast_to(s_new, s.shape).astype(float), float(sb_new), t,
        None if lr_t is None else float(lr_t))


def _stepped(params, record):
    out = [p.copy() for p in params]
    for l, steps in enumerate(record):
        for step in steps:
            out[2 * l][step.index] = step.w_new
            out[2 * l + 1][step.index] = step.b_new
    return out


def numeric_derivatives(network, X, T, step):
    """Central differences of the loss with respect to this neuron's first weights and its
    bias; None where a ReLU z changed sign between the two sides (a kink)."""
    neuron = network.layers[step.layer].neurons[step.index]
    out = {}
    targets = [(f"dW[{i}]", "w", i) for i in range(min(neuron.fan_in, MAX_NUMERIC))]
    for name, what, i in targets + [("db", "b", None)]:
        theta = neuron.weights[i] if what == "w" else neuron.bias
        h = step_size(theta)
        sides, masks = [], []
        for sign in (1, -1):
            _set(neuron, what, i, theta + sign * h)
            sides.append(network.loss(X, T))
            masks.append(_relu_signs(network))
        _set(neuron, what, i, theta)
        same_side = all(np.array_equal(a, b) for a, b in zip(*masks))
        out[name] = (sides[0] - sides[1]) / (2 * h) if same_side else None
    network.loss(X, T)      # leave the neurons' cached values those of the traced pass
    return out


def _set(neuron, what, i, value):
    if what == "w":
        neuron.weights = neuron.weights.copy()
        neuron.weights[i] = value
    else:
        neuron.bias = float(value)


def _relu_signs(network):
    return [n.z > 0 for layer in network.layers for n in layer.neurons
            if n.activation.name == "relu"]
