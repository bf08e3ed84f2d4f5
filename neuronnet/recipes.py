"""Recipes: each seed document's experiment, re-run right, as one named set of settings.

A recipe names its data, its network and its training settings, and says what it keeps from
its seed and what it fixes. ``neuronnet train RECIPE`` runs one; every setting can be
overridden on the command line.
"""
from dataclasses import dataclass, field, replace

import numpy as np

from . import data
from .dataset import Dataset


@dataclass(frozen=True)
class Recipe:
    name: str
    seed: str                     # which source document, and which part of it
    summary: str
    fixes: tuple                  # what this recipe does differently from the seed, and why
    data: str                     # a key of LOADERS
    hidden: tuple
    activation: str
    output_activation: str
    loss: str
    init: str
    optimizer: str
    lr: float
    momentum: float
    batch_mode: str
    batch_size: int
    epochs: int
    schedule: object = None       # see schedules.get_schedule
    patience: object = None
    clip_norm: object = None
    extra: dict = field(default_factory=dict)

    def with_options(self, **options):
        """A copy with the given settings replaced (None means: keep the recipe's)."""
        return replace(self, **{k: v for k, v in options.items() if v is not None})


RECIPES = {r.name: r for r in [
    Recipe(
        name="sin", seed="000 part 1",
        summary="fit y = sin(x) on [-pi, pi]: one tanh hidden layer, a linear output, half-MSE",
        fixes=("the noise the seed's text promised is really added (sigma 0.01) and the test set "
               "is noise-free, so the test loss measures the fit to sin itself",
               "minibatch steps on every sample instead of backprop on one sample in 20",
               "one bias per neuron, updated where it belongs; weights Glorot-uniform",
               "momentum and a step decay instead of a threshold schedule whose branches "
               "after the first were dead",
               "20 hidden neurons instead of 200: enough for one period of sin"),
        data="sin", hidden=(20,), activation="tanh", output_activation="identity",
        loss="half_mse", init="glorot_uniform", optimizer="momentum", lr=0.1, momentum=0.9,
        batch_mode="minibatch", batch_size=20, epochs=2000, schedule=("step", 0.5, 500)),
    Recipe(
        name="digits-folder", seed="000 part 2",
        summary="classify the PNG digits of data/mnist-png (the coursework's one-folder-per-"
                "class layout) with one ReLU hidden layer of 40 and softmax cross-entropy",
        fixes=("the test loop only evaluates (the seed called backprop on the test set)",
               "minibatch steps on every sample, not one sample in 500",
               "He-normal weights and a bias per neuron; ten digit classes instead of the "
               "seed's twelve characters, which are not shipped"),
        data="digits-folder", hidden=(40,), activation="relu", output_activation="identity",
        loss="cross_entropy", init="he_normal", optimizer="momentum", lr=0.01, momentum=0.9,
        batch_mode="minibatch", batch_size=32, epochs=20),
    Recipe(
        name="mnist", seed="the project",
        summary="the project's best MNIST recipe: 784-256-10, ReLU, softmax cross-entropy, "
                "momentum, step decay; 55,000 train / 5,000 validation / 10,000 test",
        fixes=(),
        data="mnist", hidden=(256,), activation="relu", output_activation="identity",
        loss="cross_entropy", init="he_normal", optimizer="momentum", lr=0.05, momentum=0.9,
        batch_mode="minibatch", batch_size=64, epochs=12, schedule=("step", 0.5, 4)),
    Recipe(
        name="mnist-seed002", seed="002",
        summary="seed 002's setting: 784-90-10, ReLU, Glorot-uniform weights, plain SGD at "
                "lr = 10**-0.35, batches of 100, 6 epochs, 50,000 train / 10,000 validation",
        fixes=("softmax cross-entropy instead of squared error on the softmax output (the "
               "gradient p - t does not vanish when the softmax saturates)",
               "the sample order is reshuffled every epoch (the seed always used file order)"),
        data="mnist-seed002", hidden=(90,), activation="relu", output_activation="identity",
        loss="cross_entropy", init="glorot_uniform", optimizer="sgd", lr=10 ** -0.35,
        momentum=0.0, batch_mode="minibatch", batch_size=100, epochs=6),
    Recipe(
        name="mnist-momentum", seed="004",
        summary="seed 004's network (sigmoid hidden layer, identity output read through a "
                "fused softmax cross-entropy, momentum 0.9, 60,000 train and the test set "
                "halved into 5,000 validation / 5,000 test) with momentum done right",
        fixes=("momentum keeps a velocity: v = mu*v - lr*g; w = w + v (the seed wrote "
               "w = -lr*g + mu*w, which shrinks every weight by mu each step)",
               "the loss and its gradient are averaged over the batch, not summed",
               "Glorot-uniform weights and zero biases instead of normal(-0.1, 0.02), which "
               "makes every weight negative and saturates the sigmoids",
               "the best model is a copy of the parameters, not an alias of the live network",
               "100 hidden neurons (the seed's network had 1, which caps any training at "
               "about 28% on this data: try --hidden 1) and minibatches of 100 with lr 0.1 "
               "instead of 50 full-batch steps at lr 1e-5"),
        data="mnist-seed004", hidden=(100,), activation="sigmoid", output_activation="identity",
        loss="cross_entropy", init="glorot_uniform", optimizer="momentum", lr=0.1, momentum=0.9,
        batch_mode="minibatch", batch_size=100, epochs=10),
    Recipe(
        name="iris", seed="003",
        summary="seed 003's network on iris: 4-12-6-3 with sigmoid hidden layers; 60/20/20 "
                "stratified split",
        fixes=("features scaled to [0, 1] with the training set's range",
               "a bias per neuron (the seed had none) and Glorot-uniform weights instead of "
               "uniform [0, 1), which starts every sigmoid near saturation",
               "softmax cross-entropy averaged over the batch instead of squared error summed "
               "over it (with a sum, the step size depends on the batch size)",
               "epochs over shuffled data instead of batches drawn with replacement",
               "momentum 0.9"),
        data="iris", hidden=(12, 6), activation="sigmoid", output_activation="identity",
        loss="cross_entropy", init="glorot_uniform", optimizer="momentum", lr=0.1, momentum=0.9,
        batch_mode="minibatch", batch_size=16, epochs=200),
]}


