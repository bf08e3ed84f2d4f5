"""The data readers (neuronnet/io), the generators and splits (neuronnet/training) and the shipped data.

Every reader test writes its own small files into ``tmp_path``; the IDX writer below is written
independently of the package's reader (its own table of type codes), so a wrong table in the
package cannot agree with itself here. The tests of the shipped files (data/mnist, data/iris.csv,
data/mnist-png) pin the known facts about them.
"""
import gzip
import importlib.util
import math
import os
import re
import subprocess
import sys
import threading
import tracemalloc
import warnings
import zlib

import imageio.v3 as iio
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuronnet.io import (
    DataError,
    data_dir,
    idx,
    image_folder,
    load_image_folder,
    load_iris,
    load_mnist,
    read_idx,
)
from neuronnet.training import make_sin, split_indices
from strategies import WrongType, expecting

DATA_DIR = data_dir()

# --------------------------------------------------------------------------------------------
# A tiny IDX writer (the format: 00 00, type code, ndim, ndim big-endian uint32 sizes, data)

IDX_CODE = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(np.int16): 0x0B,
            np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D, np.dtype(np.float64): 0x0E}


def idx_header(code, shape):
    return bytes([0, 0, code, len(shape)]) + b"".join(s.to_bytes(4, "big") for s in shape)


def idx_bytes(array):
    """The IDX encoding of ``array``: header, then the elements big-endian, row-major."""
    big_endian = array.astype(array.dtype.newbyteorder(">"))
    return idx_header(IDX_CODE[array.dtype], array.shape) + big_endian.tobytes()


def write(path, payload, gz=False):
    path.write_bytes(gzip.compress(payload) if gz else payload)
    return path


def raises_naming(path, *fragments):
    """Context: DataError whose message names ``path`` and contains every fragment."""
    return pytest.raises(DataError, match="(?s)" + ".*".join(
        [re.escape(str(path))] + [f"(?:{f})" for f in fragments]))


def sample(dtype, shape):
    """Distinct values of ``dtype`` exercising sign and byte order (258 is 01 02 in int16)."""
    values = np.arange(math.prod(shape)) * 37 - 50
    if np.dtype(dtype).kind == "u":
        values = np.abs(values) % 256
    elif np.dtype(dtype).itemsize == 1:
        values = values % 256 - 128
    elif np.dtype(dtype).kind == "f":
        values = values / 7.0
    else:
        values = values * 129                    # beyond one byte: byte order matters
    return values.astype(dtype).reshape(shape)


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


# --------------------------------------------------------------------------------------------
# MNIST: the shipped files

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


def test_shipped_mnist(mnist):
    X_train, y_train, X_test, y_test = mnist
    assert X_train.shape == (60000, 784) and X_test.shape == (10000, 784)
    assert X_train.dtype == np.uint8 and X_test.dtype == np.uint8
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64
    assert np.bincount(y_train).tolist() == TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == TEST_COUNTS
    # The well-known first labels of each file, and ink in every image.
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert X_train.max() == 255 and (X_train.max(axis=1) > 0).all()


def write_mnist(folder, n_train=6, n_test=4, gz=True, **override):
    """A tiny MNIST-shaped set (4x4 images) in ``folder``; ``override`` replaces arrays by
    file stem (e.g. train_labels=...)."""
    folder.mkdir(exist_ok=True)
    arrays = {
        "train_images": sample(np.uint8, (n_train, 4, 4)),
        "train_labels": (np.arange(n_train) % 10).astype(np.uint8),
        "test_images": sample(np.uint8, (n_test, 4, 4))[::-1].copy(),
        "test_labels": (np.arange(n_test) * 3 % 10).astype(np.uint8),
    }
    arrays.update(override)
    for key, array in arrays.items():
        name = idx.MNIST_FILES[key] + (".gz" if gz else "")
        write(folder / name, idx_bytes(array), gz)
    return arrays


@pytest.mark.parametrize("gz", [True, False], ids=["gzip names", "raw names"])
def test_load_mnist_tiny(tmp_path, gz):
    arrays = write_mnist(tmp_path / "m", gz=gz)
    X_train, y_train, X_test, y_test = load_mnist(tmp_path / "m")
    np.testing.assert_array_equal(X_train, arrays["train_images"].reshape(6, 16))
    np.testing.assert_array_equal(X_test, arrays["test_images"].reshape(4, 16))
    assert y_train.dtype == np.int64 and y_train.tolist() == [0, 1, 2, 3, 4, 5]
    assert y_test.tolist() == [0, 3, 6, 9]


