"""Saving and loading models: exact round trips for both model kinds (and of the training
history), a clear refusal of every kind of bad file (and never unpickling one), files crafted to
make the loader allocate what they claim refused from their headers, and saves that are atomic.
(Fuzzed files: tests/test_fuzz_readers.py; a save killed mid-write: tests/test_save_kill.py.)"""
import io
import math
import os
import pathlib
import re
import threading
import tracemalloc
import warnings
import zipfile
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from models import make_model
from neuronnet import Network
from neuronnet.activations import Sigmoid
from neuronnet.app.models import load_model as load
from neuronnet.convert import from_arrays
from neuronnet.io import ModelFileError, load_history, save
from reference import MLP
from strategies import ACTIVATIONS, LOSSES, WrongType, architectures, budget, expecting

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


# --- round trips -------------------------------------------------------------------------------
# Any finite float64, subnormals and -0.0 included: the file must keep every bit. Magnitudes
# stay <= 8 so that the forward pass below cannot overflow.
parameter_values = st.floats(-8, 8, allow_nan=False, allow_infinity=False, width=64)
metadata_values = st.one_of(
    st.text(st.characters(blacklist_characters="\0"), max_size=12),
    st.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max),
    st.floats(allow_nan=False, allow_infinity=False, width=64))  # non-finite: refused on save
metadata_dicts = st.dictionaries(st.from_regex(r"[A-Za-z0-9_.-]{1,10}", fullmatch=True),
                                 metadata_values, max_size=4)


@st.composite
def saved_models(draw):
    sizes, activations, loss = draw(architectures(max_layers=3, max_width=6))
    weights = [draw(hnp.arrays(np.float64, (fan_out, fan_in), elements=parameter_values))
               for fan_in, fan_out in zip(sizes, sizes[1:])]
    biases = [draw(hnp.arrays(np.float64, (fan_out,), elements=parameter_values))
              for fan_out in sizes[1:]]
    X = draw(hnp.arrays(np.float64, (draw(st.integers(1, 4)), sizes[0]),
                        elements=st.floats(-3, 3, allow_nan=False, width=64)))
    return weights, biases, activations, loss, X


@settings(max_examples=budget(60))
@given(case=saved_models(), saved_kind=st.sampled_from(list(KINDS)),
       loaded_kind=st.sampled_from(list(KINDS)), metadata=metadata_dicts)
def test_save_then_load_is_exact(tmp_path_factory, case, saved_kind, loaded_kind, metadata):
    weights, biases, activations, loss, X = case
    original = build(saved_kind, weights, biases, activations, loss)
    path = tmp_path_factory.mktemp("models") / "model.npz"

    assert save(original, path, metadata) == os.fspath(path)
    loaded, loaded_metadata = load(path, model=loaded_kind)

    assert isinstance(loaded, KINDS[loaded_kind])
    assert bits(loaded.parameters()) == bits(original.parameters())
    assert describe(loaded) == describe(original)
    assert loaded_metadata == metadata
    assert [type(v) for v in loaded_metadata.values()] == [type(v) for v in metadata.values()]
    if loaded_kind == saved_kind:  # the same arithmetic on the same bits: the same bits out
        assert bits([loaded.forward(X)]) == bits([original.forward(X)])


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", LOSSES)
def test_every_activation_and_loss_survives(tmp_path, activation, loss):
    net = Network([2, 3, 2], [activation, "identity"], loss=loss, rng=np.random.default_rng(1))
    loaded, _ = load(save(net, tmp_path / "m.npz"))
    assert describe(loaded) == ([2, 3, 2], [activation, "identity"], loss)


def test_the_file_holds_exactly_the_documented_members(tmp_path):
    net = small_net()
    path = save(net, tmp_path / "m.npz", {"recipe": "iris", "seed": 0, "lr": 0.05})
    with np.load(path, allow_pickle=False) as npz:
        members = {key: npz[key] for key in npz.files}
    assert sorted(members) == sorted(["format_version", "layer_sizes", "activations", "loss",
                                      "W_0", "b_0", "W_1", "b_1", "meta.recipe", "meta.seed",
                                      "meta.lr"])
    assert members["format_version"].dtype == np.int64 and members["format_version"] == 2
    assert members["layer_sizes"].dtype == np.int64
    assert members["layer_sizes"].tolist() == [3, 4, 2]
    assert members["activations"].dtype.kind == "U"
    assert members["activations"].tolist() == ["tanh", "identity"]
    assert members["loss"].shape == () and str(members["loss"]) == "cross_entropy"
    assert all(members[k].dtype == np.float64 for k in ("W_0", "b_0", "W_1", "b_1"))
    assert members["meta.recipe"].dtype.kind == "U" and members["meta.seed"].dtype == np.int64
    assert members["meta.lr"].dtype == np.float64


