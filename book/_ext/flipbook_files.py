"""Sphinx extension: a flipbook's frames become image files of the site.

A flipbook (``nnlearn.explore.flipbook``) carries its frames as ``data:`` URIs,
so that it works anywhere on its own: in a notebook, in a file saved with
``Flipbook.save``.  Inlined in a book page they would make the page weigh
megabytes, all loaded before the reader sees anything.  So at HTML-write time
(the ``html-page-context`` event) this extension takes every ``data:image/png``
URI inside a ``<div class="nnlearn-flipbook">`` of the page's body, writes the
PNG to ``_images/flipbook/<sha256>.png`` (an image used twice is one file) and
puts the URL relative to the page in its place.  The page then holds only URLs;
its script loads each frame when shown.  A flipbook's phone frames (the
``srcset`` of its ``<picture>``'s ``<source>``, and their list in its data) are
moved out the same way, so that a browser downloads only the frames of the
layout it shows.  Relative URLs keep the site working opened from disk and from
any static server.

Registered in ``_config.yml`` (``sphinx: local_extensions``).
"""

import base64
import binascii
import hashlib
import pathlib
import re

FOLDER = "flipbook"  # inside the builder's image folder, _images

# One flipbook: its container up to the end of its script (the last element).
_FLIPBOOK = re.compile(
    r'<div class="nnlearn-flipbook" id="nnlearn-flipbook-[0-9a-f]{12}"[^>]*>'
    r".*?<script>\(function \(id\).*?</script>\s*</div>", re.S)
_DATA_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/]+={0,2})")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def externalise(body, write_image, url_of):
    """Replace the PNG ``data:`` URIs of the flipbooks in ``body`` by URLs.

    ``write_image(name, png)`` stores the image ``name`` (``<sha256>.png``);
    ``url_of(name)`` is its URL from the page.  Returns the new body and the
    number of URIs replaced.  URIs outside a flipbook are left alone.
    """
    count = 0

    def replace_uri(match):
        nonlocal count
        try:
            png = base64.b64decode(match.group(1), validate=True)
        except (binascii.Error, ValueError):
            return match.group(0)
        if not png.startswith(_PNG_SIGNATURE):
            return match.group(0)
        name = hashlib.sha256(png).hexdigest() + ".png"
        write_image(name, png)
        count += 1
        return url_of(name)

    def replace_flipbook(match):
        return _DATA_URI.sub(replace_uri, match.group(0))

    return _FLIPBOOK.sub(replace_flipbook, body), count


def _on_page_context(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if not body or "nnlearn-flipbook" not in body:
        return
    folder = pathlib.Path(app.builder.outdir, app.builder.imagedir, FOLDER)

    def write_image(name, png):
        path = folder / name
        if not path.exists() or path.stat().st_size != len(png):
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)

    def url_of(name):
        return context["pathto"](f"{app.builder.imagedir}/{FOLDER}/{name}", 1)

    context["body"], _ = externalise(body, write_image, url_of)


def setup(app):
    app.connect("html-page-context", _on_page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
