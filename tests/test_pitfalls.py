"""The pitfall catalogue (neuronnet.pitfalls) judged by the generic property suite.

For every bug of the catalogue, each generic property it names (a hypothesis test of
tests/test_properties.py, tests/test_properties_more.py or tests/test_training.py: the very
function that guards the real code) is run with the buggy variant in the place of the real
component, and must fail. When recording (below), hypothesis shrinks the failure; the shrunk
example is what the catalogue stores (neuronnet/pitfalls/counterexamples.py) and
docs/pitfalls.md shows, and a second test replays it on every run: it must still fail on the
variant, with the same first line, and pass on the real component. (An ordinary run stops the
search at the first failure: shrinking a network example costs up to a minute per property.)

How a variant takes the place of the real component depends on the property: a property that
takes a model factory, an activation, a loss, an optimizer class, an evaluation, an initializer
or a split as a parameter is called with the variant as that argument; a property that names
the real component as a module global (``MINE`` in test_properties.py, ``train`` and
``LossThreshold`` in test_training.py) runs with that global patched to the variant.

The quirks are not caught but pinned: a property states exactly what they do.

To re-record the counterexamples after a change (derandomized, so reproducible)::

    PITFALLS_RECORD=1 CI=true python -m pytest tests/test_pitfalls.py
    python -m neuronnet.pitfalls.docs > docs/pitfalls.md
"""
import inspect
import os
import pprint
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import checks
import test_properties
import test_properties_more
import test_training
from checks import Case
from models import MINE
from neuronnet import training
from neuronnet.activations import get_activation
from neuronnet.initializers import INITIALIZERS
from neuronnet.losses import get_loss
from neuronnet.optimizers import SGD, Momentum
from neuronnet.pitfalls import CATALOGUE, PROPERTIES, variants
from neuronnet.pitfalls.counterexamples import COUNTEREXAMPLES
from neuronnet.training.schedules import LossThreshold
from strategies import NUMERIC_KINK_MARGIN, budget, cases

ROOT = Path(__file__).resolve().parent.parent
RECORD = os.environ.get("PITFALLS_RECORD")
MODULES = {"tests/test_properties.py": test_properties,
           "tests/test_properties_more.py": test_properties_more,
           "tests/test_training.py": test_training}
BUGS = [p for p in CATALOGUE if p.kind == "bug"]
QUIRKS = [p for p in CATALOGUE if p.kind == "quirk"]


# --------------------------------------------------------------------------------------------
# Putting a component in a property's hands: (keyword arguments, module globals to patch)
# --------------------------------------------------------------------------------------------
def _make(component):
    return {"make": component}, []


def _mine(component):
    return {}, [(test_properties, "MINE", component)]


def _activation(component):
    return {"activation": component}, []


def _loss(component):
    return {"loss": component}, []


# For each property: how it takes (variant or real) component; and the real component.
WIRING = {
    "test_deltas_and_gradients_equal_the_reference": (_mine, "factory"),
    "test_every_neuron_holds_the_reference_values": (_mine, "factory"),
    "test_layer_backward_is_linear_in_the_upstream_gradient": (_mine, "factory"),
    "test_directional_derivative_equals_the_gradient": (_make, "factory"),
    "test_duplicating_the_batch_changes_nothing": (_make, "factory"),
    "test_losses_are_finite_and_non_negative": (_make, "factory"),
    "test_identity_nets_are_linear_maps": (_make, "factory"),
    "test_best_model_is_a_snapshot_with_the_lowest_validation_loss":
        (lambda c: ({}, [(test_training, "train", c)]), "variant"),
    "test_loss_threshold_schedule_reaches_every_branch":
        (lambda c: ({}, [(test_training, "LossThreshold", c)]), "variant"),
    "test_activation_derivative_is_the_slope_of_forward": (_activation, "instance"),
    "test_cross_entropy_facts": (_loss, "instance"),
    "test_momentum_follows_the_heavy_ball_closed_form":
        (lambda c: ({"make_momentum": c, "make_sgd": SGD}, []), "variant"),
    "test_evaluation_changes_no_parameter":
        (lambda c: ({"evaluate_fn": c, "kind": "neuron"}, []), "variant"),
    "test_initializer_is_symmetric_about_zero": (lambda c: ({"draw": c}, []), "variant"),
    "test_split_is_a_partition": (lambda c: ({"split": c}, []), "variant"),
}

