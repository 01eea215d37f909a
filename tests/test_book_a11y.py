"""axe-core on every page of the built book: no critical or serious violation in the content.

axe-core comes from npm (node_modules/axe-core, in package.json and its lock file); it is not
part of the site, so each page gets it injected by Playwright after the page is ready: loaded,
MathJax done, every executed widget rendered by the widget manager, and two animation frames
more for book/_assets/content-a11y.js, whose MutationObserver fixes the widgets as they appear.

Every violation of impact "critical" or "serious" is sorted by where its node is:

* content: the node is the article body, ``main article.bd-article``, or inside it. That is
  everything the book's sources produce: text, math, admonitions and exercises, code cells and
  their outputs, figures, flipbooks, widgets, the bibliography. These must be none at all;
  the fixes are the book's own (content-a11y.js/.css, nnlearn/explore/explorer.py).
* chrome: anything else, which the themes write: the header (``.bd-header``), the sidebars and
  their drawers, the article's button bar (``.bd-header-article``), the previous/next links
  (``footer.prev-next-footer``, outside the article) and the footer. Each such violation must
  be one that README.md lists in its "Accessibility" section, as ``- `rule-id` in `selector`:
  why``, the node being inside an element that the selector matches; a new one fails.

Pages are checked at 1366×768, in the same load as test_book.py's checks of that size. A run at 390×844 was measured on every page: no content
violation either, and in the chrome only the colour-mode button (the search buttons are hidden
on phones); it would double the time (about 3 min for the 16 pages on a loaded machine) for
nothing new.
"""

import pathlib
import re

import pytest

from .book_checks import ROOT, require, serve, toc_pages

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
README = ROOT / "README.md"
CONTENT = "main article.bd-article"
VIEWPORT = {"width": 1366, "height": 768}
SEVERE = ("critical", "serious")

# Wait until the page is what a reader sees: MathJax has typeset, and every widget view in the
# page (a <script type="application/vnd.jupyter.widget-view+json">) has been rendered into its
# .widget-subarea; then two frames for content-a11y.js.
_READY = """async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
    const views = () => document.querySelectorAll(
        'script[type="application/vnd.jupyter.widget-view+json"]').length;
    const rendered = () => [...document.querySelectorAll('.widget-subarea')]
        .filter(e => e.children.length).length;
    const start = performance.now();
    while (rendered() < views()) {
        if (performance.now() - start > 60000) {
            return `${rendered()} of ${views()} widgets rendered after 60 s`;
        }
        await new Promise(r => setTimeout(r, 100));
    }
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    return "";
}"""

# Run axe on the whole document; for every node of a critical/serious violation, say whether it
# is content, and which of the README's chrome selectors (if any) it is inside.
_AXE_RUN = """async ([content, severe, documented]) => {
    const result = await axe.run(document, {resultTypes: ["violations"], elementRef: true});
    const found = [];
    for (const v of result.violations) {
        if (!severe.includes(v.impact)) continue;
        for (const node of v.nodes) {
            const el = node.element;
            const isContent = !!(el && el.closest && el.closest(content));
            const listed = documented.some(([rule, selector]) =>
                rule === v.id && el && el.closest && el.closest(selector));
            found.push({rule: v.id, impact: v.impact, content: isContent, listed,
                        target: node.target.join(" "), summary: node.failureSummary,
                        html: node.html.slice(0, 160)});
        }
    }
    return found;
}"""


def documented_chrome_violations(readme=README):
    """(rule id, CSS selector) pairs listed in README.md's "Accessibility" section."""
    text = pathlib.Path(readme).read_text()
    match = re.search(r"^## Accessibility\n(.*?)(?=^## )", text, re.S | re.M)
    assert match, "README.md has no '## Accessibility' section before its last section"
    pairs = re.findall(r"^- `([a-z0-9-]+)` in `([^`]+)`", match.group(1), re.M)
    assert pairs, "README.md's Accessibility section lists no chrome violation"
    return pairs


def axe_on(page, path, documented):
    """Critical and serious violations on an open page, as dicts (rule, impact, content, listed,
    target, summary, html); waits until the page is ready, raises if it never gets there."""
    page.set_default_timeout(120000)
    not_ready = page.evaluate(_READY)
    assert not not_ready, f"{path}: {not_ready}"
    page.add_script_tag(path=str(AXE))
    return page.evaluate(_AXE_RUN, [CONTENT, list(SEVERE), [list(p) for p in documented]])


