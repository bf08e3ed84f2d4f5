"""How a run ends, in the loop itself (docs/semantics.md, "The training loop"): the words of a
divergence and of an interruption name the epoch and the batch where it happened and the last
finite loss; the timings count only what ran; the progress bar shows every batch of every
epoch. (tests/app/test_run_endings.py sends real signals to the command line; these stay in one
process, so that the loop's own bookkeeping is what is checked.) And what a recording model
sees: a minibatch must fit in the training split, the stop reason counts the epochs, no
validation columns without validation data, evaluation 1,000 rows at a time, numpy's warnings
silenced inside the loop, a schedule object named in the run's description."""
import math
import warnings

import numpy as np
import pytest

from neuronnet import Network
from neuronnet.training import Dataset, Settings, evaluate, train
from neuronnet.training.loop import check_batch_fits
from neuronnet.training.schedules import Constant, Schedule
from refusing import refused


class Scripted:
    """A network whose training steps report the losses it is given, in order."""

    def __init__(self, losses):
        self.inner = Network([2, 2], ["identity"], rng=np.random.default_rng(0))
        self.losses = list(losses)

    def train_step(self, X, Y, **step):
        self.inner.train_step(X, Y, **step)
        return self.losses.pop(0) if self.losses else 0.1

    def __getattr__(self, name):        # the rest is the network's (not during a deep copy)
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)


class StopAt(Schedule):
    """A constant rate, and Ctrl-C when the loop asks for the rate of epoch ``stop``."""

    name = "stop-at"

    def __init__(self, stop):
        self.stop = stop

    def rate(self, epoch, loss):
        if epoch == self.stop:
            raise KeyboardInterrupt
        return 0.1


def data(n=3):
    rng = np.random.default_rng(1)
    return Dataset(rng.normal(size=(n, 2)), targets=rng.normal(size=(n, 2)), name="toy")


def run(model, **settings):
    settings = dict(dict(epochs=3, batch_mode="online"), **settings)
    return train(model, data(), rng=np.random.default_rng(2), **settings)


def test_a_divergence_names_its_batch_and_the_last_finite_loss():
    result = run(Scripted([0.5, 0.25, math.nan]))
    assert result.diverged and not result.interrupted
    want = ("diverged: the loss became nan at epoch 1, batch 3 (last finite loss 0.25); kept the "
            "initial weights (no epoch had finished)")
    assert result.stop_reason == want, f"\n got: {result.stop_reason}\nwant: {want}"
    result = run(Scripted([0.5, 0.25, 0.125, math.inf]))        # in the second epoch
    want = ("diverged: the loss became inf at epoch 2, batch 1 (last finite loss 0.125); kept "
            "the best model, from epoch 1")
    assert result.stop_reason == want, f"\n got: {result.stop_reason}\nwant: {want}"


@pytest.mark.parametrize("stop", [1, 2])
def test_an_interruption_before_any_batch_of_an_epoch_says_batch_0(stop):
    # Ctrl-C as epoch `stop` begins: no batch of it has run, whatever the epoch before ran.
    result = run(Scripted([]), schedule=StopAt(stop))
    assert result.interrupted and not result.diverged
    kept = ("kept the initial weights (no epoch had finished)" if stop == 1
            else "kept the best model, from epoch 1")
    want = f"interrupted during epoch {stop}, batch 0; {kept}"
    assert result.stop_reason == want, f"\n got: {result.stop_reason}\nwant: {want}"
    assert result.history["epoch"] == list(range(1, stop)), result.history["epoch"]
    if stop == 1:     # nothing ran: nothing is timed
        assert result.timings == {"train": 0.0, "evaluate": 0.0}, result.timings
    else:             # one epoch ran: its training and its evaluation, and nothing more
        assert result.timings["train"] == sum(result.history["seconds"]) > 0, result.timings
        assert result.timings["evaluate"] > 0, result.timings


def test_the_progress_bar_shows_each_epoch_and_its_number_of_batches(capsys):
    # tqdm redraws at most every 0.1 s, so a fast epoch shows its bar at 0 of 3 batches.
    run(Scripted([]), epochs=2, progress=True)
    err = capsys.readouterr().err
    for epoch in (1, 2):
        assert f"epoch {epoch}/2:   0%|          | 0/3 [" in err, err
    run(Scripted([]), epochs=2, progress=False)
    assert capsys.readouterr().err == ""


def test_the_timings_add_up_each_epochs_training_and_evaluation(monkeypatch):
    # A clock that moves one second per reading: the loop reads it at the start and the end of
    # each epoch's training and of its evaluation, so each lasts exactly one second.
    import types

    from neuronnet.training import loop
    ticks = iter(range(10**6))
    monkeypatch.setattr(loop, "time", types.SimpleNamespace(perf_counter=lambda: float(next(ticks))))
    result = run(Scripted([]), schedule=StopAt(3))
    assert result.history["seconds"] == [1.0, 1.0], result.history["seconds"]
    assert result.timings == {"train": 2.0, "evaluate": 2.0}, result.timings


def test_the_evaluation_defaults_are_the_documented_ones():
    # train_eval_size=10000 and eval_batch_size=1000 by default: on 10,001 rows, training with
    # them left out and written out gives the same history and leaves the generator alike.
    rng = np.random.default_rng(3)
    big = Dataset(rng.normal(size=(10_001, 2)), targets=rng.normal(size=(10_001, 2)), name="big")
    runs = []
    for explicit in ({}, {"train_eval_size": 10_000, "eval_batch_size": 1000}):
        gen = np.random.default_rng(4)
        result = train(Network([2, 2], ["identity"], rng=np.random.default_rng(0)), big,
                       rng=gen, epochs=1, batch_mode="full", **explicit)
        runs.append((result.history["train_loss"], gen.bit_generator.state))
    assert runs[0] == runs[1], runs


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
    refused(ValueError, "batch_size", lambda: check_batch_fits(Settings(batch_size=6), 5))
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
    # The two dry rows first (train, valid), the untrained model's training pass (the
    # divergence rule's start loss), then the epoch's training and validation passes.
    assert model.evaluated == [1, 1, 1000, 1, 1000, 1, 1000, 1], model.evaluated


def test_a_bad_generator_is_refused_before_any_step():
    model = Recorder()
    refused(TypeError, "rng", lambda: train(model, regression(4), rng=0))
    assert model.steps == [] and model.evaluated == []


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
    refused(ValueError, "batch_size", lambda: evaluate(model, regression(2), batch_size=0))
