"""The memory bound: what a network of given sizes holds, and the refusal, by name and before
anything is allocated, of what needs more memory than the machine has."""
import os

from .arguments import fail

# What one neuron object costs beside its parameters once it has taken a step (the object, its
# attribute dict, its arrays' headers and small caches): about 2 KB, measured as the process's
# resident memory of a 4-100000-3 network on Python 3.11.
NEURON_BYTES = 2048


def memory_needed(sizes):
    """Bytes a network of ``sizes`` holds: float64 weights, velocities and gradients (3 x 8
    bytes per parameter) and the neuron objects."""
    n_parameters = sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes, sizes[1:]))
    return 24 * n_parameters + NEURON_BYTES * sum(sizes[1:])


def machine_memory():
    """The machine's physical memory in bytes, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(name, got, n_bytes, what):
    """Refuse, by name and before anything is allocated, what needs more memory than the
    machine has."""
    limit = machine_memory()
    if limit is not None and n_bytes > limit:
        fail(name, f"{got}, which needs about {n_bytes / 2**30:,.1f} GiB for {what}",
             f"at most the machine's {limit / 2**30:,.1f} GiB")
