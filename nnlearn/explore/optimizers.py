r"""Explorer for chapter 5: an optimizer race on two-dimensional loss surfaces.

:class:`OptimizerRace` runs up to six optimizers from the same starting point
on one of the surfaces of :mod:`nnlearn.surfaces` (an ill-conditioned
quadratic, Rosenbrock's valley, a saddle, Beale's function) and draws their
paths on a contour plot, with the loss of each against the step in a second
panel.  Every path is computed by :func:`nnlearn.surfaces.trajectory` with an
optimizer of :mod:`nnlearn.optim`:

=============  ===========================================================
name           optimizer
=============  ===========================================================
``gd``         ``SGD(lr)``: plain gradient descent
``momentum``   ``SGD(lr, momentum=beta)`` (Polyak's heavy ball)
``nesterov``   ``SGD(lr, momentum=beta, nesterov=True)``
``adagrad``    ``AdaGrad(adaptive_lr)``
``rmsprop``    ``RMSprop(adaptive_lr)`` (smoothing :math:`\alpha = 0.99`)
``adam``       ``Adam(adaptive_lr, betas=(beta, 0.999))``
=============  ===========================================================

There are two learning rates because they are not the same kind of number.
Gradient descent moves by :math:`\eta\,g`, so its :math:`\eta` multiplies the
gradient and the right value depends on the curvature (on the quadratic
:math:`\tfrac12(x^2 + \kappa y^2)` it must be below :math:`2/\kappa`).  The
adaptive methods divide the gradient by a running size of it, so their
:math:`\eta` is roughly the length of a step in parameter units, whatever the
scale of the loss.  ``beta`` is the momentum :math:`\mu` of the momentum
methods and Adam's :math:`\beta_1`.  With ``beta=0`` the two momentum methods
are plain gradient descent.

In the widget, choosing another surface also moves the two learning-rate
sliders to values that suit it (:func:`suggested_settings`); a learning rate
that works on one surface is far too small or too large on another.

Paths are kept between calls, and a shorter run is read off the start of a
longer one (the first :math:`k` steps of a run do not depend on how many
follow), so moving the steps slider costs no new computation.
"""

import io

import numpy as np

from . import _optimizer_paths as _paths
# (``_check_surface`` and ``_check_optimizers`` stay importable from here.)
from ._optimizer_paths import (_ADAPTIVE, _check_optimizers, _check_surface, _race,
                               make_optimizer, suggested_settings)
from .explorer import Explorer

__all__ = ["OptimizerRace", "OPTIMIZERS", "make_optimizer", "suggested_settings",
           "MAX_STEPS"]

# The racers, their settings and the computation of their paths live in
# ``_optimizer_paths``; the constants are re-exported here with their documentation
# (for the API reference).

#: The racers, name → label, in drawing order.
OPTIMIZERS = _paths.OPTIMIZERS

#: The surfaces of the race (those of :mod:`nnlearn.surfaces`).
SURFACE_NAMES = _paths.SURFACE_NAMES

#: The most steps one race may run.
MAX_STEPS = _paths.MAX_STEPS

#: Okabe-Ito colours and line styles, one per racer.
STYLES = {"gd": ("#000000", "-"), "momentum": ("#0072B2", "-"),
          "nesterov": ("#56B4E9", "--"), "adagrad": ("#009E73", "-."),
          "rmsprop": ("#E69F00", "-"), "adam": ("#D55E00", "-")}

# The key's line-style marks, drawn as text, one per racer.
_DASHES = {"-": "——", "--": "– –", "-.": "–·–"}
_MARKS = {name: _DASHES[style] for name, (_, style) in STYLES.items()}

# The lengths of the step axis of the loss panel.
_STEP_AXIS = (10, 20, 50, 100, 200, 300, 500, 1000, 1500, MAX_STEPS)


