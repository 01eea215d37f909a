"""Plausible wrong answers are never accepted and get feedback; unusual correct answers are accepted.

The answers live in ``tests/answers/labNN.py`` (see its package docstring).  Every check draws fresh inputs,
so each answer is judged on ten consecutive checks: the verdict must not depend on the draw.
An answer that never returns is stopped by the check's time limit whatever it is given, so it is
judged on two checks (each waits out the limit).
"""

import importlib
import pkgutil

import pytest

import tests.answers as answers
from nnlearn.exercises import CORRECT, INCORRECT

ANSWER_MODULES = sorted(m.name for m in pkgutil.iter_modules(answers.__path__) if m.name.startswith("lab"))
# What a learner must never read: names from inside the checker.
CHECKS = 10
NEVER_RETURNS = "did not finish within"  # the feedback for an answer stopped by the time limit
INTERNALS = ("_flat", "_judge", "_check", "3-tuple", "Traceback", "self.", "nnlearn.exercises")


def _params(kind):
    for name in ANSWER_MODULES:
        module = importlib.import_module(f"tests.answers.{name}")
        lab = importlib.import_module(f"nnlearn.exercises.{name}")
        for index, entry in enumerate(getattr(module, kind)):
            question, answer = entry[0], entry[1]
            fragment = entry[2] if kind == "WRONG" else None
            label = getattr(answer, "__name__", "answer")
            yield pytest.param(getattr(lab, question), answer, fragment,
                               id=f"{name}.{question}.{index}-{label}")


def test_every_lab_has_an_answer_set():
    assert ANSWER_MODULES == [f"lab{n:02d}" for n in range(1, 14)]


@pytest.mark.parametrize("question, answer, fragment", list(_params("WRONG")))
def test_wrong_answer_is_rejected_with_feedback(question, answer, fragment):
    for _ in range(2 if fragment and NEVER_RETURNS in fragment else CHECKS):
        result = question.evaluate(answer)
        assert result.status == INCORRECT, result
        assert len(result.message) > 20, result
        assert not any(word in result.message for word in INTERNALS), result.message
        if fragment is not None:
            assert fragment in result.message, (fragment, result.message)


@pytest.mark.parametrize("question, answer, fragment", list(_params("RIGHT")))
def test_unusual_correct_answer_is_accepted(question, answer, fragment):
    for _ in range(CHECKS):
        result = question.evaluate(answer)
        assert result.status == CORRECT, result
