"""The data shipped with neuronnet, installed as the package data ``neuronnet.data``
(see neuronnet/io/paths.py for how it is found)."""
