"""One neuron: the unit the coursework builds a network from.

Forward, for a batch of n inputs (the rows of ``x``, shape (n, fan_in))::

    z = x . w + b        (n,)   one pre-activation per sample
    a = f(z)             (n,)   the neuron's output

Backward, given ``dL/da`` (n,), the gradient of the mean loss with respect to this neuron's
output over the batch::

    delta = dL/dz = dL/da * f'(z)     (n,)    chain rule through f; note: f' of z, not of a
    dL/dw = sum_n delta_n x_n = delta . x     (fan_in,)   (+ (l2 / n) w with an L2 penalty)
    dL/db = sum_n delta_n                     ()
    dL/dx = outer(delta, w)           (n, fan_in)   this neuron's share of the blame its inputs get

The sums over the batch are plain sums, not means: the loss's gradient already carries the
1/n (see losses.py), so ``delta`` is the derivative of the *mean* loss.

With an L2 penalty of strength ``l2`` (scikit-learn's ``alpha``) the network's loss adds
``l2 / (2 n) * sum ||w||^2`` over every neuron's weights, so each neuron's dL/dw adds
``(l2 / n) w``. The bias is not penalised: it shifts a unit and does not scale its input.

The coursework's neuron saw one sample at a time; this one sees a whole batch as a vector, which
is the same code with n = 1 and is what makes the object model fast enough to train MNIST.

The symbols and the attributes that hold them (the one vocabulary of code, docs and tests;
docs/design.md has the same table with the reference's names)::

    x      inputs              (n, fan_in)   the layer below's outputs a
    w, b   weights, bias       (fan_in,), () the parameters
    z      z                   (n,)          x . w + b
    a      output              (n,)          f(z)
    delta  delta               (n,)          dL/dz
    dW     grad_weights        (fan_in,)     dL/dw, row j of the layer's dW
    db     grad_bias           ()            dL/db, entry j of the layer's db
    v      velocity_weights, velocity_bias   momentum's velocity; Adam's first moment
    s      square_weights, square_bias       RMSProp's and Adam's running mean of g * g
    t      steps                             the number of updates taken (Adam's t)
"""
import numpy as np

from .activations import get_activation


class Neuron:
    """A neuron owns its ``weights`` (fan_in,), ``bias``, and, after a pass, its ``inputs``,
    ``z``, ``output``, ``delta`` and gradients ``grad_weights``, ``grad_bias``. Optimizer state
    (``velocity_weights``, ``velocity_bias``) lives here too: it belongs to the parameters it
    moves; so do Adam's and RMSProp's mean squares (``square_weights``, ``square_bias``) and the
    count of steps taken (``steps``)."""

    def __init__(self, weights, bias=0.0, activation="identity"):
        self.weights = np.array(weights, dtype=np.float64)  # a copy: the caller's array stays theirs
        self.bias = float(bias)
        self.activation = get_activation(activation)
        self.velocity_weights = np.zeros_like(self.weights)
        self.velocity_bias = 0.0
        # A scalar 0 until RMSProp or Adam first writes it (numpy broadcasts it): the optimizers
        # that never use it cost no memory for it.
        self.square_weights = self.square_bias = 0.0
        self.steps = 0
        self.inputs = self.z = self.output = self.delta = None
        self.grad_weights, self.grad_bias = None, None

    @property
    def fan_in(self):
        return self.weights.shape[0]

    def forward(self, inputs):
        """inputs (n, fan_in) -> output (n,). Keeps ``inputs`` (a reference, never written) and
        ``z`` for the backward pass."""
        self.inputs = inputs
        self.z = np.dot(inputs, self.weights) + self.bias
        self.output = self.activation.forward(self.z)
        return self.output

    def backward(self, grad_output, l2=0.0):
        """grad_output = dL/da (n,) -> delta (n,); stores dL/dw and dL/db, dL/dw with the L2
        penalty's ``(l2 / n) w`` (none on the bias)."""
        # FIX: derivative-of-output, backward-mutates-upstream
        self.delta = grad_output * self.activation.derivative_from_z(self.z)
        # np.dot, not @: the same BLAS call, but @ costs ~1 us more per call at batch size 1.
        self.grad_weights = np.dot(self.delta, self.inputs)
        if l2:
            # FIX: l2-on-bias
            self.grad_weights = self.grad_weights + (l2 / len(self.delta)) * self.weights
        # FIX: bias-off-by-one
        self.grad_bias = float(self.delta.sum())
        return self.delta

    def penalty(self):
        """``w . w``: this neuron's share of the L2 penalty's sum (its bias has none)."""
        return float(np.dot(self.weights, self.weights))

    def grad_inputs(self):
        """dL/dx from this neuron alone, (n, fan_in): input i of sample n is blamed
        delta_n * w_i. The layer adds up the shares of all its neurons."""
        return np.outer(self.delta, self.weights)

    def update(self, optimizer):
        """One optimizer step on the weights and on the bias, each with its own velocity and
        mean square; this is step number ``steps`` (optimizers.py)."""
        self.steps += 1
        self.weights, self.velocity_weights, self.square_weights = optimizer.move(
            self.weights, self.grad_weights, self.velocity_weights, self.square_weights,
            self.steps)
        self.bias, self.velocity_bias, self.square_bias = optimizer.move(
            self.bias, self.grad_bias, self.velocity_bias, self.square_bias, self.steps)

    @property
    def kind(self):
        """``SigmoidNeuron``, ``ReLUNeuron``, ...: what the neuron is, without its numbers."""
        return f"{type(self.activation).__name__}Neuron"

    def __repr__(self):
        """What the neuron is and holds now, briefly: its weights and bias, and its output a
        (and delta) once a pass has run, e.g. ``SigmoidNeuron(fan_in=2, w=[0.31, -1.2],
        b=0.05, a=0.73)``. Vectors over a batch show their first values."""
        parts = [f"fan_in={self.fan_in}", f"w={_brief(self.weights)}", f"b={self.bias:.3g}"]
        parts += [f"{name}={_brief(value)}" for name, value in
                  (("a", self.output), ("delta", self.delta)) if value is not None]
        return f"{self.kind}({', '.join(parts)})"


def _brief(values, shown=4):
    """0.73 for one value, [0.31, -1.2] for a few, [0.31, -1.2, 0.5, 0.1, ...] for many."""
    values = np.ravel(values)
    if values.size == 1:
        return f"{values[0]:.3g}"
    text = ", ".join(f"{v:.3g}" for v in values[:shown])
    return f"[{text}{', ...' if values.size > shown else ''}]"
