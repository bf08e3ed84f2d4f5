"""The checker's settings, in one place (imported by the command line without hypothesis), and
the time limit that enforces one of them."""
import signal
import time
from contextlib import contextmanager

TIME_LIMIT = 10.0     # seconds per example, by default
THOROUGH = 10         # a thorough run draws this many times each property's examples
PROBE_LIMIT = 6       # probing every architecture may take this many time limits
TINY_PARAMETERS = 24  # "tiny" networks, for exhaustive numeric gradients
# Shrinking a failure stops after SHRINK_CALLS runs of the property (a count, not a time, so
# that the same file and seed give the same report on a busy machine and an idle one), or
# after SHRINK_CEILING seconds for a slow network, which the report then says.
SHRINK_CALLS = 300
# Once one property has failed, the others that fail are most often the same bug seen again:
# their first failing example is reported as found, not shrunk (the report starts from the
# first failure, which is); this is what keeps a buggy network's check within seconds.
SECONDARY_SHRINK_CALLS = 0
SHRINK_CEILING = 60.0
# The submission's own process (isolation.py): the address space it may map, ``--memory-limit``
# in GiB (numpy and a network of the checked sizes need well under 1 GiB; 4 leaves room for a
# submission that imports more), the bytes of one reply it may send, and the characters of its
# text (an exception's message, a type's name) a report shows.
MEMORY_LIMIT_GIB = 4.0
REPLY_LIMIT = 256 << 20
TEXT_LIMIT = 300


class SubmissionStopped(BaseException):
    """The submission stopped answering: its process ran past the time limit, exited, or was
    killed. ``reason`` says which and during what ("gradient() ran past 10 s"). A
    BaseException, so that the network's own ``except Exception`` cannot swallow it, and
    hypothesis does not shrink it: the property's verdict is "stopped", with the reason."""

    def __init__(self, reason=""):
        super().__init__(reason)
        self.reason = reason


class TimeLimitExceeded(SubmissionStopped):
    """An example ran over the time limit."""


_DEADLINES = []   # time.monotonic() deadlines of the time_limit blocks now open, innermost last


def seconds_left():
    """(seconds, limit) of the innermost open :func:`time_limit`, or (None, None) outside one:
    how long a wait for the submission may last (isolation.py waits no longer)."""
    if not _DEADLINES:
        return None, None
    deadline, seconds = min(_DEADLINES)
    return deadline - time.monotonic(), seconds


@contextmanager
def time_limit(seconds):
    """Raise :class:`TimeLimitExceeded` in this thread after ``seconds`` (a POSIX interval
    timer; where there is none, or off the main thread, no limit)."""
    if not seconds or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise TimeLimitExceeded()

    try:
        previous = signal.signal(signal.SIGALRM, expired)
    except ValueError:   # not the main thread
        yield
        return
    # A block inside another keeps the outer one's deadline when it is the nearer (setitimer
    # holds one timer: the inner block's would otherwise replace it), and puts the outer timer
    # back, with what is left of it, when it ends.
    outer, _ = seconds_left()
    _DEADLINES.append((time.monotonic() + seconds, seconds))
    signal.setitimer(signal.ITIMER_REAL, max(min(seconds, outer if outer is not None
                                                 else seconds), 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _DEADLINES.pop()
        signal.signal(signal.SIGALRM, previous)
        left, _ = seconds_left()
        if left is not None:
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))
