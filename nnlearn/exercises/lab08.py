"""Lab 8 — preparing data: standardisation, min-max scaling, mean imputation, stratified splits.

Questions: ``q1`` standardise training and test set with the training set's statistics,
``q2`` min-max scaling fitted on the training set, ``q3`` mean imputation of missing values
with training means, ``q4`` the class counts of a stratified test set, ``q5`` the index pairs of
k-fold cross-validation (judged by the properties of the folds, not against one reference split;
in ``_lab08_kfold``).
"""

import warnings

import numpy as np

from ._feedback import _describe
from ._function_question import FunctionQuestion, Mistake
from ._lab08_answers import (_impute_medians, _counts_by_frequency, _counts_total_shared, _impute_all_means,
                             _impute_drop_rows, _impute_holes_as_zeros_in_mean, _impute_plain_mean,
                             _impute_row_means, _impute_test_means, _impute_zeros, _minmax_all_data,
                             _minmax_clipped, _minmax_divide_max, _minmax_each_own,
                             _minmax_floor_division, _minmax_global, _minmax_no_range, _minmax_rows,
                             _minmax_swapped, _standardise_all_data, _standardise_centre_only,
                             _standardise_ddof1, _standardise_each_own, _standardise_global,
                             _standardise_rows, _standardise_train_only, _standardise_variance,
                             impute_mean, min_max_scale, standardise, stratified_test_counts)
from ._lab08_kfold import q5
from ._question import Incorrect

__all__ = ["q1", "q2", "q3", "q4", "q5"]

_rng = np.random.default_rng(8)
# 6 training and 4 test examples of 3 features in very different units (area, rooms, a probability)
_SCALES = np.array([100.0, 3.0, 0.5])
_X_TRAIN = _rng.normal(1.0, 0.4, (6, 3)) * _SCALES
_X_TEST = _rng.normal(1.2, 0.5, (4, 3)) * _SCALES
_X_TRAIN_B = _rng.normal(0.0, 1.0, (8, 3)) * np.array([1.0, 1000.0, 0.01]) + np.array([5.0, -2000.0, 0.0])
_X_TEST_B = _rng.normal(0.0, 1.0, (5, 3)) * np.array([1.0, 1000.0, 0.01]) + np.array([5.0, -2000.0, 0.0])


def _with_holes(X, holes):
    X = X.copy()
    for i, j in holes:
        X[i, j] = np.nan
    return X


_M_TRAIN = _with_holes(_X_TRAIN, [(0, 1), (3, 1), (4, 0), (5, 2)])
_M_TEST = _with_holes(_X_TEST, [(0, 0), (1, 1), (2, 2)])
_M_TRAIN_B = _with_holes(_X_TRAIN_B, [(1, 0), (2, 1), (6, 1), (7, 2)])
_M_TEST_B = _with_holes(_X_TEST_B, [(0, 1), (4, 0), (4, 2)])

_Y_RARE = np.array([0] * 384 + [1] * 16)            # the chapter's 400 examples with 16 positives
_Y_THREE = np.repeat([2, 0, 1], [16, 53, 31])       # three classes, 53, 31 and 16 examples
# labels with gaps and negative values, frequencies not in label order, booleans
_Y_GAPS = np.repeat([7, -1, 3, 12], [9, 41, 23, 30])
_Y_BOOL = np.array([True] * 13 + [False] * 26)
# per-class roundings 1 + 3 + 4 = 8, while the total 22 · 0.4 = 8.8 rounds to 9: rounding the total and
# sharing it out (largest remainders) is not what the question asks
_Y_SHARE = np.repeat([0, 1, 2], [3, 8, 11])
# two classes of 12 at 0.2: 2.4 rounds to 2 in each, the total 4.8 to 5
_Y_PAIR = np.repeat([0, 1], [12, 12])

# integer features (a learner may do integer arithmetic), one test example, one feature
_X_TRAIN_INT = np.array([[3, 120, 1], [5, 80, 0], [2, 150, 1], [4, 95, 0], [6, 60, 1]])
_X_TEST_INT = np.array([[1, 200, 0], [4, 100, 1]])
_X_TRAIN_ONE = _rng.normal(50.0, 20.0, (7, 1))
_X_TEST_ONE = _rng.normal(50.0, 20.0, (1, 1))
_SCALE_CASES = [(_X_TRAIN, _X_TEST), (_X_TRAIN_B, _X_TEST_B), (_X_TRAIN_INT, _X_TEST_INT),
                (_X_TRAIN_ONE, _X_TEST_ONE), (_X_TRAIN_B, _X_TEST_B[:1])]
