"""Every lab in a real JupyterLab, driven in Debian's Chromium by Playwright.

The test starts JupyterLab on 127.0.0.1 with a token (as root it needs ``--allow-root``) and loads it
once in one page, as a learner keeps it open; there it opens each lab in turn, alone (the instructor
version, so every check has something to check), runs all cells, and then, in the browser:

* every explorer's widget is rendered (its controls and its figure);
* moving one control per explorer changes the figure it shows;
* no cell shows an error or anything on stderr.

Then lab 12's playground is driven further (issue 18): Step trains (the figure and the network view change,
the state string does not), "map shows" puts a neuron's map in the figure, and a new hidden layer rebuilds
the network view, the list of nodes and the state string.

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


def _open_with_kernel(page, lab):
    """Open ``lab`` alone, as the current panel, and wait until its kernel is idle."""
    page.evaluate(OPEN, lab.name)
    page.wait_for_function("() => document.querySelector('.jp-Notebook .jp-CodeCell')",
                           timeout=60_000)
    # Accept the kernel dialog if JupyterLab asks, and wait for the kernel.
    deadline = time.time() + 90
    while page.evaluate(KERNEL_STATUS) != "idle":
        accept = page.locator(".jp-Dialog button.jp-mod-accept")
        if accept.count():
            accept.first.click()
        assert time.time() < deadline, "the kernel did not start"
        time.sleep(0.2)


def _run_lab(_chromium, state, lab):
    page, url, token, outside = state["page"], state["url"], state["token"], state["outside"]
    try:
        # Only this lab is open, and it is the current panel; then run everything.
        _open_with_kernel(page, lab)
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
        # The option shown now, and another one (by index: the texts have no-break spaces).
        current = select.first.evaluate("s => s.selectedIndex")
        n_options = select.first.locator("option").count()
        select.first.select_option(index=next(i for i in range(n_options) if i != current))
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


# -- the playground's network view, in the browser (issue 18) -------------------------------------------

PLAYGROUND_LAB = ROOT / "notebooks" / "12-playground.ipynb"

# Every message of the current kernel on IOPub that is an error or goes to stderr, kept in the page: it
# also catches what a widget's callback raises or prints (JupyterLab shows that in no cell, only in its
# log console).
WATCH_KERNEL = """() => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  window.nnlearnKernelErrors = [];
  kernel.iopubMessage.connect((_, msg) => {
    const type = msg.header.msg_type, content = msg.content;
    if (type === 'error' || (type === 'stream' && content.name === 'stderr')) {
      const text = type === 'error' ? content.ename + ': ' + content.evalue : content.text;
      window.nnlearnKernelErrors.push(text);
    }
  });
}"""
RUN_ABOVE = """(index) => {
  const app = window.jupyterapp;
  app.shell.currentWidget.content.activeCellIndex = index;
  app.commands.execute('notebook:run-all-above');
}"""
# The bytes an <img> shows (its src is a blob: URL, new at every update), as a SHA-256 digest.
DIGEST = """async (img) => {
  let bytes;
  try { bytes = await (await fetch(img.getAttribute('src'))).arrayBuffer(); } catch (e) { return null; }
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...hash].map(b => b.toString(16).padStart(2, '0')).join('');
}"""


def _playground_cell(lab):
    """Index of the first cell of ``lab`` whose value is a ``Playground(...)`` (so it shows the widget)."""
    import ast

    for i, cell in enumerate(json.loads(lab.read_text())["cells"]):
        if cell["cell_type"] != "code":
            continue
        body = ast.parse("".join(cell["source"])).body
        if body and isinstance(body[-1], ast.Expr) and isinstance(body[-1].value, ast.Call) \
                and getattr(body[-1].value.func, "id", None) == "Playground":
            return i
    return None


def test_lab_12_shows_a_playground_widget():
    assert _playground_cell(PLAYGROUND_LAB) is not None, f"{PLAYGROUND_LAB.name} shows no Playground"


def test_playground_network_view_trains_in_jupyterlab(lab_page, browser):
    """Lab 12's playground in JupyterLab: Step trains (the decision map and the network view change, the
    state string does not), "map shows" puts a neuron's map in the figure, and a new hidden layer rebuilds
    the network view, the list of nodes and the state string."""
    index = _playground_cell(PLAYGROUND_LAB)
    assert index is not None, f"{PLAYGROUND_LAB.name} shows no Playground"
    browser(_drive_playground, lab_page, PLAYGROUND_LAB, index)


def _control(widget, description):
    """The control of ``widget`` whose description is ``description`` (found by its label, not its place)."""
    control = widget.locator(f".widget-inline-hbox:has(> label.widget-label:text-is('{description}'))")
    assert control.count() == 1, f"{control.count()} controls described {description!r}"
    return control


def _options(select):
    """The texts of a Dropdown's options (ipywidgets writes their spaces as no-break spaces)."""
    return [o.replace("\xa0", " ") for o in select.locator("option").all_inner_texts()]


