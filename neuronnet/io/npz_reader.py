"""An ``.npz`` read without trusting it: every header is checked before what it implies is
allocated, so a file of a few hundred bytes cannot make the reader allocate terabytes, and no
member is ever unpickled.
"""
import os
import stat
import zipfile

import numpy as np

from .errors import ModelFileError
from .npy_header import read_npy_header, zip_errors

# zlib's documented limit: deflate cannot compress better than 1032:1, so a deflated member of
# c bytes cannot honestly decompress to more than 1032 c bytes (plus a few for the stream's
# framing).
_DEFLATE_MAX_RATIO = 1032
_DEFLATE_SLACK = 64
_CHUNK_BYTES = 1 << 20
# What a whole file may decode to: 64 times its size, plus 1 MiB. neuronnet's model files are
# stored uncompressed (np.savez: about 1 to 1), so a model file's cost in memory is in
# proportion to its size; deflate's own 1032:1 limit would let a 1 MB file cost a gigabyte.
_MAX_EXPANSION = 64
_EXPANSION_SLACK = 1 << 20


class UntrustedNpz:
    """An open model file, read without trusting it.

    Opening reads the zip's directory and every member's ``.npy`` header (a few hundred bytes
    each), and checks what they claim against each other and against the file's real size:

    - a member's compressed bytes must lie inside the file, and it must not claim to decompress
      to more than deflate can produce from them (1032:1): a zip bomb's claim is refused, not
      believed;
    - a ``.npy`` header's shape and dtype must imply exactly the bytes its zip entry holds, so a
      header claiming 2**40 numbers in a small member is refused before any allocation;
    - no object arrays (they need pickle), no structured or sub-array dtypes.

    Array data is read only by :meth:`array`, after the caller has checked the header against
    what the model needs: exactly the bytes promised, a chunk at a time, never more.
    """

    def __init__(self, path):
        self.path = path
        self._file = _open_regular_file(path)
        self._zip = None
        try:
            self._zip = _open_zip(path, self._file)
            self.members = _read_directory(path, self._zip, os.fstat(self._file.fileno()).st_size)
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        if self._zip is not None:
            self._zip.close()
        self._file.close()

    def array(self, key):
        """The member ``key`` as an array of its header's dtype (byte order as stored)."""
        member = self.members[key]
        n_bytes = member.info.file_size - member.data_offset
        with zip_errors(self.path, key):
            with self._zip.open(member.info) as stream:
                stream.seek(member.data_offset)       # past the header, read when opening
                payload = _read_at_most(stream, n_bytes)
        if len(payload) != n_bytes:
            raise ModelFileError(f"{self.path}: member {key!r} is cut short: its header "
                                 f"promises {n_bytes} bytes of data, it holds {len(payload)}")
        if member.dtype.kind == "U":
            _check_code_points(self.path, key, payload, member.dtype)
        array = np.frombuffer(payload, dtype=member.dtype)
        return array.reshape(member.shape, order="F" if member.fortran_order else "C")


def _open_regular_file(path):
    """The file opened for reading, once it is known to be a regular file.

    A missing file raises FileNotFoundError (from os.stat), as opening any missing file does."""
    # Hazard: open() on a named pipe blocks until someone writes to it; stat it first.
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise ModelFileError(f"{path}: not a regular file (a folder, pipe or device); expected "
                             "a model file written by neuronnet.io.save")
    return open(path, "rb")


def _open_zip(path, file):
    # is_zipfile looks for the zip's end record at the end of the file, so it also catches a
    # truncated file (the directory is the last thing written).
    if not zipfile.is_zipfile(file):
        raise ModelFileError(f"{path}: not a .npz (zip) file; expected a model file "
                             "written by neuronnet.io.save (is it truncated?)")
    try:
        archive = zipfile.ZipFile(file)
    # Hazard: a damaged directory surfaces as BadZipFile, or as an OSError or ValueError from a
    # seek to an offset the directory invents, or as a UnicodeDecodeError (a ValueError) from a
    # member name flagged UTF-8 that is not, or as NotImplementedError from an entry claiming
    # a newer zip version than zipfile reads ("zip file version 17.3").
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise ModelFileError(f"{path}: not a readable .npz file ({type(error).__name__}: "
                             f"{error})") from None
    _check_entry_count(path, file, len(archive.infolist()))
    return archive


def _check_entry_count(path, file, found):
    """Every entry the zip's end record counts must be in the directory zipfile read.

    Hazard: zipfile reads the directory entry by entry until it has consumed the directory's
    size, so an entry whose comment length is damaged swallows the entries after it, and
    those members (the metadata, the history: np.savez writes them last) vanish without an
    error. Found by fuzzing; the end record's count of entries catches it."""
    expected = _entries_in_end_record(file)
    if expected is not None and expected != found:
        raise ModelFileError(f"{path}: the zip's end record counts {expected} members but its "
                             f"directory holds {found}; expected them all (is it damaged?)")


