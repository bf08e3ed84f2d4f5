"""Activation functions, each with its derivative written beside it.

Every derivative here is a function of the pre-activation ``z`` and says so in its name:
``derivative_from_z``. The coursework's first bug (pitfall ``derivative-of-output``) was a
``sigmoid_derivative(x)`` that was fed the neuron's stored *output* ``a = f(z)`` instead of ``z``;
an honest name makes that mistake visible at the call site.

All functions take and return float64 arrays of any shape (a neuron passes its ``(n,)`` vector
over the batch) and never modify their argument.
"""
import numpy as np


class Activation:
    """``a = f(z)`` and ``f'(z)``. Subclasses set ``name`` and implement both."""

    name = "activation"

    def forward(self, z):
        raise NotImplementedError

    def derivative_from_z(self, z):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class Identity(Activation):
    """f(z) = z; f'(z) = 1. The output layer of a regression net, and of a classifier whose
    softmax lives in the loss."""

    name = "identity"

    def forward(self, z):
        return z

    def derivative_from_z(self, z):
        return np.ones_like(z)


class Sigmoid(Activation):
    """f(z) = 1 / (1 + e^-z); f'(z) = f(z) (1 - f(z)) = f(z) f(-z)."""

    name = "sigmoid"

    def forward(self, z):
        # Hazards: 1 / (1 + np.exp(-z)) overflows exp for z < -709 (a RuntimeWarning and an inf),
        # and 0.5 * (1 + tanh(z / 2)) returns 0 from z = -38 on, where f(z) is still ~3e-17.
        # With e = e^-|z| in (0, 1], 1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0 are the
        # sigmoid rewritten: no overflow, and every digit kept on both tails.
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def derivative_from_z(self, z):
        # Hazard: s * (1 - s) subtracts two numbers near 1 for large z (at z = 30 it keeps three
        # digits; from z = 37 it is 0). f(z) f(-z) = e / (1 + e)^2 keeps them all.
        e = np.exp(-np.abs(z))
        return e / ((1.0 + e) * (1.0 + e))


class Tanh(Activation):
    """f(z) = tanh(z); f'(z) = 1 - tanh(z)^2 = 4 e / (1 + e)^2 with e = e^(-2|z|)."""

    name = "tanh"

    def forward(self, z):
        # Hazard (pitfall tanh-overflow): (e^z - e^-z) / (e^z + e^-z) is inf/inf = nan for
        # |z| > 710. numpy's tanh is computed stably and saturates to +-1.
        return np.tanh(z)

    def derivative_from_z(self, z):
        # Hazard: 1 - tanh(z)^2 subtracts two numbers near 1 for large |z| (it is 0 from
        # |z| = 19, where f'(z) is ~1e-16). 1 / cosh(z)^2, rewritten with e = e^(-2|z|) in
        # (0, 1] so that it cannot overflow, keeps every digit.
        e = np.exp(-2.0 * np.abs(z))
        return 4.0 * e / ((1.0 + e) * (1.0 + e))


class ReLU(Activation):
    """f(z) = max(z, 0); f'(z) = 1 if z > 0 else 0.

    The kink: at exactly z = 0 the derivative does not exist; we take 0 (the subgradient every
    major library uses). Numeric gradient checks avoid |z| < 1e-9 on purpose.
    """

    name = "relu"

    def forward(self, z):
        return np.maximum(z, 0.0)

    def derivative_from_z(self, z):
        # A new array: never write zeros into z itself (pitfall relu-grad-mutates-cache).
        # heaviside(z, 0.0) is 1.0 for z > 0 and 0.0 for z <= 0 (its second argument is the
        # value taken at exactly 0), in one pass.
        return np.heaviside(z, 0.0)


ACTIVATIONS = {cls.name: cls for cls in (Identity, Sigmoid, Tanh, ReLU)}


def get_activation(spec):
    """An :class:`Activation` from a name (``"tanh"``) or an Activation instance (returned as is,
    so a deliberately buggy variant can be swapped in)."""
    if isinstance(spec, Activation):
        return spec
    if isinstance(spec, str) and spec in ACTIVATIONS:
        return ACTIVATIONS[spec]()
    raise ValueError(
        f"activation: got {spec!r}; expected one of {sorted(ACTIVATIONS)} or an Activation instance"
    )
