"""The training loop both models go through: settings, schedules, datasets, splits, metrics.

    from neuronnet.training import Dataset, train
    result = train(model, Dataset(X, labels=y, n_classes=3), rng=np.random.default_rng(0))
"""
from .dataset import Dataset
from .loop import Evaluation, TrainingResult, evaluate, train
from .metrics import accuracy, confusion_matrix
from .schedules import Constant, LossThreshold, StepDecay, get_schedule
from .settings import Settings
from .splits import min_max_scale, split_indices
from .synthetic import make_sin

__all__ = ["Constant", "Dataset", "Evaluation", "Settings", "LossThreshold", "StepDecay", "TrainingResult",
           "accuracy", "confusion_matrix", "evaluate", "get_schedule", "make_sin",
           "min_max_scale", "split_indices", "train"]
