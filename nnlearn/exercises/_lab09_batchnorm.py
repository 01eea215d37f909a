"""Lab 9, question 5: the training-mode forward pass of batch normalisation (the batch's mean
and biased variance per feature, then the scale and shift).

Part of :mod:`nnlearn.exercises.lab09`, which re-exports ``q5``.
"""

import numpy as np

from ._function_question import FunctionQuestion, Mistake
from ._numerics import difference
from ._question import Incorrect

__all__ = ["q5"]

def batchnorm_forward(X, gamma, beta, eps):
    """Normalise every column of X over the batch (biased variance), then scale by gamma and
    shift by beta."""
    X = np.asarray(X, dtype=float)
    centred = X - X.mean(axis=0)
    var = np.mean(centred ** 2, axis=0)             # two passes: exact enough for large offsets
    return gamma * centred / np.sqrt(var + eps) + beta


def _bn_parts(X, axis=0, keepdims=False):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=axis, keepdims=keepdims)
    return X, mean, ((X - mean) ** 2).mean(axis=axis, keepdims=keepdims)


def _bn_unbiased(X, gamma, beta, eps):
    X = np.asarray(X, dtype=float)
    return gamma * (X - X.mean(0)) / np.sqrt(X.var(0, ddof=1) + eps) + beta


def _bn_eps_outside(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X)
    return gamma * (X - mean) / (np.sqrt(var) + eps) + beta


def _bn_no_eps(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X)
    return gamma * (X - mean) / np.sqrt(var) + beta


def _bn_no_sqrt(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X)
    return gamma * (X - mean) / (var + eps) + beta


def _bn_std_in_sqrt(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X)
    return gamma * (X - mean) / np.sqrt(np.sqrt(var) + eps) + beta


def _bn_rows_keepdims(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X, axis=1, keepdims=True)
    return gamma * (X - mean) / np.sqrt(var + eps) + beta


def _bn_rows(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X, axis=1)
    return gamma * (X - mean) / np.sqrt(var + eps) + beta


def _bn_all_entries(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X, axis=None)
    return gamma * (X - mean) / np.sqrt(var + eps) + beta


def _bn_xhat(X, gamma, beta, eps):
    return batchnorm_forward(X, 1.0, 0.0, eps)


def _bn_no_beta(X, gamma, beta, eps):
    return batchnorm_forward(X, gamma, 0.0, eps)


def _bn_no_gamma(X, gamma, beta, eps):
    return batchnorm_forward(X, 1.0, beta, eps)


def _bn_swapped(X, gamma, beta, eps):
    return batchnorm_forward(X, beta, gamma, eps)


def _bn_not_centred(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X)
    return gamma * X / np.sqrt(var + eps) + beta


_BN_MISTAKES = [
    Mistake("You used the unbiased variance (divided by n − 1, `ddof=1`). Batch "
            "normalisation normalises with the biased batch variance s² = mean((x − μ)²), "
            "divided by n; the n − 1 version only feeds the running variance.", _bn_unbiased),
    Mistake("You added eps outside the square root, (x − μ) / (sqrt(s²) + eps). The formula "
            "adds it to the variance: (x − μ) / sqrt(s² + eps).", _bn_eps_outside),
    Mistake("eps is missing: a column whose values are all equal has s² = 0, and "
            "(x − μ) / sqrt(s²) is 0/0 = NaN. Divide by sqrt(s² + eps).", _bn_no_eps),
    Mistake("You divided by the variance s² + eps; divide by its square root, the standard "
            "deviation: (x − μ) / sqrt(s² + eps).", _bn_no_sqrt),
    Mistake("You put the standard deviation under the square root; it is the variance s² "
            "(the mean of the squared deviations) that goes there: sqrt(s² + eps).",
            _bn_std_in_sqrt),
    Mistake("You normalised each row (axis=1, one sample's features). Batch normalisation "
            "normalises each column (each feature) over the batch: mean and variance with axis=0.",
            _bn_rows_keepdims),
    Mistake("You computed the mean and variance along axis=1 (over each sample's features); "
            "batch normalisation works over the batch, down each column: axis=0.", _bn_rows),
    Mistake("You used one mean and one variance for the whole array. Batch normalisation "
            "normalises every column (feature) separately: mean and variance with axis=0.",
            _bn_all_entries),
    Mistake("gamma and beta are missing: after normalising, scale by gamma and shift by beta, "
            "y = gamma · x̂ + beta.", _bn_xhat),
    Mistake("beta is missing: after scaling by gamma, shift by beta, y = gamma · x̂ + beta.",
            _bn_no_beta),
    Mistake("gamma is missing: scale the normalised values by gamma before adding beta, "
            "y = gamma · x̂ + beta.", _bn_no_gamma),
    Mistake("gamma and beta are swapped: gamma scales, beta shifts, y = gamma · x̂ + beta.",
            _bn_swapped),
    Mistake("You divided x itself by the standard deviation; subtract the batch mean first: "
            "x̂ = (x − μ) / sqrt(s² + eps).", _bn_not_centred),
]


