"""Perceptron: the learning rule, convergence (and its absence on XOR), the Novikoff bound, errors."""

import numpy as np
import pytest

from nnlearn.activations import get
from nnlearn.datasets import fruit, logic_gate
from nnlearn.perceptron import Perceptron


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor"])
@pytest.mark.parametrize("seed", range(3))
def test_learns_the_linearly_separable_gates(gate, seed):
    X, y = logic_gate(gate)
    p = Perceptron(rng=seed).fit(X, y)
    assert p.converged_ and p.errors_[-1] == 0 and p.n_epochs_ == len(p.errors_) < 100
    np.testing.assert_array_equal(p.predict(X), y)
    assert p.score(X, y) == 1.0


@pytest.mark.parametrize("seed", range(5))
def test_never_learns_xor(seed):
    X, y = logic_gate("xor")
    p = Perceptron(max_epochs=1000, rng=seed).fit(X, y)
    assert not p.converged_
    assert p.n_epochs_ == len(p.errors_) == 1000
    assert np.all(p.errors_ > 0)
    assert p.score(X, y) < 1.0


def test_one_update_by_hand():
    # From w = 0, b = 0 the first sample (1, 1) with label 0 is predicted step(0) = 1: a mistake,
    # so w <- 0 + 0.5 * (0 - 1) * (1, 1) = (-0.5, -0.5) and b <- -0.5; then step(-1.5) = 0 is right.
    p = Perceptron(lr=0.5, max_epochs=1).fit([[1.0, 1.0]], [0])
    np.testing.assert_array_equal(p.coef_, [-0.5, -0.5])
    assert p.intercept_ == -0.5 and list(p.errors_) == [1] and not p.converged_
    p = Perceptron(lr=0.5, max_epochs=2).fit([[1.0, 1.0]], [0])
    assert list(p.errors_) == [1, 0] and p.converged_ and p.n_epochs_ == 2


def test_the_notes_fruit_example_by_hand():
    p = Perceptron()
    p.coef_, p.intercept_ = np.array([0.5, 0.8]), -1.0
    X = np.array([[1.0, 1.0], [1.0, 0.5], [2.0, 0.0], [0.5, 0.5]])
    z_by_hand = np.array([0.5 * 1.0 + 0.8 * 1.0 - 1,    # 0.3  -> 1 (orange)
                          0.5 * 1.0 + 0.8 * 0.5 - 1,    # -0.1 -> 0 (apple)
                          0.5 * 2.0 + 0.8 * 0.0 - 1,    # 0    -> 1: step(0) = 1
                          0.5 * 0.5 + 0.8 * 0.5 - 1])   # -0.35 -> 0
    np.testing.assert_allclose(p.decision_function(X), z_by_hand, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(p.predict(X), [1, 0, 1, 0])
    np.testing.assert_array_equal(p.predict(X), get("step")(z_by_hand))


def test_the_notes_weights_classify_the_fruit_data_well():
    X, y = fruit(500, rng=0)
    p = Perceptron()
    p.coef_, p.intercept_ = np.array([0.5, 0.8]), -1.0
    assert p.score(X, y) > 0.98


def test_predict_is_the_step_of_the_decision_function():
    X, y = fruit(200, noise=0.4, rng=1)
    p = Perceptron(max_epochs=5, rng=0).fit(X, y)
    z = p.decision_function(X)
    assert z.shape == (200,)
    np.testing.assert_allclose(z, X @ p.coef_ + p.intercept_, rtol=1e-15)
    pred = p.predict(X)
    assert pred.dtype == np.int64 and pred.shape == (200,)
    np.testing.assert_array_equal(pred, (z >= 0).astype(int))
    assert p.score(X, y) == np.mean(pred == y)


@pytest.mark.parametrize("seed", range(5))
def test_converges_on_separable_fruit(seed):
    X, y = fruit(200, noise=0.3, separable=True, margin=0.05, rng=seed)
    p = Perceptron(rng=seed).fit(X, y)
    assert p.converged_
    np.testing.assert_array_equal(p.predict(X), y)


def novikoff_bound(X, y, w, b):
    """(R / gamma)^2 for the separating hyperplane (w, b), in the augmented space (x, 1)."""
    Xt = np.column_stack([X, np.ones(len(X))])
    u = np.append(w, b) / np.linalg.norm(np.append(w, b))
    gamma = np.min((2 * y - 1) * (Xt @ u))
    assert gamma > 0, "the hyperplane must separate the data"
    return (np.linalg.norm(Xt, axis=1).max() / gamma) ** 2


@pytest.mark.parametrize("seed", range(5))
def test_number_of_updates_is_within_the_novikoff_bound(seed):
    X, y = fruit(300, noise=0.5, separable=True, margin=0.02, rng=seed)
    p = Perceptron(max_epochs=10_000, rng=seed).fit(X, y)
    assert p.converged_
    n_updates = p.errors_.sum()
    assert n_updates <= novikoff_bound(X, y, np.array([0.5, 0.8]), -1.0)    # the generator's line
    assert n_updates <= novikoff_bound(X, y, p.coef_, p.intercept_)        # the line found


def test_novikoff_bound_on_and():
    X, y = logic_gate("and")
    # x1 + x2 - 1.5 separates AND with gamma = 0.5 / sqrt(1 + 1 + 1.5^2) and R = |(1, 1, 1)| = sqrt(3),
    # so the bound is 3 * 4.25 / 0.25 = 51 updates
    assert novikoff_bound(X, y, np.ones(2), -1.5) == pytest.approx(51)
    for seed in range(10):
        p = Perceptron(rng=seed).fit(X, y)
        assert p.converged_ and 1 <= p.errors_.sum() <= 51


def test_learning_rate_only_scales_the_weights():
    X, y = fruit(200, noise=0.4, rng=2)
    a = Perceptron(lr=1.0, max_epochs=20, rng=0).fit(X, y)
    b = Perceptron(lr=0.25, max_epochs=20, rng=0).fit(X, y)  # a power of two: the scaling is exact
    np.testing.assert_array_equal(a.errors_, b.errors_)
    np.testing.assert_array_equal(b.coef_, 0.25 * a.coef_)
    assert b.intercept_ == 0.25 * a.intercept_


def test_determinism():
    X, y = fruit(200, noise=0.4, rng=3)
    a = Perceptron(max_epochs=10, rng=5).fit(X, y)
    b = Perceptron(max_epochs=10, rng=5).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.errors_, b.errors_)
    again = a.fit(X, y)  # an int seed gives the same order on every fit
    np.testing.assert_array_equal(again.coef_, b.coef_)
    others = [Perceptron(max_epochs=10, rng=s).fit(X, y).coef_ for s in range(6, 10)]
    assert any(not np.array_equal(c, a.coef_) for c in others)  # the order does matter


