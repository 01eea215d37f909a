"""The claims of Chapter 2 (book/part1/02-perceptron.md), each run with the chapter's code and seeds.

The perceptron runs here are exact computations in the sense of the book's rule on portable claims: on the
logic gates all arithmetic is on small integers, and on the fruit every decision the rule takes (over 20
orders) has |z| >= 2e-5 or z == 0 exactly (at w = 0, b = 0), far above the last-bit differences between
BLAS kernels. So counts of updates and epochs are asserted exactly.
"""

import numpy as np
import pytest

import nnlearn
from nnlearn.datasets import fruit, logic_gate
from nnlearn.explore.perceptron import explorer_data, perceptron_trace
from nnlearn.layers import Activation, Dense
from nnlearn.network import Sequential

NOTES_W, NOTES_B = np.array([0.5, 0.8]), -1.0


def notes_perceptron(scale=1.0):
    p = nnlearn.Perceptron()
    p.coef_, p.intercept_ = scale * NOTES_W, scale * NOTES_B
    return p


def novikoff_bound(X, y, u):
    """The chapter's function: R, gamma and (R/gamma)^2 for a separating direction u of the augmented space."""
    X_aug = np.column_stack([X, np.ones(len(X))])
    u = np.asarray(u, dtype=float) / np.linalg.norm(u)
    gamma = np.min((2 * y - 1) * (X_aug @ u))
    R = np.max(np.linalg.norm(X_aug, axis=1))
    assert gamma > 0
    return R, gamma, (R / gamma) ** 2


def xor_network(output_w=(1.0, 1.0), output_b=-1.5):
    net = Sequential([Dense(2, 2, rng=0), Activation("step"), Dense(2, 1, rng=0), Activation("step")])
    net[0].params["W"][...] = [[1.0, -1.0], [1.0, -1.0]]
    net[0].params["b"][...] = [-0.5, 1.5]
    net[2].params["W"][...] = np.reshape(output_w, (2, 1))
    net[2].params["b"][...] = [output_b]
    return net


# -- the fruit example and the geometry of the boundary ----------------------------------------------

def test_fruit_numbers_of_the_worked_example():
    fruits = np.array([[0.6, 0.4], [1.2, 1.0], [1.0, 0.5], [1.0, 1.0], [2.0, 0.0]])
    p = notes_perceptron()
    np.testing.assert_allclose(p.decision_function(fruits), [-0.38, 0.40, -0.10, 0.30, 0.0], atol=1e-12)
    assert p.predict(fruits).tolist() == [0, 1, 0, 1, 1]
    # The fruit (2, 0) is exactly on the line: class 1 under step(0) = 1, class 0 under the notes' "z > 0".
    assert p.decision_function([[2.0, 0.0]])[0] == 0.0


def test_the_boundary_line_and_its_intercepts():
    # x2 = 1.25 - 0.625 x1: crosses the size axis at 1.25 and the weight axis at 2.
    for x1 in [-1.0, 0.0, 0.7, 2.0]:
        assert abs(NOTES_W @ [x1, 1.25 - 0.625 * x1] + NOTES_B) < 1e-12
    assert NOTES_W @ [2.0, 0.0] + NOTES_B == 0.0 and NOTES_W @ [0.0, 1.25] + NOTES_B == 0.0


def test_geometry_normal_distance_nearest_point():
    norm = np.linalg.norm(NOTES_W)
    assert np.isclose(norm, np.sqrt(0.89)) and round(norm, 3) == 0.943
    assert round(-NOTES_B / norm, 3) == 1.060
    x0 = -NOTES_B * NOTES_W / norm**2
    assert abs(NOTES_W @ x0 + NOTES_B) < 1e-12 and np.isclose(np.linalg.norm(x0), -NOTES_B / norm)
    np.testing.assert_allclose(x0, [0.5618, 0.8989], atol=1e-4)
    # w is orthogonal to the line and points to class 1: z grows by t|w| along the unit normal.
    assert NOTES_W @ np.array([-NOTES_W[1], NOTES_W[0]]) == 0
    for t in [0.1, 0.5, 2.0]:
        assert np.isclose(NOTES_W @ (x0 + t * NOTES_W / norm) + NOTES_B, t * norm)


