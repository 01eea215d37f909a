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


# -- class weights: pos_weight for "bce", weight for "cce" (as torch defines them) ----------------

import nnlearn  # noqa: E402
from nnlearn import MLP  # noqa: E402
from nnlearn.gradcheck import check_gradients  # noqa: E402
from nnlearn.losses import BinaryCrossEntropy, CategoricalCrossEntropy  # noqa: E402
from nnlearn.optim import SGD  # noqa: E402

# key: (loss name, options, prediction kind, target kind); k = 3 columns
WEIGHTED = {
    "bce_pw": ("bce", {"pos_weight": 4.0}, "prob", "binary"),
    "bce_pw_vector": ("bce", {"pos_weight": [0.5, 2.0, 7.0]}, "prob", "binary"),
    "bce_logits_pw": ("bce", {"from_logits": True, "pos_weight": 19.0}, "real", "binary"),
    "bce_logits_pw_soft": ("bce", {"from_logits": True, "pos_weight": [3.0, 1.0, 0.25]},
                           "real", "soft"),
    "cce_w_labels": ("cce", {"weight": [1.0, 2.5, 0.5]}, "simplex", "labels"),
    "cce_w_onehot": ("cce", {"weight": [1.0, 2.5, 0.5]}, "simplex", "onehot"),
    "cce_logits_w_labels": ("cce", {"from_logits": True, "weight": [0.2, 3.0, 1.0]},
                            "real", "labels"),
    "cce_logits_w_soft": ("cce", {"from_logits": True, "weight": [0.2, 3.0, 1.0]},
                          "real", "soft_rows"),
}


def weighted_case(key, rng, n=6, k=3, **override):
    name, options, pred_kind, true_kind = WEIGHTED[key]
    options = {**options, **override}
    z = rng.normal(size=(n, k))
    y_pred = {"real": z, "prob": sigmoid(z), "simplex": softmax(z)}[pred_kind]
    labels = rng.integers(0, k, size=n)
    rows = rng.random((n, k))
    y_true = {"binary": rng.integers(0, 2, size=(n, k)).astype(float),
              "soft": rng.random((n, k)), "labels": labels, "onehot": np.eye(k)[labels],
              "soft_rows": rows / rows.sum(1, keepdims=True)}[true_kind]
    return get(name, **options), y_pred, y_true


@pytest.mark.parametrize("key", list(WEIGHTED))
def test_weighted_gradient_matches_finite_differences(key, rng):
    loss, y_pred, y_true = weighted_case(key, rng)
    numeric = numerical_gradient(lambda p: loss(p, y_true), y_pred.copy())
    grad = loss.gradient(y_pred, y_true)
    assert grad.shape == y_pred.shape
    assert max_rel_error(grad, numeric) < 1e-7


@pytest.mark.parametrize("key", list(WEIGHTED))
def test_weights_of_one_equal_the_unweighted_loss(key, rng):
    name, options, _, _ = WEIGHTED[key]
    weight_name = "pos_weight" if name == "bce" else "weight"
    ones = np.ones_like(np.asarray(options[weight_name], dtype=float))
    loss, y_pred, y_true = weighted_case(key, rng, **{weight_name: ones})
    plain = get(name, from_logits=options.get("from_logits", False))
    assert loss(y_pred, y_true) == pytest.approx(plain(y_pred, y_true), rel=1e-13)
    np.testing.assert_allclose(loss.gradient(y_pred, y_true), plain.gradient(y_pred, y_true),
                               rtol=1e-12, atol=1e-17)


