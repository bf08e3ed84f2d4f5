"""The pitfall catalogue (neuronnet.pitfalls) judged by the generic properties.

For every bug of the catalogue, each generic property it names must fail with the variant:

- a property of a whole network (neuronnet.verify) through the public checker, as
  ``neuronnet check`` runs it: the variant, wrapped as a ``build``, gets FAILED;
- a property of one component (tests/generic.py) by ``hypothesis.find``: an example on which
  the variant fails it must exist.

Both are the very functions that guard the real code (tests/verify/test_check.py,
tests/proofs/test_generic_properties.py). The stored shrunk counterexample
(neuronnet/pitfalls/counterexamples.json, plain numbers; for a network variant, the one the
checker's run found) is replayed on every run: it must still fail on the variant and pass on
every real component. The quirks are not caught but pinned: their property holds (it runs with the
others in tests/proofs/test_generic_properties.py).

An ordinary run does not shrink (a network example costs hypothesis up to a minute per
property to shrink). To record the shrunk counterexamples after a change (derandomized, so
reproducible)::

    PITFALLS_RECORD=1 CI=true python -m pytest tests/pitfalls/test_catalogue.py
    python -m neuronnet.pitfalls.docs > docs/pitfalls.md
"""
import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import Phase, find, settings
from hypothesis.errors import NoSuchExample, UnsatisfiedAssumption

from generic import REGISTRY, from_plain, to_plain
from models import BUILDS
from neuronnet.initializers import INITIALIZERS
from neuronnet.optimizers import SGD
from neuronnet.pitfalls import CATALOGUE, PROPERTIES, counterexamples, get
from neuronnet.verify import PROPERTIES as NETWORK
from neuronnet.verify import StudentFactory, check
from neuronnet.verify.run import replay
from strategies import budget

ROOT = Path(__file__).resolve().parents[2]
RECORD = os.environ.get("PITFALLS_RECORD")
BUGS = [p for p in CATALOGUE if p.kind == "bug"]
QUIRKS = [p for p in CATALOGUE if p.kind == "quirk"]
WARNINGS = [p for p in CATALOGUE if p.kind == "warning"]


def argument(prop, pitfall, variant=None):
    """The variant in the form the property takes its component: a model factory with the
    variant swapped in, an instance (an activation, a loss), an (optimizer, SGD) pair, or the
    class or function itself."""
    variant = pitfall.variant if variant is None else variant
    if prop.takes == "make":
        return pitfall.factory
    if prop.takes in ("activation", "loss"):
        return variant()
    if prop.takes == "optimizers":
        return variant, SGD
    return variant


def fails(prop, component, example):
    """Whether the property fails on ``example`` (any exception but a failed assumption)."""
    try:
        with np.errstate(all="ignore"):
            prop(component, example)
    except UnsatisfiedAssumption:
        raise
    except Exception:  # noqa: BLE001 - any failure is the property failing
        return True
    return False


def search(prop, component, shrink):
    """The first example hypothesis finds on which ``component`` fails ``prop`` (the smallest,
    with ``shrink``), or None. Derandomized and without an example database, so a run is
    repeatable and a variant's failures are never replayed against the real code."""
    phases = [Phase.generate, Phase.shrink] if shrink else [Phase.generate]
    try:
        return find(prop.strategy, lambda example: fails(prop, component, example),
                    settings=settings(max_examples=catalogue_budget(prop.budget) * 4, derandomize=True,
                                      database=None, phases=phases, deadline=None))
    except NoSuchExample:
        return None


def catalogue_budget(n):
    """``n`` examples, or more under a larger profile; never fewer. Each catalogue bug must be
    caught at the budget the shipped checker runs with, so a profile that cuts examples for
    speed (``mutmut``: ten per property) must not cut these: the verdict on a variant would then
    depend on the profile, and a passing variant would read as a mutant killed."""
    return max(n, budget(n))


CAUGHT = [(p, name) for p in BUGS for name in p.caught_by]


def network_check(pitfall, name, shrink):
    """The checker's verdict on the variant for one property (a :class:`verify.Result`)."""
    return check(pitfall.factory.build, names=[name], shrink=shrink,
                 scale=catalogue_budget(100) / 100 * 2).results[0]


@pytest.mark.parametrize("pitfall, name", CAUGHT, ids=[f"{p.id}-{n}" for p, n in CAUGHT])
def test_the_generic_property_catches_the_variant(pitfall, name):
    if name in NETWORK:
        result = network_check(pitfall, name, shrink=False)
        assert result.status == "FAILED", (f"{pitfall.id}: neuronnet check said {result.line!r} "
                                           f"for {name}; the variant must fail it")
        return
    prop = REGISTRY[name]
    for variant in (pitfall.variant, *pitfall.also):
        example = search(prop, argument(prop, pitfall, variant), shrink=False)
        assert example is not None, (f"{pitfall.id}: the generic property {name} passed with "
                                     f"the buggy variant {variant!r} swapped in; it must fail")


