"""Initial weights for one neuron, drawn from a ``numpy.random.Generator`` that is passed in.

Draw order is part of the contract (docs/semantics.md): a layer draws its neurons one after the
other, each ``fan_in`` numbers, which consumes the generator exactly as one ``(fan_out, fan_in)``
draw would. So the neuron model and the reference start from the same weights given one seed.
Biases always start at 0.
"""
import numpy as np


def coursework(rng, fan_in, fan_out, std):
    """uniform(0, 1/fan_in): source 000's scheme. All weights positive: every hidden neuron starts
    out computing nearly the same thing (see pitfall ``biased-init``)."""
    return rng.uniform(0.0, 1.0 / fan_in, fan_in)


def glorot_uniform(rng, fan_in, fan_out, std):
    """uniform(-r, r), r = sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010): keeps the
    variance of activations and gradients roughly constant across tanh/sigmoid layers."""
    r = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-r, r, fan_in)


def he_normal(rng, fan_in, fan_out, std):
    """normal(0, sqrt(2 / fan_in)) (He et al. 2015): the same idea for ReLU, which zeroes half
    its inputs."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), fan_in)


def normal(rng, fan_in, fan_out, std):
    """normal(0, std) with the given std."""
    return rng.normal(0.0, std, fan_in)


INITIALIZERS = {f.__name__: f for f in (coursework, glorot_uniform, he_normal, normal)}
