"""Lab 11 — classification and clustering: the confusion matrix, Lloyd's algorithm, inertia and k-means++.

Questions: ``q1`` the confusion matrix and the accuracy from integer labels, ``q2`` one iteration of Lloyd's
algorithm (assignment step, then update step), ``q3`` the inertia J of a set of centres, ``q4`` the k-means++
probabilities D(x)² / Σ D² of drawing each point as the next centre.
"""

import numpy as np

from ._question import FunctionQuestion, Mistake

__all__ = ["q1", "q2", "q3", "q4"]

_rng = np.random.default_rng(11)

# -- q1: labels of 3, 4 and 5 classes; in the second case class 3 is never predicted, in the third class 4
# never occurs at all (the matrix must still be 5 x 5)
_Y_A = np.array([0, 0, 1, 1, 1, 2, 2, 2, 2, 0, 1, 2])
_P_A = np.array([0, 1, 1, 1, 2, 2, 2, 0, 2, 0, 0, 1])
_Y_B = _rng.integers(0, 4, 30)
_P_B = np.where(_rng.random(30) < 0.6, _Y_B, _rng.integers(0, 3, 30))
_Y_C = _rng.integers(0, 4, 25)
_P_C = np.where(_rng.random(25) < 0.7, _Y_C, _rng.integers(0, 4, 25))
_CONFUSION_CASES = [(_Y_A, _P_A, 3), (_Y_B, _P_B, 4), (_Y_C, _P_C, 5)]


def _blobs(n_per, centres, spread):
    centres = np.asarray(centres, dtype=float)
    X = np.concatenate([c + spread * _rng.standard_normal((n_per, len(c))) for c in centres])
    return X[_rng.permutation(len(X))]


# -- q2-q4: points (n_samples, n_features) and centres (k, n_features); every cluster keeps at least one point
_X_A = _blobs(5, [[-2.0, 0.0], [2.0, 0.5], [0.0, 3.0]], 1.0)                       # (15, 2)
_C_A = np.array([[-1.0, 1.0], [1.5, 0.0], [0.5, 2.0]])
_X_B = _blobs(4, [[0.0, 0.0, 0.0], [3.0, 0.0, 1.0], [0.0, 3.0, -1.0], [3.0, 3.0, 2.0]], 1.2)   # (16, 3)
_C_B = _X_B[[0, 5, 9, 13]] + 0.3
_X_C = _rng.normal(0.0, 50.0, (9, 2))                                               # large coordinates
_C_C = _X_C[[0, 4]] + 10.0
_LLOYD_CASES = [(_X_A, _C_A), (_X_B, _C_B), (_X_C, _C_C)]


def confusion_and_accuracy(y_true, y_pred, n_classes):
    """The confusion matrix M (M[a, b] = number of samples of true class a predicted as b) and the accuracy."""
    M = np.zeros((n_classes, n_classes), dtype=int)
    for a, b in zip(y_true, y_pred):
        M[a, b] += 1
    accuracy = np.trace(M) / len(y_true)
    return M, accuracy


def squared_distances(X, centres):
    """||x_i - c_j||² for every point i and centre j, shape (n_samples, k)."""
    diff = X[:, None, :] - centres[None, :, :]          # (n_samples, k, n_features)
    return np.sum(diff ** 2, axis=2)


def lloyd_iteration(X, centres):
    """Assignment step (closest centre), then update step (mean of each cluster); returns labels, new centres."""
    d2 = np.sum((X[:, None, :] - centres[None, :, :]) ** 2, axis=2)   # (n_samples, k) squared distances
    labels = np.argmin(d2, axis=1)
    new_centres = np.array([X[labels == j].mean(axis=0) for j in range(len(centres))])
    return labels, new_centres


def inertia(X, centres):
    """J = sum over the points of the squared distance to the closest centre."""
    d2 = np.sum((X[:, None, :] - centres[None, :, :]) ** 2, axis=2)   # (n_samples, k) squared distances
    return np.sum(np.min(d2, axis=1))