# The real component each variant stands in for.
REAL = {
    "train_with_aliased_best": training.train,
    "LossThresholdLargestFirst": LossThreshold,
    "MomentumWithoutVelocity": Momentum,
    "evaluate_with_backprop": training.evaluate,
    "normal_shifted_negative": INITIALIZERS["glorot_uniform"],
    "uniform_zero_to_one": INITIALIZERS["glorot_uniform"],
    "split_test_from_train": training.split_indices,
}


def component(pitfall, how, real=False, variant=None):
    """The variant (or, with ``real``, the component it stands in for) in the form a property
    takes it: a model factory, an instance (activation, loss), or the class/function itself."""
    variant = pitfall.variant if variant is None else variant
    if how == "factory":
        return MINE if real else pitfall.factory
    if how == "instance":
        if real:
            base = pitfall.factory.activation or pitfall.factory.loss
            return (get_activation(base.name) if pitfall.factory.activation is not None
                    else get_loss(base.name))
        return variant()
    return REAL[variant.__name__] if real else variant


def wire(pitfall, node, real=False, variant=None):
    """(the property function, keyword arguments, patches) to run ``node`` on the pitfall's
    variant, or on the real component."""
    path, name = node.split("::")
    how_to_pass, how = WIRING[name]
    kwargs, patches = how_to_pass(component(pitfall, how, real, variant))
    return getattr(MODULES[path], name), kwargs, patches


# --------------------------------------------------------------------------------------------
# Reading hypothesis's falsifying example back
# --------------------------------------------------------------------------------------------
EXAMPLE = re.compile(r"(?:Falsifying example|Failing test case): (\w+)\(\n(.*?)\n\)", re.S)
# hypothesis renamed "Falsifying example" to "Failing test case" (6.170 has the new wording).
DRAW = re.compile(r"Draw \d+(?: \(.*?\))?: (.*)", re.S)
NAMESPACE = {"Case": Case, "array": np.array, "np": np, "nan": np.nan, "inf": np.inf,
             "float64": np.float64, "int64": np.int64}


def first_failure(error):
    """The failure hypothesis reports (the first one, should it report several)."""
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


def falsifying_example(error, explicit):
    """What hypothesis drew for the shrunk example: ``(arguments, draws)``, the arguments as
    Python source ``"name=value, ..."`` (those the caller passed explicitly, and ``data``, left
    out) and the values drawn interactively from ``data`` (st.data()), as source, in order."""
    notes = list(getattr(error, "__notes__", []))
    match = EXAMPLE.search("\n".join(notes))
    assert match, "no falsifying example in the failure's notes:\n" + "\n".join(notes)
    keep, current = [], None
    for line in match.group(2).splitlines():
        top = re.match(r"^    (\w+)=", line)
        if top:
            current = top.group(1)
            if current not in explicit and current != "data":
                keep.append(line.strip())
        elif current is not None and current not in explicit and current != "data":
            keep[-1] += " " + line.strip()
    draws = [DRAW.match(note).group(1) for note in notes if DRAW.match(note)]
    return " ".join(keep).rstrip(","), draws


class Replay:
    """Stands in for hypothesis's ``data`` object when an example is replayed: each ``draw``
    returns the next recorded value."""

    def __init__(self, draws):
        self.values = [eval(d, dict(NAMESPACE)) for d in draws]  # noqa: S307 - recorded reprs

    def draw(self, strategy, label=None):
        return self.values.pop(0)


def finding(error):
    """The failure in one line: its type and the first line of its message."""
    first = str(error).strip().splitlines()
    return f"{type(error).__name__}: {first[0] if first else ''}"


