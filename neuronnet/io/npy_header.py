"""One member's ``.npy`` header, read and checked without trusting it: its length, its dtype
(no objects, no structures), and a shape that implies exactly the bytes its zip entry holds."""
import contextlib
import math
import zipfile
import zlib
from collections import namedtuple

from numpy.lib import format as npy_format

from .errors import ModelFileError

# One member of the zip, as its headers describe it: the zip entry, the .npy header's dtype,
# shape and order, and where the array's bytes begin in the member's (uncompressed) data.
Member = namedtuple("Member", "info dtype shape fortran_order data_offset")

_MAX_NPY_HEADER = 10_000          # numpy's max_header_size: longer headers it refuses to parse
_NPY_HEADER_READERS = {(1, 0): npy_format.read_array_header_1_0,
                       (2, 0): npy_format.read_array_header_2_0}


def read_npy_header(path, archive, key, info):
    """The member's .npy header, checked: a plain dtype and exactly the bytes the entry holds."""
    with _header_errors(path, key):
        with archive.open(info) as stream:
            version = npy_format.read_magic(stream)
            if version not in _NPY_HEADER_READERS:
                raise ModelFileError(f"{path}: member {key!r} is a .npy file of version "
                                     f"{version}; expected version (1, 0) or (2, 0)")
            _check_header_length(path, key, stream, version)
            shape, fortran_order, dtype = _NPY_HEADER_READERS[version](stream)
            data_offset = stream.tell()
    _check_npy_header(path, key, dtype, shape, data_offset, info.file_size)
    return Member(info, dtype, shape, fortran_order, data_offset)


def _check_header_length(path, key, stream, version):
    """Refuse a header longer than numpy's own limit before numpy reads it.

    Hazard: numpy reads the whole header, whatever length its length field gives (up to 4 GB
    in version 2.0), and only then compares it with its limit of 10,000 bytes."""
    start = stream.tell()
    length = int.from_bytes(stream.read(2 if version == (1, 0) else 4), "little")
    stream.seek(start)
    if length > _MAX_NPY_HEADER:
        raise ModelFileError(f"{path}: member {key!r} has a .npy header of {length} bytes; "
                             f"expected at most {_MAX_NPY_HEADER} (numpy's own limit)")


def _check_npy_header(path, key, dtype, shape, data_offset, entry_bytes):
    where = f"{path}: member {key!r}"
    # numpy stores an object array as a pickle; unpickling could run any code. Nothing of it
    # is read: the refusal comes from the header alone.
    if dtype.hasobject:
        raise ModelFileError(f"{where} is an object array; refusing object arrays: this file "
                             "needs pickle, which could run code")
    if dtype.names is not None or dtype.subdtype is not None or dtype.itemsize == 0:
        raise ModelFileError(f"{where} has the dtype {dtype}; expected plain numbers or text "
                             "(no fields, sub-arrays or zero-width items)")
    # Hazard: numpy's header reader checks only that each size is an int, so -1 and True pass.
    if any(type(n) is not int or n < 0 for n in shape):
        raise ModelFileError(f"{where} has the shape {shape!r}; expected sizes >= 0")
    data_bytes = math.prod(shape) * dtype.itemsize        # Python ints: no overflow
    if data_offset + data_bytes != entry_bytes:
        raise ModelFileError(f"{where}: its .npy header promises {shape} of {dtype} "
                             f"({data_bytes} bytes of data) but its zip entry holds "
                             f"{entry_bytes - data_offset}")


@contextlib.contextmanager
def _header_errors(path, key):
    """Name the file and member in the errors of reading a .npy header."""
    try:
        with zip_errors(path, key):
            yield
    except ModelFileError:
        raise
    # numpy's reader raises ValueError for anything malformed: a bad magic string, a header
    # that is not a dict of descr, fortran_order and shape, an unknown dtype. Hazard: the header
    # is a Python literal parsed with ast.literal_eval, and one nested a few thousand deep (it
    # may be 10,000 bytes long) makes Python's parser give up with RecursionError or
    # MemoryError: its nesting limit, not memory running out.
    except (ValueError, RecursionError, MemoryError) as error:
        raise ModelFileError(f"{path}: member {key!r} is not a valid .npy array "
                             f"({type(error).__name__}: {error})") from None


@contextlib.contextmanager
def zip_errors(path, key):
    """Name the file and member in the errors of reading a member's bytes."""
    try:
        yield
    # BadZipFile: a bad CRC or local header; zlib.error: damaged deflate data; EOFError: a
    # member cut short; OSError: the file itself.
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise ModelFileError(f"{path}: member {key!r} is damaged ({type(error).__name__}: "
                             f"{error})") from None
