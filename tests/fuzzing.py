"""Fuzzing the readers (the machinery of tests/io/test_fuzz_data.py and
tests/io/test_fuzz_models.py): whatever bytes a reader is given, it returns a sane result or raises
its own error, quickly and without a large allocation.

The contract under test:

- ``read_idx`` (raw and gzipped), ``load_iris`` and ``load_image_folder`` return a result whose
  shape and type make sense for the bytes given, or raise ``DataError`` naming the file;
- ``persistence.load`` and ``persistence.load_history`` return a model (and its metadata) or a
  history, or raise ``ModelFileError`` naming the file.

Any other exception type fails the test, and hypothesis prints the input that caused it (the
bytes themselves: every strategy below draws the whole input). A missing file is not fuzzed
here; by decision it is a ``DataError`` for the data readers (their message says where the
shipped data should be; tests/io/test_idx.py) and ``FileNotFoundError`` for a model file, as
``open`` gives it (tests/io/test_model_read.py); the command line reports both the same way.

Inputs, for every reader:

- arbitrary: ``st.binary()``;
- truncated: a small real file cut at a hypothesis-chosen length;
- flipped: the real file with a few bytes set to hypothesis-chosen values;
- spliced: the real file with a range deleted and other bytes (random, or a copy of another
  part of the file) put in its place;
- and per format, inputs whose headers lie (IDX sizes up to 2**32 - 1, PNG headers with valid
  CRCs claiming any size, .npy headers claiming any shape and type inside a well-formed zip),
  so that the claims reach the size checks instead of failing at the first checksum; and CSV
  files made of random rows.

The real files: the first three MNIST test images written as IDX (raw, and gzipped), the
shipped iris.csv, a 28x28 PNG from data/mnist-png, and a small saved model with metadata and
a training history.

Every call is measured: under 2 s of wall time (a hang shows up as a slow example; no signal
alarm, which could break pytest itself) and under 64 MB of Python-traced memory at its peak
(numpy's arrays are traced; every input is under 100 KB, so a larger peak could only come from
believing a header).

Every example run is counted per reader and the counts are printed when the module finishes
("idx raw: 700 examples, 0 escaped as another exception type"). An escape fails its test, so a
green run prints 0 escaped.
"""
import collections
import contextlib
import csv
import gzip
import io
import math
import tempfile
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from hypothesis import strategies as st

from models import make_model
from neuronnet import io as persistence
from neuronnet.io import data_dir, load_iris
from neuronnet.io.image_folder import MAX_IMAGE_BYTES

DATA_DIR = data_dir()

TIME_LIMIT = 2.0                 # seconds per call
MEMORY_LIMIT = 64 * 2**20        # peak traced bytes per call, for inputs under 100 KB
MAX_INPUT = 100 * 1024

# examples[reader][kind] and escapes[reader]: what the summary at the end reports.
examples = collections.defaultdict(collections.Counter)
escapes = collections.Counter()


# --- the real files ------------------------------------------------------------------------------
# The IDX element types, by type code, written out here rather than taken from the package, so
# that the independent parse below cannot agree with a wrong table in the reader.
IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def idx_header(code, shape):
    return bytes([0, 0, code, len(shape)]) + b"".join(s.to_bytes(4, "big") for s in shape)


def real_idx():
    """The first three MNIST test images (3, 28, 28) as a raw IDX file: 16 + 2352 bytes."""
    with gzip.open(DATA_DIR / "mnist" / "t10k-images.idx3-ubyte.gz", "rb") as f:
        pixels = f.read(16 + 3 * 784)[16:]
    return idx_header(0x08, (3, 28, 28)) + pixels


REAL_PNG_PATH = DATA_DIR / "mnist-png" / "train" / "0" / "00001.png"
# A history as the CLI writes one (None: an epoch without validation; it is stored as nan).
REAL_HISTORY = {"epoch": [1, 2, 3], "train_loss": [0.9, 0.5, 0.25],
                "valid_loss": [1.0, None, 0.5], "lr": [0.1, 0.1, 0.05]}
REAL_METADATA = {"recipe": "iris", "seed": 0, "test_accuracy": 0.9}


