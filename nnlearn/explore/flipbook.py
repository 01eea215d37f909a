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

The pictures are kept small: each frame is stored as a palette PNG of at
most 256 colours (exact when the frame has no more; otherwise anti-aliased
edges move by a few levels out of 255), and identical frames are stored once.
On the book's site a Sphinx extension (``book/_ext/flipbook_files.py``)
moves the ``data:`` URIs out of the page into image files, so the page holds
only their URLs and loads the first frame only.  The page's script loads the
other frames when the reader comes to the flipbook (pointer, touch or focus),
the neighbours of the current frame (one step along each slider) first.

Text is drawn large enough for a phone: by default the font size is chosen
so that text is at least :data:`MIN_TEXT_PX` pixels tall when the image is
shown :data:`PHONE_WIDTH_PX` pixels wide, and the smallest text actually
drawn is recorded (the flipbook's ``min_text_px``, ``data-min-text-px`` in
the HTML).

A figure with many labels does not fit a phone that way: shrunk to a phone's
width its text is too small, and larger type makes the labels overlap.  Such a
flipbook carries a second set of frames, drawn in a phone layout over the same
grid (``phone_figsize`` of :func:`flipbook`, ``phone_frames`` of
:class:`Flipbook`).  The page then shows the phone frames on screens up to
``phone_max_width`` CSS pixels wide and the desktop frames above, and the
browser downloads only the set it shows (a ``<picture>`` with a
``<source media="(max-width: ...)">``); the slider, Play, the keyboard and the
alt text work the same in both.  The smallest text of the phone frames is
``data-phone-min-text-px`` in the HTML.

