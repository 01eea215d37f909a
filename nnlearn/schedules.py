r"""Learning-rate schedules: change an optimizer's learning rate from epoch to epoch.

A schedule is built on an optimizer, records its learning rate as the base rate
:math:`\eta_0`, and sets ``optimizer.lr`` each time :meth:`~Schedule.step` is called,
once per epoch, after that epoch's updates::

    opt = nnlearn.optim.SGD(lr=0.1, momentum=0.9)
    schedule = nnlearn.schedules.CosineAnnealingLR(opt, T_max=50)
    for epoch in range(50):
        ...                 # the epoch's optimizer steps, at opt.lr
        schedule.step()

or simply ``nnlearn.fit(..., optimizer=opt, schedule=schedule)``, which does the same
and records each epoch's rate in ``history["lr"]``.

:math:`e` counts the calls of ``step`` (the epochs done) and :math:`\eta_e` is the rate
after :math:`e` of them.  Each schedule computes :math:`\eta_e` from
:math:`\eta_{e-1}` as ``torch.optim.lr_scheduler`` does, so that after the same number
of steps ``optimizer.lr`` equals torch's ``get_last_lr()`` to the last bits, and a
rate set on the optimizer by hand in between is carried along as in torch.  A rate of
exactly 0 is allowed (it stops learning).
"""

import math
import numbers

from .optim import Optimizer

__all__ = ["Schedule", "StepLR", "ExponentialLR", "CosineAnnealingLR"]


def _check_optimizer(optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError("`optimizer` must be an nnlearn optimizer such as "
                        "nnlearn.optim.SGD(lr=0.1), got "
                        f"{type(optimizer).__name__} {optimizer!r}. Hint: build the "
                        "optimizer first, then the schedule on it.")
    return optimizer


def _check_positive_int(value, name, hint):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be a positive integer, got "
                        f"{type(value).__name__} {value!r}. Hint: {hint}")
    if value < 1:
        raise ValueError(f"`{name}` must be a positive integer, got {value}. "
                         f"Hint: {hint}")
    return int(value)


def _check_non_negative(value, name, hint):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number >= 0, got "
                        f"{type(value).__name__} {value!r}. Hint: {hint}")
    value = float(value)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"`{name}` must be a finite number >= 0, got {value!r}. "
                         f"Hint: {hint}")
    return value


class Schedule:
    """Base class: holds the optimizer, its base rate and the number of steps taken.

    Attributes
    ----------
    optimizer : Optimizer
        The optimizer whose ``lr`` this schedule sets.
    base_lr : float
        ``optimizer.lr`` when the schedule was built, :math:`\\eta_0`.
    last_epoch : int
        The number of :meth:`step` calls so far, :math:`e`.
    last_lr : float
        The rate the last step set (``base_lr`` before any), as torch's
        ``get_last_lr()[0]``.
    """

    def __init__(self, optimizer):
        self.optimizer = _check_optimizer(optimizer)
        self.base_lr = float(optimizer.lr)
        self.last_epoch = 0
        self.last_lr = self.base_lr

    def step(self):
        """End an epoch: set ``optimizer.lr`` to the next epoch's rate; returns it."""
        self.last_epoch += 1
        self.last_lr = self.optimizer.lr = float(self._next_lr(self.optimizer.lr))
        return self.last_lr

    def _next_lr(self, lr):
        raise NotImplementedError

    def _repr_args(self):
        return ""

    def __repr__(self):
        return (f"{type(self).__name__}({type(self.optimizer).__name__}"
                f"{self._repr_args()}; base_lr={self.base_lr:g}, "
                f"epoch={self.last_epoch}, lr={self.optimizer.lr:g})")


