"""Every option reaches the code: for every option of every command, a run that gives it shows its
value where the code uses it. An option the parser accepts and a command then drops fails here.
(Every recipe's settings: tests/app/test_recipes.py.)

The options are read from the parser itself, so a new option without a way to see it used fails
``test_every_option_has_a_way_to_see_it_used``. Where an option feeds training, the value is
looked for at the entry of the loop (``train``: the model and the Settings it is given); the
loop's use of each setting is pinned by tests/training/test_loop_contract.py. (An option the run
would not use is refused: tests/app/test_options_used.py.)"""
import argparse
import json

import numpy as np
import pytest
from threadpoolctl import threadpool_info

import neuronnet.verify as verify
from neuronnet.app import (
    check_command,
    cli,
    compare_command,
    evaluate_command,
    pitfalls_command,
    recipe_data,
    recipes,
    tour,
    train_command,
)
from neuronnet.app.options import TRAINING_OPTIONS
from spying import Reached, spy

CHECKED = "examples/check_reference.py"
ONE = ["--property", "forward_and_loss_equal_the_reference"]


def main(argv, capsys):
    try:
        code = cli.main(argv)
    except Reached:
        code = "reached"
    out, err = capsys.readouterr()
    return code, out, err


# --- the values: one per option, unlike any recipe's own --------------------------------------
RECIPE = "xor"        # 2-3-2, tanh, minibatches of 20, momentum: quick, every setting matters
VALUES = {"hidden": ("5,4", (5, 4)), "activation": ("sigmoid", "sigmoid"),
          "optimizer": ("sgd", "sgd"), "lr": ("0.0123", 0.0123), "momentum": ("0.321", 0.321),
          "batch_mode": ("online", "online"), "batch_size": ("7", 7), "epochs": ("3", 3),
          "patience": ("6", 6), "clip_norm": ("0.77", 0.77)}


def test_the_values_differ_from_the_recipes_own():
    recipe = recipes.get(RECIPE)
    for name, (_, value) in VALUES.items():
        own = getattr(recipe, name, None) if name in ("hidden", "activation") else \
            getattr(recipe.settings, name)
        assert own != value, name


def reached_training(command, dest, monkeypatch, capsys):
    """A training option: its value is in the Settings (or the network) train() is given."""
    module = train_command if command == "train" else compare_command
    calls = spy(monkeypatch, module, "train")
    text, value = VALUES[dest]
    code, _, err = main([command, RECIPE, f"--{dest.replace('_', '-')}", text], capsys)
    assert code == "reached", err
    model, settings = calls[0]["args"][0], calls[0]["kwargs"]["settings"]
    if dest == "hidden":
        assert tuple(model.layer_sizes[1:-1]) == value
    elif dest == "activation":
        assert list(model.activation_names[:-1]) == [value] * (len(model.layer_sizes) - 2)
    else:
        assert getattr(settings, dest) == value


# --- the other options, each with what a run shows when it is given ----------------------------
def seen_at(monkeypatch, capsys, module, name, argv):
    calls = spy(monkeypatch, module, name)
    code, _, err = main(argv, capsys)
    assert code == "reached" and calls, err
    return calls[0]


def seed(command):
    def check(monkeypatch, capsys, tmp_path, saved):
        if command in ("train", "compare"):     # the initial weights come from the seed
            starts = []
            for value in ("0", "5"):
                call = seen_at(monkeypatch, capsys, train_command if command == "train"
                               else compare_command, "train", [command, RECIPE, "--seed", value])
                starts.append(call["args"][0].parameters()[0])
            assert not np.array_equal(*starts)
        elif command == "evaluate":             # another seed than the file's is refused
            code, _, err = main(["evaluate", saved, "--seed", "9"], capsys)
            assert code == 2 and "--seed: got 9" in err
        elif command in ("pitfalls demo",):
            call = seen_at(monkeypatch, capsys, pitfalls_command, "demo",
                           ["pitfalls", "demo", "summed-loss", "--seed", "4"])
            assert call["args"][2] == 4
        elif command in ("pitfalls", "pitfalls show"):
            pytest.skip("listing and showing the catalogue draws nothing: --seed is accepted "
                        "before any command and ignored here")
        elif command == "check":
            code, out, _ = main(["check", CHECKED, *ONE, "--seed", "7"], capsys)
            assert "seed 7" in out
        elif command == "trace":
            outs = [main(["trace", "--seed", value], capsys)[1] for value in ("0", "3")]
            assert outs[0] != outs[1]
        else:                                   # the tour
            call = seen_at(monkeypatch, capsys, tour, "tour", ["--seed", "8"])
            assert call["kwargs"]["seed"] == 8
    return check