def test_signed_distance_of_the_heavy_small_fruit_and_of_the_centres():
    norm = np.linalg.norm(NOTES_W)
    assert round((NOTES_W @ [1.0, 0.5] + NOTES_B) / norm, 3) == -0.106
    assert round(abs(NOTES_W @ [0.6, 0.4] + NOTES_B) / norm, 2) == 0.40
    assert round(abs(NOTES_W @ [1.2, 1.0] + NOTES_B) / norm, 2) == 0.42


def test_notes_perceptron_classifies_the_60_fruits_of_the_figure():
    X, y = fruit(60, rng=0)
    assert notes_perceptron().score(X, y) == 1.0


@pytest.mark.parametrize("c", [0.01, 0.5, 3.0, 100.0])
def test_scaling_by_a_positive_constant_changes_no_prediction(c):
    X, _ = fruit(60, rng=0)
    grid = np.random.default_rng(0).uniform(-3, 3, size=(2000, 2))
    for points in (X, grid, np.array([[2.0, 0.0], [0.0, 1.25]])):   # including points on the line
        np.testing.assert_array_equal(notes_perceptron(c).predict(points), notes_perceptron().predict(points))


def test_scaling_by_a_negative_constant_flips_all_but_the_points_on_the_line():
    X, _ = fruit(60, rng=0)
    points = np.vstack([X, [[2.0, 0.0]]])
    z = notes_perceptron().decision_function(points)
    flipped = notes_perceptron(-1.0).predict(points)
    original = notes_perceptron().predict(points)
    off = z != 0
    np.testing.assert_array_equal(flipped[off], 1 - original[off])
    assert off.sum() == 60 and flipped[-1] == original[-1] == 1     # (2, 0): z = 0 stays class 1


# -- the learning rule -----------------------------------------------------------------------------

def test_an_update_moves_z_by_eta_times_norm_squared_plus_one():
    rng = np.random.default_rng(0)
    for _ in range(200):
        w, b, x = rng.normal(size=3), rng.normal(), rng.normal(size=3)
        y, eta = int(rng.integers(2)), rng.uniform(0.01, 3)
        z = w @ x + b
        y_hat = int(z >= 0)
        w_new, b_new = w + eta * (y - y_hat) * x, b + eta * (y - y_hat)
        assert np.isclose(w_new @ x + b_new, z + eta * (y - y_hat) * (x @ x + 1))
        if y != y_hat:   # the example's z moves towards its correct side
            assert (w_new @ x + b_new - z) * (1 if y == 1 else -1) > 0


def test_the_or_trace_of_the_chapter():
    X, y = logic_gate("or")
    p = nnlearn.Perceptron(rng=0).fit(X, y)
    trace = perceptron_trace(X, y, p.n_epochs_ * 4, rng=0)
    assert p.errors_.tolist() == [2, 1, 1, 1, 0] and p.converged_
    np.testing.assert_array_equal(trace["w"][-1], p.coef_)
    assert trace["b"][-1] == p.intercept_ == -1.0 and p.coef_.tolist() == [1.0, 1.0]
    # The first visit is (1, 0) with z = 0, predicted 1 (right); then (0, 0) is a false 1 and b becomes -1.
    assert X[trace["sample"][0]].tolist() == [1.0, 0.0] and not trace["updated"][0]
    assert X[trace["sample"][1]].tolist() == [0.0, 0.0] and trace["updated"][1] and trace["b"][2] == -1.0


@pytest.mark.parametrize("gate, errors, w, b", [("and", [2, 2, 1, 1, 1, 3, 0], [1, 1], -2),
                                                 ("or", [2, 1, 1, 1, 0], [1, 1], -1)])
def test_and_or_learned_epoch_by_epoch(gate, errors, w, b):
    X, y = logic_gate(gate)
    p = nnlearn.Perceptron(rng=0).fit(X, y)
    assert p.converged_ and p.errors_.tolist() == errors and p.errors_.sum() == sum(errors)
    assert p.coef_.tolist() == w and p.intercept_ == b
    np.testing.assert_array_equal(p.predict(X), y)


@pytest.mark.parametrize("gate", ["and", "or"])
@pytest.mark.parametrize("seed", range(20))
def test_and_or_converge_in_every_order(gate, seed):
    X, y = logic_gate(gate)
    p = nnlearn.Perceptron(rng=seed).fit(X, y)
    assert p.converged_ and p.score(X, y) == 1.0


