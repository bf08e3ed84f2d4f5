"""What a model file calls a model's components: each layer's activation and the loss, by name.

A name is all a file keeps, and loading builds the registered class of that name. So a
component that is not the registered class of its name (a subclass, a pitfall variant, an
object without a name) would load back as something else: such a model is refused on saving,
naming the component.
"""
from ..activations import ACTIVATIONS
from ..guards import fail
from ..losses import LOSSES


def component_names(model):
    """(activation names, loss name): ``model.activation_names`` and ``model.loss_name``, which
    a neuronnet Network and a reference.MLP both have; for the neuron model, once every
    neuron's activation and the loss are known to be the registered classes of their names."""
    layers = getattr(model, "layers", None)
    if layers is not None:      # the neuron model: components are objects, maybe variants
        for l, layer in enumerate(layers):
            for neuron in getattr(layer, "neurons", [layer]):
                _check_registered(f"layer {l}'s activation", neuron.activation, ACTIVATIONS)
        _check_registered("the loss", model.loss_function, LOSSES)
    return list(model.activation_names), model.loss_name


def _check_registered(what, component, registry):
    name = getattr(component, "name", None)
    if registry.get(name) is not type(component):
        fail(f"model: {what}", f"a {type(component).__name__} named {name!r}",
             f"one of the standard {sorted(registry)}")
