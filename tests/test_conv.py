"""Conv2D, MaxPool2D and Flatten: finite differences, PyTorch (float64), Sequential and fit, errors, seeds."""

import os

import numpy as np
import pytest

from nnlearn.conv import Conv2D, Flatten, MaxPool2D, conv_output_size
from nnlearn.gradcheck import numerical_gradient, relative_error
from nnlearn.layers import Activation, Dense
from nnlearn.losses import get as get_loss
from nnlearn.network import Sequential
from nnlearn.optim import Adam
from nnlearn.gradcheck import check_gradients
from nnlearn.training import evaluate, fit

CONFIGS = [  # (in_channels, out_channels, kernel_size, stride, padding, image shape)
    (1, 2, 3, 1, 0, (5, 6)),
    (2, 3, (3, 2), 1, 0, (5, 4)),
    (2, 2, 3, 2, 1, (6, 5)),
    (1, 2, 2, 3, 2, (5, 5)),
]


def objective(layer, X, G):
    return lambda _: float(np.sum(layer.forward(X) * G))


@pytest.mark.parametrize("c_in, c_out, k, s, p, hw", CONFIGS)
def test_conv_gradients_match_finite_differences(c_in, c_out, k, s, p, hw, rng):
    conv = Conv2D(c_in, c_out, k, stride=s, padding=p, rng=0)
    conv.params["b"] = rng.normal(size=c_out)
    X = rng.normal(size=(3, c_in) + hw)
    G = rng.normal(size=conv.forward(X).shape)
    dX = conv.backward(G)
    f = objective(conv, X, G)
    assert relative_error(dX, numerical_gradient(f, X)) < 1e-7
    for key in ("W", "b"):
        assert relative_error(conv.grads[key], numerical_gradient(f, conv.params[key])) < 1e-7


def test_output_shape_formula_and_one_value_by_hand():
    conv = Conv2D(1, 1, 3, rng=0)
    conv.params["W"] = np.arange(9.0).reshape(1, 1, 3, 3)
    conv.params["b"] = [0.5]
    X = np.arange(25.0).reshape(1, 1, 5, 5)
    Z = conv.forward(X)
    assert Z.shape == (1, 1, 3, 3)
    # cross-correlation, no flip: Z[0,0,1,2] = b + sum_{u,v} W[u,v] X[1+u, 2+v]
    expected = 0.5 + sum(conv.params["W"][0, 0, u, v] * X[0, 0, 1 + u, 2 + v] for u in range(3) for v in range(3))
    assert Z[0, 0, 1, 2] == pytest.approx(expected)
    assert conv_output_size(8, 3) == 6 and conv.output_shape(8, 8) == (1, 6, 6)
    assert Conv2D(1, 1, 3, stride=2, padding=1).output_shape(8, 7) == (1, 4, 4)


def test_parameter_count_does_not_depend_on_image_size():
    conv = Conv2D(3, 16, 5, rng=0)
    assert conv.n_params == 16 * (3 * 5 * 5 + 1)
    small, large = conv.forward(np.zeros((1, 3, 8, 8))), conv.forward(np.zeros((1, 3, 40, 30)))
    assert small.shape == (1, 16, 4, 4) and large.shape == (1, 16, 36, 26) and conv.n_params == 1216


def test_maxpool_and_flatten_gradients(rng):
    X = rng.normal(size=(2, 3, 5, 7))                     # odd sizes: the last row/column are dropped
    for layer in (MaxPool2D(2), MaxPool2D(3), Flatten()):
        G = rng.normal(size=layer.forward(X).shape)
        dX = layer.backward(G)
        assert relative_error(dX, numerical_gradient(objective(layer, X, G), X)) < 1e-7
    assert MaxPool2D(2).forward(X).shape == (2, 3, 2, 3) and Flatten().forward(X).shape == (2, 105)


def test_conv_net_in_sequential_packs_parameters_and_gradients(rng):
    net = Sequential([Conv2D(1, 3, 3, rng=0), Activation("tanh"), MaxPool2D(2), Flatten(), Dense(12, 2, rng=1)])
    assert net.n_params == 3 * 10 + 12 * 2 + 2
    theta, grad = net.flat_parameters()[0]
    assert theta.size == net.n_params
    assert np.shares_memory(net[0].params["W"], theta) and np.shares_memory(net[0].grads["W"], grad)
    X, y = rng.normal(size=(4, 1, 6, 6)), rng.normal(size=(4, 2))
    mse = get_loss("mse")
    net.backward(mse.gradient(net.forward(X), y))
    analytic = grad.copy()
    numeric = numerical_gradient(lambda _: mse(net.forward(X), y), theta)
    assert relative_error(analytic, numeric) < 1e-7


