"""Output that cannot cost a run its save: a write error on stdout or stderr is kept, not raised.

``neuronnet train ... > /dev/full`` fails on its first line (or, block-buffered, at a later
flush). Raised there, the error would end the run before its save; here it is noted, the rest
of the output goes nowhere, and the command reports it once the model is saved, naming the
stream. A closed pipe (``| head``) is not an error: the rest goes to the null device, the run
goes on, as the command line's own ``out`` does.
"""
import os
import sys


class Guarded:
    """``out(line)`` through ``write``, keeping the first write error (``error``) instead of
    raising it; after one, lines are dropped. ``stream``: the name the report gives it."""

    def __init__(self, write, stream="stdout"):
        self.write, self.stream, self.error = write, stream, None

    def __call__(self, line):
        if self.error is None:
            try:
                self.write(line)
            except OSError as error:
                self._failed(error)

    def flush(self):
        """Push out what the stream buffered: a write error shows here at the latest."""
        if self.error is None:
            try:
                getattr(sys, self.stream).flush()
            except OSError as error:
                self._failed(error)

    def _failed(self, error):
        _discard(self.stream)
        if not isinstance(error, BrokenPipeError):  # the reader went away: not an error
            self.error = error

    def failure(self):
        """``stdout could not be written (No space left on device)``, or None."""
        if self.error is None:
            return None
        return f"{self.stream} could not be written ({self.error.strerror or self.error})"


def tell(line, stdout=None):
    """Print ``line`` on stderr; if stderr cannot be written, on stdout (when its Guarded
    ``stdout`` has not failed), saying so. Never raises a write error."""
    try:
        print(line, file=sys.stderr, flush=True)
        return
    except OSError as error:
        _discard("stderr")
        reason = error.strerror or error
    if stdout is not None and stdout.error is None:
        stdout(f"{line}; stderr could not be written ({reason})")
        stdout.flush()


def _discard(stream):
    """Point the broken stream at the null device, so that what it still buffers does not fail
    again at exit (Python would then exit 120). Only for a real stream with a descriptor."""
    try:
        fd = getattr(sys, stream).fileno()
        null = os.open(os.devnull, os.O_WRONLY)
    except (AttributeError, OSError, ValueError):
        return
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)
