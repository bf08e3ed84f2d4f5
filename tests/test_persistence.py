"""Saving and loading models: exact round trips for both model kinds, a clear refusal of every
kind of bad file (and never unpickling one), and saves that are atomic."""
import io
import os
import pathlib
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from neuronnet import Network
from neuronnet.activations import Sigmoid
from neuronnet.convert import from_arrays
from neuronnet.persistence import ModelFileError, load, save
from reference import MLP
from strategies import ACTIVATIONS, LOSSES, architectures, budget

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
    return Network([3, 4, 2], ["tanh", "identity"], loss=loss, rng=np.random.default_rng(0))


# --- round trips -------------------------------------------------------------------------------
# Any finite float64, subnormals and -0.0 included: the file must keep every bit. Magnitudes
# stay <= 8 so that the forward pass below cannot overflow.
parameter_values = st.floats(-8, 8, allow_nan=False, allow_infinity=False, width=64)
metadata_values = st.one_of(
    st.text(st.characters(blacklist_characters="\0"), max_size=12),
    st.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max),
    st.floats(allow_nan=False, width=64))
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
    assert members["format_version"].dtype == np.int64 and members["format_version"] == 1
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
    with pytest.raises(ValueError, match=r"path: the directory .*no.*such.* does not exist"):
        save(small_net(), missing / "m.npz")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("metadata, fragments", [
    ({"recipe": ["a", "b"]}, ["metadata['recipe']", "list", "str, int or float"]),
    ({"flag": True}, ["metadata['flag']", "bool"]),
    ({"big": 2 ** 63}, ["metadata['big']", "64 bits"]),
    ({"text": "a\0"}, ["metadata['text']", "NUL"]),
    ({"a/b": 1}, ["metadata", "'a/b'", "letters"]),
    ({"": 1}, ["metadata", "''"]),
    ({3: 1}, ["metadata", "3"]),
    ([("seed", 0)], ["metadata", "list", "dict"]),
])
def test_save_refuses_metadata_that_would_not_round_trip(tmp_path, metadata, fragments):
    with pytest.raises(ValueError) as info:
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
    with pytest.raises(ValueError, match=r"model: got a dict"):
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


@pytest.mark.parametrize("version", [0, 2, 99])
def test_load_refuses_other_format_versions(good_file, tmp_path, version):
    bad = altered(good_file, tmp_path, format_version=np.array(version, dtype=np.int64),
                  surprise=np.zeros(1))  # a newer file may hold anything: the version speaks
    assert_refused(bad, f"format_version is {version}", "reads version(s) [1]")


def test_load_refuses_a_non_integer_version(good_file, tmp_path):
    assert_refused(altered(good_file, tmp_path, format_version=np.array(1.0)),
                   "format_version", "integer scalar")


@pytest.mark.parametrize("changes, fragments", [
    (dict(W_0=np.zeros((4, 2))), ["W_0, b_0", "(4, 2)", "(4, 3)"]),
    (dict(W_1=np.zeros((4, 2))), ["W_1, b_1", "(4, 2)", "(2, 4)"]),
    (dict(b_1=np.zeros(3)), ["W_1, b_1", "(3,)", "(2,)"]),
    (dict(W_0=np.zeros(12)), ["W_0, b_0", "(12,)", "2-D"]),
    (dict(layer_sizes=np.array([3, 5, 2])), ["W_0, b_0", "(4, 3)", "(5, 3)"]),
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
    assert_refused(altered(good_file, tmp_path, W_1=W), "W_1, b_1", str(np.dtype(dtype)),
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