def test_and_passes_through_the_corner_and_depends_on_the_order():
    X, y = logic_gate("and")
    p = nnlearn.Perceptron(rng=0).fit(X, y)
    assert p.decision_function([[1.0, 1.0]])[0] == 0.0    # (1, 1) is called 1 only because step(0) = 1
    q = nnlearn.Perceptron(rng=2).fit(X, y)
    assert q.coef_.tolist() == [1.0, 2.0] and q.intercept_ == -3.0


@pytest.mark.parametrize("data", ["and", "or", "fruit"])
@pytest.mark.parametrize("lr", [0.1, 10.0])
def test_the_learning_rate_does_not_change_the_run_from_zero(data, lr):
    X, y = explorer_data(data)
    reference = nnlearn.Perceptron(rng=0).fit(X, y)
    p = nnlearn.Perceptron(lr=lr, rng=0).fit(X, y)
    np.testing.assert_array_equal(p.errors_, reference.errors_)
    np.testing.assert_allclose(p.coef_, lr * reference.coef_, rtol=1e-12)
    assert np.isclose(p.intercept_, lr * reference.intercept_)


def test_the_fruit_run_of_the_flipbook():
    X, y = explorer_data("fruit")
    trace = perceptron_trace(X, y, 20 * len(y), rng=0)
    update_visits = [0] + (np.flatnonzero(trace["updated"]) + 1).tolist()
    p = nnlearn.Perceptron(rng=0).fit(X, y)
    assert len(update_visits) - 1 == p.errors_.sum() == 37 and p.n_epochs_ == 10
    np.testing.assert_array_equal(trace["w"][update_visits[-1]], p.coef_)
    assert p.score(X, y) == 1.0
    # At the start (w = 0, b = 0) every fruit is predicted orange: the 20 apples are wrong.
    assert np.all(trace["w"][0] == 0) and trace["b"][0] == 0 and (y == 0).sum() == 20
    # The learned line is not the notes' line.
    assert not np.allclose(p.coef_ / abs(p.intercept_), NOTES_W / abs(NOTES_B), atol=0.05)


# -- the convergence theorem -------------------------------------------------------------------------

def test_the_fruit_is_separated_by_the_notes_line():
    X, y = explorer_data("fruit")
    z = X @ NOTES_W + NOTES_B
    assert np.all((z >= 0.05) == (y == 1)) and np.all((z <= -0.05) == (y == 0))


@pytest.mark.parametrize("name, u, bound_value, max_updates", [("fruit", [0.5, 0.8, -1.0], 3477.4, 37),
                                                               ("and", [2.0, 2.0, -3.0], 51.0, 13)])
def test_updates_are_within_the_novikoff_bound_in_20_orders(name, u, bound_value, max_updates):
    X, y = explorer_data(name)
    R, gamma, bound = novikoff_bound(X, y, u)
    assert round(bound, 1) == bound_value
    updates = [nnlearn.Perceptron(rng=seed).fit(X, y).errors_.sum() for seed in range(20)]
    epochs = [nnlearn.Perceptron(rng=seed).fit(X, y).n_epochs_ for seed in range(20)]
    assert max(updates) == max_updates and max(updates) <= bound
    assert max(updates) < bound / 3                                  # "with plenty of room"
    assert max(epochs) <= np.floor(bound) + 1


def test_and_margin_is_one_over_sqrt_17_and_no_direction_beats_it():
    X, y = logic_gate("and")
    R, gamma, bound = novikoff_bound(X, y, [2, 2, -3])
    assert np.isclose(gamma, 1 / np.sqrt(17)) and np.isclose(R, np.sqrt(3)) and np.isclose(bound, 51)
    X_aug = np.column_stack([X, np.ones(4)])
    rng = np.random.default_rng(0)
    best = np.array([2.0, 2.0, -3.0]) / np.sqrt(17)
    for u in (rng.normal(size=(200_000, 3)),                        # directions anywhere
              best + 0.05 * rng.normal(size=(200_000, 3))):         # and near the claimed best one
        u /= np.linalg.norm(u, axis=1, keepdims=True)
        margins = ((2 * y - 1) * (u @ X_aug.T)).min(axis=1)
        assert 0.95 / np.sqrt(17) < margins.max() <= 1 / np.sqrt(17) + 1e-12


