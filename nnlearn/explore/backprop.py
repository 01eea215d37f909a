r"""A live explorer of backpropagation through the course notes' 2 → 2 → 1 network
(Chapter 6).

:class:`BackpropExplorer` draws the network as a diagram and steps through
its forward and backward pass one stage at a time.  The network is the one
of the course notes, in their notation, with sigmoid hidden units added:

.. math::

    O_{11} &= x_{11} w^1_{11} + x_{12} w^1_{21} + b_{11}, \qquad
        a_{11} = \sigma(O_{11}), \\
    O_{12} &= x_{11} w^1_{12} + x_{12} w^1_{22} + b_{12}, \qquad
        a_{12} = \sigma(O_{12}), \\
    O_{21} &= w^2_{11} a_{11} + w^2_{21} a_{12} + b_{21}, \qquad \hat y = f(O_{21}), \\
    L &= (\hat y - y)^2,

with a linear (:math:`f(O) = O`, the default) or sigmoid output.  The
weight :math:`w^l_{ij}` goes from unit :math:`i` of one layer to unit
:math:`j` of the next, which is exactly ``W[i - 1, j - 1]`` of a batch-first
:class:`nnlearn.layers.Dense` layer.  The backward pass computes, in order,

.. math::

    \frac{\partial L}{\partial \hat y} = 2(\hat y - y), \qquad
    \delta_{21} = \frac{\partial L}{\partial O_{21}}
        = \frac{\partial L}{\partial \hat y}\, f'(O_{21}), \qquad
    \frac{\partial L}{\partial w^2_{j1}} = \delta_{21}\, a_{1j}, \qquad
    \frac{\partial L}{\partial b_{21}} = \delta_{21}, \\
    \delta_{1j} = \frac{\partial L}{\partial O_{1j}}
        = \delta_{21}\, w^2_{j1}\, \sigma'(O_{1j}), \qquad
    \frac{\partial L}{\partial w^1_{ij}} = \delta_{1j}\, x_{1i}, \qquad
    \frac{\partial L}{\partial b_{1j}} = \delta_{1j}, \qquad
    \frac{\partial L}{\partial x_{1i}} = \sum_j \delta_{1j}\, w^1_{ij},

and a last stage takes one gradient-descent step
:math:`w \leftarrow w - \eta\, \partial L/\partial w` on every weight and bias.
All numbers come from :class:`nnlearn.layers.Dense`,
:class:`nnlearn.layers.Activation` and :class:`nnlearn.losses.MSE`
(:func:`backprop_221`); the explorer only decides which of them the diagram shows
at each of the :data:`STAGES`.

``layout="phone"`` draws the diagram for a phone's width (the frames of the
book's flipbook on narrow screens): a figure 3.6 inches wide and taller, with
the numbers of each unit one per line, those of the output and the stage's
computation in blocks under the diagram, and the long equations broken over
lines, its text at least 7.5 points, so at least 9 CSS pixels tall when the
image is shown 326 pixels wide.

>>> ex = BackpropExplorer()
>>> round(ex.result["y_hat"], 4), round(ex.result["loss"], 4)
(0.3845, 0.3789)
>>> ex.result["grad_W1"].round(4)
array([[-0.1539,  0.0605],
       [-0.3078,  0.121 ]])
"""

import functools
import re
import textwrap

import numpy as np

from .._validation import (check_array, check_choice, check_int, check_positive,
                           check_real)
from ..layers import Activation, Dense
from ..losses import MSE
from ..network import Sequential
from ._layers import encode_png
from .explorer import Explorer

__all__ = ["BackpropExplorer", "backprop_221", "draw_backprop_stage", "STAGES",
           "WORKED_EXAMPLE", "OUTPUT_CHOICES", "LAYOUTS"]

#: The output activations the explorer offers.
OUTPUT_CHOICES = ("linear", "sigmoid")

#: The diagram's layouts, and the figure size (inches) each is drawn for.
LAYOUTS = {"desktop": (8.4, 4.6), "phone": (3.6, 5.65)}

#: Inputs, target, weights, biases and learning rate of the worked example of
#: Chapter 6, batch-first (``W1[i-1, j-1]`` is the notes' :math:`w^1_{ij}` and
#: ``W2[j-1, 0]`` is :math:`w^2_{j1}`).
WORKED_EXAMPLE = {
    "x": np.array([0.5, 1.0]),
    "y": 1.0,
    "W1": np.array([[0.4, 0.6],
                    [-0.2, 0.5]]),
    "b1": np.array([0.0, 0.2]),
    "W2": np.array([[1.0],
                    [-0.5]]),
    "b2": np.array([0.25]),
    "lr": 0.5,
}

#: The stages of the explorer, as (short name, what is computed), in order.
STAGES = (
    ("inputs", "the input x and the target y; the weights are set"),
    ("forward: hidden layer",
     "pre-activations O11, O12 and activations a11 = σ(O11), a12 = σ(O12)"),
    ("forward: output and loss",
     "O21, the prediction ŷ and the loss L = (ŷ − y)²"),
    ("backward: loss", "∂L/∂ŷ = 2(ŷ − y) and δ21 = ∂L/∂O21"),
    ("backward: output weights", "∂L/∂w²j1 = δ21 a1j and ∂L/∂b21 = δ21"),
    ("backward: hidden deltas",
     "∂L/∂a1j = δ21 w²j1 and δ1j = ∂L/∂a1j σ'(O1j)"),
    ("backward: hidden weights", "∂L/∂w¹ij = δ1j x1i and ∂L/∂b1j = δ1j"),
    ("backward: inputs", "∂L/∂x1i = Σj δ1j w¹ij: two paths add"),
    ("update", "one gradient-descent step w ← w − η ∂L/∂w"),
)

