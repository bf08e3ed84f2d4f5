"""estimators: scikit-learn estimators over the neuron model (or, with ``model="reference"``,
the reference), for classes that compare models with scikit-learn.

    from neuronnet.estimators import NeuronNetClassifier
    clf = NeuronNetClassifier(hidden_layer_sizes=(16,), max_iter=200, random_state=0)
    clf.fit(X, y).score(X_test, y_test)
    clf.network_          # the fitted Network, to look inside

scikit-learn is the optional extra ``[sklearn]``; the rest of neuronnet never imports this.
"""
try:
    import sklearn  # noqa: F401  (the extra, asked for by name before anything else is read)
except ImportError as error:
    raise ImportError("neuronnet.estimators needs scikit-learn, the optional extra 'sklearn': "
                      "python -m pip install scikit-learn (or, from a checkout of the "
                      "repository, python -m pip install \".[sklearn]\")") from error

from .classifier import NeuronNetClassifier  # noqa: E402
from .conventions import TrainingDiverged  # noqa: E402
from .regressor import NeuronNetRegressor  # noqa: E402

__all__ = ["NeuronNetClassifier", "NeuronNetRegressor", "TrainingDiverged"]
