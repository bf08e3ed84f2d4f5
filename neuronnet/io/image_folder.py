"""An image folder, the coursework's layout: ``root/<class>/<image>.png``, greyscale.

An image's size is read from its header and checked against MAX_IMAGE_BYTES before any pixel is
decoded, so a small file claiming a huge image costs nothing.
"""
import contextlib
import math
import os
import struct
import warnings
from pathlib import Path

import numpy as np

from ..guards import memory
from ..guards.memory import size_text
from .errors import DataError


def load_image_folder(root):
    """Greyscale images laid out one sub-folder per class: ``root/<class>/<image>.png``.

    Returns ``(X, y, classes, shape)``: X (n, h*w) uint8 pixels, one flattened image per row
    (row-major); y (n,) int64 class indices into ``classes``; classes the sub-folder names;
    shape (h, w), the one shape every image must have.

    Order, so that the result is the same on every machine:
    - classes are the sub-folder names sorted as *strings*: "10" comes before "2", so a digit
      folder "10" gets index 1, not 10. Name folders "02", "10" if numeric order matters.
    - within a class, files are read in sorted name order, and rows follow that order.

    Ignored: names starting with "." (hidden files such as .DS_Store) and plain files directly
    in ``root`` (a README beside the class folders). Every other file in a class folder must be
    a 2-D uint8 greyscale image readable by imageio; anything else is a DataError naming it.
    """
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root: got {root!r}; expected a folder name (str or os.PathLike)")
    root = Path(root)
    if not root.is_dir():
        what = "is a file, not a folder" if root.exists() else "does not exist"
        raise DataError(f"{root}: {what}; expected a folder with one sub-folder of images per "
                        "class")
    class_dirs = sorted((p for p in _listing(root) if p.is_dir() and not p.name.startswith(".")),
                        key=lambda p: p.name)
    if not class_dirs:
        raise DataError(f"{root}: holds no class folders; expected one sub-folder of images per "
                        "class, root/<class>/<image>.png")
    images, y, total = [], [], 0
    limit = memory.memory_limit()        # once: the images and the array they are stacked into
    first = None                         # (path, shape) of the first image: the shape to match
    for index, class_dir in enumerate(class_dirs):
        files = sorted((p for p in _listing(class_dir) if not p.name.startswith(".")),
                       key=lambda p: p.name)
        if not files:
            raise DataError(f"{class_dir}: the class folder holds no images; expected at least "
                            "one")
        for file in files:
            image = _read_grey_image(file)
            total += image.nbytes
            if total > MAX_FOLDER_BYTES:
                raise DataError(f"{root}: the images decode to more than {MAX_FOLDER_BYTES} "
                                f"bytes (at {file}); expected at most that in one folder "
                                "(neuronnet.io.image_folder.MAX_FOLDER_BYTES)")
            if limit is not None and 2 * total > limit.available:
                raise DataError(f"{root}: the images decode to more than {size_text(total)} "
                                f"(at {file}), which with the array they are stacked into needs "
                                f"about {size_text(2 * total)}; expected at most the "
                                f"{limit.describe()}")
            if first is None:
                first = (file, image.shape)
            elif image.shape != first[1]:
                raise DataError(f"{file}: image of shape {image.shape}; expected {first[1]}, the "
                                f"shape of {first[0]} (all images must have one shape)")
            images.append(image)
            y.append(index)
    h, w = first[1]
    X = np.stack(images).reshape(len(images), h * w)
    return X, np.array(y, dtype=np.int64), [p.name for p in class_dirs], (h, w)


def _listing(folder):
    """The entries of ``folder``; a folder that cannot be listed (no permission, a symlink
    loop, gone meanwhile) is the reader's own DataError, naming it."""
    try:
        return list(folder.iterdir())
    except OSError as error:
        raise DataError(f"{folder}: the folder cannot be read ({error.strerror}); expected a "
                        "readable folder of images") from None


# The largest image a class folder may hold, in decoded bytes, checked from the file's header
# before any pixel is decoded. 16 MiB is a 4096x4096 greyscale image: a 16-million-input
# network, far beyond anything this project trains (MNIST is 784). Without the check, a PNG of a
# few hundred bytes can claim 50000x50000 pixels, and Pillow's own decompression-bomb guard only
# warns below 89 million pixels and refuses above twice that.
MAX_IMAGE_BYTES = 2**24
# An image file is read whole before it is decoded (see _read_image_file): no format this reader
# meets stores a 16 MiB image in more than twice that.
MAX_IMAGE_FILE_BYTES = 2 * MAX_IMAGE_BYTES
# The most a whole folder may decode to: 256 MiB (MNIST's 70,000 images are 55 MB). Counted as
# the images are read, each at most MAX_IMAGE_BYTES: many small files cannot cost gigabytes.
MAX_FOLDER_BYTES = 2**28