# The result keys each stage reveals (cumulative: stage s shows everything of
# stages 0..s).
_REVEALS = (
    ("x", "y", "W1", "b1", "W2", "b2"),
    ("O1", "A1"),
    ("O21", "y_hat", "loss"),
    ("dL_dyhat", "delta2"),
    ("grad_W2", "grad_b2"),
    ("dL_dA1", "sigma_prime", "delta1"),
    ("grad_W1", "grad_b1"),
    ("dL_dx",),
    ("W1_new", "b1_new", "W2_new", "b2_new", "loss_new"),
)

_NUMBER_NAMES = ("x1", "x2", "y", "W1_11", "W1_12", "W1_21", "W1_22", "b1_1", "b1_2",
                 "W2_11", "W2_21", "b2_1", "lr")
_BLUE, _VERMILLION, _GREEN = "#0072B2", "#D55E00", "#009E73"
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(text):
    return str(text).translate(_SUB)


def backprop_221(x, y, W1, b1, W2, b2, *, output="linear", lr=0.5):
    r"""Forward pass, backward pass and one gradient step of the 2 → 2 → 1 network,
    with nnlearn's layers.

    Parameters
    ----------
    x : array_like, shape (2,)
        The inputs :math:`(x_{11}, x_{12})`.
    y : float
        The target.
    W1 : array_like, shape (2, 2)
        Hidden weights, ``W1[i, j]`` from input ``i + 1`` to hidden unit ``j + 1``.
    b1 : array_like, shape (2,)
    W2 : array_like, shape (2, 1)
        Output weights, ``W2[j, 0]`` from hidden unit ``j + 1`` to the output.
    b2 : array_like, shape (1,)
    output : {"linear", "sigmoid"}, default "linear"
        The output activation :math:`f`; the hidden units are sigmoids.
    lr : float, default 0.5
        The learning rate :math:`\eta` of the update stage.

    Returns
    -------
    dict
        ``"x"``, ``"y"``, ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"``, ``"output"``,
        ``"lr"``: the inputs;
        ``"O1"`` and ``"A1"`` (2,): hidden pre-activations and activations;
        ``"O21"``, ``"y_hat"``, ``"loss"`` (floats);
        ``"dL_dyhat"`` and ``"delta2"`` (floats): :math:`\partial L/\partial\hat y`
        and :math:`\delta_{21} = \partial L/\partial O_{21}`;
        ``"grad_W2"`` (2, 1), ``"grad_b2"`` (1,);
        ``"dL_dA1"``, ``"sigma_prime"`` and ``"delta1"`` (2,):
        :math:`\partial L/\partial a_{1j}`, :math:`\sigma'(O_{1j})` and
        :math:`\delta_{1j}`;
        ``"grad_W1"`` (2, 2), ``"grad_b1"`` (2,); ``"dL_dx"`` (2,);
        ``"W1_new"``, ``"b1_new"``, ``"W2_new"``, ``"b2_new"`` after one step
        :math:`w - \eta\,\partial L/\partial w`, and ``"loss_new"``, the loss there.

    Examples
    --------
    >>> ex = WORKED_EXAMPLE
    >>> r = backprop_221(ex["x"], ex["y"], ex["W1"], ex["b1"], ex["W2"], ex["b2"])
    >>> round(r["delta2"], 4), r["delta1"].round(4)
    (-1.2311, array([-0.3078,  0.121 ]))
    >>> r["loss_new"] < r["loss"]
    True
    """
    arrays = {}
    for name, value, shape in (("x", x, (2,)), ("W1", W1, (2, 2)), ("b1", b1, (2,)),
                               ("W2", W2, (2, 1)), ("b2", b2, (1,))):
        arrays[name] = check_array(value, name, dtype=np.float64)
        if arrays[name].shape != shape:
            hint = (" Did you mean its transpose?" if arrays[name].T.shape == shape
                    else "")
            raise ValueError(f"`{name}` must have shape {shape}, "
                             f"got {arrays[name].shape}.{hint}")
    y = check_real(y, "y")
    lr = check_positive(lr, "lr")
    output = _check_output(output)
    return _backprop(_network(output), arrays["x"], y, arrays["W1"], arrays["b1"],
                     arrays["W2"], arrays["b2"], output, lr)


def _check_output(output):
    return check_choice(output, "output", OUTPUT_CHOICES, "activation",
                        "output activation")


def _network(output):
    return Sequential([Dense(2, 2, init="zeros"), Activation("sigmoid"),
                       Dense(2, 1, init="zeros"), Activation(output)])


