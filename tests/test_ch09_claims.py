"""The claims of Chapter 9 (book/part3/09-initialization.md), each run with the chapter's code and seeds."""

import functools

import numpy as np
import pytest

from nnlearn import init
from nnlearn.datasets import function_samples
from nnlearn.explore.initialization import layer_statistics
from nnlearn.losses import MSE
from nnlearn.network import MLP
from nnlearn.optim import SGD
from nnlearn.training import DivergenceError, fit


SEEDS = range(5)


def constant(shape, *, rng=None, dtype=np.float64):
    return np.full(shape, 0.5, dtype=dtype)


def xor_square(n, rng):
    X = np.random.default_rng(rng).uniform(-1, 1, size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(float).reshape(-1, 1)


def train_xor(initializer, seed):
    X, y = xor_square(400, rng=seed)
    net = MLP([2, 8, 1], activation="tanh", output_activation="sigmoid", init=initializer, rng=seed)
    hist = fit(net, X, y, loss="bce", optimizer=SGD(lr=1.0), epochs=300, rng=seed, progress=False)
    return net, hist, float(np.mean((net.predict(X) > 0.5) == y))


def best_line_accuracy(X, y, n_directions=3600):
    y = y.ravel()
    best = 0.0
    for angle in np.linspace(0, np.pi, n_directions, endpoint=False):
        order = np.argsort(X @ [np.cos(angle), np.sin(angle)])
        below = np.concatenate([[0], np.cumsum(1 - y[order])])
        above = y.sum() - np.concatenate([[0], np.cumsum(y[order])])
        correct = below + above
        best = max(best, correct.max(), (len(y) - correct).max())
    return best / len(y)


def train_clipped(net, X, y, *, lr, epochs, max_norm):
    mse = MSE()
    theta, grad = net.flat_parameters()[0]
    losses, norms = [], []
    for _ in range(epochs):
        out = net.forward(X)
        losses.append(mse(out, y))
        net.backward(mse.gradient(out, y))
        norm = np.linalg.norm(grad)
        if norm > max_norm:
            grad *= max_norm / norm
        theta -= lr * grad
        norms.append(norm)
    return np.array(losses), np.array(norms)


# -- symmetry ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_constant_init_keeps_hidden_units_identical_after_training(seed):
    net, hist, _ = train_xor(constant, seed)
    W = net[0].params["W"]
    assert np.all(np.ptp(W, axis=1) < 1e-10)                  # all 8 columns equal ("spread is zero")
    assert np.ptp(net[2].params["W"]) < 1e-10                 # ... and so are the output weights
    assert not np.allclose(W, 0.5)                            # ... although the weights did move
    assert hist.loss[-1] < hist.loss[0]


def test_zero_init_also_stays_symmetric():
    net, _, _ = train_xor(init.zeros, 0)
    assert np.all(np.ptp(net[0].params["W"], axis=1) < 1e-10)


def test_no_straight_line_solves_the_xor_square():
    # "no straight line classifies more than [70.0%] of these points": measured 0.695-0.710 over seeds 0-4.
    for seed in SEEDS:
        assert best_line_accuracy(*xor_square(400, rng=seed)) < 0.75, seed


@pytest.mark.parametrize("seed", SEEDS)
def test_identical_units_fail_on_xor_and_random_units_solve_it(seed):
    # Measured over seeds 0-4 and three BLAS kernels: constant 0.60-0.70, random 0.97-0.99.
    _, _, acc_const = train_xor(constant, seed)
    net, _, acc_rand = train_xor("xavier_normal", seed)
    best_line = best_line_accuracy(*xor_square(400, rng=seed))
    assert acc_const <= best_line + 0.01                      # equal units: a straight boundary
    assert acc_const < 0.75 and acc_rand > 0.95
    assert acc_rand - acc_const > 0.2
    assert np.all(np.ptp(net[0].params["W"], axis=1) > 0.1)  # the units differ


# -- too small, too large ---------------------------------------------------------------------------

def test_small_weights_vanish_and_large_weights_saturate_tanh():
    small = layer_statistics(20, 256, "tanh", "normal", std=0.01, rng=0)
    large = layer_statistics(20, 256, "tanh", "normal", std=1.0, rng=0)["activation_std"]
    s = small["activation_std"]
    assert s[-1] < 1e-6
    assert np.all(np.diff(s) < 0)                              # shrinks at every layer
    ratio = s[1:8] / s[:7]                                     # before underflow: about sigma * sqrt(256) = 0.16
    assert np.all((0.1 < ratio) & (ratio < 0.2))
    assert small["grad_norm"].max() < 1e-12                    # "gradients numerically zero in every layer"
    assert large[-1] > 0.9


@pytest.mark.parametrize("seed", SEEDS)
def test_large_weights_saturate_tanh_but_the_gradient_explodes_going_back(seed):
    # "the gradient explodes on its way back ... about [3.0] per layer" (predicted 16 * sqrt(0.033) = 2.9).
    # Measured over seeds 0-4: first/last 6.3e8-9.5e8, single-layer factors 2.25-3.6,
    # geometric mean 2.91-2.97.
    stats = layer_statistics(20, 256, "tanh", "normal", std=1.0, rng=seed)
    g, a = stats["grad_norm"], stats["activation_std"]
    assert np.all(a > 0.9)                                     # saturated: almost all +-1
    assert g[0] / g[-1] > 1e6
    growth = g[:-1] / g[1:]
    assert np.all(growth > 1.5)                                # grows at every layer going back
    assert 2.5 < (g[0] / g[-1]) ** (1 / 19) < 3.3


def test_mean_square_of_tanh_derivative_under_a_wide_normal():
    # E[tanh'(z)^2] ~ (4/3) / (16 sqrt(2 pi)) for z ~ N(0, 16^2), and 16 * sqrt(that) ~ 2.9.
    z = np.random.default_rng(0).normal(scale=16, size=2_000_000)
    m = np.mean((1 - np.tanh(z) ** 2) ** 2)
    assert m == pytest.approx((4 / 3) / (16 * np.sqrt(2 * np.pi)), rel=0.02)
    assert m == pytest.approx(0.033, abs=0.001)
    assert 16 * np.sqrt(m) == pytest.approx(2.9, abs=0.05)


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


@pytest.mark.parametrize("seed", SEEDS)
def test_he_keeps_relu_activations_xavier_shrinks_them(seed):
    # Measured over seeds 0-5: he[-1]/he[0] 0.81-1.37; xav[0]/xav[-1] 530-890 ("several hundred",
    # about 2^(19/2) = 724).
    he = layer_statistics(20, 256, "relu", "he_normal", rng=seed)["activation_std"]
    xav = layer_statistics(20, 256, "relu", "xavier_normal", rng=seed)["activation_std"]
    assert 0.5 < he[-1] / he[0] < 2
    assert 300 < xav[0] / xav[-1] < 3000


@pytest.mark.parametrize("seed", SEEDS)
def test_tanh_xavier_shrinks_slowly(seed):
    s = layer_statistics(20, 256, "tanh", "xavier_normal", rng=seed)["activation_std"]
    assert np.all(np.diff(s) < 0) and s[-1] > 0.1              # measured 0.154-0.165


# -- gradients ------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(6))
def test_sigmoid_gradients_vanish_relu_he_do_not(seed):
    # Measured over seeds 0-5: sigmoid first/last 4.4e-7 to 5.8e-7 ("more than five orders of magnitude");
    # ReLU first/last 0.22-0.37, max/min over the ten layers 4.8-7.9 ("within an order of magnitude").
    sig = layer_statistics(10, 64, "sigmoid", "xavier_normal", rng=seed)["grad_norm"]
    relu = layer_statistics(10, 64, "relu", "he_normal", rng=seed)["grad_norm"]
    assert sig[0] / sig[-1] < 1e-5
    assert 0.1 < relu[0] / relu[-1] < 10
    assert relu.max() / relu.min() < 10


@pytest.mark.parametrize("seed", range(6))
def test_sigmoid_loses_about_four_per_layer(seed):
    # Middle ratios 3.5-5.3 over seeds 0-5 (all above 4 for seed 0: 4.19-4.64); geometric mean 4.16-4.41;
    # the first ratio 13-19.
    g = layer_statistics(10, 64, "sigmoid", "xavier_normal", rng=seed)["grad_norm"]
    middle = g[2:] / g[1:-1]
    assert np.all((3 < middle) & (middle < 6))
    assert 4 < np.exp(np.log(middle).mean()) < 5
    assert g[1] / g[0] > 10
    if seed == 0:
        assert np.all(middle > 4)


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

X_SIN, Y_SIN = function_samples("sin", 200, rng=0)
TOO_LARGE = functools.partial(init.normal, std=0.5)


def sine_net(seed):
    return MLP([1, 32, 32, 32, 1], activation="relu", init=TOO_LARGE, rng=seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_without_clipping_fit_diverges_within_a_few_epochs(seed):
    # Measured over seeds 0-4: the loss overflows at epoch 5-7.
    finished = []
    with pytest.raises(DivergenceError, match="Training diverged"):
        fit(sine_net(seed), X_SIN, Y_SIN, loss="mse", optimizer=SGD(lr=0.02), epochs=500, progress=False,
            callbacks=[lambda model, history: finished.append(1)])
    assert len(finished) < 50


@pytest.mark.parametrize("seed", SEEDS)
def test_with_clipping_the_same_run_fits_the_sine(seed):
    # Measured over seeds 0-4 and three BLAS kernels: R^2 = 0.980-0.990 after 500 epochs; clipping acts on
    # 24-106 steps, the last by step 116.
    losses, norms = train_clipped(sine_net(seed), X_SIN, Y_SIN, lr=0.02, epochs=500, max_norm=10.0)
    assert np.all(np.isfinite(losses))
    assert 1 - losses[-1] / Y_SIN.var() > 0.95
    clipped = np.flatnonzero(norms > 10.0)
    assert clipped.size > 0 and clipped.max() < 250             # clipping acts early, then not at all
    assert norms.max() > 10 * 10.0                              # the unclipped gradient is far above c
    if seed == 0:                                               # "climbs to [103] before it falls"
        assert norms.max() > norms[0] and norms[-1] < 10.0


def test_manual_loop_without_clipping_diverges_too():
    # max_norm=inf switches clipping off: the network output overflows within 20 steps, and the loss
    # refuses it, naming divergence as the likely cause.
    with np.errstate(all="ignore"), pytest.raises(ValueError, match="(?s)must .*finite.*diverged"):
        train_clipped(sine_net(0), X_SIN, Y_SIN, lr=0.02, epochs=20, max_norm=np.inf)


@pytest.mark.parametrize("seed", SEEDS)
def test_clipping_threshold_tradeoff_in_exercise(seed):
    # Final loss after 500 epochs over seeds 0-4: c = 1 is 3.8-10 times, c = 1000 is 5.8-65 times the loss
    # with c = 10; c = 1 clips every step; neither overflows.
    final = {}
    for c in (1.0, 10.0, 1000.0):
        losses, norms = train_clipped(sine_net(seed), X_SIN, Y_SIN, lr=0.02, epochs=500, max_norm=c)
        final[c] = losses[-1]
        if c == 1.0:
            assert np.all(norms > 1.0)
    assert np.all(np.isfinite(list(final.values())))
    assert final[1.0] > 2 * final[10.0] and final[1000.0] > 2 * final[10.0]


def test_clipping_keeps_direction_and_caps_length():
    g = np.array([3.0, 4.0])
    clipped = g * min(1.0, 1.0 / np.linalg.norm(g))
    assert np.linalg.norm(clipped) == pytest.approx(1.0)
    assert np.allclose(clipped / np.linalg.norm(clipped), g / 5)


# -- batch normalisation and residual connections -------------------------------------------------

from nnlearn import BatchNorm, Dense, Residual, Sequential  # noqa: E402
from nnlearn.datasets import fruit  # noqa: E402
from nnlearn.layers import Activation  # noqa: E402

KINDS = ("plain", "batchnorm", "residual")


def deep_stack(kind, depth=24, width=32, rng=0):
    layers = []
    for _ in range(depth):
        dense = Dense(width, width, init="xavier_normal", rng=rng)
        if kind == "plain":
            layers += [dense, Activation("sigmoid")]
        elif kind == "batchnorm":
            layers += [dense, BatchNorm(width), Activation("sigmoid")]
        else:
            layers.append(Residual([Activation("sigmoid"), dense]))
    return Sequential(layers)


def weight_gradient_norms(kind, seed, n_samples=64, width=32):
    rng = np.random.default_rng(seed)
    net = deep_stack(kind, width=width, rng=rng)
    X = rng.standard_normal((n_samples, width))
    Y = rng.standard_normal((n_samples, width))
    mse = MSE()
    out = net.forward(X)
    net.backward(mse.gradient(out, Y))
    return np.array([np.linalg.norm(grad) for name, _, grad in net.named_parameters() if name.endswith("W")])


@pytest.mark.parametrize("seed", range(8))
def test_plain_sigmoid_stack_vanishes_batchnorm_and_residual_do_not(seed):
    # "the plain stack's first-layer gradient is more than ten orders of magnitude smaller than its last
    # layer's; with batch norm / residual blocks every layer's is of the same order".
    # Measured over seeds 0-7: plain first/last 8e-16 to 2.2e-15; max/min over the 24 layers 2.2-3.0 with
    # batch norm (first/last 1.6-2.5), 1.2-1.7 with residual blocks (first/last 1.2-1.7).
    g = {kind: weight_gradient_norms(kind, seed) for kind in KINDS}
    assert all(len(v) == 24 for v in g.values())
    assert g["plain"][0] / g["plain"][-1] < 1e-10
    for kind in ("batchnorm", "residual"):
        assert g[kind].max() / g[kind].min() < 10, kind
        assert 0.1 < g[kind][0] / g[kind][-1] < 10, kind


def test_batchnorm_output_is_independent_of_the_weight_scale():
    # "multiplying W by any a > 0 ... leaves z-hat unchanged (up to eps)", and the gradient reaching the
    # input through Dense + BatchNorm is unchanged too.
    rng = np.random.default_rng(0)
    X, G = rng.normal(size=(32, 5)), rng.normal(size=(32, 4))
    outs, grads = [], []
    for a in (1.0, 1e-2, 50.0):
        dense = Dense(5, 4, rng=1)
        dense.params["W"] *= a
        net = Sequential([dense, BatchNorm(4, eps=1e-12)])
        outs.append(net.forward(X))
        grads.append(net.backward(G))
    for out, grad in zip(outs[1:], grads[1:]):
        np.testing.assert_allclose(out, outs[0], atol=1e-8)
        np.testing.assert_allclose(grad, grads[0], rtol=1e-6, atol=1e-10)


def test_bias_before_batchnorm_gets_zero_gradient():
    rng = np.random.default_rng(0)
    net = Sequential([Dense(3, 4, rng=0), BatchNorm(4), Activation("tanh")])
    net.forward(rng.normal(size=(10, 3)))
    net.backward(rng.normal(size=(10, 4)))
    assert np.abs(net.layers[0].grads["b"]).max() < 1e-12


def test_residual_jacobian_is_identity_plus_inner_jacobian():
    # y = x + W sigmoid(x): dy/dx = I + J_f, checked by finite differences; the eigenvalues of
    # I + J are 1 + those of J.
    dense = Dense(4, 4, init="xavier_normal", rng=0)
    block = Residual([Activation("sigmoid"), dense])
    x = np.random.default_rng(1).normal(size=(1, 4))
    W = dense.params["W"]
    s = 1 / (1 + np.exp(-x[0]))
    J_f = (W.T * (s * (1 - s)))                  # dy_i/dx_k of f, rows i
    h = 1e-6
    J = np.column_stack([(block.forward(x + h * e) - block.forward(x - h * e))[0] / (2 * h)
                         for e in np.eye(4)])
    np.testing.assert_allclose(J, np.eye(4) + J_f, atol=1e-8)
    lam = np.sort_complex(np.linalg.eigvals(J_f))
    np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(np.eye(4) + J_f)), 1 + lam, atol=1e-10)
    assert 0.9 ** 24 == pytest.approx(0.080, abs=5e-4) and 1.1 ** 24 == pytest.approx(9.85, abs=5e-3)
    assert 4.0 ** 24 == pytest.approx(3e14, rel=0.07)


