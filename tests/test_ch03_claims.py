"""Claims of chapter 3 (book/part1/03-activations.md), each re-run with the chapter's code and seeds.

Every number the chapter states as a fact about an activation, a derivation or the training run is
asserted here, so that a change in nnlearn that breaks the text fails a test.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nnlearn
from nnlearn import activations, datasets, optim
from nnlearn.activations import LeakyReLU, sigmoid, softmax
from nnlearn.gradcheck import numerical_gradient, relative_error
from nnlearn.layers import Activation, Dense

SIGMOID = activations.get("sigmoid")


# -- why a non-linearity ------------------------------------------------------------------------------

def test_a_stack_of_linear_layers_is_one_affine_map():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 2))
    net = nnlearn.MLP([2, 8, 8, 1], activation="linear", rng=0)
    dense = [layer for layer in net if isinstance(layer, nnlearn.Dense)]
    for layer in dense:
        layer.params["b"][:] = rng.normal(size=layer.params["b"].shape)
    (W1, b1), (W2, b2), (W3, b3) = [(d.params["W"], d.params["b"]) for d in dense]
    W, b = W1 @ W2 @ W3, (b1 @ W2 + b2) @ W3 + b3
    assert net.n_params == 105 and W.shape == (2, 1)
    assert W.size + b.size == 3                                 # a plane w1 x1 + w2 x2 + b: three numbers
    assert np.abs(net.forward(X) - (X @ W + b)).max() < 1e-12
    # ... and a ReLU network of the same shape is not affine: the claim could fail.
    relu_net = nnlearn.MLP([2, 8, 8, 1], activation="relu", rng=0)
    Xs = np.random.default_rng(1).normal(size=(200, 2))
    design = np.hstack([Xs, np.ones((200, 1))])
    residual = np.linalg.lstsq(design, relu_net.forward(Xs), rcond=None)[1]
    assert residual.item() > 1e-3


def test_step_units_pass_no_gradient():
    X = np.random.default_rng(0).normal(size=(5, 2))
    net = nnlearn.MLP([2, 4, 1], activation="step", rng=0)
    net.forward(X)
    net.backward(np.ones((5, 1)))
    assert np.abs(net[0].grads["W"]).max() == 0.0 and np.abs(net[0].grads["b"]).max() == 0.0
    assert np.abs(net[2].grads["W"]).max() > 0                  # the last layer does get a gradient


# -- sigmoid ------------------------------------------------------------------------------------------

def test_naive_sigmoid_forms_overflow_and_nnlearn_does_not():
    z = np.array([-1000.0, 1000.0])
    with pytest.warns(RuntimeWarning, match="overflow encountered in exp"):
        naive_1 = 1 / (1 + np.exp(-z))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        naive_2 = np.exp(z) / (1 + np.exp(z))
    messages = {str(w.message) for w in caught}
    assert messages == {"overflow encountered in exp", "invalid value encountered in divide"}
    assert np.array_equal(naive_1, [0.0, 1.0])                 # right answer, after an overflow
    assert naive_2[0] == 0.0 and np.isnan(naive_2[1])          # inf / inf
    assert np.array_equal(sigmoid(z), [0.0, 1.0])              # no warning (warnings are errors here)


def test_sigmoid_symmetry_limits_and_range():
    z = np.linspace(-30, 30, 6001)
    assert np.allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)
    assert sigmoid(0.0) == 0.5
    assert np.all((sigmoid(z) > 0) & (sigmoid(z) < 1)) and np.all(np.diff(sigmoid(z)) > 0)
    assert np.allclose(sigmoid(z), np.exp(z) / (1 + np.exp(z)))  # the equivalent form


def test_sigmoid_derivative_formula_and_maximum_one_quarter_at_zero():
    z = np.linspace(-6, 6, 241)                                    # the chapter's grid
    numeric = (sigmoid(z + 1e-6) - sigmoid(z - 1e-6)) / 2e-6
    assert np.allclose(SIGMOID.derivative(z), numeric, atol=1e-9)
    assert np.allclose(SIGMOID.derivative(z), 0.25 - (sigmoid(z) - 0.5) ** 2)   # the parabola identity
    assert SIGMOID.derivative(0.0) == 0.25 and SIGMOID.derivative(z).max() == 0.25
    assert z[SIGMOID.derivative(z).argmax()] == 0.0
    fine = np.linspace(-50, 50, 200_001)
    assert SIGMOID.derivative(fine).max() <= 0.25 and np.sum(SIGMOID.derivative(fine) == 0.25) == 1


def test_sigmoid_saturation_threshold():
    s_star = (1 + np.sqrt(1 - 4 * 0.01)) / 2
    z_sat = np.log(s_star / (1 - s_star))
    assert abs(z_sat - 4.585) < 1e-3
    assert SIGMOID.derivative(z_sat) == pytest.approx(0.01, rel=1e-12)
    assert SIGMOID.derivative(z_sat - 1e-6) > 0.01 > SIGMOID.derivative(z_sat + 1e-6)
    beyond = np.linspace(z_sat + 1e-6, 40, 1000)
    assert np.all(SIGMOID.derivative(beyond) < 0.01) and np.all(SIGMOID.derivative(-beyond) < 0.01)
    table = SIGMOID.derivative(np.array([0.0, 1.0, 2.0, 5.0, 10.0]))
    np.testing.assert_allclose(table, [0.25, 0.196612, 0.104994, 0.006648, 0.0000454], rtol=1e-3)


def _chain_gradient(activation, depth, x0):
    layers = []
    for _ in range(depth):
        layers += [Dense(1, 1, rng=0), Activation(activation)]
    chain = nnlearn.Sequential(layers)
    for layer in chain[::2]:
        layer.params["W"][:] = 1.0
        layer.params["b"][:] = 0.0
    chain.forward(np.array([[x0]]))
    return chain.backward(np.ones((1, 1))).item()


def test_gradient_through_sigmoid_chain_is_at_most_four_to_the_minus_depth():
    for depth in (1, 2, 5, 10, 20):
        g = _chain_gradient("sigmoid", depth, 0.0)
        assert 0 < g <= 4.0 ** -depth
        # The chain rule product computed by hand agrees with backpropagation.
        a, product = 0.0, 1.0
        for _ in range(depth):
            product *= SIGMOID.derivative(a)
            a = sigmoid(a)
        assert g == pytest.approx(product, rel=1e-12)
    assert _chain_gradient("sigmoid", 1, 0.0) == 0.25                      # the bound is attained for L = 1
    assert _chain_gradient("sigmoid", 10, 0.0) < 1e-6 and _chain_gradient("sigmoid", 20, 0.0) < 2e-13
    assert _chain_gradient("tanh", 20, 0.0) == 1.0 and _chain_gradient("relu", 20, 0.5) == 1.0


@given(st.lists(st.floats(-3, 3), min_size=1, max_size=8), st.floats(-2, 2))
def test_sigmoid_chain_bound_holds_for_any_weights(weights, x0):
    """|d a_L / d x| <= prod |w_l| / 4^L for a scalar sigmoid chain (biases 0)."""
    a, grad = x0, 1.0
    for w in weights:
        z = w * a
        grad *= w * SIGMOID.derivative(z)
        a = sigmoid(z)
    bound = np.prod(np.abs(weights)) / 4.0 ** len(weights)
    assert abs(grad) <= bound * (1 + 1e-12)


# -- tanh ---------------------------------------------------------------------------------------------

def test_tanh_is_a_rescaled_sigmoid_with_derivative_at_most_one():
    z = np.linspace(-10, 10, 2001)
    assert np.abs(np.tanh(z) - (2 * sigmoid(2 * z) - 1)).max() < 1e-15
    tanh_prime = activations.get("tanh").derivative(z)
    assert tanh_prime.max() == 1.0 and z[tanh_prime.argmax()] == 0.0
    assert np.allclose(tanh_prime, 4 * SIGMOID.derivative(2 * z))
    assert np.allclose(tanh_prime, (np.tanh(z + 1e-6) - np.tanh(z - 1e-6)) / 2e-6, atol=1e-9)


def test_tanh_outputs_are_centred_and_sigmoid_outputs_are_not():
    z = np.random.default_rng(1).standard_normal(100_000)
    assert abs(sigmoid(z).mean() - 0.5) < 0.01 and abs(np.tanh(z).mean()) < 0.01
    assert np.all(sigmoid(z) > 0)                                 # every sigmoid output is positive


# -- dying ReLU: the chapter's run, and the same run for other seeds ----------------------------------
#
# The chapter trains with rng=0 and glues the counts. What it claims must hold whatever the seed (which sets
# the initial weights and the mini-batch order) and the BLAS kernel. Measured for seeds 0-4 under the
# default, Prescott, Haswell and Sandybridge kernels (identical there): ReLU units dead after the fast
# epochs 8-39; leaky 0.01 pushed negative 7-41; leaky 0.1 at the end 5-25, always fewer than leaky 0.01;
# median weight change of the pushed-negative units, leaky 0.1 / leaky 0.01 = 1.8-43.

SEEDS = range(5)
X_SIN, Y_SIN = datasets.function_samples("sin", 256, noise=0.1, rng=0)


def _switched_off(net):
    return np.all(net[0].forward(X_SIN) <= 0, axis=0)


def _dying_run(activation, seed=0):
    """The chapter's dying_run (plus the final network and the mask, for further checks)."""
    net = nnlearn.MLP([1, 64, 1], activation=activation, rng=seed)
    counts = [int(_switched_off(net).sum())]

    def count(model, history):
        counts.append(int(_switched_off(model).sum()))

    settings = dict(loss="mse", batch_size=32, rng=seed, progress=False, callbacks=[count])
    fast = nnlearn.fit(net, X_SIN, Y_SIN, optimizer=optim.SGD(lr=0.3), epochs=30, **settings)
    off = _switched_off(net)

    def weights():
        return np.vstack([net[0].params["W"], net[0].params["b"], net[2].params["W"][:, 0]])

    frozen = weights().copy()
    slow = nnlearn.fit(net, X_SIN, Y_SIN, optimizer=optim.SGD(lr=0.05), epochs=300, **settings)
    change = np.abs(weights() - frozen).max(axis=0)[off]
    outputs = net[1].forward(net[0].forward(X_SIN))
    return {"counts": counts, "loss": np.concatenate([fast.loss, slow.loss]), "off_after_fast": int(off.sum()),
            "revived": int((off & ~_switched_off(net)).sum()), "moved": float(change.max(initial=0.0)),
            "median_moved": float(np.median(change)) if change.size else 0.0,
            "zero_outputs": int(np.all(outputs == 0, axis=0).sum()), "off": off, "net": net}


