"""A submission in a process of its own: :class:`Submission` starts ``child.py`` on the checked
file and gives the checker a ``build`` whose networks answer every call from that process.

The parent (this process) draws the examples, holds the oracle and the numeric checks, and
decides the verdict and the report: nothing the submission does reaches them. Patching
neuronnet or the reference patches the child's copies; exiting, ``os._exit``, ``atexit`` or a
crash ends the child, and the call that was running fails with one line that says so (the next
example starts a fresh child); what it prints or writes to file descriptors 1 and 2 goes to
stderr, never into the report; a call that runs past the time limit is stopped by the parent's
own timer, which the submission cannot touch, and the child is killed. The child runs under a
memory limit (RLIMIT_AS) and one BLAS thread. Arrays cross as ``.npy`` bytes, never pickled.
"""
import inspect
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from . import child as wire
from .checks import PENALTY_FORMS
from .contract import OPTIONAL, REQUIRED, Uncheckable
from .limits import MEMORY_LIMIT_GIB, TimeLimitExceeded, seconds_left, time_limit
from .notes import record_warning
from .replies import (
    OUT_OF_TURN,
    ChildEnded,
    decoded,
    read_message,
    remote_exception,
    shown,
    status_text,
)

CHILD = Path(wire.__file__).resolve()


class Submission:
    """The checked file in its own process. Use as a context manager; ``build`` is the
    contract's ``build(layer_sizes, activations, loss)``."""

    def __init__(self, path, name="build", import_seconds=None, debug=False,
                 memory_gib=MEMORY_LIMIT_GIB, quiet=False, forbid=(), style=None):
        self.path, self.name, self.import_seconds = Path(path).resolve(), name, import_seconds
        self.debug, self.memory_bytes, self.quiet = debug, int(memory_gib * 2**30), quiet
        self.forbid = list(forbid)   # modules the file may not import (grading.forbidden)
        self.style = style           # a ready adapter's name (verify.adapters), or None
        self.one_hot = False         # the adapter's style checks one-hot targets only
        self.assumes = ""            # the adapter's one line on what it assumes
        self.blocked = set()         # those it tried to import, as its process reported
        self.process = None
        self.dropped = []
        self.ended = None    # why the last process ended: what a later call on its networks says

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # --- the process -------------------------------------------------------------------------
    def start(self):
        requests_r, self.requests = os.pipe()
        self.replies, replies_w = os.pipe()
        # A temporary folder of its own: the only place a graded submission may write.
        self.scratch = tempfile.mkdtemp(prefix="neuronnet-submission-")
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": self.scratch}
        # What the submission prints goes to our stderr (a learner's debugging prints), or
        # nowhere when ``quiet`` (a grader's folder: megabytes of it must cost nothing).
        shown_to = subprocess.DEVNULL if self.quiet else 2
        memory = self.memory_bytes
        self.process = subprocess.Popen(
            # -I: no user site, no PYTHON* variables, the script's folder not on sys.path;
            # -B: no __pycache__ beside the submission (a check leaves nothing behind); -u: what
            # it prints arrives as it prints it, not lost in a buffer when the process is killed.
            [sys.executable, "-I", "-B", "-u", str(CHILD), str(requests_r), str(replies_w)],
            pass_fds=(requests_r, replies_w), stdin=subprocess.DEVNULL, stdout=shown_to,
            stderr=shown_to, env=env, cwd=str(self.path.parent),
            preexec_fn=lambda: _limits(memory))
        os.close(requests_r)
        os.close(replies_w)
        try:
            with time_limit(self.import_seconds):
                reply, _ = self._ask({"op": "load", "path": str(self.path),
                                      "name": self.name, "forbid": self.forbid,
                                      "style": self.style},
                                     "importing it")
        except TimeLimitExceeded:
            raise Uncheckable(f"importing it took over {self.import_seconds:g} s; expected a "
                              "file that defines build quickly (no training when it is "
                              "imported)") from None
        except ChildEnded as ended:
            raise Uncheckable(f"{ended.reason}; expected a file Python can run") from None
        if "raised" in reply and reply.get("adapting"):
            self.stop()
            raise Uncheckable(f"--style {self.style}: {shown(reply['raised'], 60)}: "
                              f"{shown(reply.get('message', ''))}")
        if "raised" in reply:
            if self.debug:
                print(reply.get("traceback", ""), file=sys.stderr)
            self.stop()
            line = f" (line {reply['line']})" if reply.get("line") else ""
            raise Uncheckable(f"it does not import{line}: {shown(reply['raised'], 60)}: "
                              f"{shown(reply.get('message', ''))}; expected a file Python can "
                              "run")
        loaded = reply.get("loaded")
        keywords = reply.get("keywords")
        if not isinstance(loaded, str) or not isinstance(keywords, list):
            self.stop()
            raise Uncheckable(f"{OUT_OF_TURN} while importing it; expected a file that leaves "
                              "the checker's pipe alone")
        self._take_build(keywords)
        self.one_hot = bool(reply.get("one_hot", False))
        self.assumes = shown(reply.get("assumes", ""))
        if loaded != "callable":
            self.stop()
        if loaded == "missing":
            raise Uncheckable(f"it defines no {self.name!r}; expected a function "
                              f"{self.name}(layer_sizes, activations, loss) that returns a "
                              "network (or name yours with --build NAME)")
        if loaded != "callable":
            raise Uncheckable(f"{self.name} is a {loaded}; expected a function "
                              f"{self.name}(layer_sizes, activations, loss)")
        if reply.get("signature"):
            self.stop()
            raise Uncheckable(f"{self.name}{shown(reply['signature'])} cannot be called as "
                              f"{self.name}(layer_sizes, activations, loss); expected a "
                              "function of those three arguments")

    def stop(self):
        if self.process is None:
            return
        for fd in (self.requests, self.replies):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.process.poll() is None:
            try:   # the child leads a session of its own: whatever it started goes with it
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                self.process.kill()
        self.process.wait()
        self.process = None
        shutil.rmtree(self.scratch, ignore_errors=True)

    def _ask(self, request, doing, blobs=()):
        """Send ``request`` and wait for the reply, no longer than the open time limit
        (limits.seconds_left): the wait is ours, in ``select``, so no code of the submission's
        can stretch it. Past the limit, or on anything that interrupts the wait (Ctrl-C), the
        child is killed: a later answer must not be read as the reply to another request."""
        if self.process is None:
            self.start()
        try:
            wire.write_message(self.requests, request, blobs)
            reply, replies = read_message(self.replies, doing)
            if not isinstance(reply, dict):
                raise ChildEnded(f"{OUT_OF_TURN} while {doing}")
            blocked = reply.get("blocked") if isinstance(reply, dict) else None
            if isinstance(blocked, list):
                self.blocked.update(shown(name, 60) for name in blocked[:20])
            return reply, replies
        except (EOFError, BrokenPipeError, ConnectionError):
            status = self.process.wait()
            self.stop()
            self.ended = f"the submission {status_text(status)} while {doing}"
            raise ChildEnded(self.ended) from None
        except TimeLimitExceeded as stopped:
            # Our timer or our select: either way the call is named, and the child killed.
            self.stop()
            seconds, limit = seconds_left()
            self.ended = stopped.reason or (f"{doing.removeprefix('computing ')} ran past "
                                            f"{limit:g} s" if limit else "")
            raise TimeLimitExceeded(self.ended) from None
        except BaseException:
            self.stop()
            raise

    # --- the contract --------------------------------------------------------------------------
    def _take_build(self, keywords):
        """``self.build``: the contract's ``build``, whose signature names the penalty keywords
        (contract.PENALTY_FORMS) the file's own build takes, so that the checker finds its
        penalty as it would in the file itself (contract.penalty_keyword)."""
        taken = [k for k in keywords if isinstance(k, str) and k in PENALTY_FORMS]

        def build(layer_sizes, activations, loss, **penalty):
            return self._build(layer_sizes, activations, loss, penalty)
        parameters = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                      for name in ("layer_sizes", "activations", "loss")]
        parameters += [inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=0.0)
                       for k in taken]
        build.__signature__ = inspect.Signature(parameters)
        self.build = build

    def _build(self, layer_sizes, activations, loss, penalty):
        request = {"op": "build", "args": [list(map(int, layer_sizes)), list(activations), loss],
                   "kwargs": {k: float(v) for k, v in penalty.items()},
                   "methods": list(REQUIRED + OPTIONAL)}
        if self.dropped:
            self._ask({"op": "drop", "ids": self.dropped}, "freeing networks")
            self.dropped = []
        doing = f"building {list(layer_sizes)}"
        reply, _ = self._ask(request, doing)
        if "raised" in reply:
            raise remote_exception(reply)
        try:
            return Remote(self, int(reply["id"]), str(reply["type"]),
                          [str(m) for m in reply["methods"]], self.process)
        except (KeyError, TypeError, ValueError):
            self.stop()
            raise ChildEnded(f"{OUT_OF_TURN} while {doing}") from None


