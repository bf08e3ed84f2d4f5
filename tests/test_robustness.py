"""Bad input at every entry point gets a clear error before any work starts; divergence and
Ctrl-C lose nothing.

Each bad-value case names the entry point, the input, and the words the error must contain:
the argument's name and what was expected. Readers under fuzzing: tests/test_fuzz_readers.py;
saving under SIGKILL: tests/test_save_kill.py.
"""
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from neuronnet import Network
from neuronnet.app.cli import main
from neuronnet.training import Dataset, evaluate, train
from reference import MLP
from strategies import WrongType, expecting

RNG = np.random.default_rng


def assert_names(error, words):
    """The message begins with ``words[0]``, the argument's name, as ``name: got ...`` (or
    ``<dataset> name: got ...``), and contains every other word. Anchoring the name, not just
    finding it somewhere, is what tells 'batch_size: got' from 'XXbatch_sizeXX: got'."""
    message = str(error.value)
    assert re.match(rf"^(\w+ )?{re.escape(words[0])}: got ", message), (words[0], message)
    for word in words[1:]:
        assert word in message, (word, message)


def net(**changes):
    kwargs = dict(layer_sizes=[3, 4, 2], activations=["tanh", "identity"], loss="cross_entropy",
                  init="glorot_uniform", rng=RNG(0))
    kwargs.update(changes)
    return kwargs


CONSTRUCTOR_CASES = [
    (net(layer_sizes=[3, 0, 2]), ["layer_sizes[1]", "0", "positive integer"]),
    (net(layer_sizes=[3]), ["layer_sizes", "at least two"]),
    WrongType((net(layer_sizes="3,4,2"), ["layer_sizes[0]", "'3'"])),
    WrongType((net(layer_sizes=[3, 2.5, 2]), ["layer_sizes[1]", "2.5"])),
    (net(activations=["tanh", "softsign"]), ["activation", "softsign"]),
    (net(activations=["tanh"]), ["activations", "2"]),
    (net(loss="hinge"), ["loss", "hinge"]),
    (net(init="orthogonal"), ["init", "orthogonal"]),
    (net(init="normal", init_std=-1.0), ["init_std", "-1.0"]),
    (net(init="normal", init_std=float("nan")), ["init_std", "nan"]),
    WrongType((net(rng=0), ["rng", "Generator"])),
    WrongType((net(rng=np.random.RandomState(0)), ["rng", "Generator"])),
]


@pytest.mark.parametrize("model", [Network, MLP], ids=["neuron", "reference"])
@pytest.mark.parametrize("kwargs, words, expected", expecting(CONSTRUCTOR_CASES))
def test_constructors_name_the_bad_argument(model, kwargs, words, expected):
    with pytest.raises(expected) as error:
        model(**kwargs)
    assert_names(error, words)


X_OK = RNG(1).normal(size=(6, 3))
Y_OK = np.eye(2)[[0, 1, 0, 1, 1, 0]]

DATA_CASES = [
    (dict(X=X_OK[:, :2]), ["X", "(6, 2)", "3"]),
    (dict(X=X_OK[0]), ["X", "(3,)"]),
    (dict(X=np.zeros((0, 3))), ["X", "at least one row"]),
    (dict(X=np.where(np.eye(6, 3) > 0, np.nan, X_OK)), ["X", "non-finite"]),
    WrongType((dict(X=np.full((6, 3), "a")), ["X", "not numeric"])),
    (dict(Y=Y_OK[:4]), ["Y", "4 rows", "6"]),
    (dict(Y=np.where(Y_OK > 0, np.inf, 0.0)), ["Y", "non-finite"]),
    (dict(batch_size=7), ["batch_size", "7", "6 samples"]),
    (dict(batch_size=0), ["batch_size", "positive integer"]),
    (dict(epochs=-1), ["epochs", "positive integer"]),
    (dict(lr=float("nan")), ["lr", "finite"]),
    (dict(lr=-0.1), ["lr", ">= 0"]),
    (dict(momentum=float("inf")), ["momentum", "finite"]),
    (dict(momentum=1.0), ["momentum", "< 1"]),
    (dict(optimizer="adam"), ["optimizer", "adam"]),
    (dict(batch_mode="stochastic"), ["batch_mode", "stochastic"]),
]


@pytest.mark.parametrize("model", [Network, MLP], ids=["neuron", "reference"])
@pytest.mark.parametrize("changes, words, expected", expecting(DATA_CASES))
def test_fit_names_the_bad_argument_and_changes_nothing(model, changes, words, expected):
    m = model(**net())
    before = m.parameters()
    kwargs = dict(X=X_OK, Y=Y_OK, epochs=1, batch_size=2, rng=RNG(0))
    kwargs.update(changes)
    X, Y = kwargs.pop("X"), kwargs.pop("Y")
    with pytest.raises(expected) as error:
        m.fit(X, Y, **kwargs)
    assert_names(error, words)
    assert all(np.array_equal(a, b) for a, b in zip(before, m.parameters()))


