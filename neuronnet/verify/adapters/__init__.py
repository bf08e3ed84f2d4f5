"""Ready adapters: a student's module written to a well-known assignment's API, turned into
the ``build(layer_sizes, activations, loss)`` that the checker takes.

    from neuronnet.verify import check
    from neuronnet.verify.adapters import adapt
    build = adapt("nielsen", module)          # module: the student's network.py, imported
    report = check(build, one_hot=build.one_hot)

Each style is one module here (``nielsen``, ``micrograd``, ``dlfs``, ``cs231n``, ``dlai``)
with ``ASSUMES`` (one line: what it assumes of the student's code), ``ONE_HOT`` (True when only
one-hot targets can be checked: the style's loss reads class labels) and ``adapt(module) ->
build``. An adapter finds the class (or, for dlai, the functions) by its usual name and refuses
a module without it (:class:`StyleMismatch`, a ContractError, naming what it looked for and
what it found); ``build`` raises NotImplementedError for an architecture, activation or loss
the style cannot express, which the checker reports as "not applicable".
"""
import importlib

from ...guards.arguments import fail
from .finding import StyleMismatch

STYLES = ("nielsen", "micrograd", "dlfs", "cs231n", "dlai")
__all__ = ["STYLES", "StyleMismatch", "adapt", "adapter_for", "style_module"]


def style_module(style):
    """The adapter module of ``style`` (its ``ASSUMES``, ``ONE_HOT`` and ``adapt``)."""
    if not isinstance(style, str):
        fail("style", repr(style), f"one of {', '.join(STYLES)}", TypeError)
    if style not in STYLES:
        fail("style", repr(style), f"one of {', '.join(STYLES)}")
    return importlib.import_module(f".{style}", __name__)


def adapt(style, module):
    """The ``build`` for a student's ``module`` written in ``style``. The build carries the
    style's facts as attributes: ``build.one_hot`` (pass it to ``check(..., one_hot=...)``),
    ``build.assumes`` and ``build.style``."""
    return adapter_for(style)(module)


def adapter_for(style):
    """``adapt(style, ·)`` with the style's adapter loaded now: the submission's process takes
    it before its rules refuse imports of neuronnet (verify/sandbox.py)."""
    adapter = style_module(style)

    def adapt_module(module):
        build = adapter.adapt(module)
        build.style, build.assumes, build.one_hot = style, adapter.ASSUMES, adapter.ONE_HOT
        return build
    return adapt_module
