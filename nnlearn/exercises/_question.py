"""Self-checking exercise questions: ``check``, ``hint`` and ``solution``.

A lab imports its questions, ``from nnlearn.exercises import lab03 as ex``,
and a learner writes a function and asks for feedback::

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    ex.q1.check(sigmoid)    # correct / not attempted / specific feedback
    ex.q1.hint()            # the next of several hints, from gentle to explicit
    ex.q1.solution()        # the reference solution

A :class:`FunctionQuestion` runs the learner's function and the reference
on the same inputs.  When they disagree it does not stop at "incorrect": it
also runs a list of typical wrong answers (:class:`Mistake`) on the same
inputs, and when the learner's outputs equal one of those it says which
mistake that is ("the sign in the exponent is flipped").  It also catches
what a comparison of values cannot: a template left untouched (``raise
NotImplementedError``, the stub nbgrader writes) is "not attempted"; a
function that overflows for large inputs, returns ``None``, returns the
transpose of the expected shape or changes its input in place gets its own
message.

The result is shown in the notebook and, through the environment variable
``NNLEARN_EXPECT``, can be turned into an assertion: with
``NNLEARN_EXPECT=correct`` every check that is not correct raises
:class:`ExpectationError` (an instructor verifying a solution key, or the
test suite running the instructor notebooks); with
``NNLEARN_EXPECT="not attempted"`` every check must see an untouched
template (the test suite running the student notebooks).
"""

import copy
import inspect
import os
import textwrap

import numpy as np

from ._feedback import (Incorrect, _describe, _exception_text, _expected_kind, _failure_message, _function_name,
                        _not_callable_message, _numeric_problem, _Spy)

__all__ = ["Question", "FunctionQuestion", "Mistake", "Result", "Incorrect", "ExpectationError",
           "CORRECT", "INCORRECT", "NOT_ATTEMPTED"]

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not attempted"
_STATUSES = (CORRECT, INCORRECT, NOT_ATTEMPTED)
_SYMBOL = {CORRECT: "✔", INCORRECT: "✘", NOT_ATTEMPTED: "…"}
_COLOUR = {CORRECT: "#009E73", INCORRECT: "#D55E00", NOT_ATTEMPTED: "#0072B2"}


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
        except NotImplementedError:
            return Result(self.label, NOT_ATTEMPTED,
                          "The template still raises NotImplementedError: replace it with your code.")
        except Incorrect as exc:
            return Result(self.label, INCORRECT, str(exc))
        except Exception as exc:  # the judge could not use the answer: say what it raised or returned
            return Result(self.label, INCORRECT, _failure_message(exc, spy))
        return Result(self.label, CORRECT, "Well done.")

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


class Mistake:
    """A typical wrong answer and the feedback it deserves.

    Parameters
    ----------
    message : str
        What went wrong and how to fix it.
    answer : callable
        A function with the same signature as the expected answer that makes
        exactly this mistake.  When the learner's outputs equal its outputs on
        every test input, ``message`` is the feedback.
    """

    def __init__(self, message, answer):
        if not callable(answer):
            raise TypeError(f"`answer` must be a callable that makes the mistake, got {type(answer).__name__}.")
        self.message = message
        self.answer = answer

    def __repr__(self):
        return f"Mistake({self.message!r})"


def _copy_args(args):
    """Fresh copies of the arguments (arrays, and lists or tuples of arrays), so no call sees another's edits."""
    return tuple(copy.deepcopy(a) if isinstance(a, (np.ndarray, list, tuple, dict)) else a for a in args)


def _raises_same(func, args, exc):
    """True if ``func(*args)`` raises an exception of the same type and message as ``exc``."""
    try:
        with np.errstate(all="ignore"):
            func(*_copy_args(args))
    except Exception as other:
        return type(other) is type(exc) and str(other) == str(exc)
    return False


def _unchanged(before, after):
    if isinstance(before, np.ndarray):
        return np.array_equal(before, after, equal_nan=True)
    if isinstance(before, (list, tuple)) and any(isinstance(b, np.ndarray) for b in before):
        return len(before) == len(after) and all(_unchanged(b, a) for b, a in zip(before, after))
    return True


