"""The batch modes (neuronnet/batching.py): each plans its batches over the epoch's order, and
says which of them the model learns from. (Its refusals: tests/test_refusals.py.)"""
import numpy as np
import pytest

from neuronnet import batching


@pytest.mark.parametrize("mode, plan", [
    ("online", [([3], True), ([1], True), ([4], True), ([0], True), ([2], True)]),
    ("minibatch", [([3, 1], True), ([4, 0], True), ([2], True)]),
    ("full", [([3, 1, 4, 0, 2], True)]),
    ("sampled", [([3], True), ([1], False), ([4], True), ([0], False), ([2], True)]),
])
def test_each_batch_mode_plans_its_batches_over_the_order(mode, plan):
    got = [(list(rows), learn) for rows, learn in batching.plan(np.array([3, 1, 4, 0, 2]), mode, 2)]
    assert got == plan


@pytest.mark.parametrize("mode", batching.BATCH_MODES)
@pytest.mark.parametrize("n, k", [(1, 1), (5, 2), (6, 2), (6, 6), (7, 3), (10, 1)])
def test_the_number_of_batches_is_what_the_plan_yields(mode, n, k):
    assert batching.n_batches(n, mode, k) == len(list(batching.plan(np.arange(n), mode, k)))
