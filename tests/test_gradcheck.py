"""Gradient checking: it measures correct gradients as right and catches wrong ones."""

import numpy as np
import pytest

from nnlearn import MLP, Activation, Dense, Sequential
from nnlearn.activations import Sigmoid
from nnlearn.gradcheck import check_gradients, numerical_gradient, relative_error


def test_numerical_gradient_of_a_known_function(rng):
    A = rng.normal(size=(3, 3))
    x = rng.normal(size=3)
    f = lambda v: float(v @ A @ v + np.sin(v).sum())
    np.testing.assert_allclose(numerical_gradient(f, x), (A + A.T) @ x + np.cos(x), rtol=1e-8, atol=1e-9)


def test_numerical_gradient_leaves_x_unchanged_even_on_error(rng):
    x = rng.normal(size=(2, 3))
    before = x.copy()
    numerical_gradient(lambda v: float(np.sum(v ** 3)), x)
    np.testing.assert_array_equal(x, before)

    def explode(v):
        raise RuntimeError("boom")
    with pytest.raises(RuntimeError):
        numerical_gradient(explode, x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_input_errors():
    with pytest.raises(TypeError, match="`x` must be a float ndarray"):
        numerical_gradient(np.sum, [1.0, 2.0])
    with pytest.raises(TypeError, match="`f` must be a callable"):
        numerical_gradient(3, np.zeros(2))
    with pytest.raises(ValueError, match="`eps` must be positive"):
        numerical_gradient(np.sum, np.zeros(2), eps=0)


def test_relative_error_scale():
    assert relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([2.0, 1e-3], [2.0, 2e-3]) == pytest.approx(1e-3 / 2)


class BrokenSigmoid(Sigmoid):
    """A sigmoid whose derivative forgets the factor (1 - a): a typical mistake."""

    def derivative(self, z, a=None):
        return self(z)


class NoBiasGradientDense(Dense):
    """A Dense layer whose backward forgets the bias gradient."""

    def _backward(self, grad_output, need_input_grad=True):
        out = super()._backward(grad_output, need_input_grad)
        self.grads["b"][:] = 0
        return out


def test_check_gradients_passes_a_correct_network(rng):
    net = MLP([3, 4, 2], activation="sigmoid", rng=0)
    report = check_gradients(net, "mse", rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))
    assert max(report.values()) < 1e-7


def test_check_gradients_catches_a_wrong_activation_derivative(rng):
    net = Sequential([Dense(3, 4, rng=0), Activation(BrokenSigmoid()), Dense(4, 2, rng=1)])
    report = check_gradients(net, "mse", rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))
    assert report["0.W"] > 0.1 and report["2.W"] < 1e-7  # only the layer below the mistake is wrong


def test_check_gradients_catches_a_missing_bias_gradient(rng):
    net = Sequential([NoBiasGradientDense(3, 2, rng=0)])
    report = check_gradients(net, "mse", rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))
    assert report["0.b"] == pytest.approx(1.0) and report["0.W"] < 1e-7
