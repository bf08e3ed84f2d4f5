"""Reading the data shipped in data/ and preparing it for a network.

Readers (every one raises ``DataError`` for a bad file, naming the file, what was found and what
was expected):

- ``load_iris``: Fisher's iris, a CSV.
- ``read_idx`` and ``load_mnist``: MNIST in LeCun's IDX format, gzipped or raw.
- ``load_image_folder``: the coursework's layout, ``root/<class>/<image>.png``.

Nothing a file claims is believed before it is checked: an IDX header's sizes against the bytes
that follow, an image's size (from its header, before any pixel is decoded) against
MAX_IMAGE_BYTES. A file of a few hundred bytes cannot make a reader allocate gigabytes, and a
damaged file gives a DataError, never another exception (tests/test_fuzz_readers.py feeds
them fuzzed bytes).

Generators and preparation: ``make_sin`` (seed 000's regression task), ``split_indices`` (seeded
train/valid/test splits, stratified when given labels), ``stratified_split`` (the two-way split
the iris comparison uses), ``one_hot``, ``scale_to_unit`` (pixels to [0, 1], a batch at a time)
and ``min_max_scale`` (features to [0, 1] with training statistics only).

Random state comes only from a ``numpy.random.Generator`` passed in, never from numpy's global
state, so that a seed given once reproduces every split and every draw.
"""
import contextlib
import csv
import gzip
import math
import numbers
import struct
import warnings
import zlib
from pathlib import Path

import numpy as np

from .validation import check_generator, check_positive_int, check_real

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class DataError(ValueError):
    """A data file (or folder) is missing, unreadable, or holds something other than expected.

    The one error type every reader here raises for bad files and contents. A ``ValueError``, so
    code that catches bad values in general catches this too. The message names the file."""


# --------------------------------------------------------------------------------------------
# iris


def load_iris(path=None):
    """Fisher's iris: X (150, 4) float64 features, y (150,) int class indices, and the class
    names (sorted). Reads a UTF-8 CSV with a header row and the species name in the last column.
    """
    path = Path(path) if path is not None else DATA_DIR / "iris.csv"
    if not path.is_file():
        raise DataError(f"{path}: the file does not exist (or is not a file); expected the iris "
                        "CSV (shipped as data/iris.csv)")
    try:
        # Hazard: without encoding=, open() decodes with the locale's encoding, so the same
        # file would read differently on another machine. The CSV is UTF-8 (ASCII, in fact).
        with path.open(newline="", encoding="utf-8") as f:
            features, names = _read_iris_rows(path, csv.reader(f))
    # Hazard: the text is decoded lazily, a block at a time, as the csv reader asks for lines;
    # so a byte that is not UTF-8 (a binary file, a Latin-1 or UTF-16 export) surfaces here, from
    # inside the loop over rows, not from open().
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: byte 0x{error.object[error.start]:02x} is not UTF-8 text "
                        f"({error.reason}); expected a UTF-8 CSV file") from None
    except OSError as error:
        raise DataError(f"{path}: the file could not be read ({type(error).__name__}: "
                        f"{error})") from error
    X = np.array(features, dtype=np.float64)
    if X.size == 0 or not np.isfinite(X).all():
        raise DataError(f"{path}: expected at least one row of finite numbers")
    # Hazard: np.unique(names) would first build a fixed-width unicode array as wide as the
    # longest name for every row: one 100,000-character name in a 1,000-row file would cost
    # 400 MB. Sorting the distinct names as Python strings costs what the names cost.
    classes = sorted(set(names))
    index = {name: k for k, name in enumerate(classes)}
    y = np.array([index[name] for name in names], dtype=np.int64)
    return X, y, classes


def _read_iris_rows(path, rows):
    """(features, names): four floats and a species name per data row of the csv reader."""
    features, names = [], []
    try:
        header = next(rows, None)
        if header is None or len(header) != 5:
            raise DataError(f"{path}: got header {header!r}; expected 4 feature columns and "
                            "a species column")
        for row in rows:
            if row:                          # blank lines are skipped
                features.append(_iris_features(path, rows.line_num, row))
                names.append(row[4])
    # Hazard: the csv module refuses a field longer than csv.field_size_limit() (131,072
    # characters) with its own csv.Error; no iris number or name is anywhere near that long.
    except csv.Error as error:
        raise DataError(f"{path}, line {rows.line_num}: not a readable CSV row ({error})") \
            from None
    return features, names


