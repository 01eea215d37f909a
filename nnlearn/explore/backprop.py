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

The explorer is split by idea; this module re-exports the public names of all:

* ``_backprop_compute``: the computation, :func:`backprop_221` (nnlearn's layers and
  loss, on checked arguments), the :data:`STAGES` and the result keys each reveals,
  the :data:`WORKED_EXAMPLE` and the :data:`OUTPUT_CHOICES`;
* ``_backprop_text``: each stage's computation written out with its numbers, and
  broken into short lines for the phone;
* ``_backprop_diagram``: the diagram, its artists made once and updated in place, in
  each of the :data:`LAYOUTS`, and :func:`draw_backprop_stage`;
* ``_backprop_canvas``: the canvas that keeps the glyphs it rasterised, so that a
  redraw pastes them rather than rasterising them again;
* this module: :class:`BackpropExplorer`, the explorer's parameters, stages, figure
  and controls.

>>> ex = BackpropExplorer()
>>> round(ex.result["y_hat"], 4), round(ex.result["loss"], 4)
(0.3845, 0.3789)
>>> ex.result["grad_W1"].round(4)
array([[-0.1539,  0.0605],
       [-0.3078,  0.121 ]])
"""

import numpy as np

from .._validation import check_int, check_positive, check_real
from . import _backprop_compute as _compute
from . import _backprop_diagram as _diagram
from ._backprop_canvas import glyph_canvas_class as _glyph_canvas_class
from ._backprop_compute import REVEALS as _REVEALS
from ._backprop_compute import backprop_221
from ._backprop_compute import build_network as _network
from ._backprop_compute import check_output as _check_output
from ._backprop_compute import run_backprop as _backprop
from ._backprop_diagram import Diagram as _Diagram
from ._backprop_diagram import check_layout as _check_layout
from ._backprop_diagram import draw_backprop_stage
from ._backprop_text import phone_lines as _phone_lines  # noqa: F401 - tests use it
from ._backprop_text import stage_text as _stage_text
from ._backprop_text import sub as _sub
from ._layers import encode_png
from .explorer import Explorer

__all__ = ["BackpropExplorer", "backprop_221", "draw_backprop_stage", "STAGES",
           "WORKED_EXAMPLE", "OUTPUT_CHOICES", "LAYOUTS"]

# The constants, re-exported with their documentation (for the API reference).

#: The output activations the explorer offers.
OUTPUT_CHOICES = _compute.OUTPUT_CHOICES

#: The diagram's layouts, and the figure size (inches) each is drawn for.
LAYOUTS = _diagram.LAYOUTS

#: Inputs, target, weights, biases and learning rate of the worked example of
#: Chapter 6, batch-first (``W1[i-1, j-1]`` is the notes' :math:`w^1_{ij}` and
#: ``W2[j-1, 0]`` is :math:`w^2_{j1}`).
WORKED_EXAMPLE = _compute.WORKED_EXAMPLE

#: The stages of the explorer, as (short name, what is computed), in order.
STAGES = _compute.STAGES

_NUMBER_NAMES = ("x1", "x2", "y", "W1_11", "W1_12", "W1_21", "W1_22", "b1_1", "b1_2",
                 "W2_11", "W2_21", "b2_1", "lr")


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
