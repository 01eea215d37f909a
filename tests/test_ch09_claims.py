"""The claims of Chapter 9 (book/part3/09-initialization.md), each run with the chapter's code and seeds."""

import functools

import numpy as np
import pytest

from nnlearn import init
from nnlearn.datasets import function_samples, spirals
from nnlearn.explore.initialization import layer_statistics
from nnlearn.losses import MSE
from nnlearn.network import MLP
from nnlearn.optim import SGD
from nnlearn.training import DivergenceError, fit


def constant(shape, *, rng=None, dtype=np.float64):
    return np.full(shape, 0.5, dtype=dtype)


def spiral_data():
    X, y = spirals(200, rng=0)
    return X, y.reshape(-1, 1).astype(float)


def train_spirals(initializer):
    X, y = spiral_data()
    net = MLP([2, 8, 1], activation="tanh", output_activation="sigmoid", init=initializer, rng=0)
    hist = fit(net, X, y, loss="bce", optimizer=SGD(lr=0.5), epochs=200, rng=0, progress=False)
    return net, hist


def train_clipped(net, X, y, *, lr, epochs, max_norm):
    mse = MSE()
    theta, grad = net.flat_parameters()[0]
    losses = []
    for _ in range(epochs):
        out = net.forward(X)
        losses.append(mse(out, y))
        net.backward(mse.gradient(out, y))
        norm = np.linalg.norm(grad)
        if norm > max_norm:
            grad *= max_norm / norm
        theta -= lr * grad
    return np.array(losses)


# -- symmetry ---------------------------------------------------------------------------------------

def test_constant_init_keeps_hidden_units_identical_after_training():
    net, hist = train_spirals(constant)
    W = net[0].params["W"]
    assert np.all(np.ptp(W, axis=1) == 0)                     # all 8 columns exactly equal
    assert np.all(np.ptp(net[2].params["W"], axis=0) == 0) and np.ptp(net[2].params["W"]) == 0
    assert not np.allclose(W, 0.5)                            # ... although the weights did move
    assert hist.loss[-1] < hist.loss[0]


def test_zero_init_also_stays_symmetric():
    net, _ = train_spirals(init.zeros)
    assert np.all(np.ptp(net[0].params["W"], axis=1) == 0)


def test_random_init_breaks_symmetry_and_fits_better():
    _, hist_const = train_spirals(constant)
    net, hist = train_spirals("xavier_normal")
    assert np.all(np.ptp(net[0].params["W"], axis=1) > 0.1)
    assert hist.loss[-1] < hist_const.loss[-1]


# -- too small, too large ---------------------------------------------------------------------------

def test_small_weights_vanish_and_large_weights_saturate_tanh():
    small = layer_statistics(20, 256, "tanh", "normal", std=0.01, rng=0)["activation_std"]
    large = layer_statistics(20, 256, "tanh", "normal", std=1.0, rng=0)["activation_std"]
    assert small[-1] < 1e-6
    assert np.all(np.diff(small) < 0)                          # shrinks at every layer
    ratio = small[1:8] / small[:7]                             # before underflow: about sigma * sqrt(256) = 0.16
    assert np.all((0.1 < ratio) & (ratio < 0.2))
    assert large[-1] > 0.9


def test_scale_near_one_over_sqrt_fan_in_keeps_tanh_signal_alive():
    mid = layer_statistics(20, 256, "tanh", "normal", std=1 / 16, rng=0)["activation_std"]
    assert 1e-2 < mid[-1] < 0.9


# -- variance preservation --------------------------------------------------------------------------

def test_initializer_variances_match_the_formulas():
    assert init.xavier_normal((256, 128), rng=0).var() == pytest.approx(2 / 384, rel=0.03)
    assert init.he_normal((256, 128), rng=0).var() == pytest.approx(2 / 256, rel=0.03)


def test_var_z_equals_n_in_var_w_var_x():
    rng = np.random.default_rng(0)
    X = rng.normal(scale=2.0, size=(4000, 100))
    W = rng.normal(scale=0.3, size=(100, 200))
    assert (X @ W).var() == pytest.approx(100 * 0.09 * 4.0, rel=0.03)


def test_relu_halves_the_second_moment():
    z = np.random.default_rng(0).normal(scale=1.5, size=1_000_000)
    assert np.mean(np.maximum(z, 0) ** 2) == pytest.approx(0.5 * z.var(), rel=0.01)


def test_he_keeps_relu_activations_xavier_shrinks_them():
    he = layer_statistics(20, 256, "relu", "he_normal", rng=0)["activation_std"]
    xav = layer_statistics(20, 256, "relu", "xavier_normal", rng=0)["activation_std"]
    assert 0.5 < he[-1] / he[0] < 2
    assert xav[-1] < 0.01 * xav[0]
    # about sqrt(2) per layer: 2^(-19/2) ~ 1.4e-3 between layer 1 and layer 20
    assert 3e-4 < xav[-1] / xav[0] < 6e-3


