"""Checks shared by the tests of the layered explorers (nnlearn/explore/_layers.py): the
pixels of a layered render against a full draw, and which artists a move draws."""

import io

import numpy as np
from PIL import Image

from nnlearn.explore._layers import draw_order


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def _full_draw(explorer, **start):
    """What a layered render of ``explorer`` must show: every artist drawn (print_png), by a
    twin created like it (``start``), so laid out alike, then set to its current parameters."""
    twin = type(explorer)(**start)
    twin.figure()
    twin.set(**explorer.params)
    twin._draw(twin.result)
    buffer = io.BytesIO()
    twin._canvas.print_png(buffer)
    return _pixels(buffer.getvalue())


def _record_draws(artists):
    """Make ``artists`` note in the returned list when they are drawn."""
    drawn = []
    for artist in artists:
        artist.draw = lambda renderer, draw=artist.draw, artist=artist: (drawn.append(artist),
                                                                         draw(renderer))
    return drawn


def _statics(explorer):
    dynamic = {id(a) for a in explorer._dynamic_artists}
    return [a for a in draw_order(explorer.fig) if id(a) not in dynamic]
