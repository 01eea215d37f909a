"""What each page of the built book costs a reader on a cold load, beyond the shared assets.

    python benchmarks/page_weight.py --site _build/html          # prints the tables (minutes)
    python benchmarks/page_weight.py --site _build/html --write  # and updates benchmarks/README.md
    python benchmarks/page_weight.py --site _build/html --baseline OTHER/html  # compare two builds

Every page of _toc.yml is loaded in headless Chromium (Debian's, driven by Playwright) from a local
server on 127.0.0.1, each in a new browser context (empty cache), until the network is idle.  The
bytes of every response are counted with the DevTools protocol (``Network.loadingFinished``'s
``encodedDataLength``: headers and body as received).  A URL is *shared* when every page loads it
(theme, search, the book's scripts and styles) or it is a vendored library under ``_static/vendor/``
(MathJax and its fonts, the widget manager), which the pages that need it share: the browser caches
it once for the whole book.  Everything else (the page's HTML, its images under ``_images/``, a
flipbook's frames) is the page's own weight.  Budget: 1.5 MB (1,500,000 bytes) per page.

First contentful paint comes from the Performance API (median of ``--rounds`` cold loads).  The
slider response of each page's first flipbook is the time from an ``input`` event on its first
slider to the new frame decoded (``img.decode()``): a step to the next value, and then a jump to the
last value, after the pointer came to the flipbook (as a reader's does before pressing a key).
With ``--baseline`` another build is measured in the same run, page by page in turn.
"""

import argparse
import contextlib
import functools
import http.server
import json
import pathlib
import re
import statistics
import sys
import threading
import time

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = ROOT / "benchmarks" / "README.md"
BUDGET = 1_500_000
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VENDOR = "_static/vendor/"


def toc_pages():
    """The HTML paths (relative to the site root) of every page in _toc.yml, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part["chapters"]:
            files.append(chapter["file"])
            files += [section["file"] for section in chapter.get("sections", [])]
    return [f"{f}.html" for f in files]


@contextlib.contextmanager
def serve(directory):
    """Serve ``directory`` on 127.0.0.1 (a free port) for the block; yields the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# A reader scrolls through the page: images further down load too, if any are lazy.
SCROLL_THROUGH = """async () => {
    window.scrollTo(0, document.body.scrollHeight);
    await new Promise(res => setTimeout(res, 200));
    await Promise.all([...document.images].map(img => img.complete ? null :
        new Promise(res => { img.addEventListener('load', res);
                             img.addEventListener('error', res); })));
    window.scrollTo(0, 0); }"""


def response_bytes(urls, sizes):
    """``{url: bytes}`` from the DevTools events' ``{requestId: url}`` and
    ``{requestId: encodedDataLength}`` (``data:`` URIs are not responses)."""
    weights = {}
    for request_id, size in sizes.items():
        url = urls.get(request_id)
        if url and not url.startswith("data:"):
            weights[url] = weights.get(url, 0) + int(size)
    return weights


def load(browser, base, path, timeout=60_000):
    """One cold load of ``base + path``; returns ``{"url": bytes}``, the problems and the FCP (ms).

    Problems are requests that leave the site, failed loads and HTTP errors.
    ``data:`` URIs are not responses: their bytes are in the HTML that holds them.
    """
    context = browser.new_context()
    try:
        page = context.new_page()
        problems = []

        # Requests are watched, not intercepted: Playwright's routing and the DevTools Network
        # domain together leave some requests pending for ever.
        inside = (base, "data:", "blob:" + base)  # blob: the widget manager's own objects
        page.on("request", lambda r: r.url.startswith(inside) or problems.append(
            f"request outside the site: {r.url}"))
        cdp = context.new_cdp_session(page)
        urls, sizes, inflight, last_event = {}, {}, set(), [0.0]

        def sent(event):
            urls[event["requestId"]] = event["request"]["url"]
            if not event["request"]["url"].startswith("data:"):
                inflight.add(event["requestId"])
            last_event[0] = time.monotonic()

        def finished(event):
            sizes[event["requestId"]] = event["encodedDataLength"]
            inflight.discard(event["requestId"])
            last_event[0] = time.monotonic()

        def failed(event):
            inflight.discard(event["requestId"])
            last_event[0] = time.monotonic()
            url = urls.get(event["requestId"], "?")
            if not url.endswith("/favicon.ico"):  # the browser's own request; the book has none
                problems.append(f"failed: {url} ({event.get('errorText')})")

        def settle():
            """Wait until no request has been in flight for 0.5 s (the DevTools events' view)."""
            deadline = time.monotonic() + timeout / 1000
            while inflight or time.monotonic() - last_event[0] < 0.5:
                if time.monotonic() > deadline:
                    pending = ", ".join(sorted(urls[i] for i in inflight))
                    problems.append(f"network not idle: {pending}")
                    return
                page.wait_for_timeout(100)  # lets the events arrive

        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.loadingFailed", failed)
        page.on("response", lambda r: r.status >= 400
                and problems.append(f"HTTP {r.status}: {r.url}"))
        cdp.send("Network.enable")
        page.goto(base + path, wait_until="load", timeout=timeout)
        settle()
        page.evaluate(SCROLL_THROUGH)
        settle()
        fcp = page.evaluate("""() => {
            const e = performance.getEntriesByName('first-contentful-paint');
            return e.length ? e[0].startTime : null; }""")
        return response_bytes(urls, sizes), problems, fcp
    finally:
        context.close()


