"""The quick tour (``neuronnet`` with no command): the two models agreeing on iris, a neuron
network fitting sin, and the PNG digits; then where to go next."""
import signal
import time

from .compare_command import compare_recipe
from .stops import Stopped, received
from .train_command import train_recipe


def tour(seed=0, data_dir=None, out=print):
    start = time.perf_counter()
    out("== 1. Two implementations, one start =================================================")
    out("The object-per-neuron network and the vectorized reference train side by side on iris")
    out("from the same weights and the same sample order: their parameters stay equal to rounding")
    out("(a few 1e-15 apart after 200 epochs).")
    compare_recipe("iris", seed=seed, data_dir=data_dir, out=out)
    out("")
    out("== 2. The sin regression (source 000), re-run right ====================================")
    _stop_if_interrupted(train_recipe("sin", seed=seed, options={"epochs": 1000}, quiet=True,
                                      data_dir=data_dir, out=out))
    out("")
    out("== 3. The image folders (source 000): the shipped PNG digits ==========================")
    _stop_if_interrupted(train_recipe("digits-folder", seed=seed, quiet=True, data_dir=data_dir,
                                      out=out))
    out("")
    out(f"tour done in {time.perf_counter() - start:.0f} s. Next:")
    out("  neuronnet train mnist            the project's MNIST recipe (>= 98% test accuracy)")
    out("  neuronnet compare iris           both models per epoch, with their time ratio")
    out("  neuronnet train --help           every recipe and option")
    out("  neuronnet pitfalls               the classic backprop bugs, each caught by a property")


def _stop_if_interrupted(run):
    """A section stopped by Ctrl-C ends the tour: no next section, no "tour done"."""
    if run["interrupted"]:
        raise Stopped(received() or signal.SIGINT)