def _entries_in_end_record(file):
    """The total number of entries the end record states (the zip64 record's when there is
    one), or None if there is no end record to read (zipfile would have refused the file)."""
    file.seek(0, os.SEEK_END)
    size = file.tell()
    # The end record is 22 bytes and a comment of at most 65,535: found within that tail, with
    # the 20 bytes before it, where a zip64 locator would be (found by a property: behind the
    # longest comment, the locator fell outside a tail of 22 + 65,535 bytes).
    file.seek(max(0, size - 20 - 22 - 0xFFFF))
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    count = int.from_bytes(tail[at + 10:at + 12], "little")
    # 0xFFFF means "see the zip64 end record", located by the 20 bytes just before this one.
    if count == 0xFFFF and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
        file.seek(int.from_bytes(tail[at - 12:at - 4], "little"))
        record = file.read(56)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            count = int.from_bytes(record[32:40], "little")
    return count


def _read_directory(path, archive, file_size):
    """{key: Member} for every member, its claims checked before any data is read."""
    members = {}
    for info in archive.infolist():
        key = _member_key(path, info)
        if key in members:
            raise ModelFileError(f"{path}: member {key!r} appears twice; expected each array "
                                 "once (which one would be the model?)")
        _check_entry(path, key, info, file_size)
        # Entries of the directory cannot share one member's compressed bytes (the
        # "overlapping" zip bomb, each entry honest, their sum not): zipfile checks that the
        # local header an entry points to carries that entry's own name, and names here are
        # unique.
        members[key] = read_npy_header(path, archive, key, info)
    decoded = sum(member.info.file_size for member in members.values())
    if decoded > _MAX_EXPANSION * file_size + _EXPANSION_SLACK:
        raise ModelFileError(f"{path}: its members decode to {decoded} bytes from a file of "
                             f"{file_size}; expected at most {_MAX_EXPANSION} times the file's "
                             "size (a model file written by neuronnet.io.save is not compressed)")
    return members


def _member_key(path, info):
    """The key of a member (its name without .npy), as np.savez named it."""
    if not info.filename.endswith(".npy"):
        raise ModelFileError(f"{path}: member {info.filename!r} is not a .npy array; expected "
                             "only arrays in a model file")
    return info.filename[:-len(".npy")]


def _check_entry(path, key, info, file_size):
    """The zip entry's own claims: not encrypted, a known method, sizes the file can hold."""
    where = f"{path}: member {key!r}"
    # Hazard: zipfile raises RuntimeError for an encrypted member and NotImplementedError for
    # an unknown method or patched data, only when the member is opened; refuse them here.
    if info.flag_bits & 0x1:
        raise ModelFileError(f"{where} is encrypted; a model file never is")
    # Flag bit 5 (compressed patched data): zipfile raises NotImplementedError on opening it.
    if info.flag_bits & 0x20:
        raise ModelFileError(f"{where} claims compressed patched data (zip flag bit 5); a model "
                             "file never does")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ModelFileError(f"{where} uses compression method {info.compress_type}; expected "
                             "stored (0) or deflated (8), what np.savez and np.savez_compressed "
                             "write")
    if info.header_offset + info.compress_size > file_size:
        raise ModelFileError(f"{where} claims {info.compress_size} bytes at offset "
                             f"{info.header_offset}, past the end of the {file_size}-byte file")
    if info.compress_type == zipfile.ZIP_STORED:
        most = info.compress_size
    else:
        most = _DEFLATE_MAX_RATIO * info.compress_size + _DEFLATE_SLACK
    if info.file_size > most:
        raise ModelFileError(f"{where} claims to hold {info.file_size} bytes in "
                             f"{info.compress_size}; expected at most {most} (a zip bomb?)")


def _read_at_most(stream, n_bytes):
    """Up to ``n_bytes`` from ``stream``, a chunk at a time: memory follows the bytes that
    really arrive, never the number promised."""
    payload = bytearray()
    while len(payload) < n_bytes:
        chunk = stream.read(min(_CHUNK_BYTES, n_bytes - len(payload)))
        if not chunk:
            break
        payload += chunk
    return payload


def _check_code_points(path, key, payload, dtype):
    """Refuse unicode data holding a code beyond U+10FFFF: numpy cannot make it a str (it
    raises SystemError when asked to)."""
    codes = np.frombuffer(payload, dtype=np.dtype(np.uint32).newbyteorder(dtype.byteorder))
    if codes.size and codes.max() > 0x10FFFF:
        raise ModelFileError(f"{path}: member {key!r} holds the character code "
                             f"{int(codes.max()):#x}, beyond Unicode; expected text")

