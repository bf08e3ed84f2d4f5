"""Text and numbers read from a file are data: control characters are printed escaped, and a
seed in a model file must be an integer >= 0, refused by file and key otherwise."""
import numpy as np
import pytest

from neuronnet import io
from neuronnet.app.cli import main
from neuronnet.app.models import build_model
from neuronnet.app.recipes import get
from neuronnet.app.tables import confusion_lines, printable

FAKE = "\x1b[2J\x1b[Hneuronnet: all tests passed\r\n\u202e"


def with_member(path, key, value):
    """The model file at ``path`` rewritten with one member changed: a file no save makes."""
    with np.load(path, allow_pickle=False) as npz:
        members = {name: npz[name] for name in npz.files}
    members[key] = np.array(value)
    np.savez(path, **members)
    return path


def iris_model_file(path, **metadata):
    recipe = get("iris")

    class Splits:  # the iris recipe's shapes, without reading the data
        class train:
            n_features, n_outputs = 4, 3
    model = build_model("neuron", recipe, Splits, np.random.default_rng(0))
    io.save(model, path, metadata={"recipe": "iris", "seed": 0, **metadata})
    return path


def test_printable_escapes_every_control_and_format_character():
    shown = printable(FAKE)
    assert all(c.isprintable() for c in shown), shown
    assert "\\x1b" in shown and "\\u202e" in shown and "\\r" in shown and "\\n" in shown
    assert printable("digit 7") == "digit 7"  # plain text is unchanged


def test_metadata_from_a_model_file_is_printed_escaped(tmp_path, capsys):
    path = iris_model_file(tmp_path / "m.npz", best_epoch=FAKE)
    assert main(["evaluate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out


def test_class_names_from_folders_are_printed_escaped():
    lines = confusion_lines(np.eye(2, dtype=int), ["ok", "bad\x1b[31m"])
    assert not any("\x1b" in line for line in lines) and "\\x1b" in "".join(lines)


@pytest.mark.parametrize("seed", [float("inf"), float("nan"), -1, 1.5, "0", -2.0])
def test_a_bad_seed_in_a_model_file_is_refused_by_file_and_key(seed, tmp_path, capsys):
    path = with_member(iris_model_file(tmp_path / "m.npz"), "meta.seed", seed)
    assert main(["evaluate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: metadata 'seed': got" in err and "; expected " in err, err
    assert "Traceback" not in err and "OverflowError" not in err
