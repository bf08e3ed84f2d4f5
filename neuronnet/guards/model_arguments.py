"""The checks of a model's arguments: its sizes, its layers, its data, its parameters and how it
is asked to train. Each names the argument, what it got and what was expected (see
:mod:`neuronnet.guards.arguments`), and runs before any work, so the book calls it in one line
and goes on with the mathematics.

Model-neutral: what a check needs of the model (its widths, the expected shapes) is passed in.
"""
import numpy as np

from .arguments import check_choice, check_generator, check_matrix, check_positive_int, check_real, fail
from .memory import check_memory, memory_needed


def check_sizes(layer_sizes):
    """``[n_inputs, hidden_1, ..., n_outputs]`` as a list of positive ints (at least two), small
    enough to fit in the machine's memory."""
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise TypeError(f"layer_sizes: got {layer_sizes!r}; expected a list of positive "
                        "integers [n_inputs, ..., n_outputs]") from None
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes: got {layer_sizes!r}; expected at least two sizes "
                         "[n_inputs, ..., n_outputs]")
    sizes = [check_positive_int(f"layer_sizes[{k}]", s) for k, s in enumerate(sizes)]
    check_memory("layer_sizes", sizes, memory_needed(sizes),
                 "weights, velocities, gradients and one neuron object per neuron")
    return sizes


def per_layer(activations, n_layers):
    """One activation (a name or an object) per layer of neurons: a list or tuple must have
    exactly ``n_layers`` of them; anything else is one for all."""
    if isinstance(activations, (list, tuple)):
        if len(activations) != n_layers:
            raise ValueError(f"activations: got {len(activations)} activations; expected "
                             f"{n_layers}, one per layer of neurons")
        return list(activations)
    return [activations] * n_layers


def check_init(init, init_std, rng, initializers):
    """How the initial weights are drawn: a registered initializer's name, a std >= 0 for
    ``normal``, and the Generator they come from."""
    check_choice("init", init, initializers)
    check_real("init_std", init_std, low=0.0)
    check_generator("rng", rng, "the initial weights are drawn from it")


def check_chain(widths):
    """``widths``: (fan_in, fan_out) of each layer, bottom up; each layer must read as many
    inputs as the layer below has neurons."""
    for (_, below), (above, _) in zip(widths, widths[1:]):
        if above != below:
            raise ValueError(f"layers: got a layer with fan_in {above} above a layer "
                             f"of {below} neurons; expected them to match")


def check_data(X, Y, n_inputs, n_outputs):
    """X (n, n_inputs) and Y (n, n_outputs), finite float64, one target row per sample."""
    X, Y = check_matrix("X", X, n_inputs), check_matrix("Y", Y, n_outputs)
    if Y.shape[0] != X.shape[0]:
        raise ValueError(f"Y: got {Y.shape[0]} rows for the {X.shape[0]} rows of X; "
                         "expected one target row per sample")
    return X, Y


def check_grad_output(grad_output, output):
    """A given dL/da for ``backward``: finite, and shaped as the last forward's ``output``
    (None before any forward pass: a RuntimeError, the call came too early)."""
    if output is None:
        raise RuntimeError("backward: no forward pass yet; call forward(X) first")
    grad_output = check_matrix("grad_output", grad_output, output.shape[1])
    if grad_output.shape != output.shape:
        raise ValueError(f"grad_output: got shape {grad_output.shape}; expected "
                         f"{output.shape}, the shape of the last forward's output")
    return grad_output


def check_parameter_list(params, shapes):
    """``[W_0, b_0, W_1, b_1, ...]`` of exactly ``shapes``, real and finite: float64 copies."""
    try:
        params = list(params)
    except TypeError:
        fail("params", f"a {type(params).__name__}", "a list [W_0, b_0, W_1, b_1, ...]",
             TypeError)
    if len(params) != len(shapes):
        raise ValueError(f"params: got {len(params)} arrays; expected {len(shapes)} "
                         "([W_0, b_0, W_1, b_1, ...])")
    for k, (p, shape) in enumerate(zip(params, shapes)):
        if np.asarray(p).dtype.kind not in "iuf":
            fail(f"params[{k}]", f"an array of dtype {np.asarray(p).dtype}",
                 "real numbers (ints or floats)", TypeError)
        if np.shape(p) != shape:
            raise ValueError(f"params[{k}]: got shape {np.shape(p)}; expected {shape}")
        if not np.isfinite(p).all():
            raise ValueError(f"params[{k}]: got non-finite values; expected finite numbers")
    return [np.array(p, dtype=np.float64) for p in params]


def check_epochs(n_samples, epochs, batch_mode, batch_size, modes):
    """``fit``'s plan: (epochs, batch_size), batch_size None meaning scikit-learn's "auto"
    (32, or every sample when there are fewer); a minibatch must fit in the data."""
    epochs = check_positive_int("epochs", epochs)
    if batch_mode not in modes:
        raise ValueError(f"batch_mode: got {batch_mode!r}; expected one of {sorted(modes)}")
    if batch_size is None:
        batch_size = min(32, n_samples)
    batch_size = check_positive_int("batch_size", batch_size)
    if batch_mode == "minibatch" and batch_size > n_samples:
        raise ValueError(f"batch_size: got {batch_size} for {n_samples} samples; expected at "
                         "most the number of samples (or batch_mode='full')")
    return epochs, batch_size


def check_order(shuffle, rng):
    """``fit``'s sample order: with ``shuffle`` it is drawn from ``rng``, which must be a
    Generator."""
    if shuffle:
        check_generator("rng", rng, "shuffle=True draws each epoch's order from it")
