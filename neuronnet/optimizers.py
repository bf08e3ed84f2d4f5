"""Optimizers: how a parameter moves given its gradient.

Each optimizer is a pure rule for one parameter ``w`` (a neuron's weight vector, or its bias as
a float) and its gradient ``g``::

    move(w, g, v, s, t) -> (w, v, s)

``v`` is the velocity (momentum's; Adam's first moment, a running mean of g), ``s`` the mean
square (RMSProp's and Adam's running mean of g * g), both zero before the first step, and ``t``
the number of this step, counted from 1. The *neuron* stores ``w``, ``v``, ``s`` and ``t``
(optimizer state belongs to the neuron it updates); the optimizer stores only its
hyperparameters, so one optimizer object serves every neuron. SGD, momentum and Nesterov use
only ``v``, and are written as the shorter ``step(w, g, v) -> (w, v)``.

The expressions are written in one fixed order, ``mu * v - lr * g`` and so on, and
``reference/`` writes them in the same order, so the two models round identically.
"""
import copy

import numpy as np

from .guards import check_positive_real, check_real


class Optimizer:
    name = "optimizer"

    def __init__(self, lr):
        self.lr = check_real("lr", lr, low=0.0)

    def step(self, w, g, v):
        raise NotImplementedError

    def move(self, w, g, v, s, t):
        """The full rule; for the optimizers that keep only a velocity, ``step`` with ``s``
        handed back untouched."""
        w, v = self.step(w, g, v)
        return w, v, s

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


class RMSProp(Optimizer):
    """RMSProp (Hinton, *Neural Networks for Machine Learning*, lecture 6e, 2012; the form of
    CS231n's ``optim.py``): each parameter's step is divided by a running root mean square of
    its own gradients::

        s <- rho * s + (1 - rho) * g * g
        w <- w - lr * g / (sqrt(s) + eps)

    A parameter whose gradients are large takes smaller steps, and one whose gradients are
    small takes larger ones: about ``lr`` each once ``s`` has warmed up. There is no bias
    correction: from s = 0 the first step is ``lr * g / (sqrt(1 - rho) |g| + eps)``, ten times
    ``lr`` with rho = 0.99. ``v`` is handed back untouched.
    """

    name = "rmsprop"

    def __init__(self, lr, rho=0.99, eps=1e-8):
        super().__init__(lr)
        self.rho = check_real("rho", rho, low=0.0, high=1.0, high_open=True)
        self.eps = check_positive_real("eps", eps)

    def move(self, w, g, v, s, t):
        s = self.rho * s + (1.0 - self.rho) * (g * g)
        return w - self.lr * g / (np.sqrt(s) + self.eps), v, s

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr}, rho={self.rho}, eps={self.eps})"


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015, Algorithm 1, in the efficient form given after it, which
    scikit-learn's MLPClassifier uses)::

        v <- beta1 * v + (1 - beta1) * g              first moment: a running mean of g
        s <- beta2 * s + (1 - beta2) * g * g          second moment: a running mean of g^2
        lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t) the bias correction, step t = 1, 2, ...
        w <- w - lr_t * v / (sqrt(s) + eps)

    The bias correction: v and s start at 0, so early on they are beta-weighted averages that
    are too small by the factors ``1 - beta1^t`` and ``1 - beta2^t``; dividing them out makes
    the first step ``lr * g / (|g| + eps)``, about ``lr`` in size. Without it (pitfall
    ``adam-without-bias-correction``) the first step is ``(1 - beta1) / sqrt(1 - beta2)``, 3.16,
    times too large. CS231n's ``optim.py`` corrects v and s themselves and adds eps to the
    corrected root, ``lr * v_hat / (sqrt(s_hat) + eps)``: the same rule but for where the tiny
    eps enters.
    """

    name = "adam"

    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1 = check_real("beta1", beta1, low=0.0, high=1.0, high_open=True)
        self.beta2 = check_real("beta2", beta2, low=0.0, high=1.0, high_open=True)
        self.eps = check_positive_real("eps", eps)

    def move(self, w, g, v, s, t):
        v = self.beta1 * v + (1.0 - self.beta1) * g
        s = self.beta2 * s + (1.0 - self.beta2) * (g * g)
        # FIX: adam-without-bias-correction
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** t) / (1.0 - self.beta1 ** t)
        return w - lr_t * v / (np.sqrt(s) + self.eps), v, s

    def __repr__(self):
        return (f"{type(self).__name__}(lr={self.lr}, beta1={self.beta1}, beta2={self.beta2}, "
                f"eps={self.eps})")


OPTIMIZERS = {cls.name: cls for cls in (SGD, Momentum, Nesterov, RMSProp, Adam)}


def get_optimizer(spec, lr=0.1, momentum=0.9):
    """An optimizer from a name (with ``lr`` and ``momentum``; RMSProp and Adam take their
    other settings' defaults) or an Optimizer instance."""
    if isinstance(spec, Optimizer):
        return spec
    if isinstance(spec, str) and spec in OPTIMIZERS:
        # momentum is checked even for SGD, which ignores it: a NaN there is still a mistake.
        check_real("momentum", momentum, low=0.0, high=1.0, high_open=True)
        if spec in ("momentum", "nesterov"):
            return OPTIMIZERS[spec](lr, momentum)
        return OPTIMIZERS[spec](lr)
    raise ValueError(
        f"optimizer: got {spec!r}; expected one of {sorted(OPTIMIZERS)} or an Optimizer instance"
    )