def one_line(arguments, draws, limit=240):
    """The drawn arguments as a short line: plain values first, then a Case as its architecture
    and its numbers, then the interactive draws."""
    kwargs = eval(f"dict({arguments})", dict(NAMESPACE))  # noqa: S307 - our own recorded text
    parts = [f"{k}={_short(v)}" for k, v in kwargs.items() if not isinstance(v, Case)]
    parts += [_case_line(v) for v in kwargs.values() if isinstance(v, Case)]
    parts += [f"draw {i + 1}: {_short(v)}" for i, v in enumerate(Replay(draws).values)]
    line = "; ".join(parts)
    return line if len(line) <= limit else line[:limit - 3] + "..."


def _short(value):
    if isinstance(value, np.ndarray):
        return f"<{value.shape} array>" if value.size > 12 else repr(value.tolist())
    if isinstance(value, tuple) and any(isinstance(v, np.ndarray) for v in value):
        return "(" + ", ".join(_short(v) for v in value) + ")"
    if isinstance(value, (list, tuple)) and len(value) > 8:
        return f"<{len(value)} values>"
    return repr(value)


def _case_line(case):
    net = f"net {case.sizes} {'/'.join(case.activations)}, {case.loss}, batch {case.X.shape[0]}"
    numbers = [f"W_{l}={_short(W)}, b_{l}={_short(b)}"
               for l, (W, b) in enumerate(zip(case.weights, case.biases))]
    return f"{net}: X={_short(case.X)}, Y={_short(case.Y)}, " + ", ".join(numbers)


# --------------------------------------------------------------------------------------------
# Running a property
# --------------------------------------------------------------------------------------------
def catalogue_settings(fn):
    """The property's own settings (its example budget under the loaded profile), made
    deterministic for the catalogue: derandomized; no example database (a variant's failures
    must not be replayed against the real code's run, nor the reverse); the first bug only; no
    "explain" phase (it re-runs the example under a line tracer: minutes for the neuron model's
    Python loops, for a note the catalogue does not use). Shrinking only when recording (or
    under the thorough profile): shrinking a network example takes hypothesis a thousand runs
    or more, up to a minute per property, and the recorded shrunk examples are replayed by
    test_the_stored_counterexample_still_fails_and_the_real_code_passes_it anyway.

    Hazard: ``_hypothesis_internal_use_settings`` is hypothesis's own attribute, read on every
    call of a @given test; setting it is the one way to change the settings of a test that is
    already decorated (applying @settings twice is refused)."""
    base = fn._hypothesis_internal_use_settings
    shrink = RECORD or os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
    phases = [phase for phase in base.phases
              if phase is not Phase.explain and (shrink or phase is not Phase.shrink)]
    return settings(base, derandomize=True, database=None, report_multiple_bugs=False,
                    phases=phases)


def _strict_assume(condition):
    assert condition, "a stored counterexample no longer meets the property's precondition"
    return True


def run_property(fn, kwargs, patches, monkeypatch, example=None):
    """Run the property: the hypothesis search, or with ``example`` = (arguments, draws) that
    one example only. Returns the exception it raised, or None."""
    with monkeypatch.context() as patch:
        for module, name, value in patches:
            patch.setattr(module, name, value)
        patch.setattr(fn, "_hypothesis_internal_use_settings", catalogue_settings(fn))
        # Exact reprs, so the falsifying example hypothesis prints can be replayed bit for bit.
        with np.printoptions(floatmode="unique", threshold=10 ** 6, linewidth=10 ** 6):
            try:
                if example is None:
                    fn(**kwargs)
                else:
                    # Outside hypothesis, a failed assumption is the replay going wrong.
                    module = sys.modules[fn.__module__]
                    if hasattr(module, "assume"):
                        patch.setattr(module, "assume", _strict_assume)
                    arguments, draws = example
                    drawn = eval(f"dict({arguments})", dict(NAMESPACE))  # noqa: S307
                    if "data" in inspect.signature(fn.hypothesis.inner_test).parameters:
                        drawn["data"] = Replay(draws)
                    fn.hypothesis.inner_test(**kwargs, **drawn)
            except Exception as error:  # noqa: BLE001 - any failure is the property failing
                return error
    return None


