"""Write each chapter's .ipynb twin next to its MyST source, for the launch buttons.

The chapters are MyST markdown (book/**/*.md). Binder, Colab and JupyterHub open notebooks, and
sphinx-book-theme points its launch buttons at ``<chapter>.ipynb`` when that file exists beside the
source. This script writes those twins: the same cells, no outputs, plus a first cell that installs
nnlearn where it is missing (Colab has no copy of this repository). The .md stays the only source;
tests/test_notebooks_sync.py fails when a twin is out of date.

    python scripts/sync_notebooks.py          # write the twins
    python scripts/sync_notebooks.py --check  # list the ones that differ; exit 1 if any
"""

import argparse
import pathlib
import sys

import jupytext
import nbformat
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]


def repository_url():
    """The book's repository, as set (once) in _config.yml."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["repository"]["url"].rstrip("/")


SETUP = f'''# Setup for Colab, Binder or a JupyterHub: install nnlearn if this kernel does not have it.
try:
    import nnlearn
except ImportError:
    %pip install --quiet "nnlearn[course] @ git+{repository_url()}"'''


def chapters():
    """MyST notebooks under book/ (markdown files with a kernelspec)."""
    for path in sorted((ROOT / "book").rglob("*.md")):
        if "kernelspec:" in path.read_text().split("\n---", 1)[0]:
            yield path


def twin(source):
    """The notebook for ``source``: its cells, no outputs, a setup cell first."""
    nb = jupytext.read(source)
    setup = nbformat.v4.new_code_cell(SETUP, metadata={"tags": ["remove-cell"]})
    nb.cells.insert(0, setup)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # deterministic, so that an unchanged chapter gives an unchanged twin
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("jupytext", None)
    return nbformat.writes(nb) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report out-of-date twins instead of writing")
    args = parser.parse_args(argv)
    stale = []
    for source in chapters():
        target, text = source.with_suffix(".ipynb"), twin(source)
        if not target.exists() or target.read_text() != text:
            stale.append(target.relative_to(ROOT))
            if not args.check:
                target.write_text(text)
    for path in stale:
        print(("out of date: " if args.check else "wrote ") + str(path))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
