"""The command-line app: the parser, one module per command, the recipes, tables, plots and the
tour. ``neuronnet.app.cli.main`` is the ``neuronnet`` program.

What the commands do is also here for Python and notebooks, under these names (loaded on first
use, so ``import neuronnet.app`` needs no matplotlib):

    train_recipe(name, seed=0, options=None, plane=False, quiet=False)  # `neuronnet train`
    trace_recipe(name, sample=0)        # `neuronnet trace`: (record, recipe, counts)
    trace_lines(record, recipe, counts)   # its text, as lines
    network_plot(record, gradients=False)         # the picture of a trace
    boundary_plot(plane, train, test), hidden_plot(plane, train)   # a 2-D recipe's plane
    learning_curves(history)            # loss and accuracy per epoch
"""
import importlib

_PUBLIC = {"train_recipe": "train_command", "trace_recipe": "trace_command",
           "trace_lines": "trace_text", "network_plot": "network_figure",
           "boundary_plot": "planar_plots", "hidden_plot": "planar_plots",
           "learning_curves": "plots"}

__all__ = sorted(_PUBLIC)


def __getattr__(name):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'neuronnet.app' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