def data_dir(command):
    def check(monkeypatch, capsys, tmp_path, saved):
        argv = {"train": ["train", "iris"], "compare": ["compare", "iris"],
                "evaluate": ["evaluate", saved], "trace": ["trace", "--recipe", "iris"],
                "": []}.get(command)
        if argv is None:
            pytest.skip(f"{command} reads no data set: --data-dir is accepted and unused")
        call = seen_at(monkeypatch, capsys, recipe_data, "load",
                       [*argv, "--data-dir", str(tmp_path)] if argv else
                       ["--data-dir", str(tmp_path)])
        folder = call["args"][2] if len(call["args"]) > 2 else call["kwargs"].get("data_folder")
        assert str(folder) == str(tmp_path)
    return check


def argv_of(command, saved):
    """A run of ``command`` that needs nothing more."""
    return {"": [], "train": ["train", RECIPE], "compare": ["compare", RECIPE],
            "evaluate": ["evaluate", saved], "pitfalls": ["pitfalls"],
            "pitfalls show": ["pitfalls", "show", "summed-loss"],
            "pitfalls demo": ["pitfalls", "demo", "summed-loss"], "check": ["check", CHECKED],
            "trace": ["trace"]}[command]


def threads(command):
    def check(monkeypatch, capsys, tmp_path, saved):
        if not any(pool.get("user_api") == "blas" for pool in threadpool_info()):
            pytest.skip("no BLAS library to limit")
        call = seen_at(monkeypatch, capsys, cli, "_run",
                       argv_of(command, saved) + ["--threads", "2"])
        assert set(call["threads"]) == {2}
    return check


def debug(command):
    def check(monkeypatch, capsys, tmp_path, saved):
        def fails(args):
            raise ValueError("a user error")
        monkeypatch.setattr(cli, "_run", fails)
        argv = argv_of(command, saved)
        assert main(argv, capsys)[0] == 2                # one line, exit 2
        with pytest.raises(ValueError, match="a user error"):
            cli.main(argv + ["--debug"])            # the traceback, not one line
    return check


def train_model(monkeypatch, capsys, tmp_path, saved):
    call = seen_at(monkeypatch, capsys, train_command, "train",
                   ["train", RECIPE, "--model", "reference"])
    assert type(call["args"][0]).__name__ == "MLP"


def evaluate_model(monkeypatch, capsys, tmp_path, saved):
    calls = spy(monkeypatch, evaluate_command, "load_model", stop=False)
    main(["evaluate", saved, "--model", "reference"], capsys)
    assert calls[0]["args"][1] == "reference"


def save(monkeypatch, capsys, tmp_path, saved):
    path = tmp_path / "m.npz"
    main(["train", RECIPE, "--epochs", "1", "--quiet", "--save", str(path)], capsys)
    assert path.exists()


def plot(argv, name):
    def check(monkeypatch, capsys, tmp_path, saved):
        pytest.importorskip("matplotlib")
        folder = tmp_path / "plots"
        main([arg.replace("SAVED", saved) for arg in argv] + ["--plot", str(folder)], capsys)
        assert (folder / name).exists(), sorted(p.name for p in folder.iterdir())
    return check


