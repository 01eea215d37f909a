"""Learning-rate schedules: against torch.optim.lr_scheduler, their formulas, errors, and
fit(schedule=).

The torch comparisons are skipped where PyTorch is not installed, unless
NNLEARN_REQUIRE_TORCH is set (then its absence is an error).
"""

import math
import warnings

import numpy as np
import pytest

import nnlearn.schedules
from nnlearn import MLP
from nnlearn.optim import SGD, Adam, AdamW
from nnlearn.schedules import CosineAnnealingLR, ExponentialLR, StepLR
from nnlearn.training import fit
from .helpers import require_torch


def _torch():
    return require_torch()


SETTINGS = [
    ("StepLR", {"step_size": 1, "gamma": 0.5}, 5),
    ("StepLR", {"step_size": 3}, 15),
    ("StepLR", {"step_size": 4, "gamma": 0.0}, 20),
    ("ExponentialLR", {"gamma": 0.9}, 40),
    ("ExponentialLR", {"gamma": 0.37}, 40),
    ("ExponentialLR", {"gamma": 1.0}, 10),
    ("CosineAnnealingLR", {"T_max": 10}, 50),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 1e-3}, 35),
    ("CosineAnnealingLR", {"T_max": 1}, 10),
    ("CosineAnnealingLR", {"T_max": 13, "eta_min": 0.02}, 65),
]


@pytest.mark.parametrize("name, kwargs, epochs", SETTINGS,
                         ids=[f"{n}-{kw}" for n, kw, _ in SETTINGS])
def test_schedules_equal_torch(name, kwargs, epochs):
    """Over >= 5 step_size or 5 T_max epochs (5 cosine half-periods), optimizer.lr equals
    torch's get_last_lr() after every step, to ~1e-15."""
    torch = _torch()
    lr = 0.1
    opt = SGD(lr)
    ours = getattr(nnlearn.schedules, name)(opt, **kwargs)
    leaf = torch.zeros(2, requires_grad=True)
    topt = torch.optim.SGD([leaf], lr=lr)
    theirs = getattr(torch.optim.lr_scheduler, name)(topt, **kwargs)
    assert ours.base_lr == theirs.base_lrs[0] == lr
    assert opt.lr == theirs.get_last_lr()[0]
    seen = []
    for epoch in range(1, epochs + 1):
        leaf.grad = torch.ones(2)
        topt.step()
        theirs.step()
        assert ours.step() == opt.lr
        expected = theirs.get_last_lr()[0]
        assert abs(opt.lr - expected) <= 1e-15 * lr, (epoch, opt.lr, expected)
        assert ours.last_epoch == epoch and ours.last_lr == opt.lr
        seen.append(opt.lr)
    assert len(set(seen)) > 1 or kwargs.get("gamma") == 1.0  # the schedule moved


def test_adamw_under_a_cosine_schedule_equals_torch():
    """The schedule sets the rate AdamW uses for both its step and its decay."""
    torch = _torch()
    rng = np.random.default_rng(3)
    param = rng.normal(size=(3, 4))
    leaf = torch.tensor(param.copy(), requires_grad=True)
    opt = AdamW(lr=0.05, weight_decay=0.1)
    topt = torch.optim.AdamW([leaf], lr=0.05, weight_decay=0.1)
    ours = CosineAnnealingLR(opt, T_max=5, eta_min=0.001)
    theirs = torch.optim.lr_scheduler.CosineAnnealingLR(topt, T_max=5, eta_min=0.001)
    for epoch in range(15):
        for _ in range(3):
            grad = rng.normal(size=param.shape)
            opt.step([(param, grad)])
            leaf.grad = torch.tensor(grad)
            topt.step()
        ours.step()
        theirs.step()
        np.testing.assert_allclose(param, leaf.detach().numpy(), rtol=1e-12,
                                   atol=1e-14)