@pytest.fixture(scope="module")
def dying_runs():
    """{seed: {"relu": run, "leaky01": run, "leaky1": run}} for the seeds 0-4; seed 0 is the chapter's."""
    return {seed: {"relu": _dying_run("relu", seed), "leaky01": _dying_run(LeakyReLU(0.01), seed),
                   "leaky1": _dying_run(LeakyReLU(0.1), seed)} for seed in SEEDS}


def test_relu_units_die_at_a_large_learning_rate_and_stay_dead(dying_runs):
    for seed, runs in dying_runs.items():
        relu = runs["relu"]
        assert relu["counts"][0] == 0, seed                                # none at initialisation
        assert relu["off_after_fast"] > 0, seed                            # 8-39 die at lr 0.3
        assert relu["off_after_fast"] == relu["counts"][30], seed
        assert min(relu["counts"][30:]) == max(relu["counts"][30:]) == relu["off_after_fast"], seed
        assert relu["zero_outputs"] == relu["off_after_fast"], seed       # all output 0 on every sample
        assert relu["revived"] == 0 and relu["moved"] == 0.0, seed        # frozen, bit for bit
        assert len(relu["counts"]) == 331 and len(relu["loss"]) == 330
    # "How many units die depends on the seed"
    assert len({runs["relu"]["off_after_fast"] for runs in dying_runs.values()}) > 1