The HTML, CSS and JavaScript of the page are written by the private module
``nnlearn.explore._flipbook_page``; this module draws, checks and stores the
frames.

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
...     ax.set_ylim(-0.05, 1.05)   # fixed limits, so that the frames line up
...     ax.set_title(f"w = {w:g}")
>>> fb = flipbook(draw, {"w": [0.5, 1, 2]}, alt="Sigmoid of w·x",
...               figsize=(2, 1.5), dpi=40)
>>> len(fb.frames), fb.values_at(2)
(3, {'w': 2.0})
>>> fb.html().count('type="range"')
1
"""

import base64
import hashlib
import html as html_module
import inspect
import io
import json
import math
import os
import pathlib
from collections.abc import Mapping

import numpy as np

from .._validation import check_array, check_int, check_positive
from ._flipbook_page import (_data_uri, _png_size,  # noqa: F401 (_data_uri: tests)
                             _value_labels, page_html)

__all__ = ["flipbook", "Flipbook", "min_text_px", "MAX_FRAMES", "PHONE_WIDTH_PX",
           "MIN_TEXT_PX", "PAGE_MARGIN_PX", "PHONE_MAX_WIDTH_PX"]

#: The largest number of frames one flipbook may hold (the page stores every one).
MAX_FRAMES = 400

#: The width in CSS pixels at which a chapter shows a flipbook on a phone, a 390 px
#: screen less the margins of the page and of the cell output (measured in Chromium;
#: tests/test_book_phone.py checks the text size at the real width).
PHONE_WIDTH_PX = 326

#: The smallest text height, in pixels, readable on a phone.
MIN_TEXT_PX = 9

#: How much wider (CSS pixels) the screen is than a flipbook on the book's pages,
#: on screens narrower than 960 px (wider ones show the sidebar, and the column is
#: at least 624 px wide): 390 - 326, measured in Chromium.
PAGE_MARGIN_PX = 64

#: The widest screen (CSS pixels) that shows a flipbook's phone frames when the
#: size of its desktop frames' text is not known.
PHONE_MAX_WIDTH_PX = 600

# The range of the phone frames' breakpoint chosen from the text size: every phone
# held upright shows them, and from 960 px the book's column is wide anyway.
_PHONE_MAX_WIDTH_RANGE = (480, 959)


def flipbook(draw, params, *, alt, caption=None, figsize=(6, 4), dpi=100,
             interval=150, loop=True, use_figure=False, font_size=None,
             phone_figsize=None, phone_dpi=None, phone_max_width=None):
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
        If ``draw`` has a parameter named ``layout``, it is also passed
        ``layout="desktop"`` for the frames drawn at ``figsize`` and
        ``layout="phone"`` for those drawn at ``phone_figsize``, so that one
        function can arrange the two differently (stack its panels, shorten
        its labels on a phone).  A parameter of the grid may then not be
        called ``layout``.
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
        Pixels per inch: each frame is ``figsize[0]*dpi`` by
        ``figsize[1]*dpi`` pixels.
    interval : int, default 150
        Milliseconds between frames when playing.
    loop : bool, default True
        Playing wraps around to the first value; otherwise it stops at the last.
    use_figure : bool, default False
        Pass the Figure rather than a single Axes to ``draw``.
    font_size : float, optional
        The base font size in points (matplotlib's ``font.size``: tick labels,
        axis labels, legends; titles are larger).  By default the larger of
        ``font.size`` and the size that makes text :data:`MIN_TEXT_PX` pixels
        tall when the image is shown :data:`PHONE_WIDTH_PX` pixels wide,
        ``MIN_TEXT_PX * 72 * figsize[0] / PHONE_WIDTH_PX`` points.  Sizes that
        ``draw`` sets itself (``fontsize=``) are kept.
    phone_figsize : (float, float), optional
        Also draw every grid point at this size, as the flipbook's phone
        frames (see :class:`Flipbook`'s ``phone_frames``): a narrower,
        usually taller figure, e.g. ``(3.6, 5)``, whose text is readable on a
        phone.  The default font size follows this width as it follows
        ``figsize[0]`` for the desktop frames.  By default there are no phone
        frames.
    phone_dpi : float, optional
        Pixels per inch of the phone frames; by default as many as make them
        as wide in pixels as the desktop frames (sharp on a phone's dense
        screen).  Only with ``phone_figsize``.
    phone_max_width : int, optional
        The widest screen, in CSS pixels, that shows the phone frames; see
        :class:`Flipbook`.  Only with ``phone_figsize``.

    Returns
    -------
    Flipbook

    Notes
    -----
    The frames are drawn on a single :class:`matplotlib.figure.Figure` with
    the non-interactive Agg canvas (pyplot is not used, so no window opens
    and no figure is left open), created once and reused for every frame.
    Each frame is made opaque (composited on white) so that it stays
    readable on dark themes, then stored as a palette PNG: exact when the
    frame has at most 256 colours, otherwise reduced to 256 colours (Pillow's
    maximum-coverage quantiser, no dithering; anti-aliased edges change by a
    few levels out of 255).
    """
    if not callable(draw):
        raise TypeError(f"`draw` must be a function called as draw(ax, **values), "
                        f"got {type(draw).__name__} {draw!r}.")
    names, grids = _check_params(params)
    figsize = _check_figsize(figsize)
    dpi = check_positive(dpi, "dpi")
    if font_size is not None:
        font_size = check_positive(font_size, "font_size")
    # Check the display arguments before the (possibly slow) drawing, not after it.
    _check_display(alt, caption, interval)
    if phone_figsize is None:
        for name, value in (("phone_dpi", phone_dpi),
                            ("phone_max_width", phone_max_width)):
            if value is not None:
                raise ValueError(f"`{name}` applies to the phone frames, and there "
                                 f"are none: got {name}={value!r} without "
                                 f"`phone_figsize`. Pass phone_figsize=(width, "
                                 f"height) to draw them.")
    else:
        phone_figsize = _check_figsize(phone_figsize, "phone_figsize")
        if phone_dpi is None:
            phone_dpi = dpi * figsize[0] / phone_figsize[0]
        phone_dpi = check_positive(phone_dpi, "phone_dpi")
        _check_max_width(phone_max_width)
    takes_layout = _takes_layout(draw)
    if takes_layout and "layout" in names:
        if phone_figsize is not None:
            raise ValueError("`params` may not name a parameter 'layout' when there "
                             "are phone frames and `draw` takes a `layout` "
                             "argument: flipbook passes 'desktop' or 'phone' "
                             "there. Rename the parameter.")
        takes_layout = False  # the parameter's values are passed as `layout`
    use_figure = bool(use_figure)
    frames, min_text_px = _render(draw, names, grids, figsize, dpi, use_figure,
                                  font_size, layout="desktop" if takes_layout else None)
    phone = {}
    if phone_figsize is not None:
        phone_frames, phone_text_px = _render(draw, names, grids, phone_figsize,
                                              phone_dpi, use_figure, font_size,
                                              layout="phone" if takes_layout else None)
        phone = {"phone_frames": phone_frames, "phone_min_text_px": phone_text_px,
                 "phone_max_width": phone_max_width}
    return Flipbook(frames, dict(zip(names, grids)), alt=alt, caption=caption,
                    interval=interval, loop=loop, min_text_px=min_text_px,
                    compact=False, **phone)  # _render made them compact


