r"""The activation explorer: an activation, its derivative, and what it does to a
layer's pre-activations.

A layer computes pre-activations :math:`z` and passes them through an
activation :math:`f`.  :class:`ActivationExplorer` shows, for one element-wise
activation of :mod:`nnlearn.activations`,

* the curves :math:`f(z)` and :math:`f'(z)` on one plot, with the histogram of
  pre-activations :math:`z \sim \mathcal N(\mu, s^2)` (mean ``mean``, standard
  deviation ``std``) drawn behind them;
* the histogram of the activations :math:`a = f(z)` of those samples;
* two numbers that matter for training: the mean of :math:`f'(z)` over the
  samples (the average factor by which a gradient is multiplied on its way
  back through the activation) and the fractions of samples where
  :math:`f'(z) < 0.01` (saturated or switched off) and where :math:`f'(z) = 0`
  exactly (no gradient at all).

The samples are :math:`z = \mu + s\,\varepsilon` for one fixed draw of
standard normal :math:`\varepsilon`, so moving the sliders moves the same
points and the histograms change smoothly.

>>> ex = ActivationExplorer(rng=0)
>>> r = ex.update(activation="sigmoid", mean=0.0, std=1.0)
>>> float(r["f_prime"].max())       # the sigmoid's derivative peaks at 1/4
0.25
>>> int(r["a_counts"].sum()) == ex.n_samples
True
>>> r = ex.update(activation="relu", mean=-1.0, std=0.5)
>>> round(r["fraction_zero_derivative"], 2)     # most units switched off
0.98
"""

import numpy as np

from .. import activations
from .._validation import (check_int, check_positive, check_real, check_rng,
                           unknown_name)
from ._layers import LayeredExplorer, Layers, set_limits

__all__ = ["ActivationExplorer", "ELEMENTWISE_ACTIVATIONS", "Z_RANGE"]

#: The names the explorer offers, every element-wise activation of
#: :mod:`nnlearn.activations`.
ELEMENTWISE_ACTIVATIONS = ("linear", "step", "sigmoid", "tanh", "relu", "leaky_relu")

# Okabe-Ito colours.
_BLUE, _VERMILLION, _GREEN, _GREY = "#0072B2", "#D55E00", "#009E73", "0.55"

#: Range of pre-activations shown (the curves and the histogram of z).
Z_RANGE = (-8.0, 8.0)

# Vertical range of the curve panel and histogram bins of f(z), per activation.
_CURVE_YLIM = {"linear": (-8.5, 8.5), "step": (-0.15, 1.15), "sigmoid": (-0.15, 1.15),
               "tanh": (-1.15, 1.15), "relu": (-1.0, 8.5), "leaky_relu": (-1.0, 8.5)}
_CURVE_YTICKS = {"linear": (-8, -4, 0, 4, 8), "step": (0, 0.5, 1),
                 "sigmoid": (0, 0.25, 0.5, 0.75, 1), "tanh": (-1, -0.5, 0, 0.5, 1),
                 "relu": (0, 2, 4, 6, 8), "leaky_relu": (0, 2, 4, 6, 8)}
_BINS = 64


def _output_edges(name):
    """Histogram bin edges for the activations a = f(z)."""
    if name in ("sigmoid", "step"):
        low, high = (0.0, 1.0) if name == "sigmoid" else (-0.25, 1.25)
    elif name == "tanh":
        low, high = -1.0, 1.0
    else:  # unbounded outputs: the same bins as z, so the histograms compare directly
        low, high = Z_RANGE
    return np.linspace(low, high, _BINS + 1)


class _Layers(Layers):
    """:class:`Layers` that leave one axes' y-limits out of what the kept layers
    depend on (a hook: ``Layers`` rebuilds them when any axes' limits change).

    The histogram of f(z) gets new y-limits on almost every move, as they follow
    its counts; its y-axis is then a dynamic artist, drawn on every redraw, and
    nothing else kept depends on those limits.
    """

    def __init__(self, canvas, dynamic, *, free_y):
        super().__init__(canvas, dynamic)
        self._free_y = free_y

    def _current_key(self):
        size, dpi, axes = super()._current_key()
        i = self.fig.axes.index(self._free_y)
        x_only = (tuple(self._free_y.viewLim.intervalx), axes[i][1])
        return size, dpi, axes[:i] + (x_only,) + axes[i + 1:]


