"""Every generic property of tests/generic.py holds for every real component it names: the
neuron model (and the reference, where the property does not compare against it), the
activations, losses and optimizers of both packages, the loop's train and evaluate, the split,
the initializers. The same properties must fail on the pitfall catalogue's buggy variants
(tests/pitfalls/test_catalogue.py)."""
import pytest
from hypothesis import given, settings

from generic import REGISTRY
from strategies import budget

CASES = [(prop, real) for prop in REGISTRY.values() for real in prop.reals]


@pytest.mark.parametrize("prop, real", CASES, ids=[f"{p.name}[{r}]" for p, r in CASES])
def test_the_generic_property_holds_for_the_real_component(prop, real):
    component = prop.reals[real]

    @settings(max_examples=budget(prop.budget))
    @given(example=prop.strategy)
    def holds(example):
        prop(component, example)

    holds()
