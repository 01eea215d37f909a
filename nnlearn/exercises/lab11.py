"""Lab 11 — classification and clustering: the confusion matrix, Lloyd's algorithm, inertia and k-means++.

Questions: ``q1`` the confusion matrix and the accuracy from integer labels, ``q2`` one iteration of Lloyd's
algorithm (assignment step, then update step), ``q3`` the inertia J of a set of centres, ``q4`` the k-means++
probabilities D(x)² / Σ D² of drawing each point as the next centre.
"""

import numpy as np

from . import _lab11_answers
from ._function_question import FunctionQuestion, Mistake
from ._lab11_answers import (_cm_balanced, _cm_count_correct, _cm_error_rate, _cm_fancy_index,
                             _cm_fancy_index_accuracy_from_labels, _cm_from_data,
                             _cm_integer_division, _cm_normalised, _cm_one_based,
                             _cm_row_normalised, _cm_transposed, _inertia_all_centres,
                             _inertia_farthest, _inertia_first_centre, _inertia_mean,
                             _inertia_not_squared, _inertia_per_centre, _inertia_sum_then_square,
                             _lloyd_argmax, _lloyd_labels_after_update, _lloyd_manhattan,
                             _lloyd_median, _lloyd_not_updated, _lloyd_sum, _pp_all_centres,
                             _pp_farthest, _pp_first_centre, _pp_last_centre, _pp_not_normalised,
                             _pp_not_squared, _pp_over_max, _pp_softmax, _pp_uniform,
                             confusion_and_accuracy, inertia, kmeanspp_probabilities,
                             lloyd_iteration, _cm_accuracy_over_classes, _inertia_half,
                             _pp_fourth_power, _pp_over_count, _pp_mean_of_centres)
from ._question import Incorrect

__all__ = ["q1", "q2", "q3", "q4"]

# public before the answers moved out: lab11.squared_distances stays importable
squared_distances = _lab11_answers.squared_distances

_rng = np.random.default_rng(11)

# -- q1: labels of 3, 4 and 5 classes; in the second case class 3 is never predicted, in the third class 4
# never occurs at all (the matrix must still be 5 x 5); then labels with gaps (classes 1 and 3 of 6 never
# occur, so np.unique of the labels is not the list of classes), and a single sample
_Y_A = np.array([0, 0, 1, 1, 1, 2, 2, 2, 2, 0, 1, 2])
_P_A = np.array([0, 1, 1, 1, 2, 2, 2, 0, 2, 0, 0, 1])
_Y_B = _rng.integers(0, 4, 30)
_P_B = np.where(_rng.random(30) < 0.6, _Y_B, _rng.integers(0, 3, 30))
_Y_C = _rng.integers(0, 4, 25)
_P_C = np.where(_rng.random(25) < 0.7, _Y_C, _rng.integers(0, 4, 25))
_Y_D = np.array([0, 0, 0, 0, 0, 0, 2, 2, 4, 5, 5, 0, 4])
_P_D = np.array([0, 0, 0, 2, 0, 5, 2, 0, 4, 5, 2, 0, 0])
_CONFUSION_CASES = [(_Y_A, _P_A, 3), (_Y_B, _P_B, 4), (_Y_C, _P_C, 5), (_Y_D, _P_D, 6),
                    (np.array([2]), np.array([0]), 3)]


def _draw_labels(rng):
    """Labels of 2 to 7 classes, some of them never occurring, unbalanced, mostly predicted right."""
    k = int(rng.integers(2, 8))
    present = rng.choice(k, size=int(rng.integers(1, k + 1)), replace=False)
    n = int(rng.integers(6, 40))
    y = rng.choice(present, n, p=rng.dirichlet(np.ones(len(present))))
    return y, np.where(rng.random(n) < 0.6, y, rng.integers(0, k, n)), k


def _blobs(n_per, centres, spread):
    centres = np.asarray(centres, dtype=float)
    X = np.concatenate([c + spread * _rng.standard_normal((n_per, len(c))) for c in centres])
    return X[_rng.permutation(len(X))]


