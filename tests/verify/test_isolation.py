"""The checked file in a process of its own (neuronnet/verify/isolation.py, child.py): nothing the
submission does reaches the verdict, the report or the exit status. Each test is a trick a
clever student tried, run through ``neuronnet check --json`` as a grader would, with stdout and
stderr captured at the file descriptors (the submission's process writes to them itself)."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from neuronnet.app.cli import main

PROPERTY = "gradient_equals_the_reference"

# A network that is the reference, except where a trick replaces one of its methods.
PREAMBLE = """
import numpy as np
import reference
from reference import MLP
"""
BUILD = """

def build(layer_sizes, activations, loss):
    return Student(layer_sizes, activations, loss, rng=np.random.default_rng(0))
"""


def submission(tmp_path, top="", gradient=None):
    """A file whose network is the reference with ``gradient``'s body (None: the reference's
    own) and ``top`` run at import."""
    method = "    pass\n" if gradient is None else (
        "    def gradient(self, X, Y):\n" + textwrap.indent(textwrap.dedent(gradient), " " * 8))
    path = tmp_path / "student.py"
    path.write_text(PREAMBLE + textwrap.dedent(top) + "\n\nclass Student(MLP):\n" + method + BUILD)
    return path


def checked(capfd, path, *extra):
    """(exit status, the JSON report, stderr) of checking one property of ``path``."""
    status = main(["check", str(path), "--json", "--property", PROPERTY, *extra])
    captured = capfd.readouterr()
    return status, json.loads(captured.out), captured.err


def result_of(report):
    (result,) = report["results"]
    return result


# --- a submission that stops answering: one named verdict, and the child is gone --------------
HANGS = {
    "a busy loop": "while True:\n    pass\n",
    "a loop that swallows every exception": (
        "while True:\n    try:\n        while True:\n            pass\n"
        "    except BaseException:\n        pass\n"),
    "a sleep inside C": "import time\ntime.sleep(600)\n",
    "the timer ignored and cleared": (
        "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
        "signal.setitimer(signal.ITIMER_REAL, 0)\nwhile True:\n    pass\n"),
    "every stop signal ignored": (
        "import signal\nfor s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):\n"
        "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass\n"),
}


@pytest.mark.parametrize("how", HANGS)
def test_a_call_that_never_returns_is_stopped_by_name_and_its_process_killed(how, tmp_path,
                                                                              capfd):
    pid_file = tmp_path / "pid"
    path = submission(tmp_path, top=f"import os\nopen({str(pid_file)!r}, 'w').write("
                                    "str(os.getpid()))\n", gradient=HANGS[how])
    status, report, _ = checked(capfd, path, "--time-limit", "0.5")
    result = result_of(report)
    assert status == 1 and not report["passed"]
    assert result["status"] == "stopped", result
    assert "gradient()" in result["reason"] and "0.5 s" in result["reason"], result["reason"]
    with pytest.raises(ProcessLookupError):   # the last process it ran in is gone
        os.kill(int(pid_file.read_text()), 0)


def test_a_stop_signal_to_the_checker_ends_it_and_its_submission(tmp_path):
    # The submission ignores every stop signal and never returns: the checker, stopped, still
    # ends at once, with its own exit status, and takes the submission's process with it.
    pid_file = tmp_path / "pid"
    path = submission(tmp_path, top=f"import os\nopen({str(pid_file)!r}, 'w').write("
                                    "str(os.getpid()))\n", gradient=HANGS["every stop signal ignored"])
    checker = subprocess.Popen([sys.executable, "-m", "neuronnet", "check", str(path),
                                "--time-limit", "600"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)                              # well inside the hanging call by now
    checker.send_signal(signal.SIGTERM)
    _, err = checker.communicate(timeout=60)
    assert checker.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


@pytest.mark.parametrize("body, words", [
    ("import os\nos._exit(0)\n", "exited with status 0"),
    ("import os\nos._exit(3)\n", "exited with status 3"),
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "killed by SIGKILL"),
])
def test_a_submission_that_ends_its_process_gets_a_named_verdict(body, words, tmp_path, capfd):
    status, report, _ = checked(capfd, submission(tmp_path, gradient=body))
    result = result_of(report)
    assert status == 1 and result["status"] == "stopped", result
    assert words in result["reason"] and "gradient()" in result["reason"], result["reason"]


# --- a wrong gradient stays wrong, whatever the file does around it ---------------------------
DOUBLED = ("if globals().get('CHECKED'):\n    return super().gradient(X, Y)\n"
           "return [2 * g for g in super().gradient(X, Y)]\n")
TRICKS = {
    "it patches the oracle": (
        "_real = reference.MLP.gradient\n"
        "reference.MLP.gradient = lambda self, X, Y: [2 * g for g in _real(self, X, Y)]\n"),
    "it patches the checker": (
        "import neuronnet.verify.checks.compare as compare\n"
        "compare.close_enough = lambda *args, **kwargs: True\n"),
    "it exits 0 when the interpreter ends": "import atexit, os\natexit.register(os._exit, 0)\n",
    "it writes a forged report to file descriptor 1": (
        "import json, os\nos.write(1, json.dumps({'passed': True}).encode())\n"),
    "it sets numpy to raise on every warning": "np.seterr(all='raise')\n",
    # A "defeat device": the right gradient only when the checker is loaded beside it.
    "it answers right only where the checker is loaded": (
        "import sys\n"
        "_real = reference.MLP.gradient\n"
        "CHECKED = any(name.split('.')[0] in ('neuronnet', 'hypothesis') for name in sys.modules)\n"),
}


@pytest.mark.parametrize("how", TRICKS)
def test_a_wrong_gradient_fails_whatever_the_file_does_around_it(how, tmp_path, capfd):
    status, report, _ = checked(capfd, submission(tmp_path, top=TRICKS[how], gradient=DOUBLED))
    assert status == 1 and not report["passed"]
    assert result_of(report)["status"] == "FAILED"


@pytest.mark.parametrize("how", ["it sets numpy to raise on every warning",
                                 "it exits 0 when the interpreter ends"])
def test_a_correct_network_passes_whatever_the_file_does_around_it(how, tmp_path, capfd):
    status, report, _ = checked(capfd, submission(tmp_path, top=TRICKS[how]))
    assert status == 0 and result_of(report)["status"] == "passed", result_of(report)


def test_what_it_writes_to_file_descriptors_1_and_2_never_reaches_the_report(tmp_path, capfd):
    body = "import os\nos.write(1, b'FORGED-1')\nos.write(2, b'FORGED-2')\n" + DOUBLED
    status, report, err = checked(capfd, submission(tmp_path, gradient=body))
    assert status == 1 and result_of(report)["status"] == "FAILED"   # stdout parsed as JSON
    assert "FORGED-1" in err and "FORGED-2" in err


# --- its text: escaped and bounded --------------------------------------------------------------
@pytest.mark.parametrize("raised", [
    "raise ValueError('\\x1b[2J\\x1b[31m' * 100000)",
    "class Odd(Exception):\n    def __str__(self):\n        raise RuntimeError\nraise Odd()",
    "class Odd(BaseException):\n    pass\nraise Odd('a BaseException of its own')",
    "raise GeneratorExit",
    "raise KeyboardInterrupt",
])
def test_what_it_raises_is_a_failure_told_in_bounded_printable_text(raised, tmp_path, capfd):
    status, report, _ = checked(capfd, submission(tmp_path, gradient=raised))
    result = result_of(report)
    assert status == 1 and result["status"] == "FAILED", result
    text = json.dumps(report, ensure_ascii=False)   # its strings as they are, not escaped
    assert "\x1b" not in text and len(text) < 50_000
    main(["check", str(submission(tmp_path, gradient=raised)), "--property", PROPERTY])
    shown = capfd.readouterr().out
    assert "\x1b" not in shown and len(shown) < 50_000


def test_memory_past_the_limit_fails_the_call_not_the_checker(tmp_path, capfd):
    body = "block = bytearray(3 << 30)\nreturn super().gradient(X, Y)\n"
    status, report, _ = checked(capfd, submission(tmp_path, gradient=body),
                                "--memory-limit", "1")
    result = result_of(report)
    assert status == 1 and result["status"] == "FAILED"
    assert "MemoryError" in result["failure"]["message"], result["failure"]["message"]


# --- a penalty declared by the file's build reaches it across the pipe -------------------------
@pytest.mark.parametrize("passes_l2, passed", [(True, True), (False, False)])
def test_a_penalty_keyword_of_the_files_build_is_drawn_and_handed_over(passes_l2, passed,
                                                                       tmp_path, capfd):
    path = tmp_path / "student.py"
    path.write_text(PREAMBLE + (
        "\n\ndef build(layer_sizes, activations, loss, l2=0.0):\n"
        "    return MLP(layer_sizes, activations, loss, rng=np.random.default_rng(0)"
        + (", l2=l2)\n" if passes_l2 else ")\n")))
    status, report, _ = checked(capfd, path)
    assert "l2" in report["accepted"], report["accepted"]
    assert report["passed"] is passed and status == (0 if passed else 1), result_of(report)
