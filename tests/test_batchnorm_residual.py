"""BatchNorm and Residual layers: exact against PyTorch in float64, gradient checks, training
with nnlearn.fit, shape errors, bad input, and save/load.

PyTorch is only a reference: where it is not installed the torch tests are skipped, unless
NNLEARN_REQUIRE_TORCH is set, in which case its absence is an error.
"""

import json
import zipfile

import numpy as np
import pytest

from nnlearn import Sequential, fit
from nnlearn.gradcheck import check_gradients
from nnlearn.layers import Activation, BatchNorm, Dense, Dropout, Layer, Residual
from nnlearn.optim import SGD
from nnlearn.persistence import FORMAT_VERSION, load, save
from .helpers import require_torch

TOL = 1e-12


@pytest.fixture
def torch():
    return require_torch()


def close(a, b, tol=TOL):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    scale = max(1.0, float(np.abs(b).max()))
    assert np.abs(a - b).max() <= tol * scale, np.abs(a - b).max()


# -- BatchNorm against torch.nn.BatchNorm1d ------------------------------------------------

def test_batchnorm_matches_torch_in_training_and_eval_mode(torch, rng):
    n_features, momentum, eps = 5, 0.3, 1e-3
    ours = BatchNorm(n_features, momentum=momentum, eps=eps)
    ref = torch.nn.BatchNorm1d(n_features, momentum=momentum, eps=eps)
    gamma, beta = rng.normal(size=n_features), rng.normal(size=n_features)
    ours.params["gamma"], ours.params["beta"] = gamma, beta
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(gamma))
        ref.bias.copy_(torch.tensor(beta))
    for training, sizes in ((True, (7, 2, 16)), (False, (3, 1))):
        ours.training = training
        ref.train(training)
        for n in sizes:
            X = 2.0 + 3.0 * rng.normal(size=(n, n_features))
            G = rng.normal(size=(n, n_features))
            Xt = torch.tensor(X, requires_grad=True)
            Yt = ref(Xt)
            Yt.backward(torch.tensor(G))
            close(ours.forward(X), Yt.detach().numpy())
            close(ours.backward(G), Xt.grad.numpy())
            close(ours.grads["gamma"], ref.weight.grad.numpy())
            close(ours.grads["beta"], ref.bias.grad.numpy())
            ref.weight.grad = ref.bias.grad = None
            close(ours.running_mean, ref.running_mean.numpy())
            close(ours.running_var, ref.running_var.numpy())
    # the running statistics moved in training and stayed put in eval mode
    assert not np.allclose(ours.running_mean, 0.0)
    assert not np.allclose(ours.running_var, 1.0)


def test_batchnorm_normalises_each_column_in_training_mode(rng):
    X = 5.0 + 4.0 * rng.normal(size=(50, 3))
    Y = BatchNorm(3, eps=1e-12).forward(X)
    close(Y.mean(axis=0), np.zeros(3), tol=1e-12)
    close(Y.var(axis=0), np.ones(3), tol=1e-9)


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_network_passes_the_gradient_check(training, rng):
    bn = BatchNorm(4, momentum=0.5)
    net = Sequential([Dense(3, 4, rng=0), bn, Activation("tanh"), Dense(4, 2, rng=1)])
    bn.params["gamma"], bn.params["beta"] = rng.normal(size=4), rng.normal(size=4)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    if not training:
        net.forward(X + 1.0)  # running statistics that are not zeros and ones
        net.eval()
    report = check_gradients(net, "mse", X, y)
    assert set(report) == {"0.W", "0.b", "1.gamma", "1.beta", "3.W", "3.b"}
    if training:
        # the batch mean cancels a bias added before BatchNorm: its gradient is exactly
        # zero, and the relative error of 0 against finite-difference noise means nothing
        assert np.abs(net.layers[0].grads["b"]).max() < 1e-12
        del report["0.b"]
    assert max(report.values()) < 1e-6, report


def test_batchnorm_batch_of_one_in_training_mode_is_a_clear_error(rng):
    bn = BatchNorm(3)
    with pytest.raises(ValueError, match="at least 2 samples.*shape \\(1, 3\\).*eval"):
        bn.forward(rng.normal(size=(1, 3)))
    bn.training = False
    assert bn.forward(np.ones((1, 3))).shape == (1, 3)


# -- Residual --------------------------------------------------------------------------------

