"""The checker's settings, in one place (imported by the command line without hypothesis), and
the time limit that enforces one of them."""
import signal
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


class TimeLimitExceeded(BaseException):
    """An example ran over the time limit. A BaseException, so that the network's own
    ``except Exception`` cannot swallow it, and hypothesis does not shrink it."""


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
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
