"""Every setting of every recipe reaches the code: a recipe's run gives the loop exactly the
recipe's settings, and the network its architecture, activations, loss, data and initial
weights. The command line's options are pinned the same way in tests/app/test_options.py."""
import dataclasses

import numpy as np
import pytest

from neuronnet.app import models, recipe_data, recipes, train_command
from spying import Reached, spy

# The fields of a recipe that say what runs, each checked below; the rest only describe it.
RUN_FIELDS = {"data", "hidden", "activation", "output_activation", "loss", "init", "settings"}
DESCRIPTIVE = {"name", "source", "summary", "fixes"}


def test_every_recipe_field_is_checked_or_only_describes():
    # A new field that changes the run must be added to the test below.
    assert {f.name for f in dataclasses.fields(recipes.Recipe)} == RUN_FIELDS | DESCRIPTIVE


@pytest.mark.parametrize("name", sorted(recipes.RECIPES))
def test_every_recipe_setting_reaches_the_network_or_the_loop(name, monkeypatch, capsys):
    recipe = recipes.get(name)
    calls = spy(monkeypatch, train_command, "train")
    with pytest.raises(Reached):
        train_command.train_recipe(name, quiet=True, out=lambda line: None)
    (model, train_data, valid_data), settings = calls[0]["args"], calls[0]["kwargs"]["settings"]
    assert settings == recipe.settings                       # every training setting
    assert list(model.layer_sizes[1:-1]) == list(recipe.hidden)
    assert list(model.activation_names) == [recipe.activation] * len(recipe.hidden) + [
        recipe.output_activation]
    assert model.loss_name == recipe.loss
    # data: the recipe's own splits, made from the seed's first generator
    splits = recipe_data.load(recipe.data, recipes.seeds(0)[0])
    for given, own in ((train_data, splits.train), (valid_data, splits.valid)):
        assert np.array_equal(given.X, own.X) and given.divisor == own.divisor
    # init: the start is the recipe's initialiser drawn from the seed's second generator
    again = models.build_model("neuron", recipe, splits, recipes.seeds(0)[1])
    assert all(np.array_equal(p, q) for p, q in zip(model.parameters(), again.parameters()))