@pytest.mark.parametrize("key,array,fragment", [
    # a 9 first: the message points at the first label above 9, not at a 9
    ("train_labels", np.array([0, 9, 2, 3, 10, 5], np.uint8), "label 10 at index 4; expected "
                                                             "digits 0..9$"),
    ("train_labels", np.arange(5, dtype=np.uint8), "5 labels.*6 images"),
    ("test_images", np.zeros((4, 16), np.uint8), "shape \\(4, 16\\).*3-D"),
    ("test_labels", np.zeros((4, 1), np.uint8), "shape \\(4, 1\\).*1-D"),
    ("train_images", np.zeros((6, 4, 4), np.int16), "int16.*uint8"),
    ("test_images", np.zeros((4, 5, 5), np.uint8), "16 pixels.*test images have 25"),
])
def test_load_mnist_rejects_inconsistent_files(tmp_path, key, array, fragment):
    write_mnist(tmp_path / "m", **{key: array})
    with pytest.raises(DataError, match=fragment) as error:
        load_mnist(tmp_path / "m")
    assert str(tmp_path / "m") in str(error.value)


def test_load_mnist_takes_a_single_image(tmp_path):
    arrays = write_mnist(tmp_path / "m", n_train=1, n_test=1)
    X_train, y_train, X_test, y_test = load_mnist(tmp_path / "m")
    assert X_train.shape == (1, 16) and y_train.tolist() == [0] and y_test.tolist() == [0]
    np.testing.assert_array_equal(X_test, arrays["test_images"].reshape(1, 16))


