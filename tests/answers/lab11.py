"""Lab 11: answers a learner might give (see ``tests/answers/__init__.py``)."""

import numpy as np
from scipy.spatial.distance import cdist


# -- q1: confusion matrix and accuracy ------------------------------------------------------------
def cm_unique_classes(y_true, y_pred, n_classes):
    classes = list(np.unique(np.concatenate([y_true, y_pred])))
    M = np.zeros((n_classes, n_classes), dtype=int)
    for a, b in zip(y_true, y_pred):
        M[classes.index(a), classes.index(b)] += 1
    return M, np.trace(M) / len(y_true)


def cm_set_not_add(y_true, y_pred, n_classes):
    M = np.zeros((n_classes, n_classes), dtype=int)
    M[y_true, y_pred] = 1
    return M, np.mean(y_true == y_pred)


def cm_acc_over_classes(y_true, y_pred, n_classes):
    M = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(M, (y_true, y_pred), 1)
    return M, np.trace(M) / n_classes


def cm_balanced_accuracy(y_true, y_pred, n_classes):
    M = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(M, (y_true, y_pred), 1)
    rows = M.sum(axis=1)
    return M, np.mean(np.diag(M)[rows > 0] / rows[rows > 0])


def cm_integer_division(y_true, y_pred, n_classes):
    M = np.zeros((n_classes, n_classes), dtype=int)
    for a, b in zip(y_true, y_pred):
        M[a, b] += 1
    return M, np.trace(M) // len(y_true)


def cm_symmetric(y_true, y_pred, n_classes):
    M = np.zeros((n_classes, n_classes), dtype=int)
    for a, b in zip(y_true, y_pred):
        M[a, b] += 1
        if a != b:
            M[b, a] += 1
    return M, np.mean(y_true == y_pred)


def cm_histogram2d(y_true, y_pred, n_classes):
    M, _, _ = np.histogram2d(y_true, y_pred, bins=n_classes)
    return M, np.trace(M) / len(y_true)


def cm_bincount_no_minlength(y_true, y_pred, n_classes):
    M = np.bincount(y_true * n_classes + y_pred).reshape(n_classes, n_classes)
    return M, np.trace(M) / len(y_true)


def cm_three_classes(y_true, y_pred, n_classes):
    M = np.zeros((3, 3), dtype=int)
    for a, b in zip(y_true, y_pred):
        M[a, b] += 1
    return M, np.trace(M) / len(y_true)


def cm_dict(y_true, y_pred, n_classes):
    M = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(M, (y_true, y_pred), 1)
    return {"M": M, "accuracy": np.trace(M) / len(y_true)}


def cm_accuracy_over_size(y_true, y_pred, n_classes):
    M = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(M, (y_true, y_pred), 1)
    return M, np.trace(M) / M.size


# correct
def cm_add_at(y_true, y_pred, n_classes):
    M = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(M, (y_true, y_pred), 1)
    return M, np.mean(y_true == y_pred)


def cm_bincount(y_true, y_pred, n_classes):
    flat = np.bincount(n_classes * np.asarray(y_true) + y_pred, minlength=n_classes ** 2)
    return flat.reshape(n_classes, n_classes), float(np.sum(np.asarray(y_true) == y_pred)) / len(y_true)


def cm_sklearn(y_true, y_pred, n_classes):
    from sklearn.metrics import accuracy_score, confusion_matrix
    return confusion_matrix(y_true, y_pred, labels=range(n_classes)), accuracy_score(y_true, y_pred)


def cm_lists(y_true, y_pred, n_classes):
    M = [[0] * n_classes for _ in range(n_classes)]
    for a, b in zip(y_true, y_pred):
        M[a][b] += 1
    return M, sum(M[a][a] for a in range(n_classes)) / len(y_true)


def cm_one_hot(y_true, y_pred, n_classes, dtype=float):
    T = np.eye(n_classes, dtype=dtype)[y_true]
    P = np.eye(n_classes, dtype=dtype)[y_pred]
    M = T.T @ P
    return M, np.trace(M) / M.sum()


# -- q2: one Lloyd iteration ----------------------------------------------------------------------
def _d2(X, centres):
    return np.sum((X[:, None, :] - centres[None, :, :]) ** 2, axis=2)


def lloyd_mean_no_axis(X, centres):
    labels = np.argmin(_d2(X, centres), axis=1)
    return labels, np.array([X[labels == j].mean() for j in range(len(centres))])