def real_model():
    """A small saved model (4-3-2, tanh, cross-entropy) with metadata and a history, and the
    network itself."""
    net = make_model("neuron", sizes=(4, 3, 2))
    with tempfile.TemporaryDirectory() as folder:
        path = persistence.save(net, Path(folder) / "model.npz", REAL_METADATA, REAL_HISTORY)
        return Path(path).read_bytes(), net


REAL_IDX = real_idx()
REAL_MODEL, REAL_NET = real_model()
REAL = {
    "idx raw": REAL_IDX,
    "idx gzip": gzip.compress(REAL_IDX, mtime=0),
    "iris csv": (DATA_DIR / "iris.csv").read_bytes(),
    "png folder": REAL_PNG_PATH.read_bytes(),
    "npz model": REAL_MODEL,
}
assert all(len(data) < MAX_INPUT for data in REAL.values())


# --- strategies: arbitrary, truncated, flipped, spliced ------------------------------------------
def arbitrary():
    return st.binary(max_size=4096)


def truncated(real):
    """The real file cut short: every length from 0 to one byte less than the whole."""
    return st.integers(0, len(real) - 1).map(lambda n: real[:n])


@st.composite
def flipped(draw, real):
    """The real file with 1 to 8 bytes set to other values (a value may repeat the old one)."""
    data = bytearray(real)
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@st.composite
def spliced(draw, real):
    """The real file with data[start:stop] replaced by random bytes or by a copy of another
    part of the file (a duplicated or shifted block, as a bad copy would make)."""
    start = draw(st.integers(0, len(real)))
    stop = draw(st.integers(start, min(len(real), start + 256)))
    if draw(st.booleans()):
        insert = draw(st.binary(max_size=64))
    else:
        at = draw(st.integers(0, len(real)))
        insert = real[at:at + draw(st.integers(0, 256))]
    return real[:start] + insert + real[stop:]


def mutations(real):
    return {"arbitrary": arbitrary(), "truncated": truncated(real), "flipped": flipped(real),
            "spliced": spliced(real)}


# --- strategies: headers that lie ----------------------------------------------------------------
sizes_that_lie = st.one_of(st.integers(0, 2**32 - 1),
                           st.sampled_from([0, 1, 2, 3, 28, 2**16, 2**31 - 1, 2**31, 2**32 - 1]))


@st.composite
def idx_lying(draw):
    """An IDX header of any type code and 0 to 70 dimensions of any size, and some payload."""
    code = draw(st.one_of(st.sampled_from(sorted(IDX_TYPES)), st.integers(0, 255)))
    ndim = draw(st.one_of(st.integers(0, 4), st.integers(0, 70), st.just(255)))
    shape = tuple(draw(st.lists(sizes_that_lie, min_size=min(ndim, 70), max_size=min(ndim, 70))))
    header = bytes([0, 0, code, ndim]) + b"".join(s.to_bytes(4, "big") for s in shape)
    return header + draw(st.binary(max_size=2048))


def png_chunk(kind, body):
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def real_idat():
    """The deflate data of the real PNG's image chunks, for PNGs that lie about their size."""
    data, at, idat = REAL["png folder"], 8, b""
    while at < len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        if data[at + 4:at + 8] == b"IDAT":
            idat += data[at + 8:at + 8 + length]
        at += 12 + length
    return idat


