"""An architecture, checked: the layer sizes, one activation per layer, and the memory a
network of those sizes holds (refused before anything is allocated when the machine has less)."""
from .activations import get_activation
from .validation import check_positive_int

# What one neuron object costs beside its parameters once it has taken a step (the object, its
# attribute dict, its arrays' headers and small caches): about 2 KB, measured as the process's
# resident memory of a 4-100000-3 network on Python 3.11.
NEURON_BYTES = 2048


def memory_needed(sizes):
    """Bytes a network of ``sizes`` holds: float64 weights, velocities and gradients (3 x 8
    bytes per parameter) and the neuron objects."""
    n_parameters = sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes, sizes[1:]))
    return 24 * n_parameters + NEURON_BYTES * sum(sizes[1:])


def check_sizes(layer_sizes):
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise TypeError(f"layer_sizes: got {layer_sizes!r}; expected a list of positive "
                        "integers [n_inputs, ..., n_outputs]") from None
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes: got {layer_sizes!r}; expected at least two sizes "
                         "[n_inputs, ..., n_outputs]")
    return [check_positive_int(f"layer_sizes[{k}]", s) for k, s in enumerate(sizes)]


def check_activations(activations, n_layers):
    if isinstance(activations, (list, tuple)):
        if len(activations) != n_layers:
            raise ValueError(f"activations: got {len(activations)} activations; expected "
                             f"{n_layers}, one per layer of neurons")
        return [get_activation(a) for a in activations]
    return [get_activation(activations)] * n_layers
