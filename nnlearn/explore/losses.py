r"""Explorer for chapter 4: a loss and its gradient, and a straight line fitted with
three regression losses.

:class:`LossExplorer` has two halves.

* **One loss, one prediction.**  For a loss chosen from a dropdown and a
  target :math:`y`, it draws the loss of a single prediction,
  :math:`\ell(\hat y, y)`, and its derivative :math:`\partial\ell/\partial\hat y`
  over a range of predictions, both computed by :mod:`nnlearn.losses` (with one
  element, so the mean over elements is the element's own loss).  The choices
  ``"sigmoid_mse"`` and ``"sigmoid_bce"`` put a sigmoid in front of the loss and
  draw everything against the score :math:`z`, :math:`\hat y = \sigma(z)`: the
  derivative :math:`\partial\ell/\partial z` then shows why squared error with
  a sigmoid output learns slowly when it is confidently wrong.
* **A line through data with outliers.**  Thirty points on :math:`y = 2x + 1`
  with Gaussian noise (:func:`outlier_data`); the ``n_outliers`` points with
  the largest :math:`x` are moved down by ``outlier``.  The line
  :math:`\hat y = wx + b` minimising each of MSE, MAE and Huber is drawn
  (:func:`fit_line`).

The line fits are exact and fast, so that the figure follows a slider: least
squares in closed form for MSE; for MAE a search over the lines through two
data points, among which an L1 fit always lies; iteratively reweighted least
squares for Huber.  They find the same lines that gradient descent on an
``MLP([1, 1])`` with :func:`nnlearn.training.fit` converges to (the tests check it).
The data and the fits live in ``_line_fits`` (numpy only), the explorer here.
"""

import functools

import numpy as np

from .._validation import check_int, check_positive, check_real, unknown_name
from ..activations import get as get_activation
from ..losses import get as get_loss
from ._layers import LayeredExplorer, Layers, set_limits
from ._line_fits import TRUE_LINE, fit_line, outlier_data

__all__ = ["LossExplorer", "outlier_data", "fit_line", "LOSS_CHOICES"]

#: The explorer's loss choices, name → (nnlearn loss name, whether a sigmoid comes
#: first, label).
LOSS_CHOICES = {
    "mse": ("mse", False, "MSE"),
    "mae": ("mae", False, "MAE"),
    "huber": ("huber", False, "Huber"),
    "bce": ("bce", False, "binary cross-entropy"),
    "sigmoid_mse": ("mse", True, "sigmoid + MSE"),
    "sigmoid_bce": ("bce", True, "sigmoid + BCE"),
}

#: The faint curve drawn for comparison with each choice.
_REFERENCE = {"mse": "mae", "mae": "mse", "huber": "mse", "bce": "mse",
              "sigmoid_mse": "sigmoid_bce", "sigmoid_bce": "sigmoid_mse"}

_REGRESSION_GRID = np.linspace(-3.0, 4.0, 141)   # predictions y_hat
_PROBABILITY_GRID = np.linspace(0.005, 0.995, 100)  # predicted probabilities p
_SCORE_GRID = np.linspace(-8.0, 8.0, 129)        # scores z, with y_hat = sigmoid(z)

def _loss_curve(choice, target, delta, grid=None):
    """Grid, loss of each single prediction and its derivative,
    for one of :data:`LOSS_CHOICES`.

    The grid is the choice's own (predictions, probabilities or scores) unless one
    is given.
    """
    name, through_sigmoid, _ = LOSS_CHOICES[choice]
    loss = get_loss(name, delta=delta) if name == "huber" else get_loss(name)
    sigmoid = get_activation("sigmoid")
    if grid is None:
        grid = (_SCORE_GRID if through_sigmoid
                else _PROBABILITY_GRID if name == "bce"
                else _REGRESSION_GRID)
    pred = sigmoid(grid) if through_sigmoid else grid
    pred_col = pred.reshape(-1, 1)
    target_col = np.full_like(pred_col, target)
    # One element per evaluation: the mean over elements is that element's loss.
    value = np.array([loss._value(pred_col[k:k + 1], target_col[k:k + 1])
                      for k in range(pred.size)])
    # The gradient of the mean over the grid's M elements is (1/M) times each
    # element's derivative.
    grad = (loss._gradient(pred_col, target_col) * pred.size).ravel()
    if through_sigmoid:
        # chain rule: dl/dz = dl/dy_hat * sigmoid'(z)
        grad = sigmoid.backward(grid, grad)
    return grid, value, grad