def test_fit_trains_a_conv_net(rng):
    X = rng.normal(size=(60, 1, 6, 6))
    y = (X[:, 0, :, 1:].mean(axis=(1, 2)) - X[:, 0, :, :-1].mean(axis=(1, 2)) > 0).astype(int)
    net = Sequential([Conv2D(1, 4, 3, rng=0), Activation("relu"), Flatten(), Dense(64, 2, rng=1)])
    hist = fit(net, X, y, loss=get_loss("cce", from_logits=True), optimizer=Adam(lr=0.01), epochs=40,
               batch_size=20, rng=0, progress=False)
    assert hist["loss"][-1] < 0.3 * hist["loss"][0]
    # evaluate and check_gradients take images too (the first layer checks the input).
    report = evaluate(net, X, y, loss=get_loss("cce", from_logits=True), metrics=["accuracy"])
    assert report["accuracy"] > 0.8
    assert max(check_gradients(net, get_loss("cce", from_logits=True), X[:5], y[:5]).values()) < 1e-6
    with pytest.raises(ValueError, match=r"X.reshape\(60, 1, 6, 6\)"):
        evaluate(net, X.reshape(60, 36), y, loss="cce")


def test_same_seed_same_weights():
    a, b, c = Conv2D(2, 4, 3, rng=7), Conv2D(2, 4, 3, rng=7), Conv2D(2, 4, 3, rng=8)
    np.testing.assert_array_equal(a.params["W"], b.params["W"])
    assert not np.array_equal(a.params["W"], c.params["W"])
    bound = np.sqrt(6 / 18)  # he_uniform with fan-in C_in k_h k_w = 18
    assert np.abs(a.params["W"]).max() <= bound and a.params["W"].std() > bound / 4


def test_float32():
    conv = Conv2D(1, 2, 3, rng=0, dtype=np.float32)
    assert conv.forward(np.zeros((1, 1, 4, 4))).dtype == np.float32


@pytest.mark.parametrize("X, match", [
    (np.zeros((5, 64)), r"reshape\(5, 1, 8, 8\)"),
    (np.zeros((5, 8, 8)), r"X\[:, None\]"),
    (np.zeros((5, 3, 8, 8)), r"1 channel.*transpose\(0, 3, 1, 2\)"),
    (np.zeros((5, 1, 2, 2)), "smaller than the 3x3 kernel"),
    (np.full((1, 1, 4, 4), np.nan), "finite"),
])
def test_bad_input_shapes(X, match):
    with pytest.raises(ValueError, match=match):
        Conv2D(1, 2, 3, rng=0).forward(X)


def test_bad_arguments_and_backward_checks():
    with pytest.raises(ValueError, match="kernel_size"):
        Conv2D(1, 2, (3, 3, 3))
    with pytest.raises(ValueError, match="stride"):
        Conv2D(1, 2, 3, stride=0)
    with pytest.raises(TypeError, match="padding"):
        Conv2D(1, 2, 3, padding=1.5)
    conv = Conv2D(1, 2, 3, rng=0)
    with pytest.raises(RuntimeError, match="forward"):
        conv.backward(np.zeros((1, 2, 2, 2)))
    conv.forward(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match=r"shape of the last forward output \(1, 2, 2, 2\)"):
        conv.backward(np.zeros((1, 2, 3, 3)))
    with pytest.raises(ValueError, match="smaller than the 3x3 pooling"):
        MaxPool2D(3).forward(np.zeros((1, 1, 2, 2)))
    with pytest.raises(ValueError, match="batch axis"):
        Flatten().forward(np.zeros(3))
    assert repr(Conv2D(1, 2, (3, 2), stride=2)) == "Conv2D(1, 2, (3, 2), stride=2)"


# -- PyTorch, float64 ------------------------------------------------------------------------------

def _torch():
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the machine
        if os.environ.get("NNLEARN_REQUIRE_TORCH"):
            raise
        pytest.skip("PyTorch is not installed (pip install torch==2.13.0)")
    return torch


@pytest.mark.parametrize("c_in, c_out, k, s, p, hw", CONFIGS)
def test_conv_matches_torch(c_in, c_out, k, s, p, hw, rng):
    torch = _torch()
    conv = Conv2D(c_in, c_out, k, stride=s, padding=p, rng=0)
    conv.params["b"] = rng.normal(size=c_out)
    X = rng.normal(size=(3, c_in) + hw)
    Z = conv.forward(X)
    G = rng.normal(size=Z.shape)
    dX = conv.backward(G)
    Xt = torch.tensor(X, requires_grad=True)
    Wt = torch.tensor(conv.params["W"].copy(), requires_grad=True)
    bt = torch.tensor(conv.params["b"].copy(), requires_grad=True)
    Zt = torch.nn.functional.conv2d(Xt, Wt, bt, stride=s, padding=p)
    (Zt * torch.tensor(G)).sum().backward()
    np.testing.assert_allclose(Z, Zt.detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(dX, Xt.grad.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(conv.grads["W"], Wt.grad.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(conv.grads["b"], bt.grad.numpy(), rtol=0, atol=1e-12)


def test_maxpool_and_flatten_match_torch(rng):
    torch = _torch()
    X = rng.normal(size=(2, 3, 7, 6))
    G = rng.normal(size=(2, 3, 3, 3))
    pool = MaxPool2D(2)
    Y, dX = pool.forward(X), None
    dX = pool.backward(G)
    Xt = torch.tensor(X, requires_grad=True)
    Yt = torch.nn.functional.max_pool2d(Xt, 2)
    (Yt * torch.tensor(G)).sum().backward()
    np.testing.assert_array_equal(Y, Yt.detach().numpy())
    np.testing.assert_array_equal(dX, Xt.grad.numpy())
    np.testing.assert_array_equal(Flatten().forward(X), torch.flatten(torch.tensor(X), 1).numpy())