def test_formulas_without_torch():
    base = 0.3
    step = StepLR(SGD(base), step_size=3, gamma=0.5)
    exp = ExponentialLR(SGD(base), gamma=0.8)
    cos = CosineAnnealingLR(SGD(base), T_max=8)
    for e in range(1, 41):
        assert step.step() == pytest.approx(base * 0.5 ** (e // 3), rel=1e-14)
        assert exp.step() == pytest.approx(base * 0.8 ** e, rel=1e-13)
        closed = 0.5 * base * (1 + math.cos(math.pi * e / 8))
        assert abs(cos.step() - closed) <= 1e-14 * base, e
        if e % 16 == 8:
            assert cos.optimizer.lr == 0.0  # exactly eta_min = 0 at each minimum
        if e % 16 == 0:
            assert cos.optimizer.lr == pytest.approx(base, rel=1e-14)


def test_base_lr_is_recorded_at_construction():
    opt = SGD(0.2)
    schedule = CosineAnnealingLR(opt, T_max=4, eta_min=0.01)
    assert schedule.base_lr == 0.2 and schedule.last_epoch == 0
    assert opt.lr == 0.2  # building a schedule does not change the rate
    for _ in range(4):
        schedule.step()
    assert opt.lr == 0.01
    schedule.step()  # climbing back uses the recorded base rate
    closed = 0.01 + 0.5 * (0.2 - 0.01) * (1 + math.cos(math.pi * 5 / 4))
    assert opt.lr == pytest.approx(closed, rel=1e-13)
    assert repr(schedule) == ("CosineAnnealingLR(SGD, T_max=4, eta_min=0.01; base_lr=0.2, "
                              f"epoch=5, lr={opt.lr:g})")


@pytest.mark.parametrize("make, error, message", [
    (lambda o: StepLR(o, 0), ValueError,
     r"`step_size` must be a positive integer, got 0\. Hint: the number of epochs"),
    (lambda o: StepLR(o, -2), ValueError, r"`step_size` must be a positive integer, got -2"),
    (lambda o: StepLR(o, 2.5), TypeError,
     r"`step_size` must be a positive integer, got float 2\.5\. Hint"),
    (lambda o: StepLR(o, True), TypeError, r"`step_size` must be a positive integer, got bool"),
    (lambda o: StepLR(o, 3, gamma=-0.1), ValueError,
     r"`gamma` must be a finite number >= 0, got -0\.1\. Hint"),
    (lambda o: ExponentialLR(o, float("nan")), ValueError,
     r"`gamma` must be a finite number >= 0, got nan"),
    (lambda o: ExponentialLR(o, "0.9"), TypeError,
     r"`gamma` must be a real number >= 0, got str '0\.9'"),
    (lambda o: CosineAnnealingLR(o, 0), ValueError,
     r"`T_max` must be a positive integer, got 0\. Hint: the number of epochs"),
    (lambda o: CosineAnnealingLR(o, 10, eta_min=-1e-3), ValueError,
     r"`eta_min` must be a finite number >= 0, got -0\.001\. Hint: the lowest"),
    (lambda o: StepLR("sgd", 3), TypeError,
     r"`optimizer` must be an nnlearn optimizer .*got str 'sgd'\. Hint"),
])
def test_bad_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make(SGD(0.1))


# -- fit(schedule=) -------------------------------------------------------------------------------

def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    return X, np.tanh(X @ np.array([[1.0], [-0.5]]))


def test_fit_steps_the_schedule_once_per_epoch_and_records_the_lr():
    X, y = data()
    opt = Adam(0.02)
    schedule = StepLR(opt, step_size=2, gamma=0.5)
    history = fit(MLP([2, 4, 1], rng=0), X, y, loss="mse", optimizer=opt, epochs=6,
                  batch_size=8, schedule=schedule, progress=False, rng=0)
    np.testing.assert_array_equal(history.lr, [0.02, 0.02, 0.01, 0.01, 0.005, 0.005])
    np.testing.assert_array_equal(history["lr"], history.lr)
    assert schedule.last_epoch == 6 and opt.lr == 0.0025  # stepped after the last epoch
    again = fit(MLP([2, 4, 1], rng=0), X, y, loss="mse", optimizer=opt, epochs=2,
                schedule=schedule, progress=False)
    np.testing.assert_array_equal(again.lr, [0.0025, 0.0025])  # epochs 7, 8
    assert opt.lr == 0.00125  # it carried over: epoch 8 was a multiple of 2
    plain = fit(MLP([2, 4, 1], rng=0), X, y, loss="mse", optimizer=SGD(0.1), epochs=2,
                progress=False)
    assert "lr" not in plain
    with pytest.raises(KeyError, match="no record 'lr'"):
        plain.lr


def test_a_zero_learning_rate_from_the_schedule_stops_learning():
    X, y = data()
    net = MLP([2, 4, 1], rng=1)
    opt = SGD(0.1, momentum=0.9)
    snapshots = []

    def snapshot(model, history):
        snapshots.append(model.flat_parameters()[0][0].copy())

    history = fit(net, X, y, loss="mse", optimizer=opt, epochs=8, batch_size=10,
                  schedule=StepLR(opt, step_size=3, gamma=0.0), callbacks=[snapshot],
                  progress=False, rng=0)
    np.testing.assert_array_equal(history.lr, [0.1] * 3 + [0.0] * 5)
    assert not np.array_equal(snapshots[0], snapshots[2])  # learning in epochs 1-3
    for later in snapshots[3:]:
        np.testing.assert_array_equal(later, snapshots[2])  # frozen from epoch 4 on
    assert history.loss[3] == history.loss[-1]


def test_fit_rejects_a_schedule_of_another_optimizer():
    X, y = data()
    opt = SGD(0.1)
    other = StepLR(SGD(0.1), step_size=2)
    with pytest.raises(ValueError, match=r"`schedule` must be built on the `optimizer` "
                                         r"passed to fit.*Hint: build the schedule"):
        fit(MLP([2, 4, 1], rng=0), X, y, loss="mse", optimizer=opt, epochs=2,
            schedule=other, progress=False)
    assert other.last_epoch == 0 and other.optimizer.lr == 0.1  # untouched
    with pytest.raises(TypeError, match=r"`schedule` must be a learning-rate schedule"):
        fit(MLP([2, 4, 1], rng=0), X, y, loss="mse", optimizer=opt, epochs=2,
            schedule="cosine", progress=False)


def test_no_torch_warning_idiom_needed():
    """The schedule may be stepped before any optimizer step (torch warns; nnlearn has
    nothing to warn about) and is deterministic."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = SGD(1.0)
        schedule = ExponentialLR(opt, gamma=0.5)
        assert [schedule.step() for _ in range(3)] == [0.5, 0.25, 0.125]


def test_schedules_and_adamw_are_reachable_from_the_package():
    import nnlearn

    assert nnlearn.schedules.StepLR is StepLR and "schedules" in nnlearn.__all__
    assert nnlearn.optim.AdamW is AdamW and "AdamW" in nnlearn.optim.__all__
