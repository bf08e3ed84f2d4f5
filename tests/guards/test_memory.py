"""The memory bound (neuronnet/guards/memory.py): what a network needs; the limit as the
smallest of physical memory, RLIMIT_AS and the cgroup's limit, each less what the process uses
of it; exactly that much allowed and one byte more refused, naming the source; nothing refused
where the system reports no limit. (Its refusals: tests/test_refusals.py; the bound at the entry
points, under a real ``ulimit -v``: tests/proofs/test_memory_bounds.py.)"""
import os

import numpy as np
import pytest

from neuronnet import Network
from neuronnet.guards import memory

GiB = 2**30


@pytest.fixture
def machine(monkeypatch, tmp_path):
    """A machine whose limits the test sets: ``machine(ram=, rlimit=, cgroup=, rss=, vm=,
    free=)``, None for a limit not reported. The cgroup's limit and the memory available now
    (``free``, MemAvailable) are read from files, as the system's."""
    def set_up(ram=None, rlimit=None, cgroup=None, rss=0, vm=0, free=None):
        pages = {"SC_PAGE_SIZE": 1, "SC_PHYS_PAGES": ram}

        def sysconf(name):
            if ram is None:
                raise ValueError(name)
            return pages[name]
        monkeypatch.setattr(os, "sysconf", sysconf, raising=False)
        monkeypatch.setattr(memory, "address_space_limit", lambda: rlimit)
        cgroup_file = tmp_path / "memory.max"
        cgroup_file.write_text("max\n" if cgroup is None else f"{cgroup}\n")
        monkeypatch.setattr(memory, "CGROUP_FILES", (str(cgroup_file),))
        monkeypatch.setattr(memory, "PROC_CGROUP", str(tmp_path / "no-proc-cgroup"))
        status = tmp_path / "status"
        status.write_text(f"Name:\tpython\nVmSize:\t{vm // 1024} kB\nVmRSS:\t{rss // 1024} kB\n")
        monkeypatch.setattr(memory, "STATUS_FILE", str(status))
        meminfo = tmp_path / "meminfo"
        if free is not None:
            meminfo.write_text(f"MemTotal:       {(ram or 64 * GiB) // 1024} kB\n"
                               f"MemFree:        {free // 2048} kB\n"
                               f"MemAvailable:   {free // 1024} kB\n")
        monkeypatch.setattr(memory, "MEMINFO_FILE", str(meminfo))
    return set_up


