r"""Explorer for chapter 8: gradient descent, with and without feature scaling.

:class:`ScalingExplorer` fits :math:`\hat y = w_1 x_1 + w_2 x_2` to a fixed
seeded data set of :data:`N_SAMPLES` examples by full-batch gradient descent on

.. math::

    L(w) = \frac{1}{2n} \lVert X w - y \rVert^2
         = L^\star + \tfrac12 (w - w^\star)^\top H (w - w^\star),
    \qquad H = \tfrac1n X^\top X,

where the features and the target are centred (so no intercept is needed)
and :math:`w^\star` is the least-squares solution.  The second feature is
multiplied by ``scale``, as if it were measured in smaller units; with
``standardise=True`` both features are divided by their standard deviation
first, as :class:`sklearn.preprocessing.StandardScaler` does, and the scale no
longer matters.

Gradient descent :math:`w_{t+1} = w_t - \eta H (w_t - w^\star)` starts at
:math:`w_0 = 0` with the learning rate :math:`\eta = c/\lambda_{\max}(H)`,
where :math:`c` is ``lr_factor``; it converges exactly when
:math:`0 < c < 2`.  Because the loss is quadratic, the path is computed in
closed form from the eigendecomposition :math:`H = V \Lambda V^\top`:
:math:`w_t - w^\star = V (I - \eta\Lambda)^t V^\top (w_0 - w^\star)`.
"""

import functools

import numpy as np

from .._validation import check_int, check_interval
from ._layers import LayeredExplorer, set_limits

__all__ = ["ScalingExplorer", "scaling_data", "N_SAMPLES", "MAX_STEPS", "WINDOW"]

#: Examples in the explorer's data set.
N_SAMPLES = 100

#: The most gradient-descent steps one update may run.
MAX_STEPS = 2000

#: The weight window of the contour panel, (w1_min, w1_max, w2_min, w2_max).
WINDOW = (-0.75, 3.0, -1.0, 2.75)

_GRID = 81


def scaling_data(scale=1.0, standardise=False):
    r"""The explorer's data: centred features (100, 2) and centred targets (100,).

    The underlying features :math:`z_1, z_2` are standard normal with
    correlation 0.3 (seed 0), and :math:`y = 2 z_1 + 1.5 z_2 + 0.5\,\varepsilon`.
    The returned second feature is :math:`x_2 = \text{scale}\cdot z_2`.

    Parameters
    ----------
    scale : float, default 1.0
        Factor multiplying the second feature (positive).
    standardise : bool, default False
        Divide each (centred) feature by its standard deviation.

    Returns
    -------
    X : ndarray, shape (100, 2)
    y : ndarray, shape (100,)

    Examples
    --------
    >>> X, y = scaling_data(10.0)
    >>> X.shape, round(float(X[:, 1].std() / X[:, 0].std()), 1)
    ((100, 2), 10.2)
    >>> Xs, _ = scaling_data(10.0, standardise=True)
    >>> np.allclose(Xs.std(axis=0), 1.0)
    True
    """
    scale = check_interval(scale, "scale", 0.0, np.inf, low_closed=False)
    if not isinstance(standardise, (bool, np.bool_)):
        raise TypeError(f"`standardise` must be True or False, got "
                        f"{type(standardise).__name__} {standardise!r}.")
    rng = np.random.default_rng(0)
    z = rng.standard_normal((N_SAMPLES, 2))
    z[:, 1] = 0.3 * z[:, 0] + np.sqrt(1 - 0.3**2) * z[:, 1]
    y = 2.0 * z[:, 0] + 1.5 * z[:, 1] + 0.5 * rng.standard_normal(N_SAMPLES)
    X = z * np.array([1.0, scale])
    X = X - X.mean(axis=0)
    y = y - y.mean()
    if standardise:
        X = X / X.std(axis=0)
    return X, y


