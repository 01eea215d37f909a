"""The claims of Chapter 7 (book/part2/07-mlp-universal-approximation.md), each run with the chapter's code and seeds."""

import itertools

import numpy as np
import pytest

import nnlearn
from nnlearn import optim
from nnlearn.activations import sigmoid
from nnlearn.datasets import FUNCTIONS, function_samples, logic_gate
from nnlearn.explore.approximation import (GRID, WIDTHS, ApproximationExplorer, approximation_error, fit_target,
                                           train_one_hidden_layer)
from nnlearn.layers import Activation, Dense
from nnlearn.network import Sequential

TARGETS = ["sin", "abs", "step", "sawtooth"]
X_FINE = np.linspace(-3, 3, 24001)
# Training claims are checked for these seeds of train_one_hidden_layer (seed 0 is the chapter's, through
# fit_target). Margins were chosen from seeds 0-4 under the OpenBLAS kernels default (this machine),
# Prescott, Haswell and Sandybridge; the measured spread is written next to each threshold.
SEEDS = (0, 1, 2)


# -- the chapter's helpers, verbatim -------------------------------------------------------------------

def one_hidden_layer_by_hand(w, b, v, c, activation):
    m = len(b)
    net = Sequential([Dense(1, m, rng=0), Activation(activation), Dense(m, 1, rng=0)])
    net[0].params["W"][...] = np.reshape(w, (1, m))
    net[0].params["b"][...] = b
    net[2].params["W"][...] = np.reshape(v, (m, 1))
    net[2].params["b"][...] = [c]
    return net


def staircase(f, m, low, high, steepness=50.0):
    knots = np.linspace(low, high, m + 1)
    kappa = steepness / (knots[1] - knots[0])
    heights = f((knots[:-1] + knots[1:]) / 2)
    return one_hidden_layer_by_hand(np.full(m - 1, kappa), -kappa * knots[1:-1],
                                    np.diff(heights), heights[0], "sigmoid")


def relu_interpolant(f, m, low, high):
    knots = np.linspace(low, high, m + 1)
    slopes = np.diff(f(knots)) / np.diff(knots)
    return one_hidden_layer_by_hand(np.ones(m), -knots[:-1], np.diff(slopes, prepend=0.0),
                                    f(knots[0]), "relu")


def sawtooth_by_hand(width=0.02):
    s = 2 / width
    return one_hidden_layer_by_hand(np.ones(5), [3.0, 1 + width, 1.0, -1 + width, -1.0],
                                    [1.0, -s, s, -s, s], -1.0, "relu")


def tent(x):
    return 2 * np.minimum(x, 1 - x)


def tent_k(x, k):
    for _ in range(k):
        x = tent(x)
    return x


def deep_sawtooth(k):
    layers = [Dense(1, 2, rng=0), Activation("relu")]
    for _ in range(k - 1):
        layers += [Dense(2, 2, rng=0), Activation("relu")]
    net = Sequential(layers + [Dense(2, 1, rng=0)])
    net[0].params["W"][...] = [[1.0, 1.0]]
    net[0].params["b"][...] = [0.0, -0.5]
    for dense in net[2:-1:2]:
        dense.params["W"][...] = [[2.0, 2.0], [-4.0, -4.0]]
        dense.params["b"][...] = [0.0, -0.5]
    net[-1].params["W"][...] = [[2.0], [-4.0]]
    net[-1].params["b"][...] = [0.0]
    return net


def train_xor(width, seed):
    X, y = logic_gate("xor")
    net = nnlearn.MLP([2, width, 1], activation="tanh", output_activation="sigmoid", rng=seed)
    history = nnlearn.fit(net, X, y.reshape(-1, 1), loss="bce", optimizer=optim.Adam(lr=0.05),
                          epochs=500, rng=0, progress=False)
    solved = np.array_equal((net.predict(X).ravel() >= 0.5).astype(int), y)
    return solved, history.loss[-1]


def count_pieces(values, x):
    """Linear pieces of a piecewise linear function sampled densely on x: runs of slope changes, plus 1.

    A kink between two grid points changes the slope twice in a row (into and out of the segment that
    contains it), so consecutive changes count as one kink.
    """
    slopes = np.diff(values) / np.diff(x)
    changes = np.flatnonzero(np.abs(np.diff(slopes)) > 1e-6 * max(1.0, np.abs(slopes).max()))
    return int(np.sum(np.diff(changes) > 1)) + (1 if changes.size else 0) + 1


@pytest.fixture(scope="module")
def relu_fits():
    fits = {(name, m): fit_target(name, m) for name in TARGETS for m in WIDTHS}
    errors = {name: np.array([approximation_error(fits[name, m].net, name) for m in WIDTHS]) for name in TARGETS}
    return fits, {n: e[:, 0] for n, e in errors.items()}, {n: e[:, 1] for n, e in errors.items()}


@pytest.fixture(scope="module")
def relu_tables(relu_fits):
    """{seed: (rmse, max_err, lowest training loss per width)} for the regression experiment, per target.

    Seed 0 is the chapter's table (fit_target); the other seeds run the same recipe with another rng.
    """
    fits, rmse, max_err = relu_fits
    tables = {0: (rmse, max_err, {n: np.array([fits[n, m].train_loss for m in WIDTHS]) for n in TARGETS})}
    for seed in SEEDS[1:]:
        r, e, loss = {}, {}, {}
        for name in TARGETS:
            X, y = function_samples(name, 200, rng=0)
            runs = [train_one_hidden_layer(X, y, m, rng=seed) for m in WIDTHS]
            errors = np.array([approximation_error(net, name) for net, _ in runs])
            r[name], e[name] = errors[:, 0], errors[:, 1]
            loss[name] = np.array([losses.min() for _, losses in runs])
        tables[seed] = (r, e, loss)
    return tables


# -- XOR ------------------------------------------------------------------------------------------------

def trained_xor_net():
    X, y = logic_gate("xor")
    net = nnlearn.MLP([2, 2, 1], activation="tanh", output_activation="sigmoid", rng=0)
    history = nnlearn.fit(net, X, y.reshape(-1, 1), loss="bce", optimizer=optim.Adam(lr=0.05), epochs=500,
                          rng=0, progress=False)
    return net, history


def test_the_xor_network_is_right():
    X, y = logic_gate("xor")
    net, history = trained_xor_net()
    p = net.predict(X).ravel()
    np.testing.assert_array_equal((p >= 0.5).astype(int), y)
    assert history.loss[-1] < 0.01 and np.abs(p - y).max() < 0.01
    # The same seed gives the same network.
    again, _ = trained_xor_net()
    np.testing.assert_array_equal(again.predict(X), net.predict(X))


