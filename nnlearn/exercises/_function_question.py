"""Questions answered by a function: run it and a reference on the same inputs, and say what differs.

A :class:`FunctionQuestion` calls the learner's function on listed cases and
on a few inputs drawn fresh for every check (``draw``), so an answer tuned
to the listed cases fails.  When the outputs disagree it does not stop at
"incorrect": it runs a list of typical wrong answers (:class:`Mistake`) on
the same inputs and, when the learner's outputs equal one of them, says
which mistake that is.  It also catches what a comparison of values cannot:
a function that returns None, the transpose of the expected shape, changes
its input in place, or returns inf/NaN — overflow, division by zero and
invalid operations told apart, with the input that triggered them.  For
questions whose task is numerical stability (``stable=True``) an overflow
on the way is wrong even when the final values come out right, and
switching numpy's warnings off inside the function does not hide it.  Why an
answer is wrong, when no known mistake matches, is worked out in
``_diagnosis.py``.
"""

import inspect
import zlib

import numpy as np

from ._feedback import Incorrect, _describe, _exception_text, _expected_kind, _not_callable_message, \
    _function_name, _numeric_problem
from ._diagnosis import _copy_args, _Diagnosis, _format_args
from ._numerics import OVERFLOW, _finite, event_sentence, run_recording, without_silencing
from ._question import Question

__all__ = ["FunctionQuestion", "Mistake"]


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
        if not isinstance(after, np.ndarray) or before.shape != after.shape:
            return False
        return np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")
    if isinstance(before, (list, tuple)) and any(isinstance(b, np.ndarray) for b in before):
        return len(before) == len(after) and all(_unchanged(b, a) for b, a in zip(before, after))
    return True


