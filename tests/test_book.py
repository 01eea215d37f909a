"""The HTML book: built with -W -n --keep-going, then checked on disk and in a real browser.

The build runs once per test session (about half a minute plus the chapters' execution time). Browser
tests use Playwright driving Debian's Chromium; they are skipped where either is missing, unless
NNLEARN_REQUIRE_BROWSER is set (as `make test` and CI do).
"""

import pathlib
import re
import shutil

import pytest
import yaml

from .book_checks import (ROOT, broken_links, math_problems, open_page,
                          overflow_problems, serve, toc_pages)


def test_every_toc_page_is_built(site):
    missing = [p for p in toc_pages() if not (site / p).exists()]
    assert not missing
    assert len(toc_pages()) >= 17  # preface, 13 chapters, 3 appendices


def test_no_internal_link_or_asset_is_broken(linked_site):
    """Links into the lite site (book/_ext/lite_links.py) included: they must reach its files."""
    assert broken_links(linked_site) == []


def test_the_link_check_can_fail(site, tmp_path):
    broken = tmp_path / "html"
    shutil.copytree(site, broken, symlinks=True)
    (broken / "book" / "preface.html").unlink()
    problems = broken_links(broken)
    assert any("preface.html -> missing file" in p for p in problems)


def test_assets_are_served_from_the_site_not_a_cdn(site):
    for page in toc_pages():
        text = (site / page).read_text()
        assert "cdn.jsdelivr" not in text and "unpkg.com" not in text and "cdnjs" not in text, page
        for tag in ("<script src=\"http", "<link rel=\"stylesheet\" href=\"http", "src=\"//"):
            assert tag not in text, (page, tag)
    assert "_static/vendor/mathjax/tex-chtml-full.js" in (site / "book/appendix/notation.html").read_text()


def test_pages_offer_downloads_and_launch_buttons(site):
    """Binder and Colab open the chapter from the repository set in _config.yml; the JupyterHub
    button is absent until an instructor sets launch_buttons.jupyterhub_url."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].removeprefix("https://github.com/").rstrip("/")
    text = (site / "book/part1/02-perceptron.html").read_text()
    assert "_sources/book/part1/02-perceptron.md" in text and "_sources/book/part1/02-perceptron.ipynb" in text
    assert f"mybinder.org/v2/gh/{repo}/" in text
    assert f"colab.research.google.com/github/{repo}/" in text
    assert not config["launch_buttons"].get("jupyterhub_url")
    assert "user-redirect/git-pull" not in text
    assert (site / "_sources/book/part1/02-perceptron.ipynb").exists()


PLACEHOLDER = re.compile(r"""(?:href|src)=["'](?:https?:)?//(?:[\w.-]*\.)?(example\.(?:org|com|net)|"""
                         r"""localhost|127\.0\.0\.1)\b""")


def placeholder_links(site):
    """Links or sources on any page that point at a placeholder host."""
    problems = []
    for page in sorted(pathlib.Path(site).rglob("*.html")):
        if "_static" in page.parts:
            continue
        for match in PLACEHOLDER.finditer(page.read_text(errors="replace")):
            problems.append(f"{page.relative_to(site)}: {match.group(0)}")
    return problems


def test_no_link_points_at_a_placeholder_host(site, tmp_path):
    assert placeholder_links(site) == []
    broken = tmp_path / "html"
    broken.mkdir()
    (broken / "page.html").write_text('<a href="https://jupyterhub.example.org/hub/user-redirect">x</a>')
    assert placeholder_links(broken) == ["page.html: href=\"https://jupyterhub.example.org"]


def test_bibliography_lists_the_original_papers(site):
    text = (site / "book/appendix/bibliography.html").read_text()
    for author in ("Rosenblatt", "Rumelhart", "Cybenko", "Hornik", "Glorot", "Kingma", "Srivastava",
                   "Polyak", "Nesterov", "Lloyd", "Duchi"):
        assert author in text, author


def test_bibliography_shows_no_raw_tex(site):
    """pybtex does not typeset mathematics: a title with $...$ would show the dollars and backslashes."""
    html = (site / "book/appendix/bibliography.html").read_text()
    main = re.sub(r"<script.*?</script>", " ", html.split("<main", 1)[1].split("</main>", 1)[0], flags=re.S)
    body = re.sub(r"<[^>]+>", " ", main)
    assert "$" not in body and "\\" not in body and "^{" not in body
    assert "O(1/k²)" in body


def test_api_reference_is_generated_from_docstrings(site):
    text = (site / "book/appendix/api.html").read_text()
    for name in ("nnlearn.layers.Dense", "nnlearn.optim.Adam", "nnlearn.training.fit", "nnlearn.explore.flipbook.flipbook"):
        assert f'id="{name}"' in text, name


# -- in a real browser ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", toc_pages())
def test_page_in_the_browser(desktop_page_checks, path):
    """At 1366×768: loads with no console error and no request outside the site; math typeset; images
    load; no code or output block scrolls sideways, hidden code included (conftest.py's
    ``desktop_page_checks``, whose load test_book_a11y.py shares)."""
    assert desktop_page_checks(path)["problems"] == []