def test_a_file_from_a_big_endian_machine_loads_to_the_same_numbers(tmp_path):
    net = small_net()
    good = save(net, tmp_path / "good.npz")
    members = raw_members(good)
    swapped = {k: (v.astype(v.dtype.newbyteorder(">")) if v.dtype.kind in "fi" else v)
               for k, v in members.items()}
    loaded, _ = load(write_members(tmp_path / "big.npz", swapped))
    assert bits(loaded.parameters()) == bits(net.parameters())


def test_a_saved_file_gets_the_usual_permissions(tmp_path):
    # mkstemp makes its file private (0600); the model file should be like any other file.
    umask = os.umask(0o022)
    try:
        path = save(small_net(), tmp_path / "m.npz")
    finally:
        os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o644


# --- save's own checks -------------------------------------------------------------------------
def test_save_refuses_a_path_without_the_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"path: .*model\.pt.*'\.npz'"):
        save(small_net(), tmp_path / "model.pt")
    assert os.listdir(tmp_path) == []  # and no model.pt.npz was made behind the user's back


def test_save_refuses_a_missing_directory(tmp_path):
    missing = tmp_path / "no" / "such"
    with pytest.raises(ValueError, match=r"path: the folder .*no.*such.* does not exist"):
        save(small_net(), missing / "m.npz")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("metadata, fragments, error", expecting([
    ({"recipe": ["a", "b"]}, ["metadata['recipe']", "list", "str, int or float"]),
    ({"flag": True}, ["metadata['flag']", "bool"]),
    ({"big": 2 ** 63}, ["metadata['big']", "64 bits"]),
    ({"text": "a\0"}, ["metadata['text']", "NUL"]),
    ({"a/b": 1}, ["metadata", "'a/b'", "letters"]),
    ({"": 1}, ["metadata", "''"]),
    ({3: 1}, ["metadata", "3"]),
    WrongType(([("seed", 0)], ["metadata", "list", "dict"])),
]))
def test_save_refuses_metadata_that_would_not_round_trip(tmp_path, metadata, fragments, error):
    with pytest.raises(error) as info:
        save(small_net(), tmp_path / "m.npz", metadata)
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))
    assert os.listdir(tmp_path) == []


def test_save_refuses_a_non_standard_activation(tmp_path):
    class SigmoidOfOutput(Sigmoid):  # a pitfall variant keeps the name "sigmoid"
        def derivative_from_z(self, z):
            a = self.forward(z)
            return super().derivative_from_z(a)

    net = Network([2, 3, 1], ["sigmoid", "identity"], rng=np.random.default_rng(0))
    for neuron in net.layers[0].neurons:
        neuron.activation = SigmoidOfOutput()
    with pytest.raises(ValueError, match=r"layer 0's activation: got a SigmoidOfOutput"):
        save(net, tmp_path / "m.npz")


def test_save_refuses_non_finite_parameters(tmp_path):
    mlp = MLP([2, 3, 1], "tanh", rng=np.random.default_rng(0))
    mlp.W[1][0, 2] = np.nan  # the live array: set_parameters would refuse it
    with pytest.raises(ValueError, match=r"model: layer 1.*non-finite"):
        save(mlp, tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


def test_save_refuses_something_that_is_no_model(tmp_path):
    with pytest.raises(TypeError, match=r"model: got a dict"):
        save({"W_0": np.zeros((1, 1))}, tmp_path / "m.npz")


# --- bad files -----------------------------------------------------------------------------------
def raw_members(path):
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


def write_members(path, members):
    """np.savez as anyone might call it: object arrays are pickled (numpy's default)."""
    with open(path, "wb") as file:
        np.savez(file, **members)
    return path


@pytest.fixture
def good_file(tmp_path):
    return save(small_net(), tmp_path / "good.npz", {"recipe": "iris"})


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


def test_a_model_file_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)


@pytest.mark.parametrize("model", ["neuron", "reference"])
def test_load_refuses_a_truncated_file(good_file, tmp_path, model):
    data = pathlib.Path(good_file).read_bytes()
    for keep in (len(data) // 3, len(data) - 10):
        bad = tmp_path / "cut.npz"
        bad.write_bytes(data[:keep])
        assert_refused(bad, "not a .npz (zip) file", model=model)


def test_load_refuses_a_file_that_is_not_a_zip(tmp_path):
    bad = tmp_path / "notes.npz"
    bad.write_text("W_0 = [[1, 2], [3, 4]]\n")
    assert_refused(bad, "not a .npz (zip) file")
    single = tmp_path / "single.npz"  # a lone .npy array under an .npz name
    with open(single, "wb") as file:
        np.save(file, np.zeros(3))
    assert_refused(single, "not a .npz (zip) file")


def test_load_of_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "absent.npz")