def test_dead_relu_units_receive_exactly_zero_gradient(dying_runs):
    relu = dying_runs[0]["relu"]
    net, off = relu["net"], relu["off"]
    loss = nnlearn.losses.get("mse")
    out = net.forward(X_SIN)
    net.backward(loss.gradient(out, Y_SIN))
    assert off.any()
    assert np.all(net[0].grads["W"][:, off] == 0) and np.all(net[0].grads["b"][off] == 0)
    assert np.all(net[2].grads["W"][off] == 0)
    assert np.abs(net[0].grads["W"][:, ~off]).max() > 0             # the living units do get gradients


def test_leaky_relu_units_are_pushed_negative_but_not_dead(dying_runs):
    for seed, runs in dying_runs.items():
        leaky01, leaky1 = runs["leaky01"], runs["leaky1"]
        assert leaky01["counts"][0] == leaky1["counts"][0] == 0, seed
        assert leaky01["off_after_fast"] > 0, seed                          # pushed to the negative side
        assert leaky01["zero_outputs"] == leaky1["zero_outputs"] == 0, seed  # never 0 on every sample
        assert leaky01["moved"] > 0 and leaky1["moved"] > 0, seed            # not frozen
        assert leaky1["counts"][-1] < leaky01["counts"][-1], seed            # "only ... units" with alpha 0.1
        assert leaky1["median_moved"] > leaky01["median_moved"], seed        # a larger alpha moves them faster