def torch_residual_net(torch, net):
    """The torch twin of Sequential([Dense, Residual([Dense, tanh, Dense]), Dense])."""
    class Res(torch.nn.Module):
        def __init__(self, f):
            super().__init__()
            self.f = f

        def forward(self, x):
            return x + self.f(x)

    def linear(dense):
        lin = torch.nn.Linear(dense.n_in, dense.n_out)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(dense.params["W"].T))
            lin.bias.copy_(torch.tensor(dense.params["b"]))
        return lin

    inner = net.layers[1].layers
    return torch.nn.Sequential(
        linear(net.layers[0]),
        Res(torch.nn.Sequential(linear(inner[0]), torch.nn.Tanh(), linear(inner[2]))),
        linear(net.layers[2]))


def test_residual_matches_torch(torch, rng):
    net = Sequential([Dense(3, 4, rng=0),
                      Residual([Dense(4, 4, rng=1), Activation("tanh"),
                                Dense(4, 4, rng=2)]),
                      Dense(4, 2, rng=3)])
    ref = torch_residual_net(torch, net)
    X, G = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    Xt = torch.tensor(X, requires_grad=True)
    Yt = ref(Xt)
    Yt.backward(torch.tensor(G))
    close(net.forward(X), Yt.detach().numpy())
    close(net.backward(G), Xt.grad.numpy())
    torch_grads = {"0": ref[0], "1.0": ref[1].f[0], "1.2": ref[1].f[2], "2": ref[2]}
    names = [name for name, _, _ in net.named_parameters()]
    assert names == ["0.W", "0.b", "1.0.W", "1.0.b", "1.2.W", "1.2.b", "2.W", "2.b"]
    for name, _, grad in net.named_parameters():
        where, key = name.rsplit(".", 1)
        lin = torch_grads[where]
        expected = lin.weight.grad.numpy().T if key == "W" else lin.bias.grad.numpy()
        close(grad, expected)


def test_residual_alone_is_x_plus_f_x(rng):
    d = Dense(3, 3, rng=0)
    res = Residual([d])
    X, G = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    np.testing.assert_allclose(res.forward(X), X + X @ d.params["W"] + d.params["b"])
    np.testing.assert_allclose(res.backward(G), G + G @ d.params["W"].T)
    np.testing.assert_allclose(res.grads["0.W"], X.T @ G)
    assert res.params["0.W"] is d.params["W"]


def test_nested_residual_with_batchnorm_passes_the_gradient_check(rng):
    inner = Residual([Dense(4, 4, rng=2), Activation("tanh")])
    net = Sequential([Dense(3, 4, rng=0),
                      Residual([BatchNorm(4), Dense(4, 4, rng=1), inner]),
                      Dense(4, 1, rng=3)])
    names = [name for name, _, _ in net.named_parameters()]
    assert len(set(names)) == len(names)
    assert "1.2.0.W" in names and "1.0.gamma" in names
    X, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 1))
    report = check_gradients(net, "mse", X, y)
    assert max(report.values()) < 1e-6, report


def test_residual_parameters_live_in_the_network_vector():
    d = Dense(4, 4, rng=1)
    net = Sequential([Residual([d, Activation("relu")]), Dense(4, 1, rng=0)])
    theta, grad = net.flat_parameters()[0]
    assert np.shares_memory(d.params["W"], theta) and np.shares_memory(d.grads["W"], grad)
    assert net.layers[0].params["0.W"] is d.params["W"]
    assert net.n_params == 4 * 4 + 4 + 4 + 1


def test_training_mode_reaches_the_inner_layers():
    drop, bn = Dropout(0.5, rng=0), BatchNorm(3)
    net = Sequential([Residual([drop, Residual([bn])]), Dense(3, 1, rng=0)])
    net.eval()
    assert not drop.training and not bn.training and not net.training
    net.train()
    assert drop.training and bn.training and net.training
    X = np.ones((4, 3))
    np.testing.assert_array_equal(net.predict(X), net.predict(X))  # eval: deterministic
    assert drop.training and bn.training  # predict restored the mode