class Trap:
    """Unpickling this creates the marker file: proof that pickle ran code from the file."""

    def __init__(self, marker):
        self.marker = os.fspath(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


def test_load_refuses_object_arrays_and_never_unpickles(good_file, tmp_path):
    marker = tmp_path / "pwned"
    trap = np.empty(1, dtype=object)
    trap[0] = Trap(marker)
    members = raw_members(good_file)
    members["W_0"] = trap
    bad = write_members(tmp_path / "bad.npz", members)

    for model in ("neuron", "reference"):
        assert_refused(bad, "'W_0'", "refusing object arrays", "pickle, which could run code",
                       model=model)
    assert not marker.exists()

    # The trap is real: a careless loader would have run it.
    with np.load(bad, allow_pickle=True) as npz:
        npz["W_0"][0].close()  # the file object the trap opened
    assert marker.exists()


def test_load_refuses_a_member_that_is_no_array(good_file, tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(pathlib.Path(good_file).read_bytes())
    with zipfile.ZipFile(bad, "a") as archive:
        archive.writestr("README.txt", "hello")
    assert_refused(bad, "'README.txt'", "not a .npy array")


@pytest.mark.parametrize("key", ["W_1", "b_0", "loss", "activations", "layer_sizes"])
def test_load_refuses_a_missing_key(good_file, tmp_path, key):
    assert_refused(altered(good_file, tmp_path, **{key: None}), "missing keys", repr(key))


def test_load_refuses_a_file_without_a_version(good_file, tmp_path):
    assert_refused(altered(good_file, tmp_path, format_version=None),
                   "missing key 'format_version'")


def test_load_refuses_unknown_keys(good_file, tmp_path):
    message = assert_refused(altered(good_file, tmp_path, W_2=np.zeros((2, 2)),
                                     b_2=np.zeros(2)), "unknown keys", "'W_2'", "'b_2'")
    assert "meta" in message  # the message says what is allowed


@pytest.mark.parametrize("version", [0, 3, 99])
def test_load_refuses_other_format_versions(good_file, tmp_path, version):
    bad = altered(good_file, tmp_path, format_version=np.array(version, dtype=np.int64),
                  surprise=np.zeros(1))  # a newer file may hold anything: the version speaks
    assert_refused(bad, f"format_version is {version}", "reads version(s) [1, 2]")


def test_a_version_1_file_still_loads(good_file, tmp_path):
    """Version 1 is version 2 without history; files written before history existed load."""
    old = altered(good_file, tmp_path, format_version=np.array(1, dtype=np.int64))
    loaded, metadata = load(old)
    assert bits(loaded.parameters()) == bits(small_net().parameters())
    assert metadata == {"recipe": "iris"} and load_history(old) == {}


def test_a_version_1_file_has_no_history(good_file, tmp_path):
    bad = altered(good_file, tmp_path, format_version=np.array(1, dtype=np.int64),
                  **{"history.epoch": np.arange(3.0)})
    assert_refused(bad, "unknown keys", "'history.epoch'")


def test_load_refuses_a_non_integer_version(good_file, tmp_path):
    assert_refused(altered(good_file, tmp_path, format_version=np.array(1.0)),
                   "format_version", "integer scalar")


@pytest.mark.parametrize("changes, fragments", [
    (dict(W_0=np.zeros((4, 2))), ["'W_0'", "(4, 2)", "(4, 3)"]),
    (dict(W_1=np.zeros((4, 2))), ["'W_1'", "(4, 2)", "(2, 4)"]),
    (dict(b_1=np.zeros(3)), ["'b_1'", "(3,)", "(2,)"]),
    (dict(W_0=np.zeros(12)), ["'W_0'", "(12,)", "(4, 3)"]),
    (dict(layer_sizes=np.array([3, 5, 2])), ["'W_0'", "(4, 3)", "(5, 3)"]),
    (dict(layer_sizes=np.array([3, 4, 2, 1])), ["missing keys", "'W_2'"]),
    (dict(layer_sizes=np.array([3, 0, 2])), ["layer_sizes", "positive"]),
    (dict(layer_sizes=np.array([3.0, 4.0, 2.0])), ["layer_sizes", "int64"]),
])
def test_load_refuses_shapes_that_disagree(good_file, tmp_path, changes, fragments):
    assert_refused(altered(good_file, tmp_path, **changes), *fragments)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("key", ["W_0", "b_1"])
def test_load_refuses_non_finite_parameters(good_file, tmp_path, key, value):
    array = raw_members(good_file)[key].copy()
    array.flat[-1] = value
    assert_refused(altered(good_file, tmp_path, **{key: array}), "non-finite")


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.complex128])
def test_load_refuses_parameters_that_are_not_float64(good_file, tmp_path, dtype):
    W = raw_members(good_file)["W_1"].astype(dtype)
    assert_refused(altered(good_file, tmp_path, W_1=W), "'W_1'", str(np.dtype(dtype)),
                   "float64")


