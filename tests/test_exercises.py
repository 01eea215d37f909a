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
    for _ in range(50):  # fresh inputs every check: the verdict must not depend on them
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


# -- feedback that is true ----------------------------------------------------------------------------
def _stable_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _draw_z(rng):
    return (rng.normal(0, 50, size=6),)


SIGMOID = FunctionQuestion("Lab 99, question 1 (sigmoid)", _stable_sigmoid,
                           [(np.array([-1000.0, -1.0, 0.0, 2.0, 1000.0]),)], stable=True,
                           overflow_message="Exponentiate only -|z|.", draw=_draw_z)


def _naive_silenced(z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def _naive_seterr(z):
    old = np.seterr(all="ignore")
    out = 1 / (1 + np.exp(-z))
    np.seterr(**old)
    return out


def _careful(z):  # stable, and defensively silent: nothing to hide
    with np.errstate(over="ignore"):
        return _stable_sigmoid(z)


def test_scalar_answers_never_get_the_constant_factor_message():
    q = FunctionQuestion("Q", lambda n: 17.0 * n, [(1,), (2,), (3,)])
    message = q.evaluate(lambda n: 34.0 * n).message
    assert "constant factor" not in message and "got 102, expected 51" in message


def test_constant_factor_only_when_every_case_agrees():
    assert "2 times" in DOUBLE.evaluate(lambda x: 4 * x).message
    varying = DOUBLE.evaluate(lambda x: 4 * x if x.ndim == 1 else 3 * x).message
    assert "constant factor" not in varying and "wrong for the input" in varying


def test_near_misses_are_shown_with_the_digits_that_differ():
    message = DOUBLE.evaluate(lambda x: 2 * x * (1 + 1e-5)).message
    assert "got 2.00002, expected 2" in message, message


def test_overflow_invalid_and_divide_are_told_apart_with_the_input():
    over = SIGMOID.evaluate(lambda z: np.exp(z) / np.exp(z) * 0.5 + 0 * z).message
    assert "For z = " in over and "1000" in over and "overflows" in over and "Exponentiate only" in over
    q = FunctionQuestion("Q", lambda x: np.sqrt(np.abs(x)), [(np.array([4.0, -9.0, 1.0]),)])
    invalid = q.evaluate(np.sqrt).message
    assert "For x = -9" in invalid and "invalid operation" in invalid and "overflow" not in invalid
    divide = FunctionQuestion("Q", lambda x: np.zeros_like(x), [(np.array([0.0, 1.0]),)]).evaluate(
        lambda x: 1 / x - 1 / x).message
    assert "divides by zero" in divide or "invalid operation" in divide


def test_silencing_numpy_does_not_hide_an_overflow_from_a_stability_question():
    for answer in (_naive_silenced, _naive_seterr):
        result = SIGMOID.evaluate(answer)
        assert result.status == INCORRECT and "overflows" in result.message, result
    assert SIGMOID.evaluate(_careful).status == CORRECT
    assert SIGMOID.evaluate(_stable_sigmoid).status == CORRECT
    relaxed = FunctionQuestion("Q", _stable_sigmoid, SIGMOID.cases)  # stability not part of this task
    assert relaxed.evaluate(_naive_silenced).status == CORRECT


def test_fresh_inputs_every_check_defeat_an_answer_tuned_to_the_listed_cases():
    listed = {tuple(args[0]): _stable_sigmoid(args[0]) for args in SIGMOID.cases}

    def lookup(z):
        return listed.get(tuple(z), np.full(np.shape(z), 0.5))

    seen = set()
    for _ in range(3):
        assert SIGMOID.evaluate(lookup).status == INCORRECT
        seen.add(tuple(SIGMOID._cases()[-1][0][0]))
    assert len(seen) == 3


def test_any_return_type_is_incorrect_with_what_was_returned():
    for value, words in [({"a": 1}, "a dict"), ("0.5", "a string"), ([1, [2]], "different shapes"),
                         ((x for x in range(3)), "generator")]:
        result = DOUBLE.evaluate(lambda x, v=value: v)
        assert result.status == INCORRECT and words in result.message, result
    pair = FunctionQuestion("Q", lambda x: (x, 2 * x), [(np.ones(2),)], n_outputs=2,
                            returns="the loss and its gradient")
    assert "the loss and its gradient" in pair.evaluate(lambda x: [x]).message


def test_an_answer_that_calls_an_unfinished_earlier_question_says_so():
    def _helper_ref(z):
        return 2 * z

    def _user_ref(z):
        return _helper_ref(z) + 1

    FunctionQuestion("Lab 98, question 1 (helper)", _helper_ref, [(np.ones(2),)])
    second = FunctionQuestion("Lab 98, question 2 (user)", _user_ref, [(np.ones(2),)])

    def _helper_ref(z):  # noqa: F811 - the learner's untouched template, under the reference's name
        raise NotImplementedError()

    def user(z):
        return _helper_ref(z) + 1

    result = second.evaluate(user)
    assert result.status == INCORRECT and "Question 1 is not done yet" in result.message, result
    assert second.evaluate(_template).status == NOT_ATTEMPTED


def test_a_known_mistake_is_named_for_an_error_only_if_it_also_agrees_elsewhere():
    def backward(X, delta, W):
        return X.T @ delta, delta @ W.T

    def dx_untransposed(X, delta, W):
        return X.T @ delta, delta @ W

    def dw_untransposed(X, delta, W):  # another bug too, and the same numpy error on a non-square W
        return 2 * X.T @ delta, delta @ W

    rng = np.random.default_rng(0)
    square = (rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(size=(2, 2)))
    tall = (rng.normal(size=(3, 4)), rng.normal(size=(3, 2)), rng.normal(size=(4, 2)))
    q = FunctionQuestion("Q", backward, [square, tall], n_outputs=2,
                         mistakes=[Mistake("dL/dX needs the transpose of W.", dx_untransposed)])
    assert q.evaluate(dx_untransposed).message.startswith("dL/dX needs the transpose")
    with pytest.raises(ValueError) as same:
        dx_untransposed(*tall)
    with pytest.raises(ValueError) as error:
        dw_untransposed(*tall)
    assert str(error.value) == str(same.value)
    other = q.evaluate(dw_untransposed)
    assert other.status == INCORRECT and "transpose of W" not in other.message, other


def test_values_right_is_said_only_when_they_are():
    def batch_max(z):  # overflow hidden, and rows far below the maximum come out wrong
        with np.errstate(all="ignore"):
            return np.nan_to_num(1 / (1 + np.exp(-z)) + (z < -500) * 0.25)

    message = SIGMOID.evaluate(batch_max).message
    assert "values are right" not in message and "values are wrong" in message, message


def test_an_ignored_argument_is_named():
    def step(w, grad, lr):
        return w - lr * grad

    q = FunctionQuestion("Q", step, [(np.ones(3), np.arange(3.0), 0.1), (np.zeros(2), np.ones(2), 0.5)])
    message = q.evaluate(lambda w, grad, lr: w - 0.1 * grad).message
    assert "ignores `lr`" in message, message
    assert "ignores" not in q.evaluate(lambda w, grad, lr: w - np.sign(lr) * 0.1 * grad).message
    assert "ignores" not in q.evaluate(lambda w, grad, lr: w + lr * grad).message
