"""Lab 4 (losses): answers a learner might write, wrong and unusual-but-correct (see the package docstring)."""

import math

import numpy as np
import scipy.special

EPS = np.finfo(float).eps


# -- question 1: mean squared error ---------------------------------------------------------------------
def mse_rmse(y_pred, y_true):
    r = y_pred - y_true
    return np.sqrt(np.mean(r ** 2)), 2 * r / r.size


def mse_sum_over_outputs(y_pred, y_true):
    r = y_pred - y_true
    return np.sum(np.mean(r ** 2, axis=0)), 2 * r / r.size      # mean over samples, sum over outputs


def mse_keepdims(y_pred, y_true):
    r = y_pred - y_true
    return np.mean(r ** 2, keepdims=True), 2 * r / r.size


def mse_grad_len(y_pred, y_true):
    r = y_pred - y_true
    return np.mean(r ** 2), 2 * r / len(r)


def mse_dict(y_pred, y_true):
    r = y_pred - y_true
    return {"loss": np.mean(r ** 2), "grad": 2 * r / r.size}


def mse_floor_division(y_pred, y_true):
    r = y_pred - y_true
    N = r.size
    return np.sum(r ** 2) / N, 2 * r // N


def mse_in_place(y_pred, y_true):
    r = y_pred
    r -= y_true
    return np.mean(r ** 2), 2 * r / r.size


def mse_mae(y_pred, y_true):
    r = y_pred - y_true
    return np.mean(np.abs(r)), np.sign(r) / r.size


def mse_loop(y_pred, y_true):
    total, grad = 0.0, np.zeros(np.shape(y_pred))
    N = np.size(y_pred)
    for idx in np.ndindex(grad.shape):
        r = float(y_pred[idx]) - float(y_true[idx])
        total += r * r
        grad[idx] = 2.0 * r / N
    return total / N, grad


def mse_list_return(y_pred, y_true, reduction="mean"):
    diff = np.subtract(y_pred, y_true)
    return [np.average(np.square(diff)), 2 * diff / np.size(diff)]


# -- question 2: Huber ------------------------------------------------------------------------------
def huber_sign_only(y_pred, y_true, delta):
    r = y_pred - y_true
    small = np.abs(r) <= delta
    L = np.mean(np.where(small, 0.5 * r ** 2, delta * (np.abs(r) - 0.5 * delta)))
    return L, delta * np.sign(r) / r.size


def huber_per_sample(y_pred, y_true, delta):
    r = y_pred - y_true
    n = len(r)
    per = np.where(np.abs(r) <= delta, 0.5 * r ** 2, delta * (np.abs(r) - 0.5 * delta))
    return per.sum() / n, np.clip(r, -delta, delta) / n


def huber_delta_one(y_pred, y_true, delta=1.0):
    r = y_pred - y_true
    per = np.where(np.abs(r) <= 1, 0.5 * r ** 2, np.abs(r) - 0.5)
    return per.mean(), np.clip(r, -1, 1) / r.size


def huber_pseudo(y_pred, y_true, delta):
    r = y_pred - y_true
    root = np.sqrt(1 + (r / delta) ** 2)
    return np.mean(delta ** 2 * (root - 1)), r / root / r.size


def huber_grad_not_averaged(y_pred, y_true, delta):
    r = y_pred - y_true
    per = np.where(np.abs(r) <= delta, 0.5 * r ** 2, delta * (np.abs(r) - 0.5 * delta))
    return per.mean(), np.clip(r, -delta, delta)