def _no_ties(X, centres):
    """True if every cluster keeps a point and no point is (nearly) as close to two centres."""
    d2 = np.sort(np.sum((X[:, None, :] - centres[None, :, :]) ** 2, axis=2), axis=1)
    labels = np.argmin(np.sum((X[:, None, :] - centres[None, :, :]) ** 2, axis=2), axis=1)
    gap = d2[:, 1] - d2[:, 0] if len(centres) > 1 else np.ones(len(X))
    return len(np.unique(labels)) == len(centres) and np.all(gap > 1e-3 * (1 + d2[:, 0]))


def _draw_points(rng):
    """Points of 1 to 4 features and 1 to 5 centres (half of the time data points), no empty cluster.

    There are always more points than centres, so that some point is not a centre and Σ D² > 0.
    """
    while True:
        n, d, k = int(rng.integers(6, 30)), int(rng.integers(1, 5)), int(rng.integers(1, 6))
        X = rng.normal(0.0, rng.choice([0.5, 3.0, 40.0]), (n, d)) + rng.normal(0, 5, d)
        centres = X[rng.choice(n, k, replace=False)].copy()
        if rng.random() < 0.5:
            centres += rng.normal(0, 0.3 * X.std(), centres.shape)
        if _no_ties(X, centres):
            return X, centres


# -- q2-q4: points (n_samples, n_features) and centres (k, n_features); every cluster keeps at least one point
_X_A = _blobs(5, [[-2.0, 0.0], [2.0, 0.5], [0.0, 3.0]], 1.0)                       # (15, 2)
_C_A = np.array([[-1.0, 1.0], [1.5, 0.0], [0.5, 2.0]])
_X_B = _blobs(4, [[0.0, 0.0, 0.0], [3.0, 0.0, 1.0], [0.0, 3.0, -1.0], [3.0, 3.0, 2.0]], 1.2)   # (16, 3)
_C_B = _X_B[[0, 5, 9, 13]] + 0.3
_X_C = _rng.normal(0.0, 50.0, (9, 2))                                               # large coordinates
_C_C = _X_C[[0, 4]] + 10.0
_X_D = np.array([[0.0], [0.4], [1.1], [2.0], [3.5], [4.2], [7.0], [8.3], [9.0], [12.0]])   # one feature, k = 5
_C_D = np.array([[0.0], [2.0], [4.0], [8.0], [12.5]])
_X_E = np.array([[0, 0], [1, 3], [4, 1], [6, 5], [2, 7], [9, 9], [8, 2], [3, 3]])  # integers, one centre
_C_E = np.array([[5, 5]])
_X_F = np.array([[0, 0], [1, 0], [0, 2], [7, 6], [8, 8], [6, 9], [2, 9]])          # integers, centres are points
_C_F = _X_F[[0, 4]].copy()
_LLOYD_CASES = [(_X_A, _C_A), (_X_B, _C_B), (_X_C, _C_C), (_X_D, _C_D), (_X_E, _C_E), (_X_F, _C_F)]
assert all(_no_ties(X, C) for X, C in _LLOYD_CASES)


_FANCY_INDEX = ("Your matrix holds 1 for every pair (a, b) that occurs, not how often it occurs: each sample must "
                "ADD 1 to its cell. Setting M[a, b] = 1 does not count, and neither does fancy indexing "
                "M[y_true, y_pred] += 1, which adds 1 only ONCE per distinct pair. Count with a loop (for a, b "
                "in zip(y_true, y_pred): M[a, b] += 1) or np.add.at(M, (y_true, y_pred), 1).")


class _LloydQuestion(FunctionQuestion):
    """Lloyd's update step: a NaN in the new centres is the mean of an empty cluster, whatever row is shown."""

    def _judge_function(self, answer):
        try:
            super()._judge_function(answer)
        except Incorrect as exc:
            signs = ("makes a NaN", "divides by zero", "Mean of empty slice", "invalid value encountered")
            if not any(sign in str(exc) for sign in signs):   # the last two: warnings turned into errors
                raise
            raise Incorrect("Your new centres contain NaN or inf: typically the mean of a cluster that got no "
                            "points (0/0). In the check's inputs every centre you are given keeps at least one "
                            "point, so either a point was not assigned to its closest centre (np.argmin of the "
                            "squared distances over the centres, axis=1) or the update step does not compute "
                            "one mean per given centre (for j in range(len(centres))).") from None


