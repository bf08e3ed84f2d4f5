"""Every way to stop a run from outside: Ctrl-C (SIGINT), SIGTERM and SIGHUP, handled alike.

While the command line runs, each of the three raises :class:`Stopped` (a KeyboardInterrupt, so
the training loop keeps its history and best snapshot exactly as it does for Ctrl-C) and is
remembered, so that the program can exit with 128 + the signal's number (130 for Ctrl-C, 143
for SIGTERM, 129 for SIGHUP), the shell's convention. A model being saved is not cut short:
the atomic write holds these signals until the file is in place (neuronnet.io.atomic).
"""
import signal
import threading

SIGNALS = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
           if hasattr(signal, name)]
_received = []


class Stopped(KeyboardInterrupt):
    """A stop signal arrived; ``signum`` says which."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _handle(signum, frame):
    _received.append(signum)
    raise Stopped(signum)


def install():
    """Handle the stop signals (main thread only); returns what :func:`restore` needs."""
    _received.clear()
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {signum: signal.signal(signum, _handle) for signum in SIGNALS}


def restore(previous):
    for signum, handler in previous.items():
        signal.signal(signum, handler)


def received():
    """The number of the first stop signal received since :func:`install`, or None."""
    return _received[0] if _received else None


def check():
    """Raise :class:`Stopped` if a stop signal arrived: for a command whose work swallowed it
    (a training loop keeps going to its end) and must not go on as if nothing happened."""
    if _received:
        raise Stopped(_received[0])


def exit_status(signum=None):
    """128 + the signal's number (130 for Ctrl-C)."""
    return 128 + int(signum if signum is not None else signal.SIGINT)