def kmeanspp_probabilities(X, centres):
    """The probability D(x)² / sum D² of drawing each point as the next k-means++ centre."""
    d2 = np.sum((X[:, None, :] - centres[None, :, :]) ** 2, axis=2)   # (n_samples, k) squared distances
    D2 = np.min(d2, axis=1)                                            # D(x)²: to the closest centre so far
    return D2 / np.sum(D2)


# -- wrong answers -------------------------------------------------------------------------------
def _cm_transposed(y_true, y_pred, n_classes):
    M, acc = confusion_and_accuracy(y_true, y_pred, n_classes)
    return M.T, acc


def _cm_row_normalised(y_true, y_pred, n_classes):
    M, acc = confusion_and_accuracy(y_true, y_pred, n_classes)
    rows = M.sum(axis=1, keepdims=True)
    return M / np.where(rows == 0, 1, rows), acc


def _cm_normalised(y_true, y_pred, n_classes):
    M, acc = confusion_and_accuracy(y_true, y_pred, n_classes)
    return M / len(y_true), acc


def _cm_one_based(y_true, y_pred, n_classes):
    M = np.zeros((n_classes, n_classes), dtype=int)
    for a, b in zip(y_true, y_pred):
        M[a - 1, b - 1] += 1
    return M, np.trace(M) / len(y_true)


def _cm_from_data(y_true, y_pred, n_classes):
    k = max(np.max(y_true), np.max(y_pred)) + 1
    return confusion_and_accuracy(y_true, y_pred, k)


def _cm_count_correct(y_true, y_pred, n_classes):
    M, _ = confusion_and_accuracy(y_true, y_pred, n_classes)
    return M, np.trace(M)


def _cm_error_rate(y_true, y_pred, n_classes):
    M, acc = confusion_and_accuracy(y_true, y_pred, n_classes)
    return M, 1 - acc


def _lloyd_manhattan(X, centres):
    labels = np.argmin(np.abs(X[:, None, :] - centres[None]).sum(axis=2), axis=1)
    return labels, np.array([X[labels == j].mean(axis=0) for j in range(len(centres))])


def _lloyd_argmax(X, centres):
    labels = np.argmax(squared_distances(X, centres), axis=1)
    return labels, np.array([X[labels == j].mean(axis=0) if np.any(labels == j) else centres[j]
                             for j in range(len(centres))])


def _lloyd_not_updated(X, centres):
    labels = np.argmin(squared_distances(X, centres), axis=1)
    return labels, centres


def _lloyd_sum(X, centres):
    labels = np.argmin(squared_distances(X, centres), axis=1)
    return labels, np.array([X[labels == j].sum(axis=0) for j in range(len(centres))])


def _lloyd_median(X, centres):
    labels = np.argmin(squared_distances(X, centres), axis=1)
    return labels, np.array([np.median(X[labels == j], axis=0) for j in range(len(centres))])


def _lloyd_mean_of_all(X, centres):
    labels = np.argmin(squared_distances(X, centres), axis=1)
    return labels, (centres + X.mean(axis=0)) / 2


def _lloyd_labels_after_update(X, centres):
    _, new = lloyd_iteration(X, centres)
    return np.argmin(squared_distances(X, new), axis=1), new


def _inertia_mean(X, centres):
    return np.mean(np.min(squared_distances(X, centres), axis=1))


def _inertia_not_squared(X, centres):
    return np.sum(np.sqrt(np.min(squared_distances(X, centres), axis=1)))


def _inertia_all_centres(X, centres):
    return np.sum(squared_distances(X, centres))


def _inertia_farthest(X, centres):
    return np.sum(np.max(squared_distances(X, centres), axis=1))


def _pp_not_squared(X, centres):
    D = np.sqrt(np.min(squared_distances(X, centres), axis=1))
    return D / D.sum()


def _pp_not_normalised(X, centres):
    return np.min(squared_distances(X, centres), axis=1)


def _pp_farthest(X, centres):
    D2 = np.max(squared_distances(X, centres), axis=1)
    return D2 / D2.sum()


