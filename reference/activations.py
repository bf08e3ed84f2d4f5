"""Activation layers: a = f(z) going forward, dz = da * f'(z) coming back.

One class per function, in the style of "Deep Learning from Scratch" common/layers.py: forward
caches what backward needs, backward is one line. Every array here is (n, fan_out): a row per
sample, a column per neuron. f' is always f' *of z*: Sigmoid and Tanh evaluate it from their
cached output a = f(z) of that same z, which is the same number (a learner who feeds the output
into a function written for z makes pitfall derivative-of-output). Nothing here writes into an
array it was given or into its own cache (pitfalls backward-mutates-upstream and
relu-grad-mutates-cache): every backward returns a new array.
"""
import numpy as np


class Identity:
    """f(z) = z, f'(z) = 1 for every z (pitfall identity-derivative: never a step function)."""

    def forward(self, z):
        return z

    def backward(self, da):
        return da


class Sigmoid:
    """f(z) = 1 / (1 + exp(-z)); f'(z) = f(z) (1 - f(z)), from the cached a and 1 - a."""

    def forward(self, z):
        # Hazard, overflow: exp(-z) is inf for z < -709. exp(-|z|) lies in (0, 1] for every z,
        # and 1/(1+e) for z >= 0, e/(1+e) for z < 0 are both the sigmoid, rewritten.
        # Hazard, cancellation: 1 - a for a near 1 keeps few digits (none from z = 37), so the
        # complement is cached too, as the other branch: 1 - f(z) = f(-z).
        e = np.exp(-np.abs(z))
        self.a = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        self.a_complement = np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))
        return self.a

    def backward(self, da):
        return da * (self.a * self.a_complement)


class Tanh:
    """f(z) = tanh(z); f'(z) = 1 - tanh(z)^2 = (1 - |a|)(1 + |a|), from the cached a and 1 - |a|."""

    def forward(self, z):
        # Hazard, overflow: (e^z - e^-z)/(e^z + e^-z) is inf/inf = nan for |z| > 710
        # (pitfall tanh-overflow). numpy's tanh saturates to +-1 instead.
        # Hazard, cancellation: 1 - a^2 is 0 from |z| = 19 on; 1 - |tanh z| = 2e / (1 + e) with
        # e = exp(-2|z|) in (0, 1] keeps every digit, so it is cached beside a.
        self.a = np.tanh(z)
        e = np.exp(-2.0 * np.abs(z))
        self.a_gap = 2.0 * e / (1.0 + e)
        return self.a

    def backward(self, da):
        return da * (self.a_gap * (1.0 + np.abs(self.a)))


class ReLU:
    """f(z) = max(z, 0); f'(z) = 1 where z > 0, else 0 (the kink z == 0 takes slope 0)."""

    def forward(self, z):
        self.mask = z > 0
        return np.where(self.mask, z, 0.0)

    def backward(self, da):
        # Hazard, aliasing: the book's `dout[self.mask] = 0` zeroes the caller's array in place.
        # np.where builds a new one; da and the mask stay as they were.
        return np.where(self.mask, da, 0.0)


ACTIVATIONS = {"identity": Identity, "sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}


def activation(name):
    """A new activation layer from its name (each layer needs its own: it holds a cache)."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"activation: got {name!r}; expected one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]()
