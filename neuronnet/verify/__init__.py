"""verify: the generic property suite as a tool, for any network that meets the contract
(contract.py): ``check(build)`` runs every property and reports each verdict with the smallest
failing example; ``neuronnet check FILE.py`` is its command line.

It imports nothing from the neuron model: the oracle is the independent ``reference`` package,
and the checks (checks/) are plain functions of the components handed to them.

The names below are loaded on first use, so that ``import neuronnet.verify.limits`` (the
command line's defaults) does not pull in hypothesis.
"""
import importlib

_WHERE = {"OPTIONAL": "contract", "REQUIRED": "contract", "Checked": "contract",
          "ContractError": "contract", "StudentFactory": "contract", "Uncheckable": "contract",
          "PROPERTIES": "run", "Property": "properties", "Report": "report", "Result": "report",
          "check": "run", "TIME_LIMIT": "limits", "THOROUGH": "limits"}
_MODULES = ("grading", "isolation")   # submodules, loaded on first use too
__all__ = sorted(_WHERE)


def __getattr__(name):
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name not in _WHERE:
        raise AttributeError(f"module 'neuronnet.verify' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
