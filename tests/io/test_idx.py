"""read_idx (neuronnet/io/idx.py): round trips of every element type, raw and gzipped; every
kind of corrupt file refused as a DataError naming the file and what is wrong, without
allocating what the header claims; and a header at the edges of what numpy can index. A size
of 0 makes the payload empty, so no file-size check can refuse a shape; the reader refuses, by
name, exactly the shapes whose other sizes times the element size pass numpy's largest index,
and reads every other one."""
import gzip
import pathlib
import tracemalloc
import zlib

import numpy as np
import pytest

from idx_files import IDX_CODE, idx_bytes, idx_header, raises_naming, sample, write
from neuronnet import io
from neuronnet.io import (
    DataError,
    data_dir,
    idx,
    read_idx,
)

DATA_DIR = data_dir()
INTP_MAX = np.iinfo(np.intp).max
SIXTY_FOUR_BIT = pytest.mark.skipif(INTP_MAX != 2**63 - 1, reason="shapes of a 64-bit index")


# --------------------------------------------------------------------------------------------
# read_idx: round trips


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gzip"])
@pytest.mark.parametrize("dtype", list(IDX_CODE), ids=[d.name for d in IDX_CODE])
@pytest.mark.parametrize("shape", [(5,), (3, 2, 4), (2, 1, 3, 2)])
def test_read_idx_round_trip(tmp_path, dtype, shape, gz):
    array = sample(dtype, shape)
    result = read_idx(write(tmp_path / "a.idx", idx_bytes(array), gz))
    assert result.shape == shape
    assert result.dtype == dtype and result.dtype.isnative
    np.testing.assert_array_equal(result, array)


def test_read_idx_detects_gzip_from_content_not_name(tmp_path):
    array = sample(np.int16, (4, 3))
    gz_named_raw = write(tmp_path / "raw.idx.gz", idx_bytes(array), gz=False)
    raw_named_gz = write(tmp_path / "packed.idx", idx_bytes(array), gz=True)
    np.testing.assert_array_equal(read_idx(gz_named_raw), array)
    np.testing.assert_array_equal(read_idx(raw_named_gz), array)


def test_read_idx_reads_across_chunks(tmp_path, monkeypatch):
    """A payload many chunks long is reassembled in order (small chunks force the loop)."""
    monkeypatch.setattr(idx, "CHUNK_BYTES", 7)
    array = sample(np.int32, (10, 9))
    for gz in (False, True):
        np.testing.assert_array_equal(read_idx(write(tmp_path / "a", idx_bytes(array), gz)),
                                      array)


# --------------------------------------------------------------------------------------------
# read_idx: corrupt files

GOOD = idx_bytes(sample(np.uint8, (3, 2, 2)))       # header 16 bytes + 12 bytes of data

CORRUPT = {
    "empty file": (b"", "truncated header"),
    "two bytes": (b"\x00\x00", "truncated header"),
    "first byte nonzero": (b"\x01" + GOOD[1:], "bad magic.*01 00"),
    "second byte nonzero": (b"\x00\x08" + GOOD[2:], "bad magic.*00 08"),
    "unknown type code": (GOOD[:2] + b"\x07" + GOOD[3:], "unknown element type code 0x07"),
    "ndim 0": (GOOD[:3] + b"\x00" + GOOD[4:], "0 dimensions"),
    # numpy arrays have at most 32 (numpy 1.x) or 64 dimensions: with a zero size the payload
    # is empty and every size check passes, so only the ndim bound stops numpy's own ValueError.
    "ndim 65, sizes 0": (idx_header(0x08, (0,) * 65), "65 dimensions.*1 to 32"),
    "ndim 255": (GOOD[:3] + b"\xff" + GOOD[4:], "255 dimensions"),
    # Found by fuzzing: an empty array numpy cannot shape (its other sizes overflow an index).
    "zero size beside huge ones": (idx_header(0x08, (0,) + (2**32 - 1,) * 3),
                                   "sizes .* multiply beyond"),
    "sizes cut short": (GOOD[:10], "truncated header.*3 dimensions need 12 bytes"),
    "data cut short": (GOOD[:-1], "truncated.*12 bytes"),
    "data missing": (GOOD[:16], "truncated.*12 bytes"),
    "extra byte": (GOOD + b"\x00", "12 bytes.*(extra|more)"),
}


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gzip"])
@pytest.mark.parametrize("case", list(CORRUPT))
def test_read_idx_rejects_corrupt_file(tmp_path, case, gz):
    payload, fragment = CORRUPT[case]
    path = write(tmp_path / "bad.idx", payload, gz)
    with raises_naming(path, fragment):
        read_idx(path)


def test_read_idx_raw_extra_bytes_counted(tmp_path):
    path = write(tmp_path / "bad.idx", GOOD + b"abc")
    with raises_naming(path, "holds 15 bytes after the header", "3 extra bytes"):
        read_idx(path)