def test_tanh_xavier_shrinks_slowly():
    s = layer_statistics(20, 256, "tanh", "xavier_normal", rng=0)["activation_std"]
    assert np.all(np.diff(s) < 0) and s[-1] > 0.1


# -- gradients ------------------------------------------------------------------------------------

def test_sigmoid_gradients_vanish_relu_he_do_not():
    sig = layer_statistics(10, 64, "sigmoid", "xavier_normal", rng=0)["grad_norm"]
    relu = layer_statistics(10, 64, "relu", "he_normal", rng=0)["grad_norm"]
    assert sig[0] / sig[-1] < 1e-5                              # "more than five orders of magnitude"
    assert 1 / 3 < relu[0] / relu[-1] < 3                        # "within a factor of three"
    assert relu.max() / relu.min() < 10                          # within an order of magnitude


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_gradient_claims_hold_for_other_seeds(seed):
    sig = layer_statistics(10, 64, "sigmoid", "xavier_normal", rng=seed)["grad_norm"]
    relu = layer_statistics(10, 64, "relu", "he_normal", rng=seed)["grad_norm"]
    assert sig[0] / sig[-1] < 1e-3 and 0.1 < relu[0] / relu[-1] < 10


def test_sigmoid_loses_about_four_per_layer():
    g = layer_statistics(10, 64, "sigmoid", "xavier_normal", rng=0)["grad_norm"]
    middle = g[2:] / g[1:-1]
    assert np.all((4 < middle) & (middle < 5))
    assert g[1] / g[0] > 10


def test_grad_norms_match_a_plain_numpy_backward():
    # layer_statistics uses nnlearn's backward; recompute the first layer's gradient by hand.
    from nnlearn.explore.initialization import deep_network

    rng = np.random.default_rng(0)
    net = deep_network(3, 8, "tanh", "xavier_normal", rng=rng)
    X, Y = rng.standard_normal((256, 8)), rng.standard_normal((256, 8))
    Ws = [net[2 * i].params["W"].copy() for i in range(3)]
    acts, a = [X], X
    for W in Ws:
        a = np.tanh(a @ W)
        acts.append(a)
    delta = 2 * (a - Y) / a.size * (1 - a ** 2)
    grads = []
    for i in (2, 1, 0):
        grads.append(np.linalg.norm(acts[i].T @ delta))
        delta = (delta @ Ws[i].T) * (1 - acts[i] ** 2)
    stats = layer_statistics(3, 8, "tanh", "xavier_normal", rng=0)
    np.testing.assert_allclose(stats["grad_norm"], grads[::-1], rtol=1e-10)
    np.testing.assert_allclose(stats["activation_std"], [x.std() for x in acts[1:]], rtol=1e-12)


# -- clipping -------------------------------------------------------------------------------------

def clipping_setup():
    X, y = function_samples("sin", 200, rng=0)
    too_large = functools.partial(init.normal, std=1.0)
    return X, y, lambda: MLP([1, 32, 32, 32, 1], activation="relu", init=too_large, rng=0)


def test_without_clipping_fit_diverges():
    X, y, make = clipping_setup()
    with pytest.raises(DivergenceError, match="Training diverged"):
        fit(make(), X, y, loss="mse", optimizer=SGD(lr=0.01), epochs=500, progress=False)


def test_with_clipping_the_same_run_converges():
    X, y, make = clipping_setup()
    losses = train_clipped(make(), X, y, lr=0.01, epochs=500, max_norm=1.0)
    assert np.all(np.isfinite(losses))
    assert 50 < losses[0] < 70                                   # "the starting loss is still about 60"
    assert losses[-1] < losses[0] / 100


def test_manual_loop_without_clipping_diverges_too():
    # max_norm=inf switches clipping off: the network output becomes NaN/inf within 20 steps.
    X, y, make = clipping_setup()
    with np.errstate(all="ignore"), pytest.raises(ValueError, match="must contain only finite numbers"):
        train_clipped(make(), X, y, lr=0.01, epochs=20, max_norm=np.inf)


def test_clipping_threshold_tradeoff_in_exercise():
    X, y, make = clipping_setup()
    l1 = train_clipped(make(), X, y, lr=0.01, epochs=500, max_norm=1.0)
    l5 = train_clipped(make(), X, y, lr=0.01, epochs=500, max_norm=5.0)
    assert l5[-1] > 3 * l1[-1]


def test_clipping_keeps_direction_and_caps_length():
    g = np.array([3.0, 4.0])
    clipped = g * min(1.0, 1.0 / np.linalg.norm(g))
    assert np.linalg.norm(clipped) == pytest.approx(1.0)
    assert np.allclose(clipped / np.linalg.norm(clipped), g / 5)
