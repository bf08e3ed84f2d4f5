"""Nothing the user had is lost, however a run ends: a run that did not succeed never replaces a
file, --save is probed before training, every stop signal keeps what Ctrl-C keeps and exits 128
+ the signal, a closed stdout costs no save, and the tour and the demos stop when asked. Driven
the way a user meets them: the command line, real signals to a subprocess. And from the command
line: --debug shows the traceback, a bad plot folder or a missing plot extra fails before
training, a divergence says where and exits 1 saving nothing unfinished, and Ctrl-C keeps the
history and the best model and exits 130."""
import os
import signal
import stat
import subprocess
import sys
import time

import numpy as np
import pytest

from models import make_model
from neuronnet import io
from neuronnet.app.cli import main


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- a run that did not succeed never replaces a file (the diverged and stopped runs beside an
# existing file: tests/app/test_saves.py) ---------------------------------------------------------
def test_replacing_a_file_keeps_its_permissions_and_follows_a_symlink(tmp_path):
    target = tmp_path / "model.npz"
    io.save(make_model("neuron"), target)
    os.chmod(target, 0o640)
    link = tmp_path / "link.npz"
    link.symlink_to(target)
    io.save(make_model("neuron", seed=1), link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    weights, _ = io.load(target, lambda W, b, a, loss: (W, b))[0]
    np.testing.assert_array_equal(weights[0], make_model("neuron", seed=1).parameters()[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.npz", "model.npz"]


# --- --save is probed before any work -----------------------------------------------------------
@pytest.mark.parametrize("where, words", [
    ("{tmp}/folder.npz", "which is a folder"),
    ("{tmp}/" + "n" * 300 + ".npz", "cannot be written"),
    ("/sys/model.npz", "cannot be written"),
])
def test_a_save_target_that_cannot_be_written_is_refused_before_training(where, words, tmp_path,
                                                                         capsys):
    (tmp_path / "folder.npz").mkdir()
    path = where.format(tmp=tmp_path)
    started = time.perf_counter()
    code, out, err = run(["train", "mnist", "--save", path], capsys)
    assert code == 2 and err.startswith("neuronnet: error: --save:") and words in err, err
    assert "epoch" not in out and time.perf_counter() - started < 5  # no data loaded, no training
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.npz"]


# --- every stop signal ---------------------------------------------------------------------------
def start(argv, **kwargs):
    return subprocess.Popen([sys.executable, "-u", "-m", "neuronnet", *argv],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def wait_for(process, predicate, seconds=60):
    """Read stdout lines until ``predicate(line)``; the lines read."""
    lines, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if predicate(line):
            return lines
    raise AssertionError(f"never saw the line: {lines[-5:]}")


def stop(process, signum):
    try:
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return out, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                         ids=lambda s: signal.Signals(s).name)
def test_every_stop_signal_keeps_and_saves_the_best_model(signum, tmp_path):
    path = tmp_path / "stopped.npz"
    process = start(["train", "sin", "--epochs", "5000", "--save", str(path)])
    table_rows = []

    def second_row(line):  # a table row every 200 epochs, about half a second
        if line.strip()[:1].isdigit():
            table_rows.append(line)
        return len(table_rows) >= 2
    wait_for(process, second_row)
    out, err = stop(process, signum)
    assert process.returncode == 128 + signum, (out, err)
    assert "interrupted during epoch" in out and f"to {path}" in out
    assert "Traceback" not in err
    _, meta = io.load(path, lambda W, b, a, loss: None)
    assert int(meta["best_epoch"]) >= 1 and "interrupted" in meta["stop_reason"]
    assert os.listdir(tmp_path) == [path.name]  # no temporary file left behind


def test_a_stop_before_the_first_epoch_ends_leaves_an_existing_file_alone(tmp_path):
    path = tmp_path / "model.npz"
    io.save(make_model("neuron"), path)
    before = path.read_bytes()
    # The neuron model's first mnist epoch takes many seconds: stop it once training started.
    process = start(["train", "mnist", "--save", str(path)])
    wait_for(process, lambda line: line.startswith("model kind"))
    time.sleep(1.0)
    out, err = stop(process, signal.SIGTERM)
    assert process.returncode == 128 + signal.SIGTERM, (out, err)
    assert "model not saved: no epoch to keep" in out
    assert path.read_bytes() == before and os.listdir(tmp_path) == [path.name]


def test_a_closed_stdout_does_not_cost_the_save(tmp_path):
    path = tmp_path / "model.npz"
    process = start(["train", "iris", "--epochs", "30", "--save", str(path)])
    process.stdout.readline()
    process.stdout.close()                     # the reader went away (`| head -1`)
    process.wait(timeout=120)
    err = process.stderr.read()
    process.stderr.close()
    assert process.returncode == 0, err
    _, meta = io.load(path, lambda W, b, a, loss: None)
    assert meta["best_epoch"] >= 1


def test_the_tour_stops_on_ctrl_c():
    process = start([])
    wait_for(process, lambda line: line.startswith("== 2."))
    time.sleep(2.0)                            # inside the sin recipe's training
    out, err = stop(process, signal.SIGINT)
    assert process.returncode == 130, (out, err)
    assert "== 3." not in out and "tour done" not in out and "Traceback" not in err


# A demo is over in well under a second on a quiet machine: a timer could fire after it ended.
# The child sends itself the Ctrl-C as the demo's first training run starts, whatever the load.
CTRL_C_DURING_A_DEMO = """
import os, signal, sys
from neuronnet.app.cli import main
from neuronnet.pitfalls import demos_training
train = demos_training.run_training
def interrupted(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)
    return train(*args, **kwargs)
demos_training.run_training = interrupted
sys.exit(main(["pitfalls", "demo", "test-is-training-copy"]))
"""


def test_a_demo_stops_on_ctrl_c_without_a_verdict():
    done = subprocess.run([sys.executable, "-c", CTRL_C_DURING_A_DEMO], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 130, (done.stdout, done.stderr)
    assert "buggy" not in done.stdout and "Traceback" not in done.stderr


# --- divergence is reported the same way everywhere ---------------------------------------------
def test_compare_shows_divergence_like_train(capsys):
    code, out, err = run(["compare", "sin", "--lr", "1e8", "--epochs", "3"], capsys)
    assert code == 1, err
    assert "neuron model stopped: diverged" in out and "reference model stopped: diverged" in out


def test_divergence_with_plots_still_exits_1(tmp_path, capsys):
    code, out, err = run(["train", "sin", "--lr", "1e8", "--epochs", "3", "--quiet", "--plot",
                          str(tmp_path)], capsys)
    assert code == 1, err
    assert (tmp_path / "sin-curves.png").exists()  # the epochs before the divergence


def test_a_plot_folder_that_cannot_be_written_is_refused_before_training(capsys):
    started = time.perf_counter()
    code, out, err = run(["train", "mnist", "--plot", "/sys/neuronnet-plots"], capsys)
    assert code == 2 and err.startswith("neuronnet: error: --plot:"), err
    assert "epoch" not in out and time.perf_counter() - started < 5


def test_a_model_beyond_the_files_limits_is_refused_before_training(tmp_path, capsys):
    # 784 inputs x 1001 layers: more layers than a model file may hold (MAX_LAYERS = 1000).
    hidden = ",".join(["1"] * 1000)
    code, out, err = run(["train", "iris", "--hidden", hidden, "--save",
                          str(tmp_path / "m.npz")], capsys)
    assert code == 2 and "model:" in err and "1000" in err, err
    assert "epoch" not in out and not list(tmp_path.iterdir())


@pytest.mark.parametrize("name, words", [("", "ending in '.npz'"), (".npz", "a name before")],
                         ids=["empty", "suffix only"])
def test_a_save_name_that_is_not_a_file_name_gets_a_sensible_answer(name, words, tmp_path,
                                                                      capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["train", "iris", "--save", name], capsys)
    assert code == 2 and err.startswith("neuronnet: error: --save:") and words in err, err
    assert len(err.strip().splitlines()) == 1 and not list(tmp_path.iterdir())


def test_a_full_disk_names_the_users_file_and_says_the_model_was_not_saved(tmp_path, capsys,
                                                                           monkeypatch):
    path = tmp_path / "model.npz"
    io.save(make_model("neuron"), path)
    before = path.read_bytes()

    def disk_full(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(np, "savez", disk_full)
    code, out, err = run(["train", "iris", "--epochs", "2", "--quiet", "--save", str(path)],
                         capsys)
    assert code == 2, err
    assert f"--save: {path}: model not saved (No space left on device)" in err
    assert ".tmp-" not in err and "the file there is unchanged" in err
    assert path.read_bytes() == before and os.listdir(tmp_path) == [path.name]


# The child sends itself real signals at exact points of the run: during the save (twice in a
# row) and during the test pass.
SIGNALS_AT = """
import os, signal, sys
import numpy as np
from neuronnet.app import train_command
from neuronnet.app.cli import main
where, path = sys.argv[1], sys.argv[2]
if where == "save":
    real_savez = np.savez
    def savez(file, **arrays):
        os.kill(os.getpid(), signal.SIGINT)          # Ctrl-C during the write ...
        os.kill(os.getpid(), signal.SIGINT)          # ... twice
        real_savez(file, **arrays)
    np.savez = savez
elif where == "copy":
    import copy
    from neuronnet.training import loop
    real_deepcopy = copy.deepcopy
    class Copy:
        @staticmethod
        def deepcopy(model):
            os.kill(os.getpid(), signal.SIGINT)      # Ctrl-C while the best model is copied
            return real_deepcopy(model)
    loop.copy = Copy
else:
    real_evaluate = train_command.evaluate
    def evaluate(model, dataset):
        os.kill(os.getpid(), signal.SIGTERM)         # a SIGTERM during the test pass
        return real_evaluate(model, dataset)
    train_command.evaluate = evaluate
sys.exit(main(["train", "iris", "--epochs", "20", "--save", path]))
"""


@pytest.mark.parametrize("where, signum", [("save", signal.SIGINT), ("copy", signal.SIGINT),
                                           ("test pass", signal.SIGTERM)])
def test_a_stop_during_the_save_or_the_test_pass_still_saves(where, signum, tmp_path):
    path = tmp_path / "model.npz"
    done = subprocess.run([sys.executable, "-c", SIGNALS_AT, where.split()[0], str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 128 + signum, (done.stdout, done.stderr)
    assert f"to {path}" in done.stdout and "Traceback" not in done.stderr
    _, meta = io.load(path, lambda W, b, a, loss: None)
    assert meta["best_epoch"] >= 1
    assert os.listdir(tmp_path) == [path.name]  # whole, and no temporary file left


@pytest.mark.parametrize("argv, words", [
    (["train", "sin", "--plot", ""], "--plot: got ''"),
    (["evaluate", "no-such-model.npz"], "no-such-model.npz: no such file"),
])
def test_more_mistakes_get_one_clear_line(argv, words, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err


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
    out, err = capsys.readouterr()
    assert code == 1
    assert "diverged: the loss became inf at epoch 1, batch 2 (last finite loss" in out
    # No epoch finished: the initial weights are nothing to keep, and no file is written.
    assert "model not saved: no epoch to keep (nothing was written)" in out
    assert err.strip().splitlines()[-1].endswith("nothing saved (nothing was written)")
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
