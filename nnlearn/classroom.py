"""Instructor and student versions of the lab notebooks.

The labs in ``notebooks/`` are the instructor version: they contain the
solutions, marked the way nbgrader marks them::

    def sigmoid(z):
        ### BEGIN SOLUTION
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
        ### END SOLUTION

in a cell tagged ``solution`` that also carries nbgrader's cell metadata
(``"nbgrader": {"solution": true, "grade_id": ...}``).  The student version
replaces every region between the markers with nbgrader's default stub,
indented like the markers::

    def sigmoid(z):
        # YOUR CODE HERE
        raise NotImplementedError()

so ``nbgrader generate_assignment`` and this command produce the same
notebook.  Because every solution lives inside a function body, the student
notebook runs from top to bottom: the checks catch the
``NotImplementedError`` and report "not attempted".

Each question's check cell is an nbgrader autograder-test cell (``"grade":
true``, ``"locked": true``, one point) whose grading call is hidden::

    ex.q1.check(sigmoid)
    ### BEGIN HIDDEN TESTS
    ex.q1.grade(sigmoid)
    ### END HIDDEN TESTS

The student version drops the hidden region, as nbgrader's
``ClearHiddenTests`` does, and marks cells the way its ``LockCells`` does
(graded cells neither editable nor deletable, solution cells not deletable);
``nbgrader autograde`` restores the hidden call from its gradebook, and
``grade`` raises ``AssertionError`` with the feedback unless the answer is
correct, so each question scores its point or nothing.

Command line::

    python -m nnlearn.classroom student notebooks/ OUTDIR   # write the student versions
    python -m nnlearn.classroom strip notebooks/            # remove outputs in place

Solution regions in Markdown cells become ``YOUR ANSWER HERE``.  A solution
cell without markers is replaced entirely by the stub, as nbgrader does.
Markers outside a solution cell, hidden tests outside a graded cell, unbalanced
markers, or a code region that starts at column 0 (whose stub would stop the
notebook) are errors.
"""

import argparse
import copy
import re
import sys
from pathlib import Path

__all__ = ["CODE_STUB", "TEXT_STUB", "SOLUTION_TAG", "HIDDEN_TESTS_BEGIN",
           "HIDDEN_TESTS_END", "student_source", "without_hidden_tests",
           "student_notebook", "strip_outputs", "build_student", "main"]

#: What replaces a code solution (nbgrader's default ``ClearSolutions.code_stub``).
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
#: What replaces a written (Markdown) solution (nbgrader's default
#: ``ClearSolutions.text_stub``).
TEXT_STUB = "YOUR ANSWER HERE"
#: The cell tag that marks a solution cell (nbgrader's solution metadata works too).
SOLUTION_TAG = "solution"
#: The lines around a hidden test (nbgrader's ``ClearHiddenTests`` delimiters, as
#: comments).
HIDDEN_TESTS_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_TESTS_END = "### END HIDDEN TESTS"

_BEGIN = re.compile(r"^(\s*)\S*\s*BEGIN SOLUTION\s*$")
_END = re.compile(r"^\s*\S*\s*END SOLUTION\s*$")


def _is_solution_cell(cell):
    tags = cell.get("metadata", {}).get("tags", [])
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    return SOLUTION_TAG in tags or bool(nbgrader.get("solution", False))


def _is_grade_cell(cell):
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("grade", False))


def without_hidden_tests(source, *, where="cell"):
    """Remove the hidden-test regions of one cell's source, delimiters included.

    Like nbgrader's ``ClearHiddenTests``, a line containing ``BEGIN HIDDEN TESTS``
    (``END HIDDEN TESTS``) opens (closes) a region.

    Returns
    -------
    (str, bool)
        The source without the regions, and whether there was one.
    """
    out, inside, removed = [], False, False
    for number, line in enumerate(source.split("\n"), start=1):
        if "BEGIN HIDDEN TESTS" in line:
            if inside:
                raise ValueError(f"{where}, line {number}: `BEGIN HIDDEN TESTS` inside "
                                 "another hidden-test region; close the first one with "
                                 "`### END HIDDEN TESTS`.")
            inside = removed = True
        elif "END HIDDEN TESTS" in line:
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{where}: `BEGIN HIDDEN TESTS` is never closed; "
                         "add `### END HIDDEN TESTS`.")
    return "\n".join(out), removed


