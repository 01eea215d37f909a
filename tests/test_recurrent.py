"""SimpleRNN: backpropagation through time against finite differences and torch.nn.RNN, Sequential, errors."""

import os

import numpy as np
import pytest

from nnlearn.gradcheck import numerical_gradient, relative_error
from nnlearn.layers import Dense
from nnlearn.losses import get as get_loss
from nnlearn.network import Sequential
from nnlearn.optim import Adam
from nnlearn.recurrent import SimpleRNN
from nnlearn.gradcheck import check_gradients
from nnlearn.training import evaluate, fit


def randomised(rnn, rng):
    rnn.params["b_h"] = 0.3 * rng.normal(size=rnn.n_hidden)
    return rnn


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("n_steps", [1, 2, 7])
def test_bptt_matches_finite_differences(return_sequences, n_steps, rng):
    rnn = randomised(SimpleRNN(3, 4, return_sequences=return_sequences, rng=0), rng)
    X = rng.normal(size=(5, n_steps, 3))
    G = rng.normal(size=rnn.forward(X).shape)
    dX = rnn.backward(G)

    def f(_):
        return float(np.sum(rnn.forward(X) * G))

    assert relative_error(dX, numerical_gradient(f, X)) < 1e-7
    for key in ("W_xh", "W_hh", "b_h"):
        assert relative_error(rnn.grads[key], numerical_gradient(f, rnn.params[key])) < 1e-7


def test_forward_is_the_recurrence(rng):
    rnn = randomised(SimpleRNN(2, 3, return_sequences=True, rng=1), rng)
    X = rng.normal(size=(4, 5, 2))
    H = rnn.forward(X)
    h = np.zeros((4, 3))
    for t in range(5):
        h = np.tanh(X[:, t] @ rnn.params["W_xh"] + h @ rnn.params["W_hh"] + rnn.params["b_h"])
        np.testing.assert_allclose(H[:, t], h, atol=1e-14)
    last = SimpleRNN(2, 3, rng=1)
    last.params["b_h"] = rnn.params["b_h"]
    np.testing.assert_array_equal(last.forward(X), H[:, -1])


def test_state_gradients_are_products_of_jacobians(rng):
    rnn = SimpleRNN(1, 3, rng=2)
    X = rng.normal(size=(1, 6, 1))
    rnn.forward(X)
    g_T = rng.normal(size=(1, 3))
    rnn.backward(g_T)
    H, W = rnn.hidden_states[0], rnn.params["W_hh"]
    g = g_T[0]
    for t in range(5, -1, -1):
        np.testing.assert_allclose(rnn.state_gradients[0, t], g, atol=1e-14)
        g = W @ ((1 - H[t] ** 2) * g)        # dL/dh_{t-1} = W_hh diag(1 - h_t^2) dL/dh_t (column form)


def test_in_sequential_with_fit_loss_decreases(rng):
    t = np.arange(11)
    phase = rng.uniform(0, 2 * np.pi, size=(80, 1))
    seq = np.sin(0.4 * t + phase)
    X, y = seq[:, :10, None], seq[:, 10:]
    net = Sequential([SimpleRNN(1, 8, rng=0), Dense(8, 1, rng=1)])
    theta, grad = net.flat_parameters()[0]
    assert theta.size == net.n_params == 1 * 8 + 8 * 8 + 8 + 8 + 1
    assert np.shares_memory(net[0].params["W_hh"], theta) and np.shares_memory(net[0].grads["W_hh"], grad)
    mse = get_loss("mse")
    net.backward(mse.gradient(net.forward(X), y))
    assert relative_error(grad.copy(), numerical_gradient(lambda _: mse(net.forward(X), y), theta)) < 1e-7
    hist = fit(net, X, y, loss="mse", optimizer=Adam(lr=0.02), epochs=60, batch_size=20, rng=0, progress=False)
    assert hist["loss"][-1] < 0.05 * hist["loss"][0]


def test_same_seed_same_weights():
    a, b, c = SimpleRNN(2, 5, rng=3), SimpleRNN(2, 5, rng=3), SimpleRNN(2, 5, rng=4)
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
    assert not np.array_equal(a.params["W_hh"], c.params["W_hh"])