RECORDED = {}
CAUGHT = [(p, node) for p in BUGS for node in p.caught_by]


@pytest.mark.parametrize("pitfall, node", CAUGHT,
                         ids=[f"{p.id}-{node.split('::')[1]}" for p, node in CAUGHT])
def test_the_generic_property_catches_the_variant(pitfall, node, monkeypatch, record_property):
    fn, kwargs, patches = wire(pitfall, node)
    error = run_property(fn, kwargs, patches, monkeypatch)
    assert error is not None, (f"{pitfall.id}: the generic property {node} passed with the "
                               f"buggy variant swapped in; it must fail")
    error = first_failure(error)
    arguments, draws = falsifying_example(error, kwargs)
    record_property("caught_by", node)
    record_property("counterexample", arguments + "".join(f"; draw: {d}" for d in draws))
    for other in pitfall.also:  # further variants of the same mistake fail the same property
        fn_o, kwargs_o, patches_o = wire(pitfall, node, variant=other)
        assert run_property(fn_o, kwargs_o, patches_o, monkeypatch) is not None, \
            f"{pitfall.id}: {other.__name__} passed {node}"
    if RECORD and node == pitfall.caught_by[0]:
        _record(pitfall.id, node, arguments, draws, finding(error))


def _record(pitfall_id, node, arguments, draws, found):
    """Write the shrunk example into neuronnet/pitfalls/counterexamples.py (merged with what is
    there), for the catalogue and the docs."""
    if not RECORDED:  # this run's entries on top of the stored ones, read once
        RECORDED.update(COUNTEREXAMPLES)
    RECORDED[pitfall_id] = {"property": node, "example": arguments, "draws": draws,
                            "finding": found, "line": one_line(arguments, draws)}
    path = ROOT / "neuronnet" / "pitfalls" / "counterexamples.py"
    head = path.read_text().split("COUNTEREXAMPLES = ")[0]
    ordered = {p.id: RECORDED[p.id] for p in CATALOGUE if p.id in RECORDED}
    path.write_text(head + "COUNTEREXAMPLES = " + pprint.pformat(ordered, width=100,
                                                                  sort_dicts=False) + "\n")


@pytest.mark.parametrize("pitfall", BUGS, ids=[p.id for p in BUGS])
def test_the_stored_counterexample_still_fails_and_the_real_code_passes_it(pitfall,
                                                                          monkeypatch):
    stored = COUNTEREXAMPLES.get(pitfall.id)
    assert stored is not None, f"{pitfall.id}: no stored counterexample (record them: see the top)"
    assert stored["property"] == pitfall.caught_by[0]
    fn, kwargs, patches = wire(pitfall, stored["property"])
    example = (stored["example"], stored.get("draws", []))
    error = run_property(fn, kwargs, patches, monkeypatch, example=example)
    assert error is not None, f"{pitfall.id}: the stored counterexample no longer fails"
    assert finding(first_failure(error)) == stored["finding"]
    fn, kwargs, patches = wire(pitfall, stored["property"], real=True)
    error = run_property(fn, kwargs, patches, monkeypatch, example=example)
    assert error is None, f"{pitfall.id}: the real component fails its own counterexample: {error}"


# --------------------------------------------------------------------------------------------
# The catalogue is complete and consistent
# --------------------------------------------------------------------------------------------
def test_every_entry_names_existing_properties_and_the_design_table():
    design = (Path(__file__).resolve().parents[2] / "shared" / "DESIGN.md")
    ids = [p.id for p in CATALOGUE]
    assert len(set(ids)) == len(ids)
    if design.exists():
        table = re.findall(r"^\| ([a-z-]+) \| [\d/ ]+ \|", design.read_text(), re.M)
        assert set(table) <= set(ids), set(table) - set(ids)
        assert {p.id for p in CATALOGUE if not p.further} == set(table)
    for p in CATALOGUE:
        assert (p.kind == "bug") == bool(p.caught_by) and (p.kind == "quirk") == bool(p.pinned_by)
        for node in p.properties:
            assert node in PROPERTIES, node
            path, name = node.split("::")
            assert (ROOT / path).exists() and name in (ROOT / path).read_text(), node


