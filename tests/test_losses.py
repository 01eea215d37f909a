"""Losses: values by hand, gradients against finite differences, properties and error messages."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlearn.activations import sigmoid, softmax
from nnlearn.gradcheck import numerical_gradient
from nnlearn.losses import LOSSES, get

from .helpers import max_rel_error

# (name, options, make y_pred, make y_true) for every loss configuration.
CONFIGS = {
    "mse": ({}, "real", "real"),
    "mae": ({}, "real", "real"),
    "huber": ({"delta": 0.7}, "real", "real"),
    "bce": ({}, "prob", "binary"),
    "bce_logits": ({"from_logits": True}, "real", "binary"),
    "cce": ({}, "simplex", "onehot"),
    "cce_labels": ({}, "simplex", "labels"),
    "cce_logits": ({"from_logits": True}, "real", "onehot"),
    "cce_logits_labels": ({"from_logits": True}, "real", "labels"),
}


def make_case(key, rng, n=6, k=3):
    options, pred_kind, true_kind = CONFIGS[key]
    loss = get(key.split("_")[0] if key != "bce_logits" else "bce", **options)
    z = rng.normal(size=(n, k))
    y_pred = {"real": z, "prob": sigmoid(z), "simplex": softmax(z)}[pred_kind]
    labels = rng.integers(0, k, size=n)
    y_true = {
        "real": rng.normal(size=(n, k)),
        "binary": rng.integers(0, 2, size=(n, k)).astype(float),
        "onehot": np.eye(k)[labels],
        "labels": labels,
    }[true_kind]
    return loss, y_pred, y_true


def test_table_lists_the_course_losses():
    assert set(LOSSES) == {"mse", "mae", "huber", "bce", "cce"}


def test_values_by_hand():
    y_pred = np.array([[1.0], [2.0], [4.0]])
    y_true = np.array([[1.0], [0.0], [0.0]])
    assert get("mse")(y_pred, y_true) == pytest.approx((0 + 4 + 16) / 3)
    assert get("mae")(y_pred, y_true) == pytest.approx((0 + 2 + 4) / 3)
    # Huber with delta 1: r = 0 -> 0, r = 2 -> 1*(2 - 0.5), r = 4 -> 1*(4 - 0.5)
    assert get("huber")(y_pred, y_true) == pytest.approx((0 + 1.5 + 3.5) / 3)
    p = np.array([[0.9], [0.2]])
    y = np.array([[1.0], [0.0]])
    assert get("bce")(p, y) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    assert get("cce")(P, np.array([0, 2])) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)


def test_mse_averages_over_all_elements_and_cce_over_samples():
    y_pred, y_true = np.ones((4, 5)), np.zeros((4, 5))
    assert get("mse")(y_pred, y_true) == pytest.approx(1.0)      # 20 elements of 1, mean 1
    P = np.full((4, 5), 0.2)
    assert get("cce")(P, np.zeros(4, dtype=int)) == pytest.approx(-np.log(0.2))  # per sample, not /20


@pytest.mark.parametrize("key", list(CONFIGS))
def test_gradient_matches_finite_differences(key, rng):
    loss, y_pred, y_true = make_case(key, rng)
    numeric = numerical_gradient(lambda p: loss(p, y_true), y_pred.copy())
    assert max_rel_error(loss.gradient(y_pred, y_true), numeric) < 1e-7


@pytest.mark.parametrize("key", list(CONFIGS))
def test_gradient_has_the_shape_of_the_prediction(key, rng):
    loss, y_pred, y_true = make_case(key, rng)
    assert loss.gradient(y_pred, y_true).shape == y_pred.shape


def test_from_logits_equals_probabilities_after_the_activation(rng):
    z = rng.normal(size=(5, 3))
    y = rng.integers(0, 2, size=(5, 3)).astype(float)
    assert get("bce", from_logits=True)(z, y) == pytest.approx(get("bce")(sigmoid(z), y), rel=1e-12)
    labels = rng.integers(0, 3, size=5)
    assert get("cce", from_logits=True)(z, labels) == pytest.approx(get("cce")(softmax(z), labels), rel=1e-12)


def test_softmax_cross_entropy_gradient_is_p_minus_y(rng):
    z = rng.normal(size=(4, 3))
    labels = np.array([0, 2, 1, 2])
    grad = get("cce", from_logits=True).gradient(z, labels)
    np.testing.assert_allclose(grad, (softmax(z) - np.eye(3)[labels]) / 4, rtol=1e-13, atol=1e-16)


def test_sigmoid_cross_entropy_gradient_is_p_minus_y(rng):
    z = rng.normal(size=(4, 1))
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    np.testing.assert_allclose(get("bce", from_logits=True).gradient(z, y), (sigmoid(z) - y) / 4, rtol=1e-14)


def test_huber_caps_the_gradient_of_an_outlier():
    y_pred = np.array([[100.0], [0.5]])
    y_true = np.zeros((2, 1))
    g_huber = get("huber", delta=1.0).gradient(y_pred, y_true)
    g_mse = get("mse").gradient(y_pred, y_true)
    assert g_huber[0, 0] == pytest.approx(1.0 / 2)          # delta / N
    assert g_huber[1, 0] == pytest.approx(0.5 / 2)          # r / N inside the quadratic zone
    assert g_mse[0, 0] == pytest.approx(2 * 100.0 / 2)


def test_mae_gradient_at_zero_residual_is_zero():
    assert get("mae").gradient(np.array([[1.0]]), np.array([[1.0]]))[0, 0] == 0.0


real_matrices = arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 4)),
                       elements=st.floats(-1e4, 1e4))


@given(real_matrices, st.data(), st.sampled_from(list(CONFIGS)))
def test_losses_are_non_negative_and_finite_for_extreme_inputs(z, data, key):
    options, pred_kind, true_kind = CONFIGS[key]
    name = key.split("_")[0]
    loss = get(name, **options)
    n, k = z.shape
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y_pred = {"real": z, "prob": sigmoid(z), "simplex": softmax(z)}[pred_kind]
        if true_kind == "real":
            y_true = data.draw(arrays(np.float64, z.shape, elements=st.floats(-1e4, 1e4)))
        elif true_kind == "binary":
            y_true = data.draw(arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0])))
        else:
            labels = data.draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
            y_true = labels if true_kind == "labels" else np.eye(k)[labels]
        value = loss(y_pred, y_true)
        grad = loss.gradient(y_pred, y_true)
    assert value >= 0 and np.isfinite(value)
    assert np.all(np.isfinite(grad))


@pytest.mark.parametrize("name", ["mse", "mae", "huber", "bce"])
def test_mismatched_shapes_are_explained(name):
    with pytest.raises(ValueError) as info:
        get(name)(np.full((4, 1), 0.5), np.ones(4))
    msg = str(info.value)
    assert "(4, 1)" in msg and "(4,)" in msg and "reshape(-1, 1)" in msg


def test_cce_rejects_labels_out_of_range():
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\].*from 0 to 3"):
        get("cce")(np.full((2, 3), 1 / 3), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"from -1 to 1"):
        get("cce", from_logits=True)(np.zeros((2, 3)), np.array([-1, 1]))


def test_cce_rejects_non_integer_labels_and_wrong_counts():
    with pytest.raises(ValueError, match="integer class labels"):
        get("cce")(np.full((2, 3), 1 / 3), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="3 labels but `y_pred` has 2 rows"):
        get("cce")(np.full((2, 3), 1 / 3), np.array([0, 1, 2]))


def test_bce_rejects_targets_and_probabilities_out_of_range():
    with pytest.raises(ValueError, match=r"`y_true` must hold targets in \[0, 1\]"):
        get("bce")(np.full((2, 1), 0.5), np.array([[0.0], [2.0]]))
    with pytest.raises(ValueError, match="from_logits=True"):
        get("bce")(np.array([[3.0], [-1.0]]), np.array([[1.0], [0.0]]))
    with pytest.raises(ValueError, match="from_logits=True"):
        get("cce")(np.array([[3.0, -1.0]]), np.array([0]))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("argument", ["y_pred", "y_true"])
def test_nan_and_inf_are_rejected(bad, argument):
    y_pred, y_true = np.zeros((3, 1)), np.zeros((3, 1))
    {"y_pred": y_pred, "y_true": y_true}[argument][1, 0] = bad
    with pytest.raises(ValueError, match=f"`{argument}` must contain only finite numbers, got 1 NaN or infinite"):
        get("mse")(y_pred, y_true)


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown loss 'crossentropy'.*'bce', 'cce'"):
        get("crossentropy")
    with pytest.raises(ValueError, match="Did you mean 'mse'"):
        get("mes")


def test_bad_options():
    with pytest.raises(ValueError, match="`delta` must be positive, got 0.0"):
        get("huber", delta=0)
    with pytest.raises(TypeError, match="unexpected options"):
        get("mse", delta=1.0)
