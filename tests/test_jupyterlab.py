"""Every lab in a real JupyterLab, driven in Debian's Chromium by Playwright.

The test starts JupyterLab on 127.0.0.1 with a token (as root it needs ``--allow-root``) and loads it
once in one page, as a learner keeps it open; there it opens each lab in turn, alone (the instructor
version, so every check has something to check), runs all cells, and then, in the browser:

* every explorer's widget is rendered (its controls and its figure);
* moving one control per explorer changes the figure it shows;
* no cell shows an error or anything on stderr.

The server is stopped by its PID at the end.  Skipped when JupyterLab, Playwright or Chromium is missing,
unless NNLEARN_REQUIRE_BROWSER is set (as `make test` and CI do), in which case that is a failure.
"""

import concurrent.futures
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .book_checks import CHROMIUM, CHROMIUM_ARGS, require

ROOT = Path(__file__).resolve().parents[1]
LABS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        require(False, "JupyterLab is not installed")
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    root = tmp_path_factory.mktemp("labs")
    for lab in LABS:
        shutil.copy(lab, root / lab.name)
    settings = root / ".settings"
    # No news or update checks (no requests leave the machine) and every cell kept in the page.
    for plugin, values in {"@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                                           "checkForUpdates": False},
                           "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"}}.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    token, port = secrets.token_hex(16), _free_port()
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(root / ".ws"),
               MPLBACKEND="Agg")
    env.pop("NNLEARN_EXPECT", None)
    log = open(root / ".server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--allow-root", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
         "--ServerApp.disable_check_xsrf=False"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited: {(root / '.server.log').read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer within 120 s")
        yield url, token
    finally:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    assert server.poll() is not None


@pytest.fixture(scope="module")
def browser(jupyterlab):
    """Run ``fn(browser, *args)`` in the one thread that owns Playwright and Chromium.

    Playwright's sync API refuses to run in a thread where an asyncio loop is running (which other
    tests' libraries may leave behind in the main thread), so all browser work happens in a thread
    of its own.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright is not installed")
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)

    def start():
        playwright = sync_playwright().start()
        return playwright, playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    playwright, chromium = pool.submit(start).result()
    try:
        yield lambda fn, *args: pool.submit(fn, chromium, *args).result()
    finally:
        pool.submit(lambda: (chromium.close(), playwright.stop())).result()
        pool.shutdown()


KERNEL_STATUS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const session = panel && panel.sessionContext && panel.sessionContext.session;
  return session && session.kernel ? session.kernel.status : null;
}"""
RUN_ALL = "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
STATE = """() => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
  const prompts = cells.map(c => (c.querySelector('.jp-InputPrompt') || {}).textContent || '');
  return {n: cells.length, done: prompts.filter(t => /\\[\\d+\\]/.test(t)).length,
          busy: prompts.filter(t => t.includes('*')).length};
}"""


@pytest.fixture(scope="module")
def lab_page(jupyterlab, browser):
    """One JupyterLab page for every lab, as a learner keeps one open: the app loads once."""
    url, token = jupyterlab
    state = browser(_open_jupyterlab, url, token)
    yield state
    browser(lambda _chromium: state["context"].close())


def _open_jupyterlab(browser, url, token):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url)
                  or route.request.url.startswith(("data:", "blob:")) else (outside.append(route.request.url),
                                                                           route.abort()))
    page = context.new_page()
    # A workspace of its own, reset: nothing open but the file browser.
    page.goto(f"{url}/lab/workspaces/labs?reset&token={token}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started !== undefined",
                           timeout=60_000)
    page.evaluate("() => window.jupyterapp.started")
    return {"context": context, "page": page, "outside": outside, "url": url, "token": token}


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.stem)
def test_lab_runs_in_jupyterlab_with_live_explorers(lab, lab_page, browser):
    browser(_run_lab, lab_page, lab)


OPEN = """async (path) => {
  const app = window.jupyterapp;
  await app.commands.execute('application:close-all');
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await panel.context.ready;
  app.shell.activateById(panel.id);
}"""
CLOSE = """async () => {
  const app = window.jupyterapp, panel = app.shell.currentWidget;
  if (panel && panel.context) { await panel.context.save(); }
  await app.commands.execute('application:close-all');
}"""


def _run_lab(_chromium, state, lab):
    page, url, token, outside = state["page"], state["url"], state["token"], state["outside"]
    try:
        # Only this lab is open, and it is the current panel.
        page.evaluate(OPEN, lab.name)
        page.wait_for_function("() => document.querySelector('.jp-Notebook .jp-CodeCell')",
                               timeout=60_000)
        # Accept the kernel dialog if JupyterLab asks, wait for the kernel, then run everything.
        deadline = time.time() + 90
        while page.evaluate(KERNEL_STATUS) != "idle":
            accept = page.locator(".jp-Dialog button.jp-mod-accept")
            if accept.count():
                accept.first.click()
            assert time.time() < deadline, "the kernel did not start"
            time.sleep(0.2)
        page.evaluate(RUN_ALL)
        deadline = time.time() + 180
        while True:
            state_now = page.evaluate(STATE)
            if state_now["done"] == state_now["n"] and state_now["busy"] == 0:
                break
            assert time.time() < deadline, f"cells did not finish running: {state_now}"
            time.sleep(0.2)
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
                              ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
        assert errors.count() == 0, errors.first.inner_text()[:2000]
        # Each explorer: a widget with controls and a figure (an <img> fed by the kernel).
        widgets = page.locator(".jp-OutputArea-output .widget-vbox:has(.widget-image)")
        assert widgets.count() >= 1, "no explorer widget rendered"
        for i in range(widgets.count()):
            widget = widgets.nth(i)
            if widget.locator(".widget-vbox:has(.widget-image)").count():
                continue  # an outer box: its inner explorer is checked on its own
            image = widget.locator("img.widget-image").first
            image.wait_for(state="visible", timeout=30_000)
            before = image.get_attribute("src")
            _move_one_control(widget)
            page.wait_for_function("([img, before]) => img.getAttribute('src') !== before",
                                   arg=[image.element_handle(), before], timeout=30_000)
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count() == 0
        assert not outside, f"requests outside the server: {outside[:5]}"
    finally:
        page.evaluate(CLOSE)
        _shut_down_kernels(url, token)


def _shut_down_kernels(url, token):
    """Delete every session (and its kernel) through the REST API, so labs do not pile up kernels."""
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{url}/api/sessions", headers=headers)) as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(f"{url}/api/sessions/{session['id']}", headers=headers, method="DELETE")
        urllib.request.urlopen(request).close()


def _move_one_control(widget):
    """Change the first control of an explorer the way a learner would."""
    select = widget.locator(".widget-dropdown select")
    if select.count():
        options = select.first.locator("option").all_inner_texts()
        current = select.first.input_value()
        choice = next(o for o in options if o != current)
        select.first.select_option(label=choice)
        return
    slider = widget.locator(".widget-slider:has(.noUi-handle), .widget-hslider:has(.noUi-handle)")
    if slider.count():
        handle, readout = slider.first.locator(".noUi-handle").first, slider.first.locator(".widget-readout")
        before = readout.inner_text() if readout.count() else None
        handle.focus()
        handle.press("ArrowRight")
        if readout.count() and readout.inner_text() == before:  # already at its maximum
            handle.press("ArrowLeft")
        return
    toggle = widget.locator(".widget-toggle-button, .widget-checkbox input, button")
    assert toggle.count(), "the explorer has no control the test knows how to move"
    toggle.first.click()
