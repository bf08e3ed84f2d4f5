"""What makes the estimators behave as scikit-learn's do, beyond the mathematics: each class's
parameters documented in its own words, and a fit that fails changes nothing."""
import copy
import functools

from .params import PARAMETERS_DOC


def documented(**words):
    """A class decorator: append the parameters' documentation (params.PARAMETERS_DOC) to the
    class's docstring, with the class's own ``words`` (its output, its default rate) filled in,
    so that ``help`` shows every parameter."""
    def document(cls):
        text = PARAMETERS_DOC
        for key, value in words.items():      # not str.format: the text has braces of its own
            text = text.replace("{" + key + "}", str(value))
        cls.__doc__ += text
        return cls
    return document


def all_or_nothing(method):
    """A fit or partial_fit that fails (a bad parameter, a diverged run, Ctrl-C) leaves the
    estimator as it was before the call: a fitted model is never replaced by a failed one, nor
    left half trained. partial_fit trains the fitted network in place, so its state is copied."""
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        if method.__name__ == "partial_fit" and hasattr(self, "network_"):
            self._check_copy_fits()
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