def test_the_cosine_argument_of_the_proof():
    # Along a run on AND: u.w_k >= k*eta*gamma and |w_k|^2 <= k*eta^2*R^2 after each of the k updates.
    X, y = logic_gate("and")
    u = np.array([2.0, 2.0, -3.0]) / np.sqrt(17)
    for seed, eta in [(0, 1.0), (3, 0.3)]:
        trace = perceptron_trace(X, y, 40, lr=eta, rng=seed)
        w_aug = np.column_stack([trace["w"], trace["b"]])[1:][trace["updated"]]
        k = np.arange(1, len(w_aug) + 1)
        assert np.all(w_aug @ u >= k * eta / np.sqrt(17) - 1e-12)
        assert np.all((w_aug**2).sum(axis=1) <= k * eta**2 * 3 + 1e-12)


# -- XOR and the hidden layer ------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_xor_never_reaches_zero_errors(seed):
    X, y = logic_gate("xor")
    p = nnlearn.Perceptron(max_epochs=1000, rng=seed).fit(X, y)
    assert p.n_epochs_ == 1000 and not p.converged_
    assert p.errors_.min() >= 1 and p.errors_.max() <= 4 and p.score(X, y) < 1


def test_xor_errors_of_the_figure_lie_between_one_and_four():
    X, y = logic_gate("xor")
    errors = nnlearn.Perceptron(max_epochs=1000, rng=0).fit(X, y).errors_
    assert errors.min() == 1 and errors.max() == 4


def test_no_line_gets_all_four_xor_answers_and_three_is_possible():
    X, y = logic_gate("xor")
    params = np.random.default_rng(0).uniform(-3, 3, size=(100_000, 3))
    predictions = (X @ params[:, :2].T + params[:, 2] >= 0).astype(int)     # (4, n_weights)
    accuracy = (predictions == y[:, None]).mean(axis=0)
    assert accuracy.max() == 0.75
    or_fit = nnlearn.Perceptron(rng=0).fit(*logic_gate("or"))
    assert or_fit.score(X, y) == 0.75


def test_the_four_xor_inequalities_contradict():
    # For any w1, w2, b satisfying the three first inequalities, the fourth fails.
    rng = np.random.default_rng(1)
    w1, w2, b = rng.uniform(-5, 5, size=(3, 200_000))
    first_three = (b < 0) & (w2 + b >= 0) & (w1 + b >= 0)
    assert first_three.sum() > 1000 and np.all(w1[first_three] + w2[first_three] + b[first_three] > 0)


def test_the_hand_built_xor_network_is_right_on_all_four_inputs():
    X, y = logic_gate("xor")
    net = xor_network()
    np.testing.assert_array_equal(net.forward(X).ravel(), y)
    hidden = net[1].forward(net[0].forward(X))
    np.testing.assert_array_equal(hidden, [[0, 1], [1, 1], [1, 1], [1, 0]])
    # The hidden units are OR and NAND, the output is AND of them.
    np.testing.assert_array_equal(hidden[:, 0], logic_gate("or")[1])
    np.testing.assert_array_equal(hidden[:, 1], logic_gate("nand")[1])
    np.testing.assert_array_equal((hidden.sum(axis=1) - 1.5 >= 0).astype(int), y)


def test_the_network_predicts_1_exactly_in_the_band():
    points = np.random.default_rng(2).uniform(-0.5, 1.5, size=(5000, 2))
    s = points.sum(axis=1)
    band = ((s >= 0.5) & (s <= 1.5)).astype(float)
    np.testing.assert_array_equal(xor_network().forward(points).ravel(), band)


# -- common mistakes and exercises -------------------------------------------------------------------

def test_without_bias_and_cannot_be_computed():
    # With b = 0, z = w . 0 = 0 at the input (0, 0), so step gives 1 whatever w is; AND needs 0 there.
    for w in np.random.default_rng(3).normal(size=(1000, 2)):
        p = nnlearn.Perceptron()
        p.coef_, p.intercept_ = w, 0.0
        assert p.predict([[0.0, 0.0]])[0] == 1


