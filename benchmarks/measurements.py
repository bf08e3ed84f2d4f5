"""Re-measure the recipes and rewrite their tables in docs/measurements.md.

    python benchmarks/measurements.py              # the quick rows (each under ~20 s here)
    python benchmarks/measurements.py --only "neuronnet train mnist"   # one row, slow or quick
    python benchmarks/measurements.py --list       # every row, and which are quick
    python benchmarks/measurements.py --dry-run    # print the tables, write nothing

Each row is one command of the command line, run from the repository's root in a subprocess,
seed 0 (the default), with one BLAS thread. Its wall time is time.perf_counter() around the
whole process (start-up, loading and evaluation included); its peak memory is the process's
maximum resident set size, from os.wait4. The result is read from what the command printed.

Only the tables between the markers `<!-- measurements.py: NAME -->` and
`<!-- measurements.py: end NAME -->` are rewritten. A row that was not run keeps its line as it
was, with its own date, so slow rows measured once stay until someone runs them again. Run it
on a quiet machine (`uptime`): the times are only worth comparing with the machine alone.
"""
import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "measurements.md"
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                     "MKL_NUM_THREADS")}


@dataclass
class Row:
    table: str      # which table of the page
    command: str    # as a user types it; MODEL.npz is a model the setup command saved
    what: str       # the setting, in a few words
    quick: bool     # under ~20 s here: run by default
    setup: str = ""  # run first, not timed


ROWS = [
    Row("recipes", "python -m neuronnet", "the tour: iris side by side, sin, the PNG digits",
        True),
    Row("recipes", "neuronnet train iris", "source 003's 4-12-6-3 sigmoid net, done right", True),
    Row("recipes", "neuronnet train sin", "source 000 part 1: 1-20-1 tanh, half-MSE", True),
    Row("recipes", "neuronnet train digits-folder",
        "source 000 part 2: 784-40-10 ReLU on the PNG digits", True),
    Row("recipes", "neuronnet train mnist-seed002",
        "source 002: 784-90-10 ReLU, SGD, batch 100, 6 epochs", True),
    Row("recipes", "neuronnet compare mnist-seed002", "both models from one start, 6 epochs",
        True),
    Row("recipes", "neuronnet evaluate MODEL.npz", "the iris model saved by train --save", True,
        setup="neuronnet train iris --quiet --save MODEL.npz"),
    Row("recipes", "neuronnet train mnist-momentum",
        "source 004's sigmoid net with real momentum, 100 hidden", False),
    Row("recipes", "neuronnet train mnist",
        "784-256-10 ReLU, momentum 0.9, lr 0.05 halved every 4 epochs, batch 64, 12 epochs",
        False),
    Row("recipes", "neuronnet train mnist --model reference", "the same on the reference", False),
    Row("planar", "neuronnet train xor", "2-3-2 tanh, 30 epochs", True),
    Row("planar", "neuronnet train moons", "2-8-2 tanh, 100 epochs", True),
    Row("planar", "neuronnet train circles", "2-8-2 tanh, 60 epochs", True),
    Row("planar", "neuronnet train spiral", "2-16-16-2 ReLU, 200 epochs", True),
]
HEADS = {
    "recipes": "| command | what it runs | result | wall | peak memory | measured |",
    "planar": "| command | network | test result | wall | peak memory | measured |",
}
RULE = "|---|---|---|---|---|---|"


def argv_of(command, model):
    words = command.replace("MODEL.npz", str(model)).split()
    if words[0] == "neuronnet":
        return [sys.executable, "-m", "neuronnet", *words[1:]]
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    raise ValueError(f"command: got {command!r}; expected one starting with neuronnet or python")


