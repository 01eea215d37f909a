"""Lab 11's answers, right and wrong: the reference solutions and the typical mistakes the checks
recognise.
"""

import numpy as np


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


def _cm_fancy_index(y_true, y_pred, n_classes):
    M = np.zeros((n_classes, n_classes), dtype=int)
    M[y_true, y_pred] += 1
    return M, np.trace(M) / len(y_true)


def _cm_fancy_index_accuracy_from_labels(y_true, y_pred, n_classes):
    M, _ = _cm_fancy_index(y_true, y_pred, n_classes)
    return M, np.mean(np.asarray(y_true) == np.asarray(y_pred))


def _cm_balanced(y_true, y_pred, n_classes):
    M, _ = confusion_and_accuracy(y_true, y_pred, n_classes)
    rows = M.sum(axis=1)
    return M, np.mean(np.diag(M)[rows > 0] / rows[rows > 0])


def _cm_integer_division(y_true, y_pred, n_classes):
    M, _ = confusion_and_accuracy(y_true, y_pred, n_classes)
    return M, np.trace(M) // len(y_true)


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


def _inertia_per_centre(X, centres):
    return np.sum(np.min(squared_distances(X, centres), axis=0))


def _inertia_first_centre(X, centres):
    return np.sum((X - centres[0]) ** 2)


def _inertia_sum_then_square(X, centres):
    return np.sum(np.sqrt(np.min(squared_distances(X, centres), axis=1))) ** 2


def _pp_over_max(X, centres):
    D2 = np.min(squared_distances(X, centres), axis=1)
    return D2 / D2.max()


def _pp_first_centre(X, centres):
    D2 = np.sum((X - centres[0]) ** 2, axis=1)
    return D2 / D2.sum()


def _pp_last_centre(X, centres):
    D2 = np.sum((X - centres[-1]) ** 2, axis=1)
    return D2 / D2.sum()


def _pp_softmax(X, centres):
    D2 = np.min(squared_distances(X, centres), axis=1)
    e = np.exp(D2 - D2.max())
    return e / e.sum()


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


def _cm_accuracy_over_classes(y_true, y_pred, n_classes):
    M = confusion_and_accuracy(y_true, y_pred, n_classes)[0]
    return M, np.trace(M) / n_classes


def _inertia_half(X, centres):
    return 0.5 * inertia(X, centres)


def _pp_fourth_power(X, centres):
    D4 = np.min(squared_distances(X, centres), axis=1) ** 2
    return D4 / np.sum(D4)


def _pp_over_count(X, centres):
    D2 = np.min(squared_distances(X, centres), axis=1)
    return D2 / len(X)


def _pp_mean_of_centres(X, centres):
    D2 = np.sum((X - centres.mean(axis=0)) ** 2, axis=1)
    return D2 / np.sum(D2)