@pytest.mark.parametrize("pitfall", WARNINGS, ids=[p.id for p in WARNINGS])
def test_a_warning_passes_with_a_note_naming_it(pitfall):
    """Right values with a warning on the way: the checker passes the variant (it judges
    values) and says what it saw."""
    for name in pitfall.noted_by:
        result = check(pitfall.factory.build, names=[name]).results[0]
        assert result.status == "passed", result.line
        assert any("warned" in note for note in result.notes), result.notes


def test_every_network_variant_names_a_network_property():
    # A network variant is checked as anyone's network is: by neuronnet check.
    for p in BUGS:
        assert (p.factory is not None) == any(n in NETWORK for n in p.caught_by), p.id


def first_named(pitfall):
    """The property whose counterexample is stored: the first network property named, if any."""
    return next((n for n in pitfall.caught_by if n in NETWORK), pitfall.caught_by[0])


@pytest.mark.skipif(not RECORD, reason="records the counterexamples: PITFALLS_RECORD=1")
def test_record_the_shrunk_counterexamples():
    recorded = {}
    for pitfall in BUGS:
        name = first_named(pitfall)
        if name in NETWORK:
            result = network_check(pitfall, name, shrink=True)
            assert result.status == "FAILED", pitfall.id
            example, found = result.example, one_line_finding(result.failure)
        else:
            prop = REGISTRY[name]
            component = argument(prop, pitfall)
            example = search(prop, component, shrink=True)
            assert example is not None, pitfall.id
            found = finding(prop, component, example)
        recorded[pitfall.id] = {"property": name, "example": to_plain(example), "finding": found}
    path = ROOT / "neuronnet" / "pitfalls" / counterexamples.FILE
    # One line per pitfall, so a re-recording's diff shows which examples changed.
    lines = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in recorded.items()]
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


def one_line_finding(error):
    first = str(error).strip().splitlines()
    return f"{type(error).__name__}: {first[0] if first else ''}"


def finding(prop, component, example):
    """The failure in one line (shown by the docs; never compared by a test)."""
    try:
        with np.errstate(all="ignore"):
            prop(component, example)
    except Exception as error:  # noqa: BLE001
        return one_line_finding(error)
    return "(passed)"


@pytest.mark.parametrize("pitfall", BUGS, ids=[p.id for p in BUGS])
def test_the_stored_counterexample_fails_the_variant_and_passes_the_real_code(pitfall):
    stored = counterexamples.COUNTEREXAMPLES.get(pitfall.id)
    assert stored is not None, f"{pitfall.id}: no stored counterexample (record them: see the top)"
    assert stored["property"] == first_named(pitfall), (pitfall.id, stored["property"])
    example = from_plain(stored["example"])
    if stored["property"] in NETWORK:
        prop = NETWORK[stored["property"]]
        assert replay(prop, StudentFactory(pitfall.factory.build), example) is not None, \
            f"{pitfall.id}: the stored counterexample no longer fails the variant: {example}"
        for real, build in BUILDS.items():
            failure = replay(prop, StudentFactory(build), example)
            assert failure is None, f"{real} fails the stored counterexample:\n{failure}"
        return
    prop = REGISTRY[stored["property"]]
    assert fails(prop, argument(prop, pitfall), example), \
        f"{pitfall.id}: the stored counterexample no longer fails the variant: {example}"
    for real, component in prop.reals.items():
        prop(component, example)  # raises (with mine against the expected) if the real fails


# --------------------------------------------------------------------------------------------
# The catalogue is complete and consistent
# --------------------------------------------------------------------------------------------
def test_every_entry_names_generic_properties():
    ids = [p.id for p in CATALOGUE]
    assert len(set(ids)) == len(ids)
    known = set(REGISTRY) | set(NETWORK)
    assert set(PROPERTIES) == known, set(PROPERTIES) ^ known
    for p in CATALOGUE:
        assert (p.kind == "bug") == bool(p.caught_by) and (p.kind == "quirk") == bool(p.pinned_by)
        assert (p.kind == "warning") == bool(p.noted_by), p.id
        for name in p.properties:
            assert name in known, (p.id, name, sorted(known))


