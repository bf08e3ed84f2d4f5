"""``neuronnet check`` on everything it should pass and everything it should fail, one after
the other in one process, with the time of each run.

    python benchmarks/check_times.py [--thorough]

Rows: neuronnet's two models and the three correct examples (every applicable property must
pass), the three buggy examples and the buggy networks of the pitfall catalogue (each must
fail; its warning entry passes with a note and is left out). For each: the verdicts, the
failed properties, and the seconds the check took (probing the architectures and shrinking the
failures included). BLAS is pinned to one thread. The corpus of networks written elsewhere has
its own benchmark, benchmarks/check_corpus.py.
"""
import argparse
import importlib.util
import sys
from pathlib import Path

from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from neuronnet.pitfalls import CATALOGUE  # noqa: E402
from neuronnet.verify import check  # noqa: E402

FILES = ["check_neuronnet.py", "check_reference.py", "check_nielsen.py", "check_dlfs.py",
         "check_loops.py", "check_nielsen_buggy.py", "check_dlfs_buggy.py",
         "check_loops_buggy.py"]


def load_build(path):
    """``build`` of an example, imported in this process: the checker's own time is measured
    (the command line adds a process for the file: benchmarks/check_corpus.py times that)."""
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(f"_timed_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build


def targets():
    for name in FILES:
        yield f"examples/{name}", load_build(ROOT / "examples" / name), None
    for pitfall in CATALOGUE:
        if pitfall.factory is not None and pitfall.kind == "bug":   # a warning passes, noted
            names = [n for n in pitfall.caught_by]
            yield f"pitfall {pitfall.id}", pitfall.factory.build, names


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--thorough", action="store_true")
    args = parser.parse_args()
    print(f"{'checked':<40} {'s':>6}  verdicts; FAILED properties (* = named by the catalogue)")
    with threadpool_limits(limits=1, user_api="blas"):
        for label, build, named in targets():
            report = check(build, thorough=args.thorough)
            counts = ", ".join(f"{n} {s}" for s, n in report.counts().items() if n)
            failed = [r.name + ("*" if named and r.name in named else "")
                      for r in report.results if r.status == "FAILED"]
            print(f"{label:<40} {report.seconds:6.1f}  {counts}"
                  + (f"; {', '.join(failed)}" if failed else ""), flush=True)


if __name__ == "__main__":
    main()
