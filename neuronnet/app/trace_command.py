"""``neuronnet trace``: one step of backprop, neuron by neuron, every number checked.

By default a fresh network of the xor recipe (2-3-2, tanh, softmax cross-entropy) on its first
training sample. For every neuron: the forward pass with the numbers substituted, the backward
pass, the gradients and the optimizer's step; beside each quantity, whether it agrees with the
independent reference and, for a derivative, with a central difference of the loss.
``--optimizer``, ``--lr``, ``--momentum``, ``--loss`` and ``--l2`` trace another step than the
recipe's: RMSProp's and Adam's, binary cross-entropy's, an L2 penalty's.
"""
import json

import numpy as np

from ..guards import check_choice, check_real
from ..losses import LOSSES
from ..network import Network
from . import recipe_data, recipes
from .models import build_model, load_model, model_file_metadata
from .options import add_optimizer_options, penalty, seed_of
from .trace_text import trace_lines

# The recipe settings a traced step takes from the command line (the rest shape training).
STEP_OPTIONS = ("optimizer", "lr", "momentum")

HELP = "one backprop step, neuron by neuron, every number checked"
DESCRIPTION = ("Trace one forward, backward and update of a recipe's network on one training "
               "sample: each neuron's z = w . x + b and a = f(z) with the numbers substituted, "
               "its delta, dW and db, and its step; beside each quantity whether it agrees with "
               "the reference and with a central difference. Exit status 0 when every check "
               "agrees.")
EPILOG = recipes.help_text()


def add_arguments(parser):
    parser.add_argument("--recipe", choices=list(recipes.RECIPES),
                        metavar="RECIPE", help="the recipe whose network and data to trace "
                        "(default: xor, a 2-3-2 network that fits on a screen; with "
                        "--model-file, the file's recipe)")
    parser.add_argument("--sample", type=int, default=0, metavar="I",
                        help="which training sample (default 0)")
    parser.add_argument("--model-file", metavar="MODEL.npz",
                        help="trace a model saved by `neuronnet train --save` (its recipe "
                             "and seed come from the file) instead of a fresh one")
    parser.add_argument("--json", action="store_true", help="print the record as JSON")
    parser.add_argument("--plot", metavar="DIR",
                        help="draw the network as a PNG here (needs the 'plot' extra)")
    parser.add_argument("--gradients", action="store_true",
                        help="with --plot: label the edges with dW as well as W")
    group = parser.add_argument_group("the step traced (default: the recipe's)")
    add_optimizer_options(group)
    group.add_argument("--loss", choices=list(LOSSES),
                       help="the loss of the output (the recipe's output layer is identity: "
                            "its a are the logits); binary_cross_entropy: a sigmoid and a "
                            "yes/no cross-entropy per output")
    group.add_argument("--l2", type=penalty, default=0.0, metavar="L2",
                       help="the L2 penalty's strength (scikit-learn's alpha): the loss adds "
                            "l2 / (2n) * sum of every weight squared, each dW (l2 / n) w "
                            "(default 0)")


def trace_recipe(recipe_name=None, *, sample=0, model_file=None, seed=0, data_dir=None,
                 options=None, loss=None, l2=0.0):
    """(record, recipe, counts): the trace of one step of a recipe's network on a training
    sample, marked against the reference and central differences. ``recipe_name`` None: xor,
    or with ``model_file`` the recipe the file was trained on; another one is refused, as the
    file's network would not fit that recipe's data. ``options``: the step's optimizer, lr
    and momentum by name (None: the recipe's; one the step would not use is refused);
    ``loss``: another loss than the recipe's (or the file's); ``l2``: the L2 penalty."""
    options = {name: value for name, value in (options or {}).items() if value is not None}
    unknown = sorted(set(options) - set(STEP_OPTIONS))
    if unknown:
        raise TypeError(f"options: got {unknown[0]!r}; expected some of {list(STEP_OPTIONS)}")
    if loss is not None:
        check_choice("loss", loss, LOSSES)
    l2 = check_real("l2", l2, low=0.0)
    if model_file is not None:
        from .tables import printable
        saved = model_file_metadata(model_file).get("recipe", "xor")
        if recipe_name is not None and recipe_name != saved:
            raise ValueError(f"--recipe: got {recipe_name}; expected {printable(saved)}, the "
                             f"recipe {printable(model_file)} was trained on (leave --recipe "
                             "out)")
        recipe_name = saved
    recipe_name = "xor" if recipe_name is None else recipe_name
    recipe = recipes.configured(recipe_name, options)
    split_rng, init_rng, _ = recipes.seeds(seed)
    splits = recipe_data.load(recipe.data, split_rng, data_dir)
    n = len(splits.train)
    if not 0 <= sample < n:
        raise ValueError(f"--sample: got {sample}; expected an index in [0, {n - 1}] of the "
                         f"{n} training samples of {recipe.name}")
    if model_file is not None:
        net, _ = load_model(model_file, "neuron", splits.train.n_features,
                            splits.train.n_outputs)
    else:
        net = build_model("neuron", recipe, splits, init_rng)
    if loss is not None or l2:
        net = Network.from_layers(net.layers, loss=loss or net.loss_name, l2=l2)
    X, T = splits.train.batch(np.array([sample]))
    try:
        net.loss_function.check_targets(T)
    except ValueError as error:
        raise ValueError(f"--loss: got {loss}; expected a loss the targets of {recipe.name} "
                         f"suit, such as the recipe's own {recipe.loss} ({loss} refused "
                         f"training sample {sample}'s target: {error})") from None
    s = recipe.settings
    record = net.trace(X, T, optimizer=s.optimizer, lr=s.lr, momentum=s.momentum)
    return record, recipe, mark(record, net)