@st.composite
def png_lying(draw):
    """A PNG with valid CRCs whose header claims any width, height, bit depth and colour type,
    followed by real, random or cut deflate data: Pillow believes the header, so the claim
    reaches the reader's own size check."""
    width, height = draw(sizes_that_lie), draw(sizes_that_lie)
    bit_depth = draw(st.sampled_from([1, 2, 4, 8, 16, 3]))
    colour_type = draw(st.sampled_from([0, 2, 3, 4, 6, 5]))
    idat = draw(st.one_of(st.just(real_idat()), st.binary(max_size=256),
                          st.integers(0, 64).map(lambda n: zlib.compress(bytes(4096))[:n]),
                          st.just(zlib.compress(bytes(2**16)))))
    ihdr = (width.to_bytes(4, "big") + height.to_bytes(4, "big")
            + bytes([bit_depth, colour_type, 0, 0, 0]))
    chunks = [png_chunk(b"IHDR", ihdr)]
    if colour_type == 3 and draw(st.booleans()):
        chunks.append(png_chunk(b"PLTE", draw(st.binary(min_size=3, max_size=48))))
    chunks += [png_chunk(b"IDAT", idat), png_chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def real_members():
    with zipfile.ZipFile(io.BytesIO(REAL_MODEL)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


DESCRS = ["<f8", ">f8", "<f4", "<i8", ">i8", "|u1", "|b1", "<U8", ">U8", "|S8", "<c16", "|O",
          "|V8", "<M8[s]", [("a", "<f8")], [("a", "<f8", (2,))]]


@st.composite
def npz_lying(draw):
    """The real model file with one member replaced by a .npy whose header claims any dtype
    (object, structured and odd ones included), any shape (sizes up to 2**40) and either order,
    with random or zero data; stored or deflated; and the zip directory's own size claim for
    that member sometimes replaced as well."""
    members = real_members()
    name = draw(st.sampled_from(sorted(members) + ["extra.npy", "meta.x.npy", "history.x.npy"]))
    shape = tuple(draw(st.lists(st.one_of(st.integers(0, 6), st.integers(0, 2**40)),
                                max_size=3)))
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {
        "descr": draw(st.sampled_from(DESCRS)), "fortran_order": draw(st.booleans()),
        "shape": shape})
    payload = draw(st.one_of(st.binary(max_size=512), st.integers(0, 512).map(bytes)))
    members[name] = header.getvalue() + payload
    claim = draw(st.one_of(st.none(), st.integers(0, 2**40)))
    compression = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for key, data in members.items():
            archive.writestr(key, data)
        if claim is not None:                            # the directory's claim, patched
            archive.getinfo(name).file_size = claim
    return buffer.getvalue()


@st.composite
def csv_rows(draw):
    """A CSV of random rows: fields of random text, numbers, huge fields and NULs; quoted
    where the csv module quotes them; sometimes without the header."""
    field = st.one_of(st.text(max_size=12), st.floats(allow_nan=True).map(repr),
                      st.sampled_from(["setosa", "5.1", "nan", "inf", "1e400", "\0", "1_0"]),
                      st.integers(0, 3).map(lambda k: "9" * (10**k * 50)))
    rows = draw(st.lists(st.lists(field, max_size=7), max_size=20))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    if draw(st.booleans()):
        writer.writerow(["sepal_length", "sepal_width", "petal_length", "petal_width",
                         "species"])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8", "surrogatepass")


INPUTS = {
    "idx raw": dict(mutations(REAL["idx raw"]), lying=idx_lying()),
    "idx gzip": dict(mutations(REAL["idx gzip"]),
                     arbitrary=st.one_of(arbitrary(), arbitrary().map(gzip.compress),
                                         arbitrary().map(lambda b: b"\x1f\x8b" + b)),
                     lying=idx_lying().map(gzip.compress)),
    "iris csv": dict(mutations(REAL["iris csv"]),
                     rows=csv_rows().filter(lambda raw: len(raw) < MAX_INPUT)),
    "png folder": dict(mutations(REAL["png folder"]), lying=png_lying()),
    "npz model": dict(mutations(REAL["npz model"]), lying=npz_lying()),
}
CASES = [(reader, kind) for reader in INPUTS for kind in INPUTS[reader]]


# --- running one input ---------------------------------------------------------------------------
def feed(reader, kind, call):
    """``call()``'s result, counting the example and measuring it: fails when the call takes
    over TIME_LIMIT or its traced memory peaks over MEMORY_LIMIT. An exception propagates
    (hypothesis then prints the input) and is counted as an escape: ``call`` turns the
    reader's own error into None itself (:func:`own_error`)."""
    examples[reader][kind] += 1
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = call()
    except BaseException:
        escapes[reader] += 1
        raise
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert elapsed < TIME_LIMIT, f"{reader}: {elapsed:.2f} s for one input"
    assert peak < MEMORY_LIMIT, f"{reader}: {peak / 2**20:.0f} MB traced for one input"
    return result


def own_error(call, error_type, path):
    """``call()``'s result, or None when it raised ``error_type`` naming ``path``."""
    try:
        return call()
    except error_type as error:
        assert str(path) in str(error), f"the error does not name the file: {error}"
        return None


# --- what a result must look like ----------------------------------------------------------------
def parse_idx(data):
    """An independent parse of a raw IDX file the reader accepted: header, then the elements."""
    code, ndim = data[2], data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    values = np.frombuffer(data[4 + 4 * ndim:], dtype=IDX_TYPES[code])
    return values.reshape(shape)


def check_idx(result, raw):
    """Native byte order, the header's type and shape, and the very elements of the file."""
    assert isinstance(result, np.ndarray) and result.dtype.isnative
    expected = parse_idx(raw)
    assert result.shape == expected.shape and result.dtype == expected.dtype.newbyteorder("=")
    np.testing.assert_array_equal(result, expected)


def check_iris(result, kind):
    X, y, classes = result
    assert X.dtype == np.float64 and X.ndim == 2 and X.shape[1] == 4 and len(X) >= 1
    assert np.isfinite(X).all()
    assert y.dtype == np.int64 and y.shape == (len(X),)
    assert classes == sorted(set(classes)) and all(isinstance(c, str) and c for c in classes)
    assert np.bincount(y, minlength=len(classes)).min() >= 1    # every class has a row
    if kind == "truncated":        # rows before the cut are the real rows; the last may be cut
        X_real, y_real, classes_real = REAL_IRIS
        np.testing.assert_array_equal(X[:-1], X_real[:len(X) - 1])
        assert [classes[k] for k in y[:-1]] == [classes_real[k] for k in y_real[:len(X) - 1]]


def check_png(result, kind):
    X, y, classes, shape = result
    assert X.dtype == np.uint8 and X.shape == (1, shape[0] * shape[1])
    assert 0 < X.shape[1] <= MAX_IMAGE_BYTES
    assert y.tolist() == [0] and classes == ["c"]
    if kind == "truncated":        # Pillow must not hand back part of an image as the whole
        np.testing.assert_array_equal(X[0], REAL_PIXELS)


def bits(arrays):
    return [(a.dtype.str, a.shape, a.tobytes()) for a in arrays]


def check_model(result, history, kind):
    (model, metadata) = result
    parameters = model.parameters()
    assert all(p.dtype == np.float64 and np.isfinite(p).all() for p in parameters)
    if kind in ("truncated", "flipped", "spliced"):
        # Damage that still loads must have missed the data entirely (the zip's CRCs cover
        # every byte of every member): the very model, metadata and history come back.
        assert bits(parameters) == bits(REAL_NET.parameters())
        assert metadata == REAL_METADATA
        assert bits([np.array(v) for v in history.values()]) == bits(
            [np.array([math.nan if x is None else float(x) for x in v])
             for v in REAL_HISTORY.values()])


REAL_IRIS = load_iris(DATA_DIR / "iris.csv")
REAL_PIXELS = iio.imread(REAL_PNG_PATH).reshape(-1)


def report_counts(request, readers):
    """After a module: examples run per reader of ``readers`` (and per kind of input), and
    escapes."""
    lines = ["fuzzed readers (examples run; an escape is any exception but the reader's own):"]
    for reader, kinds in examples.items():
        if reader not in readers:
            continue
        per_kind = ", ".join(f"{kind} {n}" for kind, n in kinds.items())
        lines.append(f"  {reader}: {sum(kinds.values())} examples, {escapes[reader]} escaped as "
                     f"another exception type ({per_kind})")
    # Teardown output is captured like a test's; the capture is lifted to write past it.
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        if reporter is not None:
            reporter.write("\n")                # the progress dots leave the line open
        for line in lines:
            if reporter is not None:
                reporter.write_line(line)
            else:
                print(line)


def draw_input(data, reader, kind):
    raw = data.draw(INPUTS[reader][kind], label="input")
    assert len(raw) < MAX_INPUT
    return raw


def cases_for(*readers):
    return pytest.mark.parametrize("reader, kind", [c for c in CASES if c[0] in readers],
                                   ids=[f"{r}-{k}" for r, k in CASES if r in readers])
