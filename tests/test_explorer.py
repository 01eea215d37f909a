"""The Explorer base class: computation without a front end, in-place drawing, controls wired
with observe, and the figure's text alternative."""

import numpy as np
import pytest

from nnlearn.activations import sigmoid
from nnlearn.explore import Explorer

X = np.linspace(-5, 5, 101)


class SigmoidExplorer(Explorer):
    """The sigmoid :math:`\\sigma(w x + b)`, with w and b on sliders.

    This second paragraph is not part of the description.
    """

    defaults = {"w": 1.0, "b": 0.0}

    def update(self, w, b):
        self.calls = getattr(self, "calls", 0) + 1
        self.result = {"y": sigmoid(w * X + b)}
        return self.result

    def _init_figure(self, fig):
        ax = fig.add_subplot()
        (self.line,) = ax.plot(X, np.zeros_like(X))
        ax.set(xlim=(-5, 5), ylim=(0, 1), xlabel="input $x$", ylabel=r"$\sigma(wx+b)$")
        self.ax = ax

    def _draw(self, result):
        self.line.set_ydata(result["y"])
        self.ax.set_title(f"w = {self.params['w']:.1f}")

    def _controls(self):
        import ipywidgets as widgets
        return {"w": widgets.FloatSlider(value=self.params["w"], min=-5, max=5, description="w"),
                "b": widgets.FloatSlider(value=self.params["b"], min=-5, max=5, description="b")}


def test_update_runs_without_a_front_end():
    ex = SigmoidExplorer(w=2.0)
    assert ex.params == {"w": 2.0, "b": 0.0}
    np.testing.assert_allclose(ex.result["y"], sigmoid(2.0 * X))
    ex.set(b=1.0)
    np.testing.assert_allclose(ex.result["y"], sigmoid(2.0 * X + 1.0))
    assert ex.fig is None  # nothing was drawn


def test_render_updates_the_same_artists():
    ex = SigmoidExplorer()
    png = ex.render()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    line = ex.line
    ex.redraw(w=4.0)
    assert ex.line is line                    # updated in place, not redrawn from scratch
    np.testing.assert_allclose(line.get_ydata(), sigmoid(4.0 * X))


def test_widget_controls_drive_update_through_observe():
    pytest.importorskip("ipywidgets")
    ex = SigmoidExplorer()
    box = ex.widget()
    first_png = ex._image.value
    calls = ex.calls
    ex._control_map["w"].value = 3.0                           # what moving the slider does
    assert ex.calls == calls + 1 and ex.params["w"] == 3.0
    np.testing.assert_allclose(ex.line.get_ydata(), sigmoid(3.0 * X))
    assert ex._image.value != first_png                       # the displayed figure changed
    ex.set(b=-1.0)                            # set() moves the control, which updates
    assert ex._control_map["b"].value == -1.0 and ex.params["b"] == -1.0
    assert box is ex.widget()


def test_unknown_parameters_are_refused():
    with pytest.raises(TypeError, match=r"SigmoidExplorer has no parameter\(s\) \['c'\]"):
        SigmoidExplorer(c=1)
    with pytest.raises(TypeError, match="no parameter"):
        SigmoidExplorer().set(c=1)


# -- the figure's text alternative (the book's alt text; tests/test_book_a11y.py) -----------

def test_describe_reads_the_docstring_and_the_panels():
    text = SigmoidExplorer(w=2.0).describe()
    assert text == ("The sigmoid σ(w x + b), with w and b on sliders. "
                    "σ(wx+b) against input x (w = 2.0).")


def test_description_attribute_and_panels_of_a_two_axes_figure():
    class Two(SigmoidExplorer):
        description = "Two panels"

        def _init_figure(self, fig):
            left, right = fig.subplots(1, 2)
            (self.line,) = left.plot(X, np.zeros_like(X))
            left.set(xlabel="x", ylabel="y")
            right.set_title("only a title")
            fig.suptitle(r"learning rate $\alpha$")
            self.ax = left
    assert Two().describe() == ("Two panels. Panel 1: y against x (w = 1.0). "
                                "Panel 2: only a title. learning rate α.")


def test_a_description_that_is_not_text_is_refused():
    ex = SigmoidExplorer()
    ex.description = 42
    with pytest.raises(TypeError, match=r"SigmoidExplorer.description must be a str or None, "
                                        r"not int \(42\); hint"):
        ex.describe()


def test_the_image_tooltip_follows_every_render():
    """The image's tooltip is the text alternative, kept current; its synced empty description
    keeps ipywidgets 8.1's front end from failing on a tooltip (ipywidgets#3860)."""
    pytest.importorskip("ipywidgets")
    ex = SigmoidExplorer()
    ex.widget()
    state = ex._image.get_state()
    assert state["tooltip"] == ex.describe() and "(w = 1.0)" in state["tooltip"]
    assert state["description"] == ""
    ex._control_map["w"].value = 3.0                  # a control change renders again
    assert ex._image.tooltip.endswith("(w = 3.0).")
    ex.params["w"] = -1.0
    ex._draw(ex.result)
    ex._image.value = b"PNG"                            # a subclass's own render sets value
    assert ex._image.tooltip.endswith("(w = -1.0).")
