"""MNIST in LeCun's IDX format, gzipped or raw.

Nothing a header claims is believed before it is checked against the bytes that follow: a file
of a few hundred bytes cannot make the reader allocate gigabytes, and a damaged file gives a
DataError naming it (tests/io/test_fuzz_data.py feeds the reader fuzzed bytes).
"""
import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from ..guards.memory import memory_shortfall, size_text
from .errors import DataError
from .paths import data_dir

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
# The most one IDX file may decode to: 256 MiB, five times MNIST's largest file (47 MB). Checked
# from the header, before anything is read: a small gzip cannot cost gigabytes.
MAX_IDX_BYTES = 2**28


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
        raise DataError(f"{path}: this path {what}; expected an IDX file (gzipped or raw)")
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
    if payload_bytes > MAX_IDX_BYTES:
        raise DataError(f"{path}: {claim}; expected at most {MAX_IDX_BYTES} bytes decoded "
                        "(neuronnet.io.idx.MAX_IDX_BYTES)")
    # The payload as read, and its copy in native byte order: twice the bytes at most.
    shortfall = memory_shortfall(2 * payload_bytes)
    if shortfall is not None:
        raise DataError(f"{path}: {claim}, which needs about {size_text(2 * payload_bytes)} to "
                        f"read; expected {shortfall}")
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




MNIST_FILES = {
    "train_images": "train-images.idx3-ubyte",
    "train_labels": "train-labels.idx1-ubyte",
    "test_images": "t10k-images.idx3-ubyte",
    "test_labels": "t10k-labels.idx1-ubyte",
}


def load_mnist(directory=None):
    """MNIST from ``directory`` (default: ``mnist/`` in the data folder, see paths.py):
    ``(X_train, y_train, X_test, y_test)``.

    X_train (60000, 784) and X_test (10000, 784) are uint8 pixels, one flattened 28x28 image
    per row (row-major: pixel (r, c) is column 28*r + c). They stay uint8 on purpose: as float64
    the training set alone would take 376 MB; the trainer scales one batch at a time
    (``scale_to_unit``). y_train (60000,) and y_test (10000,) are int64 digits 0..9.

    Each file may be gzipped (``name.gz``, preferred when both exist) or raw (``name``).
    """
    directory = Path(directory) if directory is not None else data_dir() / "mnist"
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