def _backprop(net, x, y, W1, b1, W2, b2, output, lr):
    x = np.asarray(x, dtype=np.float64).reshape(1, 2)
    target = np.array([[float(y)]])
    dense1, hidden, dense2, out = net.layers
    dense1.params["W"], dense1.params["b"] = W1, b1
    dense2.params["W"], dense2.params["b"] = W2, b2
    loss = MSE()
    O1 = dense1.forward(x)
    A1 = hidden.forward(O1)
    O21 = dense2.forward(A1)
    y_hat = out.forward(O21)
    L = loss(y_hat, target)
    dL_dyhat = loss.gradient(y_hat, target)
    delta2 = out.backward(dL_dyhat)
    dL_dA1 = dense2.backward(delta2)
    delta1 = hidden.backward(dL_dA1)
    dL_dx = dense1.backward(delta1)
    result = {
        "x": x[0].copy(), "y": float(y),
        "W1": dense1.params["W"].copy(), "b1": dense1.params["b"].copy(),
        "W2": dense2.params["W"].copy(), "b2": dense2.params["b"].copy(),
        "output": output, "lr": float(lr),
        "O1": O1[0], "A1": A1[0], "O21": float(O21[0, 0]), "y_hat": float(y_hat[0, 0]),
        "loss": L, "dL_dyhat": float(dL_dyhat[0, 0]), "delta2": float(delta2[0, 0]),
        "grad_W2": dense2.grads["W"].copy(), "grad_b2": dense2.grads["b"].copy(),
        "dL_dA1": dL_dA1[0], "sigma_prime": hidden.activation.derivative(O1[0], A1[0]),
        "delta1": delta1[0],
        "grad_W1": dense1.grads["W"].copy(), "grad_b1": dense1.grads["b"].copy(),
        "dL_dx": dL_dx[0],
    }
    for key, layer in (("1", dense1), ("2", dense2)):
        result[f"W{key}_new"] = layer.params["W"] - lr * layer.grads["W"]
        result[f"b{key}_new"] = layer.params["b"] - lr * layer.grads["b"]
    dense1.params["W"], dense1.params["b"] = result["W1_new"], result["b1_new"]
    dense2.params["W"], dense2.params["b"] = result["W2_new"], result["b2_new"]
    result["loss_new"] = loss(net.forward(x), target)
    return result


def _defaults():
    ex = WORKED_EXAMPLE
    values = {"x1": float(ex["x"][0]), "x2": float(ex["x"][1]), "y": ex["y"]}
    for i in range(2):
        for j in range(2):
            values[f"W1_{i + 1}{j + 1}"] = float(ex["W1"][i, j])
    values.update({"b1_1": float(ex["b1"][0]), "b1_2": float(ex["b1"][1]),
                   "W2_11": float(ex["W2"][0, 0]), "W2_21": float(ex["W2"][1, 0]),
                   "b2_1": float(ex["b2"][0]),
                   "lr": ex["lr"], "output": "linear", "stage": len(STAGES) - 1})
    return values


