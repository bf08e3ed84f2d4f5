"""The mutmut score, with the equivalent and the message-only mutants set apart.

    HYPOTHESIS_PROFILE=mutmut mutmut run --max-children 2     # fills mutants/ (see docs/mutation.md)
    python benchmarks/mutmut_score.py [--survivors] [--file PATH]
    python benchmarks/mutmut_recheck.py TESTS...    # optional: survivors against later tests

mutmut numbers its mutants per function, so a name like ``...x_fit__mutmut_12`` moves whenever
the function changes. An equivalent mutant is therefore marked by what it does, not by its
number: the file, the function, the source line before and the line after (as mutmut's own
diff of the two shows them), and a reason why no correct test could tell the two apart. A
marking that matches no mutant any more is stale, and one that matches a killed mutant was
wrong; both stop the script (exit status 2), so the list cannot rot.

A message-only mutant changes nothing but the text of an error message: the function's syntax
tree is the original's except for string literals inside a ``raise`` statement or a call of
``fail(...)`` (the project's ``name: got X; expected Y``). Such a mutant is set apart, killed or
not, and counted in a column of its own: the error's class and the argument it names are tested
by one structural test, not its every word, and no test exists only to kill one. It is found
from the two functions' source, not marked by hand.

Prints the counts per file, the raw score (killed / all) and the score the issue asks for:
killed / (all - equivalent - message-only). ``--survivors`` lists every unmarked survivor that
is not message-only, as its change. A run not finished (mutants "not checked") is scored over
the checked mutants, says so, and exits 1. Survivors that benchmarks/mutmut_recheck.py later
found killed are shown as a second score, beside mutmut's own, never merged into it.
Reads mutmut's result files through mutmut's own modules (no report text is parsed); run it
from the repository's root, where ``mutants/`` is.
"""
import argparse
import ast
import difflib
import fnmatch
import hashlib
import json
import os
import re
import sys
import textwrap
from collections import Counter, defaultdict
from pathlib import Path

import tomllib
from mutmut.mutation.data import SourceFileMutationData
from mutmut.stats import status_by_exit_code
from mutmut.utils.format_utils import mangled_name_from_mutant_name, orig_function_and_class_names_from_key

ROOT = Path(__file__).resolve().parent.parent
MARKS = ROOT / "benchmarks" / "mutmut_equivalents.toml"
DETECTED = {"killed", "timeout", "segfault"}     # the tests did not pass with the mutant in place


def left_out(path):
    """Whether ``[tool.mutmut] do_not_mutate`` leaves this source file out of the run (a result
    file of an earlier configuration may still lie under mutants/: it is not counted)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    return any(fnmatch.fnmatch(str(path), pattern) for pattern in config["do_not_mutate"])


def results():
    """{(source path, mutant name): status} for every mutant of the configured run."""
    found = {}
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        path = meta.relative_to(ROOT / "mutants").with_suffix("")      # drop .meta
        if left_out(path):
            continue
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in data.exit_code_by_key.items():
            found[str(path), name] = status_by_exit_code[code]
    return found


def functions_of(path, cache={}):
    """{generated function name: its source lines} of mutmut's copy of ``path`` (parsed once)."""
    if path not in cache:
        source = (ROOT / "mutants" / path).read_text()
        lines = source.splitlines()
        found = {}
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "__mutmut_" in node.name:
                found[node.name] = [line.replace(node.name, "f", 1) if i == 0 else line
                                    for i, line in enumerate(lines[node.lineno - 1:
                                                                   node.end_lineno])]
        cache[path] = found
    return cache[path]


def change(path, name):
    """(function, before, after): the mutant as the lines its diff removes and adds (the same
    diff as ``mutmut show``: mutmut's copy of the original function against the mutant)."""
    function, cls = orig_function_and_class_names_from_key(name)
    generated = name.rpartition(".")[2]
    functions = functions_of(path)
    original = functions[mangled_name_from_mutant_name(generated) + "__mutmut_orig"]
    diff = list(difflib.unified_diff(original, functions[generated], lineterm="", n=0))[2:]
    before = " / ".join(line[1:].strip() for line in diff if line.startswith("-"))
    after = " / ".join(line[1:].strip() for line in diff if line.startswith("+"))
    return (f"{cls}.{function}" if cls else function), before, after


