"""Layers: shapes, backward passes against finite differences, dropout, and input errors."""

import numpy as np
import pytest

from nnlearn import Activation, Dense, Dropout
from nnlearn.activations import ACTIVATIONS
from nnlearn.gradcheck import numerical_gradient

from .helpers import max_rel_error, numeric_input_gradient


def test_dense_shapes_and_dicts():
    layer = Dense(3, 4, rng=0)
    assert layer.params.keys() == layer.grads.keys() == {"W", "b"}
    assert layer.params["W"].shape == (3, 4) and layer.params["b"].shape == (4,)
    assert np.all(layer.params["b"] == 0)
    assert layer.forward(np.ones((5, 3))).shape == (5, 4)
    assert layer.n_params == 16


def test_dense_computes_xw_plus_b(rng):
    layer = Dense(3, 2, rng=0)
    layer.params["b"][:] = [1.0, -1.0]
    X = rng.normal(size=(4, 3))
    np.testing.assert_allclose(layer.forward(X), X @ layer.params["W"] + layer.params["b"], rtol=1e-15)


def test_dense_backward_matches_finite_differences(rng):
    layer = Dense(3, 4, rng=0)
    layer.params["b"][:] = rng.normal(size=4)
    X, G = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    layer.forward(X)
    dX = layer.backward(G)
    assert max_rel_error(dX, numeric_input_gradient(layer.forward, X, G)) < 1e-8
    for key in ("W", "b"):
        numeric = numerical_gradient(lambda _: float(np.sum(layer.forward(X) * G)), layer.params[key])
        assert max_rel_error(layer.grads[key], numeric) < 1e-8, key


def test_dense_backward_writes_into_the_same_grad_arrays(rng):
    layer = Dense(2, 2, rng=0)
    grad_W = layer.grads["W"]
    layer.forward(rng.normal(size=(3, 2)))
    layer.backward(np.ones((3, 2)))
    assert layer.grads["W"] is grad_W and np.any(grad_W != 0)


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n != "step"])
def test_activation_layer_backward_matches_finite_differences(name, rng):
    layer = Activation(name)
    X = rng.normal(size=(4, 3))
    X = np.where(np.abs(X) < 1e-3, 0.5, X)
    G = rng.normal(size=(4, 3))
    layer.forward(X)
    assert max_rel_error(layer.backward(G), numeric_input_gradient(layer.forward, X, G)) < 1e-7


def test_activation_layer_takes_options():
    layer = Activation("leaky_relu", alpha=0.2)
    assert layer.forward(np.array([[-1.0]]))[0, 0] == pytest.approx(-0.2)
    assert repr(layer) == "Activation(LeakyReLU(alpha=0.2))"
    assert repr(Activation("tanh")) == "Activation('tanh')"


def test_dropout_is_inverted_and_unbiased():
    layer = Dropout(0.25, rng=0)
    X = np.ones((2000, 50))
    out = layer.forward(X)
    kept = out != 0
    assert np.allclose(out[kept], 1 / 0.75)                     # survivors scaled by 1/(1-p)
    assert abs(kept.mean() - 0.75) < 0.01                       # about p of the units dropped
    assert abs(out.mean() - 1.0) < 0.01                         # expectation preserved


def test_dropout_backward_uses_the_same_mask(rng):
    layer = Dropout(0.5, rng=3)
    X, G = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    out = layer.forward(X)
    # The same seed draws the same mask, so this function is deterministic.
    numeric = numeric_input_gradient(lambda x: Dropout(0.5, rng=3).forward(x), X, G)
    assert max_rel_error(layer.backward(G), numeric) < 1e-8
    np.testing.assert_array_equal(layer.backward(G) == 0, out == 0)


def test_dropout_is_identity_in_eval_mode(rng):
    layer = Dropout(0.9, rng=0)
    layer.training = False
    X = rng.normal(size=(3, 3))
    np.testing.assert_array_equal(layer.forward(X), X)
    np.testing.assert_array_equal(layer.backward(X), X)


def test_dropout_same_seed_same_mask():
    X = np.ones((10, 10))
    np.testing.assert_array_equal(Dropout(0.5, rng=7).forward(X), Dropout(0.5, rng=7).forward(X))
    assert not np.array_equal(Dropout(0.5, rng=7).forward(X), Dropout(0.5, rng=8).forward(X))


def test_dropout_rejects_bad_p():
    with pytest.raises(ValueError, match=r"`p` must lie in \[0.0, 1.0\), got 1.0"):
        Dropout(1.0)
    with pytest.raises(TypeError, match="`p` must be a real number"):
        Dropout("0.5")


def test_wrong_feature_count_names_both_shapes():
    with pytest.raises(ValueError) as info:
        Dense(3, 2).forward(np.zeros((5, 2)))
    msg = str(info.value)
    assert "`X` must have 3 features" in msg and "(5, 2)" in msg


def test_transposed_input_gets_a_hint():
    with pytest.raises(ValueError, match="looks transposed"):
        Dense(3, 2).forward(np.zeros((3, 5)))


def test_one_dimensional_input_gets_a_reshape_hint():
    with pytest.raises(ValueError) as info:
        Dense(3, 2).forward(np.zeros(3))
    msg = str(info.value)
    assert "2-D array of shape (n_samples, n_features)" in msg and "1-D array of shape (3,)" in msg
    assert "reshape(1, -1)" in msg


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input_is_rejected(bad):
    X = np.zeros((4, 2))
    X[2, 1] = bad
    with pytest.raises(ValueError, match="`X` must contain only finite numbers"):
        Dense(2, 1).forward(X)
    with pytest.raises(ValueError, match="`X` must contain only finite numbers"):
        Activation("relu").forward(X)


def test_non_numeric_input_is_a_type_error():
    with pytest.raises(TypeError, match="`X` must contain real numbers"):
        Dense(2, 1).forward(np.array([["a", "b"]]))


def test_backward_before_forward_and_wrong_grad_shape():
    layer = Dense(2, 3)
    with pytest.raises(RuntimeError, match="forward"):
        layer.backward(np.zeros((1, 3)))
    layer.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"`grad_output` must have the shape of the last forward output \(4, 3\), got \(4, 2\)"):
        layer.backward(np.zeros((4, 2)))


def test_dense_rejects_bad_sizes_and_init():
    with pytest.raises(ValueError, match="`n_out` must be an integer >= 1, got 0"):
        Dense(2, 0)
    with pytest.raises(TypeError, match="`n_in` must be an integer"):
        Dense(2.5, 3)
    with pytest.raises(ValueError, match="Unknown initializer 'glorot'"):
        Dense(2, 3, init="glorot")


def test_float32_layer_computes_in_float32(rng):
    layer = Dense(3, 2, rng=0, dtype=np.float32)
    assert layer.params["W"].dtype == np.float32
    out = layer.forward(rng.normal(size=(4, 3)))
    assert out.dtype == np.float32
    assert layer.backward(np.ones((4, 2), dtype=np.float32)).dtype == np.float32
    assert layer.grads["W"].dtype == np.float32


def test_assigning_a_parameter_writes_in_place_with_a_shape_check():
    from nnlearn import Sequential
    net = Sequential([Dense(2, 3, rng=0)])
    W = net.layers[0].params["W"]
    net.layers[0].params["W"] = np.ones((2, 3))
    assert net.layers[0].params["W"] is W and np.all(W == 1)
    with pytest.raises(ValueError, match=r"`params\['W'\]` must keep its shape \(2, 3\).*transpose"):
        net.layers[0].params["W"] = np.ones((3, 2))