def _as_tuple(out, n_outputs):
    if n_outputs == 1:
        return (out,)
    if not isinstance(out, (tuple, list)) or len(out) != n_outputs:
        raise Incorrect(f"Your function must return {n_outputs} values (a tuple), got {_describe(out)}.")
    return tuple(out)


def _format_args(args):
    parts = []
    for a in args:
        text = np.array2string(np.asarray(a), precision=3, threshold=8, max_line_width=60) \
            if isinstance(a, np.ndarray) else repr(a)
        parts.append(text.replace("\n", ""))
    return ", ".join(parts)


class FunctionQuestion(Question):
    """A question answered by a function, checked against a reference on test inputs.

    Parameters
    ----------
    label : str
        The question's name in feedback.
    reference : callable
        The correct function.
    cases : sequence of tuple
        Argument tuples to call both functions with.  Arrays are copied for
        every call, and a function that changes its input in place is told so.
    mistakes : sequence of Mistake
        Typical wrong answers with their feedback, tried in order.
    hints, solution, examples
        As for :class:`Question`; ``solution`` defaults to ``reference``'s source.
    n_outputs : int, default 1
        How many values the function returns (a tuple when more than one).
    output_names : sequence of str, optional
        Names of the returned values, used in feedback.
    rtol, atol : float
        Tolerances of the comparison (``numpy.allclose``).
    in_place_message : str, optional
        Feedback when the function changes an input array and does not restore it.
    overflow_message : str, optional
        Feedback when the function overflows (or divides by zero, or makes a
        NaN) where the reference does not; the test inputs should include
        large values to provoke it.
    """

    def __init__(self, label, reference, cases, *, mistakes=(), hints=(), solution=None, n_outputs=1,
                 output_names=None, rtol=1e-6, atol=1e-9, overflow_message=None, in_place_message=None,
                 examples=()):
        if not callable(reference):
            raise TypeError(f"`reference` must be callable, got {type(reference).__name__}.")
        cases = [tuple(c) for c in cases]
        if not cases:
            raise ValueError("`cases` must hold at least one tuple of arguments, got none.")
        self.cases = cases
        self.mistakes = tuple(mistakes)
        self.n_outputs = n_outputs
        if output_names:
            self.output_names = tuple(output_names)
        elif n_outputs == 1:
            self.output_names = ("result",)
        else:
            self.output_names = tuple(f"returned value number {i + 1}" for i in range(n_outputs))
        self.rtol = rtol
        self.atol = atol
        self.in_place_message = in_place_message or (
            "Your function changed its input array in place; compute a new array instead "
            "(e.g. `np.maximum(0, z)`, not `z[z < 0] = 0`).")
        self.overflow_message = overflow_message or (
            "Your function overflows (or divides by zero, or makes a NaN) for some inputs, "
            "e.g. very large or very negative ones; rewrite it in a numerically stable form.")
        with np.errstate(all="ignore"):
            self._expected = [self._outputs(reference, args) for args in cases]
        super().__init__(label, self._judge_function, hints=hints, solution=solution, examples=examples,
                         reference=reference)

    def wrong_answers(self):
        """Every known wrong answer with a fragment of its feedback: the mistakes, then the examples."""
        return [(m.answer, m.message) for m in self.mistakes] + list(self.examples)

    def _outputs(self, func, args):
        """What a trusted function (the reference, a known mistake) returns, as a tuple of outputs."""
        out = func(*_copy_args(args))
        return out if self.n_outputs > 1 else (out,)

    def _same(self, got, expected):
        for g, e in zip(got, expected):
            g_arr, e_arr = np.asarray(g, dtype=float), np.asarray(e, dtype=float)
            if g_arr.shape != e_arr.shape or not np.allclose(g_arr, e_arr, rtol=self.rtol, atol=self.atol,
                                                           equal_nan=True):
                return False
        return True

    def _judge_function(self, answer):
        if not callable(answer):
            raise Incorrect(_not_callable_message(answer, _function_name(self.reference)))
        outputs, overflowed = [], None
        for args in self.cases:
            originals = _copy_args(args)
            inputs = _copy_args(args)
            try:
                try:
                    with np.errstate(over="raise", invalid="raise", divide="raise"):
                        out = answer(*inputs)
                except FloatingPointError:
                    overflowed = overflowed or args
                    inputs = _copy_args(args)
                    with np.errstate(all="ignore"):
                        out = answer(*inputs)
            except NotImplementedError:
                raise
            except Exception as exc:
                error = f"Your function raised {_exception_text(exc)} (for the input {_format_args(args)})."
                for mistake in self.mistakes:  # a known mistake that fails in exactly the same way
                    if _raises_same(mistake.answer, args, exc):
                        raise Incorrect(f"{mistake.message} ({error})") from None
                raise Incorrect(error) from None
            if out is None:
                raise Incorrect("Your function returned None: did you forget the `return` statement?")
            for before, after in zip(originals, inputs):
                if not _unchanged(before, after):
                    raise Incorrect(self.in_place_message)
            outputs.append(self._numeric_outputs(out, len(outputs)))
        mismatch = None
        for args, got, expected in zip(self.cases, outputs, self._expected):
            if not self._same(got, expected):
                mismatch = (args, got, expected)
                break
        if mismatch is None and overflowed is None:
            return
        for mistake in self.mistakes:
            if self._matches(mistake, outputs):
                raise Incorrect(mistake.message)
        if overflowed is not None:
            raise Incorrect(f"{self.overflow_message} (Input: {_format_args(overflowed)}.)")
        args, got, expected = mismatch
        for name, g, e in zip(self.output_names, got, expected):
            g_arr, e_arr = np.asarray(g, dtype=float), np.asarray(e, dtype=float)
            if g_arr.shape != e_arr.shape:
                if g_arr.ndim == 2 and g_arr.shape == e_arr.shape[::-1]:
                    raise Incorrect(f"The {name} has shape {g_arr.shape}, the transpose of the expected "
                                    f"{e_arr.shape}: check the order of the factors in your matrix product "
                                    "(batch-first: rows are samples).")
                raise Incorrect(f"The {name} has shape {g_arr.shape}; expected {e_arr.shape} "
                                f"(for the input {_format_args(args)}).")
            if not np.allclose(g_arr, e_arr, rtol=self.rtol, atol=self.atol, equal_nan=True):
                ratio = _constant_ratio(g_arr, e_arr)
                if ratio is not None:
                    raise Incorrect(f"The {name} is off by a constant factor: yours is {ratio:.4g} times the "
                                    "expected value. Look for a missing or extra factor (a 2, a 1/n, a sign).")
                raise Incorrect(f"The {name} is wrong for the input {_format_args(args)}: got "
                                f"{_format_args((g_arr,))}, expected {_format_args((e_arr,))}.")

    def _numeric_outputs(self, out, case):
        """The returned values as a tuple, after checking that each is a number or an array of numbers."""
        values = _as_tuple(out, self.n_outputs)
        for name, value, expected in zip(self.output_names, values, self._expected[case]):
            problem = _numeric_problem(value)
            if problem is None:
                continue
            want = _expected_kind(expected)
            if self.n_outputs == 1:
                raise Incorrect(f"Your function returned {problem}; it must return {want}.")
            raise Incorrect(f"The {name} your function returned is {problem}; it must be {want}.")
        return values

    def _matches(self, mistake, outputs):
        try:
            with np.errstate(all="ignore"):
                wrong = [self._outputs(mistake.answer, args) for args in self.cases]
        except Exception:
            return False
        return all(self._same(got, w) for got, w in zip(outputs, wrong))


def _constant_ratio(got, expected):
    """The factor c with got = c * expected, if there is one (other than 1) and it is well defined."""
    mask = np.abs(expected) > 1e-12
    if not mask.any() or not np.allclose(got[~mask], 0.0, atol=1e-12):
        return None
    ratios = got[mask] / expected[mask]
    c = ratios[0]
    if np.allclose(ratios, c, rtol=1e-6) and not np.isclose(c, 1.0) and np.isfinite(c):
        return float(c)
    return None
