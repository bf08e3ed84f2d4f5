"""Model files crafted to make the loader allocate what they claim: each is refused from its
headers, naming the file and the member, before anything large is allocated; and the zip's and
the npy's malformed parts refused by name."""
import io
import os
import pathlib
import threading
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest

from model_files import (
    assert_refused,
    bits,
    crafted,
    npy_bytes,
    npy_members,
    peak_bytes_while_refused,
    raw_npy,
    rezip,
    small_net,
)
from neuronnet.app.models import load_model as load
from neuronnet.io import ModelFileError, save


def test_a_header_claiming_2_to_the_40_numbers_is_refused_from_the_header(good_file, tmp_path):
    """W_0's .npy header claims 2**40 float64 (8 TB) in a 96-byte member: refused from the
    headers alone, with the traced memory under 1 MB."""
    bad = crafted(good_file, tmp_path, W_0=npy_bytes("<f8", (2**40,), bytes(96)))
    assert peak_bytes_while_refused(bad, "member 'W_0'", "(1099511627776,)", "promises",
                                    "holds 96") < 2**20


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED],
                         ids=["stored", "deflated"])
def test_a_zip_entry_claiming_terabytes_is_refused(good_file, tmp_path, compression):
    """Both headers agree on 8 TB (the zip directory's size patched to match the .npy header):
    no member of a file this small can hold that, stored or deflated."""
    header = npy_bytes("<f8", (2**40,))

    def claim_8_tb(info):
        if info.filename == "W_0.npy":
            info.file_size = len(header) + 8 * 2**40

    bad = crafted(good_file, tmp_path, claim_8_tb, compression, W_0=header + bytes(96))
    assert peak_bytes_while_refused(bad, "member 'W_0'", "zip bomb") < 2**20


def test_a_compressed_size_past_the_end_of_the_file_is_refused(good_file, tmp_path):
    def past_the_end(info):
        if info.filename == "b_1.npy":
            info.compress_size = 10**9

    assert_refused(crafted(good_file, tmp_path, past_the_end), "member 'b_1'", "past the end")


@pytest.mark.parametrize("crc", ["of the promised bytes", "of the whole stream"])
def test_a_deflate_bomb_is_never_decompressed_past_its_promise(good_file, tmp_path, crc):
    """W_0 deflated from its 152 real bytes followed by 32 MB of zeros, with the directory
    promising only the real bytes. The loader reads exactly the promise: with the CRC of those
    bytes the model loads exactly; with the CRC of the whole stream zipfile's check fails and
    the file is refused. Either way the 32 MB are never decompressed."""
    members = npy_members(good_file)
    honest = members["W_0"]
    members["W_0"] = honest + bytes(32 * 2**20)

    def promise_only_the_honest_bytes(info):
        if info.filename == "W_0.npy":
            info.file_size = len(honest)
            if crc == "of the promised bytes":
                info.CRC = zlib.crc32(honest)

    bad = rezip(tmp_path / "bomb.npz", members, promise_only_the_honest_bytes,
                zipfile.ZIP_DEFLATED)
    assert os.path.getsize(bad) < 2**20
    tracemalloc.start()
    try:
        if crc == "of the promised bytes":
            loaded, _ = load(bad)
            assert bits(loaded.parameters()) == bits(small_net().parameters())
        else:
            assert_refused(bad, "member 'W_0'", "damaged", "CRC")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20


@pytest.mark.parametrize("sizes, fragments", [
    (np.array([2**21, 4, 2]), ["layer_sizes", "[2097152, 4, 2]", "at most 1000000"]),
    (np.array([10**6, 10**6, 10**6]), ["layer_sizes", "2000002000000 parameters",
                                       "at most 100000000"]),
    (np.array([3, -4, 2]), ["layer_sizes", "positive"]),
    (np.array([2**64 - 1, 4, 2], dtype=np.uint64), ["layer_sizes", "at most 1000000"]),
    (np.full(1002, 3), ["layer_sizes", "shape (1002,)", "2 to 1001"]),
    (np.array([[3, 4, 2]]), ["layer_sizes", "shape (1, 3)"]),
])
def test_layer_sizes_beyond_the_bounds_are_refused_before_the_parameters(good_file, tmp_path,
                                                                         sizes, fragments):
    """layer_sizes is read (it is small) and bounded before any parameter is: a file cannot
    announce a network of 10**12 weights and have the loader try."""
    bad = crafted(good_file, tmp_path, layer_sizes=npy_bytes(
        sizes.dtype.str, sizes.shape, sizes.tobytes()))
    assert_refused(bad, *fragments)