def _iris_features(path, line_no, row):
    """The four numbers of one row, or DataError naming the line."""
    if len(row) != 5:
        raise DataError(f"{path}, line {line_no}: got {len(row)} fields; expected 5")
    # Python's csv module (3.11+) passes NUL characters through; one here means a binary file
    # or UTF-16 text, and numpy would silently drop it from the end of a species name.
    if any("\0" in field for field in row):
        raise DataError(f"{path}, line {line_no}: holds a NUL character; expected plain text "
                        "(is the file binary, or saved as UTF-16?)")
    if not row[4]:
        raise DataError(f"{path}, line {line_no}: the species name is empty; expected a name")
    try:
        return [float(v) for v in row[:4]]
    except ValueError:
        raise DataError(f"{path}, line {line_no}: got {row[:4]!r}; expected four "
                        "numbers") from None


# --------------------------------------------------------------------------------------------
# IDX (MNIST's file format)

# IDX header: bytes 0-1 are zero, byte 2 says the element type, byte 3 the number of dimensions,
# then one big-endian uint32 size per dimension, then the elements, big-endian, row-major.
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
GZIP_MAGIC = b"\x1f\x8b"
# The header's ndim is one byte (up to 255), but numpy arrays have at most 32 dimensions in
# numpy 1.x (64 in 2.x); a header beyond that could only fail later, inside reshape, with
# numpy's own ValueError. MNIST uses 1 and 3.
MAX_IDX_DIMENSIONS = 32
# The decompressed stream is read this many bytes at a time, so that a lying header (or a gzip
# "bomb") costs at most one chunk beyond the size the header promised.
CHUNK_BYTES = 1 << 20


def read_idx(path):
    """Read one IDX file, gzipped or raw, into an array of the header's shape.

    Returns an array of the header's shape (e.g. (60000, 28, 28) for MNIST's training images)
    with the header's element type in native byte order (uint8 for MNIST).

    Gzip is detected from the content (the magic bytes 1f 8b), not from the file name: a file
    renamed by hand is still read correctly.

    Everything the header claims is checked before the data array is allocated: a header that
    claims 2**31 images does not allocate 2**31 images. A raw file's size is compared with the
    header first; a gzipped stream is decompressed a chunk at a time and abandoned as soon as it
    holds more bytes than the header promised or ends before them.
    """
    path = Path(path)
    if not path.is_file():
        what = "is not a file" if path.exists() else "does not exist"
        raise DataError(f"{path}: the file {what}; expected an IDX file (gzipped or raw)")
    is_gzip = False
    try:
        with path.open("rb") as raw:
            is_gzip = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
            if is_gzip:
                with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                    return _read_idx_stream(stream, path, bytes_on_disk=None)
            return _read_idx_stream(raw, path, bytes_on_disk=path.stat().st_size)
    # Hazard: a corrupt gzip file surfaces as any of these, from deep inside gzip/zlib (bad CRC
    # or length: BadGzipFile, an OSError; cut short: EOFError; damaged deflate data:
    # zlib.error). Each becomes a DataError naming the file.
    except (OSError, EOFError, zlib.error) as error:
        kind = "gzip stream is corrupt or truncated" if is_gzip else "file could not be read"
        raise DataError(f"{path}: the {kind} ({type(error).__name__}: {error})") from error


