"""What a check found: one :class:`Result` per property, gathered in a :class:`Report` that
prints as text (one line per property, then each failure's smallest example) or as JSON data
for a grader (:meth:`Report.to_dict`)."""
import traceback
from dataclasses import dataclass, field

import numpy as np

from .checks import Mismatch, fmt
from .contract import REQUIRED, ContractError
from .plain import to_plain

STATUSES = ("passed", "FAILED", "not applicable", "stopped")


@dataclass
class Result:
    name: str
    statement: str
    status: str = "not run"
    reason: str = ""          # why not applicable, or why stopped
    examples: int = 0         # examples that passed (a passed property)
    seconds: float = 0.0
    example: dict = None      # the smallest failing example
    failure: AssertionError = None

    def record_failure(self, example, failure):
        self.example, self.failure = example, failure

    @property
    def line(self):
        what = {"passed": f" ({self.examples} examples, {self.seconds:.1f} s)",
                "FAILED": f" ({self.seconds:.1f} s)"}.get(self.status, f": {self.reason}")
        return f"  {self.status:<15} {self.name}{what}"

    def details(self, debug=False):
        """The failure: the smallest example, and yours against the reference's."""
        case = self.example["case"]
        lines = [f"FAILED {self.name}", f"  the property: {self.statement}",
                 "  the smallest example hypothesis found:", _indent(case.describe(), 2)]
        extras = {k: v for k, v in self.example.items() if k != "case"}
        if extras:
            lines.append("    and " + ", ".join(f"{k} = {v!r}" for k, v in extras.items()))
        failure = self.failure
        if isinstance(failure, Mismatch):
            lines += [f"  what differs: {failure.name}",
                      f"    yours:\n      {_fmt(failure.mine)}",
                      f"    expected:\n      {_fmt(failure.ref)}",
                      f"    relative error: {failure.relative_error:.3e}"]
        elif isinstance(failure, ContractError):
            lines.append(f"  what went wrong: {failure}")
        else:
            lines.append(f"  what went wrong:\n{_indent(str(failure), 2)}")
        original = getattr(failure, "original", None)
        if debug and original is not None:
            lines.append("  the network's traceback:")
            lines.append(_indent("".join(traceback.format_exception(original)).rstrip(), 2))
        return "\n".join(lines)

    def to_dict(self):
        out = {"property": self.name, "statement": self.statement, "status": self.status,
               "seconds": round(self.seconds, 3)}
        if self.status == "passed":
            out["examples"] = self.examples
        if self.reason:
            out["reason"] = self.reason
        if self.status == "FAILED":
            failure = {"message": str(self.failure), "example": to_plain(self.example)}
            if isinstance(self.failure, Mismatch):
                failure.update(quantity=self.failure.name, yours=to_plain(_array(self.failure.mine)),
                               expected=to_plain(_array(self.failure.ref)),
                               relative_error=_finite_or_none(self.failure.relative_error))
            out["failure"] = failure
        return out


@dataclass
class Report:
    accepted: str
    methods: list
    seed: int
    thorough: bool
    results: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self):
        """Every applicable property passed (and at least one applied)."""
        ran = [r for r in self.results if r.status != "not applicable"]
        return bool(ran) and all(r.status == "passed" for r in ran)

    def counts(self):
        return {s: sum(r.status == s for r in self.results) for s in STATUSES}

    def header(self, name):
        return "\n".join([
            f"neuronnet check {name}",
            f"  build accepts {self.accepted}",
            f"  optional methods: {', '.join(m for m in self.methods if m not in REQUIRED) or 'none'}",
            f"  seed {self.seed}, {'thorough' if self.thorough else 'quick'} run", ""])

    def summary(self):
        counts = self.counts()
        parts = [f"{n} {s}" for s, n in counts.items() if n]
        return f"{', '.join(parts)} in {self.seconds:.1f} s"

    def failures_text(self, debug=False):
        """Each failure's details, then the summary line."""
        lines = []
        for r in self.results:
            if r.status == "FAILED":
                lines += ["", r.details(debug)]
        return "\n".join(lines + ["", self.summary()])

    def to_text(self, name, debug=False):
        return "\n".join([self.header(name)] + [r.line for r in self.results]) + "\n" + \
            self.failures_text(debug)

    def to_dict(self, name):
        return {"file": name, "accepted": self.accepted, "methods": self.methods,
                "seed": self.seed, "thorough": self.thorough, "passed": self.passed,
                "counts": self.counts(), "seconds": round(self.seconds, 3),
                "results": [r.to_dict() for r in self.results]}



def _array(value):
    return np.asarray(value, dtype=np.float64)


def _fmt(value):
    return fmt(value).replace("\n", "\n      ")


def _finite_or_none(x):
    return float(x) if np.isfinite(x) else None


def _indent(text, spaces):
    pad = " " * spaces
    return "\n".join(pad + line for line in text.splitlines())
