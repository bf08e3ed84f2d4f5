"""No run replaces a better model, driven as a user meets it: `neuronnet` in a real process.

A run that completes replaces its --save file as asked. One that diverges (not finite, or past
1000 times the loss it started from) or is stopped never replaces an existing file: its best
snapshot goes beside it under a free name (NAME.diverged.npz, NAME.stopped.npz, then .2, .3),
and the exit status and the last line say where. --save refuses, before any work, a target that
is not a regular file. A write error on stdout or stderr costs no save."""
import os
import signal
import stat
import subprocess
import sys
import time

import pytest

from neuronnet import io

KEEP = lambda W, b, a, loss: (W, b)  # noqa: E731  (io.load's builder: the arrays as they are)


def cli(*argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, unbuffered=True, **kwargs):
    env = dict(os.environ, PYTHONUNBUFFERED="1" if unbuffered else "")
    return subprocess.run([sys.executable, "-m", "neuronnet", *argv], stdout=stdout,
                          stderr=stderr, text=True, env=env, timeout=300, **kwargs)


def last_line(text):
    return text.strip().splitlines()[-1]


def meta(path):
    return io.load(path, KEEP)[1]


@pytest.fixture(scope="module")
def good_bytes(tmp_path_factory):
    """A good iris model (above 90% on its test split), as bytes."""
    path = tmp_path_factory.mktemp("good") / "good.npz"
    done = cli("train", "iris", "--epochs", "200", "--quiet", "--save", str(path))
    assert done.returncode == 0, done.stderr
    assert meta(path)["test_accuracy"] > 0.9
    return path.read_bytes()


@pytest.fixture
def good(tmp_path, good_bytes):
    path = tmp_path / "good.npz"
    path.write_bytes(good_bytes)
    return path


# --- a run that diverges ------------------------------------------------------------------------
def test_a_finite_blow_up_replaces_nothing_and_exits_1(good, good_bytes):
    # lr 1e4: every epoch's loss is finite, near 1e4, from 1.1 at the start.
    done = cli("train", "iris", "--lr", "1e4", "--quiet", "--save", str(good))
    assert done.returncode == 1, done.stderr
    assert good.read_bytes() == good_bytes
    assert os.listdir(good.parent) == [good.name]  # its first epoch blew up: nothing to keep
    assert str(good) in last_line(done.stderr) and "nothing saved" in last_line(done.stderr)


def test_a_diverged_run_saves_its_best_beside_the_file_under_a_free_name(good, good_bytes):
    # Full batches at lr 1 on sin: epochs 1 and 2 are fine, epoch 5 is past 1000 times the start.
    argv = ("train", "sin", "--batch-mode", "full", "--lr", "1", "--epochs", "50", "--quiet",
            "--save", str(good))
    beside = [good.parent / "good.diverged.npz", good.parent / "good.diverged.2.npz"]
    for k, path in enumerate(beside):
        done = cli(*argv)
        assert done.returncode == 1, done.stderr
        assert str(path) in last_line(done.stderr), done.stderr
        saved = meta(path)
        assert saved["recipe"] == "sin" and "diverged" in saved["stop_reason"]
        assert 1 <= saved["best_epoch"] < len(io.load_history(path)["epoch"])
        if k == 0:
            first = path.read_bytes()
    assert good.read_bytes() == good_bytes and beside[0].read_bytes() == first
    assert sorted(os.listdir(good.parent)) == sorted(p.name for p in [good, *beside])


def test_a_diverged_run_with_nothing_at_the_name_saves_there(tmp_path):
    path = tmp_path / "new.npz"
    done = cli("train", "sin", "--batch-mode", "full", "--lr", "1", "--epochs", "50",
               "--quiet", "--save", str(path))
    assert done.returncode == 1 and str(path) in last_line(done.stderr), done.stderr
    assert "diverged" in meta(path)["stop_reason"] and os.listdir(tmp_path) == [path.name]


def test_compare_exits_1_on_a_finite_blow_up():
    done = cli("compare", "iris", "--lr", "1e4", "--epochs", "5", "--quiet")
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "neuron model stopped: diverged" in done.stdout


def test_a_completed_run_replaces_the_file_as_asked(good, good_bytes):
    done = cli("train", "sin", "--epochs", "3", "--quiet", "--save", str(good))
    assert done.returncode == 0, done.stderr
    assert meta(good)["recipe"] == "sin" and meta(good)["best_epoch"] >= 1
    assert os.listdir(good.parent) == [good.name] and str(good) in last_line(done.stdout)


