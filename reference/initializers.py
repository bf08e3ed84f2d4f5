"""Initial weights: one draw of shape (fan_out, fan_in) per layer from a numpy Generator.

The draw order is part of the contract (docs/semantics.md): layers from the input side, each one
draw in C order, i.e. row by row, neuron by neuron. The neuron model draws each neuron's row in
turn, which consumes the generator identically, so one seed gives both models the same start.
Biases are not drawn: they start at 0.
"""
import numpy as np

INITS = ("coursework", "glorot_uniform", "he_normal", "normal")


def initial_weights(init, fan_in, fan_out, rng, std=0.01):
    """W (fan_out, fan_in) for one layer, by scheme name."""
    size = (fan_out, fan_in)
    if init == "coursework":
        # Source 000's scheme. All weights positive: hidden neurons start nearly alike and
        # sigmoids drift into saturation on wide inputs (pitfall biased-init).
        return rng.uniform(0.0, 1.0 / fan_in, size)
    if init == "glorot_uniform":
        # Glorot & Bengio 2010: keeps activation and gradient variance steady for tanh/sigmoid.
        r = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-r, r, size)
    if init == "he_normal":
        # He et al. 2015: variance 2/fan_in makes up for ReLU zeroing half its inputs.
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), size)
    if init == "normal":
        return rng.normal(0.0, std, size)
    raise ValueError(f"init: got {init!r}; expected one of {list(INITS)}")
