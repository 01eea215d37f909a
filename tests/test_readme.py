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