class StepLR(Schedule):
    r"""Multiply the rate by ``gamma`` every ``step_size`` epochs.

    .. math::
        \eta_e = \begin{cases} \gamma\,\eta_{e-1} & e \text{ a multiple of } s\\
                               \eta_{e-1} & \text{otherwise}\end{cases}
        \qquad\text{i.e.}\quad \eta_e = \eta_0\,\gamma^{\lfloor e/s \rfloor}

    Equals ``torch.optim.lr_scheduler.StepLR``.

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        The period :math:`s \ge 1`, in epochs.
    gamma : float, default 0.1
        The factor :math:`\gamma \ge 0`.
    """

    def __init__(self, optimizer, step_size, gamma=0.1):
        super().__init__(optimizer)
        self.step_size = _check_positive_int(
            step_size, "step_size", "the number of epochs between two decays, "
            "e.g. step_size=30.")
        self.gamma = _check_non_negative(
            gamma, "gamma", "the factor applied every step_size epochs, e.g. 0.1.")

    def _next_lr(self, lr):
        return lr * self.gamma if self.last_epoch % self.step_size == 0 else lr

    def _repr_args(self):
        return f", step_size={self.step_size}, gamma={self.gamma}"


class ExponentialLR(Schedule):
    r"""Multiply the rate by ``gamma`` every epoch.

    .. math::
        \eta_e = \gamma\,\eta_{e-1}, \qquad\text{i.e.}\quad \eta_e = \eta_0\,\gamma^e

    Equals ``torch.optim.lr_scheduler.ExponentialLR``.

    Parameters
    ----------
    optimizer : Optimizer
    gamma : float
        The factor :math:`\gamma \ge 0`, e.g. 0.95.
    """

    def __init__(self, optimizer, gamma):
        super().__init__(optimizer)
        self.gamma = _check_non_negative(
            gamma, "gamma", "the factor applied every epoch, e.g. gamma=0.95.")

    def _next_lr(self, lr):
        return lr * self.gamma

    def _repr_args(self):
        return f", gamma={self.gamma}"


class CosineAnnealingLR(Schedule):
    r"""Anneal the rate from :math:`\eta_0` down to ``eta_min`` along a half cosine over
    ``T_max`` epochs, then back up, periodically.

    .. math::
        \eta_e = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})
                 \Bigl(1 + \cos\frac{\pi e}{T_{\max}}\Bigr)

    is the closed form (SGDR, Loshchilov & Hutter 2017, without restarts).  As
    ``torch.optim.lr_scheduler.CosineAnnealingLR``, the rate is computed from the
    previous one,

    .. math::
        \eta_e = \eta_{\min} + (\eta_{e-1} - \eta_{\min})\,
                 \frac{1 + \cos(\pi e / T_{\max})}{1 + \cos(\pi (e-1) / T_{\max})},

    except just after a minimum (:math:`e - 1 - T_{\max}` a multiple of
    :math:`2T_{\max}`), where the ratio would be 0/0:
    :math:`\eta_e = \eta_{e-1} + \tfrac12(\eta_0 - \eta_{\min})
    (1 - \cos(\pi/T_{\max}))`.  The two agree to about :math:`10^{-14}`; the
    recursion is followed so that the values equal torch's exactly, past
    :math:`T_{\max}` too.  At :math:`e = T_{\max}` the rate is ``eta_min``, which may be
    0.

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        Half-period :math:`T_{\max} \ge 1`, in epochs (usually the number of epochs).
    eta_min : float, default 0
        The lowest rate :math:`\eta_{\min} \ge 0`.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0):
        super().__init__(optimizer)
        self.T_max = _check_positive_int(
            T_max, "T_max", "the number of epochs from the base rate down to "
            "eta_min, usually the number of epochs of training.")
        self.eta_min = _check_non_negative(
            eta_min, "eta_min", "the lowest learning rate, e.g. 0.0 or 1e-5.")

    def _next_lr(self, lr):
        e, T, low = self.last_epoch, self.T_max, self.eta_min
        if (e - 1 - T) % (2 * T) == 0:
            return lr + (self.base_lr - low) * (1 - math.cos(math.pi / T)) / 2
        return ((1 + math.cos(math.pi * e / T))
                / (1 + math.cos(math.pi * (e - 1) / T)) * (lr - low) + low)

    def _repr_args(self):
        return f", T_max={self.T_max}, eta_min={self.eta_min}"
