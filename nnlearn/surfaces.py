r"""Two-dimensional loss surfaces for watching optimizers move.

A network's loss lives in millions of dimensions; these functions of two
variables :math:`\theta = (x, y)` show the same difficulties where they can be
drawn: a long narrow valley, a curved valley, a saddle point, flat plateaus.
Every surface gives its value, its gradient, a standard starting point and its
minimum, and :func:`trajectory` runs any :mod:`nnlearn.optim` optimizer on it,
because optimizers work on any ``(param, grad)`` pairs.

* ``quadratic``: :math:`\tfrac12(x^2 + \kappa y^2)`, condition number :math:`\kappa`;
  minimum at :math:`(0, 0)`;
* ``rosenbrock``: :math:`(1 - x)^2 + 100\,(y - x^2)^2`; minimum at :math:`(1, 1)`;
* ``saddle``: :math:`\tfrac12(x^2 - y^2) + \tfrac14 y^4`; minima at :math:`(0, \pm 1)`;
* ``beale``: :math:`(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2`;
  minimum at :math:`(3, 0.5)`.

The saddle has a saddle point at the origin (a minimum along :math:`x`, a
maximum along :math:`y`) and two minima at :math:`(0, \pm 1)` with
:math:`L = -\tfrac14`.
"""

import inspect

import numpy as np

from ._validation import check_array, check_int, check_positive, unknown_name
from .optim import Optimizer

__all__ = ["Surface", "quadratic", "rosenbrock", "saddle", "beale", "SURFACES", "get",
           "trajectory"]


class Surface:
    """A function of two variables with its gradient, for optimizer demonstrations.

    Parameters
    ----------
    name : str
    value : callable
        ``value(x, y)`` → :math:`L`, element-wise on arrays (for contour plots).
    gradient : callable
        ``gradient(x, y)`` → ``(dL/dx, dL/dy)``.
    start : (float, float)
        A standard starting point.
    minima : list of (float, float)
        The global minima.
    bounds : ((float, float), (float, float))
        The x and y ranges worth plotting.
    """

    def __init__(self, name, value, gradient, start, minima, bounds):
        self.name, self._value, self._gradient = name, value, gradient
        self.start = np.array(start, dtype=float)
        self.minima = [np.array(m, dtype=float) for m in minima]
        self.bounds = bounds

    def __call__(self, theta):
        """:math:`L(\\theta)` for a point ``theta`` of shape (2,)."""
        x, y = _point(theta)
        return float(self._value(x, y))

    def value(self, x, y):
        """:math:`L` at ``x``, ``y`` (arrays of the same shape, e.g. from
        ``np.meshgrid``)."""
        return self._value(np.asarray(x, dtype=float), np.asarray(y, dtype=float))

    def gradient(self, theta):
        """:math:`\\nabla L(\\theta)` as an array of shape (2,)."""
        x, y = _point(theta)
        return np.array(self._gradient(x, y), dtype=float)

    def grid(self, n=200):
        """``(X, Y, Z)`` on an ``n`` by ``n`` grid over ``bounds``, for ``contour``
        plots."""
        n = check_int(n, "n", minimum=2)
        (x0, x1), (y0, y1) = self.bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self.value(X, Y)

    def __repr__(self):
        return f"Surface({self.name!r})"


def quadratic(kappa=10.0):
    r"""The ill-conditioned bowl :math:`\tfrac12(x^2 + \kappa y^2)`: Hessian eigenvalues
    1 and :math:`\kappa`.

    Plain gradient descent converges for :math:`\eta < 2/\kappa` (the largest
    eigenvalue) and moves along :math:`x` at a rate set by the smallest, so
    the larger :math:`\kappa`, the slower it gets.
    """
    kappa = check_positive(kappa, "kappa")
    return Surface(f"quadratic (kappa={kappa:g})",
                   lambda x, y: 0.5 * (x ** 2 + kappa * y ** 2),
                   lambda x, y: (x, kappa * y), start=(-4.0, 1.5), minima=[(0.0, 0.0)],
                   bounds=((-5.0, 5.0), (-2.0, 2.0)))


def rosenbrock():
    r"""Rosenbrock's banana :math:`(1 - x)^2 + 100(y - x^2)^2`: a curved, flat-bottomed
    valley."""
    return Surface("rosenbrock", lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2,
                   lambda x, y: (-2 * (1 - x) - 400 * x * (y - x ** 2),
                                 200 * (y - x ** 2)),
                   start=(-1.5, 2.0), minima=[(1.0, 1.0)],
                   bounds=((-2.0, 2.0), (-1.0, 3.0)))