def test_every_fix_marker_names_an_entry_that_shows_it():
    """A ``# FIX: id`` (or ``# QUIRK: id``) comment in the package names a real entry, and that
    entry's code shows the marked module: no marker is left behind by a rename."""
    from neuronnet.pitfalls.docs import MARKER, marked_ids
    from neuronnet.pitfalls.pitfall import Marked
    for path in sorted((ROOT / "neuronnet").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = MARKER.match(line)
            if match:
                for pitfall_id in marked_ids(match.group(2)):
                    shown = [c for c in get(pitfall_id).bug_code + get(pitfall_id).fix_code
                             if isinstance(c, Marked) and c.module == module
                             and c.tag == match.group(1)]
                    assert shown, f"{path}:{number}: {pitfall_id} shows no {module} code"


def test_the_coursework_initializer_is_the_documented_exception():
    # The coursework's uniform(0, 1/fan_in) is all positive by design: the symmetry property
    # that every initializer the recipes use passes fails it, as the catalogue says.
    prop = REGISTRY["initializer_is_symmetric_about_zero"]
    assert search(prop, INITIALIZERS["coursework"], shrink=False) is not None
    from neuronnet.app import recipes
    assert all(recipe.init != "coursework" for recipe in recipes.RECIPES.values())


def test_every_quirk_is_pinned_by_a_property_that_holds_for_it():
    for p in QUIRKS:
        for name in p.pinned_by:
            assert name in REGISTRY and REGISTRY[name].reals, (p.id, name)


# --------------------------------------------------------------------------------------------
# The docs and the command line
# --------------------------------------------------------------------------------------------
def test_docs_pitfalls_md_is_the_rendered_catalogue():
    from neuronnet.pitfalls import docs
    path = ROOT / "docs" / "pitfalls.md"
    assert path.read_text() == docs.render(), \
        "docs/pitfalls.md is stale: python -m neuronnet.pitfalls.docs > docs/pitfalls.md"


def test_cli_lists_every_pitfall():
    from neuronnet.app import pitfalls_command as cli
    from neuronnet.app.cli import build_parser
    lines = []
    cli.run(build_parser().parse_args(["pitfalls"]), out=lines.append)
    text = "\n".join(lines)
    for p in CATALOGUE:
        assert p.id in text


def test_cli_shows_every_field_of_an_entry():
    from neuronnet.app import pitfalls_command as cli
    from neuronnet.app.cli import build_parser
    for p in CATALOGUE:
        lines = []
        cli.run(build_parser().parse_args(["pitfalls", "show", p.id]), out=lines.append)
        text = "\n".join(lines)
        for words in (p.title, p.did, p.why, p.symptom, p.fix, p.source):
            assert " ".join(words.split()) in " ".join(text.split()), (p.id, words)
        assert "# BUG:" in text or p.kind == "quirk"
        for node in p.properties:
            assert node in text


def test_cli_refuses_an_unknown_id():
    from neuronnet.app import pitfalls_command as cli
    from neuronnet.app.cli import build_parser
    with pytest.raises(ValueError, match="derivative-of-output"):
        cli.run(build_parser().parse_args(["pitfalls", "show", "no-such-bug"]), out=lambda _: None)


@pytest.mark.parametrize("pitfall", CATALOGUE, ids=[p.id for p in CATALOGUE])
def test_every_demo_shows_the_symptom_and_its_plot(pitfall, tmp_path):
    from neuronnet.app import pitfalls_command as cli
    from neuronnet.app.cli import build_parser
    lines = []
    result = cli.run(build_parser().parse_args(["pitfalls", "demo", pitfall.id, "--plot",
                                                str(tmp_path)]), out=lines.append)
    assert result.worse, (pitfall.id, result.measure, result.buggy, result.fixed)
    pngs = list(tmp_path.glob("*.png"))
    assert len(pngs) == 1 and pngs[0].stat().st_size > 1000, pngs
    assert any("buggy" in line and "fixed" in line for line in lines)
    check_the_figures_facts(pitfall, result)


def check_the_figures_facts(pitfall, result):
    """The figure shows the measure its title names: the title states the measure, the y axis
    names a quantity the measure names, the legend names both runs, and the two runs' series
    differ (the symptom is visible). A quirk's runs are not called buggy."""
    from neuronnet.app.pitfall_plots import pitfall_figure
    plot = result.plot
    assert plot is not None, f"{pitfall.id}: the demo says nothing to plot"
    assert plot.y_label.lower() in result.measure.lower(), (plot.y_label, result.measure)
    ax = pitfall_figure(result).axes[0]
    assert " ".join(result.measure.split()) in " ".join(ax.get_title().split())
    assert ax.get_ylabel() == plot.y_label and ax.get_xlabel() == plot.x_label
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for label in result.labels:
        assert any(text.startswith(label) for text in legend), (label, legend)
    assert list(plot.series) == list(result.labels)
    first, second = (np.asarray(s[1] if isinstance(s, tuple) else s, dtype=float)
                     for s in plot.series.values())
    assert first.shape != second.shape or not np.allclose(first, second, equal_nan=True), \
        f"{pitfall.id}: the two runs' series are the same: the figure cannot show the bug"
    if pitfall.kind == "quirk":
        assert not any("buggy" in label for label in result.labels), result.labels