def _read_idx_stream(stream, path, bytes_on_disk):
    """Header, then exactly the promised payload, from an open binary stream.

    ``bytes_on_disk`` is the raw file's size (None for a gzip stream, whose decompressed size is
    unknown until it has been read)."""
    dtype, shape, header_bytes = _read_idx_header(stream, path)
    n_items = math.prod(shape)           # Python ints: no overflow for any header
    payload_bytes = n_items * dtype.itemsize
    claim = f"header claims {_describe_shape(shape)} of {dtype.name} ({payload_bytes} bytes)"
    if bytes_on_disk is not None:
        # Raw file: the size on disk settles the question before anything is read.
        found = bytes_on_disk - header_bytes
        if found < payload_bytes:
            raise DataError(f"{path}: truncated: {claim} but the file holds {found} bytes after "
                            "the header")
        if found > payload_bytes:
            raise DataError(f"{path}: {claim} but the file holds {found} bytes after the header "
                            f"({found - payload_bytes} extra bytes at the end)")
    payload = _read_exactly(stream, payload_bytes, path, claim)
    # frombuffer on a bytearray gives a writable array without a copy; the element type is
    # big-endian on disk, so multi-byte types are converted to native order (a copy), while
    # uint8 and int8 have no byte order and stay a view.
    values = np.frombuffer(payload, dtype=dtype)
    return values.astype(dtype.newbyteorder("="), copy=False).reshape(shape)


def _read_idx_header(stream, path):
    """(big-endian dtype, shape tuple, header length in bytes) from the first 4 + 4*ndim bytes."""
    magic = stream.read(4)
    if len(magic) < 4:
        raise DataError(f"{path}: truncated header: the file holds {len(magic)} bytes; an IDX "
                        "header needs at least 4 (two zero bytes, a type code, the ndim)")
    if magic[0] != 0 or magic[1] != 0:
        raise DataError(f"{path}: bad magic: the first two bytes are {magic[:2].hex(' ')}; "
                        "expected 00 00 (an IDX file)")
    code, ndim = magic[2], magic[3]
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise DataError(f"{path}: bad magic: unknown element type code 0x{code:02X}; expected "
                        f"one of {known}")
    if not 1 <= ndim <= MAX_IDX_DIMENSIONS:
        raise DataError(f"{path}: bad magic: the header says {ndim} dimensions; expected 1 to "
                        f"{MAX_IDX_DIMENSIONS}")
    sizes = stream.read(4 * ndim)
    if len(sizes) < 4 * ndim:
        raise DataError(f"{path}: truncated header: {ndim} dimensions need {4 * ndim} bytes of "
                        f"sizes but only {len(sizes)} follow the magic")
    shape = tuple(int.from_bytes(sizes[4 * i:4 * i + 4], "big") for i in range(ndim))
    dtype = IDX_DTYPES[code]
    # Hazard: a size of 0 makes the payload empty, so every size check passes, yet numpy
    # refuses (with its own ValueError) any shape whose other sizes multiply past what an
    # index can address, e.g. (0, 2**32 - 1, 2**32 - 1, 2**32 - 1).
    # (Without a 0 the size checks below refuse such a claim first: no file holds it.)
    if 0 in shape and math.prod(max(n, 1) for n in shape) * dtype.itemsize \
            > np.iinfo(np.intp).max:
        raise DataError(f"{path}: bad header: the sizes {shape} multiply beyond what numpy "
                        "can index; expected an array shape")
    return dtype, shape, 4 + 4 * ndim


def _read_exactly(stream, n_bytes, path, claim):
    """Exactly ``n_bytes`` from ``stream`` and then its end, read one chunk at a time.

    Hazard: ``stream.read()`` without a size would decompress whatever the file holds, however
    large; here memory never exceeds ``n_bytes`` plus one chunk, whatever the stream holds."""
    payload = bytearray()
    while True:
        chunk = stream.read(CHUNK_BYTES)
        if not chunk:
            break
        payload += chunk
        if len(payload) > n_bytes:
            raise DataError(f"{path}: {claim} but the data holds more than that (extra bytes "
                            "after the last element)")
    if len(payload) < n_bytes:
        raise DataError(f"{path}: truncated: {claim} but the data ends after {len(payload)} "
                        "bytes")
    return payload


def _describe_shape(shape):
    """(60000, 28, 28) -> '60000 images of 28x28'; (60000,) -> '60000 values'."""
    if len(shape) == 1:
        return f"{shape[0]} values"
    noun = "images" if len(shape) == 3 else "items"
    return f"{shape[0]} {noun} of {'x'.join(str(s) for s in shape[1:])}"


# --------------------------------------------------------------------------------------------
# MNIST