def shared_urls(loads):
    """The URLs every page loaded (the common assets), from ``{path: weights}``."""
    sets = [set(w) for w in loads.values()]
    return set.intersection(*sets) if sets else set()


def summarise(base, path, weights, shared):
    """Split one page's bytes: its HTML, its images, other own files, the total beyond shared."""
    page_url = base + path
    own = {u: n for u, n in weights.items() if u not in shared and VENDOR not in u}
    html = own.get(page_url, 0)
    images = sum(n for u, n in own.items() if "/_images/" in u)
    total = sum(own.values())
    return {"page": path, "html": html, "images": images, "other": total - html - images,
            "total": total, "shared": sum(weights.values()) - total}


def over_budget(rows, budget=BUDGET):
    """The rows whose own weight exceeds the budget, as messages."""
    return [f"{r['page']}: {r['total']:,} bytes beyond the shared assets (budget {budget:,})"
            for r in rows if r["total"] > budget]


def slider_response(browser, base, path, timeout=60_000):
    """Milliseconds from an input event to the new frame decoded: (next, last value), or None."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base + path, wait_until="load", timeout=timeout)
        slider = page.locator(".nnlearn-flipbook input[type=range]").first
        if slider.count() == 0:
            return None
        slider.scroll_into_view_if_needed()
        slider.hover()                     # the pointer comes to the flipbook first
        page.wait_for_timeout(500)         # a reader takes longer than this to press a key
        script = """async ([value]) => {
            const root = document.querySelector('.nnlearn-flipbook');
            const img = root.querySelector('img'), input = root.querySelector('input[type=range]');
            const t0 = performance.now();
            input.value = String(value === 'next' ? Number(input.value) + 1 : Number(input.max));
            input.dispatchEvent(new Event('input'));
            await img.decode();
            return performance.now() - t0; }"""
        step = page.evaluate(script, ["next"])
        jump = page.evaluate(script, ["last"])
        return step, jump
    finally:
        context.close()


def run(browser, sites, rounds=1, sliders=True):
    """Measure several sites' pages interleaved: ``sites`` maps a base URL to its pages.

    In every round each page is loaded from each site that has it in turn (the order alternating
    between rounds), so that a busy machine slows them all alike.  Returns ``{base: (rows, shared
    URLs, problems, sliders)}``: rows are :func:`summarise`'s with the median first contentful paint
    added; sliders maps a page with a flipbook to its median (next value, last value) in ms.
    """
    bases = list(sites)
    pages = list(dict.fromkeys(p for b in bases for p in sites[b]))
    loads = {b: {} for b in bases}
    fcps = {b: {p: [] for p in sites[b]} for b in bases}
    responses = {b: {p: [] for p in sites[b]} for b in bases}
    problems = {b: [] for b in bases}
    for round_ in range(rounds):
        for path in pages:
            for base in (bases if round_ % 2 == 0 else bases[::-1]):
                if path not in sites[base]:
                    continue
                weights, page_problems, fcp = load(browser, base, path)
                loads[base][path] = weights
                problems[base] += [f"{path}: {p}" for p in page_problems]
                if fcp is not None:
                    fcps[base][path].append(fcp)
                response = slider_response(browser, base, path) if sliders else None
                if response is not None:
                    responses[base][path].append(response)
    results = {}
    for base in bases:
        shared = shared_urls(loads[base])
        rows = []
        for path in sites[base]:
            row = summarise(base, path, loads[base][path], shared)
            row["fcp"] = statistics.median(fcps[base][path]) if fcps[base][path] else None
            rows.append(row)
        medians = {p: tuple(statistics.median(r[i] for r in runs) for i in (0, 1))
                   for p, runs in responses[base].items() if runs}
        results[base] = (rows, shared, problems[base], medians)
    return results


def measure(browser, base, pages, rounds=1):
    """Rows of :func:`summarise` for ``pages`` (FCP the median of ``rounds`` cold loads), the
    shared URLs and the problems; no slider timing."""
    rows, shared, problems, _ = run(browser, {base: pages}, rounds, sliders=False)[base]
    return rows, shared, problems


def table(rows, sliders):
    lines = ["| page | HTML (bytes) | images (bytes) | total beyond shared (bytes) "
             "| first contentful paint (ms) |", "| --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        fcp = "–" if r["fcp"] is None else f"{r['fcp']:.0f}"
        lines.append(f"| {r['page']} | {r['html']:,} | {r['images']:,} | {r['total']:,} | {fcp} |")
    heaviest = max(rows, key=lambda r: r["total"])
    shared = max(r["shared"] for r in rows)
    lines += ["", f"Heaviest page: {heaviest['page']}, {heaviest['total']:,} bytes (budget "
              f"{BUDGET:,}). Shared assets, loaded once for the whole book: up to {shared:,} bytes "
              "on one page."]
    if sliders:
        lines += ["", "| page | slider: next value (ms) | slider: last value (ms) |",
                  "| --- | ---: | ---: |"]
        lines += [f"| {p} | {s:.1f} | {j:.1f} |" for p, (s, j) in sliders.items()]
    return "\n".join(lines)


def comparison(rows, sliders, old_rows, old_sliders):
    """This build against a baseline build, page by page: weight, FCP and slider response."""
    old = {r["page"]: r for r in old_rows}
    lines = ["| page | total beyond shared (bytes) | first contentful paint (ms) "
             "| slider: next value (ms) | slider: last value (ms) |",
             "| --- | ---: | ---: | ---: | ---: |"]

    def pair(a, b, fmt):
        return " / ".join("–" if v is None else format(v, fmt) for v in (a, b))

    for r in rows:
        o = old.get(r["page"])
        if o is None:
            continue
        s, os_ = sliders.get(r["page"], (None, None)), old_sliders.get(r["page"], (None, None))
        lines.append(f"| {r['page']} | {pair(r['total'], o['total'], ',')} | "
                     f"{pair(r['fcp'], o['fcp'], '.0f')} | {pair(s[0], os_[0], '.1f')} | "
                     f"{pair(s[1], os_[1], '.1f')} |")
    return "\n".join(lines)


def write_readme(text, readme=README):
    """Put ``text`` between the pageweight markers of benchmarks/README.md."""
    content = readme.read_text()
    new, n = re.subn(r"(<!-- pageweight:start -->\n).*?(<!-- pageweight:end -->)",
                     lambda m: m.group(1) + text + "\n" + m.group(2), content, flags=re.S)
    if n != 1:
        sys.exit(f"{readme} has no <!-- pageweight:start --> ... <!-- pageweight:end --> section")
    readme.write_text(new)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True, type=pathlib.Path,
                        help="the built book's html folder")
    parser.add_argument("--baseline", type=pathlib.Path,
                        help="another build's html folder, measured interleaved for comparison")
    parser.add_argument("--rounds", type=int, default=3, help="cold loads per page for the medians")
    parser.add_argument("--write", action="store_true",
                        help="update the tables in benchmarks/README.md")
    parser.add_argument("--json", type=pathlib.Path, help="also save the results as JSON here")
    args = parser.parse_args(argv)
    for name, folder in (("--site", args.site), ("--baseline", args.baseline)):
        if folder is not None and not (folder / "index.html").exists():
            parser.error(f"{name} must be a built book's html folder (with index.html), "
                         f"got {folder}")
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, got {args.rounds}")
    from playwright.sync_api import sync_playwright

    pages = [p for p in toc_pages() if (args.site / p).exists()]
    missing = [p for p in toc_pages() if p not in pages]
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(serve(args.site))
        old_base = stack.enter_context(serve(args.baseline)) if args.baseline else None
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        sites = {base: pages}
        if old_base:
            sites[old_base] = [q for q in toc_pages() if (args.baseline / q).exists()]
        results = run(browser, sites, rounds=args.rounds)
    rows, _, problems, sliders = results[base]
    text = table(rows, sliders)
    if old_base:
        old_rows, _, _, old_sliders = results[old_base]
        text += ("\n\nAgainst the baseline build, measured in the same run, interleaved "
                 "(each cell: this build / baseline):\n\n"
                 + comparison(rows, sliders, old_rows, old_sliders))
    print(text)
    for line in problems + [f"missing page: {m}" for m in missing]:
        print("problem:", line, file=sys.stderr)
    for line in over_budget(rows):
        print("over budget:", line, file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({b: {"rows": r[0], "sliders": r[3]}
                                         for b, r in results.items()}, indent=1))
    if args.write:
        write_readme(text)
    return 1 if problems or over_budget(rows) else 0


if __name__ == "__main__":
    sys.exit(main())