class Flipbook:
    """Precomputed frames over a grid of one or two parameters, shown with sliders.

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
    min_text_px : float, optional
        The height in pixels of the smallest text in the frames, if known;
        written to the HTML as ``data-min-text-px``.
    compact : bool, default True
        Store each frame as an opaque palette PNG, as :func:`flipbook` does,
        when that takes fewer bytes than the frame given (exact for frames of
        at most 256 colours; otherwise reduced to 256 colours).  With
        ``False`` the frames are kept byte for byte.  The same for the phone
        frames.
    phone_frames : sequence of bytes, optional
        A second set of frames for narrow screens, over the same grid (one PNG
        per grid point, in the same order, all of one size, usually narrower
        and taller than the desktop frames, with fewer or larger labels).  The
        page shows them instead of ``frames`` on screens up to
        ``phone_max_width`` CSS pixels wide; a browser downloads only the
        frames it shows.
    phone_min_text_px : float, optional
        The smallest text in the phone frames, in their pixels, if known;
        written to the HTML as ``data-phone-min-text-px``.  Only with
        ``phone_frames``.
    phone_max_width : int, optional
        The widest screen, in CSS pixels, that shows the phone frames (the
        page's media query is ``(max-width: phone_max_width px)``).  By default
        the widest screen on which the desktop frames' text would be smaller
        than :data:`MIN_TEXT_PX` on the book's page (a flipbook is shown
        :data:`PAGE_MARGIN_PX` narrower than the screen), kept between 480 and
        959; :data:`PHONE_MAX_WIDTH_PX` if ``min_text_px`` is not known.  Only
        with ``phone_frames``.

    Attributes
    ----------
    frames : list of bytes
        The PNG images (made compact unless ``compact=False``).
    params : dict
        ``name -> list of values``, in slider order.
    shape : tuple of int
        The number of values of each parameter; ``len(frames) == prod(shape)``.
    min_text_px : float or None
        The smallest text's height in pixels of the PNG (font size in points
        times ``dpi / 72``), measured while drawing; ``None`` if unknown.
    phone_frames : list of bytes or None
        The phone frames, or ``None`` if there are none.
    phone_min_text_px : float or None
        As ``min_text_px``, for the phone frames.
    phone_max_width : int or None
        The widest screen that shows the phone frames (``None`` without them).
    id : str
        The HTML id of the container, derived from a hash of the content, so
        that the same flipbook gets the same id in every build.
    """

    def __init__(self, frames, params, *, alt, caption=None, interval=150, loop=True,
                 min_text_px=None, compact=True, phone_frames=None,
                 phone_min_text_px=None, phone_max_width=None):
        names, grids = _check_params(params)
        self.alt, self.caption, self.interval = _check_display(alt, caption, interval)
        self.loop = bool(loop)
        self.params = dict(zip(names, grids))
        self.shape = tuple(len(g) for g in grids)
        frames = _check_frames(frames, "frames", self.shape)
        if min_text_px is not None:
            min_text_px = check_positive(min_text_px, "min_text_px")
        if phone_frames is None:
            for name, value in (("phone_min_text_px", phone_min_text_px),
                                ("phone_max_width", phone_max_width)):
                if value is not None:
                    raise ValueError(f"`{name}` describes the phone frames, and there "
                                     f"are none: got {name}={value!r} without "
                                     f"`phone_frames`. Pass phone_frames=[...] (one "
                                     f"PNG per grid point) as well.")
        else:
            phone_frames = _check_frames(phone_frames, "phone_frames", self.shape)
            if phone_min_text_px is not None:
                phone_min_text_px = check_positive(phone_min_text_px,
                                                   "phone_min_text_px")
            phone_max_width = _check_max_width(phone_max_width)
            if phone_max_width is None:
                phone_max_width = _phone_max_width(_png_size(frames[0])[0], min_text_px)
            if compact:
                phone_frames = _compact_frames(phone_frames)
        self.frames = _compact_frames(frames) if compact else frames
        self.min_text_px = min_text_px
        self.phone_frames = phone_frames
        self.phone_min_text_px = phone_min_text_px
        self.phone_max_width = phone_max_width
        self._labels = [_value_labels(g) for g in grids]

    def __len__(self):
        return len(self.frames)

    def values_at(self, index):
        """The parameter values of frame ``index``, as a dict ``name -> value``.

        >>> fb = Flipbook([_BLANK_PNG] * 6, {"a": [1, 2], "b": [10, 20, 30]},
        ...               alt="demo")
        >>> fb.values_at(4)
        {'a': 2, 'b': 20}
        """
        index = check_int(index, "index", minimum=0)
        if index >= len(self.frames):
            raise ValueError(f"`index` must be < {len(self.frames)} (the number of "
                             f"frames), got {index}.")
        position = np.unravel_index(index, self.shape)
        return {name: grid[int(i)]
                for (name, grid), i in zip(self.params.items(), position)}

    def index_of(self, **values):
        """The frame index of the given values (each one of its parameter's values).

        >>> fb = Flipbook([_BLANK_PNG] * 6, {"a": [1, 2], "b": [10, 20, 30]},
        ...               alt="demo")
        >>> fb.index_of(a=2, b=20)
        4
        """
        if set(values) != set(self.params):
            raise TypeError(f"index_of() needs exactly the parameters "
                            f"{list(self.params)}, got {list(values)}.")
        position = []
        for name, grid in self.params.items():
            if values[name] not in grid:
                raise ValueError(f"`{name}` must be one of the grid values {grid}, "
                                 f"got {values[name]!r}.")
            position.append(grid.index(values[name]))
        return int(np.ravel_multi_index(position, self.shape))

    @property
    def id(self):
        """The container's HTML id, ``"nnlearn-flipbook-"`` and 12 hex digits.

        The digits are the start of a SHA-256 of the frames and the settings.
        """
        digest = hashlib.sha256()
        for frame in self.frames:
            digest.update(hashlib.sha256(frame).digest())
        settings = [list(self.params), self._labels, self.alt, self.caption,
                    self.interval, self.loop]
        if self.phone_frames is not None:  # ids without phone frames are unchanged
            for frame in self.phone_frames:
                digest.update(hashlib.sha256(frame).digest())
            settings.append(self.phone_max_width)
        digest.update(json.dumps(settings).encode())
        return "nnlearn-flipbook-" + digest.hexdigest()[:12]

    def html(self):
        """The HTML: a ``<div class="nnlearn-flipbook">``, figure, controls, script.

        Self-contained (inline CSS, inline JavaScript, images as ``data:``
        URIs, each distinct image once) and safe to repeat: several flipbooks
        can share a page.  With phone frames the image is a ``<picture>``
        whose ``<source media="(max-width: ...px)">`` shows them.
        """
        phone = None
        if self.phone_frames is not None:
            phone = {"frames": self.phone_frames, "min_text_px": self.phone_min_text_px,
                     "max_width": self.phone_max_width}
        return page_html(self.id, names=list(self.params), labels=self._labels,
                         shape=self.shape, alt=self.alt, caption=self.caption,
                         interval=self.interval, loop=self.loop, frames=self.frames,
                         min_text_px=self.min_text_px, phone=phone)

    def _repr_html_(self):
        return self.html()

    def save(self, path):
        """Write the flipbook as a standalone HTML page; returns its path."""
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"`path` must be a file path (str or pathlib.Path), "
                            f"got {type(path).__name__}.")
        path = pathlib.Path(path)
        title = html_module.escape(self.caption or self.alt)
        page = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                '<meta name="color-scheme" content="light dark">\n'
                f"<title>{title}</title>\n</head>\n<body>\n{self.html()}\n"
                "</body>\n</html>\n")
        path.write_text(page, encoding="utf-8")
        return path

    def __repr__(self):
        grid = ", ".join(f"{name}: {n} values"
                         for name, n in zip(self.params, self.shape))
        phone = " and phone frames" if self.phone_frames is not None else ""
        return f"Flipbook({grid}; {len(self.frames)} frames{phone})"


