r"""The playground's network view: every neuron's output over the plane, and the links.

Part of :mod:`nnlearn.explore.playground`.  As in TensorFlow Playground, each node of
the network is drawn as a small heatmap of what it outputs at every point of the input
square: the input features first, then every hidden neuron (after its activation),
then the output units; links run from each node to every node of the next layer,
coloured by the sign of their weight and thickened by its magnitude.

* :func:`neuron_maps` and :func:`link_weights` compute what the view shows (numpy
  only: tested and benchmarked headless);
* :class:`NetworkView` draws them on one matplotlib axes and updates its artists in
  place (one image holding every tile, one line collection), so that a frame of
  training costs one image and one collection to draw, however many neurons.

Colours: a value :math:`v` is clipped to :math:`[-1, 1]` and drawn
:math:`|v|` of the way from white to blue (:math:`v > 0`) or orange (:math:`v < 0`),
the scale of every node alike (TensorFlow Playground's convention), so that a
sigmoid neuron, whose outputs lie in :math:`(0, 1)`, never looks orange.
"""

import numpy as np

from ..layers import Activation, Dense

__all__ = ["neuron_maps", "link_weights", "colour", "NetworkView", "NetworkViewMixin",
           "POSITIVE", "NEGATIVE", "UNDEFINED"]

#: Colour of positive values and weights (blue), and of negative ones (orange).
POSITIVE, NEGATIVE = "#0072B2", "#E69F00"


def _rgb(hex_colour):
    return np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])


_POS, _NEG = _rgb(POSITIVE), _rgb(NEGATIVE)


def neuron_maps(engine, step=2):
    """What every node of ``engine``'s network outputs over the input square.

    Parameters
    ----------
    engine : PlaygroundEngine
        A built playground (its grid of features and its network).
    step : int, default 2
        Keep every ``step``-th row and column of the engine's grid (tiles are small).

    Returns
    -------
    list of ndarray
        One array per layer of nodes, input to output, each of shape
        ``(n_nodes, G, G)`` with ``G = ceil(GRID_SIZE / step)``, row 0 at the top (as
        the decision map): the input features, each hidden layer's activations, the
        output units (after the output activation).  Evaluation mode (no dropout).
    """
    grid = engine.F_grid
    size = int(round(np.sqrt(len(grid))))
    keep = np.arange(size)[::step]
    rows = (keep[:, None] * size + keep[None, :]).ravel()
    x = grid[rows]
    maps = [x]
    model = engine.model
    model.eval()
    with np.errstate(all="ignore"):
        for layer in model.layers:
            x = layer._forward(x)
            if isinstance(layer, Activation):
                maps.append(x)
    g = len(keep)
    return [m.T.reshape(m.shape[1], g, g) for m in maps]


def link_weights(engine):
    """The weights of the links, input to output: one ``(n_in, n_out)`` array per
    Dense layer of ``engine``'s network (views of the weights, not copies)."""
    return [layer.params["W"] for layer in engine.model.layers
            if isinstance(layer, Dense)]


#: Colour of a value that is not finite (a diverged network), a grey.
UNDEFINED = 0.5
_FRAME = 0.55  # grey of the tiles' one-pixel frame


def colour(values):
    """RGB in [0, 1] for ``values`` (any shape; a last axis of 3 is added): white at
    0, blue towards 1, orange towards -1, grey where a value is NaN or infinite."""
    values = np.asarray(values, dtype=float)[..., None]
    finite = np.isfinite(values)
    v = np.clip(np.where(finite, values, 0.0), -1.0, 1.0)
    rgb = 1.0 - np.abs(v) * (1.0 - np.where(v >= 0, _POS, _NEG))
    return np.where(finite, rgb, UNDEFINED)


class NetworkView:
    """The network drawn on ``ax``: a tile per node, a line per link.

    Parameters
    ----------
    ax : matplotlib Axes
        Where to draw (its ticks and frame are turned off).
    sizes : sequence of int
        Nodes per layer, input to output (for example ``(2, 8, 8, 1)``).
    tile : int, default 30
        Pixels per tile side (the maps of :func:`neuron_maps` are resampled to it).
    labels : sequence of str, optional
        Names of the input nodes, drawn left of their tiles.
    titles : sequence of str, optional
        A title over each column (for example "input", "hidden 1", ..., "output").
    fontsize : float, default 9
        Of the labels and titles, in points.
    """

    GAP = 0.5  # between the tiles of a column, in tiles
    COLUMN = 3.0  # from one column of tiles to the next, in tiles

    def __init__(self, ax, sizes, tile=30, labels=None, titles=None, fontsize=9):
        from matplotlib.collections import LineCollection

        self.sizes = tuple(int(n) for n in sizes)
        self.tile = int(tile)
        self.ax = ax
        height = max(self.sizes) * (1 + self.GAP) - self.GAP
        self.extent = (0.0, (len(self.sizes) - 1) * self.COLUMN + 1, height, 0.0)
        # Top-left corner of every tile, in tiles; each column centred vertically.
        self.corners = [
            [(c * self.COLUMN, (height - (n * (1 + self.GAP) - self.GAP)) / 2
              + i * (1 + self.GAP)) for i in range(n)]
            for c, n in enumerate(self.sizes)]
        px = self.tile
        # RGBA: transparent between the tiles, where the links show.
        self._canvas = np.zeros((int(np.ceil(height * px)),
                                 int(round(self.extent[1] * px)), 4))
        self.image = ax.imshow(self._canvas, extent=self.extent, origin="upper",
                               interpolation="nearest", aspect="equal", zorder=2)
        segments = []
        for left, right in zip(self.corners[:-1], self.corners[1:]):
            for (x0, y0) in left:
                for (x1, y1) in right:
                    segments.append([(x0 + 1, y0 + 0.5), (x1, y1 + 0.5)])
        self.links = LineCollection(segments, zorder=1, capstyle="butt")
        ax.add_collection(self.links)
        left, right, bottom, top = self.limits(self.sizes, labels is not None,
                                               titles is not None)
        ax.set_xlim(left, right)
        ax.set_ylim(bottom, top)
        ax.set_axis_off()
        if labels is not None:
            for (x, y), text in zip(self.corners[0], labels):
                ax.text(x - 0.15, y + 0.5, text, ha="right", va="center",
                        fontsize=fontsize)
        if titles is not None:
            for column, text in zip(self.corners, titles):
                ax.text(column[0][0] + 0.5, -0.25, text, ha="center", va="bottom",
                        fontsize=fontsize)
        self.widths = np.zeros(len(segments))

    @classmethod
    def limits(cls, sizes, labels=True, titles=True):
        """The axes limits (left, right, bottom, top), in tiles, of the view of a
        network with ``sizes`` nodes per layer: a figure ``right - left`` by
        ``bottom - top`` tiles shows it with no margin."""
        height = max(sizes) * (1 + cls.GAP) - cls.GAP
        width = (len(sizes) - 1) * cls.COLUMN + 1
        return (-1.9 if labels else -0.2, width + (0.8 if titles else 0.2),
                height + 0.2, -1.2 if titles else -0.2)

    def update(self, maps, weights):
        """Show ``maps`` (as :func:`neuron_maps` returns) and ``weights`` (as
        :func:`link_weights`); returns the artists changed (image, links)."""
        px = self.tile
        for corners, layer in zip(self.corners, maps):
            g = layer.shape[-1]
            index = (np.arange(px) * g) // px  # nearest-neighbour resampling
            tiles = colour(layer[:, index][:, :, index])
            tiles[:, [0, -1], :] = tiles[:, :, [0, -1]] = _FRAME  # a frame on white
            for (x, y), tile in zip(corners, tiles):
                r, c = int(round(y * px)), int(round(x * px))
                self._canvas[r:r + px, c:c + px, :3] = tile
                self._canvas[r:r + px, c:c + px, 3] = 1.0
        self.image.set_data(self._canvas)
        flat = np.concatenate([np.asarray(w, dtype=float).ravel() for w in weights])
        finite = np.isfinite(flat)
        magnitude = np.abs(np.where(finite, flat, 0.0))
        # Line width grows with |w| and saturates: 0.2 px to 4 px (|w| = 2 and more).
        self.widths = 0.2 + 3.8 * np.clip(magnitude / 2, 0, 1)
        self.links.set_linewidths(self.widths)
        colours = np.where(flat[:, None] >= 0, _POS, _NEG)
        self.links.set_colors(np.where(finite[:, None], colours, UNDEFINED))
        return self.image, self.links


    def paste(self, pixels):
        """Copy the tiles into ``pixels``, the figure's RGB pixels (uint8, top row
        first), where drawing ``image`` would put them, and return ``pixels``.

        Faster than drawing ``image`` (no resampling); exact when the axes show
        ``tile`` pixels per unit, as in the figure of the playground's
        ``render_network``, which is sized for it."""
        x0, y0 = self.ax.transData.transform((0.0, 0.0))  # the canvas's top left
        r0, c0 = int(round(pixels.shape[0] - y0)), int(round(x0))
        px = self.tile
        for column in self.corners:
            for x, y in column:
                r, c = int(round(y * px)), int(round(x * px))
                tile = self._canvas[r:r + px, c:c + px, :3]
                pixels[r0 + r:r0 + r + px, c0 + c:c0 + c + px] = np.round(tile * 255)
        return pixels


# How the network view labels the input features.
_FEATURE_LABELS = {"x1": "$x_1$", "x2": "$x_2$", "x1^2": "$x_1^2$", "x2^2": "$x_2^2$",
                   "x1x2": "$x_1x_2$", "sin_x1": r"$\sin x_1$", "sin_x2": r"$\sin x_2$"}


class NetworkViewMixin:
    """The network view of :class:`~nnlearn.explore.playground.Playground` (a mixin):
    the names of the nodes, the node shown large in place of the decision map
    (``focus``), and the view's figure (which uses the playground's ``dpi``,
    ``figsize`` and ``network_font_size``)."""

    #: Font size of the view's labels and titles, in points (10.5: at dpi 80, 11.7 px).
    network_font_size = 10.5

    def node_names(self):
        """``{(layer, index): name}`` for every node of the network view, inputs
        (layer 0) to outputs: "input x1", "hidden 1, neuron 3", "output"."""
        sizes = [len(m) for m in self.result["nodes"]]
        names = {}
        for layer, n in enumerate(sizes):
            for i in range(n):
                if layer == 0:
                    name = f"input {self._p['features'][i]}"
                elif layer == len(sizes) - 1:
                    name = "output" if n == 1 else f"output {i + 1}"
                else:
                    name = f"hidden {layer}, neuron {i + 1}"
                names[(layer, i)] = name
        return names

    def show_node(self, node=None):
        """Show node ``(layer, index)`` of the network view large, in place of the
        decision map (``None``: the decision map again); returns the map shown,
        (GRID_SIZE, GRID_SIZE), or None."""
        names = self.node_names()
        if node is not None:
            given = node
            try:
                pair = len(node) == 2
                node = (int(node[0]), int(node[1])) if pair else None
            except (TypeError, ValueError):
                node = None
            if node not in names:
                raise ValueError(
                    f"`node` must be None or a (layer, index) pair of the network "
                    f"view, one of {sorted(names)}, got {given!r}. Hint: "
                    "node_names() lists them with their names.")
        self.focus = node
        return None if node is None else self.node_map(*node)

    def node_map(self, layer, index):
        """Node ``index`` of layer ``layer`` over the whole grid, (GRID_SIZE,
        GRID_SIZE), row 0 at the top."""
        return neuron_maps(self, step=1)[layer][index]

    def render_network(self):
        """Draw the network view of the current result and return it as PNG bytes.

        A tile per node (its output over the input square, as ``result["nodes"]``
        holds it), a line per link (blue for a positive weight, orange for a negative
        one, thicker for a larger one).  Its figure is rebuilt when the network
        changes (a structural parameter)."""
        import io

        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from PIL import Image

        from ._playground_network import NetworkView

        if self._network_version != self.result["version"]:
            self._network_version = self.result["version"]
            sizes = [len(m) for m in self.result["nodes"]]
            # Tiles of 0.35 inch (fewer pixels if the view would be wider than the
            # main figure), and a figure just as large as the view.
            left, right, bottom, top = NetworkView.limits(sizes)
            tile = min(0.35 * self.dpi, self.figsize[0] * self.dpi / (right - left))
            tile = max(8, int(tile))
            fig = Figure(figsize=((right - left) * tile / self.dpi,
                                  (bottom - top) * tile / self.dpi), dpi=self.dpi)
            fig.subplots_adjust(0, 0, 1, 1)
            self._network_fig, self._network_canvas = fig, FigureCanvasAgg(fig)
            titles = ["inputs", *(f"hidden {i}" for i in range(1, len(sizes) - 1)),
                      "output"]
            self._network_view = NetworkView(
                fig.add_subplot(), sizes, tile=tile,
                labels=[_FEATURE_LABELS.get(f, f) for f in self._p["features"]],
                titles=titles, fontsize=self.network_font_size)
            # Blitting, as for the main figure: the labels and titles are drawn once.
            for artist in (self._network_view.image, self._network_view.links):
                artist.set_animated(True)
            self._network_canvas.draw()
            self._network_background = self._network_canvas.copy_from_bbox(fig.bbox)
        view = self._network_view
        view.update(self.result["nodes"], self.result["weights"])
        self._network_canvas.restore_region(self._network_background)
        view.ax.draw_artist(view.links)
        # The tiles go over the links as pixels: the figure shows them at their own
        # size, so matplotlib's drawing of the image would only resample them.
        pixels = view.paste(np.array(self._network_canvas.buffer_rgba())[..., :3])
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
        if self._network_image is not None:
            self._network_image.tooltip = self.describe_network()
        return buffer.getvalue()

    def describe_network(self):
        """The network view's text alternative (the widget's tooltip of its image)."""
        sizes = [len(m) for m in self.result["nodes"]]
        hidden = ", ".join(map(str, sizes[1:-1])) or "none"
        return (f"The network: {sizes[0]} inputs ({', '.join(self._p['features'])}), "
                f"hidden layers of {hidden} neurons, {sizes[-1]} output(s). Each tile "
                "shows what its node outputs over the input square, blue for positive "
                "and orange for negative values; links are blue for positive weights, "
                "orange for negative ones, thicker for larger ones.")
