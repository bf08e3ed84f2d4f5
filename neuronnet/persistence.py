"""Saving a trained model to a ``.npz`` file and loading it back, without pickle.

Why not pickle: unpickling runs whatever code the file names, so a model file from someone
else could do anything on your machine. A ``.npz`` is a zip of plain ``.npy`` arrays, and
``np.load(..., allow_pickle=False)`` refuses the one kind of member (object arrays) that would
need pickle. Why not ``np.savez(path, ...)`` straight onto the target: a crash half-way would
leave a broken file where a good one was. So a save writes a temporary file next to the target
and renames it over the target only once every byte is on disk (:func:`write_atomically`).

The file, format version 1 (every member a ``.npy`` array; float64 and int64 little- or
big-endian, whatever the writing machine used):

    format_version   int64 scalar, 1
    layer_sizes      int64 (L + 1,)       [n_inputs, h_1, ..., n_outputs]
    activations      unicode (L,)         one name per layer of neurons
    loss             unicode scalar       "half_mse" or "cross_entropy"
    W_l, b_l         float64 (fan_out, fan_in) and (fan_out,), l = 0 .. L-1
    meta.<key>       unicode, int64 or float64 scalar, one per metadata item

Both models save (a neuronnet ``Network`` and a ``reference.MLP``) and either can be built from
any file, so a model trained as one can be inspected as the other.
"""
import numbers
import os
import re
import tempfile
import zipfile

import numpy as np

FORMAT_VERSION = 1
READABLE_VERSIONS = (1,)
MODEL_KINDS = ("neuron", "reference")
SUFFIX = ".npz"
_HEADER_KEYS = ("format_version", "layer_sizes", "activations", "loss")
_META_PREFIX = "meta."
# A metadata key becomes the name of a member inside the zip: no path separators, no surprises.
_META_KEY = re.compile(r"[A-Za-z0-9_.-]+")
_INT64 = np.iinfo(np.int64)


class ModelFileError(ValueError):
    """A model file that cannot be loaded: the message names the file, what was found and what
    was expected."""


# --- writing ---------------------------------------------------------------------------------
def save(model, path, metadata=None):
    """Write ``model`` (a ``Network`` or a ``reference.MLP``) to ``path`` (must end in .npz),
    with ``metadata``, a dict of str -> str | int | float (e.g. the recipe, the class names,
    the seed). Atomic: either the complete new file is at ``path`` or nothing changed there.
    Returns ``path``."""
    path = check_output_path(path, SUFFIX)
    arrays = _model_arrays(model)
    arrays.update(_metadata_arrays(metadata))

    # Every array above has an explicit str, int64 or float64 dtype: no member needs pickle.
    # (np.savez's own allow_pickle argument is not used: numpy 1.x, which pyproject still
    # allows, has none, and its savez would store the flag as one more array.)
    write_atomically(path, lambda file: np.savez(file, **arrays))
    return path


def check_output_path(path, suffix):
    """The path as a str, once it names a ``suffix`` file in an existing directory."""
    try:
        path = os.fspath(path)
    except TypeError:
        raise ValueError(f"path: got {path!r}; expected a file name (str or os.PathLike)") \
            from None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    # No suffix is appended for the user (np.savez would): the file must be where they said.
    if not path.endswith(suffix):
        raise ValueError(f"path: got {path!r}; expected a file name ending in {suffix!r}")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise ValueError(f"path: the directory {directory!r} of {path!r} does not exist; "
                         "expected an existing directory (create it first)")
    return path


def write_atomically(path, write):
    """Call ``write(file)`` on a new temporary file in ``path``'s directory, then put that file
    at ``path`` in one step. On any exception the temporary file is removed and the exception
    re-raised: ``path`` keeps its old content (or stays absent), never a partial one.

    Why the same directory: ``os.replace`` is atomic only within one file system, and a
    temporary directory elsewhere (``/tmp``) may be another one.
    """
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-",
                                     suffix="-" + os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            # Hazard: without flush + fsync the rename can reach the disk before the data does,
            # and a power cut then leaves an empty or partial file under the final name.
            file.flush()
            os.fsync(file.fileno())
        # Hazard: mkstemp creates the file readable by its owner only (0600); a model or a
        # figure is no secret, so give it the mode a plain open() would have.
        os.chmod(temporary, _plain_file_mode())
        os.replace(temporary, path)
    except BaseException:
        # BaseException: a KeyboardInterrupt mid-write must not leave a stray temporary file.
        _remove_quietly(temporary)
        raise
    _sync_directory(directory)


