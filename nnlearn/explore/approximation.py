r"""One hidden layer approximating a function of one variable, unit by unit.

A network with one input, one hidden layer of :math:`m` units with activation
:math:`f` and a linear output computes

.. math:: F(x) = c + \sum_{j=1}^{m} v_j\, f(w_j x + b_j),

a constant plus :math:`m` shifted and stretched copies of :math:`f`: ramps for
ReLU, smooth steps for tanh.  :class:`ApproximationExplorer` shows such a
network after training on samples of a target :math:`f^\star` (one of
:data:`nnlearn.datasets.FUNCTIONS`): the target, the fit :math:`F`, every
unit's contribution :math:`v_j f(w_j x + b_j)` as a thin curve, and the error
of the fit for each width in :data:`WIDTHS`.

How the networks are trained (the chapter "Multilayer perceptrons and
universal approximation" trains them in exactly this way):

* data: ``function_samples(target, N_SAMPLES, rng=0)``, noiseless, on
  :data:`X_RANGE`;
* :func:`one_hidden_layer` builds ``MLP([1, m, 1])`` and centres each hidden
  unit (its kink for ReLU, its midpoint for tanh) at a random point of the
  input interval, so that the units start spread over the data;
* :func:`train_one_hidden_layer` trains :data:`RESTARTS` such networks with
  :func:`nnlearn.training.fit` (mean squared error, Adam with learning rate
  :data:`LR`, full batch, :data:`EPOCHS` epochs) and keeps the one with the lowest
  *training* loss; the error on the whole interval plays no part in the choice.

Design choice: trained once, cached.  Training all widths for one target takes
about a second, far more than the 50 ms a redraw may take, so
:func:`fit_target` keeps every trained network in a module-level cache
(keyed by target, width and activation; fixed seeds make the result the same
in every session).  The explorer trains all widths of a target the first time
that target (and activation) is shown; every later redraw only reads what the
cached networks compute on :data:`GRID`, which is computed once too.  A faster
alternative, random hidden units with the output layer solved by least squares,
would show a different (convex) problem from the one gradient descent solves in
the chapter, so it is not used.

>>> import numpy as np
>>> X, y = np.array([[-1.0], [0.0], [1.0]]), np.array([[1.0], [0.0], [1.0]])
>>> net, losses = train_one_hidden_layer(X, y, 2, epochs=300, restarts=2, rng=0)
>>> losses.shape
(2,)
>>> x = np.linspace(-1, 1, 5)
>>> units, c = unit_contributions(net, x)
>>> bool(np.allclose(c + units.sum(axis=1), net.predict(x[:, None]).ravel()))
True
"""

import numpy as np

from . import _approximation_fit as _fit
from ._approximation_fit import (
    TargetFit,
    _check_activation,
    _check_target,
    _check_width,
    _evaluated,
    approximation_error,
    fit_target,
    one_hidden_layer,
    train_one_hidden_layer,
    unit_contributions,
)
from ._layers import LayeredExplorer, set_limits

__all__ = ["ApproximationExplorer", "TargetFit", "one_hidden_layer",
           "train_one_hidden_layer", "unit_contributions", "approximation_error",
           "fit_target", "TARGETS", "WIDTHS", "HIDDEN_ACTIVATIONS", "X_RANGE",
           "N_SAMPLES", "EPOCHS", "LR", "RESTARTS", "GRID"]

# The networks live in ``_approximation_fit``; the constants are re-exported here with
# their documentation (for the API reference).

#: The target functions offered, the keys of :data:`nnlearn.datasets.FUNCTIONS`.
TARGETS = _fit.TARGETS

#: The hidden-layer widths :math:`m` trained for every target.
WIDTHS = _fit.WIDTHS

#: Hidden activations offered.
HIDDEN_ACTIVATIONS = _fit.HIDDEN_ACTIVATIONS

#: The input interval of the data and of the error.
X_RANGE = _fit.X_RANGE

#: Number of training samples per target.
N_SAMPLES = _fit.N_SAMPLES

#: Epochs of full-batch training per network in :func:`fit_target`.
EPOCHS = _fit.EPOCHS

#: Adam's learning rate in :func:`fit_target`.
LR = _fit.LR