def test_overflow_check_finds_a_wide_code_line(browser, site, tmp_path):
    broken = tmp_path / "html"
    shutil.copytree(site, broken)
    page_file = broken / "book" / "part1" / "02-perceptron.html"
    wide = "x = " + " + ".join(["1"] * 40)  # 160 characters
    text = page_file.read_text()
    at = text.index("<pre>", text.index('class="bd-article"'))
    page_file.write_text(text[:at + 5] + wide + "\n" + text[at + 5:])
    with serve(broken) as url:
        page, _ = open_page(browser, url, "book/part1/02-perceptron.html")
        problems = overflow_problems(page)
        page.context.close()
    assert [p for p in problems if "x = 1 + 1" in p], problems


def test_math_check_fails_without_mathjax(browser, site, tmp_path):
    broken = tmp_path / "html"
    shutil.copytree(site, broken)
    (broken / "_static" / "vendor" / "mathjax" / "tex-chtml-full.js").unlink()
    with serve(broken) as url:
        page, problems = open_page(browser, url, "book/appendix/notation.html")
        problems += math_problems(page)
        page.context.close()
    assert any("HTTP 404" in p for p in problems) and "MathJax did not load" in problems


def test_request_check_catches_a_cdn(browser, site, tmp_path):
    broken = tmp_path / "html"
    shutil.copytree(site, broken)
    page_file = broken / "book" / "preface.html"
    page_file.write_text(page_file.read_text().replace(
        "</head>", '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script></head>'))
    with serve(broken) as url:
        page, problems = open_page(browser, url, "book/preface.html")
        page.context.close()
    assert any("request outside the site: https://cdn.jsdelivr.net" in p for p in problems)


def test_executed_widget_shows_its_saved_state(browser, base):
    page, problems = open_page(browser, base, "book/preface.html")
    slider = page.locator(".widget-slider, .jupyter-widget-slider").first
    slider.wait_for(timeout=10000)
    text = page.locator(".widget-readout, .widget-inline-hbox").first.inner_text()
    page.context.close()
    assert problems == []
    assert "16" in text


def test_flipbook_responds_to_its_slider(browser, base):
    page, problems = open_page(browser, base, "book/part1/03-activations.html")
    image = page.locator(".nnlearn-flipbook img").first
    before = (image.get_attribute("data-frame"), image.get_attribute("src"))
    slider = page.locator(".nnlearn-flipbook input[type=range]").first
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    after = (image.get_attribute("data-frame"), image.get_attribute("src"))
    page.context.close()
    assert problems == []
    assert after[0] != before[0] and after[1] != before[1]


def test_search_finds_backpropagation(browser, base):
    page, problems = open_page(browser, base, "search.html?q=backpropagation")
    page.locator("#search-results li").first.wait_for(timeout=15000)
    hrefs = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.getAttribute('href'))")
    page.context.close()
    assert problems == []
    assert any("06-backpropagation" in h for h in hrefs)


@pytest.mark.parametrize("width, height", [(390, 844), (800, 1000)])
def test_menu_and_contents_open_and_close_on_phone_and_tablet(browser, base, width, height):
    """The article header's menu opens the table of contents (chapter links that work) and Escape closes it;
    "Contents" opens the page outline (book/_assets/nav-toggles.js)."""
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/book/part1/02-perceptron.html")
    is_open = "kind => document.getElementById(`pst-${kind}-sidebar-modal`).open"
    page.locator(".bd-header-article .primary-toggle").click(timeout=5000)
    page.wait_for_timeout(300)
    opened = page.evaluate(is_open, "primary")
    links = page.locator("#pst-primary-sidebar-modal nav.bd-docs-nav a.reference.internal")
    visible = sum(links.nth(i).is_visible() for i in range(links.count()))
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    closed = not page.evaluate(is_open, "primary")
    page.locator(".bd-header-article .primary-toggle").click(timeout=5000)
    page.wait_for_timeout(300)
    page.locator("#pst-primary-sidebar-modal a.reference.internal[href*='03-activations']").first.click()
    page.wait_for_load_state("load")
    followed = page.url.endswith("03-activations.html")
    page.locator(".bd-header-article .secondary-toggle").click(timeout=5000)
    page.wait_for_timeout(300)
    outline = page.evaluate(is_open, "secondary")
    context.close()
    assert (opened, visible >= 5, closed, followed, outline) == (True, True, True, True, True), visible
    assert errors == []


def test_desktop_toggle_collapses_and_restores_the_sidebar(browser, base):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{base}/book/part1/02-perceptron.html")
    width = "() => document.querySelector('.bd-article-container').getBoundingClientRect().width"
    before = page.evaluate(width)
    page.locator(".bd-header-article .primary-toggle").click(timeout=5000)
    page.wait_for_timeout(300)
    collapsed = page.evaluate(width)
    page.locator(".bd-header-article .primary-toggle").click(timeout=5000)
    page.wait_for_timeout(300)
    restored = page.evaluate(width)
    context.close()
    assert collapsed > before + 100 and abs(restored - before) < 2, (before, collapsed, restored)


def test_exercise_solutions_are_hidden_in_dropdowns(site):
    """Every solution on every page is a collapsed dropdown (sphinx-exercise with :class: dropdown)."""
    import re
    for page in toc_pages():
        text = (site / page).read_text()
        for classes in re.findall(r'class="([^"]*\bsolution\b[^"]*)"', text):
            if "admonition" in classes:
                assert "dropdown" in classes.split(), (page, classes)
    assert 'class="solution dropdown admonition"' in (site / "book/part1/03-activations.html").read_text()
