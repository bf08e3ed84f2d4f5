"""The memory bound (neuronnet/guards/memory.py): what a network needs, the machine's memory as
the system says it, exactly that much allowed and one byte more refused, and nothing refused
on a machine that does not say. (Its refusals: tests/test_refusals.py; the bound at the entry
points, before anything is allocated: tests/proofs/test_memory_bounds.py.)"""
import os

import numpy as np
import pytest

from neuronnet import Network
from neuronnet.guards import memory

PAGES = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 2**20}          # a machine of 4 GiB
needs_sysconf = pytest.mark.skipif(not hasattr(os, "sysconf"),
                                   reason="no os.sysconf: memory is not known")


@needs_sysconf
def test_the_memory_check_allows_exactly_the_machines_memory(monkeypatch):
    monkeypatch.setattr(os, "sysconf", lambda name: PAGES[name])
    limit = 4 * 2**30
    assert memory.machine_memory() == limit
    memory.check_memory("--hidden", "100", limit, "a network")       # exactly: it fits
    with pytest.raises(ValueError, match=r"^--hidden: got 100\b") as info:
        memory.check_memory("--hidden", "100", limit + 1, "a network")
    assert "4.0 GiB" in str(info.value)


@needs_sysconf
def test_the_neuron_model_is_built_up_to_exactly_the_machines_memory(monkeypatch):
    # 24 bytes per parameter (weight, velocity, gradient) and NEURON_BYTES per neuron object.
    assert memory.memory_needed([3, 4, 2]) == 24 * ((3 + 1) * 4 + (4 + 1) * 2) + \
        memory.NEURON_BYTES * 6
    needed = memory.memory_needed([1, 2])
    monkeypatch.setattr(os, "sysconf", {"SC_PAGE_SIZE": 1, "SC_PHYS_PAGES": needed}.get)
    Network([1, 2], ["identity"], rng=np.random.default_rng(0))
    monkeypatch.setattr(os, "sysconf", {"SC_PAGE_SIZE": 1, "SC_PHYS_PAGES": needed - 1}.get)
    with pytest.raises(ValueError, match=r"^layer_sizes: got \[1, 2\]"):
        Network([1, 2], ["identity"], rng=np.random.default_rng(0))


@pytest.mark.parametrize("error", [ValueError, OSError, AttributeError])
def test_a_machine_that_does_not_say_its_memory_refuses_nothing(error, monkeypatch):
    def sysconf(name):
        raise error(name)
    monkeypatch.setattr(os, "sysconf", sysconf, raising=False)
    assert memory.machine_memory() is None
    memory.check_memory("--hidden", "100", 2**80, "a network")
