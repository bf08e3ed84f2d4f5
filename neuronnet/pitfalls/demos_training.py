"""The demos of the mistakes in training: momentum, the best model, the schedule, evaluation,
initialization, the summed loss, the sampled mode, the split."""

import numpy as np

from .. import training
from ..losses import CrossEntropy
from ..training import Dataset
from ..training.schedules import LossThreshold
from . import variants
from .catalogue import get
from .demo_kit import (
    DemoResult,
    Plot,
    blobs,
    compare_training,
    curve,
    epochs_table,
    final_value,
    make_net,
    mnist_subset,
    run_training,
)
from .variants import REAL


def momentum(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = mnist_subset(rng)
    sizes, acts = [784, 30, 10], ["sigmoid", "identity"]
    lr, mu = 0.1, 0.9
    return compare_training(
        "momentum-overwrites-weights",
        "1,000 MNIST digits, 784-30-10 sigmoid, momentum lr 0.1, mu 0.9, batches of 32",
        lambda: make_net(REAL, sizes, acts, "cross_entropy", seed),
        lambda: make_net(REAL, sizes, acts, "cross_entropy", seed),
        train_data, valid_data, seed, "validation accuracy after 4 epochs", "valid_accuracy",
        lower_is_better=False, label="valid acc", epochs=4, batch_size=32, lr=lr, momentum=mu,
        optimizer="momentum",
        # The trainer hands the optimizer to train_step, which takes a name or an object.
        buggy={"optimizer": variants.MomentumWithoutVelocity(lr, mu)})


def best_model(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = blobs(rng, 24, name="train"), blobs(rng, 60, name="valid")
    sizes, acts = [2, 40, 3], ["tanh", "identity"]
    runs = []
    for train in (variants.train_with_aliased_best, training.train):
        result = run_training(make_net(REAL, sizes, acts, "cross_entropy", seed), train_data, valid_data,
                        seed, train=train, epochs=60, batch_size=8, optimizer="momentum",
                        lr=0.1)
        runs.append((result, training.evaluate(result.best_model, valid_data).loss))
    (buggy, b_loss), (fixed, f_loss) = runs
    lines = ["the live network's validation loss, the same in both runs:"]
    lines += epochs_table([buggy, fixed], "valid_loss", "valid loss")
    lines += [f"best epoch reported: {buggy.best_epoch} (both runs), lowest validation loss "
              f"{min(fixed.history['valid_loss']):.5f}",
              f"validation loss of the returned best model: buggy {b_loss:.5f} (the last "
              f"epoch's), fixed {f_loss:.5f}"]
    # What each loop holds as "the best model" after every epoch: the aliased one is the live
    # network itself (so its loss is the live loss), the snapshot keeps the lowest so far.
    held = {"buggy": buggy.history["valid_loss"],
            "fixed": list(np.minimum.accumulate(fixed.history["valid_loss"]))}
    return DemoResult("best-model-aliasing", "24 noisy 2-D points in 3 classes, 2-40-3 tanh, "
                      "60 epochs: it overfits, so the validation loss turns up",
                      "validation loss of the returned best model", b_loss, f_loss, True, lines,
                      Plot("curves", "validation loss of the returned best model", "epoch",
                           held))


def schedule(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = curve(rng, np.sin, 200, "train"), curve(rng, np.sin, 200, "valid")
    steps = [(0.05, 0.05), (0.02, 0.03), (0.01, 0.02), (0.005, 0.01)]
    runs = []
    for cls in (variants.LossThresholdLargestFirst, LossThreshold):
        runs.append(run_training(make_net(REAL, [1, 10, 1], ["tanh", "identity"], "half_mse", seed),
                           train_data, valid_data, seed, epochs=60, batch_size=20,
                           optimizer="sgd", schedule=cls(0.1, steps)))
    buggy, fixed = runs
    lines = [f"schedule: lr 0.1 above every threshold, then {steps} (loss threshold, rate)"]
    lines += epochs_table(runs, "lr", "rate", fmt="{:>12.3g}")
    lines += epochs_table(runs, "train_loss", "train loss")
    used = [len(set(r.history["lr"])) for r in runs]
    lines.append(f"distinct rates used: buggy {used[0]}, fixed {used[1]} of {len(steps) + 1}")
    lines.append("on this smooth problem the larger rate the buggy schedule keeps happens to "
                 "fit faster: the bug is not a worse fit but a schedule that cannot do what it "
                 "says (three of its four branches never run)")
    return DemoResult("unreachable-schedule", "sin(x), 1-10-1 tanh, SGD with the coursework's "
                      "loss-threshold schedule", "distinct learning rates used", used[0],
                      used[1], False, lines,
                      Plot("curves", "learning rate", "epoch",
                           {"buggy": buggy.history["lr"], "fixed": fixed.history["lr"]}))


def backprop_on_test(seed):
    rng = np.random.default_rng(seed)
    train_data, test_data = blobs(rng, 60, name="train"), blobs(rng, 60, name="test")
    runs = []
    for evaluate in (variants.evaluate_with_backprop, training.evaluate):
        model = make_net(REAL, [2, 10, 3], ["tanh", "identity"], "cross_entropy", seed)
        run_training(model, train_data, None, seed, epochs=5, batch_size=10, optimizer="momentum",
               lr=0.1)
        before = model.parameters()
        reports, drifts = [], []
        for _ in range(5):
            reports.append(evaluate(model, test_data, batch_size=10))
            drifts.append(max(float(np.max(np.abs(a - b)))
                              for a, b in zip(before, model.parameters())))
        runs.append(([r.loss for r in reports], [r.accuracy for r in reports], drifts[-1],
                     drifts))
    lines = [f"{'evaluation':>10} {'buggy test loss':>16} {'fixed test loss':>16} "
             f"{'buggy acc %':>12} {'fixed acc %':>12}"]
    for k in range(5):
        lines.append(f"{k + 1:>10} {runs[0][0][k]:>16.5f} {runs[1][0][k]:>16.5f} "
                     f"{100 * runs[0][1][k]:>12.2f} {100 * runs[1][1][k]:>12.2f}")
    lines.append(f"largest parameter change made by 5 evaluations: buggy {runs[0][2]:.3g}, "
                 f"fixed {runs[1][2]:.3g}")
    return DemoResult("backprop-on-test", "a 2-10-3 tanh classifier trained 5 epochs, then its "
                      "test set evaluated 5 times", "largest parameter change made by "
                      "evaluating", runs[0][2], runs[1][2], True, lines,
                      Plot("curves", "largest parameter change", "evaluations of the test set",
                           {"buggy": runs[0][3], "fixed": runs[1][3]}))


def biased_init(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = mnist_subset(rng)
    sizes, acts = [784, 30, 10], ["sigmoid", "identity"]
    return compare_training(
        "biased-init", "1,000 MNIST digits, 784-30-10 sigmoid, momentum lr 0.1: weights from "
        "normal(-0.1, 0.02) (source 004) vs Glorot uniform",
        lambda: make_net(REAL, sizes, acts, "cross_entropy", seed, variants.normal_shifted_negative),
        lambda: make_net(REAL, sizes, acts, "cross_entropy", seed), train_data, valid_data, seed,
        "validation accuracy after 4 epochs", "valid_accuracy", lower_is_better=False,
        label="valid acc", epochs=4, batch_size=32, optimizer="momentum", lr=0.1)


def summed_loss(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = blobs(rng, 256, name="train"), blobs(rng, 120, name="valid")
    X, Y = valid_data.batch(slice(None))
    p = get("summed-loss")
    sizes, acts = [2, 16, 3], ["tanh", "identity"]
    runs, mean_losses, per_epoch = [], [], []
    for factory in (p.factory, REAL):
        model = make_net(factory, sizes, acts, "cross_entropy", seed)
        # Judged by the real (mean) cross-entropy: the buggy model's own loss is a sum.
        judged = []
        runs.append(run_training(model, train_data, valid_data, seed, epochs=20, batch_size=64,
                                 optimizer="sgd", lr=0.5, on_epoch=lambda row, m=model: judged.append(
                                     CrossEntropy().value(m.forward(X), Y))))
        mean_losses.append(CrossEntropy().value(model.forward(X), Y))
        per_epoch.append(judged)
    lines = ["mean validation cross-entropy per epoch (the buggy model's own loss is a sum):",
             f"{'epoch':>6} {'buggy':>12} {'fixed':>12}"]
    lines += [f"{e + 1:>6} {b:>12.4g} {f:>12.4g}" for e, (b, f) in enumerate(zip(*per_epoch))
              if e % 4 == 0 or e == len(per_epoch[0]) - 1]
    lines.append(f"mean validation cross-entropy after 20 epochs: buggy {mean_losses[0]:.4g}, "
                 f"fixed {mean_losses[1]:.4g} (the summed loss steps 64 times too far)")
    return DemoResult(p.id, "256 2-D points in 3 classes, 2-16-3 tanh, SGD lr 0.5 with batches "
                      "of 64 (the summed gradient is 64 times the mean)",
                      "mean validation cross-entropy after 20 epochs", mean_losses[0],
                      mean_losses[1], True, lines,
                      Plot("curves", "mean validation cross-entropy", "epoch",
                           {"buggy": per_epoch[0], "fixed": per_epoch[1]}))


def sampled(seed):
    rng = np.random.default_rng(seed)
    train_data, valid_data = curve(rng, np.sin, 200, "train"), curve(rng, np.sin, 200, "valid")
    sizes, acts = [1, 10, 1], ["tanh", "identity"]
    runs = []
    for mode in ("sampled", "online"):
        runs.append(run_training(make_net(REAL, sizes, acts, "half_mse", seed), train_data, valid_data,
                           seed, epochs=30, batch_mode=mode, batch_size=20, optimizer="sgd",
                           lr=0.05))
    lines = ["the same 30 epochs: sampled with k = 20 backpropagates 10 of the 200 samples per "
             "epoch, online all 200"] + epochs_table(runs, "valid_loss", "valid loss")
    labels = ("sampled, k = 20 (the coursework's)", "online (every sample)")
    return DemoResult("sampled-backprop", "sin(x), 1-10-1 tanh, SGD lr 0.05, 30 epochs",
                      "validation half-MSE after 30 epochs", final_value(runs[0]),
                      final_value(runs[1]), True, lines,
                      Plot("curves", "validation half-MSE", "epoch",
                           dict(zip(labels, (r.history["valid_loss"] for r in runs)))), labels)


def test_copy(seed):
    rng = np.random.default_rng(seed)
    points = blobs(rng, 90, spread=1.6)
    # Eight features of pure noise next to the two that matter: room to memorise.
    X = np.hstack([points.X, rng.standard_normal((90, 8))])
    full = Dataset(X, labels=points.labels, n_classes=3)
    sizes, acts = [10, 40, 3], ["tanh", "identity"]
    gaps, lines = [], []
    for name, split in (("buggy", variants.split_test_from_train),
                        ("fixed", training.split_indices)):
        train, valid, test = split(full.labels, (0.6, 0.2, 0.2), np.random.default_rng(seed))
        unseen = np.setdiff1d(np.arange(len(full)), np.concatenate([train, valid]))
        model = make_net(REAL, sizes, acts, "cross_entropy", seed)
        run_training(model, full.subset(train), full.subset(valid), seed, epochs=100, batch_size=9,
               optimizer="momentum", lr=0.1)
        reported = training.evaluate(model, full.subset(test)).accuracy
        truth = training.evaluate(model, full.subset(unseen)).accuracy
        gaps.append(reported - truth)
        lines.append(f"{name}: reported test accuracy {100 * reported:.1f}%; on the {len(unseen)}"
                     f" rows it never trained on {100 * truth:.1f}%")
    return DemoResult("test-is-training-copy", "90 points in 3 classes, 2 informative features "
                      "and 8 of noise, 10-40-3 tanh trained 100 epochs (it memorises)",
                      "reported test accuracy minus accuracy on unseen rows", gaps[0], gaps[1],
                      True, lines, Plot("bars", "reported test accuracy minus accuracy on "
                                        "unseen rows", series={"buggy": gaps[0],
                                                               "fixed": gaps[1]}))
