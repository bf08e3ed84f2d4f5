"""Forward, loss, deltas and gradients equal the reference's, for the whole network and neuron by
neuron."""

import numpy as np

from .compare import assert_close, assert_equal, assert_params, call_or_fail
from .tolerances import FORWARD_TOL, GRADIENT_TOL


def check_forward_matches(make_mine, make_ref, case):
    """Item 1: forward output and loss equal the reference's (forward tolerance)."""
    ctx = case.describe()
    mine, ref = case.build(make_mine), case.build(make_ref)
    out_m = call_or_fail("mine.forward(X)", mine.forward, case.X, context=ctx)
    out_r = ref.forward(case.X)
    assert_close("forward(X) vs the reference's", out_m, out_r, *FORWARD_TOL, context=ctx)
    loss_m = call_or_fail("mine.loss(X, Y)", mine.loss, case.X, case.Y, context=ctx)
    loss_r = ref.loss(case.X, case.Y)
    assert_close("loss(X, Y) vs the reference's", loss_m, loss_r, *FORWARD_TOL, context=ctx)


def check_backward_matches(make_mine, make_ref, case):
    """Item 2: every layer's delta, dW and db equal the reference's (gradient tolerance)."""
    ctx = case.describe()
    mine, ref = case.build(make_mine), case.build(make_ref)
    g_m = call_or_fail("mine.gradient(X, Y)", mine.gradient, case.X, case.Y, context=ctx)
    g_r = ref.gradient(case.X, case.Y)
    d_m, d_r = mine.deltas(), ref.deltas()
    if len(d_m) != len(d_r):
        raise AssertionError(f"deltas: got {len(d_m)} layers, expected {len(d_r)}\n{ctx}")
    # Deltas from the output side down: the first mismatch names where backprop went wrong.
    for l in range(len(d_r) - 1, -1, -1):
        assert_close(f"delta_{l} (layer {l} of {len(d_r)})", d_m[l], d_r[l], *GRADIENT_TOL,
                     context=ctx)
    assert_params("gradient", g_m, g_r, GRADIENT_TOL, ctx)


def reference_pre_activations(make_ref, case):
    """z_l for every layer from the reference's public API alone: the reference network cut
    after layer l, with that layer's activation replaced by identity, outputs z_l."""
    zs = []
    for l in range(len(case.weights)):
        acts = list(case.activations[:l]) + ["identity"]
        sub = make_ref([np.array(W) for W in case.weights[:l + 1]],
                       [np.array(b) for b in case.biases[:l + 1]], acts, "half_mse")
        zs.append(sub.forward(case.X))
    return zs


def check_neuron_state_matches(make_mine, make_ref, case):
    """Items 1-2 at the level of the neuron objects: after ``gradient(X, Y)``, neuron j of layer
    l holds ``weights == W_l[j]``, ``bias == b_l[j]``, and ``z``, ``output``, ``delta``,
    ``grad_weights``, ``grad_bias`` equal the reference's column j / row j. Also catches a
    backward pass that overwrites a neuron's cached ``z`` or ``output``."""
    ctx = case.describe()
    mine, ref = case.build(make_mine), case.build(make_ref)
    call_or_fail("mine.gradient(X, Y)", mine.gradient, case.X, case.Y, context=ctx)
    g_r = ref.gradient(case.X, case.Y)
    d_r = ref.deltas()
    zs = reference_pre_activations(make_ref, case)
    for l, layer in enumerate(mine.layers):
        acts = list(case.activations[:l + 1])
        sub = make_ref([np.array(W) for W in case.weights[:l + 1]],
                       [np.array(b) for b in case.biases[:l + 1]], acts, "half_mse")
        a_l = sub.forward(case.X)
        if len(layer.neurons) != case.weights[l].shape[0]:
            raise AssertionError(f"layer {l}: {len(layer.neurons)} neurons, expected "
                                 f"{case.weights[l].shape[0]}\n{ctx}")
        for j, neuron in enumerate(layer.neurons):
            where = f"layer {l} neuron {j}"
            assert_equal(f"{where} weights", neuron.weights, case.weights[l][j], ctx)
            assert_equal(f"{where} bias", neuron.bias, case.biases[l][j], ctx)
            assert_close(f"{where} z (after backward)", neuron.z, zs[l][:, j], *FORWARD_TOL,
                         context=ctx)
            assert_close(f"{where} output (after backward)", neuron.output, a_l[:, j],
                         *FORWARD_TOL, context=ctx)
            assert_close(f"{where} delta", neuron.delta, d_r[l][:, j], *GRADIENT_TOL,
                         context=ctx)
            assert_close(f"{where} grad_weights", neuron.grad_weights, g_r[2 * l][j],
                         *GRADIENT_TOL, context=ctx)
            assert_close(f"{where} grad_bias", neuron.grad_bias, g_r[2 * l + 1][j],
                         *GRADIENT_TOL, context=ctx)
