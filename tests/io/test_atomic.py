"""A save's temporary file: a name already taken is never opened (O_EXCL), the search for a
free one gives up after its 100 tries with a clear error, and the rename is made durable by
syncing the folder, and only a folder."""
import errno
import os
import stat

import pytest

from neuronnet.io import atomic
from neuronnet.io.atomic import temporary_prefix, write_atomically
from refusing import refused


def names(monkeypatch, *tokens):
    """The random part of the temporary names, in this order (the last repeats); the calls."""
    calls = []

    def token_hex(n):
        calls.append(n)
        return tokens[min(len(calls), len(tokens)) - 1]
    monkeypatch.setattr(atomic.secrets, "token_hex", token_hex)
    return calls


def test_a_temporary_name_already_taken_is_passed_over(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    taken = tmp_path / (temporary_prefix(path) + "aaaaaaaa")
    taken.write_bytes(b"someone else's")
    names(monkeypatch, "aaaaaaaa", "bbbbbbbb")
    write_atomically(path, lambda file: file.write(b"new"))
    assert path.read_bytes() == b"new" and taken.read_bytes() == b"someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, taken.name])


def test_the_search_for_a_free_name_stops_after_100_tries(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    (tmp_path / (temporary_prefix(path) + "aaaaaaaa")).write_bytes(b"")
    calls = names(monkeypatch, "aaaaaaaa")
    with pytest.raises(FileExistsError) as refusal:
        write_atomically(path, lambda file: file.write(b"new"))
    assert str(refusal.value) == f"{path}: no free temporary name beside it after 100 tries"
    assert len(calls) == 100 and not path.exists()


def synced(monkeypatch):
    """The kinds (file or folder) of what os.fsync is called on."""
    kinds = []
    real = os.fsync

    def fsync(fd):
        kinds.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)
    monkeypatch.setattr(atomic.os, "fsync", fsync)
    return kinds


@pytest.mark.skipif(not hasattr(os, "O_DIRECTORY"), reason="folders cannot be synced here")
def test_the_file_and_then_its_folder_are_synced(tmp_path, monkeypatch):
    kinds = synced(monkeypatch)
    write_atomically(tmp_path / "model.npz", lambda file: file.write(b"new"))
    assert kinds == ["file", "folder"]


@pytest.mark.skipif(not hasattr(os, "O_DIRECTORY"), reason="folders cannot be synced here")
def test_only_a_folder_is_synced_as_one(tmp_path, monkeypatch):
    kinds = synced(monkeypatch)
    (tmp_path / "a-file").write_bytes(b"")
    atomic._sync_directory(tmp_path / "a-file")   # O_DIRECTORY refuses it: nothing synced
    atomic._sync_directory(tmp_path)
    assert kinds == ["folder"]


def test_a_path_refused_for_writing_is_named_with_why(tmp_path):
    refused(ValueError, "path", lambda: atomic.probe_writable(tmp_path))
    message = refused(ValueError, "path", lambda: atomic.probe_writable(tmp_path / "no" / "m.npz"))
    assert os.strerror(errno.ENOENT) in message, message
    atomic.probe_writable(tmp_path / "m.npz")                   # a new file in a folder: fine


def test_a_folder_probe_looks_at_no_name_in_the_folder(tmp_path):
    # A link planted where a plot will go points into a folder that does not exist: probing
    # the file through it would refuse a folder that can be written. The folder's own probe
    # passes, and leaves the folder as it was.
    planted = tmp_path / "plot.png"
    planted.symlink_to(tmp_path / "missing" / "elsewhere.png")
    refused(ValueError, "--plot", lambda: atomic.probe_writable(planted, name="--plot"))
    atomic.probe_folder(tmp_path, name="--plot")
    assert sorted(os.listdir(tmp_path)) == ["plot.png"]
    assert os.path.islink(planted)
    message = refused(ValueError, "--plot",
                      lambda: atomic.probe_folder(tmp_path / "missing", name="--plot"))
    assert os.strerror(errno.ENOENT) in message, message
