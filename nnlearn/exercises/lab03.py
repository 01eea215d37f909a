"""Lab 3 — activation functions: sigmoid, its derivative, ReLU and softmax.

Questions: ``q1`` a numerically stable sigmoid, ``q2`` its derivative (stable too),
``q3`` ReLU without changing the input, ``q4`` a row-wise, stable softmax.
Every check adds inputs drawn afresh (extreme ones included), so an answer
tuned to the listed cases fails.
"""

import numpy as np

from ._feedback import Incorrect
from ._function_question import FunctionQuestion, Mistake


def _global_max_nan_to_num(Z):
    with np.errstate(all="ignore"):
        e = np.exp(Z - Z.max())
        return np.nan_to_num(e / e.sum(axis=1, keepdims=True))


__all__ = ["q1", "q2", "q3", "q4"]

_Z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
_Z_LARGE = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
_Z_INT = np.array([-1000, -745, -30, -1, 0, 2, 30, 710, 1000])  # integers, as learners pass them
# A batch (2-D), extremes included: an answer that flattens z or loops over its entries fails.
_Z_2D = np.array([[-1000.0, -40.0, 0.5], [3.0, 40.0, 1000.0], [-2.0, 0.0, -60.0], [1.0, -1.0, 10.0]])
_Z_BATCH = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0], [1000.0, 1001.0, 999.0], [0.5, 0.5, 0.5]])
# Rows that defeat shifts other than each row's own maximum: the minimum ([0, 1000]), the mean
# ([-1000, 0, 1000]) and the maximum of the whole batch (a row far below another).
_Z_SPREAD = np.array([[0.0, 1000.0, 2.0], [-1000.0, 0.0, 1000.0], [-2000.0, -1999.0, -2001.0]])
_Z_SQUARE = np.array([[3.0, -1.0], [0.0, 2.0]])       # square: a mistake of axis keeps the shape
_Z_ONE = np.array([[2, 1, 0, -1]])                    # one sample, integer entries
# σ is tiny but not 0 below z ≈ −745: a clip of z (at ±500, ±709) shows there, compared relatively;
# ±20000 overflows np.exp even in np.longdouble.
_Z_TINY = np.array([-20000.0, -744.0, -700.5, -650.0, -600.0, 1.5, 20000.0])
_Z_NONNEG = np.array([0.0, 0.5, 2.0, 7.25])           # ReLU(z) equals z: still a new array


def sigmoid(z):
    """The logistic sigmoid 1 / (1 + exp(-z)), stable for large |z|."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))                       # never overflows: exponent <= 0
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z):
    """sigma'(z) = sigma(z) * (1 - sigma(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


def relu(z):
    """max(0, z) element by element, as a new array."""
    return np.maximum(0.0, z)


def softmax(Z):
    """Softmax of each row of Z, shape (n_samples, n_classes), stable for large entries."""
    shifted = Z - Z.max(axis=1, keepdims=True)   # the largest exponent is e^0 = 1
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


class _Float64Question(FunctionQuestion):
    """Values computed in float32 (or float16) are told so, instead of "wrong for the input"."""

    def _call(self, answer, args):
        out, events = super()._call(answer, args)
        for value in out:
            dtype = np.asarray(value).dtype
            if dtype.kind == "f" and dtype.itemsize < 8:
                self._low_precision = dtype
        return out, events

    def _judge_function(self, answer):
        self._low_precision = None
        try:
            super()._judge_function(answer)
        except Incorrect:
            if self._low_precision is None or not self._close_in_low_precision(answer):
                raise
        else:
            if self._low_precision is None:
                return
        raise Incorrect(f"Your function returns {self._low_precision} values: it computes in "
                        "single precision, which keeps only about 7 significant digits, so its "
                        "values differ from the exact ones from the 7th digit on. Compute in "
                        "float64, numpy's default: convert the input with np.asarray(..., "
                        "dtype=float), not to np.float32.")

    def _close_in_low_precision(self, answer):
        """True if the learner's outputs agree with the reference as far as float32 can
        (cancellation included)."""
        for args, (expected, _) in self._current:
            try:
                with np.errstate(all="ignore"):
                    got = self._as_tuple(answer(*[np.copy(a) for a in args]))
                for g, e in zip(got, expected):
                    g, e = np.asarray(g, dtype=float), np.asarray(e, dtype=float)
                    if g.shape != e.shape or not np.allclose(g, e, rtol=1e-2, atol=1e-9):
                        return False
            except Exception:
                return False
        return True


