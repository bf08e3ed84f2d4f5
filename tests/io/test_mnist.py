"""MNIST (load_mnist, neuronnet/io): the shipped files and their known facts, tiny sets written
here, the refusal of inconsistent files; and the shipped PNG set (data/mnist-png) and the script
that builds it."""
import importlib.util

import numpy as np
import pytest

from idx_files import idx_bytes, raises_naming, sample, write
from neuronnet.io import (
    DataError,
    data_dir,
    idx,
    load_image_folder,
    load_mnist,
)

DATA_DIR = data_dir()


# --------------------------------------------------------------------------------------------
# MNIST: the shipped files

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


def test_shipped_mnist(mnist):
    X_train, y_train, X_test, y_test = mnist
    assert X_train.shape == (60000, 784) and X_test.shape == (10000, 784)
    assert X_train.dtype == np.uint8 and X_test.dtype == np.uint8
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64
    assert np.bincount(y_train).tolist() == TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == TEST_COUNTS
    # The well-known first labels of each file, and ink in every image.
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert X_train.max() == 255 and (X_train.max(axis=1) > 0).all()


def write_mnist(folder, n_train=6, n_test=4, gz=True, **override):
    """A tiny MNIST-shaped set (4x4 images) in ``folder``; ``override`` replaces arrays by
    file stem (e.g. train_labels=...)."""
    folder.mkdir(exist_ok=True)
    arrays = {
        "train_images": sample(np.uint8, (n_train, 4, 4)),
        "train_labels": (np.arange(n_train) % 10).astype(np.uint8),
        "test_images": sample(np.uint8, (n_test, 4, 4))[::-1].copy(),
        "test_labels": (np.arange(n_test) * 3 % 10).astype(np.uint8),
    }
    arrays.update(override)
    for key, array in arrays.items():
        name = idx.MNIST_FILES[key] + (".gz" if gz else "")
        write(folder / name, idx_bytes(array), gz)
    return arrays


@pytest.mark.parametrize("gz", [True, False], ids=["gzip names", "raw names"])
def test_load_mnist_tiny(tmp_path, gz):
    arrays = write_mnist(tmp_path / "m", gz=gz)
    X_train, y_train, X_test, y_test = load_mnist(tmp_path / "m")
    np.testing.assert_array_equal(X_train, arrays["train_images"].reshape(6, 16))
    np.testing.assert_array_equal(X_test, arrays["test_images"].reshape(4, 16))
    assert y_train.dtype == np.int64 and y_train.tolist() == [0, 1, 2, 3, 4, 5]
    assert y_test.tolist() == [0, 3, 6, 9]


@pytest.mark.parametrize("key,array,fragment", [
    # a 9 first: the message points at the first label above 9, not at a 9
    ("train_labels", np.array([0, 9, 2, 3, 10, 5], np.uint8), "label 10 at index 4"),
    ("train_labels", np.arange(5, dtype=np.uint8), "5 labels.*6 images"),
    ("test_images", np.zeros((4, 16), np.uint8), "shape \\(4, 16\\).*3-D"),
    ("test_labels", np.zeros((4, 1), np.uint8), "shape \\(4, 1\\).*1-D"),
    ("train_images", np.zeros((6, 4, 4), np.int16), "int16.*uint8"),
    ("test_images", np.zeros((4, 5, 5), np.uint8), "16 pixels.*test images have 25"),
])
def test_load_mnist_rejects_inconsistent_files(tmp_path, key, array, fragment):
    write_mnist(tmp_path / "m", **{key: array})
    with pytest.raises(DataError, match=fragment) as error:
        load_mnist(tmp_path / "m")
    assert str(tmp_path / "m") in str(error.value)


def test_load_mnist_takes_a_single_image(tmp_path):
    arrays = write_mnist(tmp_path / "m", n_train=1, n_test=1)
    X_train, y_train, X_test, y_test = load_mnist(tmp_path / "m")
    assert X_train.shape == (1, 16) and y_train.tolist() == [0] and y_test.tolist() == [0]
    np.testing.assert_array_equal(X_test, arrays["test_images"].reshape(1, 16))