def test_exercise_or_by_hand_in_fixed_order():
    X, y = logic_gate("or")          # already in the order (0,0), (0,1), (1,0), (1,1)
    w, b, errors, after = np.zeros(2), 0.0, [], []
    for _ in range(10):
        mistakes = 0
        for x, t in zip(X, y):
            y_hat = int(w @ x + b >= 0)
            if y_hat != t:
                w, b, mistakes = w + (t - y_hat) * x, b + (t - y_hat), mistakes + 1
        errors.append(mistakes)
        after.append((w.tolist(), b))
        if mistakes == 0:
            break
    assert errors == [2, 2, 1, 0]
    assert after == [([0.0, 1.0], 0.0), ([1.0, 1.0], 0.0), ([1.0, 1.0], -1.0), ([1.0, 1.0], -1.0)]


def _rosenblatt_and_subgradient_steps(w_aug, x, t, eta):
    x_aug = np.append(x, 1.0)
    z, s = w_aug @ x_aug, 2 * t - 1
    rosenblatt = w_aug + eta * (t - int(z >= 0)) * x_aug
    # A subgradient of max(0, -s z): -s x where s z < 0, 0 where s z > 0; at the kink z = 0 choose
    # -s x for y = 0 (a false 1 under step(0) = 1) and 0 for y = 1 (right).
    g = -s * x_aug if (s * z < 0 or (z == 0 and t == 0)) else np.zeros_like(x_aug)
    return rosenblatt, w_aug - eta * g


def test_exercise_criterion_the_rule_is_subgradient_descent_on_the_perceptron_criterion():
    X, y = fruit(30, noise=0.4, rng=5)
    w_aug, eta, n_mistakes = np.random.default_rng(4).normal(size=3), 0.7, 0
    for x, t in zip(X, y):
        n_mistakes += int((w_aug @ np.append(x, 1.0) >= 0) != t)
        rosenblatt, sgd = _rosenblatt_and_subgradient_steps(w_aug, x, t, eta)
        np.testing.assert_allclose(sgd, rosenblatt)
        w_aug = rosenblatt
    assert n_mistakes > 0
    for t in (0, 1):   # the kink: z = 0 exactly
        w_tie, x_tie = np.array([1.0, -1.0, 0.0]), np.array([0.5, 0.5])
        rosenblatt, sgd = _rosenblatt_and_subgradient_steps(w_tie, x_tie, t, eta)
        np.testing.assert_array_equal(sgd, rosenblatt)
        assert np.array_equal(rosenblatt, w_tie) == (t == 1)


def test_exercise_xnor():
    X, y = logic_gate("xor")
    for gate in ["nand", "nor"]:
        assert nnlearn.Perceptron(rng=0).fit(*logic_gate(gate)).converged_
    xnor = 1 - y
    p = nnlearn.Perceptron(max_epochs=1000, rng=0).fit(X, xnor)
    assert not p.converged_ and p.errors_.min() >= 1
    np.testing.assert_array_equal(xor_network(output_w=(-1.0, -1.0), output_b=1.5).forward(X).ravel(), xnor)


def test_exercise_margin_updates():
    bounds, data, means = [], {}, []
    for m in [0.02, 0.05, 0.1, 0.2]:
        X, y = fruit(100, noise=0.25, separable=True, margin=m, rng=1)
        data[m] = X
        R, gamma, bound = novikoff_bound(X, y, [0.5, 0.8, -1.0])
        assert gamma >= m / np.linalg.norm([0.5, 0.8, -1.0])
        updates = [nnlearn.Perceptron(rng=s).fit(X, y).errors_.sum() for s in range(10)]
        assert 1 <= max(updates) <= 40 and max(updates) <= bound
        bounds.append(bound)
        means.append(np.mean(updates))
    assert bounds == sorted(bounds, reverse=True)
    assert 1650 < bounds[0] < 1750 and 250 < bounds[-1] < 300 and bounds[0] / bounds[-1] > 6
    assert 100 < min(bounds) and max(bounds) < 10_000                # "hundreds to thousands"
    assert round(means[0]) == 14 and round(means[-1]) == 10
    assert bounds[0] / bounds[-1] > 2 * means[0] / means[-1]          # the counts change "much less"
    np.testing.assert_array_equal(data[0.02], data[0.05])   # no fruit of this seed within 0.05 of the line


