"""Shared checks: random generators and array validation."""

import numpy as np
import pytest

from nnlearn._validation import check_array, check_rng


def test_check_rng_normalises_and_never_touches_the_global_state():
    np.random.seed(1)
    state = np.random.get_state()[1].copy()
    assert isinstance(check_rng(None), np.random.Generator)
    assert check_rng(0).random() == np.random.default_rng(0).random()
    g = np.random.default_rng(3)
    assert check_rng(g) is g
    np.testing.assert_array_equal(np.random.get_state()[1], state)


@pytest.mark.parametrize("bad", [1.5, "3", True, np.random.RandomState(0)])
def test_check_rng_rejects_other_types(bad):
    with pytest.raises(TypeError, match="`rng` must be None, an int seed or a numpy.random.Generator"):
        check_rng(bad)


def test_check_rng_rejects_negative_seeds():
    with pytest.raises(ValueError, match="non-negative"):
        check_rng(-1)


def test_check_array_converts_ints_and_keeps_float32():
    assert check_array([[1, 2]], "X").dtype == np.float64
    assert check_array(np.ones((1, 2), np.float32), "X").dtype == np.float32
    assert check_array(np.array([1, 2]), "y", allow_int=True).dtype.kind == "i"


def test_check_array_messages():
    with pytest.raises(TypeError, match="`X` must be an array of numbers, got NoneType"):
        check_array(None, "X")
    with pytest.raises(TypeError, match="`X` must be an array of numbers, got list that numpy cannot convert"):
        check_array([[1, 2], [3]], "X")
    with pytest.raises(ValueError, match="got 2 NaN or infinite values"):
        check_array([np.nan, np.inf, 1.0], "X")
    with pytest.raises(ValueError, match=r"Wrap a single number as np.array\(\[\[X\]\]\)"):
        check_array(3.0, "X", ndim=2)
    with pytest.raises(ValueError, match="`y` must be a 3-D array, got a 2-D array"):
        check_array(np.zeros((2, 2)), "y", ndim=3)


def test_check_choice_and_check_range():
    from nnlearn._validation import check_choice, check_range
    assert check_choice("tanh", "activation", ("tanh", "relu"), "activation") == "tanh"
    with pytest.raises(TypeError, match=r"`activation` must be an activation name \(str\), one of \['tanh', 'relu'\]"):
        check_choice(3, "activation", ("tanh", "relu"), "activation")
    with pytest.raises(ValueError, match="Unknown hidden activation 'rel'.*Did you mean 'relu'"):
        check_choice("rel", "activation", ("tanh", "relu"), "activation", "hidden activation")
    assert check_range((0, 2), "x_range") == (0.0, 2.0)
    with pytest.raises(ValueError, match="low < high"):
        check_range((2, 0), "x_range")
    with pytest.raises(TypeError, match="must be a pair"):
        check_range(3, "x_range")
