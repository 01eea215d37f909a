"""The base class of the labs' live explorers: a computation, a figure and controls, kept apart.

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

A subclass looks like::

    class SigmoidExplorer(Explorer):
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
            return {"w": w.FloatSlider(value=self.params["w"], min=-5, max=5, description="w"),
                    "b": w.FloatSlider(value=self.params["b"], min=-5, max=5, description="b")}
"""

import io

__all__ = ["Explorer"]


class Explorer:
    """Base class: subclasses set ``defaults`` and define ``update``, ``_init_figure``, ``_draw``, ``_controls``.

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

    Notes
    -----
    The base class uses the attribute names ``fig``, ``_canvas``, ``_image``,
    ``_widget`` and ``_control_map``; subclasses must not reuse them for their
    own artists.
    """

    #: Parameter name → initial value; subclasses override it.
    defaults = {}

    def __init__(self, *, figsize=(7, 4), dpi=80, **params):
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no parameter(s) {sorted(unknown)}; "
                            f"its parameters are {sorted(self.defaults)}.")
        self.params = {**self.defaults, **params}
        self.figsize, self.dpi = figsize, dpi
        self.fig = self._canvas = self._image = self._widget = None
        self.result = self.update(**self.params)

    # -- to be defined by subclasses ----------------------------------------------------------

    def update(self, **params):
        """Compute the results for these parameter values; return them as a dict (and keep them in ``self.result``)."""
        raise NotImplementedError

    def _init_figure(self, fig):
        """Create the axes and artists on ``fig`` (called once)."""
        raise NotImplementedError

    def _draw(self, result):
        """Update the artists in place from ``result``."""
        raise NotImplementedError

    def _controls(self):
        """Return a dict parameter name → ipywidgets control whose ``value`` is that parameter."""
        raise NotImplementedError

    def _layout(self, controls, image):
        """Arrange the controls and the figure (override for a custom layout)."""
        import ipywidgets as widgets

        return widgets.VBox([widgets.HBox(list(controls.values()),
                                          layout=widgets.Layout(flex_flow="row wrap")), image])

    # -- provided -----------------------------------------------------------------------------

    def set(self, **params):
        """Change some parameters: update, redraw, and move the controls if the widget is shown."""
        unknown = set(params) - set(self.params)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no parameter(s) {sorted(unknown)}.")
        self.params.update(params)
        if self._widget is not None:
            for name, value in params.items():
                if name in self._control_map:
                    self._control_map[name].value = value  # observe() then updates once per change
            return self.result
        self.result = self.update(**self.params)
        return self.result

    def figure(self):
        """The matplotlib Figure (created on first use, with the current result drawn)."""
        if self.fig is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            self.fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
            self._canvas = FigureCanvasAgg(self.fig)
            self._init_figure(self.fig)
            self._draw(self.result)
            if self.fig.get_layout_engine() is not None:
                # Lay the figure out once, then freeze it: the constrained-layout solver would
                # otherwise run on every redraw and cost more than the drawing itself.
                self._canvas.draw()
                self.fig.set_layout_engine("none")
        return self.fig

    def render(self):
        """Draw the current result into the figure and return it as PNG bytes."""
        self.figure()
        self._draw(self.result)
        buffer = io.BytesIO()
        # print_png draws once; fig.savefig would lay the frozen figure out and draw it twice.
        self._canvas.print_png(buffer, pil_kwargs={"compress_level": 1})  # fast zlib level: 2-5 ms less
        png = buffer.getvalue()
        if self._image is not None:
            self._image.value = png
        return png

    def redraw(self, **params):
        """``update`` with the current parameters changed by ``params``, then ``render``; what a control change does."""
        self.params.update(params)
        self.result = self.update(**self.params)
        return self.render()

    def widget(self):
        """The interactive widget: controls connected with ``observe`` to :meth:`redraw`, and the figure."""
        if self._widget is None:
            import ipywidgets as widgets

            self._control_map = self._controls()
            self._image = widgets.Image(format="png")
            self.render()
            for name, control in self._control_map.items():
                control.observe(lambda change, name=name: self.redraw(**{name: change["new"]}), names="value")
            self._widget = self._layout(self._control_map, self._image)
        return self._widget

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget())

    def __repr__(self):
        values = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({values})"
