"""A Settings record holds exactly its fields, each as its check returned it (numpy scalars
become Python numbers), and refuses a bad batch mode and an unknown setting word for word."""
import numpy as np
import pytest

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


@pytest.mark.parametrize("make, error, sentence", [
    (lambda: Settings(batch_mode="batch"), ValueError,
     "batch_mode: got 'batch'; expected one of ['full', 'minibatch', 'online', 'sampled']"),
    (lambda: Settings().replace(learning_rate=0.1), TypeError,
     "learning_rate: got an unknown setting; expected one of ['epochs', 'batch_mode', "
     "'batch_size', 'optimizer', 'lr', 'momentum', 'schedule', 'clip_norm', 'patience']"),
])
def test_a_bad_setting_is_refused_in_one_whole_sentence(make, error, sentence):
    with pytest.raises(error) as refusal:
        make()
    assert str(refusal.value) == sentence
