"""The base class of the labs' live explorers: computation, figure and controls apart.

An explorer has three parts, and only the last needs a front end:

1. ``update(**params)`` — the computation.  It takes parameter values and
   returns a dict of results (also kept in ``self.result``).  It draws nothing
   and touches no widget, so tests and benchmarks call it directly.
2. ``_init_figure(fig)`` and ``_draw(result)`` — the figure.  The axes and
   artists (lines, scatter points, images, text) are created once; every
   update changes them in place (``line.set_ydata``, ``image.set_data`` ...),
   which is far cheaper than drawing a new figure.
3. ``_controls()`` — one ipywidgets control per parameter, named like the
   parameters of ``update``.  :meth:`Explorer.widget` connects each control's
   ``value`` with ``observe``: a change runs ``update`` with all current
   values, then ``_draw``, then renders the figure.

The figure is drawn with matplotlib's Agg renderer into an ``ipywidgets.Image``,
so an explorer works in JupyterLab, classic Notebook, VS Code and Colab
alike, with no plotting extension to install.  matplotlib and ipywidgets are
imported only when a figure or the widget is built.

The image has a text alternative, :meth:`Explorer.describe`: the explorer's
``description`` (by default the first paragraph of the class docstring), then
each panel's title and axis labels, which carry the numbers of the current
state.  ipywidgets' Image has no ``alt``, so the text is the image's
``tooltip``, kept up to date on every render; a screen reader reads it as the
image's name, and the book's ``content-a11y.js`` makes it the ``alt`` text.

A subclass looks like::

    class SigmoidExplorer(Explorer):
        description = "The sigmoid of w x + b, with w and b on sliders."
        defaults = {"w": 1.0, "b": 0.0}

        def update(self, w, b):
            self.result = {"x": X, "y": sigmoid(w * X + b)}
            return self.result

        def _init_figure(self, fig):
            ax = fig.add_subplot()
            (self._line,) = ax.plot(X, np.zeros_like(X))
            ax.set(xlim=(-5, 5), ylim=(0, 1), xlabel="x", ylabel="sigmoid(wx + b)")

        def _draw(self, result):
            self._line.set_ydata(result["y"])

        def _controls(self):
            import ipywidgets as w
            return {"w": w.FloatSlider(value=self.params["w"], min=-5, max=5,
                                       description="w"),
                    "b": w.FloatSlider(value=self.params["b"], min=-5, max=5,
                                       description="b")}
"""

import functools
import inspect
import io
import re

from ._params import merged_params

__all__ = ["Explorer"]

# TeX in titles and labels, and reST roles in docstrings, read as plain text.
_ROLE = re.compile(r":\w+:`([^`]*)`")
_COMMAND = re.compile(r"\\([A-Za-z]+|\|)")
_SYMBOLS = {"|": "‖", "sim": "~", "partial": "∂", "cdot": "·", "times": "×", "to": "→",
            "leq": "≤", "geq": "≥", "le": "≤", "ge": "≥", "infty": "∞", "approx": "≈"}
_SYMBOLS.update(zip("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda "
                   "mu nu xi pi rho sigma tau upsilon phi chi psi omega".split(),
                   "αβγδεζηθικλμνξπρστυφχψω"))


def _plain(text):
    """Text with reST roles unwrapped and TeX turned into (roughly) what it reads as."""
    text = _ROLE.sub(r"\1", text)
    text = _COMMAND.sub(lambda m: _SYMBOLS.get(m.group(1), ""), text)
    return " ".join(re.sub(r"[${}]", "", text).split())


@functools.cache
def _image_class():
    """``ipywidgets.Image`` with a synced, empty ``description``.

    ipywidgets 8.1's front end reads the description of every widget that has a
    tooltip (``DOMWidgetView.updateTooltip``: ``model.get('description').length``),
    so an Image with a tooltip, having no description, fails to render ("Could not
    create a view"): jupyter-widgets/ipywidgets#3860, fixed by the open PR #3921.
    """
    import ipywidgets as widgets
    import traitlets

    class Image(widgets.Image):
        description = traitlets.Unicode("").tag(sync=True)

    return Image