def test_which_run_ends_with_the_lowest_loss_depends_on_the_seed(dying_runs):
    """The chapter says the table does not rank the activations by their final loss."""
    best = {min(runs, key=lambda name: runs[name]["loss"][-1]) for runs in dying_runs.values()}
    assert len(best) > 1


def test_dying_run_is_deterministic():
    a, b = _dying_run("relu"), _dying_run("relu")
    assert a["counts"] == b["counts"] and np.array_equal(a["loss"], b["loss"])


def test_explorer_states_quoted_in_the_chapter():
    from nnlearn.explore.activations import ActivationExplorer

    explorer = ActivationExplorer(rng=0, activation="relu", mean=-1.0, std=1.0)
    phi_of_one = 0.5 * (1 + math.erf(1 / math.sqrt(2)))                  # P(z <= 0) for z ~ N(-1, 1)
    assert abs(explorer.result["fraction_zero_derivative"] - phi_of_one) < 0.01
    best = explorer.update(activation="sigmoid", mean=0.0, std=1.0)["mean_derivative"]
    wide = explorer.update(activation="sigmoid", mean=0.0, std=3.0)
    assert wide["mean_derivative"] < 0.5 * 0.25 and wide["mean_derivative"] < best
    counts = wide["a_counts"]
    assert set(np.argsort(counts)[-2:]) == {0, len(counts) - 1}        # the outputs pile up at 0 and 1


# -- softmax ------------------------------------------------------------------------------------------

def test_softmax_backward_matches_finite_differences_and_jacobian():
    rng = np.random.default_rng(2)
    z_row, g_row = rng.normal(size=(1, 4)), rng.normal(size=(1, 4))
    soft = activations.get("softmax")
    analytic = soft.backward(z_row, g_row)
    numeric = numerical_gradient(lambda v: float((g_row * soft(v)).sum()), z_row.copy())
    s = soft(z_row)[0]
    J = np.diag(s) - np.outer(s, s)
    assert relative_error(analytic, numeric) < 1e-8
    assert np.allclose(analytic[0], g_row[0] @ J) and np.allclose(J, J.T)
    assert np.abs(J.sum(axis=1)).max() < 1e-15 and abs(s.sum() - 1) < 1e-15
    # the Jacobian itself, column by column, against central differences
    for j in range(4):
        e = np.zeros((1, 4))
        e[0, j] = 1e-6
        assert np.allclose((soft(z_row + e) - soft(z_row - e))[0] / 2e-6, J[:, j], atol=1e-9)


@given(st.floats(-20, 20), st.floats(-20, 20))
def test_two_class_softmax_is_the_sigmoid_of_the_difference(z1, z2):
    assert softmax(np.array([z1, z2]))[0] == pytest.approx(sigmoid(z1 - z2), abs=1e-15)


@given(st.lists(st.floats(-50, 50), min_size=2, max_size=6), st.floats(-1e4, 1e4))
def test_softmax_shift_invariance(z, c):
    z = np.array(z)
    assert np.allclose(softmax(z + c), softmax(z), atol=1e-12)
    assert np.all(softmax(z) > 0) and softmax(z).sum() == pytest.approx(1.0)


