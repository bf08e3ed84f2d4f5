"""guards: the argument checks, the memory bound and the signal deferral that the book and the
parts call before work starts. Below the book: it imports nothing else of neuronnet.

- :mod:`.arguments`: ``name: got X; expected Y``, the one format of an argument's refusal, and
  the checks of numbers, choices, generators and matrices;
- :mod:`.model_arguments`: the checks of a model's sizes, layers, data, parameters and plan;
- :mod:`.memory`: what a network of given sizes holds, refused when the machine has less;
- :mod:`.signals`: work that a stop signal must not cut in half.
"""
from .arguments import (
    check_choice,
    check_generator,
    check_layer_arrays,
    check_matrix,
    check_positive_int,
    check_positive_real,
    check_real,
    fail,
)
from .memory import NEURON_BYTES, check_memory, machine_memory, memory_needed
from .signals import signals_deferred

__all__ = ["fail", "check_choice", "check_generator", "check_layer_arrays", "check_matrix",
           "check_positive_int", "check_positive_real", "check_real", "NEURON_BYTES",
           "check_memory", "machine_memory", "memory_needed", "signals_deferred"]
