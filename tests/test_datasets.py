"""Data sets: shapes, dtypes, balance, the documented formulas, determinism and input errors."""

import numpy as np
import pytest

from nnlearn.datasets import FRUIT_MEANS, FUNCTIONS, LOGIC_GATES, fruit, function_samples, logic_gate, spirals

NOTES_W, NOTES_B = np.array([0.5, 0.8]), -1.0


# --- logic gates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0]),
                                            ("nand", [1, 1, 1, 0]), ("nor", [1, 0, 0, 0])])
def test_logic_gate_truth_tables(name, expected):
    X, y = logic_gate(name)
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, expected)
    # the truth tables agree with Python's own operators on the inputs
    a, b = X[:, 0].astype(bool), X[:, 1].astype(bool)
    ops = {"and": a & b, "or": a | b, "xor": a ^ b, "nand": ~(a & b), "nor": ~(a | b)}
    np.testing.assert_array_equal(y, ops[name].astype(int))


def test_logic_gate_ignores_case():
    np.testing.assert_array_equal(logic_gate("XOR")[1], logic_gate("xor")[1])


def test_logic_gate_returns_fresh_arrays():
    X, y = logic_gate("and")
    X[0, 0], y[0] = 5.0, 7
    np.testing.assert_array_equal(logic_gate("and")[1], LOGIC_GATES["and"])
    assert logic_gate("and")[0][0, 0] == 0.0


def test_logic_gate_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"Unknown logic gate 'xnor'.*'and', 'nand', 'nor', 'or', 'xor'"):
        logic_gate("xnor")
    with pytest.raises(TypeError, match="`name` must be a gate name"):
        logic_gate(1)


# --- spirals ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("n_samples, n_arms, counts", [(300, 2, [150, 150]), (10, 3, [4, 3, 3]),
                                                       (11, 4, [3, 3, 3, 2])])
def test_spirals_shapes_dtypes_and_balance(n_samples, n_arms, counts):
    X, y = spirals(n_samples, n_arms=n_arms, rng=0)
    assert X.shape == (n_samples, 2) and X.dtype == np.float64
    assert y.shape == (n_samples,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y, minlength=n_arms), counts)


def test_spirals_are_shuffled_not_grouped_by_arm():
    _, y = spirals(200, rng=0)
    assert np.any(np.diff(y) < 0) and np.any(np.diff(y) > 0)


def test_noiseless_spirals_follow_the_documented_formula():
    turns, k = 1.5, 3
    X, y = spirals(300, n_arms=k, noise=0.0, turns=turns, rng=1)
    r = np.linalg.norm(X, axis=1)
    assert r.max() <= 1.0
    expected = 2 * np.pi * (turns * r + y / k)
    diff = np.angle(np.exp(1j * (np.arctan2(X[:, 1], X[:, 0]) - expected)))  # wrapped to (-pi, pi]
    np.testing.assert_allclose(diff, 0.0, atol=1e-9)


def test_spirals_noise_moves_points_off_the_arms():
    X, y = spirals(500, noise=0.2, rng=1)
    r = np.linalg.norm(X, axis=1)
    diff = np.angle(np.exp(1j * (np.arctan2(X[:, 1], X[:, 0]) - 2 * np.pi * (1.5 * r + y / 2))))
    assert 0.15 < diff.std() < 0.25  # the angular noise has standard deviation 0.2


def test_spirals_are_not_linearly_separable():
    from sklearn.linear_model import LogisticRegression
    X, y = spirals(400, noise=0.0, rng=0)
    assert LogisticRegression().fit(X, y).score(X, y) < 0.8


def test_spirals_determinism():
    a, b, c = spirals(50, rng=3), spirals(50, rng=3), spirals(50, rng=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.allclose(a[0], c[0])


def test_spirals_errors():
    with pytest.raises(ValueError, match="`n_samples` must be at least n_arms=3"):
        spirals(2, n_arms=3)
    with pytest.raises(ValueError, match="`n_arms` must be an integer >= 2"):
        spirals(10, n_arms=1)
    with pytest.raises(ValueError, match="`noise` must be non-negative"):
        spirals(10, noise=-0.1)
    with pytest.raises(ValueError, match="`turns` must be positive"):
        spirals(10, turns=0)
    with pytest.raises(TypeError, match="`rng` must be None, an int seed"):
        spirals(10, rng="seed")


# --- fruit -----------------------------------------------------------------------------------------

def test_fruit_shapes_dtypes_and_balance():
    X, y = fruit(101, rng=0)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [51, 50])


def test_fruit_without_noise_sits_on_the_class_centres():
    X, y = fruit(10, noise=0.0, rng=0)
    for label in (0, 1):
        np.testing.assert_array_equal(X[y == label], np.tile(FRUIT_MEANS[label], (5, 1)))


