"""The N-version rule: reference/ imports nothing from neuronnet/ (docs/design.md, "The layout"), so a bug in
a shared helper cannot hide in both. Checked statically (every import statement and every
dynamic import of a literal name in every reference/*.py) and at run time (importing reference
and all its submodules in a fresh interpreter leaves neuronnet out of sys.modules)."""
import ast
import pathlib
import subprocess
import sys

import reference

REFERENCE_DIR = pathlib.Path(reference.__file__).resolve().parent


def _reference_files():
    files = sorted(REFERENCE_DIR.rglob("*.py"))
    assert files, f"no Python files found under {REFERENCE_DIR}"
    return files


def _imported_names(tree):
    """Every module name an import statement or a literal dynamic import mentions."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolves inside reference/, but a `from .. import x`
                if node.level > 1:  # climbs out of the package
                    yield node.lineno, "." * node.level + (node.module or "")
                continue
            yield node.lineno, node.module or ""
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and node.args \
                    and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                yield node.lineno, node.args[0].value


def test_reference_source_imports_nothing_from_neuronnet():
    offenders = []
    for path in _reference_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        for lineno, name in _imported_names(tree):
            if name.split(".")[0] == "neuronnet" or name.startswith(".."):
                offenders.append(f"{path.relative_to(REFERENCE_DIR.parent)}:{lineno}: {name}")
    assert not offenders, "reference/ must not import neuronnet:\n" + "\n".join(offenders)


def test_the_static_scan_sees_an_import():
    # The scan above can fail: it finds each form of import in a sample source.
    sample = ("import neuronnet\nfrom neuronnet.losses import HalfMSE\nimport numpy as np\n"
              "importlib.import_module('neuronnet.network')\nfrom .. import x\n")
    names = [name for _, name in _imported_names(ast.parse(sample))]
    assert "neuronnet" in names and "neuronnet.losses" in names
    assert "neuronnet.network" in names and ".." in names


def test_importing_reference_does_not_load_neuronnet():
    code = (
        "import pkgutil, importlib, sys\n"
        "import reference\n"
        "for m in pkgutil.walk_packages(reference.__path__, 'reference.'):\n"
        "    importlib.import_module(m.name)\n"
        "loaded = sorted(n for n in sys.modules if n.split('.')[0] == 'neuronnet')\n"
        "print(repr(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=str(REFERENCE_DIR.parent))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"importing reference loaded: {done.stdout}"