def _image_errors():
    """What Pillow and imageio raise for a file that is not a readable image.

    Pillow has a parser per format (PNG, BMP, GIF, TIFF, JPEG, ... and TGA, which has no magic
    number, so any bytes may be taken for one), and each reports damage in its own way. Built
    on demand: Pillow is imported only by the image-folder reader."""
    import PIL.Image

    return (
        OSError,       # UnidentifiedImageError, "image file is truncated", decoder errors
                       # ("broken data stream"); and imageio's own, for any error of Pillow's
                       # Image.open (so the types below come from the later steps)
        SyntaxError,   # Pillow's parsers' "not a PNG file", "broken PNG file (chunk ...)"
        ValueError,    # header fields that disagree: unknown mode, palette size, a tile
                       # outside the image, "not enough image data"
        EOFError,      # a parser reading or seeking past the end (a frame that is not there)
        struct.error,  # a fixed-size field unpacked from a read cut short
        IndexError,    # ... or indexed past the end of a short read
        KeyError,      # a TIFF directory missing a required tag
        TypeError,     # a TIFF tag of the wrong type
        AttributeError,  # imageio asks a palette image for its palette's mode, and a PNG of
                         # colour type 3 without a PLTE chunk has no palette (None)
        PIL.Image.DecompressionBombError,    # Pillow's own refusal: over 2x MAX_IMAGE_PIXELS
        PIL.Image.DecompressionBombWarning,  # its warning, made an error while reading (below)
    )


def _read_grey_image(file):
    """One file as a 2-D uint8 array, or DataError naming the file and what it holds.

    The header is read first (size, channels, pixel type) and the pixels decoded only when they
    fit in MAX_IMAGE_BYTES: a file cannot make the reader allocate more than it really holds."""
    import imageio.v3 as iio  # imported here: only the image-folder reader needs it

    if file.is_dir():
        raise DataError(f"{file}: a folder inside a class folder; expected image files only")
    # Hazard: opening a named pipe (FIFO) blocks until someone writes to it: a reader that
    # opened every name in the folder would hang forever on one.
    if not file.is_file():
        raise DataError(f"{file}: not a regular file (a pipe, socket or device?); expected "
                        "image files only")
    encoded = _read_image_file(file)
    # plugin="pillow": PNG (and the other common formats) through Pillow only. Left to choose,
    # imageio would try every plugin it has on a file Pillow cannot read (legacy DICOM,
    # tifffile, ...), each with its own warnings and errors.
    with _pillow_errors(file, "opening"):
        image_file = iio.imopen(encoded, "r", plugin="pillow")
    with image_file:
        with _pillow_errors(file, "reading the header"):
            header = image_file.properties()
        _check_image_header(file, header.shape, header.dtype)
        with _pillow_errors(file, "decoding"):
            image = image_file.read()
    if image.ndim != 2:                  # a multi-frame file whose first frame looked 2-D
        raise DataError(f"{file}: image of shape {image.shape}; expected a 2-D greyscale image")
    if image.dtype != np.uint8:
        raise DataError(f"{file}: pixels of type {image.dtype}; expected 8-bit greyscale "
                        "(uint8)")
    return image


def _read_image_file(file):
    """The file's bytes, when there are at most MAX_IMAGE_FILE_BYTES of them.

    Hazard: Pillow reads some chunks with ``fp.read(length)``, the length taken from the file,
    and a real file's read(n) allocates n bytes before it knows how many there are: one
    damaged PNG chunk length made a 312-byte file cost 80 MB (2 GB is possible). Reading the
    file first and giving Pillow the bytes, whose reads return only what is there, bounds every
    allocation by the file's real size."""
    size = file.stat().st_size
    if size > MAX_IMAGE_FILE_BYTES:
        raise DataError(f"{file}: {size} bytes; expected an image file of at most "
                        f"{MAX_IMAGE_FILE_BYTES} bytes (twice the largest image read)")
    try:
        return file.read_bytes()
    except OSError as error:
        raise DataError(f"{file}: the file could not be read ({type(error).__name__}: "
                        f"{error})") from error


def _check_image_header(file, shape, dtype):
    """Refuse, from the header alone, a colour image or one too large to decode."""
    decoded_bytes = math.prod(shape) * dtype.itemsize
    if decoded_bytes > MAX_IMAGE_BYTES:
        raise DataError(f"{file}: the header claims an image of shape {tuple(shape)} "
                        f"({decoded_bytes} bytes decoded); refusing images over "
                        f"{MAX_IMAGE_BYTES} bytes (a 4096x4096 greyscale image)")
    if len(shape) != 2:
        raise DataError(f"{file}: image of shape {tuple(shape)}; expected a 2-D greyscale image "
                        "(h, w) (colour images have a third axis of 3 or 4 channels)")


@contextlib.contextmanager
def _pillow_errors(file, step):
    """Turn the errors of one Pillow step into a DataError naming the file and the step.

    Only around calls into imageio/Pillow: a bug in this module is not disguised as bad data.
    Pillow's DecompressionBombWarning (a header claiming more than Image.MAX_IMAGE_PIXELS) is
    made an error here, so that such a file is refused before anything is decoded, not merely
    warned about. (catch_warnings changes process-wide state; the readers are not threaded.)"""
    import PIL.Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", PIL.Image.DecompressionBombWarning)
        try:
            yield
        except _image_errors() as error:
            raise DataError(f"{file}: not a readable image ({step}: {_describe(error)})") \
                from None


def _describe(error):
    """'Type: message', and the same of its cause: imageio reports every failure of Pillow's
    Image.open as an OSError of its own whose message does not say what Pillow said."""
    text = f"{type(error).__name__}: {error}"
    if error.__cause__ is not None:
        text += f"; from {type(error.__cause__).__name__}: {error.__cause__}"
    return text


