r"""The optimizer race without its figure: the racers, their settings and their paths.

Part of :mod:`nnlearn.explore.optimizers` (which re-exports the public names here):
the racers and surfaces of :class:`~nnlearn.explore.optimizers.OptimizerRace`,
:func:`suggested_settings`, :func:`make_optimizer`, the checks of the race's
parameters and the computation of a race (every racer's path and losses, read off a
cache of longer runs when there is one); numpy and nnlearn only.
"""

import numpy as np

from .. import surfaces
from .._validation import (check_choice, check_int, check_interval, check_positive,
                           unknown_name)
from ..optim import SGD, AdaGrad, Adam, RMSprop

__all__ = ["OPTIMIZERS", "SURFACE_NAMES", "MAX_STEPS", "make_optimizer",
           "suggested_settings"]

#: The racers, name → label, in drawing order.
OPTIMIZERS = {"gd": "GD", "momentum": "momentum", "nesterov": "Nesterov",
              "adagrad": "AdaGrad", "rmsprop": "RMSprop", "adam": "Adam"}

#: The surfaces of the race (those of :mod:`nnlearn.surfaces`).
SURFACE_NAMES = ("quadratic", "rosenbrock", "saddle", "beale")

#: The most steps one race may run.
MAX_STEPS = 2000

_ADAPTIVE = ("adagrad", "rmsprop", "adam")

# Learning rates that give an instructive race on each surface: (lr, adaptive_lr).  For
# the quadratic the gradient-descent rate is 1.2 / kappa, between the oscillation onset
# 1/kappa and the threshold 2/kappa.
_SUGGESTED = {"rosenbrock": (0.001, 0.1), "saddle": (0.05, 0.05),
              "beale": (0.005, 0.05)}

# The largest trajectory cache kept (one entry per surface, racer and hyperparameters).
_CACHE_SIZE = 64


def suggested_settings(surface, kappa=10.0):
    r"""Learning rates that give an instructive race on ``surface``;
    returns ``{"lr": ..., "adaptive_lr": ...}``.

    Parameters
    ----------
    surface : str
        One of ``"quadratic"``, ``"rosenbrock"``, ``"saddle"``, ``"beale"``.
    kappa : float, default 10.0
        The quadratic's condition number; its gradient-descent rate is
        :math:`1.2/\kappa`, where the steep direction oscillates but converges.

    Examples
    --------
    >>> suggested_settings("quadratic", kappa=20.0)
    {'lr': 0.06, 'adaptive_lr': 0.1}
    >>> suggested_settings("rosenbrock")
    {'lr': 0.001, 'adaptive_lr': 0.1}
    """
    surface = _check_surface(surface)
    if surface == "quadratic":
        kappa = check_positive(kappa, "kappa")
        return {"lr": round(1.2 / max(kappa, 1.0), 6), "adaptive_lr": 0.1}
    lr, adaptive_lr = _SUGGESTED[surface]
    return {"lr": lr, "adaptive_lr": adaptive_lr}


def make_optimizer(name, lr, adaptive_lr, beta):
    """A fresh :mod:`nnlearn.optim` optimizer for the racer ``name``
    (see the table of the module).

    Examples
    --------
    >>> make_optimizer("adam", 0.01, 0.05, 0.8)
    Adam(lr=0.05, betas=(0.8, 0.999), eps=1e-08)
    >>> make_optimizer("nesterov", 0.01, 0.05, 0.0)  # no momentum: gradient descent
    SGD(lr=0.01)
    """
    if name == "gd" or (name in ("momentum", "nesterov") and beta == 0):
        return SGD(lr)
    if name == "momentum":
        return SGD(lr, momentum=beta)
    if name == "nesterov":
        return SGD(lr, momentum=beta, nesterov=True)
    if name == "adagrad":
        return AdaGrad(adaptive_lr)
    if name == "rmsprop":
        return RMSprop(adaptive_lr)
    if name == "adam":
        return Adam(adaptive_lr, betas=(beta, 0.999))
    raise unknown_name("optimizer", name, OPTIMIZERS)


def _check_surface(surface):
    return check_choice(surface, "surface", SURFACE_NAMES, "surface")


def _check_optimizers(optimizers):
    if isinstance(optimizers, str) or not hasattr(optimizers, "__iter__"):
        raise TypeError("`optimizers` must be a sequence of optimizer names such as "
                        "('gd', 'adam'), "
                        f"got {type(optimizers).__name__} {optimizers!r}.")
    names = tuple(optimizers)
    for name in names:
        if name not in OPTIMIZERS:
            raise unknown_name("optimizer", name, OPTIMIZERS)
    if not names:
        raise ValueError(f"`optimizers` must name at least one of {list(OPTIMIZERS)}, "
                         "got an empty selection.")
    # drawing order, no repeats
    return tuple(name for name in OPTIMIZERS if name in names)


def _race(cache, surface, kappa, lr, adaptive_lr, beta, steps, optimizers):
    """Run every chosen optimizer on the surface; returns the dict that
    ``OptimizerRace.update`` documents.  ``cache`` is the explorer's dict of runs,
    read and filled by :func:`_trajectory`."""
    surface = _check_surface(surface)
    kappa = check_positive(kappa, "kappa")
    if kappa < 1:
        raise ValueError(f"`kappa` must be >= 1 (the ratio of the largest to the "
                         f"smallest curvature), got {kappa!r}.")
    lr = check_positive(lr, "lr")
    adaptive_lr = check_positive(adaptive_lr, "adaptive_lr")
    beta = check_interval(beta, "beta", 0.0, 1.0)
    steps = check_int(steps, "steps", minimum=0)
    if steps > MAX_STEPS:
        raise ValueError(f"`steps` must be at most {MAX_STEPS}, got {steps}.")
    names = _check_optimizers(optimizers)
    surf = (surfaces.quadratic(kappa) if surface == "quadratic"
            else surfaces.get(surface))
    min_value = min(surf(m) for m in surf.minima)
    paths, losses, gaps, settings = {}, {}, {}, {}
    for name in names:
        path, loss = _trajectory(cache, surface, kappa, surf, name, lr, adaptive_lr,
                                 beta, steps)
        paths[name], losses[name] = path, loss
        with np.errstate(invalid="ignore"):
            gaps[name] = loss - min_value
        settings[name] = repr(make_optimizer(name, lr, adaptive_lr, beta))
    return {
        "surface": surface, "kappa": kappa, "lr": lr, "adaptive_lr": adaptive_lr,
        "beta": beta, "steps": steps, "optimizers": names, "surface_obj": surf,
        "min_value": min_value,
        "paths": paths, "losses": losses, "gaps": gaps, "settings": settings,
        "final_gap": {name: float(gap[-1]) for name, gap in gaps.items()},
        "diverged": {name: bool(not np.isfinite(loss[-1]))
                     for name, loss in losses.items()},
    }


def _trajectory(cache, surface, kappa, surf, name, lr, adaptive_lr, beta, steps):
    """``trajectory`` for one racer,
    read off a longer run in ``cache`` when there is one."""
    rate = adaptive_lr if name in _ADAPTIVE else lr
    momentum = beta if name in ("momentum", "nesterov", "adam") else None
    key = (surface, kappa if surface == "quadratic" else None, name, rate, momentum)
    cached = cache.get(key)
    if cached is None or len(cached[0]) < steps + 1:
        optimizer = make_optimizer(name, lr, adaptive_lr, beta)
        cached = surfaces.trajectory(surf, optimizer, steps)
        if len(cache) >= _CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = cached
    path, loss = cached
    # copies: the cache stays intact
    return path[:steps + 1].copy(), loss[:steps + 1].copy()
