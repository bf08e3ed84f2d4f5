"""Saving a model to a ``.npz`` model file (see model_format.py), without pickle.

Why not pickle: unpickling runs whatever code the file names, so a model file from someone else
could do anything on your machine. Every member written here has an explicit str, int64 or
float64 dtype. The file is written atomically (atomic.py).

Model-neutral: any model with ``parameters()`` (``[W_0, b_0, ...]``), ``activation_names`` and
``loss_name`` can be saved; the neuron ``Network`` and ``reference.MLP`` both can.
"""
import math
import numbers

import numpy as np

from ..guards import check_layer_arrays
from .atomic import check_output_path, write_atomically, write_new
from .model_format import (
    ACTIVATION_NAMES,
    EXACT_FLOAT_INT,
    FORMAT_VERSION,
    HISTORY_PREFIX,
    LOSS_NAMES,
    MAX_HISTORY,
    MAX_TEXT,
    META_PREFIX,
    PENALTY_KEY,
    SUFFIX,
    check_key,
    check_sizes,
)
from .model_names import component_names

INT64 = np.iinfo(np.int64)

def save(model, path, metadata=None, history=None):
    """Write ``model`` to ``path`` (must end in .npz): its ``parameters()``, ``activation_names``
    and ``loss_name``, which a neuronnet ``Network`` and a ``reference.MLP`` both have.

    metadata: a dict of str -> str | int | float (e.g. the recipe, the class names, the seed);
    ``model_read.load`` gives it back exactly.
    history: a dict of str -> list of numbers or None, all lists of one length (e.g. "epoch",
    "train_loss", "valid_loss", "lr", "seconds": the training history); stored as float64, with
    None as nan; ``model_read.load_history`` gives it back.

    Atomic: either the complete new file is at ``path`` or nothing changed there. Returns
    ``path``."""
    path = check_output_path(path, SUFFIX)
    write_atomically(path, _file_writer(model, metadata, history))
    return path


def save_new(model, path, word, metadata=None, history=None):
    """As :func:`save`, but never over an existing file: to ``path`` when nothing is there,
    else to the first free name of ``NAME.<word>.npz``, ``NAME.<word>.2.npz``, ... beside it
    (atomic.write_new). Returns the name used. For a run that did not complete: its model
    must not replace the user's."""
    path = check_output_path(path, SUFFIX)
    return write_new(path, word, _file_writer(model, metadata, history))


def check_history_length(n_entries, name="history"):
    """Refuse, before the work that would make it, a history of more than MAX_HISTORY entries
    (one per epoch): a model file cannot hold it."""
    if n_entries > MAX_HISTORY:
        raise ValueError(f"{name}: got {n_entries}, more than a model file's history holds; "
                         f"expected at most {MAX_HISTORY} (one entry per epoch)")


def _file_writer(model, metadata, history):
    """``write(file)`` of the model file's members, every one checked first."""
    arrays = _model_arrays(model)
    arrays.update(_metadata_arrays(metadata))
    arrays.update(_history_arrays(history))
    # Every array above has an explicit str, int64 or float64 dtype: no member needs pickle.
    # (np.savez's own allow_pickle argument is not used: numpy 1.x, which pyproject still
    # allows, has none, and its savez would store the flag as one more array.)
    return lambda file: np.savez(file, **arrays)


def check_savable(model, metadata=None, history=None):
    """Everything :func:`save` checks about what it is given, without writing: the model
    within the file's limits, the metadata and the history storable. For a command to call
    before hours of training, not after."""
    _model_arrays(model)
    _metadata_arrays(metadata)
    _history_arrays(history)


def _model_arrays(model):
    """The architecture and parameter members of the file, after checking the model."""
    activations, loss = _describe(model)
    params = [np.asarray(p) for p in model.parameters()]
    if len(params) != 2 * len(activations):
        raise ValueError(f"model: parameters() gave {len(params)} arrays for "
                         f"{len(activations)} layers; expected [W_0, b_0, W_1, b_1, ...]")
    arrays = {"format_version": np.array(FORMAT_VERSION, dtype=np.int64)}
    sizes = [params[0].shape[-1]]
    for l, (W, b) in enumerate(zip(params[0::2], params[1::2])):
        _check_layer(f"model: layer {l}", W, b, sizes[-1])
        sizes.append(W.shape[0])
        # float64 always: a float32 copy would not round-trip the parameters bit for bit.
        arrays[f"W_{l}"] = W.astype(np.float64, copy=False)
        arrays[f"b_{l}"] = b.astype(np.float64, copy=False)
    # The bounds load enforces: a model saved here must load back.
    check_sizes("model", sizes, ValueError)
    arrays["layer_sizes"] = np.array(sizes, dtype=np.int64)
    arrays["activations"] = np.array(activations, dtype=np.str_)
    arrays["loss"] = np.array(loss, dtype=np.str_)
    arrays[PENALTY_KEY] = np.array(_penalty(model), dtype=np.float64)
    return arrays


def _penalty(model):
    """The model's L2 strength (``l2``; 0.0 for a model without one), finite and >= 0."""
    l2 = getattr(model, "l2", 0.0)
    if isinstance(l2, bool) or not isinstance(l2, numbers.Real) or not math.isfinite(l2) \
            or l2 < 0:
        raise ValueError(f"model: l2 is {l2!r}; expected a finite number >= 0 (the L2 "
                         "penalty's strength)")
    return float(l2)


