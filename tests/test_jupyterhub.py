"""A real JupyterHub on 127.0.0.1 serving a lab to two learners (deploy/jupyterhub_config.py).

The module starts ``jupyterhub -f deploy/jupyterhub_config.py`` once, on free ports, with the npm
``configurable-http-proxy`` from node_modules, the dummy authenticator (a shared test password), the
local-process spawner (one directory per learner under a temporary directory) and an admin token for
the REST API.  Through the hub it then:

* logs in with the shared password (and is refused with a wrong one);
* creates two learners, starts their servers and gives each a token of their own;
* checks that the config's start hook copied the student labs into each learner's ``labs/``;
* puts the student version of lab 3 into each learner's directory through that learner's
  server (contents API, through the hub's proxy), each learner filling in a different answer,
  and runs every code cell in the learner's own kernel over the kernel websocket: each check
  says "correct" for the learner who answered it and "not attempted" for the other;
* checks isolation: a learner's file is not in the other's listing and one learner's token cannot
  read the other's server.

Everything is stopped by PID (process groups) at the end, and the test checks that stopping the
hub stopped every process it started.  Skipped when configurable-http-proxy (or node) cannot be
found, unless the environment variable CI is set, in which case that is a failure (``make test``
installs it with ``npm ci``).
"""

import importlib.util
import json
import os
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from .book_checks import stop_process_group

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
LEARNERS = ("alice", "bob")
LAB = "03-activations.ipynb"
# What each learner writes into the student lab 3: a correct answer to one question each.
ANSWERS = {
    "alice": ("relu", "def relu(z):\n    return np.maximum(0.0, z)\n"),
    "bob": (
        "sigmoid",
        "def sigmoid(z):\n    e = np.exp(-np.abs(z))\n"
        "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n",
    ),
}
QUESTION = {"sigmoid": "question 1", "relu": "question 3"}
TIMEOUT = 60  # seconds for any one step: a start, a request, a cell


def _require_proxy():
    """The path of configurable-http-proxy, or skip (fail when CI is set) saying what is missing."""
    proxy = PROXY if PROXY.exists() else shutil.which("configurable-http-proxy")
    reason = None
    if proxy is None:
        reason = "configurable-http-proxy not found (run `npm ci` for node_modules/.bin)"
    elif shutil.which("node") is None:
        reason = "node is not on PATH, so configurable-http-proxy cannot run"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI is set, so the JupyterHub test is required")
        pytest.skip(reason)
    return Path(proxy)