def run(command, model):
    """(seconds, peak resident megabytes, stdout) of one command in its own process."""
    env = dict(os.environ, **ONE_THREAD)
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        process = subprocess.Popen(argv_of(command, model), cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err = process.stderr.read()
        out.seek(0)
        text = out.read()
    if process.returncode != 0:
        raise SystemExit(f"{command}: exit status {process.returncode}\n{err}")
    return seconds, usage.ru_maxrss / 1024, text


def result_of(text):
    """The figure a reader wants, read from the command's own lines."""
    found = []
    tour = re.search(r"largest parameter difference after (\d+) epochs: (\S+)", text)
    accuracies = re.findall(r"^ *(\w*):? ?test \(.*?best model from epoch (\d+)\): (.*)$", text,
                            re.M)
    if "tour done" in text:
        figures = [line for line in text.splitlines() if line.startswith("test (")]
        found.append(f"iris: both models {accuracies[0][2].split('accuracy ')[1].split()[0]}, "
                     f"parameters within {tour.group(2)} after {tour.group(1)} epochs")
        found.append("sin: test " + figures[0].split("): ")[1])
        found.append("digits: " + figures[1].split(", ")[-1])
        return "; ".join(found)
    for who, epoch, figures in accuracies:
        score = re.search(r"accuracy (\S+) \((\d+/\d+)\)", figures)
        shown = (f"**{score.group(1)}** test ({score.group(2)})" if score
                 else "test " + figures.split(", ")[-1])
        found.append((f"{who}: " if who else "") + shown + f", best epoch {epoch}")
    if tour:
        ratio = re.search(r"ratio (\S+)", text)
        found.append(f"parameters within {tour.group(2)}; time neuron/reference "
                     f"**{ratio.group(1)}**")
    return "; ".join(found)


def machine():
    """The code measured and the machine: commit, cores, Python, numpy."""
    import numpy

    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout
    commit = git("rev-parse", "--short", "HEAD").strip() or "no git"
    if git("status", "--porcelain", "--", "neuronnet", "reference").strip():
        commit += " with uncommitted changes"
    return (f"commit {commit}; {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"numpy {numpy.__version__}")


def measure(row, today):
    with tempfile.TemporaryDirectory() as folder:
        model = Path(folder) / "model.npz"
        if row.setup:
            run(row.setup, model)
        seconds, megabytes, text = run(row.command, model)
    line = (f"| `{row.command}` | {row.what} | {result_of(text)} | {seconds:.1f} s | "
            f"{megabytes:.0f} MB | {today}, {machine()} |")
    print(line, flush=True)
    return line


def section(page, name):
    begin, end = f"<!-- measurements.py: {name} -->", f"<!-- measurements.py: end {name} -->"
    if begin not in page or end not in page:
        raise SystemExit(f"{PAGE}: no markers {begin} ... {end}")
    head, rest = page.split(begin, 1)
    body, tail = rest.split(end, 1)
    return head + begin, body, end + tail


def kept_rows(body):
    """{command: its line} of a table as it stands."""
    rows = {}
    for line in body.splitlines():
        found = re.match(r"\| `([^`]+)` \|", line)
        if found:
            rows[found.group(1)] = line
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="COMMAND",
                        help="measure only this row (its command, as listed by --list)")
    parser.add_argument("--list", action="store_true", help="list the rows and stop")
    parser.add_argument("--dry-run", action="store_true", help="print, do not rewrite the page")
    args = parser.parse_args(argv)
    if args.list:
        for row in ROWS:
            print(f"{row.table:8} {'quick' if row.quick else 'slow ':5}  {row.command}")
        return 0
    commands = {row.command for row in ROWS}
    for command in args.only or []:
        if command not in commands:
            parser.error(f"--only: got {command!r}; expected one of the commands of --list")
    chosen = [row for row in ROWS if (row.command in args.only if args.only else row.quick)]
    today = datetime.date.today().isoformat()
    fresh = {row.command: measure(row, today) for row in chosen}

    page = PAGE.read_text()      # read after measuring: someone may have edited it meanwhile
    for name, head in HEADS.items():
        before, body, after = section(page, name)
        kept = kept_rows(body)
        lines = [head, RULE]
        for row in ROWS:
            if row.table == name:
                lines.append(fresh.get(row.command) or kept.get(row.command)
                             or f"| `{row.command}` | {row.what} | not measured yet | | | |")
        page = before + "\n" + "\n".join(lines) + "\n" + after
    if args.dry_run:
        print(page)
    else:
        PAGE.write_text(page)
        print(f"rewrote {len(fresh)} rows in {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
