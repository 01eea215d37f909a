"""Checks of the built HTML book, written as functions that return a list of problems.

The tests in test_book.py run them on the real build and, to show that each can
fail, on deliberately broken copies of it.
"""

import contextlib
import functools
import html.parser
import importlib.util
import http.server
import os
import pathlib
import signal
import subprocess
import threading
import time
import urllib.parse

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 # Only this machine resolves: a request that leaves the site fails at once.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]


def load_script(relative_path):
    """The module of a file that is not in a package (a script, a Sphinx extension), e.g.
    ``load_script("scripts/build_lite.py")``; named after the file."""
    path = ROOT / relative_path
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stop_process_group(process, timeout=10):
    """Stop a process started with ``start_new_session=True`` and everything in its group:
    SIGTERM, then SIGKILL after ``timeout`` seconds."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


# benchmarks/page_weight.py (a script): its functions measure a page's weight.
page_weight = load_script("benchmarks/page_weight.py")


def require(available, reason):
    """Skip the calling test when a browser tool is missing, or fail it if NNLEARN_REQUIRE_BROWSER is set."""
    if not available:
        if os.environ.get("NNLEARN_REQUIRE_BROWSER"):
            pytest.fail(f"{reason} (NNLEARN_REQUIRE_BROWSER is set)")
        pytest.skip(reason)


def toc_pages():
    """The HTML paths (relative to the site root) of every page in _toc.yml, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part["chapters"]:
            files.append(chapter["file"])
            files += [section["file"] for section in chapter.get("sections", [])]
    return [f"{f}.html" for f in files]


# -- static checks: every link and every asset resolves ------------------------------------------

class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.refs.append((tag, key, attrs[key]))


@functools.lru_cache(maxsize=None)
def _parse(path):
    parser = _Links()
    parser.feed(pathlib.Path(path).read_text(errors="replace"))
    return parser


