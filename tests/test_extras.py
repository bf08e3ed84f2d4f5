"""An optional extra that is not installed is named, with the command that installs it, when
the part that needs it is imported (matplotlib's drawings: tests/test_plots.py)."""
import subprocess
import sys

import pytest


@pytest.mark.parametrize("module, needs, extra", [
    ("neuronnet.estimators", "sklearn", '".[sklearn]"'),
])
def test_a_missing_extra_is_named_with_how_to_install_it(module, needs, extra):
    # A child process: here the module may be imported already. None in sys.modules makes
    # "import NEEDS" fail as if it were not installed.
    done = subprocess.run([sys.executable, "-c", f"import sys; sys.modules[{needs!r}] = None\n"
                           f"import {module}"], capture_output=True, text=True, timeout=120)
    last = done.stderr.strip().splitlines()[-1]
    assert done.returncode == 1 and last.startswith("ImportError: "), done.stderr
    assert f"{module} needs " in last and "pip install" in last and extra in last, last