class BackpropExplorer(Explorer):
    r"""Step through the forward and backward pass of the 2 → 2 → 1 network
    on a diagram.

    Each edge shows its weight and, once the backward pass has reached it, the
    gradient of the loss with respect to it (the edge is then coloured by the
    gradient's sign, blue negative and vermillion positive, and drawn thicker
    the larger the gradient); each node shows its value and, once reached,
    its :math:`\delta`.  What the current stage computes is printed in bold,
    with the numbers substituted, under the diagram.

    Parameters
    ----------
    figsize : (float, float), optional
        Figure size in inches; by default ``LAYOUTS[layout]``, (8.4, 4.6) for
        the desktop and (3.6, 5.65) for the phone layout (which is drawn for
        that size).
    dpi : int, default 80
        Resolution of the rendered figure.
    layout : {"desktop", "phone"}, default "desktop"
        How the diagram is arranged: ``"phone"`` for a figure 3.6 inches wide
        with text readable on a phone (see the module docstring).
    **params
        Initial values overriding the defaults (the worked example of Chapter 6, at
        the last stage): ``x1, x2`` (inputs), ``y`` (target), ``W1_ij`` (the notes'
        :math:`w^1_{ij}`, input ``i`` to hidden unit ``j``), ``b1_1, b1_2``,
        ``W2_11, W2_21`` (the notes' :math:`w^2_{j1}`), ``b2_1``,
        ``lr`` (:math:`\eta > 0`), ``output`` (one of :data:`OUTPUT_CHOICES`) and
        ``stage`` (0 to ``len(STAGES) - 1``, see :data:`STAGES`).

    Attributes
    ----------
    params : dict
        The current parameter values.
    result : dict
        What the last :meth:`update` returned.

    Examples
    --------
    >>> ex = BackpropExplorer(stage=2)
    >>> ex.result["stage_name"], "grad_W1" in ex.result["shown"]
    ('forward: output and loss', False)
    """

    defaults = _defaults()

    def __init__(self, *, figsize=None, dpi=80, layout="desktop", **params):
        self.layout = _check_layout(layout)
        self._nets = {}
        super().__init__(figsize=figsize or LAYOUTS[self.layout], dpi=dpi, **params)

    # -- computation -------------------------------------------------------------------

    def update(self, **params):
        r"""Run the forward pass, the backward pass and the update;
        mark what the stage shows.

        Parameters
        ----------
        **params
            All the explorer's parameters (see the class docstring), exactly.

        Returns
        -------
        dict
            Everything :func:`backprop_221` returns (all forward values and gradients,
            whatever the stage), and ``"stage"`` (int), ``"stage_name"`` and
            ``"stage_text"`` (str: the stage's name from :data:`STAGES`, and its
            computation with the numbers substituted), ``"shown"`` (frozenset of the
            result keys revealed by stages 0 to ``stage``) and ``"new"`` (those revealed
            by this stage).

        Raises
        ------
        TypeError
            A parameter is missing, unknown, or of the wrong type.
        ValueError
            A number is NaN or infinite, ``lr`` is not positive, ``stage`` is out of
            range, or ``output`` is not one of :data:`OUTPUT_CHOICES`.
        """
        expected = set(self.defaults)
        if set(params) != expected:
            missing = sorted(expected - set(params))
            unknown = sorted(set(params) - expected)
            raise TypeError(f"{type(self).__name__}.update() needs exactly its "
                            f"parameters; missing {missing}, unknown {unknown}.")
        v = {name: check_real(params[name], name) for name in _NUMBER_NAMES}
        v["lr"] = check_positive(v["lr"], "lr")
        stage = check_int(params["stage"], "stage", minimum=0)
        if stage >= len(STAGES):
            raise ValueError(f"`stage` must be an integer from 0 to {len(STAGES) - 1} "
                             f"(there are {len(STAGES)} stages), got {stage}.")
        output = _check_output(params["output"])

        W1 = np.array([[v["W1_11"], v["W1_12"]], [v["W1_21"], v["W1_22"]]])
        W2 = np.array([[v["W2_11"]], [v["W2_21"]]])
        if output not in self._nets:
            self._nets[output] = _network(output)
        r = _backprop(self._nets[output], [v["x1"], v["x2"]], v["y"],
                      W1, [v["b1_1"], v["b1_2"]], W2, [v["b2_1"]], output, v["lr"])
        r["stage"], r["stage_name"] = stage, STAGES[stage][0]
        r["shown"] = frozenset(k for s in range(stage + 1) for k in _REVEALS[s])
        r["new"] = frozenset(_REVEALS[stage])
        r["stage_text"] = _stage_text(r, stage)
        self.result = r
        return r

    # -- figure ------------------------------------------------------------------------

    def _init_figure(self, fig):
        fig.set_layout_engine(None)   # a fixed diagram: no layout solver on every frame
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        self._diagram = _Diagram(ax, self.layout)

    def _draw(self, result):
        self._diagram.show(result)

    def figure(self):
        """The matplotlib Figure, on a canvas that keeps the glyphs it rasterised."""
        if self.fig is None:
            super().figure()
            self._canvas = _glyph_canvas_class()(self.fig)
        return self.fig

    def render(self):
        """Draw the current result into the figure and return it as PNG bytes.

        The diagram is mostly text, and rasterising glyphs dominates the time of a
        redraw (a move changes nearly every number, so redrawing only what changed
        saves little).  Two things make it cheaper with no visible change: the text
        is drawn unhinted (about 40% less), and every glyph is rasterised once per
        sub-pixel offset, then pasted from a cache (see ``_glyph_canvas_class``).
        """
        import matplotlib

        self.figure()
        self._draw(self.result)
        with matplotlib.rc_context({"text.hinting": "no_hinting"}):
            try:
                self._canvas.draw()
            except (AttributeError, TypeError, ValueError):
                # The glyph cache uses private matplotlib calls; if a release changed
                # them, draw with the plain canvas (a real error is raised again here).
                from matplotlib.backends.backend_agg import FigureCanvasAgg

                self._canvas = FigureCanvasAgg(self.fig)
                self._canvas.draw()
        png = encode_png(self._canvas)      # RGB: a millisecond less than print_png
        if self._image is not None:
            self._image.value = png
        return png

    # -- controls ----------------------------------------------------------------------

    def _controls(self):
        import ipywidgets as widgets

        style = {"description_width": "40px"}
        layout = widgets.Layout(width="210px")

        def slider(name, label, low, high, step=0.05):
            return widgets.FloatSlider(value=self.params[name], min=low, max=high,
                                       step=step, description=label,
                                       readout_format=".2f", style=style, layout=layout)

        controls = {"x1": slider("x1", "x₁₁", -3.0, 3.0),
                    "x2": slider("x2", "x₁₂", -3.0, 3.0),
                    "y": slider("y", "y", -2.0, 2.0)}
        for i in (1, 2):
            for j in (1, 2):
                controls[f"W1_{i}{j}"] = slider(f"W1_{i}{j}", "w¹" + _sub(f"{i}{j}"),
                                                -3.0, 3.0)
        controls["b1_1"] = slider("b1_1", "b₁₁", -3.0, 3.0)
        controls["b1_2"] = slider("b1_2", "b₁₂", -3.0, 3.0)
        controls["W2_11"] = slider("W2_11", "w²₁₁", -3.0, 3.0)
        controls["W2_21"] = slider("W2_21", "w²₂₁", -3.0, 3.0)
        controls["b2_1"] = slider("b2_1", "b₂₁", -3.0, 3.0)
        controls["lr"] = slider("lr", "η", 0.05, 2.0)
        controls["output"] = widgets.Dropdown(options=list(OUTPUT_CHOICES),
                                              value=self.params["output"],
                                              description="output",
                                              style={"description_width": "50px"},
                                              layout=widgets.Layout(width="190px"))
        controls["stage"] = widgets.IntSlider(value=self.params["stage"], min=0,
                                              max=len(STAGES) - 1, step=1,
                                              description="stage",
                                              style={"description_width": "50px"},
                                              layout=widgets.Layout(width="300px"))
        return controls

    def _layout(self, controls, image):
        import ipywidgets as widgets

        stage = controls["stage"]
        self._buttons = {
            "previous": widgets.Button(description="◀ previous",
                                       tooltip="one stage back"),
            "next": widgets.Button(description="next ▶", tooltip="one stage on"),
        }
        self._buttons["previous"].on_click(
            lambda _: setattr(stage, "value", max(stage.value - 1, 0)))
        self._buttons["next"].on_click(
            lambda _: setattr(stage, "value", min(stage.value + 1, len(STAGES) - 1)))
        row = {"layout": widgets.Layout(flex_flow="row wrap", align_items="center")}
        return widgets.VBox([
            widgets.HBox([self._buttons["previous"], stage, self._buttons["next"],
                          controls["output"]], **row),
            widgets.HBox([controls[k] for k in ("x1", "x2", "y", "lr")], **row),
            widgets.HBox([controls[k] for k in ("W1_11", "W1_12", "W1_21", "W1_22",
                                                "b1_1", "b1_2")], **row),
            widgets.HBox([controls[k] for k in ("W2_11", "W2_21", "b2_1")], **row),
            image])


