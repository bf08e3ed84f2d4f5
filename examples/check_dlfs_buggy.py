"""The same adapter, on the buggy DLFS-style network (dlfs_network_buggy.py).

    neuronnet check examples/check_dlfs_buggy.py
"""
import dlfs_network_buggy
from check_dlfs import adapter_for

build = adapter_for(dlfs_network_buggy)