class OptimizerRace(Explorer):
    r"""Paths of several optimizers on a 2-D loss surface,
    and their losses against the step.

    The constructor takes the parameters of :meth:`update` as initial values (keywords),
    and ``figsize`` and ``dpi`` (see :class:`~nnlearn.explore.explorer.Explorer`).

    Parameters
    ----------
    surface : str, default "rosenbrock"
        ``"quadratic"`` (:math:`\tfrac12(x^2 + \kappa y^2)`), ``"rosenbrock"``,
        ``"saddle"`` or ``"beale"`` (see :mod:`nnlearn.surfaces`).
    kappa : float, default 10.0
        The quadratic's condition number :math:`\kappa \ge 1` (ignored by the
        other surfaces).
    lr : float, default 0.001
        Learning rate :math:`\eta` of gradient descent, momentum and Nesterov.
    adaptive_lr : float, default 0.1
        Learning rate of AdaGrad, RMSprop and Adam.
    beta : float, default 0.9
        Momentum :math:`\mu` and Adam's :math:`\beta_1`, in :math:`[0, 1)`.
    steps : int, default 300
        Number of steps, 0 to :data:`MAX_STEPS`.
    optimizers : tuple of str, default all six
        Which racers to run, from :data:`OPTIMIZERS`.

    Examples
    --------
    >>> race = OptimizerRace(surface="quadratic", lr=0.12, steps=100,
    ...                      optimizers=("gd", "adam"))
    >>> r = race.result
    >>> r["paths"]["gd"].shape, r["losses"]["adam"].shape
    ((101, 2), (101,))
    >>> bool(r["gaps"]["gd"][-1] < 1e-6)
    True
    """

    defaults = {"surface": "rosenbrock", "kappa": 10.0, "lr": 0.001, "adaptive_lr": 0.1,
                "beta": 0.9, "steps": 300, "optimizers": tuple(OPTIMIZERS)}

    def __init__(self, *, figsize=(9.0, 3.8), dpi=80, **params):
        self._cache = {}
        self._syncing = False
        self._contour = None
        self._contours = {}
        self._drawn_surface = None
        self._background = self._background_key = None
        surface = params.get("surface")
        if surface in SURFACE_NAMES and surface != self.defaults["surface"]:
            # Another surface than the default: start from its suggested learning rates,
            # unless given.
            try:
                kappa = params.get("kappa", self.defaults["kappa"])
                params = {**suggested_settings(surface, kappa), **params}
            except (TypeError, ValueError):  # a bad kappa: update() reports it
                pass
        super().__init__(figsize=figsize, dpi=dpi, **params)

    # -- computation -------------------------------------------------------------------

    def update(self, surface, kappa, lr, adaptive_lr, beta, steps, optimizers):
        """Run every chosen optimizer on the surface; returns a dict.

        Returns
        -------
        dict
            ``paths`` (name → ndarray of shape (steps + 1, 2), the points
            visited, start first) and ``losses`` (name → ndarray of shape
            (steps + 1,), :math:`L` at each point), both as returned by
            :func:`nnlearn.surfaces.trajectory`; ``gaps`` (name → losses minus
            the surface's minimum value :math:`L^*`, for a logarithmic axis);
            ``final_gap`` (name → the last gap, ``inf`` or ``nan`` for a
            diverged run); ``diverged`` (name → bool, the run left the reals);
            ``surface_obj`` (the :class:`~nnlearn.surfaces.Surface`),
            ``min_value`` (:math:`L^*`), ``optimizers`` (the racers, in drawing
            order), ``settings`` (name → ``repr`` of its optimizer) and the
            parameters.
        """
        self.result = _race(self._cache, surface, kappa, lr, adaptive_lr, beta, steps,
                            optimizers)
        return self.result

    # -- suggestions when the surface changes ------------------------------------------

    def _with_suggestions(self, params):
        """Add the suggested learning rates for a newly chosen surface,
        unless they are given."""
        surface = params.get("surface", self.params["surface"])
        if surface == self.params["surface"] or surface not in SURFACE_NAMES:
            return params
        kappa = params.get("kappa", self.params["kappa"])
        try:
            suggested = suggested_settings(surface, kappa)
        except (TypeError, ValueError):  # a bad kappa: update() reports it
            return params
        return {**suggested, **params}

    def set(self, **params):
        """Change some parameters
        (a new surface brings its suggested learning rates, unless given)."""
        return super().set(**self._with_suggestions(params))

    def redraw(self, **params):
        """``update`` and ``render``; a new surface also moves the learning-rate sliders
        to its suggestions."""
        if self._syncing:
            # a slider moved by this method below: the full redraw follows
            self.params.update(params)
            return None
        params = self._with_suggestions(params)
        if self._widget is not None:
            self._syncing = True
            try:
                for name, value in params.items():
                    control = self._control_map.get(name)
                    if control is not None and control.value != value:
                        control.value = value
            finally:
                self._syncing = False
        return super().redraw(**params)

    # -- figure ------------------------------------------------------------------------

    def _init_figure(self, fig):
        import matplotlib as mpl
        from matplotlib.ticker import (FuncFormatter, LogLocator, MaxNLocator,
                                       NullLocator)

        # A fixed layout (no layout engine): every redraw then draws once, without
        # a dry run.
        with mpl.rc_context({"figure.autolayout": False,
                             "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
        ax_map = fig.add_axes((0.07, 0.14, 0.40, 0.76))
        ax_loss = fig.add_axes((0.575, 0.14, 0.25, 0.76))
        for ax in (ax_map, ax_loss):
            ax.xaxis.set_label_coords(0.5, -0.1)
            ax.xaxis.set_major_locator(MaxNLocator(5))
        ax_map.yaxis.set_major_locator(MaxNLocator(5))
        ax_map.yaxis.set_label_coords(-0.1, 0.5)
        ax_loss.yaxis.set_label_coords(-0.2, 0.5)
        self._paths, self._ends, self._curves = {}, {}, {}
        for name, label in OPTIMIZERS.items():
            color, style = STYLES[name]
            (self._paths[name],) = ax_map.plot([], [], color=color, linestyle=style,
                                               linewidth=1.6)
            (self._ends[name],) = ax_map.plot([], [], color=color, marker="o",
                                              markersize=5, linestyle="none")
            (self._curves[name],) = ax_loss.plot([], [], color=color, linestyle=style,
                                                 linewidth=1.6, label=label)
        (self._start,) = ax_map.plot([], [], marker="X", color="black", markersize=8,
                                     linestyle="none")
        (self._minima,) = ax_map.plot([], [], marker="*", color="#CC79A7",
                                      markersize=13, linestyle="none",
                                      markeredgecolor="black", markeredgewidth=0.5)
        ax_map.set(xlabel="parameter x", ylabel="parameter y")
        ax_loss.set_yscale("log")
        # Few major ticks with plain-text labels, no minor ticks: text is what costs
        # most to draw.
        ax_loss.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0,), numticks=6))
        ax_loss.yaxis.set_minor_locator(NullLocator())
        ax_loss.yaxis.set_major_formatter(FuncFormatter(
            lambda value, _: f"{value:.0e}".replace("e+0", "e").replace("e-0", "e-")))
        ax_loss.set(xlabel="step t", ylabel="loss above minimum, L − L*")
        # A key of coloured texts (cheaper to draw than a legend), with each racer's
        # final gap.
        self._keys = {name: ax_loss.text(1.04, 0.97 - 0.085 * k, "",
                                         color=STYLES[name][0], fontsize=8,
                                         transform=ax_loss.transAxes, va="top")
                      for k, name in enumerate(OPTIMIZERS)}
        self._title = fig.text(0.07, 0.93, "", fontsize=9)
        self._ax_map, self._ax_loss = ax_map, ax_loss

    def _draw_surface(self, result):
        """The contour lines, start and minima
        (redrawn only when the surface or kappa changes)."""
        key = (result["surface"],
               result["kappa"] if result["surface"] == "quadratic" else None)
        if key == self._drawn_surface:
            return
        surf, ax = result["surface_obj"], self._ax_map
        if self._contour is not None:
            self._contour.set_visible(False)
        # Each surface's contour lines are computed once and shown again when it
        # comes back.
        self._contour = self._contours.get(key)
        if self._contour is None:
            X, Y, Z = surf.grid(120)
            gap = Z - result["min_value"]
            levels = np.geomspace(max(gap.max() * 1e-5, 1e-3), gap.max(), 14)
            self._contour = self._contours[key] = ax.contour(X, Y, gap, levels=levels,
                                                             colors="0.6",
                                                             linewidths=0.7, zorder=0)
        self._contour.set_visible(True)
        (x0, x1), (y0, y1) = surf.bounds
        ax.set(xlim=(x0, x1), ylim=(y0, y1))
        self._start.set_data([surf.start[0]], [surf.start[1]])
        self._minima.set_data([m[0] for m in surf.minima], [m[1] for m in surf.minima])
        # The loss axis reaches from 1e-12 to a thousand times the starting gap,
        # whatever the racers do.
        self._ax_loss.set_ylim(1e-12,
                               1e3 * max(surf(surf.start) - result["min_value"], 1e-9))
        self._drawn_surface = key

    def _draw(self, result):
        self._draw_surface(result)
        surf = result["surface_obj"]
        (x0, x1), (y0, y1) = surf.bounds
        # beyond this a diverging path is not drawn (it is off the plot)
        far = 1e3 * max(x1 - x0, y1 - y0)
        steps = result["steps"]
        t = np.arange(steps + 1)
        for name in OPTIMIZERS:
            if name not in result["paths"]:
                for artist in (self._paths[name], self._ends[name], self._curves[name]):
                    artist.set_data([], [])
                self._keys[name].set_text(f"{_MARKS[name]} {OPTIMIZERS[name]}: off")
                continue
            path = result["paths"][name]
            inside = np.all(np.isfinite(path) & (np.abs(path) < far), axis=1,
                            keepdims=True)
            shown = np.where(inside, path, np.nan)
            self._paths[name].set_data(shown[:, 0], shown[:, 1])
            self._ends[name].set_data(shown[-1:, 0], shown[-1:, 1])
            gap = result["gaps"][name]
            with np.errstate(invalid="ignore"):
                self._curves[name].set_data(t, np.where(np.isfinite(gap),
                                                        np.maximum(gap, 1e-16), np.nan))
            final = result["final_gap"][name]
            self._keys[name].set_text(f"{_MARKS[name]} {OPTIMIZERS[name]}: " +
                                      (f"{final:.1e}" if np.isfinite(final)
                                       else "diverged"))
        # The step axis jumps between a few lengths only, so that most moves of
        # the steps slider keep the background (and the axis does not rescale at
        # every move).
        self._ax_loss.set_xlim(0, next(limit for limit in _STEP_AXIS if limit >= steps))
        names = result["optimizers"]
        plain = any(n not in _ADAPTIVE for n in names)
        adaptive = any(n in _ADAPTIVE for n in names)
        rates = ([f"η = {result['lr']:g}"] if plain else []) + \
                ([f"adaptive η = {result['adaptive_lr']:g}"] if adaptive else [])
        self._title.set_text(f"{surf.name}: {steps} steps, {', '.join(rates)}, "
                             f"β = {result['beta']:g}")

    def _dynamic_artists(self):
        """The artists that change with the learning rates and beta;
        everything else is background."""
        return [*self._paths.values(), *self._ends.values(), *self._curves.values(),
                *self._keys.values(), self._title]

    def render(self):
        """Draw the current result and return it as PNG bytes
        (shown in the widget, if there is one).

        The background (contours, axes, ticks, labels) is drawn once for each
        surface and step count and kept as pixels; a change of learning rate,
        beta or racers redraws only the paths, curves and texts over it.
        """
        from PIL import Image

        fig = self.figure()
        self._draw(self.result)
        canvas = self._canvas
        key = (self._drawn_surface, self._ax_loss.get_xlim())
        if key != self._background_key:
            dynamic = self._dynamic_artists()
            for artist in dynamic:
                artist.set_visible(False)
            canvas.draw()
            self._background = canvas.copy_from_bbox(fig.bbox)
            for artist in dynamic:
                artist.set_visible(True)
            self._background_key = key
        canvas.restore_region(self._background)
        for artist in self._dynamic_artists():
            (artist.axes or fig).draw_artist(artist)
        buffer = io.BytesIO()
        # Level 1: a third of the time of the default compression, for a slightly
        # larger image.
        image = Image.frombuffer("RGBA", canvas.get_width_height(),
                                 canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        image.save(buffer, format="png", compress_level=1)
        png = buffer.getvalue()
        if self._image is not None:
            self._image.value = png
        return png

    def _controls(self):
        import ipywidgets as widgets

        style = {"description_width": "initial"}
        return {
            "surface": widgets.Dropdown(options=list(SURFACE_NAMES),
                                        value=self.params["surface"],
                                        description="surface"),
            "kappa": widgets.FloatLogSlider(value=self.params["kappa"], base=10, min=0,
                                            max=3, step=0.05,
                                            description="κ (quadratic)", style=style),
            "lr": widgets.FloatLogSlider(value=self.params["lr"], base=10, min=-4,
                                         max=0, step=0.05,
                                         description="η (GD, momentum)", style=style,
                                         readout_format=".2g"),
            "adaptive_lr": widgets.FloatLogSlider(value=self.params["adaptive_lr"],
                                                  base=10, min=-3, max=0, step=0.05,
                                                  description="η (adaptive)",
                                                  style=style, readout_format=".2g"),
            "beta": widgets.FloatSlider(value=self.params["beta"], min=0.0, max=0.99,
                                        step=0.01, description="β (momentum, β₁)",
                                        style=style),
            "steps": widgets.IntSlider(value=self.params["steps"], min=0, max=MAX_STEPS,
                                       step=10, description="steps", style=style),
            "optimizers": widgets.SelectMultiple(options=[(label, name) for name, label
                                                          in OPTIMIZERS.items()],
                                                 value=tuple(self.params["optimizers"]),
                                                 rows=6, description="racers"),
        }
