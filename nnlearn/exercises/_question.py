"""Self-checking exercise questions: ``check``, ``hint`` and ``solution``.

A lab imports its questions, ``from nnlearn.exercises import lab03 as ex``,
and a learner writes a function and asks for feedback::

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    ex.q1.check(sigmoid)    # correct / not attempted / specific feedback
    ex.q1.hint()            # the next of several hints, from gentle to explicit
    ex.q1.solution()        # the reference solution

A :class:`Question` holds a judge, hints and a solution; most questions are
:class:`~nnlearn.exercises.FunctionQuestion` objects (in
``_function_question.py``), which compare the learner's function with a
reference.  A template left untouched (``raise NotImplementedError``, the
stub nbgrader writes) is "not attempted"; an answer that calls the function
of an earlier question which is still a template is told that question is
not done yet.

The result is shown in the notebook and, through the environment variable
``NNLEARN_EXPECT``, can be turned into an assertion: with
``NNLEARN_EXPECT=correct`` every check that is not correct raises
:class:`ExpectationError` (an instructor verifying a solution key, or the
test suite running the instructor notebooks); with
``NNLEARN_EXPECT="not attempted"`` every check must see an untouched
template (the test suite running the student notebooks).
"""

import inspect
import os
import re
import textwrap

from ._feedback import Incorrect, _failure_message, _function_name, _not_callable_message, _Spy

__all__ = ["Question", "Result", "Incorrect", "ExpectationError", "CORRECT", "INCORRECT", "NOT_ATTEMPTED"]

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not attempted"
_STATUSES = (CORRECT, INCORRECT, NOT_ATTEMPTED)
_SYMBOL = {CORRECT: "✔", INCORRECT: "✘", NOT_ATTEMPTED: "…"}
_COLOUR = {CORRECT: "#009E73", INCORRECT: "#D55E00", NOT_ATTEMPTED: "#0072B2"}


# Every question by lab ("Lab 3"), so that feedback can name an earlier question an answer depends on.
_LABS = {}


def _lab_of(label):
    return label.split(",")[0].strip()


def _question_number(label):
    match = re.search(r"question (\d+)", label)
    return match.group(1) if match else None


class ExpectationError(AssertionError):
    """A check's status differs from the one required by ``NNLEARN_EXPECT``."""


