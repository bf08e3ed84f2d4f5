"""The training loop both models go through: settings, schedules, datasets, splits, metrics.

    from neuronnet.training import Dataset, train
    result = train(model, Dataset(X, labels=y, n_classes=3), rng=np.random.default_rng(0))
"""
from .dataset import Dataset
from .evaluation import Evaluation, evaluate
from .loop import TrainingResult, train
from .metrics import accuracy, confusion_matrix
from .planar import PLANAR, make_circles, make_moons, make_spiral, make_xor
from .schedules import Constant, LossThreshold, StepDecay, get_schedule
from .settings import Settings
from .splits import min_max_scale, split_indices
from .synthetic import make_sin

__all__ = ["Constant", "Dataset", "Evaluation", "LossThreshold", "PLANAR", "Settings", "StepDecay",
           "TrainingResult", "accuracy", "confusion_matrix", "evaluate", "get_schedule",
           "make_circles", "make_moons", "make_sin", "make_spiral", "make_xor", "min_max_scale",
           "split_indices", "train"]