def test_fit_trains_batchnorm_and_residual_parameters(rng):
    X = rng.normal(size=(128, 2))
    y = np.sin(2 * X[:, :1]) * X[:, 1:]
    bn = BatchNorm(8)
    inner = Dense(8, 8, rng=1)
    net = Sequential([Dense(2, 8, rng=0), bn, Activation("tanh"),
                      Residual([inner, Activation("tanh")]), Dense(8, 1, rng=2)])
    before = {name: param.copy() for name, param, _ in net.named_parameters()}
    history = fit(net, X, y, loss="mse", optimizer=SGD(lr=0.1), epochs=30,
                  batch_size=16, rng=0, progress=False)
    loss = history["loss"]
    assert loss[-1] < 0.5 * loss[0]
    for name in ("1.gamma", "1.beta", "3.0.W", "3.0.b"):
        assert not np.array_equal(before[name], dict(
            (n, p) for n, p, _ in net.named_parameters())[name]), name
    assert not np.array_equal(before["3.0.W"], inner.params["W"])
    assert not np.allclose(bn.running_mean, 0.0)


# -- shape errors ------------------------------------------------------------------------------

class Widen(Layer):
    """A layer of unknown size that doubles the columns."""

    def _forward(self, X):
        self._out_shape = (X.shape[0], 2 * X.shape[1])
        return np.hstack([X, X])

    def _backward(self, grad_output, need_input_grad=True):
        half = grad_output.shape[1] // 2
        return grad_output[:, :half] + grad_output[:, half:]


def test_residual_that_changes_the_width_is_refused_at_construction():
    with pytest.raises(ValueError, match="map 3 features to 4.*Dense\\(\\.\\.\\., 3\\)"):
        Residual([Dense(3, 4)])
    with pytest.raises(ValueError, match="map 3 features to 5"):
        Residual([Dense(3, 4), Activation("relu"), Dense(4, 5)])
    with pytest.raises(ValueError, match="matching widths"):
        Residual([Dense(3, 4), Dense(5, 3)])


def test_residual_of_unknown_size_is_checked_at_the_first_forward(rng):
    res = Residual([Widen()])
    with pytest.raises(ValueError, match="shape \\(4, 3\\) but f\\(X\\) has shape "
                                         "\\(4, 6\\)"):
        res.forward(rng.normal(size=(4, 3)))


def test_network_widths_see_through_batchnorm_and_residual():
    with pytest.raises(ValueError, match="matching widths.*outputs 4 features but "
                                         "layers\\[1\\] BatchNorm\\(5\\) expects 5"):
        Sequential([Dense(2, 4), BatchNorm(5)])
    with pytest.raises(ValueError, match="matching widths.*outputs 4.*expects 3"):
        Sequential([Dense(2, 4), Residual([Dense(4, 4)]), Dense(3, 1)])
    Sequential([Dense(2, 4), Residual([Activation("relu")]), BatchNorm(4), Dense(4, 1)])


# -- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"n_features": 0}, ValueError, "`n_features` must be an integer >= 1, got 0.*Hint"),
    ({"n_features": 2.5}, TypeError, "`n_features` must be an integer, got float 2.5.*Hint"),
    ({"n_features": "4"}, TypeError, "`n_features`.*got str.*Hint"),
    ({"n_features": 3, "momentum": -0.1}, ValueError, "`momentum` must lie in "
                                                      "\\[0.0, 1.0\\], got -0.1.*Hint"),
    ({"n_features": 3, "momentum": 1.5}, ValueError, "`momentum`.*1.5.*Hint"),
    ({"n_features": 3, "eps": 0}, ValueError, "`eps` must be positive, got 0.0.*Hint"),
    ({"n_features": 3, "eps": -1e-5}, ValueError, "`eps`.*Hint"),
    ({"n_features": 3, "rng": "seed"}, TypeError, "`rng`"),
])
def test_batchnorm_bad_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        BatchNorm(**kwargs)


def test_batchnorm_momentum_bounds_are_allowed():
    assert BatchNorm(2, momentum=0).momentum == 0.0
    assert BatchNorm(2, momentum=1).momentum == 1.0


def test_batchnorm_wrong_columns(rng):
    with pytest.raises(ValueError, match="`X` must have 3 features.*shape \\(5, 4\\).*"
                                         "Hint: build BatchNorm\\(4\\)"):
        BatchNorm(3).forward(rng.normal(size=(5, 4)))
    with pytest.raises(ValueError, match="transposed"):
        BatchNorm(3).forward(rng.normal(size=(3, 5)))


