"""JupyterHub on one machine for an nnlearn workshop (and for tests/test_jupyterhub.py).

Run from the repository root (see deploy/README.md)::

    NNLEARN_HUB_ADMINS=instructor jupyterhub -f deploy/jupyterhub_config.py

Everything is set through environment variables, so one file serves a workshop and the test:

NNLEARN_HUB_AUTH        ``native`` (default): learners sign up with a password on the hub and an
                        admin approves them (pip ``jupyterhub-nativeauthenticator``); ``dummy``:
                        anyone who knows NNLEARN_HUB_DUMMY_PASSWORD logs in with any name (tests,
                        or a short workshop on a private network).
NNLEARN_HUB_SPAWNER     ``docker`` (default): one container per learner from the image built with
                        deploy/Dockerfile, each with its own volume (pip ``dockerspawner``);
                        ``local``: one process and one directory per learner on this machine, all
                        run as the hub's own OS user, so learners' code can read each other's
                        files (tests and trusted groups only).
NNLEARN_HUB_DIR         where the hub keeps its database, cookie secret and (``local``) the
                        learners' directories; default ``/srv/nnlearn-hub``.
NNLEARN_HUB_ADMINS      comma-separated admin user names (instructors); default ``instructor``.
NNLEARN_HUB_IP, NNLEARN_HUB_PORT
                        the public address; default all interfaces, port 8000.
NNLEARN_HUB_API_PORT, NNLEARN_HUB_PROXY_API_PORT
                        the hub's internal API and the proxy's API (127.0.0.1); 8081 and 8001.
NNLEARN_HUB_API_TOKEN   optional: a token with admin rights for scripts (the ``nnlearn-admin``
                        service), e.g. to create learners and start servers through the REST API.
NNLEARN_HUB_LABS        ``local`` only: a directory of student labs (``python -m nnlearn.classroom
                        student notebooks/ DIR``) copied into each learner's ``labs/`` on every
                        start, never overwriting a learner's file.
NNLEARN_HUB_IMAGE       ``docker`` only: the single-user image; default ``nnlearn-course:latest``.
NNLEARN_HUB_MEM_LIMIT, NNLEARN_HUB_CPU_LIMIT
                        ``docker`` only: per learner; default ``2G`` and ``1``.
NNLEARN_HUB_CULL_TIMEOUT
                        seconds after which an idle server is stopped, when
                        ``jupyterhub-idle-culler`` is installed; default 3600, 0 turns it off.
"""

import importlib.util
import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - JupyterHub defines get_config() when it loads this file


def _setting(name, default, choices=None):
    value = os.environ.get(name, default).strip()
    if choices is not None and value not in choices:
        raise ValueError(
            f"{name} must be one of {', '.join(choices)}; got {value!r}. "
            f"Unset it for the default ({default!r})."
        )
    return value


def _number(name, default, kind=int, low=0, high=None):
    value = _setting(name, str(default))
    try:
        number = kind(value)
    except ValueError:
        number = None
    if number is None or number < low or (high is not None and number > high):
        what = "a whole number" if kind is int else "a number"
        span = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise ValueError(
            f"{name} must be {what} {span}; got {value!r}. "
            f"Unset it for the default ({default!r})."
        )
    return number


def _port(name, default):
    return _number(name, default, int, 1, 65535)


AUTH = _setting("NNLEARN_HUB_AUTH", "native", ("native", "dummy"))
SPAWNER = _setting("NNLEARN_HUB_SPAWNER", "docker", ("docker", "local"))
HUB_DIR = Path(_setting("NNLEARN_HUB_DIR", "/srv/nnlearn-hub")).resolve()
ADMINS = {
    name.strip() for name in _setting("NNLEARN_HUB_ADMINS", "instructor").split(",") if name.strip()
}
HUB_DIR.mkdir(parents=True, exist_ok=True)