@functools.cache
def _glyph_canvas_class():
    """An Agg canvas whose renderer keeps the bitmap of every glyph it rasterises.

    matplotlib 3.11 rasterises text glyph by glyph, each placed at a position
    rounded to 1/64 pixel: the bitmap depends only on the glyph, its font and size,
    the hinting and that position's fraction of a pixel, so a kept bitmap, shifted
    by whole pixels, is exactly what rasterising again would give.  Rotated,
    slanted or stretched glyphs are drawn as usual.  Older matplotlib draws text
    differently: there this is the plain canvas.
    """
    from matplotlib import ft2font
    from matplotlib.backends import backend_agg

    base = backend_agg.RendererAgg
    if not (hasattr(base, "_draw_text_glyphs_and_boxes")
            and hasattr(ft2font.FT2Font, "_render_glyph")
            and hasattr(ft2font.FT2Font, "_set_transform")):
        return backend_agg.FigureCanvasAgg

    class Renderer(base):
        def __init__(self, width, height, dpi):
            super().__init__(width, height, dpi)
            self.glyphs = {}

        def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
            if angle or boxes or not gc.get_antialiased():
                return super()._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs,
                                                           boxes)
            flags, height = backend_agg.get_hinting_flag(), self.height
            if len(self.glyphs) > 50_000:
                self.glyphs.clear()
            for glyph in glyphs:
                font, size, index, slant, extend, dx, dy = glyph
                if slant or extend != 1:
                    super()._draw_text_glyphs_and_boxes(gc, x, y, 0, [glyph], [])
                    continue
                # as matplotlib rounds: in 1/64 pixel, FreeType's y upwards
                px, py = round(0x40 * (x + dx)), round(0x40 * (height - y + dy))
                key = (font, size, self.dpi, flags, index, px & 63, py & 63)
                kept = self.glyphs.get(key)
                if kept is None:
                    font.set_size(size, self.dpi)
                    font._set_transform([[0x10000, 0], [0, 0x10000]],
                                        [px & 63, py & 63])
                    bitmap = font._render_glyph(index, flags,
                                                ft2font.RenderMode.NORMAL)
                    kept = self.glyphs[key] = bitmap.buffer, bitmap.left, bitmap.top
                pixels, left, top = kept
                self._renderer.draw_text_image(
                    pixels, left + (px >> 6),
                    int(height) - top - (py >> 6) + pixels.shape[0], 0, gc)

    class Canvas(backend_agg.FigureCanvasAgg):
        def get_renderer(self):
            key = (*self.get_width_height(physical=True), self.figure.dpi)
            if self._lastKey != key:
                self.renderer, self._lastKey = Renderer(*key), key
            return self.renderer

    return Canvas


def draw_backprop_stage(ax, result, layout="desktop"):
    """Draw the diagram of ``result`` (from :meth:`BackpropExplorer.update`)
    on the axes ``ax``.

    The same drawing as the explorer's, made from scratch; used for flipbooks.
    The axes are turned off and given fixed limits.  With ``layout="phone"``
    the diagram is the phone's (see the module docstring), drawn for a figure of
    ``LAYOUTS["phone"]`` inches: the axes are made to fill the figure.
    """
    layout = _check_layout(layout)
    if layout == "phone":
        ax.set_position((0.0, 0.0, 1.0, 1.0))   # (and out of any layout engine)
    _Diagram(ax, layout).show(result)


def _check_layout(layout):
    return check_choice(layout, "layout", tuple(LAYOUTS), "layout")


# -- the stage texts -------------------------------------------------------------------

