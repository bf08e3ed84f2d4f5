"""The training settings: one frozen record, validated once, here.

Recipes hold one, the command line's options override it, and ``train()`` and the loop read it.
Every setting is checked when the record is made, so a typo fails before any work starts,
naming the setting.
"""
from dataclasses import dataclass, fields, replace

from .. import batching
from ..guards import check_choice, check_positive_int, check_positive_real, check_real, fail
from ..optimizers import OPTIMIZERS, Optimizer, get_optimizer
from .schedules import Schedule, get_schedule


@dataclass(frozen=True)
class Settings:
    """How to train.

    epochs : the number of passes over the training set (fewer with ``patience``).
    batch_mode, batch_size : see ``neuronnet/batching.py`` (online, minibatch, full, sampled).
    optimizer : ``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"rmsprop"`` or ``"adam"``, or an
        Optimizer object (its update rule and mu are used; its rate is replaced, epoch by
        epoch, by the schedule's).
    lr : the base learning rate, which the schedule starts from.
    momentum : mu, in [0, 1) (checked even for sgd, which ignores it: a NaN is still a mistake).
    schedule : None (constant ``lr``), a Schedule, ``("step", factor, every)`` or
        ``("threshold", [(loss, rate), ...])``.
    clip_norm : None, or the largest global gradient norm a step may use.
    patience : None, or how many epochs without a new lowest validation loss stop training.
    """
    epochs: int = 10
    batch_mode: str = "minibatch"
    batch_size: int = 32
    optimizer: object = "sgd"
    lr: float = 0.1
    momentum: float = 0.9
    schedule: object = None
    clip_norm: object = None
    patience: object = None

    def __post_init__(self):
        checked = dict(
            epochs=check_positive_int("epochs", self.epochs),
            batch_mode=check_choice("batch_mode", self.batch_mode, batching.BATCH_MODES),
            batch_size=check_positive_int("batch_size", self.batch_size),
            optimizer=_check_optimizer(self.optimizer),
            lr=check_real("lr", self.lr, low=0.0),
            momentum=check_real("momentum", self.momentum, low=0.0, high=1.0, high_open=True),
            clip_norm=(None if self.clip_norm is None
                       else check_positive_real("clip_norm", self.clip_norm)),
            patience=None if self.patience is None else check_positive_int("patience",
                                                                            self.patience))
        get_schedule(self.schedule, checked["lr"])   # fails here for a bad schedule
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    def replace(self, **changes):
        """A copy with ``changes`` applied (validated again). A change of None keeps the current
        value, so unset command-line options change nothing; an unknown name is a TypeError."""
        unknown = sorted(set(changes) - set(NAMES))
        if unknown:
            fail(unknown[0], "an unknown setting", f"one of {list(NAMES)}", TypeError)
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def make_schedule(self):
        """The Schedule of this run (asked for each epoch's rate)."""
        return get_schedule(self.schedule, self.lr)

    def make_optimizer(self):
        """The Optimizer of a run, made once: from the name with ``lr`` and ``momentum``, or a
        copy of the Optimizer object at rate ``lr`` (the loop sets each epoch's rate on it)."""
        if isinstance(self.optimizer, Optimizer):
            return self.optimizer.with_lr(self.lr)
        return get_optimizer(self.optimizer, self.lr, self.momentum)

    def describe(self):
        """One line, for the head of a training table."""
        schedule = self.schedule if isinstance(self.schedule, Schedule) else (
            self.schedule or "constant")
        return (f"{self.epochs} epochs, {self.batch_mode} (batch {self.batch_size}), "
                f"{self.optimizer} lr={self.lr:g} momentum={self.momentum:g}, schedule "
                f"{schedule}, clip_norm {self.clip_norm}, patience {self.patience}")


NAMES = tuple(f.name for f in fields(Settings))


def _check_optimizer(optimizer):
    if isinstance(optimizer, Optimizer):
        return optimizer
    return check_choice("optimizer", optimizer, OPTIMIZERS)
