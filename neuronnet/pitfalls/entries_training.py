"""The catalogue's entries about training: the loop, the schedule, the evaluation, the split and
the batch mode."""
from . import variants
from .pitfall import Marked, Pitfall, code

V = "neuronnet.pitfalls.variants"

ENTRIES = [
    Pitfall(
        id="best-model-aliasing", source="004", kind="bug", component="trainer",
        title="best_net = self: the \"best\" model is the live object, so it ends as the last one",
        did="At each new lowest validation loss the loop wrote best_net = self (and the epoch), "
            "and returned best_net when training ended.",
        why="An assignment makes a second name for the same object, not a copy. The network "
            "went on training after its best epoch, so the \"best\" model returned is the model "
            "of the last epoch; only the epoch number printed is right.",
        symptom="The returned model's validation loss is the last epoch's, not the minimum the "
                "log announced; model selection and early stopping silently do nothing.",
        fix="Copy the parameters when the validation loss reaches a new minimum, and return a "
            "separate model holding that copy.",
        bug_code=code(f"{V}:train_with_aliased_best"),
        fix_code=code(Marked("neuronnet.training.loop")),
        variant=variants.train_with_aliased_best,
        caught_by=("best_model_is_a_snapshot_with_the_lowest_validation_loss",)),
    Pitfall(
        id="unreachable-schedule", source="000", kind="bug", component="schedule",
        title="if loss < 0.05: ... elif loss < 0.03: ...: every branch after the first is dead",
        did="The learning rate was chosen by if loss < 0.05 ... elif loss < 0.03 ... elif loss < "
            "0.015 ...: thresholds tested from the largest down.",
        why="Any loss below 0.03 is also below 0.05, so the first test wins and no elif after "
            "it can ever run: the rate drops once and never again.",
        symptom="The rate in the log stops at the first reduced value however low the loss "
                "goes; the fine-tuning the smaller rates were for never happens.",
        fix="Test the smallest threshold first (each owns the interval from itself down to the "
            "next), and refuse, when the schedule is built, rates that rise as the loss falls.",
        bug_code=code(f"{V}:LossThresholdLargestFirst.rate"),
        fix_code=code("neuronnet.training.schedules:LossThreshold.rate"),
        variant=variants.LossThresholdLargestFirst,
        caught_by=("loss_threshold_schedule_reaches_every_branch",)),
    Pitfall(
        id="backprop-on-test", source="000", kind="bug", component="evaluation",
        title="the test loop calls backprop: the model trains on the test set",
        did="The test loop was a copy of the training loop and kept its call to the backward "
            "pass: every batch_size-th test sample was learned from.",
        why="A test score estimates performance on unseen data only if the model has not "
            "learned from that data. Here the model learns from the test set while it is being "
            "scored on it, and the model that leaves the test is not the one that entered.",
        symptom="A test accuracy that changes every time it is measured and creeps upwards; "
                "evaluating twice gives two answers.",
        fix="Evaluation is forward passes only: output_and_loss, which changes no parameter.",
        bug_code=code(f"{V}:evaluate_with_backprop"),
        fix_code=code(Marked("neuronnet.training.evaluation")),
        variant=variants.evaluate_with_backprop,
        caught_by=("evaluation_changes_no_parameter",)),
    Pitfall(
        id="sampled-backprop", source="000", kind="quirk", component="batch mode",
        title="\"mini-batch\" that backpropagates one sample in k, so 1/k of the data trains",
        did="Every sample went forward, but the backward pass ran only when i % batch_size == 0, "
            "on that one sample.",
        why="Not mini-batch gradient descent, which averages the gradients of all k samples, "
            "but online learning on 1/k of the data: with k = 20 an epoch learns from 10 of "
            "200 samples; the rest only add to the printed loss. (The source saw that larger "
            "\"batches\" gave smoother, slower fits: fewer samples were being learned from.)",
        symptom="Training needs about k times more epochs than online learning.",
        fix="batch_mode=\"minibatch\" for real mini-batches; batch_mode=\"sampled\" reproduces the "
            "coursework, and a property pins exactly what it does.",
        bug_code=code(Marked("neuronnet.batching", "QUIRK")),
        fix_code=code(Marked("neuronnet.batching")),
        variant="sampled",
        pinned_by=("sampled_mode_is_online_training_on_every_kth_sample",)),
    Pitfall(
        id="test-is-training-copy", source="000", kind="bug", component="split", further=True,
        title="the test images are a copy of the training images",
        did="Part 2 read its training set from train_data/train and its test set from "
            "train_copy/train: by the folder's name, a copy of the training images.",
        why="A test set must be data the model never trained on; scored on its own training "
            "images, a network reports its training accuracy, which says nothing about new "
            "images and hides overfitting.",
        symptom="A test accuracy equal to the training accuracy and well above what the model "
                "does on images it has not seen.",
        fix="One split into disjoint parts, the test rows kept out of training.",
        bug_code=code(f"{V}:split_test_from_train"),
        fix_code=code(Marked("neuronnet.training.splits")),
        variant=variants.split_test_from_train,
        caught_by=("split_is_a_partition",)),
]
