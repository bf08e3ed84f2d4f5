"""``neuronnet check --grade FOLDER``: a class's submissions graded at once.

Each submission is graded by a ``neuronnet check --grade --json`` process of its own (which
runs the submission in a process of its own in turn), WORKERS at a time, all with one seed, so
that every student meets the same examples. A submission that hangs, crashes, prints megabytes
or exits stops nothing else: its grader is given a wall-clock limit, and what it printed is
read only as the JSON report of our own code.

One line per submission as it finishes: passed, or its first failing property and where the
report starts. Then ``grades.csv`` (one row per submission, one column per property: 1 passed,
0 failed or stopped, blank not applicable) and ``grades.json`` (every report), written
atomically in ``--grades DIR``.
"""
import csv
import io as text_io
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from .. import io
from .tables import printable

WORKERS = 2          # submissions graded at once (the machine's cores, and no more)
WALL_LIMIT = 40      # a submission's whole grade may take this many --time-limit's
ENTRY_NAMES = ("submission.py", "network.py", "main.py")   # a subfolder's file, in this order


def submissions(folder):
    """(name, path, own folder or None) of each submission in ``folder``, sorted by name: each
    ``.py`` file (no folder of its own: its neighbours are classmates), and each subfolder's
    entry (ENTRY_NAMES, or its only ``.py`` file)."""
    found = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_file() and entry.name.endswith(".py"):
            found.append((entry.name, entry.path, None))
        elif entry.is_dir():
            files = sorted(f for f in os.listdir(entry.path) if f.endswith(".py"))
            named = [f for f in ENTRY_NAMES if f in files]
            if named or len(files) == 1:
                found.append((entry.name, os.path.join(entry.path, (named or files)[0]),
                              entry.path))
    return found


def grade_folder(folder, args, seed, out):
    """Grade every submission in ``folder``; 0 when all passed, 1 otherwise."""
    found = submissions(folder)
    if not found:
        raise ValueError(f"FILE.py: got the folder {str(folder)!r}, which holds no .py file "
                         "and no folder with one; expected a folder of submissions")
    grades_dir = os.path.abspath(args.grades)
    try:   # like --plot: a new folder in an existing one is made; a typo in a parent is not
        os.makedirs(grades_dir, exist_ok=True) if os.path.isdir(os.path.dirname(grades_dir)) \
            else None
    except OSError as error:
        raise ValueError(f"--grades: the folder {args.grades!r} cannot be made "
                         f"({error.strerror}); expected a folder you can write to") from None
    for name in ("grades.csv", "grades.json"):
        io.probe_writable(os.path.join(grades_dir, name), name="--grades")
    out(f"grading {len(found)} submissions in {printable(folder)}: seed {seed} for all "
        f"(repeat it with --seed {seed}), {WORKERS} at a time")
    started = time.perf_counter()
    reports = {}
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = {pool.submit(_grade_one, path, own, args, seed): name
                   for name, path, own in found}
        for future in futures:
            name = futures[future]
            reports[name] = future.result()
            out(_line(name, reports[name]))
    properties = _property_names(reports.values())
    io.write_atomically(os.path.join(grades_dir, "grades.json"), lambda f: f.write(
        json.dumps({"seed": seed, "submissions": reports}, indent=1).encode()))
    io.write_atomically(os.path.join(grades_dir, "grades.csv"),
                        lambda f: f.write(_csv(reports, properties).encode()))
    passed = sum(r["passed"] for r in reports.values())
    out(f"{passed} of {len(reports)} passed in {time.perf_counter() - started:.0f} s; "
        f"grades in {printable(os.path.join(grades_dir, 'grades.csv'))} and grades.json")
    return 0 if passed == len(reports) else 1