@pytest.mark.parametrize("model", ["neuron", "reference"])
def test_load_refuses_an_unknown_activation(good_file, tmp_path, model):
    bad = altered(good_file, tmp_path, activations=np.array(["tanh", "softplus"]))
    assert_refused(bad, "activations[1]", "'softplus'", "relu", model=model)


@pytest.mark.parametrize("activations, fragments", [
    (np.array(["tanh"]), ["activations", "(1,)", "2 names"]),
    (np.array([1, 2]), ["activations", "int64", "unicode"]),
    (np.array([b"tanh", b"identity"]), ["activations", "S8", "unicode"]),
])
def test_load_refuses_malformed_activations(good_file, tmp_path, activations, fragments):
    assert_refused(altered(good_file, tmp_path, activations=activations), *fragments)


@pytest.mark.parametrize("loss, fragments", [
    (np.array("mae"), ["loss is 'mae'", "cross_entropy"]),
    (np.array(["half_mse"]), ["loss", "(1,)", "scalar"]),
])
def test_load_refuses_an_unknown_or_malformed_loss(good_file, tmp_path, loss, fragments):
    assert_refused(altered(good_file, tmp_path, loss=loss), *fragments)


@pytest.mark.parametrize("value", [np.array([1, 2]), np.array(True), np.zeros((1, 1))])
def test_load_refuses_metadata_that_is_not_a_scalar(good_file, tmp_path, value):
    assert_refused(altered(good_file, tmp_path, **{"meta.recipe": value}), "meta.recipe",
                   "str, int or float scalar")


def test_load_rejects_an_unknown_model_kind(good_file):
    with pytest.raises(ValueError, match=r"model: got 'keras'"):
        load(good_file, model="keras")


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


def test_a_header_claiming_2_to_the_40_numbers_is_refused_from_the_header(good_file, tmp_path):
    """W_0's .npy header claims 2**40 float64 (8 TB) in a 96-byte member: refused from the
    headers alone, with the traced memory under 1 MB."""
    bad = crafted(good_file, tmp_path, W_0=npy_bytes("<f8", (2**40,), bytes(96)))
    assert peak_bytes_while_refused(bad, "member 'W_0'", "(1099511627776,)", "promises",
                                    "holds 96") < 2**20


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED],
                         ids=["stored", "deflated"])
def test_a_zip_entry_claiming_terabytes_is_refused(good_file, tmp_path, compression):
    """Both headers agree on 8 TB (the zip directory's size patched to match the .npy header):
    no member of a file this small can hold that, stored or deflated."""
    header = npy_bytes("<f8", (2**40,))

    def claim_8_tb(info):
        if info.filename == "W_0.npy":
            info.file_size = len(header) + 8 * 2**40

    bad = crafted(good_file, tmp_path, claim_8_tb, compression, W_0=header + bytes(96))
    assert peak_bytes_while_refused(bad, "member 'W_0'", "zip bomb") < 2**20


def test_a_compressed_size_past_the_end_of_the_file_is_refused(good_file, tmp_path):
    def past_the_end(info):
        if info.filename == "b_1.npy":
            info.compress_size = 10**9

    assert_refused(crafted(good_file, tmp_path, past_the_end), "member 'b_1'", "past the end")


@pytest.mark.parametrize("crc", ["of the promised bytes", "of the whole stream"])
def test_a_deflate_bomb_is_never_decompressed_past_its_promise(good_file, tmp_path, crc):
    """W_0 deflated from its 152 real bytes followed by 32 MB of zeros, with the directory
    promising only the real bytes. The loader reads exactly the promise: with the CRC of those
    bytes the model loads exactly; with the CRC of the whole stream zipfile's check fails and
    the file is refused. Either way the 32 MB are never decompressed."""
    members = npy_members(good_file)
    honest = members["W_0"]
    members["W_0"] = honest + bytes(32 * 2**20)

    def promise_only_the_honest_bytes(info):
        if info.filename == "W_0.npy":
            info.file_size = len(honest)
            if crc == "of the promised bytes":
                info.CRC = zlib.crc32(honest)

    bad = rezip(tmp_path / "bomb.npz", members, promise_only_the_honest_bytes,
                zipfile.ZIP_DEFLATED)
    assert os.path.getsize(bad) < 2**20
    tracemalloc.start()
    try:
        if crc == "of the promised bytes":
            loaded, _ = load(bad)
            assert bits(loaded.parameters()) == bits(small_net().parameters())
        else:
            assert_refused(bad, "member 'W_0'", "damaged", "CRC")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20