def test_class_weights_by_hand():
    p, y = np.array([[0.9], [0.2]]), np.array([[1.0], [0.0]])
    # the positive's term is multiplied by 3, the negative's is not; mean over 2 elements
    assert get("bce", pos_weight=3.0)(p, y) == pytest.approx(-(3 * np.log(0.9) + np.log(0.8)) / 2)
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    w = [2.0, 1.0, 0.5]
    terms = 2.0 * np.log(0.7) + 0.5 * np.log(0.8)
    # labels: divided by the sum of the weights of the samples' classes, 2 + 0.5
    assert get("cce", weight=w)(P, np.array([0, 2])) == pytest.approx(-terms / 2.5)
    # one-hot (probability) rows: torch divides by the number of samples
    assert get("cce", weight=w)(P, np.eye(3)[[0, 2]]) == pytest.approx(-terms / 2)


def test_scaling_the_weights_by_c(rng):
    z, labels = rng.normal(size=(8, 3)), rng.integers(0, 3, size=8)
    w = np.array([1.0, 4.0, 0.5])
    cce, cce_c = get("cce", from_logits=True, weight=w), get("cce", from_logits=True, weight=7 * w)
    # a weighted mean over labels: unchanged; over rows (divided by n): multiplied by c
    assert cce_c(z, labels) == pytest.approx(cce(z, labels), rel=1e-13)
    np.testing.assert_allclose(cce_c.gradient(z, labels), cce.gradient(z, labels), rtol=1e-12)
    rows = np.eye(3)[labels]
    assert cce_c(z, rows) == pytest.approx(7 * cce(z, rows), rel=1e-13)
    # pos_weight weighs positives against negatives, whose weight stays 1: not a rescaling
    y = np.tile([[1.0], [0.0]], (4, 3))[:8]
    bce, bce_c = get("bce", from_logits=True, pos_weight=2.0), get("bce", from_logits=True, pos_weight=14.0)
    assert bce_c(z, y) != pytest.approx(bce(z, y), rel=1e-3)
    assert bce_c(z, y) != pytest.approx(7 * bce(z, y), rel=1e-3)


def test_pos_weight_n_negative_over_n_positive_balances_the_classes():
    # With w = n_neg / n_pos both classes carry the same total weight, so a constant score
    # z = 0 (p = 1/2) is where the weighted loss is flat, although only 3 of 20 are positive.
    y = np.zeros((20, 1))
    y[:3] = 1
    z = np.zeros((20, 1))
    grad = get("bce", from_logits=True, pos_weight=17 / 3).gradient(z, y)
    assert abs(grad.sum()) < 1e-15
    assert get("bce", from_logits=True).gradient(z, y).sum() > 0.1  # unweighted: push down


def test_labels_and_one_hot_rows_differ_only_when_weighted(rng):
    z, labels = rng.normal(size=(6, 3)), np.array([0, 0, 0, 0, 1, 2])
    weighted = get("cce", from_logits=True, weight=[1.0, 5.0, 5.0])
    assert weighted(z, labels) != pytest.approx(weighted(z, np.eye(3)[labels]), rel=1e-3)
    plain = get("cce", from_logits=True)
    assert plain(z, labels) == plain(z, np.eye(3)[labels])


