"""The pitfall catalogue: the classic backprop mistakes of the source documents, each with a buggy
variant that swaps in for a real component, the generic property that catches it, and a demo.

    from neuronnet.pitfalls import CATALOGUE, get
    get("momentum-overwrites-weights").why

``neuronnet pitfalls`` lists them, ``neuronnet pitfalls show ID`` explains one and
``neuronnet pitfalls demo ID`` runs the buggy and the fixed component side by side.
"""
from .catalogue import BY_ID, CATALOGUE, PROPERTIES, Pitfall, get

__all__ = ["BY_ID", "CATALOGUE", "PROPERTIES", "Pitfall", "get"]
