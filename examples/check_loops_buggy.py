"""The same adapter, on the buggy loop network (loops_network_buggy.py).

    neuronnet check examples/check_loops_buggy.py
"""
import loops_network_buggy
from check_loops import adapter_for

build = adapter_for(loops_network_buggy)