def _stage_text(r, stage):
    """The current stage's computation, with the numbers substituted
    (two or three lines)."""
    f = lambda value: f"{value:.3f}"                                       # noqa: E731
    p = lambda value: f"({value:.3f})" if value < 0 else f"{value:.3f}"    # noqa: E731
    x, W1, b1, W2, b2 = r["x"], r["W1"], r["b1"], r["W2"], r["b2"]
    linear = r["output"] == "linear"
    if stage == 0:
        return (f"Inputs x₁₁ = {f(x[0])}, x₁₂ = {f(x[1])}; "
                f"target y = {f(r['y'])}.\n"
                f"Hidden units are sigmoids, the output is {r['output']}; "
                f"the loss is L = (ŷ − y)².")
    if stage == 1:
        return "\n".join(
            f"O₁{_sub(j + 1)} = {p(x[0])}·{p(W1[0, j])} + "
            f"{p(x[1])}·{p(W1[1, j])} + {p(b1[j])} = {f(r['O1'][j])},   "
            f"a₁{_sub(j + 1)} = σ(O₁{_sub(j + 1)}) = {f(r['A1'][j])}"
            for j in range(2))
    if stage == 2:
        return (f"O₂₁ = {p(W2[0, 0])}·{p(r['A1'][0])} + "
                f"{p(W2[1, 0])}·{p(r['A1'][1])} + {p(b2[0])} = {f(r['O21'])},   "
                f"ŷ = {'O₂₁' if linear else 'σ(O₂₁)'} = {f(r['y_hat'])}\n"
                f"L = (ŷ − y)² = ({f(r['y_hat'])} − {f(r['y'])})² = "
                f"{r['loss']:.4f}")
    if stage == 3:
        f_prime = "1" if linear else f(r["y_hat"] * (1.0 - r["y_hat"]))
        return (f"∂L/∂ŷ = 2(ŷ − y) = 2·{p(r['y_hat'] - r['y'])} = "
                f"{f(r['dL_dyhat'])}\n"
                f"δ₂₁ = ∂L/∂O₂₁ = ∂L/∂ŷ·f'(O₂₁) = "
                f"{p(r['dL_dyhat'])}·{f_prime} = {f(r['delta2'])}")
    if stage == 4:
        d = p(r["delta2"])
        return "\n".join([f"∂L/∂w²{_sub(j + 1)}₁ = "
                          f"δ₂₁·a₁{_sub(j + 1)} = {d}·{p(r['A1'][j])} = "
                          f"{f(r['grad_W2'][j, 0])}"
                          for j in range(2)]
                         + [f"∂L/∂b₂₁ = δ₂₁ = {f(r['grad_b2'][0])}"])
    if stage == 5:
        d = p(r["delta2"])
        return "\n".join(
            f"∂L/∂a₁{_sub(j + 1)} = δ₂₁·w²{_sub(j + 1)}₁ = "
            f"{d}·{p(W2[j, 0])} = {f(r['dL_dA1'][j])},   "
            f"δ₁{_sub(j + 1)} = ∂L/∂a₁{_sub(j + 1)}·σ'(O₁{_sub(j + 1)}) = "
            f"{p(r['dL_dA1'][j])}·{f(r['sigma_prime'][j])} = {f(r['delta1'][j])}"
            for j in range(2))
    if stage == 6:
        return "\n".join(
            "   ".join(f"∂L/∂w¹{_sub(f'{i + 1}{j + 1}')} = "
                       f"δ₁{_sub(j + 1)}·x₁{_sub(i + 1)} = "
                       f"{f(r['grad_W1'][i, j])}" for i in range(2))
            + f"   ∂L/∂b₁{_sub(j + 1)} = δ₁{_sub(j + 1)} = "
              f"{f(r['grad_b1'][j])}"
            for j in range(2))
    if stage == 7:
        return ("\n".join(
            f"∂L/∂x₁{_sub(i + 1)} = "
            f"δ₁₁·w¹{_sub(f'{i + 1}1')} + δ₁₂·w¹{_sub(f'{i + 1}2')} = "
            f"{p(r['delta1'][0])}·{p(W1[i, 0])} + "
            f"{p(r['delta1'][1])}·{p(W1[i, 1])} = {f(r['dL_dx'][i])}"
            for i in range(2))
            + "\n(each input feeds both hidden units: "
            "the gradients of the two paths add)")
    before, after = r["loss"], r["loss_new"]
    change = ("falls" if after < before else "rises" if after > before else "stays")
    verdict = ": the step was too large" if after > before else ""
    return (f"w ← w − η ∂L/∂w with η = {r['lr']:.2f} for all 9 weights and "
            f"biases (new values after →);\n"
            f"the loss {change} from {before:.4f} to {after:.4f}{verdict}")


# -- the diagram -----------------------------------------------------------------------