def _show(obj):
    """Display ``obj`` in a notebook (rich output) or print it elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is there wherever ipykernel is
        print(obj)
        return
    if get_ipython() is None:
        print(obj)
    else:
        display(obj)


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Result:
    """The outcome of a check: a status and a message.

    Attributes
    ----------
    question : str
        The question's label, e.g. ``"Lab 3, question 1 (sigmoid)"``.
    status : str
        ``"correct"``, ``"incorrect"`` or ``"not attempted"``.
    message : str
        Feedback for the learner.
    """

    def __init__(self, question, status, message):
        if status not in _STATUSES:
            raise ValueError(f"`status` must be one of {_STATUSES}, got {status!r}.")
        self.question = question
        self.status = status
        self.message = message

    @property
    def correct(self):
        """True when the answer is correct."""
        return self.status == CORRECT

    def __bool__(self):
        return self.correct

    def __str__(self):
        return f"{self.question}: {_SYMBOL[self.status]} {self.status}. {self.message}".rstrip()

    __repr__ = __str__

    def _repr_html_(self):
        colour = _COLOUR[self.status]
        return (f'<div style="border-left: 4px solid {colour}; padding: 0.3em 0.8em;">'
                f'<b>{_escape(self.question)}</b>: <span style="color: {colour}; font-weight: bold">'
                f'{_SYMBOL[self.status]} {self.status}</span>. {_escape(self.message)}</div>')


class _Text:
    """Plain text that renders as Markdown in a notebook (hints, solutions)."""

    def __init__(self, text, markdown):
        self.text = text
        self.markdown = markdown

    def __str__(self):
        return self.text

    __repr__ = __str__

    def _repr_markdown_(self):
        return self.markdown


class Question:
    """One exercise: a task, a judge, tiered hints and a solution.

    Parameters
    ----------
    label : str
        How the question is named in feedback, e.g. ``"Lab 3, question 1 (sigmoid)"``.
    judge : callable
        ``judge(answer)`` returns None when the answer is correct and raises
        :class:`Incorrect` with feedback otherwise.  Raising
        ``NotImplementedError`` (what an untouched template does) means
        "not attempted".
    hints : sequence of str
        From a gentle nudge to an almost complete answer; ``hint()`` shows
        them one at a time.
    solution : str or callable
        The reference solution: source code as a string, or a function whose
        source is shown.
    reference : object, optional
        A correct answer (the tests check that the judge accepts it).
    examples : sequence of (answer, str)
        Typical wrong answers that the judge recognises, each with a fragment
        of the feedback it must give.  They document what the check detects
        and the tests run them (with the mistakes of a
        :class:`FunctionQuestion`).
    callable_answer : bool, default True
        The answer is a function.  Anything else (say, what the function
        returns: ``check(nand_weights())``) is then "incorrect" with a message
        saying so, before the judge sees it.

    Whatever the learner passes, ``check`` and ``evaluate`` never raise
    (except for ``NNLEARN_EXPECT``): when the judge fails on an answer with an
    exception other than :class:`Incorrect`, the result is "incorrect" and
    says what the learner's function raised or returned.
    """

    def __init__(self, label, judge, *, hints=(), solution=None, examples=(), reference=None,
                 callable_answer=True):
        if not callable(judge):
            raise TypeError(f"`judge` must be callable, got {type(judge).__name__}.")
        self.label = label
        self.callable_answer = bool(callable_answer)
        self._judge = judge
        self.hints = tuple(hints)
        self._solution = solution if solution is not None else reference
        self.reference = reference
        self.examples = tuple(examples)
        self._hints_shown = 0
        _LABS.setdefault(_lab_of(label), []).append(self)

    # -- checking ------------------------------------------------------------------------------
    def evaluate(self, answer=None):
        """Judge ``answer`` and return a :class:`Result` without displaying it."""
        if answer is None or answer is Ellipsis:
            return Result(self.label, NOT_ATTEMPTED, "Write your answer in the cell above, run it, then check again.")
        if self.callable_answer and not callable(answer):
            return Result(self.label, INCORRECT, _not_callable_message(answer, _function_name(self.reference)))
        spy = _Spy(answer) if self.callable_answer else None
        try:
            self._judge(spy if spy is not None else answer)
        except NotImplementedError as exc:
            blocked = self._unfinished_call(exc, answer)
            if blocked is not None:
                return Result(self.label, INCORRECT, blocked)
            return Result(self.label, NOT_ATTEMPTED,
                          "The template still raises NotImplementedError: replace it with your code.")
        except Incorrect as exc:
            return Result(self.label, INCORRECT, str(exc))
        except Exception as exc:  # the judge could not use the answer: say what it raised or returned
            return Result(self.label, INCORRECT, _failure_message(exc, spy))
        return Result(self.label, CORRECT, "Well done.")

    def _unfinished_call(self, exc, answer):
        """Feedback when ``answer`` itself is written but calls a function that is still a template, else None."""
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is None:
            return None
        code = tb.tb_frame.f_code
        if code is getattr(answer, "__code__", None) or not callable(answer):
            return None
        if code.co_filename == __file__ or code.co_name in ("<lambda>", "<module>"):
            return None
        for other in _LABS.get(_lab_of(self.label), []):
            if other is not self and _function_name(other.reference) == code.co_name:
                number = _question_number(other.label)
                which = f"question {number}" if number else other.label
                return (f"{which[:1].upper()}{which[1:]} is not done yet: your function calls "
                        f"`{code.co_name}`, which still raises NotImplementedError. Finish {which} "
                        "(run its cell), then check this one again.")
        return (f"Your function calls `{code.co_name}`, which still raises NotImplementedError (a template "
                "not filled in yet): finish it, run its cell, then check this one again.")

    def check(self, answer=None):
        """Check ``answer`` and show the feedback.

        If the environment variable ``NNLEARN_EXPECT`` is set (to
        ``"correct"`` or ``"not attempted"``), a different status raises
        :class:`ExpectationError`.
        """
        result = self.evaluate(answer)
        _show(result)
        expected = os.environ.get("NNLEARN_EXPECT", "").strip()
        if expected:
            if expected not in _STATUSES:
                raise ValueError(f"NNLEARN_EXPECT must be one of {_STATUSES}, got {expected!r}.")
            if result.status != expected:
                raise ExpectationError(f"NNLEARN_EXPECT={expected!r} but {result}")
        return None

    def grade(self, answer=None):
        """Raise ``AssertionError`` with the feedback unless ``answer`` is correct (for autograded cells)."""
        result = self.evaluate(answer)
        if not result.correct:
            raise AssertionError(str(result))

    # -- help ------------------------------------------------------------------------------------
    def hint(self, level=None):
        """Show the next hint, or hint number ``level`` (1-based)."""
        if not self.hints:
            _show(_Text(f"{self.label}: no hints for this one.", f"**{self.label}**: no hints for this one."))
            return
        if level is None:
            self._hints_shown = min(self._hints_shown + 1, len(self.hints))
            level = self._hints_shown
        elif not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= len(self.hints):
            raise ValueError(f"`level` must be an integer from 1 to {len(self.hints)}, got {level!r}.")
        text = self.hints[level - 1]
        more = " Call hint() again for more." if level < len(self.hints) else ""
        head = f"Hint {level} of {len(self.hints)}"
        _show(_Text(f"{self.label} — {head}: {text}{more}", f"**{head}** ({self.label}): {text}{more}"))

    def solution_source(self):
        """The reference solution as source code."""
        if self._solution is None:
            return "(no solution recorded)"
        if callable(self._solution):
            return textwrap.dedent(inspect.getsource(self._solution)).strip()
        return textwrap.dedent(self._solution).strip()

    def solution(self):
        """Show the reference solution."""
        code = self.solution_source()
        _show(_Text(f"{self.label} — solution:\n{code}", f"**Solution** ({self.label}):\n\n```python\n{code}\n```"))

    def wrong_answers(self):
        """The known wrong answers, each with a fragment of the feedback it gets (see ``examples``)."""
        return list(self.examples)

    def __repr__(self):
        return f"<{type(self).__name__} {self.label}: check(answer), hint(), solution()>"
