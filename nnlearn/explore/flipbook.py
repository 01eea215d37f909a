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

The flipbook is split by idea; this module re-exports the public names of all:

* ``_flipbook_frames``: drawing the frames on one reused Agg figure, and the size of
  their text on a phone (:data:`PHONE_WIDTH_PX`, :data:`MIN_TEXT_PX`,
  :data:`PAGE_MARGIN_PX`, :data:`PHONE_MAX_WIDTH_PX`, :func:`min_text_px`);
* ``_flipbook_png``: the frames stored as compact palette PNGs;
* ``_flipbook_checks``: the checks of the arguments (:data:`MAX_FRAMES`);
* ``_flipbook_object``: the :class:`Flipbook` object, which keeps the frames over the
  grid, maps frames to values and back and writes its page;
* ``_flipbook_page``: the HTML, CSS and JavaScript of that page;
* this module: :func:`flipbook`, which checks its arguments, draws every grid point
  (and the phone frames) and returns the :class:`Flipbook`.

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

from .._validation import check_positive
from . import _flipbook_checks as _checks
from . import _flipbook_frames as _frames
from ._flipbook_checks import (_check_display, _check_figsize, _check_max_width,
                               _check_params, _no_phone_options, _takes_layout)
from ._flipbook_frames import _render, min_text_px
from ._flipbook_object import Flipbook
from ._flipbook_page import _data_uri  # noqa: F401 (tests)
from ._flipbook_png import _BLANK_PNG, _compact_png  # noqa: F401 (tests)

__all__ = ["flipbook", "Flipbook", "min_text_px", "MAX_FRAMES", "PHONE_WIDTH_PX",
           "MIN_TEXT_PX", "PAGE_MARGIN_PX", "PHONE_MAX_WIDTH_PX"]

# The constants, re-exported with their documentation (for the API reference).

#: The largest number of frames one flipbook may hold (the page stores every one).
MAX_FRAMES = _checks.MAX_FRAMES

#: The width in CSS pixels at which a chapter shows a flipbook on a phone, a 390 px
#: screen less the margins of the page and of the cell output (measured in Chromium;
#: tests/test_book_phone.py checks the text size at the real width).
PHONE_WIDTH_PX = _frames.PHONE_WIDTH_PX

#: The smallest text height, in pixels, readable on a phone.
MIN_TEXT_PX = _frames.MIN_TEXT_PX

#: How much wider (CSS pixels) the screen is than a flipbook on the book's pages,
#: on screens narrower than 960 px (wider ones show the sidebar, and the column is
#: at least 624 px wide): 390 - 326, measured in Chromium.
PAGE_MARGIN_PX = _frames.PAGE_MARGIN_PX

#: The widest screen (CSS pixels) that shows a flipbook's phone frames when the
#: size of its desktop frames' text is not known.
PHONE_MAX_WIDTH_PX = _frames.PHONE_MAX_WIDTH_PX


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
        _no_phone_options({"phone_dpi": phone_dpi, "phone_max_width": phone_max_width},
                          "applies to", "phone_figsize",
                          "Pass phone_figsize=(width, height) to draw them.")
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
