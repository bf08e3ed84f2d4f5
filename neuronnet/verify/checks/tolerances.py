"""The tolerance policy (docs/design.md): every number the checks compare with, in one place.

Every absolute tolerance is scaled by ``s = max(1, max|reference|)``. The numeric-gradient pass
rule is the one the package's gradient checker applies (neuronnet.gradcheck): its bounds and
the rule itself (``numeric_within_bounds``) are imported from there, so that the rule has one
home. Nothing else of neuronnet is imported by the checks.
"""
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

__all__ = ["FORWARD_TOL", "GRADIENT_TOL", "NUMERIC_ABS", "NUMERIC_ELEMENT_RTOL",
           "NUMERIC_REL_BOUND", "PARAM_ORDER_DOC", "ROUNDING", "SYMMETRY_SIGMAS", "TAIL_RTOL",
           "TRAJECTORY_TOL", "numeric_excess", "numeric_relative_error",
           "numeric_within_bounds"]