class Remote:
    """A network in the submission's process: its methods are the ones it has."""

    def __init__(self, submission, key, type_name, methods, process):
        self._submission, self._key, self._methods = submission, key, set(methods)
        self._process = process
        self.__class__ = type(shown(type_name, 60) if type_name.isidentifier() else "Network",
                              (Remote,), {})

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._methods:
            raise AttributeError(name)
        return lambda *args, **kwargs: self._call(name, args, kwargs)

    def __del__(self):
        if self._submission.process is self._process:
            self._submission.dropped.append(self._key)

    def _call(self, method, args, kwargs):
        if self._submission.process is not self._process:   # the child was restarted
            raise ChildEnded(self._submission.ended or f"{method}() was called on a network "
                             "whose process had ended")
        blobs = []
        request = {"op": "call", "id": self._key, "method": method,
                   "args": [wire.encode(a, blobs) for a in args],
                   "kwargs": {k: wire.encode(v, blobs) for k, v in kwargs.items()}}
        reply, replies = self._submission._ask(request, f"computing {method}()", blobs)
        try:
            for kind, message in list(reply.get("warnings", []))[:20]:
                record_warning(f"{method}()", shown(kind, 60), shown(message))
            if "raised" in reply:
                error = remote_exception(reply)
            else:
                return decoded(reply["value"], replies)
        except (KeyError, TypeError, ValueError, IndexError, OSError):
            self._submission.stop()
            raise ChildEnded(f"{OUT_OF_TURN} while computing {method}()") from None
        raise error


def _limits(memory_bytes):
    """In the child before it runs: a memory limit (RLIMIT_AS), a session of its own (Ctrl-C
    at the terminal reaches the parent, which stops the child itself), and death with the
    parent (Linux's PR_SET_PDEATHSIG): a child spinning in a loop never outlives the check."""
    import resource
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ValueError, OSError):
        pass
    os.setsid()
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
