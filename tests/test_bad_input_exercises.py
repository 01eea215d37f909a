"""Exercise checks never raise on what a learner passes or returns (issue 13, "Exercise checks").

Every question of every lab (discovered from the lab modules) is given non-callables, functions that raise and
functions that return dicts, strings, ragged tuples, None, generators, …: each gets "✘ incorrect" with a message
that says what was passed, raised or returned; ``grade`` raises ``AssertionError`` with the same feedback.
"""

import importlib
import inspect
import pkgutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnlearn.exercises as exercises
from nnlearn.exercises import CORRECT, INCORRECT, FunctionQuestion, Incorrect, Question
from nnlearn.exercises import lab02

LAB_MODULES = sorted(m.name for m in pkgutil.iter_modules(exercises.__path__) if m.name.startswith("lab"))


def _questions():
    for name in LAB_MODULES:
        module = importlib.import_module(f"nnlearn.exercises.{name}")
        for qname in module.__all__:
            q = getattr(module, qname)
            if isinstance(q, Question):
                yield pytest.param(q, id=f"{name}.{qname}")


QUESTIONS = list(_questions())


def _incorrect(question, answer):
    """Evaluate ``answer``: it must not raise, must be incorrect, and ``grade`` must raise the same feedback."""
    result = question.evaluate(answer)
    assert result.status == INCORRECT, result
    assert str(result).startswith(f"{question.label}: ✘ incorrect. ")
    assert result.message.strip()
    with pytest.raises(AssertionError) as info:
        question.grade(answer)
    assert str(info.value) == str(result)
    return result.message


def test_every_lab_has_questions():
    assert len(LAB_MODULES) == 13 and len(QUESTIONS) >= 40


# -- a value where the function is expected ------------------------------------------------------
def _a_generator():
    yield 1


NON_CALLABLES = [
    pytest.param(3, "number 3", id="int"),
    pytest.param(0.5, "number 0.5", id="float"),
    pytest.param(True, "boolean True", id="bool"),
    pytest.param("nand_weights", "string ('nand_weights')", id="str"),
    pytest.param((np.array([-1.0, -1.0]), 1.5), "tuple of length 2", id="tuple"),
    pytest.param([1.0, 2.0, 3.0], "list of length 3", id="list"),
    pytest.param({"lr": 0.1}, "dict ({'lr': 0.1})", id="dict"),
    pytest.param(np.zeros((2, 3)), "array of shape (2, 3)", id="array"),
    pytest.param({1, 2}, "set", id="set"),
    pytest.param(_a_generator(), "generator", id="generator"),
    pytest.param(object(), "object", id="object"),
]


@pytest.mark.parametrize("answer, described", NON_CALLABLES)
@pytest.mark.parametrize("question", QUESTIONS)
def test_a_non_callable_is_incorrect_and_named(question, answer, described):
    message = _incorrect(question, answer)
    assert "Pass your function itself" in message and "check() expects the function" in message
    assert described in message


@pytest.mark.parametrize("question", [q for q in QUESTIONS if not inspect.signature(q.values[0].reference).parameters])
def test_the_result_instead_of_the_function_is_incorrect(question):
    # check(nand_weights()) instead of check(nand_weights): the realistic slip of the "by hand" questions
    q = question
    result = q.reference()
    message = _incorrect(q, result)
    assert "without calling it" in message and f"check({q.reference.__name__})" in message
    assert f"got a {type(result).__name__} (" in message or f"got a {type(result).__name__} of length" in message


def test_check_with_the_gate_weights_prints_incorrect_and_does_not_raise(monkeypatch, capsys):
    monkeypatch.delenv("NNLEARN_EXPECT", raising=False)
    assert lab02.q4.check(lab02.nand_weights()) is None
    out = capsys.readouterr().out
    assert "✘ incorrect" in out and "check(nand_weights)" in out and "got a tuple of length 2" in out


# -- functions that raise --------------------------------------------------------------------------
class _UnprintableError(Exception):
    def __str__(self):
        raise RuntimeError("no message")


def _raise(exc):
    def answer(*args, **kwargs):
        raise exc
    return answer


RAISING = [
    pytest.param(lambda *args, **kwargs: 1 / 0, "ZeroDivisionError", id="zero-division"),
    pytest.param(_raise(KeyError("hidden")), "KeyError", id="key-error"),
    pytest.param(_raise(ValueError("my own message")), "ValueError: my own message", id="value-error"),
    pytest.param(_raise(_UnprintableError()), "_UnprintableError", id="unprintable"),
    pytest.param(lambda: np.zeros(2), "", id="wrong-arity"),  # too few parameters for most questions
    pytest.param(lambda *args, **kwargs: np.ones(2) @ np.ones(3), "ValueError", id="numpy-error"),
]


@pytest.mark.parametrize("answer, name", RAISING)
@pytest.mark.parametrize("question", QUESTIONS)
def test_a_function_that_raises_is_incorrect_and_named(question, answer, name):
    result = question.evaluate(answer)
    if result.status == CORRECT:  # pragma: no cover - nothing here is a right answer
        pytest.fail(f"{answer} judged correct")
    message = _incorrect(question, answer)
    if name:
        assert f"Your function raised {name}" in message
    else:  # the zero-argument function: raises TypeError for questions with arguments, returns an array otherwise
        assert "raised TypeError" in message or "array of shape (2,)" in message or "must return" in message