def quiet(command):
    def check(monkeypatch, capsys, tmp_path, saved):
        if command == "train":
            loud, hushed = (main(["train", RECIPE, "--epochs", "2", *extra], capsys)[1]
                            for extra in ([], ["--quiet"]))
            assert "train loss" in loud and "train loss" not in hushed    # the table's head
        else:                                   # compare: no progress bar, even on a terminal
            monkeypatch.setattr("sys.stderr.isatty", lambda: True)
            call = seen_at(monkeypatch, capsys, compare_command, "train",
                           ["compare", RECIPE, "--quiet"])
            assert call["kwargs"]["progress"] is False
    return check


def check_option(extra, see):
    def check(monkeypatch, capsys, tmp_path, saved):
        if see == "spy":
            calls = spy(monkeypatch, verify, "check", stop=True)
            main(["check", CHECKED, *ONE, *extra], capsys)
            kwargs = calls[0]["kwargs"]
            assert {"--thorough": kwargs["thorough"], "--one-hot": kwargs["one_hot"],
                    "--time-limit": kwargs["time_limit_s"] == 3.5}[extra[0]]
        else:
            code, out, err = main(["check", CHECKED, *ONE, *extra], capsys)
            see(out, err)
    return check


def check_build(monkeypatch, capsys, tmp_path, saved):
    calls = spy(monkeypatch, check_command, "open_submission")
    main(["check", CHECKED, *ONE, "--build", "make_it"], capsys)
    assert calls[0]["args"][1] == "make_it"


def check_memory(monkeypatch, capsys, tmp_path, saved):
    calls = spy(monkeypatch, check_command, "open_submission")
    main(["check", CHECKED, *ONE, "--memory-limit", "1.5"], capsys)
    assert calls[0]["kwargs"]["memory_gib"] == 1.5


def check_grading(extra, see):
    """--grade and its options reach the submission's process and the check."""
    def check(monkeypatch, capsys, tmp_path, saved):
        opened = spy(monkeypatch, check_command, "open_submission")
        main(["check", CHECKED, *ONE, "--grade", *extra], capsys)
        see(opened[0]["kwargs"])
    return check


def check_require(monkeypatch, capsys, tmp_path, saved):
    calls = spy(monkeypatch, verify, "check")
    main(["check", CHECKED, *ONE, "--grade", "--require", "relu", "--allow", "reference"],
         capsys)
    assert calls[0]["kwargs"]["require"] == ["relu"]


def check_grades(monkeypatch, capsys, tmp_path, saved):
    from neuronnet.app import grade_folder
    calls = spy(monkeypatch, grade_folder, "grade_folder")
    main(["check", "--grade", "examples", "--grades", str(tmp_path)], capsys)
    assert calls[0]["args"][1].grades == str(tmp_path)


def trace_option(extra, see):
    def check(monkeypatch, capsys, tmp_path, saved):
        code, out, err = main(["trace", *[a.replace("SAVED", saved) for a in extra]], capsys)
        see(out, err)
    return check


def trace_gradients(monkeypatch, capsys, tmp_path, saved):
    pytest.importorskip("matplotlib")
    from neuronnet.app import network_figure
    calls = spy(monkeypatch, network_figure, "network_plot")
    main(["trace", "--plot", str(tmp_path), "--gradients"], capsys)
    assert calls[0]["kwargs"]["gradients"] is True


