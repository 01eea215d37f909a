"""Real nbgrader grades every lab: generate_assignment, submissions, autograde, gradebook, feedback.

A temporary course directory (its own ``nbgrader_config.py`` and gradebook database) gets every
instructor notebook as ``source/labNN/``; ``nbgrader generate_assignment`` releases them, and three
students submit each lab, all graded by one ``nbgrader autograde`` call:

* ``key``: the released notebook with the solutions put back -> full marks (a point per question);
* ``untouched``: the released notebook as it is -> 0 (the checks say "not attempted"; the hidden
  ``ex.qN.grade`` calls that autograde restores raise);
* ``slip``: the solutions with one typical mistake in one question -> every other question's point.

``nbgrader generate_feedback`` must write an HTML report for each, and the slip's report must show
that question's feedback.  nbgrader runs through its command line, as an instructor would, with a
timeout on every command and nbgrader's default ``Execute.timeout`` of 30 s per cell.  The
course is built once (a module fixture: three nbgrader commands for the 13 labs); the tests per lab
read its results.

These are also the labs' execution tests, so that no lab is executed twice for the same check:

* instructor version: the key's autograded notebook is the instructor lab run top to bottom, and
  every check in it said "correct". The slip is the same lab run a second time, with one answer
  wrong: outside that question's cells every output (printed text, results in every format)
  equals the key's, so the lab is reproducible. Cells whose output legitimately varies (live widgets) are
  tagged ``nbval-ignore-output`` (nbval's tag, for anyone re-running a lab with nbval), nothing
  else is loosened;
* student version (``python -m nnlearn.classroom student``, the same notebooks as nbgrader
  releases): the untouched submission ran top to bottom, every check said "not attempted", and
  the only errors are the hidden grading calls.

nbgrader runs the kernels with ``MPLBACKEND=Agg`` and ``PYTHONHASHSEED=0``.
"""

import html
import importlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
api = pytest.importorskip("nbgrader.api")

from nnlearn.classroom import student_notebook  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LABS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
NBGRADER = [sys.executable, "-m", "nbgrader"]
ASSIGNMENTS = "lab[0-9][0-9]"  # nbgrader takes a glob: every lab in one command
STUDENTS = ("key", "untouched", "slip")
_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
CHECK = re.compile(r"\bex\.(q\d+)\.check\(")

# One plausible slip per lab: (question, the learner's whole solution cell).  Each question is one
# that no later question of its lab reuses, so exactly one point is lost.
SLIPS = {
    "01-neural-networks": ("q4", """def n_parameters(sizes):
    return sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))"""),
    "02-perceptron": ("q4", """def nand_weights():
    return np.array([1.0, 1.0]), -1.5"""),
    "03-activations": ("q4", """def softmax(Z):
    e = np.exp(Z)
    return e / e.sum(axis=1, keepdims=True)"""),
    "04-losses": ("q1", """def mse(y_pred, y_true):
    r = y_pred - y_true
    return np.sum(r ** 2) / r.size, r / r.size"""),
    "05-gradient-descent": ("q2", """def momentum_step(theta, buf, g, lr, mu):
    buf = mu * buf + g
    return theta + lr * buf, buf"""),
    "06-backpropagation": ("q1", """def dense_backward(X, W, delta):
    return X.T @ delta, -delta.sum(axis=0), delta @ W.T"""),
    "07-mlp-universal-approximation": ("q2", """def bump(x, left, right, height, kappa):
    return height * (sigmoid(kappa * (x - right)) - sigmoid(kappa * (x - left)))"""),
    "08-preparing-data": ("q2", """def min_max_scale(X_train, X_test):
    lo, hi = X_train.min(axis=0), X_train.max(axis=0)
    lo_t, hi_t = X_test.min(axis=0), X_test.max(axis=0)
    return (X_train - lo) / (hi - lo), (X_test - lo_t) / (hi_t - lo_t)"""),
    "09-initialization": ("q2", """def he_normal_std(fan_in, fan_out):
    return np.sqrt(1.0 / fan_in)"""),
    "10-regularization": ("q1", """def l2_regularize(W, b, dW, db, lam):
    return lam * np.sum(W ** 2), dW + lam * W, db"""),
    "11-classification-clustering": ("q3", """def inertia(X, centres):
    d2 = np.sum((X[:, None, :] - centres[None, :, :]) ** 2, axis=2)
    return np.sum(np.sqrt(np.min(d2, axis=1)))"""),
    "12-playground": ("q2", """def penalty_gradients(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * np.sign(W), db + l2 * b"""),
    "13-beyond-mlp": ("q1", """def conv_output_size(H, k, s=1, p=0):
    return (H + p - k) // s + 1"""),
}