def test_residual_bad_arguments():
    d = Dense(3, 3)
    with pytest.raises(TypeError, match="`layers` must be a list.*single layer.*"
                                        "Hint: wrap it in a list: Residual"):
        Residual(d)
    with pytest.raises(ValueError, match="at least one layer, got an empty list"):
        Residual([])
    with pytest.raises(TypeError, match="`layers\\[0\\]`.*got str 'relu'.*Activation"):
        Residual(["relu"])
    with pytest.raises(TypeError, match="network Sequential.*Residual\\(net.layers\\)"):
        Residual(Sequential([Dense(3, 3)]))
    with pytest.raises(ValueError, match="same layer object twice"):
        Residual([d, d])
    with pytest.raises(ValueError, match="same layer object twice: layers\\[0\\] and "
                                         "layers\\[1\\]\\.layers\\[0\\]"):
        Sequential([d, Residual([d])])


# -- save and load ----------------------------------------------------------------------------

def trained_net(rng):
    net = Sequential([Dense(2, 6, rng=0), BatchNorm(6, momentum=0.25, eps=1e-4),
                      Activation("relu"),
                      Residual([Dense(6, 6, rng=1), BatchNorm(6), Dropout(0.2, rng=0),
                                Residual([Activation("tanh")])]),
                      Dense(6, 1, rng=2)])
    X = rng.normal(size=(64, 2))
    fit(net, X, X[:, :1] * X[:, 1:], loss="mse", optimizer=SGD(lr=0.05), epochs=3,
        batch_size=16, rng=0, progress=False)
    return net, X


def test_save_load_round_trip_is_exact(tmp_path, rng):
    net, X = trained_net(rng)
    path = tmp_path / "net.npz"
    save(net, path)
    loaded = load(path)
    assert repr(loaded) == repr(net)
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
    for a, b in ((net.layers[1], loaded.layers[1]),
                 (net.layers[3].layers[1], loaded.layers[3].layers[1])):
        assert (a.momentum, a.eps) == (b.momentum, b.eps)
        np.testing.assert_array_equal(a.running_mean, b.running_mean)
        np.testing.assert_array_equal(a.running_var, b.running_var)
    assert loaded.layers[1].momentum == 0.25 and loaded.layers[1].eps == 1e-4
    for (n1, p1, _), (n2, p2, _) in zip(net.named_parameters(), loaded.named_parameters()):
        assert n1 == n2
        np.testing.assert_array_equal(p1, p2)
    # the loaded network trains its inner parameters: they live in its vector
    theta = loaded.flat_parameters()[0][0]
    assert np.shares_memory(loaded.layers[3].layers[0].params["W"], theta)
    with zipfile.ZipFile(path) as archive:
        architecture = json.loads(np.load(path)["architecture"].item())
        assert "3.1.running_var.npy" in archive.namelist()
    assert architecture["version"] == FORMAT_VERSION == 2


def test_network_without_new_layers_is_saved_as_version_1(tmp_path):
    path = tmp_path / "plain.npz"
    save(Sequential([Dense(2, 3), Activation("relu"), Dense(3, 1)]), path)
    assert json.loads(np.load(path)["architecture"].item())["version"] == 1


def rewrite(path, edit):
    """Apply ``edit`` to the architecture record and arrays of a saved file, keeping
    the checksum."""
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    architecture = json.loads(arrays.pop("architecture").item())
    edit(architecture, arrays)
    np.savez(path, architecture=np.array(json.dumps(architecture)), **arrays)


@pytest.mark.parametrize("edit, pattern", [
    (lambda a, w: a["layers"][1].update(n_features=10**9),
     "weight '1.gamma' has shape \\(6,\\).*needs \\(1000000000,\\)"),
    (lambda a, w: a["layers"][1].update(n_features=0), "n_features=0, not a positive"),
    (lambda a, w: w.pop("3.1.running_mean"), "do not match the architecture"),
    (lambda a, w: a["layers"][3].update(layers={}), "'3.layers' must be a list"),
    (lambda a, w: a["layers"][3]["layers"].insert(0, {"type": "Dense", "n_in": 6,
                                                     "n_out": 6}),
     "do not match the architecture"),
    (lambda a, w: a["layers"][1].update(eps=-1.0), "architecture record is invalid"),
])
def test_tampered_files_are_refused(tmp_path, rng, edit, pattern):
    net, _ = trained_net(rng)
    path = tmp_path / "net.npz"
    save(net, path)
    rewrite(path, edit)
    with pytest.raises(ValueError, match=pattern):
        load(path)


def test_the_layers_are_top_level_names():
    import nnlearn

    assert nnlearn.BatchNorm is BatchNorm is nnlearn.layers.BatchNorm
    assert nnlearn.Residual is Residual is nnlearn.layers.Residual
    assert {"BatchNorm", "Residual"} <= set(nnlearn.__all__)
