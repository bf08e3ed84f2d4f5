"""The helpers of refusals: ``refused`` for the units' own tests (the behaviour: the error's
class, the argument named first, never the words), and the one structural check of the refusal
tables (tests/test_refusals.py, tests/reference/test_refusals.py), with ``each`` for their rows."""
import pytest


def refused(error, name, call):
    """``call()`` must raise exactly ``error`` whose message begins ``name: ``; the message."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert type(info.value) is error, f"{type(info.value).__name__}: {message}"
    assert message.startswith(f"{name}: "), f"not named {name!r}: {message}"
    return message


def each(prefix, check, name, values):           # rows of one check: each says it got repr(x)
    return [(f"{prefix}-{x!r}", lambda x=x: check(x), error, name, repr(x)) for x, error in values]


def assert_refusal(call, error, name, got, folder, also=()):
    """``call()`` (or ``call(folder)``, when it takes one argument) raises ``error`` (or one of
    ``also``, for a ValueError) with ``name: got ...; expected ...`` on one line, the got part
    saying ``got`` (None: prose, not checked). The one structural check of every refusal table."""
    assert error in (TypeError, ValueError)
    with pytest.raises(Exception) as info:
        call(folder) if call.__code__.co_argcount and not call.__defaults__ else call()
    message = str(info.value)
    assert type(info.value) is error or (error is ValueError and type(info.value) in also), \
        f"{type(info.value).__name__}: {message}"
    said, sep, expected = message.partition("; expected")
    assert sep and expected.strip(), f"nothing said of what was expected: {message}"
    assert said.startswith(f"{name}: ") and len(said) > len(name) + 2, \
        f"not named {name!r}: {message}"
    assert got is None or got in said[len(name) + 2:], f"does not say it got {got!r}: {message}"
    assert "\n" not in message, message
