"""Work that a stop signal must not cut in half: saving a model, copying the best snapshot.

:func:`signals_deferred` holds SIGINT, SIGTERM and SIGHUP until a block ends. The file part
uses it around an atomic write, the training loop around the copy of the best model.
"""
import contextlib
import signal
import threading

_DEFERRED = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
             if hasattr(signal, name)]


@contextlib.contextmanager
def signals_deferred():
    """Hold SIGINT, SIGTERM and SIGHUP until the block ends (main thread; elsewhere a no-op).

    The signals' handlers are swapped for one that only notes the signal; at the end the
    handlers are put back and a noted signal is handed to its own handler, as if it arrived
    then (Ctrl-C raises KeyboardInterrupt; a signal with the default action is raised again).
    Python handlers, not the signal mask: a process with BLAS threads may receive a signal on
    any of them, but Python runs every handler in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted = []
    previous = {signum: signal.signal(signum, lambda number, frame: noted.append(number))
                for signum in _DEFERRED}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if noted:
            _deliver(noted[0], previous[noted[0]])


def _deliver(signum, handler):
    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL:
        signal.raise_signal(signum)