# -- addresses and state ------------------------------------------------------------------------
c.JupyterHub.ip = _setting("NNLEARN_HUB_IP", "")
c.JupyterHub.port = _port("NNLEARN_HUB_PORT", 8000)
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = _port("NNLEARN_HUB_API_PORT", 8081)
# The hub starts configurable-http-proxy (npm) itself; it must be on PATH.
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_port('NNLEARN_HUB_PROXY_API_PORT', 8001)}"
c.ConfigurableHTTPProxy.pid_file = str(HUB_DIR / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{HUB_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(HUB_DIR / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(HUB_DIR / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60

# -- who logs in -----------------------------------------------------------------------------------
c.Authenticator.admin_users = ADMINS
c.Authenticator.allow_all = True  # every authenticated user may start a server
if AUTH == "dummy":
    password = os.environ.get("NNLEARN_HUB_DUMMY_PASSWORD", "")
    if len(password) < 8:
        raise ValueError(
            "NNLEARN_HUB_AUTH=dummy needs NNLEARN_HUB_DUMMY_PASSWORD, the shared password, "
            f"of at least 8 characters; got {len(password)} characters. Set it, or use the "
            "default NNLEARN_HUB_AUTH=native."
        )
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = password
else:
    # Learners sign up at /hub/signup; an admin approves them at /hub/authorize.  For a university
    # login use an OAuthenticator instead (e.g. "github" or "generic-oauth", pip oauthenticator).
    c.JupyterHub.authenticator_class = "native"
    c.NativeAuthenticator.open_signup = False
    c.NativeAuthenticator.minimum_password_length = 10

# -- where learners' servers run -------------------------------------------------------------
if SPAWNER == "local":
    home = str(HUB_DIR / "home" / "{username}")
    c.JupyterHub.spawner_class = "simple"  # SimpleLocalProcessSpawner: no OS account per learner
    c.SimpleLocalProcessSpawner.home_dir_template = home
    c.Spawner.notebook_dir = home
    # The single-user server from the hub's own environment (nnlearn, JupyterLab, nbgrader).
    c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
    c.Spawner.environment = {"MPLBACKEND": "Agg"}
    if os.geteuid() == 0:  # Jupyter refuses to run as root unless told to
        c.Spawner.args = ["--allow-root"]
    labs = os.environ.get("NNLEARN_HUB_LABS", "").strip()
    if labs:
        labs_dir = Path(labs).resolve()
        if not labs_dir.is_dir():
            raise ValueError(
                f"NNLEARN_HUB_LABS must be a directory of student labs; {labs_dir} is not "
                "one. Build it with: python -m nnlearn.classroom student notebooks/ DIR"
            )

        def copy_labs(spawner):
            """Give the learner the student labs, keeping any file they already have."""
            target = Path(spawner.home_dir) / "labs"
            target.mkdir(parents=True, exist_ok=True)
            for lab in sorted(labs_dir.glob("*.ipynb")):
                if not (target / lab.name).exists():
                    shutil.copy(lab, target / lab.name)

        c.Spawner.pre_spawn_hook = copy_labs
else:
    # Containers reach the hub through Docker's bridge; the proxy reaches them on 127.0.0.1.
    c.JupyterHub.hub_ip = _setting("NNLEARN_HUB_DOCKER_BRIDGE_IP", "172.17.0.1")
    c.JupyterHub.spawner_class = "docker"
    c.DockerSpawner.image = _setting("NNLEARN_HUB_IMAGE", "nnlearn-course:latest")
    c.DockerSpawner.remove = True  # containers are disposable; the volume keeps the work
    c.DockerSpawner.volumes = {"nnlearn-home-{username}": "/home/jovyan"}
    c.DockerSpawner.mem_limit = _setting("NNLEARN_HUB_MEM_LIMIT", "2G")
    c.DockerSpawner.cpu_limit = _number("NNLEARN_HUB_CPU_LIMIT", 1.0, float, 0.1)
    # The image keeps the student labs in /opt/nnlearn/labs; -n never overwrites a learner's file.
    c.DockerSpawner.post_start_cmd = "cp -rn /opt/nnlearn/labs /home/jovyan/"

# -- services ----------------------------------------------------------------------------------
c.JupyterHub.services = []
c.JupyterHub.load_roles = []
token = os.environ.get("NNLEARN_HUB_API_TOKEN", "").strip()
if token:
    c.JupyterHub.services.append({"name": "nnlearn-admin", "api_token": token})
    c.JupyterHub.load_roles.append(
        {
            "name": "nnlearn-admin",
            "services": ["nnlearn-admin"],
            "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
        }
    )
cull_timeout = _number("NNLEARN_HUB_CULL_TIMEOUT", 3600)
if cull_timeout > 0 and importlib.util.find_spec("jupyterhub_idle_culler") is not None:
    c.JupyterHub.services.append(
        {
            "name": "idle-culler",
            "command": [
                sys.executable,
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={cull_timeout}",
            ],
        }
    )
    c.JupyterHub.load_roles.append(
        {
            "name": "idle-culler",
            "services": ["idle-culler"],
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        }
    )
