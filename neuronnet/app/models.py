"""The two kinds of model the app runs: the neuron model and the reference.

The app is the one place that builds either kind by name; the loop and the file formats take
whatever model they are given.
"""
from ..convert import from_arrays
from ..guards import check_choice
from ..io import load as load_file
from ..io import read_metadata
from ..network import Network

MODELS = ("neuron", "reference")


def build_model(kind, recipe, splits, rng):
    """A fresh ``Network`` (kind "neuron") or ``reference.MLP`` (kind "reference") for a
    recipe's network on its data, initial weights drawn from ``rng``."""
    check_choice("model", kind, MODELS)
    sizes = [splits.train.n_features, *recipe.hidden, splits.train.n_outputs]
    activations = [recipe.activation] * len(recipe.hidden) + [recipe.output_activation]
    return _model_class(kind)(sizes, activations, loss=recipe.loss, init=recipe.init, rng=rng)


def load_model(path, model="neuron", n_inputs=None, n_outputs=None):
    """``(model, metadata)`` from a model file, built as the neuron model or the reference;
    ``n_inputs``/``n_outputs``: the widths the data needs, checked before parameters are read."""
    check_choice("model", model, MODELS)
    build = from_arrays if model == "neuron" else _model_class("reference").from_arrays
    return load_file(path, build, n_inputs, n_outputs)


def model_file_metadata(path):
    """The metadata of a model file, read before anything else of it (headers only). A path
    with no file is refused in the words every command uses."""
    from .tables import printable
    try:
        return read_metadata(path)
    except FileNotFoundError:
        raise ValueError(f"{printable(path)}: no such file; expected a model file written by "
                         "`neuronnet train --save`") from None


def max_parameter_difference(params_a, params_b):
    """The largest ``|a - b|`` over every weight and bias of two ``[W_0, b_0, ...]`` lists."""
    return max(float(abs(a - b).max()) for a, b in zip(params_a, params_b))


def _model_class(kind):
    if kind == "neuron":
        return Network
    from reference import MLP  # neuronnet's app may import the oracle, never the reverse
    return MLP
