"""What makes the estimators behave as scikit-learn's do, beyond the mathematics: each class has
its own ``__init__`` (its defaults, its name in errors, its parameters documented), and a fit
that fails changes nothing."""
import copy
import functools
import inspect
import types

from .params import PARAMETERS_DOC


def own_init(base, doc, **defaults):
    """A class decorator: give the class ``base.__init__`` under its own name, with its own
    ``defaults`` and its parameters documented (``doc`` fills in the class's own words), so
    that a keyword it does not take (``alpha=...``) is reported against the class the user
    called, and ``get_params`` and ``help`` show the class's own defaults."""
    def give(cls):
        init = base.__init__
        names = list(inspect.signature(init).parameters)[1:]
        values = tuple(defaults.pop(name, value) for name, value in zip(names, init.__defaults__))
        if defaults:
            raise TypeError(f"own_init: {base.__name__} has no parameters {sorted(defaults)}")
        own = types.FunctionType(init.__code__, init.__globals__, "__init__", values)
        own.__qualname__ = f"{cls.__name__}.__init__"
        cls.__init__ = own
        text = PARAMETERS_DOC
        for key, value in doc.items():      # not str.format: the text has braces of its own
            text = text.replace("{" + key + "}", str(value))
        cls.__doc__ += text
        return cls
    return give


def all_or_nothing(method):
    """A fit or partial_fit that fails (a bad parameter, a diverged run, Ctrl-C) leaves the
    estimator as it was before the call: a fitted model is never replaced by a failed one, nor
    left half trained. partial_fit trains the fitted network in place, so its state is copied."""
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        params = self.get_params(deep=False)
        before = {key: value if key in params or method.__name__ == "fit"
                  else copy.deepcopy(value) for key, value in self.__dict__.items()}
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise
    return guarded