# -- checks --------------------------------------------------------------------------

def _check_params(params):
    """Return ``(names, grids)``: the names, and each grid as a list of numbers."""
    if not isinstance(params, Mapping):
        raise TypeError("`params` must be a dict mapping each parameter name to its "
                        "values, e.g. {'w': np.linspace(0.5, 5, 10)}, "
                        f"got {type(params).__name__}.")
    if not 1 <= len(params) <= 2:
        listed = ": " + str(list(params)) if params else ""
        raise ValueError(f"`params` must have 1 or 2 entries (one slider each), "
                         f"got {len(params)}{listed}.")
    names, grids = [], []
    for name, values in params.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"`params` keys must be parameter names usable as keyword "
                            f"arguments (Python identifiers such as 'w' or "
                            f"'learning_rate'), got {name!r}.")
        grid = check_array(values, f"params[{name!r}]", ndim=1, allow_int=True)
        if grid.size == 0:
            raise ValueError(f"`params[{name!r}]` must hold at least one value, "
                             f"got an empty sequence.")
        names.append(name)
        grids.append(grid.tolist())  # Python ints and floats, as draw() and JSON expect
    n_frames = math.prod(len(g) for g in grids)
    if n_frames > MAX_FRAMES:
        sizes = " x ".join(str(len(g)) for g in grids)
        raise ValueError(f"`params` must give at most {MAX_FRAMES} frames in all (the "
                         f"page stores every frame), got {sizes} = {n_frames}. Use "
                         "fewer values, e.g. np.linspace(start, stop, 20) instead of "
                         "a finer grid.")
    return names, grids


