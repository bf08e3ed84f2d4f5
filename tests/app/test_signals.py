"""The stop signals, met as a user meets them, in real processes: a signal ignored when the
program starts (``nohup`` ignores SIGHUP, a shell script's background job SIGINT) stays ignored,
and Ctrl-C while the program is still importing ends in one line and exit 130, no traceback.

Deterministic, not timed: the child sends itself the signal from an import hook, at the moment
a given module is first imported."""
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from neuronnet.guards.signals import keeping_ignored, signals_deferred

STOPS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]

# Runs `python -m neuronnet ARGV` after putting an import hook first: when MODULE is first
# imported, the process sends itself SIGNUM (and writes "sent" to stderr, so that a test can
# tell that the moment came).
CHILD = textwrap.dedent("""
    import os, runpy, sys

    class SignalOnImport:
        def find_spec(self, name, path=None, target=None):
            if name == {module!r}:
                sys.meta_path.remove(self)
                sys.stderr.write("sent\\n")
                sys.stderr.flush()
                os.kill(os.getpid(), {signum})
            return None

    sys.meta_path.insert(0, SignalOnImport())
    sys.argv = ["neuronnet"] + {argv!r}
    runpy.run_module("neuronnet", run_name="__main__", alter_sys=True)
""")


def run_child(module, signum, argv, ignore=None, cwd=None):
    def start():
        if ignore is not None:
            signal.signal(ignore, signal.SIG_IGN)   # as nohup, or a script's `cmd &`, leaves it
    code = CHILD.format(module=module, signum=int(signum), argv=list(argv))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, preexec_fn=start, cwd=cwd)


TRAIN = ["train", "xor", "--epochs", "2", "--quiet"]


# --- an inherited SIG_IGN stays --------------------------------------------------------------
# neuronnet.app.plots is imported only after training, to draw the plots: by then the run has
# long had its stop handlers in place.
PLOTTING = "neuronnet.app.plots"


def plots_written(result):
    return [line.split(": ", 1)[1] for line in result.stdout.splitlines()
            if line.startswith("plot: ")]


@pytest.mark.parametrize("signum", STOPS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_ignored_at_start_does_not_stop_the_run(signum, tmp_path):
    result = run_child(PLOTTING, signum, TRAIN + ["--plot", str(tmp_path)], ignore=signum)
    assert result.stderr.startswith("sent"), result.stderr
    assert result.returncode == 0, result.stderr
    assert "stopped" not in result.stderr
    written = plots_written(result)
    assert written and all(os.path.getsize(path) > 0 for path in written), result.stdout


def test_an_ignored_signal_at_the_first_import_of_a_command_does_not_stop_it():
    result = run_child("neuronnet.app.train_command", signal.SIGHUP, TRAIN, ignore=signal.SIGHUP)
    assert result.stderr.startswith("sent"), result.stderr
    assert result.returncode == 0, result.stderr
    assert "test (" in result.stdout


def test_without_sig_ign_the_same_signal_does_stop_the_run(tmp_path):
    # The counterpart: the hook's signal does reach a run that did not ignore it.
    result = run_child(PLOTTING, signal.SIGHUP, TRAIN + ["--plot", str(tmp_path)])
    assert result.returncode == 128 + signal.SIGHUP, result.stderr
    assert plots_written(result) == []


# --- Ctrl-C while importing --------------------------------------------------------------------
# numpy is the first heavy import (a tenth of a second): the package's names load on first use,
# so even it comes after the program's first line.
@pytest.mark.parametrize("module", ["numpy", "neuronnet.app.recipes",
                                    "neuronnet.app.train_command", "neuronnet.training",
                                    "threadpoolctl"])
def test_ctrl_c_during_the_imports_prints_one_line_and_exits_130(module):
    result = run_child(module, signal.SIGINT, TRAIN)
    lines = result.stderr.splitlines()
    assert lines[0] == "sent", result.stderr
    assert "Traceback" not in result.stderr
    assert len(lines) == 2 and "SIGINT" in lines[1], result.stderr
    assert result.returncode == 130
    assert result.stdout == ""


def test_sigterm_during_the_imports_exits_143_in_one_line():
    result = run_child("neuronnet.app.recipes", signal.SIGTERM, TRAIN)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 2 and "SIGTERM" in result.stderr
    assert result.returncode == 143


# --- the guards themselves, on real signals in this process ----------------------------------
@pytest.fixture
def sighup_ignored():
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    yield
    signal.signal(signal.SIGHUP, previous)


def test_keeping_ignored_puts_sig_ign_back_and_keeps_the_other_handlers(sighup_ignored):
    seen = []

    def install():
        return {s: signal.signal(s, lambda number, frame: seen.append(number)) for s in STOPS}

    previous = keeping_ignored(install)
    try:
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGHUP)
        os.kill(os.getpid(), signal.SIGTERM)
        assert seen == [signal.SIGTERM]
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    assert previous[signal.SIGHUP] == signal.SIG_IGN


def test_an_ignored_signal_inside_a_deferred_block_neither_stops_nor_hides_a_real_one(
        sighup_ignored):
    seen = []
    previous = signal.signal(signal.SIGTERM, lambda number, frame: seen.append(number))
    try:
        with signals_deferred():
            os.kill(os.getpid(), signal.SIGHUP)   # ignored: not noted
            os.kill(os.getpid(), signal.SIGTERM)  # held until the block ends
            assert seen == []
        assert seen == [signal.SIGTERM]
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, previous)
