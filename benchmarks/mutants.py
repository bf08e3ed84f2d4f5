"""Run the test suite against the hand-made mutants of benchmarks/mutants.toml, one at a time.

    python benchmarks/mutants.py [--only ID ...] [--jobs 2]      (Python 3.11+: tomllib)

Each mutant is one textual change to one file of a scratch copy of the repository (the tracked
files, copied once); the tests it names run there under the ``ci`` hypothesis profile
(derandomized), with the scratch copy first on the path so that the mutant, not the installed
package, is what they import. A mutant is killed when its tests fail, and survives when they
pass. Before any mutant, the same tests run on the unchanged copy: they must pass there, or
the run stops. Prints one row per mutant and the share killed; exit status 1 if any survives.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "benchmarks" / "mutants.toml"
TIMEOUT = 900      # seconds per mutant: a hang is a kill (the run did not pass)


def load_specs():
    """The mutants, each checked: its ``find`` occurs exactly once in its file."""
    mutants = tomllib.loads(SPECS.read_text())["mutant"]
    ids = [m["id"] for m in mutants]
    if len(set(ids)) != len(ids):
        raise SystemExit(f"{SPECS}: repeated ids {sorted({i for i in ids if ids.count(i) > 1})}")
    for m in mutants:
        count = (ROOT / m["file"]).read_text().count(m["find"])
        if count != 1:
            raise SystemExit(f"{SPECS}: mutant {m['id']}: `find` occurs {count} times in "
                             f"{m['file']}; expected exactly once (is the spec stale?)")
    return mutants


def scratch_copy():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    folder = Path(tempfile.mkdtemp(prefix="neuronnet-mutants-"))
    for name in listed:
        if (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    return folder


def run_tests(folder, tests, jobs):
    """(passed, seconds, the first failing test's name or '')."""
    report = folder / "junit.xml"
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
               f"--junitxml={report}", *tests]
    if jobs > 1:
        command += ["-n", str(jobs)]
    env = dict(os.environ, CI="true", PYTHONPATH=str(folder), PYTHONDONTWRITEBYTECODE="1")
    env.pop("HYPOTHESIS_PROFILE", None)
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, time.perf_counter() - started, f"(over {TIMEOUT} s)"
    seconds = time.perf_counter() - started
    first = ""
    if done.returncode != 0 and report.exists():
        for case in ElementTree.parse(report).getroot().iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                first = f"{case.get('classname')}::{case.get('name')}"
                break
    return done.returncode == 0, seconds, first or ("" if done.returncode == 0
                                                    else f"(pytest exit {done.returncode})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="ID", help="run these mutants only")
    parser.add_argument("--jobs", type=int, default=1, help="pytest-xdist workers per run")
    args = parser.parse_args()
    mutants = load_specs()
    if args.only:
        unknown = set(args.only) - {m["id"] for m in mutants}
        if unknown:
            raise SystemExit(f"--only: no mutants {sorted(unknown)}")
        mutants = [m for m in mutants if m["id"] in args.only]
    folder = scratch_copy()
    try:
        selections = sorted({tuple(m.get("tests", ["tests"])) for m in mutants})
        print(f"first the unchanged code, against each of the {len(selections)} selections of "
              f"tests the mutants name (a mutant is killed only by tests that pass here)",
              flush=True)
        for tests in selections:            # the unchanged code passes every selection
            passed, seconds, first = run_tests(folder, list(tests), args.jobs)
            if not passed:
                raise SystemExit(f"the unchanged code fails {' '.join(tests)}: {first}")
            print(f"  passes {' '.join(tests)} ({seconds:.0f} s)", flush=True)
        print("| mutant | kind | verdict | seconds | first failing test |\n|---|---|---|---|---|")
        killed = 0
        for m in mutants:
            path = folder / m["file"]
            original = path.read_text()
            path.write_text(original.replace(m["find"], m["replace"]))
            try:
                passed, seconds, first = run_tests(folder, m.get("tests", ["tests"]), args.jobs)
            finally:
                path.write_text(original)
            killed += not passed
            print(f"| {m['id']} | {m['kind']} | {'SURVIVED' if passed else 'killed'} | "
                  f"{seconds:.0f} | {first} |", flush=True)
        print(f"\n{killed} of {len(mutants)} killed ({100 * killed / len(mutants):.1f}%)")
        return 0 if killed == len(mutants) else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
