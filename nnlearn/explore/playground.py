r"""A neural-network playground in the spirit of TensorFlow Playground,
running on nnlearn.

Everything the book has built meets here: choose a data set, the input
features, the hidden layers, the activation, the loss, the optimizer and its
learning rate, the batch size and the regularisation, then watch the decision
boundary form while the train and test losses fall (or do not).

The playground is split by idea; this module re-exports the public names of all:

* ``_playground_data``: the data sets (:func:`playground_data`), classification and
  regression, and the feature map (:func:`feature_map`), with their conventions;
* ``_playground_settings``: what may be chosen (activations, losses, optimizers) and
  the check of a whole set of parameters;
* ``_playground_engine``: the widget-free engine, :class:`PlaygroundEngine`, whose
  ``update`` builds data, features and network when a structural parameter changes
  and returns the current snapshot, and whose ``step`` trains for some epochs;
* ``_playground_state``: the state string that holds every setting
  (:attr:`~PlaygroundEngine.state`, ``Playground(state=...)``);
* ``_playground_network``: the network view, what every node outputs over the plane
  (:func:`neuron_maps`) and the weights of the links (:func:`link_weights`), drawn
  in place by ``NetworkView``;
* ``_playground_widget``: the widget's controls and layout (a mixin);
* this module: :class:`Playground`, the engine with its figure and widget (one
  control per parameter, a heatmap of the network's prediction over the plane with
  the train and test points on it, the two loss curves, Play / Step / Reset, and the
  state string to copy).

>>> pg = Playground(dataset="xor", features=("x1", "x2"), hidden=(4,), seed=0)
>>> snapshot = pg.step(5)
>>> snapshot["epoch"], len(pg.history["train_loss"])  # epochs 0 (initial weights) to 5
(5, 6)
>>> snapshot["image"].shape
(60, 60, 3)
>>> pg.state
'v=1&dataset=xor&hidden=4&seed=0'
"""

import numpy as np

from .._validation import check_int
from . import _playground_data as _data
from . import _playground_engine as _engine
from . import _playground_widget as _widget
from ._playground_data import feature_map, playground_data
from . import _playground_settings as _settings
from ._playground_engine import _COLOURS, PlaygroundEngine
from ._playground_network import (
    NetworkView,
    NetworkViewMixin,
    colour,
    link_weights,
    neuron_maps,
)
from ._playground_settings import fitting_loss
from ._playground_widget import PlaygroundWidget
from .explorer import Explorer

__all__ = ["Playground", "PlaygroundEngine", "playground_data", "feature_map",
           "neuron_maps", "link_weights", "NetworkView", "colour", "fitting_loss",
           "DATASETS", "REGRESSION_DATASETS", "FEATURES", "ACTIVATIONS", "LOSSES",
           "OPTIMIZERS",
           "LEARNING_RATES", "PENALTIES", "EXTENT", "GRID_SIZE", "CLASS_COLORS"]

# The constants, re-exported with their documentation (for the API reference).

#: Names of the classification data sets of :func:`playground_data` (the last two
#: have three classes).
DATASETS = _data.DATASETS

#: Names of the regression data sets of :func:`playground_data` (a real target).
REGRESSION_DATASETS = _data.REGRESSION_DATASETS

#: Names of the input features, in the order :func:`feature_map` accepts them.
FEATURES = _data.FEATURES

#: Half-width of the square the points live in.
EXTENT = _data.EXTENT

#: Hidden-layer activations offered.
ACTIVATIONS = _settings.ACTIVATIONS

#: Losses offered, with the output activation each implies (for a regression data
#: set, ``"mse"`` has a linear output instead).
LOSSES = _settings.LOSSES

#: Optimizers offered.
OPTIMIZERS = _settings.OPTIMIZERS

#: Resolution of the heatmap (the network is evaluated on a GRID_SIZE x GRID_SIZE grid).
GRID_SIZE = _engine.GRID_SIZE

#: Colours of classes 0, 1, 2 (Okabe-Ito orange, blue, green).
CLASS_COLORS = _engine.CLASS_COLORS

#: Learning rates offered by the widget (the engine accepts any positive number).
LEARNING_RATES = _widget.LEARNING_RATES

#: L1 / L2 strengths offered by the widget (the engine accepts any non-negative number).
PENALTIES = _widget.PENALTIES

