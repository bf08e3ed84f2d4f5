"""What a check found: one :class:`Result` per property, gathered in a :class:`Report` that
prints as text (one line per property, then each failure's smallest example) or as JSON data
for a grader (:meth:`Report.to_dict`)."""
import traceback
from dataclasses import dataclass, field

import numpy as np

from .checks import Mismatch, fmt
from .contract import REQUIRED, ContractError
from .plain import to_plain
from .start import diagnose, soft_targets_only

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
    notes: list = field(default_factory=list)   # what was seen beside the verdict (notes.py)
    shrunk: bool = True       # the example was shrunk (a failure after the first is not)

    def record_failure(self, example, failure):
        self.example, self.failure = example, failure

    @property
    def line(self):
        what = {"passed": f" ({self.examples} examples, {self.seconds:.1f} s)",
                "FAILED": f" ({self.seconds:.1f} s)"}.get(self.status, f": {self.reason}")
        if self.status in ("passed", "FAILED") and self.example is None and not self.examples:
            what = f": {self.reason}" if self.reason else ""   # a grade's requirement
        return "\n".join([f"  {self.status:<15} {self.name}{what}"]
                         + [f"{'':18}note: {text}" for text in self.notes])

    def details(self, debug=False):
        """The failure: the smallest example, and yours against the reference's."""
        if self.example is None:   # a grade's requirement (grading.py): what was measured
            return "\n".join([f"FAILED {self.name}", f"  the property: {self.statement}",
                               f"  what went wrong: {self.reason}"])
        case = self.example["case"]
        lines = [f"FAILED {self.name}", f"  the property: {self.statement}",
                 "  the smallest example hypothesis found:" if self.shrunk else
                 "  the first failing example hypothesis found (not shrunk: the report starts "
                 "from an earlier failure):", _indent(case.describe(), 2)]
        extras = {k: v for k, v in self.example.items() if k != "case"}
        if extras:
            lines.append("    and " + ", ".join(f"{k} = {v!r}" for k, v in extras.items()))
        failure = self.failure
        if isinstance(failure, Mismatch):
            rel = failure.relative_error
            lines += [f"  what differs: {failure.name}",
                      f"    yours:\n      {_fmt(failure.mine)}",
                      f"    expected:\n      {_fmt(failure.ref)}",
                      f"    largest difference: {_largest_difference(failure):.3e}; relative "
                      "error: " + (f"{rel:.3e}" if np.isfinite(rel) else
                                   "not defined (an expected value is 0)")]
        elif isinstance(failure, ContractError):
            lines.append(f"  what went wrong: {failure}")
        else:   # the example is shown above: not again inside the message
            message = str(failure).replace(case.describe(), "").replace("\n\n", "\n").strip()
            lines.append(f"  what went wrong:\n{_indent(message, 4)}")
        if self.reason:
            lines.append(f"  note: {self.reason}")
        original = getattr(failure, "original", None)
        if debug and original is not None:
            lines.append("  the network's traceback:")
            told = getattr(original, "remote_traceback", None)   # from the submission's process
            lines.append(_indent((told or "".join(traceback.format_exception(original))).rstrip(),
                                 2))
        return "\n".join(lines)

    def to_dict(self):
        out = {"property": self.name, "statement": self.statement, "status": self.status,
               "seconds": round(self.seconds, 3)}
        if self.status == "passed":
            out["examples"] = self.examples
        if self.reason:
            out["reason"] = self.reason
        out["notes"] = list(self.notes)
        if self.status == "FAILED":
            # The same keys for every failure; those of a comparison are None otherwise.
            failure = {"message": str(self.failure), "example": to_plain(self.example),
                       "quantity": None, "yours": None, "expected": None,
                       "largest_difference": None, "relative_error": None}
            if isinstance(self.failure, Mismatch):
                failure.update(quantity=self.failure.name, yours=_array(self.failure.mine).tolist(),
                               expected=_array(self.failure.ref).tolist(),
                               largest_difference=_finite_or_none(
                                   _largest_difference(self.failure)),
                               relative_error=_finite_or_none(self.failure.relative_error))
            out["failure"] = failure
        return out