@dataclass
class Splits:
    """The three datasets of a recipe and what a reader needs to know about them."""
    train: Dataset
    valid: Dataset
    test: Dataset
    classes: list          # class names, or [] for regression
    description: str
    extra: dict = field(default_factory=dict)


def load(name, rng):
    """The train/valid/test :class:`Splits` of recipe data ``name``, split with ``rng``."""
    if name not in LOADERS:
        raise ValueError(f"data: got {name!r}; expected one of {sorted(LOADERS)}")
    return LOADERS[name](rng)


def _sin(rng):
    noise = 0.01
    parts = [data.make_sin(n, rng, noise=sigma) for n, sigma in ((200, noise), (200, noise),
                                                                  (1000, 0.0))]
    train, valid, test = (Dataset(x, targets=y, name=name)
                          for (x, y), name in zip(parts, ("train", "valid", "test")))
    return Splits(train, valid, test, [], "sin: 200 train and 200 validation points with noise "
                  f"sigma {noise}; 1,000 noise-free test points, x uniform on [-pi, pi]")


def _classes(X, y, n_classes, divisor, parts):
    return [Dataset(X[rows], labels=y[rows], n_classes=n_classes, divisor=divisor, name=name)
            for name, rows in parts]


def _mnist(rng):
    X, y, X_test, y_test = data.load_mnist()
    train, valid = data.split_indices(y, (55 / 60, 5 / 60), rng)
    sets = _classes(X, y, 10, 255, (("train", train), ("valid", valid)))
    test = Dataset(X_test, labels=y_test, n_classes=10, divisor=255, name="test")
    return Splits(*sets, test, [str(d) for d in range(10)],
                  f"MNIST: the training images split {len(train):,} train / {len(valid):,} "
                  "validation (11:1, stratified: rounding per class moves a few); the 10,000 "
                  "test images to test")


def _mnist_seed002(rng):
    X, y, X_test, y_test = data.load_mnist()
    sets = _classes(X, y, 10, 255, (("train", slice(0, 50000)), ("valid", slice(50000, None))))
    test = Dataset(X_test, labels=y_test, n_classes=10, divisor=255, name="test")
    return Splits(*sets, test, [str(d) for d in range(10)],
                  "MNIST as seed 002 split it: the first 50,000 training images to train, the "
                  "last 10,000 to validate, the 10,000 test images to test")


def _mnist_seed004(rng):
    X, y, X_test, y_test = data.load_mnist()
    train = Dataset(X, labels=y, n_classes=10, divisor=255, name="train")
    valid, test = data.split_indices(y_test, (0.5, 0.5), rng)
    sets = _classes(X_test, y_test, 10, 255, (("valid", valid), ("test", test)))
    return Splits(train, *sets, [str(d) for d in range(10)],
                  "MNIST as seed 004 split it: all 60,000 training images to train; the test "
                  f"images halved (stratified) into {len(valid):,} validation and {len(test):,} "
                  "test")


def _digits_folder(rng):
    root = data.DATA_DIR / "mnist-png"
    X, y, classes, shape = data.load_image_folder(root / "train")
    X_test, y_test, test_classes, test_shape = data.load_image_folder(root / "test")
    if test_classes != classes or test_shape != shape:
        raise data.DataError(f"{root / 'test'}: got classes {test_classes} of {test_shape} "
                             f"images; expected those of {root / 'train'}: {classes}, {shape}")
    train, valid = data.split_indices(y, (0.9, 0.1), rng)
    sets = _classes(X, y, len(classes), 255, (("train", train), ("valid", valid)))
    test = Dataset(X_test, labels=y_test, n_classes=len(classes), divisor=255, name="test")
    return Splits(*sets, test, classes,
                  f"{root}: the train folders split 90/10 (stratified) into {len(train)} train "
                  f"and {len(valid)} validation images; {len(X_test)} test images",
                  extra={"image_shape": shape})


def _iris(rng):
    X, y, classes = data.load_iris()
    train, valid, test = data.split_indices(y, (0.6, 0.2, 0.2), rng)
    X_train, X_rest = data.min_max_scale(X[train], X)  # the training range only
    sets = [Dataset(X_train, labels=y[train], n_classes=3, name="train")]
    sets += [Dataset(X_rest[rows], labels=y[rows], n_classes=3, name=name)
             for name, rows in (("valid", valid), ("test", test))]
    return Splits(*sets, classes, f"iris: {len(train)} train / {len(valid)} validation / "
                  f"{len(test)} test (stratified), features scaled by the training range")


LOADERS = {"sin": _sin, "mnist": _mnist, "mnist-seed002": _mnist_seed002,
           "mnist-seed004": _mnist_seed004, "digits-folder": _digits_folder, "iris": _iris}


def layer_sizes(recipe, splits):
    return [splits.train.n_features, *recipe.hidden, splits.train.n_outputs]


def activations(recipe):
    return [recipe.activation] * len(recipe.hidden) + [recipe.output_activation]


def seeds(seed):
    """Three independent generators from one seed: (split, initial weights, sample order).
    Separate streams, so changing the number of epochs never changes the split or the start."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)]