def _plain_file_mode():
    """0o666 minus the process's umask: the permissions ``open(path, "w")`` would give."""
    # Hazard: the umask can only be read by setting it; another thread creating a file in
    # between these two calls would get umask 0. Saving models is not a concurrent business.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _remove_quietly(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass  # os.replace already moved it, or mkstemp's file was never there


def _sync_directory(directory):
    """Make the rename itself durable (POSIX); best effort, since some systems refuse it."""
    if not hasattr(os, "O_DIRECTORY"):
        return  # Windows: directories cannot be opened for fsync
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
        _check_layer(f"model: layer {l}", W, b, sizes[-1], ValueError)
        sizes.append(W.shape[0])
        # float64 always: a float32 copy would not round-trip the parameters bit for bit.
        arrays[f"W_{l}"] = W.astype(np.float64, copy=False)
        arrays[f"b_{l}"] = b.astype(np.float64, copy=False)
    arrays["layer_sizes"] = np.array(sizes, dtype=np.int64)
    arrays["activations"] = np.array(activations, dtype=np.str_)
    arrays["loss"] = np.array(loss, dtype=np.str_)
    return arrays


def _describe(model):
    """(activation names, loss name) of a Network or an MLP, told apart by their attributes."""
    if hasattr(model, "layers") and hasattr(model, "loss_function"):
        return _describe_network(model)
    if hasattr(model, "activation_names") and hasattr(model, "loss_name"):
        return list(model.activation_names), model.loss_name
    raise ValueError(f"model: got a {type(model).__name__}; expected a neuronnet Network or "
                     "a reference.MLP")


def _describe_network(network):
    # Imported here: network.py imports nothing from this module, but keeping the model
    # classes out of module scope lets plots.py use write_atomically without them.
    from .activations import ACTIVATIONS
    from .losses import LOSSES

    names = []
    for l, layer in enumerate(network.layers):
        for neuron in getattr(layer, "neurons", [layer]):
            # Hazard: the file keeps only a name, so a non-standard activation (a pitfall
            # variant, a subclass) would come back as the standard class of that name.
            _check_standard(f"model: layer {l}'s activation", neuron.activation, ACTIVATIONS)
        names.append(layer.activation.name)
    _check_standard("model: the loss", network.loss_function, LOSSES)
    return names, network.loss_function.name


def _check_standard(what, component, registry):
    name = getattr(component, "name", None)
    if registry.get(name) is not type(component):
        raise ValueError(f"{what}: got a {type(component).__name__} named {name!r}; expected "
                         f"one of the standard {sorted(registry)} (the file stores only the "
                         "name, so anything else would load as something different)")


def _metadata_arrays(metadata):
    """``meta.<key>`` members: scalar arrays that give back exactly the value saved."""
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise ValueError(f"metadata: got a {type(metadata).__name__}; expected a dict of "
                         "str -> str | int | float")
    return {_META_PREFIX + _check_meta_key(key): _meta_array(key, value)
            for key, value in metadata.items()}


def _check_meta_key(key):
    if not isinstance(key, str) or not _META_KEY.fullmatch(key):
        raise ValueError(f"metadata: got the key {key!r}; expected a non-empty str of letters, "
                         "digits, '_', '.' and '-' (it names a member of the zip file)")
    return key


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
        return np.array(value, dtype=np.str_)
    if isinstance(value, numbers.Integral):
        if not _INT64.min <= value <= _INT64.max:
            raise ValueError(f"metadata[{key!r}]: got {value}; expected an int that fits in "
                             "64 bits")
        return np.array(value, dtype=np.int64)
    if isinstance(value, numbers.Real):
        return np.array(value, dtype=np.float64)
    raise ValueError(f"metadata[{key!r}]: got a {type(value).__name__}; expected str, int or "
                     "float")


