"""The command line: train, compare, evaluate, the tour, and user errors. And, as properties: an
option refuses exactly what its setting refuses, a mistake after a command is reported by that
command, a model file's recipe is the trace's, a plot folder is made only inside an existing
one, the confusion matrix shows every class name whole, and a refusal comes before anything is
printed."""
import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuronnet.app import recipe_data, recipes
from neuronnet.app.cli import build_parser, main, parse
from neuronnet.app.compare_command import compare_recipe
from neuronnet.app.models import build_model
from neuronnet.app.tables import confusion_lines
from neuronnet.app.tour import tour
from neuronnet.training import Settings


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_train_prints_a_table_and_a_test_line(capsys):
    code, out, err = run(["train", "iris", "--epochs", "5"], capsys)
    assert code == 0, err
    rows = [line for line in out.splitlines() if re.match(r"\s+\d+\s", line)]
    assert [int(line.split()[0]) for line in rows] == [1, 2, 3, 4, 5]
    assert re.search(r"test \(30 samples, best model from epoch \d\): loss [\d.]+, accuracy "
                     r"[\d.]+% \(\d+/30\)", out), out


def test_train_options_override_the_recipe(capsys):
    code, out, err = run(["train", "iris", "--epochs", "2", "--hidden", "7,5", "--activation",
                          "tanh", "--optimizer", "nesterov", "--lr", "0.2", "--batch-mode",
                          "online", "--model", "reference"], capsys)
    assert code == 0, err
    assert "MLP([4, 7, 5, 3], ['tanh', 'tanh', 'identity']" in out
    assert "2 epochs, online" in out and "nesterov lr=0.2" in out


def test_save_then_evaluate_reproduces_the_test_result(tmp_path, capsys):
    path = tmp_path / "iris.npz"
    code, out, err = run(["train", "iris", "--epochs", "20", "--seed", "3", "--quiet",
                          "--save", str(path)], capsys)
    assert code == 0, err
    test_line = re.search(r"accuracy ([\d.]+)% \((\d+)/30\)", out)
    for kind in ("neuron", "reference"):
        code, out2, err = run(["evaluate", str(path), "--model", kind], capsys)
        assert code == 0, err
        assert re.search(r"accuracy ([\d.]+)% \((\d+)/30\)", out2).groups() == test_line.groups()
        matrix = [line.split()[1:] for line in out2.splitlines()[-3:]]
        counts = np.array(matrix, dtype=int)
        assert counts.sum() == 30 and counts.trace() == int(test_line.group(2))
    # The split is re-made with the file's seed; another seed would test on training rows.
    code, out3, err = run(["--seed", "3", "evaluate", str(path)], capsys)
    assert code == 0, err
    code, _, err = run(["--seed", "4", "evaluate", str(path)], capsys)
    assert code == 2 and err.startswith("neuronnet: error: --seed: got 4; expected 3"), err


def test_compare_shows_the_models_agree(capsys):
    result = compare_recipe("iris", seed=1, options={"epochs": 6}, out=lambda _: None)
    assert len(result["rows"]) == 6
    for row in result["rows"]:
        # Trajectory tolerance (parameters are O(1)): 1e-10 * s (docs/design.md).
        assert row["max_diff"] <= 1e-10, row
        assert row["valid_neuron"] == row["valid_reference"], row
    code, out, err = run(["compare", "iris", "--epochs", "2"], capsys)
    assert code == 0, err
    assert "max |dparam|" in out and re.search(r"ratio [\d.]+", out)


def test_plots_are_written(tmp_path, capsys):
    code, out, err = run(["train", "iris", "--epochs", "3", "--quiet", "--plot",
                          str(tmp_path)], capsys)
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["iris-confusion.png", "iris-curves.png"]


@pytest.mark.parametrize("argv, words", [
    (["train", "iris", "--save", "model.txt"], "--save"),
    (["train", "iris", "--save", "no/such/folder/m.npz"], "does not exist"),
    (["train", "iris", "--batch-size", "500"], "--batch-size: got 500"),
    (["evaluate", "no-such-model.npz"], "no-such-model.npz"),
])
def test_user_errors_are_one_line_and_exit_2(argv, words, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("neuronnet: error:") and words in lines[0], err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["train", "nosuch"], ["train", "iris", "--lr", "-1"],
                                  ["train", "iris", "--momentum", "1.5"],
                                  ["train", "iris", "--epochs", "0"],
                                  ["train", "iris", "--hidden", "3,x"],
                                  ["--seed", "-1", "train", "iris"]])