def _pp_all_centres(X, centres):
    D2 = np.sum(squared_distances(X, centres), axis=1)
    return D2 / D2.sum()


def _pp_uniform(X, centres):
    return np.full(len(X), 1.0 / len(X))


# -- the questions -------------------------------------------------------------------------------
q1 = FunctionQuestion(
    "Lab 11, question 1 (confusion matrix and accuracy)", confusion_and_accuracy, _CONFUSION_CASES, n_outputs=2,
    output_names=("confusion matrix", "accuracy"),
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
        Mistake("Your accuracy is the number of correct predictions; divide by the number of samples.",
                _cm_count_correct),
        Mistake("That is the error rate, 1 − accuracy: the accuracy is the fraction of CORRECT predictions, the "
                "trace of M divided by n.", _cm_error_rate),
    ],
    hints=["Start from M = np.zeros((n_classes, n_classes), dtype=int) and add 1 to M[y_i, ŷ_i] for every sample. "
           "The correct predictions lie on the diagonal.",
           "for a, b in zip(y_true, y_pred): M[a, b] += 1 (or np.add.at(M, (y_true, y_pred), 1)); "
           "the accuracy is np.trace(M) / len(y_true).",
           "M = np.zeros((n_classes, n_classes), dtype=int); for a, b in zip(y_true, y_pred): M[a, b] += 1; "
           "return M, np.trace(M) / len(y_true)"],
)

q2 = FunctionQuestion(
    "Lab 11, question 2 (one Lloyd iteration)", lloyd_iteration, _LLOYD_CASES, n_outputs=2,
    output_names=("labels", "new centres"),
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
    "Lab 11, question 3 (inertia)", inertia, _LLOYD_CASES,
    mistakes=[
        Mistake("You averaged over the points (np.mean); the inertia J is a SUM over the points of the squared "
                "distance to the closest centre.", _inertia_mean),
        Mistake("Your distances are not squared: J = Σ_i min_j ||x_i − c_j||², with the square.",
                _inertia_not_squared),
        Mistake("You summed the squared distances to ALL centres; each point counts only its closest centre "
                "(the min over j).", _inertia_all_centres),
        Mistake("You took each point's FARTHEST centre (max); J uses the closest one (min over j).",
                _inertia_farthest),
    ],
    hints=["J = Σ_i min_j ||x_i − c_j||²: for every point the squared distance to its closest centre, summed "
           "over the points.",
           "Compute the (n_samples, k) matrix of squared distances (as in question 2), take the minimum over "
           "axis=1, then sum.",
           "d2 = np.sum((X[:, None, :] - centres[None, :, :]) ** 2, axis=2); return np.sum(np.min(d2, axis=1))"],
)

q4 = FunctionQuestion(
    "Lab 11, question 4 (k-means++ probabilities)", kmeanspp_probabilities, _LLOYD_CASES,
    mistakes=[
        Mistake("Your probabilities are proportional to D(x), not to D(x)²: k-means++ squares the distance to the "
                "closest centre, which makes far points much more likely.", _pp_not_squared),
        Mistake("Your numbers are D(x)², but they do not sum to 1: divide by Σ_i D(x_i)².", _pp_not_normalised),
        Mistake("D(x) is the distance to the CLOSEST centre chosen so far (min over the centres), not the farthest.",
                _pp_farthest),
        Mistake("You summed the squared distances to all centres; D(x) is the distance to the closest one only, "
                "so a point that is already a centre has D = 0 and probability 0.", _pp_all_centres),
        Mistake("Uniform probabilities are the 'random' seeding; k-means++ weights each point by D(x)².",
                _pp_uniform),
    ],
    hints=["D(x) is the distance from x to the closest of the centres chosen so far; the probability of x is "
           "D(x)² divided by the sum of D² over all points.",
           "D² = np.min(squared distances, axis=1), shape (n_samples,); then normalise so that the result sums to 1.",
           "d2 = np.sum((X[:, None, :] - centres[None, :, :]) ** 2, axis=2); D2 = np.min(d2, axis=1); "
           "return D2 / np.sum(D2)"],
)