# --- reading ---------------------------------------------------------------------------------
def load(path, model="neuron"):
    """``(model, metadata)`` from a file written by :func:`save`.

    model: ``"neuron"`` builds a neuronnet ``Network``, ``"reference"`` a ``reference.MLP``.
    Parameters come back bit-identical. Any file that is not a well-formed version-1 model
    file raises :class:`ModelFileError` naming the file and what is wrong with it; a missing
    file raises FileNotFoundError.
    """
    if model not in MODEL_KINDS:
        raise ValueError(f"model: got {model!r}; expected one of {list(MODEL_KINDS)}")
    path = os.fspath(path)
    arrays = _read_members(path)
    sizes = _check_header(path, arrays)
    names, loss = _check_names(path, arrays, len(sizes) - 1, model)
    weights, biases = _check_parameters(path, arrays, sizes)
    metadata = _check_metadata(path, arrays)
    return _build(model, weights, biases, names, loss), metadata


def _read_members(path):
    """Every member of the zip as an array, loaded without pickle."""
    with open(path, "rb") as file:  # a missing file: FileNotFoundError, as for any open
        # is_zipfile looks for the zip's central directory at the end of the file, so it also
        # catches a truncated file (the directory is the last thing written).
        if not zipfile.is_zipfile(file):
            raise ModelFileError(f"{path}: not a .npz (zip) file; expected a model file "
                                 "written by neuronnet.persistence.save (is it truncated?)")
    try:
        npz = np.load(path, allow_pickle=False)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise ModelFileError(f"{path}: not a readable .npz file ({error})") from None
    with npz:
        return {key: _read_member(path, npz, key) for key in npz.files}


def _read_member(path, npz, key):
    try:
        array = npz[key]
    except ValueError as error:
        # Hazard: numpy says "this needs pickle" only through the message of a ValueError,
        # raised before anything is unpickled (allow_pickle=False). Nothing was run.
        if "allow_pickle" in str(error):
            raise ModelFileError(f"{path}: member {key!r} is an object array; refusing object "
                                 "arrays: this file needs pickle, which could run code") \
                from None
        raise ModelFileError(f"{path}: member {key!r} is not a valid .npy array ({error})") \
            from None
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ModelFileError(f"{path}: member {key!r} is damaged ({error})") from None
    # Hazard: for a member that is not a .npy file, NpzFile hands back its raw bytes.
    if not isinstance(array, np.ndarray):
        raise ModelFileError(f"{path}: member {key!r} is not a .npy array; expected only "
                             "arrays in a model file")
    return array


def _check_header(path, arrays):
    """The format version first (a newer file gets "newer version", not a list of odd keys),
    then the keys, then layer_sizes; returns the sizes as a list of int."""
    if "format_version" not in arrays:
        raise ModelFileError(f"{path}: missing key 'format_version'; found keys "
                             f"{sorted(arrays)} (is it a neuronnet model file?)")
    version = arrays["format_version"]
    if version.shape != () or version.dtype.kind not in "iu":
        raise ModelFileError(f"{path}: format_version is a {version.dtype} array of shape "
                             f"{version.shape}; expected an integer scalar")
    if int(version) not in READABLE_VERSIONS:
        raise ModelFileError(f"{path}: format_version is {int(version)}; this code reads "
                             f"version(s) {list(READABLE_VERSIONS)}")
    _check_keys(path, arrays, _HEADER_KEYS, allow_extra=True)
    sizes = arrays["layer_sizes"]
    if sizes.ndim != 1 or sizes.dtype.kind not in "iu" or len(sizes) < 2 or (sizes < 1).any():
        raise ModelFileError(f"{path}: layer_sizes is {sizes!r}; expected at least two "
                             "positive int64 sizes [n_inputs, ..., n_outputs]")
    sizes = [int(s) for s in sizes]
    params = [f"{p}_{l}" for l in range(len(sizes) - 1) for p in ("W", "b")]
    _check_keys(path, arrays, _HEADER_KEYS + tuple(params), allow_extra=False)
    return sizes


def _check_keys(path, arrays, expected, allow_extra):
    missing = [key for key in expected if key not in arrays]
    if missing:
        raise ModelFileError(f"{path}: missing keys {missing}; found {sorted(arrays)}")
    extra = sorted(key for key in arrays
                   if key not in expected and not key.startswith(_META_PREFIX))
    if extra and not allow_extra:
        raise ModelFileError(f"{path}: unknown keys {extra}; expected only {list(expected)} "
                             f"and '{_META_PREFIX}*' metadata (layer_sizes says "
                             f"{len(expected) - len(_HEADER_KEYS)} parameter arrays)")


