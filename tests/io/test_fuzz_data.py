"""The data readers fuzzed (read_idx raw and gzipped, load_iris, load_image_folder): whatever
bytes a reader is given, it returns a sane result or raises its own DataError naming the file,
quickly and without a large allocation. The inputs, the limits and the checks of a result:
tests/fuzzing.py."""
import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzzing import (
    cases_for,
    check_idx,
    check_iris,
    check_png,
    draw_input,
    feed,
    own_error,
    report_counts,
)
from neuronnet.io import DataError, load_image_folder, load_iris, read_idx
from strategies import budget


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module", autouse=True)
def report(request):
    yield
    report_counts(request, ['idx raw', 'idx gzip', 'iris csv', 'png folder'])


@cases_for("idx raw", "idx gzip")
@settings(max_examples=budget(150), deadline=None)
@given(data=st.data())
def test_read_idx_fuzzed(workdir, reader, kind, data):
    raw = draw_input(data, reader, kind)
    path = workdir / "fuzzed.idx"
    path.write_bytes(raw)
    result = feed(reader, kind, lambda: own_error(lambda: read_idx(path), DataError, path))
    if result is not None:
        # Cut short, an IDX file (raw or gzipped) is always short of its promised bytes.
        assert kind != "truncated", "a truncated file was read as whole"
        check_idx(result, raw if reader == "idx raw" else gzip.decompress(raw))


@cases_for("iris csv")
@settings(max_examples=budget(150), deadline=None)
@given(data=st.data())
def test_load_iris_fuzzed(workdir, reader, kind, data):
    raw = draw_input(data, reader, kind)
    path = workdir / "fuzzed.csv"
    path.write_bytes(raw)
    result = feed(reader, kind, lambda: own_error(lambda: load_iris(path), DataError, path))
    if result is not None:
        check_iris(result, kind)


@cases_for("png folder")
@settings(max_examples=budget(150), deadline=None)
@given(data=st.data())
def test_load_image_folder_fuzzed(workdir, reader, kind, data):
    """A class folder holding one fuzzed PNG."""
    raw = draw_input(data, reader, kind)
    path = workdir / "images" / "c" / "fuzzed.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    result = feed(reader, kind, lambda: own_error(lambda: load_image_folder(path.parent.parent),
                                                 DataError, path))
    if result is not None:
        check_png(result, kind)