def test_the_xor_hidden_units_and_their_representation():
    X, y = logic_gate("xor")
    net, _ = trained_xor_net()
    W1, b1 = net[0].params["W"], net[0].params["b"]
    v, c = net[2].params["W"][:, 0], net[2].params["b"][0]
    Z1 = X @ W1 + b1
    H = np.tanh(Z1)
    np.testing.assert_allclose(H, net[1].forward(net[0].forward(X)))
    # Unit 1 is positive only at (1, 0) ("x1 and not x2"), unit 2 only at (0, 1) ("x2 and not x1") ...
    np.testing.assert_array_equal(Z1 > 0, [[False, False], [False, True], [True, False], [False, False]])
    # ... the output adds them with almost equal large positive weights and a positive bias (an OR) ...
    assert np.all(v > 5) and abs(v[0] - v[1]) < 0.2 and c > 5
    # ... the hidden representation is linearly separable, by the output unit's line ...
    np.testing.assert_array_equal((H @ v + c > 0).astype(int), y)
    assert nnlearn.Perceptron(rng=0).fit(H, y).converged_
    # ... while the inputs themselves are not.
    assert not nnlearn.Perceptron(max_epochs=200, rng=0).fit(X, y).converged_
    # (0, 0) and (1, 1) land close together near the corner (-1, -1) (0.0125 apart on four kernels);
    # (0, 1) and (1, 0) at two other corners.
    assert np.linalg.norm(H[0] - H[3]) < 0.02
    assert np.all(H[[0, 3]] < -0.95) and np.all(np.abs(H[[1, 2]]) > 0.95)
    assert H[1, 0] < 0 < H[1, 1] and H[2, 1] < 0 < H[2, 0]
    # The unit lines run on either side of the diagonal x2 = x1; the network predicts 0 in the band
    # between them and 1 beyond either line.
    for j, sign in [(0, -1), (1, 1)]:
        x2_at = -(W1[0, j] * np.array([0.0, 1.0]) + b1[j]) / W1[1, j]
        assert np.all(sign * (x2_at - np.array([0.0, 1.0])) > 0.3)
    grid = np.random.default_rng(0).uniform(-0.5, 1.5, size=(4000, 2))
    Z = grid @ W1 + b1
    band = np.all(Z < 0, axis=1)
    differ = (net.predict(grid).ravel() >= 0.5) != ~band
    distance = (np.abs(Z) / np.linalg.norm(W1, axis=0)).min(axis=1)    # to the nearer unit line
    # Measured 1.3 % of the points, all within 0.0128 of a line, on four kernels (the chapter glues it).
    assert np.mean(differ) < 0.02 and distance[differ].max() < 0.015


def test_xor_success_counts_and_where_the_failures_get_stuck():
    runs = {width: [train_xor(width, seed) for seed in range(20)] for width in (2, 3, 4, 8)}
    counts = {width: sum(ok for ok, _ in results) for width, results in runs.items()}
    # Measured on four kernels: 10, 18, 20, 20 of 20. Failed runs end on a plateau (loss >= 0.347),
    # successful ones below 0.004, so no run sits near the boundary. The chapter's claims: a large share of
    # the two-unit runs fails, the success rate rises with the width, and four units always succeed.
    assert 5 <= 20 - counts[2] <= 15
    assert counts[2] < counts[3] <= counts[4] == counts[8] == 20
    assert max(loss for results in runs.values() for ok, loss in results if ok) < 0.01
    stuck = np.array([loss for ok, loss in runs[2] if not ok])
    half, third = np.log(2) / 2, (2 * np.log(1.5) + np.log(3)) / 4
    assert round(half, 3) == 0.347 and round(third, 3) == 0.477
    # Every failure is on one of the two plateaus, and both occur (measured 9 and 1, within 0.0006).
    n_half, n_third = np.sum(np.abs(stuck - half) < 0.002), np.sum(np.abs(stuck - third) < 0.002)
    assert n_half + n_third == len(stuck) and n_half >= 1 and n_third >= 1


def test_failed_xor_runs_predict_one_half_for_two_inputs():
    X, y = logic_gate("xor")
    for seed in (5, 9, 11):
        net = nnlearn.MLP([2, 2, 1], activation="tanh", output_activation="sigmoid", rng=seed)
        nnlearn.fit(net, X, y.reshape(-1, 1), loss="bce", optimizer=optim.Adam(lr=0.05), epochs=500, rng=0,
                    progress=False)
        p = net.predict(X).ravel()
        halves = np.abs(p - 0.5) < 0.01
        assert halves.sum() == 2 and set(y[halves]) == {0, 1}     # two inputs with different labels at 1/2


# -- constructions by hand ----------------------------------------------------------------------------

def test_bumps_and_hats_are_the_networks():
    knots = np.linspace(-3, 3, 9)
    kappa = 50 / (knots[1] - knots[0])
    stairs, hats_net = staircase(np.sin, 8, -3, 3), relu_interpolant(np.sin, 8, -3, 3)
    steps = np.column_stack([np.ones_like(X_FINE)] + [sigmoid(kappa * (X_FINE - t)) for t in knots[1:-1]]
                            + [np.zeros_like(X_FINE)])
    bumps = np.sin((knots[:-1] + knots[1:]) / 2) * (steps[:, :-1] - steps[:, 1:])
    np.testing.assert_allclose(bumps.sum(axis=1), stairs.predict(X_FINE[:, None]).ravel(), atol=1e-12)
    hats = np.sin(knots) * np.maximum(0, 1 - np.abs(X_FINE[:, None] - knots) / (knots[1] - knots[0]))
    np.testing.assert_allclose(hats.sum(axis=1), hats_net.predict(X_FINE[:, None]).ravel(), atol=1e-12)
    np.testing.assert_allclose(hats_net.predict(knots[:, None]).ravel(), np.sin(knots), atol=1e-12)
    assert stairs.n_params == 22 and hats_net.n_params == 25
    # Each bump is a tower: about f(c_j) inside its cell, about 0 outside the neighbouring cells.
    mids = (knots[:-1] + knots[1:]) / 2
    inside = np.abs(X_FINE[:, None] - mids) < 0.2 * (knots[1] - knots[0])
    np.testing.assert_allclose(bumps[inside], np.broadcast_to(np.sin(mids), bumps.shape)[inside], atol=1e-6)


