"""An IDX header at the edges of what numpy can index. A size of 0 makes the payload empty, so
no file-size check can refuse a shape; the reader refuses, by name, exactly the shapes whose
other sizes times the element size pass numpy's largest index, and reads every other one."""
import numpy as np
import pytest

from neuronnet import io

INTP_MAX = np.iinfo(np.intp).max
SIXTY_FOUR_BIT = pytest.mark.skipif(INTP_MAX != 2**63 - 1, reason="shapes of a 64-bit index")


def idx_file(path, code, shape, payload=b""):
    path.write_bytes(bytes([0, 0, code, len(shape)])
                     + b"".join(n.to_bytes(4, "big") for n in shape) + payload)
    return path


@SIXTY_FOUR_BIT
@pytest.mark.parametrize("code, itemsize, shape", [
    # (2**63 - 1) = 218934409 * 4544113 * 9271: exactly the largest index, in bytes of uint8.
    (0x08, 1, (0, 218934409, 4544113, 9271)),
    # Under it with the sizes as they are, over it if a 0 were counted as 2.
    (0x08, 1, (0, 2**32 - 1, 2**31)),
])
def test_an_empty_array_of_a_shape_numpy_can_index_is_read(tmp_path, code, itemsize, shape):
    assert np.prod([max(n, 1) for n in shape], dtype=object) * itemsize <= INTP_MAX
    array = io.read_idx(idx_file(tmp_path / "empty.idx", code, shape))
    assert array.shape == shape and array.size == 0


@SIXTY_FOUR_BIT
@pytest.mark.parametrize("code, shape", [
    (0x08, (0, 2**32 - 1, 2**32 - 1, 2)),  # the sizes alone pass the largest index
    (0x0E, (0, 2**31 - 1, 2**31 - 1)),     # the sizes pass it only as float64 bytes (x 8)
])
def test_a_shape_past_the_largest_index_is_refused_by_name(tmp_path, code, shape):
    path = idx_file(tmp_path / "huge.idx", code, shape)
    with pytest.raises(io.DataError) as info:
        io.read_idx(path)
    assert str(info.value) == (f"{path}: bad header: the sizes {shape} multiply beyond what "
                               "numpy can index; expected an array shape")


def test_the_payload_limit_is_inclusive(tmp_path, monkeypatch):
    # MAX_IDX_BYTES is 2**28 (256 MB); the same comparison is run at a limit of 6 bytes.
    from neuronnet.io import idx
    assert idx.MAX_IDX_BYTES == 2**28
    monkeypatch.setattr(idx, "MAX_IDX_BYTES", 6)
    assert io.read_idx(idx_file(tmp_path / "six.idx", 0x08, (6,), b"abcdef")).tolist() == \
        list(b"abcdef")
    path = idx_file(tmp_path / "seven.idx", 0x08, (7,), b"abcdefg")
    with pytest.raises(io.DataError, match=r"expected at most 6 bytes decoded"):
        io.read_idx(path)
