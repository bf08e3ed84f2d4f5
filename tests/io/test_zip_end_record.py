"""The zip's end record, wherever the format lets it be. The model reader counts a file's
members from the end record (to catch entries a damaged directory swallows), so it must find
that record where any zip writer may put it: behind the longest comment the format allows
(65,535 bytes), and with the zip64 end record writers add past 65,535 members, whose count is
then the one that holds."""
import zipfile

import numpy as np
import pytest

from neuronnet import Network, io
from neuronnet.app.models import load_model

COMMENT_MAX = 0xFFFF


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.npz"
    io.save(Network([2, 1], ["identity"], rng=np.random.default_rng(0)), path,
            {"recipe": "iris"})
    return bytearray(path.read_bytes())


def swallow_after_loss(data):
    """The fuzzer's damage: the comment length of loss's directory entry made large, so that
    zipfile reads the entries after it as that comment (the metadata vanishes)."""
    entry = data.find(b"PK\x01\x02")
    while data[entry + 46:entry + 54] != b"loss.npy":
        entry = data.find(b"PK\x01\x02", entry + 4)
    data[entry + 32:entry + 34] = (0x4000).to_bytes(2, "little")
    return data


def with_comment(data, n):
    """The end record (the last 22 bytes) given a comment of n bytes."""
    assert data[-22:-18] == b"PK\x05\x06"
    return data[:-2] + n.to_bytes(2, "little") + b"c" * n


def as_zip64(data):
    """A zip64 end record and its locator put before the end record, whose counts say 0xFFFF
    ("see the zip64 record"), as writers do past 65,535 members."""
    end = len(data) - 22
    record = data[end:]
    count = record[10:12]
    zip64 = (b"PK\x06\x06" + (44).to_bytes(8, "little") + (45).to_bytes(2, "little") * 2
             + bytes(8) + int.from_bytes(count, "little").to_bytes(8, "little") * 2
             + record[12:16] + bytes(4) + record[16:20] + bytes(4))
    locator = b"PK\x06\x07" + bytes(4) + end.to_bytes(8, "little") + (1).to_bytes(4, "little")
    return data[:end] + zip64 + locator + record[:8] + b"\xff\xff\xff\xff" + record[12:]


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("layout", ["longest comment", "zip64", "zip64 and longest comment"])
def test_the_end_record_is_found_and_counted_in_every_layout(tmp_path, good, layout):
    def arrange(data):
        if "zip64" in layout:
            data = as_zip64(data)
        return with_comment(data, COMMENT_MAX) if "comment" in layout else data
    path = write(tmp_path, "good.npz", arrange(bytearray(good)))
    with zipfile.ZipFile(path) as archive:           # a zip that zipfile reads as such
        assert len(archive.infolist()) == 8, archive.namelist()
        assert len(archive.comment) == (COMMENT_MAX if "comment" in layout else 0)
    model, metadata = load_model(path)
    assert metadata == {"recipe": "iris"}, metadata
    assert model.layer_sizes == [2, 1], model.layer_sizes
    bad = write(tmp_path, "swallowed.npz", arrange(swallow_after_loss(bytearray(good))))
    with pytest.raises(io.ModelFileError) as info:
        load_model(bad)
    assert str(info.value).startswith(f"{bad}: the zip's end record counts 8 members but its "
                                      "directory holds 6; expected "), str(info.value)
