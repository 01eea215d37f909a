"""nnlearn against PyTorch in float64: activations, losses, MLP gradients and optimizer trajectories.

PyTorch is only a reference here.  Where it is not installed these tests are
skipped, unless NNLEARN_REQUIRE_TORCH is set (as the README's test command and
CI do), in which case its absence is an error.
"""

import os

import numpy as np
import pytest

from nnlearn import MLP
from nnlearn.activations import get as get_activation
from nnlearn.gradcheck import relative_error
from nnlearn.losses import get as get_loss
from nnlearn.optim import SGD, AdaGrad, Adam, RMSprop

try:
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    if os.environ.get("NNLEARN_REQUIRE_TORCH"):
        raise
    pytest.skip("PyTorch is not installed (pip install torch==2.13.0)", allow_module_level=True)

torch.set_default_dtype(torch.float64)
GRAD_TOL = 1e-10
TRAJECTORY_TOL = 1e-12
# Training end to end, each framework computes its own gradients, which agree to about 1e-16.
# Adaptive optimizers divide by running RMS values of the gradient and so amplify such rounding
# on coordinates whose gradient nears zero: perturbing nnlearn's own gradients by one ulp moves
# RMSprop(alpha=0.9) by 5e-9 after 100 steps, and the output bias by 2e-7.  The update rules
# themselves are held to TRAJECTORY_TOL on identical gradients; end-to-end runs to this.
END_TO_END_TOL = 1e-6