@pytest.mark.parametrize("sizes, fragments", [
    (np.array([2**21, 4, 2]), ["layer_sizes", "[2097152, 4, 2]", "at most 1000000"]),
    (np.array([10**6, 10**6, 10**6]), ["layer_sizes", "2000002000000 parameters",
                                       "at most 100000000"]),
    (np.array([3, -4, 2]), ["layer_sizes", "positive"]),
    (np.array([2**64 - 1, 4, 2], dtype=np.uint64), ["layer_sizes", "at most 1000000"]),
    (np.full(1002, 3), ["layer_sizes", "shape (1002,)", "2 to 1001"]),
    (np.array([[3, 4, 2]]), ["layer_sizes", "shape (1, 3)"]),
])
def test_layer_sizes_beyond_the_bounds_are_refused_before_the_parameters(good_file, tmp_path,
                                                                         sizes, fragments):
    """layer_sizes is read (it is small) and bounded before any parameter is: a file cannot
    announce a network of 10**12 weights and have the loader try."""
    bad = crafted(good_file, tmp_path, layer_sizes=npy_bytes(
        sizes.dtype.str, sizes.shape, sizes.tobytes()))
    assert_refused(bad, *fragments)


def test_the_bounds_are_enforced_on_save_too(tmp_path):
    """A model load would refuse is not saved (the file would be useless); checked on the
    sizes before any array is written. (A real 10**6-input network would not fit here: the
    check is on layer_sizes, so a stand-in object with huge shapes is enough.)"""
    class Huge:
        activation_names, loss_name = ["identity"], "half_mse"

        def parameters(self):
            W = np.lib.stride_tricks.as_strided(np.zeros(1), (2, 2 * 10**6), (0, 0))
            return [W, np.zeros(2)]

    with pytest.raises(ValueError, match=r"model: got \[2000000, 2\].*at most 1000000"):
        save(Huge(), tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("edit, compression, fragments", [
    (lambda info: setattr(info, "flag_bits", info.flag_bits | 0x1), zipfile.ZIP_STORED,
     ["member 'W_0'", "encrypted"]),
    (None, zipfile.ZIP_BZIP2, ["member 'W_0'", "compression method 12", "stored (0)"]),
    (None, zipfile.ZIP_LZMA, ["member 'W_0'", "compression method 14"]),
], ids=["encrypted", "bzip2", "lzma"])
def test_members_zipfile_would_refuse_in_its_own_way_are_refused_by_name(
        good_file, tmp_path, edit, compression, fragments):
    """zipfile itself would raise RuntimeError (encrypted) or, for a method it lacks,
    NotImplementedError: not ModelFileError. Refused from the directory entry instead."""
    members = npy_members(good_file)
    only_w0 = (lambda info: edit(info) if info.filename == "W_0.npy" else None) if edit else None
    bad = rezip(tmp_path / "odd.npz", {"W_0": members.pop("W_0")}, only_w0, compression)
    with zipfile.ZipFile(bad, "a") as archive:             # the rest stored, as save does
        for key, data in members.items():
            archive.writestr(key + ".npy", data)
    assert_refused(bad, *fragments)


def test_entries_swallowed_by_a_damaged_comment_length_are_missed(good_file, tmp_path):
    """Found by fuzzing. One byte of the zip directory, the comment length of loss's entry,
    made large: zipfile reads that "comment" through the entries after it, stops without an
    error, and the metadata (written last) silently vanishes; np.load shows it. The end
    record's count of entries disagrees, and the file is refused."""
    data = bytearray(pathlib.Path(good_file).read_bytes())
    entry = next(at for at in _directory_entries(data) if data[at + 46:at + 54] == b"loss.npy")
    data[entry + 32:entry + 34] = (0x4000).to_bytes(2, "little")     # the comment length
    bad = tmp_path / "swallowed.npz"
    bad.write_bytes(bytes(data))
    with np.load(bad, allow_pickle=False) as npz:                    # the harm is real
        assert "loss" in npz.files and "meta.recipe" not in npz.files
    assert_refused(bad, "end record counts 9 members", "holds 8")


def _directory_entries(data):
    """Offsets of the zip's central-directory entries (signature PK 01 02)."""
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        yield at
        at = data.find(b"PK\x01\x02", at + 4)


def test_an_entry_of_a_newer_zip_version_is_refused(good_file, tmp_path):
    """zipfile raises NotImplementedError for an entry needing zip version 17.3; a flipped
    byte of the directory makes one (found by fuzzing)."""
    def newer(info):
        if info.filename == "b_0.npy":
            info.extract_version = 173

    assert_refused(crafted(good_file, tmp_path, newer), "not a readable .npz file",
                   "NotImplementedError", "17.3")


def test_a_member_present_twice_is_refused(good_file, tmp_path):
    """Which W_0 is the model? np.load would take one silently; the loader refuses."""
    members = list(npy_members(good_file).items())
    twin = ("W_0", npy_bytes("<f8", (4, 3), np.ones((4, 3)).tobytes()))
    assert_refused(rezip(tmp_path / "twice.npz", members + [twin]), "member 'W_0'", "twice")


@pytest.mark.parametrize("member, fragments", [
    (npy_bytes("<f8", (-1,)), ["member 'b_0'", "shape (-1,)", ">= 0"]),
    (npy_bytes("<f8", (True,), bytes(8)), ["member 'b_0'", "shape (True,)", ">= 0"]),
    (npy_bytes([("a", "<f8")], (4,), bytes(32)), ["member 'b_0'", "dtype", "no fields"]),
    (npy_bytes("<U0", (4,)), ["member 'b_0'", "zero-width"]),
    (b"\x93NUMPY\x03\x00" + bytes(4), ["member 'b_0'", "version (3, 0)"]),
    (b"PK\x03\x04 not an npy", ["member 'b_0'", "not a valid .npy array"]),
    (b"\x93NUMPY\x02\x00" + (2**32 - 1).to_bytes(4, "little") + bytes(64),
     ["member 'b_0'", "header of 4294967295 bytes", "at most 10000"]),
    (raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'x': "
             + "-" * 4000 + "1}"), ["member 'b_0'", "not a valid .npy array"]),
    (raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'x': "
             + "1**" * 3000 + "1}"), ["member 'b_0'", "not a valid .npy array"]),
    (raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'x': "
             + "[" * 150 + "]" * 150 + "}"), ["member 'b_0'", "not a valid .npy array"]),
], ids=["negative size", "bool size", "structured", "zero-width", "npy 3.0", "not npy",
        "header length 4 GB", "nested 4000 deep (RecursionError)",
        "nested powers (MemoryError)", "nested lists"])