# --------------------------------------------------------------------------------------------
# Quirks: pinned, not caught
# --------------------------------------------------------------------------------------------
def _set_shared_bias(layer):
    def set_bias(model, value):
        model.layers[layer].bias = float(value)
        model.layers[layer]._tie()
    return set_bias


@settings(max_examples=budget(30))
@given(case=cases(max_layers=3, kink_margin=NUMERIC_KINK_MARGIN), layer=st.integers(0, 2),
       seed=st.integers(0, 2 ** 16))
def test_shared_layer_bias_is_one_tied_bias(case, layer, seed):
    layer %= len(case.weights)
    beta = float(case.biases[layer][0])
    biases = [np.array(b) for b in case.biases]
    biases[layer] = np.full_like(biases[layer], beta)
    tied_case = case.replace(biases=biases)
    # Measurable along the tie (a unit direction over the layer's biases), judged on the oracle.
    u = [np.zeros_like(p) for p in tied_case.params()]
    u[2 * layer + 1] = np.ones_like(biases[layer]) / np.sqrt(biases[layer].size)
    test_properties.assume_measurable_direction(tied_case, u)
    shared = tied_case.build(MINE)
    shared.layers[layer] = variants.SharedBiasLayer(shared.layers[layer].neurons, beta)
    checks.check_shared_bias_is_tied(shared, tied_case.build(MINE), case.X, case.Y, layer,
                                     _set_shared_bias(layer), context=tied_case.describe())


def test_the_sampled_mode_is_pinned_by_the_generic_suite():
    # The quirk is a real batch mode; its pin runs with the suite (both models), not here again.
    (sampled,) = [p for p in QUIRKS if p.id == "sampled-backprop"]
    path, name = sampled.pinned_by[0].split("::")
    pin = getattr(MODULES[path], name)
    assert hasattr(pin, "hypothesis") and "check_sampled_is_online_on_every_kth" in \
        (ROOT / path).read_text()


def test_the_coursework_initializer_is_the_documented_exception(monkeypatch):
    # Seed 000's uniform(0, 1/fan_in) is all positive by design: the symmetry property that
    # every initializer the recipes use passes fails it, as the catalogue says.
    fn, _, _ = wire(next(p for p in CATALOGUE if p.id == "biased-init"),
                    "tests/test_properties_more.py::test_initializer_is_symmetric_about_zero")
    assert run_property(fn, {"draw": INITIALIZERS["coursework"]}, [], monkeypatch) is not None
    from neuronnet.app import recipes
    assert all(recipe.init != "coursework" for recipe in recipes.RECIPES.values())


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
        for words in (p.title, p.did, p.why, p.symptom, p.fix, p.seeds):
            assert " ".join(words.split()) in " ".join(text.split()), (p.id, words)
        assert "# BUG:" in text or p.kind == "quirk"
        for node in p.properties:
            assert node in text


def test_cli_refuses_an_unknown_id():
    from neuronnet.app import pitfalls_command as cli
    from neuronnet.app.cli import build_parser
    with pytest.raises(ValueError, match="derivative-of-output"):
        cli.run(build_parser().parse_args(["pitfalls", "show", "no-such-bug"]), out=lambda _: None)


def test_every_demo_shows_the_symptom(tmp_path):
    from neuronnet.pitfalls import demo
    for p in CATALOGUE:
        result = demo.run(p.id, seed=0)
        assert result.worse, (p.id, result.measure, result.buggy, result.fixed)
    lines = []
    from neuronnet.app import pitfalls_command as cli
    from neuronnet.app.cli import build_parser
    cli.run(build_parser().parse_args(["pitfalls", "demo", "summed-loss", "--plot", str(tmp_path)]),
            out=lines.append)
    pngs = list(tmp_path.glob("*.png"))
    assert len(pngs) == 1 and pngs[0].stat().st_size > 1000
    assert any("buggy" in line and "fixed" in line for line in lines)