def test_naive_softmax_overflows_and_nnlearn_stays_finite():
    scores = np.array([1000.0, 999.0, 998.0])

    def naive_softmax(v):
        e = np.exp(v)
        return e / e.sum()

    for z, expected in [(scores, {"overflow encountered in exp", "invalid value encountered in divide"}),
                        (-scores, {"invalid value encountered in divide"})]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert np.isnan(naive_softmax(z)).all()               # inf / inf, then 0 / 0
        assert {str(w.message) for w in caught} == expected
    assert np.isfinite(softmax(scores)).all()
    np.testing.assert_allclose(softmax(scores), [0.665, 0.245, 0.090], atol=5e-4)
    assert np.allclose(softmax(scores), softmax(scores - 999))
    assert np.array_equal(softmax(scores), softmax(np.array([1.0, 0.0, -1.0])))
    assert np.log(np.finfo(np.float64).max) == pytest.approx(709.78, abs=0.01)


def test_overflow_threshold_exercise():
    limit = np.log(np.finfo(np.float64).max)
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isfinite(np.exp(limit - 1e-9)) and np.isinf(np.exp(limit + 1e-9))
        row = np.array([710.0, 0.0])
        naive = np.exp(row) / np.exp(row).sum()
    assert np.isnan(naive[0]) and naive[1] == 0.0
    assert softmax(row)[0] == 1.0 and softmax(row)[1] == pytest.approx(4.476e-309, rel=1e-3)


LOGITS = np.array([2.0, 1.0, 0.2, -1.0])


def test_temperature_limits():
    cold, warm = softmax(LOGITS / 0.05), softmax(LOGITS / 20)
    assert cold[0] > 1 - 1e-8 and np.abs(warm - 0.25).max() < 0.02
    assert np.array_equal(np.argsort(cold), np.argsort(warm))
    assert np.abs(softmax(LOGITS / 1e-3) - np.eye(4)[0]).max() == 0.0     # argmax one-hot
    assert np.abs(softmax(LOGITS / 1e6) - 0.25).max() < 1e-6              # uniform
    for T in np.geomspace(0.01, 100, 30):                                  # the ranking never changes
        assert np.array_equal(np.argsort(softmax(LOGITS / T)), np.argsort(LOGITS))
    # the ratio identity s_i / s_j = exp((z_i - z_j) / T)
    s = softmax(LOGITS / 0.7)
    assert s[0] / s[3] == pytest.approx(np.exp((LOGITS[0] - LOGITS[3]) / 0.7))


@given(st.floats(-5, 5), st.floats(-5, 5), st.floats(0.05, 50))
def test_two_class_temperature_exercise(z1, z2, T):
    assert softmax(np.array([z1, z2]) / T)[0] == pytest.approx(sigmoid((z1 - z2) / T), abs=1e-14)


# -- the smooth relatives (computed as in the chapter, with numpy) ------------------------------------

_Phi = np.vectorize(lambda v: 0.5 * (1.0 + math.erf(v / math.sqrt(2.0))))


def _phi(v):
    return np.exp(-v ** 2 / 2) / np.sqrt(2 * np.pi)


SMOOTH = {
    "ELU": (lambda v: np.where(v > 0, v, np.expm1(np.minimum(v, 0.0))),
            lambda v: np.where(v > 0, 1.0, np.exp(np.minimum(v, 0.0)))),
    "GELU": (lambda v: v * _Phi(v), lambda v: _Phi(v) + v * _phi(v)),
    "SiLU": (lambda v: v * sigmoid(v), lambda v: sigmoid(v) * (1 + v * (1 - sigmoid(v)))),
}


@pytest.mark.parametrize("name", SMOOTH)
def test_smooth_relu_derivative_formulas(name):
    fn, dfn = SMOOTH[name]
    zs = np.linspace(-4, 3, 7001)
    numeric = (fn(zs + 1e-6) - fn(zs - 1e-6)) / 2e-6
    assert np.abs(numeric - dfn(zs))[np.abs(zs) > 1e-3].max() < 1e-6
    assert fn(np.array([30.0]))[0] == pytest.approx(30.0)              # like z for large positive z