def _offset(X):
    """How far the columns are from zero compared with their spread (the largest ratio)."""
    X = np.asarray(X, dtype=float)
    spread = X.std(axis=0)
    return float(np.max(np.abs(X.mean(axis=0)) / np.where(spread > 0, spread, np.inf)))


_BN_RNG = np.random.default_rng(95)
# (X, gamma, beta, eps): every argument varies; a batch of 2; a constant column, where eps decides;
# offsets of 1e6, where E[x²] − E[x]² loses precision; integers; a large eps; one feature; square X
_BN_CASES = [
    (3.0 + 2.0 * _BN_RNG.normal(size=(8, 3)), np.array([1.5, 0.5, 2.0]), np.array([0.2, -1.0, 0.0]),
     1e-5),
    (np.array([[1.0, -2.0], [3.0, 5.0]]), np.array([1.5, 0.5]), np.array([0.2, -1.0]), 1e-5),
    (np.array([[1.0, 3.0], [2.0, 3.0], [4.0, 3.0], [7.0, 3.0]]), np.array([2.0, 0.7]),
     np.array([-0.5, 1.5]), 1e-3),
    (1e6 + _BN_RNG.normal(size=(50, 4)), _BN_RNG.normal(1.0, 0.3, 4), _BN_RNG.normal(0.0, 1.0, 4),
     1e-5),
    (np.array([[1, 2], [3, 4], [6, 1], [2, 2], [5, 9]]), np.array([2, 1]), np.array([0, 1]), 1e-5),
    (0.3 * _BN_RNG.normal(size=(6, 2)) - 4.0, np.array([0.8, -1.2]), np.array([1.0, 2.0]), 0.5),
    (_BN_RNG.normal(size=(5, 1)) * 10.0, np.array([3.0]), np.array([-2.0]), 1e-2),
    (_BN_RNG.normal(size=(4, 4)), _BN_RNG.normal(1.0, 0.5, 4), _BN_RNG.normal(0.0, 1.0, 4), 1e-5),
]


def _draw_bn(rng):
    n, d = int(rng.integers(2, 31)), int(rng.integers(1, 6))
    offset = rng.uniform(-5, 5, d) * 10.0 ** rng.uniform(0, 2, d)
    X = offset + 10.0 ** rng.uniform(-1, 1, d) * rng.normal(size=(n, d))
    return X, rng.normal(1.0, 0.5, d), rng.normal(0.0, 1.0, d), float(10.0 ** rng.uniform(-5, 0))


class _BatchNormQuestion(FunctionQuestion):
    """Names the mistakes only some inputs show: integer arrays, the one-pass variance, and shapes
    that do not broadcast because the statistics were taken along the wrong axis."""

    def _call(self, answer, args):
        try:
            return super()._call(answer, args)
        except Incorrect as exc:
            text = str(exc)
            broadcast = "Your function raised ValueError: operands could not be broadcast"
            if not text.startswith(broadcast):
                raise
            raise Incorrect(f"{text} The batch mean and variance need one value per column, "
                            "shape (d,) for X of shape (n, d): compute them along axis=0 "
                            "(axis=1 gives one value per row, shape (n,)).") from None

    def _explain_mismatch(self, cases, outputs, mismatches):
        for out in outputs:
            if isinstance(out[0], np.ndarray) and out[0].dtype.kind in "iub":
                raise Incorrect(f"Your result has the integer dtype {out[0].dtype}, so every "
                                "value is cut to a whole number (the input X can be integers). "
                                "Create the output from float arithmetic, e.g. "
                                "X = np.asarray(X, dtype=float) first, not with "
                                "np.zeros_like(X) or np.empty_like(X).")
        if all(_offset(cases[i][0][0]) > 1e4 for i in mismatches):
            raise Incorrect("Your values are right except for columns like 1e6 + small noise: "
                            "there the variance comes out wrong. E[x²] − E[x]² subtracts two "
                            "numbers near 1e12 that agree in almost all their digits, and the "
                            "difference loses its precision. Subtract the mean first and average "
                            "the squared deviations: np.mean((X - mean) ** 2, axis=0), as np.var "
                            "does.")
        super()._explain_mismatch(cases, outputs, mismatches)


q5 = _BatchNormQuestion(
    "Lab 9, question 5 (batch normalisation, training mode)", batchnorm_forward, _BN_CASES,
    draw=_draw_bn, mistakes=_BN_MISTAKES,
    nan_message="A column whose values are all equal has variance 0: add eps inside the square "
                "root, sqrt(s² + eps), so that the division stays finite.",
    hints=["Work column by column over the batch (axis=0): the mean μ and the biased variance "
           "s² = mean((x − μ)²), divided by n.",
           "x̂ = (X − μ) / sqrt(s² + eps), then y = gamma · x̂ + beta; numpy broadcasts arrays of "
           "shape (d,) over the rows.",
           "mean = X.mean(axis=0); var = ((X - mean) ** 2).mean(axis=0); "
           "return gamma * (X - mean) / np.sqrt(var + eps) + beta"],
)
