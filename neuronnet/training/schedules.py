"""Learning-rate schedules: the rate for the coming epoch.

A schedule is asked once per epoch, before it starts: ``rate(epoch, loss)`` with ``epoch``
counted from 1 and ``loss`` the previous epoch's training loss (None before the first epoch,
when there is none yet). The coursework's schedule reacts to the loss; the others ignore it.
"""
import math

from ..guards import check_positive_int, check_real


class Schedule:
    name = "schedule"

    def rate(self, epoch, loss):
        raise NotImplementedError


class Constant(Schedule):
    """The same rate every epoch: ``lr``."""

    name = "constant"

    def __init__(self, lr):
        self.lr = check_real("lr", lr, low=0.0)

    def rate(self, epoch, loss):
        return self.lr

    def __repr__(self):
        return f"Constant(lr={self.lr})"


class StepDecay(Schedule):
    """Multiply the rate by ``factor`` every ``every`` epochs:

        lr_epoch = lr * factor ** ((epoch - 1) // every)
    """

    name = "step"

    def __init__(self, lr, factor=0.5, every=5):
        self.lr = check_real("lr", lr, low=0.0)
        self.factor = check_real("factor", factor, low=0.0, high=1.0)
        self.every = check_positive_int("every", every)

    def rate(self, epoch, loss):
        return self.lr * self.factor ** ((epoch - 1) // self.every)

    def __repr__(self):
        return f"StepDecay(lr={self.lr}, factor={self.factor}, every={self.every})"


class LossThreshold(Schedule):
    """The coursework's schedule (source 000), with every branch reachable.

    ``steps`` pairs a loss threshold with the rate to use once the loss has fallen below it,
    e.g. ``[(0.05, 5e-5), (0.03, 1e-5), (0.015, 2e-6)]``; above every threshold the rate is
    ``lr``. The rate is the one of the *smallest* threshold the loss is below, so each threshold
    owns the interval from itself down to the next one.

    The source tested ``if loss < 0.05: ... elif loss < 0.03: ...`` from the largest threshold
    down: any loss below 0.03 is below 0.05 too, so the first branch always won and every
    ``elif`` was dead (pitfall ``unreachable-schedule``). Here the thresholds are checked from
    the smallest up, whatever order they were given in, and the rates must not rise as the
    thresholds fall, so a falling loss never raises the rate.
    """

    name = "threshold"

    def __init__(self, lr, steps):
        self.lr = check_real("lr", lr, low=0.0)
        try:
            pairs = [(check_real("steps threshold", t, low=0.0), check_real("steps rate", r, low=0.0))
                     for t, r in steps]
        except (TypeError, ValueError) as error:
            raise ValueError(f"steps: got {steps!r}; expected (threshold, rate) pairs of finite "
                             f"non-negative numbers ({error})") from None
        if not pairs:
            raise ValueError("steps: got no (threshold, rate) pairs; expected at least one "
                             "(use Constant for a fixed rate)")
        pairs.sort(key=lambda pair: pair[0])  # smallest threshold first: the order to test in
        thresholds = [t for t, _ in pairs]
        if len(set(thresholds)) != len(thresholds):
            raise ValueError(f"steps: got the threshold list {thresholds}; expected distinct "
                             "thresholds (a repeated one would make a dead branch)")
        rates = [r for _, r in pairs] + [self.lr]  # from the lowest loss up to the base rate
        if any(low > high for low, high in zip(rates, rates[1:])):
            raise ValueError(f"steps: got rates {rates[:-1]} for thresholds {thresholds} with "
                             f"base lr {self.lr}; expected rates that do not rise as the loss "
                             "falls")
        self.steps = pairs

    def rate(self, epoch, loss):
        if loss is None or not math.isfinite(loss):
            return self.lr
        for threshold, rate in self.steps:  # smallest threshold first
            if loss < threshold:
                return rate
        return self.lr

    def __repr__(self):
        return f"LossThreshold(lr={self.lr}, steps={self.steps})"


SCHEDULES = {cls.name: cls for cls in (Constant, StepDecay, LossThreshold)}


def get_schedule(spec, lr):
    """A Schedule from an instance (returned as is), ``None`` or ``"constant"`` (Constant(lr)),
    or a tuple ``("step", factor, every)`` / ``("threshold", [(t, r), ...])``."""
    if isinstance(spec, Schedule):
        return spec
    if spec is None or spec == "constant":
        return Constant(lr)
    lengths = {"step": 3, "threshold": 2}   # ("step", factor, every), ("threshold", steps)
    if isinstance(spec, tuple) and spec and spec[0] in lengths and len(spec) == lengths[spec[0]]:
        return SCHEDULES[spec[0]](lr, *spec[1:])
    raise ValueError(f"schedule: got {spec!r}; expected a Schedule, 'constant', "
                     "('step', factor, every) or ('threshold', [(loss, rate), ...])")
