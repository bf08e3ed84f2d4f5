"""Exact values of the activations and their derivatives, from Python's decimal at 50 digits:
an oracle that shares no arithmetic with numpy, for the tail-accuracy property
(tests/book/test_activations.py) and benchmarks/activation_tails.py."""
from decimal import Decimal, localcontext

TINY = 2.2250738585072014e-308     # the smallest normal float64
DIGITS = 50


def _sigmoid(z):
    return 1 / (1 + (-z).exp())


def _tanh(z):
    e = (-2 * abs(z)).exp()
    return (1 - e) / (1 + e) * (1 if z >= 0 else -1)


_FORMS = {
    "identity": (lambda z: z, lambda z: Decimal(1)),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * _sigmoid(-z)),
    # 1 - tanh^2 would cancel even at 50 digits on the tails; 1 / cosh^2 does not.
    "tanh": (_tanh, lambda z: 4 / (z.exp() + (-z).exp()) ** 2),
    "relu": (lambda z: max(z, Decimal(0)), lambda z: Decimal(1 if z > 0 else 0)),
}


def _at_full_precision(form):
    def exact(z):
        z = Decimal(float(z))
        with localcontext() as context:
            # tanh's 1 - e^(-2|z|) cancels the digits of |z| < 1: carry that many more.
            context.prec = DIGITS + max(0, -z.adjusted()) if z else DIGITS
            return +form(z)
    return exact


EXACT = {name: tuple(_at_full_precision(form) for form in forms)
         for name, forms in _FORMS.items()}
"""name -> (f, f'), each taking a float and returning a Decimal."""


def relative_error(value, exact):
    """|value - exact| / |exact| as a float (0 when both are 0)."""
    if exact == 0:
        return 0.0 if float(value) == 0 else float("inf")
    return float(abs((Decimal(float(value)) - exact) / exact))
