"""The optimizers as made: their rate and mu by default and as given, each limit on its
accepted side (mu just under 1, a rate of 0), and an optimizer object passed through. (Their
refusals: tests/test_refusals.py; their arithmetic: tests/proofs/test_fast_closed_forms.py.)"""
import numpy as np

from neuronnet.optimizers import SGD, Momentum, Nesterov, get_optimizer


def test_the_optimizers_hold_their_rate_and_mu():
    assert (get_optimizer("sgd").lr, type(get_optimizer("sgd"))) == (0.1, SGD)
    m = get_optimizer("momentum")
    assert (type(m), m.lr, m.mu) == (Momentum, 0.1, 0.9)
    n = get_optimizer("nesterov", lr=0.25, momentum=0.5)
    assert (type(n), n.lr, n.mu) == (Nesterov, 0.25, 0.5)
    assert Momentum(0.5).mu == 0.9 and Momentum(0, 0).lr == 0.0
    assert Momentum(0.1, np.nextafter(1.0, 0.0)).mu < 1.0
    same = SGD(0.3)
    assert get_optimizer(same) is same


def test_an_optimizers_repr_shows_its_rate_and_momentum():
    from neuronnet.optimizers import SGD, Momentum, Nesterov
    assert [repr(SGD(0.1)), repr(Momentum(0.1, 0.9)), repr(Nesterov(0.2, 0.5))] == \
        ["SGD(lr=0.1)", "Momentum(lr=0.1, mu=0.9)", "Nesterov(lr=0.2, mu=0.5)"]