def test_every_lab_has_a_slip():
    assert sorted(SLIPS) == [p.stem for p in LABS]


def _nbgrader(*args, cwd, timeout):
    env = {k: v for k, v in os.environ.items() if k != "NNLEARN_EXPECT"}
    # nbgrader runs `alembic` (its database migrations) from PATH: the venv's scripts must be on it.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(MPLBACKEND="Agg", PYTHONHASHSEED="0")  # the same in every run of a lab
    proc = subprocess.run([*NBGRADER, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, \
        f"nbgrader {' '.join(args)}:\n{proc.stdout[-3000:]}{proc.stderr[-5000:]}"
    return proc.stdout + proc.stderr


def _assignment(lab):
    return f"lab{lab.stem[:2]}"


def _without_markers(source):
    return "\n".join(line for line in source.split("\n") if not _MARKER.match(line))


def _submissions(instructor, released, stem):
    """The three students' notebooks, built from the released one (so they carry its metadata)."""
    keys = {c.metadata.nbgrader.grade_id: _without_markers(c.source) for c in instructor.cells
            if c.metadata.get("nbgrader", {}).get("solution")}
    key, slip = nbformat.from_dict(released), nbformat.from_dict(released)
    _, wrong = SLIPS[stem]
    name = re.match(r"def (\w+)\(", wrong).group(1)
    replaced = 0
    for k, s in zip(key.cells, slip.cells):
        if k.metadata.get("nbgrader", {}).get("solution"):
            k.source = s.source = keys[k.metadata.nbgrader.grade_id]
            if k.source.startswith(f"def {name}("):
                s.source, replaced = wrong, replaced + 1
    assert replaced == 1, f"{stem}: the slip's function {name} is defined in one solution cell"
    return {"key": key, "untouched": nbformat.from_dict(released), "slip": slip}


def _without_bookkeeping(metadata):
    """Cell metadata without what nbgrader records for its own checks (checksum, cell type)."""
    metadata = dict(metadata)
    if "nbgrader" in metadata:
        metadata["nbgrader"] = {k: v for k, v in metadata["nbgrader"].items()
                                if k not in ("checksum", "cell_type")}
    return metadata


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course with every lab released, submitted by three students, autograded, fed back."""
    root = tmp_path_factory.mktemp("course")
    for lab in LABS:
        (root / "source" / _assignment(lab)).mkdir(parents=True)
        (root / "source" / _assignment(lab) / lab.name).write_bytes(lab.read_bytes())
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        "c.CourseDirectory.course_id = 'nnlearn-test'\n"
        f"c.CourseDirectory.db_url = {'sqlite:///' + str(root / 'gradebook.db')!r}\n"
        "c.Execute.timeout = 30\n"
        "c.Execute.startup_timeout = 60\n", encoding="utf-8")
    times = {}
    started = time.perf_counter()
    _nbgrader("generate_assignment", ASSIGNMENTS, "--force", cwd=root, timeout=300)
    times["generate_assignment"] = time.perf_counter() - started
    for lab in LABS:
        released = nbformat.read(root / "release" / _assignment(lab) / lab.name, as_version=4)
        instructor = nbformat.read(lab, as_version=4)
        for student, nb in _submissions(instructor, released, lab.stem).items():
            target = root / "submitted" / student / _assignment(lab) / lab.name
            target.parent.mkdir(parents=True)
            nbformat.write(nb, target)
    for step, timeout in (("autograde", 1800), ("generate_feedback", 600)):
        started = time.perf_counter()
        _nbgrader(step, ASSIGNMENTS, "--force", cwd=root, timeout=timeout)
        times[step] = time.perf_counter() - started
    print("nbgrader over", len(LABS), "labs:", ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
    return root


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.stem)
def test_nbgrader_releases_our_student_build(lab, course):
    """The released notebook is ours: same sources, same metadata but nbgrader's bookkeeping."""
    released = nbformat.read(course / "release" / _assignment(lab) / lab.name, as_version=4)
    ours = student_notebook(nbformat.read(lab, as_version=4), name=lab.name)
    assert [c.source for c in released.cells] == [c.source for c in ours.cells]
    assert [_without_bookkeeping(c.metadata) for c in released.cells] == \
        [c.metadata for c in ours.cells]
    code = "\n".join(c.source for c in released.cells if c.cell_type == "code")
    module = importlib.import_module(f"nnlearn.exercises.lab{lab.stem[:2]}")
    assert "HIDDEN TESTS" not in code and ".grade(" not in code
    assert len(re.findall(r"\bex\.q\d+\.check\(", code)) == len(module.__all__)


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.stem)
def test_nbgrader_grades_the_lab(lab, course):
    stem, assignment = lab.stem, _assignment(lab)
    module = importlib.import_module(f"nnlearn.exercises.lab{stem[:2]}")
    questions = list(module.__all__)
    n = len(questions)
    question, _ = SLIPS[stem]

    with api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grade_cells = gradebook.find_notebook(stem, assignment).grade_cells
        assert sorted(c.name for c in grade_cells) == sorted(f"{stem}-{q}" for q in questions)
        assert all(c.max_score == 1 for c in grade_cells)
        scores = {s: gradebook.find_submission(assignment, s).score for s in STUDENTS}
        failed = {s: sorted(g.cell.name for g in
                            gradebook.find_submission_notebook(stem, assignment, s).grades
                            if g.score != g.max_score) for s in STUDENTS}
    assert scores == {"key": n, "untouched": 0, "slip": n - 1}, failed
    assert failed == {"key": [], "untouched": sorted(f"{stem}-{q}" for q in questions),
                      "slip": [f"{stem}-{question}"]}

    # The key ran top to bottom in nbgrader's plain kernel, explorers (widgets) included: no errors.
    graded = nbformat.read(course / "autograded" / "key" / assignment / lab.name, as_version=4)
    errors = [o.get("ename") for c in graded.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for c in graded.cells if c.cell_type == "code" for o in c.outputs), "explorers ran"

    reports = {s: (course / "feedback" / s / assignment / f"{stem}.html") for s in STUDENTS}
    assert all(p.exists() for p in reports.values()), sorted(map(str, course.rglob("*.html")))
    text = {s: p.read_text(encoding="utf-8") for s, p in reports.items()}
    assert f"Score: {n:.1f} / {n:.1f}" in text["key"] and "AssertionError" not in text["key"]
    assert f"Score: 0.0 / {n:.1f}" in text["untouched"]
    assert f"Score: {n - 1:.1f} / {n:.1f}" in text["slip"]
    # The failed question's feedback, raised by its hidden grade call.
    feedback = html.escape(f"{getattr(module, question).label}: \u2718 incorrect.", quote=False)
    assert feedback in text["slip"] and "AssertionError" in text["slip"]


# -- the labs executed: instructor and student versions ----------------------------------------

def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _texts(cell):
    return [o.get("data", {}).get("text/plain", "") or o.get("text", "") for o in cell.outputs]


IGNORED = ("nbval-ignore-output", "nbval-skip")  # live widgets: their outputs vary by design


def _shown(cell):
    """What a run of a code cell showed: its streams, results (every format) and errors.

    A widget's view is a reference to a model with a fresh id in every run: only its presence
    counts. Execution counts and output metadata are not what a reader sees.
    """
    shown = []
    for out in cell.outputs:
        if out.output_type == "stream":
            shown.append((out.name, out.text))
        elif out.output_type == "error":
            shown.append(("error", out.ename, out.evalue))
        else:
            data = dict(out.get("data", {}))
            if "application/vnd.jupyter.widget-view+json" in data:
                data["application/vnd.jupyter.widget-view+json"] = "a widget"
            shown.append((out.output_type, data))
    return shown


def _differences(one, other, skip=lambda cell: False):
    """Code cells of two runs of one lab whose outputs differ (cells tagged nbval-ignore-output
    or nbval-skip, and those ``skip`` names, left out)."""
    found = []
    for i, (a, b) in enumerate(zip(_code(one), _code(other))):
        if skip(a) or skip(b) or any(t in a.metadata.get("tags", []) for t in IGNORED):
            continue
        if _shown(a) != _shown(b):
            found.append(f"code cell {i}:\n{a.source[:300]}\n--- one run:\n{_shown(a)!r:.800}"
                         f"\n--- the other:\n{_shown(b)!r:.800}")
    return found


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.stem)
def test_instructor_lab_every_check_correct_and_outputs_reproducible(lab, course):
    """The key is the instructor lab run top to bottom: every check says correct. The slip is
    the same lab run again with one question answered wrongly: outside that question's cells,
    every output equals the key's (the lab is reproducible)."""
    graded = nbformat.read(course / "autograded" / "key" / _assignment(lab) / lab.name,
                           as_version=4)
    instructor = nbformat.read(lab, as_version=4)
    # The key is the instructor lab (its solutions, nbgrader's hidden grading calls added).
    assert [c.source for c in _code(graded)] == \
        [_without_markers(c.source) for c in _code(instructor)]
    n_checks = sum(len(CHECK.findall(c.source)) for c in _code(instructor))
    n_correct = sum(t.count("\u2714 correct") for c in _code(graded) for t in _texts(c))
    assert n_correct == n_checks > 0

    slip = nbformat.read(course / "autograded" / "slip" / _assignment(lab) / lab.name,
                         as_version=4)
    question, wrong = SLIPS[lab.stem]
    assert sum(a.source != b.source for a, b in zip(_code(graded), _code(slip))) == 1
    asked = re.compile(rf"\bex\.{question}\.")
    different = {a.source for a, b in zip(_code(graded), _code(slip)) if a.source != b.source}

    def slipped(cell):  # the wrong answer's cell, and the cells that check that question
        return cell.source in different or cell.source == wrong or bool(asked.search(cell.source))

    assert _differences(graded, slip, skip=slipped) == []
    compared = [c for c in _code(graded) if not slipped(c)
                and not any(t in c.metadata.get("tags", []) for t in IGNORED)]
    assert any(c.outputs for c in compared)  # the comparison saw some of the lab's outputs