def _check_figsize(figsize, name="figsize"):
    if (isinstance(figsize, (str, bytes)) or not hasattr(figsize, "__len__")
            or len(figsize) != 2):
        raise TypeError(f"`{name}` must be a pair (width, height) in inches, "
                        f"got {figsize!r}.")
    return tuple(check_positive(v, f"{name}[{i}]") for i, v in enumerate(figsize))


def _check_frames(frames, name, shape):
    """The frames as a list: one PNG image per grid point."""
    if isinstance(frames, (bytes, str)) or not hasattr(frames, "__len__"):
        raise TypeError(f"`{name}` must be a list of PNG images (bytes), "
                        f"got {type(frames).__name__}.")
    frames = list(frames)
    if len(frames) != math.prod(shape):
        sizes = " x ".join(map(str, shape))
        raise ValueError(f"`{name}` must hold one image per grid point, {sizes} = "
                         f"{math.prod(shape)}, got {len(frames)}.")
    for i, frame in enumerate(frames):
        if not isinstance(frame, bytes) or not frame.startswith(_PNG_SIGNATURE):
            not_png = " that is not a PNG" if isinstance(frame, bytes) else ""
            raise TypeError(f"`{name}[{i}]` must be a PNG image as bytes, "
                            f"got {type(frame).__name__}{not_png}.")
        if frame[12:16] != b"IHDR" or min(_png_size(frame)) < 1:
            raise ValueError(f"`{name}[{i}]` must be a whole PNG image of at least "
                             f"1 x 1 pixels, got {len(frame)} bytes without a valid "
                             f"header (IHDR). Is the file truncated?")
    return frames


