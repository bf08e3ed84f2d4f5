"""The model format (neuronnet/io/model_format.py) at its edges: every limit the format states
(docs/semantics.md, "Refusals and limits") is inclusive, so a value exactly at it is saved and loads
back unchanged, and one past it is refused by name. Values that are numpy scalars are stored in the
format's own dtypes."""
import numpy as np
import pytest

from neuronnet import Network, io
from neuronnet.app.models import load_model
from neuronnet.io.model_format import MAX_HISTORY, MAX_TEXT
from reference import MLP

INT64 = np.iinfo(np.int64)


def net():
    return Network([2, 1], ["identity"], rng=np.random.default_rng(0))


def test_metadata_at_the_limits_loads_back_unchanged(tmp_path):
    metadata = {"longest": "x" * MAX_TEXT, "last_code_point": "\U0010ffff",
                "int64_min": int(INT64.min), "int64_max": int(INT64.max)}
    path = io.save(net(), tmp_path / "m.npz", metadata)
    assert io.read_metadata(path) == metadata
    for key, value in (("longest", "x" * (MAX_TEXT + 1)), ("too_big", int(INT64.max) + 1),
                       ("too_small", int(INT64.min) - 1)):
        with pytest.raises(ValueError, match=rf"^metadata\[{key!r}\]: got "):
            io.check_savable(net(), metadata={key: value})


def test_numpy_scalars_are_stored_as_the_formats_int64_and_float64(tmp_path):
    # np.int32 and np.float32 are an Integral and a Real: saved as they are they would be 4-byte
    # members, which the loader refuses. They are stored as int64 and float64 instead.
    metadata = {"epochs": np.int32(7), "lr": np.float32(0.25), "seed": np.uint8(3)}
    path = io.save(net(), tmp_path / "m.npz", metadata)
    with np.load(path, allow_pickle=False) as npz:
        assert {k: npz[f"meta.{k}"].dtype for k in metadata} == \
            {"epochs": np.int64, "lr": np.float64, "seed": np.int64}
    back = io.read_metadata(path)
    assert back == {"epochs": 7, "lr": 0.25, "seed": 3}
    assert [type(v) for v in back.values()] == [int, float, int]


def test_a_history_of_the_most_entries_allowed_loads_back(tmp_path, monkeypatch):
    # MAX_HISTORY is 10**7 (80 MB a list): the same comparisons are run at a limit of 5, in the
    # writer and the reader, each of which holds the limit under its own name.
    from neuronnet.io import model_read, model_write
    assert model_write.MAX_HISTORY == model_read.MAX_HISTORY == MAX_HISTORY
    longer = io.save(net(), tmp_path / "six.npz", history={"loss": [0.5] * 6})
    for module in (model_write, model_read):
        monkeypatch.setattr(module, "MAX_HISTORY", 5)
    path = io.save(net(), tmp_path / "m.npz", history={"loss": [0.5] * 5})
    assert io.load_history(path) == {"loss": [0.5] * 5}
    with pytest.raises(ValueError) as info:
        io.check_savable(net(), history={"loss": [0.5] * 6})
    assert str(info.value).startswith("history['loss']: got 6 entries")
    with pytest.raises(io.ModelFileError) as info:
        io.load_history(longer)
    assert str(info.value).startswith(f"{longer}: history.loss is a float64 array of shape (6,)")


def test_layers_that_do_not_chain_are_refused_on_save():
    # Layer 1 takes 5 inputs where layer 0 gives 4: a file of it could never load.
    class Broken(MLP):
        def parameters(self):
            return [np.zeros((4, 3)), np.zeros(4), np.zeros((2, 5)), np.zeros(2)]
    model = Broken([3, 4, 2], ["tanh", "identity"], rng=np.random.default_rng(0))
    with pytest.raises(ValueError) as info:
        io.check_savable(model)
    assert str(info.value).startswith("model: layer 1: got shapes (2, 5) and (2,)")


def test_a_component_without_a_name_is_refused_as_not_standard():
    class Nameless:
        def forward(self, z):
            return z

        def derivative_from_z(self, z):
            return np.ones_like(z)
    model = net()
    model.layers[0].neurons[0].activation = Nameless()
    with pytest.raises(ValueError) as info:
        io.check_savable(model)
    assert str(info.value).startswith("model: layer 0's activation: got a Nameless named None")


