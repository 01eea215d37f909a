"""The ``Flipbook`` object: its frames over the grid, their values, its page.

Part of ``nnlearn.explore.flipbook``, which re-exports ``Flipbook``.  A
``Flipbook`` checks and keeps the frames (made compact unless asked not to), maps a
frame's index to its parameter values and back, derives its HTML id from its
content, and writes its HTML (with ``page_html`` of ``_flipbook_page``) into a
notebook or a standalone page.
"""

import hashlib
import html as html_module
import json
import os
import pathlib

import numpy as np

from .._validation import check_int, check_positive
from ._flipbook_checks import (_check_display, _check_frames, _check_max_width,
                               _check_params, _no_phone_options)
from ._flipbook_frames import _phone_max_width
from ._flipbook_page import _png_size, _value_labels, page_html
from ._flipbook_png import _BLANK_PNG, _compact_frames  # noqa: F401 (doctests)

__all__ = ["Flipbook"]


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
            _no_phone_options({"phone_min_text_px": phone_min_text_px,
                               "phone_max_width": phone_max_width},
                              "describes", "phone_frames",
                              "Pass phone_frames=[...] (one PNG per grid point) "
                              "as well.")
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
