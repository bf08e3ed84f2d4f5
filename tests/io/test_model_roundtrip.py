"""Saving and loading models: exact round trips for both model kinds, every activation and
loss, the documented members and nothing else, a big-endian file, the usual permissions; and the
training history's round trips and refusals. (Fuzzed files: tests/io/test_fuzz_models.py; a
save killed mid-write: tests/io/test_save_kill.py.)"""
import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from model_files import (
    KINDS,
    altered,
    assert_refused,
    bits,
    build,
    describe,
    raw_members,
    small_net,
    write_members,
)
from neuronnet import Network
from neuronnet.app.models import load_model as load
from neuronnet.io import ModelFileError, load_history, save
from strategies import ACTIVATIONS, LOSSES, WrongType, architectures, budget, expecting

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


@pytest.mark.parametrize("saved_kind", list(KINDS))
@pytest.mark.parametrize("loaded_kind", list(KINDS))
def test_the_l2_penalty_survives_and_so_does_the_penalized_loss(tmp_path, saved_kind,
                                                                 loaded_kind):
    rng = np.random.default_rng(5)
    X, Y = rng.uniform(-1, 1, (6, 3)), rng.integers(0, 2, (6, 1)).astype(float)
    original = KINDS[saved_kind]([3, 4, 1], ["tanh", "identity"], "binary_cross_entropy",
                                 rng=np.random.default_rng(2), l2=0.37)
    loaded, _ = load(save(original, tmp_path / "m.npz"), model=loaded_kind)
    assert loaded.l2 == 0.37
    assert describe(loaded) == ([3, 4, 1], ["tanh", "identity"], "binary_cross_entropy")
    # The loss reported is the penalised one on both sides: l2 / (2n) sum ||W||^2 included.
    assert loaded.loss(X, Y) == pytest.approx(original.loss(X, Y), rel=1e-12)
    unpenalized = build(loaded_kind, [p for p in loaded.parameters()[0::2]],
                        [p for p in loaded.parameters()[1::2]], ["tanh", "identity"],
                        "binary_cross_entropy")
    assert loaded.loss(X, Y) > unpenalized.loss(X, Y)


@pytest.mark.parametrize("l2", [-0.1, float("nan"), float("inf")])
def test_save_refuses_a_model_whose_penalty_is_not_a_strength(tmp_path, l2):
    net = small_net()
    net.l2 = l2
    with pytest.raises(ValueError, match=r"model: l2 is .*; expected a finite number >= 0"):
        save(net, tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


def test_the_file_holds_exactly_the_documented_members(tmp_path):
    net = small_net()
    path = save(net, tmp_path / "m.npz", {"recipe": "iris", "seed": 0, "lr": 0.05})
    with np.load(path, allow_pickle=False) as npz:
        members = {key: npz[key] for key in npz.files}
    assert sorted(members) == sorted(["format_version", "layer_sizes", "activations", "loss",
                                      "l2", "W_0", "b_0", "W_1", "b_1", "meta.recipe",
                                      "meta.seed", "meta.lr"])
    assert members["format_version"].dtype == np.int64 and members["format_version"] == 3
    assert members["l2"].dtype == np.float64 and members["l2"].shape == () \
        and members["l2"] == 0.0
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
