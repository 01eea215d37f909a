"""The README's code runs as printed."""

import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_readme_python_blocks_run(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    assert len(blocks) >= 2
    script = "\n".join(blocks) + "\nassert history['accuracy'][-1] > 0.95\n"
    env = dict(os.environ, MPLBACKEND="Agg")
    subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, check=True, timeout=300,
                   capture_output=True)
    assert (tmp_path / "moons.npz").exists()


def test_the_chapters_said_to_need_scikit_learn_in_the_browser_are_those_that_import_it():
    """The README and scripts/build_lite.py name the chapters that need `--with-sklearn` in the lite
    site; the list follows the chapters' imports (and no lab imports scikit-learn or scipy)."""
    importing = sorted(int(p.name[:2]) for p in (ROOT / "book").glob("part*/[0-9][0-9]-*.md")
                       if re.search(r"^\s*(from|import) (sklearn|scipy)\b", p.read_text(), re.M))
    said = "chapters " + ", ".join(map(str, importing[:-1])) + f" and {importing[-1]}"
    assert said + " import" in " ".join((ROOT / "README.md").read_text().split())
    assert said in " ".join((ROOT / "scripts" / "build_lite.py").read_text().split())
    for lab in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"):
        assert not re.search(r"(from|import) (sklearn|scipy)\b", lab.read_text()), lab.name
