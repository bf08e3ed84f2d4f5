"""save's own checks (a path, metadata, activations, parameters a float64 network could hold),
made before anything is written, and saves that are atomic: a failed or interrupted save leaves
the old file byte for byte, the data reaches the disk before the rename."""
import io
import os
import pathlib
import re

import numpy as np
import pytest

from model_files import small_net
from neuronnet import Network
from neuronnet.activations import Sigmoid
from neuronnet.app.models import load_model as load
from neuronnet.io import save
from reference import MLP
from strategies import WrongType, expecting


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
    with pytest.raises(ValueError, match=r"^metadata\['x'\]: got a object; expected "):
        check_savable(net, metadata={"x": object()})
    with pytest.raises(ValueError, match=r"^history\['loss'\]\[0\]: got the bool True; expected "):
        check_savable(net, history={"loss": [True]})
    assert list(tmp_path.iterdir()) == []


class _Arrays:
    """A model-like object with the parameters it is given (for the file's own checks)."""

    def __init__(self, params):
        self.params, self.activation_names, self.loss_name = params, ["identity"], "half_mse"

    def parameters(self):
        return self.params


@pytest.mark.parametrize("W, b, message", [
    (np.zeros(3), np.zeros(1), r"model: layer 0: got a weight array of shape \(3,\); expected "),
    (np.zeros((1, 3), np.float32), np.zeros(1), r"model: layer 0: got dtypes float32 and float64; "
                                                r"expected "),
    (np.zeros((1, 3)), np.zeros(1, np.float32), r"model: layer 0: got dtypes float64 and float32; "
                                                r"expected "),
])
def test_a_file_refuses_parameters_no_float64_network_has(tmp_path, W, b, message):
    from neuronnet.io.model_write import save as write
    with pytest.raises(ValueError, match=f"^{message}"):
        write(_Arrays([W, b]), tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []
