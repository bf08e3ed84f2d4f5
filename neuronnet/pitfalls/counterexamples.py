"""The shrunk counterexample of each bug of the catalogue: what hypothesis found when the first
property the entry names was run with the buggy variant swapped in. Written by
``PITFALLS_RECORD=1 CI=true python -m pytest tests/test_pitfalls.py`` (derandomized, so the same
run gives the same examples); tests/test_pitfalls.py replays each one and checks that it still
fails on the variant and passes on the real component. Per entry: the property, the drawn
arguments as hypothesis printed them (exact reprs), the failure's first line, and the example in
one line for docs/pitfalls.md. Do not edit by hand.
"""
COUNTEREXAMPLES = {'derivative-of-output': {'property': 'tests/test_properties.py::test_deltas_and_gradients_equal_the_reference',
                          'example': 'case=Case(weights=[array([[0.]])], biases=[array([0.])], '
                                     "activations=['sigmoid'], loss='half_mse', X=array([[0.]]), "
                                     "Y=array([[0.]]), note='')",
                          'draws': [],
                          'finding': 'AssertionError: delta_0 (layer 0 of 1): mine vs reference '
                                     'differ',
                          'line': 'net [1, 1] sigmoid, half_mse, batch 1: X=[[0.0]], Y=[[0.0]], '
                                  'W_0=[[0.0]], b_0=[0.0]'},
 'momentum-overwrites-weights': {'property': 'tests/test_properties_more.py::test_momentum_follows_the_heavy_ball_closed_form',
                                 'example': 'lr=0.5, mu=0.0, w0=array([0., 0., 0.]), g=array([0., '
                                            '0., 0.])',
                                 'draws': [],
                                 'finding': 'AssertionError: MomentumWithoutVelocity(lr=0.5, '
                                            'mu=0.0) with mu=0 vs SGD(lr=0.5), step 3: not bitwise '
                                            'equal',
                                 'line': 'lr=0.5; mu=0.0; w0=[0.0, 0.0, 0.0]; g=[0.0, 0.0, 0.0]'},
 'ce-gradient-on-logits': {'property': 'tests/test_properties.py::test_directional_derivative_equals_the_gradient',
                           'example': 'case=Case(weights=[array([[0.]]), array([[0.], [1.]])], '
                                      'biases=[array([0.]), array([0., 1.])], '
                                      "activations=['identity', 'identity'], loss='cross_entropy', "
                                      "X=array([[0.]]), Y=array([[0.5, 0.5]]), note=''), seed=0",
                           'draws': [],
                           'finding': 'AssertionError: directional derivative: <gradient, u> vs '
                                      'central difference differ',
                           'line': 'seed=0; net [1, 1, 2] identity/identity, cross_entropy, batch '
                                   '1: X=[[0.0]], Y=[[0.5, 0.5]], W_0=[[0.0]], b_0=[0.0], '
                                   'W_1=[[0.0], [1.0]], b_1=[0.0, 1.0]'},
 'best-model-aliasing': {'property': 'tests/test_training.py::test_best_model_is_a_snapshot_with_the_lowest_validation_loss',
                         'example': "seed=0, epochs=1, kind='neuron', batch_mode='online', lr=0.05",
                         'draws': [],
                         'finding': 'AssertionError: best model: it is the live model itself',
                         'line': "seed=0; epochs=1; kind='neuron'; batch_mode='online'; lr=0.05"},
 'unreachable-schedule': {'property': 'tests/test_training.py::test_loss_threshold_schedule_reaches_every_branch',
                          'example': 'thresholds=[1.0, 2.0], base=1.0, factors=[0.5, 0.5, 0.5, '
                                     '0.5, 0.5]',
                          'draws': [],
                          'finding': 'AssertionError: schedule: loss 0.5 (below 1.0, above 0.0) '
                                     'got rate 0.5; expected 0.25: this branch is unreachable',
                          'line': 'thresholds=[1.0, 2.0]; base=1.0; factors=[0.5, 0.5, 0.5, 0.5, '
                                  '0.5]'},
 'bias-off-by-one': {'property': 'tests/test_properties.py::test_directional_derivative_equals_the_gradient',
                     'example': 'case=Case(weights=[array([[0.]]), array([[1.]])], '
                                "biases=[array([0.]), array([0.])], activations=['identity', "
                                "'identity'], loss='half_mse', X=array([[0.]]), Y=array([[1.]]), "
                                "note=''), seed=0",
                     'draws': [],
                     'finding': 'AssertionError: directional derivative: <gradient, u> vs central '
                                'difference differ',
                     'line': 'seed=0; net [1, 1, 1] identity/identity, half_mse, batch 1: '
                             'X=[[0.0]], Y=[[1.0]], W_0=[[0.0]], b_0=[0.0], W_1=[[1.0]], '
                             'b_1=[0.0]'},
 'backprop-on-test': {'property': 'tests/test_properties_more.py::test_evaluation_changes_no_parameter',
                      'example': 'seed=0, n=1, batch_size=1',
                      'draws': [],
                      'finding': 'AssertionError: evaluate changed a parameter',
                      'line': 'seed=0; n=1; batch_size=1'},
 'softmax-overflow': {'property': 'tests/test_properties.py::test_losses_are_finite_and_non_negative',
                      'example': 'case=Case(weights=[array([[0.]]), array([[0.]]), array([[0.], '
                                 '[1.]]), array([[0., 1.]])], biases=[array([0.]), array([1.]), '
                                 "array([0., 1.]), array([0.])], activations=['identity', "
                                 "'identity', 'identity', 'identity'], loss='cross_entropy', "
                                 "X=array([[0.]]), Y=array([[1.]]), note=''), scale=30.0",
                      'draws': [],
                      'finding': 'FloatingPointError: overflow encountered in exp',
                      'line': 'scale=30.0; net [1, 1, 1, 2, 1] '
                              'identity/identity/identity/identity, cross_entropy, batch 1: '
                              'X=[[0.0]], Y=[[1.0]], W_0=[[0.0]], b_0=[0.0], W_1=[[0.0]], '
                              'b_1=[1.0], W_2=[[0.0], [1.0]], b_2=[0.0, 1.0], W_3=[[0.0, 1.0]], '
                              'b_3=[0.0]'},
 'log-of-zero': {'property': 'tests/test_properties.py::test_losses_are_finite_and_non_negative',
                 'example': 'case=Case(weights=[array([[0.]]), array([[0.]]), array([[1.]]), '
                            'array([[0.], [1.]])], biases=[array([0.]), array([1.]), array([0.]), '
                            "array([0., 1.])], activations=['identity', 'identity', 'identity', "
                            "'identity'], loss='cross_entropy', X=array([[0.]]), Y=array([[0.5, "
                            "0.5]]), note=''), scale=30.0",
                 'draws': [],
                 'finding': 'FloatingPointError: divide by zero encountered in log',
                 'line': 'scale=30.0; net [1, 1, 1, 1, 2] identity/identity/identity/identity, '
                         'cross_entropy, batch 1: X=[[0.0]], Y=[[0.5, 0.5]], W_0=[[0.0]], '
                         'b_0=[0.0], W_1=[[0.0]], b_1=[1.0], W_2=[[1.0]], b_2=[0.0], W_3=[[0.0], '
                         '[1.0]], b_3=[0.0, 1.0]'},
 'tanh-overflow': {'property': 'tests/test_properties.py::test_losses_are_finite_and_non_negative',
                   'example': 'case=Case(weights=[array([[0., 1.]])], biases=[array([0.])], '
                              "activations=['tanh'], loss='half_mse', X=array([[0., 3.]]), "
                              "Y=array([[0.]]), note=''), scale=300.0",
                   'draws': [],
                   'finding': 'FloatingPointError: overflow encountered in exp',
                   'line': 'scale=300.0; net [2, 1] tanh, half_mse, batch 1: X=[[0.0, 3.0]], '
                           'Y=[[0.0]], W_0=[[0.0, 1.0]], b_0=[0.0]'},
 'relu-grad-mutates-cache': {'property': 'tests/test_properties.py::test_every_neuron_holds_the_reference_values',
                             'example': 'case=Case(weights=[array([[0.]])], '
                                        "biases=[array([0.3719])], activations=['relu'], "
                                        "loss='half_mse', X=array([[0.]]), Y=array([[0.]]), "
                                        "note='')",
                             'draws': [],
                             'finding': 'AssertionError: layer 0 neuron 0 z (after backward): mine '
                                        'vs reference differ',
                             'line': 'net [1, 1] relu, half_mse, batch 1: X=[[0.0]], Y=[[0.0]], '
                                     'W_0=[[0.0]], b_0=[0.3719]'},
 'backward-mutates-upstream': {'property': 'tests/test_properties.py::test_layer_backward_is_linear_in_the_upstream_gradient',
                               'example': 'case=Case(weights=[array([[0.], [1.], [2.]])], '
                                          'biases=[array([0.3719            , 1.3719000000000001, '
                                          "0.5               ])], activations=['relu'], "
                                          "loss='half_mse', X=array([[-1.]]), Y=array([[0., 0., "
                                          "0.]]), note='')",
                               'draws': ['array([[0. , 1. , 0.5]])'],
                               'finding': 'AssertionError: upstream gradient after layer.backward '
                                          '(must not be written): not bitwise equal',
                               'line': 'net [1, 3] relu, half_mse, batch 1: X=[[-1.0]], Y=[[0.0, '
                                       '0.0, 0.0]], W_0=[[0.0], [1.0], [2.0]], b_0=[0.3719, '
                                       '1.3719000000000001, 0.5]; draw 1: [[0.0, 1.0, 0.5]]'},
 'identity-derivative': {'property': 'tests/test_properties.py::test_identity_nets_are_linear_maps',
                         'example': 'case=Case(weights=[array([[ 0., -1.]])], '
                                    "biases=[array([0.])], activations=['identity'], "
                                    "loss='half_mse', X=array([[ 0., -2.]]), Y=array([[0.]]), "
                                    "note='')",
                         'draws': [],
                         'finding': 'AssertionError: gradient of the all-identity net vs closed '
                                    'form W_0: mine vs reference differ',
                         'line': 'net [2, 1] identity, half_mse, batch 1: X=[[0.0, -2.0]], '
                                 'Y=[[0.0]], W_0=[[0.0, -1.0]], b_0=[0.0]'},
 'biased-init': {'property': 'tests/test_properties_more.py::test_initializer_is_symmetric_about_zero',
                 'example': 'fan_in=1, fan_out=1, seed=0, std=1.0',
                 'draws': [],
                 'finding': 'AssertionError: initial weights are not centred on 0: mean '
                            '-0.0999064, 709.3 standard errors from 0 (bound 5); sd 0.0199208, '
                            '0.00% positive',
                 'line': 'fan_in=1; fan_out=1; seed=0; std=1.0'},
 'summed-loss': {'property': 'tests/test_properties.py::test_duplicating_the_batch_changes_nothing',
                 'example': 'case=Case(weights=[array([[0.]]), array([[0.]]), array([[0.], '
                            '[1.]])], biases=[array([0.]), array([0.]), array([0., 1.])], '
                            "activations=['identity', 'identity', 'identity'], "
                            "loss='cross_entropy', X=array([[0.]]), Y=array([[0.5, 0.5]]), "
                            "note='')",
                 'draws': [],
                 'finding': 'AssertionError: loss of the duplicated batch: mine vs reference '
                            'differ',
                 'line': 'net [1, 1, 1, 2] identity/identity/identity, cross_entropy, batch 1: '
                         'X=[[0.0]], Y=[[0.5, 0.5]], W_0=[[0.0]], b_0=[0.0], W_1=[[0.0]], '
                         'b_1=[0.0], W_2=[[0.0], [1.0]], b_2=[0.0, 1.0]'},
 'clipped-log': {'property': 'tests/test_properties_more.py::test_cross_entropy_facts',
                 'example': 'example=(array([[0.]]), array([[1.]]))',
                 'draws': [],
                 'finding': 'AssertionError: cross-entropy value: mine vs reference differ',
                 'line': 'example=([[0.0]], [[1.0]])'},
 'sigmoid-overflow': {'property': 'tests/test_properties.py::test_losses_are_finite_and_non_negative',
                      'example': 'case=Case(weights=[array([[0.]]), array([[0.]]), array([[0.], '
                                 '[1.]]), array([[0., 1.]])], biases=[array([0.]), array([-1.]), '
                                 "array([0., 1.]), array([0.])], activations=['identity', "
                                 "'identity', 'identity', 'sigmoid'], loss='half_mse', "
                                 "X=array([[0.]]), Y=array([[0.]]), note=''), scale=30.0",
                      'draws': [],
                      'finding': 'FloatingPointError: overflow encountered in exp',
                      'line': 'scale=30.0; net [1, 1, 1, 2, 1] identity/identity/identity/sigmoid, '
                              'half_mse, batch 1: X=[[0.0]], Y=[[0.0]], W_0=[[0.0]], b_0=[0.0], '
                              'W_1=[[0.0]], b_1=[-1.0], W_2=[[0.0], [1.0]], b_2=[0.0, 1.0], '
                              'W_3=[[0.0, 1.0]], b_3=[0.0]'},
 'test-is-training-copy': {'property': 'tests/test_properties_more.py::test_split_is_a_partition',
                           'example': 'labels=[0, 0, 0, 0, 0, 0, 0, 0], stratified=False, '
                                      'fractions=(0.8, 0.1, 0.1), seed=0',
                           'draws': [],
                           'finding': 'AssertionError: split: parts 0 and 2 share 1 rows, e.g. '
                                      '[2]; expected disjoint parts',
                           'line': 'labels=[0, 0, 0, 0, 0, 0, 0, 0]; stratified=False; '
                                   'fractions=(0.8, 0.1, 0.1); seed=0'}}
