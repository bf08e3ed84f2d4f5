"""What every adapter needs to find its way in a student's module: the refusal of a module that
does not fit, the lookup of a name, and the activation a layer applies, found by probing.

The activation is measured, not read from a name: a layer that maps z to tanh(z) at a few
points is a tanh layer, whatever its class is called."""
import math

from ..contract import ContractError

PROBE_Z = (-0.75, 0.5, 1.25)       # a few z, neither 0 nor symmetric, where the four differ
FUNCTIONS = {"identity": lambda z: z, "relu": lambda z: max(z, 0.0), "tanh": math.tanh,
             "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z))}


class StyleMismatch(ContractError):
    """The student's module does not fit the style: it lacks the class or the method the
    adapter looks for. The message names what was looked for and what was found."""


def find(module, names, style, methods=()):
    """The first of ``names`` (a name or a tuple of them) that ``module`` defines as a class,
    which must have ``methods``; :class:`StyleMismatch` otherwise."""
    names = (names,) if isinstance(names, str) else tuple(names)
    where = getattr(module, "__name__", type(module).__name__)
    found = next((getattr(module, n) for n in names if isinstance(getattr(module, n, None), type)),
                 None)
    if found is None:
        public = sorted(n for n in dir(module) if isinstance(getattr(module, n, None), type)
                        and not n.startswith("_"))
        raise StyleMismatch(f"the {style} adapter looked for a class {' or '.join(names)} in "
                            f"{where}; found {'the classes ' + ', '.join(public) if public else 'no class'}")
    lacking = [m for m in methods if not callable(getattr(found, m, None))]
    if lacking:
        name = found.__name__
        raise StyleMismatch(f"the {style} adapter looked for {name}.{'(), '.join(methods)}() "
                            f"in {where}; {name} has no {'(), '.join(lacking)}()")
    return found


def activation_of(respond):
    """The name of the activation ``respond(z)`` applies (a float for a float), or None."""
    try:
        seen = [float(respond(z)) for z in PROBE_Z]
    except Exception:  # noqa: BLE001 - a layer that cannot be probed applies no known function
        return None
    for name, f in FUNCTIONS.items():
        if all(math.isclose(s, f(z), rel_tol=1e-9, abs_tol=1e-12) for s, z in zip(seen, PROBE_Z)):
            return name
    return None


def find_functions(module, names, style):
    """The functions ``names`` of ``module``, in that order; :class:`StyleMismatch` naming the
    missing ones and the functions the module does define otherwise."""
    where = getattr(module, "__name__", type(module).__name__)
    found = [getattr(module, n, None) for n in names]
    missing = [n for n, f in zip(names, found) if not callable(f) or isinstance(f, type)]
    if missing:
        public = sorted(n for n in dir(module) if not n.startswith("_")
                        and callable(getattr(module, n, None))
                        and not isinstance(getattr(module, n), type))
        raise StyleMismatch(f"the {style} adapter looked for the functions {', '.join(names)} "
                            f"in {where}; {', '.join(missing)} missing, found "
                            f"{'the functions ' + ', '.join(public) if public else 'no function'}")
    return found
