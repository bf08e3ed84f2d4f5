"""The model file every test of a bad model file starts from: a small network saved as it
should be."""
import pytest

from model_files import small_net
from neuronnet.io import save


@pytest.fixture
def good_file(tmp_path):
    return save(small_net(), tmp_path / "good.npz", {"recipe": "iris"})