@functools.lru_cache(maxsize=32)
def _quadratic(scale, standardise):
    """What the loss is for one data set, whatever the learning rate and the steps.

    Returns ``H, w_star, loss_star, lam, V, w1, w2, contours`` (see
    :meth:`ScalingExplorer.update`), the arrays read-only.  Cached: moving the
    learning rate or the steps reuses them, and a slider often comes back to a value.
    """
    X, y = scaling_data(scale, standardise)
    n = len(y)
    H = X.T @ X / n
    w_star = np.linalg.solve(H, X.T @ y / n)
    loss_star = 0.5 * np.mean((X @ w_star - y) ** 2)
    lam, V = np.linalg.eigh(H)
    w1 = np.linspace(WINDOW[0], WINDOW[1], _GRID)
    w2 = np.linspace(WINDOW[2], WINDOW[3], _GRID)
    D1, D2 = np.meshgrid(w1 - w_star[0], w2 - w_star[1])
    contours = 0.5 * (H[0, 0] * D1**2 + 2 * H[0, 1] * D1 * D2 + H[1, 1] * D2**2)
    for array in (H, w_star, lam, V, w1, w2, contours):
        array.flags.writeable = False
    return H, w_star, loss_star, lam, V, w1, w2, contours


class ScalingExplorer(LayeredExplorer):
    r"""Gradient descent on a two-feature least-squares loss: loss contours, the path,
    and the loss per step.

    Parameters (of ``update`` and the constructor)
    ----------------------------------------------
    scale : float, default 10.0
        Factor multiplying the second feature, in [1, 100].
    standardise : bool, default False
        Standardise both features before gradient descent.
    lr_factor : float, default 1.8
        The learning rate is ``lr_factor / lambda_max(H)``; in (0, 2.2]
        (above 2 gradient descent diverges).
    steps : int, default 100
        Gradient-descent steps, 0 to :data:`MAX_STEPS`.

    ``update`` returns a dict with ``"w1"``, ``"w2"`` (grid axes, shape (81,)),
    ``"contours"`` (loss gap :math:`L - L^\star` on the grid, shape (81, 81),
    rows indexed by ``w2``), ``"path"`` (shape (steps + 1, 2)), ``"losses"``
    (:math:`L(w_t)`, shape (steps + 1,)), ``"gaps"`` (:math:`L(w_t) - L^\star`),
    ``"w_star"``, ``"loss_star"``, ``"hessian"``, ``"condition_number"``,
    ``"lr"`` and ``"steps_to_tol"`` (first step with gap below
    :math:`10^{-6}`, or None).  The arrays that depend only on ``scale`` and
    ``standardise`` (grid, contours, minimum, Hessian) are computed once for
    each pair and read-only.

    Examples
    --------
    >>> ex = ScalingExplorer(scale=10.0, steps=50)
    >>> r = ex.result
    >>> r["path"].shape, round(r["condition_number"])
    ((51, 2), 126)
    >>> r = ScalingExplorer(scale=10.0, standardise=True).result
    >>> round(float(r["condition_number"]), 2)
    2.46
    """

    defaults = {"scale": 10.0, "standardise": False, "lr_factor": 1.8, "steps": 100}

    #: Gap below which the loss counts as converged (``steps_to_tol``).
    tol = 1e-6

    def __init__(self, *, figsize=(6.5, 3.2), dpi=80, **params):
        super().__init__(figsize=figsize, dpi=dpi, **params)

    def update(self, scale, standardise, lr_factor, steps):
        """The contours, the gradient-descent path and the losses (see the class)."""
        scale = check_interval(scale, "scale", 1.0, 100.0, high_closed=True)
        lr_factor = check_interval(lr_factor, "lr_factor", 0.0, 2.2, low_closed=False,
                                   high_closed=True)
        steps = check_int(steps, "steps", minimum=0)
        if steps > MAX_STEPS:
            raise ValueError(f"`steps` must be at most {MAX_STEPS}, got {steps}.")
        if not isinstance(standardise, (bool, np.bool_)):
            raise TypeError(f"`standardise` must be True or False, got "
                            f"{type(standardise).__name__} {standardise!r}.")
        H, w_star, loss_star, lam, V, w1, w2, contours = _quadratic(float(scale),
                                                                    bool(standardise))
        lr = lr_factor / lam[-1]
        # w_t - w* = V (1 - lr*lam)^t V^T (w_0 - w*), with w_0 = 0
        factors = (1.0 - lr * lam)[None, :] ** np.arange(steps + 1)[:, None]
        with np.errstate(over="ignore", invalid="ignore"):
            coords = factors * (V.T @ (-w_star))[None, :]
            path = w_star + coords @ V.T
            gaps = 0.5 * np.sum(lam * coords**2, axis=1)
        path[0] = 0.0          # exactly the start, not w* + (0 - w*) in floating point
        below = np.flatnonzero(gaps < self.tol)
        self.result = {
            "w1": w1, "w2": w2, "contours": contours, "path": path,
            "losses": loss_star + gaps, "gaps": gaps, "w_star": w_star,
            "loss_star": loss_star, "hessian": H,
            "condition_number": lam[-1] / lam[0], "lr": lr,
            "steps_to_tol": int(below[0]) if below.size else None,
        }
        return self.result

    def _init_figure(self, fig):
        from matplotlib.ticker import MaxNLocator

        ax, ax_loss = fig.subplots(1, 2, width_ratios=[1, 1.15])
        self._ax, self._ax_loss = ax, ax_loss
        self._heat = ax.imshow(np.zeros((_GRID, _GRID)), origin="lower", extent=WINDOW,
                               cmap="cividis_r", vmin=-4, vmax=2, aspect="equal",
                               interpolation="none")
        (self._path_line,) = ax.plot([], [], color="#D55E00", marker="o",
                                     markersize=2.5, linewidth=1.2, label="GD path")
        (self._star,) = ax.plot([], [], marker="*", color="white",
                                markeredgecolor="black", markersize=12,
                                linestyle="none", label="minimum $w^\\star$")
        ax.plot(0, 0, marker="s", color="black", markersize=5, linestyle="none",
                label="start $w_0 = 0$")
        ax.set(xlim=WINDOW[:2], ylim=WINDOW[2:], xlabel="weight w1", ylabel="weight w2",
               xticks=[0, 1, 2, 3], yticks=[-1, 0, 1, 2])
        # log10 of the gap on a linear axis: a log axis recomputes many minor ticks on
        # every draw
        (self._loss_line,) = ax_loss.plot([0, 1], [0, 0], color="#0072B2",
                                          label="L(w_t) - L*")
        ax_loss.axhline(np.log10(self.tol), color="0.4", linestyle=":", linewidth=1,
                        label="tolerance")
        ax_loss.set(ylim=(-10, 2), xlabel="step t",
                    ylabel="log10 loss gap (dotted: tolerance)",
                    yticks=[-10, -8, -6, -4, -2, 0, 2])
        ax_loss.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        self._title = ax_loss.set_title("", fontsize=9)
        # What _draw changes; a redraw draws only these (see LayeredExplorer).
        self._dynamic_artists = [self._heat, self._path_line, self._star,
                                 self._loss_line, self._title]

    def _draw(self, result):
        with np.errstate(divide="ignore"):
            self._heat.set_data(np.log10(result["contours"]))
        self._path_line.set_data(result["path"][:, 0], result["path"][:, 1])
        self._star.set_data([result["w_star"][0]], [result["w_star"][1]])
        steps = len(result["gaps"]) - 1
        with np.errstate(divide="ignore"):
            log_gaps = np.log10(np.maximum(result["gaps"], 1e-300))
        self._loss_line.set_data(np.arange(steps + 1), log_gaps)
        set_limits(self._ax_loss, x=(0, max(steps, 1)))
        reached = result["steps_to_tol"]
        # plain text, no mathtext: it is drawn again on every redraw
        self._title.set_text(f"κ = {result['condition_number']:.3g}: "
                             + (f"{reached} steps to 1e-6" if reached is not None
                                else f"> {steps} steps"))

    def _controls(self):
        import ipywidgets as widgets

        p = self.params
        return {
            "scale": widgets.FloatLogSlider(value=p["scale"], base=10, min=0, max=2,
                                            step=0.05, description="scale of x2"),
            "standardise": widgets.Checkbox(value=bool(p["standardise"]),
                                            description="standardise"),
            "lr_factor": widgets.FloatSlider(value=p["lr_factor"], min=0.1, max=2.2,
                                             step=0.05, description="η·λmax"),
            "steps": widgets.IntSlider(value=p["steps"], min=0, max=MAX_STEPS, step=10,
                                       description="steps"),
        }
