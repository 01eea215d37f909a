r"""A live explorer of forward propagation in a 2 → 3 → 2 network (Chapter 1).

:class:`NetworkExplorer` draws a small network as a diagram, one slider per
input, weight and bias, and shows every number of the forward pass:

.. math::

    z^{(1)} = x W^{(1)} + b^{(1)}, \quad a^{(1)} = f^{(1)}(z^{(1)}), \qquad
    z^{(2)} = a^{(1)} W^{(2)} + b^{(2)}, \quad a^{(2)} = f^{(2)}(z^{(2)}),

with the input :math:`x` a row of 2 numbers, :math:`W^{(1)}` of shape
``(2, 3)`` and :math:`W^{(2)}` of shape ``(3, 2)`` (batch-first, as
:class:`nnlearn.layers.Dense` stores them).  The defaults are the worked
example of Chapter 1, whose course notes write the same network with column
vectors, :math:`\sigma(M a + c)` with :math:`M = W^\top`.

The parameters are scalars named after the math with 1-based indices:
``x1, x2`` (inputs), ``W1_ij`` (weight from input ``i`` to hidden neuron
``j``), ``b1_j``, ``W2_jk`` (weight from hidden neuron ``j`` to output
``k``), ``b2_k``, and the two activations ``hidden`` and ``output`` (one of
:data:`ACTIVATION_CHOICES`).  So ``W1_12`` is ``W1[0, 1]`` in numpy.

Nodes are coloured by their value (blue negative, white zero, vermillion
positive, saturating at :math:`\pm 1`) and print it; edges are coloured by
the sign of their weight and drawn thicker the larger its magnitude.

``layout="phone"`` draws the same diagram for a phone's width (the frames of
the book's flipbook on narrow screens): a narrower and taller figure, the
colour bar under the diagram, every label at least 8 points, so that its text
is at least 9 CSS pixels tall when the image is shown 326 pixels wide.

>>> ex = NetworkExplorer()
>>> ex.result["Z1"]
array([0.  , 0.5 , 0.75])
>>> ex.set(hidden="linear", output="linear")["A2"]   # x W1 W2 + (b1 W2 + b2)
array([-0.375,  1.5  ])
"""

import numpy as np

from .. import activations
from .._validation import check_choice, check_real
from ..layers import Activation, Dense
from ._layers import LayeredExplorer

__all__ = ["NetworkExplorer", "ACTIVATION_CHOICES", "WORKED_EXAMPLE", "LAYOUTS"]

#: The activations the explorer offers for each layer.
ACTIVATION_CHOICES = ("sigmoid", "tanh", "relu", "linear")

#: The worked example of Chapter 1 in the batch-first convention, with input ``x`` of
#: shape (2,), ``W1`` (2, 3), ``b1`` (3,), ``W2`` (3, 2), ``b2`` (2,).  The course
#: notes' column-vector matrices are the transposes ``W1.T`` (3, 2) and ``W2.T`` (2, 3).
WORKED_EXAMPLE = {
    "x": np.array([1.0, 2.0]),
    "W1": np.array([[0.5, -1.0, 0.25],
                    [-0.25, 0.5, 0.75]]),
    "b1": np.array([0.0, 0.5, -1.0]),
    "W2": np.array([[1.0, -1.5],
                    [-2.0, 1.0],
                    [0.5, 2.0]]),
    "b2": np.array([0.25, -0.5]),
}

_N_IN, _N_HIDDEN, _N_OUT = 2, 3, 2
_W1_NAMES = [[f"W1_{i + 1}{j + 1}" for j in range(_N_HIDDEN)] for i in range(_N_IN)]
_W2_NAMES = [[f"W2_{j + 1}{k + 1}" for k in range(_N_OUT)] for j in range(_N_HIDDEN)]
_B1_NAMES = [f"b1_{j + 1}" for j in range(_N_HIDDEN)]
_B2_NAMES = [f"b2_{k + 1}" for k in range(_N_OUT)]
_X_NAMES = [f"x{i + 1}" for i in range(_N_IN)]
_NUMBER_NAMES = (_X_NAMES + [n for row in _W1_NAMES for n in row] + _B1_NAMES
                 + [n for row in _W2_NAMES for n in row] + _B2_NAMES)

