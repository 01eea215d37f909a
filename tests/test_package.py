"""Package structure: layering of imports, docstrings of every public name, no global random state."""

import ast
import importlib
import inspect
import pathlib
import re
import subprocess
import sys

import pytest

import nnlearn

PACKAGE = pathlib.Path(nnlearn.__file__).parent
CORE = ["activations", "losses", "layers", "network", "optim", "init", "gradcheck", "autograd", "_validation", "conv",
        "recurrent", "_adamw", "schedules", "normalization", "residual"]
# (surfaces sits on optim; listed with the modules above the core)
# Above the core: training, data, classic models, persistence. They may use numpy and the standard
# library, and import tqdm (the progress bar) and matplotlib (History.plot) lazily, inside functions.
ABOVE_CORE = ["training", "metrics", "datasets", "labels", "perceptron", "cluster", "persistence",
              "surfaces", "explore/__init__", "explore/flipbook", "explore/explorer", "explore/network", "explore/perceptron", "explore/activations", "explore/losses", "explore/optimizers", "explore/backprop", "explore/approximation", "explore/regularization", "explore/initialization", "explore/scaling", "explore/classification",
              "explore/playground", "explore/_playground_data", "explore/_playground_engine",
              "explore/_playground_state", "explore/_playground_network",
              "explore/_playground_widget", "explore/_playground_settings", "explore/_params", "explore/convolution", "classroom", "exercises/__init__", "exercises/_question",
              "exercises/_lab08_kfold", "exercises/_lab09_batchnorm", "exercises/_lab12_network",
              "explore/_line_fits", "explore/_perceptron_rule", "explore/_approximation_fit",
              "explore/_flipbook_frames", "explore/_flipbook_object", "explore/_flipbook_checks",
              "explore/_flipbook_png", "explore/_flipbook_page", "explore/_backprop_compute",
              "explore/_backprop_text", "explore/_backprop_diagram", "explore/_backprop_canvas",
              "explore/_optimizer_paths", "_fit_arguments",
              *[f"exercises/lab{n:02d}" for n in range(1, 14)]]
STDLIB_OK = set(sys.stdlib_module_names)


def imported_modules(path, top_level_only=False):
    tree = ast.parse(path.read_text())
    for node in (tree.body if top_level_only else ast.walk(tree)):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("module", CORE)
def test_numerical_core_imports_only_numpy(module):
    third_party = set(imported_modules(PACKAGE / f"{module}.py")) - STDLIB_OK
    assert third_party <= {"numpy"}, f"nnlearn.{module} imports {sorted(third_party - {'numpy'})}"


@pytest.mark.parametrize("module", ABOVE_CORE)
def test_modules_above_the_core_import_only_numpy_at_module_level(module):
    third_party = set(imported_modules(PACKAGE / f"{module}.py", top_level_only=True)) - STDLIB_OK
    assert third_party <= {"numpy"}, f"nnlearn.{module} imports {sorted(third_party - {'numpy'})} at import time"


def test_import_nnlearn_loads_no_plotting_or_widgets():
    code = ("import sys, nnlearn; heavy = {'matplotlib', 'ipywidgets', 'sklearn', 'torch', 'scipy', 'tqdm'}"
            " & set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_no_global_random_state():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        for forbidden in ("np.random.seed", "np.random.rand(", "np.random.randn(", "np.random.normal(",
                          "np.random.uniform(", "np.random.choice(", "np.random.shuffle(", "random.seed("):
            assert forbidden not in text, f"{path.name} uses {forbidden}"


def public_objects():
    for module_name in ["activations", "losses", "layers", "network", "optim", "init", "gradcheck", "autograd",
                        "conv", "recurrent", "schedules", "normalization", "residual", *ABOVE_CORE]:
        module_name = module_name.replace("/__init__", "").replace("/", ".")
        module = importlib.import_module(f"nnlearn.{module_name}")
        yield module_name, module
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj):
                yield f"{module_name}.{name}", obj
                if inspect.isclass(obj):
                    for attr, member in vars(obj).items():
                        if not attr.startswith("_") and callable(member):
                            yield f"{module_name}.{name}.{attr}", member


@pytest.mark.parametrize("qualname, obj", list(public_objects()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_public_name_has_a_docstring(qualname, obj):
    doc = inspect.getdoc(obj)
    assert doc and len(doc) > 20, f"{qualname} needs a docstring"


@pytest.mark.parametrize("cls", [nnlearn.Dense, nnlearn.MLP, nnlearn.Dropout, nnlearn.optim.Adam,
                                 nnlearn.losses.Huber, nnlearn.layers.Activation])
def test_constructors_document_their_parameters(cls):
    doc = inspect.getdoc(cls)
    assert "Parameters\n----------" in doc
    for name in inspect.signature(cls.__init__).parameters:
        if name not in ("self", "options"):
            assert name in doc, f"{cls.__name__} does not document `{name}`"


def test_data_docstrings_have_no_colon_on_their_first_line():
    """Sphinx's napoleon reads ``#: text before a colon: ...`` as a type, which breaks the API reference."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            first_of_block = line.startswith("#:") and (i == 0 or not lines[i - 1].startswith("#:"))
            if first_of_block and ": " in line[2:]:
                offenders.append(f"{path.name}:{i + 1}: {line}")
    assert offenders == []


# -- code the book shows fits its code box ----------------------------------------------------------

PACKAGE = pathlib.Path(nnlearn.__file__).parent
BOOK = PACKAGE.parent / "book"
SHOWN = sorted(PACKAGE.glob("*.py")) + sorted((PACKAGE / "explore").glob("*.py"))


def _long_lines(path, limit=88):
    return [f"{path.name}:{n}: {len(line)} characters"
            for n, line in enumerate(path.read_text().splitlines(), 1) if len(line) > limit]


@pytest.mark.parametrize("path", SHOWN, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_package_lines_fit_the_books_code_box(path):
    """The book shows the core and the explorers with literalinclude; 88 columns fit its code box at
    1366×768 (tests/test_book.py checks the pages). nnlearn.exercises, which the book does not show,
    is not held to it yet."""
    assert _long_lines(path) == []


def test_every_file_the_book_includes_is_held_to_88_columns():
    included = set()
    for chapter in BOOK.rglob("*.md"):
        for target in re.findall(r"```\{literalinclude\}\s+(\S+)", chapter.read_text()):
            included.add((chapter.parent / target).resolve())
    assert included and included <= {p.resolve() for p in SHOWN}, included


def test_the_line_check_can_fail(tmp_path):
    wide = tmp_path / "wide.py"
    wide.write_text("x = 1\n" + "y = " + "1 + " * 30 + "1\n")
    assert _long_lines(wide) == ["wide.py:2: 125 characters"]
