r"""A perceptron's decision boundary, set by hand or learned one sample at a time.

:class:`PerceptronExplorer` shows a two-input perceptron

.. math:: \hat y = \mathrm{step}(w_1 x_1 + w_2 x_2 + b), \qquad
          \mathrm{step}(z) = 1 \text{ if } z \ge 0 \text{ else } 0,

over a data set (the AND, OR or XOR truth table, or the apples-and-oranges
fruit): the line :math:`w_1 x_1 + w_2 x_2 + b = 0`, the half-plane it
predicts as class 1, the normal vector :math:`w`, and the points it gets
wrong.  Sliders set :math:`w_1, w_2, b`; buttons run Rosenblatt's rule from
there, one sample or one epoch at a time,

.. math::

   w \leftarrow w + \eta\,(y - \hat y)\,x, \qquad b \leftarrow b + \eta\,(y - \hat y),

visiting the samples in the same random order as
:meth:`nnlearn.perceptron.Perceptron.fit` with the same seed, so that from
:math:`w = 0, b = 0` the explorer reproduces ``Perceptron(rng=seed).fit``
exactly.  :func:`perceptron_trace` records the whole run (every visit's
weights) for flipbooks and exercises.

``layout="phone"`` draws the figure for a phone's width (the frames of the
book's flipbook on narrow screens): a narrower, taller figure with the legend
under the plot and the title on two lines, its text at least 8 points, so at
least 9 CSS pixels tall when the image is shown 326 pixels wide.
"""

import numpy as np

from .. import activations
from .._validation import check_choice, check_int, check_positive, check_real
from . import _perceptron_rule as _rule
from ._layers import LayeredExplorer
from ._perceptron_rule import _Rule, explorer_data, perceptron_trace

__all__ = ["PerceptronExplorer", "perceptron_trace", "explorer_data", "DATASETS",
           "FRUIT_ARGS", "MAX_VISITS", "LAYOUTS"]

# The data and the rule's record live in ``_perceptron_rule``; the constants are
# re-exported here with their documentation (for the API reference).

#: The data sets the explorer offers.
DATASETS = _rule.DATASETS

#: The most sample visits the explorer computes (about 500 epochs of the fruit data).
MAX_VISITS = _rule.MAX_VISITS

#: The fruit data of the explorer, linearly separable, 20 apples and 20 oranges.
FRUIT_ARGS = _rule.FRUIT_ARGS

#: The figure's layouts, and the default figure size of each in inches.
LAYOUTS = {"desktop": (7, 4), "phone": (3.6, 4.45)}

_LIMITS = {"gate": ((-0.5, 1.5), (-0.5, 1.5)), "fruit": ((-0.2, 2.0), (-0.2, 1.8))}
_BLUE, _VERMILLION, _GREEN, _ORANGE = "#0072B2", "#D55E00", "#009E73", "#E69F00"


def _clip_half_plane(w, b, limits):
    """The part of the view box where ``w @ x + b >= 0`` (polygon) and the boundary
    segment inside it."""
    (x0, x1), (y0, y1) = limits
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    z = corners @ w + b
    polygon, segment = [], []
    for k in range(4):
        p, q, zp, zq = corners[k], corners[(k + 1) % 4], z[k], z[(k + 1) % 4]
        if zp >= 0:
            polygon.append(p)
        if (zp >= 0) != (zq >= 0):  # the line crosses this edge of the box
            cross = p + (zp / (zp - zq)) * (q - p)
            polygon.append(cross)
            segment.append(cross)
    region = np.array(polygon) if polygon else np.empty((0, 2))
    boundary = np.array(segment[:2]) if len(segment) >= 2 and np.any(w != 0) else None
    return region, boundary