class _KmeansppQuestion(FunctionQuestion):
    """k-means++: a point that is already a centre must get probability exactly 0 (no epsilon)."""

    def _judge_function(self, answer):
        try:
            super()._judge_function(answer)
        except Incorrect as exc:
            if "is wrong for the input" not in str(exc):
                raise
            try:
                with np.errstate(all="ignore"):
                    got = np.asarray(answer(_X_F.copy(), _C_F.copy()), dtype=float)
            except Exception:
                raise exc from None
            at_centres = got[[0, 4]] if got.shape == (len(_X_F),) else np.zeros(2)
            others = np.ones(len(_X_F), bool)
            others[[0, 4]] = False
            near = (got.shape == (len(_X_F),)
                    and np.allclose(got[others], kmeanspp_probabilities(_X_F, _C_F)[others], rtol=0.05))
            if np.all(at_centres > 0) and np.isclose(got.sum(), 1.0) and near:
                raise Incorrect(f"A point that is already a centre has D = 0 and must get probability exactly 0; "
                                f"for the points {_format_points(_X_F[[0, 4]])} (the centres) yours gives "
                                f"{at_centres[0]:.4g} and {at_centres[1]:.4g}. Don't add an epsilon to D²: the sum "
                                "Σ D² is positive as soon as one point is not a centre.") from None
            raise
        for X, centres in _FAR_CASES:
            try:
                with np.errstate(all="ignore"):
                    got = np.asarray(answer(X.copy(), centres.copy()), dtype=float)
            except Exception as exc:
                raise Incorrect(f"For points far from the origin (around (100, −100)) your function raised "
                                f"{type(exc).__name__}: {exc}.") from None
            if (got < 0).any():
                raise Incorrect(f"For points far from the origin (around (100, −100)) your probabilities include "
                                f"{got.min():.3g} < 0 for a point that is a centre: the expanded formula "
                                "|x|² − 2 x·c + |c|² cancels and rounds below 0 (and rng.choice then fails). "
                                "Compute the differences first, np.sum((X[:, None] − centres[None]) ** 2, "
                                "axis=2), or clip D² at 0 (np.maximum(D2, 0)).")


def _far_case(seed):
    X = np.round(np.random.default_rng(seed).normal(0, 1, (12, 2)), 4) + np.array([100.0, -100.0])
    return X, X[[1, 5, 9]]


# far from the origin, where |x|² − 2x·c + |c|² rounds below 0 at a centre
_FAR_CASES = [_far_case(seed) for seed in (1, 2, 5, 6, 9)]


def _format_points(points):
    return ", ".join("(" + ", ".join(f"{v:g}" for v in p) + ")" for p in points)