def mark(record, net):
    """Compare every quantity of ``record`` with the reference (the same parameters in
    ``reference.MLP``, the reference's own optimizer from the same state), and every
    derivative with its central difference. Fills each NeuronStep's ``checks``: quantity ->
    (verdict, the other value). Returns the counts."""
    from reference import MLP, log_sigmoid

    from ..gradcheck import excess_over_bound
    from ..verify.checks.tolerances import FORWARD_TOL, GRADIENT_TOL
    params = net.parameters()
    ref = MLP.from_arrays(params[0::2], params[1::2], record.activations, record.loss,
                          l2=record.l2)
    loss = ref.loss(record.X, record.T)
    grads = ref.gradient(record.X, record.T)
    dL_da = ref.loss_layer.backward()
    p = getattr(ref.loss_layer, "p", None)
    if record.loss == "binary_cross_entropy":
        p = np.exp(log_sigmoid(ref.forward(record.X)))
    zs, deltas = ref.pre_activations(), ref.deltas()
    outs = [_sub(MLP, params, record.activations, l).forward(record.X)
            for l in range(len(zs))]
    counts = {"reference ok": 0, "reference DIFFERS": 0, "numeric ok": 0,
              "numeric DIFFERS": 0, "kink": 0}

    def close(mine, theirs, tol):
        rtol, atol = tol
        s = max(1.0, float(np.max(np.abs(theirs))))
        return bool(np.all(np.abs(np.asarray(mine) - theirs) <= atol * s + rtol * np.abs(theirs)))

    def judge(checks, pairs):
        for name, (mine, theirs, tol) in pairs.items():
            ok = close(mine, theirs, tol)
            checks[name] = ("reference ok" if ok else "reference DIFFERS", theirs)
            counts[checks[name][0]] += 1

    whole = {"loss": (record.loss_value, np.array(loss), FORWARD_TOL),
             "dL/da": (record.loss_gradient, dL_da, GRADIENT_TOL)}
    if record.probabilities is not None and p is not None:
        whole["p"] = (record.probabilities, p, FORWARD_TOL)
    if record.l2:
        unpenalized = MLP.from_arrays(params[0::2], params[1::2], record.activations,
                                      record.loss)
        whole["data loss"] = (record.data_loss, np.array(unpenalized.loss(record.X, record.T)),
                              FORWARD_TOL)
    judge(record.checks, whole)
    for l, steps in enumerate(record.neurons):
        for step in steps:
            j = step.index
            stepped = _reference_step(record, step, params[2 * l][j], params[2 * l + 1][j],
                                      grads[2 * l][j], grads[2 * l + 1][j])
            pairs = {"z": (step.z, zs[l][:, j], FORWARD_TOL), "a": (step.a, outs[l][:, j],
                                                                    FORWARD_TOL),
                     "delta": (step.delta, deltas[l][:, j], GRADIENT_TOL),
                     "dW": (step.dW, grads[2 * l][j], GRADIENT_TOL),
                     "db": (step.db, grads[2 * l + 1][j], GRADIENT_TOL)}
            names = ["w_new", "b_new", "v_new", "vb_new"]
            if record.keeps_squares:
                names += ["s_new", "sb_new"]
            pairs.update({name: (getattr(step, name), stepped[name], GRADIENT_TOL)
                          for name in names})
            if step.lr_t is not None:
                pairs["lr_t"] = (step.lr_t, _reference_lr_t(record.hyperparameters, step.t),
                                 GRADIENT_TOL)
            judge(step.checks, pairs)
            for name, numeric in step.numeric.items():
                mine = step.db if name == "db" else step.dW[int(name[3:-1])]
                if numeric is None:
                    verdict = "kink"
                else:
                    ok = excess_over_bound(mine, numeric) <= 0
                    verdict = "numeric ok" if ok else "numeric DIFFERS"
                step.checks["numeric " + name] = (verdict, numeric)
                counts[verdict] += 1
    return counts


