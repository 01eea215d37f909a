"""Lab 4's answers, right and wrong: the reference solutions and the typical mistakes the checks
recognise.
"""

import numpy as np

_EPS = np.finfo(float).eps


# -- reference solutions ------------------------------------------------------------------------------

def mse(y_pred, y_true):
    """Mean squared error over all N = n*K entries, and its gradient 2 r / N with r = y_pred - y_true."""
    r = y_pred - y_true
    N = r.size
    L = np.sum(r ** 2) / N
    grad = 2.0 * r / N
    return L, grad


def huber(y_pred, y_true, delta):
    """Huber loss with threshold delta, averaged over all N entries, and its gradient (r clipped) / N."""
    r = y_pred - y_true
    N = r.size
    small = np.abs(r) <= delta
    per_element = np.where(small, 0.5 * r ** 2, delta * (np.abs(r) - 0.5 * delta))
    L = np.sum(per_element) / N
    grad = np.where(small, r, delta * np.sign(r)) / N    # the same as np.clip(r, -delta, delta) / N
    return L, grad


def bce(p, y):
    """Binary cross-entropy of probabilities p (clipped to [eps, 1 - eps]), mean over all N entries."""
    eps = np.finfo(float).eps
    p = np.clip(p, eps, 1.0 - eps)
    N = p.size
    L = -np.sum(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)) / N
    grad = (p - y) / (p * (1.0 - p)) / N
    return L, grad


def cce_from_logits(Z, labels):
    """Categorical cross-entropy of the softmax of the scores Z (n, K) with integer labels (n,): mean over samples.

    Returns the loss and its gradient with respect to the scores, (softmax(Z) - one_hot(labels)) / n.
    """
    n, K = Z.shape
    shifted = Z - Z.max(axis=1, keepdims=True)                   # log-sum-exp trick: largest exponent is 0
    log_sum = np.log(np.exp(shifted).sum(axis=1))                # log sum_k e^(z_ik) - max_k z_ik
    rows = np.arange(n)
    L = np.mean(log_sum - shifted[rows, labels])                 # -log p_{i, c_i}, averaged over the n samples
    P = np.exp(shifted - log_sum[:, None])                       # softmax(Z)
    Y = np.zeros((n, K))
    Y[rows, labels] = 1.0                                        # one-hot rows
    grad = (P - Y) / n
    return L, grad


# -- typical wrong answers ----------------------------------------------------------------------------

def _mse_sum(y_pred, y_true):
    r = y_pred - y_true
    return np.sum(r ** 2), 2.0 * r


def _mse_no_two(y_pred, y_true):
    r = y_pred - y_true
    return np.mean(r ** 2), r / r.size


def _mse_flipped(y_pred, y_true):
    r = y_pred - y_true
    return np.mean(r ** 2), 2.0 * (y_true - y_pred) / r.size


def _mse_per_sample(y_pred, y_true):
    r = y_pred - y_true
    n = r.shape[0]
    return np.sum(r ** 2) / n, 2.0 * r / n


def _huber_parts(r, delta, small):
    return np.where(small, 0.5 * r ** 2, delta * (np.abs(r) - 0.5 * delta)), np.where(small, r, delta * np.sign(r))


def _huber_swapped(y_pred, y_true, delta):
    r = y_pred - y_true
    big = np.abs(r) > delta
    value = np.where(big, 0.5 * r ** 2, delta * (np.abs(r) - 0.5 * delta))
    grad = np.where(big, r, delta * np.sign(r))
    return np.mean(value), grad / r.size


def _huber_no_half(y_pred, y_true, delta):
    r = y_pred - y_true
    small = np.abs(r) <= delta
    value = np.where(small, r ** 2, delta * (np.abs(r) - 0.5 * delta))
    grad = np.where(small, 2.0 * r, delta * np.sign(r))
    return np.mean(value), grad / r.size


def _huber_no_offset(y_pred, y_true, delta):
    r = y_pred - y_true
    small = np.abs(r) <= delta
    value = np.where(small, 0.5 * r ** 2, delta * np.abs(r))
    grad = np.where(small, r, delta * np.sign(r))
    return np.mean(value), grad / r.size


def _huber_no_abs(y_pred, y_true, delta):
    r = y_pred - y_true
    value, grad = _huber_parts(r, delta, r <= delta)
    return np.mean(value), grad / r.size


def _huber_threshold_one(y_pred, y_true, delta):
    r = y_pred - y_true
    value, grad = _huber_parts(r, delta, np.abs(r) <= 1.0)
    return np.mean(value), grad / r.size


def _huber_sum(y_pred, y_true, delta):
    r = y_pred - y_true
    value, grad = _huber_parts(r, delta, np.abs(r) <= delta)
    return np.sum(value), grad


def _huber_delta_one(y_pred, y_true, delta):
    return huber(y_pred, y_true, 1.0)


def _huber_grad_unscaled_sign(y_pred, y_true, delta):
    r = y_pred - y_true
    L, _ = huber(y_pred, y_true, delta)
    return L, np.where(np.abs(r) <= delta, r, np.sign(r)) / r.size