def test_a_generator_advances_between_fits():
    X, y = fruit(200, noise=0.4, rng=3)
    p = Perceptron(max_epochs=3, rng=np.random.default_rng(0))
    first = p.fit(X, y).coef_.copy()
    seconds = [p.fit(X, y).coef_.copy() for _ in range(3)]
    assert any(not np.array_equal(first, s) for s in seconds)


def test_fit_accepts_float_and_bool_labels():
    X, y = logic_gate("or")
    a = Perceptron(rng=0).fit(X, y)
    b = Perceptron(rng=0).fit(X, y.astype(float))
    c = Perceptron(rng=0).fit(X, y.astype(bool))
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.coef_, c.coef_)


def test_fit_returns_self_and_sets_attributes():
    X, y = logic_gate("and")
    p = Perceptron(rng=0)
    assert p.fit(X, y) is p
    assert p.coef_.shape == (2,) and isinstance(p.intercept_, float)
    assert p.errors_.dtype == np.int64 and isinstance(p.n_epochs_, int)
    assert repr(p) == "Perceptron(lr=1.0, max_epochs=100)"


def test_predict_before_fit_names_fit():
    with pytest.raises(RuntimeError, match=r"not fitted yet: call fit\(X, y\)"):
        Perceptron().predict([[0.0, 1.0]])
    with pytest.raises(RuntimeError, match="fit"):
        Perceptron().decision_function([[0.0, 1.0]])


def test_input_errors():
    X, y = logic_gate("and")
    p = Perceptron()
    with pytest.raises(ValueError, match=r"`X` must be a 2-D array.*reshape"):
        p.fit(X[:, 0], y)
    with pytest.raises(ValueError, match="`X` must contain only finite numbers"):
        p.fit(np.where(X == 1, np.nan, X), y)
    with pytest.raises(ValueError, match=r"`y` must hold only the labels 0 and 1, got also \[2\]"):
        p.fit(X, [0, 1, 2, 1])
    with pytest.raises(ValueError, match=r"For -1/\+1 labels pass \(y > 0\).astype\(int\)"):
        p.fit(X, 2 * y - 1)
    with pytest.raises(ValueError, match=r"`y` must be a 1-D array.*y.ravel\(\)"):
        p.fit(X, y.reshape(-1, 1))
    with pytest.raises(ValueError, match="same number of samples, got 4 rows in X and 3 labels"):
        p.fit(X, y[:3])
    with pytest.raises(ValueError, match="at least one sample"):
        p.fit(np.zeros((0, 2)), [])
    p.fit(X, y)
    with pytest.raises(ValueError, match=r"`X` must have 2 features.*transposed"):
        p.predict(np.ones((3, 2)).T)
    with pytest.raises(ValueError, match="`y` must hold only the labels 0 and 1"):
        p.score(X, [0, 0, 0, 0.5])


def test_constructor_errors():
    with pytest.raises(ValueError, match="`lr` must be positive"):
        Perceptron(lr=0)
    with pytest.raises(ValueError, match="`max_epochs` must be an integer >= 1"):
        Perceptron(max_epochs=0)
    with pytest.raises(TypeError, match="`max_epochs` must be an integer"):
        Perceptron(max_epochs=10.0)
    with pytest.raises(TypeError, match="`rng` must be None, an int seed"):
        Perceptron(rng=1.5)