def test_a_constant_training_feature_is_scaled_by_one_not_zero():
    # min_max_scale: a feature constant on the training rows has no range; it is shifted by
    # its value and divided by 1 (not 0: no nan), in every split, while the others are scaled.
    from neuronnet.training.splits import min_max_scale
    X_train = np.array([[2.0, 0.0], [2.0, 4.0]])
    X_other = np.array([[5.0, 2.0], [-1.0, 8.0]])
    train, other = min_max_scale(X_train, X_other)
    np.testing.assert_array_equal(train, [[0.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(other, [[3.0, 0.5], [-3.0, 2.0]])


def test_load_mnist_missing_file(tmp_path):
    write_mnist(tmp_path / "m")
    (tmp_path / "m" / "t10k-labels.idx1-ubyte.gz").unlink()
    with raises_naming(tmp_path / "m" / "t10k-labels.idx1-ubyte", "does not exist"):
        load_mnist(tmp_path / "m")


# --------------------------------------------------------------------------------------------
# load_image_folder


def write_png(path, image):
    path.parent.mkdir(parents=True, exist_ok=True)
    iio.imwrite(path, image)
    return path


def tiny_folder(root):
    """Three classes named so that string order differs from numeric order: "10" < "2" < "7".
    Files are written out of name order, so reading in sorted order is visible."""
    images = {}
    for c, name in enumerate(["2", "10", "7"]):
        for k, file in enumerate(["b.png", "a.png", "c.png"][: c + 1]):
            image = (np.arange(16).reshape(4, 4) * 11 + 40 * c + 3 * k).astype(np.uint8)
            images[(name, file)] = write_png(root / name / file, image) and image
    (root / "README.txt").write_text("not a class")                 # a plain file in root
    (root / "2" / ".DS_Store").write_bytes(b"\x00junk")             # a hidden file
    (root / ".cache").mkdir()                                        # a hidden folder
    return images


def test_load_image_folder(tmp_path):
    images = tiny_folder(tmp_path)
    X, y, classes, shape = load_image_folder(tmp_path)
    assert classes == ["10", "2", "7"]
    assert shape == (4, 4)
    assert X.dtype == np.uint8 and X.shape == (6, 16)
    assert y.dtype == np.int64 and y.tolist() == [0, 0, 1, 2, 2, 2]
    expected = [images[("10", "a.png")], images[("10", "b.png")], images[("2", "b.png")],
                images[("7", "a.png")], images[("7", "b.png")], images[("7", "c.png")]]
    np.testing.assert_array_equal(X, np.stack(expected).reshape(6, 16))


def test_image_folder_not_an_image(tmp_path):
    tiny_folder(tmp_path)
    bad = tmp_path / "7" / "x.png"
    bad.write_text("this is text, not a PNG")
    with raises_naming(bad, re.escape("not a readable image (opening: OSError: ")):  # the step
        load_image_folder(tmp_path)


def test_image_folder_odd_size(tmp_path):
    tiny_folder(tmp_path)
    bad = write_png(tmp_path / "7" / "d.png", np.zeros((5, 4), np.uint8))
    with raises_naming(bad, "shape \\(5, 4\\)", "expected \\(4, 4\\)"):
        load_image_folder(tmp_path)


def test_image_folder_rgb(tmp_path):
    tiny_folder(tmp_path)
    bad = write_png(tmp_path / "2" / "rgb.png", np.zeros((4, 4, 3), np.uint8))
    with raises_naming(bad, "shape \\(4, 4, 3\\)", "greyscale"):
        load_image_folder(tmp_path)


def test_image_folder_sixteen_bit(tmp_path):
    tiny_folder(tmp_path)
    bad = write_png(tmp_path / "2" / "deep.png", np.full((4, 4), 1000, np.uint16))
    with raises_naming(bad, "uint16", "uint8"):
        load_image_folder(tmp_path)


def test_image_folder_empty_class(tmp_path):
    tiny_folder(tmp_path)
    (tmp_path / "5").mkdir()
    (tmp_path / "5" / ".hidden").write_text("hidden files do not count")
    with raises_naming(tmp_path / "5", "no images"):
        load_image_folder(tmp_path)


def test_image_folder_nested_folder(tmp_path):
    tiny_folder(tmp_path)
    (tmp_path / "7" / "more").mkdir()
    with raises_naming(tmp_path / "7" / "more", "folder"):
        load_image_folder(tmp_path)


def test_image_folder_missing_or_empty_root(tmp_path):
    with raises_naming(tmp_path / "nope", "does not exist"):
        load_image_folder(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with raises_naming(tmp_path / "empty", "no class folders"):
        load_image_folder(tmp_path / "empty")
    (tmp_path / "flat").mkdir()
    write_png(tmp_path / "flat" / "a.png", np.zeros((4, 4), np.uint8))
    with raises_naming(tmp_path / "flat", "no class folders"):
        load_image_folder(tmp_path / "flat")
    with raises_naming(tmp_path / "flat" / "a.png", "not a folder"):
        load_image_folder(tmp_path / "flat" / "a.png")


def png_claiming(width, height, bit_depth=8, colour_type=0, idat=None):
    """A PNG whose IHDR claims ``width`` x ``height`` (with correct CRCs, so Pillow believes
    it), followed by a little real deflate data and IEND: a few hundred bytes that claim an
    image of any size."""
    def chunk(kind, body):
        return (len(body).to_bytes(4, "big") + kind + body
                + zlib.crc32(kind + body).to_bytes(4, "big"))

    ihdr = (width.to_bytes(4, "big") + height.to_bytes(4, "big")
            + bytes([bit_depth, colour_type, 0, 0, 0]))
    idat = zlib.compress(bytes(4096)) if idat is None else idat
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


@pytest.fixture
def no_decoding(monkeypatch):
    """Make any decoding of pixels fail the test: a refusal must come from the header."""
    from PIL import ImageFile

    def load(self):
        raise AssertionError(f"pixels decoded for a {self.size} image that should have been "
                             "refused from its header")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


@pytest.mark.parametrize("width, height, fragments", [
    # Over twice Pillow's MAX_IMAGE_PIXELS (89,478,485): Pillow's own DecompressionBombError.
    (100_000, 100_000, ["DecompressionBombError"]),
    # Between once and twice that: Pillow only warns; the reader makes the warning an error.
    (10_000, 10_000, ["DecompressionBombWarning"]),
    # Under Pillow's limit but over the reader's 16 MiB: the reader's own refusal.
    (5_000, 5_000, ["claims an image of shape \\(5000, 5000\\)", "16777216 bytes"]),
    (4_097, 4_096, ["shape \\(4096, 4097\\)", "16781312 bytes"]),
])
def test_image_folder_refuses_a_huge_claim_from_the_header(tmp_path, no_decoding, width,
                                                           height, fragments):
    """A PNG of a few hundred bytes claiming a huge image is refused before any pixel is
    decoded, with no warning left to escape."""
    bad = tmp_path / "7" / "bomb.png"                 # alone: nothing else is decoded
    bad.parent.mkdir()
    bad.write_bytes(png_claiming(width, height))
    assert bad.stat().st_size < 1000
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")
        with raises_naming(bad, *fragments):
            load_image_folder(tmp_path)
    assert [str(w.message) for w in escaped] == []


def test_image_folder_palette_png_without_a_palette(tmp_path):
    """Found by fuzzing: a PNG of colour type 3 (palette) with no PLTE chunk; imageio asks for
    the palette's mode and gets AttributeError. A DataError naming the file."""
    bad = tmp_path / "c" / "nopalette.png"
    bad.parent.mkdir()
    bad.write_bytes(png_claiming(1, 1, bit_depth=1, colour_type=3))
    with raises_naming(bad, re.escape("not a readable image (reading the header: AttributeError")):
        load_image_folder(tmp_path)


def test_image_folder_a_lying_chunk_length_costs_nothing(tmp_path):
    """Found by fuzzing: one byte of a real 312-byte PNG changed so that its IDAT chunk claims
    83,886,335 bytes. The image still decodes (the deflate stream ends first), but Pillow then
    skips the rest of the chunk with fp.read(83 MB), and a real file's read(n) allocates n
    bytes first. Read from bytes, the read costs what the file holds."""
    real = (PNG_SET / "train" / "0" / "00001.png").read_bytes()
    assert real[33:37] == b"\x00\x00\x00\xff" and real[37:41] == b"IDAT"
    path = tmp_path / "c" / "liar.png"
    path.parent.mkdir()
    path.write_bytes(real[:33] + b"\x05" + real[34:])
    tracemalloc.start()
    try:
        X, _, _, shape = load_image_folder(tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20
    assert shape == (28, 28)
    np.testing.assert_array_equal(X, load_image_folder(PNG_SET / "train")[0][:1])


def test_image_folder_refuses_a_file_too_large_to_be_an_image_it_reads(tmp_path):
    """Checked from the size on disk, before the file is read (a sparse file: no disk used)."""
    big = tmp_path / "c" / "big.png"
    big.parent.mkdir()
    with big.open("wb") as f:
        f.truncate(image_folder.MAX_IMAGE_FILE_BYTES + 1)
    with raises_naming(big, f"{image_folder.MAX_IMAGE_FILE_BYTES + 1} bytes", "at most"):
        load_image_folder(tmp_path)


def test_image_folder_reads_an_image_exactly_at_the_bound(tmp_path):
    """4096x4096 greyscale is exactly MAX_IMAGE_BYTES: still read (the bound is not off by
    one); one row more is refused (above)."""
    image = np.zeros((4096, 4096), np.uint8)
    image[::7, ::3] = 200
    write_png(tmp_path / "a" / "big.png", image)
    assert image_folder.MAX_IMAGE_BYTES == 4096 * 4096
    X, y, classes, shape = load_image_folder(tmp_path)
    assert shape == (4096, 4096) and classes == ["a"]
    np.testing.assert_array_equal(X[0], image.reshape(-1))


def test_image_folder_colour_refused_from_the_header(tmp_path, no_decoding):
    bad = write_png(tmp_path / "2" / "rgb.png", np.zeros((4, 4, 3), np.uint8))
    with raises_naming(bad, "shape \\(4, 4, 3\\)", "greyscale"):
        load_image_folder(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_image_folder_refuses_a_named_pipe_without_hanging(tmp_path):
    """Opening a named pipe blocks until someone writes to it. The reader runs in a thread so
    that a regression fails this test instead of hanging the suite."""
    tiny_folder(tmp_path)
    pipe = tmp_path / "7" / "x.png"
    os.mkfifo(pipe)
    outcome = []

    def read():
        try:
            load_image_folder(tmp_path)
        except DataError as error:
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():                            # blocked in open(): unblock it, then fail
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("load_image_folder blocked opening a named pipe")
    assert len(outcome) == 1 and str(pipe) in str(outcome[0])
    assert "not a regular file" in str(outcome[0])


# --------------------------------------------------------------------------------------------
# The shipped image-folder set and the script that builds it

PNG_SET = DATA_DIR / "mnist-png"


def load_script():
    spec = importlib.util.spec_from_file_location("make_mnist_png",
                                                  DATA_DIR / "make_mnist_png.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("part,per_class", [("train", 200), ("test", 50)])
def test_shipped_mnist_png(mnist, part, per_class):
    """10 digit folders of 28x28 PNGs; every PNG is, pixel for pixel, the MNIST image its name
    gives the index of, and the indices are the first ``per_class`` of each digit."""
    X, y, classes, shape = load_image_folder(PNG_SET / part)
    assert classes == [str(d) for d in range(10)]
    assert shape == (28, 28)
    assert X.shape == (10 * per_class, 784)
    assert np.bincount(y).tolist() == [per_class] * 10
    X_mnist, y_mnist = (mnist[0], mnist[1]) if part == "train" else (mnist[2], mnist[3])
    for d in range(10):
        names = sorted(p.name for p in (PNG_SET / part / str(d)).iterdir())
        indices = [int(name.removesuffix(".png")) for name in names]
        assert names == [f"{i:05d}.png" for i in indices]
        assert indices == np.flatnonzero(y_mnist == d)[:per_class].tolist()
        np.testing.assert_array_equal(X[y == d], X_mnist[indices])
        # The first image of digit d, spelled out as the issue states it.
        np.testing.assert_array_equal(X[y == d][0], X_mnist[np.argmax(y_mnist == d)])


def test_script_builds_and_replaces(tmp_path):
    script = load_script()
    write_mnist(tmp_path / "m", n_train=30, n_test=20)
    out = tmp_path / "png"
    out.mkdir()
    (out / "stale.txt").write_text("from an older build")
    assert script.build(out, per_class_train=2, per_class_test=1, mnist_dir=tmp_path / "m") == 30
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m", "png"]    # no temp folders left
    assert sorted(p.name for p in out.iterdir()) == ["test", "train"]    # old content gone
    assert sorted(p.name for p in (out / "train" / "3").iterdir()) == ["00003.png", "00013.png"]
    assert sorted(p.name for p in (out / "test" / "7").iterdir()) == ["00009.png"]
    X, y, classes, shape = load_image_folder(out / "train")
    X_train, y_train, _, _ = load_mnist(tmp_path / "m")
    assert shape == (4, 4) and classes == [str(d) for d in range(10)]
    np.testing.assert_array_equal(X[y == 3], X_train[[3, 13]])


def test_script_interrupted_leaves_previous_set(tmp_path, monkeypatch):
    script = load_script()
    write_mnist(tmp_path / "m", n_train=30, n_test=20)
    out = tmp_path / "png"
    script.build(out, 2, 1, mnist_dir=tmp_path / "m")
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    real_imwrite, calls = script.iio.imwrite, []

    def crash_on_fifth(*args, **kwargs):
        calls.append(args)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real_imwrite(*args, **kwargs)

    monkeypatch.setattr(script.iio, "imwrite", crash_on_fifth)
    with pytest.raises(KeyboardInterrupt):
        script.build(out, 3, 1, mnist_dir=tmp_path / "m")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m", "png"]
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before


def test_script_too_few_images(tmp_path):
    script = load_script()
    write_mnist(tmp_path / "m", n_train=30, n_test=20)
    with pytest.raises(ValueError, match="per_class: got 4, but digit 0 has only 3"):
        script.build(tmp_path / "png", 4, 1, mnist_dir=tmp_path / "m")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]


# --------------------------------------------------------------------------------------------
# make_sin


def test_make_sin_shapes_range_and_exact_sin():
    x, y = make_sin(1000, np.random.default_rng(0))
    assert x.shape == (1000, 1) and y.shape == (1000, 1)
    assert x.dtype == np.float64 and y.dtype == np.float64
    assert (x >= -np.pi).all() and (x <= np.pi).all()
    assert x.min() < -3.0 and x.max() > 3.0                  # spread over the whole interval
    np.testing.assert_array_equal(y, np.sin(x))


def test_make_sin_draw_order():
    """x first (uniform), then the noise (standard normal); no noise, no second draw."""
    n, sigma = 50, 0.25
    x, y = make_sin(n, np.random.default_rng(7), noise=sigma)
    replay = np.random.default_rng(7)
    x_expected = replay.uniform(-np.pi, np.pi, size=n)
    eps = replay.standard_normal(n)
    np.testing.assert_array_equal(x[:, 0], x_expected)
    np.testing.assert_array_equal(y[:, 0], np.sin(x_expected) + sigma * eps)

    rng, replay = np.random.default_rng(7), np.random.default_rng(7)
    make_sin(n, rng)
    replay.uniform(-np.pi, np.pi, size=n)
    assert rng.random() == replay.random()


def test_make_sin_same_seed_same_data():
    first = make_sin(100, np.random.default_rng(3), noise=0.1)
    second = make_sin(100, np.random.default_rng(3), noise=0.1)
    other = make_sin(100, np.random.default_rng(4), noise=0.1)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], other[0])


def test_make_sin_noise_has_the_stated_sigma():
    """n = 200,000 residuals of sigma 0.3: the sample std has a standard error of
    sigma / sqrt(2n) ~ 0.00047, so the 2% bound (0.006) is about 13 standard errors; the mean's
    bound 5 sigma / sqrt(n) is 5 standard errors."""
    n, sigma = 200_000, 0.3
    x, y = make_sin(n, np.random.default_rng(11), noise=sigma)
    residual = y - np.sin(x)
    assert abs(residual.std() - sigma) < 0.02 * sigma
    assert abs(residual.mean()) < 5 * sigma / math.sqrt(n)


@pytest.mark.parametrize("kwargs,name,error", expecting([
    (dict(n=0), "n"), (dict(n=-3), "n"), WrongType((dict(n=2.5), "n")),
    WrongType((dict(n=True), "n")), (dict(noise=-0.1), "noise"), (dict(noise=float("nan")), "noise"),
    (dict(noise=float("inf")), "noise"), WrongType((dict(noise="0.1"), "noise")),
    WrongType((dict(rng=0), "rng")), WrongType((dict(rng=np.random.RandomState(0)), "rng")),
]))
def test_make_sin_rejects_bad_arguments(kwargs, name, error):
    arguments = dict(n=10, rng=np.random.default_rng(0), noise=0.0) | kwargs
    with pytest.raises(error, match=f"^{name}: got"):
        make_sin(**arguments)


# --------------------------------------------------------------------------------------------
# split_indices

LABELS = np.repeat([3, 0, 7, 1], [50, 31, 7, 12])      # uneven classes, labels not 0..k-1
np.random.default_rng(99).shuffle(LABELS)


def check_partition(parts, n):
    for part in parts:
        assert part.dtype == np.int64
        assert (np.diff(part) > 0).all()                   # sorted, no repeats
    everything = np.concatenate(parts)
    assert len(everything) == n                            # disjoint ...
    assert np.array_equal(np.sort(everything), np.arange(n))   # ... and covering


@pytest.mark.parametrize("fractions", [(0.8, 0.1, 0.1), (0.5, 0.5), (0.6, 0.2, 0.1, 0.1), (1.0,)])
def test_split_indices_stratified(fractions):
    parts = split_indices(LABELS, fractions, np.random.default_rng(0))
    assert len(parts) == len(fractions)
    check_partition(parts, len(LABELS))
    for label in np.unique(LABELS):
        m = np.sum(LABELS == label)
        for part, f in zip(parts, fractions):
            assert abs(np.sum(LABELS[part] == label) - f * m) <= 1


@given(st.lists(st.integers(0, 4), min_size=1, max_size=60),
       st.lists(st.integers(1, 20), min_size=1, max_size=4))
def test_every_class_is_cut_at_the_rounded_cumulative_fractions(labels, weights):
    # The rule the docstring states, exactly: a class of m rows gives part i
    # round(m * F_i) - round(m * F_(i-1)) of its rows, with F the cumulative fractions, F_0 = 0
    # and the last boundary m itself. (Within 1 row of f_i * m, which the tests above check,
    # also holds of truncating or of rounding each part on its own.)
    labels = np.array(labels)
    fractions = tuple(w / sum(weights) for w in weights)
    cumulative = np.cumsum(fractions)
    try:
        parts = split_indices(labels, fractions, np.random.default_rng(0))
    except ValueError as error:
        assert "would be empty" in str(error)
        return
    check_partition(parts, len(labels))
    for label in np.unique(labels):
        m = int(np.sum(labels == label))
        bounds = [0] + [round(m * c) for c in cumulative[:-1]] + [m]
        assert [int(np.sum(labels[part] == label)) for part in parts] == \
            np.diff(bounds).tolist(), (label, m, fractions)


@pytest.mark.parametrize("n", [10, 97, 1000])
def test_split_indices_plain(n):
    fractions = (0.7, 0.15, 0.15)
    parts = split_indices(n, fractions, np.random.default_rng(0))
    check_partition(parts, n)
    for part, f in zip(parts, fractions):
        assert abs(len(part) - f * n) <= 1


@pytest.mark.parametrize("what", [100, LABELS], ids=["plain", "stratified"])
def test_split_indices_deterministic_per_seed(what):
    first = split_indices(what, (0.8, 0.1, 0.1), np.random.default_rng(5))
    again = split_indices(what, (0.8, 0.1, 0.1), np.random.default_rng(5))
    other = split_indices(what, (0.8, 0.1, 0.1), np.random.default_rng(6))
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[1], other[1])


def test_split_indices_is_a_random_split():
    """Not the first rows in order: the held-out part is spread over the data."""
    train, test = split_indices(1000, (0.9, 0.1), np.random.default_rng(0))
    assert test.min() < 100 and test.max() > 900


@pytest.mark.parametrize("fractions,fragment,error", expecting([
    ((0.8, 0.1), "summing to 0.9"), ((0.8, 0.3), "summing to 1.1"),
    ((1.2, -0.2), "> 0"), ((0.5, 0.0, 0.5), "> 0"), ((), "empty"),
    ((0.5, float("nan")), "finite"), WrongType((0.5, "sequence")),
    WrongType((("a", "b"), "finite")),
]))
def test_split_indices_rejects_bad_fractions(fractions, fragment, error):
    with pytest.raises(error, match=f"^fractions: got.*{fragment}"):
        split_indices(10, fractions, np.random.default_rng(0))


def test_split_indices_accepts_a_sum_within_tolerance():
    parts = split_indices(10, (0.7, 0.2, 0.1 + 5e-10), np.random.default_rng(0))
    check_partition(parts, 10)


@pytest.mark.parametrize("what,fragment", [
    (5, "the data has 5 rows, but these fractions need at least 16 rows to"),
    (np.array([0, 0, 1, 1, 1]), "the largest class has 3 rows.*at least 16 rows in one class to"),
])
def test_split_indices_empty_part(what, fragment):
    with pytest.raises(ValueError, match=f"^fractions: got.*part [12].*empty.*{fragment} give "
                                         "every part a row$"):
        split_indices(what, (0.9, 0.05, 0.05), np.random.default_rng(0))
    # ... and the size the message names is enough.
    check_partition(split_indices(16, (0.9, 0.05, 0.05), np.random.default_rng(0)), 16)


@given(st.lists(st.integers(1, 40), min_size=2, max_size=4))
def test_the_rows_an_empty_part_needs_are_the_fewest_that_split(weights):
    # The message's "at least N rows" is the smallest N for which the split succeeds: tried
    # here from the outside, one size after another.
    fractions = tuple(w / sum(weights) for w in weights)
    fewest = next(m for m in range(1, 10**4)
                  if _splits(m, fractions))
    if fewest == 1:
        return
    with pytest.raises(ValueError, match=f"at least {fewest} rows to give every part a row$"):
        split_indices(fewest - 1, fractions, np.random.default_rng(0))


def test_fractions_too_small_to_search_name_the_bound():
    # Below a fraction of 2e-6 the size is not searched (it would take millions of tries):
    # the message names the bound ceil(2 / min f), which always suffices.
    with pytest.raises(ValueError, match="at least 20000000 rows to give every part a row$"):
        split_indices(5, (1 - 1e-7, 1e-7), np.random.default_rng(0))


def _splits(m, fractions):
    try:
        split_indices(m, fractions, np.random.default_rng(0))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("what,error", expecting([
    (0,), (-1,), (True,), (2.0,), (np.array([0.0, 1.0]),), (np.zeros((2, 2), int),),
    (np.array([], dtype=int),), (["a", "b"],)]))
def test_split_indices_rejects_bad_data(what, error):
    with pytest.raises(error, match="^n_or_labels: got"):
        split_indices(what, (0.5, 0.5), np.random.default_rng(0))


def test_split_indices_rejects_global_random_state():
    with pytest.raises(TypeError, match="^rng: got"):
        split_indices(10, (0.5, 0.5), np.random.RandomState(0))


# --------------------------------------------------------------------------------------------
# load_iris


def test_shipped_iris():
    X, y, classes = load_iris()
    assert X.shape == (150, 4) and X.dtype == np.float64
    assert classes == ["setosa", "versicolor", "virginica"]
    assert np.bincount(y).tolist() == [50, 50, 50]


def test_load_iris_errors(tmp_path):
    with raises_naming(tmp_path / "iris.csv", "does not exist"):
        load_iris(tmp_path / "iris.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c,d,species\n1,2,x,4,setosa\n")
    with raises_naming(bad, "line 2"):
        load_iris(bad)


IRIS_HEADER = "sepal_length,sepal_width,petal_length,petal_width,species\n"


@pytest.mark.parametrize("content, fragments", [
    (IRIS_HEADER.encode() + b"5.1,3.5,1.4,0.2,s\xe9tosa\n", ["byte 0xe9", "not UTF-8"]),
    ("\ufeff".encode("utf-16") + IRIS_HEADER.encode("utf-16-le"), ["0xff", "not UTF-8"]),
    (IRIS_HEADER.encode() + b"1" * 200_000 + b",1,1,1,x\n", ["line 2", "field larger"]),
    (IRIS_HEADER.encode() + b"5.1,3.5,1.4,0.2,setosa\x00\n", ["line 2", "NUL"]),
    (IRIS_HEADER.encode() + b"5.1,3.5,1.4,0.2,\n", ["line 2", "species name is empty"]),
    (b"", ["got header None"]),
], ids=["latin-1", "utf-16", "huge field", "NUL", "no species", "empty file"])
def test_load_iris_refuses_what_is_not_a_utf8_csv(tmp_path, content, fragments):
    """Undecodable bytes surface from inside the row loop (text is decoded as the csv module
    reads), and a field over csv.field_size_limit() raises csv.Error: both become DataError."""
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    with raises_naming(bad, *fragments):
        load_iris(bad)


def test_load_iris_one_long_name_costs_what_it_costs(tmp_path):
    """1,000 rows, one species name of 100,000 characters: np.unique on the names would build
    a 1,000 x 100,000 unicode array (400 MB); the reader's memory stays near the file's size."""
    long_name = "v" * 100_000
    rows = [f"5.0,3.0,1.5,0.2,{'setosa' if i else long_name}" for i in range(1000)]
    path = tmp_path / "long.csv"
    path.write_text(IRIS_HEADER + "\n".join(rows) + "\n")
    tracemalloc.start()
    try:
        X, y, classes = load_iris(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20
    assert classes == ["setosa", long_name] and X.shape == (1000, 4)
    assert y.tolist() == [1] + [0] * 999


def test_load_iris_reads_utf8_whatever_the_locale(tmp_path):
    """Species names outside ASCII read the same under any locale: the file is opened as
    UTF-8, not with the locale's encoding. Checked in a child process whose locale encoding is
    ASCII (the C locale, with Python's UTF-8 coercion and UTF-8 mode turned off)."""
    path = tmp_path / "accents.csv"
    path.write_bytes((IRIS_HEADER + "5.1,3.5,1.4,0.2,s\u00e9tosa\n").encode("utf-8"))
    env = dict(os.environ, LC_ALL="C", PYTHONCOERCECLOCALE="0", PYTHONUTF8="0",
               PYTHONIOENCODING="utf-8")
    child = subprocess.run(
        [sys.executable, "-c", "import locale, sys; from neuronnet.io import load_iris; "
         "print(locale.getpreferredencoding(False), load_iris(sys.argv[1])[2])", str(path)],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=60)
    assert child.returncode == 0, child.stderr
    assert child.stdout.split() == ["ANSI_X3.4-1968", "['s\u00e9tosa']"]


def test_an_unreadable_image_says_what_the_decoder_and_its_cause_said():
    # imageio wraps the decoder's error in an OSError of its own: both are named, in order.
    from neuronnet.io.image_folder import _describe
    try:
        try:
            raise ValueError("bad IHDR")
        except ValueError as cause:
            raise OSError("cannot identify image") from cause
    except OSError as error:
        assert _describe(error) == "OSError: cannot identify image; from ValueError: bad IHDR"
    assert _describe(KeyError("x")) == "KeyError: 'x'"


def test_readers_refuse_in_whole_sentences(tmp_path):
    # The path, what is wrong with it, and what was expected: anchored at both ends.
    from neuronnet.io.iris_csv import load_iris as read_iris
    folder = re.escape(str(tmp_path))
    expected = "; expected a folder with one sub-folder of images per class$"
    with pytest.raises(DataError, match=f"^{folder}/nope: does not exist{expected}"):
        load_image_folder(tmp_path / "nope")
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(DataError, match=f"^{folder}/f.txt: is a file, not a folder{expected}"):
        load_image_folder(tmp_path / "f.txt")
    (tmp_path / "a.idx").write_bytes(b"\x01\x02\x08\x01" + b"\x00\x00\x00\x01" + b"\x00")
    with pytest.raises(DataError, match=f"^{folder}/a.idx: bad magic: the first two bytes are "
                                        r"01 02; expected 00 00 \(an IDX file\)$"):
        read_idx(tmp_path / "a.idx")
    (tmp_path / "b.idx").write_bytes(b"\x00\x00\x07\x01" + b"\x00\x00\x00\x01" + b"\x00")
    with pytest.raises(DataError, match=f"^{folder}/b.idx: bad magic: unknown element type code "
                                        "0x07; expected one of 0x08, 0x09, 0x0B, 0x0C, 0x0D, "
                                        "0x0E$"):
        read_idx(tmp_path / "b.idx")
    (tmp_path / "i.csv").write_text("sepal_length,sepal_width,petal_length,petal_width,species\n"
                                    "1,2,x,4,setosa\n")
    with pytest.raises(DataError, match=f"^{folder}/i.csv, line 2: got \\['1', '2', 'x', '4'\\]; "
                                        "expected four numbers$"):
        read_iris(tmp_path / "i.csv")


def test_an_idx_file_may_have_the_most_dimensions_allowed(tmp_path):
    shape = (1,) * idx.MAX_IDX_DIMENSIONS
    (tmp_path / "deep.idx").write_bytes(idx_bytes(np.zeros(shape, np.uint8)))
    assert read_idx(tmp_path / "deep.idx").shape == shape


def test_a_subset_keeps_the_name_unless_given_one():
    from neuronnet.training.dataset import Dataset
    data = Dataset(np.zeros((4, 2)), targets=np.zeros((4, 1)), name="train")
    assert data.subset([0, 1]).name == "train" and data.subset([0], name="part").name == "part"