def broken_links(site):
    """Internal hrefs and srcs whose file, or #fragment, does not exist in the built site."""
    site = pathlib.Path(site)
    problems = []
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.parts or "_sources" in page.parts:
            continue
        if page.relative_to(site).parts[0] == "lite":
            continue  # the JupyterLite app (tests/test_lite.py); links into it are checked
        for tag, key, ref in _parse(str(page)).refs:
            parts = urllib.parse.urlsplit(ref)
            if parts.scheme or parts.netloc:
                continue  # external: a link is fine; a request is caught in the browser
            if not parts.path and not parts.fragment:
                continue  # "#": the top of the page
            target = page if not parts.path else (page.parent / urllib.parse.unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{page.relative_to(site)}: <{tag} {key}> {ref} -> missing file")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in _parse(str(target)).ids:
                problems.append(f"{page.relative_to(site)}: <{tag} {key}> {ref} -> missing anchor")
    return problems


# -- a local web server and a real browser ----------------------------------------------------------

@contextlib.contextmanager
def serve(directory):
    """Serve ``directory`` on 127.0.0.1 (a free port) for the duration of the block; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


LOAD_TIMEOUT_MS = 120_000


def open_page(browser, base, path, viewport=(1366, 768)):
    """Load ``path`` in a fresh page (a laptop's 1366×768 unless ``viewport`` says otherwise); returns
    (page, problems) where problems lists console errors, page errors, failed requests and any request
    that leaves the site (those are blocked)."""
    page, problems, _ = _open(browser, base, path, viewport, weigh=False)
    return page, problems


def open_page_weighed(browser, base, path, viewport=(1366, 768)):
    """``open_page`` on a cold cache that also counts the bytes of every response, as
    benchmarks/page_weight.py does; returns (page, problems, ``{url: bytes}``).

    The page is scrolled to its end and back, so that images further down load too. Requests that
    leave the site are reported, not intercepted (Playwright's routing and the DevTools Network
    domain together leave some requests pending for ever): the browser fixture's
    ``--host-resolver-rules`` makes them fail at once.
    """
    return _open(browser, base, path, viewport, weigh=True)


def _open(browser, base, path, viewport, weigh):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    problems = []
    inside = (base, "data:", "blob:" + base)  # blob: the widget manager's own objects

    def route(r):
        if r.request.url.startswith(inside[:2]):
            r.continue_()
        else:
            problems.append(f"request outside the site: {r.request.url}")
            r.abort()

    if weigh:
        page.on("request", lambda r: r.url.startswith(inside)
                or problems.append(f"request outside the site: {r.url}"))
    else:
        context.route("**/*", route)
    # Unrouted, Chromium asks for /favicon.ico on its own (the book has none): not the page's error.
    page.on("console", lambda m: m.type == "error" and not (
        weigh and m.location.get("url", "").endswith("/favicon.ico"))
        and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: r.url.startswith(base) and problems.append(f"failed request: {r.url}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    # The page is ready when no request has been open for half a second. (Playwright's own
    # "networkidle" sometimes never fires, with no request open: seen on 1 page in 20.)
    # Quiet, a page loads and settles in under 5 s; the bound is generous for loaded machines.
    pending, last = {}, [time.monotonic()]

    def opened(key, url):
        pending[key] = url
        last[0] = time.monotonic()

    def closed(key):
        pending.pop(key, None)
        last[0] = time.monotonic()

    page.on("request", lambda r: opened(id(r), r.url))
    page.on("requestfinished", lambda r: closed(id(r)))
    page.on("requestfailed", lambda r: closed(id(r)))
    urls, sizes = {}, {}
    if weigh:  # the bytes as received (headers and body), from the DevTools protocol
        cdp = context.new_cdp_session(page)

        def sent(event):
            urls[event["requestId"]] = event["request"]["url"]
            if not event["request"]["url"].startswith("data:"):
                opened(event["requestId"], event["request"]["url"])

        def finished(event):
            sizes[event["requestId"]] = event["encodedDataLength"]
            closed(event["requestId"])

        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.loadingFailed", lambda event: closed(event["requestId"]))
        cdp.send("Network.enable")

    def settle():
        deadline = time.monotonic() + LOAD_TIMEOUT_MS / 1000
        while pending or time.monotonic() - last[0] < 0.5:
            if time.monotonic() > deadline:
                raise AssertionError(f"{path}: requests still open after {LOAD_TIMEOUT_MS} ms: "
                                     f"{sorted(pending.values())}")
            page.wait_for_timeout(100)  # lets Playwright deliver the request events

    page.goto(base + path, wait_until="load", timeout=LOAD_TIMEOUT_MS)
    settle()
    if not weigh:
        return page, problems, None
    page.evaluate(page_weight.SCROLL_THROUGH)
    settle()
    return page, problems, page_weight.response_bytes(urls, sizes)


def math_problems(page):
    """Math on the page that MathJax did not typeset, or raw TeX left in the text."""
    if page.evaluate("document.querySelectorAll('.math').length") == 0:
        return []
    ready = page.evaluate("""async () => {
        if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return false;
        await MathJax.startup.promise; return true; }""")
    if not ready:
        return ["MathJax did not load"]
    problems = []
    untypeset = page.evaluate("[...document.querySelectorAll('.math')].filter(e => !e.querySelector('mjx-container')).length")
    if untypeset:
        problems.append(f"{untypeset} math elements were not typeset")
    text = page.evaluate("""() => { const main = document.querySelector('main') || document.body;
        const clone = main.cloneNode(true); clone.querySelectorAll('pre, code, script, mjx-assistive-mml, .highlight')
        .forEach(e => e.remove()); return clone.innerText; }""")
    for raw in ("$$", "\\frac", "\\(", "\\["):
        if raw in text:
            problems.append(f"raw TeX {raw!r} left in the text")
    return problems


def image_problems(page):
    """Images that did not load (natural width 0)."""
    page.evaluate("""() => Promise.all([...document.images].map(img => img.complete ? null :
        new Promise(res => { img.onload = img.onerror = res; })))""")
    broken = page.evaluate("[...document.images].filter(i => i.naturalWidth === 0).map(i => i.src.slice(0, 80))")
    return [f"image did not load: {src}" for src in broken]


def overflow_problems(page):
    """Code and output blocks (``pre``) inside the article that scroll sideways.

    Hidden code (toggled cells, collapsed dropdowns) is opened first, since a reader may open it."""
    page.evaluate("""() => {
        document.querySelectorAll('main details').forEach(d => { d.open = true; });
        document.querySelectorAll('main .toggle-hidden, main .toggle-details__container')
            .forEach(e => e.classList.remove('toggle-hidden'));
        document.querySelectorAll('main .cell.tag_hide-input .cell_input, main .hide-input')
            .forEach(e => { e.style.display = 'block'; });
    }""")
    wide = page.evaluate("""() => [...document.querySelectorAll('main .bd-article pre')]
        .filter(p => p.getClientRects().length && p.scrollWidth > p.clientWidth + 1)
        .map(p => {
            const longest = p.innerText.split('\\n').reduce((a, b) => b.length > a.length ? b : a, '');
            return `${p.scrollWidth}px in ${p.clientWidth}px: ${longest.slice(0, 100)}`;
        })""")
    return [f"pre scrolls sideways ({w})" for w in wide]
