"""Recipes: each source document's experiment, re-run right, as one named set of settings.

A recipe names its data, its network and its training settings, and says what it keeps from
its source (docs/sources.md) and what it fixes. ``neuronnet train RECIPE`` runs one; every
setting can be overridden on the command line.
"""
from dataclasses import dataclass, replace

import numpy as np

from ..activations import ACTIVATIONS
from ..guards import check_choice, check_positive_int
from ..training import Settings
from .options import refuse_unused


@dataclass(frozen=True)
class Recipe:
    """A named experiment: its data, its network, and its training :class:`Settings`."""
    name: str
    source: str                   # which source document, and which part of it (docs/sources.md)
    summary: str
    fixes: tuple                  # what this recipe does differently from its source, and why
    data: str                     # a key of recipe_data.LOADERS
    hidden: tuple                 # the hidden layers' widths
    activation: str               # the hidden layers' activation
    output_activation: str
    loss: str
    init: str
    settings: Settings

    def with_options(self, hidden=None, activation=None, **settings):
        """A copy with the network's and the training's settings replaced (None keeps the
        recipe's), validated: an unknown or bad setting fails here, naming it."""
        if activation is not None:
            check_choice("activation", activation, ACTIVATIONS)
        if hidden is not None:
            hidden = tuple(check_positive_int("hidden", h) for h in hidden)
        network = {k: v for k, v in (("hidden", hidden), ("activation", activation))
                   if v is not None}
        return replace(self, settings=self.settings.replace(**settings), **network)


