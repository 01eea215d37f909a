"""`make test` runs on two processes; the grouping it relies on must really happen.

tests/conftest.py puts each file's tests in one xdist group (the book's in ``book``), so that a
module fixture (a JupyterLab server, an nbgrader course) is built once and the book once per run.
If pytest-xdist stopped honouring the groups (as it silently does with pytest 9.2), every fixture
would be built on both processes and the run would take minutes longer.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("xdist")

ROOT = Path(__file__).resolve().parents[1]
# Three small files that run in well under a second each (no property-based tests).
FILES = ["tests/test_init.py", "tests/test_validation.py", "tests/test_gradcheck.py"]


def test_each_file_runs_on_one_process():
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "--no-loadscope-reorder",
         "-v", "-p", "no:cacheprovider", "-o", "addopts=", *FILES],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    workers = {}
    for worker, nodeid in re.findall(r"^\[(gw\d)\] \[ *\d+%\] PASSED (\S+)", done.stdout, re.M):
        workers.setdefault(nodeid.split("::")[0], set()).add(worker)
    assert sorted(workers) == sorted(FILES), done.stdout[-3000:]
    assert all(len(w) == 1 for w in workers.values()), workers  # no file split between processes
    assert len(set().union(*workers.values())) == 2, workers     # and both processes used


class _Item:
    """Just what conftest.py's collection hook reads of a collected test."""

    def __init__(self, nodeid, fixturenames=()):
        self.nodeid, self.fixturenames, self.markers = nodeid, fixturenames, []

    def get_closest_marker(self, name):
        return next((m for m in self.markers if m.name == name), None)

    def add_marker(self, marker):
        self.markers.append(marker.mark)


def test_the_slow_groups_come_first_and_the_book_is_built_where_its_pages_are_checked():
    from .conftest import SLOW_GROUPS, pytest_collection_modifyitems

    items = [_Item("tests/test_activations.py::test_a"),
             _Item("tests/test_book_phone.py::test_p[a]", ("base", "site")),
             _Item("tests/test_ch10_claims.py::test_c"),
             _Item("tests/test_book.py::test_page[a]", ("desktop_page_checks", "base", "site")),
             _Item("tests/test_activations.py::test_a2"),
             _Item("tests/test_book.py::test_every_toc_page_is_built", ("site",)),
             _Item("tests/test_ch07_claims.py::test_c")]
    pytest_collection_modifyitems(items)
    assert [i.nodeid for i in items] == [
        "tests/test_book.py::test_page[a]", "tests/test_book.py::test_every_toc_page_is_built",
        "tests/test_ch07_claims.py::test_c", "tests/test_ch10_claims.py::test_c",
        "tests/test_book_phone.py::test_p[a]", "tests/test_activations.py::test_a",
        "tests/test_activations.py::test_a2"]
    groups = [i.get_closest_marker("xdist_group").args[0] for i in items]
    assert groups == ["book", "book", "tests/test_ch07_claims.py", "tests/test_ch10_claims.py",
                      "book-more", "tests/test_activations.py", "tests/test_activations.py"]
    assert SLOW_GROUPS.index("tests/test_ch07_claims.py") < SLOW_GROUPS.index("tests/test_ch10_claims.py")