def test_how_the_line_moves_in_the_fruit_flipbook():
    X, y = explorer_data("fruit")
    trace = perceptron_trace(X, y, 20 * len(y), rng=0)
    update_visits = [0] + (np.flatnonzero(trace["updated"]) + 1).tolist()
    w = trace["w"][update_visits[1:]]
    unit = w / np.linalg.norm(w, axis=1, keepdims=True)
    turn = np.degrees(np.arccos(np.clip((unit[1:] * unit[:-1]).sum(axis=1), -1, 1)))
    assert turn[0] > 178                                   # the second update turns w almost all the way round
    assert turn[4] > 140 and turn[5] > 140                 # so do the sixth and seventh
    assert turn[-15:].max() < 6                            # the last 15 barely turn it
    assert np.all(np.abs(np.diff(trace["b"][update_visits])) == 1)   # but every update moves b by 1
    p = nnlearn.Perceptron(rng=0).fit(X, y)
    s = 2 * y - 1
    assert round(np.min(s * (X @ p.coef_ + p.intercept_)) / np.linalg.norm(p.coef_), 3) == 0.010
    assert round(np.min(s * (X @ NOTES_W + NOTES_B)) / np.linalg.norm(NOTES_W), 3) == 0.059


def test_one_hidden_step_unit_is_not_enough_for_xor():
    # 2-1-1: the output depends on x only through h = step(w.x + b), so it splits the plane with one line.
    X, y = logic_gate("xor")
    params = np.random.default_rng(5).uniform(-3, 3, size=(100_000, 5))
    h = (X @ params[:, :2].T + params[:, 2] >= 0).astype(float)          # (4, n_networks)
    out = (params[:, 3] * h + params[:, 4] >= 0).astype(int)
    assert not np.any(np.all(out == y[:, None], axis=0))
    assert np.any(np.all(out == logic_gate("or")[1][:, None], axis=0))  # while OR is reachable


def test_an_update_turns_w_aug_towards_s_x_aug():
    rng = np.random.default_rng(6)
    for _ in range(2000):
        w_aug, x_aug = rng.normal(size=3) * rng.uniform(0.1, 10), np.append(rng.normal(size=2) * 3, 1.0)
        z = w_aug @ x_aug
        y = 0 if z >= 0 else 1                              # always a mistake
        s = 2 * y - 1
        new = w_aug + rng.uniform(0.01, 5) * (y - int(z >= 0)) * x_aug
        cos = lambda v: v @ (s * x_aug) / np.linalg.norm(v) / np.linalg.norm(x_aug)  # noqa: E731
        assert cos(new) > cos(w_aug)


def test_the_line_can_move_away_from_the_point_while_z_improves():
    w, b, x, y = np.array([-2.0, 0.0]), -3.0, np.array([1.0, 0.0]), 1
    z = w @ x + b
    assert z == -5 and int(z >= 0) == 0                     # a missed 1
    w_new, b_new = w + (y - 0) * x, b + (y - 0)
    assert w_new @ x + b_new == -3                          # z rises from -5 to -3
    assert -b / w[0] == -1.5 and -b_new / w_new[0] == -2.0  # the line x1 = -1.5 moves to x1 = -2
    assert abs(x[0] - (-2.0)) > abs(x[0] - (-1.5))          # away from the point at x1 = 1


def test_the_notes_direction_is_not_the_best_margin_for_the_fruit():
    X, y = explorer_data("fruit")
    R, gamma_notes, bound_notes = novikoff_bound(X, y, [0.5, 0.8, -1.0])
    X_aug, s = np.column_stack([X, np.ones(len(X))]), 2 * y - 1
    u0 = np.array([0.5, 0.8, -1.0]) / np.linalg.norm([0.5, 0.8, -1.0])
    u = u0 + 0.1 * np.random.default_rng(0).normal(size=(50_000, 3))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    margins = (s[:, None] * (X_aug @ u.T)).min(axis=0)
    best = u[margins.argmax()]
    R, gamma_best, bound_best = novikoff_bound(X, y, best)
    assert gamma_best > 1.4 * gamma_notes and bound_best < bound_notes / 2
