"""The data of each recipe: loaded, split with a seeded Generator, and wrapped as Datasets."""
from dataclasses import dataclass, field

from ..guards import check_choice
from ..io import DataError, data_dir, load_image_folder, load_iris, load_mnist
from ..training import PLANAR, Dataset, make_sin, min_max_scale, split_indices


@dataclass
class Splits:
    """The three datasets of a recipe and what a reader needs to know about them."""
    train: Dataset
    valid: Dataset
    test: Dataset
    classes: list          # class names, or [] for regression
    description: str
    extra: dict = field(default_factory=dict)


def load(name, rng, data_folder=None):
    """The train/valid/test :class:`Splits` of recipe data ``name``, split with ``rng``, read
    from ``data_folder`` (default: the rule of neuronnet/io/paths.py)."""
    check_choice("data", name, LOADERS)
    if name == "sin":
        return _sin(rng)
    if name in PLANAR:
        return _planar(name, rng)
    return LOADERS[name](rng, data_dir(data_folder))


def _sin(rng):
    noise = 0.01
    parts = [make_sin(n, rng, noise=sigma) for n, sigma in ((200, noise), (200, noise),
                                                                  (1000, 0.0))]
    train, valid, test = (Dataset(x, targets=y, name=name)
                          for (x, y), name in zip(parts, ("train", "valid", "test")))
    return Splits(train, valid, test, [], "sin: 200 train and 200 validation points with noise "
                  f"sigma {noise}; 1,000 noise-free test points, x uniform on [-pi, pi]")


PLANAR_SIZES = (400, 200, 400)   # train, validation, test points of a 2-D recipe


def _planar(name, rng):
    """A 2-D problem: train, validation and test drawn separately, in that order, from the
    same generator (no split needed: every point is new)."""
    sets = []
    for n, part in zip(PLANAR_SIZES, ("train", "valid", "test")):
        X, y = PLANAR[name](n, rng)
        sets.append(Dataset(X, labels=y, n_classes=2, name=part))
    return Splits(*sets, ["class 0", "class 1"],
                  f"{name}: {PLANAR_SIZES[0]} train / {PLANAR_SIZES[1]} validation / "
                  f"{PLANAR_SIZES[2]} test points in the plane, drawn separately")


def _classes(X, y, n_classes, divisor, parts):
    return [Dataset(X[rows], labels=y[rows], n_classes=n_classes, divisor=divisor, name=name)
            for name, rows in parts]


def _mnist(rng, folder):
    X, y, X_test, y_test = load_mnist(folder / "mnist")
    train, valid = split_indices(y, (55 / 60, 5 / 60), rng)
    sets = _classes(X, y, 10, 255, (("train", train), ("valid", valid)))
    test = Dataset(X_test, labels=y_test, n_classes=10, divisor=255, name="test")
    return Splits(*sets, test, [str(d) for d in range(10)],
                  f"MNIST: the training images split {len(train):,} train / {len(valid):,} "
                  "validation (11:1, stratified: rounding per class moves a few); the 10,000 "
                  "test images to test")


def _mnist_seed002(rng, folder):
    X, y, X_test, y_test = load_mnist(folder / "mnist")
    sets = _classes(X, y, 10, 255, (("train", slice(0, 50000)), ("valid", slice(50000, None))))
    test = Dataset(X_test, labels=y_test, n_classes=10, divisor=255, name="test")
    return Splits(*sets, test, [str(d) for d in range(10)],
                  "MNIST as source 002 split it: the first 50,000 training images to train, the "
                  "last 10,000 to validate, the 10,000 test images to test")


def _mnist_seed004(rng, folder):
    X, y, X_test, y_test = load_mnist(folder / "mnist")
    train = Dataset(X, labels=y, n_classes=10, divisor=255, name="train")
    valid, test = split_indices(y_test, (0.5, 0.5), rng)
    sets = _classes(X_test, y_test, 10, 255, (("valid", valid), ("test", test)))
    return Splits(train, *sets, [str(d) for d in range(10)],
                  "MNIST as source 004 split it: all 60,000 training images to train; the test "
                  f"images halved (stratified) into {len(valid):,} validation and {len(test):,} "
                  "test")


def _digits_folder(rng, folder):
    root = folder / "mnist-png"
    X, y, classes, shape = load_image_folder(root / "train")
    X_test, y_test, test_classes, test_shape = load_image_folder(root / "test")
    if test_classes != classes or test_shape != shape:
        raise DataError(f"{root / 'test'}: got classes {test_classes} of {test_shape} "
                             f"images; expected those of {root / 'train'}: {classes}, {shape}")
    train, valid = split_indices(y, (0.9, 0.1), rng)
    sets = _classes(X, y, len(classes), 255, (("train", train), ("valid", valid)))
    test = Dataset(X_test, labels=y_test, n_classes=len(classes), divisor=255, name="test")
    return Splits(*sets, test, classes,
                  f"{root}: the train folders split 90/10 (stratified) into {len(train)} train "
                  f"and {len(valid)} validation images; {len(X_test)} test images",
                  extra={"image_shape": shape})


def _iris(rng, folder):
    X, y, classes = load_iris(folder / "iris.csv")
    train, valid, test = split_indices(y, (0.6, 0.2, 0.2), rng)
    X_train, X_rest = min_max_scale(X[train], X)  # the training range only
    sets = [Dataset(X_train, labels=y[train], n_classes=3, name="train")]
    sets += [Dataset(X_rest[rows], labels=y[rows], n_classes=3, name=name)
             for name, rows in (("valid", valid), ("test", test))]
    return Splits(*sets, classes, f"iris: {len(train)} train / {len(valid)} validation / "
                  f"{len(test)} test (stratified), features scaled by the training range")


LOADERS = {"sin": _sin, **{name: _planar for name in PLANAR}, "mnist": _mnist,
           "mnist-seed002": _mnist_seed002, "mnist-seed004": _mnist_seed004,
           "digits-folder": _digits_folder, "iris": _iris}