def test_weighted_losses_are_stable_for_far_apart_logits():
    z = np.array([[1e308, -1e308], [-1e308, 1e308]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert get("bce", from_logits=True, pos_weight=3.0)(z, y) == 0.0
        assert get("cce", from_logits=True, weight=[2.0, 1.0])(z, np.array([0, 1])) == 0.0
        assert get("cce", from_logits=True, weight=[2.0, 1.0])(z, y) == 0.0
        assert np.isfinite(get("bce", from_logits=True, pos_weight=3.0).gradient(z, y)).all()


@pytest.mark.parametrize("key", ["bce_logits_pw", "bce_pw", "cce_logits_w_labels", "cce_w_onehot"])
def test_network_gradients_with_weights_match_finite_differences(key, rng):
    name, options, pred_kind, true_kind = WEIGHTED[key]
    output = None if options.get("from_logits") else ("sigmoid" if name == "bce" else "softmax")
    net = MLP([2, 5, 3], activation="tanh", output_activation=output, rng=1)
    X = rng.normal(size=(7, 2))
    _, _, y = weighted_case(key, rng, n=7)
    errors = check_gradients(net, get(name, **options), X, y)
    assert max(errors.values()) < 1e-6


def _one_sgd_epoch(net, X, y, loss):
    nnlearn.fit(net, X, y, loss=loss, optimizer=SGD(0.5), epochs=1, shuffle=False, progress=False)
    return net.flat_parameters()[0][0].copy()


def test_fit_takes_weighted_losses_by_object_and_by_name(rng):
    X = rng.normal(size=(30, 2))
    y = (np.arange(30) < 3).astype(float)[:, None]
    by_object = _one_sgd_epoch(MLP([2, 4, 1], rng=2), X, y,
                               BinaryCrossEntropy(from_logits=True, pos_weight=19.0))
    by_name = _one_sgd_epoch(MLP([2, 4, 1], rng=2), X, y,
                             nnlearn.losses._get("bce", "loss", from_logits=True, pos_weight=19.0))
    plain = _one_sgd_epoch(MLP([2, 4, 1], rng=2), X, y, BinaryCrossEntropy(from_logits=True))
    # one full-batch step: theta - lr * dL/dtheta, with dL/dz from the weighted loss
    net = MLP([2, 4, 1], rng=2)
    theta = net.flat_parameters()[0][0].copy()
    loss = BinaryCrossEntropy(from_logits=True, pos_weight=19.0)
    out = net.forward(X)
    net.backward(loss.gradient(out, y))
    expected = theta - 0.5 * net.flat_parameters()[0][1]
    np.testing.assert_allclose(by_object, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(by_name, by_object)
    assert np.abs(plain - by_object).max() > 1e-3


def test_fit_on_labels_uses_the_weighted_mean_over_labels(rng):
    X, labels = rng.normal(size=(40, 2)), rng.integers(0, 3, size=40)
    loss = CategoricalCrossEntropy(from_logits=True, weight=[1.0, 2.0, 6.0])
    net = MLP([2, 4, 3], rng=3)
    before = loss(net.predict(X), labels)
    history = nnlearn.fit(net, X, labels, loss=loss, optimizer=SGD(0.1), epochs=1, progress=False,
                          metrics=["accuracy"])
    assert history.loss[0] == pytest.approx(before, rel=1e-12)  # full batch: the loss before the step
    assert before != pytest.approx(loss(MLP([2, 4, 3], rng=3).predict(X), np.eye(3)[labels]), rel=1e-3)
    assert nnlearn.evaluate(net, X, labels, loss=loss)["loss"] == pytest.approx(loss(net.predict(X), labels))


@pytest.mark.parametrize("name, option, width, y_kind", [
    ("bce", {"pos_weight": 9.0}, 1, "binary"), ("cce", {"weight": [1.0, 3.0, 9.0]}, 3, "onehot")])
def test_fit_with_a_probability_output_trains_like_from_logits(name, option, width, y_kind, rng):
    X = rng.normal(size=(30, 2))
    labels = (np.arange(30) < 5).astype(int) * max(width - 1, 1)  # a rare class, 5 of 30
    y = labels[:, None].astype(float) if y_kind == "binary" else np.eye(width)[labels]
    output = "sigmoid" if name == "bce" else "softmax"
    probs = _one_sgd_epoch(MLP([2, 4, width], output_activation=output, rng=2), X, y,
                           get(name, **option))
    scores = _one_sgd_epoch(MLP([2, 4, width], rng=2), X, y, get(name, from_logits=True, **option))
    np.testing.assert_allclose(probs, scores, rtol=1e-9, atol=1e-12)


def test_weighted_repr_shows_the_weights():
    assert repr(get("bce", pos_weight=19)) == "BinaryCrossEntropy(from_logits=False, pos_weight=19.0)"
    assert repr(get("cce", from_logits=True, weight=[1, 2])) == (
        "CategoricalCrossEntropy(from_logits=True, weight=[1.0, 2.0])")
    assert repr(get("bce")) == "BinaryCrossEntropy(from_logits=False)"
