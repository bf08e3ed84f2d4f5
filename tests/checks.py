"""The generic property suite (docs DESIGN.md, items 1-13) as plain functions.

Every check takes the components under test as arguments — a model factory, a model, an
activation, a loss, an optimizer, data — and raises ``AssertionError`` with a readable message
(the architecture, the input, mine vs the expected value, the relative error) when the property
does not hold. Nothing here imports ``neuronnet`` or ``reference``: the same functions judge the
real components and the deliberately buggy variants of the pitfall catalogue.

Conventions
-----------
- A *model* has ``forward(X)``, ``loss(X, Y)``, ``gradient(X, Y) -> [dW_0, db_0, ...]``,
  ``deltas()``, ``parameters()``, ``set_parameters(params)``, ``train_step(...)`` and ``fit(...)``
  as in docs/semantics.md.
- A *factory* is ``make(weights, biases, activations, loss) -> model`` (the signature of
  ``neuronnet.convert.from_arrays`` and ``reference.MLP.from_arrays``). A buggy variant is made by
  a factory that swaps a component in; the reference factory is always given plain names.
- A :class:`Case` is one network and one batch: ``weights``, ``biases``, ``activations`` (names),
  ``loss`` (name), ``X``, ``Y``.

Tolerances are DESIGN.md's "Tolerance policy", nothing wider: every absolute tolerance is scaled
by ``s = max(1, max|reference|)``.
"""
from dataclasses import dataclass, field

import numpy as np

# (rtol, atol_scale) pairs of the tolerance policy.
FORWARD_TOL = (1e-10, 1e-12)      # forward outputs and losses
GRADIENT_TOL = (1e-9, 1e-11)      # gradients and deltas
TRAJECTORY_TOL = (1e-8, 1e-10)    # parameters after up to 50 training steps (lr <= 0.1)

# Numeric gradients (central differences): the pass rule of the policy.
NUMERIC_REL_BOUND = 1e-6          # ||g - g_num|| / max(||g||, ||g_num||, 1e-8)
NUMERIC_ABS = 1e-7                # elementwise |g - g_num| <= 1e-7 + 1e-5 |g_num|
NUMERIC_ELEMENT_RTOL = 1e-5

PARAM_ORDER_DOC = "[W_0, b_0, W_1, b_1, ...]"


# --------------------------------------------------------------------------------------------
# Formatting and the core comparison
# --------------------------------------------------------------------------------------------
def fmt(array):
    """An array printed with every digit that matters (17 significant digits)."""
    with np.printoptions(precision=17, threshold=80, linewidth=110, floatmode="maxprec"):
        return np.array2string(np.asarray(array, dtype=np.float64), prefix="    ")


def param_names(n):
    return [f"{'W' if k % 2 == 0 else 'b'}_{k // 2}" for k in range(n)]


