"""One helper for the units' own tests of a refusal: the behaviour (the error's class, the
argument named first), never the words. The words' shape is checked once, for every refusal, by
tests/test_refusals.py."""
import pytest


def refused(error, name, call):
    """``call()`` must raise exactly ``error`` whose message begins ``name: ``; the message."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert type(info.value) is error, f"{type(info.value).__name__}: {message}"
    assert message.startswith(f"{name}: "), f"not named {name!r}: {message}"
    return message
