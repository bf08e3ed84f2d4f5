"""What a check saw that is not a failure: numpy's warnings, a repeat that differed within the
tolerance, the precision a network computes in. A note stands beside a verdict; it never
changes one (a property fails only for a wrong value, compare.py).

While a property runs, :func:`collecting` gathers notes; anything that runs the network may
call :func:`note`. Each note has a key, and the first note of a key is kept (with the numbers
of the example it was seen on), so that a property drawing 40 examples reports a warning once.
"""
import contextlib
import contextvars
import warnings

import numpy as np

_NOTES = contextvars.ContextVar("neuronnet_verify_notes", default=None)
_WHERE = contextvars.ContextVar("neuronnet_verify_where", default="")


@contextlib.contextmanager
def where(circumstance):
    """Notes taken in the block say ``circumstance`` (e.g. "with every weight times 900")."""
    token = _WHERE.set(circumstance)
    try:
        yield
    finally:
        _WHERE.reset(token)


def note(key, text):
    """Keep ``text`` under ``key`` for the property running now (the first one of a key)."""
    notes = _NOTES.get()
    if notes is not None and key not in notes:
        notes[key] = text


@contextlib.contextmanager
def collecting():
    """Gather the notes of the block: yields the dict ``{key: text}`` it fills."""
    notes = {}
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)


# What a warning's message tells about the code, where the remedy is well known. A hint is
# added only for the function the warning names: numpy says "overflow encountered in exp".
_REMEDIES = {
    "exp": "if this is a sigmoid written 1 / (1 + np.exp(-z)), 0.5 * (1 + np.tanh(z / 2)) "
           "gives the same values without the warning; a softmax subtracts each row's "
           "maximum before np.exp",
    "log": "np.log of 0 (or of a negative number); a cross-entropy computed from the logits "
           "(log-sum-exp) never takes the log of 0",
    "divide": "a division by zero",
}


@contextlib.contextmanager
def warnings_noted(call):
    """Run the network's ``call`` with numpy's floating-point warnings (overflow, division by
    zero, invalid operations; underflow, numpy's default, stays silent) turned on and recorded,
    whatever the process set before (``np.seterr(all="raise")`` included): a warning becomes a
    note, and the values are judged as they came out."""
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        yield
    for warning in caught:
        record_warning(call, type(warning.message).__name__, str(warning.message))


def record_warning(call, category, message):
    """Note that the network's ``call`` warned ``category: message`` (the first of each
    message), with the remedy where the message names a function whose remedy is known."""
    function = message.rsplit(" ", 1)[-1] if " encountered in " in message else ""
    remedy = _REMEDIES.get(function) or _REMEDIES.get("divide" if "divide" in message else "")
    circumstance = _WHERE.get()
    text = (f"{call}{' ' + circumstance if circumstance else ''} warned {category}: "
            f"{message!r}, and its values were judged as they came out")
    if remedy:
        text += f" ({remedy})"
    note(f"warning: {message}", text)