def lloyd_argmin_axis0(X, centres):
    labels = np.argmin(_d2(X, centres), axis=0)
    return labels, np.array([X[labels == j].mean(axis=0) for j in range(len(centres))])


def lloyd_three_centres(X, centres):
    labels = np.argmin(_d2(X, centres), axis=1)
    return labels, np.array([X[labels == j].mean(axis=0) for j in range(3)])


def lloyd_halfway(X, centres):
    labels = np.argmin(_d2(X, centres), axis=1)
    means = np.array([X[labels == j].mean(axis=0) for j in range(len(centres))])
    return labels, (centres + means) / 2


def lloyd_one_based(X, centres):
    labels = np.argmin(_d2(X, centres), axis=1)
    return labels + 1, np.array([X[labels == j].mean(axis=0) for j in range(len(centres))])


def lloyd_divide_by_n(X, centres):
    labels = np.argmin(_d2(X, centres), axis=1)
    return labels, np.array([X[labels == j].sum(axis=0) / len(X) for j in range(len(centres))])


def lloyd_in_place(X, centres):
    labels = np.argmin(_d2(X, centres), axis=1)
    for j in range(len(centres)):
        centres[j] = X[labels == j].mean(axis=0)
    return labels, centres


def lloyd_zeros_like(X, centres):
    labels = np.argmin(_d2(X, centres), axis=1)
    new = np.zeros_like(centres)
    for j in range(len(centres)):
        new[j] = X[labels == j].mean(axis=0)
    return labels, new


def lloyd_whole_norm(X, centres):
    d = np.zeros((len(X), len(centres)))
    for j in range(len(centres)):
        d[:, j] = np.linalg.norm(X - centres[j])
    labels = np.argmin(d, axis=1)
    return labels, np.array([X[labels == j].mean(axis=0) for j in range(len(centres))])


def lloyd_dict(X, centres):
    labels = np.argmin(_d2(X, centres), axis=1)
    return {"labels": labels, "centres": np.array([X[labels == j].mean(axis=0) for j in range(len(centres))])}


# correct
def lloyd_loops(X, centres):
    labels = []
    for x in X:
        best, best_d = 0, None
        for j, c in enumerate(centres):
            d = sum((xi - ci) ** 2 for xi, ci in zip(x, c))
            if best_d is None or d < best_d:
                best, best_d = j, d
        labels.append(best)
    labels = np.array(labels)
    return labels, np.array([X[labels == j].mean(axis=0) for j in range(len(centres))])


def lloyd_cdist_onehot(X, centres):
    labels = cdist(X, centres, "sqeuclidean").argmin(axis=1)
    onehot = np.eye(len(centres))[labels]
    return labels, (onehot.T @ X) / onehot.sum(axis=0)[:, None]


def lloyd_expanded(X, centres):
    X = np.asarray(X, dtype=float)
    d2 = (X ** 2).sum(axis=1)[:, None] - 2 * X @ centres.T + (centres ** 2).sum(axis=1)[None, :]
    labels = d2.argmin(axis=1)
    sums = np.zeros((len(centres), X.shape[1]))
    np.add.at(sums, labels, X)
    return labels, sums / np.bincount(labels, minlength=len(centres))[:, None]


def lloyd_list(X, centres):
    d = np.linalg.norm(X[:, None, :] - centres[None, :, :], axis=-1)
    labels = list(np.argmin(d, axis=1))
    return [labels, [X[np.array(labels) == j].mean(axis=0) for j in range(len(centres))]]


# -- q3: inertia ----------------------------------------------------------------------------------
def inertia_after_update(X, centres):
    labels = np.argmin(_d2(X, centres), axis=1)
    new = np.array([X[labels == j].mean(axis=0) for j in range(len(centres))])
    return np.sum(np.min(_d2(X, new), axis=1))


def inertia_sum_then_square(X, centres):
    return np.sum(np.sqrt(np.min(_d2(X, centres), axis=1))) ** 2


def inertia_min_per_centre(X, centres):
    return np.sum(np.min(_d2(X, centres), axis=0))


def inertia_frobenius(X, centres):
    labels = np.argmin(_d2(X, centres), axis=1)
    return np.linalg.norm(X - centres[labels])


def inertia_mean_over_features(X, centres):
    d2 = np.mean((X[:, None, :] - centres[None, :, :]) ** 2, axis=2)
    return np.sum(np.min(d2, axis=1))


