"""Put the lab notebooks in their committed form: no outputs, nbgrader metadata on solution cells.

    python scripts/format_labs.py            # rewrite notebooks/*.ipynb in place
    python scripts/format_labs.py --check    # exit 1 if any notebook is not in that form (used by the tests)

A cell tagged ``solution`` gets nbgrader's metadata for an autograded answer
cell (``"solution": true``, a unique ``grade_id``).  A check cell, one line
``ex.q1.check(sigmoid)``, becomes an nbgrader autograder-test cell worth one
point (``"grade": true``, ``"locked": true``, ``grade_id`` like
``03-activations-q1``) whose source is the visible check followed by the
grading call in a hidden-test region::

    ex.q1.check(sigmoid)
    ### BEGIN HIDDEN TESTS
    ex.q1.grade(sigmoid)
    ### END HIDDEN TESTS

``nbgrader generate_assignment`` (and ``python -m nnlearn.classroom
student``) release only the check; ``nbgrader autograde`` puts the hidden
``grade`` call back, which raises unless the answer is correct.  So the labs
can be released and graded with nbgrader as they are.  Outputs and execution
counts are removed; jupytext's metadata (labs may be drafted as MyST markdown
and converted) is dropped.  Running the script again changes nothing.
"""

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

from nnlearn.classroom import HIDDEN_TESTS_BEGIN, HIDDEN_TESTS_END, SOLUTION_TAG, strip_outputs

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
#: Points of one question's autograder-test cell.
POINTS = 1

_CHECK_CALL = re.compile(r"\bex\.q\d+\.check\(")
_CHECK_LINE = re.compile(r"^ex\.(q\d+)\.check\((.+)\)\s*$")
_GRADE_LINE = re.compile(r"^ex\.q\d+\.grade\(.+\)\s*$")


def graded_source(question, answer):
    """The source of the graded check cell of ``question`` (e.g. ``"q1"``) checking ``answer``."""
    return "\n".join([f"ex.{question}.check({answer})", HIDDEN_TESTS_BEGIN,
                      f"ex.{question}.grade({answer})", HIDDEN_TESTS_END])


def graded_check(source, where):
    """``(question, answer)`` if ``source`` is a check cell, plain or graded, else ``None``.

    A check cell is the one line ``ex.qN.check(answer)``, optionally followed by the hidden-test
    region this script writes (which is rewritten from the check line, so editing the check is
    enough); anything else that calls ``check`` is an error (the grading call could not be derived
    from it).
    """
    if not _CHECK_CALL.search(source):
        return None
    lines = source.strip("\n").split("\n")
    match = _CHECK_LINE.match(lines[0])
    hidden = lines[1:]
    ours = len(hidden) == 3 and _GRADE_LINE.match(hidden[1]) and \
        (hidden[0], hidden[2]) == (HIDDEN_TESTS_BEGIN, HIDDEN_TESTS_END)
    if match and (not hidden or ours):
        return match.groups()
    raise ValueError(f"{where}: a check cell must be the single line `ex.qN.check(answer)` (the "
                     f"script adds the hidden `ex.qN.grade(answer)` call), got {source!r}; move "
                     "other code to its own cell.")


def formatted(nb, stem):
    """Return the committed form of notebook ``nb`` whose file name is ``stem``.ipynb."""
    nb = strip_outputs(copy.deepcopy(nb))
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    n_solution = 0
    graded = set()
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata
        tags = meta.get("tags", [])
        check = None
        if cell.cell_type == "code" and SOLUTION_TAG not in tags:
            check = graded_check(cell.source, f"{stem}, cell {index}")
        if check:
            question, answer = check
            if question in graded:
                raise ValueError(f"{stem}, cell {index}: {question} is checked twice; keep one "
                                 "check cell per question (it is the question's graded cell).")
            graded.add(question)
            cell.source = graded_source(question, answer)
            meta["nbgrader"] = {"grade": True, "grade_id": f"{stem}-{question}", "locked": True,
                                "points": POINTS, "schema_version": 3, "solution": False,
                                "task": False}
        elif SOLUTION_TAG in tags:
            n_solution += 1
            meta["nbgrader"] = {"grade": False, "grade_id": f"{stem}-solution-{n_solution}", "locked": False,
                                "schema_version": 3, "solution": True, "task": False}
        else:
            meta.pop("nbgrader", None)
        if not tags:
            meta.pop("tags", None)
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    paths = args.paths or sorted((ROOT / "notebooks").glob("*.ipynb"))
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            new = formatted(nb, path.stem)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        text = nbformat.writes(new) + "\n"
        if path.read_text(encoding="utf-8") != text:
            stale.append(path)
            if not args.check:
                path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("Not in committed form (run python scripts/format_labs.py):", *map(str, stale), sep="\n  ")
        return 1
    if not args.check:
        print(f"Formatted {len(paths)} notebooks ({len(stale)} changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
