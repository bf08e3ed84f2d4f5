"""Saving a trained model to a ``.npz`` file and loading it back, without pickle.

Why not pickle: unpickling runs whatever code the file names, so a model file from someone
else could do anything on your machine. A ``.npz`` is a zip of plain ``.npy`` arrays, and
this module reads each member's ``.npy`` header itself and refuses object arrays (the one kind
of member that would need pickle) before any data is read. Why not ``np.savez(path, ...)``
straight onto the target: a crash half-way would leave a broken file where a good one was. So
a save writes a temporary file next to the target and renames it over the target only once
every byte is on disk (:func:`write_atomically`).

The file, format version 2 (every member a ``.npy`` array; float64 and int64 little- or
big-endian, whatever the writing machine used):

    format_version   int64 scalar, 2
    layer_sizes      int64 (L + 1,)       [n_inputs, h_1, ..., n_outputs]
    activations      unicode (L,)         one name per layer of neurons
    loss             unicode scalar       "half_mse" or "cross_entropy"
    W_l, b_l         float64 (fan_out, fan_in) and (fan_out,), l = 0 .. L-1
    meta.<key>       unicode, int64 or float64 scalar, one per metadata item
    history.<key>    float64 (n,), one per training-history list, all of one length n

Version 1 is the same without ``history.*`` members; this code reads both.

Loading trusts nothing in the file. Everything a header claims (a member's size in the zip, an
array's shape and type in its ``.npy`` header, the widths in ``layer_sizes``) is checked before
the memory it implies is allocated, so a file of a few hundred bytes cannot make the loader
allocate terabytes (see :class:`_ModelFile`).

Both models save (a neuronnet ``Network`` and a ``reference.MLP``) and either can be built from
any file, so a model trained as one can be inspected as the other.
"""
import contextlib
import math
import numbers
import os
import re
import stat
import tempfile
import zipfile
import zlib
from collections import namedtuple

import numpy as np
from numpy.lib import format as npy_format

FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
MODEL_KINDS = ("neuron", "reference")
SUFFIX = ".npz"
_HEADER_KEYS = ("format_version", "layer_sizes", "activations", "loss")
_META_PREFIX = "meta."
_HISTORY_PREFIX = "history."
# A metadata or history key becomes the name of a member inside the zip: no path separators,
# no surprises.
_KEY = re.compile(r"[A-Za-z0-9_.-]+")
_INT64 = np.iinfo(np.int64)
# Integers beyond 2**53 are not all float64 numbers: a history entry that large would come back
# as a different number.
_EXACT_FLOAT_INT = 2**53

# The largest model a file may describe. Checked on save and, from the headers, on load, before
# anything is allocated. MNIST's largest recipe is 784-256-10 (about 2 x 10**5 parameters);
# these leave room for hundreds of times that and refuse what no machine running this project
# could train: 10**8 float64 parameters are 800 MB (and the neuron model would hold a Python
# object per neuron: a million of them in one layer is already minutes per epoch).
MAX_LAYERS = 1000                 # layers of neurons: layer_sizes has at most MAX_LAYERS + 1
MAX_WIDTH = 10**6                 # inputs or neurons in one layer
MAX_PARAMETERS = 10**8            # weights and biases in all
MAX_HISTORY = 10**7               # entries per history list (one per epoch, or per step)
MAX_TEXT = 2**16                  # characters in a name or a metadata string
# zlib's documented limit: deflate cannot compress better than 1032:1, so a deflated member of
# c bytes cannot honestly decompress to more than 1032 c bytes (plus a few for the stream's
# framing).
_DEFLATE_MAX_RATIO = 1032
_DEFLATE_SLACK = 64
_CHUNK_BYTES = 1 << 20
_MAX_NPY_HEADER = 10_000          # numpy's max_header_size: longer headers it refuses to parse


class ModelFileError(ValueError):
    """A model file that cannot be loaded: the message names the file (and the member, where
    one is at fault), what was found and what was expected."""


