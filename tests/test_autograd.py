"""The scalar autograd engine: each operation's derivative, accumulation, and the same gradients as the layers."""

import math

import numpy as np
import pytest

from nnlearn import MLP
from nnlearn.autograd import Value
from nnlearn.losses import get as get_loss

OPS = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "pow": (lambda a, b: a ** 3 + b, lambda a, b: a ** 3 + b),
    "exp": (lambda a, b: (a * b).exp(), lambda a, b: math.exp(a * b)),
    "log": (lambda a, b: (a * a + b * b).log(), lambda a, b: math.log(a * a + b * b)),
    "tanh": (lambda a, b: (a - b).tanh(), lambda a, b: math.tanh(a - b)),
    "sigmoid": (lambda a, b: (a * b).sigmoid(), lambda a, b: 1 / (1 + math.exp(-a * b))),
    "relu": (lambda a, b: (a - b).relu() * b, lambda a, b: max(a - b, 0) * b),
    "rsub-rdiv": (lambda a, b: 2 - a / (1 + b * b), lambda a, b: 2 - a / (1 + b * b)),
}


@pytest.mark.parametrize("name", list(OPS))
def test_each_operation_against_finite_differences(name):
    f_value, f_float = OPS[name]
    a0, b0, h = 0.7, -1.3, 1e-6
    a, b = Value(a0), Value(b0)
    out = f_value(a, b)
    out.backward()
    assert out.data == pytest.approx(f_float(a0, b0), rel=1e-12)
    assert a.grad == pytest.approx((f_float(a0 + h, b0) - f_float(a0 - h, b0)) / (2 * h), rel=1e-6, abs=1e-9)
    assert b.grad == pytest.approx((f_float(a0, b0 + h) - f_float(a0, b0 - h)) / (2 * h), rel=1e-6, abs=1e-9)


def test_a_value_used_twice_collects_both_gradients():
    a = Value(3.0)
    y = a * a
    y.backward()
    assert a.grad == 6.0  # 2a, not a: the += in every backward step
    y.backward()
    assert a.grad == 6.0  # backward() starts from zero every time


def test_same_gradients_as_the_layers():
    """A 2-3-2-1 tanh network with a sigmoid output and MSE: the scalar graph equals the matrix backward pass."""
    rng = np.random.default_rng(0)
    net = MLP([2, 3, 2, 1], activation="tanh", output_activation="sigmoid", rng=0)
    for p, _ in net.parameters():
        p += 0.1 * rng.normal(size=p.shape)
    X, y = rng.normal(size=(4, 2)), rng.random((4, 1))
    loss = get_loss("mse")
    net.backward(loss.gradient(net.forward(X), y))

    weights = [np.vectorize(Value, otypes=[object])(p) for p, _ in net.parameters()]
    total = Value(0.0)
    for x_row, target in zip(X, y[:, 0]):
        a = [Value(float(v)) for v in x_row]
        for layer in range(3):
            W, b = weights[2 * layer], weights[2 * layer + 1]
            z = [sum((a[i] * W[i, j] for i in range(len(a))), b[j]) for j in range(W.shape[1])]
            a = [zj.tanh() for zj in z] if layer < 2 else [z[0].sigmoid()]
        total = total + (a[0] - float(target)) ** 2
    L = total / len(X)
    L.backward()
    assert L.data == pytest.approx(loss(net.forward(X), y), rel=1e-12)
    for (param, grad), values in zip(net.parameters(), weights):
        np.testing.assert_allclose(np.vectorize(lambda v: v.grad)(values), grad, rtol=1e-10, atol=1e-14)


def test_deep_graphs_do_not_hit_the_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(20_000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0


def test_errors_and_repr():
    with pytest.raises(TypeError, match="`data` must be a real number, got str"):
        Value("1")
    with pytest.raises(ValueError, match="log needs a positive value"):
        Value(-1.0).log()
    with pytest.raises(TypeError, match="`exponent` must be a constant"):
        Value(2.0) ** Value(2.0)
    assert repr(Value(1.5, "w")) == "Value(data=1.5, grad=0, label='w')"