def saddle():
    r"""A saddle point at the origin between two minima:
    :math:`\tfrac12(x^2 - y^2) + \tfrac14 y^4`."""
    return Surface("saddle", lambda x, y: 0.5 * (x ** 2 - y ** 2) + 0.25 * y ** 4,
                   lambda x, y: (x, -y + y ** 3), start=(-1.5, 1e-3),
                   minima=[(0.0, 1.0), (0.0, -1.0)], bounds=((-2.0, 2.0), (-1.6, 1.6)))


def beale():
    r"""Beale's function: flat plateaus and steep walls, minimum 0 at
    :math:`(3, 0.5)`."""
    def value(x, y):
        return ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2
                + (2.625 - x + x * y ** 3) ** 2)

    def gradient(x, y):
        a, b, c = 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3
        return (2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1),
                2 * a * x + 4 * b * x * y + 6 * c * x * y ** 2)
    return Surface("beale", value, gradient, start=(1.0, 1.4), minima=[(3.0, 0.5)],
                   bounds=((-0.5, 4.0), (-1.5, 2.0)))


def _point(theta):
    """``theta`` as a point ``(x, y)`` of two finite floats, or a clear error naming
    ``theta``."""
    if (isinstance(theta, np.ndarray) and theta.shape == (2,)
            and theta.dtype == np.float64):
        # the common case, from trajectory or a learner's np.array([x, y]):
        # no more checks
        return theta
    theta = check_array(theta, "theta", ndim=1)
    if theta.shape != (2,):
        raise ValueError(f"`theta` must be a point (x, y) of shape (2,), "
                         f"got shape {theta.shape}.")
    return theta


#: Name → constructor table used by :func:`get`.
SURFACES = {"quadratic": quadratic, "rosenbrock": rosenbrock, "saddle": saddle,
            "beale": beale}


def get(name, **options):
    """Return the surface called ``name`` (options such as ``kappa`` go to its
    constructor)."""
    return _get(name, "name", options)


def _get(name, arg, options):
    if isinstance(name, Surface):
        if options:
            raise TypeError(f"options {sorted(options)} apply only to a surface given "
                            f"by name, not to the Surface {name.name!r}.")
        return name
    if not isinstance(name, str):
        raise TypeError(f"`{arg}` must be a surface name (str), one of "
                        f"{sorted(SURFACES)}, or a Surface, got {type(name).__name__} "
                        f"{name!r}. Hint: pass one surface at a time, e.g. "
                        "get('rosenbrock').")
    if name not in SURFACES:
        raise unknown_name("surface", name, SURFACES)
    make = SURFACES[name]
    accepted = list(inspect.signature(make).parameters)
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        takes = f"takes only {accepted}" if accepted else "takes no options"
        raise TypeError(f"Unknown option(s) {unknown} for the surface {name!r}, "
                        f"which {takes}.")
    return make(**options)


def trajectory(surface, optimizer, steps, *, start=None):
    """Run ``optimizer`` on ``surface`` for ``steps`` steps from ``start``.

    Parameters
    ----------
    surface : Surface or str
    optimizer : Optimizer
        A fresh optimizer (its state is used and changed).
    steps : int
    start : array_like of shape (2,), optional
        Defaults to ``surface.start``.

    Returns
    -------
    path : ndarray, shape (steps + 1, 2)
        The points visited, the start first.
    losses : ndarray, shape (steps + 1,)
        :math:`L` at each point.  A run that leaves the reals (overflow) keeps
        ``inf``/``nan`` entries from there on rather than stopping, so that a
        divergent learning rate can be plotted.
    """
    surface = _get(surface, "surface", {})
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"`optimizer` must be an nnlearn optimizer, "
                        f"got {type(optimizer).__name__}.")
    steps = check_int(steps, "steps", minimum=0)
    theta = check_array(surface.start if start is None else start, "start", ndim=1)
    theta = theta.astype(float).copy()
    if theta.shape != (2,):
        raise ValueError(f"`start` must be a point (x, y), got shape {theta.shape}.")
    grad = np.zeros(2)
    pairs = [(theta, grad)]
    optimizer._check_parameters(pairs)
    path = np.empty((steps + 1, 2))
    path[0] = theta
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            grad[:] = surface.gradient(theta)
            optimizer._step(pairs)
            path[t] = theta
        losses = surface.value(path[:, 0], path[:, 1])
    return path, losses
