"""A minibatch must fit in the training split: the one check of a setting against the data
(``check_batch_fits``), at its boundary and word for word; and a run's one-line description
names the schedule it was given."""
import numpy as np
import pytest

from neuronnet.training import Dataset, Settings, train
from neuronnet.training.loop import check_batch_fits
from neuronnet.training.schedules import Constant


class Recorder:
    """A model that records the rows of every step (and computes nothing)."""

    def __init__(self):
        self.steps = []

    def output_and_loss(self, X, Y):
        return np.zeros_like(Y), 0.0

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
