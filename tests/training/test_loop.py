"""The training loop (neuronnet.training), the schedules and the Dataset.

The loop drives both models; given one seed they must take the same steps, so most tests run
each property on both and compare them within the trajectory tolerance of docs/design.md.
"""
import math

import numpy as np
import pytest

from models import blobs
from models import make_model as make
from neuronnet.training import Dataset, evaluate, train
from neuronnet.training.schedules import Constant, LossThreshold, StepDecay, get_schedule
from neuronnet.verify.checks import TRAJECTORY_TOL as TRAJECTORY
from neuronnet.verify.checks import assert_close, assert_params, check_evaluation_is_pure
from strategies import WrongType, expecting

# --- both models through one loop ----------------------------------------------------------

@pytest.mark.parametrize("batch_mode", ["online", "minibatch", "full", "sampled"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov"])
def test_both_models_take_the_same_steps(batch_mode, optimizer):
    data, valid = blobs(1, n=10), blobs(2, n=9)
    runs = []
    for kind in ("neuron", "reference"):
        result = train(make(kind), data, valid, rng=np.random.default_rng(3), epochs=3,
                       batch_mode=batch_mode, batch_size=4, optimizer=optimizer, lr=0.1,
                       momentum=0.9, schedule=("step", 0.5, 2), clip_norm=0.5)
        runs.append(result)
    mine, ref = runs
    context = f"  {batch_mode}, {optimizer}, 3 epochs of 10 samples, batch 4, clip 0.5"
    assert_params("parameters after training", mine.model.parameters(), ref.model.parameters(),
                  TRAJECTORY, context)
    for key in ("step_loss", "train_loss", "valid_loss"):
        assert_close(key, mine.history[key], ref.history[key], *TRAJECTORY, context=context)
    assert mine.history["lr"] == ref.history["lr"] == [0.1, 0.1, 0.05]
    assert mine.best_epoch == ref.best_epoch


def test_training_is_bitwise_repeatable():
    data = blobs(4)
    runs = [train(make("neuron"), data, data, rng=np.random.default_rng(5), epochs=4,
                  batch_size=5, optimizer="momentum", lr=0.1) for _ in range(2)]
    timeless = [{k: v for k, v in run.history.items() if k != "seconds"} for run in runs]
    assert timeless[0] == timeless[1]
    assert_params("parameters", runs[0].model.parameters(), runs[1].model.parameters(), None)


def test_training_learns():
    data, valid = blobs(6, n=60), blobs(7, n=30)
    untrained = evaluate(make("neuron"), valid).loss
    result = train(make("neuron"), data, valid, rng=np.random.default_rng(0), epochs=30,
                   batch_size=10, optimizer="momentum", lr=0.1)
    history = result.history
    assert history["valid_loss"][-1] < 0.5 * untrained, (untrained, history["valid_loss"])
    # The blobs overlap (the best possible is about 90%) and 60 samples overfit; chance is 1/3.
    assert evaluate(result.best_model, valid).accuracy >= 0.8, history["valid_accuracy"]


# --- the best model: a snapshot, never an alias --------------------------------------------------

def test_evaluation_changes_nothing():
    data = blobs(8)
    for kind in ("neuron", "reference"):
        check_evaluation_is_pure(evaluate, make(kind), data, context=f" ({kind})")


def test_best_epoch_is_not_always_the_last():
    # A validation set whose labels are a permutation of the truth: the better the network fits
    # the training data, the worse its validation loss, so the best epoch is an early one.
    data = blobs(9, n=30)
    wrong = Dataset(data.X, labels=(data.labels + 1) % 3, n_classes=3, name="valid")
    result = train(make("neuron"), data, wrong, rng=np.random.default_rng(0), epochs=8,
                   batch_size=5, optimizer="momentum", lr=0.1)
    assert result.best_epoch < 8, result.history["valid_loss"]
    assert evaluate(result.best_model, wrong).loss == min(result.history["valid_loss"])
    assert evaluate(result.model, wrong).loss == result.history["valid_loss"][-1]


# --- stopping: early, diverged -----------------------------------------------------------------

def test_early_stopping_waits_patience_epochs_after_the_best():
    data = blobs(9, n=30)
    wrong = Dataset(data.X, labels=(data.labels + 1) % 3, n_classes=3, name="valid")
    result = train(make("neuron"), data, wrong, rng=np.random.default_rng(0), epochs=50,
                   batch_size=5, optimizer="momentum", lr=0.1, patience=3)
    epochs_run = len(result.history["epoch"])
    assert epochs_run == result.best_epoch + 3 < 50, (epochs_run, result.best_epoch)
    assert "early stopping" in result.stop_reason and "3 epochs" in result.stop_reason


def test_a_diverging_run_stops_says_where_and_keeps_the_best():
    data = blobs(10, n=20)
    X = data.X * 50.0  # large inputs and a huge rate: the loss overflows within a few steps
    big = Dataset(X, labels=data.labels, n_classes=3)
    model = make("neuron", sizes=(3, 5, 3), activations=("relu", "identity"))
    # 1e50: not finite within epoch 1 (at 1e6 the 1000-times rule stops it after the epoch,
    # tests/training/test_divergence_rule.py)
    with np.errstate(over="ignore", invalid="ignore"):
        result = train(model, big, big, rng=np.random.default_rng(0), epochs=20, batch_size=4,
                       optimizer="momentum", lr=1e50)
    assert result.diverged, result.stop_reason
    assert "epoch" in result.stop_reason and "batch" in result.stop_reason
    assert "last finite loss" in result.stop_reason or "evaluated loss" in result.stop_reason
    best = result.best_model.parameters()
    assert all(np.isfinite(p).all() for p in best)
    if result.history["valid_loss"]:
        assert evaluate(result.best_model, big).loss == min(result.history["valid_loss"])


def test_gradient_clipping_scales_the_step_to_the_norm():
    data = blobs(11, n=8)
    X, Y = data.batch(slice(None))
    for kind in ("neuron", "reference"):
        model = make(kind)
        before = model.parameters()
        grads = model.gradient(X, Y)
        norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
        clip = norm / 4
        model.train_step(X, Y, optimizer="sgd", lr=0.1, clip_norm=clip)
        expected = [w - 0.1 * (g * (clip / norm)) for w, g in zip(before, grads)]
        assert_params(f"{kind}: one clipped SGD step", model.parameters(), expected,
                      (1e-12, 1e-14))
        # A norm below the clip changes nothing: bitwise the unclipped step.
        a, b = make(kind), make(kind)
        a.train_step(X, Y, optimizer="sgd", lr=0.1, clip_norm=norm * 2)
        b.train_step(X, Y, optimizer="sgd", lr=0.1)
        assert_params(f"{kind}: clip above the norm", a.parameters(), b.parameters(), None)


# --- schedules ---------------------------------------------------------------------------------

def test_the_seeds_threshold_schedule_works_here():
    steps = [(0.05, 5e-5), (0.03, 1e-5), (0.015, 2e-6), (0.008, 5e-7)]  # source 000's numbers
    schedule = LossThreshold(5e-4, steps)
    assert [schedule.rate(1, loss) for loss in (None, 1.0, 0.04, 0.02, 0.01, 0.001)] == \
        [5e-4, 5e-4, 5e-5, 1e-5, 2e-6, 5e-7]


@pytest.mark.parametrize("steps, words", [
    ([], "at least one"),
    ([(0.1, 0.01), (0.1, 0.001)], "distinct"),
    ([(0.1, 0.001), (0.05, 0.01)], "do not rise"),
    ([(0.1, 0.5)], "do not rise"),  # a rate above the base rate once the loss is low
    ([(0.1, -1.0)], "steps"),
    ([("x", 0.1)], "steps"),
])
def test_bad_threshold_schedules_are_refused(steps, words):
    with pytest.raises(ValueError, match=words):
        LossThreshold(0.1, steps)


def test_step_decay_and_constant():
    schedule = StepDecay(0.8, factor=0.5, every=3)
    assert [schedule.rate(e, None) for e in range(1, 8)] == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2]
    assert Constant(0.3).rate(99, 0.0) == 0.3
    assert isinstance(get_schedule(None, 0.1), Constant)
    assert isinstance(get_schedule(("step", 0.5, 2), 0.1), StepDecay)
    with pytest.raises(ValueError, match="schedule"):
        get_schedule("cosine", 0.1)


# --- the Dataset -----------------------------------------------------------------------------

def test_dataset_converts_a_batch_at_a_time():
    X = np.arange(12, dtype=np.uint8).reshape(4, 3) * 20
    data = Dataset(X, labels=np.array([0, 2, 1, 2]), n_classes=3, divisor=255)
    Xb, Yb = data.batch(np.array([3, 1]))
    assert data.X.dtype == np.uint8  # the stored pixels stay bytes
    assert Xb.dtype == np.float64 and np.array_equal(Xb, X[[3, 1]] / 255)
    assert np.array_equal(Yb, [[0, 0, 1], [0, 0, 1]])
    Xb[:] = -1  # the batch is a copy: writing into it leaves the data alone
    assert data.X.min() == 0


@pytest.mark.parametrize("kwargs, words, error", expecting([
    (dict(X=np.zeros((3, 2)), labels=[0, 1, 3], n_classes=3), "labels"),
    WrongType((dict(X=np.zeros((3, 2)), labels=[0, 1, 2]), "n_classes")),
    (dict(X=np.zeros((3, 2))), "exactly one"),
    (dict(X=np.zeros((0, 2)), targets=np.zeros((0, 1))), "shape"),
    (dict(X=np.array([[np.nan, 1.0]]), targets=[[1.0]]), "non-finite"),
    (dict(X=np.zeros((2, 2)), targets=np.zeros((3, 1))), "targets"),
    (dict(X=np.array([["a", "b"]]), targets=[[1.0]]), "dtype"),
]))
def test_dataset_refuses_bad_input(kwargs, words, error):
    with pytest.raises(error, match=words):
        Dataset(**kwargs)


@pytest.mark.parametrize("kwargs, words, error", expecting([
    (dict(epochs=0), "epochs"),
    (dict(batch_size=100), "batch_size"),
    (dict(batch_mode="chunky"), "batch_mode"),
    (dict(lr=-0.1), "lr"),
    (dict(momentum=1.0), "momentum"),
    (dict(clip_norm=0.0), "clip_norm"),
    (dict(patience=0), "patience"),
    (dict(momentum=-0.1), "momentum"),
    (dict(momentum=float("nan")), "momentum"),
    (dict(lr=float("inf")), "lr"),
    (dict(train_eval_size=0), "train_eval_size"),
    (dict(eval_batch_size=0), "eval_batch_size"),
    WrongType((dict(epochs=1.5), "epochs")),
    WrongType((dict(rng=np.random.RandomState(0)), "rng")),
    WrongType((dict(rng=None), "rng")),
    (dict(schedule=("cosine",)), "schedule"),
    WrongType((dict(lrr=0.1), "lrr")),          # a misspelt setting
    WrongType((dict(settings={"lr": 0.1}), "settings")),
]))
def test_train_refuses_bad_settings_before_any_step(kwargs, words, error):
    data = blobs(12)
    model = make("neuron")
    before = model.parameters()
    settings = dict(rng=np.random.default_rng(0), epochs=2, batch_size=4)
    settings.update(kwargs)
    with pytest.raises(error, match=f"^{words}: got "):  # the name first, as itself
        train(model, data, data, **settings)
    assert_params("parameters after a refused call", model.parameters(), before, None)


def test_train_refuses_mismatched_validation_data():
    with pytest.raises(ValueError, match="valid_data"):
        train(make("neuron"), blobs(1), blobs(2, n_features=4), rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="train_data"):
        train(make("neuron"), np.zeros((3, 3)), None, rng=np.random.default_rng(0))


def test_train_refuses_a_non_dataset_and_names_it():
    for name, args in (("train_data", (np.zeros((3, 3)), None)),
                       ("valid_data", (blobs(1), np.zeros((3, 3))))):
        with pytest.raises(ValueError, match=f"^{name}: got ndarray; expected "):
            train(make("neuron"), *args, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="^dataset: got ndarray"):
        evaluate(make("neuron"), np.zeros((3, 3)))


def test_the_boundaries_of_the_settings_are_accepted():
    data = blobs(13, n=8)
    # a minibatch of all the data, a rate of 0, momentum just below 1: all legal
    result = train(make("neuron"), data, data, rng=np.random.default_rng(0), epochs=1,
                   batch_size=8, lr=0.0, momentum=0.999, optimizer="momentum")
    assert result.history["epoch"] == [1]
    assert result.history["train_loss"][0] == evaluate(make("neuron"), data).loss  # lr 0


def test_train_defaults_are_the_documented_ones(capsys):
    """train(model, data, rng=...) means: 10 epochs, minibatches of 32, SGD, lr 0.1, constant
    rate, no clipping, no early stop, no progress bar."""
    data = blobs(14, n=70)
    implicit = train(make("neuron"), data, rng=np.random.default_rng(5))
    explicit = train(make("neuron"), data, rng=np.random.default_rng(5), epochs=10,
                     batch_mode="minibatch", batch_size=32, optimizer="sgd", lr=0.1,
                     momentum=0.9, schedule=None, clip_norm=None, patience=None,
                     train_eval_size=10000, eval_batch_size=1000, progress=False)
    assert_params("parameters", implicit.model.parameters(), explicit.model.parameters(), None)
    assert implicit.history["lr"] == [0.1] * 10
    assert capsys.readouterr().err == ""  # no bar unless asked


@pytest.mark.parametrize("batch_size", [1, 3, 7, 24, 1000])
def test_evaluate_weights_each_chunk_by_its_rows(batch_size):
    data = blobs(15, n=24)
    for kind in ("neuron", "reference"):
        model = make(kind)
        X, Y = data.batch(slice(None))
        output, loss = model.output_and_loss(X, Y)
        result = evaluate(model, data, batch_size=batch_size)
        assert_close(f"{kind}: loss over chunks of {batch_size}", result.loss, loss, 1e-12, 1e-14)
        assert np.array_equal(result.predictions, output.argmax(axis=1))
        assert result.accuracy == np.mean(output.argmax(axis=1) == data.labels)
    regression = Dataset(data.X, targets=data.X[:, :2])
    model = make("neuron", sizes=(3, 4, 2), loss="half_mse")
    result = evaluate(model, regression, batch_size=batch_size)
    assert result.accuracy is None
    assert_close("regression outputs", result.predictions, model.forward(data.X), 1e-12, 1e-14)


@pytest.mark.parametrize("make_schedule, name", [
    (lambda: Constant(-0.1), "lr"), (lambda: Constant(float("nan")), "lr"),
    (lambda: StepDecay(-1.0), "lr"), (lambda: StepDecay(0.1, factor=1.5), "factor"),
    (lambda: StepDecay(0.1, factor=-0.5), "factor"), (lambda: StepDecay(0.1, every=0), "every"),
    (lambda: LossThreshold(-0.1, [(0.1, 0.01)]), "lr"),
])
def test_schedules_refuse_bad_settings_by_name(make_schedule, name):
    with pytest.raises(ValueError, match=f"^{name}: got "):
        make_schedule()


def test_schedule_boundaries():
    assert StepDecay(0.1, factor=1.0, every=1).rate(5, None) == 0.1  # factor 1: constant
    assert StepDecay(0.1, factor=0.0, every=1).rate(2, None) == 0.0
    assert Constant(0.0).rate(1, None) == 0.0
    schedule = LossThreshold(0.1, [(0.5, 0.01)])
    assert schedule.rate(1, 0.5) == 0.1 and schedule.rate(1, 0.49) == 0.01  # strictly below
    assert schedule.rate(1, float("nan")) == 0.1 and schedule.rate(1, float("inf")) == 0.1
    assert LossThreshold(0.1, [(0.5, 0.1)]).rate(1, 0.1) == 0.1  # equal rates are allowed


@pytest.mark.parametrize("kind", ["neuron", "reference"])
def test_fit_defaults_are_the_documented_ones(kind):
    """model.fit(X, Y, rng=...) means: 1 epoch of minibatches of min(32, n), SGD at lr 0.1."""
    X, Y = blobs(16, n=40).batch(slice(None))
    implicit, explicit = make(kind), make(kind)
    implicit.fit(X, Y, rng=np.random.default_rng(1))
    explicit.fit(X, Y, rng=np.random.default_rng(1), epochs=1, batch_mode="minibatch",
                 batch_size=32, optimizer="sgd", lr=0.1, momentum=0.9, shuffle=True)
    assert_params("parameters", implicit.parameters(), explicit.parameters(), None)


def test_the_loop_clips_every_step_to_the_norm():
    """With plain SGD a step moves the parameters by lr * g; clipped, ||lr * g|| <= lr * c."""
    data = blobs(17, n=12)
    for kind in ("neuron", "reference"):
        model = make(kind)
        before = model.parameters()
        train(model, data, rng=np.random.default_rng(0), epochs=1, batch_mode="full",
              optimizer="sgd", lr=0.1, clip_norm=1e-3)
        moved = np.sqrt(sum(float(np.sum((a - b) ** 2))
                            for a, b in zip(model.parameters(), before)))
        assert 0 < moved <= 0.1 * 1e-3 * (1 + 1e-12), (kind, moved)


def test_every_history_list_has_one_entry_per_epoch():
    data = blobs(18, n=12)
    result = train(make("neuron"), data, data, rng=np.random.default_rng(0), epochs=3,
                   batch_size=4)
    assert sorted(result.history) == sorted(["epoch", "lr", "step_loss", "train_loss",
                                             "valid_loss", "seconds", "train_accuracy",
                                             "valid_accuracy"])
    assert all(len(values) == 3 for values in result.history.values()), result.history


def test_an_optimizer_object_follows_the_schedule():
    """An Optimizer object handed to train() once kept its own rate all along, while the
    history recorded the scheduled rates. Its rule and mu are used; the rate is the schedule's,
    epoch by epoch: the same steps as the optimizer's name."""
    from neuronnet.optimizers import Momentum
    data, runs = blobs(3, n=12), []
    for optimizer in ("momentum", Momentum(lr=0.1, mu=0.9)):
        runs.append(train(make("neuron"), data, data, rng=np.random.default_rng(1), epochs=4,
                          batch_size=4, optimizer=optimizer, lr=0.1, momentum=0.9,
                          schedule=("step", 0.1, 1)))
    by_name, by_object = runs
    assert by_object.history["lr"] == by_name.history["lr"]
    np.testing.assert_allclose(by_name.history["lr"], [0.1, 0.01, 0.001, 0.0001], rtol=1e-12)
    assert_params("parameters", by_object.model.parameters(), by_name.model.parameters(), None)
