"""A fast slice of the corpus of networks written outside the project (examples/corpus/,
benchmarks/check_corpus.py runs all of it): correct networks in styles the checker must not
fail (a naive sigmoid that warns, sums in a set's order, float32, a build that imports its
neighbour or refuses some widths, the other ReLU convention at 0), and buggy ones it must fail
with a start-here line at the recorded layer and parameter. A checker weakened in any of the
ways that matter (a tolerance loosened, a layer skipped, a failure reported as passed, a
warning turned into a failure) fails here."""
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_corpus", ROOT / "benchmarks" / "check_corpus.py")
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

ENTRIES = {e.id: e for e in corpus.entries()}
CORRECT = ["nielsen_columns", "micrograd_scalar", "float32_vectorized", "imports_neighbour",
           "width_limited", "relu_ge_kink", "style_nielsen", "style_micrograd", "style_dlfs",
           "style_cs231n", "style_dlai"]
BUGGY = ["cs231n-db-mean", "nielsen-zs-off-by-one", "micrograd-no-zero-grad",
         "float32-bias-never-updated", "functional-softmax-jacobian-twice",
         "einsum-doubled-1/n", "style-nielsen-prime-of-activation",
         "style-micrograd-tanh-one-minus-t", "style-dlfs-db-not-summed",
         "style-cs231n-dw-without-transpose", "style-dlai-db-keepdims-missing",
         "style-dlai-sigmoid-prime-without-one-minus-s"]
LAYERS, PARAMETERS = {"output", "hidden", "every", "input"}, {"W", "b", "W and b", "X"}


def test_the_corpus_is_what_its_files_say(tmp_path):
    """At least 12 correct networks in 8 styles and 40 bugs, each with its place recorded in
    the project's words, each bug's text found exactly once in its network."""
    correct = [e for e in ENTRIES.values() if e.bug is None]
    buggy = [e for e in ENTRIES.values() if e.bug is not None]
    assert len(correct) >= 12 and len(buggy) >= 40, (len(correct), len(buggy))
    for entry in buggy:
        assert entry.bug["layer"] in LAYERS and entry.bug["parameter"] in PARAMETERS, entry.id
        assert entry.bug["find"] != entry.bug["replace"], entry.id
        text = (corpus.CORPUS / f"{entry.style}.py").read_text()
        assert text.count(entry.bug["find"]) == 1, entry.id


@pytest.mark.parametrize("name", CORRECT)
def test_a_correct_network_passes(name):
    report, _ = corpus.run_check(ENTRIES[name])
    assert report.passed, report.to_text(name)


@pytest.mark.parametrize("name", BUGGY)
def test_a_buggy_network_fails_and_the_report_starts_at_the_bug(name):
    entry = ENTRIES[name]
    report, _ = corpus.run_check(entry)
    assert not report.passed, report.to_text(name)
    assert corpus.localised(entry, report), (entry.bug["layer"], entry.bug["parameter"],
                                             report.failures_text())