# Okabe-Ito blue (negative) - white (zero) - vermillion (positive).
_BLUE, _VERMILLION = "#0072B2", "#D55E00"
_LIMIT = 1.0  # node colours saturate at +-1; weights' line widths at +-4
_SPACING = 1.4  # horizontal distance between layers in the diagram

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

#: The figure's layouts, and the default figure size of each in inches.
LAYOUTS = {"desktop": (7, 4.2), "phone": (3.6, 5.3)}


def _defaults():
    ex = WORKED_EXAMPLE
    values = {name: float(v) for name, v in zip(_X_NAMES, ex["x"])}
    for i in range(_N_IN):
        for j in range(_N_HIDDEN):
            values[_W1_NAMES[i][j]] = float(ex["W1"][i, j])
    values.update({name: float(v) for name, v in zip(_B1_NAMES, ex["b1"])})
    for j in range(_N_HIDDEN):
        for k in range(_N_OUT):
            values[_W2_NAMES[j][k]] = float(ex["W2"][j, k])
    values.update({name: float(v) for name, v in zip(_B2_NAMES, ex["b2"])})
    values.update(hidden="sigmoid", output="sigmoid")
    return values


class NetworkExplorer(LayeredExplorer):
    r"""Forward propagation through a 2 → 3 → 2 network, with every weight, bias and
    input on a slider.

    Parameters
    ----------
    figsize : (float, float), optional
        Figure size in inches; by default ``LAYOUTS[layout]``, (7, 4.2) for the
        desktop and (3.6, 5.3) for the phone layout.
    dpi : int, default 80
        Resolution of the rendered figure.
    layout : {"desktop", "phone"}, default "desktop"
        How the diagram is arranged: ``"phone"`` for a figure 3.6 inches wide
        with text readable on a phone (see the module docstring).
    **params
        Initial values overriding the defaults (the worked example of Chapter 1):
        ``x1, x2``; ``W1_ij`` for input ``i`` in 1..2 and hidden neuron ``j`` in 1..3;
        ``b1_j``; ``W2_jk`` for output ``k`` in 1..2; ``b2_k``; ``hidden`` and
        ``output``, each one of :data:`ACTIVATION_CHOICES`.

    Attributes
    ----------
    params : dict
        The current parameter values.
    result : dict
        What the last :meth:`update` returned.

    Examples
    --------
    >>> ex = NetworkExplorer(x1=0.0, x2=0.0)
    >>> ex.result["Z1"]             # a zero input: the pre-activations are the biases
    array([ 0. ,  0.5, -1. ])
    """

    defaults = _defaults()

    def __init__(self, *, figsize=None, dpi=80, layout="desktop", **params):
        self.layout = check_choice(layout, "layout", tuple(LAYOUTS), "layout")
        if figsize is None:
            figsize = LAYOUTS[self.layout]
        self._dense1 = Dense(_N_IN, _N_HIDDEN, init="zeros")
        self._dense2 = Dense(_N_HIDDEN, _N_OUT, init="zeros")
        self._activation_layers = {}
        super().__init__(figsize=figsize, dpi=dpi, **params)

    # -- computation -------------------------------------------------------------------

    def update(self, **params):
        r"""Run the forward pass for these parameter values; return every intermediate.

        Parameters
        ----------
        **params
            All the explorer's parameters (see the class docstring), exactly.

        Returns
        -------
        dict
            ``"x"`` (2,), ``"W1"`` (2, 3), ``"b1"`` (3,), ``"W2"`` (3, 2),
            ``"b2"`` (2,): the parameters as arrays (batch-first); ``"Z1"`` and
            ``"A1"`` (3,): the hidden pre-activations
            :math:`z^{(1)} = xW^{(1)} + b^{(1)}` and activations
            :math:`a^{(1)} = f^{(1)}(z^{(1)})`; ``"Z2"`` and
            ``"A2"`` (2,): the same for the output layer, :math:`a^{(2)}` being
            the network's output; ``"hidden"`` and ``"output"``: the activation
            names.  Computed with :class:`nnlearn.layers.Dense` and
            :class:`nnlearn.layers.Activation`.

        Raises
        ------
        TypeError
            A parameter is missing, unknown, or not a real number (or not a string,
            for an activation).
        ValueError
            A number is NaN or infinite, or an activation is not one of
            :data:`ACTIVATION_CHOICES`.
        """
        expected = set(self.defaults)
        if set(params) != expected:
            missing = sorted(expected - set(params))
            unknown = sorted(set(params) - expected)
            raise TypeError(f"{type(self).__name__}.update() needs exactly its "
                            f"parameters; missing {missing}, unknown {unknown}.")
        values = {name: check_real(params[name], name) for name in _NUMBER_NAMES}
        hidden = _check_activation(params["hidden"], "hidden")
        output = _check_activation(params["output"], "output")

        x = np.array([values[n] for n in _X_NAMES])
        W1 = np.array([[values[n] for n in row] for row in _W1_NAMES])
        b1 = np.array([values[n] for n in _B1_NAMES])
        W2 = np.array([[values[n] for n in row] for row in _W2_NAMES])
        b2 = np.array([values[n] for n in _B2_NAMES])

        d1, d2 = self._dense1, self._dense2
        d1.params["W"][...], d1.params["b"][...] = W1, b1
        d2.params["W"][...], d2.params["b"][...] = W2, b2
        Z1 = d1.forward(x[None, :])
        A1 = self._activation(hidden).forward(Z1)
        Z2 = d2.forward(A1)
        A2 = self._activation(output).forward(Z2)
        self.result = {"x": x, "W1": W1, "b1": b1, "W2": W2, "b2": b2,
                       "Z1": Z1[0], "A1": A1[0], "Z2": Z2[0], "A2": A2[0],
                       "hidden": hidden, "output": output}
        return self.result

    def _activation(self, name):
        if name not in self._activation_layers:
            self._activation_layers[name] = Activation(name)
        return self._activation_layers[name]

    # -- figure ------------------------------------------------------------------------

    def _init_figure(self, fig):
        from matplotlib.cm import ScalarMappable
        from matplotlib.collections import LineCollection
        from matplotlib.colors import LinearSegmentedColormap, Normalize

        spec = _PHONE if self.layout == "phone" else _DESKTOP
        self._cmap = LinearSegmentedColormap.from_list("nnlearn_sign",
                                                       [_BLUE, "#FFFFFF", _VERMILLION])
        self._norm = Normalize(-_LIMIT, _LIMIT)
        # Fixed axes instead of the constrained layout: the diagram never changes size,
        # and laying it out again on every frame would cost more than drawing it.
        fig.set_layout_engine(None)
        ax = fig.add_axes(spec["axes"])
        ax.set(xlim=spec["xlim"], ylim=spec["ylim"])
        ax.axis("off")
        self._ax = ax

        self._pos = [[(spec["x"][layer], y) for y in spec["y"][layer]]
                     for layer in range(3)]
        segments = [[src, dst] for layer in (0, 1)
                    for src in self._pos[layer] for dst in self._pos[layer + 1]]
        self._edges = LineCollection(segments, zorder=1, capstyle="round")
        ax.add_collection(self._edges)
        self._weight_text = []
        box = dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.85)
        # labels near the source node, where they do not collide
        for ((x0, y0), (x1, y1)), t in zip(segments, spec["where"]):
            self._weight_text.append(ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), "",
                                             fontsize=spec["weight_size"], ha="center",
                                             va="center", zorder=3, bbox=dict(box)))
        centres = [p for layer in self._pos for p in layer]
        self._nodes = ax.scatter([p[0] for p in centres], [p[1] for p in centres],
                                 s=spec["node_area"], c=np.zeros(7), cmap=self._cmap,
                                 norm=self._norm, edgecolors="black", linewidths=1.0,
                                 zorder=4)
        self._value_text = [ax.text(px, py, "", fontsize=spec["value_size"],
                                    ha="center", va="center", zorder=5)
                            for px, py in centres]
        # Labels beside the nodes: the input names, and z and b of every neuron.
        self._side_text = []
        for layer, points in enumerate(self._pos):
            dx, dy, ha = spec["side"][layer]
            for px, py in points:
                self._side_text.append(ax.text(px + dx, py + dy, "",
                                               fontsize=spec["side_size"][layer],
                                               ha=ha, va="center", zorder=5,
                                               linespacing=1.1))
        titles = ("input $x$", "hidden layer $a^{(1)}$", "output $a^{(2)}$")
        for (tx, ty, ha), title in zip(spec["titles"], titles):
            ax.text(tx, ty, title, ha=ha, va="center", fontsize=spec["title_size"])
        self._summary = ax.text(*spec["summary"], "", ha="center", va="center",
                                fontsize=spec["summary_size"])
        cax = fig.add_axes(spec["colorbar"])
        bar = fig.colorbar(ScalarMappable(norm=self._norm, cmap=self._cmap), cax=cax,
                           orientation=spec["orientation"])
        bar.set_ticks([-1.0, -0.5, 0.0, 0.5, 1.0])
        bar.set_label("node value (colour saturates at ±1)",
                      fontsize=spec["bar_label_size"])
        bar.ax.tick_params(labelsize=spec["bar_tick_size"])
        if spec["orientation"] == "horizontal":
            bar.ax.xaxis.set_label_position("top")
        # What _draw changes; a redraw draws only these (see LayeredExplorer).
        self._dynamic_artists = [self._edges, *self._weight_text, self._nodes,
                                 *self._value_text, *self._side_text, self._summary]

    def _draw(self, result):
        # in the same order as the segments
        weights = np.concatenate([result["W1"].ravel(), result["W2"].ravel()])
        self._edges.set_color([_VERMILLION if w > 0 else _BLUE if w < 0 else "0.7"
                               for w in weights])
        self._edges.set_linewidth(0.6 + 1.4 * np.minimum(np.abs(weights), 4.0))
        for text, w in zip(self._weight_text, weights):
            text.set_text(f"{w:.2f}")
        values = np.concatenate([result["x"], result["A1"], result["A2"]])
        self._nodes.set_array(values)
        colours = self._cmap(self._norm(values))
        for text, v, rgba in zip(self._value_text, values, colours):
            text.set_text(f"{v:.3f}")
            luminance = 0.2126 * rgba[0] + 0.7152 * rgba[1] + 0.0722 * rgba[2]
            colour = "white" if luminance < 0.45 else "black"
            if text.get_color() != colour:   # set_color marks the text changed anyway
                text.set_color(colour)
        side = [f"$x_{i + 1}$" for i in range(_N_IN)]
        side += [f"z={z:.3f}\nb={b:.2f}" for z, b in zip(result["Z1"], result["b1"])]
        side += [f"z={z:.3f}\nb={b:.2f}" for z, b in zip(result["Z2"], result["b2"])]
        for text, s in zip(self._side_text, side):
            text.set_text(s)
        self._summary.set_text(f"activations: {result['hidden']} (hidden), "
                               f"{result['output']} (output)")

    # -- controls ----------------------------------------------------------------------

    def _controls(self):
        import ipywidgets as widgets

        style = {"description_width": "42px"}
        layout = widgets.Layout(width="215px")

        def slider(name, label, low, high, step):
            return widgets.FloatSlider(value=self.params[name], min=low, max=high,
                                       step=step, description=label,
                                       readout_format=".2f", style=style, layout=layout)

        controls = {}
        for i, name in enumerate(_X_NAMES):
            controls[name] = slider(name, "x" + str(i + 1).translate(_SUB),
                                    -4.0, 4.0, 0.05)
        for i, row in enumerate(_W1_NAMES):
            for j, name in enumerate(row):
                controls[name] = slider(name, "W¹" + f"{i + 1}{j + 1}".translate(_SUB),
                                        -4.0, 4.0, 0.05)
        for j, name in enumerate(_B1_NAMES):
            controls[name] = slider(name, "b¹" + str(j + 1).translate(_SUB),
                                    -4.0, 4.0, 0.05)
        for j, row in enumerate(_W2_NAMES):
            for k, name in enumerate(row):
                controls[name] = slider(name, "W²" + f"{j + 1}{k + 1}".translate(_SUB),
                                        -4.0, 4.0, 0.05)
        for k, name in enumerate(_B2_NAMES):
            controls[name] = slider(name, "b²" + str(k + 1).translate(_SUB),
                                    -4.0, 4.0, 0.05)
        for name in ("hidden", "output"):
            controls[name] = widgets.Dropdown(options=list(ACTIVATION_CHOICES),
                                              value=self.params[name], description=name,
                                              style={"description_width": "50px"},
                                              layout=widgets.Layout(width="190px"))
        return controls

    def _layout(self, controls, image):
        import ipywidgets as widgets

        def column(title, names):
            return widgets.VBox([widgets.HTML(f"<b>{title}</b>")]
                                + [controls[n] for n in names])

        columns = widgets.HBox([
            column("inputs and activations", _X_NAMES + ["hidden", "output"]),
            column("layer 1 weights W¹ (input i → neuron j)",
                   [n for row in _W1_NAMES for n in row]),
            column("biases b¹ and b²", _B1_NAMES + _B2_NAMES),
            column("layer 2 weights W² (neuron j → output k)",
                   [n for row in _W2_NAMES for n in row]),
        ], layout=widgets.Layout(flex_flow="row wrap"))
        return widgets.VBox([columns, image])


