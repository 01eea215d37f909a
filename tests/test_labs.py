"""The labs in notebooks/: one per chapter, committed without outputs, with nbgrader metadata.

Each question's check cell is its nbgrader graded cell; the hidden ``ex.qN.grade`` call follows it.
The labs are executed in tests/test_nbgrader.py, once per version, by nbgrader itself: the
instructor version (every check "correct"), the student version (top to bottom, every check "not
attempted") and a slip (one mistake; every other output equal to the instructor version's).
tests/test_jupyterlab.py runs them in JupyterLab.
"""

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .book_checks import load_script

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LABS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
CHAPTERS = sorted(ROOT.glob("book/part*/[0-9][0-9]-*.md"))
CHECK = re.compile(r"\bex\.(q\d+)\.check\(")


def _lab_id(path):
    return path.stem


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_one_lab_per_chapter_with_the_chapters_name():
    assert [p.stem for p in LABS] == [p.stem for p in CHAPTERS]


def test_labs_are_committed_without_outputs_and_with_nbgrader_metadata():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "format_labs.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("lab", LABS, ids=_lab_id)
def test_lab_structure(lab):
    nb = nbformat.read(lab, as_version=4)
    number = lab.stem[:2]
    source = "\n".join(c.source for c in nb.cells)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith(f"# Lab {int(number)} ")
    assert "**Goal.**" in nb.cells[0].source
    assert f"from nnlearn.exercises import lab{number} as ex" in source
    # The chapter's live explorer(s), with guided questions to answer with them.
    explorer_cells = [c for c in _code(nb) if re.search(r"\b(\w*Explorer|OptimizerRace|Playground)\(", c.source)]
    assert explorer_cells, "a lab uses the chapter's explorer"
    assert all("nbval-ignore-output" in c.metadata.get("tags", []) for c in explorer_cells)
    assert source.count("?") >= 3, "guided questions"
    # Every question of the lab's module is checked in the notebook, after a solution cell.
    module = importlib.import_module(f"nnlearn.exercises.lab{number}")
    checked = CHECK.findall(source)
    assert sorted(set(checked)) == sorted(module.__all__), "each question is checked exactly where it is asked"
    solutions = [c for c in _code(nb) if "solution" in c.metadata.get("tags", [])]
    assert len(solutions) >= len(module.__all__)
    assert all("### BEGIN SOLUTION" in c.source for c in solutions)
    # Exactly one nbgrader autograder-test cell per question, one point, the grading call hidden.
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(graded) == len(module.__all__)
    for cell, question in zip(graded, module.__all__):
        meta = cell.metadata["nbgrader"]
        assert meta["grade_id"] == f"{lab.stem}-{question}"
        assert meta["points"] == 1 and meta["locked"]
        first, *hidden = cell.source.split("\n")
        check = re.fullmatch(rf"ex\.{question}\.check\((.+)\)", first)
        assert check, cell.source
        assert hidden == ["### BEGIN HIDDEN TESTS", f"ex.{question}.grade({check[1]})",
                          "### END HIDDEN TESTS"]


def _format_labs():
    return load_script("scripts/format_labs.py")


def test_format_labs_turns_check_cells_into_graded_cells_idempotently():
    fmt = _format_labs()
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(
            "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION",
            metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("ex.q1.check(f)"),
        nbformat.v4.new_code_cell("ex.q2.check((w, b))\n")])
    once = fmt.formatted(nb, "99-lab")
    assert once.cells[1].source == ("ex.q1.check(f)\n### BEGIN HIDDEN TESTS\nex.q1.grade(f)\n"
                                    "### END HIDDEN TESTS")
    assert once.cells[2].source.split("\n")[2] == "ex.q2.grade((w, b))"
    assert once.cells[1].metadata["nbgrader"] == {
        "grade": True, "grade_id": "99-lab-q1", "locked": True, "points": 1, "schema_version": 3,
        "solution": False, "task": False}
    assert once.cells[0].metadata["nbgrader"]["solution"] is True
    assert fmt.formatted(once, "99-lab") == once
    # Editing the check line is enough: the hidden grading call follows it.
    once.cells[1].source = once.cells[1].source.replace("check(f)", "check(g)")
    assert fmt.formatted(once, "99-lab").cells[1].source.split("\n")[2] == "ex.q1.grade(g)"


@pytest.mark.parametrize("sources, match", [
    (["ex.q1.check(f)\nprint('more')"], "must be the single line"),
    (["x = 1; ex.q1.check(f)"], "must be the single line"),
    (["ex.q1.check(f)", "ex.q1.check(g)"], "checked twice"),
])
def test_format_labs_rejects_check_cells_it_cannot_grade(sources, match):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    with pytest.raises(ValueError, match=match):
        _format_labs().formatted(nb, "99-lab")
