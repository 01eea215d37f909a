"""The book on a phone (390×844, Chromium): nothing makes the page scroll sideways, text is at least
9 px (in a flipbook's frames too), and figures, flipbooks and widgets are as wide as the content column
allows (not squeezed).

Code blocks may scroll inside their own box (88 columns cannot fit a phone); the page itself may not.
"""

import pytest

from .book_checks import open_page, serve, toc_pages

PHONE = (390, 844)
MIN_TEXT_PX = 9

# Text nodes inside the article smaller than MIN_TEXT_PX (MathJax's own sub- and superscripts
# excepted: they are typeset relative to their formula, which is checked as a whole), and
# images narrower than they could be: shown narrower than both their natural width and 80% of the
# article (figures have margins), as a squeezed widget or flipbook would be.
PHONE_CHECK = """() => {
    const article = document.querySelector('main .bd-article') || document.querySelector('main');
    const problems = [];
    const scroll = document.scrollingElement.scrollWidth;
    if (scroll > window.innerWidth + 1) {
        // name the widest element that sticks out (not inside a box that scrolls on its own)
        const out = [...document.querySelectorAll('main *')].filter(e => {
            const r = e.getBoundingClientRect();
            if (r.right <= window.innerWidth + 1 || !r.width) return false;
            for (let a = e.parentElement; a; a = a.parentElement) {
                const o = getComputedStyle(a).overflowX;
                if (o === 'auto' || o === 'scroll' || o === 'hidden') return false;
            }
            return true;
        }).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`);
        problems.push(`page scrolls sideways: ${scroll}px (${out.slice(-3).join(', ')})`);
    }
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    const small = new Set();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!node.textContent.trim() || el.closest('mjx-container') || !el.getClientRects().length)
            continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size === 0) continue;  // visually hidden text for screen readers (e.g. a card's link)
        if (size < MIN) small.add(`${size}px: ${node.textContent.trim().slice(0, 40)}`);
    }
    small.forEach(s => problems.push(`text smaller than ${MIN}px: ${s}`));
    const column = article.getBoundingClientRect().width;
    // A flipbook's frames are pictures of text: the smallest text it drew (data-min-text-px, in the
    // PNG's pixels) scaled to the width it is shown at.
    for (const book of article.querySelectorAll('.nnlearn-flipbook')) {
        const img = book.querySelector('img');
        const drawn = parseFloat(book.dataset.minTextPx);
        if (!(drawn > 0)) { problems.push(`flipbook without data-min-text-px: ${img.alt.slice(0, 60)}`);
                            continue; }
        const shown = drawn * img.getBoundingClientRect().width / img.naturalWidth;
        if (shown < MIN) problems.push(`flipbook text ${shown.toFixed(1)}px: ${img.alt.slice(0, 60)}`);
    }
    for (const img of article.querySelectorAll('img')) {
        const shown = img.getBoundingClientRect().width;
        if (!img.getClientRects().length || img.naturalWidth < 120) continue;
        if (shown < Math.min(img.naturalWidth, 0.8 * column) - 1)
            problems.push(`image squeezed to ${Math.round(shown)}px of ${Math.round(column)}px: `
                          + (img.alt || img.src).slice(0, 60));
    }
    return problems;
}""".replace("MIN", str(MIN_TEXT_PX))


def phone_problems(page):
    page.evaluate("""() => Promise.all([...document.images].map(img => img.complete ? null :
        new Promise(res => { img.onload = img.onerror = res; })))""")
    page.wait_for_timeout(300)  # the widget manager lays out its views after load
    return page.evaluate(PHONE_CHECK)


# Not yet readable on a phone: three flipbooks whose frames are an explorer's figure, drawn at the
# explorer's size (ch 1's network diagram and ch 6's backpropagation diagram, with every weight and
# activation written on them, and ch 2's perceptron explorer). On a phone their text is 4-6 px; larger
# type overlaps at that width, so the explorer figures need a phone layout (issue 15 stays open for
# it). Listed so that the test fails on any other problem, and when one of these is fixed.
PENDING = {
    "book/part1/01-neural-networks.html": ["flipbook text", "Diagram of a network"],
    "book/part1/02-perceptron.html": ["flipbook text", "Apples and oranges in the plane"],
    "book/part2/06-backpropagation.html": ["flipbook text", "Diagram of the 2-2-1 network"],
}


@pytest.mark.parametrize("path", toc_pages())
def test_page_reads_on_a_phone(browser, base, path):
    page, problems = open_page(browser, base, path, viewport=PHONE)
    problems += phone_problems(page)
    page.context.close()
    if path in PENDING:
        kind, alt = PENDING[path]
        pending = [p for p in problems if p.startswith(kind) and alt in p]
        assert len(pending) == 1, f"the known problem is gone or changed, update PENDING: {problems}"
        problems.remove(pending[0])
    assert problems == []


def test_phone_check_can_fail(browser, site, tmp_path):
    import shutil

    broken = tmp_path / "html"
    shutil.copytree(site, broken)
    page_file = broken / "book" / "preface.html"
    text = page_file.read_text()
    at = text.index("<h1", text.index('class="bd-article"'))
    squeezed = ('<p style="font-size:7px">tiny words</p><div style="width:900px">wide</div>'
                '<img style="width:64px" alt="squeezed" src="data:image/svg+xml,'
                '%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%22600%22 height=%2240%22/%3E">')
    page_file.write_text(text[:at] + squeezed + text[at:])
    with serve(broken) as url:
        page, _ = open_page(browser, url, "book/preface.html", viewport=PHONE)
        problems = phone_problems(page)
        page.context.close()
    assert any(p.startswith("page scrolls sideways") for p in problems), problems
    assert any("7px: tiny words" in p for p in problems), problems
    assert any("image squeezed to 64px" in p for p in problems), problems