@pytest.mark.parametrize("X, match", [
    (np.zeros((4, 10)), r"X\[:, :, None\]"),
    (np.zeros((4, 10, 2)), r"1 feature\(s\) per step"),
    (np.zeros(10), "3-D array"),
    (np.full((2, 3, 1), np.inf), "finite"),
])
def test_bad_inputs(X, match):
    with pytest.raises(ValueError, match=match):
        SimpleRNN(1, 3, rng=0).forward(X)


def test_bad_arguments_and_backward_checks():
    with pytest.raises(ValueError, match=r"X\[None\]"):
        SimpleRNN(2, 3).forward(np.zeros((10, 2)))
    with pytest.raises(TypeError, match="return_sequences"):
        SimpleRNN(1, 3, return_sequences="yes")
    with pytest.raises(ValueError, match="n_hidden"):
        SimpleRNN(1, 0)
    rnn = SimpleRNN(1, 3, rng=0)
    with pytest.raises(RuntimeError, match="forward"):
        rnn.backward(np.zeros((2, 3)))
    rnn.forward(np.zeros((2, 4, 1)))
    with pytest.raises(ValueError, match="2-D array"):
        rnn.backward(np.zeros((2, 4, 3)))
    with pytest.raises(ValueError, match=r"last forward output \(2, 3\)"):
        rnn.backward(np.zeros((2, 4)))
    assert repr(SimpleRNN(1, 3, return_sequences=True)) == "SimpleRNN(1, 3, return_sequences=True)"


def test_matches_torch_rnn(rng):
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the machine
        if os.environ.get("NNLEARN_REQUIRE_TORCH"):
            raise
        pytest.skip("PyTorch is not installed (pip install torch==2.13.0)")
    rnn = randomised(SimpleRNN(3, 5, return_sequences=True, rng=0), rng)
    X = rng.normal(size=(4, 9, 3))
    H = rnn.forward(X)
    G = rng.normal(size=H.shape)
    dX = rnn.backward(G)
    ref = torch.nn.RNN(3, 5, nonlinearity="tanh", batch_first=True, dtype=torch.float64)
    with torch.no_grad():   # torch keeps W as (out, in) and two biases whose sum is our b_h
        ref.weight_ih_l0.copy_(torch.tensor(rnn.params["W_xh"].T))
        ref.weight_hh_l0.copy_(torch.tensor(rnn.params["W_hh"].T))
        ref.bias_ih_l0.copy_(torch.tensor(rnn.params["b_h"]))
        ref.bias_hh_l0.zero_()
    Xt = torch.tensor(X, requires_grad=True)
    Ht, h_last = ref(Xt)
    (Ht * torch.tensor(G)).sum().backward()
    np.testing.assert_allclose(H, Ht.detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(H[:, -1], h_last[0].detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(dX, Xt.grad.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(rnn.grads["W_xh"], ref.weight_ih_l0.grad.numpy().T, rtol=0, atol=1e-12)
    np.testing.assert_allclose(rnn.grads["W_hh"], ref.weight_hh_l0.grad.numpy().T, rtol=0, atol=1e-12)
    np.testing.assert_allclose(rnn.grads["b_h"], ref.bias_ih_l0.grad.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(rnn.grads["b_h"], ref.bias_hh_l0.grad.numpy(), rtol=0, atol=1e-12)


def test_evaluate_and_check_gradients_take_sequences(rng):
    net = Sequential([SimpleRNN(2, 5, rng=0), Dense(5, 1, rng=1)])
    X, y = rng.normal(size=(6, 4, 2)), rng.normal(size=(6, 1))
    assert evaluate(net, X, y, loss="mse")["loss"] == pytest.approx(get_loss("mse")(net.forward(X), y))
    assert max(check_gradients(net, "mse", X, y).values()) < 1e-6
    with pytest.raises(ValueError, match="n_steps"):
        evaluate(net, X.reshape(6, 8), y, loss="mse")