@functools.lru_cache(maxsize=64)
def _curves(choice, target, delta):
    """The loss curve of a choice and its comparison's, cached (read-only arrays):
    a slider of the fit panel leaves them unchanged."""
    grid, value, grad = _loss_curve(choice, target, delta)
    # The comparison curve shares the chosen loss's axis (squared error of a
    # probability, for "bce").
    _, ref_value, ref_grad = _loss_curve(_REFERENCE[choice], target, delta, grid=grid)
    curves = (grid, value, grad, ref_value, ref_grad)
    for array in curves:
        array.setflags(write=False)
    return curves


def _axis_label(choice):
    """The horizontal axis of the loss panel: its label and the variable's symbol."""
    name, through_sigmoid, _ = LOSS_CHOICES[choice]
    if through_sigmoid:
        return "score z, with p = σ(z)", "z"
    if name == "bce":
        return "predicted probability p", "p"
    return "prediction ŷ", "ŷ"


class LossExplorer(LayeredExplorer):
    r"""A loss and its gradient against the prediction;
    lines fitted with MSE, MAE and Huber to data with outliers.

    The constructor takes the parameters of :meth:`update` as initial values (keywords),
    and ``figsize`` and ``dpi`` (see :class:`~nnlearn.explore.explorer.Explorer`).

    Parameters
    ----------
    loss : str, default "huber"
        One of :data:`LOSS_CHOICES`: ``"mse"``, ``"mae"``, ``"huber"``, ``"bce"``
        (against the probability :math:`p`), ``"sigmoid_mse"``,
        ``"sigmoid_bce"`` (against the score :math:`z`, :math:`p = \sigma(z)`).
    target : float, default 1.0
        The target :math:`y`; in :math:`[0, 1]` for the cross-entropies.
    delta : float, default 1.0
        The Huber threshold :math:`\delta > 0`, for the Huber curve and the Huber line.
    outlier : float, default 10.0
        How far the outliers are moved below the line (see :func:`outlier_data`).
    n_outliers : int, default 1
        How many of the 30 points are outliers (0 to 5).

    Examples
    --------
    >>> ex = LossExplorer(loss="sigmoid_mse", outlier=0.0)
    >>> r = ex.result
    >>> sorted(r["fits"]), r["xname"]
    (['huber', 'mae', 'mse'], 'z')
    >>> # MSE's slope is pulled down
    >>> ex.set(outlier=20.0)["fits"]["mse"][0] < ex.result["fits"]["huber"][0]
    True
    """

    defaults = {"loss": "huber", "target": 1.0, "delta": 1.0, "outlier": 10.0,
                "n_outliers": 1}

    def update(self, loss, target, delta, outlier, n_outliers):
        """Compute the loss curve, its derivative, the data and the three fitted lines;
        returns a dict.

        Returns
        -------
        dict
            ``grid``, ``value``, ``gradient`` (the chosen loss of one prediction
            and its derivative), ``reference`` (the same for the comparison loss
            drawn faintly, with its ``name``), ``xlabel``, ``xname``, ``label``;
            ``x``, ``y``, ``is_outlier`` (the data); ``fits`` (name → ``(w, b)``),
            ``line_x`` and ``lines`` (name → the fitted line at ``line_x``),
            ``slope_errors`` (name → :math:`|w - 2|`), and the parameters.
        """
        if not isinstance(loss, str) or loss not in LOSS_CHOICES:
            raise unknown_name("loss", loss, LOSS_CHOICES)
        target = check_real(target, "target")
        base, through_sigmoid, label = LOSS_CHOICES[loss]
        if (base == "bce" or through_sigmoid) and not 0.0 <= target <= 1.0:
            raise ValueError(f"`target` must lie in [0, 1] for {label}, whose "
                             f"prediction is a probability, got {target!r}.")
        delta = check_positive(delta, "delta")
        outlier = check_real(outlier, "outlier")
        n_outliers = check_int(n_outliers, "n_outliers", minimum=0)
        if n_outliers > 5:
            raise ValueError(f"`n_outliers` must be between 0 and 5, got {n_outliers}.")
        reference = _REFERENCE[loss]
        grid, value, grad, ref_value, ref_grad = _curves(loss, target, delta)
        x, y, is_outlier = outlier_data(outlier, n_outliers)
        fits = {name: fit_line(x, y, name, delta=delta)
                for name in ("mse", "mae", "huber")}
        line_x = np.array([-2.2, 2.2])
        xlabel, xname = _axis_label(loss)
        self.result = {
            "loss": loss, "target": target, "delta": delta, "outlier": outlier,
            "n_outliers": n_outliers,
            "label": LOSS_CHOICES[loss][2], "xlabel": xlabel, "xname": xname,
            "grid": grid, "value": value, "gradient": grad,
            "reference": {"name": reference, "label": LOSS_CHOICES[reference][2],
                          "grid": grid, "value": ref_value, "gradient": ref_grad},
            "x": x, "y": y, "is_outlier": is_outlier, "fits": fits, "line_x": line_x,
            "lines": {name: w * line_x + b for name, (w, b) in fits.items()},
            "slope_errors": {name: abs(w - TRUE_LINE[0])
                             for name, (w, b) in fits.items()},
        }
        return self.result

    # -- figure ------------------------------------------------------------------------

    _COLORS = {"mse": "#D55E00", "mae": "#009E73", "huber": "#0072B2"}

    def _init_figure(self, fig):
        import matplotlib
        from matplotlib.ticker import MaxNLocator

        # A fixed layout and few texts keep a redraw fast: with a layout engine (even
        # "none") savefig lays the figure out in an extra pass before drawing it, and
        # legends and tick labels are the most expensive artists to draw.  Without an
        # engine the axes keep the positions given here.
        with matplotlib.rc_context({"figure.autolayout": False,
                                    "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
        # (left, bottom, width, height) in figure fractions
        ax_loss = fig.add_axes((0.085, 0.13, 0.39, 0.74))
        ax_fit = fig.add_axes((0.595, 0.13, 0.39, 0.74))
        self._axes = (ax_loss, ax_fit)
        for ax in self._axes:
            ax.xaxis.set_major_locator(MaxNLocator(5))
            ax.yaxis.set_major_locator(MaxNLocator(5))
            # Fixed label positions: otherwise every draw measures the tick labels to
            # place them.
            ax.xaxis.set_label_coords(0.5, -0.1)
            ax.yaxis.set_label_coords(-0.14, 0.5)
        self._zero_line = ax_loss.axhline(0.0, color="0.3", linewidth=0.6)
        self._target_line = ax_loss.axvline(0.0, color="0.3", linestyle=":",
                                            linewidth=1)
        (self._ref_value,) = ax_loss.plot([], [], color="#56B4E9", linestyle="--",
                                          linewidth=1.3)
        (self._ref_grad,) = ax_loss.plot([], [], color="#E69F00", linestyle="--",
                                         linewidth=1.3)
        (self._value,) = ax_loss.plot([], [], color="#0072B2", linewidth=2)
        (self._grad,) = ax_loss.plot([], [], color="#D55E00", linewidth=2)
        # A key made of coloured titles (cheaper to draw than a legend).
        self._key_loss = ax_loss.text(0.0, 1.1, "", color="#0072B2",
                                      transform=ax_loss.transAxes, fontsize=9)
        self._key_grad = ax_loss.text(0.0, 1.02, "", color="#D55E00",
                                      transform=ax_loss.transAxes, fontsize=9)
        self._key_ref = ax_loss.text(1.0, 1.02, "", color="0.35", ha="right",
                                     transform=ax_loss.transAxes, fontsize=8)
        self._inliers = ax_fit.scatter([], [], s=12, color="0.35")
        self._outliers = ax_fit.scatter([], [], s=36, marker="x", color="black")
        (true_line,) = ax_fit.plot([-2.2, 2.2], [TRUE_LINE[0] * -2.2 + TRUE_LINE[1],
                                                 TRUE_LINE[0] * 2.2 + TRUE_LINE[1]],
                                   color="0.55", linestyle=":", linewidth=1.2)
        self._fit_lines, self._fit_keys = {}, {}
        for k, (name, style, label) in enumerate((("mse", "-", "MSE"),
                                                  ("mae", "--", "MAE"),
                                                  ("huber", "-.", "Huber"))):
            (self._fit_lines[name],) = ax_fit.plot([], [], color=self._COLORS[name],
                                                   linestyle=style, linewidth=2)
            self._fit_keys[name] = ax_fit.text(0.33 * k, 1.02, "",
                                               color=self._COLORS[name],
                                               transform=ax_fit.transAxes, fontsize=8)
        ax_fit.text(0.0, 1.1, "fitted lines (dotted: true, w = 2)",
                    transform=ax_fit.transAxes, fontsize=9)
        ax_loss.set_ylabel("loss, derivative")
        ax_fit.set(xlim=(-2.2, 2.2), xlabel="input x", ylabel="target y")
        # What _draw changes; a redraw draws only these (see LayeredExplorer).  With
        # the y axes and the lines placed in y by the data, the kept layers do not
        # depend on the y limits (_FreeYLayers): a slider that moves them is cheap.
        self._dynamic_artists = [
            self._zero_line, self._target_line, self._ref_value, self._ref_grad,
            self._value, self._grad, self._key_loss, self._key_grad, self._key_ref,
            self._inliers, self._outliers, true_line, *self._fit_lines.values(),
            *self._fit_keys.values(), ax_loss.yaxis, ax_fit.yaxis]

    def _draw(self, result):
        ax_loss, ax_fit = self._axes
        ref = result["reference"]
        grid = result["grid"]
        self._value.set_data(grid, result["value"])
        self._ref_value.set_data(grid, ref["value"])
        self._grad.set_data(grid, result["gradient"])
        self._ref_grad.set_data(grid, ref["gradient"])
        symbol = result["xname"]
        self._key_loss.set_text(f"{result['label']} loss "
                                f"(target y = {result['target']:g})")
        self._key_grad.set_text(f"its derivative ∂ℓ/∂{symbol}")
        self._key_ref.set_text(f"dashed: {ref['label']}")
        # no target marker on the score axis
        target_x = result["target"] if symbol != "z" else np.nan
        self._target_line.set_xdata([target_x, target_x])
        curves = np.concatenate([result["value"], ref["value"],
                                 result["gradient"], ref["gradient"]])
        low, high = max(float(curves.min()), -8.0), min(float(curves.max()), 8.0)
        pad = 0.06 * (high - low)
        set_limits(ax_loss, x=(grid[0], grid[-1]), y=(low - pad, high + pad))
        if ax_loss.get_xlabel() != result["xlabel"]:  # set_xlabel marks it changed
            ax_loss.set_xlabel(result["xlabel"])
        points = np.column_stack([result["x"], result["y"]])
        self._inliers.set_offsets(points[~result["is_outlier"]])
        self._outliers.set_offsets(points[result["is_outlier"]].reshape(-1, 2))
        for key, line in self._fit_lines.items():
            line.set_data(result["line_x"], result["lines"][key])
            self._fit_keys[key].set_text(f"{LOSS_CHOICES[key][2]} "
                                         f"w={result['fits'][key][0]:.2f}")
        set_limits(ax_fit, y=(min(-12.0, float(result["y"].min()) - 1.0), 8.0))

    def render(self):
        """Draw the current result into the figure and return it as PNG bytes."""
        if self._layers is None:
            self.figure()
            self._layers = _FreeYLayers(self._canvas, self._dynamic_artists)
        return super().render()

    def _controls(self):
        import ipywidgets as widgets

        style = {"description_width": "initial"}
        return {
            "loss": widgets.Dropdown(options=[(label, key) for key, (_, _, label)
                                              in LOSS_CHOICES.items()],
                                     value=self.params["loss"], description="loss"),
            "target": widgets.FloatSlider(value=self.params["target"], min=0.0, max=1.0,
                                          step=0.05, description="target y",
                                          style=style),
            "delta": widgets.FloatSlider(value=self.params["delta"], min=0.1, max=3.0,
                                         step=0.1, description="Huber δ", style=style),
            "outlier": widgets.FloatSlider(value=self.params["outlier"], min=0.0,
                                           max=30.0, step=1.0,
                                           description="outlier size", style=style),
            "n_outliers": widgets.IntSlider(value=self.params["n_outliers"], min=0,
                                            max=5, description="outliers", style=style),
        }


class _FreeYLayers(Layers):
    """:class:`Layers` whose kept layers do not depend on the axes' y limits.

    Hooks that ``_layers.Layers`` lacks.  It rebuilds the layers, with a full draw,
    when any limit changes; in :class:`LossExplorer` every artist that a y limit
    moves (curves, points, lines, the y axes with their ticks) is dynamic, so only
    the x limits, positions and sizes are compared.  And a dynamic axis is pasted
    from an image kept while its limits stay and it is not ``stale``, as a text is.
    """

    def _current_key(self):
        size, dpi, axes = super()._current_key()
        # viewLim.bounds is (x0, y0, width, height): keep x0 and width
        return size, dpi, tuple(((lim[0], lim[2]), place) for lim, place in axes)

    def _dynamic_image(self, artist, renderer):
        from matplotlib.axis import Axis

        if not isinstance(artist, Axis):
            return super()._dynamic_image(artist, renderer)
        state, kept = tuple(artist.get_view_interval()), self._sprites.get(id(artist))
        if kept is None or artist.stale or kept[0] != state:
            kept = self._sprites[id(artist)] = (state, self._picture([artist]))
        return kept[1]