# a large mean and a small spread (1e8 + N(0, 1)): E[x²] − E[x]² cancels all its digits here
_X_FAR = 1e8 + _rng.normal(0.0, 1.0, (8, 2))
_X_FAR_TEST = 1e8 + _rng.normal(0.0, 1.0, (3, 2))


def _draw_sets(rng):
    """A fresh training and test set: random sizes, and features on random scales around random offsets."""
    n_features = int(rng.integers(1, 5))
    scale = 10.0 ** rng.uniform(-2, 3, n_features)
    offset = rng.uniform(-100, 100, n_features)
    def draw(n):
        return rng.normal(0.0, 1.0, (n, n_features)) * scale + offset
    return draw(int(rng.integers(3, 12))), draw(int(rng.integers(1, 7)))


def _draw_holes(rng):
    """_draw_sets with random holes: every training column keeps at least two observed values."""
    X_train, X_test = _draw_sets(rng)
    holes_train = rng.random(X_train.shape) < 0.25
    holes_train[:2] = False
    holes_train = holes_train[rng.permutation(len(X_train))]
    X_train[holes_train] = np.nan
    X_test[rng.random(X_test.shape) < 0.4] = np.nan
    return X_train, X_test


def _draw_labels(rng):
    """Labels with gaps in random order of frequency and a test fraction that never gives a tie at .5."""
    while True:
        classes = np.sort(rng.choice(np.arange(-5, 30), size=rng.integers(2, 6), replace=False))
        counts = rng.integers(3, 120, size=len(classes))
        fraction = round(float(rng.uniform(0.1, 0.5)), 3)
        frac_part = (counts * fraction) % 1.0
        if np.all(np.abs(frac_part - 0.5) > 1e-3):
            return rng.permutation(np.repeat(classes, counts)), fraction


def _after_counts(answer):
    """Right values must also come as the integer array the question asks for."""
    out = answer(_Y_THREE.copy(), 0.3)
    if not isinstance(out, np.ndarray):
        raise Incorrect(f"Your counts are right, but your function returns {_describe(out)}; the question asks "
                        "for an integer array: return np.array(...) (e.g. np.round(counts * test_fraction)"
                        ".astype(int)).")
    if out.dtype.kind not in "iu":
        raise Incorrect(f"Your counts are right, but they are an array of dtype {out.dtype}; the question asks "
                        "for an integer array: add `.astype(int)` after rounding.")


_SHARED_TOTAL = ("You rounded the total n · test_fraction and shared it out among the classes. The question asks "
                 "for each class separately: round each class's n_c · test_fraction on its own (the counts may "
                 "then not add up to round(n · test_fraction)).")


def _shares_the_total(answer, cases):
    """True if, on every listed case, the answer gives floor or floor + 1 per class adding up to round(n · f)."""
    try:
        for y, f in cases:
            out = np.asarray(answer(y.copy(), f), dtype=float)
            raw = np.unique(y, return_counts=True)[1] * f
            if (out.shape != raw.shape or not np.all((out == np.floor(raw)) | (out == np.floor(raw) + 1))
                    or out.sum() != round(len(y) * f)):
                return False
    except Exception:
        return False
    return True


class _CountsQuestion(FunctionQuestion):
    def _judge_function(self, answer):
        try:
            super()._judge_function(answer)
        except Incorrect as exc:
            known = any(str(exc) == m.message for m in self.mistakes)
            if not known and _shares_the_total(answer, self.cases):
                raise Incorrect(_SHARED_TOTAL) from None
            raise
        _after_counts(answer)