def _check_names(path, arrays, n_layers, model):
    """The activation names and the loss name, known to the model kind being built."""
    known_activations, known_losses = _known_names(model)
    names, loss = arrays["activations"], arrays["loss"]
    if names.dtype.kind != "U" or names.shape != (n_layers,):
        raise ModelFileError(f"{path}: activations is a {names.dtype} array of shape "
                             f"{names.shape}; expected {n_layers} names (unicode, one per "
                             "layer)")
    for l, name in enumerate(names.tolist()):
        if name not in known_activations:
            raise ModelFileError(f"{path}: activations[{l}] is {name!r}; expected one of "
                                 f"{sorted(known_activations)}")
    if loss.dtype.kind != "U" or loss.shape != ():
        raise ModelFileError(f"{path}: loss is a {loss.dtype} array of shape {loss.shape}; "
                             "expected one name (a unicode scalar)")
    if str(loss) not in known_losses:
        raise ModelFileError(f"{path}: loss is {str(loss)!r}; expected one of "
                             f"{sorted(known_losses)}")
    return names.tolist(), str(loss)


def _known_names(model):
    if model == "neuron":
        from .activations import ACTIVATIONS
        from .losses import LOSSES
    else:
        from reference import ACTIVATIONS, LOSSES
    return set(ACTIVATIONS), set(LOSSES)


def _check_parameters(path, arrays, sizes):
    """(weights, biases) as native float64 arrays whose shapes follow layer_sizes."""
    weights, biases = [], []
    for l in range(len(sizes) - 1):
        W, b = arrays[f"W_{l}"], arrays[f"b_{l}"]
        _check_layer(f"{path}: W_{l}, b_{l}", W, b, sizes[l], ModelFileError,
                     fan_out=sizes[l + 1])
        # Native byte order; an exact conversion (a big-endian float64 is the same number).
        weights.append(W.astype(np.float64))
        biases.append(b.astype(np.float64))
    return weights, biases


def _check_layer(what, W, b, fan_in, error, fan_out=None):
    """One layer's parameters: float64, W (fan_out, fan_in), b (fan_out,), all finite."""
    if W.ndim != 2:
        raise error(f"{what}: got a weight array of shape {W.shape}; expected 2-D "
                    "(fan_out, fan_in)")
    fan_out = W.shape[0] if fan_out is None else fan_out
    # Hazard: dtype.kind "f" alone would accept float32 and float16, which a float64 model
    # cannot have come from; itemsize 8 is float64 in either byte order.
    if W.dtype.kind != "f" or W.dtype.itemsize != 8 or b.dtype.kind != "f" \
            or b.dtype.itemsize != 8:
        raise error(f"{what}: got dtypes {W.dtype} and {b.dtype}; expected float64")
    expected = ((fan_out, fan_in), (fan_out,))
    if (W.shape, b.shape) != expected or min(W.shape, default=0) < 1:
        raise error(f"{what}: got shapes {W.shape} and {b.shape}; expected {expected[0]} and "
                    f"{expected[1]} (layer sizes {fan_in} -> {fan_out})")
    if not (np.isfinite(W).all() and np.isfinite(b).all()):
        raise error(f"{what}: got non-finite values (nan or inf); expected finite parameters")


def _check_metadata(path, arrays):
    """``{key: value}`` from the ``meta.*`` members, as Python str, int and float."""
    metadata = {}
    for member in [k for k in arrays if k.startswith(_META_PREFIX)]:  # in the order saved
        array, key = arrays[member], member[len(_META_PREFIX):]
        if array.shape != () or array.dtype.kind not in "Uiuf" or not key:
            raise ModelFileError(f"{path}: {member} is a {array.dtype} array of shape "
                                 f"{array.shape}; expected a str, int or float scalar")
        metadata[key] = array.item()  # .item(): the Python str, int or float, not numpy's
    return metadata


def _build(model, weights, biases, names, loss):
    if model == "neuron":
        from .convert import from_arrays
        return from_arrays(weights, biases, names, loss)
    from reference import MLP
    return MLP.from_arrays(weights, biases, names, loss)
