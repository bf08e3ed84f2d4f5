"""Loading a model file (see model_format.py) without trusting it.

Everything a header claims (a member's size in the zip, an array's shape and type, the widths in
``layer_sizes``) is checked before the memory it implies is allocated (npz_reader.py), and
the model it describes against the memory the process may still take (guards/memory.py).

Model-neutral: the file gives back arrays and names; the caller's ``build(weights, biases,
activations, loss)`` makes the model (``neuronnet.convert.from_arrays`` for the neuron model,
``reference.MLP.from_arrays`` for the reference), so a model trained as one can be inspected as
the other.
"""
import os

import numpy as np

from ..guards.memory import memory_needed, memory_shortfall, size_text
from .errors import ModelFileError
from .model_format import (
    ACTIVATION_NAMES,
    HEADER_KEYS,
    HISTORY_PREFIX,
    KEY,
    LOSS_NAMES,
    MAX_HISTORY,
    MAX_LAYERS,
    MAX_TEXT,
    META_PREFIX,
    PENALTY_KEY,
    READABLE_VERSIONS,
    check_sizes,
    header_keys,
)
from .npz_reader import UntrustedNpz


def load(path, build, n_inputs=None, n_outputs=None):
    """``(model, metadata)`` from a file written by :func:`model_write.save`.

    build: ``build(weights, biases, activations, loss)`` makes the model from the file's arrays
    and names, e.g. ``neuronnet.convert.from_arrays`` or ``reference.MLP.from_arrays``; a
    model saved with an L2 penalty is built with ``build(..., l2=strength)``.
    n_inputs, n_outputs: when given, the widths the caller's data needs, checked from the
    header before any parameter is read (a file for other data costs nothing more).
    Parameters come back bit-identical. Any file that is not a well-formed version-1, -2 or
    -3 model file raises :class:`ModelFileError` naming the file, the member at fault and what is
    wrong with it; a missing file raises FileNotFoundError, as for any file opened by name.
    """
    if not callable(build):
        raise TypeError(f"build: got {type(build).__name__}; expected a callable "
                        "build(weights, biases, activations, loss), e.g. "
                        "neuronnet.convert.from_arrays")
    path = _fspath(path)
    with UntrustedNpz(path) as file:
        sizes = _check_structure(file)
        for what, want, got in (("inputs", n_inputs, sizes[0]), ("outputs", n_outputs, sizes[-1])):
            if want is not None and got != want:
                raise ModelFileError(f"{path}: layer_sizes {sizes} has {got} {what}; expected "
                                     f"{want}, the data's")
        _check_memory(path, sizes)
        names, loss = _read_names(file)
        l2 = _read_l2(file)
        weights, biases = _read_parameters(file, sizes)
        metadata = _read_metadata(file)
    penalty = {"l2": l2} if l2 else {}   # a build of before the penalty still loads the rest
    return build(weights, biases, names, loss, **penalty), metadata


def read_metadata(path):
    """The metadata saved with the model (every header checked as :func:`load` checks it;
    the parameters are not read)."""
    path = _fspath(path)
    with UntrustedNpz(path) as file:
        _check_structure(file)
        return _read_metadata(file)


def _check_memory(path, sizes):
    """Before any parameter is read: the arrays as read (8 bytes a parameter) and the model
    built from them (memory.memory_needed) must fit in what the process may still take."""
    n_parameters = sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes, sizes[1:]))
    needed = 8 * n_parameters + memory_needed(sizes)
    shortfall = memory_shortfall(needed)
    if shortfall is not None:
        raise ModelFileError(f"{path}: layer_sizes {sizes} needs about {size_text(needed)} to "
                             f"load; expected {shortfall}")


def load_history(path):
    """The training history saved with the model: a dict of str -> list of float, every list
    of one length, nan where None was saved; an empty dict when the file holds none.

    Every member's header is checked as :func:`load` checks it (the same files are refused);
    the parameters themselves are not read."""
    path = _fspath(path)
    with UntrustedNpz(path) as file:
        _check_structure(file)
        members = [member for member in file.members if member.startswith(HISTORY_PREFIX)]
        # A list entry is a Python float and a pointer (32 bytes), beside the array's 8 and its
        # float64 copy's 8: 48 bytes an entry, checked before any list is read.
        entries = sum(int(np.prod(file.members[member].shape)) for member in members)
        shortfall = memory_shortfall(48 * entries)
        if shortfall is not None:
            raise ModelFileError(f"{path}: a history of {entries} entries, which needs about "
                                 f"{size_text(48 * entries)} to load; expected {shortfall}")
        return {member[len(HISTORY_PREFIX):]: file.array(member).astype(np.float64).tolist()
                for member in members}