class _SetsQuestion(FunctionQuestion):
    """A question on a (training set, test set) pair: say where inf or NaN came from by the sets' shapes.

    The generic search for a culprit runs the answer on single rows of the first argument, which for a
    scaler fitted on the training set means fitting it on one example: not what the learner's code did.
    When no known mistake matches, the training set alone is judged: prepared row by row (``rows``, with
    ``rows_message``), or right while the test set keeps NaN (``test_nan_message``).
    """

    rows = rows_message = test_nan_message = None
    far_message = None  # said when the answer is right except where the mean is huge next to the spread

    def _where(self, func, args, got):
        X_train, X_test = (np.asarray(a) for a in args)
        test = "a test set of one example" if len(X_test) == 1 else f"X_test of shape {X_test.shape}"
        return f"for X_train of shape {X_train.shape} and {test}"

    def _judge_function(self, answer):
        try:
            super()._judge_function(answer)
        except Incorrect as exc:
            if any(str(exc) == m.message for m in self.mistakes):
                raise
            message = self._far_from_origin(answer) or self._by_training_set(answer)
            if message:
                raise Incorrect(message) from None
            raise

    def _far_from_origin(self, answer):
        """far_message if the answer is right on every case but those whose mean dwarfs the spread."""
        if not self.far_message:
            return None
        far_seen = False
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)
                for args, (expected, _) in self._current:
                    X = np.asarray(args[0], dtype=float)
                    far = bool(np.any(np.abs(X.mean(axis=0)) > 1e6 * X.std(axis=0)))
                    right = self._same(self._as_tuple(answer(*(np.array(a) for a in args))), expected)
                    if far and not right:
                        far_seen = True
                    elif not right:
                        return None
        except Exception:
            return None
        return self.far_message if far_seen else None

    def _by_training_set(self, answer):
        def close(a, b):
            return np.shape(a) == np.shape(b) and np.allclose(a, b, equal_nan=True)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)
                runs = [[np.asarray(o, dtype=float) for o in answer(a.copy(), b.copy())] for a, b in self.cases]
                if self.rows is not None and all(close(o[0], self.rows(a, b)[0])
                                                 for o, (a, b) in zip(runs, self.cases)):
                    return self.rows_message
                if (self.test_nan_message and all(close(o[0], self.reference(a, b)[0])
                                                  for o, (a, b) in zip(runs, self.cases))
                        and any(np.isnan(o[1]).any() for o in runs)):
                    return self.test_nan_message
        except Exception:
            return None
        return None


_NONFINITE = ("No entry should be inf or NaN here: every training column varies, so its spread is never 0. "
              "Check what you divide by, and that it comes from the training set, column by column.")


# -- the questions -------------------------------------------------------------------------------
q1 = _SetsQuestion(
    "Lab 8, question 1 (standardisation)", standardise,
    _SCALE_CASES + [(_X_FAR, _X_FAR_TEST)], draw=_draw_sets, n_outputs=2,
    returns="the pair (X_train_scaled, X_test_scaled)",
    output_names=("standardised training set", "standardised test set"), overflow_message=_NONFINITE,
    in_place_message="Your function changed X_train or X_test in place; compute new arrays instead (e.g. "
                     "`(X_train - mu) / s`, not `X_train -= mu` or `X_train[mask] = …`).",
    mistakes=[
        Mistake("Your μ_j and s_j include the test examples (you fitted the scaler on all the data): that is "
                "data leakage. Compute them from X_train only and apply the same ones to both sets.",
                _standardise_all_data),
        Mistake("The test set is scaled with its own mean and standard deviation. It must be transformed with the "
                "training set's μ_j and s_j, exactly like new data at prediction time (a scaler is fitted once).",
                _standardise_each_own),
        Mistake("The test set is divided by its own standard deviation (the mean is the training set's): use the "
                "training set's s_j for both sets, exactly like its μ_j — a test set of one example has no spread "
                "of its own at all.",
                lambda X_train, X_test: ((X_train - X_train.mean(axis=0)) / X_train.std(axis=0),
                                         (X_test - X_train.mean(axis=0)) / X_test.std(axis=0))),
        Mistake("You standardised each row (each example) instead of each column (each feature): use axis=0, "
                "so that μ_j and s_j are one number per feature.", _standardise_rows),
        Mistake("You divided by the variance s_j²; standardisation divides by the standard deviation s_j "
                "(np.std, not np.var).", _standardise_variance),
        Mistake("You used the sample standard deviation (ddof=1). StandardScaler, and the chapter, divide by the "
                "count: use X_train.std(axis=0), whose default is ddof=0.", _standardise_ddof1),
        Mistake("You only centred the features; also divide by each feature's standard deviation s_j.",
                _standardise_centre_only),
        Mistake("You used one mean and one standard deviation over the whole array; each feature (column) gets "
                "its own: X_train.mean(axis=0), X_train.std(axis=0).", _standardise_global),
        Mistake("You returned X_test unscaled: the test set must be transformed too, with the training set's "
                "μ_j and s_j: (X_test − μ) / s.", _standardise_train_only),
    ],
    hints=["Compute one mean μ_j and one standard deviation s_j per feature (column) from X_train, then apply "
           "x' = (x − μ_j) / s_j to both sets.",
           "mu = X_train.mean(axis=0) and s = X_train.std(axis=0) have shape (n_features,) and broadcast over rows.",
           "return (X_train - mu) / s, (X_test - mu) / s"],
)
q1.far_message = (
    "Your standard deviation loses all its digits when the mean is large compared with the spread (here "
    "X_train = 1e8 + N(0, 1)): E[x²] − E[x]² subtracts two nearly equal numbers of size 1e16 (catastrophic "
    "cancellation), which can even go negative. Subtract the mean first: X_train.std(axis=0), i.e. "
    "np.sqrt(((X_train - mu) ** 2).mean(axis=0)).")