def t(a, requires_grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def inputs(rng, shape=(6, 5)):
    z = 3 * rng.normal(size=shape)
    z[0, :4] = [0.0, -40.0, 40.0, 1e-9]  # the kink, saturation, and a tiny value
    return z


TORCH_ACTIVATIONS = {
    "linear": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
    "softmax": lambda z: torch.softmax(z, dim=-1),
}


@pytest.mark.parametrize("name", list(TORCH_ACTIVATIONS))
def test_activation_values_and_backward(name, rng):
    z, g = inputs(rng), rng.normal(size=(6, 5))
    f = get_activation(name)
    zt = t(z, requires_grad=True)
    out = TORCH_ACTIVATIONS[name](zt)
    out.backward(t(g))
    assert relative_error(f(z), out.detach().numpy()) <= GRAD_TOL
    assert relative_error(f.backward(z, g), zt.grad.numpy()) <= GRAD_TOL
    assert relative_error(f.backward(z, g, a=f(z)), zt.grad.numpy()) <= GRAD_TOL


def test_step_equals_heaviside(rng):
    z = inputs(rng)
    expected = torch.heaviside(t(z), t(1.0)).numpy()
    np.testing.assert_array_equal(get_activation("step")(z), expected)


def test_elementwise_derivatives_equal_autograd(rng):
    z = inputs(rng)
    for name in ["sigmoid", "tanh", "relu", "leaky_relu"]:
        zt = t(z, requires_grad=True)
        TORCH_ACTIVATIONS[name](zt).sum().backward()
        assert relative_error(get_activation(name).derivative(z), zt.grad.numpy()) <= GRAD_TOL, name


F = torch.nn.functional
LOSS_CASES = {
    # key: (nnlearn loss, torch function of (pred, target), prediction kind, target kind)
    "mse": (get_loss("mse"), F.mse_loss, "real", "real"),
    "mae": (get_loss("mae"), F.l1_loss, "real", "real"),
    "huber": (get_loss("huber", delta=0.8), lambda p, y: F.huber_loss(p, y, delta=0.8), "real", "real"),
    "bce": (get_loss("bce"), F.binary_cross_entropy, "prob", "binary"),
    "bce_soft_targets": (get_loss("bce"), F.binary_cross_entropy, "prob", "soft"),
    "bce_logits": (get_loss("bce", from_logits=True), F.binary_cross_entropy_with_logits, "real", "binary"),
    "cce_labels": (get_loss("cce"), lambda p, y: F.nll_loss(torch.log(p), y), "simplex", "labels"),
    "cce_onehot": (get_loss("cce"), lambda p, y: F.nll_loss(torch.log(p), y.argmax(1)), "simplex", "onehot"),
    "cce_logits_labels": (get_loss("cce", from_logits=True), F.cross_entropy, "real", "labels"),
    "cce_logits_onehot": (get_loss("cce", from_logits=True), F.cross_entropy, "real", "onehot"),
    "cce_logits_soft": (get_loss("cce", from_logits=True), F.cross_entropy, "real", "soft_rows"),
}
# Class weights (k = 4 columns): pos_weight as in BCEWithLogitsLoss, weight as in CrossEntropyLoss.
POS_W, CLASS_W = [0.5, 2.0, 7.0, 1.0], [1.0, 4.0, 0.25, 2.5]
LOSS_CASES.update({
    # the probability form is BCEWithLogitsLoss on logit(p)
    "bce_pw": (get_loss("bce", pos_weight=3.0), lambda p, y: F.binary_cross_entropy_with_logits(
        torch.logit(p), y, pos_weight=t(3.0)), "prob", "binary"),
    "bce_pw_vector_soft": (get_loss("bce", pos_weight=POS_W), lambda p, y: F.binary_cross_entropy_with_logits(
        torch.logit(p), y, pos_weight=t(POS_W)), "prob", "soft"),
    "bce_logits_pw": (get_loss("bce", from_logits=True, pos_weight=19.0), lambda p, y: (
        F.binary_cross_entropy_with_logits(p, y, pos_weight=t(19.0))), "real", "binary"),
    "bce_logits_pw_vector": (get_loss("bce", from_logits=True, pos_weight=POS_W), lambda p, y: (
        F.binary_cross_entropy_with_logits(p, y, pos_weight=t(POS_W))), "real", "binary"),
    # labels: mean weighted by w[label]; probability rows: sum over classes, mean over samples
    "cce_w_labels": (get_loss("cce", weight=CLASS_W), lambda p, y: F.nll_loss(
        torch.log(p), y, weight=t(CLASS_W)), "simplex", "labels"),
    "cce_w_onehot": (get_loss("cce", weight=CLASS_W), lambda p, y: F.nll_loss(
        torch.log(p), y.argmax(1), weight=t(CLASS_W), reduction="sum") / len(y), "simplex", "onehot"),
    "cce_logits_w_labels": (get_loss("cce", from_logits=True, weight=CLASS_W), lambda p, y: (
        F.cross_entropy(p, y, weight=t(CLASS_W))), "real", "labels"),
    "cce_logits_w_onehot": (get_loss("cce", from_logits=True, weight=CLASS_W), lambda p, y: (
        F.cross_entropy(p, y, weight=t(CLASS_W))), "real", "onehot"),
    "cce_logits_w_soft": (get_loss("cce", from_logits=True, weight=CLASS_W), lambda p, y: (
        F.cross_entropy(p, y, weight=t(CLASS_W))), "real", "soft_rows"),
})


def loss_case(key, rng, n=7, k=4):
    loss, torch_fn, pred_kind, true_kind = LOSS_CASES[key]
    z = 2 * rng.normal(size=(n, k))
    e = np.exp(z - z.max(1, keepdims=True))
    y_pred = {"real": z, "prob": 1 / (1 + np.exp(-z)), "simplex": e / e.sum(1, keepdims=True)}[pred_kind]
    labels = rng.integers(0, k, size=n)
    w = rng.random((n, k))
    y_true = {"real": rng.normal(size=(n, k)), "binary": rng.integers(0, 2, (n, k)).astype(float),
              "soft": rng.random((n, k)), "labels": labels, "onehot": np.eye(k)[labels],
              "soft_rows": w / w.sum(1, keepdims=True)}[true_kind]
    y_torch = torch.tensor(labels) if true_kind == "labels" else t(y_true)
    return loss, torch_fn, y_pred, y_true, y_torch


@pytest.mark.parametrize("key", list(LOSS_CASES))
def test_loss_values_and_gradients(key, rng):
    loss, torch_fn, y_pred, y_true, y_torch = loss_case(key, rng)
    pt = t(y_pred, requires_grad=True)
    value = torch_fn(pt, y_torch)
    value.backward()
    assert loss(y_pred, y_true) == pytest.approx(value.item(), rel=GRAD_TOL)
    assert relative_error(loss.gradient(y_pred, y_true), pt.grad.numpy()) <= GRAD_TOL


def torch_forward(net, X):
    """The same network in PyTorch: leaf tensors hold nnlearn's weights (W is (n_in, n_out), so Z = X W + b)."""
    leaves = [t(p, requires_grad=True) for p, _ in net.parameters()]
    hidden = TORCH_ACTIVATIONS[net.activation.name]
    A = X
    for i in range(0, len(leaves), 2):
        A = A @ leaves[i] + leaves[i + 1]
        if i + 2 < len(leaves):
            A = hidden(A)
    if net.output_activation is not None:
        A = TORCH_ACTIVATIONS[net.output_activation.name](A)
    return A, leaves


MLP_CASES = [("mse", None), ("mae", None), ("huber", None), ("bce", "sigmoid"), ("bce_logits", None),
             ("cce_labels", "softmax"), ("cce_logits_onehot", None),
             ("bce_pw", "sigmoid"), ("bce_logits_pw_vector", None), ("cce_w_labels", "softmax"),
             ("cce_logits_w_labels", None), ("cce_logits_w_soft", None)]


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("key, output", MLP_CASES)
def test_mlp_parameter_and_input_gradients(key, output, activation, rng):
    net = MLP([5, 8, 6, 4], activation=activation, output_activation=output, rng=3)
    for p, _ in net.parameters():
        p += 0.1 * rng.normal(size=p.shape)
    X = rng.normal(size=(7, 5))
    loss, torch_fn, _, y_true, y_torch = loss_case(key, rng)

    out = net.forward(X)
    value = loss(out, y_true)
    dX = net.backward(loss.gradient(out, y_true))

    X_leaf = t(X, requires_grad=True)
    out_t, leaves = torch_forward(net, X_leaf)
    loss_t = torch_fn(out_t, y_torch)
    loss_t.backward()

    assert relative_error(out, out_t.detach().numpy()) <= GRAD_TOL
    assert value == pytest.approx(loss_t.item(), rel=GRAD_TOL)
    for (name, _, grad), leaf in zip(net.named_parameters(), leaves):
        assert relative_error(grad, leaf.grad.numpy()) <= GRAD_TOL, name
    assert relative_error(dX, X_leaf.grad.numpy()) <= GRAD_TOL


OPTIMIZERS = [
    (SGD, torch.optim.SGD, {"lr": 0.01}),
    (SGD, torch.optim.SGD, {"lr": 0.01, "momentum": 0.9}),
    (SGD, torch.optim.SGD, {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    (SGD, torch.optim.SGD, {"lr": 0.01, "weight_decay": 0.05}),
    (SGD, torch.optim.SGD, {"lr": 0.01, "momentum": 0.8, "nesterov": True, "weight_decay": 0.05}),
    (AdaGrad, torch.optim.Adagrad, {"lr": 0.1}),
    (AdaGrad, torch.optim.Adagrad, {"lr": 0.05, "eps": 1e-4}),
    (RMSprop, torch.optim.RMSprop, {"lr": 0.01}),
    (RMSprop, torch.optim.RMSprop, {"lr": 0.01, "alpha": 0.9, "eps": 1e-6}),
    (RMSprop, torch.optim.RMSprop, {"lr": 0.005, "momentum": 0.9}),
    (Adam, torch.optim.Adam, {"lr": 0.01}),
    (Adam, torch.optim.Adam, {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6}),
    (Adam, torch.optim.Adam, {"lr": 0.01, "weight_decay": 0.1}),
]
OPTIMIZER_IDS = [f"{cls.__name__}({', '.join(f'{k}={v}' for k, v in hp.items())})" for cls, _, hp in OPTIMIZERS]


def surface_gradient(params):
    """Gradient of an ill-conditioned bowl in the matrix plus a quartic in the vector."""
    W, v = params
    return [np.array([[1.0], [10.0], [50.0]]) * W, v ** 3 + 0.5 * v]


@pytest.mark.parametrize("ours, theirs, hp", OPTIMIZERS, ids=OPTIMIZER_IDS)
def test_optimizer_trajectories_on_a_surface(ours, theirs, hp):
    """Both optimizers get the same gradient at their own current point for 100 steps."""
    start = [np.array([[1.0, -0.5], [0.3, 0.2], [-0.1, 0.05]]), np.array([0.8, -1.2, 2.0])]
    params = [p.copy() for p in start]
    tparams = [t(p, requires_grad=True) for p in start]
    opt, topt = ours(**hp), theirs(tparams, **hp)
    for step in range(100):
        opt.step(list(zip(params, surface_gradient(params))))
        for tp, g in zip(tparams, surface_gradient([tp.detach().numpy() for tp in tparams])):
            tp.grad = t(g)
        topt.step()
        for p, tp in zip(params, tparams):
            assert relative_error(p, tp.detach().numpy()) <= TRAJECTORY_TOL, step


@pytest.mark.parametrize("ours, theirs, hp", OPTIMIZERS, ids=OPTIMIZER_IDS)
def test_optimizer_trajectories_training_an_mlp(ours, theirs, hp):
    """100 steps of training the same MLP, each framework computing its own gradients (see END_TO_END_TOL)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 3))
    y = np.sin(X @ np.array([[1.0], [-2.0], [0.5]]))
    net = MLP([3, 8, 8, 1], activation="tanh", rng=1)
    loss = get_loss("mse")
    _, leaves = torch_forward(net, t(X))
    opt, topt = ours(**hp), theirs(leaves, **hp)
    for step in range(100):
        net.backward(loss.gradient(net.forward(X), y))
        opt.step(net.parameters())
        topt.zero_grad()
        out_t, _ = _forward_with(leaves, t(X))
        F.mse_loss(out_t, t(y)).backward()
        topt.step()
    for (name, p, _), leaf in zip(net.named_parameters(), leaves):
        assert relative_error(p, leaf.detach().numpy()) <= END_TO_END_TOL, name


def _forward_with(leaves, X):
    A = X
    for i in range(0, len(leaves), 2):
        A = A @ leaves[i] + leaves[i + 1]
        if i + 2 < len(leaves):
            A = torch.tanh(A)
    return A, leaves


def test_fit_with_class_weights_follows_torch():
    """50 full-batch SGD epochs of nnlearn.fit with weighted losses (by object and by name) against
    the same training loop in PyTorch with BCEWithLogitsLoss(pos_weight) / CrossEntropyLoss(weight)."""
    from nnlearn import fit
    from nnlearn.losses import BinaryCrossEntropy

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    labels = np.where(np.arange(40) < 4, 1, 0) + (np.arange(40) % 13 == 0)
    cases = [(BinaryCrossEntropy(from_logits=True, pos_weight=19.0), (labels > 0)[:, None] * 1.0, 1,
              torch.nn.BCEWithLogitsLoss(pos_weight=t(19.0))),
             (get_loss("cce", from_logits=True, weight=[1.0, 6.0, 3.0]), labels, 3,
              torch.nn.CrossEntropyLoss(weight=t([1.0, 6.0, 3.0])))]
    for loss, y, width, torch_loss in cases:
        net = MLP([3, 8, width], activation="tanh", rng=1)
        _, leaves = torch_forward(net, t(X))
        topt = torch.optim.SGD(leaves, lr=0.2)
        y_torch = torch.tensor(y) if y.ndim == 1 else t(y)
        for _ in range(50):
            topt.zero_grad()
            torch_loss(_forward_with(leaves, t(X))[0], y_torch).backward()
            topt.step()
        history = fit(net, X, y, loss=loss, optimizer=SGD(0.2), epochs=50, progress=False)
        for (name, p, _), leaf in zip(net.named_parameters(), leaves):
            assert relative_error(p, leaf.detach().numpy()) <= END_TO_END_TOL, name
        assert history.loss[-1] < history.loss[0]