def inertia_first_centre(X, centres):
    return np.sum((X - centres[0]) ** 2)


def inertia_per_point(X, centres):
    return np.min(_d2(X, centres), axis=1)


# correct
def inertia_loop(X, centres):
    J = 0.0
    for x in X:
        J += min(float(np.dot(x - c, x - c)) for c in centres)
    return J


def inertia_cdist(X, centres):
    return cdist(X, centres, "sqeuclidean").min(axis=1).sum()


def lloyd_iteration(X, centres):
    labels = np.argmin(_d2(X, centres), axis=1)
    return labels, np.array([X[labels == j].mean(axis=0) for j in range(len(centres))])


def inertia_from_q2(X, centres):
    labels, _ = lloyd_iteration(X, centres)
    return float(((X - centres[labels]) ** 2).sum())


# -- q4: k-means++ probabilities ------------------------------------------------------------------
def pp_softmax(X, centres):
    D2 = np.min(_d2(X, centres), axis=1)
    e = np.exp(D2 - D2.max())
    return e / e.sum()


def pp_over_max(X, centres):
    D2 = np.min(_d2(X, centres), axis=1)
    return D2 / D2.max()


def pp_first_centre(X, centres):
    D2 = np.sum((X - centres[0]) ** 2, axis=1)
    return D2 / D2.sum()


def pp_over_all_distances(X, centres):
    d2 = _d2(X, centres)
    return np.min(d2, axis=1) / d2.sum()


def pp_over_n(X, centres):
    return np.min(_d2(X, centres), axis=1) / len(X)


def pp_zero_at_centres(X, centres):
    D2 = np.min(_d2(X, centres), axis=1)
    p = (D2 > 0).astype(float)
    return p / p.sum()


def pp_norm_squared_of_sum(X, centres):
    D = np.sqrt(np.min(_d2(X, centres), axis=1))
    return D ** 2 / D.sum() ** 2


# correct
def pp_loop(X, centres):
    D2 = np.array([min(np.sum((x - c) ** 2) for c in centres) for x in X])
    return D2 / D2.sum()


def pp_cdist(X, centres):
    D = cdist(X, centres).min(axis=1)
    return D ** 2 / np.linalg.norm(D) ** 2


def pp_list(X, centres):
    D2 = [float(min(((x - c) ** 2).sum() for c in centres)) for x in X]
    total = sum(D2)
    return [d / total for d in D2]


WRONG = [
    ("q1", cm_unique_classes, "confusion matrix is wrong"),
    ("q1", cm_set_not_add, "not how often it occurs"),
    ("q1", cm_acc_over_classes, "number of classes"),
    ("q1", cm_balanced_accuracy, "balanced accuracy"),
    ("q1", cm_integer_division, "integer division //"),
    ("q1", cm_symmetric, "confusion matrix is wrong"),
    ("q1", cm_histogram2d, "confusion matrix is wrong"),
    ("q1", cm_bincount_no_minlength, "raised ValueError"),
    ("q1", cm_three_classes, "raised IndexError"),
    ("q1", cm_dict, "must return 2 values"),
    ("q1", cm_accuracy_over_size, "accuracy is wrong"),
    ("q2", lloyd_mean_no_axis, "shape"),
    ("q2", lloyd_argmin_axis0, "raised IndexError"),
    ("q2", lloyd_three_centres, "cluster that got no points"),
    ("q2", lloyd_halfway, "new centres"),
    ("q2", lloyd_one_based, "label array is wrong"),
    ("q2", lloyd_divide_by_n, "new centres"),
    ("q2", lloyd_in_place, "changed the centres"),
    ("q2", lloyd_zeros_like, "new centres is wrong"),
    ("q2", lloyd_whole_norm, "cluster that got no points"),
    ("q2", lloyd_dict, "must return 2 values"),
    ("q3", inertia_after_update, "wrong for the input"),
    ("q3", inertia_sum_then_square, "squared the sum"),
    ("q3", inertia_min_per_centre, "minimum over the points"),
    ("q3", inertia_frobenius, "wrong for the input"),
    ("q3", inertia_mean_over_features, "wrong for the input"),
    ("q3", inertia_first_centre, "only the first centre"),
    ("q3", inertia_per_point, "shape"),
    ("q4", pp_softmax, "softmax"),
    ("q4", pp_over_max, "divided by the largest"),
    ("q4", pp_first_centre, "only the first centre"),
    ("q4", pp_over_all_distances, "wrong for the input"),
    ("q4", pp_over_n, "number of points"),
    ("q4", pp_zero_at_centres, "wrong for the input"),
    ("q4", pp_norm_squared_of_sum, "wrong for the input"),
]