STRING = re.compile(r"""[rbfRBF]{0,2}("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
NUMBER = re.compile(r"\d+(\.\d+)?(e-?\d+)?")


def message_only(path, name):
    """Whether the mutant changes only string literals of error messages (see the docstring)."""
    generated = name.rpartition(".")[2]
    functions = functions_of(path)
    original = functions[mangled_name_from_mutant_name(generated) + "__mutmut_orig"]
    try:
        trees = [ast.parse(textwrap.dedent("\n".join(lines)))
                 for lines in (original, functions[generated])]
    except SyntaxError:
        return False
    return ast.dump(trees[0]) != ast.dump(trees[1]) and same_but_messages(*trees)


def same_but_messages(a, b, in_message=False):
    """Whether two syntax trees are equal apart from string constants inside a message: the
    arguments of a ``raise`` or of a call of ``fail``, outside any subscript (a key there picks
    a value, it is not text)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, ast.Constant):
        if type(a.value) is type(b.value) and a.value == b.value:
            return True
        return in_message and isinstance(a.value, str) and isinstance(b.value, str)
    if isinstance(a, ast.Raise) or (isinstance(a, ast.Call) and called_name(a.func) == "fail"):
        in_message = True
    if isinstance(a, ast.Subscript):
        in_message = False
    for field in a._fields:
        x, y = getattr(a, field), getattr(b, field)
        if isinstance(x, list):
            if not isinstance(y, list) or len(x) != len(y):
                return False
            pairs = zip(x, y)
        else:
            pairs = [(x, y)]
        for u, v in pairs:
            if isinstance(u, ast.AST):
                if not (isinstance(v, ast.AST) and same_but_messages(u, v, in_message)):
                    return False
            elif u != v:
                return False
    return True


def called_name(func):
    """``fail`` for ``fail(...)`` and ``validation.fail(...)``; None for other callees."""
    return func.id if isinstance(func, ast.Name) else (
        func.attr if isinstance(func, ast.Attribute) else None)


def change_kind(before, after):
    """A rough kind of a change, for counting survivors (read from its text: only a guide)."""
    if STRING.sub("S", before) == STRING.sub("S", after):
        return "the text of a string (a message, a label, a name)"
    if re.sub(r"[<>]=?", "<", before) == re.sub(r"[<>]=?", "<", after):
        return "a comparison at its boundary (< for <=, > for >=)"
    if NUMBER.sub("N", before) == NUMBER.sub("N", after):
        return "a number changed (a constant, a default, an index)"
    if "None" in after or len(after) < len(before):
        return "an argument or value dropped or made None"
    return "other (an operator, a condition, a name)"


def load_marks():
    marks = tomllib.loads(MARKS.read_text()).get("equivalent", [])
    for i, mark in enumerate(marks):
        missing = {"file", "function", "before", "after", "reason"} - set(mark)
        if missing or not mark.get("reason", "").strip():
            raise SystemExit(f"{MARKS}: entry {i}: needs file, function, before, after and a "
                             f"reason; missing {sorted(missing) or ['reason text']}")
    return marks


