"""scripts/render_chapter.py fills in glued numbers as myst-nb does and reports what would break a build."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def render(tmp_path, body):
    chapter = tmp_path / "chapter.md"
    chapter.write_text(HEADER + body)
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "render_chapter.py"), str(chapter)],
                          capture_output=True, text=True, timeout=300)


def test_glued_values_are_formatted_and_hidden_cells_hidden(tmp_path):
    result = render(tmp_path, """# T
```{code-cell} ipython3
from myst_nb import glue
rmse = 0.123456
print("visible output", rmse)
glue("t-rmse", rmse, display=False)
glue("t-steps", 7815, display=False)
```
The RMSE is {glue:text}`t-rmse:.2f` after {glue:text}`t-steps:,` steps.
```{code-cell} ipython3
:tags: [remove-cell]
assert rmse < 1
print("hidden output")
```
""")
    assert result.returncode == 0, result.stderr
    assert "The RMSE is [0.12] after [7,815] steps." in result.stdout
    assert "visible output 0.123456" in result.stdout and "hidden output" not in result.stdout


def test_a_failed_assertion_and_an_undefined_glue_are_problems(tmp_path):
    result = render(tmp_path, """# T
```{code-cell} ipython3
x = 2
```
Undefined: {glue:text}`t-missing:.1f`.
```{code-cell} ipython3
:tags: [remove-cell]
assert x < 0, "x must be negative"
```
""")
    assert result.returncode == 1
    assert "undefined glue reference 't-missing'" in result.stderr
    assert "AssertionError: x must be negative" in result.stderr
