"""The diagram of the backpropagation explorer: the 2 → 2 → 1 network drawn on one
axes, its edges and nodes labelled with what the stage shows.

Part of :mod:`nnlearn.explore.backprop`, which re-exports :func:`draw_backprop_stage`
and :data:`LAYOUTS` (the rest under private names); numpy and nnlearn only at
import, matplotlib inside the functions that draw.

* ``Diagram`` creates the artists once, in the desktop or the phone layout, and
  ``Diagram.show`` updates them from a result of ``BackpropExplorer.update``;
* :func:`draw_backprop_stage` draws one result from scratch (for flipbooks);
* :data:`LAYOUTS` are the layouts and their figure sizes, and ``check_layout``
  checks a layout's name.

The phone's layout is drawn for a figure of ``LAYOUTS["phone"]`` inches (the frames
of the book's flipbook on narrow screens): the numbers of each unit one per line,
those of the output and the stage's computation in blocks under the diagram, the
long equations broken over lines (``phone_lines``), its text at least 7.5 points.
"""

from .._validation import check_choice
from ._backprop_compute import STAGES
from ._backprop_text import phone_lines, sub

__all__ = ["Diagram", "draw_backprop_stage", "check_layout", "LAYOUTS"]

#: The diagram's layouts, and the figure size (inches) each is drawn for.
LAYOUTS = {"desktop": (8.4, 4.6), "phone": (3.6, 5.65)}

_BLUE, _VERMILLION = "#0072B2", "#D55E00"


class Diagram:
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
        """Write the numbers of ``r`` on the diagram, colour and weight its edges by
        the gradients known, and shade what this stage computed."""
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
            lines = [f"x₁{sub(i + 1)} = {x[i]:.2f}"]
            if "dL_dx" in shown:
                lines.append(f"∂L/∂x₁{sub(i + 1)} = {r['dL_dx'][i]:.3f}")
            if self.phone and i == 0:
                lines.reverse()            # above the node: the value nearest it
            text.set_text("\n".join(lines))
            text.set_fontweight("bold" if "dL_dx" in new else "normal")
        for j, text in enumerate(self.hidden_text):
            u = sub(j + 1)
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
        self.explain.set_text(phone_lines(r["stage_text"]))


def draw_backprop_stage(ax, result, layout="desktop"):
    """Draw the diagram of ``result`` (from :meth:`BackpropExplorer.update`)
    on the axes ``ax``.

    The same drawing as the explorer's, made from scratch; used for flipbooks.
    The axes are turned off and given fixed limits.  With ``layout="phone"``
    the diagram is the phone's (see the module docstring), drawn for a figure of
    ``LAYOUTS["phone"]`` inches: the axes are made to fill the figure.
    """
    layout = check_layout(layout)
    if layout == "phone":
        ax.set_position((0.0, 0.0, 1.0, 1.0))   # (and out of any layout engine)
    Diagram(ax, layout).show(result)


def check_layout(layout):
    """``layout`` if it is one of the :data:`LAYOUTS`, else a clear error."""
    return check_choice(layout, "layout", tuple(LAYOUTS), "layout")