def assert_close(name, mine, ref, rtol, atol_scale, context=""):
    """Elementwise ``|mine - ref| <= atol_scale * s + rtol * |ref|`` with ``s = max(1, max|ref|)``.

    On failure: an AssertionError in numpy-ml's style — the quantity, the context (architecture
    and input), the tolerance, how many elements mismatched, the worst one (mine, reference,
    absolute and relative error) and both arrays in full precision.
    """
    mine = np.asarray(mine, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    head = f"{name}: mine vs reference"
    ctx = f"\n{context}" if context else ""
    if mine.shape != ref.shape:
        raise AssertionError(f"{head}: shapes differ: mine {mine.shape}, reference {ref.shape}"
                             f"{ctx}\n  mine:\n    {fmt(mine)}\n  reference:\n    {fmt(ref)}")
    finite_ref = ref[np.isfinite(ref)]
    s = max(1.0, float(np.max(np.abs(finite_ref)))) if finite_ref.size else 1.0
    atol = atol_scale * s
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(mine - ref)
        ok = (diff <= atol + rtol * np.abs(ref)) | (mine == ref)
    if ok.all():
        return
    bad = ~ok
    diff_for_max = np.where(np.isnan(diff), np.inf, diff)
    worst = np.unravel_index(np.argmax(np.where(bad, diff_for_max, -1.0)), ref.shape)
    worst = tuple(int(i) for i in worst)
    m, r = float(mine[worst]), float(ref[worst])
    d = abs(m - r)
    rel = d / abs(r) if r != 0 else float("inf")
    raise AssertionError(
        f"{head} differ{ctx}\n"
        f"  tolerance: |mine - ref| <= {atol_scale:g}*s + {rtol:g}*|ref|, s = max(1, max|ref|) "
        f"= {s:.6g}\n"
        f"  mismatched: {int(bad.sum())} of {ref.size} elements\n"
        f"  worst at index {worst}: mine {m!r}, reference {r!r}, |diff| {d:.3e}, "
        f"relative error {rel:.3e}\n"
        f"  mine:\n    {fmt(mine)}\n  reference:\n    {fmt(ref)}")


def assert_equal(name, mine, ref, context=""):
    """Bitwise equality (``==`` per element, so -0.0 == 0.0; NaN never equals)."""
    mine = np.asarray(mine, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    ctx = f"\n{context}" if context else ""
    if mine.shape != ref.shape:
        raise AssertionError(f"{name}: shapes differ: got {mine.shape}, expected {ref.shape}"
                             f"{ctx}")
    bad = ~(mine == ref)
    if bad.any():
        worst = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(
            f"{name}: not bitwise equal{ctx}\n  {int(bad.sum())} of {ref.size} elements differ;"
            f" first at {worst}: got {float(mine[worst])!r}, expected {float(ref[worst])!r}\n"
            f"  got:\n    {fmt(mine)}\n  expected:\n    {fmt(ref)}")


def assert_params(name, mine, ref, tol, context=""):
    """A parameter list (or gradient list) ``[W_0, b_0, ...]``; ``tol`` is None for bitwise."""
    if len(mine) != len(ref):
        raise AssertionError(f"{name}: got {len(mine)} arrays, expected {len(ref)} "
                             f"({PARAM_ORDER_DOC})\n{context}")
    for pname, m, r in zip(param_names(len(ref)), mine, ref):
        if tol is None:
            assert_equal(f"{name} {pname}", m, r, context)
        else:
            assert_close(f"{name} {pname}", m, r, *tol, context=context)


def _call(what, fn, *args, context="", **kwargs):
    """Run fn; an exception becomes an AssertionError that says which call raised."""
    try:
        return fn(*args, **kwargs)
    except AssertionError:
        raise
    except Exception as exc:  # noqa: BLE001 - any exception is the finding
        raise AssertionError(f"{what} raised {type(exc).__name__}: {exc}\n{context}") from exc


# --------------------------------------------------------------------------------------------
# A case: one network and one batch
# --------------------------------------------------------------------------------------------
@dataclass
class Case:
    weights: list
    biases: list
    activations: list
    loss: str
    X: np.ndarray
    Y: np.ndarray
    note: str = field(default="")

    @property
    def sizes(self):
        return [self.weights[0].shape[1]] + [W.shape[0] for W in self.weights]

    def params(self):
        """Fresh copies, [W_0, b_0, ...]."""
        out = []
        for W, b in zip(self.weights, self.biases):
            out += [np.array(W, dtype=np.float64), np.array(b, dtype=np.float64)]
        return out

    def build(self, make, loss=None, activations=None):
        """A model from ``make`` with copies of this case's parameters."""
        return make([np.array(W, dtype=np.float64) for W in self.weights],
                    [np.array(b, dtype=np.float64) for b in self.biases],
                    list(self.activations if activations is None else activations),
                    self.loss if loss is None else loss)

    def replace(self, **changes):
        values = dict(weights=self.weights, biases=self.biases, activations=self.activations,
                      loss=self.loss, X=self.X, Y=self.Y, note=self.note)
        values.update(changes)
        return Case(**values)

    def describe(self):
        lines = [f"  architecture {self.sizes}, activations {list(self.activations)}, "
                 f"loss {self.loss!r}, batch of {self.X.shape[0]}"]
        if self.note:
            lines.append(f"  {self.note}")
        if self.X.size <= 64:
            lines.append(f"  X =\n    {fmt(self.X)}")
            lines.append(f"  Y =\n    {fmt(self.Y)}")
        else:
            lines.append(f"  X: shape {self.X.shape}, |X| <= {np.max(np.abs(self.X)):.3g}")
        n_params = sum(W.size + b.size for W, b in zip(self.weights, self.biases))
        if n_params <= 64:
            for l, (W, b) in enumerate(zip(self.weights, self.biases)):
                lines.append(f"  W_{l} =\n    {fmt(W)}\n  b_{l} = {fmt(b)}")
        return "\n".join(lines)


def _flat(arrays):
    return np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.zeros(0)


# --------------------------------------------------------------------------------------------
# Items 1-2: forward, loss, deltas and gradients equal the reference's
# --------------------------------------------------------------------------------------------
def check_forward_matches(make_mine, make_ref, case):
    """Item 1: forward output and loss equal the reference's (forward tolerance)."""
    ctx = case.describe()
    mine, ref = case.build(make_mine), case.build(make_ref)
    out_m = _call("mine.forward(X)", mine.forward, case.X, context=ctx)
    out_r = ref.forward(case.X)
    assert_close("forward output", out_m, out_r, *FORWARD_TOL, context=ctx)
    loss_m = _call("mine.loss(X, Y)", mine.loss, case.X, case.Y, context=ctx)
    loss_r = ref.loss(case.X, case.Y)
    assert_close("loss", loss_m, loss_r, *FORWARD_TOL, context=ctx)


def check_backward_matches(make_mine, make_ref, case):
    """Item 2: every layer's delta, dW and db equal the reference's (gradient tolerance)."""
    ctx = case.describe()
    mine, ref = case.build(make_mine), case.build(make_ref)
    g_m = _call("mine.gradient(X, Y)", mine.gradient, case.X, case.Y, context=ctx)
    g_r = ref.gradient(case.X, case.Y)
    d_m, d_r = mine.deltas(), ref.deltas()
    if len(d_m) != len(d_r):
        raise AssertionError(f"deltas: got {len(d_m)} layers, expected {len(d_r)}\n{ctx}")
    # Deltas from the output side down: the first mismatch names where backprop went wrong.
    for l in range(len(d_r) - 1, -1, -1):
        assert_close(f"delta_{l} (layer {l} of {len(d_r)})", d_m[l], d_r[l], *GRADIENT_TOL,
                     context=ctx)
    assert_params("gradient", g_m, g_r, GRADIENT_TOL, ctx)


def reference_pre_activations(make_ref, case):
    """z_l for every layer from the reference's public API alone: the reference network cut
    after layer l, with that layer's activation replaced by identity, outputs z_l."""
    zs = []
    for l in range(len(case.weights)):
        acts = list(case.activations[:l]) + ["identity"]
        sub = make_ref([np.array(W) for W in case.weights[:l + 1]],
                       [np.array(b) for b in case.biases[:l + 1]], acts, "half_mse")
        zs.append(sub.forward(case.X))
    return zs


def check_neuron_state_matches(make_mine, make_ref, case):
    """Items 1-2 at the level of the neuron objects: after ``gradient(X, Y)``, neuron j of layer
    l holds ``weights == W_l[j]``, ``bias == b_l[j]``, and ``z``, ``output``, ``delta``,
    ``grad_weights``, ``grad_bias`` equal the reference's column j / row j. Also catches a
    backward pass that overwrites a neuron's cached ``z`` or ``output``."""
    ctx = case.describe()
    mine, ref = case.build(make_mine), case.build(make_ref)
    _call("mine.gradient(X, Y)", mine.gradient, case.X, case.Y, context=ctx)
    g_r = ref.gradient(case.X, case.Y)
    d_r = ref.deltas()
    zs = reference_pre_activations(make_ref, case)
    for l, layer in enumerate(mine.layers):
        acts = list(case.activations[:l + 1])
        sub = make_ref([np.array(W) for W in case.weights[:l + 1]],
                       [np.array(b) for b in case.biases[:l + 1]], acts, "half_mse")
        a_l = sub.forward(case.X)
        if len(layer.neurons) != case.weights[l].shape[0]:
            raise AssertionError(f"layer {l}: {len(layer.neurons)} neurons, expected "
                                 f"{case.weights[l].shape[0]}\n{ctx}")
        for j, neuron in enumerate(layer.neurons):
            where = f"layer {l} neuron {j}"
            assert_equal(f"{where} weights", neuron.weights, case.weights[l][j], ctx)
            assert_equal(f"{where} bias", neuron.bias, case.biases[l][j], ctx)
            assert_close(f"{where} z (after backward)", neuron.z, zs[l][:, j], *FORWARD_TOL,
                         context=ctx)
            assert_close(f"{where} output (after backward)", neuron.output, a_l[:, j],
                         *FORWARD_TOL, context=ctx)
            assert_close(f"{where} delta", neuron.delta, d_r[l][:, j], *GRADIENT_TOL,
                         context=ctx)
            assert_close(f"{where} grad_weights", neuron.grad_weights, g_r[2 * l][j],
                         *GRADIENT_TOL, context=ctx)
            assert_close(f"{where} grad_bias", neuron.grad_bias, g_r[2 * l + 1][j],
                         *GRADIENT_TOL, context=ctx)


# --------------------------------------------------------------------------------------------
# Item 3: gradients equal numeric gradients
# --------------------------------------------------------------------------------------------
def numeric_gradient(model, X, Y):
    """Central differences per coordinate, ``h = 1e-5 * max(1, |theta_i|)``, dividing by the
    step actually taken. Written here, independently of ``neuronnet.gradcheck``."""
    base = model.parameters()
    out = []
    try:
        for k, p in enumerate(base):
            g = np.zeros_like(p, dtype=np.float64)
            for index in np.ndindex(p.shape):
                theta = float(p[index])
                h = 1e-5 * max(1.0, abs(theta))
                up = [q.copy() for q in base]
                up[k][index] = theta + h
                down = [q.copy() for q in base]
                down[k][index] = theta - h
                model.set_parameters(up)
                l_up = model.loss(X, Y)
                model.set_parameters(down)
                l_down = model.loss(X, Y)
                g[index] = (l_up - l_down) / ((theta + h) - (theta - h))
            out.append(g)
    finally:
        model.set_parameters(base)
    return out


def check_gradient_numeric(model, X, Y, context=""):
    """Item 3, exhaustive form: every coordinate of every parameter, biases included. Passes
    per parameter array when ``||g - g_num|| / max(||g||, ||g_num||, 1e-8) <= 1e-6`` and
    elementwise ``|g - g_num| <= 1e-7 + 1e-5 |g_num|``."""
    before = model.parameters()
    analytic = _call("model.gradient(X, Y)", model.gradient, X, Y, context=context)
    numeric = numeric_gradient(model, X, Y)
    assert_params("parameters after numeric differentiation", model.parameters(), before,
                  None, context)
    for name, g, g_num in zip(param_names(len(numeric)), analytic, numeric):
        g = np.asarray(g, dtype=np.float64)
        if g.shape != g_num.shape:
            raise AssertionError(f"d{name}: analytic shape {g.shape}, numeric {g_num.shape}\n"
                                 f"{context}")
        rel = float(np.linalg.norm(g - g_num)
                    / max(np.linalg.norm(g), np.linalg.norm(g_num), 1e-8))
        excess = np.abs(g - g_num) - (NUMERIC_ABS + NUMERIC_ELEMENT_RTOL * np.abs(g_num))
        if rel > NUMERIC_REL_BOUND or (excess > 0).any():
            worst = tuple(int(i) for i in np.unravel_index(np.argmax(excess), g.shape))
            raise AssertionError(
                f"d{name}: analytic gradient vs central differences differ\n{context}\n"
                f"  normwise relative error {rel:.3e} (bound {NUMERIC_REL_BOUND:g}); worst "
                f"element {worst}: analytic {float(g[worst])!r}, numeric "
                f"{float(g_num[worst])!r}\n  analytic:\n    {fmt(g)}\n  numeric:\n    "
                f"{fmt(g_num)}")
    return analytic, numeric


def directional_derivatives(model, X, Y, u):
    """(numeric, analytic): ``(L(t + h u) - L(t - h u)) / 2h`` with
    ``h = 1e-5 * max(1, max|t|)``, and ``<gradient, u>``."""
    base = model.parameters()
    analytic_grads = model.gradient(X, Y)
    h = 1e-5 * max(1.0, max(float(np.max(np.abs(p))) for p in base))
    try:
        model.set_parameters([p + h * d for p, d in zip(base, u)])
        l_up = model.loss(X, Y)
        model.set_parameters([p - h * d for p, d in zip(base, u)])
        l_down = model.loss(X, Y)
    finally:
        model.set_parameters(base)
    numeric = (l_up - l_down) / (2.0 * h)
    analytic = float(sum(np.sum(np.asarray(g) * d) for g, d in zip(analytic_grads, u)))
    return numeric, analytic


def random_direction(shapes, rng):
    u = [rng.standard_normal(s) for s in shapes]
    norm = np.sqrt(sum(float(np.sum(d * d)) for d in u))
    return [d / norm for d in u]


def check_gradient_directional(model, X, Y, u, context=""):
    """Item 3, directional form (cheap at any size): for the unit direction ``u`` (a list like
    the parameters), the central difference along u equals ``<gradient, u>`` under the policy's
    rule applied to the scalar."""
    numeric, analytic = _call("directional derivative", directional_derivatives, model, X, Y, u,
                              context=context)
    err = abs(numeric - analytic)
    rel = err / max(abs(numeric), abs(analytic), 1e-8)
    if rel > NUMERIC_REL_BOUND or err > NUMERIC_ABS + NUMERIC_ELEMENT_RTOL * abs(numeric):
        raise AssertionError(
            f"directional derivative: <gradient, u> vs central difference differ\n{context}\n"
            f"  analytic {analytic!r}, numeric {numeric!r}, relative error {rel:.3e} "
            f"(bound {NUMERIC_REL_BOUND:g})")
    return numeric, analytic


# --------------------------------------------------------------------------------------------
# Item 4: the batch gradient is the mean of per-sample gradients; duplication changes nothing
# --------------------------------------------------------------------------------------------
def check_batch_is_mean(model, X, Y, context=""):
    n = X.shape[0]
    loss = model.loss(X, Y)
    grad = model.gradient(X, Y)
    per_loss = [model.loss(X[i:i + 1], Y[i:i + 1]) for i in range(n)]
    per_grad = [model.gradient(X[i:i + 1], Y[i:i + 1]) for i in range(n)]
    mean_grad = [sum(g[k] for g in per_grad) / n for k in range(len(grad))]
    assert_close("batch loss vs mean of per-sample losses", loss, sum(per_loss) / n,
                 *FORWARD_TOL, context=context)
    assert_params("batch gradient vs mean of per-sample gradients", grad, mean_grad,
                  GRADIENT_TOL, context)


def check_batch_duplication(model, X, Y, context=""):
    loss = model.loss(X, Y)
    grad = model.gradient(X, Y)
    X2, Y2 = np.vstack([X, X]), np.vstack([Y, Y])
    ctx = f"{context}\n  the batch stacked on itself (2n rows)"
    assert_close("loss of the duplicated batch", model.loss(X2, Y2), loss, *FORWARD_TOL,
                 context=ctx)
    assert_params("gradient of the duplicated batch", model.gradient(X2, Y2), grad,
                  GRADIENT_TOL, ctx)


# --------------------------------------------------------------------------------------------
# Item 5: sample order
# --------------------------------------------------------------------------------------------
def check_sample_permutation(model, X, Y, perm, context=""):
    """Shuffling rows permutes the outputs; loss and gradient are unchanged."""
    ctx = f"{context}\n  row permutation {list(perm)}"
    out = model.forward(X)
    assert_close("forward(X[perm]) vs forward(X)[perm]", model.forward(X[perm]), out[perm],
                 *FORWARD_TOL, context=ctx)
    assert_close("loss of the shuffled batch", model.loss(X[perm], Y[perm]), model.loss(X, Y),
                 *FORWARD_TOL, context=ctx)
    assert_params("gradient of the shuffled batch", model.gradient(X[perm], Y[perm]),
                  model.gradient(X, Y), GRADIENT_TOL, ctx)


def check_rowwise_forward(model, X, context=""):
    """``forward(X)[i] == forward(X[i:i+1])`` for every row (forward tolerance: a BLAS
    matrix-vector product may sum a row in another order than a dot product does)."""
    out = model.forward(X)
    for i in range(X.shape[0]):
        assert_close(f"forward(X)[{i}] vs forward(X[{i}:{i + 1}])", out[i],
                     model.forward(X[i:i + 1])[0], *FORWARD_TOL, context=context)


# --------------------------------------------------------------------------------------------
# Item 6: permuting hidden neurons
# --------------------------------------------------------------------------------------------
def permute_hidden(case, layer, perm):
    """The case with hidden layer ``layer``'s neurons reordered: rows of W_l and b_l, columns of
    W_{l+1}."""
    W = [np.array(w) for w in case.weights]
    b = [np.array(v) for v in case.biases]
    W[layer] = W[layer][perm]
    b[layer] = b[layer][perm]
    W[layer + 1] = W[layer + 1][:, perm]
    return case.replace(weights=W, biases=b)


def check_hidden_permutation(make_model, case, layer, perm):
    ctx = f"{case.describe()}\n  hidden layer {layer} neurons permuted by {list(perm)}"
    if not 0 <= layer < len(case.weights) - 1:
        raise ValueError(f"layer {layer} is not a hidden layer of {case.sizes}")
    base = case.build(make_model)
    moved = permute_hidden(case, layer, perm).build(make_model)
    assert_close("forward output of the permuted net", moved.forward(case.X),
                 base.forward(case.X), *FORWARD_TOL, context=ctx)
    g = base.gradient(case.X, case.Y)
    d = base.deltas()
    g_p = moved.gradient(case.X, case.Y)
    d_p = moved.deltas()
    expected = [np.array(x) for x in g]
    expected[2 * layer] = expected[2 * layer][perm]
    expected[2 * layer + 1] = expected[2 * layer + 1][perm]
    expected[2 * layer + 2] = expected[2 * layer + 2][:, perm]
    assert_params("gradient of the permuted net vs permuted gradient", g_p, expected,
                  GRADIENT_TOL, ctx)
    expected_d = [np.array(x) for x in d]
    expected_d[layer] = expected_d[layer][:, perm]
    for l, (dm, de) in enumerate(zip(d_p, expected_d)):
        assert_close(f"delta_{l} of the permuted net", dm, de, *GRADIENT_TOL, context=ctx)


# --------------------------------------------------------------------------------------------
# Item 7: backward is linear in the upstream gradient
# --------------------------------------------------------------------------------------------
def check_zero_upstream(make_model, case):
    """Half-MSE with targets equal to the outputs gives dL/da = 0 exactly, so every delta and
    every gradient must be exactly zero (the loss too)."""
    model = case.build(make_model, loss="half_mse")
    Y = np.array(model.forward(case.X), dtype=np.float64)
    ctx = f"{case.describe()}\n  loss half_mse with Y = forward(X): upstream gradient exactly 0"
    assert_equal("loss at Y = forward(X)", model.loss(case.X, Y), 0.0, ctx)
    grads = model.gradient(case.X, Y)
    for name, g in zip(param_names(len(grads)), grads):
        assert_equal(f"d{name} with zero upstream gradient", g, np.zeros_like(g), ctx)
    for l, d in enumerate(model.deltas()):
        assert_equal(f"delta_{l} with zero upstream gradient", d, np.zeros_like(d), ctx)


def check_gradient_affine_in_targets(model, X, Y1, Y2, context=""):
    """Both losses have dL/da affine in the targets ((a - T)/n and (p - T)/n), and backward is
    linear in dL/da, so gradient(X, (Y1+Y2)/2) == (gradient(X, Y1) + gradient(X, Y2)) / 2."""
    g1 = model.gradient(X, Y1)
    g2 = model.gradient(X, Y2)
    gm = model.gradient(X, (Y1 + Y2) / 2.0)
    assert_params("gradient at the mean target vs mean of gradients", gm,
                  [(a + b) / 2.0 for a, b in zip(g1, g2)], GRADIENT_TOL,
                  f"{context}\n  Y1 =\n    {fmt(Y1)}\n  Y2 =\n    {fmt(Y2)}")


def check_layer_backward_linear(layer, inputs, upstream, context=""):
    """One layer of neurons (``layer.forward(inputs)``, ``layer.backward(grad_output)`` ->
    dL/dinputs, neurons with ``delta``, ``grad_weights``, ``grad_bias``, ``z``, ``output``):
    zero upstream gives exactly zero out; doubling the upstream gradient doubles everything
    exactly (a power of two scales without rounding); backward is additive; backward writes
    neither into the upstream array nor into the neurons' cached z and output."""
    inputs = np.array(inputs, dtype=np.float64)
    upstream = np.array(upstream, dtype=np.float64)
    ctx = f"{context}\n  inputs =\n    {fmt(inputs)}\n  upstream dL/da =\n    {fmt(upstream)}"
    layer.forward(inputs)
    cache = [(np.array(nr.z, copy=True), np.array(nr.output, copy=True))
             for nr in layer.neurons]

    def run(g):
        g_given = np.array(g, copy=True)
        back = layer.backward(g_given)
        assert_equal("upstream gradient after layer.backward (must not be written)", g_given, g,
                     ctx)
        for j, nr in enumerate(layer.neurons):
            assert_equal(f"neuron {j} cached z after backward", nr.z, cache[j][0], ctx)
            assert_equal(f"neuron {j} cached output after backward", nr.output, cache[j][1], ctx)
        state = [np.array(back, dtype=np.float64)]
        for nr in layer.neurons:
            state += [np.array(nr.delta, dtype=np.float64),
                      np.array(nr.grad_weights, dtype=np.float64),
                      np.array(nr.grad_bias, dtype=np.float64)]
        return state

    names = ["dL/dinputs"] + [f"neuron {j} {q}" for j in range(len(layer.neurons))
                              for q in ("delta", "grad_weights", "grad_bias")]
    zero = run(np.zeros_like(upstream))
    for name, z in zip(names, zero):
        assert_equal(f"{name} with zero upstream gradient", z, np.zeros_like(z), ctx)
    one = run(upstream)
    two = run(2.0 * upstream)
    for name, a, b in zip(names, one, two):
        # Doubling is exact in binary floating point except where gradual underflow rounds
        # (hypothesis found a sigmoid delta of 8.7e-309 from an upstream of 2.2e-308): bitwise
        # where the result is far above the subnormals, the gradient tolerance below 2**-900.
        normal = np.abs(2.0 * a) >= 2.0 ** -900
        assert_equal(f"{name} with doubled upstream vs doubled {name}", np.where(normal, b, 0.0),
                     np.where(normal, 2.0 * a, 0.0), ctx)
        assert_close(f"{name} with doubled upstream vs doubled {name}", b, 2.0 * a,
                     *GRADIENT_TOL, context=ctx)
    other = np.flip(upstream, axis=0) - 0.5
    three = run(other)
    both = run(upstream + other)
    for name, a, b, c in zip(names, one, three, both):
        assert_close(f"{name}: backward(g1 + g2) vs backward(g1) + backward(g2)", c, a + b,
                     *GRADIENT_TOL, context=ctx)


# --------------------------------------------------------------------------------------------
# Item 8: softmax and the losses
# --------------------------------------------------------------------------------------------
def stable_softmax(a):
    """The independent softmax these checks compare with (row max subtracted)."""
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def stable_log_softmax(a):
    a = np.asarray(a, dtype=np.float64)
    shifted = a - a.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def check_softmax(softmax, logits, context=""):
    """Rows sum to 1; shift-invariant, +1000 included, with no overflow or invalid operation;
    equal to the stable softmax."""
    logits = np.asarray(logits, dtype=np.float64)
    ctx = f"{context}\n  logits =\n    {fmt(logits)}"
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        p = _call("softmax(logits)", softmax, logits, context=ctx)
        p = np.asarray(p, dtype=np.float64)
        assert_close("softmax", p, stable_softmax(logits), *FORWARD_TOL, context=ctx)
        assert_close("softmax row sums", p.sum(axis=1), np.ones(p.shape[0]), *FORWARD_TOL,
                     context=ctx)
        for shift in (1.0, -7.5, 1000.0, -1000.0):
            q = _call(f"softmax(logits + {shift})", softmax, logits + shift, context=ctx)
            if not np.isfinite(q).all():
                raise AssertionError(f"softmax(logits + {shift}) is not finite:\n    {fmt(q)}"
                                     f"{ctx}")
            assert_close(f"softmax(logits + {shift}) vs softmax(logits)", q, p, *FORWARD_TOL,
                         context=ctx)


def check_cross_entropy(loss, logits, T, context=""):
    """The fused softmax cross-entropy: value equals -sum(T log_softmax)/n, the logit gradient is
    (p - T)/n with rows summing to 0, the loss at zero logits is log K, finite and >= 0 for
    logits +-1000 (no overflow, no log(0))."""
    logits = np.asarray(logits, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)
    n, K = logits.shape
    ctx = f"{context}\n  logits =\n    {fmt(logits)}\n  T =\n    {fmt(T)}"
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        value = _call("loss.value(a, T)", loss.value, logits, T, context=ctx)
        assert_close("cross-entropy value", value,
                     float(-np.sum(T * stable_log_softmax(logits)) / n), *FORWARD_TOL,
                     context=ctx)
        grad = np.asarray(_call("loss.gradient(a, T)", loss.gradient, logits, T, context=ctx))
        assert_close("cross-entropy logit gradient vs (softmax(a) - T)/n", grad,
                     (stable_softmax(logits) - T) / n, *GRADIENT_TOL, context=ctx)
        assert_close("row sums of the logit gradient", grad.sum(axis=1), np.zeros(n),
                     *GRADIENT_TOL, context=ctx)
        zero = loss.value(np.zeros_like(logits), T)
        assert_close(f"cross-entropy at zero logits vs log K (K = {K})", zero,
                     float(np.log(K) * T.sum() / n), *FORWARD_TOL, context=ctx)
        for scale in (1000.0, -1000.0):
            big = logits + scale * (np.arange(K) % 2)
            v = _call(f"loss.value at logits {scale:+g} on odd columns", loss.value, big, T,
                      context=ctx)
            g = _call(f"loss.gradient at logits {scale:+g} on odd columns", loss.gradient, big,
                      T, context=ctx)
            if not (np.isfinite(v) and v >= 0 and np.isfinite(g).all()):
                raise AssertionError(f"cross-entropy at logits shifted by {scale:+g} on odd "
                                     f"columns: value {v!r}, gradient finite: "
                                     f"{bool(np.isfinite(g).all())}{ctx}")
            assert_close(f"cross-entropy value at logits {scale:+g} on odd columns", v,
                         float(-np.sum(T * stable_log_softmax(big)) / n), *FORWARD_TOL,
                         context=ctx)


def check_half_mse(loss, a, T, context=""):
    a = np.asarray(a, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)
    n = a.shape[0]
    ctx = f"{context}\n  a =\n    {fmt(a)}\n  T =\n    {fmt(T)}"
    assert_close("half-MSE value vs sum((a - T)^2) / 2n", loss.value(a, T),
                 float(np.sum((a - T) ** 2) / (2 * n)), *FORWARD_TOL, context=ctx)
    assert_close("half-MSE gradient vs (a - T) / n", loss.gradient(a, T), (a - T) / n,
                 *GRADIENT_TOL, context=ctx)
    assert_equal("half-MSE at a == T", loss.value(T, T), 0.0, ctx)


def check_loss_generic(loss, a, T, context=""):
    """True of any loss: finite and >= 0; ``gradient`` is the derivative of ``value`` (central
    differences, the numeric pass rule); the mean over the batch, so stacking the batch on
    itself keeps the value and halves each row's gradient."""
    a = np.asarray(a, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)
    ctx = f"{context}\n  a =\n    {fmt(a)}\n  T =\n    {fmt(T)}"
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        v = _call("loss.value(a, T)", loss.value, a, T, context=ctx)
        if not (np.isfinite(v) and v >= 0):
            raise AssertionError(f"loss value {v!r}: expected finite and >= 0{ctx}")
        g = np.asarray(_call("loss.gradient(a, T)", loss.gradient, a, T, context=ctx))
        g_num = np.zeros_like(a)
        for index in np.ndindex(a.shape):
            h = 1e-5 * max(1.0, abs(a[index]))
            up, down = a.copy(), a.copy()
            up[index] += h
            down[index] -= h
            g_num[index] = (loss.value(up, T) - loss.value(down, T)) / (up[index] - down[index])
        rel = float(np.linalg.norm(g - g_num)
                    / max(np.linalg.norm(g), np.linalg.norm(g_num), 1e-8))
        excess = np.abs(g - g_num) - (NUMERIC_ABS + NUMERIC_ELEMENT_RTOL * np.abs(g_num))
        if rel > NUMERIC_REL_BOUND or (excess > 0).any():
            raise AssertionError(f"loss.gradient vs central differences of loss.value: "
                                 f"relative error {rel:.3e}{ctx}\n  gradient:\n    {fmt(g)}\n"
                                 f"  numeric:\n    {fmt(g_num)}")
        a2, T2 = np.vstack([a, a]), np.vstack([T, T])
        assert_close("loss value of the batch stacked on itself", loss.value(a2, T2), v,
                     *FORWARD_TOL, context=ctx)
        assert_close("loss gradient of the batch stacked on itself", loss.gradient(a2, T2),
                     np.vstack([g, g]) / 2.0, *GRADIENT_TOL, context=ctx)


def check_activation(activation, z, context=""):
    """An activation object: ``derivative_from_z`` is the derivative of ``forward`` (central
    differences away from kinks), neither call writes into its argument (read-only z works),
    and both are elementwise (shape kept)."""
    z = np.array(z, dtype=np.float64)
    frozen = z.copy()
    frozen.setflags(write=False)
    ctx = f"{context}\n  activation {activation!r}, z =\n    {fmt(z)}"
    a = np.array(_call("forward(z) on read-only z", activation.forward, frozen, context=ctx))
    d = np.array(_call("derivative_from_z(z) on read-only z", activation.derivative_from_z,
                       frozen, context=ctx))
    writable = z.copy()
    a2 = np.array(activation.forward(writable))
    d2 = np.array(activation.derivative_from_z(writable))
    assert_equal("z after forward and derivative_from_z (must not be written)", writable, z, ctx)
    assert_equal("forward on a writable z vs read-only z", a2, a, ctx)
    assert_equal("derivative on a writable z vs read-only z", d2, d, ctx)
    if a.shape != z.shape or d.shape != z.shape:
        raise AssertionError(f"shapes: forward {a.shape}, derivative {d.shape}, z {z.shape}"
                             f"{ctx}")
    h = 1e-5 * np.maximum(1.0, np.abs(z))
    num = (activation.forward(z + h) - activation.forward(z - h)) / ((z + h) - (z - h))
    excess = np.abs(d - num) - (NUMERIC_ABS + NUMERIC_ELEMENT_RTOL * np.abs(num))
    rel = float(np.linalg.norm(d - num) / max(np.linalg.norm(d), np.linalg.norm(num), 1e-8))
    if rel > NUMERIC_REL_BOUND or (excess > 0).any():
        raise AssertionError(f"derivative_from_z vs central differences of forward: relative "
                             f"error {rel:.3e}{ctx}\n  derivative_from_z:\n    {fmt(d)}\n"
                             f"  numeric:\n    {fmt(num)}")


# --------------------------------------------------------------------------------------------
# Item 9: no mutation
# --------------------------------------------------------------------------------------------
def _read_only(a):
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


def check_no_mutation(make_model, case, fit_kwargs, seed=0):
    """With read-only X, Y and parameter arrays: forward, loss, gradient, train_step and fit
    neither raise nor change X, Y or the caller's arrays; two gradient computations without a
    step are bitwise identical and leave the parameters bitwise unchanged; ``parameters()``
    returns copies."""
    ctx = case.describe()
    X, Y = _read_only(case.X), _read_only(case.Y)
    W = [_read_only(w) for w in case.weights]
    b = [_read_only(v) for v in case.biases]
    W_copy, b_copy = [w.copy() for w in W], [v.copy() for v in b]
    model = _call("building the model from read-only arrays", make_model, W, b,
                  list(case.activations), case.loss, context=ctx)
    p0 = model.parameters()
    out = np.array(_call("forward(read-only X)", model.forward, X, context=ctx))
    _call("loss(read-only X, Y)", model.loss, X, Y, context=ctx)
    g1 = _call("gradient(read-only X, Y)", model.gradient, X, Y, context=ctx)
    d1 = [np.array(d) for d in model.deltas()]
    g1 = [np.array(g) for g in g1]
    g2 = _call("second gradient(X, Y)", model.gradient, X, Y, context=ctx)
    d2 = model.deltas()
    assert_params("second gradient without a step vs the first", g2, g1, None, ctx)
    for l, (a, c) in enumerate(zip(d2, d1)):
        assert_equal(f"delta_{l} of the second gradient vs the first", a, c, ctx)
    assert_params("parameters after forward, loss and two gradients", model.parameters(), p0,
                  None, ctx)
    assert_close("forward after two gradients vs before", model.forward(X), out, *FORWARD_TOL,
                 context=ctx)
    handed = model.parameters()
    for p in handed:
        p += 1.0
    assert_params("parameters after writing into the arrays parameters() returned",
                  model.parameters(), p0, None, ctx)
    _call("train_step(read-only X, Y)", model.train_step, X, Y, context=ctx)
    _call("fit(read-only X, Y)", model.fit, X, Y, rng=np.random.default_rng(seed),
          context=ctx, **fit_kwargs)
    assert_equal("X after forward/gradient/train_step/fit", X, case.X, ctx)
    assert_equal("Y after forward/gradient/train_step/fit", Y, case.Y, ctx)
    for l in range(len(W)):
        assert_equal(f"caller's W_{l} after training", W[l], W_copy[l], ctx)
        assert_equal(f"caller's b_{l} after training", b[l], b_copy[l], ctx)


# --------------------------------------------------------------------------------------------
# Item 10: optimizers follow their closed forms
# --------------------------------------------------------------------------------------------
def rule_step(rule, w, g, v, lr, mu):
    """The contract's update rules, in the contract's expression order."""
    if rule == "sgd":
        return w - lr * g, v
    if rule == "momentum":
        v = mu * v - lr * g
        return w + v, v
    if rule == "nesterov":
        v = mu * v - lr * g
        return w + mu * v - lr * g, v
    raise ValueError(rule)


def heavy_ball_closed_form(w0, g, lr, mu, t):
    return w0 - lr * g * (t / (1 - mu) - mu * (1 - mu ** t) / (1 - mu) ** 2)


def _as_pair(w0):
    return [np.asarray(w0, dtype=np.float64), float(np.ravel(w0)[0])]


def check_optimizer_rule(optimizer, rule, lr, mu, w0, grads):
    """The optimizer's ``step(w, g, v)`` reproduces the contract's rule bitwise over a sequence
    of gradients, for an array parameter and for a float parameter (a bias)."""
    for w, gs in ((np.array(w0, dtype=np.float64), [np.asarray(g) for g in grads]),
                  (float(np.ravel(w0)[0]), [float(np.ravel(g)[0]) for g in grads])):
        v = np.zeros_like(w) if isinstance(w, np.ndarray) else 0.0
        w_e, v_e = w, v
        for t, g in enumerate(gs, 1):
            w, v = optimizer.step(w, g, v)
            w_e, v_e = rule_step(rule, w_e, g, v_e, lr, mu)
            ctx = f"  {optimizer!r} vs the contract's {rule} rule (lr={lr}, mu={mu}), step {t}"
            assert_equal("parameter", w, w_e, ctx)
            if rule != "sgd":
                assert_equal("velocity", v, v_e, ctx)


def check_heavy_ball(make_momentum, lr, mu, w0, g, steps=50):
    """Constant gradient g, v0 = 0: theta_t = theta_0 - lr*g*(t/(1-mu) - mu*(1-mu^t)/(1-mu)^2)
    (trajectory tolerance: the closed form rounds differently from the iteration)."""
    opt = make_momentum(lr, mu)
    for w in _as_pair(w0):
        g_w = np.asarray(g, dtype=np.float64) if isinstance(w, np.ndarray) else float(
            np.ravel(g)[0])
        v = np.zeros_like(w) if isinstance(w, np.ndarray) else 0.0
        cur = w
        for t in range(1, steps + 1):
            cur, v = opt.step(cur, g_w, v)
            assert_close(f"heavy ball after {t} steps vs closed form", cur,
                         heavy_ball_closed_form(w, g_w, lr, mu, t), *TRAJECTORY_TOL,
                         context=f"  {opt!r}, lr={lr}, mu={mu}, constant g = {fmt(g_w)}, "
                                 f"theta_0 = {fmt(w)}")


def check_nesterov_first_step(make_nesterov, lr, mu, w0, g):
    """From v = 0 the first Nesterov step is -lr*(1+mu)*g."""
    opt = make_nesterov(lr, mu)
    for w in _as_pair(w0):
        g_w = np.asarray(g, dtype=np.float64) if isinstance(w, np.ndarray) else float(
            np.ravel(g)[0])
        v = np.zeros_like(w) if isinstance(w, np.ndarray) else 0.0
        new, _ = opt.step(w, g_w, v)
        assert_close("Nesterov first step", np.asarray(new) - w, -lr * (1 + mu) * g_w,
                     *GRADIENT_TOL, context=f"  {opt!r}, g = {fmt(g_w)}, w = {fmt(w)}")


def check_mu_zero_is_sgd(make_optimizer, make_sgd, lr, w0, grads):
    """Momentum or Nesterov with mu = 0 is plain SGD, bitwise, step after step."""
    opt, sgd = make_optimizer(lr, 0.0), make_sgd(lr)
    for w in _as_pair(w0):
        is_array = isinstance(w, np.ndarray)
        v = np.zeros_like(w) if is_array else 0.0
        v_s = np.zeros_like(w) if is_array else 0.0
        w_s = w
        for t, g in enumerate(grads, 1):
            g = np.asarray(g, dtype=np.float64) if is_array else float(np.ravel(g)[0])
            w, v = opt.step(w, g, v)
            w_s, v_s = sgd.step(w_s, g, v_s)
            assert_equal(f"{opt!r} with mu=0 vs {sgd!r}, step {t}", w, w_s)


def check_optimizer_fixed_points(optimizer_factories, w0, g):
    """lr = 0 changes nothing; a zero gradient with zero velocity changes nothing (bitwise).
    ``optimizer_factories``: callables ``lr -> optimizer``."""
    for make in optimizer_factories:
        for w in _as_pair(w0):
            is_array = isinstance(w, np.ndarray)
            zero = np.zeros_like(w) if is_array else 0.0
            g_w = np.asarray(g, dtype=np.float64) if is_array else float(np.ravel(g)[0])
            opt0 = make(0.0)
            cur, v = w, zero
            for t in range(3):
                cur, v = opt0.step(cur, g_w, v)
                assert_equal(f"{opt0!r} (lr=0), step {t + 1}: parameter", cur, w)
            opt = make(0.1)
            cur, v = w, zero
            for t in range(3):
                cur, v = opt.step(cur, zero, v)
                assert_equal(f"{opt!r} with zero gradient and zero velocity, step {t + 1}",
                             cur, w)


def check_train_step_follows_rule(make_model, case, rule, lr, mu, steps=3, optimizer=None):
    """At the model level: ``train_step`` moves every parameter exactly (bitwise) as the
    contract's rule does with the gradient ``gradient(X, Y)`` returns at that point, with one
    velocity per parameter that persists across calls. ``optimizer`` is what is passed to
    train_step (default: the rule's name)."""
    model = case.build(make_model)
    ctx = f"{case.describe()}\n  optimizer {rule} (lr={lr}, mu={mu})"
    params = model.parameters()
    velocities = [np.zeros_like(p) for p in params]
    for t in range(1, steps + 1):
        grads = model.gradient(case.X, case.Y)
        loss = model.loss(case.X, case.Y)
        expected = []
        for k, (p, g) in enumerate(zip(params, grads)):
            new, velocities[k] = rule_step(rule, p, np.asarray(g), velocities[k], lr, mu)
            expected.append(new)
        got_loss = model.train_step(case.X, case.Y, optimizer=rule if optimizer is None
                                    else optimizer, lr=lr, momentum=mu)
        assert_equal(f"train_step's returned loss (step {t}) vs loss() before it", got_loss,
                     loss, ctx)
        params = model.parameters()
        assert_params(f"parameters after train_step {t} vs the {rule} rule", params, expected,
                      None, ctx)


# --------------------------------------------------------------------------------------------
# Item 11: first-order descent
# --------------------------------------------------------------------------------------------
def check_first_order_descent(model, X, Y, context="", bound=1e-3):
    """``(L(t) - L(t - lr g)) / (lr ||g||^2) -> 1`` as lr shrinks: computed for step lengths
    ``lr ||g||`` = 1e-2 ... 1e-9; some two consecutive lengths must both be within ``bound`` of
    1 (a wrong gradient has a limit other than 1: 0.5 for a doubled gradient).

    The ratio's curvature error is about step / (2 * the loss's own length scale), so a net
    whose loss curves on a scale of 1e-4 (hypothesis found [1, 1] identity, half-MSE, b = 6.1e-5,
    X = Y = 0: ratio = 1 - step / 2b) needs steps down to 1e-9 before two of them are within
    1e-3 of 1. The bound is unchanged; only the steps go further down."""
    base = model.parameters()
    g = [np.asarray(x, dtype=np.float64) for x in model.gradient(X, Y)]
    gg = float(sum(np.sum(x * x) for x in g))
    L0 = model.loss(X, Y)
    ratios = []
    try:
        for k in range(2, 10):
            lr = 10.0 ** -k / np.sqrt(gg)
            model.set_parameters([p - lr * x for p, x in zip(base, g)])
            ratios.append((lr, (L0 - model.loss(X, Y)) / (lr * gg)))
    finally:
        model.set_parameters(base)
    errs = [abs(r - 1.0) for _, r in ratios]
    if not any(max(e1, e2) <= bound for e1, e2 in zip(errs, errs[1:])):
        table = "\n".join(f"    lr {lr:.3e}: ratio {r!r}" for lr, r in ratios)
        raise AssertionError(f"first-order descent: (L(t) - L(t - lr g)) / (lr ||g||^2) does "
                             f"not approach 1 (||g||^2 = {gg:.3e}, L = {L0!r})\n{context}\n"
                             f"{table}")
    return ratios


# --------------------------------------------------------------------------------------------
# Item 12: identity activations collapse to a linear map
# --------------------------------------------------------------------------------------------
def check_identity_collapse(make_model, case):
    """All-identity network: output = X M^T + c with M = W_L ... W_0; and the closed-form
    gradient dW_l = (G P_l)^T A_{l-1}, db_l = sum_rows(G P_l), where G = dL/da of the output,
    P_l = W_L ... W_{l+1} and A_{l-1} = X (W_{l-1} ... W_0)^T + c_{l-1} (the collapsed prefix)."""
    L = len(case.weights)
    acts = ["identity"] * L
    case = case.replace(activations=acts)
    ctx = case.describe()
    model = case.build(make_model)
    X, Y = case.X, case.Y
    n = X.shape[0]
    # Collapsed prefixes: A_l = X M_l^T + c_l.
    M, c = np.eye(X.shape[1]), np.zeros(X.shape[1])
    prefixes = [(M, c)]
    for W, b in zip(case.weights, case.biases):
        M, c = W @ M, W @ c + b
        prefixes.append((M, c))
    out = X @ M.T + c
    assert_close("forward of the all-identity net vs the collapsed linear map",
                 model.forward(X), out, *FORWARD_TOL, context=ctx)
    if case.loss == "half_mse":
        G = (out - Y) / n
        loss = float(np.sum((out - Y) ** 2) / (2 * n))
    else:
        G = (stable_softmax(out) - Y) / n
        loss = float(-np.sum(Y * stable_log_softmax(out)) / n)
    assert_close("loss of the all-identity net vs closed form", model.loss(X, Y), loss,
                 *FORWARD_TOL, context=ctx)
    expected = []
    for l in range(L):
        P = np.eye(case.weights[-1].shape[0])
        for W in reversed(case.weights[l + 1:]):
            P = P @ W
        Ml, cl = prefixes[l]
        A = X @ Ml.T + cl
        GP = G @ P
        expected += [GP.T @ A, GP.sum(axis=0)]
    assert_params("gradient of the all-identity net vs closed form", model.gradient(X, Y),
                  expected, GRADIENT_TOL, ctx)


# --------------------------------------------------------------------------------------------
# Item 13: training
# --------------------------------------------------------------------------------------------
def count_steps(n, epochs, batch_mode, batch_size):
    per_epoch = {"online": n, "minibatch": -(-n // batch_size), "full": 1,
                 "sampled": -(-n // batch_size)}[batch_mode]
    return per_epoch * epochs


def check_training_repeatable(make_model, case, fit_kwargs, seed):
    """Two fresh models, the same parameters, data and shuffling seed: bitwise the same loss
    history and parameters."""
    ctx = f"{case.describe()}\n  fit {fit_kwargs}, seed {seed}"
    runs = []
    for _ in range(2):
        model = case.build(make_model)
        hist = model.fit(case.X, case.Y, rng=np.random.default_rng(seed), **fit_kwargs)
        runs.append((np.asarray(hist, dtype=np.float64), model.parameters()))
    assert_equal("epoch losses of two identical runs", runs[1][0], runs[0][0], ctx)
    assert_params("parameters after two identical runs", runs[1][1], runs[0][1], None, ctx)


def check_training_matches(make_mine, make_ref, case, fit_kwargs, seed, mine_overrides=None):
    """N steps of fit in both models from the same parameters and shuffling seed: epoch losses
    and final parameters within the trajectory tolerance (up to 50 steps, lr <= 0.1).
    ``mine_overrides`` replaces fit arguments for mine only (e.g. a buggy optimizer object)."""
    steps = count_steps(case.X.shape[0], fit_kwargs.get("epochs", 1),
                        fit_kwargs.get("batch_mode", "minibatch"),
                        fit_kwargs.get("batch_size", 32))
    if steps > 50 or fit_kwargs.get("lr", 0.1) > 0.1:
        raise ValueError(f"the trajectory tolerance covers up to 50 steps with lr <= 0.1; got "
                         f"{steps} steps, lr {fit_kwargs.get('lr', 0.1)}")
    ctx = f"{case.describe()}\n  fit {fit_kwargs} ({steps} steps), seed {seed}"
    mine, ref = case.build(make_mine), case.build(make_ref)
    h_m = _call("mine.fit", mine.fit, case.X, case.Y, rng=np.random.default_rng(seed),
                context=ctx, **{**fit_kwargs, **(mine_overrides or {})})
    h_r = ref.fit(case.X, case.Y, rng=np.random.default_rng(seed), **fit_kwargs)
    assert_params("parameters after training", mine.parameters(), ref.parameters(),
                  TRAJECTORY_TOL, ctx)
    assert_close("epoch losses", h_m, h_r, *TRAJECTORY_TOL, context=ctx)


def check_train_steps_match(make_mine, make_ref, case, optimizer, lr, mu, steps,
                            mine_optimizer=None):
    """``steps`` train_steps on the same batch in both models: each returned loss and the
    parameters after each step within the trajectory tolerance."""
    ctx = f"{case.describe()}\n  optimizer {optimizer} (lr={lr}, mu={mu})"
    mine, ref = case.build(make_mine), case.build(make_ref)
    for t in range(1, steps + 1):
        l_m = mine.train_step(case.X, case.Y, optimizer=mine_optimizer or optimizer, lr=lr,
                              momentum=mu)
        l_r = ref.train_step(case.X, case.Y, optimizer=optimizer, lr=lr, momentum=mu)
        assert_close(f"loss returned by train_step {t}", l_m, l_r, *TRAJECTORY_TOL, context=ctx)
        assert_params(f"parameters after train_step {t}", mine.parameters(), ref.parameters(),
                      TRAJECTORY_TOL, ctx)


def epoch_plan(order, batch_mode, batch_size):
    """docs/semantics.md "Batch modes and the epoch", written out: (rows, learn) pairs."""
    n = len(order)
    if batch_mode == "online":
        return [([i], True) for i in order]
    if batch_mode == "minibatch":
        return [(list(order[s:s + batch_size]), True) for s in range(0, n, batch_size)]
    if batch_mode == "full":
        return [(list(order), True)]
    if batch_mode == "sampled":
        return [([order[p]], p % batch_size == 0) for p in range(n)]
    raise ValueError(batch_mode)


def check_fit_follows_contract(make_model, case, fit_kwargs, seed):
    """``fit`` is the contract's sequence of steps: replaying the epochs by hand with
    ``train_step`` (and ``loss`` for the sampled mode's forward-only samples) on a second model,
    order from the same seed, gives bitwise the same parameters and, within the forward
    tolerance, the same epoch losses (the row-weighted mean of the pre-step losses)."""
    kw = dict(epochs=1, batch_mode="minibatch", batch_size=32, optimizer="sgd", lr=0.1,
              momentum=0.9, shuffle=True)
    kw.update(fit_kwargs)
    ctx = f"{case.describe()}\n  fit {fit_kwargs}, seed {seed}"
    model = case.build(make_model)
    hist = model.fit(case.X, case.Y, rng=np.random.default_rng(seed), **fit_kwargs)
    replay = case.build(make_model)
    rng = np.random.default_rng(seed)
    n = case.X.shape[0]
    expected = []
    for _ in range(kw["epochs"]):
        order = rng.permutation(n) if kw["shuffle"] else np.arange(n)
        total = 0.0
        for rows, learn in epoch_plan(order, kw["batch_mode"], kw["batch_size"]):
            Xb, Yb = case.X[rows], case.Y[rows]
            if learn:
                loss = replay.train_step(Xb, Yb, optimizer=kw["optimizer"], lr=kw["lr"],
                                         momentum=kw["momentum"])
            else:
                loss = replay.loss(Xb, Yb)
            total += loss * len(rows)
        expected.append(total / n)
    assert_params("parameters after fit vs the contract's steps replayed", model.parameters(),
                  replay.parameters(), None, ctx)
    assert_close("epoch losses vs the replayed row-weighted means", hist, expected,
                 *FORWARD_TOL, context=ctx)


def check_sampled_is_online_on_every_kth(make_model, case, k, seed, optimizer="sgd", lr=0.1,
                                         mu=0.9):
    """One epoch of ``sampled`` with batch_size k trains exactly like online training on
    ``order[::k]`` (bitwise parameters)."""
    ctx = f"{case.describe()}\n  sampled, k = {k}, seed {seed}"
    model = case.build(make_model)
    model.fit(case.X, case.Y, epochs=1, batch_mode="sampled", batch_size=k, optimizer=optimizer,
              lr=lr, momentum=mu, rng=np.random.default_rng(seed))
    order = np.random.default_rng(seed).permutation(case.X.shape[0])[::k]
    online = case.build(make_model)
    online.fit(case.X[order], case.Y[order], epochs=1, batch_mode="online", optimizer=optimizer,
               lr=lr, momentum=mu, shuffle=False)
    assert_params("sampled epoch vs online training on order[::k]", model.parameters(),
                  online.parameters(), None, ctx)


def contract_init(sizes, init, rng, std=0.01):
    """docs/semantics.md "Initialisations", written out: one (fan_out, fan_in) draw per layer
    from the input side, biases 0, from the generator ``rng``."""
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        size = (fan_out, fan_in)
        if init == "coursework":
            W = rng.uniform(0.0, 1.0 / fan_in, size)
        elif init == "glorot_uniform":
            r = np.sqrt(6.0 / (fan_in + fan_out))
            W = rng.uniform(-r, r, size)
        elif init == "he_normal":
            W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size)
        elif init == "normal":
            W = rng.normal(0.0, std, size)
        else:
            raise ValueError(init)
        params += [W, np.zeros(fan_out)]
    return params


def check_same_init(make_inits, sizes, activations, loss, init, seed, std=0.01):
    """``make_inits``: {name: callable(sizes, activations, loss, init, rng, init_std) -> model}.
    The same seed gives every model the same initial parameters, bitwise equal to the
    contract's draws (both consume the generator identically, per the contract), biases 0; and
    each leaves the generator in the same state as the contract's draws do."""
    contract_rng = np.random.default_rng(seed)
    expected = contract_init(sizes, init, contract_rng, std)
    next_draws = contract_rng.standard_normal(3)
    ctx = (f"  sizes {list(sizes)}, activations {list(activations)}, init {init!r}, "
           f"seed {seed}, std {std}")
    for name, make in make_inits.items():
        rng = np.random.default_rng(seed)
        model = make(list(sizes), list(activations), loss, init, rng, std)
        assert_params(f"{name}: initial parameters vs the contract's draws",
                      model.parameters(), expected, None, ctx)
        assert_equal(f"{name}: the generator's next draws after initialisation",
                     rng.standard_normal(3), next_draws, ctx)


# --------------------------------------------------------------------------------------------
# Initialisation: weights centred on zero (a property of the initializers the recipes use)
# --------------------------------------------------------------------------------------------
SYMMETRY_SIGMAS = 5.0  # how many standard errors a mean may stray from 0 (a false alarm: ~6e-7)


def draw_weights(draw, fan_in, fan_out, rng, std, n_values):
    """At least ``n_values`` weights from ``draw(rng, fan_in, fan_out, std)`` (the signature of
    neuronnet.initializers: one neuron's weights, or a whole layer's), drawn layer after layer
    of shape (fan_out, fan_in) as a network would, flattened."""
    values, count = [], 0
    while count < n_values:
        for _ in range(fan_out):
            w = np.ravel(np.asarray(draw(rng, fan_in, fan_out, std), dtype=np.float64))
            values.append(w)
            count += w.size
            if w.size == fan_in * fan_out:  # the draw was a whole layer
                break
    return np.concatenate(values)


def check_initializer_symmetric(draw, fan_in, fan_out, seed, std=0.01, n_values=20000,
                                context=""):
    """Initial weights are centred on 0: in a draw of ``n_values`` weights the mean is within
    ``SYMMETRY_SIGMAS`` standard errors (sd / sqrt(N)) of 0, and the fraction of positive
    weights within as many standard errors (0.5 / sqrt(N)) of one half.

    Why a property of every correct initializer: a hidden unit's pre-activation is a sum of
    fan_in weighted inputs; weights of one sign make it large and of one sign for every unit,
    which saturates sigmoids and makes the units start alike (pitfall biased-init). Glorot,
    He and normal(0, std) are symmetric about 0; seed 000's uniform(0, 1/fan_in) is not, by
    design, and is named as the exception where the property is applied."""
    w = draw_weights(draw, fan_in, fan_out, np.random.default_rng(seed), std, n_values)
    n = w.size
    mean, sd = float(np.mean(w)), float(np.std(w))
    positive = float(np.mean(w > 0))
    ctx = (f"  initializer {getattr(draw, '__name__', draw)!r}, fan_in {fan_in}, fan_out "
           f"{fan_out}, std {std}, seed {seed}: {n} weights{context}")
    if not sd > 0:
        raise AssertionError(f"initial weights: all {n} equal ({mean!r}); expected a spread\n"
                             f"{ctx}")
    bound = SYMMETRY_SIGMAS * sd / np.sqrt(n)
    if abs(mean) > bound:
        raise AssertionError(f"initial weights are not centred on 0: mean {mean:.6g}, "
                             f"{abs(mean) / (sd / np.sqrt(n)):.1f} standard errors from 0 (bound "
                             f"{SYMMETRY_SIGMAS:g}); sd {sd:.6g}, {100 * positive:.2f}% "
                             f"positive\n{ctx}")
    half_bound = SYMMETRY_SIGMAS * 0.5 / np.sqrt(n)
    if abs(positive - 0.5) > half_bound:
        raise AssertionError(f"initial weights: {100 * positive:.2f}% positive; expected 50% "
                             f"within {100 * half_bound:.2f} points\n{ctx}")
    return mean, sd, positive


# --------------------------------------------------------------------------------------------
# A layer whose neurons share one bias (seed 000's quirk), pinned
# --------------------------------------------------------------------------------------------
def check_shared_bias_is_tied(shared, tied, X, Y, layer, set_shared_bias, lr=0.1, context=""):
    """``shared``: a model whose layer ``layer`` adds one shared bias ``beta``
    (``shared.layers[layer].bias``) to every neuron; ``tied``: the per-neuron model with every
    bias of that layer equal to beta, otherwise the same. Then:

    - the forward pass and the loss are bitwise the tied model's (the same sums, in order);
    - after ``gradient``, the shared bias's gradient ``shared.layers[layer].grad_bias`` is the
      sum over the layer of the tied model's bias gradients (the chain rule through the tie),
      and the central difference of the loss along beta (``set_shared_bias(model, value)``)
      agrees with it under the numeric pass rule;
    - every other gradient is the tied model's;
    - one SGD step moves beta by exactly ``-lr * grad_bias`` and each weight as the tied
      model's step does."""
    ctx = f"{context}\n  layer {layer} shares one bias"
    assert_equal("forward with a shared bias vs tied per-neuron biases", shared.forward(X),
                 tied.forward(X), ctx)
    assert_equal("loss with a shared bias vs tied per-neuron biases", shared.loss(X, Y),
                 tied.loss(X, Y), ctx)
    g_shared, g_tied = shared.gradient(X, Y), tied.gradient(X, Y)
    beta = shared.layers[layer].bias
    got = shared.layers[layer].grad_bias
    assert_close("shared bias gradient vs the sum of the tied biases' gradients", got,
                 float(np.sum(g_tied[2 * layer + 1])), *GRADIENT_TOL, context=ctx)
    others = [k for k in range(len(g_tied)) if k != 2 * layer + 1]
    assert_params("gradients other than the shared bias's", [g_shared[k] for k in others],
                  [g_tied[k] for k in others], GRADIENT_TOL, ctx)
    h = 1e-5 * max(1.0, abs(beta))
    try:
        set_shared_bias(shared, beta + h)
        up = shared.loss(X, Y)
        set_shared_bias(shared, beta - h)
        down = shared.loss(X, Y)
    finally:
        set_shared_bias(shared, beta)
    numeric = (up - down) / ((beta + h) - (beta - h))
    err = abs(got - numeric)
    rel = err / max(abs(got), abs(numeric), 1e-8)
    if rel > NUMERIC_REL_BOUND or err > NUMERIC_ABS + NUMERIC_ELEMENT_RTOL * abs(numeric):
        raise AssertionError(f"shared bias gradient vs central difference along the tie: "
                             f"analytic {got!r}, numeric {numeric!r}, relative error {rel:.3e}"
                             f"{ctx}")
    weights_before = [np.array(w) for w in shared.parameters()[0::2]]
    shared.train_step(X, Y, optimizer="sgd", lr=lr)
    assert_equal("shared bias after one SGD step vs beta - lr * grad", shared.layers[layer].bias,
                 beta - lr * got, ctx)
    assert_params("weights after one SGD step vs w - lr * dW", shared.parameters()[0::2],
                  [w - lr * g for w, g in zip(weights_before, g_shared[0::2])], None, ctx)