def student_source(source, *, cell_type="code", where="cell"):
    """Replace the solution regions of one cell's source with the stub.

    Parameters
    ----------
    source : str
        The cell's source.
    cell_type : {"code", "markdown"}
        Code regions get :data:`CODE_STUB`, Markdown regions :data:`TEXT_STUB`.
    where : str
        Names the cell in error messages.

    Returns
    -------
    str
        The student source; unchanged when there are no markers.
    """
    lines = source.split("\n")
    out, inside, indent = [], False, ""
    for number, line in enumerate(lines, start=1):
        begin, end = _BEGIN.match(line), _END.match(line)
        if begin:
            if inside:
                raise ValueError(f"{where}, line {number}: `BEGIN SOLUTION` inside "
                                 "another solution region; close the first one with "
                                 "`### END SOLUTION`.")
            inside, indent = True, begin.group(1)
            if cell_type == "code" and not indent:
                raise ValueError(f"{where}, line {number}: a code solution region must "
                                 "be inside a function body (indented), got one at "
                                 "column 0; its stub `raise NotImplementedError()` "
                                 "would stop the student notebook.")
            stub = CODE_STUB if cell_type == "code" else TEXT_STUB
            out.extend(indent + s for s in stub.split("\n"))
        elif end:
            if not inside:
                raise ValueError(f"{where}, line {number}: `END SOLUTION` without a "
                                 "`BEGIN SOLUTION` before it.")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{where}: `BEGIN SOLUTION` is never closed; "
                         "add `### END SOLUTION`.")
    return "\n".join(out)


def student_notebook(nb, *, name="notebook"):
    """Return the student version of a notebook (an ``nbformat.NotebookNode``),
    outputs removed."""
    nb = copy.deepcopy(nb)
    for index, cell in enumerate(nb.cells):
        where = f"{name}, cell {index}"
        source = cell.source
        has_markers = any(_BEGIN.match(line) or _END.match(line)
                          for line in source.split("\n"))
        if _is_solution_cell(cell):
            if has_markers:
                cell.source = student_source(source, cell_type=cell.cell_type,
                                             where=where)
            else:
                cell.source = CODE_STUB if cell.cell_type == "code" else TEXT_STUB
        elif has_markers:
            raise ValueError(f"{where} has solution markers but is not a solution "
                             f"cell: tag it {SOLUTION_TAG!r} (and give it nbgrader "
                             "metadata) or remove the markers.")
        cell.source, hidden = without_hidden_tests(cell.source, where=where)
        if hidden and not _is_grade_cell(cell):
            raise ValueError(f"{where} has a hidden-test region but is not a graded "
                             "cell: give it nbgrader's metadata `\"grade\": true` with "
                             "points and a grade_id (scripts/format_labs.py does it "
                             "for check cells) or remove the region.")
        # What nbgrader's LockCells does with its defaults (it goes by the nbgrader
        # metadata).
        nbgrader = cell.metadata.get("nbgrader", {})
        if nbgrader.get("solution", False):
            cell.metadata["deletable"] = False
        elif nbgrader.get("grade", False):
            cell.metadata["deletable"] = False
            cell.metadata["editable"] = False
    return strip_outputs(nb)


def strip_outputs(nb):
    """Remove outputs and execution counts from every code cell (in place); returns
    ``nb``."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.get("metadata", {}).pop("execution", None)
    return nb


def _notebooks(src):
    src = Path(src)
    if not src.is_dir():
        raise ValueError(f"`src` must be a directory of notebooks, got {str(src)!r}.")
    paths = sorted(p for p in src.rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
    if not paths:
        raise ValueError("`src` must contain .ipynb notebooks, found none in "
                         f"{str(src)!r}.")
    return src, paths


def build_student(src, out):
    """Write the student version of every notebook under ``src`` to ``out``.

    The relative paths stay the same.

    Returns
    -------
    list of pathlib.Path
        The notebooks written.
    """
    import nbformat

    src, paths = _notebooks(src)
    out = Path(out)
    if out.resolve() == src.resolve():
        raise ValueError("`out` must differ from `src`: the student build would "
                         "overwrite the solutions.")
    written = []
    for path in paths:
        rel = path.relative_to(src)
        nb = nbformat.read(path, as_version=4)
        student = student_notebook(nb, name=str(rel))
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(student, target)
        written.append(target)
    return written


def main(argv=None):
    """Entry point of ``python -m nnlearn.classroom``."""
    parser = argparse.ArgumentParser(
        prog="python -m nnlearn.classroom",
        description="Student versions of the labs; stripping outputs.")
    sub = parser.add_subparsers(dest="command", required=True)
    student = sub.add_parser("student", help="write the student versions (solutions "
                                             "replaced by stubs, hidden tests removed)")
    student.add_argument(
        "src", help="directory with the instructor notebooks, e.g. notebooks/")
    student.add_argument("out", help="directory to write the student notebooks to")
    strip = sub.add_parser("strip",
                           help="remove all outputs from the notebooks, in place")
    strip.add_argument("src")
    args = parser.parse_args(argv)
    try:
        if args.command == "student":
            written = build_student(args.src, args.out)
            print(f"Wrote {len(written)} student "
                  f"notebook{'s' if len(written) != 1 else ''} to {args.out}")
        else:
            import nbformat

            _, paths = _notebooks(args.src)
            for path in paths:
                nb = nbformat.read(path, as_version=4)
                nbformat.write(strip_outputs(nb), path)
            print(f"Stripped outputs from {len(paths)} "
                  f"notebook{'s' if len(paths) != 1 else ''}")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
