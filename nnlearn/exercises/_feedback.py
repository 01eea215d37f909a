"""What a learner passed, returned or raised, in words: the feedback of a check that cannot use an answer.

``check()`` never raises on a learner's answer.  A value where a function is
expected, a function that raises, or one that returns a dict, a string, a
ragged tuple, None or a generator gets "incorrect" with a message built here
("Pass your function itself — without calling it: check() expects the
function, e.g. check(nand_weights), got a tuple of length 2 (…)").
"""

import collections.abc
import inspect

import numpy as np


class Incorrect(Exception):
    """Raised by a custom judge (see :class:`Question`) with the feedback for a wrong answer."""


# -- what a learner passed or returned, in words ---------------------------------------------------
class _Spy:
    """Calls the learner's function and remembers what it last returned or raised (for the feedback)."""

    def __init__(self, func):
        self.func = func
        self.calls = 0
        self.returned = None
        self.raised = None

    def __call__(self, *args, **kwargs):
        self.calls += 1
        self.raised = None
        try:
            out = self.func(*args, **kwargs)
        except Exception as exc:
            self.raised = exc
            raise
        self.returned = out
        return out


def _text(obj, limit=70):
    """``repr(obj)`` on one line, shortened; never raises (a learner's object may have a broken repr)."""
    try:
        with np.printoptions(threshold=6, edgeitems=2, precision=3):
            text = repr(obj)
    except Exception:
        text = f"<{type(obj).__name__} object>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _exception_text(exc):
    try:
        message = str(exc)
    except Exception:
        message = ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _a(noun):
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def _describe(value):
    """What ``value`` is, for feedback: "a dict ({'w': 1})", "an array of shape (3,)", "a generator (…)"."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        kind = "" if value.dtype.kind in "biuf" else f" and dtype {value.dtype}"
        return f"an array of shape {value.shape}{kind}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)} ({_text(value)})"
    if isinstance(value, str):
        return f"a string ({_text(value)})"
    if isinstance(value, (bytes, bytearray)):
        return f"bytes ({_text(value)})"
    if isinstance(value, dict):
        return f"a dict ({_text(value)})"
    if isinstance(value, (set, frozenset)):
        return f"a set ({_text(value)})"
    if inspect.isgenerator(value):
        return ("a generator (from `yield`, or from a generator expression `(… for …)`; build a list or an "
                "array instead, e.g. np.array([… for …]))")
    if isinstance(value, collections.abc.Iterator):
        return f"an iterator ({type(value).__name__}; turn it into a list or an array, e.g. list(…))"
    if isinstance(value, (bool, np.bool_)):
        return f"the boolean {value!r}"
    if isinstance(value, (complex, np.complexfloating)):
        return f"the complex number {_text(value)}"
    if isinstance(value, (int, float, np.number)):
        return f"the number {_text(value)}"
    if callable(value):
        return f"a function or callable ({_text(value)})"
    return f"{_a(type(value).__name__)} ({_text(value)})"


def _function_name(reference):
    name = getattr(reference, "__name__", "")
    return name if isinstance(name, str) and name.isidentifier() else "my_function"


def _not_callable_message(answer, name):
    called = " — without calling it" if not isinstance(answer, (str, type(None))) else ""
    return (f"Pass your function itself{called}: check() expects the function, e.g. check({name}), "
            f"got {_describe(answer)}.")


def _failure_message(exc, spy):
    """Feedback when a judge failed with an unexpected exception: what the learner's function raised or returned."""
    raised, chained = None, exc
    while chained is not None:
        if spy is not None and chained is spy.raised:
            raised = chained
            break
        chained = chained.__cause__ or chained.__context__
    if raised is not None:
        return f"Your function raised {_exception_text(raised)}."
    if spy is not None and spy.calls:
        return (f"Your function returned {_describe(spy.returned)}, which the check cannot use "
                f"({_exception_text(exc)}). Return the kind of value the question asks for.")
    return f"The check could not use your answer: {_exception_text(exc)}."


def _numeric_problem(value):
    """None if ``value`` is a number or an array of numbers (or nested lists of them), else why it is not."""
    if value is None:
        return "None"
    if isinstance(value, (str, bytes, bytearray, dict, set, frozenset)) or inspect.isgenerator(value) \
            or isinstance(value, collections.abc.Iterator):
        return _describe(value)
    try:
        arr = np.asarray(value)
    except Exception:  # ragged nesting, a broken __array__, …
        return f"{_describe(value)}, whose parts have different shapes or are not numbers"
    if not isinstance(arr, np.ndarray):  # a learner's __array__ returned something else  # pragma: no cover
        return _describe(value)
    if arr.dtype.kind in "biuf":
        return None
    sequence = isinstance(value, (tuple, list, np.ndarray))
    if arr.dtype.kind == "c":
        return f"{_describe(value)}, with complex numbers" if sequence else _describe(value)
    if arr.dtype.kind == "O":
        if any(v is None or isinstance(v, (str, bytes)) for v in arr.ravel()):
            return f"{_describe(value)}, holding None or strings"
        try:
            arr.astype(float)
        except Exception:
            return (f"{_describe(value)}, whose parts have different shapes or are not numbers" if sequence
                    else f"{_describe(value)}, which is not a number")
        return None
    return f"{_describe(value)}, not numbers"


def _numbers(value, name):
    """``value`` as a float array, or :class:`Incorrect` saying that ``name`` (a returned value) is not numeric."""
    problem = _numeric_problem(value)
    if problem is None:
        try:
            return np.asarray(value, dtype=float)
        except Exception as exc:  # pragma: no cover - _numeric_problem let through what float() refuses
            problem = f"{_describe(value)} ({_exception_text(exc)})"
    raise Incorrect(f"{name} must be a number or an array of numbers; your function returned {problem}.")


def _values(out, names, what):
    """The ``len(names)`` values a function returned (a tuple or list), each as a float array."""
    if out is None:
        raise Incorrect("Your function returned None: did you forget the `return`?")
    if not isinstance(out, (tuple, list)) or len(out) != len(names):
        raise Incorrect(f"Your function must return {len(names)} values: {what}; it returned {_describe(out)}.")
    return [_numbers(v, name) for name, v in zip(names, out)]


def _expected_kind(expected):
    shape = np.shape(expected)
    return "a number" if shape == () else f"an array of shape {shape}"
