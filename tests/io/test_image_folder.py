"""load_image_folder (neuronnet/io/image_folder.py): a folder of class folders read, every bad
file or folder refused as a DataError naming it, a huge claim refused from the header before
any pixel is decoded; and the reader at its limits: the size
of one file and of the whole folder are inclusive limits, the first image sets the shape every
other must have, and a file that fails to decode is named with the step that failed."""
import os
import re
import threading
import tracemalloc
import warnings
import zlib

import imageio.v3 as iio
import numpy as np
import pytest

from idx_files import raises_naming
from neuronnet import io
from neuronnet.io import (
    DataError,
    data_dir,
    image_folder,
    load_image_folder,
)

DATA_DIR = data_dir()


PNG_SET = DATA_DIR / "mnist-png"


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



def refused(root):
    """The sentence load_image_folder refuses ``root`` with."""
    with pytest.raises(io.DataError) as info:
        io.load_image_folder(root)
    return str(info.value)


def folder(tmp_path, shapes=((2, 3), (2, 3))):
    """One class folder "a" holding one PNG per shape, named 0.png, 1.png, ..."""
    (tmp_path / "a").mkdir()
    for i, shape in enumerate(shapes):
        iio.imwrite(tmp_path / "a" / f"{i}.png", np.full(shape, 7 * i, dtype=np.uint8))
    return tmp_path


def test_the_folder_limit_is_inclusive(tmp_path, monkeypatch):
    root = folder(tmp_path)                                # two images of 6 bytes each
    monkeypatch.setattr(image_folder, "MAX_FOLDER_BYTES", 12)
    X, y, classes, shape = io.load_image_folder(root)
    assert X.shape == (2, 6) and shape == (2, 3), (X.shape, shape)
    assert y.tolist() == [0, 0] and classes == ["a"], (y, classes)
    monkeypatch.setattr(image_folder, "MAX_FOLDER_BYTES", 11)
    with pytest.raises(io.DataError) as info:
        io.load_image_folder(root)
    assert str(info.value).startswith(f"{root}: the images decode to more than 11 "), \
        str(info.value)


def test_the_file_size_limit_is_inclusive(tmp_path, monkeypatch):
    root = folder(tmp_path, shapes=((2, 3),))
    size = (root / "a" / "0.png").stat().st_size
    monkeypatch.setattr(image_folder, "MAX_IMAGE_FILE_BYTES", size)
    assert io.load_image_folder(root)[0].shape == (1, 6)
    monkeypatch.setattr(image_folder, "MAX_IMAGE_FILE_BYTES", size - 1)
    got = refused(root)
    assert got.startswith(f"{root / 'a' / '0.png'}: {size} bytes; expected ") and \
        f"at most {size - 1} bytes" in got, got


def test_the_first_image_sets_the_shape(tmp_path):
    root = folder(tmp_path, shapes=((2, 3), (3, 2)))
    got = refused(root)
    assert got.startswith(f"{root / 'a' / '1.png'}: image of shape (3, 2); expected (2, 3)"), got
    assert str(root / "a" / "0.png") in got, got


def test_a_file_that_fails_to_decode_names_the_step(tmp_path):
    root = folder(tmp_path, shapes=((40, 40),))
    png = root / "a" / "0.png"
    data = png.read_bytes()
    png.write_bytes(data[:-30])                   # the header intact, the pixel data cut short
    with pytest.raises(io.DataError) as info:
        io.load_image_folder(root)
    assert str(info.value).startswith(f"{png}: not a readable image (decoding: "), \
        str(info.value)


def test_a_root_that_is_not_a_folder_is_named(tmp_path):
    with raises_naming(tmp_path / "nope", "does not exist"):
        load_image_folder(tmp_path / "nope")
    (tmp_path / "f.txt").write_text("x")
    with raises_naming(tmp_path / "f.txt", "is a file, not a folder"):
        load_image_folder(tmp_path / "f.txt")
