"""A layer: a list of neurons that all read the same inputs and share one activation.

The layer does no arithmetic of its own beyond bookkeeping: it hands the batch to every neuron,
stacks their ``(n,)`` outputs side by side into the ``(n, fan_out)`` matrix the next layer reads,
and on the way back hands each neuron its column of ``dL/da`` and adds up the blame the neurons
send to the inputs.
"""
import numpy as np

from .activations import get_activation
from .guards import check_choice, check_positive_int
from .initializers import INITIALIZERS
from .neuron import Neuron


class Layer:
    def __init__(self, neurons):
        if not neurons:
            raise ValueError("neurons: got an empty list; expected at least one Neuron")
        fan_ins = {neuron.fan_in for neuron in neurons}
        if len(fan_ins) != 1:
            raise ValueError(f"neurons: got fan_in values {sorted(fan_ins)}; expected every "
                             "neuron of a layer to read the same inputs (one fan_in)")
        self.neurons = list(neurons)
        self.output = None

    @classmethod
    def create(cls, fan_in, fan_out, activation, init, rng, std=0.01):
        """fan_out new neurons with weights drawn by the named initializer, biases 0. One
        activation object is shared by the layer's neurons."""
        fan_in = check_positive_int("fan_in", fan_in)
        fan_out = check_positive_int("fan_out", fan_out)
        draw = INITIALIZERS[check_choice("init", init, INITIALIZERS)]
        activation = get_activation(activation)
        return cls([Neuron(draw(rng, fan_in, fan_out, std), 0.0, activation)
                    for _ in range(fan_out)])

    @property
    def fan_in(self):
        return self.neurons[0].fan_in

    @property
    def fan_out(self):
        return len(self.neurons)

    @property
    def activation(self):
        return self.neurons[0].activation

    def forward(self, inputs):
        """inputs (n, fan_in) -> outputs (n, fan_out), column j being neuron j's output."""
        # Built as (fan_out, n), one contiguous row per neuron, and handed on transposed: the
        # next layer's neurons read it as (n, fan_in) without a copy.
        outputs = np.empty((len(self.neurons), inputs.shape[0]))
        for j, neuron in enumerate(self.neurons):
            outputs[j] = neuron.forward(inputs)
        self.output = outputs.T
        return self.output

    def backward(self, grad_output, need_grad_inputs=True, l2=0.0):
        """grad_output = dL/da (n, fan_out) -> dL/dx (n, fan_in), or None when the caller needs
        no gradient for its inputs (the first layer: nothing learns below it). ``l2``: the
        penalty's strength, which each neuron adds to its own dL/dw."""
        grad_inputs = None
        for j, neuron in enumerate(self.neurons):
            neuron.backward(grad_output[:, j], l2)
            if need_grad_inputs:
                share = neuron.grad_inputs()
                grad_inputs = share if grad_inputs is None else grad_inputs + share
        return grad_inputs

    def update(self, optimizer):
        for neuron in self.neurons:
            neuron.update(optimizer)

    def __repr__(self):
        return f"Layer({self.fan_out} x {self.neurons[0].kind}(fan_in={self.fan_in}))"