# --- checking what the headers say -------------------------------------------------------------
def _check_structure(file):
    """The version first (a newer file gets "newer version", not a list of odd keys), then the
    keys, then layer_sizes; then every other member's header against what layer_sizes implies.
    Returns the sizes as a list of int. Only format_version and layer_sizes are read."""
    path, members = file.path, file.members
    version = _read_version(file)
    prefixes = (META_PREFIX, HISTORY_PREFIX) if version >= 2 else (META_PREFIX,)
    headers = header_keys(version)
    _check_keys(path, members, headers, prefixes, allow_extra=True)
    sizes = _read_layer_sizes(file)
    params = tuple(f"{p}_{l}" for l in range(len(sizes) - 1) for p in ("W", "b"))
    _check_keys(path, members, headers + params, prefixes, allow_extra=False)
    if version >= 3:
        _check_l2_header(path, members)
    _check_name_headers(path, members, len(sizes) - 1)
    _check_parameter_headers(path, members, sizes)
    _check_metadata_headers(path, members)
    _check_history_headers(path, members)
    return sizes


def _read_version(file):
    header = file.members.get("format_version")
    if header is None:
        raise ModelFileError(f"{file.path}: missing key 'format_version'; found keys "
                             f"{sorted(file.members)} (is it a neuronnet model file?)")
    if header.shape != () or header.dtype.kind not in "iu":
        raise ModelFileError(f"{file.path}: format_version is a {header.dtype} array of shape "
                             f"{header.shape}; expected an integer scalar")
    version = int(file.array("format_version"))
    if version not in READABLE_VERSIONS:
        raise ModelFileError(f"{file.path}: format_version is {version}; this code reads "
                             f"version(s) {list(READABLE_VERSIONS)}")
    return version


def _check_keys(path, members, expected, prefixes, allow_extra):
    missing = [key for key in expected if key not in members]
    if missing:
        raise ModelFileError(f"{path}: missing keys {missing}; found {sorted(members)}")
    extra = sorted(key for key in members
                   if key not in expected and not key.startswith(prefixes))
    if extra and not allow_extra:
        allowed = " and ".join(f"'{prefix}*'" for prefix in prefixes)
        raise ModelFileError(f"{path}: unknown keys {extra}; expected only {list(expected)} "
                             f"and {allowed} members (layer_sizes says "
                             f"{len(expected) - len(HEADER_KEYS) - (PENALTY_KEY in expected)} "
                             "parameter arrays)")


def _read_layer_sizes(file):
    header = file.members["layer_sizes"]
    if len(header.shape) != 1 or header.dtype.kind not in "iu" \
            or not 2 <= header.shape[0] <= MAX_LAYERS + 1:
        raise ModelFileError(f"{file.path}: layer_sizes is a {header.dtype} array of shape "
                             f"{header.shape}; expected 2 to {MAX_LAYERS + 1} int64 sizes "
                             "[n_inputs, ..., n_outputs]")
    sizes = [int(s) for s in file.array("layer_sizes")]
    check_sizes(f"{file.path}: layer_sizes", sizes, ModelFileError)
    return sizes




def _check_name_headers(path, members, n_layers):
    names, loss = members["activations"], members["loss"]
    if names.dtype.kind != "U" or names.shape != (n_layers,) \
            or names.dtype.itemsize > 4 * MAX_TEXT:
        raise ModelFileError(f"{path}: activations is a {names.dtype} array of shape "
                             f"{names.shape}; expected {n_layers} names (unicode, one per "
                             f"layer, at most {MAX_TEXT} characters)")
    if loss.dtype.kind != "U" or loss.shape != () or loss.dtype.itemsize > 4 * MAX_TEXT:
        raise ModelFileError(f"{path}: loss is a {loss.dtype} array of shape {loss.shape}; "
                             "expected one name (a unicode scalar)")


def _check_l2_header(path, members):
    header = members[PENALTY_KEY]
    if header.shape != () or header.dtype.kind != "f" or header.dtype.itemsize != 8:
        raise ModelFileError(f"{path}: l2 is a {header.dtype} array of shape {header.shape}; "
                             "expected a float64 scalar (the L2 penalty's strength)")