def _check_max_width(max_width):
    """``phone_max_width``: None, or a whole number of CSS pixels >= 1."""
    if max_width is None:
        return None
    return check_int(max_width, "phone_max_width", minimum=1)


def _phone_max_width(width, min_text_px):
    """The widest screen that shows the phone frames, by default.

    Below 960 CSS px a flipbook is shown :data:`PAGE_MARGIN_PX` narrower than the
    screen, and its desktop frames (``width`` pixels wide) are readable when shown
    at least ``MIN_TEXT_PX * width / min_text_px`` pixels wide.

    >>> _phone_max_width(630, 10.0), _phone_max_width(840, 1000 / 90)
    (630, 744)
    """
    if min_text_px is None:
        return PHONE_MAX_WIDTH_PX
    needed = math.ceil(MIN_TEXT_PX * width / min_text_px - 1e-9)
    low, high = _PHONE_MAX_WIDTH_RANGE
    return int(min(max(needed - 1 + PAGE_MARGIN_PX, low), high))


def _takes_layout(draw):
    """Whether ``draw`` has a parameter named ``layout`` (see :func:`flipbook`)."""
    try:
        parameters = inspect.signature(draw).parameters
    except (TypeError, ValueError):  # some built-ins have no signature
        return False
    parameter = parameters.get("layout")
    return parameter is not None and parameter.kind in (
        parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)


def _check_display(alt, caption, interval):
    if not isinstance(alt, str):
        raise TypeError(f"`alt` must be a string describing the figure for readers "
                        f"who cannot see it, e.g. 'Sigmoid of w·x', "
                        f"got {type(alt).__name__} {alt!r}.")
    if not alt.strip():
        raise ValueError("`alt` must describe the figure for readers who cannot see "
                         f"it, e.g. 'Sigmoid of w·x', got the empty text {alt!r}.")
    if caption is not None and not isinstance(caption, str):
        raise TypeError(f"`caption` must be a string or None, "
                        f"got {type(caption).__name__} {caption!r}.")
    return alt.strip(), caption, check_int(interval, "interval", minimum=1)


# -- rendering -----------------------------------------------------------------------

