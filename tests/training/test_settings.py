"""A Settings record holds exactly its fields, each as its check returned it (numpy scalars
become Python numbers), and accepts each at its limit. (Its refusals, one row each:
tests/test_refusals.py.)"""
import numpy as np

from neuronnet.training import Settings
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


def test_the_limits_of_each_setting_are_accepted():
    s = Settings(epochs=1, batch_size=1, lr=0.0, momentum=0.0, clip_norm=5e-324, patience=1)
    assert (s.epochs, s.batch_size, s.lr, s.momentum, s.clip_norm, s.patience) == \
        (1, 1, 0.0, 0.0, 5e-324, 1)
    assert Settings(momentum=np.nextafter(1.0, 0.0)).momentum < 1.0
    assert Settings(clip_norm=None, patience=None).clip_norm is None
    assert Settings(schedule=("step", 1.0, 1), lr=0.5).make_schedule().rate(3, None) == 0.5
    assert Settings(schedule="constant", lr=0.25).make_schedule().rate(7, 1.0) == 0.25


def test_the_settings_line_at_the_head_of_a_training_table():
    from neuronnet.training.schedules import StepDecay
    from neuronnet.training.settings import Settings
    tail = ", clip_norm None, patience None"
    assert Settings().describe() == ("10 epochs, minibatch (batch 32), sgd lr=0.1 momentum=0.9, "
                                     "schedule constant" + tail)
    assert Settings(schedule=("step", 0.5, 3), lr=0.2).describe().endswith(
        "lr=0.2 momentum=0.9, schedule ('step', 0.5, 3)" + tail)
    assert Settings(schedule=StepDecay(0.5, every=3)).describe().endswith(
        "schedule StepDecay(lr=0.5, factor=0.5, every=3)" + tail)
