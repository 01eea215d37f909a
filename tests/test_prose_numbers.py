"""The book states no number that its cells compute unless the number is glued from the executed cell.

Another CPU rounds matrix products differently, so a number typed into the prose can disagree with the
output printed beside it when the book is built elsewhere. This test reads every chapter's prose (the
markdown outside code cells, plus figure captions and alt text) with code, mathematics and roles such as
``{glue:text}`` and ``{cite}`` removed, and fails on any decimal number, percentage or number in
scientific notation that is left.

Typed numbers stay for exact mathematics (1/4 written as 0.25), settings chosen by the text (a learning
rate of 0.05), asserted bounds ("within 0.01 of the targets", checked in a ``remove-cell`` cell) and facts
cited from papers. A chapter lists them in MyST comments, each with its reason::

    % typed: 0.25 = the largest value of the sigmoid's derivative
    % typed: 0.05 = the learning rate the text chooses

It also checks that the reader sees computations, not assertions: every code cell that contains an
``assert`` is tagged ``remove-cell``.
"""

import pathlib
import re

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "book").rglob("*.md"))   # chapters, preface and appendices
LABS = sorted((ROOT / "notebooks").glob("*.ipynb"))

CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)
FENCE = re.compile(r"^(`{3,}|~{3,})(?!\{?(?:exercise|solution|admonition|note|warning|tip|important|"
                   r"caution|prf:|dropdown|figure|glue))[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
MATH_DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{math\}[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)[^$\n]+?(?<!\\)\$")
ROLE = re.compile(r"\{[a-zA-Z:\-]+\}`[^`]*`")
INLINE_CODE = re.compile(r"(`+)[^`].*?\1", re.S)
LINK_TARGET = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+")
OPTION_LINE = re.compile(r"^\s*:[a-z\-]+:.*$", re.M)
COMMENT = re.compile(r"^%.*$", re.M)
TYPED = re.compile(r"^(?:%|<!--)\s*typed:\s*(.+?)\s*=\s*(\S.*?)\s*(?:-->)?$", re.M)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
# A decimal (0.013, 1,234.5), a percentage (98%, 97.5 %) or scientific notation (2.4e7, 3 × 10^5).
NUMBER = re.compile(r"(?<![\w.])(?:\d+(?:\.\d+)?\s?%|\d[\d,]*\.\d+(?:e[-+]?\d+)?|\d+e[-+]?\d+)(?![\w])")


def cell_tags(body):
    """The tags of a MyST code cell whose body (after the opening fence) is ``body``."""
    found = re.search(r"^:tags:\s*\[(.*?)\]", body, re.M) or re.search(r"^tags:\s*\[(.*?)\]", body, re.M)
    return {t.strip().strip("'\"") for t in found.group(1).split(",")} if found else set()


def cell_metadata_prose(body):
    """Captions and alt text of a code cell's YAML header: they are prose the reader sees."""
    if not body.startswith("---\n"):
        return ""
    header = body[4:].split("\n---\n", 1)[0]
    texts, current = [], None
    for line in header.splitlines():
        key = re.match(r"^(\s*)(alt|caption):\s?(.*)$", line)
        if key:
            current = len(key.group(1))
            texts.append(key.group(3))
        elif current is not None and line.startswith(" " * (current + 1)) and line.strip():
            texts.append(line.strip())
        else:
            current = None
    return "\n".join(texts)


def prose_of(text):
    """The chapter's reader-facing text without code, mathematics, roles and directive options."""
    text = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    metadata_prose = [cell_metadata_prose(m.group(2)) for m in CODE_CELL.finditer(text)]
    text = CODE_CELL.sub("", text)
    text = MATH_DIRECTIVE.sub("", text)
    text = FENCE.sub("", text)
    text = "\n".join([text, *metadata_prose])
    for pattern in (HTML_COMMENT, DISPLAY_MATH, INLINE_MATH, ROLE, INLINE_CODE, LINK_TARGET, OPTION_LINE,
                    COMMENT):
        text = pattern.sub(" ", text)
    return text


def typed_allowed(text):
    """Numbers a chapter declares as typed on purpose, from its ``% typed: <numbers> = <reason>`` lines."""
    allowed = set()
    for numbers, _reason in TYPED.findall(text):
        allowed.update(n.strip() for n in re.split(r"[;\s]+(?=\d)", numbers) if n.strip())
    return allowed


def untyped_numbers(text):
    """The numbers in ``text``'s prose that are neither glued nor declared, with some context."""
    allowed = typed_allowed(text)
    prose = prose_of(text)
    found = []
    for match in NUMBER.finditer(prose):
        if match.group(0).replace(" ", "") not in allowed and match.group(0) not in allowed:
            start = max(0, match.start() - 50)
            found.append(f"{match.group(0)!r} in: ...{' '.join(prose[start:match.end() + 30].split())}...")
    return found


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_every_computed_number_in_a_chapter_is_glued(path):
    found = untyped_numbers(path.read_text())
    assert not found, (f"{path.name}: {len(found)} typed numbers in the prose. Glue each one that a cell "
                       "computes ({glue:text}`name:.3f`); declare exact or chosen ones with "
                       "'% typed: <number> = <reason>':\n" + "\n".join(found))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_every_declared_number_is_used(path):
    """A '% typed:' declaration names numbers the prose states: stale ones would hide later typing."""
    text = path.read_text()
    stated = {m.group(0).replace(" ", "") for m in NUMBER.finditer(prose_of(text))}
    stale = [n for n in typed_allowed(text) if n.replace(" ", "") not in stated]
    assert not stale, f"{path.name}: declared as typed but not in the prose: {stale}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_the_reader_sees_no_assertions(path):
    text = path.read_text()
    shown = [m.group(2) for m in CODE_CELL.finditer(text)
             if re.search(r"^\s*assert\b", m.group(2), re.M) and "remove-cell" not in cell_tags(m.group(2))]
    assert not shown, (f"{path.name}: {len(shown)} visible cells contain assertions; move them to a cell "
                       "tagged remove-cell:\n" + "\n---\n".join(cell[:200] for cell in shown))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_every_glue_reference_is_defined(path):
    text = path.read_text()
    cells = "\n".join(m.group(2) for m in CODE_CELL.finditer(text))
    defined = set(re.findall(r"glue\(\s*[\"']([^\"']+)[\"']", cells))
    defined |= set(re.findall(r"glue\(\s*f[\"']", cells) and ["*dynamic*"])
    used = {m.split(":")[0] for m in re.findall(r"\{glue(?::[a-z]+)?\}`([^`]+)`", text)}
    used |= set(re.findall(r"^:{3,}\{glue:figure\}\s*(\S+)", text, re.M))
    used |= set(re.findall(r"^`{3,}\{glue:figure\}\s*(\S+)", text, re.M))
    if "*dynamic*" not in defined:
        assert used <= defined, f"{path.name}: glued names never defined: {sorted(used - defined)}"


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.stem)
def test_lab_markdown_states_no_computed_number(path):
    """A lab is not glued: its markdown may state settings and exact values, which it declares in HTML
    comments (``<!-- typed: 0.5 = the threshold -->``), but the numbers a learner's run produces are
    printed by the code, not typed into the text."""
    nb = nbformat.read(path, as_version=4)
    markdown = "\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    found = untyped_numbers(markdown)
    assert not found, (f"{path.name}: {len(found)} typed numbers in the markdown; let the code print what "
                       "a run computes, and declare exact or chosen values in the markdown as "
                       "'<!-- typed: <n> = <reason> -->':\n" + "\n".join(found))


def test_the_lint_sees_what_it_should():
    sample = (
        "---\nkernelspec: {}\n---\n"
        "The loss falls to 0.123 after 50 epochs, 97.5% accuracy, {glue:text}`acc:.1%` glued, "
        "$\\sigma = 0.25$ in math, `lr=0.05` in code, {cite}`Hornik1989`.\n"
        "% typed: 0.5 = the decision threshold\n"
        "<!-- typed: 0.75 = a lab's declared setting -->\n"
        "A threshold of 0.5, a setting of 0.75.\n"
        "```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: The error is 0.031 here.\n"
        "    name: fig-x\n---\nprint(0.777)\n```\n"
        "$$\nL = 1.5\n$$\n"
    )
    found = [f.split(" in:")[0] for f in untyped_numbers(sample)]
    assert found == ["'0.123'", "'97.5%'", "'0.031'"], found
