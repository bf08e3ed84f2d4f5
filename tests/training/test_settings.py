"""A Settings record holds exactly its fields, each as its check returned it (numpy scalars
become Python numbers), refuses every bad setting word for word, and accepts each at its limit."""
import numpy as np
import pytest

from neuronnet.training import Settings
from neuronnet.training.schedules import Constant
from neuronnet.training.settings import NAMES


def test_a_record_holds_its_fields_and_nothing_else_each_as_checked():
    s = Settings(epochs=np.int64(3), batch_size=np.int32(4), batch_mode="online",
                 optimizer="nesterov", lr=np.float32(0.5), momentum=np.float32(0.25),
                 clip_norm=np.int64(2), patience=np.int64(2))
    assert set(vars(s)) == set(NAMES), sorted(set(vars(s)) ^ set(NAMES))
    got = {name: (type(getattr(s, name)), getattr(s, name)) for name in NAMES}
    assert got == {"epochs": (int, 3), "batch_size": (int, 4), "batch_mode": (str, "online"),
                   "optimizer": (str, "nesterov"), "lr": (float, 0.5),
                   "momentum": (float, 0.25), "schedule": (type(None), None),
                   "clip_norm": (float, 2.0), "patience": (int, 2)}, got


REAL_TYPE = "a finite real number (an int or a float)"


@pytest.mark.parametrize("make, error, sentence", [
    (lambda: Settings(batch_mode="batch"), ValueError,
     "batch_mode: got 'batch'; expected one of ['full', 'minibatch', 'online', 'sampled']"),
    (lambda: Settings(epochs=0), ValueError, "epochs: got 0; expected a positive integer"),
    (lambda: Settings(epochs=2.0), TypeError, "epochs: got 2.0; expected a positive integer"),
    (lambda: Settings(batch_size=0), ValueError, "batch_size: got 0; expected a positive integer"),
    (lambda: Settings(batch_size="8"), TypeError,
     "batch_size: got '8'; expected a positive integer"),
    (lambda: Settings(optimizer="adam"), ValueError,
     "optimizer: got 'adam'; expected one of ['momentum', 'nesterov', 'sgd']"),
    (lambda: Settings(lr=-0.1), ValueError, "lr: got -0.1; expected a number >= 0.0"),
    (lambda: Settings(lr=None), TypeError, f"lr: got None; expected {REAL_TYPE}"),
    (lambda: Settings(momentum=1.0), ValueError,
     "momentum: got 1.0; expected a number >= 0.0 and < 1.0"),
    (lambda: Settings(momentum=-0.5), ValueError,
     "momentum: got -0.5; expected a number >= 0.0 and < 1.0"),
    (lambda: Settings(momentum=float("nan")), ValueError,
     "momentum: got nan; expected a finite real number"),
    (lambda: Settings(clip_norm=0), ValueError, "clip_norm: got 0.0; expected a number > 0"),
    (lambda: Settings(clip_norm="1"), TypeError, f"clip_norm: got '1'; expected {REAL_TYPE}"),
    (lambda: Settings(patience=0), ValueError, "patience: got 0; expected a positive integer"),
    (lambda: Settings(patience=1.5), TypeError, "patience: got 1.5; expected a positive integer"),
    (lambda: Settings(schedule=("step", 2.0, 1)), ValueError,
     "factor: got 2.0; expected a number >= 0.0 and <= 1.0"),
    (lambda: Settings(lr=-1.0, schedule=Constant(0.1)), ValueError,
     "lr: got -1.0; expected a number >= 0.0"),
    (lambda: Settings(schedule="warm"), ValueError,
     "schedule: got 'warm'; expected a Schedule, 'constant', ('step', factor, every) or "
     "('threshold', [(loss, rate), ...])"),
    (lambda: Settings().replace(learning_rate=0.1), TypeError,
     "learning_rate: got an unknown setting; expected one of ['epochs', 'batch_mode', "
     "'batch_size', 'optimizer', 'lr', 'momentum', 'schedule', 'clip_norm', 'patience']"),
])
def test_a_bad_setting_is_refused_in_one_whole_sentence(make, error, sentence):
    with pytest.raises(error) as refusal:
        make()
    assert str(refusal.value) == sentence


def test_the_limits_of_each_setting_are_accepted():
    s = Settings(epochs=1, batch_size=1, lr=0.0, momentum=0.0, clip_norm=5e-324, patience=1)
    assert (s.epochs, s.batch_size, s.lr, s.momentum, s.clip_norm, s.patience) == \
        (1, 1, 0.0, 0.0, 5e-324, 1)
    assert Settings(momentum=np.nextafter(1.0, 0.0)).momentum < 1.0
    assert Settings(clip_norm=None, patience=None).clip_norm is None
    assert Settings(schedule=("step", 1.0, 1), lr=0.5).make_schedule().rate(3, None) == 0.5
    assert Settings(schedule="constant", lr=0.25).make_schedule().rate(7, 1.0) == 0.25
