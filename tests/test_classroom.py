"""The student build: solution regions become nbgrader's stub, hidden tests go, and the result
is what nbgrader makes."""

import subprocess
import sys
from pathlib import Path

import pytest

from nnlearn.classroom import (CODE_STUB, build_student, main, student_notebook, student_source,
                               without_hidden_tests)

nbformat = pytest.importorskip("nbformat")
ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

SOURCE = """def f(x):
    \"\"\"Doc.\"\"\"
    ### BEGIN SOLUTION
    y = x + 1
    return y
    ### END SOLUTION"""


def test_region_becomes_indented_stub():
    assert student_source(SOURCE) == 'def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n    raise NotImplementedError()'
    assert student_source("no markers\n") == "no markers\n"
    assert student_source("text\n### BEGIN SOLUTION\nanswer\n### END SOLUTION", cell_type="markdown") == \
        "text\nYOUR ANSWER HERE"


@pytest.mark.parametrize("source, match", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1", "never closed"),
    ("def f():\n    ### END SOLUTION", "without a `BEGIN SOLUTION`"),
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "inside a function body"),
    ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n", "inside another"),
])
def test_malformed_regions_are_errors(source, match):
    with pytest.raises(ValueError, match=match):
        student_source(source, where="lab, cell 3")


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def test_markers_outside_a_solution_cell_are_an_error():
    with pytest.raises(ValueError, match="not a solution cell: tag it 'solution'"):
        student_notebook(_nb(nbformat.v4.new_code_cell(SOURCE)))


def test_solution_cell_without_markers_is_replaced_entirely_and_outputs_go():
    cell = nbformat.v4.new_code_cell("x = 42", metadata={"tags": ["solution"]})
    cell.outputs = [nbformat.v4.new_output("stream", text="hi")]
    cell.execution_count = 3
    out = student_notebook(_nb(cell, nbformat.v4.new_markdown_cell("intro")))
    assert out.cells[0].source == CODE_STUB and out.cells[0].outputs == [] and out.cells[0].execution_count is None
    assert out.cells[1].source == "intro"


def test_command_line_builds_every_lab(tmp_path):
    out = tmp_path / "student"
    proc = subprocess.run([sys.executable, "-m", "nnlearn.classroom", "student", str(NOTEBOOKS), str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    labs = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert sorted(p.name for p in out.glob("*.ipynb")) == [p.name for p in labs]
    for path in out.glob("*.ipynb"):
        text = path.read_text()
        assert "BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text


def test_command_line_errors(tmp_path, capsys):
    assert main(["student", str(tmp_path / "missing"), str(tmp_path / "out")]) == 2
    assert "`src` must be a directory" in capsys.readouterr().err
    assert main(["student", str(NOTEBOOKS), str(NOTEBOOKS)]) == 2
    assert "`out` must differ" in capsys.readouterr().err


def test_student_build_equals_nbgraders_clear_solutions(tmp_path):
    """nbgrader's own preprocessors, with their default settings, give the same cells as our build.

    ``generate_assignment`` locks cells (``LockCells``), replaces solutions (``ClearSolutions``) and
    removes hidden tests (``ClearHiddenTests``); the metadata it adds besides is bookkeeping for its
    own checks (checksums, tested in tests/test_nbgrader.py).
    """
    pre = pytest.importorskip("nbgrader.preprocessors")
    build_student(NOTEBOOKS, tmp_path)
    n_hidden = 0
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        theirs = nbformat.read(path, as_version=4)
        n_hidden += sum("BEGIN HIDDEN TESTS" in c.source for c in theirs.cells)
        for preprocessor in (pre.LockCells(), pre.ClearSolutions(), pre.ClearHiddenTests()):
            theirs, _ = preprocessor.preprocess(theirs, {})
        ours = nbformat.read(tmp_path / path.name, as_version=4)
        assert [c.source for c in theirs.cells] == [c.source for c in ours.cells], path.name
        assert [c.metadata for c in theirs.cells] == [c.metadata for c in ours.cells], path.name
        assert not any("HIDDEN TESTS" in c.source or ".grade(" in c.source for c in ours.cells)
    assert n_hidden >= len(list(NOTEBOOKS.glob("*.ipynb"))), "the comparison covers hidden tests"


GRADED = nbformat.v4.new_code_cell(
    "ex.q1.check(f)\n### BEGIN HIDDEN TESTS\nex.q1.grade(f)\n### END HIDDEN TESTS",
    metadata={"nbgrader": {"grade": True, "grade_id": "lab-q1", "locked": True, "points": 1,
                           "schema_version": 3, "solution": False, "task": False}})


def test_hidden_tests_are_removed_and_graded_cells_locked():
    source = "a\n### BEGIN HIDDEN TESTS\nb\n### END HIDDEN TESTS\nc"
    assert without_hidden_tests(source) == ("a\nc", True)
    assert without_hidden_tests("a\nb") == ("a\nb", False)
    out = student_notebook(_nb(GRADED))
    assert out.cells[0].source == "ex.q1.check(f)"
    meta = out.cells[0].metadata
    assert meta["editable"] is False and meta["deletable"] is False
    assert GRADED.source.endswith("### END HIDDEN TESTS"), "the instructor cell is left as it is"


@pytest.mark.parametrize("source, match", [
    ("x\n### BEGIN HIDDEN TESTS\ny", "never closed"),
    ("### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS", "inside another"),
])
def test_malformed_hidden_tests_are_errors(source, match):
    with pytest.raises(ValueError, match=match):
        without_hidden_tests(source, where="lab, cell 3")


def test_hidden_tests_outside_a_graded_cell_are_an_error():
    cell = nbformat.v4.new_code_cell("ex.q1.check(f)\n### BEGIN HIDDEN TESTS\nex.q1.grade(f)\n"
                                     "### END HIDDEN TESTS")
    with pytest.raises(ValueError, match="hidden-test region but is not a graded cell"):
        student_notebook(_nb(cell))