def _check_parameter_headers(path, members, sizes):
    """Each W_l and b_l: float64 of the shape layer_sizes implies, before anything is read."""
    for l, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        for key, shape in ((f"W_{l}", (fan_out, fan_in)), (f"b_{l}", (fan_out,))):
            header = members[key]
            # Hazard: dtype.kind "f" alone would accept float32 and float16, which a float64
            # model cannot have come from; itemsize 8 is float64 in either byte order.
            if header.dtype.kind != "f" or header.dtype.itemsize != 8:
                raise ModelFileError(f"{path}: member {key!r} is a {header.dtype} array; "
                                     "expected float64")
            if header.shape != shape:
                raise ModelFileError(f"{path}: member {key!r} has shape {header.shape}; "
                                     f"expected {shape} (layer {l}: {fan_in} inputs -> "
                                     f"{fan_out} neurons, from layer_sizes)")


def _check_metadata_headers(path, members):
    for member, header in members.items():
        if member.startswith(META_PREFIX):
            _check_member_key(path, member, META_PREFIX)
            if header.shape != () or header.dtype.kind not in "Uiuf" \
                    or header.dtype.itemsize > 4 * MAX_TEXT:
                raise ModelFileError(f"{path}: {member} is a {header.dtype} array of shape "
                                     f"{header.shape}; expected a str, int or float scalar")


def _check_history_headers(path, members):
    lengths = {}
    for member, header in members.items():
        if member.startswith(HISTORY_PREFIX):
            _check_member_key(path, member, HISTORY_PREFIX)
            if len(header.shape) != 1 or header.dtype.kind != "f" \
                    or header.dtype.itemsize != 8 or header.shape[0] > MAX_HISTORY:
                raise ModelFileError(f"{path}: {member} is a {header.dtype} array of shape "
                                     f"{header.shape}; expected a float64 list of at most "
                                     f"{MAX_HISTORY} entries")
            lengths[member] = header.shape[0]
    if len(set(lengths.values())) > 1:
        raise ModelFileError(f"{path}: the history lists have lengths {lengths}; expected one "
                             "length")


def _check_member_key(path, member, prefix):
    if not KEY.fullmatch(member[len(prefix):]):
        raise ModelFileError(f"{path}: member {member!r}: expected a key of letters, digits, "
                             f"'_', '.' and '-' after {prefix!r}")


# --- reading what the headers promised ---------------------------------------------------------
def _read_names(file):
    """The activation names and the loss name, from the format's vocabulary."""
    names, loss = file.array("activations").tolist(), str(file.array("loss"))
    for l, name in enumerate(names):
        if name not in ACTIVATION_NAMES:
            raise ModelFileError(f"{file.path}: activations[{l}] is {name!r}; expected one of "
                                 f"{list(ACTIVATION_NAMES)}")
    if loss not in LOSS_NAMES:
        raise ModelFileError(f"{file.path}: loss is {loss!r}; expected one of "
                             f"{list(LOSS_NAMES)}")
    return names, loss


def _read_l2(file):
    """The L2 penalty's strength: 0.0 in a file of before version 3, else finite and >= 0."""
    if PENALTY_KEY not in file.members:   # versions 1 and 2 (_check_structure: 3 has it)
        return 0.0
    l2 = float(file.array(PENALTY_KEY))
    if not np.isfinite(l2) or l2 < 0:
        raise ModelFileError(f"{file.path}: l2 is {l2!r}; expected a finite number >= 0 (the "
                             "L2 penalty's strength)")
    return l2


def _read_parameters(file, sizes):
    """(weights, biases) as native float64 arrays, all finite (shapes checked already)."""
    weights, biases = [], []
    for l in range(len(sizes) - 1):
        for key, out in ((f"W_{l}", weights), (f"b_{l}", biases)):
            array = file.array(key)
            if not np.isfinite(array).all():
                raise ModelFileError(f"{file.path}: member {key!r} holds non-finite values "
                                     "(nan or inf); expected finite parameters")
            # Native byte order; an exact conversion (a big-endian float64 is the same number).
            out.append(array.astype(np.float64))
    return weights, biases


def _read_metadata(file):
    """``{key: value}`` from the ``meta.*`` members, as Python str, int and float."""
    return {member[len(META_PREFIX):]: file.array(member).item()  # the Python value
            for member in file.members if member.startswith(META_PREFIX)}  # in the order saved


def _fspath(path):
    try:
        return os.fspath(path)
    except TypeError:
        raise TypeError(f"path: got {path!r}; expected a file name (str or os.PathLike)") from None
