"""Put the lab notebooks in their committed form: no outputs, nbgrader metadata on solution cells.

    python scripts/format_labs.py            # rewrite notebooks/*.ipynb in place
    python scripts/format_labs.py --check    # exit 1 if any notebook is not in that form (used by the tests)

A cell tagged ``solution`` gets nbgrader's metadata for an autograded answer
cell (``"solution": true``, a unique ``grade_id``), so the labs can be
released with ``nbgrader generate_assignment`` as they are.  Outputs and
execution counts are removed; jupytext's metadata (labs may be drafted as
MyST markdown and converted) is dropped.
"""

import argparse
import copy
import sys
from pathlib import Path

import nbformat

from nnlearn.classroom import SOLUTION_TAG, strip_outputs

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def formatted(nb, stem):
    """Return the committed form of notebook ``nb`` whose file name is ``stem``.ipynb."""
    nb = strip_outputs(copy.deepcopy(nb))
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    n_solution = 0
    for cell in nb.cells:
        meta = cell.metadata
        tags = meta.get("tags", [])
        if SOLUTION_TAG in tags:
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
        new = formatted(nb, path.stem)
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
