"""The command line's refusals and tables, as properties: an option refuses exactly what its
setting refuses, a mistake after a command is reported by that command, a model file's recipe
is the trace's, a plot folder is made only inside an existing one, and the confusion matrix
shows every class name whole."""
import contextlib
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuronnet.app.cli import build_parser, main, parse
from neuronnet.app.tables import confusion_lines
from neuronnet.training import Settings

# The settings the command line takes as numbers, and which of them only as integers.
NUMBER_SETTINGS = {"lr": float, "momentum": float, "clip_norm": float,
                   "batch_size": int, "epochs": int, "patience": int}


def parsed_or_refusal(argv):
    """(the parsed arguments, None) or (None, argparse's message on stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            return parse(build_parser(), argv), None
        except SystemExit as stop:
            assert stop.code == 2, err.getvalue()
            return None, err.getvalue()


@given(name=st.sampled_from(sorted(NUMBER_SETTINGS)), data=st.data())
def test_an_option_refuses_exactly_what_its_setting_refuses(name, data):
    kind = NUMBER_SETTINGS[name]
    value = data.draw(st.integers(-3, 10**6) if kind is int else
                      st.one_of(st.floats(), st.integers(-3, 3)), label="value")
    value = kind(value)     # what the option's text is read as ("1" is 1.0 for a rate)
    try:
        Settings(**{name: value})
        expected = None
    except (ValueError, TypeError) as error:
        expected = str(error)
    option = "--" + name.replace("_", "-")
    # OPTION=VALUE: argparse reads "-1e+16" after a space as an option (its negative-number
    # rule knows no exponents), a limit of argparse and not of the setting's check.
    args, refusal = parsed_or_refusal(["train", "iris", f"{option}={value}"])
    if expected is None:
        assert refusal is None, f"{option} {value}: Settings takes it, the command line said " \
                                f"{refusal!r}"
        assert getattr(args, name) == value, (getattr(args, name), value)
    else:
        assert refusal is not None, f"{option} {value}: Settings said {expected!r}, the " \
                                    "command line took it"
        # argparse names the option; the setting's sentence follows without its own name
        head = f"neuronnet train: error: argument {option}: {expected.removeprefix(name + ': ')}"
        rest = refusal.strip().removeprefix(head)
        assert rest != refusal.strip() and rest in ("", " (see neuronnet train --help)"), \
            (refusal, expected)
        assert expected.startswith(f"{name}: got "), expected
        assert len(refusal.strip().splitlines()) == 1, refusal


@pytest.mark.parametrize("command", [["train", "iris"], ["compare", "iris"],
                                     ["evaluate", "m.npz"], ["trace"], ["check", "f.py"],
                                     ["pitfalls"], []])
def test_an_unknown_argument_is_reported_by_the_command_it_follows(command):
    _, refusal = parsed_or_refusal(command + ["--no-such-option"])
    prog = " ".join(["neuronnet"] + command[:1])
    assert refusal == (f"{prog}: error: unrecognized arguments: --no-such-option "
                       f"(see {prog} --help)\n"), refusal


def test_a_model_files_recipe_is_the_trace_recipe(tmp_path, capsys):
    path = tmp_path / "xor.npz"
    assert main(["train", "xor", "--epochs", "1", "--quiet", "--save", str(path)]) == 0
    capsys.readouterr()
    assert main(["trace", "--model-file", str(path), "--recipe", "iris"]) == 2
    assert capsys.readouterr().err == (
        f"neuronnet: error: --recipe: got iris; expected xor, the recipe {path} was trained "
        "on (leave --recipe out) (--debug shows the traceback)\n")
    assert main(["trace", "--model-file", str(path), "--recipe", "xor"]) == 0
    assert "of the xor network [2, 3, 2]" in capsys.readouterr().out


@pytest.mark.parametrize("command", [["trace", "--model-file"], ["evaluate"]])
def test_a_missing_model_file_is_named_with_what_was_expected(command, tmp_path, capsys):
    missing = tmp_path / "nosuch.npz"
    assert main(command + [str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"neuronnet: error: {missing}: no such file; expected a model file written by "
        "`neuronnet train --save` (--debug shows the traceback)\n")


@pytest.mark.parametrize("command", [["train", "iris"], ["evaluate", "m.npz"], ["trace"],
                                     ["pitfalls", "demo", "derivative-of-output"]])
def test_a_plot_folder_is_made_only_in_an_existing_folder(command, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    folder = tmp_path / "no" / "such"
    assert main(command + ["--plot", str(folder)]) == 2
    assert capsys.readouterr().err == (
        f"neuronnet: error: --plot: the folder {str(folder.parent)!r} does not exist; expected "
        "an existing folder or a new folder in one (create it first) (--debug shows the "
        "traceback)\n")
    assert list(tmp_path.iterdir()) == []     # nothing made, nothing ran


names = st.text(st.characters(codec="ascii", categories=["L", "N", "Zs"]), min_size=1,
                max_size=24).map(str.strip).filter(bool)


@given(classes=st.lists(names, min_size=2, max_size=6, unique=True), data=st.data())
def test_the_confusion_matrix_shows_every_class_name_whole(classes, data):
    k = len(classes)
    cm = np.array(data.draw(st.lists(st.integers(0, 10**7), min_size=k * k, max_size=k * k),
                            label="counts")).reshape(k, k)
    title, head, *rows = confusion_lines(cm, classes)
    assert len(rows) == k and len({len(line) for line in [head, *rows]}) == 1, [head, *rows]
    label = len(max(classes, key=len))
    width = (len(head) - label - 1) // k
    columns = [head[label + 1 + j * width:label + 1 + (j + 1) * width] for j in range(k)]
    assert [c.strip() for c in columns] == classes, columns
    assert all(c[0] == " " for c in columns), columns    # a space before every name
    for name, line, counts in zip(classes, rows, cm):
        assert line[:label].strip() == name, line
        assert [int(line[label + 1 + j * width:label + 1 + (j + 1) * width]) for j in range(k)] \
            == counts.tolist(), line


def test_a_check_leaves_nothing_in_the_users_folder(tmp_path):
    # A child process: in this one hypothesis has fixed its folder already (at the first test).
    example = Path(__file__).resolve().parents[1] / "examples" / "check_dlfs.py"
    done = subprocess.run([sys.executable, "-m", "neuronnet", "check", str(example),
                           "--property", "identity_nets_are_linear_maps"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert list(tmp_path.iterdir()) == []    # hypothesis's cache went to a temporary folder


@pytest.mark.parametrize("argv, words", [
    (["train", "xor", "--batch-size", "401"],
     "--batch-size: got 401 for the 400 training rows of recipe xor; expected at most 400, or "
     "--batch-mode full"),
    (["compare", "xor", "--batch-size", "401"], "--batch-size: got 401 for the 400 training"),
    (["compare", "xor", "--optimizer", "sgd", "--momentum", "0.5"], "--momentum: got 0.5"),
    (["train", "xor", "--save", "no/such/folder/m.npz"], "--save"),
    (["train", "xor", "--hidden", "100000000"], "--hidden"),
])
def test_a_refusal_comes_before_anything_is_printed(argv, words, capsys):
    # xor's training split has 400 points: a batch of 401 is the smallest that cannot be made.
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"neuronnet: error: {words}"), (out, err)
