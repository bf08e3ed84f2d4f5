"""Evaluating a saved model reproduces the test figures training printed, exactly: the loss, the
accuracy, every prediction and the confusion matrix, for every recipe and both models. (The
file, the recipe's data and the split go through code both models share.)"""
import numpy as np
import pytest

from neuronnet.app import recipes
from neuronnet.app.evaluate_command import evaluate_file
from neuronnet.app.train_command import train_recipe
from neuronnet.training import confusion_matrix

# Short runs: the figures only have to be reproduced, not good. The MNIST recipes train the
# reference (the neuron model takes minutes per epoch there) with a narrow hidden layer.
SHORT = {"epochs": 2}
LARGE = {"mnist", "mnist-seed002", "mnist-momentum", "digits-folder"}
CASES = [(name, model) for name in sorted(recipes.RECIPES)
         for model in (("reference",) if name in LARGE else ("neuron", "reference"))]


@pytest.mark.parametrize("name, model", CASES)
def test_evaluate_gives_the_figures_training_gave(name, model, tmp_path):
    options = dict(SHORT, hidden=(8,)) if name in LARGE else SHORT
    path = tmp_path / f"{name}.npz"
    run = train_recipe(name, model=model, seed=2, options=options, save=str(path), quiet=True,
                       out=lambda line: None)
    trained = run["test"]
    again = evaluate_file(str(path), model=model, out=lambda line: None)
    test = again["test"]
    assert test.loss == trained.loss, (test.loss, trained.loss)
    assert test.accuracy == trained.accuracy
    assert np.array_equal(test.predictions, trained.predictions)
    if trained.accuracy is not None:
        split = run["splits"].test
        expected = confusion_matrix(split.labels, trained.predictions, split.n_classes)
        assert np.array_equal(again["confusion"], expected)
    assert again["metadata"]["best_epoch"] == run["result"].best_epoch
