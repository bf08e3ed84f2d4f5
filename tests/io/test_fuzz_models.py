"""Model files fuzzed: whatever bytes load and load_history are given, each returns a sane result
or raises its own ModelFileError naming the file, quickly and without a large allocation, and
load_history accepts whatever load accepts. The inputs, the limits and the checks of a result:
tests/fuzzing.py."""

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from fuzzing import (
    cases_for,
    check_model,
    draw_input,
    feed,
    own_error,
    report_counts,
)
from neuronnet import io as persistence
from neuronnet.app.models import load_model
from neuronnet.io import ModelFileError
from strategies import budget


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module", autouse=True)
def report(request):
    yield
    report_counts(request, ['npz model'])


@cases_for("npz model")
@settings(max_examples=budget(150), deadline=None)
@given(data=st.data())
def test_load_model_fuzzed(workdir, reader, kind, data):
    """load and load_history on one fuzzed file: each gives a result or a ModelFileError, and
    load_history accepts whatever load accepts (it checks the same headers and reads less)."""
    raw = draw_input(data, reader, kind)
    path = workdir / "fuzzed.npz"
    path.write_bytes(raw)

    def both():
        return (own_error(lambda: load_model(path), ModelFileError, path),
                own_error(lambda: persistence.load_history(path), ModelFileError, path))

    loaded, history = feed(reader, kind, both)
    if loaded is not None:
        note(f"loaded: {loaded}, history {history}")
        assert kind != "truncated", "a truncated model file was loaded"
        assert history is not None, "load accepted a file load_history refused"
        check_model(loaded, history, kind)
