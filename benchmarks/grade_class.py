"""A class graded at once: ``neuronnet check --grade FOLDER`` on COUNT correct submissions.

    python benchmarks/grade_class.py [--count 200] [--styles NAME ...]

The submissions are copies of the correct networks of ``examples/corpus/`` that import nothing
of the checker's (each in a subfolder of its own with its neighbours, as a student hands one
in), in turn, each refusing any network deeper than two layers of neurons (a two-layer
assignment). The target: 200 graded in under 15 minutes on a 2-core machine. Prints the
grader's last line, then ``grade_class: N submissions in S s (X s each); target 900 s for
200``. BLAS is pinned to one thread in every process.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
STYLES = ("functional_dict", "batch_loop_accumulate", "imports_neighbour", "relu_ge_kink")
TWO_LAYERS = '''

_build = build


def build(layer_sizes, activations, loss):
    """The assignment is a two-layer network: deeper ones are not asked for."""
    if len(layer_sizes) > 3:
        raise NotImplementedError("two layers of neurons at most")
    return _build(layer_sizes, activations, loss)
'''


def make_class(folder, count, styles):
    """``count`` submissions in ``folder``: student NNN/, each a style's file and neighbours."""
    for k in range(count):
        style = styles[k % len(styles)]
        student = folder / f"student{k:03d}"
        shutil.copytree(CORPUS, student, ignore=shutil.ignore_patterns("*.toml", "__pycache__"))
        entry = student / f"{style}.py"
        entry.write_text(entry.read_text() + TWO_LAYERS)
        entry.rename(student / "submission.py")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--styles", nargs="+", default=list(STYLES))
    args = parser.parse_args(argv)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory(prefix="neuronnet-class-") as scratch:
        folder = Path(scratch) / "submissions"
        folder.mkdir()
        make_class(folder, args.count, args.styles)
        print(f"grading {args.count} submissions ({', '.join(args.styles)}), 2 at a time ...",
              flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "neuronnet", "check", "--grade",
                               str(folder), "--grades", scratch, "--seed", "0"],
                              capture_output=True, text=True, env=env, check=False)
        seconds = time.perf_counter() - started
        lines = done.stdout.strip().splitlines()
        failed = [line for line in lines if line.startswith("  ") and ": passed" not in line]
        for line in failed + lines[-1:]:   # every submission not passed: each is a false failure
            print(line)
    print(f"grade_class: {args.count} submissions in {seconds:.0f} s ({seconds / args.count:.1f} "
          f"s each), {len(failed)} not passed; target 900 s for 200")
    return 0 if done.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