class _RowwiseQuestion(_Float64Question):
    """Feedback by rows: the row of Z that overflowed; a transpose without matrix products."""

    def _where(self, func, args, got):
        Z, out = np.asarray(args[0]), np.asarray(got[0], dtype=float)
        if Z.ndim == 2 and out.shape == Z.shape:
            bad = ~np.isfinite(out).all(axis=1)
            if bad.any():
                row = ", ".join(f"{v:g}" for v in Z[bad][0][:8])
                return f"for the row [{row}] of Z"
        return super()._where(func, args, got)

    def _explain_mismatch(self, cases, outputs, mismatches):
        args, (expected, _) = cases[mismatches[0]]
        shape = np.shape(outputs[mismatches[0]][0])
        if len(shape) == 2 and shape != expected[0].shape and shape == expected[0].shape[::-1]:
            raise Incorrect(f"Your result has shape {shape}, the transpose of the expected "
                            f"{expected[0].shape}: the rows of Z are the samples, and each row of "
                            "the result is the softmax of that row (axis=1), in the same layout "
                            "as Z.")
        super()._explain_mismatch(cases, outputs, mismatches)


class _ElementwiseQuestion(_Float64Question):
    """An element-wise function of z of any shape; tiny values (σ(−50) ≈ 2e−22) must be right too.

    ``tiny`` names the function in feedback on values that are wrong only where they are tiny.
    """

    def __init__(self, *args, tiny, **kwargs):
        self.tiny = tiny
        super().__init__(*args, **kwargs)

    def _call(self, answer, args):
        try:
            return super()._call(answer, args)
        except Incorrect as exc:
            z = args[0]
            if "raised" not in str(exc) or np.ndim(z) < 2:
                raise
            raise Incorrect(f"{exc} Here z is a 2-D array, a batch: z can have any shape. Use "
                            "numpy operations that work element by element (np.exp, np.where, "
                            "np.abs), or loop over z.flat and reshape to z.shape.") from None

    def _bad(self, g, e):
        """Entries that differ: beyond the tolerances, or, where σ is tiny (< 1e-200) but not 0,
        neither 0 (an underflow) nor equal to it relatively: a clip of z shows only there."""
        bad = ~np.isclose(g, e, rtol=self.rtol, atol=self.atol)
        tiny = (e != 0) & (np.abs(e) < 1e-200)
        return bad | (tiny & (g != 0) & (np.abs(g - e) > 1e-6 * np.abs(e) + 1e-320))

    def _same(self, got, expected):
        if not super()._same(got, expected):
            return False
        for g, e in zip(got, expected):
            g, e = np.asarray(g, dtype=float), np.asarray(e, dtype=float)
            if self._bad(np.nan_to_num(g), np.nan_to_num(e)).any():
                return False
        return True

    def _explain_mismatch(self, cases, outputs, mismatches):
        worst = None
        for i in mismatches:
            g = np.asarray(outputs[i][0], dtype=float)
            e = np.asarray(cases[i][1][0][0], dtype=float)
            if g.shape != e.shape:
                break
            bad = self._bad(g, e)
            if not bad.any() or np.abs(e[bad]).max() > 1e-6:
                break
            score = np.where(bad, np.abs(g - e), -1.0) + np.where(bad & (e != 0), 1.0, 0.0)
            j = np.unravel_index(np.argmax(score), e.shape)   # prefer a tiny value that is not 0
            if worst is None or (worst[2] == 0 and e[j] != 0):
                worst = (float(np.asarray(cases[i][0][0], dtype=float)[j]), float(g[j]), float(e[j]))
        else:
            if worst is not None:
                z, got, want = worst
                ratio = f" ({abs(got / want):.2g} times the true value)" if want else ""
                raise Incorrect(f"Your values are wrong only where {self.tiny} is tiny: for "
                                f"z = {z:g} you return {got:.3g}, but {self.tiny} = {want:.3g} "
                                f"there{ratio}. A "
                                "clip of z (to ±30 or ±500, say) or a cut-off does this; tiny "
                                "values "
                                "matter, e.g. in log σ(z) of the cross-entropy. Compute "
                                "e^(−|z|) for every z instead: it never overflows, and it is "
                                "exact where σ is tiny.")
        super()._explain_mismatch(cases, outputs, mismatches)