def test_the_reproducibility_check_finds_a_changed_output(course):
    """A copy of a key with one shown result changed differs in that cell only; a changed live
    widget (a cell tagged nbval-ignore-output) is not a difference."""
    lab = LABS[0]
    key = nbformat.read(course / "autograded" / "key" / _assignment(lab) / lab.name, as_version=4)
    changed = nbformat.from_dict(key)
    results = [o for c in _code(changed) for o in c.outputs if "text/plain" in o.get("data", {})
               and not any(t in c.metadata.get("tags", []) for t in IGNORED)]
    widgets = [o for c in _code(changed) for o in c.outputs
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert results and widgets
    results[-1].data["text/plain"] += " (changed)"
    widgets[0].data["text/plain"] = "another widget"
    assert len(_differences(key, changed)) == 1
    assert _differences(key, nbformat.from_dict(key)) == []


def test_student_labs_run_top_to_bottom_with_every_check_not_attempted(course, tmp_path):
    out = tmp_path / "student"
    subprocess.run([sys.executable, "-m", "nnlearn.classroom", "student", str(ROOT / "notebooks"),
                    str(out)], check=True, timeout=120)
    assert sorted(p.name for p in out.glob("*.ipynb")) == [lab.name for lab in LABS]
    for lab in LABS:
        student = nbformat.read(out / lab.name, as_version=4)
        graded = nbformat.read(course / "autograded" / "untouched" / _assignment(lab) / lab.name,
                               as_version=4)
        # What ran is the student version, with the hidden grading calls added.
        sources = [c.source.split("\n### BEGIN HIDDEN TESTS")[0] for c in _code(graded)]
        assert sources == [c.source for c in _code(student)], lab.stem
        n_checks = 0
        for cell in _code(graded):
            errors = [o for o in cell.outputs if o.output_type == "error"]
            checks = len(CHECK.findall(cell.source))
            n_checks += checks
            texts = "".join(_texts(cell))
            assert texts.count("not attempted") >= checks, (lab.stem, cell.source, texts)
            if cell.metadata.get("nbgrader", {}).get("grade"):
                # the hidden ex.qN.grade call, and only it, raised
                assert [e.ename for e in errors] == ["AssertionError"], (lab.stem, cell.source)
                assert "not attempted" in errors[0].evalue
            else:
                assert errors == [], (lab.stem, cell.source, [e.evalue for e in errors])
        assert n_checks > 0