@dataclass
class Report:
    accepted: str
    methods: list
    seed: int
    thorough: bool
    one_hot: bool = False
    precision: str = "float64"   # what the network computes in (its tolerances follow it)
    results: list = field(default_factory=list)
    seconds: float = 0.0
    diagnosis: object = None     # where to start: diagnosis.Diagnosis, when a property failed
    hints: list = field(default_factory=list)

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
            f"  seed {self.seed}, {'thorough' if self.thorough else 'quick'} run"
            + ("; cross-entropy targets one-hot only" if self.one_hot else ""),
            *([f"  the network computes in {self.precision}: judged at {self.precision}'s "
               "tolerances"] if self.precision != "float64" else []), ""])

    def summary(self):
        counts = self.counts()
        parts = [f"{n} {s}" for s, n in counts.items() if n]
        return f"{', '.join(parts)} in {self.seconds:.1f} s"

    def failures_text(self, debug=False):
        """Where to start, then each failure's details (the start's first), then the summary."""
        failed = [r for r in self.results if r.status == "FAILED"]
        if self.diagnosis is not None:
            first = [r for r in failed if r.name == self.diagnosis.property]
            failed = first + [r for r in failed if r.name != self.diagnosis.property]
        lines = ["", self.diagnosis.to_text()] if self.diagnosis is not None else []
        if self.diagnosis is not None and len(failed) > 1:
            others = len(failed) - 1
            lines.append(f"  hint: {others} other propert{'y' if others == 1 else 'ies'} "
                         "failed too, most often from the same bug: fix this one first, then "
                         "check again")
        lines += [f"  hint: {hint}" for hint in self.hints]
        originals = [getattr(r.failure, "original", None) for r in failed]
        if failed and not debug and any(o is not None for o in originals):
            lines.append("  hint: your code raised; --debug shows the line, in its traceback")
        if any(isinstance(o, OverflowError) for o in originals):
            lines.append("  hint: math.exp(x) raises OverflowError for x > 709; a sigmoid "
                         "written 0.5 * (1 + math.tanh(z / 2)) never overflows, and a softmax "
                         "subtracts the largest logit first")
        for r in failed:
            lines += ["", r.details(debug)]
        return "\n".join(lines + ["", self.summary()])

    def diagnose(self, make, fn_of):
        """Find where to start (diagnosis.py) and the hints the evidence supports."""
        self.diagnosis = diagnose(self.results, make)
        if self.diagnosis is not None and not self.one_hot:
            root = next(r for r in self.results if r.name == self.diagnosis.property)
            if soft_targets_only(root, fn_of(root.name), make):
                self.hints.append("the failure goes away when the targets are one-hot rows; if "
                                  "your loss takes class labels, check with --one-hot")

    def to_text(self, name, debug=False):
        return "\n".join([self.header(name)] + [r.line for r in self.results]) + "\n" + \
            self.failures_text(debug)

    def to_dict(self, name):
        return {"file": name, "error": None, "accepted": self.accepted,
                "methods": self.methods, "seed": self.seed, "thorough": self.thorough,
                "one_hot": self.one_hot, "precision": self.precision, "passed": self.passed,
                "counts": self.counts(), "seconds": round(self.seconds, 3),
                "diagnosis": None if self.diagnosis is None else self.diagnosis.to_dict(),
                "hints": list(self.hints), "results": [r.to_dict() for r in self.results]}


def uncheckable_dict(name, error, seed=None):
    """The JSON of a file that could not be checked at all: the keys of a report, no results
    (the seed, when one was drawn, so that the run can be repeated)."""
    return {"file": name, "error": str(error), "accepted": None, "methods": [], "seed": seed,
            "thorough": None, "one_hot": None, "precision": None, "passed": False,
            "counts": {s: 0 for s in STATUSES}, "seconds": 0.0, "diagnosis": None, "hints": [],
            "results": []}


def _largest_difference(mismatch):
    mine, ref = _array(mismatch.mine), _array(mismatch.ref)
    if mine.shape != ref.shape:
        return float("inf")
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(mine - ref)
    return float(np.max(np.where(np.isnan(diff), np.inf, diff))) if diff.size else 0.0



def _array(value):
    return np.asarray(value, dtype=np.float64)


def _fmt(value):
    """An array for a line indented by six spaces: every row under the first one's."""
    return fmt(value, prefix="").replace("\n", "\n      ")


def _finite_or_none(x):
    return float(x) if np.isfinite(x) else None


def _indent(text, spaces):
    pad = " " * spaces
    return "\n".join(pad + line for line in text.splitlines())