def huber_floor_half(y_pred, y_true, delta):
    r = y_pred - y_true
    per = np.where(np.abs(r) <= delta, 0.5 * r ** 2, delta * (np.abs(r) - delta // 2))
    return per.mean(), np.clip(r, -delta, delta) / r.size


def huber_min_max(y_pred, y_true, delta):
    a = np.abs(y_pred - y_true)
    c = np.minimum(a, delta)                      # 1/2 c^2 + delta (|r| - c): both branches at once
    return np.mean(0.5 * c ** 2 + delta * (a - c)), np.clip(y_pred - y_true, -delta, delta) / a.size


def huber_loop_strict(y_pred, y_true, delta):
    r = np.asarray(y_pred, dtype=float) - y_true
    L, grad = 0.0, np.empty_like(r)
    for i in np.ndindex(r.shape):
        if abs(r[i]) < delta:                     # < or <=: both branches agree at |r| = delta
            L += r[i] ** 2 / 2
            grad[i] = r[i]
        else:
            L += delta * abs(r[i]) - delta ** 2 / 2
            grad[i] = math.copysign(delta, r[i])
    return L / r.size, grad / r.size


# -- question 3: binary cross-entropy -----------------------------------------------------------------
def bce_log_plus_eps(p, y):
    L = -np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))
    q = np.clip(p, EPS, 1 - EPS)
    return L, (q - y) / (q * (1 - q)) / q.size


def bce_grad_unclipped(p, y):
    q = np.clip(p, EPS, 1 - EPS)
    L = -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))
    return L, (p - y) / (p * (1 - p)) / p.size


def bce_sum_over_columns(p, y):
    q = np.clip(p, EPS, 1 - EPS)
    L = -np.mean(np.sum(y * np.log(q) + (1 - y) * np.log(1 - q), axis=1))
    return L, (q - y) / (q * (1 - q)) / q.size


def bce_silenced_logs(p, y):
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), np.log(EPS))
        log_1mp = np.maximum(np.log(1 - p), np.log(EPS))
    q = np.clip(p, EPS, 1 - EPS)
    return -np.mean(y * log_p + (1 - y) * log_1mp), (q - y) / (q * (1 - q)) / q.size


def bce_grad_sign(p, y):
    q = np.clip(p, EPS, 1 - EPS)
    return -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)), (y - q) / (q * (1 - q)) / q.size


def bce_three_values(p, y):
    q = np.clip(p, EPS, 1 - EPS)
    return -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)), (q - y) / (q * (1 - q)) / q.size, q


def bce_clip_in_place(p, y):
    np.clip(p, EPS, 1 - EPS, out=p)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), (p - y) / (p * (1 - p)) / p.size


def bce_xlogy(p, y):
    q = np.clip(p, EPS, 1 - EPS)
    L = -(scipy.special.xlogy(y, q) + scipy.special.xlogy(1 - y, 1 - q)).mean()
    return L, (q - y) / (q - q * q) / q.size


def bce_where_log1p(p, y, eps=np.finfo(np.float64).eps):
    q = np.clip(p, a_min=eps, a_max=1 - eps)
    per = np.where(y == 1, -np.log(q), -np.log1p(-q))
    grad = np.where(y == 1, -1 / q, 1 / (1 - q)) / q.size      # (q - y) / (q (1 - q)) for y in {0, 1}
    return float(per.mean()), grad


# -- question 4: categorical cross-entropy from scores -------------------------------------------------
def cce_unique_classes(Z, labels):
    n = Z.shape[0]
    K = len(np.unique(labels))
    Y = np.zeros((n, K))
    Y[np.arange(n), np.searchsorted(np.unique(labels), labels)] = 1
    s = Z - Z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1))
    P = np.exp(s - lse[:, None])
    return np.mean(lse - s[np.arange(n), labels]), (P - Y) / n


def cce_global_max(Z, labels):
    n, K = Z.shape
    s = Z - Z.max()
    lse = np.log(np.exp(s).sum(axis=1))
    Y = np.zeros((n, K))
    Y[np.arange(n), labels] = 1
    return np.mean(lse - s[np.arange(n), labels]), (np.exp(s - lse[:, None]) - Y) / n


def cce_min_shift(Z, labels):
    n, K = Z.shape
    s = Z - Z.min(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1))
    Y = np.zeros((n, K))
    Y[np.arange(n), labels] = 1
    return np.mean(lse - s[np.arange(n), labels]), (np.exp(s - lse[:, None]) - Y) / n


def cce_grad_over_all_entries(Z, labels):
    n, K = Z.shape
    s = Z - Z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1))
    Y = np.zeros((n, K))
    Y[np.arange(n), labels] = 1
    return np.mean(lse - s[np.arange(n), labels]), (np.exp(s - lse[:, None]) - Y) / Z.size