class PerceptronExplorer(LayeredExplorer):
    r"""Set a perceptron's weights with sliders or step its learning rule,
    and watch the line move.

    Parameters
    ----------
    data : {"and", "or", "xor", "fruit"}, default "or"
        The data set (see :func:`explorer_data`).
    w1, w2, b : float, default 0.0
        The weights and bias the learning rule starts from (zeros, as in
        :meth:`nnlearn.perceptron.Perceptron.fit`).  With ``visits=0`` they
        are the perceptron shown.
    lr : float, default 1.0
        The learning rate :math:`\eta > 0`.
    visits : int, default 0
        How many sample visits of the learning rule to apply, from 0 to
        :data:`MAX_VISITS`; each epoch visits all samples once.
    seed : int, default 0
        Seed of the order in which each epoch visits the samples.
    figsize : (float, float), optional
        By default ``LAYOUTS[layout]``: (7, 4), or (3.6, 4.45) for the phone, the
        size its layout is made for.
    dpi : int, default 80
    layout : {"desktop", "phone"}, default "desktop"
        How the figure is arranged: ``"phone"`` for a figure 3.6 inches wide
        with text readable on a phone (see the module docstring).

    Notes
    -----
    In the widget, the "+1 sample" and "+1 epoch" buttons raise ``visits``
    (to the end of the current epoch for the latter), "Restart" sets it to 0,
    and changing the data set, a weight, the learning rate or the seed starts
    the rule again from the sliders' weights (``visits`` back to 0).

    Examples
    --------
    >>> # one epoch of the rule on AND
    >>> ex = PerceptronExplorer(data="and", visits=4)
    >>> ex.result["w"], ex.result["b"], ex.result["errors_per_epoch"]
    (array([0., 1.]), 0.0, [2])
    >>> # seven epochs: Perceptron(rng=0).fit's run
    >>> r = ex.set(visits=7 * 4)
    >>> r["errors_per_epoch"], r["w"], r["b"], r["n_mistakes"]
    ([2, 2, 1, 1, 1, 3, 0], array([1., 1.]), -2.0, 0)
    """

    defaults = {"data": "or", "w1": 0.0, "w2": 0.0, "b": 0.0, "lr": 1.0, "visits": 0,
                "seed": 0}

    def __init__(self, *, layout="desktop", figsize=None, **kwargs):
        self.layout = check_choice(layout, "layout", tuple(LAYOUTS), "layout")
        self._cache = None
        super().__init__(figsize=figsize or LAYOUTS[layout], **kwargs)

    def update(self, data, w1, w2, b, lr, visits, seed):
        r"""Run the rule for ``visits`` visits from ``(w1, w2, b)`` and classify the
        data with the result.

        Returns
        -------
        dict
            ``"data"``; ``"X"``, ``"y"``: the data; ``"w"`` (ndarray of shape
            (2,)) and ``"b"`` (float): the current weights and bias;
            ``"z"``: :math:`Xw + b`; ``"predictions"``: int64
            :math:`\mathrm{step}(z)`; ``"mistakes"``: indices of the samples
            now misclassified, and ``"n_mistakes"`` their number;
            ``"boundary"``: ndarray of shape (2, 2), the ends of the visible
            part of the line :math:`w^\top x + b = 0`, or None (``w = 0``, or
            the line misses the view); ``"region"``: ndarray of shape (k, 2),
            the polygon of the view predicted 1; ``"distance"``: the signed
            distance :math:`-b/\lVert w\rVert` of the line from the origin
            along :math:`w/\lVert w\rVert` (nan if ``w = 0``); ``"limits"``:
            the view box; ``"visits"``, ``"epoch"`` (completed epochs) and
            ``"n_updates"``; ``"last_sample"`` (index of the last sample
            visited, or None) and ``"last_updated"``; ``"errors_per_epoch"``:
            the mistakes of each completed epoch (``Perceptron.errors_``).
        """
        X, y = explorer_data(data)
        w0 = np.array([check_real(w1, "w1"), check_real(w2, "w2")])
        b0 = check_real(b, "b")
        lr = check_positive(lr, "lr")
        visits = check_int(visits, "visits", minimum=0)
        if visits > MAX_VISITS:
            raise ValueError(f"`visits` must be at most {MAX_VISITS}, got {visits}. "
                             "Restart with other weights rather than running the rule "
                             "longer.")
        seed = check_int(seed, "seed", minimum=0)
        key = (data, float(w0[0]), float(w0[1]), b0, lr, seed)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, _Rule(X, y, w0, b0, lr, seed))
        rule = self._cache[1]
        if len(rule.samples) < visits:
            rule.advance(visits)
        w, b_now = rule.weights[visits], rule.biases[visits]
        n = X.shape[0]
        cum = rule.cum_updates
        z = X @ w + b_now
        predictions = activations.get("step")(z).astype(np.int64)
        limits = _LIMITS["fruit" if data == "fruit" else "gate"]
        region, boundary = _clip_half_plane(w, b_now, limits)
        norm = float(np.hypot(w[0], w[1]))
        self.result = {
            "data": data, "X": X, "y": y, "w": w.copy(), "b": b_now, "z": z,
            "predictions": predictions, "mistakes": np.flatnonzero(predictions != y),
            "n_mistakes": int(np.count_nonzero(predictions != y)),
            "boundary": boundary, "region": region,
            "distance": -b_now / norm if norm > 0 else float("nan"), "limits": limits,
            "visits": visits, "epoch": visits // n, "n_updates": int(cum[visits]),
            "last_sample": rule.samples[visits - 1] if visits else None,
            "last_updated": bool(rule.updated[visits - 1]) if visits else False,
            "errors_per_epoch": [int(cum[(e + 1) * n] - cum[e * n])
                                 for e in range(visits // n)],
        }
        return self.result

    # -- figure ------------------------------------------------------------------------

    def _init_figure(self, fig):
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch, Polygon
        from matplotlib.ticker import MaxNLocator

        ax = self._ax = fig.add_subplot()
        self._region = Polygon(np.zeros((3, 2)), closed=True, facecolor=_ORANGE,
                               alpha=0.18, edgecolor="none")
        ax.add_patch(self._region)
        (self._line,) = ax.plot([], [], color="black", linewidth=2)
        self._quiver = ax.quiver([0.0], [0.0], [0.0], [0.0], angles="xy",
                                 scale_units="xy", scale=1, color="black", width=0.008)
        style = {"s": 45, "edgecolors": "white", "linewidths": 0.6, "zorder": 3}
        self._points = [ax.scatter([], [], marker="o", color=_BLUE, **style),
                        ax.scatter([], [], marker="^", color=_VERMILLION, **style)]
        self._wrong = ax.scatter([], [], s=170, facecolors="none", edgecolors="black",
                                 linewidths=1.3, zorder=4)
        self._last = ax.scatter([], [], s=260, marker="s", facecolors="none",
                                edgecolors=_GREEN, linewidths=2, zorder=4)
        ax.axhline(0, color="0.75", linewidth=0.6, zorder=0)
        ax.axvline(0, color="0.75", linewidth=0.6, zorder=0)
        ax.set_aspect("equal", adjustable="box")
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(5))
        phone = self.layout == "phone"
        handles = [Line2D([], [], marker="o", color=_BLUE, linestyle="none"),
                   Line2D([], [], marker="^", color=_VERMILLION, linestyle="none"),
                   Line2D([], [], color="black", linewidth=2),
                   Patch(facecolor=_ORANGE, alpha=0.3),
                   Line2D([], [], marker="o", markersize=10, markerfacecolor="none",
                          markeredgecolor="black", linestyle="none"),
                   Line2D([], [], marker="s", markersize=11, markerfacecolor="none",
                          markeredgecolor=_GREEN, markeredgewidth=2, linestyle="none")]
        labels = ["apple (class 0)", "orange (class 1)", "boundary, arrow w",
                  "predicted 1", "misclassified", "last visit (red: update)"]
        if phone:  # at the bottom of the figure, in two columns
            self._legend = ax.legend(handles, labels, loc="lower center",
                                     bbox_to_anchor=(0.5, 0.01),
                                     bbox_transform=fig.transFigure, fontsize=8,
                                     frameon=False, borderaxespad=0, ncols=2,
                                     columnspacing=0.8, handlelength=1.5,
                                     handletextpad=0.5)
            ax.tick_params(labelsize=8.5)
        else:
            self._legend = ax.legend(handles, labels, loc="upper left",
                                     bbox_to_anchor=(1.02, 1.0), fontsize=8.5,
                                     frameon=False, borderaxespad=0)
        self._shown_data = None
        # Lay the figure out once, with the longest labels and the widest limits, then
        # fix it: the constrained layout would otherwise be recomputed (with an extra
        # draw) on every frame.
        ax.set(xlim=_LIMITS["fruit"][0], ylim=_LIMITS["fruit"][1])
        ax.set_xlabel("weight $x_1$ (scaled units)", fontsize=9 if phone else None)
        ax.set_ylabel("size $x_2$ (scaled units)", fontsize=9 if phone else None)
        self._title_break = ":\n" if phone else ": "
        self._title = ax.set_title(f"w = (-0.00, -0.00), b = -0.00{self._title_break}"
                                   "40 of 40 misclassified", fontsize=9)
        if phone:
            # A fixed place, in inches: room on the left for a minus sign in the tick
            # labels, and as high as wide, so that the square plot of a logic gate
            # fits as well as the fruit's (2.2 wide, 2 high), both at the top.
            fig.set_layout_engine(None)
            width, height = fig.get_size_inches()
            left, top, side = 0.62, 0.5, 2.8
            ax.set_position((left / width, (height - top - side) / height,
                             side / width, side / height))
            ax.set_anchor("N")
        else:
            fig.canvas.draw()
            fig.set_layout_engine(None)
        # What _draw changes on every move; a redraw draws only these (see
        # LayeredExplorer).  A new data set changes limits, labels and points too,
        # which redraws everything once.
        self._dynamic_artists = [self._region, self._line, self._quiver, self._wrong,
                                 self._last, self._title]

    def _draw(self, r):
        ax = self._ax
        # limits, labels and legend change only with the data set
        if r["data"] != self._shown_data:
            (x0, x1), (y0, y1) = r["limits"]
            ax.set(xlim=(x0, x1), ylim=(y0, y1))
            fruit_data = r["data"] == "fruit"
            ax.set_xlabel("weight $x_1$ (scaled units)" if fruit_data
                          else "input $x_1$")
            ax.set_ylabel("size $x_2$ (scaled units)" if fruit_data else "input $x_2$")
            texts = self._legend.get_texts()
            texts[0].set_text("apple (class 0)" if fruit_data else "y = 0")
            texts[1].set_text("orange (class 1)" if fruit_data else "y = 1")
            for label, scatter in enumerate(self._points):
                scatter.set_offsets(r["X"][r["y"] == label])
                scatter.set_sizes([45 if fruit_data else 110])
            self._shown_data = r["data"]
        X = r["X"]
        self._region.set_xy(r["region"] if len(r["region"]) >= 3 else np.zeros((3, 2)))
        self._wrong.set_offsets(X[r["mistakes"]] if r["n_mistakes"]
                                else np.empty((0, 2)))
        self._last.set_offsets(X[[r["last_sample"]]] if r["last_sample"] is not None
                               else np.empty((0, 2)))
        self._last.set_edgecolor(_VERMILLION if r["last_updated"] else _GREEN)
        if r["boundary"] is None:
            self._line.set_data([], [])
            self._quiver.set_visible(False)
        else:
            (ax0, ay0), (ax1, ay1) = r["boundary"]
            self._line.set_data([ax0, ax1], [ay0, ay1])
            span = r["limits"][0][1] - r["limits"][0][0]
            direction = r["w"] / np.hypot(*r["w"]) * 0.18 * span
            self._quiver.set_offsets([[(ax0 + ax1) / 2, (ay0 + ay1) / 2]])
            self._quiver.set_UVC([direction[0]], [direction[1]])
            self._quiver.set_visible(True)
        w, b = r["w"], r["b"]
        self._title.set_text(f"w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}"
                             f"{self._title_break}"
                             f"{r['n_mistakes']} of {len(r['y'])} misclassified")
        if getattr(self, "_status", None) is not None:
            self._status.value = self.status(r)

    @staticmethod
    def status(r):
        """A one-line summary of a result: the run so far, the last visit,
        the mistakes per epoch."""
        last = "none yet"
        if r["last_sample"] is not None:
            outcome = "a mistake: update" if r["last_updated"] else "right: no change"
            last = f"sample {r['last_sample']}, {outcome}"
        errors = " ".join(map(str, r["errors_per_epoch"][-12:])) or "none completed"
        more = "... " if len(r["errors_per_epoch"]) > 12 else ""
        return (f"visits {r['visits']} (epochs done {r['epoch']}), "
                f"updates {r['n_updates']}; "
                f"last visit: {last}; mistakes per epoch: {more}{errors}; "
                f"distance of the line from the origin -b/||w|| = {r['distance']:.3g}")

    # -- controls ----------------------------------------------------------------------

    def _controls(self):
        import ipywidgets as widgets

        p = self.params
        slider = {"min": -3.0, "max": 3.0, "step": 0.05, "continuous_update": True,
                  "style": {"description_width": "2.5em"},
                  "layout": widgets.Layout(width="15em")}
        return {
            "data": widgets.Dropdown(options=list(DATASETS), value=p["data"],
                                     description="data",
                                     layout=widgets.Layout(width="11em")),
            "w1": widgets.FloatSlider(value=p["w1"], description="w1", **slider),
            "w2": widgets.FloatSlider(value=p["w2"], description="w2", **slider),
            "b": widgets.FloatSlider(value=p["b"], description="b", **slider),
            "lr": widgets.FloatSlider(value=p["lr"], min=0.05, max=2.0, step=0.05,
                                      description="η",
                                      style={"description_width": "2.5em"},
                                      layout=widgets.Layout(width="15em")),
            "seed": widgets.BoundedIntText(value=p["seed"], min=0, max=10**6,
                                           description="order seed",
                                           layout=widgets.Layout(width="11em")),
            "visits": widgets.BoundedIntText(value=p["visits"], min=0, max=MAX_VISITS,
                                             description="visits",
                                             layout=widgets.Layout(width="11em")),
        }

    def _layout(self, controls, image):
        import ipywidgets as widgets

        visits = controls["visits"]

        def advance(to):
            visits.value = min(to, MAX_VISITS)

        n = lambda: len(self.result["y"])  # noqa: E731 - the data set may change
        buttons = {
            "sample": widgets.Button(description="+1 sample",
                                     tooltip="visit the next sample"),
            "epoch": widgets.Button(description="+1 epoch",
                                    tooltip="visit the rest of this epoch"),
            "restart": widgets.Button(description="Restart",
                                      tooltip="back to the sliders' weights"),
        }
        buttons["sample"].on_click(lambda _: advance(visits.value + 1))
        buttons["epoch"].on_click(lambda _: advance((visits.value // n() + 1) * n()))
        buttons["restart"].on_click(lambda _: advance(0))
        self._buttons = buttons

        def restart(change):
            if visits.value != 0:
                visits.value = 0

        for name in ("data", "w1", "w2", "b", "lr", "seed"):
            controls[name].observe(restart, names="value")
        self._status = widgets.HTML(value=self.status(self.result))
        row = {"layout": widgets.Layout(flex_flow="row wrap", align_items="center")}
        return widgets.VBox([
            widgets.HBox([controls[k] for k in ("data", "w1", "w2", "b")], **row),
            widgets.HBox([controls[k] for k in ("lr", "seed", "visits")]
                         + list(buttons.values()), **row),
            self._status, image])