RIGHT = [
    ("q1", cm_add_at), ("q1", cm_bincount), ("q1", cm_sklearn), ("q1", cm_lists), ("q1", cm_one_hot),
    ("q2", lloyd_loops), ("q2", lloyd_cdist_onehot), ("q2", lloyd_expanded), ("q2", lloyd_list),
    ("q3", inertia_loop), ("q3", inertia_cdist), ("q3", inertia_from_q2),
    ("q4", pp_loop), ("q4", pp_cdist), ("q4", pp_list),
]


# -- from an independent review (answers written without reading the checks) -------------------------
def rv_cm_fancy_index(y_true, y_pred, n_classes):
    M = np.zeros((n_classes, n_classes), int)
    M[y_true, y_pred] += 1
    return M, np.mean(y_true == y_pred)


def rv_pp_last_centre(X, centres):
    D = np.sum((X - centres[-1]) ** 2, 1)
    return D / D.sum()


def rv_inertia_first_centre_only(X, centres):
    return float(np.sum((X - centres[0]) ** 2))


def rv_pp_epsilon(X, centres):
    D = np.min(np.sum((X[:, None, :] - centres[None]) ** 2, axis=2), axis=1) + 1e-3
    return D / D.sum()


def rv_lloyd_loops(X, centres):
    n, k = len(X), len(centres)
    labels = np.empty(n, dtype=int)
    for i in range(n):
        labels[i] = min(range(k), key=lambda j: float(np.dot(X[i] - centres[j], X[i] - centres[j])))
    sums, counts = np.zeros_like(centres, dtype=float), np.zeros(k)
    for i in range(n):
        sums[labels[i]] += X[i]
        counts[labels[i]] += 1
    return labels, sums / counts[:, None]


def rv_inertia_zip(X, centres):
    return sum(min(sum((a - b) ** 2 for a, b in zip(x, c)) for c in centres) for x in X)


WRONG += [
    ("q1", rv_cm_fancy_index, "np.add.at"),
    ("q3", rv_inertia_first_centre_only, "only the first centre"),
    ("q4", rv_pp_last_centre, "only the last centre"),
    ("q4", rv_pp_epsilon, "must get probability exactly 0"),
]
RIGHT += [("q2", rv_lloyd_loops), ("q3", rv_inertia_zip)]


# -- second review --------------------------------------------------------------------------------
def inertia_half(X, centres):
    return 0.5 * np.sum(np.min(((X[:, None] - centres[None]) ** 2).sum(2), 1))


def pp_mean_of_centres(X, centres):
    D = ((X - centres.mean(0)) ** 2).sum(1)
    return D / D.sum()


def pp_fourth_power(X, centres):
    D = ((X[:, None] - centres[None]) ** 2).sum(2).min(1) ** 2
    return D / D.sum()


def pp_expanded_no_clip(X, centres):
    D = (X ** 2).sum(1)[:, None] - 2 * X @ centres.T + (centres ** 2).sum(1)[None]
    D = D.min(1)
    return D / D.sum()


def pp_expanded_clipped(X, centres):
    D = (X ** 2).sum(1)[:, None] - 2 * X @ centres.T + (centres ** 2).sum(1)[None]
    D = np.maximum(D.min(1), 0)
    return D / D.sum()


WRONG += [
    ("q3", inertia_half, "½ J"),
    ("q4", pp_mean_of_centres, "not to the mean of the centres"),
    ("q4", pp_fourth_power, "D(x)⁴"),
    ("q4", pp_expanded_no_clip, "< 0"),
]

RIGHT += [
    ("q4", pp_expanded_clipped),
]


# -- third review ----------------------------------------------------------------------------------
def cm_assigns_one(y_true, y_pred, n_classes):
    M = np.zeros((n_classes, n_classes), int)
    for a, b in zip(y_true, y_pred):
        M[a, b] = 1
    return M, np.mean(np.asarray(y_true) == np.asarray(y_pred))


WRONG += [
    ("q1", cm_assigns_one, "Setting M[a, b] = 1 does not count"),
]
