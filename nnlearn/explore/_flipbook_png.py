"""A flipbook's PNG images: the frames stored compact.

Part of ``nnlearn.explore.flipbook`` (all private here).  Each frame is stored as an
opaque palette PNG of at most 256 colours (exact when the frame has no more), and a
frame given that is already smaller as it is; identical frames are compacted once.
Also the PNG signature, and a blank 1 x 1 PNG for examples.  Pillow is imported
inside the functions (plotting is optional).
"""

import base64
import io

import numpy as np

__all__ = ["_compact_png", "_compact_frames", "_PNG_SIGNATURE", "_BLANK_PNG"]


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


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# A 1 x 1 transparent PNG, for examples that do not need real images.
_BLANK_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQ"
                              "VR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
