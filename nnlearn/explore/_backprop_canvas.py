"""A matplotlib canvas that keeps the glyphs it rasterises, for the backpropagation
explorer's fast redraws.

Part of :mod:`nnlearn.explore.backprop`; the standard library only at import,
matplotlib inside ``glyph_canvas_class`` (the first call makes the class, later ones
return it).  The cache relies on private matplotlib calls; where they are missing,
the class is matplotlib's plain Agg canvas, and the explorer falls back to that
canvas if a drawing with the cache fails.
"""

import functools

__all__ = ["glyph_canvas_class"]


@functools.cache
def glyph_canvas_class():
    """An Agg canvas whose renderer keeps the bitmap of every glyph it rasterises.

    matplotlib 3.11 rasterises text glyph by glyph, each placed at a position
    rounded to 1/64 pixel: the bitmap depends only on the glyph, its font and size,
    the hinting and that position's fraction of a pixel, so a kept bitmap, shifted
    by whole pixels, is exactly what rasterising again would give.  Rotated,
    slanted or stretched glyphs are drawn as usual.  Older matplotlib draws text
    differently: there this is the plain canvas.
    """
    from matplotlib import ft2font
    from matplotlib.backends import backend_agg

    base = backend_agg.RendererAgg
    if not (hasattr(base, "_draw_text_glyphs_and_boxes")
            and hasattr(ft2font.FT2Font, "_render_glyph")
            and hasattr(ft2font.FT2Font, "_set_transform")):
        return backend_agg.FigureCanvasAgg

    class Renderer(base):
        def __init__(self, width, height, dpi):
            super().__init__(width, height, dpi)
            self.glyphs = {}

        def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
            if angle or boxes or not gc.get_antialiased():
                return super()._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs,
                                                           boxes)
            flags, height = backend_agg.get_hinting_flag(), self.height
            if len(self.glyphs) > 50_000:
                self.glyphs.clear()
            for glyph in glyphs:
                font, size, index, slant, extend, dx, dy = glyph
                if slant or extend != 1:
                    super()._draw_text_glyphs_and_boxes(gc, x, y, 0, [glyph], [])
                    continue
                # as matplotlib rounds: in 1/64 pixel, FreeType's y upwards
                px, py = round(0x40 * (x + dx)), round(0x40 * (height - y + dy))
                key = (font, size, self.dpi, flags, index, px & 63, py & 63)
                kept = self.glyphs.get(key)
                if kept is None:
                    font.set_size(size, self.dpi)
                    font._set_transform([[0x10000, 0], [0, 0x10000]],
                                        [px & 63, py & 63])
                    bitmap = font._render_glyph(index, flags,
                                                ft2font.RenderMode.NORMAL)
                    kept = self.glyphs[key] = bitmap.buffer, bitmap.left, bitmap.top
                pixels, left, top = kept
                self._renderer.draw_text_image(
                    pixels, left + (px >> 6),
                    int(height) - top - (py >> 6) + pixels.shape[0], 0, gc)

    class Canvas(backend_agg.FigureCanvasAgg):
        def get_renderer(self):
            key = (*self.get_width_height(physical=True), self.figure.dpi)
            if self._lastKey != key:
                self.renderer, self._lastKey = Renderer(*key), key
            return self.renderer

    return Canvas