def test_the_hat_identity():
    t, delta = 0.3, 0.7
    x = np.linspace(-3, 3, 10001)
    relu = lambda z: np.maximum(z, 0.0)  # noqa: E731
    three_ramps = (relu(x - t + delta) - 2 * relu(x - t) + relu(x - t - delta)) / delta
    np.testing.assert_allclose(three_ramps, np.maximum(0, 1 - np.abs(x - t) / delta), atol=1e-12)


def test_bump_construction_error_falls_like_one_over_m():
    ms = 2 ** np.arange(1, 9)
    err_stairs = np.array([np.abs(staircase(np.sin, m, -3, 3).predict(X_FINE[:, None]).ravel()
                                  - np.sin(X_FINE)).max() for m in ms])
    err_hats = np.array([np.abs(relu_interpolant(np.sin, m, -3, 3).predict(X_FINE[:, None]).ravel()
                                - np.sin(X_FINE)).max() for m in ms])
    bound = 3 / ms
    assert np.all(err_stairs <= bound + 1e-9) and np.all(err_hats <= bound + 1e-9)
    slope_stairs = np.polyfit(np.log(ms[2:]), np.log(err_stairs[2:]), 1)[0]
    slope_hats = np.polyfit(np.log(ms[2:]), np.log(err_hats[2:]), 1)[0]
    assert abs(slope_stairs + 1) < 0.02 and abs(slope_hats + 2) < 0.02
    # m x error approaches 3 (the bound, attained near x = 0), m^2 x error approaches 36/8 = 4.5.
    assert np.all(np.diff(ms * err_stairs) > 0) and abs(ms[-1] * err_stairs[-1] - 3) < 0.05
    assert abs(ms[-1] ** 2 * err_hats[-1] - 4.5) < 0.05 and np.all(ms**2 * err_hats <= 4.5 * 1.001)
    # Doubling the units halves the staircase error (within 2 % for m >= 16).
    ratios = err_stairs[3:] / err_stairs[2:-1]
    assert np.all(np.abs(ratios - 0.5) < 0.02)


@pytest.mark.parametrize("seed", range(5))
def test_the_proposition_bound_holds_for_other_lipschitz_functions(seed):
    # A random piecewise linear function with known Lipschitz constant, and |x|, on random intervals.
    rng = np.random.default_rng(seed)
    low = rng.uniform(-3, 0)
    high = low + rng.uniform(1, 5)
    corners_x = np.sort(rng.uniform(low, high, 7))
    corners_y = rng.normal(size=7)
    lipschitz = np.abs(np.diff(corners_y) / np.diff(corners_x)).max()
    f = lambda x: np.interp(x, corners_x, corners_y)  # noqa: E731  (constant outside: still Lipschitz)
    x = np.linspace(low, high, 20001)
    for m in (1, 3, 7, 20, 64):
        bound = lipschitz * (high - low) / (2 * m)
        interp = relu_interpolant(f, m, low, high).predict(x[:, None]).ravel()
        assert np.abs(interp - f(x)).max() <= bound * (1 + 1e-9)
        knots = np.linspace(low, high, m + 1)
        cell = np.clip(np.searchsorted(knots, x, side="right") - 1, 0, m - 1)
        exact_stairs = f((knots[:-1] + knots[1:]) / 2)[cell]
        assert np.abs(exact_stairs - f(x)).max() <= bound * (1 + 1e-9)
    # |x| on [-3, 3] with an odd number of cells: the kink is mid-cell and the bound is attained.
    interp = relu_interpolant(np.abs, 3, -3, 3).predict(np.array([[0.0]]))[0, 0]
    assert np.isclose(interp, 6 / (2 * 3))


def test_continuous_but_not_lipschitz_error_is_the_modulus_of_continuity():
    f = lambda x: np.sqrt(np.abs(x))  # noqa: E731   continuous on [-1, 1], not Lipschitz at 0
    x = np.linspace(-1, 1, 40001)
    previous = np.inf
    for m in (4, 16, 64, 256):
        delta = 2 / m
        omega = np.sqrt(delta)                       # |sqrt|a| - sqrt|b|| <= sqrt|a - b|
        err = np.abs(relu_interpolant(f, m, -1, 1).predict(x[:, None]).ravel() - f(x)).max()
        assert err <= omega + 1e-12 and err < previous
        previous = err


def test_polynomial_activation_spans_only_quadratics():
    rng = np.random.default_rng(0)
    x = np.linspace(-3, 3, 200)
    w, b = rng.normal(size=50), rng.normal(size=50)
    square, tanh = (np.outer(x, w) + b) ** 2, np.tanh(np.outer(x, w) + b)
    assert np.linalg.matrix_rank(square) == 3
    quadratic = np.polyval(np.polyfit(x, np.abs(x), 2), x)
    quadratic_rms = np.sqrt(np.mean((quadratic - np.abs(x)) ** 2))
    rms = {}
    for name, hidden in {"square": square, "tanh": tanh}.items():
        design = np.column_stack([hidden, np.ones_like(x)])
        coef, *_ = np.linalg.lstsq(design, np.abs(x), rcond=None)
        rms[name] = np.sqrt(np.mean((design @ coef - np.abs(x)) ** 2))
    assert abs(rms["square"] - quadratic_rms) < 1e-9 and round(quadratic_rms, 4) == 0.2175
    assert rms["tanh"] < 0.02 * quadratic_rms        # "about eighty times better"
    assert 70 < quadratic_rms / rms["tanh"] < 90


