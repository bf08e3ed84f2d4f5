"""Update rules on parallel lists of arrays: params [W_0, b_0, ...], their grads, velocities
and squares (running means of grad**2), and t, the number of the step (1, 2, ...).

Each update writes the new values into the parameter (and state) arrays in place, one array
at a time in list order, with the expression order of docs/semantics.md, so the neuron model can
reproduce it bit for bit. The state starts at zero and belongs to the model, not the optimizer,
so it persists from one call to the next. Rules that need no squares ignore them and t.
"""
import numpy as np


class SGD:
    """Plain gradient descent (Robbins & Monro 1951): w = w - lr * g. Velocities are unused."""

    def __init__(self, lr):
        self.lr = lr

    def update(self, params, grads, velocities, squares=None, t=None):
        for w, g in zip(params, grads):
            w[...] = w - self.lr * g


class Momentum:
    """Heavy ball (Polyak 1964): v = mu * v - lr * g; w = w + v.

    v is a decaying sum of past steps: under a constant g the step grows towards -lr g/(1-mu).
    Pitfall momentum-overwrites-weights: without a separate v, "w = -lr*g + mu*w" shrinks w.
    """

    def __init__(self, lr, mu):
        self.lr, self.mu = lr, mu

    def update(self, params, grads, velocities, squares=None, t=None):
        for w, g, v in zip(params, grads, velocities):
            v[...] = self.mu * v - self.lr * g
            w[...] = w + v


class Nesterov:
    """Nesterov momentum (Sutskever et al. 2013), in the form of Bengio et al. 2013 that keeps
    the look-ahead parameters, so the gradient is taken where the parameters are:
    v = mu * v - lr * g; w = w + mu * v - lr * g. The first step is -lr (1 + mu) g."""

    def __init__(self, lr, mu):
        self.lr, self.mu = lr, mu

    def update(self, params, grads, velocities, squares=None, t=None):
        for w, g, v in zip(params, grads, velocities):
            v[...] = self.mu * v - self.lr * g
            w[...] = w + self.mu * v - self.lr * g


class RMSProp:
    """RMSProp (Hinton's lecture 6e, 2012; CS231n's optim.py): cache = rho cache + (1 - rho) g**2;
    w = w - lr g / (sqrt(cache) + eps). No bias correction; velocities are unused."""

    def __init__(self, lr, rho=0.99, eps=1e-8):
        self.lr, self.rho, self.eps = lr, rho, eps

    def update(self, params, grads, velocities, squares=None, t=None):
        for w, g, cache in zip(params, grads, squares):
            cache *= self.rho
            cache += (1 - self.rho) * g ** 2
            w -= self.lr * g / (np.sqrt(cache) + self.eps)


class Adam:
    """Adam (Kingma & Ba 2015), with the bias correction folded into the step size as at the end
    of the paper's section 2 (and in scikit-learn): m and v are running means of g and g**2,
    both biased towards their zero start by the factors 1 - beta1**t and 1 - beta2**t, so

        m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g**2
        w = w - lr sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + eps)

    Here m is the model's velocity and v its square."""

    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps

    def update(self, params, grads, velocities, squares=None, t=None):
        corrected = self.lr * np.sqrt(1 - self.beta2 ** t) / (1 - self.beta1 ** t)
        for w, g, m, v in zip(params, grads, velocities, squares):
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g ** 2
            w -= corrected * m / (np.sqrt(v) + self.eps)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "nesterov": Nesterov, "rmsprop": RMSProp,
              "adam": Adam}
