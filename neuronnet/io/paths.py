"""Where the shipped data is found.

The rule, first match wins:

1. a folder passed in by the caller (the command line's ``--data-dir DIR``);
2. the environment variable ``NEURONNET_DATA``;
3. the copy installed with the package (the repository's ``data/`` folder, shipped as the
   package data ``neuronnet.data``: an editable install reads the checkout's folder, a plain
   ``pip install .`` a copy in site-packages);
4. the ``data/`` folder beside the package, when the package is imported from a source
   checkout that is not installed (``python -m neuronnet`` run inside the repository).

The folder holds ``iris.csv``, ``mnist/`` (the four IDX files, gzipped) and ``mnist-png/``
(``train/`` and ``test/``, one sub-folder per digit).
"""
import importlib.resources
import os
from pathlib import Path

from .errors import DataError

ENVIRONMENT_VARIABLE = "NEURONNET_DATA"


def data_dir(override=None):
    """The data folder, as a Path, by the rule above. A folder named by the caller or by the
    environment must exist."""
    if override is not None:
        return _existing(Path(override), "--data-dir")
    if os.environ.get(ENVIRONMENT_VARIABLE):
        return _existing(Path(os.environ[ENVIRONMENT_VARIABLE]), ENVIRONMENT_VARIABLE)
    try:
        return Path(str(importlib.resources.files("neuronnet.data")))
    except ModuleNotFoundError:
        beside = Path(__file__).resolve().parents[2] / "data"
        if beside.is_dir():
            return beside
        raise DataError(f"data: got no installed package data (neuronnet.data) and no folder "
                        f"{str(beside)!r}; expected one of them, or --data-dir DIR, or "
                        f"{ENVIRONMENT_VARIABLE}=DIR") from None


def _existing(path, source):
    if not path.is_dir():
        raise DataError(f"{source}: got {str(path)!r}, which is not a folder; expected the data "
                        "folder (iris.csv, mnist/, mnist-png/)")
    return path