class FunctionQuestion(_Diagnosis, Question):
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
    returns : str, optional
        What the function returns, in the words of the question (e.g. "the
        loss and its gradient"), for feedback on a wrong number of values.
    rtol, atol : float
        Tolerances of the comparison (``numpy.allclose``).
    in_place_message : str, optional
        Feedback when the function changes an input array and does not restore it.
    overflow_message : str, optional
        Advice added when the function overflows, divides by zero or makes a
        NaN where the reference does not.  Say how to fix it; where it happened
        is added by the check.
    nan_message : str, optional
        Advice added when the function divides by zero or makes a NaN from an
        invalid operation (0/0, log of 0 or of a negative number) without an
        overflow; by default, to find and rewrite that step.
    stable : bool, default False
        Numerical stability is part of the task: an overflow, division by
        zero or invalid operation on the way is wrong even when the returned
        values are right, and switching numpy's warnings off inside the
        function (``np.errstate``, ``np.seterr``) does not hide it.
    draw : callable, optional
        ``draw(rng)`` returns one more argument tuple from a numpy Generator;
        every check draws ``n_draws`` of them afresh, from a generator seeded
        by the label, so a run of checks is reproducible but no answer can be
        tuned to the listed cases.
    n_draws : int, default 3
        How many cases ``draw`` supplies per check.
    """

    def __init__(self, label, reference, cases, *, mistakes=(), hints=(), solution=None, n_outputs=1,
                 output_names=None, returns=None, rtol=1e-6, atol=1e-9, overflow_message=None,
                 in_place_message=None, nan_message=None, stable=False, draw=None, n_draws=3, examples=()):
        if not callable(reference):
            raise TypeError(f"`reference` must be callable, got {type(reference).__name__}.")
        cases = [tuple(c) for c in cases]
        if not cases:
            raise ValueError("`cases` must hold at least one tuple of arguments, got none.")
        if draw is not None and not callable(draw):
            raise TypeError(f"`draw` must be a callable draw(rng) -> tuple of arguments, got {type(draw).__name__}.")
        self.cases = cases
        self.mistakes = tuple(mistakes)
        self.n_outputs = n_outputs
        if output_names:
            self.output_names = tuple(output_names)
        elif n_outputs == 1:
            self.output_names = ("result",)
        else:
            self.output_names = tuple(f"returned value number {i + 1}" for i in range(n_outputs))
        self.returns = returns
        self.rtol = rtol
        self.atol = atol
        self.stable = bool(stable)
        self.draw = draw
        self.n_draws = int(n_draws) if draw is not None else 0
        self._rng = np.random.default_rng(zlib.crc32(label.encode()))
        self.in_place_message = in_place_message or (
            "Your function changed an input array in place (with `+=`, `*=`, `x[...] = ...` or `out=`): "
            "the caller's array must stay as it was. Compute a new array instead, e.g. `x = x + ...`.")
        self.overflow_message = overflow_message or "Rewrite it in a numerically stable form."
        self.nan_message = nan_message or "Find the operation that gives it for this input and rewrite that step."
        try:
            self._params = list(inspect.signature(reference).parameters)
        except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
            self._params = []
        self._fixed = [self._reference_run(reference, args) for args in cases]
        super().__init__(label, self._judge_function, hints=hints, solution=solution, examples=examples,
                         reference=reference)

    def wrong_answers(self):
        """Every known wrong answer with a fragment of its feedback: the mistakes, then the examples."""
        return [(m.answer, m.message) for m in self.mistakes] + list(self.examples)

    # -- running ---------------------------------------------------------------------------------
    def _reference_run(self, reference, args):
        out, events = run_recording(reference, _copy_args(args))
        return (out if self.n_outputs > 1 else (out,)), events

    def _outputs(self, func, args):
        """What a trusted function (the reference, a known mistake) returns, as a tuple of outputs."""
        with np.errstate(all="ignore"):
            out = func(*_copy_args(args))
        return out if self.n_outputs > 1 else (out,)

    def _cases(self):
        """The listed cases and this check's freshly drawn ones, each with the reference's outputs and events."""
        cases = list(zip(self.cases, self._fixed))
        for _ in range(self.n_draws):
            args = tuple(self.draw(self._rng))
            cases.append((args, self._reference_run(self.reference, args)))
        return cases

    def _same(self, got, expected):
        for g, e in zip(got, expected):
            g_arr, e_arr = np.asarray(g, dtype=float), np.asarray(e, dtype=float)
            if g_arr.shape != e_arr.shape or not np.allclose(g_arr, e_arr, rtol=self.rtol, atol=self.atol,
                                                           equal_nan=True):
                return False
        return True

    def _as_tuple(self, out):
        if self.n_outputs == 1:
            return (out,)
        if not isinstance(out, (tuple, list)) or len(out) != self.n_outputs:
            what = self.returns or ", ".join(self.output_names)
            raise Incorrect(f"Your function must return {self.n_outputs} values ({what}), "
                            f"got {_describe(out)}.")
        return tuple(out)

    def _call(self, answer, args):
        """The learner's outputs and floating-point events for one case, or Incorrect saying what went wrong."""
        originals, inputs = _copy_args(args), _copy_args(args)
        try:
            out, events = run_recording(answer, inputs)
        except NotImplementedError:
            raise
        except Exception as exc:
            error = f"Your function raised {_exception_text(exc)} (for the input {_format_args(args)})."
            for mistake in self.mistakes:  # a known mistake that fails in exactly the same way
                if _raises_same(mistake.answer, args, exc) and self._agrees_elsewhere(answer, mistake, args):
                    raise Incorrect(f"{mistake.message} ({error})") from None
            raise Incorrect(error) from None
        if out is None:
            raise Incorrect("Your function returned None: did you forget the `return` statement?")
        for before, after in zip(originals, inputs):
            if not _unchanged(before, after):
                raise Incorrect(self.in_place_message)
        return self._numeric_outputs(out), events

    def _agrees_elsewhere(self, answer, mistake, failed):
        """True if ``answer`` and ``mistake`` behave alike on the check's other cases (same outputs or errors).

        Two different bugs can fail with the same numpy error on one input; the
        other cases tell them apart.
        """
        for args, _ in getattr(self, "_current", ()):
            if args is failed:
                continue
            results = []
            for func in (answer, mistake.answer):
                try:
                    with np.errstate(all="ignore"):
                        results.append(("out", self._as_tuple(func(*_copy_args(args)))))
                except Exception as exc:
                    results.append(("raised", (type(exc), str(exc))))
            (kind_a, a), (kind_m, m) = results
            if kind_a != kind_m:
                return False
            try:
                if a != m if kind_a == "raised" else not self._same(a, m):
                    return False
            except (TypeError, ValueError):
                return False
        return True

    def _numeric_outputs(self, out):
        """The returned values as a tuple, after checking that each is a number or an array of numbers."""
        values = self._as_tuple(out)
        for name, value, expected in zip(self.output_names, values, self._fixed[0][0]):
            problem = _numeric_problem(value)
            if problem is None:
                continue
            want = _expected_kind(expected)
            if self.n_outputs == 1:
                raise Incorrect(f"Your function returned {problem}; it must return {want}.")
            raise Incorrect(f"The {name} your function returned is {problem}; it must be {want}.")
        return values

    # -- judging ---------------------------------------------------------------------------------
    def _judge_function(self, answer):
        if not callable(answer):
            raise Incorrect(_not_callable_message(answer, _function_name(self.reference)))
        cases = self._cases()
        self._current, self._answer = cases, answer
        runs = [self._call(answer, args) for args, _ in cases]
        bare = without_silencing(getattr(answer, "func", answer)) if self.stable else None
        if bare is not None:  # judge the events of the computation the learner silenced
            try:
                runs = [(out, run_recording(bare, _copy_args(args))[1]) for (out, _), (args, _) in zip(runs, cases)]
            except Exception:
                pass
        outputs = [out for out, _ in runs]
        mismatches = [i for i, (out, (_, (expected, _))) in enumerate(zip(outputs, cases))
                      if not self._same(out, expected)]
        unstable = [i for i, ((_, events), (_, (_, ref_events))) in enumerate(zip(runs, cases))
                    if self.stable and events - ref_events]
        if not mismatches and not unstable:
            return
        for mistake in self.mistakes:
            if self._matches(mistake, outputs, cases):
                raise Incorrect(mistake.message)
        nonfinite = [i for i in mismatches
                     if not all(_finite(g) for g in outputs[i]) and all(_finite(e) for e in cases[i][1][0])]
        if nonfinite or unstable:
            i = (nonfinite or unstable)[0]
            args = cases[i][0]
            events = runs[i][1] - cases[i][1][1]
            where = self._where(answer if bare is None else bare, args, outputs[i])
            where = where[:1].upper() + where[1:]
            if nonfinite:
                head = f"{where}, your function {event_sentence(events)}."
            elif not mismatches:
                head = (f"Your values are right, but on the way: {where.lower()}, your function "
                        f"{event_sentence(events)} (numpy warns about it; a stable formula never does).")
            else:
                head = (f"{where}, your function {event_sentence(events)} on the way (numpy warns about it), "
                        "and its values are wrong (silencing the warning or replacing inf and NaN "
                        "afterwards does not make them right).")
            advice = self.overflow_message if OVERFLOW in events or not events else self.nan_message
            raise Incorrect(f"{head} {advice}")
        self._explain_mismatch(cases, outputs, mismatches)

    def _matches(self, mistake, outputs, cases):
        try:
            wrong = [self._outputs(mistake.answer, args) for args, _ in cases]
        except Exception:
            return False
        try:
            return all(self._same(got, w) for got, w in zip(outputs, wrong))
        except (TypeError, ValueError):
            return False