def cce_forgot_max_back(Z, labels):
    n, K = Z.shape
    L, P = 0.0, np.zeros((n, K))
    for i in range(n):
        m = Z[i].max()
        lse = np.log(np.sum(np.exp(Z[i] - m)))            # log sum e^(z - m), without the m
        L += lse - Z[i, labels[i]]
        P[i] = np.exp(Z[i] - m - lse)
    P[np.arange(n), labels] -= 1
    return L / n, P / n


def cce_grad_not_averaged(Z, labels):
    n, K = Z.shape
    s = Z - Z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1))
    Y = np.zeros((n, K))
    Y[np.arange(n), labels] = 1
    return np.mean(lse - s[np.arange(n), labels]), np.exp(s - lse[:, None]) - Y


def cce_shift_in_place(Z, labels):
    n, K = Z.shape
    Z -= Z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(Z).sum(axis=1))
    Y = np.zeros((n, K))
    Y[np.arange(n), labels] = 1
    return np.mean(lse - Z[np.arange(n), labels]), (np.exp(Z - lse[:, None]) - Y) / n


def cce_scipy(Z, labels):
    n = len(Z)
    lse = scipy.special.logsumexp(Z, axis=1)
    Y = np.eye(Z.shape[1])[labels]
    return np.mean(lse - Z[np.arange(n), labels]), (scipy.special.softmax(Z, axis=1) - Y) / n


def cce_log_softmax_loop(Z, labels):
    n, K = Z.shape
    total, grad = 0.0, np.empty((n, K))
    for i, c in enumerate(labels):
        row = Z[i] - np.max(Z[i])
        log_p = row - math.log(sum(math.exp(v) for v in row))
        total -= log_p[c]
        grad[i] = np.exp(log_p)
        grad[i, c] -= 1.0
    return total / n, grad / n



# -- found by an independent review (issue 14) --------------------------------------------------------
def mse_half_convention(y_pred, y_true):
    r = y_pred - y_true
    return 0.5 * np.mean(r ** 2), r / r.size


def huber_grad_without_sign(y_pred, y_true, delta):
    r = y_pred - y_true
    per = np.where(np.abs(r) <= delta, 0.5 * r ** 2, delta * (np.abs(r) - 0.5 * delta))
    return per.mean(), np.where(np.abs(r) <= delta, r, delta) / r.size


def huber_grad_unscaled_sign(y_pred, y_true, delta):
    r = y_pred - y_true
    per = np.where(np.abs(r) <= delta, 0.5 * r ** 2, delta * (np.abs(r) - 0.5 * delta))
    return per.mean(), np.where(np.abs(r) <= delta, r, np.sign(r)) / r.size


def huber_grad_unclipped(y_pred, y_true, delta):
    r = y_pred - y_true
    per = np.where(np.abs(r) <= delta, 0.5 * r ** 2, delta * (np.abs(r) - 0.5 * delta))
    return per.mean(), r / r.size


def huber_scipy(y_pred, y_true, delta):
    r = y_pred - y_true
    grad = np.where(np.abs(r) <= delta, r, delta * np.sign(r)) / r.size
    return scipy.special.huber(delta, r).mean(), grad


def bce_grad_wrt_logits(p, y):
    p = np.clip(p, EPS, 1 - EPS)
    N = p.size
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / N, (p - y) / N


def bce_rows_only(p, y):
    p = np.clip(p, EPS, 1 - EPS)
    n = p.shape[0]
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / n, (p - y) / (p * (1 - p)) / n


def bce_positives_only(p, y):
    p = np.clip(p, EPS, 1 - EPS)
    return -np.sum(y * np.log(p)) / p.size, -(y / p) / p.size


def bce_where_branches(p, y):
    p = np.clip(p, EPS, 1 - EPS)
    ll = np.where(y == 1, np.log(p), np.log1p(-p))
    return -ll.mean(), (p - y) / (p - p * p) / p.size