# -- the questions -------------------------------------------------------------------------------
q1 = FunctionQuestion(
    "Lab 11, question 1 (confusion matrix and accuracy)", confusion_and_accuracy, _CONFUSION_CASES, n_outputs=2,
    output_names=("confusion matrix", "accuracy"), returns="the confusion matrix M and the accuracy",
    draw=_draw_labels,
    mistakes=[
        Mistake("Your matrix is transposed: rows are the TRUE classes and columns the PREDICTED ones, "
                "M[a, b] = #{i : y_i = a and ŷ_i = b}. Row a must sum to the number of samples of class a.",
                _cm_transposed),
        Mistake("You normalised each row (those are the per-class recalls); the confusion matrix holds counts.",
                _cm_row_normalised),
        Mistake("You divided the counts by n; the confusion matrix holds counts (integers), not fractions.",
                _cm_normalised),
        Mistake("Your classes are shifted by one: labels are 0, …, K−1 and class a goes to row a (index a, not "
                "a − 1, which sends class 0 to the last row).", _cm_one_based),
        Mistake("Your matrix is too small when a class never occurs: its size is n_classes × n_classes, not "
                "(largest label + 1) squared. Use the argument n_classes (e.g. np.zeros((n_classes, n_classes))).",
                _cm_from_data),
        Mistake("You divided the number of correct predictions by the number of classes; the accuracy divides "
                "it by the number of samples, len(y_true).", _cm_accuracy_over_classes),
        Mistake("Your accuracy is the number of correct predictions; divide by the number of samples.",
                _cm_count_correct),
        Mistake("That is the error rate, 1 − accuracy: the accuracy is the fraction of CORRECT predictions, the "
                "trace of M divided by n.", _cm_error_rate),
        Mistake(_FANCY_INDEX, _cm_fancy_index),
        Mistake(_FANCY_INDEX, _cm_fancy_index_accuracy_from_labels),
        Mistake("That is the balanced accuracy (the mean of the per-class recalls); the accuracy is the fraction of "
                "ALL samples predicted right, the trace of M divided by n.", _cm_balanced),
        Mistake("Your accuracy is always 0 (or 1): integer division // rounds the fraction down. Divide with /: "
                "np.trace(M) / len(y_true).", _cm_integer_division),
    ],
    hints=["Start from M = np.zeros((n_classes, n_classes), dtype=int) and add 1 to M[y_i, ŷ_i] for every sample. "
           "The correct predictions lie on the diagonal.",
           "for a, b in zip(y_true, y_pred): M[a, b] += 1 (or np.add.at(M, (y_true, y_pred), 1)); "
           "the accuracy is np.trace(M) / len(y_true).",
           "M = np.zeros((n_classes, n_classes), dtype=int); for a, b in zip(y_true, y_pred): M[a, b] += 1; "
           "return M, np.trace(M) / len(y_true)"],
)

q2 = _LloydQuestion(
    "Lab 11, question 2 (one Lloyd iteration)", lloyd_iteration, _LLOYD_CASES, n_outputs=2,
    output_names=("label array", "array of new centres"), returns="the labels and the new centres", draw=_draw_points,
    in_place_message="Your function changed the centres it was given; build a new array for the new centres "
                     "(e.g. np.array([... for j in range(len(centres))])) and leave `centres` as it is.",
    mistakes=[
        Mistake("You assigned the points with the Manhattan distance Σ|x − c|. k-means uses the Euclidean "
                "(squared) distance ||x − c||² = Σ (x − c)².", _lloyd_manhattan),
        Mistake("You assigned every point to its FARTHEST centre (argmax); the assignment step picks the closest "
                "one: np.argmin over the centres (axis=1).", _lloyd_argmax),
        Mistake("Your labels are right but the centres were not updated: the update step moves centre j to the "
                "mean of the points assigned to it.", _lloyd_not_updated),
        Mistake("Your new centres are the SUM of each cluster's points; divide by the cluster size (use the mean).",
                _lloyd_sum),
        Mistake("You used the median of each cluster; the update step uses the mean, the point that minimises the "
                "sum of squared distances.", _lloyd_median),
        Mistake("Your labels come from the NEW centres. Return the assignment to the centres you were given, and "
                "the centres computed from it.", _lloyd_labels_after_update),
    ],
    hints=["First the assignment step: for every point, the index of the closest centre. Then the update step: "
           "for every centre j, the mean of the points whose label is j.",
           "Broadcasting gives all squared distances at once: X[:, None, :] − centres[None, :, :] has shape "
           "(n_samples, k, n_features); sum its square over the last axis and take np.argmin(…, axis=1).",
           "d2 = np.sum((X[:, None, :] - centres[None, :, :]) ** 2, axis=2); "
           "labels = np.argmin(d2, axis=1); new_centres = np.array([X[labels == j].mean(axis=0) "
           "for j in range(len(centres))]); return labels, new_centres"],
)

