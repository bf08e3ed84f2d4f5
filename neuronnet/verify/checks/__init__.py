"""The generic checks, as plain functions, split by property family (docs/design.md).

Every check takes the components under test as arguments (a model factory, a model, an
activation, a loss, an optimizer, data) and raises ``AssertionError`` with a readable message
(the architecture, the input, mine against the expected value, the relative error) when the
property does not hold. Nothing here imports the neuron model or the reference (only the
numeric pass rule from neuronnet.gradcheck, see tolerances.py): the same functions judge the
real components and the pitfall catalogue's buggy variants.

Conventions: a *model* has ``forward``, ``loss``, ``gradient``, ``deltas``, ``parameters``,
``set_parameters``, ``train_step`` and ``fit`` as in docs/semantics.md; a *factory* is
``make(weights, biases, activations, loss) -> model``; a :class:`Case` is one network and one
batch."""
from .batch import (  # noqa: F401
    check_batch_duplication,
    check_batch_is_mean,
    check_gradient_affine_in_targets,
    check_hidden_permutation,
    check_layer_backward_linear,
    check_rowwise_forward,
    check_sample_permutation,
    check_zero_upstream,
    permute_hidden,
)
from .case import PENALTY_FORMS, Case  # noqa: F401
from .compare import Mismatch, assert_close, assert_equal, assert_params, fmt, param_names  # noqa: F401
from .descent import check_first_order_descent, check_identity_collapse  # noqa: F401
from .initial import check_initializer_symmetric, check_shared_bias_is_tied, draw_weights  # noqa: F401
from .losses import (  # noqa: F401
    check_activation,
    check_cross_entropy,
    check_half_mse,
    check_loss_generic,
    check_softmax,
    stable_binary_cross_entropy,
    stable_log_softmax,
    stable_sigmoid,
    stable_softmax,
)
from .mutation import check_no_mutation  # noqa: F401
from .numeric import (  # noqa: F401
    check_gradient_directional,
    check_gradient_numeric,
    directional_derivatives,
    numeric_gradient,
    random_direction,
)
from .optimizers import (  # noqa: F401
    check_heavy_ball,
    check_mu_zero_is_sgd,
    check_nesterov_first_step,
    check_optimizer_fixed_points,
    check_optimizer_rule,
    check_train_step_follows_rule,
    heavy_ball_closed_form,
    rule_step,
)
from .reference_match import (  # noqa: F401
    check_backward_matches,
    check_forward_matches,
    check_neuron_state_matches,
    reference_pre_activations,
)
from .tolerances import (  # noqa: F401
    FORWARD_TOL,
    GRADIENT_TOL,
    NUMERIC_ABS,
    NUMERIC_ELEMENT_RTOL,
    NUMERIC_REL_BOUND,
    PARAM_ORDER_DOC,
    SYMMETRY_SIGMAS,
    TRAJECTORY_TOL,
)
from .training import (  # noqa: F401
    check_best_model_snapshot,
    check_evaluation_is_pure,
    check_fit_follows_contract,
    check_same_init,
    check_sampled_is_online_on_every_kth,
    check_schedule_reachable_and_monotone,
    check_split_is_a_partition,
    check_train_steps_match,
    check_training_matches,
    check_training_repeatable,
    contract_init,
    count_steps,
    epoch_plan,
)
