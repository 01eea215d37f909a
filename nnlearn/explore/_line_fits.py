r"""The data and the line fits of :class:`~nnlearn.explore.losses.LossExplorer`:
points on a line with outliers (:func:`outlier_data`), and the line that minimises
MSE, MAE or Huber (:func:`fit_line`), exactly and fast enough for a slider.

Part of :mod:`nnlearn.explore.losses`, which re-exports both; numpy only.
"""

import numpy as np

from .._validation import (
    check_array,
    check_int,
    check_positive,
    check_real,
    check_rng,
    unknown_name,
)

__all__ = ["outlier_data", "fit_line", "TRUE_LINE"]

#: Slope and intercept of the line the explorer's data come from.
TRUE_LINE = (2.0, 1.0)


def outlier_data(outlier, n_outliers=1, *, n=30, noise=0.5, rng=0):
    r"""Points on the line :math:`y = 2x + 1` with Gaussian noise,
    some of them moved down as outliers.

    Parameters
    ----------
    outlier : float
        How far the outliers are moved down (in units of :math:`y`); 0 leaves the
        data clean.
    n_outliers : int, default 1
        How many points become outliers: those with the largest :math:`x`,
        where a point pulls hardest on the slope of a least-squares line.
    n : int, default 30
        Number of points; :math:`x` is drawn uniformly from :math:`[-2, 2]` and sorted.
    noise : float, default 0.5
        Standard deviation of the Gaussian noise added to :math:`y`.
    rng : None, int or numpy.random.Generator, default 0
        The randomness of :math:`x` and the noise; the outliers do not change them.

    Returns
    -------
    x, y : ndarray, shape (n,)
    is_outlier : ndarray of bool, shape (n,)

    Examples
    --------
    >>> x, y, is_outlier = outlier_data(10.0, n_outliers=2)
    >>> (x.shape, int(is_outlier.sum()),
    ...  bool(x[is_outlier].min() >= x[~is_outlier].max()))
    ((30,), 2, True)
    """
    outlier = check_real(outlier, "outlier")
    n = check_int(n, "n", minimum=3)
    n_outliers = check_int(n_outliers, "n_outliers", minimum=0)
    if n_outliers > n - 2:
        raise ValueError(f"`n_outliers` must leave at least two clean points, "
                         f"so be <= {n - 2} for n={n}, got {n_outliers}.")
    noise = check_positive(noise, "noise", allow_zero=True)
    generator = check_rng(rng)
    x = np.sort(generator.uniform(-2.0, 2.0, n))
    y = TRUE_LINE[0] * x + TRUE_LINE[1] + generator.normal(0.0, noise, n)
    is_outlier = np.zeros(n, dtype=bool)
    if n_outliers:
        is_outlier[-n_outliers:] = True
    y = y - outlier * is_outlier
    return x, y, is_outlier


def fit_line(x, y, loss="mse", *, delta=1.0):
    r"""The line :math:`\hat y = wx + b` with the smallest mean loss over the points;
    returns ``(w, b)``.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        The points (at least two distinct :math:`x` values).
    loss : {"mse", "mae", "huber"}
        Which mean loss of the residuals :math:`wx_i + b - y_i` to minimise.
    delta : float, default 1.0
        The Huber threshold :math:`\delta` (used only for ``"huber"``).

    Returns
    -------
    w, b : float

    Notes
    -----
    * ``"mse"``: ordinary least squares, solved exactly with :func:`numpy.linalg.lstsq`.
    * ``"mae"``: least absolute deviations.  The mean absolute error is convex
      and piecewise linear in :math:`(w, b)`, so its minimum is attained at a
      vertex, where two residuals are zero: a line through two data points.
      All :math:`n(n-1)/2` such lines are tried at once and the best is kept
      (exact; for the book's 30 points, 435 lines).
    * ``"huber"``: iteratively reweighted least squares, started from the MAE
      line.  Each step solves weighted least squares with weights
      :math:`\min(1, \delta/|r_i|)`; this decreases the Huber loss at every
      step and converges to its minimum.

    Examples
    --------
    >>> x = np.array([0.0, 1.0, 2.0, 3.0])
    >>> fit_line(x, 2 * x + 1)
    (2.0, 1.0)
    >>> w, b = fit_line(x, np.array([1.0, 3.0, 5.0, -50.0]), "mae")
    >>> round(w, 12), round(b, 12)
    (2.0, 1.0)
    """
    x = check_array(x, "x", ndim=1)
    y = check_array(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"`x` and `y` must have the same length, "
                         f"got {x.shape[0]} and {y.shape[0]}.")
    if x.size < 2 or np.ptp(x) == 0:
        raise ValueError("`x` must hold at least two distinct values to fit a line, "
                         f"got {x.size} value(s) with {np.unique(x).size} distinct.")
    if not isinstance(loss, str) or loss not in ("mse", "mae", "huber"):
        raise unknown_name("regression loss", loss, ("mse", "mae", "huber"))
    delta = check_positive(delta, "delta")
    if loss == "mse":
        return _least_squares(x, y, np.ones_like(x))
    w, b = _least_absolute(x, y)
    if loss == "mae":
        return w, b
    return _huber_irls(x, y, w, b, delta)


def _least_squares(x, y, weights):
    """Weighted least squares for (w, b): the 2 x 2 normal equations,
    solved in closed form."""
    s0, s1, s2 = weights.sum(), weights @ x, weights @ (x * x)
    t0, t1 = weights @ y, weights @ (x * y)
    det = s0 * s2 - s1 * s1
    return float((s0 * t1 - s1 * t0) / det), float((s2 * t0 - s1 * t1) / det)


def _least_absolute(x, y):
    """Exact least-absolute-deviations line: the best of the lines through two
    data points."""
    i, j = np.triu_indices(x.size, k=1)
    keep = x[i] != x[j]
    i, j = i[keep], j[keep]
    w = (y[j] - y[i]) / (x[j] - x[i])
    b = y[i] - w * x[i]
    cost = np.abs(np.outer(w, x) + b[:, None] - y).sum(axis=1)
    best = int(np.argmin(cost))
    return float(w[best]), float(b[best])


def _huber_irls(x, y, w, b, delta, max_iter=200, tol=1e-12):
    """Iteratively reweighted least squares for the Huber loss,
    from the start (w, b)."""
    for _ in range(max_iter):
        r = np.abs(w * x + b - y)
        weights = np.minimum(1.0, delta / np.maximum(r, 1e-300))
        w_new, b_new = _least_squares(x, y, weights)
        if abs(w_new - w) + abs(b_new - b) <= tol * (1.0 + abs(w) + abs(b)):
            return w_new, b_new
        w, b = w_new, b_new
    return w, b
