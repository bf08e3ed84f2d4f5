"""Recheck mutmut's survivors against test files written since they were run.

    python benchmarks/mutmut_recheck.py tests/test_refusals.py tests/training/test_planar.py ...
    python benchmarks/mutmut_score.py        # then prints the score after the recheck too

mutmut runs every test that covers a mutated function, so a survivor of a widely used function
costs a whole suite run; with two cores a complete run here takes longer than a working
session. A survivor only needs *one* failing test to be killed, so this runs each unmarked
survivor against the given files alone, the way mutmut does (in ``mutants/``, with
``MUTANT_UNDER_TEST`` naming the mutant, ``-x``, the ``mutmut`` hypothesis profile). A failure
there is a kill; a pass changes nothing (the survivor keeps mutmut's verdict).

The given files are first copied into ``mutants/tests/`` (so run this after mutmut has
stopped, never beside it) and run once with no mutant active: they must pass, or every mutant
would look killed. A verdict is mutmut's reading of the exit code: 1 (a test failed) or a
timeout is a kill; any other code (a collection or usage error) is not. Each verdict is
stored in ``mutants/recheck.json`` as it comes, with the mutant's change (file, function, line
before and after) and a hash of each test file; mutmut_score.py counts a verdict only while
that change is still the mutant's and the test files are unchanged; such a kill is kept when
the script runs again with other files, so rechecks add up. The mutants marked
equivalent are rechecked too: a marked mutant that a test kills was wrongly marked, and the
score says so. mutmut's own result files are not touched.
"""
import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutmut.stats import status_by_exit_code  # noqa: E402
from mutmut_score import DETECTED, ROOT, change, digest, load_marks, recheck_kills, results  # noqa: E402

RECHECK = ROOT / "mutants" / "recheck.json"


def run(name, files, deselect=()):
    env = dict(os.environ, MUTANT_UNDER_TEST=name, PY_IGNORE_IMPORTMISMATCH="1",
               HYPOTHESIS_PROFILE=os.environ.get("HYPOTHESIS_PROFILE", "mutmut"))
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", *files,
                               *[f"--deselect={node}" for node in deselect], "-x", "-q", "-p",
                               "no:randomly", "-p", "no:cacheprovider"], cwd=ROOT / "mutants",
                              env=env, capture_output=True, timeout=1800)
    except subprocess.TimeoutExpired:
        return "timeout"
    return status_by_exit_code.get(done.returncode, f"exit code {done.returncode}")



def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tests", nargs="+", help="test files, relative to the repository root")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--mutants", default="*", metavar="PATTERN",
                        help="only the survivors whose mutmut names match (fnmatch; default all)")
    parser.add_argument("--deselect", action="append", default=[], metavar="NODEID",
                        help="a test left out (one that tests a source change mutants/ lacks)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    for test in args.tests:
        if not Path(test).is_file():
            raise SystemExit(f"tests: got {test!r}, which is not a file; expected test files "
                             "relative to the repository root")
        shutil.copy(test, ROOT / "mutants" / test)
    if run("", args.tests, args.deselect) != "survived":
        raise SystemExit("the test files fail with no mutant active in mutants/: a recheck "
                         "would call every mutant killed (copy the current sources' tests in, "
                         "or rerun mutmut)")
    status = results()
    marks = {(m["file"], m["function"], m["before"], m["after"]) for m in load_marks()}
    changes = {(path, name): change(path, name) for (path, name), s in status.items()
               if s not in DETECTED and s != "not checked"}
    # A kill an earlier recheck found, while still valid (the score's own rule), is kept, not
    # run again: a recheck against new files adds kills and never erases one.
    kept = recheck_kills(status, changes)
    survivors = []
    for (path, name), s in sorted(status.items()):
        if s in DETECTED or s == "not checked" or not fnmatch.fnmatch(name, args.mutants) \
                or (path, name) in kept:
            continue
        function, before, after = change(path, name)
        survivors.append((path, name, function, before, after,
                          (path, function, before, after) in marks))
    print(f"rechecking {len(survivors)} survivors ({sum(s[-1] for s in survivors)} of them "
          f"marked equivalent) against {len(args.tests)} files; {len(kept)} earlier kills kept",
          flush=True)
    verdicts = json.loads(RECHECK.read_text()) if RECHECK.exists() else {}
    hashes = {test: digest(test) for test in args.tests}
    with ThreadPoolExecutor(args.jobs) as pool:
        codes = pool.map(lambda s: run(s[1], args.tests, args.deselect), survivors)
        for (path, name, function, before, after, marked), status in zip(survivors, codes):
            verdicts[name] = {"file": path, "function": function, "before": before,
                              "after": after, "tests": hashes, "deselected": args.deselect,
                              "status": status, "killed": status in DETECTED}
            print(f"{status:8} {name}{'  (marked equivalent)' if marked else ''}", flush=True)
            tmp = RECHECK.with_suffix(".tmp")             # after each: nothing lost on a stop
            tmp.write_text(json.dumps(verdicts, indent=1))
            os.replace(tmp, RECHECK)
    killed = sum(v["killed"] for v in verdicts.values())
    print(f"{killed} of {len(verdicts)} rechecked survivors killed; see mutmut_score.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
