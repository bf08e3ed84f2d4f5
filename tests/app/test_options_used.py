"""An option the run would not use is refused, and only such an option (--momentum with plain
SGD, --batch-size with online or full batches; neuronnet/app/options.py's USED_ONLY_WITH):
whether a setting is used is measured by training the xor recipe for one epoch with two of its
values."""
import numpy as np
import pytest

from neuronnet.app import cli, recipe_data, recipes
from neuronnet.app.models import build_model
from neuronnet.app.options import USED_ONLY_WITH, flag
from neuronnet.batching import BATCH_MODES
from neuronnet.optimizers import OPTIMIZERS
from neuronnet.training import train

RECIPE = "xor"
CHOICES = {"optimizer": list(OPTIMIZERS), "batch_mode": list(BATCH_MODES)}
TWO_VALUES = {"momentum": (0.5, 0.8), "batch_size": (2, 3)}


def trained(**changes):
    """The parameters after one epoch of the recipe with ``changes`` to its settings."""
    recipe = recipes.get(RECIPE)
    split_rng, init_rng, order_rng = recipes.seeds(0)
    splits = recipe_data.load(recipe.data, split_rng)
    model = build_model("neuron", recipe, splits, init_rng)
    train(model, splits.train, rng=order_rng, settings=recipe.settings, epochs=1, **changes)
    return model.parameters()


def cases():
    for name, (on, _) in USED_ONLY_WITH.items():
        for choice in CHOICES[on]:
            yield name, on, choice


def test_the_table_covers_every_choice():
    assert set(USED_ONLY_WITH) == set(TWO_VALUES)
    for on, users in USED_ONLY_WITH.values():
        assert set(users) < set(CHOICES[on]), (on, users)


@pytest.mark.parametrize("name, on, choice", list(cases()))
def test_an_option_is_refused_exactly_when_the_run_would_not_use_it(name, on, choice, capsys):
    first, second = (trained(**{on: choice, name: v}) for v in TWO_VALUES[name])
    used = not all(np.array_equal(p, q) for p, q in zip(first, second))
    value = TWO_VALUES[name][0]
    code = cli.main(["train", RECIPE, f"--{flag(on)}", choice, f"--{flag(name)}", str(value),
                 "--epochs", "1", "--quiet"])
    out, err = capsys.readouterr()
    if used:
        assert code == 0 and err == "", (name, choice, err)
    else:
        assert code == 2 and out == "", (name, choice, code, out)
        said = err.partition("; expected ")[0]
        assert said.startswith(f"neuronnet: error: --{flag(name)}: got {value}") and \
            f"--{flag(on)} {choice}" in said, err


@pytest.mark.parametrize("recipe", sorted(recipes.RECIPES))
@pytest.mark.parametrize("name", sorted(USED_ONLY_WITH))
def test_an_option_the_recipes_own_setting_would_not_use_is_refused(recipe, name):
    on, users = USED_ONLY_WITH[name]
    own = getattr(recipes.get(recipe).settings, on)
    value = TWO_VALUES[name][0]
    if own in users:
        assert getattr(recipes.configured(recipe, {name: value}).settings, name) == value
    else:
        with pytest.raises(ValueError) as refusal:
            recipes.configured(recipe, {name: value})
        assert str(refusal.value).startswith(
            f"--{flag(name)}: got {value}, which the recipe's {on} {own!r} does not use"), \
            str(refusal.value)
