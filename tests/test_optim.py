"""Optimizers: each update rule against an independent implementation of its equations, and errors.

The PyTorch comparison lives in test_torch_reference.py; these tests need numpy only.
"""

import numpy as np
import pytest

from nnlearn import MLP
from nnlearn.losses import get as get_loss
from nnlearn.optim import SGD, AdaGrad, Adam, RMSprop

from .helpers import require_torch


def gradient(params):
    """Gradient of f(x, y) = sum(0.5 * a x^2) + 0.25 * sum(y^4): an ill-conditioned bowl plus a quartic."""
    x, y = params
    return [np.array([1.0, 10.0, 100.0])[:, None] * x, y ** 3]


def start():
    return [np.array([[1.0, -0.5], [0.3, 0.2], [-0.1, 0.05]]), np.array([0.8, -1.2])]


def reference(config, steps):
    """The paper/textbook equations, written independently of nnlearn.optim."""
    kind, hp = config
    params = start()
    state = [{} for _ in params]
    for t in range(1, steps + 1):
        for p, g, s in zip(params, gradient(params), state):
            g = g + hp.get("weight_decay", 0.0) * p
            lr = hp["lr"]
            if kind == "sgd":
                mu = hp.get("momentum", 0.0)
                if mu:
                    s["b"] = g.copy() if t == 1 else mu * s["b"] + g
                    d = g + mu * s["b"] if hp.get("nesterov") else s["b"]
                else:
                    d = g
                p -= lr * d
            elif kind == "adagrad":
                s["G"] = s.get("G", 0) + g ** 2
                p -= lr * g / (np.sqrt(s["G"]) + hp.get("eps", 1e-10))
            elif kind == "rmsprop":
                a = hp.get("alpha", 0.99)
                s["v"] = a * s.get("v", 0) + (1 - a) * g ** 2
                u = g / (np.sqrt(s["v"]) + hp.get("eps", 1e-8))
                mu = hp.get("momentum", 0.0)
                if mu:
                    s["b"] = mu * s.get("b", 0) + u
                    u = s["b"]
                p -= lr * u
            elif kind == "adam":
                b1, b2 = hp.get("betas", (0.9, 0.999))
                s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
                s["v"] = b2 * s.get("v", 0) + (1 - b2) * g ** 2
                m_hat = s["m"] / (1 - b1 ** t)
                v_hat = s["v"] / (1 - b2 ** t)
                p -= lr * m_hat / (np.sqrt(v_hat) + hp.get("eps", 1e-8))
    return params


