r"""Metrics: numbers that describe predictions, reported by :func:`nnlearn.training.fit` but not optimised.

Each metric takes ``(y_pred, y_true)`` as the network produces and the loss
expects them, plus ``logits`` telling whether ``y_pred`` holds raw scores
(``from_logits=True`` losses) or probabilities, and returns a float.

``"accuracy"``
    The fraction of correct class predictions.  One output column is a binary
    classifier: class 1 when :math:`p \ge 0.5` (or the score :math:`z \ge 0`);
    several columns pick the :math:`\arg\max`.  Targets may be 0/1 columns,
    one-hot rows or integer labels.
``"mse"``, ``"mae"``
    Mean squared and mean absolute error over all elements, for regression.
"""

import numpy as np

from ._validation import unknown_name

__all__ = ["accuracy", "mean_squared_error", "mean_absolute_error", "METRICS", "get"]


def accuracy(y_pred, y_true, *, logits=False):
    """Fraction of samples whose predicted class equals the target class."""
    y_pred, y_true = np.asarray(y_pred), np.asarray(y_true)
    if y_pred.ndim == 2 and y_pred.shape[1] > 1:
        predicted = y_pred.argmax(axis=1)
        target = y_true.argmax(axis=1) if y_true.ndim == 2 else y_true
    else:
        predicted = y_pred >= (0.0 if logits else 0.5)
        target = y_true >= 0.5
    return float(np.mean(predicted == target))


def mean_squared_error(y_pred, y_true, *, logits=False):
    """Mean of the squared differences over all elements."""
    r = np.asarray(y_pred) - np.asarray(y_true)
    return float(np.mean(r * r))


def mean_absolute_error(y_pred, y_true, *, logits=False):
    """Mean of the absolute differences over all elements."""
    return float(np.mean(np.abs(np.asarray(y_pred) - np.asarray(y_true))))


#: Name → function table used by :func:`get`.
METRICS = {"accuracy": accuracy, "mse": mean_squared_error, "mae": mean_absolute_error}


def get(name):
    """Return the metric called ``name`` (a callable ``(y_pred, y_true, *, logits)`` is returned as it is)."""
    if callable(name):
        return name
    if not isinstance(name, str):
        raise TypeError(f"`metrics` entries must be names or callables, got {type(name).__name__} {name!r}.")
    if name not in METRICS:
        raise unknown_name("metric", name, METRICS)
    return METRICS[name]