#: Networks trained per target and width in :func:`fit_target` (the one with the lowest
#: training loss is kept).
RESTARTS = _fit.RESTARTS

#: The 601 evenly spaced points of :data:`X_RANGE` where the target, the fit and the
#: units are evaluated and the error is measured.
GRID = _fit.GRID

_BLUE, _VERMILLION, _SKY, _GREY = "#0072B2", "#D55E00", "#56B4E9", "0.45"


class ApproximationExplorer(LayeredExplorer):
    r"""Choose a target and a number of hidden units; see the trained fit and every
    unit's contribution.

    Parameters
    ----------
    figsize : (float, float), default (8.4, 3.5)
    dpi : int, default 80
    **params
        Initial values of ``target``, ``n_hidden`` and ``activation`` (below).
    target : str, default "sin"
        The function to approximate, one of :data:`TARGETS`.
    n_hidden : int, default 8
        Number of hidden units :math:`m`, one of :data:`WIDTHS`.
    activation : str, default "relu"
        Hidden activation, one of :data:`HIDDEN_ACTIVATIONS`.

    Notes
    -----
    :meth:`update` returns a dict with

    * ``"x"``: :data:`GRID`; ``"target"``: :math:`f^\star` on it; ``"fit"``: the
      network's output :math:`F`;
    * ``"units"``: shape ``(len(x), m)``, column :math:`j` the contribution
      :math:`v_j f(w_j x + b_j)`; ``"bias"``: the output bias :math:`c`, so that
      ``fit == bias + units.sum(axis=1)``;
    * ``"rmse"`` and ``"max_error"``: the error of the fit on the grid
      (:func:`approximation_error`);
    * ``"widths"``, ``"rmse_by_width"``: :data:`WIDTHS` and the RMSE of the trained
      network of each width;
    * ``"X_train"``, ``"y_train"``: the training samples; ``"train_loss"``: the
      chosen network's training loss; ``"n_params"``: its number of parameters
      :math:`3m + 1`;
    * the parameters ``"target"``, ``"n_hidden"``, ``"activation"``.

    The networks come from :func:`fit_target`: the first time a target is shown
    with an activation, all its widths are trained (about a second); after that,
    every update only reads cached networks and what they compute on the grid
    (read-only arrays).
    """

    defaults = {"target": "sin", "n_hidden": 8, "activation": "relu"}

    def __init__(self, *, figsize=(8.4, 3.5), dpi=80, **params):
        super().__init__(figsize=figsize, dpi=dpi, **params)

    # -- computation -------------------------------------------------------------------

    def update(self, target, n_hidden, activation):
        """Evaluate the trained network, its units and its error (see Notes).

        Trains all widths of the target on first use.
        """
        target = _check_target(target)
        n_hidden = _check_width(n_hidden)
        activation = _check_activation(activation)
        chosen = fit_target(target, n_hidden, activation)
        target_values, fit, units, bias, rmse, max_error = _evaluated(target, n_hidden,
                                                                      activation)
        rmse_by_width = [_evaluated(target, m, activation)[4] for m in WIDTHS]
        self.result = {
            "target": target, "n_hidden": n_hidden, "activation": activation,
            "x": GRID, "target_values": target_values, "fit": fit,
            "units": units, "bias": bias, "rmse": rmse, "max_error": max_error,
            "widths": np.array(WIDTHS), "rmse_by_width": np.array(rmse_by_width),
            "X_train": chosen.X, "y_train": chosen.y, "train_loss": chosen.train_loss,
            "n_params": chosen.net.n_params,
        }
        return self.result

    # -- figure ------------------------------------------------------------------------

    def _init_figure(self, fig):
        import matplotlib as mpl
        from matplotlib.collections import LineCollection
        from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator

        # A fixed layout (no layout engine): a redraw then costs one draw, not a layout
        # pass too.
        with mpl.rc_context({"figure.autolayout": False,
                             "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
        ax, ax_err = fig.subplots(1, 2, width_ratios=(1.9, 1),
                                  gridspec_kw={"left": 0.075, "right": 0.98,
                                               "bottom": 0.14, "top": 0.87,
                                               "wspace": 0.28})
        # Plain-text labels throughout: mathtext costs several milliseconds per draw.
        self._units = LineCollection([], colors=_SKY, linewidths=0.9, alpha=0.9,
                                     label="units v_j f(w_j x + b_j)")
        ax.add_collection(self._units)
        (self._bias,) = ax.plot(X_RANGE, [0, 0], color=_GREY, lw=0.9, ls=":")
        self._samples = ax.scatter(np.zeros(N_SAMPLES), np.zeros(N_SAMPLES), s=6,
                                   color="0.6", zorder=2)
        (self._target,) = ax.plot(GRID, np.zeros_like(GRID), color="black", lw=1.4,
                                  ls="--", zorder=3, label="target")
        (self._fit,) = ax.plot(GRID, np.zeros_like(GRID), color=_BLUE, lw=2.2, zorder=4,
                               label="fit F = c + sum of units")
        ax.set(xlim=X_RANGE, xlabel="input x", ylabel="output",
               xticks=[-3, -1, 0, 1, 3])
        ax.yaxis.set_major_locator(MaxNLocator(4))    # few tick labels: text costs most
        ax.legend(handles=[self._target, self._fit, self._units], loc="upper left",
                  fontsize=7, framealpha=0.85)
        (self._err_line,) = ax_err.plot(WIDTHS, np.ones(len(WIDTHS)), color=_BLUE,
                                        marker="o", ms=4)
        (self._err_now,) = ax_err.plot([1], [1], color=_VERMILLION, marker="o", ms=9,
                                       ls="none", label="shown")
        ax_err.set(xscale="log", yscale="log", xlabel="hidden units m",
                   ylabel="RMSE on the interval")
        ax_err.set_xticks(WIDTHS, [str(m) for m in WIDTHS])
        ax_err.yaxis.set_major_locator(LogLocator(numticks=4))
        ax_err.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax_err.minorticks_off()
        ax_err.grid(alpha=0.3)
        self._ax, self._ax_err = ax, ax_err
        self._title = fig.suptitle("", fontsize="medium")
        # What _draw changes; a redraw draws only these (see LayeredExplorer).
        self._dynamic_artists = [self._units, self._bias, self._samples, self._target,
                                 self._fit, self._err_line, self._err_now, self._title]

    def _draw(self, result):
        x = result["x"]
        # Every fourth grid point is plenty for a thin curve (the grid step becomes
        # 0.04), and it keeps the redraw cheap with 32 units.
        self._units.set_segments([np.column_stack([x[::4], u[::4]])
                                  for u in result["units"].T])
        self._bias.set_ydata([result["bias"], result["bias"]])
        self._samples.set_offsets(np.column_stack([result["X_train"][:, 0],
                                                   result["y_train"][:, 0]]))
        self._target.set_ydata(result["target_values"])
        self._fit.set_ydata(result["fit"])
        low, high = result["target_values"].min(), result["target_values"].max()
        pad = 0.6 * (high - low)
        set_limits(self._ax, y=(low - pad, high + pad))
        rmse = result["rmse_by_width"]
        self._err_line.set_ydata(rmse)
        self._err_now.set_data([result["n_hidden"]], [result["rmse"]])
        floor = max(rmse.min(), 1e-6)
        # at least a decade, so at least two tick labels
        set_limits(self._ax_err, y=(min(floor / 2, rmse.max() / 20), 2 * rmse.max()))
        m, plural = result["n_hidden"], "s" if result["n_hidden"] > 1 else ""
        self._title.set_text(
            f"{result['target']}: {m} {result['activation']} unit{plural}, "
            f"RMSE {result['rmse']:.2g}, max error {result['max_error']:.2g}")

    def _controls(self):
        import ipywidgets as widgets

        style = {"description_width": "initial"}
        return {
            "target": widgets.Dropdown(options=list(TARGETS),
                                       value=self.params["target"],
                                       description="target", style=style),
            "n_hidden": widgets.SelectionSlider(options=list(WIDTHS),
                                                value=self.params["n_hidden"],
                                                description="hidden units m",
                                                style=style),
            "activation": widgets.ToggleButtons(options=list(HIDDEN_ACTIVATIONS),
                                                value=self.params["activation"],
                                                description="activation", style=style),
        }