CLASSES = {"sgd": SGD, "adagrad": AdaGrad, "rmsprop": RMSprop, "adam": Adam}
CONFIGS = [
    ("sgd", {"lr": 0.01}),
    ("sgd", {"lr": 0.01, "momentum": 0.9}),
    ("sgd", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    ("sgd", {"lr": 0.01, "momentum": 0.5, "weight_decay": 0.1}),
    ("adagrad", {"lr": 0.1}),
    ("adagrad", {"lr": 0.1, "eps": 1e-3}),
    ("rmsprop", {"lr": 0.01}),
    ("rmsprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.8}),
    ("adam", {"lr": 0.01}),
    ("adam", {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.01}),
]


@pytest.mark.parametrize("config", CONFIGS, ids=[f"{k}-{'-'.join(map(str, hp.values()))}" for k, hp in CONFIGS])
def test_update_rules_equal_their_equations(config):
    kind, hp = config
    opt = CLASSES[kind](**hp)
    params = start()
    for _ in range(100):
        opt.step(list(zip(params, gradient(params))))
    expected = reference(config, 100)
    for p, q in zip(params, expected):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-300)
    assert opt.t == 100


@pytest.mark.parametrize("config", CONFIGS, ids=[k for k, _ in CONFIGS])
def test_every_optimizer_decreases_the_loss_of_a_network(config):
    kind, hp = config
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    y = np.sin(X @ np.array([[1.0], [-2.0], [0.5]]))
    net = MLP([3, 16, 1], activation="tanh", rng=0)
    loss = get_loss("mse")
    opt = CLASSES[kind](**hp)
    first = loss(net.forward(X), y)
    for _ in range(200):
        net.backward(loss.gradient(net.forward(X), y))
        opt.step(net.parameters())
    assert loss(net.forward(X), y) < 0.5 * first


def test_step_updates_in_place():
    p, g = np.array([1.0, 2.0]), np.array([0.5, -0.5])
    before = p
    SGD(0.1).step([(p, g)])
    assert p is before
    np.testing.assert_allclose(p, [0.95, 2.05])


@pytest.mark.parametrize("cls", [SGD, AdaGrad, RMSprop, Adam])
@pytest.mark.parametrize("lr", [0, -0.1])
def test_non_positive_learning_rate_is_rejected(cls, lr):
    with pytest.raises(ValueError, match=f"`lr` must be positive, got {float(lr)!r}"):
        cls(lr)


def test_hyperparameter_errors():
    with pytest.raises(ValueError, match="`nesterov=True` requires `momentum` > 0"):
        SGD(0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"`momentum` must lie in \[0.0, 1.0\), got 1.0"):
        SGD(0.1, momentum=1.0)
    with pytest.raises(ValueError, match=r"`betas\[1\]` must lie in \[0.0, 1.0\)"):
        Adam(0.1, betas=(0.9, 1.5))
    with pytest.raises(TypeError, match="`betas` must be a pair"):
        Adam(0.1, betas=0.9)
    with pytest.raises(ValueError, match="`weight_decay` must be non-negative"):
        Adam(0.1, weight_decay=-1)
    with pytest.raises(TypeError, match="`lr` must be a real number, got str"):
        SGD("0.1")
    with pytest.raises(ValueError, match="`lr` must be a finite number"):
        SGD(float("nan"))


def test_parameter_list_errors():
    opt = Adam(0.1)
    with pytest.raises(TypeError, match=r"`parameters\[0\]` must be a \(param, grad\) pair"):
        opt.step([np.zeros(2)])
    with pytest.raises(ValueError, match=r"grad shape \(3,\) must equal param shape \(2,\)"):
        opt.step([(np.zeros(2), np.zeros(3))])
    with pytest.raises(TypeError, match="float ndarray"):
        opt.step([(np.zeros(2, dtype=int), np.zeros(2))])
    opt.step([(np.zeros(2), np.ones(2))])
    with pytest.raises(ValueError, match="used with 1 parameters, now got 2"):
        opt.step([(np.zeros(2), np.ones(2)), (np.zeros(1), np.ones(1))])
    opt.reset()
    opt.step([(np.zeros(2), np.ones(2)), (np.zeros(1), np.ones(1))])
    assert opt.t == 1


def test_reprs():
    assert repr(SGD(0.1, momentum=0.9, nesterov=True)) == "SGD(lr=0.1, momentum=0.9, nesterov=True)"
    assert repr(Adam(0.001)) == "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08)"


# -- AdamW --------------------------------------------------------------------------------------

def _torch():
    return require_torch()


@pytest.mark.parametrize("weight_decay", [0.0, 0.01, 0.1])
def test_adamw_equals_torch_step_for_step(weight_decay):
    torch = _torch()
    from nnlearn.gradcheck import relative_error
    from nnlearn.optim import AdamW

    rng = np.random.default_rng(16)
    params = [rng.normal(size=(4, 3)), rng.normal(size=3)]
    leaves = [torch.tensor(p.copy(), requires_grad=True) for p in params]
    opt = AdamW(lr=0.05, weight_decay=weight_decay)
    topt = torch.optim.AdamW(leaves, lr=0.05, weight_decay=weight_decay)
    for step in range(20):
        grads = [rng.normal(size=p.shape) for p in params]
        opt.step(list(zip(params, grads)))
        for leaf, g in zip(leaves, grads):
            leaf.grad = torch.tensor(g)
        topt.step()
        for p, leaf in zip(params, leaves):
            assert relative_error(p, leaf.detach().numpy()) <= 1e-12, step
    assert opt.t == 20


def test_adamw_decay_is_decoupled_unlike_adam_with_l2():
    """AdamW shrinks theta by (1 - lr wd) outside the adaptive division; Adam's L2 term
    goes through it.  Checked against the equations written out here."""
    from nnlearn.optim import AdamW

    lr, wd, (b1, b2), eps = 0.01, 0.1, (0.9, 0.999), 1e-8
    params, adam_params = start(), start()
    ref = start()
    m, v = [0.0, 0.0], [0.0, 0.0]
    opt, adam = AdamW(lr=lr, weight_decay=wd), Adam(lr, weight_decay=wd)
    for t in range(1, 51):
        opt.step(list(zip(params, gradient(params))))
        adam.step(list(zip(adam_params, gradient(adam_params))))
        for i, g in enumerate(gradient(ref)):
            ref[i] = ref[i] * (1 - lr * wd)
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g ** 2
            m_hat, v_hat = m[i] / (1 - b1 ** t), v[i] / (1 - b2 ** t)
            ref[i] = ref[i] - lr * m_hat / (np.sqrt(v_hat) + eps)
    for p, q, a in zip(params, ref, adam_params):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)
        assert np.abs(p - a).max() > 1e-4  # not Adam with L2


def test_adamw_without_decay_is_adam_and_its_defaults_and_errors():
    from nnlearn import optim
    from nnlearn.optim import AdamW

    assert optim.AdamW is AdamW and "AdamW" in optim.__all__
    a, b = start(), start()
    opt, adam = AdamW(lr=0.01, weight_decay=0.0), Adam(0.01)
    for _ in range(30):
        opt.step(list(zip(a, gradient(a))))
        adam.step(list(zip(b, gradient(b))))
    for p, q in zip(a, b):
        np.testing.assert_array_equal(p, q)
    default = AdamW()
    assert (default.lr, default.betas, default.eps, default.weight_decay) == (
        1e-3, (0.9, 0.999), 1e-8, 1e-2)
    assert repr(default) == ("AdamW(lr=0.001, betas=(0.9, 0.999), eps=1e-08, "
                             "weight_decay=0.01)")
    with pytest.raises(ValueError, match="`weight_decay` must be non-negative, got -1.0"):
        AdamW(weight_decay=-1)
    with pytest.raises(ValueError, match="`lr` must be positive, got 0.0"):
        AdamW(lr=0)
    with pytest.raises(TypeError, match="`betas` must be a pair"):
        AdamW(betas=0.9)
    with pytest.raises(ValueError, match="`parameters\\[0\\]` must have a finite gradient"):
        AdamW().step([(np.zeros(2), np.array([np.nan, 0.0]))])