def test_running_statistics_after_k_constant_batches():
    bn = BatchNorm(1)
    for _ in range(10):
        bn.forward(np.array([[1.0], [2.0], [3.0], [4.0]]))
    assert bn.running_mean[0] == pytest.approx(2.5 * (1 - 0.9 ** 10), rel=1e-12)
    assert bn.running_var[0] == pytest.approx(5 / 3 - (2 / 3) * 0.9 ** 10, rel=1e-12)
    assert 0.9 ** 10 == pytest.approx(0.349, abs=5e-4)


def fruit_net(seed):
    X, y = fruit(200, rng=seed)
    y = y.reshape(-1, 1).astype(float)
    net = Sequential([Dense(2, 8, rng=seed), BatchNorm(8), Activation("tanh"),
                      Dense(8, 1, rng=seed + 1), Activation("sigmoid")])
    fit(net, X, y, loss="bce", optimizer=SGD(lr=0.5), epochs=20, batch_size=20, rng=seed, progress=False)
    return net, X, y


@pytest.mark.parametrize("seed", range(6))
def test_batchnorm_train_mode_depends_on_the_batch_eval_mode_does_not(seed):
    # The chapter's sequence of calls (each training-mode call moves the running statistics).
    # Measured over seeds 0-5: training-mode outputs for the first apple differ by 0.004-0.99 between the
    # two batches; one-class batches in training mode 0.35-0.55 correct, in eval mode 0.95-1.0.
    net, X, y = fruit_net(seed)
    assert net.training                                     # "fit ... leaves the network in it"
    apples, oranges = X[y[:, 0] == 0], X[y[:, 0] == 1]
    with_apples, with_mixed = apples[:20], np.vstack([apples[:1], X[100:119]])
    first = {}
    for mode in ("train", "eval"):
        net.train() if mode == "train" else net.eval()
        first[mode] = net(with_apples)[0, 0], net(with_mixed)[0, 0]
    (ta, tm), (ea, em) = first.values()
    assert abs(ta - tm) > 1e-3 and abs(ea - em) < 1e-12
    net.train()
    before = net.layers[1].running_mean.copy()
    train_acc = [np.mean(net(apples) < 0.5), np.mean(net(oranges) > 0.5)]
    assert not np.allclose(net.layers[1].running_mean, before)  # "moves the running statistics"
    net.eval()
    eval_acc = [np.mean(net(apples) < 0.5), np.mean(net(oranges) > 0.5)]
    assert max(train_acc) < 0.75 and min(eval_acc) > 0.9
    with pytest.raises(ValueError, match="at least 2 samples"):
        net.train()(apples[:1])                             # "a batch of one cannot be normalised"
