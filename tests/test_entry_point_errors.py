"""Library entry points raise only named errors, before any work: a TypeError for a wrong type,
a ValueError for a bad value, each naming the argument, never an error from inside numpy."""
import decimal
import fractions

import numpy as np
import pytest

from models import MODEL_CLASSES, blobs, make_model
from neuronnet import io
from neuronnet.training import Dataset, train

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
