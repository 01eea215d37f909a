"""Each chapter's .ipynb twin (for the launch buttons) matches its MyST source."""

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_chapter_notebooks_are_in_sync():
    pytest.importorskip("jupytext")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "sync_notebooks.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, f"run `python scripts/sync_notebooks.py`:\n{result.stdout}{result.stderr}"


def test_every_chapter_has_a_twin():
    sources = [p for p in (ROOT / "book").rglob("*.md") if "kernelspec:" in p.read_text()[:400]]
    assert len(sources) >= 14
    assert all(p.with_suffix(".ipynb").exists() for p in sources)
