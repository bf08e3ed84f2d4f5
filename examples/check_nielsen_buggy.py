"""The same adapter, on the buggy Nielsen-style network (nielsen_network_buggy.py).

    neuronnet check examples/check_nielsen_buggy.py
"""
import nielsen_network_buggy
from check_nielsen import adapter_for

build = adapter_for(nielsen_network_buggy)
