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


def test_the_slow_groups_are_collected_first():
    from .conftest import SLOW_GROUPS

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-o", "addopts=", "tests/test_activations.py", "tests/test_ch10_claims.py",
         "tests/test_ch07_claims.py"],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    files = []
    for line in done.stdout.splitlines():
        name = line.split("::")[0]
        if "::" in line and name not in files:
            files.append(name)
    assert files == ["tests/test_ch07_claims.py", "tests/test_ch10_claims.py",
                     "tests/test_activations.py"]
    assert SLOW_GROUPS.index("tests/test_ch07_claims.py") < SLOW_GROUPS.index("tests/test_ch10_claims.py")