def _reference_step(record, step, w, b, dW, db):
    """The reference optimizer's update of one neuron (its weights and bias as the reference
    has them, the reference's gradient) from the velocity and mean square the traced neuron
    held, at its step number: the new w, b, v, vb, s, sb."""
    from reference import OPTIMIZERS
    opt = OPTIMIZERS[record.optimizer](**record.hyperparameters)
    state = {"w_new": w.copy(), "b_new": np.array(b, dtype=float),
             "v_new": step.v.copy(), "vb_new": np.array(step.vb),
             "s_new": step.s.copy(), "sb_new": np.array(step.sb)}
    opt.update([state["w_new"], state["b_new"]], [dW, np.array(db)],
               [state["v_new"], state["vb_new"]], [state["s_new"], state["sb_new"]], step.t)
    return state


def _reference_lr_t(hyperparameters, t):
    """The bias-corrected rate the reference's Adam uses at step t. It keeps that rate inside
    ``update``, so it is read off a probe: one step of a unit gradient from w = 0 and zero
    moments with eps = 0 moves w to -lr_t * (1 - beta1) / sqrt(1 - beta2)."""
    from reference import Adam
    settings = dict(hyperparameters, eps=0.0)
    w = np.zeros(1)
    Adam(**settings).update([w], [np.ones(1)], [np.zeros(1)], [np.zeros(1)], t)
    return -w[0] * np.sqrt(1.0 - settings["beta2"]) / (1.0 - settings["beta1"])


def _sub(MLP, params, activations, l):
    """The reference cut after layer l: its output is a_l."""
    return MLP.from_arrays(params[0:2 * l + 2:2], params[1:2 * l + 2:2], activations[:l + 1],
                           "half_mse")


def main(args, out=print):
    """0 when every check agrees, else 1."""
    seed = seed_of(args)
    if args.plot is not None:
        from .train_command import check_plot_dir
        check_plot_dir(args.plot)
    record, recipe, counts = trace_recipe(
        args.recipe, sample=args.sample, model_file=args.model_file, seed=seed,
        data_dir=args.data_dir, options={name: getattr(args, name) for name in STEP_OPTIONS},
        loss=args.loss, l2=args.l2)
    if args.json:
        out(json.dumps(to_dict(record, counts), indent=1))
    else:
        for line in trace_lines(record, recipe, counts, args.sample):
            out(line)
    if args.plot is not None:
        from pathlib import Path

        from .network_figure import network_plot
        path = Path(args.plot) / f"{recipe.name}-trace.png"
        Path(args.plot).mkdir(parents=True, exist_ok=True)
        network_plot(record, path, gradients=args.gradients,
                     title=f"{recipe.name}: one step on training sample {args.sample}")
        if not args.json:
            out(f"plot: {path}")
    return 0 if counts["reference DIFFERS"] == counts["numeric DIFFERS"] == 0 else 1


def to_dict(record, counts):
    def plain(v):
        return v.tolist() if isinstance(v, np.ndarray) else v
    neurons = [[{k: plain(getattr(step, k)) for k in (
        "layer", "index", "activation", "w", "b", "z", "a", "dL_da", "slope", "delta", "dW", "db",
        "w_new", "b_new", "v", "vb", "v_new", "vb_new", "s", "sb", "s_new", "sb_new", "t",
        "lr_t", "numeric")} | {"checks": {k: [v[0], plain(v[1])]
                                                    for k, v in step.checks.items()}}
        for step in steps] for steps in record.neurons]
    return {"sizes": record.sizes, "activations": record.activations, "loss": record.loss,
            "X": plain(record.X), "T": plain(record.T), "output": plain(record.output),
            "loss_value": record.loss_value, "loss_gradient": plain(record.loss_gradient),
            "optimizer": record.optimizer, "lr": record.lr, "momentum": record.momentum,
            "hyperparameters": record.hyperparameters, "l2": record.l2,
            "data_loss": record.data_loss, "weight_squares": record.weight_squares,
            "loss_after": record.loss_after, "probabilities": plain(record.probabilities),
            "checks": {k: [v[0], plain(v[1])] for k, v in record.checks.items()},
            "neurons": neurons, "counts": counts}