def _grade_one(path, own, args, seed):
    """The JSON report of ``neuronnet check --grade --json`` on one submission, or one made
    here when that process did not give one of ours (it ran past its wall-clock limit, or was
    killed). The submission is graded from a private copy, by a grader started in an empty
    folder with ``-I``: nothing a classmate's file is named or does reaches it."""
    import shutil
    import tempfile
    with tempfile.TemporaryDirectory(prefix="neuronnet-grade-") as scratch:
        private = os.path.join(scratch, "submission")
        if own is not None:
            shutil.copytree(own, private, symlinks=True)          # its own subfolder
        else:
            os.mkdir(private)
            shutil.copy(path, private)                            # a file among its classmates
        copy = os.path.join(private, os.path.basename(path))
        return _run_grader(copy, path, args, seed, scratch)


def _run_grader(copy, path, args, seed, scratch):
    command = [sys.executable, "-I", "-m", "neuronnet", "check", copy, "--grade", "--json",
               "--seed", str(seed), "--time-limit", repr(args.time_limit),
               "--memory-limit", repr(args.memory_limit), "--build", args.build]
    for option, values in (("--require", args.require), ("--allow", args.allow),
                           ("--property", args.properties), ("--skip", args.skipped)):
        for value in values or ():
            command += [option, value]
    command += ["--one-hot"] if args.one_hot else []
    command += ["--style", args.style] if args.style else []
    command += ["--thorough"] if args.thorough else []
    limit = WALL_LIMIT * args.time_limit * (10 if args.thorough else 1)
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=limit, check=False,
                              cwd=scratch)
    except subprocess.TimeoutExpired:
        return _made_here(path, f"its grade ran past {limit:g} s")
    if done.returncode not in (0, 1):   # not an ending of ours: its report cannot be trusted
        return _made_here(path, f"its grader ended with status {done.returncode}")
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return _made_here(path, f"its grader ended with status {done.returncode} and no "
                                "report")
    report["file"] = path
    return report


def _made_here(path, error):
    from ..verify.report import uncheckable_dict
    return uncheckable_dict(path, error)


def _line(name, report):
    """One line: passed, or the first failure and where the report starts."""
    counts = report.get("counts", {})
    applicable = counts.get("passed", 0) + counts.get("FAILED", 0) + counts.get("stopped", 0)
    score = f"{counts.get('passed', 0)}/{applicable}"
    if report.get("error"):
        return f"  {printable(name)}: not graded: {printable(report['error'])}"
    if report.get("passed"):
        return f"  {printable(name)}: passed {score}"
    failed = [r for r in report["results"] if r["status"] in ("FAILED", "stopped")]
    first = (report.get("diagnosis") or {}).get("property") or failed[0]["property"]
    why = start_here(report) or next(r for r in failed if r["property"] == first).get(
        "reason", "")
    return (f"  {printable(name)}: FAILED {first}" + (f": {printable(why)}" if why else "")
            + f" ({score} passed)")


def start_here(report):
    """Where the report says to start, in a few words: "dW and db of the output layer, looks
    like missing-1/n"; "" without a diagnosis."""
    diagnosis = report.get("diagnosis") or {}
    headline = diagnosis.get("headline") or ""
    where = headline.split(" in ", 1)[1] if " in " in headline else headline
    pattern = diagnosis.get("pattern")
    return where + (f", looks like {pattern}" if pattern else "")


def _property_names(reports):
    names = []
    for report in reports:
        for result in report.get("results", []):
            if result["property"] not in names:
                names.append(result["property"])
    return names


def _csv(reports, properties):
    """One row per submission: passed (0/1), the score (passed / applicable), then 1, 0 or
    blank per property."""
    buffer = text_io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["submission", "passed", "score", "error", "start_here", *properties])
    for name, report in reports.items():
        status = {r["property"]: r["status"] for r in report.get("results", [])}
        judged = [s for s in status.values() if s != "not applicable"]
        score = sum(s == "passed" for s in judged) / len(judged) if judged else 0.0
        writer.writerow([printable(name), int(bool(report.get("passed"))), f"{score:.3f}",
                         printable(report.get("error") or ""), printable(start_here(report)),
                         *[{"passed": 1, "FAILED": 0, "stopped": 0}.get(status.get(p), "")
                           for p in properties]])
    return buffer.getvalue()