def _free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Hub:
    """The running hub: its public URL, admin token, state directory and a REST helper."""

    def __init__(self, url, token, password, state, labs):
        import requests

        self.url, self.token, self.password = url, token, password
        self.state, self.labs = state, labs
        self.http = requests.Session()

    def api(self, method, path, token=None, **kwargs):
        """A request to the hub's REST API (``/hub/api/...``) with the admin token or ``token``."""
        headers = {"Authorization": f"token {token or self.token}"}
        return self.http.request(
            method, f"{self.url}/hub/api{path}", headers=headers, timeout=TIMEOUT, **kwargs
        )

    def server(self, method, user, path, token, **kwargs):
        """A request to ``user``'s single-user server through the proxy, with ``token``."""
        return self.http.request(
            method,
            f"{self.url}/user/{user}{path}",
            timeout=TIMEOUT,
            headers={"Authorization": f"token {token}"},
            allow_redirects=False,
            **kwargs,
        )


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    proxy = _require_proxy()
    if importlib.util.find_spec("jupyterhub") is None:
        pytest.fail("jupyterhub is not installed: pip install -r requirements-test.txt")
    import psutil
    import requests

    state = tmp_path_factory.mktemp("hub")
    labs = state / "student-labs"
    subprocess.run(
        [sys.executable, "-m", "nnlearn.classroom", "student", str(ROOT / "notebooks"), str(labs)],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    public, hub_api, proxy_api = _free_ports(3)
    token, password = secrets.token_hex(16), secrets.token_hex(8)
    env = dict(
        os.environ,
        PATH=os.pathsep.join(
            [str(proxy.parent), str(Path(sys.executable).parent), os.environ.get("PATH", "")]
        ),
        NNLEARN_HUB_AUTH="dummy",
        NNLEARN_HUB_DUMMY_PASSWORD=password,
        NNLEARN_HUB_SPAWNER="local",
        NNLEARN_HUB_DIR=str(state),
        NNLEARN_HUB_ADMINS="instructor",
        NNLEARN_HUB_IP="127.0.0.1",
        NNLEARN_HUB_PORT=str(public),
        NNLEARN_HUB_API_PORT=str(hub_api),
        NNLEARN_HUB_PROXY_API_PORT=str(proxy_api),
        NNLEARN_HUB_API_TOKEN=token,
        NNLEARN_HUB_LABS=str(labs),
    )
    env.pop("NNLEARN_EXPECT", None)
    log_path = state / "jupyterhub.log"
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
        cwd=state,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{public}"
    started, survivors = [], []
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"JupyterHub exited with {process.returncode}:\n{log_path.read_text()[-3000:]}"
                )
            try:  # through the proxy, so both the proxy and the hub are up
                if requests.get(f"{url}/hub/api/", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"JupyterHub did not answer within {TIMEOUT} s:\n{log_path.read_text()[-3000:]}"
                )
            time.sleep(0.3)
        yield Hub(url, token, password, state, labs)
    finally:
        # Everything the hub started (proxy, learners' servers, their kernels), checked below.
        try:
            started = psutil.Process(process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            pass
        stop_process_group(process, timeout=30)
        log.close()
        _, survivors = psutil.wait_procs(started, timeout=15)
        for leftover in survivors:  # stop by process group what the hub did not stop itself
            try:
                group = os.getpgid(leftover.pid)
                if group != os.getpgrp():
                    os.killpg(group, signal.SIGKILL)
                else:
                    leftover.kill()
            except (ProcessLookupError, psutil.NoSuchProcess):
                pass
    assert process.returncode is not None
    assert started, "the hub started no processes (proxy, servers)"
    assert not survivors, f"still running after the hub stopped: {[p.pid for p in survivors]}"


@pytest.fixture(scope="module")
def learners(hub):
    """Two learners with running servers; returns {name: a token of their own}."""
    response = hub.api("POST", "/users", json={"usernames": list(LEARNERS)})
    assert response.status_code == 201, response.text
    for name in LEARNERS:
        response = hub.api("POST", f"/users/{name}/server")
        assert response.status_code in (201, 202), response.text
    tokens = {}
    for name in LEARNERS:
        deadline = time.monotonic() + TIMEOUT
        while True:
            server = hub.api("GET", f"/users/{name}").json().get("servers", {}).get("", {})
            if server.get("ready"):
                break
            assert time.monotonic() < deadline, f"{name}'s server did not start within {TIMEOUT} s"
            time.sleep(0.3)
        response = hub.api(
            "POST", f"/users/{name}/tokens", json={"note": "test", "expires_in": 900}
        )
        assert response.status_code == 201, response.text
        tokens[name] = response.json()["token"]
    return tokens


def test_shared_password_logs_in_and_a_wrong_one_does_not(hub):
    import requests

    for password, expected in ((hub.password, True), ("not-" + hub.password, False)):
        with requests.Session() as browser:
            page = browser.get(f"{hub.url}/hub/login", timeout=TIMEOUT)
            assert page.ok, page.status_code
            response = browser.post(
                f"{hub.url}/hub/login",
                timeout=TIMEOUT,
                allow_redirects=False,
                data={
                    "username": "carol",
                    "password": password,
                    "_xsrf": browser.cookies.get("_xsrf", ""),
                },
            )
            logged_in = response.status_code == 302 and "jupyterhub-session-id" in browser.cookies
            assert logged_in is expected, (
                password == hub.password,
                response.status_code,
                response.text[:300],
            )


def test_each_learner_gets_the_student_labs(hub, learners):
    built = sorted(p.name for p in hub.labs.glob("*.ipynb"))
    assert len(built) == len(list((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")))
    for name, token in learners.items():
        listing = hub.server("GET", name, "/api/contents/labs", token)
        assert listing.status_code == 200, listing.text
        assert sorted(item["name"] for item in listing.json()["content"]) == built
        served = hub.server("GET", name, f"/api/contents/labs/{LAB}", token).json()["content"]
        sources = [cell["source"] for cell in served["cells"]]
        assert sources == [
            cell.source for cell in nbformat.read(hub.labs / LAB, as_version=4).cells
        ]
        # The student version, not the solutions.
        assert "raise NotImplementedError()" in "\n".join(sources)
        assert (hub.state / "home" / name / "labs" / LAB).exists()


def _with_answer(notebook, function, answer):
    """``notebook`` with the solution cell defining ``function`` replaced by ``answer``."""
    cells = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.source.lstrip().startswith(f"def {function}(")
    ]
    assert len(cells) == 1 and "NotImplementedError" in cells[0].source, cells
    cells[0].source = answer
    return notebook


def test_each_learner_runs_lab_3_in_their_own_kernel(hub, learners):
    outputs = {}
    for name, token in learners.items():
        function, answer = ANSWERS[name]
        notebook = _with_answer(nbformat.read(hub.labs / LAB, as_version=4), function, answer)
        saved = hub.server(
            "PUT",
            name,
            f"/api/contents/{LAB}",
            token,
            json={"type": "notebook", "format": "json", "content": notebook},
        )
        assert saved.status_code in (200, 201), saved.text
        # Saved in the learner's own directory.
        on_disk = nbformat.read(hub.state / "home" / name / LAB, as_version=4)
        assert answer in [cell.source for cell in on_disk.cells]
        served = hub.server("GET", name, f"/api/contents/{LAB}", token).json()["content"]
        outputs[name] = _run_notebook(hub, name, token, LAB, served)
    for name, (function, _) in ANSWERS.items():
        other = next(learner for learner in LEARNERS if learner != name)
        assert "✔ correct" in _check_line(outputs[name], QUESTION[function]), outputs[name]
        assert "… not attempted" in _check_line(outputs[other], QUESTION[function]), outputs[other]


def _check_line(output, question):
    lines = [line for line in output.splitlines() if line.startswith(f"Lab 3, {question} ")]
    assert len(lines) == 1, output
    return lines[0]


def _run_notebook(hub, user, token, path, notebook):
    """Run every code cell of ``notebook`` in a new kernel of ``user``'s server; return its text.

    The kernel is started through the sessions API (so it runs in the notebook's directory) and
    driven over its websocket through the hub's proxy, as JupyterLab does; any error fails the test.
    """
    import websocket

    session = hub.server(
        "POST",
        user,
        "/api/sessions",
        token,
        json={"path": path, "type": "notebook", "name": path, "kernel": {"name": "python3"}},
    )
    assert session.status_code == 201, session.text
    kernel, client = session.json()["kernel"]["id"], uuid.uuid4().hex
    socket_url = hub.url.replace("http://", "ws://") + f"/user/{user}/api/kernels/{kernel}/channels"
    connection = websocket.create_connection(
        f"{socket_url}?session_id={client}",
        timeout=TIMEOUT,
        header=[f"Authorization: token {token}"],
    )
    shown, errors = [], []
    try:
        for cell in notebook["cells"]:
            if cell["cell_type"] != "code":
                continue
            text, error = _execute(connection, client, cell["source"])
            shown.append(text)
            if error:
                errors.append(f"{cell['source'][:200]}\n{error}")
    finally:
        connection.close()
        hub.server("DELETE", user, f"/api/sessions/{session.json()['id']}", token)
    assert not errors, errors
    return "\n".join(shown)


def _execute(connection, client, code):
    """Execute ``code`` over the kernel websocket; return (text output, error or None)."""
    msg_id = uuid.uuid4().hex
    connection.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": "test",
                    "session": client,
                    "version": "5.3",
                    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                },
                "parent_header": {},
                "metadata": {},
                "channel": "shell",
                "buffers": [],
                "content": {
                    "code": code,
                    "silent": False,
                    "store_history": True,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": True,
                },
            }
        )
    )
    text, error, idle, replied = [], None, False, False
    deadline = time.monotonic() + TIMEOUT
    while not (idle and replied):
        late = time.monotonic() > deadline
        assert not late, f"the cell did not finish within {TIMEOUT} s: {code[:200]}"
        message = _decode(connection.recv())
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            text.append(content["text"])
            if content["name"] == "stderr":
                error = error or f"stderr: {content['text'][:500]}"
        elif kind in ("display_data", "execute_result"):
            text.append(content["data"].get("text/plain", "") + "\n")
        elif kind == "error":
            error = f"{content['ename']}: {content['evalue']}"
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
        elif kind == "execute_reply":
            replied = True
    return "".join(text), error