MNIST_FILES = {
    "train_images": "train-images.idx3-ubyte",
    "train_labels": "train-labels.idx1-ubyte",
    "test_images": "t10k-images.idx3-ubyte",
    "test_labels": "t10k-labels.idx1-ubyte",
}


def load_mnist(directory=None):
    """MNIST from ``directory`` (default data/mnist): ``(X_train, y_train, X_test, y_test)``.

    X_train (60000, 784) and X_test (10000, 784) are uint8 pixels, one flattened 28x28 image
    per row (row-major: pixel (r, c) is column 28*r + c). They stay uint8 on purpose: as float64
    the training set alone would take 376 MB; the trainer scales one batch at a time
    (``scale_to_unit``). y_train (60000,) and y_test (10000,) are int64 digits 0..9.

    Each file may be gzipped (``name.gz``, preferred when both exist) or raw (``name``).
    """
    directory = Path(directory) if directory is not None else DATA_DIR / "mnist"
    X_train, y_train = _load_mnist_pair(directory, "train")
    X_test, y_test = _load_mnist_pair(directory, "test")
    if X_train.shape[1] != X_test.shape[1]:
        raise DataError(f"{directory}: training images have {X_train.shape[1]} pixels but test "
                        f"images have {X_test.shape[1]}; expected the same image size")
    return X_train, y_train, X_test, y_test


def _load_mnist_pair(directory, part):
    """One part ('train' or 'test'): X (n, rows*cols) uint8 and y (n,) int64, cross-checked."""
    images_path = _find_mnist_file(directory, MNIST_FILES[f"{part}_images"])
    labels_path = _find_mnist_file(directory, MNIST_FILES[f"{part}_labels"])
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise DataError(f"{images_path}: got a {images.dtype} array of shape {images.shape}; "
                        "expected 3-D uint8 images (n, rows, cols)")
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise DataError(f"{labels_path}: got a {labels.dtype} array of shape {labels.shape}; "
                        "expected 1-D uint8 labels (n,)")
    n, rows, cols = images.shape
    if n == 0:
        raise DataError(f"{images_path}: holds no images; expected at least one")
    if len(labels) != n:
        raise DataError(f"{labels_path}: holds {len(labels)} labels but {images_path} holds {n} "
                        "images; expected one label per image")
    if labels.max() > 9:
        first = int(np.argmax(labels > 9))
        raise DataError(f"{labels_path}: label {labels[first]} at index {first}; expected digits "
                        "0..9")
    # reshape, not reshape(n, -1): a view of the same uint8 buffer, no copy.
    return images.reshape(n, rows * cols), labels.astype(np.int64)


def _find_mnist_file(directory, name):
    """``directory/name.gz`` if present, else ``directory/name``, else DataError."""
    for candidate in (directory / f"{name}.gz", directory / name):
        if candidate.is_file():
            return candidate
    raise DataError(f"{directory / name}.gz: the file does not exist (nor does {name} without "
                    f".gz); expected the four MNIST IDX files in {directory}")


# --------------------------------------------------------------------------------------------
# An image folder, the coursework's layout


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
    root = Path(root)
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "does not exist"
        raise DataError(f"{root}: the folder {what}; expected a folder with one sub-folder of "
                        "images per class")
    class_dirs = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                        key=lambda p: p.name)
    if not class_dirs:
        raise DataError(f"{root}: holds no class folders; expected one sub-folder of images per "
                        "class, root/<class>/<image>.png")
    images, y = [], []
    first = None                         # (path, shape) of the first image: the shape to match
    for index, class_dir in enumerate(class_dirs):
        files = sorted((p for p in class_dir.iterdir() if not p.name.startswith(".")),
                       key=lambda p: p.name)
        if not files:
            raise DataError(f"{class_dir}: the class folder holds no images; expected at least "
                            "one")
        for file in files:
            image = _read_grey_image(file)
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


