"""The picture of a trace (neuronnet/app/network_figure.py): every label readable where it is
drawn. Edge labels never overlap one another or a neuron; a neuron's numbers stay inside its
disc; a dense network lists dW in a table instead of on its edges."""
import numpy as np
import pytest

from neuronnet import Network
from neuronnet.app.network_figure import NODE, network_plot, short

pytest.importorskip("matplotlib")


def record_of(sizes, activations, seed=0, scale=1.0):
    net = Network(sizes, activations, "cross_entropy", rng=np.random.default_rng(seed))
    net.set_parameters([p * scale for p in net.parameters()])
    x = np.linspace(-1, 1, sizes[0])
    return net.trace(x, np.eye(sizes[-1])[0])


def extents(figure, starts):
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in figure.axes[0].texts
            if t.get_text().startswith(starts)]


def test_edge_labels_overlap_no_other_label_and_no_neuron():
    # xor's 2-3-2 with dW: twelve two-line labels, and edges crossing in the middle
    figure = network_plot(record_of([2, 3, 2], ["tanh", "identity"]), gradients=True)
    labels = extents(figure, ("w ",))
    assert len(labels) == 2 * 3 + 3 * 2 and all("\ndW " in text for text, _ in labels)
    for k, (text, box) in enumerate(labels):
        for other, other_box in labels[k + 1:]:
            assert not box.overlaps(other_box), (text, other)
    radius = np.sqrt(NODE) / 2 * figure.dpi / 72
    ax = figure.axes[0]
    centres = [ax.transData.transform(o.get_offsets()[0]) for o in ax.collections
               if o.get_sizes()[0] == NODE]
    assert len(centres) == 5
    for text, box in labels:
        for centre in centres:
            nearest = np.clip(centre, [box.x0, box.y0], [box.x1, box.y1])
            assert np.hypot(*(nearest - centre)) >= radius, text


def test_a_neurons_numbers_stay_inside_its_disc():
    # tiny deltas print in e-notation: "δ -4.99e-05" spilled out of the old node
    record = record_of([4, 6, 3], ["sigmoid", "identity"], scale=1e-4)
    assert any("e-" in short(s.delta[0]) for layer in record.neurons for s in layer)
    figure = network_plot(record)
    diameter = np.sqrt(NODE) * figure.dpi / 72
    nodes = extents(figure, ("z ",))
    assert len(nodes) == 9
    for text, box in nodes:
        assert box.width <= 0.92 * diameter and box.height <= 0.92 * diameter, text


@pytest.mark.parametrize("value, text", [(-4.99e-05, "-4.99e-5"), (0.03003, "0.03"),
                                         (1234.5, "1.23e+3"), (-0.5, "-0.5")])
def test_short_numbers_keep_three_digits_and_a_short_exponent(value, text):
    assert short(value) == text
    assert float(short(value)) == pytest.approx(value, rel=5e-3)


def test_a_dense_network_lists_dW_in_a_table_beside_it():
    record = record_of([4, 12, 6, 3], ["sigmoid", "sigmoid", "identity"])
    figure = network_plot(record, gradients=True)
    assert not extents(figure, ("w ",))                # no edge labels: 138 edges
    table = [t.get_text() for t in figure.texts if t.get_text().startswith("dW = delta")]
    assert len(table) == 1
    for l, layer in enumerate(record.neurons):
        for step in layer:
            assert f"layer {l} n{step.index}: dW [{short(step.dW[0])}, " in table[0]
            assert f"db {short(step.db)}" in table[0]