def _decode(frame):
    """A kernel message from a websocket frame: JSON text, or binary with buffers (widgets)."""
    if isinstance(frame, str):
        return json.loads(frame)
    # Jupyter Server's binary framing: number of parts, their offsets, then the JSON and buffers.
    parts = int.from_bytes(frame[:4], "big")
    offsets = [int.from_bytes(frame[4 + 4 * i : 8 + 4 * i], "big") for i in range(parts)]
    end = offsets[1] if parts > 1 else len(frame)
    return json.loads(frame[offsets[0] : end])


def test_learners_cannot_see_each_others_work(hub, learners):
    alice, bob = learners["alice"], learners["bob"]
    note = "Alice's notes: the answer to question 2 is ..."
    saved = hub.server(
        "PUT",
        "alice",
        "/api/contents/alice-notes.txt",
        alice,
        json={"type": "file", "format": "text", "content": note},
    )
    assert saved.status_code in (200, 201), saved.text
    mine = hub.server("GET", "alice", "/api/contents/alice-notes.txt", alice)
    assert mine.json()["content"] == note
    listing = hub.server("GET", "bob", "/api/contents", bob).json()["content"]
    names = {item["name"] for item in listing}
    assert "labs" in names and "alice-notes.txt" not in names
    assert hub.server("GET", "bob", "/api/contents/alice-notes.txt", bob).status_code == 404
    # Bob's token opens nothing on Alice's server, and no token at all is refused too.
    for path in ("/api/contents", "/api/contents/alice-notes.txt", "/api/kernels"):
        assert hub.server("GET", "alice", path, bob).status_code in (403, 404)
    anonymous = hub.http.get(
        f"{hub.url}/user/alice/api/contents", timeout=TIMEOUT, allow_redirects=False
    )
    assert anonymous.status_code in (302, 403), anonymous.status_code
    # Neither can Bob's token act for Alice on the hub.
    assert hub.api("POST", "/users/alice/tokens", token=bob, json={}).status_code in (403, 404)
    assert hub.api("DELETE", "/users/alice/server", token=bob).status_code in (403, 404)
    assert not (hub.state / "home" / "bob" / "alice-notes.txt").exists()


