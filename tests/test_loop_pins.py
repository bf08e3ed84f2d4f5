"""Pins of the loop the mutants asked for: a minibatch must fit in the training split (at its
boundary, word for word), the stop reason's words, no validation columns without validation
data, evaluation 1,000 rows at a time, the refusal of a bad generator, numpy's warnings silenced
inside the loop (its divergence check says where), a schedule object named in the run's
description, and each batch mode's plan of batches, with its refusals."""
import warnings

import numpy as np
import pytest

from neuronnet import batching
from neuronnet.training import Dataset, Settings, evaluate, train
from neuronnet.training.loop import check_batch_fits
from neuronnet.training.schedules import Constant


class Recorder:
    """A model that records the rows of every step and every evaluation (and computes
    nothing)."""

    def __init__(self):
        self.steps, self.evaluated = [], []

    def output_and_loss(self, X, Y):
        self.evaluated.append(len(X))
        return np.zeros_like(Y, dtype=np.float64), 0.0

    def train_step(self, X, Y, **kwargs):
        self.steps.append(len(X))
        return 0.0

    def parameters(self):
        return [np.zeros(1)]

    def set_parameters(self, params):
        pass


def test_a_batch_of_every_row_fits_and_one_more_is_refused():
    data = Dataset(np.arange(10.0).reshape(5, 2), targets=np.zeros((5, 1)))
    model = Recorder()
    train(model, data, rng=np.random.default_rng(0), epochs=1, batch_size=5)
    assert model.steps == [5]
    with pytest.raises(ValueError) as refusal:
        check_batch_fits(Settings(batch_size=6), 5)
    assert str(refusal.value) == ("batch_size: got 6 for 5 training samples; expected at most "
                                  "the number of samples (or batch_mode='full')")
    check_batch_fits(Settings(batch_size=6, batch_mode="full"), 5)   # only minibatch cuts


class Quiet(Constant):
    """A user's schedule that is false (it defines __len__, say): still a schedule."""

    def __len__(self):
        return 0


def test_the_description_names_a_schedule_object_even_a_false_one():
    schedule = Quiet(0.1)
    assert not schedule
    line = Settings(schedule=schedule).describe()
    assert f"schedule {schedule}," in line and "constant" not in line.split("schedule ")[1]


def regression(n):
    return Dataset(np.arange(2.0 * n).reshape(n, 2), targets=np.zeros((n, 1)))


@pytest.mark.parametrize("epochs, reason", [(1, "completed 1 epoch"), (2, "completed 2 epochs")])
def test_the_stop_reason_counts_the_epochs_in_words(epochs, reason):
    result = train(Recorder(), regression(4), rng=np.random.default_rng(0), epochs=epochs,
                   batch_size=2)
    assert result.stop_reason == reason


def test_without_validation_data_the_validation_columns_are_empty():
    data = Dataset(np.arange(8.0).reshape(4, 2), labels=np.array([0, 1, 0, 1]), n_classes=2)
    result = train(Recorder(), data, rng=np.random.default_rng(0), epochs=2, batch_size=2)
    assert result.history["valid_loss"] == [None, None]
    assert result.history["valid_accuracy"] == [None, None]


def test_evaluation_goes_1000_rows_at_a_time_by_default():
    model = Recorder()
    train(model, regression(1001), regression(1001), rng=np.random.default_rng(0), epochs=1,
          batch_mode="full", train_eval_size=1001)
    # The two dry rows first (train, valid), then the training and validation passes.
    assert model.evaluated == [1, 1, 1000, 1, 1000, 1], model.evaluated


def test_a_bad_generator_is_refused_in_one_whole_sentence():
    with pytest.raises(TypeError) as refusal:
        train(Recorder(), regression(4), rng=0)
    assert str(refusal.value) == (
        "rng: got 0; expected a numpy.random.Generator (each epoch's sample order is drawn "
        "from it), e.g. numpy.random.default_rng(0)")


class Overflows(Recorder):
    """A step whose arithmetic overflows, divides by zero and makes a NaN: the loss is inf."""

    def train_step(self, X, Y, **kwargs):
        big = np.float64(1e308) * np.float64(10.0)
        return big + (big - big) + np.float64(1.0) / np.float64(0.0)


def test_numpys_warnings_are_silenced_inside_the_loop():
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # a warning would fail the test
        result = train(Overflows(), regression(4), rng=np.random.default_rng(0), epochs=2,
                       batch_size=2)
    assert result.diverged and result.stop_reason.startswith("diverged")


def test_evaluate_goes_1000_rows_at_a_time_and_refuses_a_bad_batch():
    model = Recorder()
    evaluate(model, regression(1001))
    assert model.evaluated == [1000, 1]
    with pytest.raises(ValueError) as refusal:
        evaluate(model, regression(2), batch_size=0)
    assert str(refusal.value) == "batch_size: got 0; expected a positive integer"


@pytest.mark.parametrize("mode, plan", [
    ("online", [([3], True), ([1], True), ([4], True), ([0], True), ([2], True)]),
    ("minibatch", [([3, 1], True), ([4, 0], True), ([2], True)]),
    ("full", [([3, 1, 4, 0, 2], True)]),
    ("sampled", [([3], True), ([1], False), ([4], True), ([0], False), ([2], True)]),
])
def test_each_batch_mode_plans_its_batches_over_the_order(mode, plan):
    got = [(list(rows), learn) for rows, learn in batching.plan(np.array([3, 1, 4, 0, 2]), mode, 2)]
    assert got == plan


@pytest.mark.parametrize("mode, size, error, sentence", [
    ("mini", 2, ValueError,
     "batch_mode: got 'mini'; expected one of ['full', 'minibatch', 'online', 'sampled']"),
    ("online", 0, ValueError, "batch_size: got 0; expected a positive integer"),
    ("full", 2.0, TypeError, "batch_size: got 2.0; expected a positive integer"),
])
def test_a_bad_plan_is_refused_in_one_whole_sentence(mode, size, error, sentence):
    with pytest.raises(error) as refusal:
        list(batching.plan(np.arange(4), mode, size))
    assert str(refusal.value) == sentence
