"""Loading a bad model file: every kind of bad file refused with a ModelFileError naming the file
(and never unpickling one), old format versions, keys, shapes, dtypes, names and metadata."""
import os
import pathlib
import zipfile

import numpy as np
import pytest

from model_files import altered, assert_refused, bits, raw_members, small_net, write_members
from neuronnet.app.models import load_model as load
from neuronnet.io import ModelFileError, load_history


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


@pytest.mark.parametrize("version", [0, 4, 99])
def test_load_refuses_other_format_versions(good_file, tmp_path, version):
    bad = altered(good_file, tmp_path, format_version=np.array(version, dtype=np.int64),
                  surprise=np.zeros(1))  # a newer file may hold anything: the version speaks
    assert_refused(bad, f"format_version is {version}", "reads version(s) [1, 2, 3]")


@pytest.mark.parametrize("model", ["neuron", "reference"])
def test_a_version_2_file_still_loads_without_a_penalty(good_file, tmp_path, model):
    """Version 2 is version 3 without l2: files written before the penalty load with none."""
    old = altered(good_file, tmp_path, format_version=np.array(2, dtype=np.int64), l2=None)
    loaded, metadata = load(old, model=model)
    assert bits(loaded.parameters()) == bits(small_net().parameters())
    assert loaded.l2 == 0.0 and metadata == {"recipe": "iris"}


def test_a_version_2_file_has_no_l2(good_file, tmp_path):
    bad = altered(good_file, tmp_path, format_version=np.array(2, dtype=np.int64))
    assert_refused(bad, "unknown keys", "'l2'")


@pytest.mark.parametrize("l2, fragments", [
    (None, ["missing keys", "'l2'"]),
    (np.array(-0.5), ["l2 is -0.5", "finite number >= 0"]),
    (np.array(np.nan), ["l2 is nan", "finite number >= 0"]),
    (np.array(np.inf), ["l2 is inf", "finite number >= 0"]),
    (np.array(1, dtype=np.int64), ["l2 is a int64 array", "float64 scalar"]),
    (np.array([0.1, 0.2]), ["l2 is a float64 array of shape (2,)", "float64 scalar"]),
    (np.array(0.1, dtype=np.float32), ["l2 is a float32 array", "float64 scalar"]),
])
def test_load_refuses_a_bad_penalty(good_file, tmp_path, l2, fragments):
    assert_refused(altered(good_file, tmp_path, l2=l2), *fragments)


def test_a_version_1_file_still_loads(good_file, tmp_path):
    """Version 1 is version 2 without history; files written before history existed load."""
    old = altered(good_file, tmp_path, format_version=np.array(1, dtype=np.int64), l2=None)
    loaded, metadata = load(old)
    assert bits(loaded.parameters()) == bits(small_net().parameters())
    assert metadata == {"recipe": "iris"} and load_history(old) == {}


def test_a_version_1_file_has_no_history(good_file, tmp_path):
    bad = altered(good_file, tmp_path, format_version=np.array(1, dtype=np.int64), l2=None,
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