# --- writing ---------------------------------------------------------------------------------
def save(model, path, metadata=None, history=None):
    """Write ``model`` (a ``Network`` or a ``reference.MLP``) to ``path`` (must end in .npz).

    metadata: a dict of str -> str | int | float (e.g. the recipe, the class names, the seed);
    :func:`load` gives it back exactly.
    history: a dict of str -> list of numbers or None, all lists of one length (e.g. "epoch",
    "train_loss", "valid_loss", "lr", "seconds": the training history); stored as float64, with
    None as nan; :func:`load_history` gives it back.

    Atomic: either the complete new file is at ``path`` or nothing changed there. Returns
    ``path``."""
    path = check_output_path(path, SUFFIX)
    arrays = _model_arrays(model)
    arrays.update(_metadata_arrays(metadata))
    arrays.update(_history_arrays(history))

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

    The temporary file is ``.<name>.tmp-XXXXXXXX`` beside ``path`` (hidden, and named after the
    target, so a user can tell what it was for). A process killed mid-write (SIGKILL, a power
    cut) runs no cleanup, so such a file can be left behind; ``path`` itself is still the old
    file or the new one, whole. A leftover temporary file is incomplete and safe to delete.
    """
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=_temporary_prefix(path))
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


def _temporary_prefix(path):
    """``.<name>.tmp-``: how the temporary files of a save to ``path`` begin (mkstemp adds
    eight random letters, digits or underscores)."""
    return f".{os.path.basename(path)}.tmp-"


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
        _check_layer(f"model: layer {l}", W, b, sizes[-1])
        sizes.append(W.shape[0])
        # float64 always: a float32 copy would not round-trip the parameters bit for bit.
        arrays[f"W_{l}"] = W.astype(np.float64, copy=False)
        arrays[f"b_{l}"] = b.astype(np.float64, copy=False)
    # The bounds load enforces: a model saved here must load back.
    _check_sizes("model", sizes, ValueError)
    arrays["layer_sizes"] = np.array(sizes, dtype=np.int64)
    arrays["activations"] = np.array(activations, dtype=np.str_)
    arrays["loss"] = np.array(loss, dtype=np.str_)
    return arrays


def _check_layer(what, W, b, fan_in):
    """One layer's parameters: float64, W (fan_out, fan_in), b (fan_out,), all finite."""
    if W.ndim != 2:
        raise ValueError(f"{what}: got a weight array of shape {W.shape}; expected 2-D "
                         "(fan_out, fan_in)")
    # Hazard: dtype.kind "f" alone would accept float32 and float16, which a float64 model
    # cannot have come from; itemsize 8 is float64 in either byte order.
    if W.dtype.kind != "f" or W.dtype.itemsize != 8 or b.dtype.kind != "f" \
            or b.dtype.itemsize != 8:
        raise ValueError(f"{what}: got dtypes {W.dtype} and {b.dtype}; expected float64")
    expected = ((W.shape[0], fan_in), (W.shape[0],))
    if (W.shape, b.shape) != expected or min(W.shape, default=0) < 1:
        raise ValueError(f"{what}: got shapes {W.shape} and {b.shape}; expected {expected[0]} "
                         f"and {expected[1]} (layer sizes {fan_in} -> {W.shape[0]})")
    if not (np.isfinite(W).all() and np.isfinite(b).all()):
        raise ValueError(f"{what}: got non-finite values (nan or inf); expected finite "
                         "parameters")


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
    return {_META_PREFIX + _check_key("metadata", key): _meta_array(key, value)
            for key, value in metadata.items()}