def cce_grad_probabilities(Z, labels):
    n = Z.shape[0]
    lse = scipy.special.logsumexp(Z, axis=1)
    return np.mean(lse - Z[np.arange(n), labels]), np.exp(Z - lse[:, None]) / n


def bce_nan_to_num(p, y):
    with np.errstate(all="ignore"):
        terms = np.nan_to_num(y * np.log(p) + (1 - y) * np.log(1 - p))
        g = np.nan_to_num((p - y) / (p * (1 - p)))
    return -np.mean(terms), g / p.size


def bce_sklearn_eps(p, y):
    q = np.clip(p, 1e-15, 1 - 1e-15)
    return -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)), (q - y) / (q * (1 - q)) / q.size


WRONG = [
    ("q1", mse_rmse, "The loss L is wrong for the input"),
    ("q1", mse_sum_over_outputs, "The loss L is wrong for the input"),
    ("q1", mse_keepdims, "has shape (1, 1); expected a number"),
    ("q1", mse_grad_len, "The gradient ∂L/∂ŷ is wrong for the input"),
    ("q1", mse_dict, "must return 2 values (the loss L and its gradient), got a dict"),
    ("q1", mse_floor_division, "The gradient ∂L/∂ŷ is wrong"),
    ("q1", mse_in_place, "changed y_pred or y_true in place"),
    ("q1", mse_mae, "The loss L is wrong"),
    ("q2", huber_sign_only, "The gradient ∂L/∂ŷ is wrong"),
    ("q2", huber_per_sample, "You averaged over the n samples (rows) only"),
    ("q2", huber_delta_one, "You used δ = 1 whatever delta is"),
    ("q2", huber_pseudo, "The loss L is wrong"),
    ("q2", huber_grad_not_averaged, "The gradient ∂L/∂ŷ is wrong"),
    ("q2", huber_floor_half, "The loss L is wrong"),
    ("q3", bce_log_plus_eps, "The loss L is wrong"),
    ("q3", bce_grad_unclipped, "use the clipped p in the loss AND in the gradient"),
    ("q3", bce_sum_over_columns, "The loss L is wrong"),
    ("q3", bce_silenced_logs, "Your values are right, but on the way"),
    ("q3", bce_grad_sign, "off by a constant factor: on every test input yours is -1 times"),
    ("q3", bce_three_values, "must return 2 values (the loss L and its gradient), got a tuple of length 3"),
    ("q3", bce_clip_in_place, "changed p (or y) in place"),
    ("q4", cce_unique_classes, "ValueError"),
    ("q4", cce_global_max, "the row's maximum"),
    ("q4", cce_min_shift, "overflows"),
    ("q4", cce_grad_over_all_entries, "The gradient ∂L/∂z is wrong"),
    ("q4", cce_forgot_max_back, "forgot to add the maximum back"),
    ("q4", cce_grad_not_averaged, "the gradient is not divided by n"),
    ("q4", cce_shift_in_place, "changed Z (or labels) in place"),
    ("q1", mse_half_convention, "You computed ½·MSE"),
    ("q2", huber_grad_without_sign, "−δ for a large NEGATIVE residual"),
    ("q2", huber_grad_unscaled_sign, "the gradient is sign(r)"),
    ("q2", huber_grad_unclipped, "your gradient is r/N everywhere"),
    ("q3", bce_grad_wrt_logits, "the gradient with respect to the LOGIT z"),
    ("q3", bce_rows_only, "divide by p.size, not len(p)"),
    ("q3", bce_positives_only, "The term of the negatives is missing"),
    ("q4", cce_grad_probabilities, "the gradient is p/n"),
    ("q3", bce_nan_to_num, "with np.nan_to_num"),
    ("q3", bce_sklearn_eps, "(scikit-learn"),
]

RIGHT = [
    ("q1", mse_loop),
    ("q1", mse_list_return),
    ("q2", huber_min_max),
    ("q2", huber_loop_strict),
    ("q3", bce_xlogy),
    ("q3", bce_where_log1p),
    ("q4", cce_scipy),
    ("q4", cce_log_softmax_loop),
    ("q2", huber_scipy),
    ("q3", bce_where_branches),
]