class Explorer:
    """Base class: subclasses set ``defaults`` and define ``update``, ``_init_figure``,
    ``_draw`` and ``_controls``.

    Parameters
    ----------
    figsize : (float, float), default (7, 4)
        Figure size in inches.
    dpi : int, default 80
        Resolution of the rendered figure (lower is faster).
    **params
        Initial parameter values, overriding ``defaults``.

    Attributes
    ----------
    params : dict
        The current parameter values.
    result : dict
        What the last ``update`` returned.
    description : str or None
        What the figure shows, in a sentence, for readers who cannot see it; the
        start of :meth:`describe`.  None (the default): the first paragraph of the
        class docstring.

    Notes
    -----
    The base class uses the attribute names ``fig``, ``_canvas``, ``_image``,
    ``_widget`` and ``_control_map``; subclasses must not reuse them for their
    own artists.
    """

    #: Parameter name → initial value; subclasses override it.
    defaults = {}

    #: The figure in a sentence, or None for the class docstring's first paragraph.
    description = None

    def __init__(self, *, figsize=(7, 4), dpi=80, **params):
        self.params = merged_params(type(self).__name__, self.defaults, params)
        self.figsize, self.dpi = figsize, dpi
        self.fig = self._canvas = self._image = self._widget = None
        self.result = self.update(**self.params)

    # -- to be defined by subclasses --------------------------------------------------

    def update(self, **params):
        """Compute the results for these parameter values; return them as a dict (and
        keep them in ``self.result``)."""
        raise NotImplementedError

    def _init_figure(self, fig):
        """Create the axes and artists on ``fig`` (called once)."""
        raise NotImplementedError

    def _draw(self, result):
        """Update the artists in place from ``result``."""
        raise NotImplementedError

    def _controls(self):
        """Return a dict parameter name → ipywidgets control whose ``value`` is that
        parameter."""
        raise NotImplementedError

    def _layout(self, controls, image):
        """Arrange the controls and the figure (override for a custom layout)."""
        import ipywidgets as widgets

        row = widgets.HBox(list(controls.values()),
                           layout=widgets.Layout(flex_flow="row wrap"))
        return widgets.VBox([row, image])

    # -- provided ---------------------------------------------------------------------

    def set(self, **params):
        """Change some parameters: update, redraw, and move the controls if the widget
        is shown."""
        unknown = set(params) - set(self.params)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no parameter(s) "
                            f"{sorted(unknown)}.")
        self.params.update(params)
        if self._widget is not None:
            for name, value in params.items():
                if name in self._control_map:
                    # observe() then updates once per change
                    self._control_map[name].value = value
            return self.result
        self.result = self.update(**self.params)
        return self.result

    def figure(self):
        """The matplotlib Figure (created on first use, with the current result
        drawn)."""
        if self.fig is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            self.fig = Figure(figsize=self.figsize, dpi=self.dpi,
                              layout="constrained")
            self._canvas = FigureCanvasAgg(self.fig)
            self._init_figure(self.fig)
            self._draw(self.result)
            if self.fig.get_layout_engine() is not None:
                # Lay the figure out once, then freeze it: the constrained-layout solver
                # would otherwise run on every redraw and cost more than the drawing.
                self._canvas.draw()
                self.fig.set_layout_engine("none")
        return self.fig

    def render(self):
        """Draw the current result into the figure and return it as PNG bytes."""
        self.figure()
        self._draw(self.result)
        buffer = io.BytesIO()
        # print_png draws once; fig.savefig would lay the frozen figure out and draw it
        # twice.  Fast zlib level: 2-5 ms less.
        self._canvas.print_png(buffer, pil_kwargs={"compress_level": 1})
        png = buffer.getvalue()
        if self._image is not None:
            self._image.value = png
        return png

    def redraw(self, **params):
        """``update`` with the current parameters changed by ``params``, then
        ``render``; what a control change does."""
        self.params.update(params)
        self.result = self.update(**self.params)
        return self.render()

    def describe(self):
        """The figure's text alternative: what it shows, and what it shows now.

        ``description`` (or the first paragraph of the class docstring), then, for
        each panel with a title or axis labels, "y label against x label (title)",
        then the figure's suptitle.  TeX markup and reST roles are dropped.  The
        widget keeps it as its image's ``tooltip`` (see the module docstring).

        Returns
        -------
        str

        Raises
        ------
        TypeError
            If ``description`` is set to something other than a string or None.
        """
        summary = self.description
        if summary is None:
            # The class's own docstring (Explorer's is not about any figure).
            doc = inspect.cleandoc(type(self).__doc__
                                   or f"{type(self).__name__} figure")
            summary = doc.split("\n\n")[0]
        elif not isinstance(summary, str):
            raise TypeError(
                f"{type(self).__name__}.description must be a str or None, not "
                f"{type(summary).__name__} ({summary!r}); hint: set it to the figure "
                f"in a sentence, or to None to use the class docstring's first "
                f"paragraph.")
        sentences = [_plain(summary).rstrip(".") + "."]
        fig = self.figure()
        panels = []
        for ax in fig.axes:
            title = _plain(" ".join(t for t in (ax.get_title("left"), ax.get_title(),
                                                ax.get_title("right")) if t))
            x, y = _plain(ax.get_xlabel()), _plain(ax.get_ylabel())
            axes = f"{y} against {x}" if x and y else (x or y)
            if title or axes:
                panels.append(f"{axes} ({title})" if title and axes else title or axes)
        for i, panel in enumerate(panels, 1):
            sentences.append(f"Panel {i}: {panel}." if len(panels) > 1
                             else f"{panel}.")
        # Figure.get_suptitle is matplotlib 3.8+; 3.7 has only the attribute.
        suptitle = getattr(fig, "_suptitle", None)
        if suptitle is not None and suptitle.get_text():
            sentences.append(_plain(suptitle.get_text()) + ".")
        return " ".join(sentences)

    def widget(self):
        """The interactive widget: controls connected with ``observe`` to
        :meth:`redraw`, and the figure, whose ``tooltip`` follows :meth:`describe`."""
        if self._widget is None:
            self._control_map = self._controls()
            self._image = _image_class()(format="png")
            # Every render sets the image's value (subclasses' renders too), so the text
            # alternative follows the figure.
            self._image.observe(self._describe_image, names="value")
            self.render()
            for name, control in self._control_map.items():
                control.observe(
                    lambda change, name=name: self.redraw(**{name: change["new"]}),
                    names="value")
            self._widget = self._layout(self._control_map, self._image)
        return self._widget

    def _describe_image(self, change=None):
        self._image.tooltip = self.describe()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget())

    def __repr__(self):
        values = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({values})"
