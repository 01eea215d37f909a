"""Initializers: the variances the formulas promise, shapes, dtypes and seeds."""

import numpy as np
import pytest

from nnlearn import init

SHAPE = (400, 300)  # fan_in 400, fan_out 300: 120,000 draws, so sample variances are within ~1%


@pytest.mark.parametrize("name, variance", [
    ("xavier_uniform", 2 / (400 + 300)),
    ("xavier_normal", 2 / (400 + 300)),
    ("he_uniform", 2 / 400),
    ("he_normal", 2 / 400),
    ("normal", 0.01 ** 2),
])
def test_variance_matches_the_formula(name, variance):
    W = init.get(name)(SHAPE, rng=0)
    assert W.shape == SHAPE and W.dtype == np.float64
    assert abs(W.mean()) < 0.02 * np.sqrt(variance)
    assert W.var() == pytest.approx(variance, rel=0.02)


@pytest.mark.parametrize("name, limit", [("xavier_uniform", np.sqrt(6 / 700)), ("he_uniform", np.sqrt(6 / 400))])
def test_uniform_limits(name, limit):
    W = init.get(name)(SHAPE, rng=1)
    assert np.abs(W).max() <= limit and np.abs(W).max() > 0.99 * limit


def test_zeros_and_normal_std():
    assert np.all(init.zeros((3, 2)) == 0)
    assert init.normal((1000, 100), std=2.0, rng=0).std() == pytest.approx(2.0, rel=0.01)


@pytest.mark.parametrize("name", list(init.INITIALIZERS))
def test_same_seed_same_weights_and_float32(name):
    a = init.get(name)((5, 4), rng=7)
    b = init.get(name)((5, 4), rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    assert init.get(name)((5, 4), rng=7, dtype=np.float32).dtype == np.float32


def test_he_keeps_relu_signal_variance_through_depth():
    # Variance preservation, the reason for He initialization: 20 ReLU layers barely change the scale.
    rng = np.random.default_rng(0)
    A = rng.normal(size=(2000, 256))
    for _ in range(20):
        A = np.maximum(A @ init.he_normal((256, 256), rng=rng), 0)
    assert 0.3 < np.mean(A ** 2) < 3.0
    B = rng.normal(size=(2000, 256))
    for _ in range(20):
        B = np.maximum(B @ init.xavier_normal((256, 256), rng=rng), 0)
    assert np.mean(B ** 2) < 1e-4  # Xavier halves the second moment per ReLU layer: 2^-20


def test_fans():
    assert init.fans((3, 5)) == (3, 5)
    assert init.fans((7,)) == (7, 7)


def test_errors():
    with pytest.raises(ValueError, match="Unknown initializer 'kaiming'"):
        init.get("kaiming")
    with pytest.raises(ValueError, match="`shape` must be a non-empty tuple of positive ints"):
        init.he_normal((0, 3))
    with pytest.raises(ValueError, match="`std` must be positive"):
        init.normal((2, 2), std=0)
    with pytest.raises(TypeError, match="`rng` must be None"):
        init.he_normal((2, 2), rng=1.5)
