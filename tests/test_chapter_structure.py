"""Every finished chapter has what shared/CHAPTERS.md asks of a chapter (stubs are skipped)."""

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").glob("part*/*.md"))


def finished(path):
    return "This chapter is being written" not in path.read_text()


@pytest.mark.parametrize("path", [p for p in CHAPTERS if finished(p)], ids=lambda p: p.stem)
def test_chapter_has_the_required_parts(path):
    text = path.read_text()
    assert re.search(r"^## Goals", text, re.M), "Goals"
    assert re.search(r"Common mistakes", text), "a Common mistakes callout"
    assert re.search(r"^## Summary", text, re.M), "Summary"
    assert re.search(r"^## Further reading", text, re.M) and "{cite" in text, "Further reading with citations"
    exercises = re.findall(r"^:::+\{exercise\}", text, re.M)
    solutions = re.findall(r"^:::+\{solution\}", text, re.M)
    assert len(exercises) >= 5, f"{len(exercises)} exercises"
    assert len(solutions) == len(exercises), "a solution for every exercise"
    assert text.count(":class: dropdown") >= len(solutions), "solutions in dropdowns"
    assert re.search(r"\b(flipbook|Flipbook)\(", text), "a flipbook"
    cells = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, flags=re.S)
    figures = [cell for cell in cells if re.search(r"^  figure:", cell, re.M)]
    assert figures, "figures"
    for cell in figures:
        assert re.search(r"^    alt:", cell, re.M) or "alt=" in cell, f"a figure without alt text:\n{cell[:300]}"
        assert re.search(r"^    caption:", cell, re.M), f"a figure without a caption:\n{cell[:300]}"
    assert "{numref}" in text, "figures referred to in the text"
    words = len(re.sub(r"```.*?```", "", text, flags=re.S).split())
    assert 2000 <= words <= 9000, f"{words} words of prose"


def test_claim_tests_exist_for_finished_chapters():
    for path in CHAPTERS:
        if finished(path):
            number = path.stem.split("-")[0]
            assert (ROOT / "tests" / f"test_ch{number}_claims.py").exists(), path.stem