def test_smooth_relu_minima_and_monotonicity():
    zs = np.linspace(-4, 3, 7001)
    minima = {name: (zs[fn(zs).argmin()], fn(zs).min()) for name, (fn, _) in SMOOTH.items()}
    assert minima["SiLU"][1] == pytest.approx(-0.278, abs=1e-3) and -1.3 < minima["SiLU"][0] < -1.2
    assert minima["GELU"][1] == pytest.approx(-0.170, abs=1e-3) and -0.8 < minima["GELU"][0] < -0.7
    assert np.all(np.diff(SMOOTH["ELU"][0](zs)) > 0)
    assert SMOOTH["ELU"][0](np.array([-20.0]))[0] == pytest.approx(-1.0, abs=1e-8)   # bounded below by -alpha
    for name in ("GELU", "SiLU"):                                       # not monotone: they dip, then rise
        values = SMOOTH[name][0](zs)
        assert np.any(np.diff(values) < 0) and np.any(np.diff(values) > 0)
        assert abs(SMOOTH[name][0](np.array([-40.0]))[0]) < 1e-12        # tend to 0 for very negative z


# -- the notes' formula -------------------------------------------------------------------------------

def test_the_notes_sigmoid_is_decreasing():
    def notes_sigmoid(v):
        return 1 / (1 + np.exp(v))

    grid = np.linspace(-6, 6, 121)
    assert np.all(np.diff(notes_sigmoid(grid)) < 0)
    assert np.allclose(notes_sigmoid(grid), sigmoid(-grid)) and np.allclose(notes_sigmoid(grid), 1 - sigmoid(grid))
    slope = (notes_sigmoid(grid + 1e-6) - notes_sigmoid(grid - 1e-6)) / 2e-6
    assert np.allclose(slope, -SIGMOID.derivative(grid), atol=1e-9)
    np.testing.assert_allclose(notes_sigmoid(np.array([-2.0, 0.0, 2.0])), [0.881, 0.5, 0.119], atol=5e-4)


# -- the bad-bias exercise ----------------------------------------------------------------------------
#
# The solution glues the run with rng=0. Measured for seeds 0-4 (all kernels tried identical): ReLU loss /
# variance of the targets 1.001-1.004; leaky ReLU 62-63 of 64 units still negative, loss 0.14-0.16 against
# a variance of 0.506.

def _bad_bias_run(activation, seed=0):
    net = nnlearn.MLP([1, 64, 1], activation=activation, rng=seed)
    net[0].params["b"][:] = -1.0
    W0 = net[0].params["W"].copy()
    before = int(np.all(net[0].forward(X_SIN) <= 0, axis=0).sum())
    history = nnlearn.fit(net, X_SIN, Y_SIN, loss="mse", optimizer=optim.SGD(lr=0.05), epochs=300,
                          batch_size=32, rng=seed, progress=False)
    after = int(np.all(net[0].forward(X_SIN) <= 0, axis=0).sum())
    return before, after, history.loss[-1], W0, net


def test_bad_bias_exercise():
    assert math.sqrt(6 / 65) == pytest.approx(0.30, abs=0.01) and math.sqrt(6 / 65) * 3 < 1
    assert np.abs(X_SIN).max() <= 3
    for seed in (0, 1, 2):
        before, after, loss, W0, net = _bad_bias_run("relu", seed)
        assert np.abs(W0).max() <= math.sqrt(6 / 65)
        assert before == after == 64, seed
        assert np.array_equal(net[0].params["W"], W0), seed          # the hidden layer never learned
        assert Y_SIN.var() < loss < 1.01 * Y_SIN.var(), seed        # a constant: just above the variance
        before, after, loss, W0, net = _bad_bias_run(LeakyReLU(0.01), seed)
        assert before == 64 and after < 64, seed                      # some have made it back
        assert loss < 0.5 * Y_SIN.var(), seed                         # a line fits far better than a constant
        assert np.abs(net[0].params["W"] - W0).max() > 0.1, seed      # the units are moving


