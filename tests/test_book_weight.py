"""What a page of the built book costs a reader: every page within 1.5 MB beyond the shared assets.

Each page of _toc.yml gets a cold load in Chromium (a new browser context) and the bytes of every
response are counted (DevTools protocol): the load at 1366×768 that the page checks share
(conftest.py's ``desktop_page_checks``), split as benchmarks/page_weight.py does.  Shared
assets (loaded by every page, or vendored libraries under _static/vendor/) are cached once for the
whole book and not counted.  Flipbook frames are image files of the site (book/_ext/
flipbook_files.py), loaded when shown: the tests also check that they resolve, and that a flipbook
works opened from disk.
"""

import base64
import html
import io
import json
import re
import urllib.parse

import numpy as np
import pytest

from .book_checks import page_weight, serve, toc_pages


FLIPBOOK_DATA = re.compile(
    r'<script type="application/json" class="nnlearn-flipbook-data">(.*?)</script>', re.S)
FLIPBOOK = re.compile(r'<div class="nnlearn-flipbook".*?</script>\s*</div>', re.S)


@pytest.fixture(scope="module")
def weights(desktop_page_checks, base):
    """The cold load of every page: (rows, shared URLs, requests outside the site or failed)."""
    loads = {path: desktop_page_checks(path)["weights"] for path in toc_pages()}
    shared = page_weight.shared_urls(loads)
    rows = [page_weight.summarise(base, path, w, shared) for path, w in loads.items()]
    problems = [p for path in toc_pages() for p in desktop_page_checks(path)["problems"]
                if p.startswith(("request outside", "failed request", "HTTP "))]
    return rows, shared, problems


def test_every_page_is_within_the_budget(weights):
    rows, shared, problems = weights
    assert problems == []  # no request outside the site, nothing failed
    assert [r["page"] for r in rows] == toc_pages()
    assert page_weight.over_budget(rows) == []
    for row in rows:
        assert row["html"] > 1000 and row["total"] >= row["html"] + row["images"], row  # counted
    chapters = [r for r in rows if "/part" in r["page"]]
    assert len(chapters) == 13 and all(r["images"] > 0 for r in chapters)  # all have figures
    assert any("/_static/" in url for url in shared) and all(r["shared"] > 0 for r in rows)


def test_the_weight_check_can_fail(browser, site, weights, tmp_path):
    """A copy of a chapter with a 2 MB image inlined in its HTML is over the budget."""
    from PIL import Image

    rows, shared, _ = weights
    noise = np.random.default_rng(0).integers(0, 256, size=(820, 820, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, format="PNG")  # noise does not compress: about 2 MB
    assert len(buffer.getvalue()) > 2_000_000
    copy = tmp_path / "html"
    copy.mkdir()
    for entry in site.iterdir():  # the site, by links, except the page we change
        if entry.name != "book":
            (copy / entry.name).symlink_to(entry)
    (copy / "book").mkdir()
    for entry in (site / "book").iterdir():
        if entry.name != "part1":
            (copy / "book" / entry.name).symlink_to(entry)
    (copy / "book" / "part1").mkdir()
    for entry in (site / "book" / "part1").iterdir():
        (copy / "book" / "part1" / entry.name).symlink_to(entry)
    path = "book/part1/02-perceptron.html"
    (copy / path).unlink()
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    text = (site / path).read_text().replace("</main>", f'<img alt="noise" src="{uri}"></main>', 1)
    (copy / path).write_text(text)
    with serve(copy) as url:
        loaded, problems, _ = page_weight.load(browser, url, path)
    row = page_weight.summarise(url, path, loaded, {u.replace(_origin(u), url) for u in shared})
    before = next(r for r in rows if r["page"] == path)
    assert problems == []
    assert row["html"] > before["html"] + 2_000_000 and row["images"] == before["images"]
    assert page_weight.over_budget([before]) == []
    assert page_weight.over_budget([row]) == [
        f"{path}: {row['total']:,} bytes beyond the shared assets (budget 1,500,000)"]


def _origin(url):
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def test_flipbook_frames_are_files_of_the_site(site):
    """No frame is inlined in a page; every frame URL of every flipbook resolves to a PNG file."""
    checked = 0
    for path in toc_pages():
        page = site / path
        text = page.read_text()
        for container in FLIPBOOK.findall(text):
            assert "data:" not in container, path
            first = re.search(r'<img src="([^"]+)"', container).group(1)
            data = json.loads(FLIPBOOK_DATA.search(container).group(1))
            assert data["images"][0] is None and len(data["frames"]) == np.prod(data["sizes"])
            for url in [first] + data["images"][1:]:
                target = (page.parent / urllib.parse.unquote(html.unescape(url))).resolve()
                assert url.startswith("../") and "/_images/flipbook/" in url, (path, url)
                assert target.read_bytes().startswith(b"\x89PNG"), (path, url)
                checked += 1
    assert checked > 100  # the book's flipbooks hold hundreds of frames


def test_a_flipbook_opened_from_disk_shows_its_frames(browser, site):
    """file://: the first frame shows, and the slider loads other frames from their files."""
    context = browser.new_context()
    requests = []
    try:
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto((site / "book/part1/03-activations.html").as_uri(), wait_until="load")
        image = page.locator(".nnlearn-flipbook img").first
        ready = "img => img.decode().then(() => [img.naturalWidth, img.currentSrc])"
        width, first_src = image.evaluate(ready)
        assert width > 0 and first_src.startswith("file://") and "/_images/flipbook/" in first_src
        slider = page.locator(".nnlearn-flipbook input[type=range]").first
        slider.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        width, src = image.evaluate(ready)
        assert image.get_attribute("data-frame") == "2" and src != first_src and width > 0
        assert "/_images/flipbook/" in src
        page.keyboard.press("End")
        width, last_src = image.evaluate(ready)
        assert width > 0 and last_src not in (src, first_src)
    finally:
        context.close()
    assert [u for u in requests if not u.startswith(("file://", "data:", "blob:"))] == []
