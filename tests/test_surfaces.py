"""2-D loss surfaces: gradients, minima, and optimizer trajectories on them."""

import numpy as np
import pytest

from nnlearn import surfaces
from nnlearn.gradcheck import numerical_gradient
from nnlearn.optim import SGD, Adam, RMSprop


@pytest.mark.parametrize("name", list(surfaces.SURFACES))
def test_gradient_matches_finite_differences(name):
    s = surfaces.get(name)
    rng = np.random.default_rng(0)
    for _ in range(5):
        (x0, x1), (y0, y1) = s.bounds
        theta = np.array([rng.uniform(x0, x1), rng.uniform(y0, y1)])
        np.testing.assert_allclose(s.gradient(theta), numerical_gradient(s, theta.copy()), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", list(surfaces.SURFACES))
def test_minima_have_zero_gradient_and_the_lowest_value(name):
    s = surfaces.get(name)
    X, Y, Z = s.grid(300)
    for m in s.minima:
        np.testing.assert_allclose(s.gradient(m), 0.0, atol=1e-12)
        assert s(m) <= Z.min() + 1e-12


def test_gradient_descent_threshold_on_the_quadratic():
    """GD on 0.5(x^2 + k y^2) converges for lr < 2/k and diverges above."""
    s = surfaces.quadratic(kappa=10.0)
    _, below = surfaces.trajectory(s, SGD(lr=0.19), 300)
    _, above = surfaces.trajectory(s, SGD(lr=0.21), 300)
    assert below[-1] < 1e-6 * below[0]
    assert above[-1] > 1e6 * above[0]


def test_trajectory_shapes_and_reproducibility():
    path, losses = surfaces.trajectory("rosenbrock", Adam(lr=0.05), 200)
    assert path.shape == (201, 2) and losses.shape == (201,)
    np.testing.assert_array_equal(path[0], surfaces.rosenbrock().start)
    again, _ = surfaces.trajectory("rosenbrock", Adam(lr=0.05), 200)
    np.testing.assert_array_equal(path, again)


def test_adaptive_methods_escape_the_saddle_faster():
    """From next to the saddle point, RMSprop's per-coordinate scaling leaves it sooner than plain GD."""
    s = surfaces.saddle()
    _, gd = surfaces.trajectory(s, SGD(lr=0.05), 60)
    _, rms = surfaces.trajectory(s, RMSprop(lr=0.05), 60)
    assert rms[-1] < gd[-1]


def test_errors():
    with pytest.raises(ValueError, match="Unknown surface 'rosenbrok'.*Did you mean 'rosenbrock'"):
        surfaces.get("rosenbrok")
    with pytest.raises(ValueError, match="`kappa` must be positive"):
        surfaces.quadratic(kappa=0)
    with pytest.raises(ValueError, match=r"`start` must be a point \(x, y\)"):
        surfaces.trajectory("beale", SGD(0.1), 5, start=[1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="`optimizer` must be an nnlearn optimizer"):
        surfaces.trajectory("beale", "adam", 5)