def test_fruit_oranges_lie_mostly_where_the_notes_perceptron_fires():
    X, y = fruit(2000, rng=0)
    z = X @ NOTES_W + NOTES_B
    assert np.mean((z >= 0) == (y == 1)) > 0.98
    assert np.mean(X[y == 1], axis=0) == pytest.approx(FRUIT_MEANS[1], abs=0.02)
    assert np.mean(X[y == 0], axis=0) == pytest.approx(FRUIT_MEANS[0], abs=0.02)


def test_fruit_noise_is_the_documented_standard_deviation():
    X, y = fruit(4000, noise=0.3, rng=0)
    assert np.std(X[y == 0], axis=0) == pytest.approx([0.3, 0.3], rel=0.05)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("margin", [0.0, 0.1, 0.3])
def test_separable_fruit_is_separated_by_the_notes_line_with_the_margin(seed, margin):
    X, y = fruit(300, noise=0.4, separable=True, margin=margin, rng=seed)
    assert X.shape == (300, 2) and np.array_equal(np.bincount(y), [150, 150])
    z = X @ NOTES_W + NOTES_B
    assert np.all(z[y == 1] >= margin) and np.all(z[y == 0] <= -margin)


def test_plain_fruit_with_much_noise_is_not_separable():
    X, y = fruit(300, noise=0.4, rng=0)
    z = X @ NOTES_W + NOTES_B
    assert np.any((z >= 0) != (y == 1))  # the situation `separable=True` exists to rule out


def test_fruit_determinism():
    a, b, c = fruit(40, rng=7), fruit(40, rng=7), fruit(40, rng=8)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.allclose(a[0], c[0])


def test_fruit_errors():
    with pytest.raises(ValueError, match="`n_samples` must be an integer >= 2"):
        fruit(1)
    with pytest.raises(ValueError, match=r"`margin` must lie in \[0, 0.3\]"):
        fruit(10, separable=True, margin=0.5)
    with pytest.raises(TypeError, match="`separable` must be True or False"):
        fruit(10, separable="yes")
    with pytest.raises(ValueError, match="`noise` must be non-negative"):
        fruit(10, noise=-1)


# --- function samples ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_function_samples_without_noise_are_exact(name):
    X, y = function_samples(name, 150, rng=0)
    assert X.shape == y.shape == (150, 1) and X.dtype == y.dtype == np.float64
    assert np.all(np.diff(X[:, 0]) >= 0)  # sorted
    assert -3 <= X.min() and X.max() <= 3
    np.testing.assert_array_equal(y, FUNCTIONS[name](X))


def test_the_functions_are_the_documented_ones():
    x = np.array([-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0])
    np.testing.assert_array_equal(FUNCTIONS["sin"](x), np.sin(x))
    np.testing.assert_array_equal(FUNCTIONS["abs"](x), np.abs(x))
    np.testing.assert_array_equal(FUNCTIONS["step"](x), [0, 0, 0, 1, 1, 1, 1, 1])
    np.testing.assert_array_equal(FUNCTIONS["sawtooth"](x), [-0.5, -1.0, -0.5, 0.0, 0.5, -1.0, -0.5, 0.0])
    np.testing.assert_array_equal(FUNCTIONS["square_wave"](x), [-1, -1, -1, 1, 1, -1, -1, 1])


def test_function_samples_noise_has_the_documented_standard_deviation():
    X, y = function_samples("sin", 5000, noise=0.5, rng=0)
    residual = y - np.sin(X)
    assert abs(residual.mean()) < 0.03 and residual.std() == pytest.approx(0.5, rel=0.05)


def test_function_samples_x_range_and_determinism():
    X, _ = function_samples("abs", 500, x_range=(1, 2), rng=0)
    assert 1 <= X.min() and X.max() <= 2 and X.max() - X.min() > 0.9
    a, b, c = (function_samples("sin", 30, noise=0.1, rng=s) for s in (5, 5, 6))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.allclose(a[1], c[1])


def test_function_samples_errors():
    with pytest.raises(ValueError, match=r"Unknown function 'square'.*Did you mean 'square_wave'\?"):
        function_samples("square")
    with pytest.raises(TypeError, match="`name` must be a function name"):
        function_samples(np.sin)
    with pytest.raises(ValueError, match="`x_range` must be \\(low, high\\) with low < high"):
        function_samples("sin", x_range=(3, -3))
    with pytest.raises(TypeError, match="`x_range` must be a pair"):
        function_samples("sin", x_range=3)
    with pytest.raises(ValueError, match="`x_range\\[1\\]` must be a finite number"):
        function_samples("sin", x_range=(0, np.inf))
    with pytest.raises(ValueError, match="`noise` must be non-negative"):
        function_samples("sin", noise=-0.1)
    with pytest.raises(ValueError, match="`n_samples` must be an integer >= 1"):
        function_samples("sin", 0)