# Where the layouts put things, in data coordinates of the diagram's axes (inches, for
# the phone); "where": how far along each edge (weights of W1, then W2) its label is.
_DESKTOP = {
    "axes": (0.0, 0.0, 0.87, 1.0), "xlim": (-0.7, 3.55), "ylim": (-1.72, 1.6),
    "x": (0.0, _SPACING, 2 * _SPACING),
    "y": ([0.5, -0.5], [1.0, 0.0, -1.0], [0.5, -0.5]),
    "where": [0.27] * 12, "weight_size": 8, "node_area": 1500, "value_size": 10,
    "side": ((-0.3, 0.0, "right"), (0.0, -0.43, "center"), (0.3, 0.0, "left")),
    "side_size": (11, 8.5, 8.5),
    "titles": [(_SPACING * layer, 1.47, "center") for layer in range(3)],
    "title_size": 10.5, "summary": (_SPACING, -1.63), "summary_size": 9,
    "colorbar": (0.885, 0.2, 0.022, 0.6), "orientation": "vertical",
    "bar_label_size": 9, "bar_tick_size": 8,
}

# The phone's figure is 3.6 x 5.3 inches (LAYOUTS), shown 326 CSS pixels wide: 8
# points are 10 pixels there.  Layers about 1.35 inches apart, hidden neurons 1.4;
# the labels of the edges that cross sit nearer their source than the others.
_PHONE_MID = 3.05   # the height of the diagram's middle
_PHONE = {
    "axes": (0.0, 0.0, 1.0, 1.0), "xlim": (0.0, 3.6), "ylim": (0.0, 5.3),
    "x": (0.42, 1.8, 3.1),
    "y": ([_PHONE_MID + 0.7, _PHONE_MID - 0.7],
          [_PHONE_MID + 1.4, _PHONE_MID, _PHONE_MID - 1.4],
          [_PHONE_MID + 0.7, _PHONE_MID - 0.7]),
    "where": [0.3, 0.3, 0.2, 0.2, 0.3, 0.3] + [0.36] * 6,
    "weight_size": 8, "node_area": 1200, "value_size": 8.5,
    "side": ((-0.25, 0.0, "right"), (0.0, -0.43, "center"), (0.0, -0.43, "center")),
    "side_size": (9, 8, 8),
    "titles": [(0.05, 5.1, "left"), (1.8, 5.1, "center"), (3.1, 5.1, "center")],
    "title_size": 8.5, "summary": (1.8, 0.9), "summary_size": 8,
    "colorbar": (0.15, 0.075, 0.7, 0.022), "orientation": "horizontal",
    "bar_label_size": 8, "bar_tick_size": 8,
}


def _check_activation(name, argument):
    check_choice(name, argument, ACTIVATION_CHOICES, "activation",
                 f"activation for `{argument}`")
    return activations.get(name).name