def test_a_malformed_npy_header_is_refused_by_name(good_file, tmp_path, member, fragments):
    """numpy's header reader lets a size of -1 or True through, and Python's parser gives up on
    a deeply nested header with RecursionError or MemoryError rather than ValueError: each is
    refused as a ModelFileError naming the member."""
    assert_refused(crafted(good_file, tmp_path, b_0=member), *fragments)


def test_text_beyond_unicode_is_refused(good_file, tmp_path):
    """A unicode member holding the code 0x110000: numpy cannot turn it into a str (it raises
    SystemError when asked to); the loader refuses it as text beyond Unicode."""
    loss = npy_bytes("<U4", (), np.array([0x68, 0x110000, 0x6C, 0x66], "<u4").tobytes())
    assert_refused(crafted(good_file, tmp_path, loss=loss), "member 'loss'", "0x110000",
                   "beyond Unicode")


def test_a_fortran_ordered_weight_matrix_loads_in_the_right_order(good_file, tmp_path):
    """np.save writes a Fortran-ordered array column by column with fortran_order True; the
    loader must lay the numbers back out by columns."""
    W = np.arange(12.0).reshape(4, 3)
    buffer = io.BytesIO()
    np.save(buffer, np.asfortranarray(W))
    assert b"'fortran_order': True" in buffer.getvalue()
    loaded, _ = load(crafted(good_file, tmp_path, W_0=buffer.getvalue()), model="reference")
    np.testing.assert_array_equal(loaded.parameters()[0], W)


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "folder.npz"
    folder.mkdir()
    assert_refused(folder, "not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_hanging(tmp_path):
    """open() on a named pipe blocks until someone writes to it: refused from stat. The load
    runs in a thread so that a regression fails this test instead of hanging the suite."""
    pipe = tmp_path / "pipe.npz"
    os.mkfifo(pipe)
    outcome = []

    def read():
        try:
            load(pipe)
        except ModelFileError as error:
            outcome.append(str(error))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():                            # blocked in open(): unblock it, then fail
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("load blocked opening a named pipe")
    assert len(outcome) == 1 and os.fspath(pipe) in outcome[0]
    assert "not a regular file" in outcome[0]


def test_a_member_named_like_a_path_is_only_an_unknown_key(good_file, tmp_path):
    """Nothing is ever extracted: a member named ../../evil is a key the model lacks."""
    bad = crafted(good_file, tmp_path, **{"../../evil": npy_bytes("<f8", (1,), bytes(8))})
    assert_refused(bad, "unknown keys", "'../../evil'")
    assert not (tmp_path.parent / "evil").exists()


# --- training history ----------------------------------------------------------------------
history_values = st.one_of(st.none(), st.integers(-2**53, 2**53),
                           st.floats(allow_nan=True, allow_infinity=True, width=64))


@st.composite
def histories(draw):
    n = draw(st.integers(0, 8))
    keys = draw(st.lists(st.from_regex(r"[A-Za-z0-9_.-]{1,10}", fullmatch=True), max_size=5,
                         unique=True))
    return {key: draw(st.lists(history_values, min_size=n, max_size=n)) for key in keys}


def as_saved(values):
    """What a history list should load back as: floats, None as nan."""
    return [math.nan if v is None else float(v) for v in values]


def same_floats(a, b):
    """Equal lists of floats, nan equal to nan, -0.0 not equal to 0.0."""
    return bits([np.array(a, dtype=np.float64)]) == bits([np.array(b, dtype=np.float64)])


@settings(max_examples=budget(40))
@given(history=histories(), metadata=metadata_dicts)
def test_history_round_trips(tmp_path_factory, history, metadata):
    path = tmp_path_factory.mktemp("history") / "m.npz"
    save(small_net(), path, metadata, history)
    loaded = load_history(path)
    assert list(loaded) == list(history)
    for key, values in history.items():
        assert all(type(v) is float for v in loaded[key])
        assert same_floats(loaded[key], as_saved(values)), key
    model, loaded_metadata = load(path)                   # load is unchanged by a history
    assert loaded_metadata == metadata
    assert bits(model.parameters()) == bits(small_net().parameters())


def test_a_training_history_as_the_cli_saves_it(tmp_path):
    history = {"epoch": [1, 2, 3], "train_loss": [0.9, 0.5, float("inf")],
               "valid_loss": [1.0, None, 0.7], "lr": [0.1, 0.1, 0.05],
               "seconds": [1.5, 1.25, 1.0]}
    path = save(small_net(), tmp_path / "m.npz", {"recipe": "iris"}, history)
    loaded = load_history(path)
    assert loaded["epoch"] == [1.0, 2.0, 3.0]
    assert loaded["train_loss"] == [0.9, 0.5, float("inf")]
    assert loaded["valid_loss"][0] == 1.0 and math.isnan(loaded["valid_loss"][1])
    with np.load(path, allow_pickle=False) as npz:
        assert npz["history.lr"].dtype == np.float64 and npz["history.lr"].shape == (3,)


def test_no_history_loads_as_an_empty_dict(good_file):
    assert load_history(good_file) == {}


@pytest.mark.parametrize("history, fragments, error", expecting([
    ({"a": [1.0, 2.0], "b": [1.0]}, ["history", "lengths", "'a': 2", "'b': 1"]),
    ({"a": [True, 2.0]}, ["history['a'][0]", "bool"]),
    ({"a": [np.bool_(True)]}, ["history['a'][0]", "bool"]),
    ({"a": ["0.5"]}, ["history['a'][0]", "str", "number or None"]),
    ({"a": [2**53 + 1]}, ["history['a'][0]", "2**53"]),
    ({"a": "0.5"}, ["history['a']", "str", "list"]),
    ({"a": 0.5}, ["history['a']", "float", "list"]),
    ({"a b": [1.0]}, ["history", "'a b'", "letters"]),
    ({"": [1.0]}, ["history", "''"]),
    WrongType(([("epoch", [1])], ["history", "list", "dict"])),
]))
def test_save_refuses_a_history_that_would_not_round_trip(tmp_path, history, fragments, error):
    with pytest.raises(error) as info:
        save(small_net(), tmp_path / "m.npz", history=history)
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("changes, fragments", [
    ({"history.a": np.zeros((2, 2))}, ["history.a", "(2, 2)", "float64 list"]),
    ({"history.a": np.zeros(2, np.float32)}, ["history.a", "float32", "float64 list"]),
    ({"history.a": np.zeros(2, np.int64)}, ["history.a", "int64"]),
    ({"history.a": np.zeros(2), "history.b": np.zeros(3)}, ["lengths", "history.a", "history.b"]),
    ({"history.a b": np.zeros(2)}, ["'history.a b'", "letters"]),
    ({"history.": np.zeros(2)}, ["'history.'"]),
])
def test_load_and_load_history_refuse_a_malformed_history(good_file, tmp_path, changes,
                                                          fragments):
    bad = altered(good_file, tmp_path, **changes)
    assert_refused(bad, *fragments)
    with pytest.raises(ModelFileError):
        load_history(bad)


def test_load_history_checks_the_whole_file(good_file, tmp_path):
    """load_history refuses what load refuses: a file with a bad parameter header is not a
    model file, history or not."""
    bad = altered(good_file, tmp_path, W_1=np.zeros((2, 4), np.float32),
                  **{"history.epoch": np.arange(3.0)})
    with pytest.raises(ModelFileError, match=r"member 'W_1' is a float32 array"):
        load_history(bad)


def test_save_refuses_metadata_text_beyond_the_bound(tmp_path):
    with pytest.raises(ValueError, match=r"metadata\['classes'\].*65537 characters"):
        save(small_net(), tmp_path / "m.npz", {"classes": "x" * (2**16 + 1)})


# --- atomic saves --------------------------------------------------------------------------------
class Boom(RuntimeError):
    pass


REAL_SAVEZ = np.savez  # kept before any test patches np.savez


def savez_that_dies(file, **arrays):
    """Write the first half of a real .npz, then fail: a crash half-way through a save."""
    buffer = io.BytesIO()
    REAL_SAVEZ(buffer, **arrays)
    file.write(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    raise Boom("disk on fire")


def test_a_failed_save_leaves_the_old_file_byte_identical(tmp_path, monkeypatch):
    path = save(small_net(), tmp_path / "m.npz", {"version": "good"})
    before = pathlib.Path(path).read_bytes()
    monkeypatch.setattr(np, "savez", savez_that_dies)

    with pytest.raises(Boom):
        save(small_net("half_mse"), path, {"version": "new"})

    assert pathlib.Path(path).read_bytes() == before
    assert os.listdir(tmp_path) == ["m.npz"]  # no temporary file left behind
    monkeypatch.undo()
    assert load(path)[1] == {"version": "good"}


def test_a_failed_save_creates_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(np, "savez", savez_that_dies)
    with pytest.raises(Boom):
        save(small_net(), tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


def test_an_interrupt_during_the_save_cleans_up_too(tmp_path, monkeypatch):
    def interrupted(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save(small_net(), tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


def test_the_data_reaches_the_disk_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace",
                        lambda a, b: (events.append(("replace", os.path.getsize(a))),
                                      real_replace(a, b))[1])
    path = save(small_net(), tmp_path / "m.npz")
    replace = next(k for k, e in enumerate(events) if isinstance(e, tuple))
    assert "fsync" in events[:replace], events
    assert events[replace][1] == os.path.getsize(path) > 0  # the whole file, renamed once


def test_the_temporary_file_is_named_after_the_target(tmp_path, monkeypatch):
    """A kill mid-save leaves the temporary file (nothing can clean up after SIGKILL):
    hidden, beside the target, named after it, so that a user can tell what it was for."""
    renamed = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (renamed.append((a, b)), real_replace(a, b)))
    path = save(small_net(), tmp_path / "model.npz")
    [(temporary, target)] = renamed
    assert target == path
    assert os.path.dirname(temporary) == str(tmp_path)
    assert re.fullmatch(r"\.model\.npz\.tmp-[a-z0-9_]{8}", os.path.basename(temporary))


def test_check_savable_refuses_what_save_would_refuse_without_writing(tmp_path):
    # For a command to call before hours of training: the metadata and the history are
    # checked too, not only the model.
    from neuronnet.io.model_write import check_savable
    net = Network([3, 4, 2], ["tanh", "identity"], "half_mse", rng=np.random.default_rng(0))
    check_savable(net, metadata={"x": 1}, history={"loss": [0.5, None]})
    with pytest.raises(ValueError, match=r"^metadata\['x'\]: got a object; expected str, int or "
                                         r"float$"):
        check_savable(net, metadata={"x": object()})
    with pytest.raises(ValueError, match=r"^history\['loss'\]\[0\]: got the bool True; expected "
                                         r"a number or None$"):
        check_savable(net, history={"loss": [True]})
    assert list(tmp_path.iterdir()) == []


class _Arrays:
    """A model-like object with the parameters it is given (for the file's own checks)."""

    def __init__(self, params):
        self.params, self.activation_names, self.loss_name = params, ["identity"], "half_mse"

    def parameters(self):
        return self.params


@pytest.mark.parametrize("W, b, message", [
    (np.zeros(3), np.zeros(1), r"model: layer 0: got a weight array of shape \(3,\); expected "
                               r"2-D \(fan_out, fan_in\)"),
    (np.zeros((1, 3), np.float32), np.zeros(1), r"model: layer 0: got dtypes float32 and "
                                                r"float64; expected float64"),
    (np.zeros((1, 3)), np.zeros(1, np.float32), r"model: layer 0: got dtypes float64 and "
                                                r"float32; expected float64"),
])
def test_a_file_refuses_parameters_no_float64_network_has(tmp_path, W, b, message):
    from neuronnet.io.model_write import save as write
    with pytest.raises(ValueError, match=f"^{message}$"):
        write(_Arrays([W, b]), tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []
