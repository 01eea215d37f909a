r"""Flipbooks: interactive figures that keep working on a static page.

Widgets need a live kernel, so on the published (static HTML) book they
freeze.  A flipbook does the work in advance instead: :func:`flipbook` calls
a drawing function once for every point of a grid of one or two parameter
values, keeps each picture as a PNG, and :meth:`Flipbook.html` shows them
with one slider per parameter and a Play/Pause button.  The result is plain
HTML with inline CSS and JavaScript and the images inlined as ``data:`` URIs:
no CDN, no request of any kind, so it works opened from disk or from any web
server, and without JavaScript the reader still sees the first frame and its
alt text.

The frames are stored row-major over the grid, the last parameter varying
fastest: with grids of sizes :math:`n_0` and :math:`n_1`, the frame for
value indices :math:`(i_0, i_1)` is number :math:`k = i_0 n_1 + i_1`.

In a notebook a :class:`Flipbook` displays itself (``_repr_html_``), so
Jupyter Book (myst-nb) embeds it in the executed page as ``text/html``;
:meth:`Flipbook.save` writes it as a standalone page.

>>> import numpy as np
>>> from nnlearn.explore import flipbook
>>> x = np.linspace(-6, 6, 50)
>>> def draw(ax, w):
...     ax.plot(x, 1 / (1 + np.exp(-w * x)))
...     ax.set_ylim(-0.05, 1.05)      # fixed limits, so that the frames line up
...     ax.set_title(f"w = {w:g}")
>>> fb = flipbook(draw, {"w": [0.5, 1, 2]}, alt="Sigmoid of w·x", figsize=(2, 1.5), dpi=40)
>>> len(fb.frames), fb.values_at(2)
(3, {'w': 2.0})
>>> fb.html().count('type="range"')
1
"""

import base64
import hashlib
import html as html_module
import io
import json
import math
import os
import pathlib
from collections.abc import Mapping

import numpy as np

from .._validation import check_array, check_int, check_positive

__all__ = ["flipbook", "Flipbook", "MAX_FRAMES"]

#: The largest number of frames one flipbook may hold; every frame is a PNG inlined in the page.
MAX_FRAMES = 400


def flipbook(draw, params, *, alt, caption=None, figsize=(6, 4), dpi=100, interval=150, loop=True,
             use_figure=False):
    """Precompute ``draw`` over a grid of parameter values; returns a :class:`Flipbook`.

    Parameters
    ----------
    draw : callable
        Called as ``draw(ax, **values)`` for every point of the grid, where
        ``ax`` is a matplotlib Axes cleared with ``ax.clear()`` before each
        frame and ``values`` maps each parameter name to one of its values.
        Its return value is ignored.  ``ax.clear()`` resets the axis limits,
        so ``draw`` should set them itself (``ax.set_xlim``, ``ax.set_ylim``)
        to the same values in every frame; otherwise autoscaling moves the
        axes from frame to frame and the animation jumps.
        With ``use_figure=True`` it is called as ``draw(fig, **values)``
        instead, on a Figure cleared with ``fig.clear()`` (for several axes,
        twin axes or colorbars).
    params : dict
        One or two entries ``name -> values``: each name is a Python
        identifier (it is passed as a keyword argument) and each ``values``
        a non-empty 1-D sequence of finite numbers, the slider's positions.
        At most :data:`MAX_FRAMES` frames in all (the product of the lengths).
    alt : str
        Alternative text of the image, for readers who cannot see it.  The
        page appends the current values, e.g. ``"Sigmoid of w·x (w = 2)"``.
    caption : str, optional
        Shown below the image.
    figsize : (float, float), default (6, 4)
        Figure size in inches.
    dpi : float, default 100
        Pixels per inch: each frame is ``figsize[0]*dpi`` by ``figsize[1]*dpi`` pixels.
    interval : int, default 150
        Milliseconds between frames when playing.
    loop : bool, default True
        Playing wraps around to the first value; otherwise it stops at the last.
    use_figure : bool, default False
        Pass the Figure rather than a single Axes to ``draw``.

    Returns
    -------
    Flipbook

    Notes
    -----
    The frames are drawn on a single :class:`matplotlib.figure.Figure` with
    the non-interactive Agg canvas (pyplot is not used, so no window opens
    and no figure is left open), created once and reused for every frame.
    Each frame is saved opaque (``transparent=False``) so that it stays
    readable on dark themes.
    """
    if not callable(draw):
        raise TypeError(f"`draw` must be a function called as draw(ax, **values), "
                        f"got {type(draw).__name__} {draw!r}.")
    names, grids = _check_params(params)
    figsize = _check_figsize(figsize)
    dpi = check_positive(dpi, "dpi")
    # Check the display arguments before the (possibly slow) drawing, not after it.
    _check_display(alt, caption, interval)
    frames = _render(draw, names, grids, figsize, dpi, bool(use_figure))
    return Flipbook(frames, dict(zip(names, grids)), alt=alt, caption=caption, interval=interval, loop=loop)


class Flipbook:
    """Precomputed frames over a grid of one or two parameters, shown as an HTML figure with sliders.

    Usually made by :func:`flipbook`; build one directly to show frames drawn
    some other way.

    Parameters
    ----------
    frames : sequence of bytes
        One PNG image per grid point, row-major over the grid (the last
        parameter varies fastest); all of the same size in pixels.
    params : dict
        ``name -> values``, one or two entries, as for :func:`flipbook`.
    alt : str
        Alternative text of the image; the current values are appended.
    caption : str, optional
        Shown below the image.
    interval : int, default 150
        Milliseconds between frames when playing.
    loop : bool, default True
        Playing wraps around to the first value; otherwise it stops at the last.

    Attributes
    ----------
    frames : list of bytes
        The PNG images.
    params : dict
        ``name -> list of values``, in slider order.
    shape : tuple of int
        The number of values of each parameter; ``len(frames) == prod(shape)``.
    id : str
        The HTML id of the container, derived from a hash of the content, so
        that the same flipbook gets the same id in every build.
    """

    def __init__(self, frames, params, *, alt, caption=None, interval=150, loop=True):
        names, grids = _check_params(params)
        self.alt, self.caption, self.interval = _check_display(alt, caption, interval)
        self.loop = bool(loop)
        self.params = dict(zip(names, grids))
        self.shape = tuple(len(g) for g in grids)
        if isinstance(frames, (bytes, str)) or not hasattr(frames, "__len__"):
            raise TypeError(f"`frames` must be a list of PNG images (bytes), got {type(frames).__name__}.")
        frames = list(frames)
        if len(frames) != math.prod(self.shape):
            raise ValueError(f"`frames` must hold one image per grid point, {' x '.join(map(str, self.shape))} = "
                             f"{math.prod(self.shape)}, got {len(frames)}.")
        for i, frame in enumerate(frames):
            if not isinstance(frame, bytes) or not frame.startswith(_PNG_SIGNATURE):
                raise TypeError(f"`frames[{i}]` must be a PNG image as bytes, got {type(frame).__name__}"
                                f"{' that is not a PNG' if isinstance(frame, bytes) else ''}.")
        self.frames = frames
        self._labels = [_value_labels(g) for g in grids]

    def __len__(self):
        return len(self.frames)

    def values_at(self, index):
        """The parameter values of frame ``index``, as a dict ``name -> value``.

        >>> fb = Flipbook([_BLANK_PNG] * 6, {"a": [1, 2], "b": [10, 20, 30]}, alt="demo")
        >>> fb.values_at(4)
        {'a': 2, 'b': 20}
        """
        index = check_int(index, "index", minimum=0)
        if index >= len(self.frames):
            raise ValueError(f"`index` must be < {len(self.frames)} (the number of frames), got {index}.")
        position = np.unravel_index(index, self.shape)
        return {name: grid[int(i)] for (name, grid), i in zip(self.params.items(), position)}

    def index_of(self, **values):
        """The frame index of the given values (each must be one of its parameter's grid values).

        >>> fb = Flipbook([_BLANK_PNG] * 6, {"a": [1, 2], "b": [10, 20, 30]}, alt="demo")
        >>> fb.index_of(a=2, b=20)
        4
        """
        if set(values) != set(self.params):
            raise TypeError(f"index_of() needs exactly the parameters {list(self.params)}, got {list(values)}.")
        position = []
        for name, grid in self.params.items():
            if values[name] not in grid:
                raise ValueError(f"`{name}` must be one of the grid values {grid}, got {values[name]!r}.")
            position.append(grid.index(values[name]))
        return int(np.ravel_multi_index(position, self.shape))

    @property
    def id(self):
        """The container's HTML id, ``"nnlearn-flipbook-"`` followed by 12 hex digits of a SHA-256 of the content."""
        digest = hashlib.sha256()
        for frame in self.frames:
            digest.update(hashlib.sha256(frame).digest())
        digest.update(json.dumps([list(self.params), self._labels, self.alt, self.caption, self.interval,
                                  self.loop]).encode())
        return "nnlearn-flipbook-" + digest.hexdigest()[:12]

    def html(self):
        """The HTML fragment: a ``<div class="nnlearn-flipbook">`` with figure, controls, data and script.

        Self-contained (inline CSS, inline JavaScript, images as ``data:``
        URIs) and safe to repeat: several flipbooks can share a page.
        """
        return self._build_html()

    def _repr_html_(self):
        return self.html()

    def save(self, path):
        """Write the flipbook as a standalone HTML page at ``path``; returns the path as a ``pathlib.Path``."""
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"`path` must be a file path (str or pathlib.Path), got {type(path).__name__}.")
        path = pathlib.Path(path)
        title = html_module.escape(self.caption or self.alt)
        page = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                '<meta name="color-scheme" content="light dark">\n'
                f"<title>{title}</title>\n</head>\n<body>\n{self.html()}\n</body>\n</html>\n")
        path.write_text(page, encoding="utf-8")
        return path

    def __repr__(self):
        grid = ", ".join(f"{name}: {n} values" for name, n in zip(self.params, self.shape))
        return f"Flipbook({grid}; {len(self.frames)} frames)"

    # -- HTML ----------------------------------------------------------------------------------

    def _build_html(self):
        uid = self.id
        esc = html_module.escape
        names = list(self.params)
        first = [labels[0] for labels in self._labels]
        width, height = _png_size(self.frames[0])
        alt0 = self.alt + " (" + ", ".join(f"{n} = {v}" for n, v in zip(names, first)) + ")"
        sliders = "".join(
            f'<label>{esc(name)} = <output>{esc(label)}</output>'
            f'<input type="range" min="0" max="{n - 1}" step="1" value="0" data-param="{esc(name)}"'
            f' aria-valuetext="{esc(label)}"></label>\n'
            for name, n, label in zip(names, self.shape, first))
        button = ""
        if self.shape[0] > 1:  # nothing to play through with a single value
            button = (f'<button type="button" aria-label="Play: step through '
                      f'{esc(names[0])}">Play</button>\n')
        caption = f"<figcaption>{esc(self.caption)}</figcaption>\n" if self.caption else ""
        data = {"names": names, "sizes": list(self.shape), "labels": self._labels, "alt": self.alt,
                "interval": self.interval, "loop": self.loop, "frames": [_data_uri(f) for f in self.frames]}
        return (f'<div class="nnlearn-flipbook" id="{uid}">\n<style>{_CSS}</style>\n'
                f'<figure>\n<img src="{_data_uri(self.frames[0])}" alt="{esc(alt0)}" data-frame="0"'
                f' width="{width}" height="{height}">\n{caption}</figure>\n'
                f'<div class="nnlearn-flipbook-controls" hidden>\n{button}{sliders}</div>\n'
                f'<script type="application/json" class="nnlearn-flipbook-data">{_script_json(data)}</script>\n'
                f'<script>{_JS}("{uid}");</script>\n</div>')


# -- checks -------------------------------------------------------------------------------------

def _check_params(params):
    """Return ``(names, grids)``: the names and each grid as a list of Python numbers."""
    if not isinstance(params, Mapping):
        raise TypeError("`params` must be a dict mapping each parameter name to its values, e.g. "
                        f"{{'w': np.linspace(0.5, 5, 10)}}, got {type(params).__name__}.")
    if not 1 <= len(params) <= 2:
        raise ValueError(f"`params` must have 1 or 2 entries (one slider each), got {len(params)}"
                         f"{': ' + str(list(params)) if params else ''}.")
    names, grids = [], []
    for name, values in params.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"`params` keys must be parameter names usable as keyword arguments "
                            f"(Python identifiers such as 'w' or 'learning_rate'), got {name!r}.")
        grid = check_array(values, f"params[{name!r}]", ndim=1, allow_int=True)
        if grid.size == 0:
            raise ValueError(f"`params[{name!r}]` must hold at least one value, got an empty sequence.")
        names.append(name)
        grids.append(grid.tolist())  # Python ints and floats, as draw() and JSON expect
    n_frames = math.prod(len(g) for g in grids)
    if n_frames > MAX_FRAMES:
        sizes = " x ".join(str(len(g)) for g in grids)
        raise ValueError(f"`params` must give at most {MAX_FRAMES} frames in all (every frame is an image "
                         f"inlined in the page), got {sizes} = {n_frames}. Use fewer values, e.g. "
                         "np.linspace(start, stop, 20) instead of a finer grid.")
    return names, grids


