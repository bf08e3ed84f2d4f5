"""atomic.write_new: a whole file under the first free name beside a path, never over a file
(the stopped and diverged runs' snapshots); atomic.check_target: what --save may replace."""
import errno
import os

import pytest

from neuronnet.io import atomic


def write(data):
    return lambda file: file.write(data)


def test_the_first_free_name_and_never_over_a_file(tmp_path):
    path = tmp_path / "m.npz"
    assert atomic.write_new(path, "stopped", write(b"1")) == str(path)  # nothing there
    (tmp_path / "m.stopped.2.npz").symlink_to(tmp_path / "nowhere")     # a dangling link counts
    names = [atomic.write_new(path, "stopped", write(str(k).encode())) for k in (2, 3)]
    assert names == [str(tmp_path / "m.stopped.npz"), str(tmp_path / "m.stopped.3.npz")]
    assert [(tmp_path / n).read_bytes() for n in ("m.npz", "m.stopped.npz", "m.stopped.3.npz")] \
        == [b"1", b"2", b"3"]
    assert sorted(os.listdir(tmp_path)) == ["m.npz", "m.stopped.2.npz", "m.stopped.3.npz",
                                            "m.stopped.npz"]     # no temporary file left


def test_without_hard_links_a_name_is_reserved_then_filled(tmp_path, monkeypatch):
    def no_links(source, name):
        raise OSError(errno.EPERM, "Operation not permitted")
    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "m.npz"
    path.write_bytes(b"theirs")
    assert atomic.write_new(path, "diverged", write(b"mine")) == str(tmp_path / "m.diverged.npz")
    assert path.read_bytes() == b"theirs"
    assert (tmp_path / "m.diverged.npz").read_bytes() == b"mine"
    assert sorted(os.listdir(tmp_path)) == ["m.diverged.npz", "m.npz"]


def test_a_failed_write_leaves_nothing(tmp_path):
    def fails(file):
        file.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(OSError, match="No space"):
        atomic.write_new(tmp_path / "m.npz", "stopped", fails)
    assert os.listdir(tmp_path) == []


def test_what_a_save_may_replace(tmp_path):
    regular, fifo = tmp_path / "a.npz", tmp_path / "b.npz"
    regular.write_bytes(b"x")
    os.mkfifo(fifo)
    link, loop = tmp_path / "c.npz", tmp_path / "d.npz"
    link.symlink_to(regular)
    loop.symlink_to(loop)
    for fine in (regular, link, tmp_path / "new.npz"):
        atomic.check_target(fine, "--save")
    for bad, words in ((fifo, "FIFO"), (tmp_path, "folder"), (loop, "loop")):
        with pytest.raises(ValueError, match=f"^--save: got .*{words}.*expected"):
            atomic.check_target(bad, "--save")
    # The atomic write itself refuses to replace one, leaving it and no temporary file.
    with pytest.raises(OSError, match="FIFO"):
        atomic.write_atomically(fifo, write(b"x"))
    assert sorted(os.listdir(tmp_path)) == ["a.npz", "b.npz", "c.npz", "d.npz"]