def test_the_bounds_are_enforced_on_save_too(tmp_path):
    """A model load would refuse is not saved (the file would be useless); checked on the
    sizes before any array is written. (A real 10**6-input network would not fit here: the
    check is on layer_sizes, so a stand-in object with huge shapes is enough.)"""
    class Huge:
        activation_names, loss_name = ["identity"], "half_mse"

        def parameters(self):
            W = np.lib.stride_tricks.as_strided(np.zeros(1), (2, 2 * 10**6), (0, 0))
            return [W, np.zeros(2)]

    with pytest.raises(ValueError, match=r"model: got \[2000000, 2\].*at most 1000000"):
        save(Huge(), tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("edit, compression, fragments", [
    (lambda info: setattr(info, "flag_bits", info.flag_bits | 0x1), zipfile.ZIP_STORED,
     ["member 'W_0'", "encrypted"]),
    (None, zipfile.ZIP_BZIP2, ["member 'W_0'", "compression method 12", "stored (0)"]),
    (None, zipfile.ZIP_LZMA, ["member 'W_0'", "compression method 14"]),
], ids=["encrypted", "bzip2", "lzma"])
def test_members_zipfile_would_refuse_in_its_own_way_are_refused_by_name(
        good_file, tmp_path, edit, compression, fragments):
    """zipfile itself would raise RuntimeError (encrypted) or, for a method it lacks,
    NotImplementedError: not ModelFileError. Refused from the directory entry instead."""
    members = npy_members(good_file)
    only_w0 = (lambda info: edit(info) if info.filename == "W_0.npy" else None) if edit else None
    bad = rezip(tmp_path / "odd.npz", {"W_0": members.pop("W_0")}, only_w0, compression)
    with zipfile.ZipFile(bad, "a") as archive:             # the rest stored, as save does
        for key, data in members.items():
            archive.writestr(key + ".npy", data)
    assert_refused(bad, *fragments)


def test_entries_swallowed_by_a_damaged_comment_length_are_missed(good_file, tmp_path):
    """Found by fuzzing. One byte of the zip directory, the comment length of loss's entry,
    made large: zipfile reads that "comment" through the entries after it, stops without an
    error, and the metadata (written last) silently vanishes; np.load shows it. The end
    record's count of entries disagrees, and the file is refused."""
    data = bytearray(pathlib.Path(good_file).read_bytes())
    entry = next(at for at in _directory_entries(data) if data[at + 46:at + 54] == b"loss.npy")
    data[entry + 32:entry + 34] = (0x4000).to_bytes(2, "little")     # the comment length
    bad = tmp_path / "swallowed.npz"
    bad.write_bytes(bytes(data))
    with np.load(bad, allow_pickle=False) as npz:                    # the harm is real
        assert "loss" in npz.files and "meta.recipe" not in npz.files
    assert_refused(bad, "end record counts 10 members", "holds 8")


def _directory_entries(data):
    """Offsets of the zip's central-directory entries (signature PK 01 02)."""
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        yield at
        at = data.find(b"PK\x01\x02", at + 4)


def test_an_entry_of_a_newer_zip_version_is_refused(good_file, tmp_path):
    """zipfile raises NotImplementedError for an entry needing zip version 17.3; a flipped
    byte of the directory makes one (found by fuzzing)."""
    def newer(info):
        if info.filename == "b_0.npy":
            info.extract_version = 173

    assert_refused(crafted(good_file, tmp_path, newer), "not a readable .npz file",
                   "NotImplementedError", "17.3")


def test_a_member_present_twice_is_refused(good_file, tmp_path):
    """Which W_0 is the model? np.load would take one silently; the loader refuses."""
    members = list(npy_members(good_file).items())
    twin = ("W_0", npy_bytes("<f8", (4, 3), np.ones((4, 3)).tobytes()))
    assert_refused(rezip(tmp_path / "twice.npz", members + [twin]), "member 'W_0'", "twice")


@pytest.mark.parametrize("member, fragments", [
    (npy_bytes("<f8", (-1,)), ["member 'b_0'", "shape (-1,)", ">= 0"]),
    (npy_bytes("<f8", (True,), bytes(8)), ["member 'b_0'", "shape (True,)", ">= 0"]),
    (npy_bytes([("a", "<f8")], (4,), bytes(32)), ["member 'b_0'", "dtype", "no fields"]),
    (npy_bytes("<U0", (4,)), ["member 'b_0'", "zero-width"]),
    (b"\x93NUMPY\x03\x00" + bytes(4), ["member 'b_0'", "version (3, 0)"]),
    (b"PK\x03\x04 not an npy", ["member 'b_0'", "not a valid .npy array"]),
    (b"\x93NUMPY\x02\x00" + (2**32 - 1).to_bytes(4, "little") + bytes(64),
     ["member 'b_0'", "header of 4294967295 bytes", "at most 10000"]),
    (raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'x': "
             + "-" * 4000 + "1}"), ["member 'b_0'", "not a valid .npy array"]),
    (raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'x': "
             + "1**" * 3000 + "1}"), ["member 'b_0'", "not a valid .npy array"]),
    (raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'x': "
             + "[" * 150 + "]" * 150 + "}"), ["member 'b_0'", "not a valid .npy array"]),
], ids=["negative size", "bool size", "structured", "zero-width", "npy 3.0", "not npy",
        "header length 4 GB", "nested 4000 deep (RecursionError)",
        "nested powers (MemoryError)", "nested lists"])
