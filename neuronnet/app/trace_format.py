"""How the trace writes its numbers: every value to 4 significant digits, a negative operand in
parentheses, a vector's first few entries, a sum's first few terms, and the marks at a line's
end. The worked lines of trace_text.py, trace_losses.py and trace_updates.py are made of these.

Marks: ``[ref ok]`` agrees with the reference; ``[num ok]`` agrees with a central difference
of the loss; ``[kink: not comparable]`` a ReLU input crossed 0 within the difference's step, so
the loss has no derivative there to compare with; ``DIFFERS`` names a disagreement.
"""
SHOWN_TERMS = 4      # per sum or vector: the first terms, then "..."

MARKS = {"reference ok": "ref ok", "reference DIFFERS": "ref DIFFERS", "numeric ok": "num ok",
         "numeric DIFFERS": "num DIFFERS", "kink": "kink: not comparable"}


def number(x):
    """``x`` to 4 significant digits: 0.3442, -0.04399, 1e-08."""
    return f"{float(x):.4g}"


def signed(x):
    """A number as an operand: in parentheses when negative, ``(-0.044)``."""
    text = number(x)
    return f"({text})" if text.startswith("-") else text


def vector(values, write=number):
    """``[v0, v1, v2, v3, ...]``: the first SHOWN_TERMS entries, each written by ``write``."""
    values = list(values)
    shown = ", ".join(write(v) for v in values[:SHOWN_TERMS])
    return f"[{shown}{', ...' if len(values) > SHOWN_TERMS else ''}]"


def products(terms):
    """'a*b + c*d + ...' with at most SHOWN_TERMS products written out."""
    text = " + ".join(f"{signed(u)}*{signed(v)}" for u, v in terms[:SHOWN_TERMS])
    return text + (f" + ... ({len(terms)} terms in all)" if len(terms) > SHOWN_TERMS else "")


def difference(pair):
    """``(a - t)`` with both numbers in."""
    return f"({number(pair[0])} - {number(pair[1])})"


def mark(checks, *names, extra=()):
    """The marks of the checks ``names`` (those that were made), each once: ``  [ref ok]``."""
    marks = [MARKS[checks[name][0]] for name in names if name in checks]
    marks = list(dict.fromkeys(marks + list(extra)))
    return "  [" + "; ".join(marks) + "]" if marks else ""
