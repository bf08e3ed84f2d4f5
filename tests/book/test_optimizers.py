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


def test_adam_and_rmsprop_hold_their_defaults_and_refuse_bad_settings():
    import pytest
    adam, rmsprop = get_optimizer("adam", lr=0.001), get_optimizer("rmsprop")
    # Kingma & Ba's (and scikit-learn's) defaults; CS231n's for RMSProp.
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (0.001, 0.9, 0.999, 1e-8)
    assert (rmsprop.lr, rmsprop.rho, rmsprop.eps) == (0.1, 0.99, 1e-8)
    from neuronnet.optimizers import Adam, RMSProp
    for make, name, value in ((lambda v: Adam(0.1, beta1=v), "beta1", 1.0),
                              (lambda v: Adam(0.1, beta2=v), "beta2", -0.1),
                              (lambda v: Adam(0.1, eps=v), "eps", 0.0),
                              (lambda v: RMSProp(0.1, rho=v), "rho", 1.0)):
        with pytest.raises(ValueError, match=f"^{name}: got {value!r}"):
            make(value)


def _train_step_moves(model, X, Y, optimizer, steps=3):
    """Each train_step's change of the parameters, and the rule's (the optimizer's ``move``
    on the gradient ``gradient(X, Y)`` gives at that point, one state per parameter)."""
    params = model.parameters()
    state = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    for t in range(1, steps + 1):
        grads = model.gradient(X, Y)
        expected = []
        for k, (p, g) in enumerate(zip(params, grads)):
            new, v, s = optimizer.move(p, g, *state[k], t)
            state[k] = (v, s)
            expected.append(new)
        model.train_step(X, Y, optimizer=optimizer)
        params = model.parameters()
        yield params, expected


def test_a_networks_train_step_is_the_rule_with_each_neurons_own_moments():
    # Adam's state is per parameter and its step count per neuron: a network steps every
    # parameter by the rule, t = 1, 2, 3, as one array at a time would.
    from neuronnet import Network
    from neuronnet.optimizers import Adam, RMSProp
    rng = np.random.default_rng(4)
    X, Y = rng.normal(size=(6, 3)), np.eye(2)[rng.integers(0, 2, 6)]
    for optimizer in (Adam(0.05), RMSProp(0.01)):
        net = Network([3, 4, 2], ["tanh", "identity"], "cross_entropy",
                      rng=np.random.default_rng(0), l2=0.3)
        for got, expected in _train_step_moves(net, X, Y, optimizer):
            for p, q in zip(got, expected):
                np.testing.assert_allclose(p, q, rtol=0, atol=1e-15)
        assert all(n.steps == 3 for layer in net.layers for n in layer.neurons)