q2 = _SetsQuestion(
    "Lab 8, question 2 (min-max scaling)", min_max_scale,
    _SCALE_CASES, draw=_draw_sets, n_outputs=2, returns="the pair (X_train_scaled, X_test_scaled)",
    output_names=("scaled training set", "scaled test set"), overflow_message=_NONFINITE,
    in_place_message="Your function changed X_train or X_test in place; compute new arrays instead (e.g. "
                     "`(X_train - lo) / (hi - lo)`, not `X_train -= lo` or `X_train /= hi - lo`).",
    mistakes=[
        Mistake("Your min and max are swapped: you subtract the maximum, so the training values land in [−1, 0]. "
                "Subtract min_j: x' = (x − min_j) / (max_j − min_j).", _minmax_swapped),
        Mistake("You divide by max_j instead of the range max_j − min_j, so the training values do not end at 1: "
                "x' = (x − min_j) / (max_j − min_j).", _minmax_no_range),
        Mistake("x / max_j is not min-max scaling: subtract min_j first and divide by the range max_j − min_j, "
                "so that each training column runs from 0 to 1.", _minmax_divide_max),
        Mistake("The test set is scaled with its own min and max. Use the training set's min_j and max_j for both "
                "(test values may then fall slightly outside [0, 1], and that is correct).", _minmax_each_own),
        Mistake("You used one min and one max over the whole array; each feature (column) gets its own: "
                "X_train.min(axis=0), X_train.max(axis=0).", _minmax_global),
        Mistake("You scaled each row (each example) with its own min and max instead of each column (each "
                "feature): use axis=0, so that min_j and max_j are one number per feature. (A row of one "
                "feature has max = min, hence your 0/0.)", _minmax_rows),
        Mistake("Your min_j and max_j include the test examples (you fitted the scaler on all the data): that "
                "is data leakage. Compute them from X_train only and apply the same ones to both sets.",
                _minmax_all_data),
        Mistake("You clipped the scaled test set to [0, 1]. Don't clip: test values outside the training range "
                "must stay outside [0, 1] — that is what the model will see at prediction time.",
                _minmax_clipped),
        Mistake("You used `//`, floor division, which rounds every scaled value down to a whole number; use `/`.",
                _minmax_floor_division),
    ],
    hints=["x'_j = (x_j − min_j) / (max_j − min_j), with min_j and max_j taken over the training set, column by "
           "column.",
           "lo = X_train.min(axis=0); hi = X_train.max(axis=0) — then apply the same formula to X_train and X_test.",
           "return (X_train - lo) / (hi - lo), (X_test - lo) / (hi - lo)"],
)