class _Diagram:
    """The artists of the 2-2-1 diagram on one axes,
    created once and updated by :meth:`show`."""

    INPUTS = ((0.0, 0.8), (0.0, -0.8))
    HIDDEN = ((2.15, 0.8), (2.15, -0.8))
    OUTPUT = (4.3, 0.0)
    NAMES = ("w¹₁₁", "w¹₁₂", "w¹₂₁", "w¹₂₂",
             "w²₁₁", "w²₂₁")

    def __init__(self, ax, layout="desktop"):
        self.phone = layout == "phone"
        if self.phone:
            self._init_phone(ax)
            return
        from matplotlib.collections import LineCollection

        self.ax = ax
        ax.set(xlim=(-1.45, 7.0), ylim=(-2.45, 1.95))
        ax.axis("off")
        # Edges: W1[0,0], W1[0,1], W1[1,0], W1[1,1], then W2[0,0], W2[1,0].
        self.segments = [(self.INPUTS[i], self.HIDDEN[j])
                         for i in range(2) for j in range(2)]
        self.segments += [(self.HIDDEN[j], self.OUTPUT) for j in range(2)]
        self.edges = LineCollection(self.segments, zorder=1, capstyle="round")
        ax.add_collection(self.edges)
        box = dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.9)
        # along each edge, away from the crossing
        where = [0.62, 0.27, 0.27, 0.62, 0.5, 0.5]
        self.edge_text = []
        for ((x0, y0), (x1, y1)), t in zip(self.segments, where):
            self.edge_text.append(ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), "",
                                          fontsize=8, ha="center", va="center",
                                          zorder=3, bbox=box, linespacing=1.15))
        centres = list(self.INPUTS) + list(self.HIDDEN) + [self.OUTPUT]
        self.nodes = ax.scatter([c[0] for c in centres], [c[1] for c in centres], s=900,
                                c=["#FFFFFF"] * 5, edgecolors="black", linewidths=1.0,
                                zorder=4)
        for (cx, cy), name in zip(centres, ("x₁₁", "x₁₂", "σ", "σ", "ŷ")):
            ax.text(cx, cy, name, fontsize=10, ha="center", va="center", zorder=5)
        # Values outside the network: inputs on the left, hidden units above and below,
        # output on the right.
        self.input_text = [ax.text(cx - 0.36, cy, "", fontsize=8.5, ha="right",
                                   va="center", linespacing=1.2)
                           for cx, cy in self.INPUTS]
        (hx, hy0), (_, hy1) = self.HIDDEN
        self.hidden_text = [ax.text(hx, hy0 + 0.32, "", fontsize=8.5, ha="center",
                                    va="bottom", linespacing=1.2),
                            ax.text(hx, hy1 - 0.32, "", fontsize=8.5, ha="center",
                                    va="top", linespacing=1.2)]
        self.output_text = ax.text(self.OUTPUT[0] + 0.36, self.OUTPUT[1], "",
                                   fontsize=8.5, ha="left", va="center",
                                   linespacing=1.25)
        self.title = ax.text(-1.4, 1.9, "", fontsize=10.5, ha="left", va="top",
                             fontweight="bold")
        self.explain = ax.text(-1.4, -2.0, "", fontsize=8.5, ha="left", va="center",
                               linespacing=1.3, fontweight="bold")

    # The phone's diagram is drawn in inches of a LAYOUTS["phone"] figure: the same
    # network left to right, its columns 1.5 inches apart, with every number of a
    # unit one per line above or below it, the output's numbers and the stage's
    # computation in blocks under the diagram.  Text is at least 7.5 points: at
    # least 9.4 CSS pixels when the figure is shown 326 pixels wide.
    PHONE_INPUTS = ((0.3, 4.6), (0.3, 3.0))
    PHONE_HIDDEN = ((1.8, 4.6), (1.8, 3.0))
    PHONE_OUTPUT = (3.3, 3.8)

    def _init_phone(self, ax):
        from matplotlib.collections import LineCollection

        self.ax = ax
        width, height = LAYOUTS["phone"]
        top = 5.9       # the inches from the bottom are counted from 0.25 below it
        ax.set(xlim=(0.0, width), ylim=(top - height, top))
        ax.axis("off")
        inputs, hidden, output = self.PHONE_INPUTS, self.PHONE_HIDDEN, self.PHONE_OUTPUT
        self.segments = [(inputs[i], hidden[j]) for i in range(2) for j in range(2)]
        self.segments += [(hidden[j], output) for j in range(2)]
        self.edges = LineCollection(self.segments, zorder=1, capstyle="round")
        ax.add_collection(self.edges)
        box = dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.9)
        # the crossing edges' labels near the inputs, the others half way
        where = [0.5, 0.27, 0.27, 0.5, 0.5, 0.5]
        self.edge_text = []
        for ((x0, y0), (x1, y1)), t in zip(self.segments, where):
            self.edge_text.append(ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), "",
                                          fontsize=7.5, ha="center", va="center",
                                          zorder=3, bbox=box, linespacing=1.1))
        centres = list(inputs) + list(hidden) + [output]
        self.nodes = ax.scatter([c[0] for c in centres], [c[1] for c in centres], s=670,
                                c=["#FFFFFF"] * 5, edgecolors="black", linewidths=1.0,
                                zorder=4)
        for (cx, cy), name in zip(centres, ("x₁₁", "x₁₂", "σ", "σ", "ŷ")):
            ax.text(cx, cy, name, fontsize=9, ha="center", va="center", zorder=5)
        # Numbers above the top row and below the bottom one (no edge goes there).
        gap = 0.24
        style = dict(fontsize=8, linespacing=1.2)
        self.input_text = [ax.text(0.03, inputs[0][1] + gap, "", ha="left",
                                   va="bottom", **style),
                           ax.text(0.03, inputs[1][1] - gap, "", ha="left",
                                   va="top", **style)]
        self.hidden_text = [ax.text(hidden[0][0], hidden[0][1] + gap, "",
                                    ha="center", va="bottom", **style),
                            ax.text(hidden[1][0], hidden[1][1] - gap, "",
                                    ha="center", va="top", **style)]
        # The output's values, forward (left) and backward (right), under the diagram.
        self.output_text = ax.text(0.03, 1.95, "", ha="left", va="top", **style)
        self.output_back_text = ax.text(1.85, 1.95, "", ha="left", va="top", **style)
        self.title = ax.text(0.03, top - 0.06, "", fontsize=9, ha="left", va="top",
                             fontweight="bold")
        self.explain = ax.text(0.03, 1.3, "", fontsize=8, ha="left", va="top",
                               linespacing=1.25, fontweight="bold")

    def show(self, r):
        shown, new = r["shown"], r["new"]
        W1, W2, b1 = r["W1"], r["W2"], r["b1"]
        weights = [W1[0, 0], W1[0, 1], W1[1, 0], W1[1, 1], W2[0, 0], W2[1, 0]]
        grads = [None] * 6
        if "grad_W1" in shown:
            grads[:4] = r["grad_W1"].ravel().tolist()
        if "grad_W2" in shown:
            grads[4:] = r["grad_W2"].ravel().tolist()
        updated = None
        if "W1_new" in shown:
            updated = r["W1_new"].ravel().tolist() + r["W2_new"].ravel().tolist()
        known = [abs(g) for g in grads if g is not None]
        scale = max(known) if known and max(known) > 0 else 1.0
        colours, widths = [], []
        for k, (w, g) in enumerate(zip(weights, grads)):
            if g is None:
                colours.append("0.72")
                widths.append(1.3)
            else:
                colours.append(_VERMILLION if g > 0 else _BLUE if g < 0 else "0.5")
                widths.append(1.0 + 5.0 * abs(g) / scale)
            name = self.NAMES[k]
            label = (f"{name} = {w:.2f}" if updated is None
                     else f"{name}: {w:.2f}\n→ {updated[k]:.3f}" if self.phone
                     else f"{name}: {w:.2f} → {updated[k]:.3f}")
            if g is not None:
                label += f"\n∂L/∂w = {g:.3f}"
            text = self.edge_text[k]
            text.set_text(label)
            fresh = "W1_new" in new or ("grad_W1" if k < 4 else "grad_W2") in new
            text.set_fontweight("bold" if fresh else "normal")
        self.edges.set_color(colours)
        self.edges.set_linewidth(widths)

        # light blue: computed by the forward stage, light orange: backward
        fills = ["#FFFFFF"] * 5
        if new & {"O1", "delta1"}:
            fills[2:4] = ["#D9ECF7" if "O1" in new else "#FCE3C0"] * 2
        if new & {"y_hat", "delta2"}:
            fills[4] = "#D9ECF7" if "y_hat" in new else "#FCE3C0"
        if "dL_dx" in new:
            fills[0:2] = ["#FCE3C0"] * 2
        self.nodes.set_facecolor(fills)

        x = r["x"]
        for i, text in enumerate(self.input_text):
            lines = [f"x₁{_sub(i + 1)} = {x[i]:.2f}"]
            if "dL_dx" in shown:
                lines.append(f"∂L/∂x₁{_sub(i + 1)} = {r['dL_dx'][i]:.3f}")
            if self.phone and i == 0:
                lines.reverse()            # above the node: the value nearest it
            text.set_text("\n".join(lines))
            text.set_fontweight("bold" if "dL_dx" in new else "normal")
        for j, text in enumerate(self.hidden_text):
            u = _sub(j + 1)
            bias = f"b₁{u} = {b1[j]:.2f}"
            if "b1_new" in shown:
                bias += f" → {r['b1_new'][j]:.3f}"
            lines = [bias]                 # listed from the node outwards
            if "grad_b1" in shown:
                if self.phone:             # one number a line
                    lines.append(f"∂L/∂b₁{u} = {r['grad_b1'][j]:.3f}")
                else:
                    lines[0] += f",  ∂L/∂b₁{u} = {r['grad_b1'][j]:.3f}"
            if "O1" in shown:
                if self.phone:
                    lines += [f"O₁{u} = {r['O1'][j]:.3f}", f"a₁{u} = {r['A1'][j]:.3f}"]
                else:
                    lines.append(f"O₁{u} = {r['O1'][j]:.3f},  "
                                 f"a₁{u} = {r['A1'][j]:.3f}")
            if "delta1" in shown:
                lines.append(f"δ₁{u} = {r['delta1'][j]:.3f}")
            if j == 0:
                # above the top unit, the line nearest the node is the last
                lines.reverse()
            text.set_text("\n".join(lines))
            text.set_fontweight("bold" if new & {"O1", "delta1", "grad_b1", "b1_new"}
                                else "normal")
        if self.phone:
            self._show_phone_output(r)
            return
        lines = [f"target y = {r['y']:.2f}"]
        if "O21" in shown:
            lines += [f"O₂₁ = {r['O21']:.3f},  ŷ = {r['y_hat']:.3f}",
                      f"L = {r['loss']:.4f}"
                      + (f" → {r['loss_new']:.4f}" if "loss_new" in shown else "")]
        lines.append(f"b₂₁ = {r['b2'][0]:.2f}"
                     + (f" → {r['b2_new'][0]:.3f}" if "b2_new" in shown else ""))
        if "delta2" in shown:
            lines += [f"∂L/∂ŷ = {r['dL_dyhat']:.3f}",
                      f"δ₂₁ = {r['delta2']:.3f}"]
        if "grad_b2" in shown:
            lines[-1] += f",  ∂L/∂b₂₁ = {r['grad_b2'][0]:.3f}"
        self.output_text.set_text("\n".join(lines))
        self.output_text.set_fontweight("bold"
                                        if new & {"O21", "delta2", "grad_b2", "b2_new"}
                                        else "normal")
        self.title.set_text(f"Stage {r['stage']} of {len(STAGES) - 1}: "
                            f"{r['stage_name']}")
        self.explain.set_text(r["stage_text"])

    def _show_phone_output(self, r):
        """The output's numbers in two columns, and the stage, broken into lines."""
        shown, new = r["shown"], r["new"]
        forward = [f"target y = {r['y']:.2f}"]
        if "O21" in shown:
            forward += [f"O₂₁ = {r['O21']:.3f}", f"ŷ = {r['y_hat']:.3f}",
                        f"L = {r['loss']:.4f}"
                        + (f" → {r['loss_new']:.4f}" if "loss_new" in shown else "")]
        backward = [f"b₂₁ = {r['b2'][0]:.2f}"
                    + (f" → {r['b2_new'][0]:.3f}" if "b2_new" in shown else "")]
        if "delta2" in shown:
            backward += [f"∂L/∂ŷ = {r['dL_dyhat']:.3f}", f"δ₂₁ = {r['delta2']:.3f}"]
        if "grad_b2" in shown:
            backward.append(f"∂L/∂b₂₁ = {r['grad_b2'][0]:.3f}")
        self.output_text.set_text("\n".join(forward))
        self.output_text.set_fontweight("bold" if new & {"O21", "loss_new"}
                                        else "normal")
        self.output_back_text.set_text("\n".join(backward))
        self.output_back_text.set_fontweight(
            "bold" if new & {"delta2", "grad_b2", "b2_new"} else "normal")
        self.title.set_text(f"Stage {r['stage']} of {len(STAGES) - 1}: "
                            f"{r['stage_name']}")
        self.explain.set_text(_phone_lines(r["stage_text"]))


def _phone_lines(text, width=46):
    """A stage's text for the phone: one equation a line, none over ``width`` long.

    The desktop text separates equations by three spaces; a longer equation is
    broken before one of its "=" signs, other long text between words.

    >>> print(_phone_lines("a = 1 + 2 = 3,   b = 4", width=9))
    a = 1 + 2
        = 3
    b = 4
    """
    lines = []
    for line in text.split("\n"):
        for equation in re.split(r",?   +", line):
            lines += _break_equation(equation.strip(), width)
    return "\n".join(lines)


def _break_equation(equation, width):
    if len(equation) <= width:
        return [equation]
    head, equals, rest = equation.partition(" = ")
    if equals and " " not in head:       # "symbol = ... = ...": break before an "="
        lines = [head]
        for part in rest.split(" = "):
            if len(lines[-1]) + 3 + len(part) <= width:
                lines[-1] += " = " + part
            else:
                lines.append("    = " + part)
        if all(len(line) <= width for line in lines):
            return lines
    return textwrap.wrap(equation, width, subsequent_indent="    ",
                         break_on_hyphens=False)
