"""The memory bound: what a network of given sizes holds, the memory this process may still take,
and the refusal, by name and before anything is allocated, of what needs more.

The limit is the smallest of four, each less what the process already uses of it:

- the machine's physical memory (``os.sysconf``), less the process's resident size;
- the memory the machine has available now (``MemAvailable`` in /proc/meminfo): on a shared
  machine the other programs' memory is not ours to take, however large the RAM;
- ``RLIMIT_AS`` (``ulimit -v``), less the process's virtual size (``VmSize``): an allocation
  past it fails however much memory is free;
- the cgroup's memory limit (a container's, a systemd slice's), less the resident size.

A limit the system does not report (no ``os.sysconf``, no ``resource``, no cgroup file, or
"max") refuses nothing.
"""
import os
from dataclasses import dataclass

from .arguments import fail

# What one neuron object costs beside its parameters once it has taken a step (the object, its
# attribute dict, its arrays' headers and small caches): about 2 KB, measured as the process's
# resident memory of a 4-100000-3 network on Python 3.11.
NEURON_BYTES = 2048

# The cgroup files (v2, then v1) and the number above which a v1 limit means "none" (v1 writes
# "no limit" as the largest page-aligned 64-bit number, 9223372036854771712). Under cgroup v2
# the process's own cgroup (its "0::" line in PROC_CGROUP) and each one above it up to
# CGROUP_ROOT may set a memory.max of its own (a systemd slice, a scope): the smallest holds.
CGROUP_FILES = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
CGROUP_ROOT = "/sys/fs/cgroup"
PROC_CGROUP = "/proc/self/cgroup"
NO_LIMIT = 2**60
STATUS_FILE = "/proc/self/status"
MEMINFO_FILE = "/proc/meminfo"


@dataclass(frozen=True)
class Limit:
    """The memory the process may still take (``available``), under which ``source``, whose
    whole size is ``total`` of which the process uses ``used``."""
    available: int
    total: int
    used: int
    source: str

    def describe(self):
        return (f"{size_text(max(self.available, 0))} free under {self.source}, which is "
                f"{size_text(self.total)} of which this process uses {size_text(self.used)}")


def size_text(n_bytes):
    """A number of bytes, readable: "3.2 GiB", "512.0 MiB", "12 bytes"."""
    for unit, power in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n_bytes >= 2**power:
            return f"{n_bytes / 2**power:,.1f} {unit}"
    return f"{n_bytes} bytes"


def memory_needed(sizes):
    """Bytes a network of ``sizes`` holds: float64 weights, velocities and gradients (3 x 8
    bytes per parameter) and the neuron objects."""
    n_parameters = sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes, sizes[1:]))
    return 24 * n_parameters + NEURON_BYTES * sum(sizes[1:])


def step_bytes(sizes, rows):
    """Bytes one training step on ``rows`` rows holds beyond the network: each neuron's z,
    output and delta and its layer's gathered outputs (4 x 8 bytes a row, kept until the next
    step), and the upstream gradient being summed, up to three (rows, fan_in) arrays at once
    (measured: a 4-85000-3 network stepping on 150 rows peaked 300 MB above its batches)."""
    return 8 * rows * (4 * sum(sizes[1:]) + 3 * max(sizes[:-1]))


def forward_row_bytes(sizes):
    """Bytes one row of a forward pass holds: each neuron keeps its z and its output and its
    layer gathers the outputs (3 x 8 bytes per neuron), plus the row of inputs and of targets."""
    return 8 * (3 * sum(sizes[1:]) + sizes[0] + sizes[-1])