@pytest.mark.parametrize("model", [Network, MLP], ids=["neuron", "reference"])
@pytest.mark.parametrize("X, words", [(X_OK[:, :2], ["X", "(6, 2)", "3"]),
                                      (np.array([[1.0, np.inf, 0.0]]), ["X", "non-finite"]),
                                      ([[1, 2]], ["X"])])
def test_predict_names_the_bad_input(model, X, words):
    with pytest.raises(ValueError) as error:
        model(**net()).predict(X)
    assert_names(error, words)


@pytest.mark.parametrize("kwargs, words", [
    (dict(X=np.zeros((3, 2)), labels=np.array([0, 1, 2]), n_classes=2), ["labels", "[0, 1]"]),
    (dict(X=np.zeros((3, 2)), labels=np.array([0.0, 1.0, 1.0]), n_classes=2), ["labels", "integer"]),
    (dict(X=np.zeros((3, 2)), labels=np.array([0, -1, 1]), n_classes=2), ["labels"]),
    (dict(X=np.zeros((0, 2)), labels=np.array([], dtype=int), n_classes=2), ["X", "shape"]),
    (dict(X=np.zeros((3, 0)), labels=np.array([0, 1, 1]), n_classes=2), ["X", "shape"]),
    (dict(X=np.array([[np.inf, 0.0]]), targets=np.zeros((1, 1))), ["X", "non-finite"]),
    (dict(X=np.zeros((1, 2)), targets=np.array([[np.nan]])), ["targets", "non-finite"]),
    (dict(X=np.zeros((2, 2)), labels=np.array([0, 1]), n_classes=0), ["n_classes"]),
    (dict(X=np.zeros((2, 2)), labels=np.array([0, 1]), n_classes=2, divisor=0.0), ["divisor"]),
])
def test_datasets_refuse_bad_data(kwargs, words):
    with pytest.raises(ValueError) as error:
        Dataset(**kwargs)
    assert_names(error, words)


def test_train_checks_the_model_against_the_data_before_any_step():
    data = Dataset(np.zeros((4, 5)), labels=np.array([0, 1, 0, 1]), n_classes=2)
    model = Network(**net())  # 3 inputs, the data has 5
    before = model.parameters()
    with pytest.raises(ValueError, match="X: got an array of shape .*expected 3 columns"):
        train(model, data, rng=RNG(0), epochs=1, batch_size=2)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.parameters()))
    with pytest.raises(ValueError, match="dataset"):
        evaluate(model, np.zeros((4, 3)))


# --- the command line ---------------------------------------------------------------------------

def test_debug_shows_the_traceback(capsys):
    assert main(["train", "iris", "--save", "model.txt"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "--debug" in err
    with pytest.raises(ValueError, match="--save"):
        main(["--debug", "train", "iris", "--save", "model.txt"])


def test_a_bad_plot_folder_fails_before_training(tmp_path, capsys):
    not_a_folder = tmp_path / "file.png"
    not_a_folder.write_bytes(b"x")
    assert main(["train", "iris", "--plot", str(not_a_folder)]) == 2
    captured = capsys.readouterr()
    assert "--plot" in captured.err and "epoch" not in captured.out  # no table: nothing ran


def test_a_missing_plot_extra_fails_before_training(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    assert main(["train", "iris", "--plot", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "[plot]" in captured.err and "epoch" not in captured.out


def test_divergence_stops_says_where_and_exits_1_saving_nothing_unfinished(tmp_path, capsys):
    path = tmp_path / "diverged.npz"
    code = main(["train", "sin", "--lr", "1e300", "--epochs", "5", "--save", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "diverged: the loss became inf at epoch 1, batch 2 (last finite loss" in out
    # No epoch finished: the initial weights are nothing to keep, and no file is written.
    assert "model not saved: no epoch finished" in out
    assert not path.exists() and not list(tmp_path.iterdir())


def test_ctrl_c_keeps_the_history_and_the_best_model_and_exits_130(tmp_path):
    """A real SIGINT to `neuronnet train` in a subprocess, once a few epochs have finished."""
    from neuronnet import io as persistence
    from neuronnet.app.models import load_model
    path = tmp_path / "interrupted.npz"
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "neuronnet", "train", "sin", "--epochs", "5000",
         "--save", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        rows = 0
        deadline = time.monotonic() + 60
        while rows < 2 and time.monotonic() < deadline:  # a row every 200 epochs, ~0.5 s
            line = process.stdout.readline()
            if line.strip()[:1].isdigit():
                rows += 1
        assert rows == 2, "the table never reached two rows"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, (out, err)
    assert "interrupted during epoch" in out and "batch" in out
    assert f"to {path}" in out
    assert "Traceback" not in err
    model, meta = load_model(path)
    history = persistence.load_history(path)
    epochs_done = len(history["epoch"])
    assert epochs_done >= 2  # the first table row is epoch 1, the second epoch 200
    assert history["epoch"] == list(range(1, epochs_done + 1))
    best = int(meta["best_epoch"])
    assert 1 <= best <= epochs_done
    assert history["valid_loss"][best - 1] == min(history["valid_loss"])
    assert "interrupted" in meta["stop_reason"]
    assert not [p for p in os.listdir(tmp_path) if p != path.name], os.listdir(tmp_path)
