"""The tolerance policy (docs/design.md): every number the checks compare with, in one place.

Every absolute tolerance is scaled by ``s = max(1, max|reference|)``. The numeric-gradient pass
rule is the one the package's gradient checker applies (neuronnet.gradcheck): its bounds and
the rule itself (``numeric_within_bounds``) are imported from there, so that the rule has one
home. Nothing else of neuronnet is imported by the checks.
"""
import contextlib
import contextvars

from neuronnet.gradcheck import ABSOLUTE_BOUND as NUMERIC_ABS
from neuronnet.gradcheck import ELEMENT_RTOL as NUMERIC_ELEMENT_RTOL
from neuronnet.gradcheck import RELATIVE_BOUND as NUMERIC_REL_BOUND
from neuronnet.gradcheck import excess_over_bound as numeric_excess
from neuronnet.gradcheck import relative_error as numeric_relative_error
from neuronnet.gradcheck import within_bounds as numeric_within_bounds

# (rtol, atol_scale) pairs.
FORWARD_TOL = (1e-10, 1e-12)      # forward outputs and losses
GRADIENT_TOL = (1e-9, 1e-11)      # gradients and deltas
TRAJECTORY_TOL = (1e-8, 1e-10)    # parameters after up to 50 training steps (lr <= 0.1)

# A network that computes in float32 (eps = 1.2e-7) is judged at float32's tolerances: every
# (rtol, atol_scale) above is raised to at least these, which allow the rounding of a few
# hundred float32 operations (about 1e-5 relative in a forward pass, 1e-4 in a gradient whose
# terms partly cancel). This is a wider tolerance, set for float32 arithmetic only: a float64
# network is never judged by it, and the report says when it was used.
FLOAT32_FORWARD_TOL = (1e-5, 1e-6)
FLOAT32_GRADIENT_TOL = (1e-4, 1e-5)
FLOAT32_EPS = 1.1920929e-07
_FLOORS = {"float64": (0.0, 0.0), "float32": FLOAT32_GRADIENT_TOL}
_PRECISION = contextvars.ContextVar("neuronnet_verify_precision", default="float64")


@contextlib.contextmanager
def precision(name):
    """Judge the comparisons of the block at ``name``'s tolerances ("float64" or "float32")."""
    token = _PRECISION.set(name)
    try:
        yield
    finally:
        _PRECISION.reset(token)


def active_precision():
    return _PRECISION.get()


def judged(rtol, atol_scale):
    """The (rtol, atol_scale) a comparison uses: its own, raised to the floor of the precision
    the network computes in (forward-sized tolerances to the forward floor)."""
    if _PRECISION.get() == "float64":
        return rtol, atol_scale
    floor = FLOAT32_FORWARD_TOL if (rtol, atol_scale) == FORWARD_TOL else _FLOORS["float32"]
    return max(rtol, floor[0]), max(atol_scale, floor[1])

# An activation and its derivative, in relative terms, on the whole line and both tails: a few
# units in the last place (eps = 2.2e-16), where the exact value is a normal float. Measured
# worst: 5.4e-16 (benchmarks/activation_tails.py).
TAIL_RTOL = 1e-15

# The rounding error of one loss evaluation, relative to max(1, |L|): a few float64 epsilons
# for the sums inside it. A central difference carries about ROUNDING * max(1, |L|) / h; a
# gradient below that over NUMERIC_REL_BOUND cannot be measured to the relative bound at all,
# so it is held to the absolute bound alone (the measurability guard of the numeric checks).
ROUNDING = 10 * 2.220446049250313e-16

# How many standard errors a mean of initial weights may stray from 0 (a false alarm: ~6e-7).
SYMMETRY_SIGMAS = 5.0

PARAM_ORDER_DOC = "[W_0, b_0, W_1, b_1, ...]"

__all__ = ["FLOAT32_EPS", "FLOAT32_FORWARD_TOL", "FLOAT32_GRADIENT_TOL", "FORWARD_TOL",
           "GRADIENT_TOL", "NUMERIC_ABS", "NUMERIC_ELEMENT_RTOL", "NUMERIC_REL_BOUND",
           "PARAM_ORDER_DOC", "ROUNDING", "SYMMETRY_SIGMAS", "TAIL_RTOL", "TRAJECTORY_TOL",
           "active_precision", "judged", "numeric_excess", "numeric_relative_error",
           "numeric_within_bounds", "precision"]