# -- function approximation as regression ---------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_uat_error_falls_as_the_width_grows(relu_tables, seed):
    """What the chapter tests, in this precise form (required claim), for every seed."""
    rmse, _, _ = relu_tables[seed]
    for name in TARGETS:
        # never rises by more than 10 % plus 0.005 from one width to the next (the largest rise measured
        # stays 0.003 below that) ...
        assert np.all(rmse[name][1:] <= 1.1 * rmse[name][:-1] + 0.005), name
    # ... and at 32 units is far below its one-unit value. Ratios measured: sin 0.015-0.022, |x|
    # 0.0005-0.003, step 0.253-0.259, sawtooth 0.357-0.384.
    assert rmse["sin"][-1] < 0.03 * rmse["sin"][0] and rmse["abs"][-1] < 0.03 * rmse["abs"][0]
    assert rmse["step"][-1] < 0.3 * rmse["step"][0] and rmse["sawtooth"][-1] < 0.5 * rmse["sawtooth"][0]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_numbers_of_the_regression_table(relu_tables, seed):
    """What the chapter says of each target (it glues the values of seed 0), for every seed."""
    rmse, max_err, _ = relu_tables[seed]
    # sin improves (measured 0.366-0.370 at one unit, 0.0057-0.0080 at 32); the chapter's run, seed 0,
    # "steadily", at every width on every kernel (smallest step 0.0141 -> 0.0118).
    assert rmse["sin"][0] > 0.3 and rmse["sin"][-1] < 0.01 and rmse["sin"][-1] == rmse["sin"].min()
    if seed == 0:
        assert np.all(np.diff(rmse["sin"]) < 0)
    # |x|: one ramp cannot bend twice (0.72-0.88); from two units on below 0.01 (largest 0.0075).
    assert rmse["abs"][0] > 0.5 and np.all(rmse["abs"][1:] < 0.01)
    x = np.linspace(-3, 3, 101)
    two = one_hidden_layer_by_hand([1.0, -1.0], [0.0, 0.0], [1.0, 1.0], 0.0, "relu")
    np.testing.assert_allclose(two.predict(x[:, None]).ravel(), np.abs(x))     # |x| = relu(x) + relu(-x)
    # The step stops improving: from 8 units on within 0.0031 of the 32-unit value (threshold 0.01), which
    # is 0.060-0.062; the chapter's seed 0 is there from 4 units on (within 0.0031 on every kernel).
    first = 2 if seed == 0 else 3
    assert np.all(np.abs(rmse["step"][first:] - rmse["step"][-1]) < 0.01)
    assert 0.05 < rmse["step"][-1] < 0.07
    # The sawtooth stalls: at 16 and 32 units 0.187-0.206, the two within 0.016 of each other.
    assert np.all((0.15 < rmse["sawtooth"][-2:]) & (rmse["sawtooth"][-2:] < 0.25))
    assert abs(rmse["sawtooth"][-1] - rmse["sawtooth"][-2]) < 0.03
    # The jumps: every fit is off by at least half the jump on the grid.
    assert np.all(max_err["step"] >= 0.5) and np.all(max_err["sawtooth"] >= 1.0)


def test_every_continuous_fit_misses_the_step_by_half(relu_fits):
    fits, _, _ = relu_fits
    for m in WIDTHS:
        F0 = fits["step", m].net.predict(np.array([[0.0]]))[0, 0]
        # F is continuous, so its error near 0 from the left is |F(0)|; at 0 it is |1 - F(0)|.
        assert max(abs(F0), abs(1 - F0)) >= 0.5


def test_the_best_restart_is_chosen_by_training_loss_only(relu_fits):
    fits, _, _ = relu_fits
    for (name, m), fit in fits.items():
        X, y = function_samples(name, 200, rng=0)
        np.testing.assert_array_equal(fit.X, X)
        loss = np.mean((fit.net.predict(X) - y) ** 2)
        assert np.isclose(loss, fit.restart_losses.min()) and fit.net.n_params == 3 * m + 1


def test_training_is_deterministic():
    X, y = function_samples("sin", 200, rng=0)
    a, la = train_one_hidden_layer(X, y, 4, epochs=200, rng=3)
    b, lb = train_one_hidden_layer(X, y, 4, epochs=200, rng=3)
    np.testing.assert_array_equal(a.flat_parameters()[0][0], b.flat_parameters()[0][0])
    np.testing.assert_array_equal(la, lb)


def test_the_step_error_sits_at_the_data_gap(relu_fits):
    fits, _, _ = relu_fits
    X_step, _ = function_samples("step", 200, rng=0)
    below, above = X_step[X_step < 0].max(), X_step[X_step >= 0].min()
    assert round(below, 4) == -0.0006 and round(above, 3) == 0.064
    squared = (fits["step", 32].net.predict(GRID[:, None]).ravel() - FUNCTIONS["step"](GRID)) ** 2
    assert squared[np.abs(GRID) <= 0.1].sum() / squared.sum() > 0.9


@pytest.mark.parametrize("seed", SEEDS)
def test_a_hand_made_sawtooth_beats_every_trained_network(relu_tables, seed):
    rmse, _, train_loss = relu_tables[seed]
    X, y = function_samples("sawtooth", 200, rng=0)
    hand = sawtooth_by_hand()
    hand_loss = np.mean((hand.predict(X) - y) ** 2)
    hand_rmse = approximation_error(hand, "sawtooth")[0]
    assert hand.n_params == 16 and hand_loss < 1e-20
    # Trained networks of 1 to 32 units stop at training losses of 0.0081-0.0138 at best ...
    assert train_loss["sawtooth"].min() > 0.005
    # ... and the hand-made one has about half the RMSE of the best (ratio 0.50-0.53 measured).
    assert round(hand_rmse, 2) == 0.10                       # an exact construction
    assert 0.4 < hand_rmse / rmse["sawtooth"].min() < 0.6
    # The hand network is the sawtooth outside the two ramps of width 0.02 (and the endpoint x = 3).
    x = np.linspace(-3, 3, 60001)
    outside = ~(((x > -1.02) & (x < -1)) | ((x > 0.98) & (x < 1)) | (x == 3))
    np.testing.assert_allclose(hand.predict(x[outside, None]).ravel(), FUNCTIONS["sawtooth"](x[outside]),
                               atol=1e-9)


def test_outside_the_interval_nothing_is_promised(relu_fits):
    fits, _, max_err = relu_fits
    x = np.linspace(4, 6, 201)
    outside = np.abs(fits["sin", 32].net.predict(x[:, None]).ravel() - np.sin(x)).max()
    assert outside > 2 and max_err["sin"][-1] < 0.025


def test_the_explorer_shows_the_chapter_networks(relu_fits):
    _, rmse, _ = relu_fits
    r = ApproximationExplorer(target="sawtooth", n_hidden=32).result
    assert r["rmse"] == rmse["sawtooth"][-1] and r["units"].shape == (601, 32)
    np.testing.assert_allclose(r["bias"] + r["units"].sum(axis=1), r["fit"])


# -- deep versus shallow ----------------------------------------------------------------------------

def test_the_tent_map_is_two_relus():
    x = np.linspace(0, 1, 10001)
    np.testing.assert_allclose(2 * np.maximum(x, 0) - 4 * np.maximum(x - 0.5, 0), tent(x), atol=1e-15)


@pytest.mark.parametrize("k", range(1, 7))
def test_tent_k_has_2_to_the_k_pieces_with_slopes_2_to_the_k(k):
    x = np.arange(2 ** (k + 6) + 1) / 2 ** (k + 6)          # dyadic, with the corners j / 2^k on the grid
    values = tent_k(x, k)
    assert count_pieces(values, x) == 2**k
    np.testing.assert_allclose(np.abs(np.diff(values) / np.diff(x)), 2.0**k)
    assert np.sum(np.isclose(values, 1.0)) == 2 ** (k - 1)  # 2^(k-1) teeth