def _check_figsize(figsize):
    if isinstance(figsize, (str, bytes)) or not hasattr(figsize, "__len__") or len(figsize) != 2:
        raise TypeError(f"`figsize` must be a pair (width, height) in inches, got {figsize!r}.")
    return tuple(check_positive(v, f"figsize[{i}]") for i, v in enumerate(figsize))


def _check_display(alt, caption, interval):
    if not isinstance(alt, str):
        raise TypeError(f"`alt` must be a string describing the figure for readers who cannot see it, "
                        f"e.g. 'Sigmoid of w·x', got {type(alt).__name__} {alt!r}.")
    if not alt.strip():
        raise ValueError("`alt` must describe the figure for readers who cannot see it, e.g. "
                         f"'Sigmoid of w·x', got the empty text {alt!r}.")
    if caption is not None and not isinstance(caption, str):
        raise TypeError(f"`caption` must be a string or None, got {type(caption).__name__} {caption!r}.")
    return alt.strip(), caption, check_int(interval, "interval", minimum=1)


# -- rendering ----------------------------------------------------------------------------------

def _render(draw, names, grids, figsize, dpi, use_figure):
    """Draw every grid point on one reused Agg figure; return the PNG images, row-major."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # imported here: plotting is optional
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")  # labels stay inside the image
    FigureCanvasAgg(fig)
    ax = None if use_figure else fig.add_subplot()
    frames = []
    for index, position in enumerate(np.ndindex(*(len(g) for g in grids))):
        values = {name: grid[i] for name, grid, i in zip(names, grids, position)}
        if use_figure:
            fig.clear()
        else:
            ax.clear()
        try:
            draw(fig if use_figure else ax, **values)
        except Exception as exc:
            if hasattr(exc, "add_note"):  # Python >= 3.11
                exc.add_note(f"(raised by `draw` while drawing frame {index} of the flipbook, at {values})")
            raise
        if index == 0:
            fig.canvas.draw()  # the constrained layout settles on the second draw: align frame 0 too
        buffer = io.BytesIO()
        # No "Software" text chunk: the bytes then depend only on the pixels.
        fig.savefig(buffer, format="png", dpi=dpi, transparent=False, metadata={"Software": None})
        frames.append(buffer.getvalue())
    return frames


# -- helpers ------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# A 1 x 1 transparent PNG, for examples that do not need real images.
_BLANK_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6"
                              "kgAAAABJRU5ErkJggg==")


def _png_size(png):
    """Width and height in pixels, read from the PNG's IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _data_uri(png):
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _value_labels(grid):
    """Short display strings for a grid's values, with enough digits to tell them apart."""
    for digits in range(4, 18):
        labels = [str(v) if isinstance(v, int) else f"{v:.{digits}g}" for v in grid]
        if len(set(labels)) == len(set(grid)):
            return labels
    return labels