q3 = FunctionQuestion(
    "Lab 11, question 3 (inertia)", inertia, _LLOYD_CASES, draw=_draw_points,
    mistakes=[
        Mistake("Your inertia is ½ J: J = Σ_i min_j ||x_i − c_j||² has no factor ½.", _inertia_half),
        Mistake("You averaged over the points (np.mean); the inertia J is a SUM over the points of the squared "
                "distance to the closest centre.", _inertia_mean),
        Mistake("Your distances are not squared: J = Σ_i min_j ||x_i − c_j||², with the square.",
                _inertia_not_squared),
        Mistake("You summed the squared distances to ALL centres; each point counts only its closest centre "
                "(the min over j).", _inertia_all_centres),
        Mistake("You took each point's FARTHEST centre (max); J uses the closest one (min over j).",
                _inertia_farthest),
        Mistake("You took the minimum over the points (axis=0), one number per centre; J takes, for every "
                "POINT, the minimum over the centres: np.min(d2, axis=1), then the sum.", _inertia_per_centre),
        Mistake("You used only the first centre; every point counts its distance to the CLOSEST of all the "
                "centres (the min over j).", _inertia_first_centre),
        Mistake("You squared the sum of the distances; J sums the squared distances, Σ_i min_j ||x_i − c_j||² "
                "(square each term, then add).", _inertia_sum_then_square),
    ],
    hints=["J = Σ_i min_j ||x_i − c_j||²: for every point the squared distance to its closest centre, summed "
           "over the points.",
           "Compute the (n_samples, k) matrix of squared distances (as in question 2), take the minimum over "
           "axis=1, then sum.",
           "d2 = np.sum((X[:, None, :] - centres[None, :, :]) ** 2, axis=2); return np.sum(np.min(d2, axis=1))"],
)

q4 = _KmeansppQuestion(
    "Lab 11, question 4 (k-means++ probabilities)", kmeanspp_probabilities, _LLOYD_CASES, draw=_draw_points,
    mistakes=[
        Mistake("D(x) is the distance to the closest centre (the min over the centres), not to the mean of the "
                "centres.", _pp_mean_of_centres),
        Mistake("Your weights are D(x)⁴: you squared D² again. k-means++ takes D(x)², the squared distance "
                "to the closest centre, divided by its sum.", _pp_fourth_power),
        Mistake("You divided D(x)² by the number of points; probabilities must sum to 1, so divide by the sum "
                "Σ_i D(x_i)².", _pp_over_count),
        Mistake("Your probabilities are proportional to D(x), not to D(x)²: k-means++ squares the distance to the "
                "closest centre, which makes far points much more likely.", _pp_not_squared),
        Mistake("Your numbers are D(x)², but they do not sum to 1: divide by Σ_i D(x_i)².", _pp_not_normalised),
        Mistake("D(x) is the distance to the CLOSEST centre chosen so far (min over the centres), not the farthest.",
                _pp_farthest),
        Mistake("You summed the squared distances to all centres; D(x) is the distance to the closest one only, "
                "so a point that is already a centre has D = 0 and probability 0.", _pp_all_centres),
        Mistake("Uniform probabilities are the 'random' seeding; k-means++ weights each point by D(x)².",
                _pp_uniform),
        Mistake("You divided by the largest D(x)²; probabilities must sum to 1, so divide by the SUM Σ_i D(x_i)².",
                _pp_over_max),
        Mistake("You used only the first centre; D(x) is the distance to the CLOSEST of all the centres chosen so "
                "far (the min over them).", _pp_first_centre),
        Mistake("You used only the last centre; D(x) is the distance to the CLOSEST of all the centres chosen so "
                "far (the min over them).", _pp_last_centre),
        Mistake("That is a softmax of D(x)²; k-means++ takes D(x)² itself, divided by its sum: D2 / np.sum(D2). "
                "A point that is already a centre must get exactly 0.", _pp_softmax),
    ],
    hints=["D(x) is the distance from x to the closest of the centres chosen so far; the probability of x is "
           "D(x)² divided by the sum of D² over all points.",
           "D² = np.min(squared distances, axis=1), shape (n_samples,); then normalise so that the result sums to 1.",
           "d2 = np.sum((X[:, None, :] - centres[None, :, :]) ** 2, axis=2); D2 = np.min(d2, axis=1); "
           "return D2 / np.sum(D2)"],
)
