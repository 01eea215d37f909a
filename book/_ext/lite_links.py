"""Sphinx extension: "Run in your browser" links into the book's JupyterLite site.

``make book`` builds an offline JupyterLite site into ``_build/html/lite/``
(``scripts/build_lite.py``): Python (Pyodide) runs in the reader's browser tab,
with nnlearn, numpy, matplotlib and ipywidgets served from the site's own files.
This extension puts a link to it under the title of

* every chapter page ``book/partN/NN-name``: the lab of the same name,
  ``lite/lab/index.html?path=NN-name.ipynb``;
* the labs page (``book/labs``): the site's file browser, which lists the 13
  labs (``lite/lab/index.html``).

The links are relative, so the site works opened from any static server.  The
site's folder, relative to the HTML root, is ``nnlearn_lite_path``: the
environment variable ``NNLEARN_LITE_PATH`` if set, else ``lite``; an empty
string leaves the links out (the tests build the book so where the lite site
cannot be built).  Registered in ``_config.yml``.
"""

import html
import os
import pathlib
import re

LABS_PAGE = "book/labs"
_CHAPTER = re.compile(r"^book/part\d+/(\d\d-[a-z0-9-]+)$")
_TITLE_END = re.compile(r"</h1>")


def labs_of(srcdir):
    """The stems of the labs, ``{"01-neural-networks", ...}`` (``notebooks/NN-*.ipynb``)."""
    folder = pathlib.Path(srcdir) / "notebooks"
    return {p.stem for p in folder.glob("[0-9][0-9]-*.ipynb")}


def link_html(url, label, note):
    """The paragraph put under a page's title."""
    return (f'<p class="nnlearn-run-in-browser"><a class="reference external" '
            f'href="{html.escape(url)}">{html.escape(label)}</a> {html.escape(note)}</p>')


def target_of(pagename, labs):
    """(path inside the lite site, query, label) for ``pagename``, or None for no link."""
    if pagename == LABS_PAGE:
        return "lab/index.html", "", "Open the labs in your browser"
    match = _CHAPTER.match(pagename)
    if match and match.group(1) in labs:
        return ("lab/index.html", f"?path={match.group(1)}.ipynb",
                "Run this chapter's lab in your browser")
    return None


def _on_page_context(app, pagename, templatename, context, doctree):
    folder = app.config.nnlearn_lite_path.strip("/")
    if not folder or "body" not in context:
        return
    target = target_of(pagename, app.env.nnlearn_labs)
    if target is None:
        return
    path, query, label = target
    url = context["pathto"](f"{folder}/{path}", 1) + query
    note = ("(JupyterLite: Python runs inside this browser tab, nothing to install; "
            "the first start takes a few seconds)")
    body = context["body"]
    end = _TITLE_END.search(body)
    at = end.end() if end else 0
    context["body"] = body[:at] + link_html(url, label, note) + body[at:]


def _on_builder_inited(app):
    app.env.nnlearn_labs = labs_of(app.srcdir)


def setup(app):
    app.add_config_value("nnlearn_lite_path", os.environ.get("NNLEARN_LITE_PATH", "lite"),
                         "html")
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-page-context", _on_page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
