"""Why a function's answer is wrong, in words: the part of a check that explains a mismatch.

:class:`_Diagnosis` is mixed into :class:`FunctionQuestion` once its outputs
differ from the reference's and no known mistake matched: a wrong shape (a
transpose), a result that is all zeros, a telling constant factor, an
argument the answer ignores (its result does not move when the argument
does), the input that made an overflow or a NaN, or else where the values
first differ, with the digits that differ.
"""

import copy

import numpy as np

from ._feedback import Incorrect, _expected_kind
from ._numerics import _constant_ratio, _error, difference, run_recording

__all__ = []


def _copy_args(args):
    """Fresh copies of the arguments (arrays, and lists or tuples of arrays), so no call sees another's edits."""
    return tuple(copy.deepcopy(a) if isinstance(a, (np.ndarray, list, tuple, dict)) else a for a in args)


def _format_args(args):
    """The arguments, briefly: small arrays in full, larger ones by their shape."""
    parts = []
    for a in args:
        if isinstance(a, np.ndarray) and a.size > 12:
            text = f"an array of shape {a.shape}"
        elif isinstance(a, np.ndarray):
            text = np.array2string(a, precision=4, max_line_width=200)
        else:
            text = repr(a)
        parts.append(" ".join(text.split()))
    return ", ".join(parts)


class _Diagnosis:
    """Explanations of a mismatch, for a question with ``reference``, ``output_names`` and ``_params``."""

    def _explain_mismatch(self, cases, outputs, mismatches):
        i = max(mismatches, key=lambda k: _error(outputs[k], cases[k][1][0]))
        args, (expected, _) = cases[i]
        got = outputs[i]
        if all(np.shape(g) == np.shape(e) for g, e in zip(got, expected)):
            self._ignored_argument(cases, outputs, mismatches)
        for k, (name, g, e) in enumerate(zip(self.output_names, got, expected)):
            g_arr, e_arr = np.asarray(g, dtype=float), np.asarray(e, dtype=float)
            if g_arr.shape != e_arr.shape:
                if g_arr.ndim == 2 and g_arr.shape == e_arr.shape[::-1]:
                    raise Incorrect(f"The {name} has shape {g_arr.shape}, the transpose of the expected "
                                    f"{e_arr.shape} (batch-first: rows are samples): check the order of the "
                                    "factors of a matrix product, or the axis you work along.")
                got_kind = "is a single number" if g_arr.ndim == 0 else f"has shape {g_arr.shape}"
                raise Incorrect(f"The {name} {got_kind}; expected {_expected_kind(e_arr)} "
                                f"(for the input {_format_args(args)}).")
            if not np.allclose(g_arr, e_arr, rtol=self.rtol, atol=self.atol, equal_nan=True):
                ratio = _constant_ratio([(np.asarray(out[k], dtype=float), np.asarray(c[1][0][k], dtype=float))
                                         for out, c in zip(outputs, cases)])
                if not g_arr.any() and e_arr.any() and all(not np.asarray(out[k], dtype=float).any()
                                                          for out in outputs):
                    zero = "0" if e_arr.ndim == 0 else "all zeros"
                    want = _format_args((e_arr,)) if e_arr.size <= 12 else "nonzero values"
                    raise Incorrect(f"The {name} is {zero} on every test input; for the input "
                                    f"{_format_args(args)} it should be {want}.")
                if ratio is not None:
                    raise Incorrect(f"The {name} is off by a constant factor: on every test input yours is "
                                    f"{ratio:.4g} times the expected value. Look for a missing or extra "
                                    "factor (a 2, a 1/n, a sign).")
                raise Incorrect(f"The {name} is wrong for the input {_format_args(args)}"
                                f"{difference(g_arr, e_arr, self.rtol, self.atol)}.")

    def _ignored_argument(self, cases, outputs, mismatches):
        """Incorrect if the answer's result stays the same whichever value a number it is given takes.

        A number counts as ignored only when, on every test input where
        changing it changes the reference's result (at least two of them), two
        quite different values of it (twice it and a third of it for a whole
        number; one of the opposite sign for a real one) leave the answer's
        result unchanged — an answer that uses the number but gets something
        else wrong moves with it somewhere.
        """
        answer = getattr(self, "_answer", None)
        if answer is None:
            return
        first = cases[mismatches[0]][0]
        for j in range(len(first)):
            tried, telling = None, 0
            for (args, _), got in list(zip(cases, outputs))[:8]:
                verdict = self._unmoved(answer, args, got, j)
                if verdict is False:
                    break
                if verdict is not None:
                    telling += 1
                    tried = tried or verdict
            else:
                if telling >= 2:
                    name = f"`{self._params[j]}`" if j < len(self._params) else f"argument number {j + 1}"
                    raise Incorrect(f"Your result stays the same when {name} changes (tried {name} = {tried}), "
                                    f"but it should not: your function ignores {name}. Use the argument it "
                                    "is given, not a fixed value.")

    def _unmoved(self, answer, args, got, j):
        """Whether changing number ``args[j]`` leaves ``got`` unchanged: None when the reference does not
        move either (or ``args[j]`` is no number), False when the answer moves, else the values tried."""
        value = args[j] if j < len(args) else None
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            return None
        if isinstance(value, (int, np.integer)):
            others = (2 * value + 1, max(1, value // 3) if value > 3 else value + 5)
        else:
            others = (value * 1.5 + 0.25, -2.0 * value - 1.0)
        expected = self._outputs(self.reference, args)
        for other in others:
            changed = args[:j] + (type(value)(other),) + args[j + 1:]
            try:
                with np.errstate(all="ignore"):
                    ours = self._outputs(self.reference, changed)
                    if self._same(ours, expected):
                        return None
                    theirs = self._as_tuple(answer(*_copy_args(changed)))
                if not self._same(theirs, got):
                    return False
            except Exception:
                return None
        shown = [f"{v:.4g}" for v in (value, *others)]
        return f"{', '.join(shown[:-1])} and {shown[-1]}"

    def _where(self, func, args, got):
        """Which input made the trouble, e.g. "for z = -1000.0", else "for the input …"."""
        name = self._params[0] if self._params else "the input"
        first = args[0] if args else None
        alone = not any(isinstance(a, (np.ndarray, list, tuple)) for a in args[1:])
        if isinstance(first, np.ndarray) and first.ndim >= 1 and first.size and alone:
            out = np.asarray(got[0], dtype=float) if got else None
            if out is not None and out.shape == first.shape:
                with np.errstate(invalid="ignore"):
                    bad = ~np.isfinite(out)
                if bad.any() and np.isfinite(first[bad]).all():
                    if first.ndim == 2:
                        row = first[bad.any(axis=1)][0]
                        return f"for the row {_format_args((row,))} of {name}"
                    values = np.unique(first[bad])[:3]
                    return f"for {name} = " + ", ".join(f"{v:g}" for v in values)
            culprits = []
            for j in range(min(len(first), 50)):
                try:
                    _, events = run_recording(func, (first[j:j + 1].copy(), *_copy_args(args[1:])))
                except Exception:
                    continue
                if events and not any(np.array_equal(first[j], c) for c in culprits):
                    culprits.append(first[j])
                if len(culprits) == 3:
                    break
            if culprits:
                shown = ", ".join(f"{float(c):g}" if np.ndim(c) == 0 else _format_args((np.asarray(c),))
                                  for c in culprits)
                return f"for {name} = {shown}" if first.ndim == 1 else f"for the row(s) {shown} of {name}"
        return f"for the input {_format_args(args)}"