def _check_layer(what, W, b, fan_in):
    """One layer's parameters: float64, W (fan_out, fan_in), b (fan_out,), all finite."""
    if W.ndim != 2:
        raise ValueError(f"{what}: got a weight array of shape {W.shape}; expected 2-D "
                         "(fan_out, fan_in)")
    # The shapes and values are the book's one check; the dtype is this file's own demand.
    # Hazard: dtype.kind "f" alone would accept float32 and float16, which a float64 model
    # cannot have come from; itemsize 8 is float64 in either byte order.
    if W.dtype.kind != "f" or W.dtype.itemsize != 8 or b.dtype.kind != "f" \
            or b.dtype.itemsize != 8:
        raise ValueError(f"{what}: got dtypes {W.dtype} and {b.dtype}; expected float64")
    check_layer_arrays(what, W, b, fan_in)


def _describe(model):
    """(activation names, loss name): what the file stores of the model's components."""
    try:
        names, loss = component_names(model)
    except AttributeError:
        raise TypeError(f"model: got a {type(model).__name__}; expected a model with "
                        "parameters(), activation_names and loss_name (a neuronnet Network "
                        "or a reference.MLP)") from None
    for l, name in enumerate(names):
        if name not in ACTIVATION_NAMES:
            raise ValueError(f"model: layer {l}'s activation is {name!r}; expected one of "
                             f"{list(ACTIVATION_NAMES)}")
    if loss not in LOSS_NAMES:
        raise ValueError(f"model: the loss is {loss!r}; expected one of {list(LOSS_NAMES)}")
    return names, loss


def _metadata_arrays(metadata):
    """``meta.<key>`` members: scalar arrays that give back exactly the value saved."""
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise TypeError(f"metadata: got a {type(metadata).__name__}; expected a dict of "
                        "str -> str | int | float")
    return {META_PREFIX + check_key("metadata", key): _meta_array(key, value)
            for key, value in metadata.items()}


def _meta_array(key, value):
    # Hazard: bool is an int in Python; saved as int64 it would come back as 1, not True.
    if isinstance(value, bool):
        raise ValueError(f"metadata[{key!r}]: got the bool {value!r}; expected str, int or "
                         "float (a bool would load back as an int; save 0 or 1 instead)")
    if isinstance(value, str):
        # Hazard: numpy strips trailing NUL characters from unicode arrays, so "a\0" would load
        # back as "a".
        if "\0" in value:
            raise ValueError(f"metadata[{key!r}]: got a str with a NUL character; expected "
                             "text without NUL (numpy would drop trailing ones)")
        if len(value) > MAX_TEXT:
            raise ValueError(f"metadata[{key!r}]: got a str of {len(value)} characters; "
                             f"expected at most {MAX_TEXT}")
        return np.array(value, dtype=np.str_)
    if isinstance(value, numbers.Integral):
        if not INT64.min <= value <= INT64.max:
            raise ValueError(f"metadata[{key!r}]: got {value}; expected an int that fits in "
                             "64 bits")
        return np.array(value, dtype=np.int64)
    if isinstance(value, numbers.Real):
        if not math.isfinite(value):
            raise ValueError(f"metadata[{key!r}]: got {value!r}; expected a finite number")
        return np.array(value, dtype=np.float64)
    raise ValueError(f"metadata[{key!r}]: got a {type(value).__name__}; expected str, int or "
                     "float")


def _history_arrays(history):
    """``history.<key>`` members: float64 lists of one length, None stored as nan."""
    if history is None:
        return {}
    if not isinstance(history, dict):
        raise TypeError(f"history: got a {type(history).__name__}; expected a dict of "
                        "str -> list of numbers (None for a missing value)")
    columns = {check_key("history", key): _history_column(key, values)
               for key, values in history.items()}
    lengths = {key: len(column) for key, column in columns.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"history: got lists of lengths {lengths}; expected one length (one "
                         "entry per epoch or step in every list)")
    return {HISTORY_PREFIX + key: column for key, column in columns.items()}


def _history_column(key, values):
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__len__"):
        raise ValueError(f"history[{key!r}]: got a {type(values).__name__}; expected a list of "
                         "numbers")
    if len(values) > MAX_HISTORY:
        raise ValueError(f"history[{key!r}]: got {len(values)} entries; expected at most "
                         f"{MAX_HISTORY}")
    return np.array([_history_value(key, i, v) for i, v in enumerate(values)], dtype=np.float64)


def _history_value(key, i, value):
    """One entry as a float: None -> nan; ints only where float64 holds them exactly."""
    if value is None:
        return math.nan
    # Hazard: bool is an int in Python (and np.bool_ is not a number at all): True would come
    # back as 1.0, a different thing.
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"history[{key!r}][{i}]: got the bool {value!r}; expected a number "
                         "or None")
    if isinstance(value, numbers.Integral):
        if abs(value) > EXACT_FLOAT_INT:
            raise ValueError(f"history[{key!r}][{i}]: got {value}; expected an int of at most "
                             "2**53 in size (larger ones are not all float64 numbers)")
        return float(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise ValueError(f"history[{key!r}][{i}]: got a {type(value).__name__}; expected a number "
                     "or None")


