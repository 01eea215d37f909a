"""Activation functions: values, derivatives (finite differences), kinks, stability, properties."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlearn import activations
from nnlearn.activations import ACTIVATIONS, get

from .helpers import max_rel_error, numeric_input_gradient

ELEMENTWISE = [name for name, cls in ACTIVATIONS.items() if cls.elementwise]
SMOOTH = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"]  # step has no useful derivative

finite_floats = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)


def test_table_lists_the_course_activations():
    assert set(ACTIVATIONS) == {"linear", "step", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"}


@pytest.mark.parametrize("name, z, expected", [
    ("linear", [-2.0, 0.0, 3.0], [-2.0, 0.0, 3.0]),
    ("step", [-2.0, 0.0, 3.0], [0.0, 1.0, 1.0]),
    ("sigmoid", [0.0, np.log(3.0)], [0.5, 0.75]),          # sigma(ln 3) = 1/(1 + 1/3)
    ("tanh", [0.0, np.log(2.0)], [0.0, 0.6]),              # (2 - 1/2)/(2 + 1/2)
    ("relu", [-2.0, 0.0, 3.0], [0.0, 0.0, 3.0]),
    ("leaky_relu", [-2.0, 0.0, 3.0], [-0.02, 0.0, 3.0]),
])
def test_values_by_hand(name, z, expected):
    np.testing.assert_allclose(get(name)(np.array(z)), expected, rtol=1e-15, atol=1e-15)


def test_sigmoid_has_the_right_sign():
    # The course notes wrote 1/(1 + e^x); the sigmoid is increasing, 1/(1 + e^(-x)).
    f = get("sigmoid")
    assert f(np.array(5.0)) > 0.99 and f(np.array(-5.0)) < 0.01


def test_softmax_by_hand():
    z = np.array([[1.0, 2.0, 3.0]])
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(get("softmax")(z), [e / e.sum()], rtol=1e-15)


def test_leaky_relu_alpha_option():
    assert get("leaky_relu", alpha=0.2)(np.array(-1.0)) == pytest.approx(-0.2)
    with pytest.raises(ValueError, match="alpha"):
        get("leaky_relu", alpha=-0.1)


@pytest.mark.parametrize("name", SMOOTH)
def test_backward_matches_finite_differences(name, rng):
    f = get(name)
    # Keep away from the kink at 0 so central differences are exact there.
    z = rng.normal(size=(5, 4))
    z = np.where(np.abs(z) < 1e-3, 0.5, z)
    g = rng.normal(size=z.shape)
    numeric = numeric_input_gradient(f, z, g)
    assert max_rel_error(f.backward(z, g), numeric) < 1e-7
    assert max_rel_error(f.backward(z, g, a=f(z)), numeric) < 1e-7


@pytest.mark.parametrize("name", [n for n in ELEMENTWISE if n != "step"])
def test_derivative_matches_finite_differences(name, rng):
    f = get(name)
    z = rng.normal(size=50)
    z = np.where(np.abs(z) < 1e-3, 0.5, z)
    h = 1e-6
    numeric = (f(z + h) - f(z - h)) / (2 * h)  # element by element: f acts on each entry alone
    assert max_rel_error(f.derivative(z), numeric) < 1e-7


def test_step_derivative_is_zero():
    assert np.all(get("step").derivative(np.linspace(-3, 3, 7)) == 0)


def test_derivatives_at_the_kink_follow_pytorch():
    zero = np.array([0.0])
    assert get("relu").derivative(zero)[0] == 0.0
    assert get("relu").backward(zero, np.ones(1))[0] == 0.0
    assert get("leaky_relu", alpha=0.1).derivative(zero)[0] == 0.1
    assert get("leaky_relu", alpha=0.1).backward(zero, np.ones(1))[0] == 0.1


def test_sigmoid_derivative_peaks_at_a_quarter():
    z = np.linspace(-10, 10, 20001)
    d = get("sigmoid").derivative(z)
    assert d.max() == pytest.approx(0.25, abs=1e-15)
    assert z[np.argmax(d)] == pytest.approx(0.0, abs=1e-12)


def test_softmax_derivative_is_not_elementwise():
    with pytest.raises(TypeError, match="Jacobian"):
        get("softmax").derivative(np.zeros((1, 3)))


def test_softmax_backward_equals_explicit_jacobian(rng):
    z = rng.normal(size=(3, 4))
    g = rng.normal(size=(3, 4))
    s = activations.softmax(z)
    explicit = np.stack([(np.diag(si) - np.outer(si, si)) @ gi for si, gi in zip(s, g)])
    np.testing.assert_allclose(get("softmax").backward(z, g), explicit, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_extreme_inputs_are_finite_without_warnings(name):
    z = np.array([[-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4]])
    f = get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow RuntimeWarning fails the test
        out = f(z)
        grad = f.backward(z, np.ones_like(z))
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(grad))


def test_sigmoid_keeps_relative_precision_for_negative_inputs():
    # sigma(-30) = e^-30 / (1 + e^-30): a 1 + tanh formula would lose every digit here.
    z = np.array([-30.0, -300.0])
    expected = np.exp(z) / (1 + np.exp(z))
    np.testing.assert_allclose(get("sigmoid")(z), expected, rtol=1e-15)


def test_float32_stays_float32():
    z = np.linspace(-3, 3, 7, dtype=np.float32)
    for name in ACTIVATIONS:
        assert get(name)(z).dtype == np.float32, name
        assert get(name).backward(z, np.ones_like(z)).dtype == np.float32, name


@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=finite_floats))
def test_softmax_rows_are_distributions(z):
    s = get("softmax")(z)
    assert np.all(s >= 0) and np.all(s <= 1)
    np.testing.assert_allclose(s.sum(axis=1), 1.0, rtol=1e-12)


@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=st.floats(-100, 100)),
       st.floats(-1e3, 1e3))
def test_softmax_is_shift_invariant(z, c):
    np.testing.assert_allclose(get("softmax")(z + c), get("softmax")(z), rtol=1e-9, atol=1e-12)


@given(arrays(np.float64, st.integers(1, 20), elements=finite_floats))
def test_sigmoid_symmetry(z):
    f = get("sigmoid")
    np.testing.assert_allclose(f(-z), 1.0 - f(z), rtol=0, atol=2e-16)


@given(arrays(np.float64, st.integers(1, 20), elements=finite_floats))
def test_tanh_is_a_rescaled_sigmoid(z):
    # tanh z = 2 sigma(2z) - 1
    np.testing.assert_allclose(get("tanh")(z), 2 * get("sigmoid")(2 * z) - 1, rtol=0, atol=1e-15)


@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)), elements=finite_floats),
       st.sampled_from(list(ACTIVATIONS)))
def test_every_activation_is_finite_for_extreme_inputs(z, name):
    f = get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(np.isfinite(f(z)))
        assert np.all(np.isfinite(f.backward(z, np.ones_like(z))))


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError) as info:
        get("sigmod")
    msg = str(info.value)
    assert "'sigmod'" in msg and "Valid names" in msg and "'relu'" in msg and "Did you mean 'sigmoid'" in msg


def test_get_rejects_bad_types_and_options():
    with pytest.raises(TypeError, match="name"):
        get(3)
    with pytest.raises(TypeError, match="unexpected options"):
        get("relu", alpha=0.1)
    f = get("tanh")
    assert get(f) is f