def _check_key(what, key):
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError(f"{what}: got the key {key!r}; expected a non-empty str of letters, "
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
        if len(value) > MAX_TEXT:
            raise ValueError(f"metadata[{key!r}]: got a str of {len(value)} characters; "
                             f"expected at most {MAX_TEXT}")
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


def _history_arrays(history):
    """``history.<key>`` members: float64 lists of one length, None stored as nan."""
    if history is None:
        return {}
    if not isinstance(history, dict):
        raise ValueError(f"history: got a {type(history).__name__}; expected a dict of "
                         "str -> list of numbers (None for a missing value)")
    columns = {_check_key("history", key): _history_column(key, values)
               for key, values in history.items()}
    lengths = {key: len(column) for key, column in columns.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"history: got lists of lengths {lengths}; expected one length (one "
                         "entry per epoch or step in every list)")
    return {_HISTORY_PREFIX + key: column for key, column in columns.items()}


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
        if abs(value) > _EXACT_FLOAT_INT:
            raise ValueError(f"history[{key!r}][{i}]: got {value}; expected an int of at most "
                             "2**53 in size (larger ones are not all float64 numbers)")
        return float(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise ValueError(f"history[{key!r}][{i}]: got a {type(value).__name__}; expected a number "
                     "or None")


# --- reading ---------------------------------------------------------------------------------
def load(path, model="neuron"):
    """``(model, metadata)`` from a file written by :func:`save`.

    model: ``"neuron"`` builds a neuronnet ``Network``, ``"reference"`` a ``reference.MLP``.
    Parameters come back bit-identical. Any file that is not a well-formed version-1 or -2
    model file raises :class:`ModelFileError` naming the file, the member at fault and what is
    wrong with it; a missing file raises FileNotFoundError, as for any file opened by name.
    """
    if model not in MODEL_KINDS:
        raise ValueError(f"model: got {model!r}; expected one of {list(MODEL_KINDS)}")
    path = os.fspath(path)
    with _ModelFile(path) as file:
        sizes = _check_structure(file)
        names, loss = _read_names(file, model)
        weights, biases = _read_parameters(file, sizes)
        metadata = _read_metadata(file)
    return _build(model, weights, biases, names, loss), metadata


def load_history(path):
    """The training history saved with the model: a dict of str -> list of float, every list
    of one length, nan where None was saved; an empty dict when the file holds none.

    Every member's header is checked as :func:`load` checks it (the same files are refused);
    the parameters themselves are not read."""
    path = os.fspath(path)
    with _ModelFile(path) as file:
        _check_structure(file)
        return {member[len(_HISTORY_PREFIX):]: file.array(member).astype(np.float64).tolist()
                for member in file.members if member.startswith(_HISTORY_PREFIX)}


# One member of the zip, as its headers describe it: the zip entry, the .npy header's dtype,
# shape and order, and where the array's bytes begin in the member's (uncompressed) data.
_Member = namedtuple("_Member", "info dtype shape fortran_order data_offset")

_NPY_HEADER_READERS = {(1, 0): npy_format.read_array_header_1_0,
                       (2, 0): npy_format.read_array_header_2_0}


class _ModelFile:
    """An open model file, read without trusting it.

    Opening reads the zip's directory and every member's ``.npy`` header (a few hundred bytes
    each), and checks what they claim against each other and against the file's real size:

    - a member's compressed bytes must lie inside the file, and it must not claim to decompress
      to more than deflate can produce from them (1032:1): a zip bomb's claim is refused, not
      believed;
    - a ``.npy`` header's shape and dtype must imply exactly the bytes its zip entry holds, so a
      header claiming 2**40 numbers in a small member is refused before any allocation;
    - no object arrays (they need pickle), no structured or sub-array dtypes.

    Array data is read only by :meth:`array`, after the caller has checked the header against
    what the model needs: exactly the bytes promised, a chunk at a time, never more.
    """

    def __init__(self, path):
        self.path = path
        self._file = _open_regular_file(path)
        self._zip = None
        try:
            self._zip = _open_zip(path, self._file)
            self.members = _read_directory(path, self._zip, os.fstat(self._file.fileno()).st_size)
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        if self._zip is not None:
            self._zip.close()
        self._file.close()

    def array(self, key):
        """The member ``key`` as an array of its header's dtype (byte order as stored)."""
        member = self.members[key]
        n_bytes = member.info.file_size - member.data_offset
        with _zip_errors(self.path, key):
            with self._zip.open(member.info) as stream:
                stream.seek(member.data_offset)       # past the header, read when opening
                payload = _read_at_most(stream, n_bytes)
        if len(payload) != n_bytes:
            raise ModelFileError(f"{self.path}: member {key!r} is cut short: its header "
                                 f"promises {n_bytes} bytes of data, it holds {len(payload)}")
        if member.dtype.kind == "U":
            _check_code_points(self.path, key, payload, member.dtype)
        array = np.frombuffer(payload, dtype=member.dtype)
        return array.reshape(member.shape, order="F" if member.fortran_order else "C")


def _open_regular_file(path):
    """The file opened for reading, once it is known to be a regular file.

    A missing file raises FileNotFoundError (from os.stat), as opening any missing file does."""
    # Hazard: open() on a named pipe blocks until someone writes to it; stat it first.
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise ModelFileError(f"{path}: not a regular file (a folder, pipe or device); expected "
                             "a model file written by neuronnet.persistence.save")
    return open(path, "rb")


def _open_zip(path, file):
    # is_zipfile looks for the zip's end record at the end of the file, so it also catches a
    # truncated file (the directory is the last thing written).
    if not zipfile.is_zipfile(file):
        raise ModelFileError(f"{path}: not a .npz (zip) file; expected a model file "
                             "written by neuronnet.persistence.save (is it truncated?)")
    try:
        archive = zipfile.ZipFile(file)
    # Hazard: a damaged directory surfaces as BadZipFile, or as an OSError or ValueError from a
    # seek to an offset the directory invents, or as a UnicodeDecodeError (a ValueError) from a
    # member name flagged UTF-8 that is not, or as NotImplementedError from an entry claiming
    # a newer zip version than zipfile reads ("zip file version 17.3").
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise ModelFileError(f"{path}: not a readable .npz file ({type(error).__name__}: "
                             f"{error})") from None
    _check_entry_count(path, file, len(archive.infolist()))
    return archive


def _check_entry_count(path, file, found):
    """Every entry the zip's end record counts must be in the directory zipfile read.

    Hazard: zipfile reads the directory entry by entry until it has consumed the directory's
    size, so an entry whose comment length is damaged swallows the entries after it, and
    those members (the metadata, the history: np.savez writes them last) vanish without an
    error. Found by fuzzing; the end record's count of entries catches it."""
    expected = _entries_in_end_record(file)
    if expected is not None and expected != found:
        raise ModelFileError(f"{path}: the zip's end record counts {expected} members but its "
                             f"directory holds {found}; expected them all (is it damaged?)")


def _entries_in_end_record(file):
    """The total number of entries the end record states (the zip64 record's when there is
    one), or None if there is no end record to read (zipfile would have refused the file)."""
    file.seek(0, os.SEEK_END)
    size = file.tell()
    # The end record is 22 bytes and a comment of at most 65,535: found within that tail.
    file.seek(max(0, size - 22 - 0xFFFF))
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    count = int.from_bytes(tail[at + 10:at + 12], "little")
    # 0xFFFF means "see the zip64 end record", located by the 20 bytes just before this one.
    if count == 0xFFFF and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
        file.seek(int.from_bytes(tail[at - 12:at - 4], "little"))
        record = file.read(56)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            count = int.from_bytes(record[32:40], "little")
    return count


def _read_directory(path, archive, file_size):
    """{key: _Member} for every member, its claims checked before any data is read."""
    members = {}
    for info in archive.infolist():
        key = _member_key(path, info)
        if key in members:
            raise ModelFileError(f"{path}: member {key!r} appears twice; expected each array "
                                 "once (which one would be the model?)")
        _check_entry(path, key, info, file_size)
        # Entries of the directory cannot share one member's compressed bytes (the
        # "overlapping" zip bomb, each entry honest, their sum not): zipfile checks that the
        # local header an entry points to carries that entry's own name, and names here are
        # unique.
        members[key] = _read_npy_header(path, archive, key, info)
    return members


def _member_key(path, info):
    """The key of a member (its name without .npy), as np.savez named it."""
    if not info.filename.endswith(".npy"):
        raise ModelFileError(f"{path}: member {info.filename!r} is not a .npy array; expected "
                             "only arrays in a model file")
    return info.filename[:-len(".npy")]


def _check_entry(path, key, info, file_size):
    """The zip entry's own claims: not encrypted, a known method, sizes the file can hold."""
    where = f"{path}: member {key!r}"
    # Hazard: zipfile raises RuntimeError for an encrypted member and NotImplementedError for
    # an unknown method, only when the member is opened; refuse both here, by name.
    if info.flag_bits & 0x1:
        raise ModelFileError(f"{where} is encrypted; a model file never is")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ModelFileError(f"{where} uses compression method {info.compress_type}; expected "
                             "stored (0) or deflated (8), what np.savez and np.savez_compressed "
                             "write")
    if info.header_offset + info.compress_size > file_size:
        raise ModelFileError(f"{where} claims {info.compress_size} bytes at offset "
                             f"{info.header_offset}, past the end of the {file_size}-byte file")
    if info.compress_type == zipfile.ZIP_STORED:
        most = info.compress_size
    else:
        most = _DEFLATE_MAX_RATIO * info.compress_size + _DEFLATE_SLACK
    if info.file_size > most:
        raise ModelFileError(f"{where} claims to hold {info.file_size} bytes in "
                             f"{info.compress_size}; expected at most {most} (a zip bomb?)")


def _read_npy_header(path, archive, key, info):
    """The member's .npy header, checked: a plain dtype and exactly the bytes the entry holds."""
    with _header_errors(path, key):
        with archive.open(info) as stream:
            version = npy_format.read_magic(stream)
            if version not in _NPY_HEADER_READERS:
                raise ModelFileError(f"{path}: member {key!r} is a .npy file of version "
                                     f"{version}; expected version (1, 0) or (2, 0)")
            _check_header_length(path, key, stream, version)
            shape, fortran_order, dtype = _NPY_HEADER_READERS[version](stream)
            data_offset = stream.tell()
    _check_npy_header(path, key, dtype, shape, data_offset, info.file_size)
    return _Member(info, dtype, shape, fortran_order, data_offset)


def _check_header_length(path, key, stream, version):
    """Refuse a header longer than numpy's own limit before numpy reads it.

    Hazard: numpy reads the whole header, whatever length its length field gives (up to 4 GB
    in version 2.0), and only then compares it with its limit of 10,000 bytes."""
    start = stream.tell()
    length = int.from_bytes(stream.read(2 if version == (1, 0) else 4), "little")
    stream.seek(start)
    if length > _MAX_NPY_HEADER:
        raise ModelFileError(f"{path}: member {key!r} has a .npy header of {length} bytes; "
                             f"expected at most {_MAX_NPY_HEADER} (numpy's own limit)")


def _check_npy_header(path, key, dtype, shape, data_offset, entry_bytes):
    where = f"{path}: member {key!r}"
    # numpy stores an object array as a pickle; unpickling could run any code. Nothing of it
    # is read: the refusal comes from the header alone.
    if dtype.hasobject:
        raise ModelFileError(f"{where} is an object array; refusing object arrays: this file "
                             "needs pickle, which could run code")
    if dtype.names is not None or dtype.subdtype is not None or dtype.itemsize == 0:
        raise ModelFileError(f"{where} has the dtype {dtype}; expected plain numbers or text "
                             "(no fields, sub-arrays or zero-width items)")
    # Hazard: numpy's header reader checks only that each size is an int, so -1 and True pass.
    if any(type(n) is not int or n < 0 for n in shape):
        raise ModelFileError(f"{where} has the shape {shape!r}; expected sizes >= 0")
    data_bytes = math.prod(shape) * dtype.itemsize        # Python ints: no overflow
    if data_offset + data_bytes != entry_bytes:
        raise ModelFileError(f"{where}: its .npy header promises {shape} of {dtype} "
                             f"({data_bytes} bytes of data) but its zip entry holds "
                             f"{entry_bytes - data_offset}")


@contextlib.contextmanager
def _header_errors(path, key):
    """Name the file and member in the errors of reading a .npy header."""
    try:
        with _zip_errors(path, key):
            yield
    except ModelFileError:
        raise
    # numpy's reader raises ValueError for anything malformed: a bad magic string, a header
    # that is not a dict of descr, fortran_order and shape, an unknown dtype. Hazard: the header
    # is a Python literal parsed with ast.literal_eval, and one nested a few thousand deep (it
    # may be 10,000 bytes long) makes Python's parser give up with RecursionError or
    # MemoryError: its nesting limit, not memory running out.
    except (ValueError, RecursionError, MemoryError) as error:
        raise ModelFileError(f"{path}: member {key!r} is not a valid .npy array "
                             f"({type(error).__name__}: {error})") from None


@contextlib.contextmanager
def _zip_errors(path, key):
    """Name the file and member in the errors of reading a member's bytes."""
    try:
        yield
    # BadZipFile: a bad CRC or local header; zlib.error: damaged deflate data; EOFError: a
    # member cut short; OSError: the file itself.
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise ModelFileError(f"{path}: member {key!r} is damaged ({type(error).__name__}: "
                             f"{error})") from None


def _read_at_most(stream, n_bytes):
    """Up to ``n_bytes`` from ``stream``, a chunk at a time: memory follows the bytes that
    really arrive, never the number promised."""
    payload = bytearray()
    while len(payload) < n_bytes:
        chunk = stream.read(min(_CHUNK_BYTES, n_bytes - len(payload)))
        if not chunk:
            break
        payload += chunk
    return payload


def _check_code_points(path, key, payload, dtype):
    """Refuse unicode data holding a code beyond U+10FFFF: numpy cannot make it a str (it
    raises SystemError when asked to)."""
    codes = np.frombuffer(payload, dtype=np.dtype(np.uint32).newbyteorder(dtype.byteorder))
    if codes.size and codes.max() > 0x10FFFF:
        raise ModelFileError(f"{path}: member {key!r} holds the character code "
                             f"{int(codes.max()):#x}, beyond Unicode; expected text")


# --- checking what the headers say -------------------------------------------------------------
def _check_structure(file):
    """The version first (a newer file gets "newer version", not a list of odd keys), then the
    keys, then layer_sizes; then every other member's header against what layer_sizes implies.
    Returns the sizes as a list of int. Only format_version and layer_sizes are read."""
    path, members = file.path, file.members
    version = _read_version(file)
    prefixes = (_META_PREFIX, _HISTORY_PREFIX) if version >= 2 else (_META_PREFIX,)
    _check_keys(path, members, _HEADER_KEYS, prefixes, allow_extra=True)
    sizes = _read_layer_sizes(file)
    params = tuple(f"{p}_{l}" for l in range(len(sizes) - 1) for p in ("W", "b"))
    _check_keys(path, members, _HEADER_KEYS + params, prefixes, allow_extra=False)
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
                             f"{len(expected) - len(_HEADER_KEYS)} parameter arrays)")


def _read_layer_sizes(file):
    header = file.members["layer_sizes"]
    if len(header.shape) != 1 or header.dtype.kind not in "iu" \
            or not 2 <= header.shape[0] <= MAX_LAYERS + 1:
        raise ModelFileError(f"{file.path}: layer_sizes is a {header.dtype} array of shape "
                             f"{header.shape}; expected 2 to {MAX_LAYERS + 1} int64 sizes "
                             "[n_inputs, ..., n_outputs]")
    sizes = [int(s) for s in file.array("layer_sizes")]
    _check_sizes(f"{file.path}: layer_sizes", sizes, ModelFileError)
    return sizes


def _check_sizes(what, sizes, error):
    """Positive widths within MAX_WIDTH, at most MAX_LAYERS layers, MAX_PARAMETERS in all."""
    if min(sizes) < 1 or max(sizes) > MAX_WIDTH:
        raise error(f"{what}: got {sizes}; expected positive sizes of at most {MAX_WIDTH}")
    if len(sizes) - 1 > MAX_LAYERS:
        raise error(f"{what}: got {len(sizes) - 1} layers; expected at most {MAX_LAYERS}")
    n_parameters = sum(fan_out * (fan_in + 1) for fan_in, fan_out in zip(sizes, sizes[1:]))
    if n_parameters > MAX_PARAMETERS:
        raise error(f"{what}: got {sizes}, {n_parameters} parameters; expected at most "
                    f"{MAX_PARAMETERS}")


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
        if member.startswith(_META_PREFIX):
            _check_member_key(path, member, _META_PREFIX)
            if header.shape != () or header.dtype.kind not in "Uiuf" \
                    or header.dtype.itemsize > 4 * MAX_TEXT:
                raise ModelFileError(f"{path}: {member} is a {header.dtype} array of shape "
                                     f"{header.shape}; expected a str, int or float scalar")


def _check_history_headers(path, members):
    lengths = {}
    for member, header in members.items():
        if member.startswith(_HISTORY_PREFIX):
            _check_member_key(path, member, _HISTORY_PREFIX)
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
    if not _KEY.fullmatch(member[len(prefix):]):
        raise ModelFileError(f"{path}: member {member!r}: expected a key of letters, digits, "
                             f"'_', '.' and '-' after {prefix!r}")


# --- reading what the headers promised ---------------------------------------------------------
def _read_names(file, model):
    """The activation names and the loss name, known to the model kind being built."""
    known_activations, known_losses = _known_names(model)
    names, loss = file.array("activations").tolist(), str(file.array("loss"))
    for l, name in enumerate(names):
        if name not in known_activations:
            raise ModelFileError(f"{file.path}: activations[{l}] is {name!r}; expected one of "
                                 f"{sorted(known_activations)}")
    if loss not in known_losses:
        raise ModelFileError(f"{file.path}: loss is {loss!r}; expected one of "
                             f"{sorted(known_losses)}")
    return names, loss


def _known_names(model):
    if model == "neuron":
        from .activations import ACTIVATIONS
        from .losses import LOSSES
    else:
        from reference import ACTIVATIONS, LOSSES
    return set(ACTIVATIONS), set(LOSSES)


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
    return {member[len(_META_PREFIX):]: file.array(member).item()  # the Python value
            for member in file.members if member.startswith(_META_PREFIX)}  # in the order saved


def _build(model, weights, biases, names, loss):
    if model == "neuron":
        from .convert import from_arrays
        return from_arrays(weights, biases, names, loss)
    from reference import MLP
    return MLP.from_arrays(weights, biases, names, loss)