def test_a_bad_member_key_is_refused_naming_the_file(tmp_path):
    path = io.save(net(), tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as npz:
        members = {key: npz[key] for key in npz.files}
    for prefix in ("meta.", "history."):
        bad = tmp_path / f"bad-{prefix}npz"
        np.savez(bad, **members, **{prefix + "a b": np.array([1.0]) if prefix == "history."
                                    else np.array(1)})
        with pytest.raises(io.ModelFileError) as info:
            io.read_metadata(bad)
        assert str(info.value).startswith(f"{bad}: member '{prefix}a b'")


def test_a_member_larger_than_one_read_comes_back_whole(tmp_path):
    # Members are read a chunk (1 MiB) at a time: a 2.2 MB weight matrix takes three reads,
    # and every byte of every read must end up in the array.
    model = Network([700, 400], ["identity"], rng=np.random.default_rng(0))
    loaded, _ = load_model(io.save(model, tmp_path / "big.npz"))
    assert all(np.array_equal(p, q)
               for p, q in zip(loaded.parameters(), model.parameters(), strict=True))


def test_a_damaged_member_is_named_with_its_file(tmp_path):
    path = tmp_path / "m.npz"
    io.save(net(), path)
    data = bytearray(path.read_bytes())
    W = net().parameters()[0].tobytes()
    at = data.find(W)
    assert at > 0 and data.find(W, at + 1) < 0       # stored, not compressed: there once
    data[at] ^= 0xFF                                  # the CRC no longer matches
    path.write_bytes(bytes(data))
    with pytest.raises(io.ModelFileError) as info:
        load_model(path)
    assert str(info.value).startswith(f"{path}: member 'W_0' is damaged (BadZipFile: Bad CRC-32")


def members_of(path):
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


@pytest.mark.parametrize("member", ["loss", "activations"])
def test_a_name_of_the_longest_length_passes_the_header_check(tmp_path, member):
    # A name of MAX_TEXT characters gets past the size check to the vocabulary's refusal; one
    # character more is refused from the header, before the text is read.
    members = members_of(io.save(net(), tmp_path / "m.npz"))
    for n, refusal in ((MAX_TEXT, f"{member}{'[0]' if member == 'activations' else ''} is 'x"),
                       (MAX_TEXT + 1, f"{member} is a <U{MAX_TEXT + 1} array of shape ")):
        name = "x" * n
        members[member] = np.array(name if member == "loss" else [name])
        path = tmp_path / f"{n}.npz"
        np.savez(path, **members)
        with pytest.raises(io.ModelFileError) as info:
            load_model(path)
        assert str(info.value).startswith(f"{path}: {refusal}"), \
            f"\n got: {str(info.value)[:200]}\nwant: {path}: {refusal}..."


def test_an_unknown_member_and_the_wrong_outputs_are_refused_in_full(tmp_path):
    members = members_of(io.save(net(), tmp_path / "m.npz"))
    path = tmp_path / "extra.npz"
    np.savez(path, **members, extra=np.array(1))
    with pytest.raises(io.ModelFileError) as info:
        load_model(path)
    assert str(info.value).startswith(f"{path}: unknown keys ['extra']; expected "), info.value
    with pytest.raises(io.ModelFileError) as info:
        io.load(tmp_path / "m.npz", lambda *arrays: None, n_inputs=2, n_outputs=3)
    assert str(info.value).startswith(f"{tmp_path / 'm.npz'}: layer_sizes [2, 1] has 1 outputs")


def test_the_architecture_limits_are_inclusive(monkeypatch):
    from neuronnet.io import model_format
    model_format.check_sizes("model", [1] * 1001, ValueError)        # 1000 layers: the most
    with pytest.raises(ValueError) as info:
        model_format.check_sizes("model", [1] * 1002, ValueError)
    assert str(info.value).startswith("model: got 1001 layers")
    monkeypatch.setattr(model_format, "MAX_PARAMETERS", 10)          # (4 + 1) * 2 = 10
    model_format.check_sizes("model", [4, 2], ValueError)
    with pytest.raises(ValueError) as info:
        model_format.check_sizes("model", [5, 2], ValueError)
    assert str(info.value).startswith("model: got [5, 2], 12 parameters")


def test_empty_history_lists_and_version_2_npy_members_load(tmp_path):
    path = io.save(net(), tmp_path / "m.npz", history={"loss": [], "lr": []})
    assert io.load_history(path) == {"loss": [], "lr": []}
    # numpy writes format 2.0 (a 4-byte header length) when a header outgrows 65535 bytes;
    # the reader takes every member in either version.
    import zipfile
    rewritten = tmp_path / "v2.npz"
    with zipfile.ZipFile(rewritten, "w") as archive:
        for key, value in members_of(path).items():
            with archive.open(f"{key}.npy", "w") as member:
                np.lib.format.write_array(member, value, version=(2, 0))
    model, _ = load_model(rewritten)
    assert all(np.array_equal(p, q)
               for p, q in zip(model.parameters(), net().parameters(), strict=True))