def test_read_idx_message_states_claim_and_holding(tmp_path):
    path = write(tmp_path / "x.idx", idx_header(0x08, (60000, 28, 28)) + bytes(1234))
    with raises_naming(path, "60000 images of 28x28", "47040000 bytes", "holds 1234 bytes"):
        read_idx(path)


def peak_bytes_while_refused(path, *words):
    """The peak of Python-traced memory while read_idx refuses ``path`` with a DataError naming
    the file and ``words``: a reader that allocated what the header claims would show here."""
    tracemalloc.start()
    try:
        with raises_naming(path, *words):
            read_idx(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gzip"])
@pytest.mark.parametrize("shape", [(2**31, 28, 28), (2**32 - 1,) * 3, (2**31,)])
def test_read_idx_huge_claim_fails_without_allocating(tmp_path, monkeypatch, shape, gz):
    """A tiny file whose header claims 2**31 images is refused from its header (more than the
    readers decode, MAX_IDX_BYTES) with no big allocation: the array constructor is never
    reached and traced memory stays under 8 MB."""
    path = write(tmp_path / "liar.idx", idx_header(0x08, shape) + bytes(100), gz)

    def no_array(*args, **kwargs):
        raise AssertionError("read_idx built an array from a file that cannot be valid")

    monkeypatch.setattr(np, "frombuffer", no_array)
    assert peak_bytes_while_refused(path, "expected at most") < 8 * 2**20


def test_read_idx_gzip_bomb_stops_early(tmp_path):
    """A gzip stream decompressing to 64 MB behind a header promising 7840 bytes: rejected as
    soon as the stream exceeds the promise, with memory bounded by about one chunk."""
    path = tmp_path / "bomb.idx.gz"
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)        # wbits 31: gzip container
    with path.open("wb") as f:
        f.write(packer.compress(idx_header(0x08, (10, 28, 28))))
        zeros = bytes(2**20)
        for _ in range(64):
            f.write(packer.compress(zeros))
        f.write(packer.flush())
    assert path.stat().st_size < 2**20
    assert peak_bytes_while_refused(path, "7840 bytes", "more") < 8 * 2**20


def gzipped_sample(kind):
    """A gzipped IDX file's bytes: random pixels (stored deflate blocks, so damage shows only in
    the CRC) or a smooth pattern (compressed blocks, so damage breaks the deflate data)."""
    if kind == "random":
        array = np.random.default_rng(0).integers(0, 256, size=(50, 20, 20), dtype=np.uint8)
    else:
        array = (np.arange(50 * 20 * 20) % 7).astype(np.uint8).reshape(50, 20, 20)
    return gzip.compress(idx_bytes(array))


@pytest.mark.parametrize("kind", ["random", "smooth"])
def test_read_idx_corrupt_gzip_flipped_bytes(tmp_path, kind):
    packed = bytearray(gzipped_sample(kind))
    middle = len(packed) // 2
    for i in range(middle, middle + 8):
        packed[i] ^= 0xFF
    path = write(tmp_path / "flipped.idx.gz", bytes(packed))
    with raises_naming(path):
        read_idx(path)


@pytest.mark.parametrize("keep", ["half", "all but the trailer", "all but one byte"])
def test_read_idx_truncated_gzip(tmp_path, keep):
    packed = gzipped_sample("smooth")
    cut = {"half": len(packed) // 2, "all but the trailer": len(packed) - 8,
           "all but one byte": len(packed) - 1}[keep]
    path = write(tmp_path / "cut.idx.gz", packed[:cut])
    with raises_naming(path, "gzip|truncated"):
        read_idx(path)


def test_read_idx_bad_crc(tmp_path):
    packed = bytearray(gzipped_sample("smooth"))
    packed[-8] ^= 0x01                                      # first byte of the CRC32 trailer
    path = write(tmp_path / "crc.idx.gz", bytes(packed))
    with raises_naming(path, "gzip"):
        read_idx(path)


@pytest.mark.parametrize("layout", ["two members", "three members, one empty",
                                    "zero padding after"])
def test_read_idx_concatenated_gzip_members(tmp_path, layout):
    """A gzip file may hold several members one after another (``cat a.gz b.gz``) and end in
    zero padding (tape blocks); the reader takes the stream they make together."""
    array = sample(np.int16, (6, 5))
    raw = idx_bytes(array)
    packed = {"two members": gzip.compress(raw[:11]) + gzip.compress(raw[11:]),
              "three members, one empty": (gzip.compress(raw[:20]) + gzip.compress(b"")
                                           + gzip.compress(raw[20:])),
              "zero padding after": gzip.compress(raw) + bytes(64)}[layout]
    np.testing.assert_array_equal(read_idx(write(tmp_path / "a.idx.gz", packed)), array)


