"""The command line: train, compare, evaluate, the tour, and user errors."""
import re
import subprocess
import sys

import numpy as np
import pytest

from neuronnet.app import recipe_data, recipes
from neuronnet.app.cli import main
from neuronnet.app.compare_command import compare_recipe
from neuronnet.app.models import build_model
from neuronnet.app.tour import tour


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
    assert len(err.strip().splitlines()) == 1, err  # one line, as the README promises


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