# The largest image a class folder may hold, in decoded bytes, checked from the file's header
# before any pixel is decoded. 16 MiB is a 4096x4096 greyscale image: a 16-million-input
# network, far beyond anything this project trains (MNIST is 784). Without the check, a PNG of a
# few hundred bytes can claim 50000x50000 pixels, and Pillow's own decompression-bomb guard only
# warns below 89 million pixels and refuses above twice that.
MAX_IMAGE_BYTES = 2**24
# An image file is read whole before it is decoded (see _read_image_file): no format this reader
# meets stores a 16 MiB image in more than twice that.
MAX_IMAGE_FILE_BYTES = 2 * MAX_IMAGE_BYTES


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
    import imageio.v3 as iio             # imported here: only the image-folder reader needs it

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


# --------------------------------------------------------------------------------------------
# The sin regression task (seed 000)


def make_sin(n, rng, noise=0.0):
    """Seed 000's regression data: ``y = sin(x) + noise * eps`` with x uniform on [-pi, pi].

    Returns x (n, 1) and y (n, 1), float64 columns (one input feature, one target).

    Draw order, so that a seed reproduces the data: first the n values of x
    (``rng.uniform(-pi, pi, n)``), then, only when ``noise > 0``, n standard normals eps. With
    ``noise == 0`` nothing else is drawn and y is exactly ``sin(x)``.

    The seed's text promised noisy samples, but its code never added any noise; here the noise
    is explicit and stated: Gaussian with standard deviation ``noise`` (sigma).
    """
    n = check_positive_int("n", n)
    check_generator("rng", rng, "x and the noise are drawn from it")
    noise = check_real("noise", noise, low=0.0)
    x = rng.uniform(-np.pi, np.pi, size=n)
    y = np.sin(x)
    if noise > 0:
        y = y + noise * rng.standard_normal(n)
    return x.reshape(n, 1), y.reshape(n, 1)


# --------------------------------------------------------------------------------------------
# Splits and preparation


def split_indices(n_or_labels, fractions, rng):
    """Seeded split of the rows into parts (e.g. train/valid/test) of the given fractions.

    n_or_labels: an int n (a plain split of rows 0..n-1) or a 1-D integer label array y (n,)
    (a stratified split: every class is split in the same proportions, so a rare class is not
    left out of the test set by chance).
    fractions: positive numbers summing to 1 (within 1e-9), one per part, e.g. (0.8, 0.1, 0.1).

    Returns a tuple of int64 index arrays, one per part, each sorted; together they are
    disjoint and cover every row.

    How, per class (the whole data is one class when given n): permute the class's m rows with
    ``rng.permutation``, then cut at ``round(m * (f_1 + ... + f_i))``. Cutting at rounded
    *cumulative* fractions (not rounding each part's size) keeps the parts summing to m, and each
    part within 1 row of ``f_i * m``. Classes are visited in sorted label order, one permutation
    each, so a given ``rng`` state always gives the same split.
    """
    check_generator("rng", rng, "the rows are permuted with it")
    fractions = _check_fractions(fractions)
    labels = _labels_or_single_class(n_or_labels)
    cumulative = np.cumsum(fractions).tolist()
    parts = [[] for _ in fractions]
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        for i, (start, stop) in enumerate(_cuts(len(members), cumulative)):
            parts[i].append(members[start:stop])
    parts = tuple(np.sort(np.concatenate(p)).astype(np.int64) for p in parts)
    empty = [i for i, p in enumerate(parts) if len(p) == 0]
    if empty:
        raise ValueError(_empty_part_message(fractions, cumulative, labels, empty[0]))
    return parts


def _check_fractions(fractions):
    """A tuple of positive finite floats summing to 1 within 1e-9, or ValueError naming it."""
    try:
        values = tuple(fractions)
    except TypeError:
        raise ValueError(f"fractions: got {fractions!r}; expected a sequence of positive "
                         "numbers summing to 1, e.g. (0.8, 0.1, 0.1)") from None
    if not values:
        raise ValueError("fractions: got an empty sequence; expected at least one fraction")
    for value in values:
        check_real("fractions", value)
        if value <= 0:
            raise ValueError(f"fractions: got {values!r}; every fraction must be > 0 (an empty "
                             "part is not a part)")
    values = tuple(float(v) for v in values)
    if abs(math.fsum(values) - 1.0) > 1e-9:
        raise ValueError(f"fractions: got {values!r}, summing to {math.fsum(values)!r}; "
                         "expected a sum of 1")
    return values


