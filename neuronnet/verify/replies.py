"""Reading the submission's replies (isolation.py asks; this reads): waited for no longer than
the open time limit, bounded in size, and whatever text they carry escaped and cut before it
reaches a report."""
import select
import signal
import struct

from . import child as wire
from .limits import REPLY_LIMIT, TEXT_LIMIT, SubmissionStopped, TimeLimitExceeded, seconds_left

OUT_OF_TURN = ("the submission's process sent a reply the checker did not ask for (something "
               "wrote to the checker's pipe)")



def shown(text, limit=TEXT_LIMIT):
    """The submission's text, control characters escaped and cut to ``limit``."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))
    return text if len(text) <= limit else text[:limit] + f"... ({len(text) - limit} more)"


def remote_exception(reply):
    """An exception of the submission's type name carrying its message and traceback."""
    name = shown(reply.get("raised", "Exception"), 60)
    if name == "NotImplementedError":
        error = NotImplementedError(shown(reply.get("message", "")))
    else:
        kind = type(name if name.isidentifier() else "SubmissionError", (Exception,), {})
        error = kind(shown(reply.get("message", "")))
    error.remote_traceback = reply.get("traceback", "")
    return error


class ChildEnded(SubmissionStopped):
    """The submission's process ended while it was answering (it exited, crashed or was
    killed): the property it was answering for is "stopped", with this reason."""


def decoded(value, blobs):
    """The value as the submission returned it: arrays, lists, numbers (float32 kept)."""
    import numpy as np
    if isinstance(value, dict):
        if "npy" in value:
            return wire.decode(value, blobs)
        if "list" in value:
            items = [decoded(v, blobs) for v in value["list"]]
            return tuple(items) if value.get("tuple") else items
        if "num" in value:
            return np.dtype(value["dtype"]).type(value["num"]) if value["dtype"] in (
                "float32", "float16") else value["num"]
        if "bool" in value:
            return value["bool"]
        if "other" in value:
            return type(shown(value["other"], 60).replace(" ", "_") or "object", (), {})()
    return value


def read_message(fd, doing):
    """The child's reply, waited for in ``select`` up to the open time limit: past it,
    :class:`TimeLimitExceeded` naming the call ("computing gradient() ran past 10 s")."""
    (size,) = struct.unpack(">Q", _read_exactly(fd, 8, doing))
    if size > REPLY_LIMIT:
        raise ChildEnded(f"the submission sent a reply of {size} bytes while {doing}; expected "
                         f"at most {REPLY_LIMIT}")
    return wire.parse_body(_read_exactly(fd, size, doing))


def _read_exactly(fd, n, doing):
    def wait():
        seconds, limit = seconds_left()
        if seconds is not None:
            ready, _, _ = select.select([fd], [], [], max(seconds, 0.0))
            if not ready:
                raise TimeLimitExceeded(f"{doing.removeprefix('computing ')} ran past "
                                        f"{limit:g} s")
    return wire.read_exactly(fd, n, wait)


def status_text(code):
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with status {code}"