# -- what dead units cost, and the cure: 1 -> 16 -> 1, three runs per seed ------------------
#
# Measured for seeds 0-4 under the default, Prescott and Haswell kernels (identical): ReLU with
# the fast start 2-12 dead units of 16, loss 0.012-0.14 (4 of 5 seeds below 0.04); leaky ReLU
# none dead, loss 0.013-0.029; ReLU at 0.05 throughout 0-1 dead, loss 0.0122-0.0131. The worst
# fast run (the one with most dead units) ends 10 times above the worst slow run.

NOISE_VAR = 0.1**2


def _remedy_run(activation, first_lr, seed):
    net = nnlearn.MLP([1, 16, 1], activation=activation, rng=seed)
    settings = dict(loss="mse", batch_size=32, rng=seed, progress=False)
    nnlearn.fit(net, X_SIN, Y_SIN, optimizer=optim.SGD(lr=first_lr), epochs=30, **settings)
    history = nnlearn.fit(net, X_SIN, Y_SIN, optimizer=optim.SGD(lr=0.05), epochs=120,
                          **settings)
    hidden = net[1].forward(net[0].forward(X_SIN))
    return int(np.all(hidden == 0, axis=0).sum()), float(history.loss[-1]), net


@pytest.fixture(scope="module")
def remedy_runs():
    """{name: [(dead, final loss, net) for seeds 0-4]}, as in the chapter."""
    configs = {"fast": ("relu", 0.3), "leaky": (LeakyReLU(0.1), 0.3), "slow": ("relu", 0.05)}
    return {name: [_remedy_run(act, lr, seed) for seed in SEEDS]
            for name, (act, lr) in configs.items()}


def _dead_and_loss(runs):
    return np.array([r[0] for r in runs]), np.array([r[1] for r in runs])


def test_a_smaller_learning_rate_prevents_dead_units(remedy_runs):
    fast, _ = _dead_and_loss(remedy_runs["fast"])
    slow, slow_loss = _dead_and_loss(remedy_runs["slow"])
    leaky, leaky_loss = _dead_and_loss(remedy_runs["leaky"])
    assert (fast > slow).all() and fast.min() >= 1       # every seed: fewer deaths with the cure
    assert slow.max() <= 2                               # measured 0-1
    assert (leaky == 0).all()
    assert leaky_loss.max() > 1.5 * slow_loss.max()      # the large steps still cost (2.2 times)
    assert NOISE_VAR / 2 < slow_loss.min() and slow_loss.max() < 1.5 * NOISE_VAR   # 0.0122-0.0131


def test_dead_units_cost_loss_when_few_units_are_left(remedy_runs):
    fast, fast_loss = _dead_and_loss(remedy_runs["fast"])
    _, slow_loss = _dead_and_loss(remedy_runs["slow"])
    assert (fast_loss < 4 * NOISE_VAR).sum() >= 3        # most runs still fit the sine (4 of 5)
    worst = fast_loss.argmax()
    assert fast[worst] == fast.max()                     # the worst run lost the most units
    assert fast_loss[worst] > 5 * slow_loss.max()        # measured 10 times


def test_a_network_with_dead_units_equals_the_narrower_network_of_its_live_units(remedy_runs):
    # The exercise ex-ch03-dead-capacity: removing the dead units changes no training output.
    dead, _, net = max(remedy_runs["fast"], key=lambda r: r[0])
    alive = ~np.all(net[1].forward(net[0].forward(X_SIN)) == 0, axis=0)
    assert alive.sum() == 16 - dead and dead > 0
    narrow = nnlearn.MLP([1, int(alive.sum()), 1], activation="relu", rng=0)
    narrow[0].params["W"][...] = net[0].params["W"][:, alive]
    narrow[0].params["b"][...] = net[0].params["b"][alive]
    narrow[2].params["W"][...] = net[2].params["W"][alive]
    narrow[2].params["b"][...] = net[2].params["b"]
    np.testing.assert_allclose(narrow.forward(X_SIN), net.forward(X_SIN), rtol=1e-12, atol=1e-12)
    assert net.n_params == 49 and net.n_params - narrow.n_params == 3 * dead