def _draw_vector(rng):
    """Moderate values and extreme ones of both signs, in random order."""
    z = np.concatenate([rng.normal(0.0, 4.0, size=rng.integers(3, 7)),
                        rng.choice([-1.0, 1.0], size=2) * rng.uniform(100.0, 1000.0, size=2)])
    return (rng.permutation(z),)


def _draw_small(rng):
    return (rng.normal(0.0, 3.0, size=rng.integers(2, 8)),)


def _draw_batch(rng):
    """A batch whose rows sit at very different levels (one far above, one far below the others)."""
    n, k = rng.integers(2, 6), rng.integers(2, 6)
    Z = rng.normal(0.0, 3.0, size=(n, k)) + rng.uniform(-5.0, 5.0, size=(n, 1))
    Z[0] += rng.uniform(800.0, 1500.0)
    Z[-1] -= rng.uniform(800.0, 1500.0)
    return (rng.permutation(Z),)


def _draw_relu(rng):
    shape = (int(rng.integers(2, 8)),) if rng.random() < 0.5 else tuple(rng.integers(2, 5, size=2))
    return (np.round(rng.normal(0.0, 2.0, size=shape), 3),)


q1 = _ElementwiseQuestion(
    "Lab 3, question 1 (sigmoid)", sigmoid, [(_Z,), (_Z_LARGE,), (_Z_INT,), (_Z_2D,), (_Z_TINY,)],
    stable=True,
    atol=1e-14, draw=_draw_vector, tiny="σ(z)",
    mistakes=[
        Mistake("For z < 0 you return σ(|z|) = 1 − σ(z), which is above 1/2: with e = e^(−|z|), "
                "σ(z) = 1 / (1 + e) only for z ≥ 0; for z < 0 it is e / (1 + e).",
                lambda z: 1.0 / (1.0 + np.exp(-np.abs(z)))),
        Mistake("The sign in the exponent is flipped: σ(z) = 1 / (1 + e^(−z)), so that σ(z) → 1 as z → +∞. "
                "Yours decreases with z.", lambda z: 1.0 / (1.0 + np.exp(z))),
        Mistake("That is e^(−z) / (1 + e^(−z)) = 1 − σ(z): the numerator should be 1.",
                lambda z: np.exp(-z) / (1.0 + np.exp(-z))),
        Mistake("That is tanh, not the sigmoid; they are related by σ(z) = (1 + tanh(z/2)) / 2.", np.tanh),
        Mistake("Missing the 1 in the denominator: σ(z) = 1 / (1 + e^(−z)).", lambda z: 1.0 / np.exp(-z)),
    ],
    overflow_message="np.exp of a large positive argument is inf, whichever sign of z gives "
                     "it. Only exponentiate −|z| (it is ≤ 0): with e = e^(−|z|), "
                     "σ(z) = 1 / (1 + e) for z ≥ 0 and e / (1 + e) for z < 0. np.where "
                     "evaluates both of its branches for every z, so each branch must be safe "
                     "everywhere.",
    examples=[(lambda z: 1.0 / (1.0 + np.exp(-z)), "z = -1000, your function overflows")],
    hints=["σ(z) = 1 / (1 + e^(−z)); for large negative z, e^(−z) is huge.",
           "Compute e = np.exp(-np.abs(z)); for z ≥ 0 the answer is 1 / (1 + e), for z < 0 it is e / (1 + e).",
           "return np.where(z >= 0, 1 / (1 + e), e / (1 + e)) with e = np.exp(-np.abs(z))."],
)

