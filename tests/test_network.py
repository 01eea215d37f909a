"""Sequential and MLP: structure, parameters, modes, whole-network gradient checks, errors."""

import numpy as np
import pytest

import nnlearn
from nnlearn import MLP, Activation, Dense, Dropout, Sequential
from nnlearn.gradcheck import check_gradients
from nnlearn.losses import get as get_loss

# Each loss with an output layer that suits it, for a 3-layer MLP.
LOSS_SETUPS = [
    ("mse", {}, None, "real"),
    ("mae", {}, None, "real"),
    ("huber", {"delta": 0.5}, None, "real"),
    ("bce", {}, "sigmoid", "binary"),
    ("bce", {"from_logits": True}, None, "binary"),
    ("cce", {}, "softmax", "labels"),
    ("cce", {"from_logits": True}, None, "onehot"),
]


def targets(kind, rng, n, k):
    labels = rng.integers(0, k, size=n)
    return {"real": rng.normal(size=(n, k)),
            "binary": rng.integers(0, 2, size=(n, k)).astype(float),
            "labels": labels,
            "onehot": np.eye(k)[labels]}[kind]


def test_mlp_structure():
    net = MLP([2, 16, 16, 1], activation="tanh", output_activation="sigmoid", rng=0)
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["Dense", "Activation", "Dense", "Activation", "Dense", "Activation"]
    assert net.n_params == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1)
    assert net.forward(np.zeros((7, 2))).shape == (7, 1)
    assert repr(net) == "MLP([2, 16, 16, 1], activation='tanh', output_activation='sigmoid')"


def test_same_seed_same_network_and_generator_accepted():
    a, b = MLP([3, 5, 2], rng=42), MLP([3, 5, 2], rng=42)
    for (p, _), (q, _) in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)
    c = MLP([3, 5, 2], rng=np.random.default_rng(42))
    np.testing.assert_array_equal(a.parameters()[0][0], c.parameters()[0][0])
    assert not np.array_equal(MLP([3, 5, 2], rng=0).parameters()[0][0], a.parameters()[0][0])


def test_seed_zero_is_a_seed():
    np.testing.assert_array_equal(MLP([2, 3], rng=0).parameters()[0][0], MLP([2, 3], rng=0).parameters()[0][0])


def test_parameters_are_live_arrays_in_layer_order(rng):
    net = MLP([2, 3, 1], rng=0)
    params = net.parameters()
    assert [p.shape for p, _ in params] == [(2, 3), (3,), (3, 1), (1,)]
    assert params[0][0] is net.layers[0].params["W"] and params[1][0] is net.layers[0].params["b"]
    assert params[2][1] is net.layers[2].grads["W"]
    net.forward(rng.normal(size=(4, 2)))
    net.backward(np.ones((4, 1)))
    assert np.any(params[0][1] != 0)  # backward filled the very arrays parameters() returned
    assert [name for name, _, _ in net.named_parameters()] == ["0.W", "0.b", "2.W", "2.b"]


@pytest.mark.parametrize("name, options, output, kind", LOSS_SETUPS)
def test_three_layer_mlp_gradients_for_every_loss(name, options, output, kind, rng):
    k = 3
    net = MLP([4, 6, 5, k], activation="tanh", output_activation=output, rng=1)
    for _, param, _ in net.named_parameters():
        param += 0.1 * rng.normal(size=param.shape)  # non-zero biases too
    X = rng.normal(size=(8, 4))
    report = check_gradients(net, get_loss(name, **options), X, targets(kind, rng, 8, k))
    assert set(report) == {"0.W", "0.b", "2.W", "2.b", "4.W", "4.b"}
    assert max(report.values()) < 1e-6, report


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "leaky_relu", "linear"])
def test_mlp_gradients_for_every_hidden_activation(activation, rng):
    net = MLP([3, 5, 4, 2], activation=activation, rng=2)
    X = rng.normal(size=(6, 3))
    report = check_gradients(net, "mse", X, rng.normal(size=(6, 2)))
    assert max(report.values()) < 1e-6, report


def test_backward_returns_input_gradient(rng):
    net = MLP([3, 4, 2], activation="tanh", rng=0)
    X, G = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    net.forward(X)
    dX = net.backward(G)
    from .helpers import max_rel_error, numeric_input_gradient
    assert max_rel_error(dX, numeric_input_gradient(net.forward, X, G)) < 1e-8


def test_train_eval_and_predict_switch_dropout(rng):
    net = Sequential([Dense(4, 50, rng=0), Dropout(0.5, rng=0), Dense(50, 1, rng=1)])
    X = rng.normal(size=(3, 4))
    assert net.training
    out_train = net.forward(X)
    out_pred = net.predict(X)
    assert net.training  # predict restores the mode
    np.testing.assert_array_equal(out_pred, net.eval().forward(X))
    assert not net.training and not np.allclose(out_train, out_pred)
    assert net.train().training


