"""docs/pitfalls.md, rendered from the catalogue:
``python -m neuronnet.pitfalls.docs > docs/pitfalls.md``.

The code snippets are read from the code itself (``inspect``): the buggy code from variants.py
(its buggy lines marked ``# BUG:``) and the fixing lines from the real modules, where a comment
``# FIX: <pitfall id>`` stands above each. So the page cannot drift from the code: a test
(tests/pitfalls/test_catalogue.py) compares the file with :func:`render`.
"""
import ast
import importlib
import inspect
import re
import textwrap

from .catalogue import CATALOGUE, PROPERTIES
from .counterexamples import COUNTEREXAMPLES, one_line
from .pitfall import Marked


def resolve(target):
    """The object named ``"package.module:Qualified.name"``."""
    module_name, _, qualname = target.partition(":")
    obj = importlib.import_module(module_name)
    for part in filter(None, qualname.split(".")):  # no name: the module itself
        obj = getattr(obj, part)
    return obj


def _without_docstrings(source):
    """``source`` (one def or class) without its docstrings: the code is the snippet; the
    words are in the entry."""
    tree = ast.parse(source)
    drop = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None),
                                                          ast.Constant) \
                    and isinstance(first.value.value, str):
                drop.update(range(first.lineno, first.end_lineno + 1))
    lines = source.splitlines()
    return "\n".join(line for number, line in enumerate(lines, 1) if number not in drop)


# A marker comment just above a statement: "# FIX: id, id" or "# QUIRK: id".
MARKER = re.compile(r"^\s*# (FIX|QUIRK): (.+)$")


def marked_blocks(module_name, tag, pitfall_id):
    """The statements of a module marked ``# <tag>: ... pitfall_id ...``, each dedented."""
    source = inspect.getsource(importlib.import_module(module_name))
    lines = source.splitlines()
    starts = {node.lineno: node for node in ast.walk(ast.parse(source))
              if isinstance(node, ast.stmt)}
    blocks = []
    for number, line in enumerate(lines, 1):
        match = MARKER.match(line)
        if match and match.group(1) == tag and pitfall_id in marked_ids(match.group(2)):
            node = starts.get(number + 1)
            if node is None:
                raise ValueError(f"{module_name}, line {number}: got a {tag} marker above no "
                                 "statement; expected it on the line just above one")
            blocks.append(textwrap.dedent("\n".join(lines[node.lineno - 1:node.end_lineno])))
    if not blocks:
        raise ValueError(f"{module_name}: got no line marked '# {tag}: {pitfall_id}'; expected "
                         "at least one")
    return blocks


def marked_ids(text):
    return [word.strip() for word in text.split(",")]


def snippet(code, pitfall_id=None):
    """The lines a :class:`Code` (a whole function or class, docstrings left out) or a
    :class:`Marked` (the statements marked for ``pitfall_id``, joined by ...) points at."""
    if isinstance(code, Marked):
        return "\n...\n".join(marked_blocks(code.module, code.tag, pitfall_id))
    source = textwrap.dedent(inspect.getsource(resolve(code.target)))
    return _without_docstrings(source).rstrip()


def where(code):
    """The file a snippet comes from, relative to the repository: neuronnet/losses.py."""
    module = code.module if isinstance(code, Marked) else code.target.partition(":")[0]
    return module.replace(".", "/") + ".py"


def label(code):
    """How a snippet is introduced: the file, and the name or the marker."""
    if isinstance(code, Marked):
        return f"`{where(code)}`, the lines marked `# {code.tag}`:"
    name = code.target.partition(":")[2]
    return f"`{where(code)}`" + (f", `{name}`:" if name else ":")


def _block(codes, pitfall_id):
    out = []
    for code in codes:
        out += [label(code), "", "```python", snippet(code, pitfall_id), "```", ""]
    return out


def _caught_line(p):
    found = COUNTEREXAMPLES.get(p.id)
    if found is None:
        return "(not recorded yet)"
    return one_line(found["example"]).replace("|", "\\|")