# Font size of all the figure's text, in points.  Shown 358 px wide (the page's column
# on a 390 px phone), the default 5.6-inch figure makes it 10.5 * 358 / (72 * 5.6) =
# 9.3 px tall on screen, whatever the dpi.
_FONT_SIZE = 10.5



class Playground(PlaygroundWidget, NetworkViewMixin, PlaygroundEngine, Explorer):
    r"""Train a small network on a 2-D data set and watch its decision boundary and
    loss curves.

    Parameters
    ----------
    dataset : str, default "circle"
        One of :data:`DATASETS` (classification) or :data:`REGRESSION_DATASETS`
        (regression: needs ``loss="mse"``, and the map shows the output's value).
    noise : float, default 0
        Standard deviation of the noise added to the points (they move, and keep
        the label of where they were drawn).
    flip : float in [0, 1), default 0
        Label noise: the probability that a point's label is replaced by another
        class (classification only).
    train_ratio : float in (0, 1), default 0.5
        Fraction of the points used for training; the rest are the test set.
    n_samples : int, default 400
        Number of points.
    features : tuple of str, default ("x1", "x2")
        Input features, names from :data:`FEATURES`.
    hidden : tuple of int or str, default (4, 4)
        Widths of the hidden layers (``()`` for none: a linear model); a string such as
        ``"4, 4"`` is accepted.
    activation : str, default "tanh"
        Hidden activation, one of :data:`ACTIVATIONS`.
    loss : str, default "bce"
        ``"mse"`` (tanh output, targets ±1; a linear output for regression),
        ``"bce"`` (sigmoid output, two classes) or ``"cce"`` (softmax).
    optimizer : str, default "sgd"
        One of :data:`OPTIMIZERS` (momentum and Nesterov use :math:`\mu = 0.9`).
    lr : float, default 0.03
        Learning rate.
    batch_size : int, default 10
        Samples per gradient step (more than the training set means all of it).
    l1, l2 : float, default 0
        Penalty strengths on the weights (not the biases).
    dropout : float in [0, 1), default 0
        Dropout probability after every hidden activation.
    discretize : bool, default False
        Colour the map by the predicted class (or the output's sign) only, at full
        strength, rather than paler where the network is less sure.
    show_test : bool, default True
        Draw the test points (circles) on the map as well as the training points.
    seed : int, default 0
        Seeds the data, the split, the weights, the dropout masks and the shuffling.

    All of these are keyword arguments, and each has a control of the same name in
    the widget.

    Other Parameters
    ----------------
    state : str, optional
        All the settings above in one string, as :attr:`~PlaygroundEngine.state`
        gives them (for example ``"v=1&dataset=spiral&hidden=8,8&seed=3"``); a
        parameter also given as a keyword overrides the string's.
        :meth:`~PlaygroundEngine.from_state` does the same.
    epochs_per_frame : int, default 5
        Epochs trained per tick of the widget's Play button (it ticks every 100 ms, so
        up to 50 epochs per second are shown when a frame takes less than 100 ms).
    figsize, dpi
        As for :class:`~nnlearn.explore.explorer.Explorer`; the default 5.6 by 3.3
        inches keeps the text at least 9 px tall where the figure is shown as narrow
        as a phone's page (358 px), at any dpi.

    Notes
    -----
    ``update(**params)`` rebuilds the data, the features and a freshly
    initialised network when one of ``dataset, noise, flip, train_ratio, n_samples,
    features, hidden, activation, loss, dropout, seed`` changes (this resets
    training); a new ``optimizer`` starts a fresh optimizer on the current
    weights; ``lr, batch_size, l1, l2`` take effect at the next step, and
    ``discretize, show_test`` at the next drawing.  In the widget, choosing a data
    set that the loss cannot score also switches the loss (:func:`fitting_loss`).  It
    returns the snapshot of training (see :meth:`~PlaygroundEngine.snapshot`).
    :meth:`~PlaygroundEngine.step` trains, :meth:`~PlaygroundEngine.reset` starts
    again from the initial weights.  If the loss or a weight becomes NaN or infinite,
    ``diverged`` becomes True and training stops.

    :attr:`~PlaygroundEngine.state` is the string of every setting and the seed
    (not of the display: ``epochs_per_frame``, ``figsize``, ``dpi``); two
    playgrounds made from one string and trained for the same epochs have the same
    weights.  The widget shows it, ready to copy, under the figure.
    """

    def __init__(self, *, state=None, epochs_per_frame=5, figsize=(5.6, 3.3), dpi=80,
                 **params):
        self.epochs_per_frame = check_int(epochs_per_frame, "epochs_per_frame",
                                          minimum=1)
        self._init_engine()
        self._scatter_version = None
        self._state_text = self._node_selector = self._network_image = None
        self._network_fig = self._network_version = None
        self.focus = None
        Explorer.__init__(self, figsize=figsize, dpi=dpi,
                          **self._with_state(state, params))

    def update(self, **params):
        """Apply ``params`` (rebuilding and resetting if a structural one changed)
        and return the snapshot; the widget's state string and node selector
        follow."""
        shown = self.node_names().get(self.focus) if self.focus is not None else None
        result = super().update(**params)
        if self.focus is not None and self.node_names().get(self.focus) != shown:
            self.focus = None  # that node is gone with the old network (or renamed)
        if self._state_text is not None:
            self._state_text.value = self.state
        self._refresh_node_selector()
        return result

    def show_node(self, node=None):
        """Show node ``(layer, index)`` of the network view large, in place of the
        decision map (``None``: the decision map again), as the widget's "map shows"
        selector does (and moves it); returns the map shown, (GRID_SIZE, GRID_SIZE),
        or None."""
        shown = super().show_node(node)
        if self._widget is not None:
            self._refresh_node_selector()
            self.render()
        return shown

    # -- the figure --------------------------------------------------------------------

    def _init_figure(self, fig):
        from matplotlib.lines import Line2D

        size = _FONT_SIZE
        ax_map, ax_loss = fig.subplots(1, 2, width_ratios=[1, 1.15])
        self._heat = ax_map.imshow(np.ones((GRID_SIZE, GRID_SIZE, 3)),
                                   extent=(-EXTENT, EXTENT, -EXTENT, EXTENT),
                                   interpolation="bilinear", origin="upper")
        self._train_pts = ax_map.scatter([0], [0], s=14, edgecolors="white",
                                         linewidths=0.5, label="train")
        self._test_pts = ax_map.scatter([0], [0], s=14, facecolors="none",
                                        linewidths=1.0, label="test")
        ax_map.set(xlim=(-EXTENT, EXTENT), ylim=(-EXTENT, EXTENT),
                   xticks=[-6, -3, 0, 3, 6], yticks=[-6, -3, 0, 3, 6])
        proxies = [Line2D([], [], linestyle="none", marker="o", markersize=5,
                          color="0.3", markeredgecolor="white", label="train"),
                   Line2D([], [], linestyle="none", marker="o", markersize=5,
                          markerfacecolor="none", markeredgecolor="0.3", label="test")]
        # The key of the points sits above the map, so nothing is drawn over it.
        ax_map.legend(handles=proxies, loc="lower center", bbox_to_anchor=(0.5, 1.0),
                      ncols=2, fontsize=size, frameon=False, borderaxespad=0.1,
                      handletextpad=0.2, columnspacing=1.2)
        (self._train_line,) = ax_loss.plot([0], [0], color="#0072B2",
                                           label="train loss")
        (self._test_line,) = ax_loss.plot([0], [0], color="#D55E00", linestyle="--",
                                          label="test loss")
        ax_loss.set(xlim=(0, 100), ylim=(0, 1))
        # Above the axes, as the map's key: outside the curves, so it is drawn once,
        # with the background (a legend redrawn over them cost 9 ms a frame).
        ax_loss.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2,
                       fontsize=size, frameon=False, borderaxespad=0.1,
                       handletextpad=0.4, handlelength=1.6, columnspacing=1.0)
        ax_loss.grid(alpha=0.3)
        for ax, xlabel, ylabel in ((ax_map, "$x_1$", "$x_2$"),
                                   (ax_loss, "epoch", "loss")):
            ax.set_xlabel(xlabel, fontsize=size)
            ax.set_ylabel(ylabel, fontsize=size)
            ax.tick_params(labelsize=size)
        self._ax_loss = ax_loss
        # The status line spans the figure: at this size it is wider than one panel.
        self._title = fig.suptitle(" ", x=0.02, ha="left", fontsize=size)
        # Blitting: these artists change at every frame and are drawn over a cached
        # background (axes, ticks, labels, legends), which is redrawn only when the
        # loss axis limits change.
        self._animated = [self._heat, self._train_pts, self._test_pts, self._train_line,
                          self._test_line, self._title, *ax_map.spines.values()]
        for artist in self._animated:
            artist.set_animated(True)
        self._background = self._background_key = None

    def _draw(self, result):
        if self.focus is None:
            self._heat.set_data(result["image"])
        else:
            self._heat.set_data(colour(self.node_map(*self.focus)))
        if self._scatter_version != result["version"]:
            self._scatter_version = result["version"]
            self._train_pts.set_offsets(self.X_train)
            self._train_pts.set_facecolors(self._point_colours(self.y_train))
            self._test_pts.set_offsets(self.X_test)
            self._test_pts.set_edgecolors(self._point_colours(self.y_test))
            self._test_pts.set_facecolors("none")
        self._test_pts.set_visible(self._p["show_test"])
        h = result["history"]
        self._train_line.set_data(h["epoch"], h["train_loss"])
        self._test_line.set_data(h["epoch"], h["test_loss"])
        # Axis limits change only in steps (doubling), so the tick locators
        # rarely rerun.
        xmax = 100
        while xmax < result["epoch"]:
            xmax *= 2
        finite = np.concatenate([h["train_loss"], h["test_loss"]])
        finite = finite[np.isfinite(finite)]
        top = float(finite.max()) if finite.size else 1.0
        ymax = 0.5
        while ymax < 1.05 * top and ymax < 1e6:
            ymax *= 2
        ax = self._ax_loss
        if ax.get_xlim() != (0, xmax) or ax.get_ylim() != (0, ymax):
            ax.set(xlim=(0, xmax), ylim=(0, ymax))
        status = ("diverged" if result["diverged"]
                  else "MSE" if result["test_accuracy"] is None
                  else f"test acc. {result['test_accuracy']:.0%}")
        if self.focus is None:
            self._title.set_text(f"epoch {result['epoch']}: "
                                 f"train {result['train_loss']:.3f}, "
                                 f"test {result['test_loss']:.3f}, {status}")
        else:
            self._title.set_text(f"epoch {result['epoch']}, map of "
                                 f"{self.node_names()[self.focus]} ({status})")

    def _point_colours(self, y):
        """The points' colours: their class's, or (regression) their target's on the
        network view's scale, a little darker than the map under them."""
        if self.n_classes:
            return _COLOURS[y]
        return 0.85 * colour(y)

    def redraw(self, **params):
        """As :meth:`Explorer.redraw <nnlearn.explore.explorer.Explorer.redraw>`;
        a new ``dataset`` that the loss cannot score switches the loss too
        (:func:`fitting_loss`), and a regression one sets ``flip`` to 0 (moving
        their controls)."""
        if "dataset" in params:
            fitted = {"loss": fitting_loss(params["dataset"],
                                           params.get("loss", self.params["loss"]))}
            if params["dataset"] in REGRESSION_DATASETS:
                fitted["flip"] = 0.0
            params.update({name: value for name, value in fitted.items()
                           if value != params.get(name, self.params[name])})
            controls = getattr(self, "_control_map", {}) if self._widget else {}
            if "flip" in controls:
                controls["flip"].disabled = params["dataset"] in REGRESSION_DATASETS
            moved = [name for name in fitted if name in params and name in controls
                     and controls[name].value != params[name]]
            if moved:
                self.params.update(params)
                for name in moved:  # each observer redraws (the first one rebuilds)
                    controls[name].value = params[name]
                return self._image.value
        return super().redraw(**params)

    def render(self):
        """Draw the current result and return it as PNG bytes
        (and show it in the widget, if any).

        Only the changing artists are drawn, over a cached image of the rest of the
        figure (blitting); the figure's own ``savefig`` would leave them out, as they
        are marked animated.
        """
        import io

        from PIL import Image

        fig = self.figure()
        self._draw(self.result)
        key = (self._ax_loss.get_xlim(), self._ax_loss.get_ylim())
        if self._background is None or key != self._background_key:
            self._canvas.draw()
            self._background = self._canvas.copy_from_bbox(fig.bbox)
            self._background_key = key
        else:
            self._canvas.restore_region(self._background)
        for artist in self._animated:
            (artist.axes or fig).draw_artist(artist)
        buffer = io.BytesIO()
        pixels = np.asarray(self._canvas.buffer_rgba())[..., :3]
        Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
        png = buffer.getvalue()
        if self._image is not None:
            self._image.value = png
        if self._network_image is not None:
            self._network_image.value = self.render_network()
        return png