def machine_memory():
    """The machine's physical memory in bytes, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def machine_available():
    """(MemAvailable, MemTotal) in bytes from /proc/meminfo: what the machine can give a
    program now without swapping (free memory and the caches it can drop), of its whole
    memory; None where the system does not say."""
    found = {}
    try:
        with open(MEMINFO_FILE, encoding="ascii") as meminfo:
            for line in meminfo:
                words = line.split()
                if len(words) >= 2 and words[0] in ("MemAvailable:", "MemTotal:"):
                    found[words[0]] = int(words[1]) * 1024        # reported in kB
    except (OSError, ValueError):
        return None
    if len(found) < 2:
        return None
    return found["MemAvailable:"], found["MemTotal:"]


def address_space_limit():
    """The soft ``RLIMIT_AS`` in bytes (``ulimit -v``), or None: unlimited, or no ``resource``
    module (Windows)."""
    try:
        import resource
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, AttributeError, ValueError, OSError):
        return None
    return None if soft == resource.RLIM_INFINITY or soft < 0 else soft


def cgroup_limit():
    """The cgroup's memory limit in bytes, or None: no file, "max", or a number so large it
    means none. The smallest of the root files (v2, else v1) and the v2 memory.max of the
    process's own cgroup and those above it."""
    limits = [_limit_in(path) for path in _own_cgroup_files()]
    for path in CGROUP_FILES:
        limit = _limit_in(path)
        if limit != "absent":
            limits.append(limit)
            break
    limits = [limit for limit in limits if isinstance(limit, int)]
    return min(limits) if limits else None


def _limit_in(path):
    """The limit a cgroup file states: an int, None for none, "absent" when unreadable."""
    try:
        with open(path, encoding="ascii") as file:
            text = file.read().strip()
    except (OSError, ValueError):
        return "absent"
    return int(text) if text.isdigit() and int(text) < NO_LIMIT else None


def _own_cgroup_files():
    """memory.max of the process's cgroup v2 and of each cgroup above it, below the root."""
    try:
        with open(PROC_CGROUP, encoding="utf-8", errors="replace") as file:
            lines = file.read().splitlines()
    except OSError:
        return []
    for line in lines:
        if line.startswith("0::"):
            parts = [part for part in line[3:].split("/") if part and part != ".."]
            return [os.path.join(CGROUP_ROOT, *parts[:k], "memory.max")
                    for k in range(len(parts), 0, -1)]
    return []


def process_usage():
    """(resident, virtual) bytes of this process, from /proc/self/status; 0 for what it does
    not say."""
    found = {"VmRSS:": 0, "VmSize:": 0}
    try:
        with open(STATUS_FILE, encoding="ascii") as status:
            for line in status:
                words = line.split()
                if len(words) >= 2 and words[0] in found:
                    found[words[0]] = int(words[1]) * 1024        # reported in kB
    except (OSError, ValueError):
        pass
    return found["VmRSS:"], found["VmSize:"]


def memory_limit():
    """The tightest :class:`Limit` on what this process may still allocate, or None when the
    system reports no limit at all."""
    resident, virtual = process_usage()
    limits = [Limit(total - used, total, used, source) for total, used, source in (
        (machine_memory(), resident, "the machine's physical memory"),
        (address_space_limit(), virtual, "RLIMIT_AS (ulimit -v)"),
        (cgroup_limit(), resident, "the cgroup's memory limit")) if total is not None]
    available = machine_available()
    if available is not None:
        # MemAvailable already leaves out what this process holds: nothing more to subtract.
        free, total = available
        limits.append(Limit(free, total, resident,
                            "the memory the machine has available now (other programs hold "
                            "the rest)"))
    return min(limits, key=lambda limit: limit.available) if limits else None


def memory_shortfall(n_bytes):
    """None when ``n_bytes`` fit in what the process may still take; else the words of the
    refusal: "expected at most the 2.1 GiB free under RLIMIT_AS (...)"."""
    limit = memory_limit()
    if limit is None or n_bytes <= limit.available:
        return None
    return f"at most the {limit.describe()}"


def check_memory(name, got, n_bytes, what):
    """Refuse, by name and before anything is allocated, what needs more memory than the
    process may still take: ``name: got <got>, which needs about <size> for <what>; expected
    at most the <size> free under <source> (...)``."""
    shortfall = memory_shortfall(n_bytes)
    if shortfall is not None:
        fail(name, f"{got}, which needs about {size_text(n_bytes)} for {what}", shortfall)


def rows_that_fit(row_bytes, wanted, share=4):
    """How many rows of ``row_bytes`` each to take at once: ``wanted``, or fewer (at least one)
    so that they use at most 1/``share`` of what the process may still take."""
    limit = memory_limit()
    if limit is None:
        return wanted
    return max(1, min(wanted, max(limit.available, 0) // (share * max(row_bytes, 1))))