def min_text_px(fig):
    """The height in pixels of the smallest text ``fig`` draws, as flipbook() measures.

    For frames drawn some other way (an explorer's figure, say): pass the result
    as :class:`Flipbook`'s ``min_text_px``.  The figure is drawn once on a fresh
    Agg canvas (its own canvas is restored); only non-blank, visible text inside
    the image counts, and the size is the font size in points times
    ``fig.dpi / 72``.  ``None`` if no text is drawn.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"`fig` must be a matplotlib Figure (e.g. an explorer's "
                        f"`figure()`), got {type(fig).__name__}.")
    original = fig.canvas
    try:
        sizes = _draw_measuring_text(FigureCanvasAgg(fig))
    finally:
        fig.set_canvas(original)
    return min(sizes) * fig.dpi / 72 if sizes else None


def _phone_font_size(width_inches):
    """The font size (points) for text MIN_TEXT_PX tall on a phone.

    That is, when a figure ``width_inches`` wide is shown PHONE_WIDTH_PX pixels
    wide.  A font of ``s`` points is ``s * dpi / 72`` pixels tall in a PNG
    ``width_inches * dpi`` pixels wide; shown PHONE_WIDTH_PX wide it is
    ``s * PHONE_WIDTH_PX / (72 * width_inches)`` pixels tall, whatever the dpi.

    The target is 5% above MIN_TEXT_PX: the width a browser gives the image is
    rounded, and a figure exactly at the limit would fall a fraction short.

    >>> round(_phone_font_size(6.0), 2)
    12.52
    """
    return 1.05 * MIN_TEXT_PX * 72 * width_inches / PHONE_WIDTH_PX


def _render(draw, names, grids, figsize, dpi, use_figure, font_size=None, layout=None):
    """Draw every grid point on one reused Agg figure.

    Returns the PNG images, row-major, and the smallest text drawn, in pixels.
    ``layout``: passed to ``draw`` as ``layout=`` unless None.
    """
    import matplotlib  # imported here: plotting is optional
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if font_size is None:
        font_size = max(matplotlib.rcParams["font.size"], _phone_font_size(figsize[0]))
    frames, text_points = [], []
    with matplotlib.rc_context({"font.size": font_size}):
        # Constrained layout keeps the labels inside the image.
        fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        canvas = FigureCanvasAgg(fig)
        ax = None if use_figure else fig.add_subplot()
        for index, position in enumerate(np.ndindex(*(len(g) for g in grids))):
            values = {name: grid[i] for name, grid, i in zip(names, grids, position)}
            extra = {} if layout is None else {"layout": layout}
            if use_figure:
                fig.clear()
            else:
                ax.clear()
            try:
                draw(fig if use_figure else ax, **values, **extra)
            except Exception as exc:
                if hasattr(exc, "add_note"):  # Python >= 3.11
                    where = "" if layout is None else f" in the {layout} layout"
                    exc.add_note(f"(raised by `draw` while drawing frame {index} of "
                                 f"the flipbook{where}, at {values})")
                raise
            if index == 0:
                canvas.draw()  # the constrained layout settles on the second draw
            text_points += _draw_measuring_text(canvas)
            frames.append(_compact_png(np.asarray(canvas.buffer_rgba())))
    min_text_px = min(text_points) * dpi / 72 if text_points else None
    return frames, min_text_px


def _draw_measuring_text(canvas):
    """Draw the figure on its Agg canvas; return the sizes of the text drawn.

    The font sizes in points of every non-blank text drawn inside the image.
    """
    renderer = canvas.get_renderer()  # the one canvas.draw() reuses (same size, dpi)
    width, height = renderer.width, renderer.height
    original = renderer.draw_text
    sizes = []

    def draw_text(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if str(s).strip() and 0 <= x <= width and 0 <= y <= height:
            sizes.append(prop.get_size_in_points())
        return original(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    renderer.draw_text = draw_text
    try:
        canvas.draw()
    finally:
        del renderer.draw_text
    return sizes


def _compact_png(rgba):
    """An opaque palette PNG of an RGBA image (uint8, shape (h, w, 4)).

    Composited on white.  Exact when the image has at most 256 colours, else
    reduced to 256 colours without dithering.  No text chunks: the bytes depend
    only on the pixels.
    """
    from PIL import Image

    rgba = np.asarray(rgba, dtype=np.uint8)
    rgb = rgba[..., :3]
    alpha = rgba[..., 3:].astype(np.uint16)
    if (alpha < 255).any():
        rgb = ((rgb * alpha + 255 * (255 - alpha) + 127) // 255).astype(np.uint8)
    image = Image.fromarray(np.ascontiguousarray(rgb), "RGB")
    colours = image.getcolors(256)  # None when there are more than 256
    if colours is not None:
        palette = Image.new("P", (1, 1))
        palette.putpalette([value for _, colour in colours for value in colour])
        image = image.quantize(palette=palette, dither=Image.Dither.NONE)
    else:
        image = image.quantize(256, method=Image.Quantize.MAXCOVERAGE,
                               dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _compact_frames(frames):
    """Each PNG as :func:`_compact_png` stores it, where that is smaller."""
    from PIL import Image

    done = {}
    for png in frames:
        if png not in done:
            with Image.open(io.BytesIO(png)) as image:
                small = _compact_png(np.asarray(image.convert("RGBA")))
            done[png] = small if len(small) < len(png) else png
    return [done[png] for png in frames]


# -- helpers -------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# A 1 x 1 transparent PNG, for examples that do not need real images.
_BLANK_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQ"
                              "VR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
