"""Optimizers: how a parameter moves given its gradient.

Each optimizer is a pure rule ``step(w, g, v) -> (w, v)`` for one parameter ``w`` (a neuron's
weight vector, or its bias as a float), its gradient ``g`` and its velocity ``v`` (the same shape
as ``w``; zero before the first step). The *neuron* stores ``w`` and ``v`` (optimizer state
belongs to the neuron it updates); the optimizer stores only its hyperparameters, so one
optimizer object serves every neuron.

The expressions are written in one fixed order, ``mu * v - lr * g`` and so on, and
``reference/`` writes them in the same order, so the two models round identically.
"""
import copy

from .guards import check_real


class Optimizer:
    name = "optimizer"

    def __init__(self, lr):
        self.lr = check_real("lr", lr, low=0.0)

    def step(self, w, g, v):
        raise NotImplementedError

    def with_lr(self, lr):
        """A copy that steps at rate ``lr``, the rest unchanged (the training loop sets each
        epoch's scheduled rate this way)."""
        other = copy.copy(self)
        other.lr = check_real("lr", lr, low=0.0)
        return other

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr})"


class SGD(Optimizer):
    """Plain gradient descent (Cauchy 1847; Robbins & Monro 1951 for the stochastic form):

        w <- w - lr * g

    No velocity: ``v`` is passed through untouched.
    """

    name = "sgd"

    def step(self, w, g, v):
        return w - self.lr * g, v


class Momentum(Optimizer):
    """Heavy-ball momentum (Polyak 1964), as in Rumelhart, Hinton & Williams 1986:

        v <- mu * v - lr * g
        w <- w + v

    ``v`` is a running, exponentially decaying sum of past steps: with a constant gradient the
    step grows towards ``lr * g / (1 - mu)``. Pitfall ``momentum-overwrites-weights`` (source 004)
    forgot ``v`` and wrote ``w <- mu * w - lr * g``, shrinking every weight by mu per step.
    """

    name = "momentum"

    def __init__(self, lr, mu=0.9):
        super().__init__(lr)
        self.mu = check_real("momentum", mu, low=0.0, high=1.0, high_open=True)

    def step(self, w, g, v):
        v = self.mu * v - self.lr * g
        return w + v, v

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr}, mu={self.mu})"


class Nesterov(Momentum):
    """Nesterov's accelerated gradient (Nesterov 1983; Sutskever et al. 2013), in the form
    where the stored parameters are the look-ahead point (Bengio et al. 2013):

        v <- mu * v - lr * g
        w <- w + mu * v - lr * g

    The first step from v = 0 is ``-lr * (1 + mu) * g``, larger than heavy ball's ``-lr * g``.
    """

    name = "nesterov"

    def step(self, w, g, v):
        v = self.mu * v - self.lr * g
        return w + self.mu * v - self.lr * g, v


OPTIMIZERS = {cls.name: cls for cls in (SGD, Momentum, Nesterov)}


def get_optimizer(spec, lr=0.1, momentum=0.9):
    """An optimizer from a name (with ``lr`` and ``momentum``) or an Optimizer instance."""
    if isinstance(spec, Optimizer):
        return spec
    if isinstance(spec, str) and spec in OPTIMIZERS:
        # momentum is checked even for SGD, which ignores it: a NaN there is still a mistake.
        check_real("momentum", momentum, low=0.0, high=1.0, high_open=True)
        if spec == "sgd":
            return SGD(lr)
        return OPTIMIZERS[spec](lr, momentum)
    raise ValueError(
        f"optimizer: got {spec!r}; expected one of {sorted(OPTIMIZERS)} or an Optimizer instance"
    )
