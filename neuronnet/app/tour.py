"""The quick tour (``neuronnet`` with no command): the two models agreeing on iris, a neuron
network fitting sin, and the PNG digits; then where to go next."""
import signal
import time

from .compare_command import compare_recipe
from .stops import Stopped, received
from .train_command import train_recipe

SIN_EPOCHS = 1000    # half the recipe's: the tour stays under about 15 s


def tour(seed=0, data_dir=None, out=print):
    start = time.perf_counter()
    out("== 1. Two implementations, one start =================================================")
    out("The object-per-neuron network and the vectorized reference train side by side on iris")
    out("from the same weights and the same sample order: their parameters stay equal to rounding")
    out("(a few 1e-15 apart after 200 epochs).")
    compare_recipe("iris", seed=seed, data_dir=data_dir, out=out)
    out("")
    out("== 2. Regression: a neuron network fits sin(x) ======================================")
    out("A 1-20-1 network (tanh hidden neurons, a linear output neuron) learns y = sin(x) on")
    out("[-pi, pi] from noisy samples, as the coursework's first experiment did: "
        f"{SIN_EPOCHS} epochs here")
    out("(`neuronnet train sin` runs the recipe's 2000, with its per-epoch table).")
    run = train_recipe("sin", seed=seed, options={"epochs": SIN_EPOCHS}, quiet=True,
                       data_dir=data_dir, out=out)
    _stop_if_interrupted(run)
    # half-MSE = mean (y - sin x)^2 / 2, so sqrt(2 half-MSE) is the fit's RMS error.
    rms = (2 * run["test"].loss) ** 0.5
    out(f"The test points are noise-free, so sqrt(2 x half-MSE) = {rms:.4f} is the fit's "
        "typical")
    out("distance from sin(x), whose peak is 1.")
    out("")
    out("== 3. Classification: the shipped PNG digits, one folder per class ==================")
    out("A 784-40-10 network (ReLU hidden neurons, softmax cross-entropy) classifies 28x28 digit")
    out("images read from one folder per class, the coursework's layout; 20 epochs. Chance is")
    out("10%; the confusion matrix: `neuronnet train digits-folder --save m.npz`, then")
    out("`neuronnet evaluate m.npz`.")
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