# --- a run that is stopped ----------------------------------------------------------------------
def stopped_run(path, signum):
    """`train sin --epochs 5000 --save path`, stopped by ``signum`` after its second table row
    (a row every 200 epochs, about half a second)."""
    process = subprocess.Popen([sys.executable, "-u", "-m", "neuronnet", "train", "sin",
                                "--epochs", "5000", "--save", str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        rows, deadline = 0, time.monotonic() + 120
        while rows < 2 and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            rows += line.strip()[:1].isdigit()
        assert rows == 2, "the table never reached two rows"
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return process.returncode, out, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                         ids=lambda s: signal.Signals(s).name)
def test_a_stopped_run_saves_its_best_beside_the_file(signum, good, good_bytes):
    code, out, err = stopped_run(good, signum)
    assert code == 128 + signum, (out, err)
    beside = good.parent / "good.stopped.npz"
    assert good.read_bytes() == good_bytes
    assert str(beside) in last_line(err) and "Traceback" not in err
    saved = meta(beside)
    assert saved["recipe"] == "sin" and "interrupted" in saved["stop_reason"]
    assert len(io.load_history(beside)["epoch"]) >= 200 and saved["best_epoch"] >= 1
    assert sorted(os.listdir(good.parent)) == sorted([good.name, beside.name])
    if signum == signal.SIGTERM:       # a second stopped run: the next free name
        first = beside.read_bytes()
        code, out, err = stopped_run(good, signum)
        assert code == 128 + signum and "good.stopped.2.npz" in last_line(err), (out, err)
        assert beside.read_bytes() == first and good.read_bytes() == good_bytes
        assert "interrupted" in meta(good.parent / "good.stopped.2.npz")["stop_reason"]


# --- what --save may replace --------------------------------------------------------------------
def make_fifo(path):
    os.mkfifo(path)


def make_device_link(path):
    """A link to a private null device made for the test: never to /dev/null, which a --save
    that replaced devices would turn into a regular file for the whole machine."""
    device = path.parent / "device"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    path.symlink_to(device)


def make_folder(path):
    path.mkdir()


@pytest.mark.parametrize("make, words, is_kind", [
    (make_fifo, "FIFO", stat.S_ISFIFO),
    (make_device_link, "character device", stat.S_ISCHR),
    (make_folder, "folder", stat.S_ISDIR),
], ids=["fifo", "link to a device", "folder"])
def test_a_save_target_that_is_not_a_regular_file_is_refused_before_any_work(make, words,
                                                                            is_kind, tmp_path):
    target = tmp_path / "model.npz"
    make(target)
    done = cli("train", "iris", "--save", str(target))
    assert done.returncode == 2 and done.stdout == "", (done.stdout, done.stderr)
    line, = done.stderr.strip().splitlines()
    assert line.startswith("neuronnet: error: --save:") and str(target) in line
    assert words in line and "expected" in line
    assert is_kind(os.stat(target).st_mode)
    assert sorted(os.listdir(tmp_path)) in (["model.npz"], ["device", "model.npz"])


def test_a_history_longer_than_a_model_file_holds_is_refused_before_training(tmp_path):
    path = tmp_path / "model.npz"
    started = time.monotonic()
    done = cli("train", "mnist", "--epochs", "10000001", "--save", str(path))
    assert done.returncode == 2 and done.stdout == "", (done.stdout, done.stderr)
    assert done.stderr.startswith("neuronnet: error: --epochs:") and "10000000" in done.stderr
    assert time.monotonic() - started < 30 and not os.listdir(tmp_path)  # no mnist loaded


# --- output errors cost no save -----------------------------------------------------------------
@pytest.mark.parametrize("unbuffered", [True, False], ids=["unbuffered", "block-buffered"])
def test_a_full_stdout_costs_no_save(unbuffered, tmp_path):
    path = tmp_path / "new.npz"
    with open("/dev/full", "w") as full:
        done = cli("train", "iris", "--epochs", "200", "--save", str(path), stdout=full,
                   unbuffered=unbuffered)
    assert done.returncode == 2, done.stderr
    line = last_line(done.stderr)
    assert "stdout" in line and str(path) in line, done.stderr
    assert meta(path)["test_accuracy"] > 0.9 and os.listdir(tmp_path) == [path.name]


def test_a_closed_block_buffered_stdout_is_not_an_error(tmp_path):
    path = tmp_path / "model.npz"
    env = dict(os.environ, PYTHONUNBUFFERED="")
    process = subprocess.Popen([sys.executable, "-m", "neuronnet", "train", "iris", "--epochs",
                                "30", "--save", str(path)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    process.stdout.close()                       # the reader went away before the first line
    err = process.communicate(timeout=120)[1]
    assert process.returncode == 0 and err == "", err
    assert meta(path)["best_epoch"] >= 1


def test_a_full_stderr_costs_no_save_and_the_last_line_goes_to_stdout(good, good_bytes):
    with open("/dev/full", "w") as full:
        done = cli("train", "sin", "--batch-mode", "full", "--lr", "1", "--epochs", "50",
                   "--quiet", "--save", str(good), stderr=full)
    assert done.returncode == 1, done.stdout    # diverged, not Python's 120 for a lost flush
    line = last_line(done.stdout)
    assert "stderr" in line and "good.diverged.npz" in line and good.read_bytes() == good_bytes
    assert "diverged" in meta(good.parent / "good.diverged.npz")["stop_reason"]


def test_both_streams_full_cost_no_save(tmp_path):
    path = tmp_path / "model.npz"
    with open("/dev/full", "w") as full:
        done = cli("train", "iris", "--epochs", "30", "--save", str(path), stdout=full,
                   stderr=full)
    assert done.returncode == 2
    assert meta(path)["best_epoch"] >= 1 and os.listdir(tmp_path) == [path.name]


# A FIFO planted at the --save name while the run trains (during its test pass): the completed
# run's model goes beside it, and the FIFO stays a FIFO.
FIFO_DURING_THE_RUN = """
import os, sys
from neuronnet.app import train_command
from neuronnet.app.cli import main
path = sys.argv[1]
real_evaluate = train_command.evaluate
def evaluate(model, dataset):
    os.mkfifo(path)
    return real_evaluate(model, dataset)
train_command.evaluate = evaluate
sys.exit(main(["train", "iris", "--epochs", "20", "--quiet", "--save", path]))
"""


def test_a_fifo_planted_during_the_run_is_not_replaced(tmp_path):
    path = tmp_path / "model.npz"
    done = subprocess.run([sys.executable, "-c", FIFO_DURING_THE_RUN, str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, (done.stdout, done.stderr)
    beside = tmp_path / "model.new.npz"
    assert str(beside) in last_line(done.stderr) and "--save" in last_line(done.stderr)
    assert stat.S_ISFIFO(os.stat(path).st_mode) and meta(beside)["best_epoch"] >= 1
    assert sorted(os.listdir(tmp_path)) == ["model.new.npz", "model.npz"]