q2 = _ElementwiseQuestion(
    "Lab 3, question 2 (derivative of the sigmoid)", sigmoid_derivative,
    [(_Z,), (_Z_LARGE,), (_Z_INT,), (_Z_2D,), (_Z_TINY,)],
    stable=True,
    rtol=1e-8, atol=1e-14, draw=_draw_small, tiny="σ'(z)",
    mistakes=[
        Mistake("You applied s (1 − s) to z itself: the formula holds for s = σ(z). Compute "
                "s = sigmoid(z) first, then return s * (1 - s).", lambda z: z * (1 - z)),
        Mistake("That is σ(z)(1 + σ(z)): the derivative is σ(z)(1 − σ(z)).", lambda z: sigmoid(z) * (1 + sigmoid(z))),
        Mistake("That is σ(z) itself; the derivative is σ(z)(1 − σ(z)).", sigmoid),
        Mistake("That is 1 − σ(z); multiply by σ(z) as well.", lambda z: 1 - sigmoid(z)),
        Mistake("That is the derivative of tanh, 1 − tanh²(z), not of the sigmoid.", lambda z: 1 - np.tanh(z) ** 2),
    ],
    overflow_message="As in question 1, an overflow on the way is wrong even when the values "
                     "come out right (np.exp or np.cosh of a large argument is inf). Compute σ(z) "
                     "with your stable sigmoid of question 1 and return σ(z) · (1 − σ(z)): then "
                     "no exponential can overflow.",
    examples=[(lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2, "For z = -1000")],
    hints=["Differentiate 1 / (1 + e^(−z)) with the chain rule and write the result in terms of σ(z).",
           "σ'(z) = e^(−z) / (1 + e^(−z))² = σ(z) · (1 − σ(z)).",
           "s = sigmoid(z); return s * (1 - s) — using the stable sigmoid of question 1."],
)

class _NewArrayQuestion(FunctionQuestion):
    """ReLU returns a new array, also where it equals z: returning the caller's z is told so."""

    def _call(self, answer, args):
        received = []

        def spy(*a, **kw):
            received.extend(a)
            return answer(*a, **kw)

        out, events = super()._call(spy, args)
        z = received[0] if received else None
        if isinstance(z, np.ndarray) and any(isinstance(v, np.ndarray) and np.shares_memory(v, z)
                                             for v in out):
            raise Incorrect(f"For the input {np.array2string(z, separator=', ')}, your function "
                            "returned the caller's z itself (or a view of it), not a new array: "
                            "whoever changes the result later (e.g. an in-place update) changes "
                            "z too, which the backward pass still needs. Return a new array, "
                            "np.maximum(0, z), even where it equals z.")
        return out, events


q3 = _NewArrayQuestion(
    "Lab 3, question 3 (ReLU)", relu,
    [(_Z,), (_Z_BATCH,), (np.array([[-2, 0, 3], [4, -5, 1]]),), (_Z_NONNEG,)],
    atol=0.0, draw=_draw_relu,
    mistakes=[
        Mistake("That is the absolute value; ReLU sets negative inputs to 0.", np.abs),
        Mistake("That is min(0, z); ReLU keeps the positive part, max(0, z).", lambda z: np.minimum(0.0, z)),
        Mistake("That is the step function (the derivative of ReLU), not ReLU itself.", lambda z: (z > 0) * 1.0),
        Mistake("That is a leaky ReLU (0.01 z for z < 0); plain ReLU sets negative inputs to 0: "
                "np.maximum(0, z).", lambda z: np.where(z > 0, z, 0.01 * z)),
        Mistake("Your result is rounded to integers (`.astype(int)` or an integer array): ReLU "
                "keeps positive values as they are, e.g. ReLU(0.5) = 0.5.",
                lambda z: np.maximum(0, z).astype(int)),
        Mistake("np.max(0, z) is the largest entry of one array along an axis (its second "
                "argument is the axis); np.maximum(0, z) compares two arrays element by element.",
                lambda z: np.max(0, z)),
    ],
    in_place_message="Your function changed the caller's z in place (with `z[z < 0] = 0`, "
                     "`out=z` or `z *= ...`): return a new array, np.maximum(0, z), and leave z as "
                     "it was; the backward pass still needs the original z.",
    examples=[(lambda z: (z.__setitem__(z < 0, 0.0), z)[1], "changed the caller's z in place")],
    hints=["ReLU(z) = max(0, z), element by element.", "np.maximum (not np.max) compares element by element.",
           "return np.maximum(0.0, z)"],
)