def axe_violations(browser, base, path, documented, viewport=VIEWPORT):
    """:func:`axe_on` for ``path``, loaded in a fresh context."""
    require(AXE.exists(), f"{AXE} is missing: run `make vendor` (npm ci)")
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(base + path, wait_until="load", timeout=120000)
        return axe_on(page, path, documented)
    finally:
        context.close()


def problems(path, found):
    """Readable lines for content violations and for chrome violations the README lacks."""
    lines = []
    for v in found:
        where = "content" if v["content"] else "chrome not listed in README.md"
        if v["content"] or not v["listed"]:
            summary = " ".join(v["summary"].split())[:300]
            lines.append(f"{path}: {where}: {v['rule']} ({v['impact']}) at {v['target']}: "
                         f"{summary} | {v['html']}")
    return lines


@pytest.mark.parametrize("path", toc_pages())
def test_no_serious_accessibility_violation_in_the_content(desktop_page_checks, path):
    """axe-core: no critical/serious violation in the article body; in the theme's chrome
    only those README.md lists (see the module docstring). The page is the one loaded for
    test_book.py's checks at the same size (conftest.py's ``desktop_page_checks``)."""
    require(AXE.exists(), f"{AXE} is missing: run `make vendor` (npm ci)")
    found = desktop_page_checks(path)["axe"]
    assert found is not None
    assert problems(path, found) == []


def test_the_accessibility_check_can_fail(browser, site, tmp_path):
    """On a copy of the playground chapter without content-a11y.js/.css, with an <img> without
    alt put in the article and another in the footer: the content violations that the fixes
    remove come back, the new image is found in the content, and the footer's is reported as
    chrome that README.md does not list. The README's rule ids must be rules axe knows."""
    path = "book/part3/12-playground.html"
    broken = tmp_path / "html"
    broken.mkdir()
    for entry in site.iterdir():  # the site by symbolic links, but for one page
        if entry.name != "book":
            (broken / entry.name).symlink_to(entry)
    (broken / "book" / "part3").mkdir(parents=True)
    text = (site / path).read_text()
    text, removed = re.subn(r'<(script|link)\b[^>]*content-a11y\.(js|css)[^>]*>(</script>)?',
                            "", text)
    assert removed == 2, "the page should load content-a11y.js and content-a11y.css"
    text = text.replace('<article class="bd-article">',
                        '<article class="bd-article"><img id="no-alt" '
                        'src="../../_static/file.png">', 1)
    text = text.replace('<footer class="bd-footer">',
                        '<footer class="bd-footer"><img id="chrome-no-alt" '
                        'src="../../_static/file.png">', 1)
    assert text.count('-alt" src=') == 2
    (broken / path).write_text(text)
    documented = documented_chrome_violations()
    with serve(broken) as url:
        found = axe_violations(browser, url, path, documented)
        rules = _axe_rules(browser, url)
    lines = problems(path, found)
    content_rules = {v["rule"] for v in found if v["content"]}
    assert {"image-alt", "button-name", "aria-input-field-name",
            "label-content-name-mismatch"} <= content_rules, lines
    assert any("content: image-alt" in line and "#no-alt" in line for line in lines), lines
    assert any("chrome not listed" in line and "#chrome-no-alt" in line for line in lines), lines
    assert {rule for rule, _ in documented} <= rules


def _axe_rules(browser, base):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base + "search.html", wait_until="load", timeout=120000)
        page.add_script_tag(path=str(AXE))
        return set(page.evaluate("axe.getRules().map(r => r.ruleId)"))
    finally:
        context.close()


def test_the_readme_list_is_parsed(tmp_path):
    """The README parser reads the list items and refuses a README without the section."""
    pairs = documented_chrome_violations()
    assert all(re.fullmatch(r"[a-z0-9-]+", rule) and selector for rule, selector in pairs)
    other = tmp_path / "README.md"
    other.write_text("# x\n\n## Accessibility\n\n- `color-contrast` in `.bd-footer`: why\n"
                     "- `image-alt` in `#a, .b`: why\n\n## Layout\n")
    assert documented_chrome_violations(other) == [("color-contrast", ".bd-footer"),
                                                   ("image-alt", "#a, .b")]
    other.write_text("# x\n\n## Layout\n")
    with pytest.raises(AssertionError, match="no '## Accessibility' section"):
        documented_chrome_violations(other)
