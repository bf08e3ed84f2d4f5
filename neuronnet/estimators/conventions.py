"""What makes the estimators behave as scikit-learn's do, beyond the mathematics: each class's
parameters documented in its own words, a fit that fails changes nothing, and a run that
diverges is reported by its message alone."""
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


class TrainingDiverged(ValueError):
    """The run diverged (neuronnet/divergence.py's rule); the message says when, with which
    rate, and what to change. A ValueError, as scikit-learn's own estimators raise for a fit
    that cannot go on. It leaves ``fit`` without the frames of the training loop, so that
    where scikit-learn reports a failed fit (cross_val_score and the searches, whose
    ``error_score`` prints the traceback of what the fit raised) each fold's failure is the
    call to ``fit`` and this message, not a traceback through neuronnet."""

    __module__ = "neuronnet.estimators"   # where it is imported from, as its report names it


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
        except TrainingDiverged as error:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise error.with_traceback(None) from None   # foreseen: the message is the report
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise
    return guarded
