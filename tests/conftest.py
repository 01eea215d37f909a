"""Shared test settings: deterministic hypothesis runs, a seeded generator, the built book and
its JupyterLite site.

The book is built once per test run (``site``) and shared by every test that checks it
(``test_book*.py``); ``browser`` is one Chromium for all of them and ``base`` the URL of a local server.
The lite site (``lite_site``, test_lite.py) is built once per run too, apart from the book.
For development only, ``NNLEARN_BOOK_SITE=/path/to/_build/html`` and
``NNLEARN_LITE_SITE=/path/to/_build/html/lite`` reuse sites built earlier instead of building
them; `make test` and CI never set them.

`make test` runs the suite on two processes with pytest-xdist (``-n 2 --dist loadgroup``). Each test
file is one group, so a module-scoped fixture (a JupyterLab server, an nbgrader course, a trained
network) is built once; every test that uses the book joins the group ``book``, so one process builds it
while the other runs the rest. Each build is also guarded by a file lock in the run's shared temporary
folder, so it happens once per run however the tests are distributed.
"""

import json
import os
import pathlib
import subprocess
import sys
import time

import numpy as np
import pytest
from filelock import FileLock
from hypothesis import settings

from .book_checks import (CHROMIUM, CHROMIUM_ARGS, ROOT, image_problems, math_problems,
                          open_page_weighed, overflow_problems, require, serve)

# Same examples on every run (and in CI): a failure can always be reproduced.
settings.register_profile("nnlearn", derandomize=True, max_examples=100, deadline=None)
settings.load_profile("nnlearn")

VENDORED = ROOT / "_vendor" / "vendor"


@pytest.fixture
def rng():
    """A generator with a fixed seed, so every test sees the same numbers."""
    return np.random.default_rng(12345)


def pytest_configure(config):
    # pytest-xdist registers this marker itself; without xdist the groups are simply unused.
    config.addinivalue_line("markers", "xdist_group(name): run the group's tests on one process")


# The slowest groups, slowest first (measured with --durations on a 2-core machine). xdist hands
# out the groups in collection order (with --no-loadscope-reorder, as `make test` runs), so starting
# these first lets the many short groups fill in at the end and both processes finish together.
SLOW_GROUPS = ("book", "tests/test_nbgrader.py", "tests/test_jupyterlab.py",
               "tests/test_lite.py", "tests/test_ch07_claims.py", "tests/test_ch10_claims.py", "tests/test_benchmarks.py",
               "book-more")


def group_of(item):
    """The xdist group of a test: its file, except for the tests that use the built book.

    ``book``: the build (test_every_toc_page_is_built) and the tests that share the desktop load
    of every page (``desktop_page_checks``), on the process that builds the book. ``book-more``:
    the book's other tests (the phone checks, the navigation, the checks that can fail), about
    a minute and a half that the other process takes up after the slow groups, when the book is
    built (the build is shared between the processes, see ``site``).
    """
    names = getattr(item, "fixturenames", ())
    if "site" not in names:
        return item.nodeid.split("::")[0]
    build = item.nodeid.split("[")[0].endswith("::test_every_toc_page_is_built")
    return "book" if build or "desktop_page_checks" in names else "book-more"


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the groups
def pytest_collection_modifyitems(items):
    """Group the tests for ``--dist loadgroup`` and put the slowest groups first."""
    for item in items:
        if not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(group_of(item)))
    rank = {group: i for i, group in enumerate(SLOW_GROUPS)}
    order = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda item: (rank.get(item.get_closest_marker("xdist_group").args[0],
                                          len(rank)), order[id(item)]))


LITE_PYTHON = ROOT / "lite" / ".cache" / "venv" / "bin" / "python"
PYODIDE_NPM = ROOT / "lite" / "node_modules" / "pyodide" / "pyodide-lock.json"


def lite_missing():
    """Why the JupyterLite site cannot be built here (`make lite-deps` installs what it needs), or
    None."""
    if not PYODIDE_NPM.exists():
        return f"{PYODIDE_NPM.relative_to(ROOT)} is missing: run `make lite-deps` (npm ci --prefix lite)"
    if not LITE_PYTHON.exists():
        return f"{LITE_PYTHON.relative_to(ROOT)} is missing: run `make lite-deps`"
    return None


def _shared_folder(tmp_path_factory):
    """The run's temporary folder, common to the xdist workers."""
    shared = tmp_path_factory.getbasetemp()
    return shared.parent if os.environ.get("PYTEST_XDIST_WORKER") else shared


def _once(shared, name, build):
    """Run ``build()`` (returning (exit code, log)) once per run, whichever process asks
    first (a file lock in the shared folder); returns its record ``{code, log, seconds}``."""
    record = shared / f"{name}-build.json"
    with FileLock(str(shared / f"{name}-build.lock")):
        if not record.exists():
            start = time.perf_counter()
            code, log = build()
            seconds = time.perf_counter() - start
            record.write_text(json.dumps({"code": code, "log": log, "seconds": seconds}))
            print(f"\n{name} built in {seconds:.1f} s")
        return json.loads(record.read_text())


