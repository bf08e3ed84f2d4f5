"""Update rules on parallel lists of arrays: params [W_0, b_0, ...], their grads, velocities.

Each update writes the new values into the parameter (and velocity) arrays in place, one array
at a time in list order, with the expression order of docs/semantics.md, so the neuron model can
reproduce it bit for bit. Velocities start at zero and belong to the model, not the optimizer,
so they persist from one call to the next.
"""


class SGD:
    """Plain gradient descent (Robbins & Monro 1951): w = w - lr * g. Velocities are unused."""

    def __init__(self, lr):
        self.lr = lr

    def update(self, params, grads, velocities):
        for w, g in zip(params, grads):
            w[...] = w - self.lr * g


class Momentum:
    """Heavy ball (Polyak 1964): v = mu * v - lr * g; w = w + v.

    v is a decaying sum of past steps: under a constant g the step grows towards -lr g/(1-mu).
    Pitfall momentum-overwrites-weights: without a separate v, "w = -lr*g + mu*w" shrinks w.
    """

    def __init__(self, lr, mu):
        self.lr, self.mu = lr, mu

    def update(self, params, grads, velocities):
        for w, g, v in zip(params, grads, velocities):
            v[...] = self.mu * v - self.lr * g
            w[...] = w + v


class Nesterov:
    """Nesterov momentum (Sutskever et al. 2013), in the form of Bengio et al. 2013 that keeps
    the look-ahead parameters, so the gradient is taken where the parameters are:
    v = mu * v - lr * g; w = w + mu * v - lr * g. The first step is -lr (1 + mu) g."""

    def __init__(self, lr, mu):
        self.lr, self.mu = lr, mu

    def update(self, params, grads, velocities):
        for w, g, v in zip(params, grads, velocities):
            v[...] = self.mu * v - self.lr * g
            w[...] = w + self.mu * v - self.lr * g


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "nesterov": Nesterov}
