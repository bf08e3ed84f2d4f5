"""The stop signals (SIGINT, SIGTERM, SIGHUP): work they must not cut in half, and a signal the
user ignored, which stays ignored.

:func:`signals_deferred` holds the signals until a block ends. The file part uses it around an
atomic write, the training loop around the copy of the best model.

:func:`keeping_ignored` installs handlers without undoing an inherited SIG_IGN: ``nohup`` starts
a program with SIGHUP ignored, and a shell script's background job has SIGINT ignored; such a
run must go on when the signal comes.
"""
import contextlib
import signal
import threading

_DEFERRED = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
             if hasattr(signal, name)]


def ignored(signums=None):
    """The stop signals (or those of ``signums``) whose disposition is SIG_IGN now."""
    return [signum for signum in (_DEFERRED if signums is None else signums)
            if signal.getsignal(signum) == signal.SIG_IGN]


def keeping_ignored(install):
    """Call ``install()`` (which sets handlers for the stop signals), then put SIG_IGN back on
    every stop signal that was ignored before; returns what ``install()`` returned.

    Race-free: the ignored signals are blocked meanwhile, and a signal that arrives then stays
    pending until its disposition is SIG_IGN again, which discards it (POSIX). Outside the main
    thread, or where there is no signal mask (Windows), ``install()`` alone."""
    kept = ignored()
    block = getattr(signal, "pthread_sigmask", None)
    if not kept or block is None or threading.current_thread() is not threading.main_thread():
        return install()
    mask = block(signal.SIG_BLOCK, kept)
    try:
        result = install()
        for signum in kept:
            signal.signal(signum, signal.SIG_IGN)
    finally:
        block(signal.SIG_SETMASK, mask)
    return result


@contextlib.contextmanager
def signals_deferred():
    """Hold SIGINT, SIGTERM and SIGHUP until the block ends (main thread; elsewhere a no-op).

    The signals' handlers are swapped for one that only notes the signal; at the end the
    handlers are put back and a noted signal is handed to its own handler, as if it arrived
    then (Ctrl-C raises KeyboardInterrupt; a signal with the default action is raised again).
    A signal ignored (SIG_IGN) is left ignored: it is not noted, so it can neither stop the
    run afterwards nor hide a signal that does. Python handlers, not the signal mask: a process
    with BLAS threads may receive a signal on any of them, but Python runs every handler in
    the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted = []
    held = [signum for signum in _DEFERRED if signum not in ignored()]
    previous = {signum: signal.signal(signum, lambda number, frame: noted.append(number))
                for signum in held}
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