@pytest.mark.parametrize("limits, available, source", [
    (dict(ram=8 * GiB, rlimit=3 * GiB, vm=GiB), 2 * GiB, "RLIMIT_AS"),
    (dict(ram=8 * GiB, cgroup=4 * GiB, rss=GiB), 3 * GiB, "cgroup"),
    (dict(ram=2 * GiB, rlimit=16 * GiB, cgroup=4 * GiB, rss=GiB // 2), 1.5 * GiB, "physical"),
    # RLIMIT_AS is less what the process has mapped, the others less what it holds resident.
    (dict(ram=8 * GiB, rlimit=4 * GiB, cgroup=5 * GiB, rss=GiB, vm=3 * GiB), GiB, "RLIMIT_AS"),
    # A shared machine: 24 GiB of RAM, of which other programs hold all but 3 GiB. What the
    # machine has available already leaves out this process's own.
    (dict(ram=24 * GiB, rss=GiB, free=3 * GiB), 3 * GiB, "available now"),
    (dict(ram=24 * GiB, rlimit=2 * GiB, free=3 * GiB), 2 * GiB, "RLIMIT_AS"),
])
def test_the_limit_is_the_tightest_less_what_the_process_uses(machine, limits, available,
                                                              source):
    machine(**limits)
    limit = memory.memory_limit()
    assert limit.available == available and source in limit.source
    memory.check_memory("--hidden", "100", int(available), "a network")      # exactly: it fits
    with pytest.raises(ValueError, match=r"^--hidden: got 100\b") as info:
        memory.check_memory("--hidden", "100", int(available) + 1, "a network")
    assert source in str(info.value)
    assert "\n" not in str(info.value)


def test_a_cgroup_v1_without_a_limit_and_a_missing_file_refuse_nothing(machine, monkeypatch,
                                                                      tmp_path):
    machine()
    v1 = tmp_path / "limit_in_bytes"
    v1.write_text("9223372036854771712\n")
    monkeypatch.setattr(memory, "CGROUP_FILES", (str(tmp_path / "absent"), str(v1)))
    assert memory.cgroup_limit() is None
    v1.write_text(f"{GiB}\n")
    assert memory.cgroup_limit() == GiB
    monkeypatch.setattr(memory, "CGROUP_FILES", (str(tmp_path / "absent"),))
    assert memory.cgroup_limit() is None


def test_the_processes_own_cgroup_and_those_above_it_limit_it(machine, monkeypatch, tmp_path):
    machine(ram=64 * GiB)
    root = tmp_path / "cgroup"
    (root / "user.slice" / "run.scope").mkdir(parents=True)
    (root / "user.slice" / "memory.max").write_text(f"{2 * GiB}\n")
    (root / "user.slice" / "run.scope" / "memory.max").write_text("max\n")
    proc = tmp_path / "proc-cgroup"
    proc.write_text("0::/user.slice/run.scope\n")
    monkeypatch.setattr(memory, "CGROUP_ROOT", str(root))
    monkeypatch.setattr(memory, "PROC_CGROUP", str(proc))
    monkeypatch.setattr(memory, "CGROUP_FILES", (str(root / "memory.max"),))   # absent
    limit = memory.memory_limit()
    assert limit.total == 2 * GiB and "cgroup" in limit.source
    (root / "user.slice" / "run.scope" / "memory.max").write_text(f"{GiB}\n")
    assert memory.cgroup_limit() == GiB                           # the tighter one, below
    proc.write_text("12:memory:/\n")                                # cgroup v1 only
    assert memory.cgroup_limit() is None


def test_a_machine_that_reports_no_limit_refuses_nothing(machine):
    machine()
    assert memory.memory_limit() is None
    memory.check_memory("--hidden", "100", 2**80, "a network")
    assert memory.rows_that_fit(10**9, 1000) == 1000


def test_the_address_space_limit_is_the_processes_own():
    import resource
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    expected = None if soft == resource.RLIM_INFINITY else soft
    assert memory.address_space_limit() == expected


def test_the_process_usage_is_read_from_the_system():
    resident, virtual = memory.process_usage()
    ballast = np.ones(2**24)                     # 128 MiB, touched: resident
    resident_after, virtual_after = memory.process_usage()
    assert resident_after - resident >= ballast.nbytes * 0.9
    assert virtual_after >= resident_after > 0


def test_the_neuron_model_is_built_up_to_exactly_the_limit(machine):
    # 24 bytes per parameter (weight, velocity, gradient) and NEURON_BYTES per neuron object.
    assert memory.memory_needed([3, 4, 2]) == 24 * ((3 + 1) * 4 + (4 + 1) * 2) + \
        memory.NEURON_BYTES * 6
    needed = memory.memory_needed([1, 2])
    machine(rlimit=needed + 4096, vm=4096)
    Network([1, 2], ["identity"], rng=np.random.default_rng(0))
    machine(rlimit=needed + 4095, vm=4096)
    with pytest.raises(ValueError, match=r"^layer_sizes: got \[1, 2\].*RLIMIT_AS"):
        Network([1, 2], ["identity"], rng=np.random.default_rng(0))


def test_rows_are_taken_a_share_of_the_limit_at_a_time(machine):
    machine(ram=100 * 2**20, rss=20 * 2**20)               # 80 MiB free
    assert memory.rows_that_fit(2**20, 1000) == 20          # a quarter of it, a MiB a row
    assert memory.rows_that_fit(2**20, 5) == 5              # never more than asked
    assert memory.rows_that_fit(2**40, 1000) == 1           # at least one
