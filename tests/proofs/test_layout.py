"""The layout's rules (docs/design.md, "The layout"): imports run one way, no part reaches into
another's private names, modules stay small, and the repository stands on its own."""
import ast
import os
import re
import subprocess
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:   # Python 3.10
    import tomli as tomllib

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("neuronnet", "reference")
MAX_LINES = 300
# The parts of neuronnet: a module belongs to the first whose prefix it has; the rest is the book.
PARTS = ("neuronnet.app", "neuronnet.pitfalls", "neuronnet.io", "neuronnet.training",
         "neuronnet.verify", "neuronnet.estimators", "neuronnet.guards", "neuronnet.data")


def modules():
    """(dotted name, path) of every module of the two packages."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def part(module):
    return next((p for p in PARTS if module == p or module.startswith(p + ".")),
                module.split(".")[0] if module.startswith("reference") else "the book")


def test_the_import_contracts_hold():
    """The contracts of [tool.importlinter] in pyproject.toml (`lint-imports`): app over
    pitfalls over io, training and verify over the book; the book imports no part; reference
    imports nothing from neuronnet; verify imports nothing of the neuron model; only the app,
    the pitfalls and verify reach the reference."""
    importlinter_cli = pytest.importorskip("importlinter.cli")
    exit_code = importlinter_cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"),
                                              no_cache=True, no_logo=True)
    assert exit_code == 0, "an import contract is broken: run lint-imports for the report"


def imported_private_names(module, tree):
    """(line, what) for each private name this module takes from a module of another part:
    ``from x import _name`` or ``x._name`` on a module imported as ``x``."""
    aliases, found = {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = resolve(module, node.module, node.level)
            for alias in node.names:
                target = f"{source}.{alias.name}"
                if alias.name.startswith("_") and not alias.name.startswith("__") \
                        and part(source) != part(module):
                    found.append((node.lineno, f"from {source} import {alias.name}"))
                aliases[alias.asname or alias.name] = target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.attr.startswith("_") and not node.attr.startswith("__"):
            target = aliases.get(node.value.id)
            if target and target.split(".")[0] in PACKAGES and part(target) != part(module):
                found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return found


def resolve(module, name, level):
    if level == 0:
        return name
    base = module.split(".")
    is_package = (ROOT / Path(*base) / "__init__.py").exists()
    base = base[:len(base) - level + (1 if is_package else 0)]
    return ".".join(base + ([name] if name else []))


@pytest.mark.parametrize("module, path", list(modules()), ids=lambda v: str(v))
def test_no_part_reaches_into_another_parts_private_names(module, path):
    found = imported_private_names(module, ast.parse(path.read_text()))
    assert not found, f"{module} ({part(module)}) uses private names of another part: {found}"


def test_every_module_is_small():
    sizes = {module: len(path.read_text().splitlines()) for module, path in modules()}
    big = {module: n for module, n in sizes.items() if n > MAX_LINES}
    assert not big, f"modules over {MAX_LINES} lines (split them by concept): {big}"


def test_every_part_says_what_it_is():
    for package in PARTS[:-1]:
        init = ROOT / Path(*package.split(".")) / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc and len(doc.split(".")[0]) < 200, f"{package}: no one-line docstring"


def tracked_files():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listed.stdout.splitlines()]


def test_nothing_points_outside_the_repository():
    """The repository carries its own design and sources (docs/design.md, docs/sources.md):
    no file cites a document that lives outside it."""
    outside = re.compile(r"DESIGN(\.md| item)|\.\./shared")
    hits = []
    for path in tracked_files():
        if path.suffix in (".py", ".md", ".toml", ".txt", ".cfg", ".json") or path.name == "run":
            if os.path.isfile(path):
                for number, line in enumerate(path.read_text(errors="ignore").splitlines(), 1):
                    if outside.search(line):
                        hits.append(f"{path.relative_to(ROOT)}:{number}")
    assert not hits, hits


@pytest.mark.parametrize("package", ["neuronnet.app", "neuronnet.verify"])
def test_every_public_name_of_a_lazy_package_is_what_it_says(package):
    # A name that is also a submodule's name would hand out the module once it is imported.
    import importlib
    import types
    module = importlib.import_module(package)
    for name in module.__all__:
        for _ in range(2):          # before and after its module is imported
            value = getattr(module, name)
            assert not isinstance(value, types.ModuleType), f"{package}.{name} is a module"
            assert getattr(value, "__name__", name) == name, \
                f"{package}.{name} is {value!r}"


def test_every_package_is_installed():
    """`pip install .` (not editable) installs the packages pyproject.toml lists, no others:
    every folder of neuronnet/ and reference/ with an __init__.py must be among them (one left
    out installed a `neuronnet` whose first command failed on the missing import)."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts)
             for top in PACKAGES for init in (ROOT / top).rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