RECIPES = {r.name: r for r in [
    Recipe(
        name="sin", source="000 part 1",
        summary="fit y = sin(x) on [-pi, pi]: one tanh hidden layer, a linear output, half-MSE",
        fixes=("the noise the source's text promised is really added (sigma 0.01) and the test set "
               "is noise-free, so the test loss measures the fit to sin itself",
               "minibatch steps on every sample instead of backprop on one sample in 20",
               "one bias per neuron, updated where it belongs; weights Glorot-uniform",
               "momentum and a step decay instead of a threshold schedule whose branches "
               "after the first were dead",
               "20 hidden neurons instead of 200: enough for one period of sin"),
        data="sin", hidden=(20,), activation="tanh", output_activation="identity",
        loss="half_mse", init="glorot_uniform",
        settings=Settings(optimizer="momentum", lr=0.1, momentum=0.9, batch_mode="minibatch",
                          batch_size=20, epochs=2000, schedule=("step", 0.5, 500))),
    Recipe(
        name="digits-folder", source="000 part 2",
        summary="classify the PNG digits of data/mnist-png (the coursework's one-folder-per-"
                "class layout) with one ReLU hidden layer of 40 and softmax cross-entropy",
        fixes=("the test loop only evaluates (the source called backprop on the test set)",
               "minibatch steps on every sample, not one sample in 500",
               "He-normal weights and a bias per neuron; ten digit classes instead of the "
               "source's twelve characters, which are not shipped"),
        data="digits-folder", hidden=(40,), activation="relu", output_activation="identity",
        loss="cross_entropy", init="he_normal",
        settings=Settings(optimizer="momentum", lr=0.01, momentum=0.9, batch_mode="minibatch",
                          batch_size=32, epochs=20)),
    Recipe(
        name="mnist", source="the project",
        summary="the project's best MNIST recipe: 784-256-10, ReLU, softmax cross-entropy, "
                "Adam (lr 0.001, as scikit-learn's MLPClassifier), step decay; 55,000 train / "
                "5,000 validation / 10,000 test",
        fixes=(),
        data="mnist", hidden=(256,), activation="relu", output_activation="identity",
        loss="cross_entropy", init="he_normal",
        settings=Settings(optimizer="adam", lr=0.001, momentum=0.0, batch_mode="minibatch",
                          batch_size=64, epochs=12, schedule=("step", 0.5, 4))),
    Recipe(
        name="mnist-seed002", source="002",
        summary="source 002's setting: 784-90-10, ReLU, Glorot-uniform weights, plain SGD at "
                "lr = 10**-0.35, batches of 100, 6 epochs, 50,000 train / 10,000 validation",
        fixes=("softmax cross-entropy instead of squared error on the softmax output (the "
               "gradient p - t does not vanish when the softmax saturates)",
               "the sample order is reshuffled every epoch (the source always used file order)"),
        data="mnist-seed002", hidden=(90,), activation="relu", output_activation="identity",
        loss="cross_entropy", init="glorot_uniform",
        settings=Settings(optimizer="sgd", lr=10 ** -0.35, momentum=0.0, batch_mode="minibatch",
                          batch_size=100, epochs=6)),
    Recipe(
        name="mnist-momentum", source="004",
        summary="source 004's network (sigmoid hidden layer, identity output read through a "
                "fused softmax cross-entropy, momentum 0.9, 60,000 train and the test set "
                "halved into 5,000 validation / 5,000 test) with momentum done right",
        fixes=("momentum keeps a velocity: v = mu*v - lr*g; w = w + v (the source wrote "
               "w = -lr*g + mu*w, which shrinks every weight by mu each step)",
               "the loss and its gradient are averaged over the batch, not summed",
               "Glorot-uniform weights and zero biases instead of normal(-0.1, 0.02), which "
               "makes every weight negative and saturates the sigmoids",
               "the best model is a copy of the parameters, not an alias of the live network",
               "100 hidden neurons (the source's network had 1, which caps any training at "
               "about 28% on this data: try --hidden 1) and minibatches of 100 with lr 0.1 "
               "instead of 50 full-batch steps at lr 1e-5"),
        data="mnist-seed004", hidden=(100,), activation="sigmoid", output_activation="identity",
        loss="cross_entropy", init="glorot_uniform",
        settings=Settings(optimizer="momentum", lr=0.1, momentum=0.9, batch_mode="minibatch",
                          batch_size=100, epochs=10)),
    Recipe(
        name="iris", source="003",
        summary="source 003's network on iris: 4-12-6-3 with sigmoid hidden layers; 60/20/20 "
                "stratified split",
        fixes=("features scaled to [0, 1] with the training set's range",
               "a bias per neuron (the source had none) and Glorot-uniform weights instead of "
               "uniform [0, 1), which starts every sigmoid near saturation",
               "softmax cross-entropy averaged over the batch instead of squared error summed "
               "over it (with a sum, the step size depends on the batch size)",
               "epochs over shuffled data instead of batches drawn with replacement",
               "momentum 0.9 (an addition: the source used plain SGD)"),
        data="iris", hidden=(12, 6), activation="sigmoid", output_activation="identity",
        loss="cross_entropy", init="glorot_uniform",
        settings=Settings(optimizer="momentum", lr=0.1, momentum=0.9, batch_mode="minibatch",
                          batch_size=16, epochs=200)),
    *[Recipe(
        name=name, source="the project",
        summary=f"{summary}: a 2-D problem small enough to watch each hidden neuron learn "
                "(--plot draws the boundary, every hidden neuron's a and delta over the plane, "
                "and a GIF of the epochs)",
        fixes=(), data=name, hidden=hidden, activation=activation, output_activation="identity",
        loss="cross_entropy", init="glorot_uniform",
        settings=Settings(optimizer="momentum", lr=lr, momentum=0.9, batch_mode="minibatch",
                          batch_size=20, epochs=epochs))
      for name, summary, hidden, activation, lr, epochs in (
          ("xor", "four clusters, opposite corners alike", (3,), "tanh", 0.1, 30),
          ("moons", "two interleaved half moons", (8,), "tanh", 0.1, 100),
          ("circles", "a circle inside a circle", (8,), "tanh", 0.1, 60),
          ("spiral", "two interleaved spiral arms", (16, 16), "relu", 0.05, 200))],
]}


def get(name):
    """The recipe called ``name``."""
    return RECIPES[check_choice("recipe", name, RECIPES)]


def configured(name, options=None):
    """Recipe ``name`` with the command line's ``options`` (by setting name; None: not given)
    replacing its settings; an option the run would then not use is refused."""
    options = options or {}
    recipe = get(name).with_options(**options)
    refuse_unused(options, recipe.settings)
    return recipe


def seeds(seed):
    """Three independent generators from one seed: (split, initial weights, sample order).
    Separate streams, so changing the number of epochs never changes the split or the start."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)]


def help_text():
    """The list of recipes, for the epilog of the commands that take one."""
    return ("recipes (each re-runs the experiment of a source document, docs/sources.md in the "
            "repository, with its bugs fixed):\n"
            + "\n".join(f"  {r.name:<15} {r.summary}" for r in RECIPES.values()))
