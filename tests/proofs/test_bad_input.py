"""Library entry points raise only named errors, before any work: a TypeError for a wrong type, a
ValueError for a bad value, each naming the argument, never an error from inside numpy. Every
entry point of both models, the loop and the readers: the bad argument and the bad value named
(the argument first, as name: got ...), and nothing trained or changed."""
import decimal
import fractions
import re

import numpy as np
import pytest

from models import MODEL_CLASSES, blobs, make_model
from neuronnet import Network, io
from neuronnet.training import Dataset, evaluate, train
from reference import MLP
from strategies import WrongType, expecting

KINDS = list(MODEL_CLASSES)


def raises_naming(error, name, call):
    with pytest.raises(error) as info:
        call()
    assert str(info.value).split(":")[0].endswith(name), str(info.value)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("rate", [fractions.Fraction(1, 10), decimal.Decimal("0.1")],
                         ids=["Fraction", "Decimal"])
def test_a_rate_that_is_not_an_int_or_float_is_refused(kind, rate):
    model, data = make_model(kind), blobs(0, n=8)
    raises_naming(TypeError, "lr", lambda: train(model, data, rng=np.random.default_rng(0),
                                                  epochs=1, batch_size=4, lr=rate))
    raises_naming(TypeError, "lr", lambda: model.fit(*data.batch(slice(None)), lr=rate,
                                                      rng=np.random.default_rng(0)))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("params, error", [
    (None, TypeError),
    ([np.full((5, 3), "a"), np.zeros(5), np.zeros((3, 5)), np.zeros(3)], TypeError),
    ([np.full((5, 3), None, dtype=object), np.zeros(5), np.zeros((3, 5)), np.zeros(3)],
     TypeError),
], ids=["None", "strings", "objects"])
def test_set_parameters_refuses_what_is_not_a_list_of_real_arrays(kind, params, error):
    model = make_model(kind)
    before = model.parameters()
    raises_naming(error, "params" if params is None else "params[0]",
                  lambda: model.set_parameters(params))
    assert all(np.array_equal(a, b) for a, b in zip(model.parameters(), before))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("features", [
    np.ones((4, 3), dtype=complex), np.full((4, 3), "1"),
    np.full((4, 3), np.datetime64("2020-01-01")), np.ones((4, 3), dtype=bool),
], ids=["complex", "strings", "datetime", "bool"])
def test_features_that_are_not_real_numbers_are_refused_not_coerced(kind, features):
    raises_naming(TypeError, "X", lambda: make_model(kind).forward(features))


@pytest.mark.parametrize("schedule", [("step",), ("step", 0.5), ("step", 0.5, 2, 9),
                                      ("threshold",), ("threshold", [(1.0, 0.1)], 3)])
def test_a_schedule_tuple_of_the_wrong_length_is_refused(schedule):
    raises_naming(ValueError, "schedule", lambda: train(
        make_model("neuron"), blobs(0, n=8), rng=np.random.default_rng(0), epochs=1,
        batch_size=4, schedule=schedule))


def test_a_non_callable_on_epoch_is_refused_before_the_first_epoch():
    model = make_model("neuron")
    before = model.parameters()
    raises_naming(TypeError, "on_epoch", lambda: train(
        model, blobs(0, n=8), rng=np.random.default_rng(0), epochs=1, batch_size=4, on_epoch=5))
    assert all(np.array_equal(a, b) for a, b in zip(model.parameters(), before))


def test_a_dataset_of_a_million_classes_is_refused_before_allocating():
    raises_naming(ValueError, "n_classes", lambda: Dataset(np.zeros((2, 3)), labels=[0, 1],
                                                           n_classes=10**6))


def test_one_hot_batches_are_made_a_batch_at_a_time():
    data = Dataset(np.zeros((3, 2)), labels=[2, 0, 1], n_classes=3)
    np.testing.assert_array_equal(data.batch(slice(None))[1], np.eye(3)[[2, 0, 1]])


@pytest.mark.parametrize("call", [
    lambda: io.load(None, lambda *a: a), lambda: io.load_history(None),
    lambda: io.load_image_folder(None), lambda: io.save(make_model("neuron"), None),
], ids=["load", "load_history", "load_image_folder", "save"])
def test_a_none_path_is_a_named_type_error(call):
    with pytest.raises(TypeError, match=r"^(path|root): got None; expected"):
        call()


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_saving_refuses_non_finite_metadata(value, tmp_path):
    raises_naming(ValueError, "metadata['score']", lambda: io.save(
        make_model("neuron"), tmp_path / "m.npz", metadata={"score": value}))
    assert not list(tmp_path.iterdir())


RNG = np.random.default_rng


def assert_names(error, words):
    """The message begins with ``words[0]``, the argument's name, as ``name: got ...`` (or
    ``<dataset> name: got ...``), and contains every other word. Anchoring the name, not just
    finding it somewhere, is what tells 'batch_size: got' from 'XXbatch_sizeXX: got'."""
    message = str(error.value)
    assert re.match(rf"^(\w+ )?{re.escape(words[0])}: got ", message), (words[0], message)
    for word in words[1:]:
        assert word in message, (word, message)


def net(**changes):
    kwargs = dict(layer_sizes=[3, 4, 2], activations=["tanh", "identity"], loss="cross_entropy",
                  init="glorot_uniform", rng=RNG(0))
    kwargs.update(changes)
    return kwargs