class ActivationExplorer(LayeredExplorer):
    r"""Pick an activation; see :math:`f`, :math:`f'` and how
    :math:`z \sim \mathcal N(\mu, s^2)` passes through :math:`f`.

    Parameters
    ----------
    n_samples : int, default 4000
        Number of pre-activation samples :math:`z`.
    rng : None, int or numpy.random.Generator
        Randomness for the one draw of standard normal noise :math:`\varepsilon`
        (then :math:`z = \mu + s\,\varepsilon` for every parameter setting).
    figsize : (float, float), default (8, 3.4)
    dpi : int, default 80
    **params
        Initial values of the explorer's parameters ``activation``, ``mean`` and
        ``std`` (below), overriding ``defaults``.
    activation : str, default "sigmoid"
        One of :data:`ELEMENTWISE_ACTIVATIONS` (softmax is not element-wise).
    mean : float, default 0.0
        Mean :math:`\mu` of the pre-activations.
    std : float, default 1.0
        Standard deviation :math:`s > 0` of the pre-activations.

    Attributes
    ----------
    z_grid : ndarray, shape (401,)
        Where the curves are evaluated, spanning :data:`Z_RANGE`.
    z_edges : ndarray, shape (65,)
        Bin edges of the histogram of :math:`z` (over :data:`Z_RANGE`; samples
        outside it are not counted, see ``fraction_outside``).

    Notes
    -----
    :meth:`update` returns a dict with

    * ``"activation"`` (the name), ``"z_grid"``, ``"f"`` and ``"f_prime"``:
      the curves :math:`f` and :math:`f'` on ``z_grid``;
    * ``"z"`` and ``"a"``: the samples :math:`z` and :math:`a = f(z)`, shape
      ``(n_samples,)``;
    * ``"z_edges"``, ``"z_counts"``: histogram of :math:`z` (``np.histogram``);
    * ``"a_edges"``, ``"a_counts"``: histogram of :math:`f(z)`, over :math:`[0, 1]`
      for the sigmoid, :math:`[-1, 1]` for tanh, :math:`[-0.25, 1.25]` for the step
      and :data:`Z_RANGE` otherwise;
    * ``"mean_derivative"``: :math:`\frac1n \sum_i f'(z_i)`;
    * ``"fraction_small_derivative"``: the fraction of samples with
      :math:`f'(z_i) < 0.01`;
    * ``"fraction_zero_derivative"``: the fraction with :math:`f'(z_i) = 0`;
    * ``"fraction_outside"``: the fraction of :math:`z_i` outside :data:`Z_RANGE`.
    """

    defaults = {"activation": "sigmoid", "mean": 0.0, "std": 1.0}

    def __init__(self, *, n_samples=4000, rng=None, figsize=(8, 3.4), dpi=80,
                 **params):
        self.n_samples = check_int(n_samples, "n_samples", minimum=1)
        self._noise = check_rng(rng).standard_normal(self.n_samples)
        self.z_grid = np.linspace(*Z_RANGE, 401)
        self.z_edges = np.linspace(*Z_RANGE, _BINS + 1)
        self._functions = {name: activations.get(name)
                           for name in ELEMENTWISE_ACTIVATIONS}
        self._curves = {name: (f(self.z_grid), f.derivative(self.z_grid))
                        for name, f in self._functions.items()}
        self._edges = {name: _output_edges(name) for name in ELEMENTWISE_ACTIVATIONS}
        super().__init__(figsize=figsize, dpi=dpi, **params)

    # -- computation ------------------------------------------------------------------

    def update(self, activation, mean, std):
        """Compute the curves, the samples, their histograms and the derivative
        statistics
        (see Notes)."""
        name = self._check_activation(activation)
        mean = check_real(mean, "mean")
        std = check_positive(std, "std")
        f = self._functions[name]
        z = mean + std * self._noise
        a = f(z)
        d = f.derivative(z, a)
        f_grid, d_grid = self._curves[name]
        z_counts, _ = np.histogram(z, bins=self.z_edges)
        a_edges = self._edges[name]
        a_counts, _ = np.histogram(a, bins=a_edges)
        self.result = {
            "activation": name, "z_grid": self.z_grid, "f": f_grid, "f_prime": d_grid,
            "z": z, "a": a, "z_edges": self.z_edges, "z_counts": z_counts,
            "a_edges": a_edges, "a_counts": a_counts,
            "mean_derivative": float(d.mean()),
            "fraction_small_derivative": float(np.mean(d < 0.01)),
            "fraction_zero_derivative": float(np.mean(d == 0)),
            "fraction_outside": float(np.mean((z < Z_RANGE[0]) | (z > Z_RANGE[1]))),
        }
        return self.result

    @staticmethod
    def _check_activation(activation):
        if not isinstance(activation, str):
            raise TypeError(f"`activation` must be an activation name (str), one of "
                            f"{list(ELEMENTWISE_ACTIVATIONS)}, "
                            f"got {type(activation).__name__} {activation!r}.")
        if activation == "softmax":
            raise ValueError("`activation` must be element-wise, got 'softmax': "
                             "softmax maps a whole row of scores to probabilities, so "
                             "it has no curve f(z) or derivative f'(z) to plot. "
                             f"Choose one of {list(ELEMENTWISE_ACTIVATIONS)}.")
        if activation not in ELEMENTWISE_ACTIVATIONS:
            raise unknown_name("activation", activation, ELEMENTWISE_ACTIVATIONS)
        return activation

    # -- figure -----------------------------------------------------------------------

    def _init_figure(self, fig):
        import matplotlib as mpl
        from matplotlib.ticker import MaxNLocator

        # A fixed layout: with a layout engine, every savefig makes an extra dry-run
        # draw to lay the figure out, which doubles the cost of a redraw.  None removes
        # the engine ("none" would leave a placeholder engine that still triggers the
        # dry run) unless rcParams ask for one.
        with mpl.rc_context({"figure.autolayout": False,
                             "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
        ax_f, ax_a = fig.subplots(1, 2, width_ratios=(1.25, 1),
                                  gridspec_kw={"left": 0.08, "right": 0.98,
                                               "bottom": 0.15, "top": 0.88,
                                               "wspace": 0.3})
        zeros = np.zeros(_BINS)
        # The histogram of z is drawn behind the curves, scaled to the height of the
        # panel (its shape is what matters there; the counts of f(z) are on the right).
        # One axes, not a twin: cheaper to draw.
        self._z_hist = ax_f.stairs(zeros, self.z_edges, fill=True, color=_GREY,
                                   alpha=0.35, label="z histogram")
        (self._f_line,) = ax_f.plot(self.z_grid, np.zeros_like(self.z_grid),
                                    color=_BLUE, lw=2, label="f(z)")
        (self._d_line,) = ax_f.plot(self.z_grid, np.zeros_like(self.z_grid),
                                    color=_VERMILLION, lw=2, ls="--", label="f'(z)")
        ax_f.axhline(0, color="0.3", lw=0.6)
        ax_f.set(xlim=Z_RANGE, xlabel="pre-activation z", ylabel="f(z) and f'(z)")
        for ax in (ax_f, ax_a):
            ax.xaxis.set_major_locator(MaxNLocator(5))
        ax_a.yaxis.set_major_locator(MaxNLocator(4))
        ax_f.legend(loc="upper left", fontsize="small")
        self._a_hist = ax_a.stairs(zeros, self._edges["sigmoid"], fill=True,
                                   color=_GREEN, alpha=0.8)
        ax_a.set(xlabel="activation a = f(z)", ylabel="samples per bin of f(z)")
        self._ax_f, self._ax_a = ax_f, ax_a
        self._title = fig.suptitle("", fontsize="medium")
        self._yticks = None                 # the activation whose y ticks are set
        # What _draw changes; a redraw draws only these (see LayeredExplorer).  The
        # y-axis of the histogram of f(z) follows its counts, so it is among them.
        self._dynamic_artists = [self._z_hist, self._f_line, self._d_line,
                                 self._a_hist, ax_a.yaxis, self._title]
        self._layers = _Layers(fig.canvas, self._dynamic_artists, free_y=ax_a)

    def _draw(self, result):
        name = result["activation"]
        self._f_line.set_ydata(result["f"])
        self._d_line.set_ydata(result["f_prime"])
        low, high = _CURVE_YLIM[name]
        if self._yticks != name:            # setting them marks the axes changed
            self._ax_f.set(ylim=(low, high), yticks=_CURVE_YTICKS[name])
            self._yticks = name
        z_counts = result["z_counts"]
        scaled = low + 0.85 * (high - low) * z_counts / max(z_counts.max(), 1)
        self._z_hist.set_data(scaled, result["z_edges"], baseline=low)
        self._a_hist.set_data(result["a_counts"], result["a_edges"])
        edges = result["a_edges"]
        set_limits(self._ax_a, x=(edges[0], edges[-1]),
                   y=(0, 1.1 * max(result["a_counts"].max(), 1)))
        outside = result["fraction_outside"]
        self._title.set_text(
            f"{name}: mean f'(z) {result['mean_derivative']:.3g};  "
            f"f' < 0.01: {100 * result['fraction_small_derivative']:.0f}%;  "
            f"f' = 0: {100 * result['fraction_zero_derivative']:.0f}%"
            + (f";  z off plot: {100 * outside:.0f}%" if outside >= 0.005 else ""))

    def _controls(self):
        import ipywidgets as widgets

        style = {"description_width": "initial"}
        return {
            "activation": widgets.Dropdown(options=list(ELEMENTWISE_ACTIVATIONS),
                                           value=self.params["activation"],
                                           description="activation f", style=style),
            "mean": widgets.FloatSlider(value=self.params["mean"], min=-4.0, max=4.0,
                                        step=0.1, description="mean of z", style=style),
            "std": widgets.FloatSlider(value=self.params["std"], min=0.1, max=3.0,
                                       step=0.1, description="std of z", style=style),
        }
