r"""Class weights for the cross-entropy losses (private helpers of
:mod:`nnlearn.losses`).

``pos_weight`` of :class:`~nnlearn.losses.BinaryCrossEntropy` and ``weight`` of
:class:`~nnlearn.losses.CategoricalCrossEntropy` follow PyTorch's
``BCEWithLogitsLoss(pos_weight=...)`` and ``CrossEntropyLoss(weight=...)``.  This
module checks them and computes the weighted values and gradients; the loss classes
call it only when a weight was given, so unweighted losses keep their exact numbers.
"""

import numpy as np

from .activations import _log_softmax as log_softmax
from .activations import _sigmoid as sigmoid
from .activations import _softmax as softmax


def check_weights(value, name, *, vector_only):
    """``value`` as a float64 array of finite non-negative weights (0-D for a scalar
    ``pos_weight``, 1-D for a vector), or None; a clear error otherwise."""
    if value is None:
        return None
    what = ("a 1-D array of one non-negative weight per class, e.g. "
            f"{name}=[1.0, 4.0]") if vector_only else (
            "a non-negative number, or a 1-D array of one per output column, e.g. "
            f"{name}=19.0")
    if isinstance(value, (str, bytes, bool, np.bool_)):
        raise TypeError(f"`{name}` must be {what}, got {type(value).__name__} "
                        f"{value!r}.")
    try:
        arr = np.asarray(value)
    except Exception:  # ragged lists and the like
        raise TypeError(f"`{name}` must be {what}, got a {type(value).__name__} that "
                        "numpy cannot convert.") from None
    if arr.dtype.kind not in "iuf":  # bool, complex, strings, objects
        raise TypeError(f"`{name}` must be {what}, got an array of dtype {arr.dtype}. "
                        "Hint: pass real numbers, e.g. n_negative / n_positive.")
    arr = arr.astype(np.float64)
    if arr.ndim != 1 and (vector_only or arr.ndim != 0):
        raise ValueError(f"`{name}` must be {what}, got an array of shape "
                         f"{arr.shape}. Hint: "
                         + ("one weight per class, in class order 0, 1, ..."
                            if vector_only else "one number, or one per column."))
    if arr.size == 0:
        raise ValueError(f"`{name}` must be {what}, got an empty array.")
    if not np.isfinite(arr).all():
        raise ValueError(f"`{name}` must hold finite weights, got {show(arr)}. "
                         "Hint: a class with no training examples gives n / 0 = inf; "
                         "drop that class or give it a finite weight.")
    if (arr < 0).any():
        raise ValueError(f"`{name}` must hold non-negative weights, got {show(arr)}. "
                         "Hint: a weight multiplies a loss term; use a value between "
                         "0 (ignore) and n_negative / n_positive or so.")
    if not (arr > 0).any():
        raise ValueError(f"`{name}` must hold at least one positive weight, got "
                         f"{show(arr)}. Hint: with every weight 0 nothing is learnt; "
                         f"leave {name}=None for the unweighted loss.")
    return arr


def show(arr):
    """The weights as the constructor's argument would be written (for ``repr``)."""
    return repr(float(arr)) if arr.ndim == 0 else repr(arr.tolist())


def check_pos_weight_fits(pos_weight, y_pred):
    """A vector ``pos_weight`` needs one entry per column of ``y_pred``."""
    if pos_weight.ndim == 0:
        return
    cols = y_pred.shape[1] if y_pred.ndim == 2 else None
    if cols != pos_weight.shape[0]:
        got = f"{cols} columns" if cols is not None else f"shape {y_pred.shape}"
        raise ValueError(f"`pos_weight` holds {pos_weight.shape[0]} weights, one per "
                         "output column, so `y_pred` must have shape (n_samples, "
                         f"{pos_weight.shape[0]}), got {got}. Hint: pass one weight "
                         "per column, or a single number for all of them.")


def check_weight_fits(weight, n_classes):
    """``weight`` needs one entry per class (column of ``y_pred``)."""
    if weight.shape[0] != n_classes:
        raise ValueError(f"`weight` must hold one weight per class, {n_classes} for "
                         f"the {n_classes} columns of `y_pred`, got {weight.shape[0]} "
                         f"weights {show(weight)}. Hint: list the weights in class "
                         "order 0, 1, ..., e.g. n_samples / (n_classes * count) per "
                         "class.")


def check_label_weights(weight, labels):
    """The mean over labels divides by the sum of their weights; it must not be 0."""
    if labels.size and not weight[labels].sum() > 0:
        raise ValueError("`y_true` holds only classes whose `weight` is 0, got labels "
                         f"{sorted(set(labels.tolist()))[:10]} with weight "
                         f"{show(weight)}: the weighted mean divides by the sum of "
                         "their weights, 0. Hint: give these classes a positive "
                         "weight, or leave them out of the batch.")


# -- binary cross-entropy with pos_weight ---------------------------------------------


def bce_value(y_pred, y_true, pos_weight, from_logits):
    w = pos_weight.astype(y_pred.dtype)
    if from_logits:
        z = y_pred
        softplus = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))  # -log(1 - p)
        return np.mean(w * y_true * (softplus - z) + (1 - y_true) * softplus)
    eps = np.finfo(y_pred.dtype).eps
    p = np.clip(y_pred, eps, 1 - eps)
    return -np.mean(w * y_true * np.log(p) + (1 - y_true) * np.log1p(-p))


def bce_gradient(y_pred, y_true, pos_weight, from_logits):
    w = pos_weight.astype(y_pred.dtype)
    if from_logits:
        return (sigmoid(y_pred) * (w * y_true + 1 - y_true) - w * y_true) / y_pred.size
    eps = np.finfo(y_pred.dtype).eps
    p = np.clip(y_pred, eps, 1 - eps)
    return ((1 - y_true) / (1 - p) - w * y_true / p) / y_pred.size


# -- categorical cross-entropy with class weights --------------------------------------


def _log_p(y_pred, from_logits):
    if from_logits:
        return log_softmax(y_pred)
    return np.log(np.maximum(y_pred, np.finfo(y_pred.dtype).tiny))


def cce_value(y_pred, y_true, weight, from_logits):
    w = weight.astype(y_pred.dtype)
    log_p = _log_p(y_pred, from_logits)
    if y_true.ndim == 1:  # labels: mean weighted by the weights of the labels' classes
        rows = np.arange(y_true.shape[0])
        w_i = w[y_true]
        return -np.sum(w_i * log_p[rows, y_true]) / np.sum(w_i)
    wy = y_true * w
    # 0 * log p = 0 for classes a row does not hold (log p = -inf far out)
    return -np.sum(np.where(wy != 0, wy * log_p, 0.0)) / y_pred.shape[0] + 0.0


def cce_gradient(y_pred, y_true, weight, from_logits):
    w = weight.astype(y_pred.dtype)
    n = y_pred.shape[0]
    if y_true.ndim == 1:
        rows = np.arange(n)
        w_i = w[y_true]
        total = np.sum(w_i)
        if from_logits:
            grad = softmax(y_pred) * w_i[:, None]
            grad[rows, y_true] -= w_i
            return grad / total
        grad = np.zeros_like(y_pred)
        p = np.maximum(y_pred[rows, y_true], np.finfo(y_pred.dtype).tiny)
        grad[rows, y_true] = -w_i / (p * total)
        return grad
    wy = y_true * w
    if from_logits:
        return (softmax(y_pred) * wy.sum(axis=1, keepdims=True) - wy) / n
    return -wy / (np.maximum(y_pred, np.finfo(y_pred.dtype).tiny) * n)