def _script_json(data):
    """JSON that is safe inside a <script> element (no "</script>", no "<!--")."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# Scoped to the container class; colours inherit from the page, so light and dark themes both work.
_CSS = (".nnlearn-flipbook{margin:1em 0;max-width:100%}"
        ".nnlearn-flipbook figure{margin:0}"
        ".nnlearn-flipbook img{display:block;max-width:100%;height:auto}"
        ".nnlearn-flipbook figcaption{font-size:.9em;margin-top:.3em}"
        ".nnlearn-flipbook-controls{display:flex;flex-wrap:wrap;align-items:center;gap:.4em 1.2em;"
        "margin-top:.5em}"
        ".nnlearn-flipbook-controls[hidden]{display:none}"
        ".nnlearn-flipbook-controls label{display:inline-flex;align-items:center;gap:.5em}"
        ".nnlearn-flipbook-controls output{display:inline-block;min-width:3.5em;"
        "font-variant-numeric:tabular-nums}"
        ".nnlearn-flipbook-controls button{font:inherit;color:inherit;background:transparent;"
        "border:1px solid currentColor;border-radius:.3em;padding:.15em .8em;min-width:5em;cursor:pointer}"
        ".nnlearn-flipbook-controls button:focus-visible,.nnlearn-flipbook-controls input:focus-visible"
        "{outline:2px solid currentColor;outline-offset:2px}")

# The controls stay hidden until this runs, so that without JavaScript the reader sees the first frame
# and its alt text, not sliders that do nothing.  The container is the script's parent (found by id if
# the browser does not report document.currentScript); a container already set up is left alone.
_JS = """(function (id) {
  "use strict";
  var me = document.currentScript, root = me && me.parentNode;
  if (!root || root.id !== id) root = document.getElementById(id);
  if (!root || root.getAttribute("data-ready") === "1") return;
  root.setAttribute("data-ready", "1");
  var data = JSON.parse(root.querySelector("script.nnlearn-flipbook-data").textContent);
  var img = root.querySelector("img"), button = root.querySelector("button");
  var inputs = root.querySelectorAll("input[type=range]"), outputs = root.querySelectorAll("output");
  var timer = null;
  function show() {
    var k = 0, parts = [];
    for (var i = 0; i < inputs.length; i++) {
      var j = Number(inputs[i].value), text = data.labels[i][j];
      k = k * data.sizes[i] + j;
      outputs[i].textContent = text;
      inputs[i].setAttribute("aria-valuetext", text);
      parts.push(data.names[i] + " = " + text);
    }
    img.src = data.frames[k];
    img.alt = data.alt + " (" + parts.join(", ") + ")";
    img.setAttribute("data-frame", String(k));
  }
  function setPlaying(on) {
    button.textContent = on ? "Pause" : "Play";
    button.setAttribute("aria-label", on ? "Pause" : "Play: step through " + data.names[0]);
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    setPlaying(false);
  }
  function step() {
    var last = data.sizes[0] - 1, next = Number(inputs[0].value) + 1;
    if (next > last) {
      if (!data.loop) { stop(); return; }
      next = 0;
    }
    inputs[0].value = String(next);
    show();
    if (!data.loop && next === last) stop();
  }
  if (button) {
    button.addEventListener("click", function () {
      if (timer !== null) { stop(); return; }
      if (!data.loop && Number(inputs[0].value) >= data.sizes[0] - 1) { inputs[0].value = "0"; show(); }
      timer = setInterval(step, data.interval);
      setPlaying(true);
    });
  }
  for (var i = 0; i < inputs.length; i++) inputs[i].addEventListener("input", show);
  root.querySelector(".nnlearn-flipbook-controls").hidden = false;
  show();
})"""