@pytest.mark.parametrize(
    "variable, value, words",
    [
        ("NNLEARN_HUB_AUTH", "pam", ["NNLEARN_HUB_AUTH", "native, dummy", "'pam'"]),
        (
            "NNLEARN_HUB_SPAWNER",
            "kubernetes",
            ["NNLEARN_HUB_SPAWNER", "docker, local", "'kubernetes'"],
        ),
        ("NNLEARN_HUB_PORT", "80a", ["NNLEARN_HUB_PORT", "whole number from 1 to 65535", "'80a'"]),
        ("NNLEARN_HUB_CULL_TIMEOUT", "-5", ["NNLEARN_HUB_CULL_TIMEOUT", "of at least 0", "'-5'"]),
        (
            "NNLEARN_HUB_DUMMY_PASSWORD",
            "short",
            ["NNLEARN_HUB_DUMMY_PASSWORD", "8 characters", "got 5"],
        ),
    ],
)
def test_config_rejects_bad_settings_with_a_message(tmp_path, monkeypatch, variable, value, words):
    from traitlets.config import Config

    monkeypatch.setenv("NNLEARN_HUB_DIR", str(tmp_path))
    monkeypatch.setenv("NNLEARN_HUB_AUTH", "dummy")
    monkeypatch.setenv("NNLEARN_HUB_SPAWNER", "local")
    monkeypatch.setenv("NNLEARN_HUB_DUMMY_PASSWORD", "a-long-password")
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError) as error:
        runpy.run_path(str(CONFIG), init_globals={"get_config": Config})
    for word in words:
        assert word in str(error.value)


def test_config_defaults_to_a_real_authenticator_and_containers(tmp_path, monkeypatch):
    from traitlets.config import Config

    for variable in [v for v in os.environ if v.startswith("NNLEARN_HUB_")]:
        monkeypatch.delenv(variable)
    monkeypatch.setenv("NNLEARN_HUB_DIR", str(tmp_path))
    config = runpy.run_path(str(CONFIG), init_globals={"get_config": Config})["c"]
    assert config.JupyterHub.authenticator_class == "native"
    assert config.JupyterHub.spawner_class == "docker"
    assert config.Spawner.default_url == "/lab"
    assert config.JupyterHub.services == []  # no admin token unless one is given


def test_deploy_files_agree():
    """The image, the Zero-to-JupyterHub values and the workshop config name the same things."""
    import yaml

    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    values = yaml.safe_load((ROOT / "deploy" / "z2jh-values.yaml").read_text())
    config = CONFIG.read_text()
    labs = "/opt/nnlearn/labs"
    assert f"python -m nnlearn.classroom student notebooks {labs}" in dockerfile
    assert labs in " ".join(values["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert f"cp -rn {labs} /home/jovyan/" in config
    assert values["singleuser"]["defaultUrl"] == "/lab"
    # The learners' servers speak to the hub that the test runs: the same JupyterHub range.
    hub_range = next(
        line.strip()
        for line in (ROOT / "requirements-test.txt").read_text().splitlines()
        if line.startswith("jupyterhub")
    )
    assert f'"{hub_range}"' in dockerfile
    assert "nnlearn-*.whl)[course]" in dockerfile