COMMON = {"seed": seed, "data_dir": data_dir, "threads": threads, "debug": debug}
OBSERVE = {
    ("train", "model"): train_model, ("train", "save"): save,
    ("train", "plot"): plot(["train", RECIPE, "--epochs", "1", "--quiet"], "xor-curves.png"),
    ("train", "quiet"): quiet("train"), ("compare", "quiet"): quiet("compare"),
    ("evaluate", "model"): evaluate_model,
    ("evaluate", "plot"): plot(["evaluate", "SAVED"], "xor-confusion.png"),
    ("pitfalls demo", "plot"): plot(["pitfalls", "demo", "summed-loss"],
                                    "pitfall-summed-loss.png"),
    ("check", "json"): check_option(["--json"], lambda out, err: json.loads(out)),
    ("check", "thorough"): check_option(["--thorough"], "spy"),
    ("check", "one_hot"): check_option(["--one-hot"], "spy"),
    ("check", "time_limit"): check_option(["--time-limit", "3.5"], "spy"),
    ("check", "properties"): check_option(["--property", "results_are_repeatable"],
                                          lambda out, err: "results_are_repeatable" in out
                                          and "forward_and_loss" not in out),
    ("check", "build"): check_build, ("check", "memory_limit"): check_memory,
    ("check", "grade"): check_grading([], lambda kw: kw["quiet"] and "reference" in kw["forbid"]),
    ("check", "allow"): check_grading(["--allow", "reference"],
                                      lambda kw: "reference" not in kw["forbid"]),
    ("check", "require"): check_require, ("check", "grades"): check_grades,
    ("check", "style"): check_grading(["--style", "nielsen"],
                                      lambda kw: kw["style"] == "nielsen"),
    ("check", "skipped"): check_option(["--property", "nothing_handed_in_is_changed",
                                        "--property", "results_are_repeatable", "--skip",
                                        "results_are_repeatable"],
                                       lambda out, err: "nothing_handed_in_is_changed" in out
                                       and "results_are_repeatable" not in out),
    ("trace", "recipe"): trace_option(["--recipe", "circles"],
                                      lambda out, err: "circles" in out.splitlines()[0]),
    ("trace", "sample"): trace_option(["--sample", "3"], lambda out, err: "sample 3" in out),
    ("trace", "model_file"): trace_option(["--model-file", "SAVED"],
                                          lambda out, err: "SAVED" not in out and "trace" in out),
    ("trace", "json"): trace_option(["--json"], lambda out, err: json.loads(out)),
    ("trace", "plot"): plot(["trace"], "xor-trace.png"),
    ("trace", "gradients"): trace_gradients,
    # the step's own options: its title names the optimizer and its settings, the lines show
    # the rate, the momentum, the penalty and the loss at work
    ("trace", "optimizer"): trace_option(["--optimizer", "rmsprop"],
                                         lambda out, err: out.startswith("trace: one rmsprop "
                                                                         "step (lr 0.1, rho")),
    ("trace", "lr"): trace_option(["--lr", "0.0123"],
                                  lambda out, err: "- 0.0123 * " in out),
    ("trace", "momentum"): trace_option(["--momentum", "0.321"],
                                        lambda out, err: "v = 0.321 * 0 - 0.1 * " in out),
    ("trace", "l2"): trace_option(["--l2", "0.77"],
                                  lambda out, err: "0.77 / (2*1) * " in out),
    ("trace", "loss"): trace_option(["--loss", "binary_cross_entropy"],
                                    lambda out, err: "p = sigmoid(a) = " in out),
}


def trains(command, dest):
    """Whether the option overrides a setting of a training run (seen in what ``train`` is
    given); trace's --optimizer, --lr and --momentum set its one step, seen in OBSERVE."""
    return dest in TRAINING_OPTIONS and command in ("train", "compare")


def options():
    """(command, dest) of every option of every parser, help and version apart."""
    found = []

    def walk(parser, command):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{command} {name}".strip())
            elif action.option_strings and action.dest not in ("help", "version"):
                found.append((command, action.dest))
    walk(cli.build_parser(), "")
    return found


def test_every_option_has_a_way_to_see_it_used():
    missing = [(command, dest) for command, dest in options()
               if not trains(command, dest) and dest not in COMMON
               and (command, dest) not in OBSERVE]
    assert not missing, f"options with no way to see them used: {missing}"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "xor.npz"
    train_command.train_recipe(RECIPE, options={"epochs": 1}, save=str(path), quiet=True,
                               out=lambda line: None)
    return str(path)


@pytest.mark.parametrize("command, dest", options(), ids=lambda v: str(v).replace(" ", "-"))
def test_an_option_given_reaches_the_code(command, dest, monkeypatch, capsys, tmp_path, saved):
    if trains(command, dest):
        reached_training(command, dest, monkeypatch, capsys)
    elif dest in COMMON:
        COMMON[dest](command)(monkeypatch, capsys, tmp_path, saved)
    else:
        OBSERVE[(command, dest)](monkeypatch, capsys, tmp_path, saved)
