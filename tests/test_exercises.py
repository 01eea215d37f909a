"""The self-checking exercises: every question of every lab accepts its reference solution, calls an
untouched template "not attempted", and recognises each of its typical wrong answers with specific feedback."""

import importlib
import pkgutil

import numpy as np
import pytest

import nnlearn.exercises as exercises
from nnlearn.exercises import (CORRECT, INCORRECT, NOT_ATTEMPTED, ExpectationError, FunctionQuestion, Incorrect,
                               Mistake, Question)

LAB_MODULES = sorted(m.name for m in pkgutil.iter_modules(exercises.__path__) if m.name.startswith("lab"))


def _questions():
    for name in LAB_MODULES:
        module = importlib.import_module(f"nnlearn.exercises.{name}")
        for qname in module.__all__:
            q = getattr(module, qname)
            if isinstance(q, Question):
                yield pytest.param(q, id=f"{name}.{qname}")


QUESTIONS = list(_questions())


def _template(*args, **kwargs):
    # What nbgrader and `python -m nnlearn.classroom student` leave in a solution cell.
    raise NotImplementedError()


def test_there_is_a_lab_module_for_every_chapter():
    assert LAB_MODULES == [f"lab{n:02d}" for n in range(1, 14)]


@pytest.mark.parametrize("question", QUESTIONS)
def test_reference_solution_is_correct(question):
    assert question.reference is not None, "every question records a correct answer"
    result = question.evaluate(question.reference)
    assert result.status == CORRECT, result


@pytest.mark.parametrize("question", QUESTIONS)
def test_untouched_template_is_not_attempted(question):
    assert question.evaluate(_template).status == NOT_ATTEMPTED
    assert question.evaluate(None).status == NOT_ATTEMPTED


@pytest.mark.parametrize("question", QUESTIONS)
def test_typical_wrong_answers_get_specific_feedback(question):
    wrong = question.wrong_answers()
    assert len(wrong) >= 3, f"{question.label} knows only {len(wrong)} wrong answers; the standard is three"
    for answer, fragment in wrong:
        result = question.evaluate(answer)
        assert result.status == INCORRECT, (fragment, result)
        assert fragment in result.message, (fragment, result.message)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_question_has_tiered_hints_and_a_solution(question, capsys):
    assert len(question.hints) >= 2
    for level in range(1, len(question.hints) + 1):
        question.hint()
        assert f"Hint {level} of {len(question.hints)}" in capsys.readouterr().out
    question.solution()
    shown = capsys.readouterr().out
    assert "solution" in shown and "def " in shown or "=" in shown


# -- the machinery, on a small question -------------------------------------------------------
def _double(x):
    return 2 * x


DOUBLE = FunctionQuestion("Q", _double, [(np.array([1.0, -2.0, 3.0]),), (np.array([[1.0, 2.0, 3.0]]),)],
                          mistakes=[Mistake("You squared.", lambda x: x * x)], hints=["a", "b"])


def test_exact_mistake_beats_the_generic_messages():
    assert DOUBLE.evaluate(lambda x: x * x).message == "You squared."


def test_generic_feedback_constant_factor_shape_exception_and_none():
    assert "constant factor" in DOUBLE.evaluate(lambda x: 4 * x).message
    assert "4 times" not in DOUBLE.evaluate(lambda x: 2 * x).message
    assert "transpose" in DOUBLE.evaluate(lambda x: (2 * x).T).message
    assert "ZeroDivisionError" in DOUBLE.evaluate(lambda x: 1 / 0).message
    assert "return" in DOUBLE.evaluate(lambda x: None).message
    assert "Pass your function itself" in DOUBLE.evaluate(3).message


def test_a_mistake_that_crashes_is_recognised_by_its_error():
    def transposed(x):
        return 2 * (x.T @ np.ones((3, 3)))  # (3, 5) @ (3, 3): fails, with its own message

    q = FunctionQuestion("Q", _double, [(np.ones((5, 3)),)], mistakes=[
        Mistake("You multiplied by the all-ones matrix.", lambda x: 2 * (x @ np.ones((5, 5)))),  # also fails
        Mistake("You transposed x before the product.", transposed)])
    result = q.evaluate(transposed)
    assert result.message.startswith("You transposed x") and "ValueError" in result.message


def test_inputs_changed_in_place_are_reported():
    def doubles_in_place(x):
        x *= 2
        return x

    assert "in place" in DOUBLE.evaluate(doubles_in_place).message


def test_expectation_variable_turns_checks_into_assertions(monkeypatch, capsys):
    monkeypatch.setenv("NNLEARN_EXPECT", "correct")
    DOUBLE.check(_double)
    with pytest.raises(ExpectationError, match="incorrect"):
        DOUBLE.check(lambda x: x * x)
    monkeypatch.setenv("NNLEARN_EXPECT", "not attempted")
    DOUBLE.check(_template)
    with pytest.raises(ExpectationError):
        DOUBLE.check(_double)
    monkeypatch.setenv("NNLEARN_EXPECT", "right")
    with pytest.raises(ValueError, match="NNLEARN_EXPECT"):
        DOUBLE.check(_double)
    assert "✔ correct" in capsys.readouterr().out


def test_grade_raises_the_feedback_for_autograded_cells():
    DOUBLE.grade(_double)
    with pytest.raises(AssertionError, match="You squared"):
        DOUBLE.grade(lambda x: x * x)


def test_hint_levels_and_bad_level(capsys):
    q = FunctionQuestion("Q", _double, [(1.0,)], hints=["first", "second"])
    q.hint()
    q.hint()
    q.hint()
    out = capsys.readouterr().out
    assert out.count("Hint 2 of 2") == 2 and "Hint 1 of 2" in out
    with pytest.raises(ValueError, match="`level` must be an integer from 1 to 2, got 3"):
        q.hint(3)


def test_custom_judge_question():
    def judge(answer):
        if answer() < 10:
            raise Incorrect("Too small.")

    q = Question("Q", judge)
    assert q.evaluate(lambda: 11).status == CORRECT
    assert q.evaluate(lambda: 1).message == "Too small."
    assert q.evaluate(_template).status == NOT_ATTEMPTED


def test_result_renders_as_html_and_text():
    r = DOUBLE.evaluate(lambda x: x * x)
    assert "✘ incorrect" in str(r) and "<b>Q</b>" in r._repr_html_() and not r


def test_constructor_errors_name_the_argument():
    with pytest.raises(TypeError, match="`reference` must be callable"):
        FunctionQuestion("Q", 3, [(1,)])
    with pytest.raises(ValueError, match="`cases` must hold at least one"):
        FunctionQuestion("Q", _double, [])
    with pytest.raises(TypeError, match="`answer` must be a callable"):
        Mistake("m", 3)