# -- functions that return what the check cannot use ---------------------------------------------
class _Opaque:
    """An object that is no number: a broken ``__array__`` and a broken ``repr``."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array")

    def __repr__(self):
        raise RuntimeError("no repr")


def _returns(value):
    def answer(*args, **kwargs):
        return value() if callable(value) else value
    return answer


def _generator_function(*args, **kwargs):
    for k in range(3):
        yield np.full(2, float(k))


BAD_RETURNS = [
    pytest.param(_returns({"w": np.ones(2), "b": 0.5}), ("dict",), id="dict"),
    pytest.param(_returns("0.5"), ("string ('0.5')",), id="numeric-string"),
    pytest.param(_returns("sigmoid"), ("string",), id="string"),
    pytest.param(_returns(([1.0, [2.0, 3.0]], [4.0])), ("tuple", "list"), id="ragged-tuple"),
    pytest.param(_returns((np.ones((2, 2)), [1.0, [2.0]], np.ones(2), 0.0)), ("tuple", "list"), id="ragged-4"),
    pytest.param(_returns(None), ("None",), id="none"),
    pytest.param(_returns([None, None, None, None]), ("None",), id="list-of-none"),
    pytest.param(_generator_function, ("generator",), id="generator-function"),
    pytest.param(_returns(lambda: (x for x in range(3))), ("generator",), id="generator-expression"),
    pytest.param(_returns(lambda: map(float, range(3))), ("iterator",), id="map"),
    pytest.param(_returns({0.5, 1.0}), ("set",), id="set"),
    pytest.param(_returns(1 + 2j), ("complex",), id="complex"),
    pytest.param(_returns(np.array(["a", "b"])), ("dtype <U1",), id="array-of-strings"),
    pytest.param(_returns(_Opaque), ("_Opaque",), id="opaque-object"),
    pytest.param(_returns(({}, {}, {}, {})), ("dict", "tuple"), id="tuple-of-dicts"),
]


@pytest.mark.parametrize("answer, words", BAD_RETURNS)
@pytest.mark.parametrize("question", QUESTIONS)
def test_a_bad_return_value_is_incorrect_and_named(question, answer, words):
    message = _incorrect(question, answer)
    assert "returned" in message or "return" in message or "got" in message, message
    assert any(word in message for word in words), (words, message)


# -- the machinery, on small questions -----------------------------------------------------------
def _double(x):
    return 2 * x


DOUBLE = FunctionQuestion("Q", _double, [(np.array([1.0, -2.0]),)])
PAIR = FunctionQuestion("P", lambda x: (x, 2 * x), [(np.array([1.0, -2.0]),)], n_outputs=2,
                        output_names=("first value", "second value"))


def test_function_question_names_the_output_and_the_expected_shape():
    assert _incorrect(DOUBLE, lambda x: {"y": x}) == \
        "Your function returned a dict ({'y': array([ 1., -2.])}); it must return an array of shape (2,)."
    message = _incorrect(PAIR, lambda x: (x, "2x"))
    assert message == "The second value your function returned is a string ('2x'); it must be an array of shape (2,)."
    assert "must return 2 values (a tuple), got a generator" in _incorrect(PAIR, lambda x: (v for v in (x, x)))
    assert _incorrect(DOUBLE, 3).startswith("Pass your function itself — without calling it: check() expects the "
                                            "function, e.g. check(_double), got the number 3")


def test_a_custom_judge_that_fails_on_the_returned_value_says_what_was_returned():
    q = Question("C", lambda answer: answer() + 1, reference=lambda: 1)
    assert q.evaluate(lambda: 1).status == CORRECT
    message = _incorrect(q, lambda: {"a": 1})
    assert message.startswith("Your function returned a dict ({'a': 1}), which the check cannot use (TypeError")
    assert _incorrect(q, lambda: 1 / 0) == "Your function raised ZeroDivisionError: division by zero."
    assert "check(my_function)" in _incorrect(q, 5)  # a lambda reference: a generic name in the example


def test_a_judge_that_fails_before_calling_says_so():
    def judge(answer):
        raise KeyError("internal")

    q = Question("C", judge)
    assert _incorrect(q, lambda: 1) == "The check could not use your answer: KeyError: 'internal'."


def test_a_question_whose_answer_is_a_value_opts_out_of_the_callable_check():
    def judge(answer):
        if answer != 42:
            raise Incorrect(f"Not {answer!r}.")

    q = Question("V", judge, callable_answer=False)
    assert q.evaluate(42).status == CORRECT
    assert _incorrect(q, "42") == "Not '42'."
    assert q.evaluate(None).status == "not attempted"


def test_reprs_of_returned_values_are_short():
    message = _incorrect(DOUBLE, lambda x: {"y": list(range(1000))})
    assert len(message) < 200 and "…" in message


# -- hypothesis: arbitrary returned values ---------------------------------------------------------
_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5) | st.binary(max_size=3),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.tuples(inner, inner, inner, inner)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=8)


@pytest.mark.parametrize("question", QUESTIONS)
@settings(max_examples=15)
@given(value=_values)
def test_any_returned_value_gets_feedback_never_an_exception(question, value):
    result = question.evaluate(lambda *args, **kwargs: value)
    assert result.status == INCORRECT, (value, result)
    assert result.message.strip()
