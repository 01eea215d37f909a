"""Optimizers: each update rule against an independent implementation of its equations, and errors.

The PyTorch comparison lives in test_torch_reference.py; these tests need numpy only.
"""

import numpy as np
import pytest

from nnlearn import MLP
from nnlearn.losses import get as get_loss
from nnlearn.optim import SGD, AdaGrad, Adam, RMSprop


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