def _huber_grad_no_sign(y_pred, y_true, delta):
    r = y_pred - y_true
    L, _ = huber(y_pred, y_true, delta)
    return L, np.where(np.abs(r) <= delta, r, delta) / r.size


def _huber_grad_unclipped(y_pred, y_true, delta):
    r = y_pred - y_true
    L, _ = huber(y_pred, y_true, delta)
    return L, r / r.size


def _mse_half(y_pred, y_true):
    r = y_pred - y_true
    return 0.5 * np.mean(r ** 2), r / r.size


def _clipped(p, eps=_EPS):
    return np.clip(p, eps, 1.0 - eps)


def _bce_swapped(p, y):
    q = _clipped(p)
    return -np.mean(y * np.log(1.0 - q) + (1.0 - y) * np.log(q)), (y - q) / (q * (1.0 - q)) / q.size


def _bce_keras_eps(p, y):
    q = _clipped(p, 1e-7)
    return -np.mean(y * np.log(q) + (1.0 - y) * np.log(1.0 - q)), (q - y) / (q * (1.0 - q)) / q.size


def _bce_grad_logits(p, y):
    L, _ = bce(p, y)
    q = _clipped(p)
    return L, (q - y) / q.size


def _bce_only_positive(p, y):
    q = _clipped(p)
    return -np.mean(y * np.log(q)), -(y / q) / q.size


def _bce_unclipped(p, y):
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)), (p - y) / (p * (1.0 - p)) / p.size


def _one_hot(labels, K):
    Y = np.zeros((labels.size, K))
    Y[np.arange(labels.size), labels] = 1.0
    return Y


def _scaled(reference, loss_factor, grad_factor):
    """The reference with its loss and gradient multiplied by factors (numbers or functions of the input)."""
    def scaled(*args):
        L, grad = reference(*args)
        f, g = (c(args[0]) if callable(c) else c for c in (loss_factor, grad_factor))
        return L * f, grad * g
    return scaled


_bce_sign, _bce_sum = _scaled(bce, -1, -1), _scaled(bce, np.size, np.size)
_bce_per_sample = _scaled(bce, lambda p: p.size / len(p), lambda p: p.size / len(p))
_huber_per_sample = _scaled(huber, lambda p: p.size / len(p), lambda p: p.size / len(p))
_cce_grad_not_averaged = _scaled(cce_from_logits, 1, len)
_bce_grad_not_averaged = _scaled(bce, 1, np.size)
_cce_sum = _scaled(cce_from_logits, len, len)
_cce_all_entries = _scaled(cce_from_logits, lambda Z: 1 / Z.shape[1], lambda Z: 1 / Z.shape[1])
_cce_sign = _scaled(cce_from_logits, 1, -1)


def _cce_labels_as_targets(Z, labels):
    L, grad = cce_from_logits(Z, labels)
    n = Z.shape[0]
    P = grad * n + _one_hot(labels, Z.shape[1])
    return L, (P - labels[:, None]) / n


def _cce_columns(Z, labels):
    L, grad = cce_from_logits(Z, labels)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=1))
    return np.mean(log_sum[:, None] - shifted[:, labels]), grad


def _cce_no_targets(Z, labels):
    L, grad = cce_from_logits(Z, labels)
    return L, grad + _one_hot(labels, Z.shape[1]) / Z.shape[0]


def _cce_max_not_added_back(Z, labels):
    L, grad = cce_from_logits(Z, labels)
    return L - np.mean(Z.max(axis=1)), grad


def _cce_no_softmax(Z, labels):
    L, _ = cce_from_logits(Z, labels)
    return L, (Z - _one_hot(labels, Z.shape[1])) / Z.shape[0]


def _cce_log_of_softmax(Z, labels):
    n = Z.shape[0]
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = e / e.sum(axis=1, keepdims=True)
    return -np.mean(np.log(P[np.arange(n), labels])), (P - _one_hot(labels, Z.shape[1])) / n


def _cce_eye_max(Z, labels):
    L, grad = cce_from_logits(Z, labels)
    return L, grad + (_one_hot(labels, Z.shape[1]) - np.eye(labels.max() + 1)[labels]) / Z.shape[0]


def _swapped(reference):
    def swapped(*args):
        return reference(*args)[::-1]
    return swapped


def _cce_unshifted(Z, labels):
    n = Z.shape[0]
    e = np.exp(Z)
    P = e / e.sum(axis=1, keepdims=True)
    L = -np.mean(np.log(P[np.arange(n), labels]))
    return L, (P - _one_hot(labels, Z.shape[1])) / n


def _bce_sklearn_eps(p, y):
    q = _clipped(p, 1e-15)
    return -np.mean(y * np.log(q) + (1.0 - y) * np.log(1.0 - q)), (q - y) / (q * (1.0 - q)) / q.size


def _bce_nan_to_num(p, y):
    with np.errstate(all="ignore"):
        terms = np.nan_to_num(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
        grad = np.nan_to_num((p - y) / (p * (1.0 - p)))
        return -np.mean(terms), grad / p.size