def render():
    """The whole of docs/pitfalls.md."""
    bugs = [p for p in CATALOGUE if p.kind == "bug"]
    quirks = [p for p in CATALOGUE if p.kind == "quirk"]
    warnings = [p for p in CATALOGUE if p.kind == "warning"]
    out = [
        "# The pitfall catalogue",
        "",
        "<!-- Generated from neuronnet/pitfalls by `python -m neuronnet.pitfalls.docs > "
        "docs/pitfalls.md`; tests/pitfalls/test_catalogue.py checks that it is current. -->",
        "",
        "The mistakes every learner makes when writing backpropagation by hand, found in the "
        "five source documents (the coursework reports, blog posts and the Q&A this project "
        "starts from, docs/sources.md): what each piece of code did, why it is wrong, what you see, "
        "and how a "
        "test finds it. Each bug has a *buggy variant* in `neuronnet/pitfalls/variants.py`, a "
        "real component of this project with the mistake put back in (the line is marked "
        "`# BUG:`). `tests/pitfalls/test_catalogue.py` runs the **generic** properties of the test suite "
        "(the functions that guard the real code, not tests written for one bug) with the "
        "variant swapped in; each must fail, and hypothesis shrinks the failure to the "
        "counterexample shown. The same example, replayed on the real component, passes.",
        "",
        "`neuronnet pitfalls` lists the entries, `neuronnet pitfalls show ID` explains one, "
        "`neuronnet pitfalls demo ID [--plot DIR]` runs the buggy and the fixed component "
        "side by side.",
        "",
        "## Every bug, the property that caught it, and the shrunk counterexample",
        "",
        "| pitfall | source | caught by | counterexample (hypothesis, shrunk) | the failure |",
        "|---|---|---|---|---|",
    ]
    for p in bugs:
        found = COUNTEREXAMPLES.get(p.id, {})
        out.append(f"| [{p.id}](#{p.id}) | {p.source} | `{p.caught_by[0]}` "
                   f"| {_caught_line(p)} | {found.get('finding', '').replace('|', '/')} |")
    out += ["", "## Quirks: not bugs, so a property pins what they do", "",
            "| quirk | source | pinned by |", "|---|---|---|"]
    for p in quirks:
        out.append(f"| [{p.id}](#{p.id}) | {p.source} | `{p.pinned_by[0]}` |")
    out += ["", "## Warnings: right values, with a warning on the way", "",
            "The checker judges values: these pass, and the report notes the warning.", "",
            "| warning | source | noted by |", "|---|---|---|"]
    for p in warnings:
        out.append(f"| [{p.id}](#{p.id}) | {p.source} | `{p.noted_by[0]}` |")
    out += ["", "Entries marked *further* were found in the sources while building the "
            "catalogue, beyond the project's first survey of them.", ""]
    for p in CATALOGUE:
        out += _entry(p)
    return "\n".join(out).rstrip() + "\n"


def _entry(p):
    further = ", further" if p.further else ""
    out = [f"## {p.id}", "", f"*Source {p.source}, {p.kind}{further}; the variant replaces "
           f"{_article(p.component)}.* {p.title[0].upper()}{p.title[1:]}.", "",
           f"**What the code did.** {p.did}", "", f"**Why it is wrong.** {p.why}"
           if p.kind != "quirk" else f"**What it means.** {p.why}", "",
           f"**What you see.** {p.symptom}", "", f"**The fix.** {p.fix}", ""]
    if p.notes:
        out += [f"**Note.** {p.notes}", ""]
    if p.kind != "quirk":
        out += ["**The bug**, as a variant in project code:", ""] + _block(p.bug_code, p.id)
        out += ["**The fix**, in the real code:", ""] + _block(p.fix_code, p.id)
    else:
        out += ["**The quirk**, in project code:", ""] + _block(p.bug_code, p.id)
        out += ["**The usual way**, in the real code:", ""] + _block(p.fix_code, p.id)
    verb = {"bug": "Caught by", "quirk": "Pinned by", "warning": "Noted by"}[p.kind]
    for k, node in enumerate(p.properties):
        lead = verb if k == 0 else "Also " + verb.lower()
        out += [f"**{lead}** `{node}`: {PROPERTIES[node]}.", ""]
    found = COUNTEREXAMPLES.get(p.id)
    if found is not None:
        out += ["**Shrunk counterexample** (hypothesis, derandomized): "
                f"`{one_line(found['example'])}`", "", f"fails with `{found['finding']}`", ""]
    out += [f"**Demo:** `neuronnet pitfalls demo {p.id}`", ""]
    return out


def _article(noun):
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


if __name__ == "__main__":
    print(render(), end="")
