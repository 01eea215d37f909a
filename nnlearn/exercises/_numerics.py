"""What a learner's function did to the numbers: floating-point events, silenced warnings, close values.

* :func:`run_recording` calls a function with numpy's error handling set to
  "call", so overflow, division by zero and invalid operations (0/0, the
  square root of a negative number, ∞ − ∞) are recorded by kind while the
  computation goes on — the outputs are judged as they are.
* A learner can switch numpy's error reporting off inside the function
  (``with np.errstate(over="ignore"):`` or ``np.seterr``).  For questions
  whose task is numerical stability, :func:`without_silencing` rebuilds the
  function from its source with those statements removed, so the check sees
  what the computation really does.
* :func:`difference` describes where two arrays differ, with as many digits
  as it takes to show the difference; ``_error`` measures how far apart they
  are and ``_constant_ratio`` finds a telling constant factor between them.
"""

import ast
import inspect
import textwrap
import types

import numpy as np

__all__ = ["OVERFLOW", "INVALID", "DIVIDE", "run_recording", "without_silencing", "difference", "event_sentence"]

OVERFLOW, INVALID, DIVIDE = "overflow", "invalid value", "divide by zero"


def run_recording(func, args):
    """``func(*args)`` and the set of floating-point events (``"overflow"``, …) it raised on the way."""
    events = set()

    def record(kind, flag):
        events.add(kind)

    with np.errstate(call=record, over="call", invalid="call", divide="call", under="ignore"):
        out = func(*args)
    return out, events


# -- functions that switch numpy's error reporting off -------------------------------------------------
_SILENCERS = ("errstate", "seterr")


def _silencer(call):
    """True if the expression ``call`` is ``np.errstate(...)``/``np.seterr(...)`` (any module alias)."""
    if not isinstance(call, ast.Call):
        return False
    f = call.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    return name in _SILENCERS


class _Unsilence(ast.NodeTransformer):
    def __init__(self):
        self.changed = False

    def visit_With(self, node):
        self.generic_visit(node)
        keep = [item for item in node.items if not _silencer(item.context_expr)]
        if len(keep) == len(node.items):
            return node
        self.changed = True
        if keep:
            node.items = keep
            return node
        return node.body

    def visit_Call(self, node):
        self.generic_visit(node)
        if _silencer(node) and not _errstate(node):  # old = np.seterr(all="ignore") -> old = dict()
            self.changed = True
            return ast.copy_location(ast.Call(func=ast.Name(id="dict", ctx=ast.Load()), args=[], keywords=[]),
                                     node)
        return node