CONSTRUCTOR_CASES = [
    (net(layer_sizes=[3, 0, 2]), ["layer_sizes[1]", "0"]),
    (net(layer_sizes=[3]), ["layer_sizes", "[3]"]),
    WrongType((net(layer_sizes="3,4,2"), ["layer_sizes[0]", "'3'"])),
    WrongType((net(layer_sizes=[3, 2.5, 2]), ["layer_sizes[1]", "2.5"])),
    (net(activations=["tanh", "softsign"]), ["activation", "softsign"]),
    (net(activations=["tanh"]), ["activations", "2"]),
    (net(loss="hinge"), ["loss", "hinge"]),
    (net(init="orthogonal"), ["init", "orthogonal"]),
    (net(init="normal", init_std=-1.0), ["init_std", "-1.0"]),
    (net(init="normal", init_std=float("nan")), ["init_std", "nan"]),
    WrongType((net(rng=0), ["rng", "0"])),
    WrongType((net(rng=np.random.RandomState(0)), ["rng", "RandomState"])),
]


@pytest.mark.parametrize("model", [Network, MLP], ids=["neuron", "reference"])
@pytest.mark.parametrize("kwargs, words, expected", expecting(CONSTRUCTOR_CASES))
def test_constructors_name_the_bad_argument(model, kwargs, words, expected):
    with pytest.raises(expected) as error:
        model(**kwargs)
    assert_names(error, words)


X_OK = RNG(1).normal(size=(6, 3))
Y_OK = np.eye(2)[[0, 1, 0, 1, 1, 0]]

DATA_CASES = [
    (dict(X=X_OK[:, :2]), ["X", "(6, 2)", "3"]),
    (dict(X=X_OK[0]), ["X", "(3,)"]),
    (dict(X=np.zeros((0, 3))), ["X", "(0, 3)"]),
    (dict(X=np.where(np.eye(6, 3) > 0, np.nan, X_OK)), ["X", "non-finite"]),
    WrongType((dict(X=np.full((6, 3), "a")), ["X"])),
    (dict(Y=Y_OK[:4]), ["Y", "4 rows", "6"]),
    (dict(Y=np.where(Y_OK > 0, np.inf, 0.0)), ["Y", "non-finite"]),
    (dict(batch_size=7), ["batch_size", "7", "6 samples"]),
    (dict(batch_size=0), ["batch_size", "0"]),
    (dict(epochs=-1), ["epochs", "-1"]),
    (dict(lr=float("nan")), ["lr", "nan"]),
    (dict(lr=-0.1), ["lr", "-0.1"]),
    (dict(momentum=float("inf")), ["momentum", "inf"]),
    (dict(momentum=1.0), ["momentum", "1.0"]),
    (dict(optimizer="adagrad"), ["optimizer", "adagrad"]),
    (dict(batch_mode="stochastic"), ["batch_mode", "stochastic"]),
]


@pytest.mark.parametrize("model", [Network, MLP], ids=["neuron", "reference"])
@pytest.mark.parametrize("changes, words, expected", expecting(DATA_CASES))
def test_fit_names_the_bad_argument_and_changes_nothing(model, changes, words, expected):
    m = model(**net())
    before = m.parameters()
    kwargs = dict(X=X_OK, Y=Y_OK, epochs=1, batch_size=2, rng=RNG(0))
    kwargs.update(changes)
    X, Y = kwargs.pop("X"), kwargs.pop("Y")
    with pytest.raises(expected) as error:
        m.fit(X, Y, **kwargs)
    assert_names(error, words)
    assert all(np.array_equal(a, b) for a, b in zip(before, m.parameters()))


@pytest.mark.parametrize("model", [Network, MLP], ids=["neuron", "reference"])
@pytest.mark.parametrize("X, words", [(X_OK[:, :2], ["X", "(6, 2)", "3"]),
                                      (np.array([[1.0, np.inf, 0.0]]), ["X", "non-finite"]),
                                      ([[1, 2]], ["X"])])
def test_predict_names_the_bad_input(model, X, words):
    with pytest.raises(ValueError) as error:
        model(**net()).predict(X)
    assert_names(error, words)


@pytest.mark.parametrize("kwargs, words", [
    (dict(X=np.zeros((3, 2)), labels=np.array([0, 1, 2]), n_classes=2), ["labels", "[0, 1]"]),
    (dict(X=np.zeros((3, 2)), labels=np.array([0.0, 1.0, 1.0]), n_classes=2), ["labels", "float"]),
    (dict(X=np.zeros((3, 2)), labels=np.array([0, -1, 1]), n_classes=2), ["labels"]),
    (dict(X=np.zeros((0, 2)), labels=np.array([], dtype=int), n_classes=2), ["X", "(0, 2)"]),
    (dict(X=np.zeros((3, 0)), labels=np.array([0, 1, 1]), n_classes=2), ["X", "(3, 0)"]),
    (dict(X=np.array([[np.inf, 0.0]]), targets=np.zeros((1, 1))), ["X", "non-finite"]),
    (dict(X=np.zeros((1, 2)), targets=np.array([[np.nan]])), ["targets", "non-finite"]),
    (dict(X=np.zeros((2, 2)), labels=np.array([0, 1]), n_classes=0), ["n_classes"]),
    (dict(X=np.zeros((2, 2)), labels=np.array([0, 1]), n_classes=2, divisor=0.0), ["divisor"]),
])
def test_datasets_refuse_bad_data(kwargs, words):
    with pytest.raises(ValueError) as error:
        Dataset(**kwargs)
    assert_names(error, words)


def test_train_checks_the_model_against_the_data_before_any_step():
    data = Dataset(np.zeros((4, 5)), labels=np.array([0, 1, 0, 1]), n_classes=2)
    model = Network(**net())  # 3 inputs, the data has 5
    before = model.parameters()
    with pytest.raises(ValueError, match=r"^X: got an array of shape \(\d+, 5\)"):
        train(model, data, rng=RNG(0), epochs=1, batch_size=2)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.parameters()))
    with pytest.raises(ValueError, match="dataset"):
        evaluate(model, np.zeros((4, 3)))
