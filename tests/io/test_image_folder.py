"""The image-folder reader at its limits (docs/semantics.md, "Refusals and limits"): the size
of one file and of the whole folder are inclusive limits, the first image sets the shape every
other must have, and a file that fails to decode is named with the step that failed."""
import imageio.v3 as iio
import numpy as np
import pytest

from neuronnet import io
from neuronnet.io import image_folder


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
    got, want = refused(root), (f"{root / 'a' / '0.png'}: {size} bytes; expected an image file "
                                f"of at most {size - 1} bytes (twice the largest image read)")
    assert got == want, f"\n got: {got}\nwant: {want}"


def test_the_first_image_sets_the_shape(tmp_path):
    root = folder(tmp_path, shapes=((2, 3), (3, 2)))
    got, want = refused(root), (f"{root / 'a' / '1.png'}: image of shape (3, 2); expected "
                                f"(2, 3), the shape of {root / 'a' / '0.png'} (all images must "
                                "have one shape)")
    assert got == want, f"\n got: {got}\nwant: {want}"


def test_a_file_that_fails_to_decode_names_the_step(tmp_path):
    root = folder(tmp_path, shapes=((40, 40),))
    png = root / "a" / "0.png"
    data = png.read_bytes()
    png.write_bytes(data[:-30])                   # the header intact, the pixel data cut short
    with pytest.raises(io.DataError) as info:
        io.load_image_folder(root)
    assert str(info.value).startswith(f"{png}: not a readable image (decoding: "), \
        str(info.value)
