"""Drawing a flipbook's frames, and the size of their text on a phone.

Part of ``nnlearn.explore.flipbook``, which re-exports the public names: the widths
and text sizes that make a frame readable on a phone (``PHONE_WIDTH_PX``,
``MIN_TEXT_PX``, ``PAGE_MARGIN_PX``, ``PHONE_MAX_WIDTH_PX``), the font size that
reaches them, the breakpoint below which the phone frames are shown, the drawing of
every grid point on one reused Agg figure and the measure of the smallest text drawn
(``min_text_px``).  Matplotlib is imported inside the functions (plotting is
optional).
"""

import math

import numpy as np

from ._flipbook_png import _compact_png

__all__ = ["min_text_px", "PHONE_WIDTH_PX", "MIN_TEXT_PX", "PAGE_MARGIN_PX",
           "PHONE_MAX_WIDTH_PX", "_phone_font_size", "_phone_max_width", "_render",
           "_draw_measuring_text"]

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