@pytest.mark.parametrize("k", range(1, 7))
def test_the_deep_sawtooth_is_exact(k):
    dyadic = np.arange(4097)[:, None] / 4096
    x_random = np.random.default_rng(1).uniform(0, 1, (10_000, 1))
    deep = deep_sawtooth(k)
    np.testing.assert_array_equal(deep.forward(dyadic), tent_k(dyadic, k))
    assert np.abs(deep.forward(x_random) - tent_k(x_random, k)).max() < 1e-12
    assert deep.n_params == 6 * k + 1 and sum(layer.n_out for layer in deep[:-1:2]) == 2 * k


@pytest.mark.parametrize("k", range(1, 11))
def test_the_shallow_exact_sawtooth_and_the_parameter_counts(k):
    x_random = np.random.default_rng(1).uniform(0, 1, (10_000, 1))
    shallow = relu_interpolant(lambda x: tent_k(x, k), 2**k, 0.0, 1.0)
    assert np.abs(shallow.predict(x_random) - tent_k(x_random, k)).max() < 1e-9
    assert shallow.n_params == 3 * 2**k + 1
    # From k = 3 on, the deep network has fewer parameters than the smallest exact shallow one (2^k units);
    # for k <= 2 they are the same size.
    assert 6 * k + 1 < 3 * 2**k + 1 if k >= 3 else 6 * k + 1 == 3 * 2**k + 1
    if k == 10:
        assert (6 * k + 1, 3 * 2**k + 1) == (61, 3073)


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_two_to_the_k_minus_one_units_cannot_compute_the_sawtooth(k):
    """The chapter's claim that 2^k units are the fewest: with 2^k - 1 units every kink sits at an inner
    corner, and for every choice of the side each unit is active on, the best output weights (least squares)
    leave an error far above rounding; the interpolant's 2^k units leave only rounding.

    Both the sawtooth and every such network are piecewise linear with kinks at multiples of
    2^-k, so the grid of multiples of 2^-(k+2) decides: a network that matched on it would match
    everywhere. (It is also 30 times cheaper than a fine grid for the 2^15 fits of k = 4.)

    The fits are batched: the least-squares residual is the target minus its projection Q Q^T y
    onto the columns of H (reduced QR of each H), the residual lstsq leaves, to 1e-13; about four
    times faster than one lstsq per choice of sides."""
    x = np.arange(2**(k + 2) + 1) / 2**(k + 2)
    target = tent_k(x, k)
    corners = np.arange(1, 2**k) / 2**k
    all_sides = np.array(list(itertools.product((1.0, -1.0), repeat=len(corners))))
    for sides in np.array_split(all_sides, max(1, len(all_sides) // 4096)):
        H = np.maximum(0.0, sides[:, None, :] * (x[None, :, None] - corners))
        H = np.concatenate([H, np.ones(H.shape[:2] + (1,))], axis=2)   # (choices, points, units + 1)
        Q, _ = np.linalg.qr(H)
        residual = target - np.einsum("bpn,bn->bp", Q, np.einsum("bpn,p->bn", Q, target))
        assert np.all(np.abs(residual).max(axis=1) > 1e-3)
    # The batched residual is the one lstsq leaves (checked on a few choices).
    for sides in all_sides[:: max(1, len(all_sides) // 7)]:
        H = np.column_stack([np.maximum(0.0, s * (x - c)) for s, c in zip(sides, corners)]
                            + [np.ones_like(x)])
        coef, *_ = np.linalg.lstsq(H, target, rcond=None)
        Q, _ = np.linalg.qr(H)
        np.testing.assert_allclose(H @ coef - target, Q @ (Q.T @ target) - target, atol=1e-10)
    x = np.linspace(0.0, 1.0, 2001)  # the exact interpolant, checked between the kinks too
    target = tent_k(x, k)
    H = np.column_stack([np.maximum(0.0, x - c) for c in np.arange(2**k) / 2**k] + [np.ones_like(x)])
    coef, *_ = np.linalg.lstsq(H, target, rcond=None)
    assert np.abs(H @ coef - target).max() < 1e-9


@pytest.mark.parametrize("seed", range(20))
def test_a_one_hidden_layer_relu_network_has_at_most_m_plus_one_pieces(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 12))
    net = one_hidden_layer_by_hand(rng.normal(size=m), rng.normal(size=m), rng.normal(size=m), rng.normal(),
                                   "relu")
    x = np.linspace(-4, 4, 80001)
    assert count_pieces(net.predict(x[:, None]).ravel(), x) <= m + 1


@pytest.mark.parametrize("seed", SEEDS)
def test_trained_shallow_networks_on_the_sawtooth_and_the_deep_trained_ones(seed):
    x_tent = np.sort(np.random.default_rng(0).uniform(0, 1, 256))[:, None]
    u_grid = np.linspace(0, 1, 1025)[:, None]

    def rescale(x):
        return 2 * x - 1

    def tent_rmse(net, k):
        return np.sqrt(np.mean((net.predict(rescale(u_grid)) - tent_k(u_grid, k)) ** 2))

    runs = {}
    for k in (2, 3, 4):
        for m in (4, 8, 16, 32, 64):
            net, _ = train_one_hidden_layer(rescale(x_tent), tent_k(x_tent, k), m, x_range=(-1, 1), rng=seed)
            runs[k, m] = tent_rmse(net, k)
            if runs[k, m] < 0.05:
                break
    needed = {k: min((m for (kk, m), e in runs.items() if kk == k and e < 0.05), default=None) for k in (2, 3, 4)}
    # Seeds 0-4 on four kernels: k = 2 needs 8 units (4 units end at 0.22-0.24); k = 3 needs 16 (seed 0)
    # or 32 (8 units end at 0.17-0.25); k = 4 never gets below 0.05 up to 64 units (best 0.20-0.23).
    # So each step in k at least doubles the width needed.
    assert needed[2] >= 8 and 2 * needed[2] <= needed[3] <= 32 and needed[4] is None
    # The deep construction reaches error 0 with fewer parameters than the shallow fits reaching 0.05 ...
    assert all(6 * k + 1 < 3 * needed[k] + 1 for k in (2, 3))
    # ... and for k = 4 no shallow width up to 64 (193 parameters) gets there.
    best_k4 = min(e for (k, m), e in runs.items() if k == 4)
    assert best_k4 > 0.15
    if seed != 0:
        return

    deep_trained = []
    for deep_seed in range(5):
        net = nnlearn.MLP([1, 2, 2, 2, 2, 1], activation="relu", rng=deep_seed)
        nnlearn.fit(net, rescale(x_tent), tent_k(x_tent, 4), loss="mse", optimizer=optim.Adam(lr=0.02),
                    epochs=2000, rng=0, progress=False)
        deep_trained.append(tent_rmse(net, 4))
    assert net.n_params == 25 == deep_sawtooth(4).n_params
    # Five seeds: 0.2894-0.2899 on four kernels; the constant 1/2 gives sqrt(1/12) = 0.2887.
    assert all(abs(e - np.sqrt(1 / 12)) < 0.01 for e in deep_trained)
    assert round(np.sqrt(1 / 12), 3) == 0.289


# -- exercises ----------------------------------------------------------------------------------------

def test_exercise_jump_ramp_rmse_and_largest_error():
    delta = 0.06
    ramp = one_hidden_layer_by_hand([1.0, 1.0], [delta / 2, -delta / 2], [1 / delta, -1 / delta], 0.0, "relu")
    x = np.linspace(-3, 3, 600_001)
    err = ramp.predict(x[:, None]).ravel() - FUNCTIONS["step"](x)
    assert abs(np.sqrt(np.mean(err**2)) - np.sqrt(delta / 72)) < 1e-4
    assert round(np.sqrt(delta / 72), 4) == 0.0289 and abs(np.abs(err).max() - 0.5) < 1e-3


@pytest.mark.parametrize("seed", SEEDS)
def test_exercise_tanh_widths(relu_tables, seed):
    """The comparisons of the solution (which glues seed 0's values), for every seed."""
    relu, _, _ = relu_tables[seed]
    tanh = {}
    for name, m in [("step", 1), ("sin", 4), ("abs", 2), ("abs", 32), ("sawtooth", 32)]:
        if seed == 0:
            net = fit_target(name, m, "tanh").net
        else:
            X, y = function_samples(name, 200, rng=0)
            net = train_one_hidden_layer(X, y, m, activation="tanh", rng=seed)[0]
        tanh[name, m] = approximation_error(net, name)[0]
    at = {m: i for i, m in enumerate(WIDTHS)}
    # Seeds 0-4, four kernels (tanh against ReLU): the step with one unit 0.067-0.084 against 0.236-0.237;
    # sin with four units 0.002-0.009 against 0.056-0.157 (ratio 0.019-0.17). Ratios step 0.29-0.36.
    assert tanh["step", 1] < 0.5 * relu["step"][at[1]] and tanh["sin", 4] < 0.25 * relu["sin"][at[4]]
    # |x| with two units: ReLU 0.0006-0.0075 against tanh 0.079-0.110 (ratio at most 0.095); tanh at 32
    # units 0.013-0.017, still
    # above ReLU's 0.0003-0.003.
    assert relu["abs"][at[2]] < 0.2 * tanh["abs", 2] and relu["abs"][at[32]] < tanh["abs", 32] < tanh["abs", 2]
    # Neither activation gets past the sawtooth's plateau: 32 tanh units end at 0.18-0.19.
    assert tanh["sawtooth", 32] > 0.15 and relu["sawtooth"][at[32]] > 0.15


def test_exercise_random_features(relu_tables):
    X, y = function_samples("sin", 200, rng=0)
    errors = {}
    for m in 2 ** np.arange(9):
        rng = np.random.default_rng(0)
        kinks, signs = rng.uniform(-3, 3, m), rng.choice([-1.0, 1.0], m)

        def design(x):
            return np.column_stack([np.maximum(signs * (x - kinks), 0), np.ones(len(x))])

        coef, *_ = np.linalg.lstsq(design(X), y, rcond=None)
        errors[int(m)] = np.sqrt(np.mean((design(GRID[:, None]) @ coef - np.sin(GRID)[:, None]) ** 2))
    # Least squares on fixed features: a short computation (0.60, 0.011 and 0.0005 for m = 1, 32, 256).
    assert 0.5 < errors[1] < 0.7 and 0.005 < errors[32] < 0.02 and errors[256] < 0.001
    assert np.all(np.diff(list(errors.values())) < 0)
    # Per unit, training does better: the trained 32-unit fits reach 0.0057-0.0080 (seeds 0-4, 4 kernels).
    for seed in SEEDS:
        assert relu_tables[seed][0]["sin"][-1] < errors[32]


def test_exercise_pieces_parameter_count_of_the_deep_network():
    for k in range(1, 8):
        deep = deep_sawtooth(k)
        assert deep[0].n_params == 4 and deep[-1].n_params == 3
        assert all(layer.n_params == 6 for layer in deep[2:-1:2])


# -- the chapter shows the package's code without its docstrings -------------------------------------

def _selected_lines(spec, n):
    chosen = []
    for part in spec.split(","):
        part = part.strip()
        if part.endswith("-"):
            chosen += range(int(part[:-1]), n + 1)
        elif "-" in part:
            low, high = map(int, part.split("-"))
            chosen += range(low, high + 1)
        else:
            chosen.append(int(part))
    return chosen


def test_the_literalincludes_show_signature_and_body_without_docstring():
    import ast
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[1]
    chapter = (root / "book/part2/07-mlp-universal-approximation.md").read_text()
    includes = re.findall(r"```\{literalinclude\} \.\./\.\./(\S+)\n:pyobject: (\w+)\n:lines: ([^\n]+)\n```", chapter)
    assert {name for _, name, _ in includes} == {"one_hidden_layer", "train_one_hidden_layer"}
    for path, name, spec in includes:
        source = (root / path).read_text().splitlines()
        node = next(n for n in ast.parse("\n".join(source)).body if getattr(n, "name", None) == name)
        lines = source[node.lineno - 1:node.end_lineno]
        shown = [lines[i - 1] for i in _selected_lines(spec, len(lines))]
        body_start = node.body[1].lineno - node.lineno                    # first statement after the docstring
        assert shown[0].startswith(f"def {name}(") and '"""' not in "\n".join(shown)
        assert shown[-1] == lines[-1] and lines[body_start] in shown
        assert all(not line.startswith("def ") for line in shown[1:])        # one function, nothing else


# -- two inputs: ridges and towers ------------------------------------------------------------

def towers_by_hand(f, m, low, high, steepness=50.0, threshold=20.0):
    knots = np.linspace(low, high, m + 1)
    kappa = steepness / (knots[1] - knots[0])
    net = Sequential([Dense(2, 2 * (m + 1), rng=0), Activation("sigmoid"),
                      Dense(2 * (m + 1), m * m, rng=0), Activation("sigmoid"),
                      Dense(m * m, 1, rng=0)])
    W1 = np.zeros((2, 2 * (m + 1)))
    W1[0, :m + 1], W1[1, m + 1:] = kappa, kappa
    net[0].params["W"][...] = W1
    net[0].params["b"][...] = -kappa * np.concatenate([knots, knots])
    W2 = np.zeros((2 * (m + 1), m, m))
    i = np.arange(m)
    W2[i, i, :], W2[i + 1, i, :] = threshold, -threshold
    W2[m + 1 + i, :, i], W2[m + 2 + i, :, i] = threshold, -threshold
    net[2].params["W"][...] = W2.reshape(2 * (m + 1), m * m)
    net[2].params["b"][...] = -1.5 * threshold
    centres = (knots[:-1] + knots[1:]) / 2
    C1, C2 = np.meshgrid(centres, centres, indexing="ij")
    net[4].params["W"][...] = f(C1, C2).reshape(m * m, 1)
    net[4].params["b"][...] = 0.0
    return net


def f_plane(x1, x2):
    return np.sin(x1) * np.cos(x2)


def edge_distance(x, m, low=-3.0, high=3.0):
    r = np.mod(x - low, (high - low) / m)
    return np.minimum(r, (high - low) / m - r)


_G = np.linspace(-3, 3, 100)
X_PLANE = np.column_stack([a.ravel() for a in np.meshgrid(_G, _G, indexing="ij")])


def tower_errors(f, m, low=-3.0, high=3.0, x=X_PLANE):
    """(largest |network - exact staircase| and |network - f| at least Delta/10 from every
    cell edge, largest |network - f| everywhere), as the chapter measures them."""
    delta = (high - low) / m
    fit = towers_by_hand(f, m, low, high).predict(x).ravel()
    away = np.all(edge_distance(x, m, low, high) >= delta / 10, axis=1)
    cell = np.clip(((x - low) // delta).astype(int), 0, m - 1)
    staircase_2d = f(*(low + (cell.T + 0.5) * delta))
    target = f(x[:, 0], x[:, 1])
    return (np.abs(fit - staircase_2d)[away].max(), np.abs(fit - target)[away].max(),
            np.abs(fit - target).max())


@pytest.mark.parametrize("low, high, height",
                         [(-1.0, 1.0, 1.0), (0.3, 1.1, -2.5), (-2.9, -0.4, 0.7)])
def test_a_tower_is_its_height_on_its_cell_and_zero_elsewhere(low, high, height):
    """One tower (m = 1) on [low, high]^2: at least Delta/10 from the cell's edges it is within
    1e-3 |h| of h inside and of 0 outside (measured 5.0e-5 |h|; the bound from sigma(-5) per
    step is 6e-5). Before the threshold, the ridge sum is 2 on the cell, 1 on the arms and 0
    beyond (within 0.02)."""
    tower = towers_by_hand(lambda a, b: np.full_like(a, height), 1, low, high)
    x = X_PLANE
    steps = tower[1].forward(tower[0].forward(x))
    ridge = steps[:, 0] - steps[:, 1]
    ridge_sum = tower[2].forward(steps).ravel() / 20 + 1.5
    out = tower.predict(x).ravel()
    delta = high - low
    inside_1d = (x > low) & (x < high)
    away = np.all((np.abs(x - low) >= delta / 10) & (np.abs(x - high) >= delta / 10), axis=1)
    inside, arms = np.all(inside_1d, axis=1), np.sum(inside_1d, axis=1) == 1
    assert np.abs(out[away & inside] - height).max() < 1e-3 * abs(height)
    assert np.abs(out[away & ~inside]).max() < 1e-3 * abs(height)
    on_strip = inside_1d[:, 0]
    assert np.abs(ridge[away & on_strip] - 1).max() < 0.01
    assert np.abs(ridge[away & ~on_strip]).max() < 0.01
    assert np.abs(ridge_sum[away & inside] - 2).max() < 0.02
    assert np.abs(ridge_sum[away & arms] - 1).max() < 0.02
    assert np.abs(ridge_sum[away & ~inside & ~arms]).max() < 0.02
    # Without the threshold the arms are as high as half the cell: the sum of ridges is no tower.
    assert ridge_sum[away & arms].min() > 0.45 * ridge_sum[away & inside].max()


@pytest.mark.parametrize("m", range(1, 9))
def test_the_tower_network_has_2_m_plus_1_steps_and_m_squared_towers(m):
    net = towers_by_hand(f_plane, m, -3.0, 3.0)
    assert net[0].n_out == 2 * (m + 1) and net[2].n_out == m * m and net[4].n_in == m * m
    assert net.n_params == 6 * (m + 1) + (2 * m + 4) * m * m + 1
    assert np.count_nonzero(net[2].params["W"]) == 4 * m * m        # four steps per tower
    if m in (4, 8):                                                 # the exercise's numbers
        expected = {4: (10, 16, 223), 8: (18, 64, 1335)}[m]
        assert (net[0].n_out, net[2].n_out, net.n_params) == expected


def test_the_tower_approximation_error_falls_away_from_the_edges_and_obeys_the_bound():
    """The chapter's claims for sin x1 cos x2 (Lipschitz constant 1): exact computations."""
    errors = {m: tower_errors(f_plane, m) for m in (4, 8)}
    for m, (gap, away, everywhere) in errors.items():
        assert gap < 1e-3                                       # the staircase (measured 1.3e-4)
        assert away <= 0.4 * np.sqrt(2) * 6 / m + 1e-3          # omega(0.4 sqrt(2) Delta) + leakage
        assert everywhere > 0.9                                 # the corners (0.986, 0.983)
    assert errors[8][1] < 0.7 * errors[4][1]                    # 0.486 -> 0.289
    # At a corner of both grids the network drops to about 0 while f is almost 1.
    for m in (4, 8):
        net = towers_by_hand(f_plane, m, -3.0, 3.0)
        assert abs(net.predict(np.array([[1.5, 0.0]]))[0, 0]) < 0.05
    assert f_plane(1.5, 0.0) > 0.99


@pytest.mark.parametrize("seed", range(5))
def test_the_tower_bound_holds_for_other_smooth_functions(seed):
    """Random sums of plane waves a cos(w . x + phi), Lipschitz with constant sum |a| |w|, on
    random squares: away from the edges the error is at most Lambda 0.4 sqrt(2) Delta plus the
    leakage, for m = 2, 4, 8."""
    rng = np.random.default_rng(seed)
    a, w, phi = rng.normal(size=4), rng.normal(size=(4, 2)), rng.uniform(0, 2 * np.pi, 4)
    lipschitz = np.sum(np.abs(a) * np.linalg.norm(w, axis=1))

    def f(x1, x2):
        phase = np.multiply.outer(x1, w[:, 0]) + np.multiply.outer(x2, w[:, 1]) + phi
        return np.sum(a * np.cos(phase), axis=-1)

    low = rng.uniform(-3, 0)
    high = low + rng.uniform(1, 6)
    g = np.linspace(low, high, 60)
    x = np.column_stack([c.ravel() for c in np.meshgrid(g, g, indexing="ij")])
    scale = np.abs(a).sum()                                     # >= max |f|
    for m in (2, 4, 8):
        gap, away, _ = tower_errors(f, m, low, high, x)
        assert gap < 2e-3 * scale
        assert away <= lipschitz * 0.4 * np.sqrt(2) * (high - low) / m + 2e-3 * scale


def test_along_an_edge_two_towers_blend_and_at_a_corner_all_are_off():
    """sigma(z) + sigma(-z) = 1: on the edge between two cells, at least Delta/5 from the
    corners, the towers add up to 1 (within 1e-3; 0.93 at Delta/10); at a corner where four
    cells meet, to about 0."""
    m = 4
    ones = towers_by_hand(lambda a, b: np.ones_like(a), m, -3.0, 3.0)
    x2 = np.linspace(-3, 3, 401)
    x2 = x2[edge_distance(x2, m) >= 0.3]                         # 0.2 Delta from the corners
    for t in (-1.5, 0.0, 1.5):                                  # inner knots
        total = ones.predict(np.column_stack([np.full_like(x2, t), x2])).ravel()
        assert np.abs(total - 1).max() < 1e-3
    corners = np.array([[s, t] for s in (-1.5, 0.0, 1.5) for t in (-1.5, 0.0, 1.5)])
    assert ones.predict(corners).max() < 0.01


def test_exercise_ridge_sum_no_sum_of_axis_functions_is_a_tower():
    """The best g(x1) + h(x2) (least squares over all grid functions g, h) stays at least 1/4
    from the indicator of a cell somewhere, as the exercise proves for any g, h."""
    k = 16
    cell = np.zeros((k, k))
    cell[5:9, 6:11] = 1.0
    rows, cols = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    design = np.zeros((k * k, 2 * k))
    design[np.arange(k * k), rows.ravel()] = 1.0
    design[np.arange(k * k), k + cols.ravel()] = 1.0
    coef, *_ = np.linalg.lstsq(design, cell.ravel(), rcond=None)
    assert np.abs(design @ coef - cell.ravel()).max() >= 0.25
    # With exact steps, a threshold theta in (1, 2] gives the indicator exactly; 1 does not.
    ridge_sum = cell.any(axis=1)[:, None] * 1.0 + cell.any(axis=0)[None, :] * 1.0
    for theta in (1.01, 1.5, 2.0):
        np.testing.assert_array_equal((ridge_sum - theta >= 0).astype(float), cell)
    assert not np.array_equal((ridge_sum - 1.0 >= 0).astype(float), cell)


@pytest.mark.parametrize("d", [2, 3])
def test_exercise_tower_count_d_ridges_and_a_threshold_at_d_minus_half(d):
    """The d-dimensional tower: d ridges (2 steps each) summed and thresholded at d - 1/2,
    built from nnlearn layers, is about 1 on its cell and 0 elsewhere (away from the edges);
    and the unit counts of the solution."""
    m, low, high = 3, 0.0, 1.0
    knots = np.linspace(low, high, m + 1)
    kappa = 50 / (knots[1] - knots[0])
    net = Sequential([Dense(d, d * (m + 1), rng=0), Activation("sigmoid"),
                      Dense(d * (m + 1), 1, rng=0), Activation("sigmoid")])
    W1 = np.kron(np.eye(d), np.full((1, m + 1), kappa))         # m + 1 steps along each axis
    net[0].params["W"][...] = W1
    net[0].params["b"][...] = -kappa * np.tile(knots, d)
    W2 = np.zeros((d, m + 1))
    W2[:, 1], W2[:, 2] = 20.0, -20.0                            # the tower on the middle cell
    net[2].params["W"][...] = W2.reshape(-1, 1)
    net[2].params["b"][...] = -20.0 * (d - 0.5)
    x = np.random.default_rng(d).uniform(low, high, (20_000, d))
    away = np.all(edge_distance(x, m, low, high) >= 0.1 / m, axis=1)
    inside = np.all((x > 1 / 3) & (x < 2 / 3), axis=1)
    out = net.predict(x).ravel()
    assert np.abs(out[away & inside] - 1).max() < 1e-3 and np.abs(out[away & ~inside]).max() < 1e-3
    assert net[0].n_out == d * (m + 1)
    counts = {dim: dim * (4 + 1) + 4**dim for dim in (2, 3, 10)}    # m = 4 in the exercise
    assert counts == {2: 26, 3: 79, 10: 1_048_626}


def test_the_corner_pinholes_shrink_like_one_over_the_steepness():
    """Doubling the steepness halves the pinhole (where towers of height 1 add up to less than
    1/2, along the diagonal from a corner: 0.0328, 0.0163, 0.0080 for 50, 100, 200) and divides
    its share of the mean-square error by about 4 (4.4e-3, 9.9e-4, 1.9e-4 on a grid with no
    point on a knot), while the largest deviation, at the corners, stays near 1."""
    diagonal = np.linspace(0, 0.75, 3001)
    g = -3 + (np.arange(200) + 0.5) * 6 / 200                   # no point on a knot or the boundary
    x = np.column_stack([c.ravel() for c in np.meshgrid(g, g, indexing="ij")])
    width, mean_square, worst = [], [], []
    for steepness in (50.0, 100.0, 200.0):
        ones = towers_by_hand(lambda a, b: np.ones_like(a), 4, -3.0, 3.0, steepness=steepness)
        on_diagonal = ones.predict(np.column_stack([diagonal, diagonal])).ravel()
        width.append(diagonal[on_diagonal < 0.5].max())
        deviation = ones.predict(x).ravel() - 1
        mean_square.append(np.mean(deviation**2))
        worst.append(np.abs(ones.predict(np.array([[0.0, 0.0], [1.5, -1.5]])) - 1).max())
    assert np.all(np.abs(np.array(width[1:]) / width[:-1] - 0.5) < 0.1)
    assert np.all(np.array(mean_square[1:]) / mean_square[:-1] < 0.35)
    assert min(worst) > 0.99