q4 = _RowwiseQuestion(
    "Lab 3, question 4 (softmax over rows)", softmax,
    [(_Z_BATCH,), (_Z_BATCH[:2],), (_Z_SPREAD,), (_Z_SQUARE,), (_Z_ONE,)], stable=True, atol=1e-12,
    draw=_draw_batch,
    mistakes=[
        Mistake("Your softmax normalises over columns (axis=0); each row (one sample) must sum to 1: "
                "use axis=1 with keepdims=True.", lambda Z: np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True)),
        Mistake("Your softmax works along columns (axis=0): each column sums to 1, but each row "
                "(one sample) must: use Z.max(axis=1, keepdims=True) and "
                "e.sum(axis=1, keepdims=True).",
                lambda Z: np.exp(Z - Z.max(axis=0, keepdims=True))
                / np.exp(Z - Z.max(axis=0, keepdims=True)).sum(axis=0, keepdims=True)),
        Mistake("You divide by the sum over the whole batch (e.sum() without an axis); each row "
                "must sum to 1 on its own: e.sum(axis=1, keepdims=True).",
                lambda Z: np.exp(Z - Z.max(axis=1, keepdims=True))
                / np.exp(Z - Z.max(axis=1, keepdims=True)).sum()),
        Mistake("Your softmax divides by the sum over the whole batch; each row must sum to 1 on its own.",
                lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum()),
        Mistake("That normalises z itself (z / Σz), not e^z; softmax exponentiates first.",
                lambda Z: Z / Z.sum(axis=1, keepdims=True)),
        Mistake("That is the sigmoid of each entry; softmax couples the entries of a row through their sum.",
                sigmoid),
        Mistake("You subtract the largest entry of the whole batch: a row far below it then "
                "underflows to 0 / 0. Subtract each row's own maximum, "
                "Z.max(axis=1, keepdims=True).",
                lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum(axis=1, keepdims=True)),
        Mistake("You subtract the largest entry of the whole batch: a row far below it then "
                "underflows to 0 / 0, and np.nan_to_num turns that into a row of zeros, which is "
                "no probability distribution. Subtract each row's own maximum, "
                "Z.max(axis=1, keepdims=True).", _global_max_nan_to_num),
        Mistake("You subtract each column's maximum (axis=0): a row far below its columns' "
                "maxima then underflows to 0 / 0. Subtract each row's own maximum, "
                "Z.max(axis=1, keepdims=True).",
                lambda Z: np.exp(Z - Z.max(axis=0))
                / np.exp(Z - Z.max(axis=0)).sum(axis=1, keepdims=True)),
    ],
    in_place_message="Your function changed Z in place (e.g. with `Z -= ...`): compute a new "
                     "array, shifted = Z - Z.max(axis=1, keepdims=True), so that the caller's Z "
                     "keeps its values.",
    overflow_message="Subtract each row's own maximum before exponentiating, "
                     "Z - Z.max(axis=1, keepdims=True): the softmax does not change, and every "
                     "exponent is then ≤ 0, so nothing overflows and the largest term of each row "
                     "is e^0 = 1.",
    examples=[(lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True), "1000"),
              (lambda Z: softmax(Z.T), "transpose")],
    hints=["softmax(z)_i = e^(z_i) / Σ_j e^(z_j), for each row separately.",
           "Subtracting a constant from a row does not change its softmax, so subtract the row's maximum.",
           "shifted = Z - Z.max(axis=1, keepdims=True); e = np.exp(shifted); return e / e.sum(axis=1, keepdims=True)"],
)