def test_bad_arguments_get_argparse_errors(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    option = next((a for a in argv if a.startswith("--")), "RECIPE")
    assert "error:" in err and option in err, err
    assert len(err.strip().splitlines()) == 1, err  # one line, as docs/guide.md promises


def test_help_lists_every_recipe(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = capsys.readouterr().out
    for name in recipes.RECIPES:
        assert name in out


@pytest.mark.parametrize("name, sizes", [
    ("sin", (200, 200, 1000)), ("iris", (90, 30, 30)), ("digits-folder", (1800, 200, 500)),
    ("mnist", (55000, 5000, 10000)), ("mnist-seed002", (50000, 10000, 10000)),
    ("mnist-momentum", (60000, 5000, 5000)),
])
def test_every_recipe_has_its_data(name, sizes):
    recipe = recipes.RECIPES[name]
    splits = recipe_data.load(recipe.data, np.random.default_rng(0))
    got = (len(splits.train), len(splits.valid), len(splits.test))
    # A stratified split rounds each class's share, so a part may be off by one per class.
    slack = splits.train.n_classes if splits.train.is_classification else 0
    assert all(abs(g - s) <= slack for g, s in zip(got, sizes)) and sum(got) == sum(sizes), got
    layer_sizes = build_model("neuron", recipe, splits, np.random.default_rng(0)).layer_sizes
    assert layer_sizes[0] == splits.train.n_features == splits.test.n_features
    assert layer_sizes[-1] == splits.train.n_outputs
    if splits.train.is_classification:
        # Stratified: every class is in every split.
        for part in (splits.train, splits.valid, splits.test):
            assert len(np.unique(part.labels)) == part.n_classes


def test_full_mnist_training_stays_under_400_mb():
    # One epoch of the mnist recipe with the reference (quick); the data side, which is what
    # 400 MB is about (uint8 storage, float64 a batch at a time), is the same for both models.
    done = subprocess.run([sys.executable, "-m", "neuronnet", "train", "mnist", "--model",
                           "reference", "--epochs", "1", "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    peak = float(re.search(r"peak memory (\d+) MB", done.stdout).group(1))
    assert peak < 400, done.stdout


def test_the_tour_runs_on_shipped_data():
    lines = []
    tour(seed=0, out=lines.append)
    text = "\n".join(lines)
    assert "largest parameter difference after 200 epochs" in text
    assert re.search(r"half-MSE [\d.e-]+", text) and re.search(r"accuracy [\d.]+% \(\d+/500\)",
                                                                text)


# --- the options every command shares, before or after the command ---------------------------
COMMON = {"--seed": "7", "--threads": "2", "--data-dir": ".", "--debug": None}
COMMANDS = [["train", "iris"], ["compare", "iris"], ["evaluate", "model.npz"],
            ["pitfalls", "show", "summed-loss"], ["pitfalls", "demo", "summed-loss"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("option", list(COMMON))
def test_a_common_option_means_the_same_before_and_after_the_command(command, option):
    """`neuronnet --seed 3 train iris` once trained with seed 0 (the command's own default
    overwrote the value given before it), and `--debug` or `--threads` after the command were
    refused. Every common option now parses to the same value in either place."""
    from neuronnet.app.cli import build_parser
    flag = [option] + ([COMMON[option]] if COMMON[option] is not None else [])
    before = vars(build_parser().parse_args(flag + command))
    after = vars(build_parser().parse_args(command + flag))
    unset = vars(build_parser().parse_args(command))
    assert before == after, (before, after)
    dest = option.lstrip("-").replace("-", "_")
    assert before[dest] != unset[dest], f"{option} given before {command} was not kept"


def test_a_seed_before_the_command_is_the_seed_trained_with(capsys):
    runs = [run(argv, capsys) for argv in (["--seed", "3", "train", "iris", "--epochs", "1"],
                                           ["train", "iris", "--epochs", "1", "--seed", "3"],
                                           ["train", "iris", "--epochs", "1"])]
    assert all(code == 0 for code, _, _ in runs), runs
    # The table's rows without the seconds column (timing differs from run to run).
    table = [[line.split()[:6] for line in out.splitlines() if line.strip()[:1].isdigit()]
             for _, out, _ in runs]
    assert "seed 3" in runs[0][1] and table[0] == table[1] != table[2]


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
    assert refusal.startswith(f"{prog}: error: ") and "--no-such-option" in refusal, refusal
    assert f"{prog} --help" in refusal and len(refusal.splitlines()) == 1, refusal


def test_a_model_files_recipe_is_the_trace_recipe(tmp_path, capsys):
    path = tmp_path / "xor.npz"
    assert main(["train", "xor", "--epochs", "1", "--quiet", "--save", str(path)]) == 0
    capsys.readouterr()
    assert main(["trace", "--model-file", str(path), "--recipe", "iris"]) == 2
    said, _, expected = capsys.readouterr().err.partition("; expected ")
    assert said == "neuronnet: error: --recipe: got iris" and expected.startswith("xor"), said
    assert main(["trace", "--model-file", str(path), "--recipe", "xor"]) == 0
    assert "of the xor network [2, 3, 2]" in capsys.readouterr().out


@pytest.mark.parametrize("command", [["trace", "--model-file"], ["evaluate"]])
def test_a_missing_model_file_is_named_with_what_was_expected(command, tmp_path, capsys):
    missing = tmp_path / "nosuch.npz"
    assert main(command + [str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"neuronnet: error: {missing}: ") and "; expected " in err, err


@pytest.mark.parametrize("command", [["train", "iris"], ["evaluate", "m.npz"], ["trace"],
                                     ["pitfalls", "demo", "derivative-of-output"]])
def test_a_plot_folder_is_made_only_in_an_existing_folder(command, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    folder = tmp_path / "no" / "such"
    assert main(command + ["--plot", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("neuronnet: error: --plot: ") and repr(str(folder.parent)) in err, err
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
    example = Path(__file__).resolve().parents[2] / "examples" / "check_dlfs.py"
    done = subprocess.run([sys.executable, "-m", "neuronnet", "check", str(example),
                           "--property", "identity_nets_are_linear_maps"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert list(tmp_path.iterdir()) == []    # hypothesis's cache went to a temporary folder


@pytest.mark.parametrize("argv, words", [
    (["train", "xor", "--batch-size", "401"], "--batch-size: got 401 for the 400 training"),
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