def _errstate(call):
    f = call.func
    return (f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")) == "errstate"


def without_silencing(func):
    """``func`` rebuilt without ``np.errstate`` blocks and ``np.seterr`` calls, or None if it has none.

    Only plain functions whose source is available (a ``def`` in a notebook
    or a module, without closures) are rebuilt; anything else gives None.
    """
    code = getattr(func, "__code__", None)
    if code is None or code.co_freevars or not isinstance(func, types.FunctionType):
        return None
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return None
    if not any(word in source for word in _SILENCERS):
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if not tree.body or not isinstance(tree.body[0], ast.FunctionDef) or tree.body[0].name != func.__name__:
        return None
    tree.body = tree.body[:1]
    tree.body[0].decorator_list = []
    cleaner = _Unsilence()
    tree = cleaner.visit(tree)
    if not cleaner.changed:
        return None
    try:
        module = compile(ast.fix_missing_locations(tree), code.co_filename, "exec")
    except (SyntaxError, ValueError):
        return None
    inner = next((c for c in module.co_consts if isinstance(c, types.CodeType) and c.co_name == func.__name__),
                 None)
    if inner is None or inner.co_freevars:
        return None
    rebuilt = types.FunctionType(inner, func.__globals__, func.__name__, func.__defaults__)
    rebuilt.__kwdefaults__ = func.__kwdefaults__
    return rebuilt


# -- words -------------------------------------------------------------------------------------------
def event_sentence(events):
    """What went wrong numerically, in words, from the recorded events (most telling first)."""
    if OVERFLOW in events:
        return ("overflows: an intermediate result grew past the largest float (about 1.8e308) — "
                "typically np.exp of a large argument — and became inf")
    if DIVIDE in events:
        return "divides by zero (or takes the log of 0), which gives inf"
    if INVALID in events:
        return ("makes a NaN from an invalid operation (0/0, ∞ − ∞, ∞/∞, or the square root or log "
                "of a negative number)")
    return "returns inf or NaN"


def _fmt(x, digits):
    x = float(x)
    if np.isnan(x) or np.isinf(x):
        return repr(x)
    return np.format_float_positional(x, precision=digits, unique=False, fractional=False, trim="-") \
        if 1e-4 <= abs(x) < 1e6 or x == 0 else np.format_float_scientific(x, precision=digits - 1, trim="-")


def _pair(g, e):
    """``g`` and ``e`` printed with the fewest significant digits (4 or more) that tell them apart.

    Whole numbers print in full (101770, not 1.018e+05).
    """
    g, e = float(g), float(e)
    if all(np.isfinite(v) and v.is_integer() and abs(v) < 1e15 for v in (g, e)):
        return str(int(g)), str(int(e))
    big = max(abs(g), abs(e))
    start = max(4, int(np.log10(big)) + 1) if np.isfinite(big) and 1 <= big < 1e6 else 4
    for digits in range(start, 18):
        a, b = _fmt(g, digits), _fmt(e, digits)
        if a != b:
            return a, b
    return repr(float(g)), repr(float(e))


def difference(got, expected, rtol, atol):
    """Where ``got`` and ``expected`` (same shape) first differ, e.g. "at index (1,): got 0.50001, expected 0.5"."""
    close = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    if got.ndim == 0:
        return "" if close else ": got {}, expected {}".format(*_pair(got, expected))
    bad = np.argwhere(~close)
    if len(bad) == 0:
        return ""
    where = tuple(int(i) for i in bad[0])
    a, b = _pair(got[where], expected[where])
    at = f" at index {where}" if got.ndim else ""
    more = f" ({len(bad)} of {got.size} entries differ)" if got.size > 1 else ""
    return f"{at}: got {a}, expected {b}{more}"


# -- comparing a learner's outputs with the reference's ------------------------------------------------
def _finite(value):
    try:
        return bool(np.all(np.isfinite(np.asarray(value, dtype=float))))
    except (TypeError, ValueError):
        return True


def _error(got, expected):
    """How far ``got`` is from ``expected`` (largest relative difference; inf for a shape mismatch)."""
    worst = 0.0
    for g, e in zip(got, expected):
        try:
            g_arr, e_arr = np.asarray(g, dtype=float), np.asarray(e, dtype=float)
        except (TypeError, ValueError):
            return np.inf
        if g_arr.shape != e_arr.shape:
            return np.inf
        with np.errstate(all="ignore"):
            diff = np.abs(g_arr - e_arr) / (np.abs(e_arr) + 1e-12)
        diff = np.where(np.isnan(diff), np.inf, diff)
        worst = max(worst, float(np.max(diff, initial=0.0)))
    return worst


def _constant_ratio(pairs):
    """The factor c with got = c * expected on every case, if there is one (other than 1) and it is telling.

    Telling means: at least two cases, each with at least two entries where
    the expected value is not zero, all giving the same ratio — a ratio of two
    single numbers is always "constant" and says nothing.
    """
    ratios, informative = [], 0
    for got, expected in pairs:
        if got.shape != expected.shape:
            return None
        mask = np.abs(expected) > 1e-12
        if not np.allclose(got[~mask], 0.0, atol=1e-12):
            return None
        if mask.sum() >= 2:
            informative += 1
        ratios.append(got[mask] / expected[mask])
    if informative < 2:
        return None
    ratios = np.concatenate(ratios)
    c = ratios[0]
    if np.isfinite(c) and c != 0 and not np.isclose(c, 1.0) and np.allclose(ratios, c, rtol=1e-6):
        return float(c)
    return None