def _labels_or_single_class(n_or_labels):
    """A 1-D integer label array: the labels given, or n zeros (one class) for an int n."""
    if isinstance(n_or_labels, numbers.Integral) and not isinstance(n_or_labels, bool):
        return np.zeros(check_positive_int("n_or_labels", n_or_labels), dtype=np.int64)
    labels = np.asarray(n_or_labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or len(labels) == 0:
        raise ValueError(f"n_or_labels: got an array of shape {labels.shape} and type "
                         f"{labels.dtype}; expected a positive int n or a non-empty 1-D integer "
                         "label array")
    return labels


def _cuts(m, cumulative):
    """(start, stop) of each part for m rows: boundaries at round(m * cumulative fraction).

    The last boundary is m itself, not round(m * 0.9999999999): a rounding error in the sum of
    the fractions must not drop the last row."""
    bounds = [0] + [round(m * c) for c in cumulative[:-1]] + [m]
    return list(zip(bounds[:-1], bounds[1:]))


def _empty_part_message(fractions, cumulative, labels, part):
    """Say which part is empty and how many rows (in one class) would fill every part."""
    largest = int(np.unique(labels, return_counts=True)[1].max())
    # The smallest class size m for which every part gets a row. A part of fraction f gets at
    # least f*m - 1 rows, so m = ceil(2 / min f) always suffices; the search stops there (and
    # is not attempted for absurdly small fractions, where that bound is reported instead).
    enough = math.ceil(2 / min(fractions))
    needed = next((m for m in range(1, min(enough, 10**6) + 1)
                   if all(stop > start for start, stop in _cuts(m, cumulative))), enough)
    where = (f"the largest class has {largest} rows" if len(np.unique(labels)) > 1
             else f"the data has {largest} rows")
    return (f"fractions: got {fractions!r}; part {part} (fraction {fractions[part]}) would be "
            f"empty: {where}, but these fractions need at least {needed} rows "
            f"{'in one class ' if len(np.unique(labels)) > 1 else ''}to give every part a row")


def one_hot(y, n_classes):
    """Class indices (n,) -> one-hot rows (n, n_classes)."""
    return np.eye(n_classes)[y]


def stratified_split(y, test_fraction, rng):
    """Indices (train, test): each class split in the same proportion, drawn from ``rng``.

    The two-way split the iris comparison uses; ``split_indices`` is the general form."""
    train, test = [], []
    for c in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == c))
        n_test = int(round(test_fraction * len(members)))
        test.extend(members[:n_test])
        train.extend(members[n_test:])
    return np.array(sorted(train)), np.array(sorted(test))


def scale_to_unit(X, maximum=255):
    """Pixels (n, d) in [0, maximum] -> float64 (n, d) in [0, 1], i.e. ``X / maximum``.

    Meant for one batch at a time: the uint8 images stay uint8 in memory (1 byte a pixel) and
    only the batch being trained on becomes float64 (8 bytes a pixel).

    Hazard: scaling twice. Already-scaled data (floats in [0, 1]) passes the range check and
    comes back 255 times too small; call this on raw pixels only.
    """
    maximum = check_real("maximum", maximum)
    if maximum <= 0:
        raise ValueError(f"maximum: got {maximum!r}; expected a positive number")
    X = np.asarray(X)
    # Written as "not (in range)" so that a NaN, which fails every comparison, is caught too.
    if X.size and not (X.min() >= 0 and X.max() <= maximum):
        raise ValueError(f"X: got values in [{X.min()}, {X.max()}]; expected pixels in "
                         f"[0, {maximum:g}]")
    return np.divide(X, maximum, dtype=np.float64)


def min_max_scale(X_train, X_other):
    """Scale every feature to [0, 1] using the *training* minimum and range only, so the test
    set tells the model nothing."""
    low = X_train.min(axis=0)
    span = np.where(X_train.max(axis=0) > low, X_train.max(axis=0) - low, 1.0)
    return (X_train - low) / span, (X_other - low) / span