def test_a_malformed_npy_header_is_refused_by_name(good_file, tmp_path, member, fragments):
    """numpy's header reader lets a size of -1 or True through, and Python's parser gives up on
    a deeply nested header with RecursionError or MemoryError rather than ValueError: each is
    refused as a ModelFileError naming the member."""
    assert_refused(crafted(good_file, tmp_path, b_0=member), *fragments)


def test_text_beyond_unicode_is_refused(good_file, tmp_path):
    """A unicode member holding the code 0x110000: numpy cannot turn it into a str (it raises
    SystemError when asked to); the loader refuses it as text beyond Unicode."""
    loss = npy_bytes("<U4", (), np.array([0x68, 0x110000, 0x6C, 0x66], "<u4").tobytes())
    assert_refused(crafted(good_file, tmp_path, loss=loss), "member 'loss'", "0x110000",
                   "beyond Unicode")


def test_a_fortran_ordered_weight_matrix_loads_in_the_right_order(good_file, tmp_path):
    """np.save writes a Fortran-ordered array column by column with fortran_order True; the
    loader must lay the numbers back out by columns."""
    W = np.arange(12.0).reshape(4, 3)
    buffer = io.BytesIO()
    np.save(buffer, np.asfortranarray(W))
    assert b"'fortran_order': True" in buffer.getvalue()
    loaded, _ = load(crafted(good_file, tmp_path, W_0=buffer.getvalue()), model="reference")
    np.testing.assert_array_equal(loaded.parameters()[0], W)


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "folder.npz"
    folder.mkdir()
    assert_refused(folder, "not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_hanging(tmp_path):
    """open() on a named pipe blocks until someone writes to it: refused from stat. The load
    runs in a thread so that a regression fails this test instead of hanging the suite."""
    pipe = tmp_path / "pipe.npz"
    os.mkfifo(pipe)
    outcome = []

    def read():
        try:
            load(pipe)
        except ModelFileError as error:
            outcome.append(str(error))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():                            # blocked in open(): unblock it, then fail
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("load blocked opening a named pipe")
    assert len(outcome) == 1 and os.fspath(pipe) in outcome[0]
    assert "not a regular file" in outcome[0]


def test_a_member_named_like_a_path_is_only_an_unknown_key(good_file, tmp_path):
    """Nothing is ever extracted: a member named ../../evil is a key the model lacks."""
    bad = crafted(good_file, tmp_path, **{"../../evil": npy_bytes("<f8", (1,), bytes(8))})
    assert_refused(bad, "unknown keys", "'../../evil'")
    assert not (tmp_path.parent / "evil").exists()