def _run(cmd, env=None, timeout=1800):
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                            timeout=timeout, env=env)
    return result.returncode, f"{result.stdout[-6000:]}\n{result.stderr[-3000:]}"


def lite_links():
    """Whether the book built by this run links to a lite site: when one can be had (built by
    ``lite_site``, or NNLEARN_LITE_SITE)."""
    return bool(os.environ.get("NNLEARN_LITE_SITE")) or lite_missing() is None


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The book built with -W -n --keep-going, once per run; returns its html folder.

    Its chapters link to the JupyterLite site (``lite/``, built apart by ``lite_site``; see
    ``linked_site``) when `make lite-deps` has installed what that site's build needs, as
    `make test` does; otherwise (NNLEARN_LITE_PATH="") the pages carry no such links.
    """
    reuse = os.environ.get("NNLEARN_BOOK_SITE")
    if reuse:
        return pathlib.Path(reuse)
    if not (VENDORED / "mathjax" / "tex-chtml-full.js").exists():
        pytest.fail("the npm assets are missing: run `make vendor` (the README's commands do)")
    shared = _shared_folder(tmp_path_factory)
    out = shared / "book"
    env = {**os.environ, **({} if lite_links() else {"NNLEARN_LITE_PATH": ""})}
    jupyter_book = pathlib.Path(sys.executable).with_name("jupyter-book")
    built = _once(shared, "book", lambda: _run(
        [jupyter_book, "build", ROOT, "--path-output", out, "-W", "-n", "--keep-going"],
        env=env))
    if built["code"] != 0:
        pytest.fail(f"the book build failed (exit {built['code']}):\n{built['log']}")
    return out / "_build" / "html"


@pytest.fixture(scope="session")
def lite_site(tmp_path_factory):
    """The JupyterLite site (scripts/build_lite.py, as `make book` builds it), once per run and
    apart from the book, so that its tests need not wait for the book; returns its folder.

    NNLEARN_LITE_SITE names a built one instead (e.g. ``_build/html/lite`` after `make book`).
    Skipped where `make lite-deps` has not installed its build environment, failed instead if
    NNLEARN_REQUIRE_LITE is set (`make test` sets it).
    """
    given = os.environ.get("NNLEARN_LITE_SITE")
    if given:
        folder = pathlib.Path(given)
        folder = folder if folder.is_absolute() else ROOT / folder
        if not (folder / "repl" / "index.html").exists():
            pytest.fail(f"NNLEARN_LITE_SITE={given}: no repl/index.html there; build it with "
                        "scripts/build_lite.py")
        return folder.resolve()
    missing = lite_missing()
    if missing:
        if os.environ.get("NNLEARN_REQUIRE_LITE"):
            pytest.fail(f"the lite site cannot be built: {missing} (NNLEARN_REQUIRE_LITE is set)")
        pytest.skip(f"the lite site cannot be built: {missing}")
    shared = _shared_folder(tmp_path_factory)
    out = shared / "lite"
    built = _once(shared, "lite", lambda: _run(
        [sys.executable, ROOT / "scripts" / "build_lite.py", out], timeout=1200))
    if built["code"] != 0:
        pytest.fail(f"the lite site's build failed (exit {built['code']}):\n{built['log']}")
    return out


@pytest.fixture(scope="session")
def linked_site(site, request):
    """The book's html folder with the lite site at ``lite/`` (a link to ``lite_site``'s) when
    its pages link there, as in `make book`'s output."""
    if "nnlearn-run-in-browser" not in (site / "book" / "labs.html").read_text(encoding="utf-8"):
        return site
    lite = request.getfixturevalue("lite_site")
    folder = site / "lite"
    if not folder.exists():
        try:
            folder.symlink_to(lite, target_is_directory=True)
        except FileExistsError:  # the other process made it
            pass
    return site


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, driven by Playwright) for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright is not installed")
    require(os.path.exists(CHROMIUM), f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def base(site):
    """The built book served on 127.0.0.1 for the session."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def desktop_page_checks(browser, base):
    """``checks(path)``: every check of a page at 1366×768 from one load, done once per run.

    Returns ``{"problems": [...], "axe": [...], "weights": {url: bytes}}``: console errors,
    requests outside the site, failed requests, math not typeset, images not loaded and code
    blocks that scroll sideways (test_book.py), axe-core's critical and serious violations
    (test_book_a11y.py; None when axe-core is not installed), and the bytes of every response
    of the cold load (test_book_weight.py). axe runs before the hidden code is opened for the
    overflow check, on the page as a reader first sees it.
    """
    from .test_book_a11y import AXE, axe_on, documented_chrome_violations

    done = {}

    def checks(path):
        if path not in done:
            page, problems, weights = open_page_weighed(browser, base, path)
            try:
                problems += math_problems(page)
                problems += image_problems(page)
                axe = (axe_on(page, path, documented_chrome_violations()) if AXE.exists()
                       else None)
                problems += overflow_problems(page)
            finally:
                page.context.close()
            done[path] = {"problems": problems, "axe": axe, "weights": weights}
        return done[path]

    return checks

