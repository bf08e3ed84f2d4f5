"""The model file format, version 3: what a ``.npz`` model file holds, and its limits.

A ``.npz`` is a zip of plain ``.npy`` arrays. Every member:

    format_version   int64 scalar, 3
    layer_sizes      int64 (L + 1,)       [n_inputs, h_1, ..., n_outputs]
    activations      unicode (L,)         one name per layer of neurons
    loss             unicode scalar       "half_mse", "cross_entropy" or "binary_cross_entropy"
    l2               float64 scalar       the L2 penalty's strength, finite and >= 0: the loss
                                          adds l2 / (2n) * sum ||W||^2
    W_l, b_l         float64 (fan_out, fan_in) and (fan_out,), l = 0 .. L-1
    meta.<key>       unicode, int64 or float64 scalar, one per metadata item
    history.<key>    float64 (n,), one per training-history list, all of one length n

float64 and int64 little- or big-endian, whatever the writing machine used. Version 2 is the
same without ``l2`` (read as 0.0: no penalty); version 1 is version 2 without ``history.*``
members. The reader reads all three.
"""
import re

FORMAT_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
SUFFIX = ".npz"
# The names a file may hold: the format's vocabulary, which both models' registries must cover
# (tests/io/test_model_roundtrip.py checks that they do: every name saved and loaded back).
ACTIVATION_NAMES = ("identity", "sigmoid", "tanh", "relu")
LOSS_NAMES = ("half_mse", "cross_entropy", "binary_cross_entropy")
HEADER_KEYS = ("format_version", "layer_sizes", "activations", "loss")
PENALTY_KEY = "l2"                # a header key from version 3 on


def header_keys(version):
    """The header members a file of ``version`` holds."""
    return HEADER_KEYS + ((PENALTY_KEY,) if version >= 3 else ())
META_PREFIX = "meta."
HISTORY_PREFIX = "history."
# A metadata or history key becomes the name of a member inside the zip: no path separators,
# no surprises.
KEY = re.compile(r"[A-Za-z0-9_.-]+")
# Integers beyond 2**53 are not all float64 numbers: a history entry that large would come back
# as a different number.
EXACT_FLOAT_INT = 2**53

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


def check_sizes(what, sizes, error):
    """Positive widths within MAX_WIDTH, at most MAX_LAYERS layers, MAX_PARAMETERS in all."""
    if min(sizes) < 1 or max(sizes) > MAX_WIDTH:
        raise error(f"{what}: got {sizes}; expected positive sizes of at most {MAX_WIDTH}")
    if len(sizes) - 1 > MAX_LAYERS:
        raise error(f"{what}: got {len(sizes) - 1} layers; expected at most {MAX_LAYERS}")
    n_parameters = sum(fan_out * (fan_in + 1) for fan_in, fan_out in zip(sizes, sizes[1:]))
    if n_parameters > MAX_PARAMETERS:
        raise error(f"{what}: got {sizes}, {n_parameters} parameters; expected at most "
                    f"{MAX_PARAMETERS}")




def check_key(what, key):
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise ValueError(f"{what}: got the key {key!r}; expected a non-empty str of letters, "
                         "digits, '_', '.' and '-' (it names a member of the zip file)")
    return key