q3 = _SetsQuestion(
    "Lab 8, question 3 (mean imputation)", impute_mean,
    [(_M_TRAIN, _M_TEST), (_M_TRAIN_B, _M_TEST_B), (_M_TRAIN_B, _M_TEST_B[4:])], draw=_draw_holes,
    n_outputs=2, returns="the pair (X_train_imputed, X_test_imputed)",
    in_place_message="Your function changed X_train or X_test in place (X[np.isnan(X)] = …?); compute new "
                     "arrays instead, e.g. `np.where(np.isnan(X_train), means, X_train)`, or fill a copy "
                     "(`X_train.copy()`).",
    output_names=("imputed training set", "imputed test set"),
    overflow_message="Every NaN, in both sets, must be replaced by the mean of the observed training values of "
                     "its column (np.nanmean ignores the NaNs; np.mean and sum do not).",
    mistakes=[
        Mistake("You dropped the incomplete rows: the result has fewer examples. The task is to keep every example "
                "and fill each hole with its column's training mean (and at prediction time you cannot drop an "
                "example you are asked about).", _impute_drop_rows),
        Mistake("You filled the holes with zeros. Use each column's mean over the observed training values "
                "(np.nanmean(X_train, axis=0)).", _impute_zeros),
        Mistake("The test set's holes are filled with the test set's own means: that uses test data to prepare "
                "the test data. Use the training means for both sets.", _impute_test_means),
        Mistake("Your means include the test examples (imputer fitted on all the data): that is data leakage. "
                "Compute the means from X_train only.", _impute_all_means),
        Mistake("Your result still contains NaN: X_train.mean(axis=0) is NaN for every column with a hole. "
                "np.nanmean ignores the missing entries.", _impute_plain_mean),
        Mistake("You filled the holes with each column's median (np.nanmedian); mean imputation uses the mean of "
                "the observed training values: np.nanmean(X_train, axis=0).", _impute_medians),
        Mistake("You filled each hole with the mean of its row (axis=1); use the mean of its column — the same "
                "feature in other examples (axis=0).", _impute_row_means),
        Mistake("Your means count the holes as zeros (np.nan_to_num before the mean), which pulls them towards "
                "0; average the observed values only: np.nanmean(X_train, axis=0).",
                _impute_holes_as_zeros_in_mean),
    ],
    hints=["Compute one mean per column of X_train, ignoring the NaNs, and put it wherever that column has a NaN, "
           "in both sets.",
           "means = np.nanmean(X_train, axis=0); np.isnan(X) marks the holes, and np.where(condition, a, b) "
           "chooses element by element (a row vector of means broadcasts over the rows).",
           "return np.where(np.isnan(X_train), means, X_train), np.where(np.isnan(X_test), means, X_test)"],
)

q4 = _CountsQuestion(
    "Lab 8, question 4 (stratified test counts)", stratified_test_counts,
    [(_Y_RARE, 0.2), (_Y_THREE, 0.3), (_Y_THREE, 0.2), (_Y_GAPS, 0.26), (_Y_BOOL, 0.3),
     (_Y_SHARE, 0.4), (_Y_PAIR, 0.2)],
    draw=_draw_labels, in_place_message="Your function changed y in place (y.sort()?); np.unique(y) or "
                                        "np.sort(y) give new arrays and leave y as it is.",
    mistakes=[
        Mistake("Those are the training set's counts: the test set gets the fraction test_fraction of each class, "
                "the training set the rest.",
                lambda y, f: np.round(np.unique(y, return_counts=True)[1] * (1 - f)).astype(int)),
        Mistake("You truncated n_c · test_fraction (int or floor); round it to the nearest whole number instead: "
                "76.8 examples become 77.",
                lambda y, f: np.floor(np.unique(y, return_counts=True)[1] * f).astype(int)),
        Mistake("Those are the class proportions of the whole data set; the question asks for the number of test "
                "examples of each class.", lambda y, f: np.unique(y, return_counts=True)[1] / len(y)),
        Mistake("Counts of examples are whole numbers: round n_c · test_fraction (np.round) before returning.",
                lambda y, f: np.unique(y, return_counts=True)[1] * f),
        Mistake("You rounded n_c · test_fraction up (np.ceil); round it to the nearest whole number instead: "
                "3.2 examples become 3.",
                lambda y, f: np.ceil(np.unique(y, return_counts=True)[1] * f).astype(int)),
        Mistake(_SHARED_TOTAL, _counts_total_shared),
        Mistake("Your counts are sorted by class frequency; return them in the order of np.unique(y), the "
                "sorted class labels (np.unique(y, return_counts=True) gives both in that order).",
                _counts_by_frequency),
    ],
    hints=["A stratified split puts the same fraction of every class into the test set. Count the examples n_c of "
           "each class first.",
           "classes, counts = np.unique(y, return_counts=True) gives n_c in sorted class order; the test set holds "
           "about n_c · test_fraction of each, rounded.",
           "return np.round(counts * test_fraction).astype(int)"],
)

q1.rows, q1.rows_message = _standardise_rows, next(m.message for m in q1.mistakes if m.answer is _standardise_rows)
q2.rows, q2.rows_message = _minmax_rows, next(m.message for m in q2.mistakes if m.answer is _minmax_rows)
q3.rows = _impute_row_means
q3.rows_message = ("You filled the training set's holes with the mean of their row (axis=1); use the mean of "
                   "their column — the same feature in other examples: np.nanmean(X_train, axis=0), for both "
                   "sets.")
q3.test_nan_message = ("Your training set is right, but X_test still contains NaN: fill the test set's holes "
                       "too, with the same training means (np.nanmean(X_train, axis=0)).")