def test_stacked_linear_layers_collapse_to_one(rng):
    net = Sequential([Dense(3, 5, rng=0), Dense(5, 2, rng=1)])
    for layer in net.layers:
        layer.params["b"][:] = rng.normal(size=layer.params["b"].shape)
    (W1, b1), (W2, b2) = [(layer.params["W"], layer.params["b"]) for layer in net.layers]
    X = rng.normal(size=(4, 3))
    np.testing.assert_allclose(net.forward(X), X @ (W1 @ W2) + (b1 @ W2 + b2), rtol=1e-12)


def test_summary_lists_layers_and_total():
    text = MLP([2, 4, 1], rng=0).summary()
    assert "Dense(2, 4)" in text and "Activation('relu')" in text and "Total parameters: 17" in text
    assert repr(text) == str(text)  # shows as a table in a notebook, not a quoted string


def test_network_input_errors():
    net = MLP([3, 4, 1], rng=0)
    with pytest.raises(ValueError, match="`X` must have 3 features"):
        net.forward(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="reshape"):
        net.forward(np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        net.forward(np.array([[0.0, np.nan, 1.0]]))
    with pytest.raises(RuntimeError, match="forward"):
        MLP([3, 1]).backward(np.zeros((1, 1)))
    net.forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"network output \(2, 1\), got \(1, 2\)"):
        net.backward(np.zeros((1, 2)))


def test_constructor_errors():
    with pytest.raises(ValueError, match="at least the input and output"):
        MLP([3])
    with pytest.raises(TypeError, match="`sizes` must be a list"):
        MLP(3)
    with pytest.raises(ValueError, match=r"`sizes\[1\]` must be an integer >= 1, got 0"):
        MLP([3, 0, 1])
    with pytest.raises(ValueError, match="Unknown activation 'rel'"):
        MLP([3, 1], activation="rel")
    with pytest.raises(TypeError, match=r"`layers\[1\]` must be a Layer"):
        Sequential([Dense(2, 2), "relu"])
    with pytest.raises(TypeError, match="`rng` must be None, an int seed or a numpy.random.Generator"):
        MLP([2, 1], rng="seed")
    with pytest.raises(ValueError, match="`dtype` must be float32 or float64, got int64"):
        MLP([2, 1], dtype=np.int64)


def test_float32_network(rng):
    net = MLP([3, 8, 2], activation="tanh", output_activation="softmax", rng=0, dtype=np.float32)
    out = net.forward(rng.normal(size=(5, 3)))
    assert out.dtype == np.float32
    net.backward(np.ones_like(out))
    assert all(g.dtype == np.float32 for _, g in net.parameters())
    assert "dtype=float32" in repr(net)


def test_package_exports():
    for name in ["MLP", "Sequential", "Dense", "Activation", "Dropout", "activations", "losses",
                 "layers", "optim", "init", "gradcheck"]:
        assert hasattr(nnlearn, name), name
    assert isinstance(Activation("relu"), nnlearn.layers.Layer)


def test_parameters_live_in_one_flat_vector(rng):
    net = MLP([3, 4, 2], rng=0)
    (theta, grad), = net.flat_parameters()
    assert theta.shape == (net.n_params,) and grad.shape == (net.n_params,)
    for _, p, g in net.named_parameters():
        assert np.shares_memory(p, theta) and np.shares_memory(g, grad)
    theta[:] = 0.0
    assert all(np.all(p == 0) for p, _ in net.parameters())


def test_stepping_the_flat_vector_equals_stepping_each_array(rng):
    from nnlearn.optim import Adam
    X, y = rng.normal(size=(10, 3)), rng.normal(size=(10, 2))
    a, b = MLP([3, 5, 2], activation="tanh", rng=0), MLP([3, 5, 2], activation="tanh", rng=0)
    loss = get_loss("mse")
    opt_a, opt_b = Adam(0.05, weight_decay=0.01), Adam(0.05, weight_decay=0.01)
    for _ in range(20):
        a.backward(loss.gradient(a.forward(X), y))
        opt_a.step(a.flat_parameters())
        b.backward(loss.gradient(b.forward(X), y))
        opt_b.step(b.parameters())
    for (p, _), (q, _) in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)


def test_layers_of_mixed_dtypes_are_refused():
    with pytest.raises(ValueError, match="all layers must share one dtype"):
        Sequential([Dense(2, 3, dtype=np.float32), Dense(3, 1)])
