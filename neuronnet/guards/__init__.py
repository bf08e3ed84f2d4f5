"""guards: the argument checks, the memory bound and the signal deferral that the book and the
parts call before work starts. Below the book: it imports nothing else of neuronnet.

- :mod:`.arguments`: ``name: got X; expected Y``, the one format of an argument's refusal, and
  the checks of numbers, choices, generators and matrices;
- :mod:`.model_arguments`: the checks of a model's sizes, layers, data, parameters and plan;
- :mod:`.memory`: what a network of given sizes holds, refused when the machine has less;
- :mod:`.signals`: work that a stop signal must not cut in half.
"""
import importlib

# Loaded on first use (PEP 562): the command line imports .signals before numpy.
_WHERE = {"fail": "arguments", "check_choice": "arguments", "check_generator": "arguments",
          "check_layer_arrays": "arguments", "check_matrix": "arguments",
          "check_positive_int": "arguments", "check_positive_real": "arguments",
          "check_real": "arguments", "NEURON_BYTES": "memory", "check_memory": "memory",
          "machine_memory": "memory", "memory_needed": "memory",
          "signals_deferred": "signals"}
__all__ = list(_WHERE)


def __getattr__(name):
    if name not in _WHERE:
        raise AttributeError(f"module 'neuronnet.guards' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
