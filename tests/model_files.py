"""Helpers of the model-file tests (tests/io/test_model_*.py): models built from arrays, their
bits, files written member by member (as anyone, or an attacker, might), and the check that a
load is refused with a ModelFileError naming the file."""
import io
import os
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest

from models import make_model
from neuronnet import Network
from neuronnet.app.models import load_model as load
from neuronnet.convert import from_arrays
from neuronnet.io import ModelFileError
from reference import MLP

KINDS = {"neuron": Network, "reference": MLP}



def build(kind, weights, biases, activations, loss):
    if kind == "neuron":
        return from_arrays(weights, biases, activations, loss)
    return MLP.from_arrays(weights, biases, activations, loss)


def bits(arrays):
    """The exact bytes of each array: equal only when every bit is (-0.0 != 0.0 here)."""
    return [(a.dtype.str, a.shape, a.tobytes()) for a in arrays]


def describe(model):
    if isinstance(model, Network):
        return (model.layer_sizes, [layer.activation.name for layer in model.layers],
                model.loss_function.name)
    sizes = [model.W[0].shape[1]] + [W.shape[0] for W in model.W]
    return sizes, model.activation_names, model.loss_name


def small_net(loss="cross_entropy"):
    return make_model("neuron", sizes=(3, 4, 2), loss=loss)


def raw_members(path):
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


def write_members(path, members):
    """np.savez as anyone might call it: object arrays are pickled (numpy's default)."""
    with open(path, "wb") as file:
        np.savez(file, **members)
    return path




def assert_refused(path, *fragments, model="neuron"):
    with pytest.raises(ModelFileError) as info:
        load(path, model=model)
    message = str(info.value)
    assert os.fspath(path) in message, message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    return message


def altered(good_file, tmp_path, **changes):
    """A copy of the good file with members replaced (a value of None deletes the member)."""
    members = raw_members(good_file)
    for key, value in changes.items():
        if value is None:
            del members[key]
        else:
            members[key] = value
    return write_members(tmp_path / "bad.npz", members)


# --- crafted files: refused from the headers, before anything large is allocated -----------------
# Each file below is built member by member with zipfile and numpy's own header writer, the way
# an attacker would: the loader must refuse it with a ModelFileError naming the file and the
# member, and must not allocate what the file claims.


def npy_members(path):
    """{key: the member's .npy bytes} of a model file."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename[:-len(".npy")]: archive.read(info) for info in archive.infolist()}


def npy_bytes(descr, shape, data=b"", fortran_order=False):
    """A .npy file by hand: numpy's version-1.0 header for ``descr`` and ``shape``, then
    ``data`` (whatever it is: the header need not tell the truth)."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": descr, "fortran_order": fortran_order, "shape": shape})
    return buffer.getvalue() + data


def raw_npy(header_text):
    """A .npy version-1.0 file whose header is ``header_text`` verbatim."""
    text = header_text.encode("latin1") + b"\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text


def rezip(path, members, edit=None, compression=zipfile.ZIP_STORED):
    """Write ``members`` ({key: .npy bytes}) as a zip; ``edit(info)`` may then change what the
    zip's central directory claims about a member (sizes, CRC, flags) before it is written:
    zipfile reads the directory, not the member's local header."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of duplicate names
        with zipfile.ZipFile(path, "w", compression) as archive:
            for key, data in (members.items() if isinstance(members, dict) else members):
                archive.writestr(key + ".npy", data)
            for info in archive.infolist():
                if edit is not None:
                    edit(info)
    return path


def crafted(good_file, tmp_path, edit=None, compression=zipfile.ZIP_STORED, **changes):
    """The good file, member by member, with some members' bytes replaced."""
    members = npy_members(good_file)
    members.update(changes)
    return rezip(tmp_path / "crafted.npz", members, edit, compression)


def peak_bytes_while_refused(path, *fragments):
    """The peak of Python-traced memory (numpy's arrays included) while load refuses
    ``path``: a loader that allocated what a header claims would show it here."""
    tracemalloc.start()
    try:
        assert_refused(path, *fragments)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