def test_a_constant_training_feature_is_scaled_by_one_not_zero():
    # min_max_scale: a feature constant on the training rows has no range; it is shifted by
    # its value and divided by 1 (not 0: no nan), in every split, while the others are scaled.
    from neuronnet.training.splits import min_max_scale
    X_train = np.array([[2.0, 0.0], [2.0, 4.0]])
    X_other = np.array([[5.0, 2.0], [-1.0, 8.0]])
    train, other = min_max_scale(X_train, X_other)
    np.testing.assert_array_equal(train, [[0.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(other, [[3.0, 0.5], [-3.0, 2.0]])


def test_load_mnist_missing_file(tmp_path):
    write_mnist(tmp_path / "m")
    (tmp_path / "m" / "t10k-labels.idx1-ubyte.gz").unlink()
    with raises_naming(tmp_path / "m" / "t10k-labels.idx1-ubyte", "does not exist"):
        load_mnist(tmp_path / "m")



# --------------------------------------------------------------------------------------------
# The shipped image-folder set and the script that builds it

PNG_SET = DATA_DIR / "mnist-png"


def load_script():
    spec = importlib.util.spec_from_file_location("make_mnist_png",
                                                  DATA_DIR / "make_mnist_png.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("part,per_class", [("train", 200), ("test", 50)])
def test_shipped_mnist_png(mnist, part, per_class):
    """10 digit folders of 28x28 PNGs; every PNG is, pixel for pixel, the MNIST image its name
    gives the index of, and the indices are the first ``per_class`` of each digit."""
    X, y, classes, shape = load_image_folder(PNG_SET / part)
    assert classes == [str(d) for d in range(10)]
    assert shape == (28, 28)
    assert X.shape == (10 * per_class, 784)
    assert np.bincount(y).tolist() == [per_class] * 10
    X_mnist, y_mnist = (mnist[0], mnist[1]) if part == "train" else (mnist[2], mnist[3])
    for d in range(10):
        names = sorted(p.name for p in (PNG_SET / part / str(d)).iterdir())
        indices = [int(name.removesuffix(".png")) for name in names]
        assert names == [f"{i:05d}.png" for i in indices]
        assert indices == np.flatnonzero(y_mnist == d)[:per_class].tolist()
        np.testing.assert_array_equal(X[y == d], X_mnist[indices])
        # The first image of digit d, spelled out as the issue states it.
        np.testing.assert_array_equal(X[y == d][0], X_mnist[np.argmax(y_mnist == d)])


def test_script_builds_and_replaces(tmp_path):
    script = load_script()
    write_mnist(tmp_path / "m", n_train=30, n_test=20)
    out = tmp_path / "png"
    out.mkdir()
    (out / "stale.txt").write_text("from an older build")
    assert script.build(out, per_class_train=2, per_class_test=1, mnist_dir=tmp_path / "m") == 30
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m", "png"]    # no temp folders left
    assert sorted(p.name for p in out.iterdir()) == ["test", "train"]    # old content gone
    assert sorted(p.name for p in (out / "train" / "3").iterdir()) == ["00003.png", "00013.png"]
    assert sorted(p.name for p in (out / "test" / "7").iterdir()) == ["00009.png"]
    X, y, classes, shape = load_image_folder(out / "train")
    X_train, y_train, _, _ = load_mnist(tmp_path / "m")
    assert shape == (4, 4) and classes == [str(d) for d in range(10)]
    np.testing.assert_array_equal(X[y == 3], X_train[[3, 13]])


def test_script_interrupted_leaves_previous_set(tmp_path, monkeypatch):
    script = load_script()
    write_mnist(tmp_path / "m", n_train=30, n_test=20)
    out = tmp_path / "png"
    script.build(out, 2, 1, mnist_dir=tmp_path / "m")
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    real_imwrite, calls = script.iio.imwrite, []

    def crash_on_fifth(*args, **kwargs):
        calls.append(args)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real_imwrite(*args, **kwargs)

    monkeypatch.setattr(script.iio, "imwrite", crash_on_fifth)
    with pytest.raises(KeyboardInterrupt):
        script.build(out, 3, 1, mnist_dir=tmp_path / "m")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m", "png"]
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before


def test_script_too_few_images(tmp_path):
    script = load_script()
    write_mnist(tmp_path / "m", n_train=30, n_test=20)
    with pytest.raises(ValueError, match="per_class: got 4, but digit 0 has only 3"):
        script.build(tmp_path / "png", 4, 1, mnist_dir=tmp_path / "m")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]