def test_read_idx_garbage_after_the_gzip_stream(tmp_path):
    path = write(tmp_path / "a.idx.gz", gzip.compress(GOOD) + b"trailing junk")
    with raises_naming(path, "gzip stream is corrupt"):
        read_idx(path)


def test_read_idx_missing_file_and_folder(tmp_path):
    with raises_naming(tmp_path / "nope.idx", "does not exist"):
        read_idx(tmp_path / "nope.idx")
    with raises_naming(tmp_path, "not a file"):
        read_idx(tmp_path)


def test_data_error_is_a_value_error():
    assert issubclass(DataError, ValueError)



def test_an_idx_file_may_have_the_most_dimensions_allowed(tmp_path):
    shape = (1,) * idx.MAX_IDX_DIMENSIONS
    (tmp_path / "deep.idx").write_bytes(idx_bytes(np.zeros(shape, np.uint8)))
    assert read_idx(tmp_path / "deep.idx").shape == shape


def idx_file(path, code, shape, payload=b""):
    path.write_bytes(bytes([0, 0, code, len(shape)])
                     + b"".join(n.to_bytes(4, "big") for n in shape) + payload)
    return path


@SIXTY_FOUR_BIT
@pytest.mark.parametrize("code, itemsize, shape", [
    # (2**63 - 1) = 218934409 * 4544113 * 9271: exactly the largest index, in bytes of uint8.
    (0x08, 1, (0, 218934409, 4544113, 9271)),
    # Under it with the sizes as they are, over it if a 0 were counted as 2.
    (0x08, 1, (0, 2**32 - 1, 2**31)),
])
def test_an_empty_array_of_a_shape_numpy_can_index_is_read(tmp_path, code, itemsize, shape):
    assert np.prod([max(n, 1) for n in shape], dtype=object) * itemsize <= INTP_MAX
    array = io.read_idx(idx_file(tmp_path / "empty.idx", code, shape))
    assert array.shape == shape and array.size == 0


@SIXTY_FOUR_BIT
@pytest.mark.parametrize("code, shape", [
    (0x08, (0, 2**32 - 1, 2**32 - 1, 2)),  # the sizes alone pass the largest index
    (0x0E, (0, 2**31 - 1, 2**31 - 1)),     # the sizes pass it only as float64 bytes (x 8)
])
def test_a_shape_past_the_largest_index_is_refused_by_name(tmp_path, code, shape):
    path = idx_file(tmp_path / "huge.idx", code, shape)
    with pytest.raises(io.DataError) as info:
        io.read_idx(path)
    assert str(info.value).startswith(f"{path}: bad header: the sizes {shape} multiply beyond "
                                      "what numpy can index"), str(info.value)


def test_the_payload_limit_is_inclusive(tmp_path, monkeypatch):
    # MAX_IDX_BYTES is 2**28 (256 MB); the same comparison is run at a limit of 6 bytes.
    from neuronnet.io import idx
    assert idx.MAX_IDX_BYTES == 2**28
    monkeypatch.setattr(idx, "MAX_IDX_BYTES", 6)
    assert io.read_idx(idx_file(tmp_path / "six.idx", 0x08, (6,), b"abcdef")).tolist() == \
        list(b"abcdef")
    path = idx_file(tmp_path / "seven.idx", 0x08, (7,), b"abcdefg")
    with pytest.raises(io.DataError, match=r"expected at most 6 bytes decoded"):
        io.read_idx(path)


def test_a_bad_magic_names_the_file_and_the_bytes_it_found(tmp_path):
    (tmp_path / "a.idx").write_bytes(b"\x01\x02\x08\x01" + b"\x00\x00\x00\x01" + b"\x00")
    with raises_naming(tmp_path / "a.idx", "bad magic", "01 02"):
        read_idx(tmp_path / "a.idx")
    (tmp_path / "b.idx").write_bytes(b"\x00\x00\x07\x01" + b"\x00\x00\x00\x01" + b"\x00")
    with raises_naming(tmp_path / "b.idx", "bad magic", "0x07"):
        read_idx(tmp_path / "b.idx")


def test_an_idx_file_that_cannot_be_read_is_named_with_the_cause(tmp_path, monkeypatch):
    with raises_naming(tmp_path / "none.idx", "does not exist"):
        read_idx(tmp_path / "none.idx")
    with raises_naming(tmp_path, "not a file"):
        read_idx(tmp_path)
    broken = tmp_path / "broken.idx.gz"
    broken.write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x05abcde")[:-6])
    with raises_naming(broken, "gzip") as info:
        read_idx(broken)
    cause = info.value.__cause__
    assert isinstance(cause, (OSError, EOFError)) and type(cause).__name__ in str(info.value)
    # A raw file the system will not open (as root, permissions cannot refuse it: simulated).
    raw = tmp_path / "raw.idx"
    raw.write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x01a")

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(pathlib.Path, "open", refuse)
    with raises_naming(raw, "PermissionError"):
        read_idx(raw)