def digest(path):
    """The sha256 of a file's bytes: what a recheck verdict remembers of each test file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def recheck_kills(status, changes):
    """{(path, name): verdict} of the survivors (marked or not) that mutmut_recheck.py found
    killed, while the change it ran is still the mutant's and its test files are unchanged
    (mutants/recheck.json; absent: none)."""
    path = ROOT / "mutants" / "recheck.json"
    verdicts = json.loads(path.read_text()) if path.exists() else {}

    def current(v):
        return all((ROOT / test).is_file() and digest(ROOT / test) == h
                   for test, h in v["tests"].items())
    return {key: verdicts[key[1]] for key in changes
            if status[key] not in DETECTED and verdicts.get(key[1], {}).get("killed")
            and (verdicts[key[1]]["file"], verdicts[key[1]]["function"],
                 verdicts[key[1]]["before"], verdicts[key[1]]["after"]) == (key[0], *changes[key])
            and current(verdicts[key[1]])}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--survivors", action="store_true", help="list every unmarked survivor")
    parser.add_argument("--file", help="only this source file (e.g. neuronnet/training/loop.py)")
    parser.add_argument("--kinds", action="store_true",
                        help="count the unmarked survivors by the kind of change")
    parser.add_argument("--stub", nargs="+", metavar="NAME",
                        help="print a marking to fill in for each of these mutants, and stop")
    args = parser.parse_args(argv)

    os.chdir(ROOT)
    status = results()
    if args.file:
        status = {key: s for key, s in status.items() if key[0] == args.file}
    if not status:
        raise SystemExit("no mutmut results under mutants/: run mutmut first (see the docstring)")
    if args.stub:
        paths = {name: path for path, name in status}
        for name in args.stub:
            function, before, after = change(paths[name], name)
            print(f'[[equivalent]]\nfile = "{paths[name]}"\nfunction = "{function}"\n'
                  f"before = {json.dumps(before)}\nafter = {json.dumps(after)}\nreason = \"\"\n")
        return 0
    marks = load_marks()
    marked_functions = {(m["file"], m["function"]) for m in marks}

    # Diff every survivor, and every mutant of a function that has a marking (so that a marking
    # which matches a killed mutant is seen).
    changes = {}
    for (path, name), s in status.items():
        function, _ = orig_function_and_class_names_from_key(name)
        if s == "not checked":
            continue
        if s not in DETECTED or any(f == path and function in (g, g.split(".")[-1])
                                    for f, g in marked_functions):
            changes[path, name] = change(path, name)

    uses = Counter()
    equivalent, wrong = set(), []
    for key, (function, before, after) in changes.items():
        for i, m in enumerate(marks):
            if (m["file"], m["function"], m["before"], m["after"]) == (key[0], function, before,
                                                                       after):
                uses[i] += 1
                if status[key] in DETECTED:
                    wrong.append((m, key[1]))
                else:
                    equivalent.add(key)

    # Message-only mutants, killed or not, are set apart (a marking takes precedence, so that
    # an existing marking does not go stale).
    messages = {key for key, s in status.items()
                if s != "not checked" and key not in equivalent and message_only(*key)}

    per_file = defaultdict(Counter)
    for (path, name), s in status.items():
        kind = "equivalent" if (path, name) in equivalent else (
            "message" if (path, name) in messages else "detected" if s in DETECTED
            else "not checked" if s == "not checked" else "survived")
        per_file[path][kind] += 1
    # detected = killed, timed out or crashed: the tests did not pass with the mutant in place.
    print(f"{'file':52} {'mutants':>7} {'detected':>8} {'survived':>8} {'equivalent':>10} "
          f"{'message':>7}")
    for path in sorted(per_file):
        c = per_file[path]
        print(f"{path:52} {sum(c.values()):7} {c['detected']:8} {c['survived']:8} "
              f"{c['equivalent']:10} {c['message']:7}"
              + (f"  ({c['not checked']} not checked)" if c["not checked"] else ""))
    total = Counter()
    for c in per_file.values():
        total.update(c)
    unchecked = total["not checked"]
    n, detected = sum(total.values()) - unchecked, total["detected"]
    eq = total["equivalent"] + total["message"]     # both set aside from the score
    killed_messages = sum(status[key] in DETECTED for key in messages)
    print(f"\n{n + unchecked} mutants: {detected} detected, {total['survived']} survived, "
          f"{total['equivalent']} marked equivalent, {total['message']} message-only set apart "
          f"({killed_messages} of them detected), {unchecked} not checked")
    if unchecked:
        print(f"PARTIAL RUN: {unchecked} mutants not checked yet; the scores below count only "
              "the checked ones, which mutmut takes fastest tests first: they are not a sample "
              "of the whole")
    if n:
        print(f"raw score {(detected + killed_messages) / n:.1%}; non-equivalent killed, "
              f"message-only set apart: {detected}/{n - eq} = {detected / max(n - eq, 1):.1%}")
    rechecked = recheck_kills(status, changes)
    wrong += [({"before": changes[key][1], "after": changes[key][2]}, key[1])
              for key in rechecked if key in equivalent]
    more = [key for key in rechecked if key not in equivalent and key not in messages]
    if more:
        tests = sorted({test for key in more for test in rechecked[key]["tests"]})
        print(f"after the recheck (benchmarks/mutmut_recheck.py, against {len(tests)} later test "
              f"files: {', '.join(tests)}): {len(more)} more survivors killed; non-equivalent "
              f"killed {detected + len(more)}/{n - eq} = "
              f"{(detected + len(more)) / max(n - eq, 1):.1%}")

    if args.kinds:
        kinds = Counter(change_kind(*changes[key][1:]) for key in changes
                        if status[key] not in DETECTED and key not in equivalent
                        and key not in messages and key not in rechecked)
        print("\nunmarked survivors by kind of change" + (" (those the recheck killed left out)"
                                                          if rechecked else "") + ":")
        for name, count in kinds.most_common():
            print(f"  {count:5}  {name}")

    if args.survivors:
        print("\nunmarked survivors:")
        for (path, name), (function, before, after) in sorted(changes.items()):
            if (status[path, name] not in DETECTED and (path, name) not in equivalent
                    and (path, name) not in messages):
                note = "; killed on recheck" if (path, name) in rechecked else ""
                print(f"{name}  [{status[path, name]}{note}]\n    - {before}\n    + {after}")

    # A marking whose mutant is not checked yet matches nothing: stale only in a full run.
    stale = [m for i, m in enumerate(marks) if not uses[i] and not unchecked
             and (args.file is None or m["file"] == args.file)]
    for m in stale:
        print(f"stale marking (matches no mutant): {m['file']} {m['function']}: "
              f"{m['before']!r} -> {m['after']!r}", file=sys.stderr)
    for m, name in wrong:
        print(f"marked equivalent but killed: {name}: {m['before']!r} -> {m['after']!r}",
              file=sys.stderr)
    if unchecked:
        return 1
    return 2 if stale or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
