"""A tiny IDX writer for the readers' tests (the format: 00 00, type code, ndim, ndim big-endian
uint32 sizes, data), written independently of the package's reader (its own table of type
codes), so that a wrong table in the package cannot agree with itself; and the check that a
DataError names the file and what was wrong with it."""
import gzip
import math
import re

import numpy as np
import pytest

from neuronnet.io import DataError

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