def _choose(select, text):
    """Choose the option ``text`` of a Dropdown, as a learner does."""
    select.select_option(index=_options(select).index(text))


def _digest(page, image):
    """SHA-256 of the bytes ``image`` shows (None while its blob: URL is being replaced)."""
    return page.evaluate(DIGEST, image.element_handle())


def _wait_for_image(page, image, what, *, other_than=None, equal_to=None):
    """Wait until ``image`` shows bytes other than the digest ``other_than`` (or equal to ``equal_to``);
    return their digest.  Its ``src`` alone tells nothing: ipywidgets makes a new blob: URL at every change
    of the model (the explorer sets the image's tooltip after each new figure), the same bytes or not."""
    deadline = time.time() + 20
    while True:
        digest = _digest(page, image)
        if digest is not None and (digest == equal_to if equal_to else digest != other_than):
            return digest
        assert time.time() < deadline, f"{what}: not shown within 20 s (it shows {digest})"
        time.sleep(0.05)


def _selected(select):
    """The text of a Dropdown's selected option, or None when it shows none."""
    i = select.evaluate("s => s.selectedIndex")
    return None if i < 0 else _options(select)[i]


def _drive_playground(_chromium, state, lab, index):
    page, url, token, outside = state["page"], state["url"], state["token"], state["outside"]
    idle = "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'"
    try:
        _open_with_kernel(page, lab)
        page.evaluate(WATCH_KERNEL)
        # Run the lab up to its playground (the cells after it train and grade: not needed here).
        page.evaluate(RUN_ABOVE, index + 1)
        cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
        widget = cell.locator(".jp-OutputArea-output .widget-hbox:has(.widget-image)").first
        widget.wait_for(state="visible", timeout=60_000)
        # The figure is the first image; the network view is the image after "map shows".
        main = widget.locator("img.widget-image").first
        select = _control(widget, "map shows").locator("select")
        network = widget.locator(
            ".widget-inline-hbox:has(> label.widget-label:text-is('map shows')) ~ img.widget-image")
        state_text = _control(widget, "state").locator("input")
        for image in (main, network):
            image.wait_for(state="visible", timeout=30_000)
        page.wait_for_function(idle, timeout=30_000)
        figure, view, settings = _digest(page, main), _digest(page, network), state_text.input_value()
        assert figure and view and figure != view
        assert settings.startswith("v=1&") and "dataset=circle" in settings.split("&"), settings
        assert _selected(select) == "the decision map"

        # 1. Step trains: at every step the figure and the network view change; the settings do not.
        step = widget.locator("button:text-is('step')")
        for i in range(1, 4):
            step.click()
            figure = _wait_for_image(page, main, f"the figure after step {i}", other_than=figure)
            view = _wait_for_image(page, network, f"the network view after step {i}", other_than=view)
        assert state_text.input_value() == settings

        # 2. "map shows" a hidden neuron: the figure shows its map, and the decision map again when asked.
        options = _options(select)
        assert options[0] == "the decision map" and "hidden 2, neuron 1" in options, options
        decision_map = figure
        _choose(select, "hidden 2, neuron 1")
        neuron = _wait_for_image(page, main, "the figure, for hidden 2, neuron 1", other_than=decision_map)
        _choose(select, "the decision map")
        _wait_for_image(page, main, "the figure, back to the decision map", equal_to=decision_map)
        page.wait_for_function(idle, timeout=30_000)
        assert _selected(select) == "the decision map"
        _choose(select, "hidden 2, neuron 1")
        _wait_for_image(page, main, "the figure, for hidden 2, neuron 1 again", equal_to=neuron)
        page.wait_for_function(idle, timeout=30_000)
        assert _selected(select) == "hidden 2, neuron 1"
        assert state_text.input_value() == settings

        # 3. One hidden layer of 3: a new network view, its nodes in "map shows" (hidden 2 is gone, and
        # with it the node shown: the figure shows the new decision map), and the state string says so.
        hidden = _control(widget, "hidden").locator("input")
        hidden.fill("3")
        hidden.press("Enter")
        _wait_for_image(page, network, "the network view after hidden = 3", other_than=view)
        figure = _wait_for_image(page, main, "the figure after hidden = 3", other_than=neuron)
        assert figure != decision_map
        deadline = time.time() + 20
        while "hidden 1, neuron 3" not in (options := _options(select)) or "hidden 2, neuron 1" in options:
            assert time.time() < deadline, f'"map shows" does not list the new network\'s nodes: {options}'
            time.sleep(0.05)
        page.wait_for_function(idle, timeout=30_000)
        options = _options(select)
        assert [o for o in options if o.startswith("hidden")] == [f"hidden 1, neuron {i}" for i in (1, 2, 3)]
        assert _selected(select) == "the decision map"
        # What the figure shows is the decision map: a neuron's map, then the decision map, draw it again.
        _choose(select, "hidden 1, neuron 3")
        _wait_for_image(page, main, "the figure, for hidden 1, neuron 3", other_than=figure)
        _choose(select, "the decision map")
        _wait_for_image(page, main, "the figure, back to the new decision map", equal_to=figure)
        deadline = time.time() + 20
        while state_text.input_value() == settings:
            assert time.time() < deadline, f"the state string did not change: {settings}"
            time.sleep(0.05)
        new_settings = state_text.input_value()
        assert "hidden=3" in new_settings.split("&"), new_settings
        assert {s for s in settings.split("&") if not s.startswith("hidden=")} <= set(new_settings.split("&"))

        # 4. Regression: the data set switches the loss to MSE and disables the label flips; training
        # changes the network view; the two switches change the figure; the state string has it all.
        _choose(_control(widget, "data").locator("select"), "multigauss (regression)")
        view = _wait_for_image(page, network, "the network view of the regression problem", other_than=view)
        page.wait_for_function(idle, timeout=30_000)
        assert _selected(_control(widget, "loss").locator("select")) == "mse"
        assert _control(widget, "label flips").evaluate("e => !!e.querySelector('[disabled]')")
        figure = _digest(page, main)
        step.click()
        view = _wait_for_image(page, network, "the regression network view after a step", other_than=view)
        figure = _wait_for_image(page, main, "the regression map after a step", other_than=figure)
        for switch in ("discretize output", "show test data"):
            widget.locator(f".widget-checkbox:has-text('{switch}') input").click()
            figure = _wait_for_image(page, main, f"the figure after {switch}", other_than=figure)
        page.wait_for_function(idle, timeout=30_000)
        fields = set(state_text.input_value().split("&"))
        assert {"dataset=multigauss", "loss=mse", "discretize=true", "show_test=false"} <= fields, fields

        # 5. Nothing went wrong on the way, in a cell or in a callback, and nothing left the server.
        page.wait_for_function(idle, timeout=30_000)
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
                              ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
        assert errors.count() == 0, errors.first.inner_text()[:2000]
        assert page.evaluate("() => window.nnlearnKernelErrors") == []
        assert not outside, f"requests outside the server: {outside[:5]}"
    finally:
        page.evaluate(CLOSE)
        _shut_down_kernels(url, token)
