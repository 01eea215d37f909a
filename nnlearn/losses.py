r"""Loss functions with their gradients.

A loss compares predictions :math:`\hat y` (``y_pred``, shape
``(n_samples, n_outputs)`` or ``(n_samples,)``) with targets :math:`y`
(``y_true``) and returns one number.  Each loss is an object with

* ``loss(y_pred, y_true)`` → float, the value :math:`L`;
* ``loss.gradient(y_pred, y_true)`` → :math:`\partial L/\partial \hat y`, shaped like
  ``y_pred``.

Reductions follow PyTorch's defaults: the mean over *all elements* for
``"mse"``, ``"mae"``, ``"huber"`` and ``"bce"``, the mean over *samples* for
``"cce"``.  The cross-entropies take probabilities by default (like
``torch.nn.BCELoss`` and ``NLLLoss`` on :math:`\log p`); with
``from_logits=True`` they take raw scores and apply the sigmoid or softmax
themselves, stably (like ``BCEWithLogitsLoss`` and ``CrossEntropyLoss``).
Both take class weights for imbalanced data as PyTorch does: ``pos_weight`` for
``"bce"``, ``weight`` (one per class) for ``"cce"``.

Look a loss up with :func:`get`; :data:`LOSSES` maps names to classes.
"""

import numpy as np

from . import _loss_weights as weights
from ._validation import check_array, check_positive, from_table, shape_hint
from .activations import _log_softmax as log_softmax
from .activations import _sigmoid as sigmoid
from .activations import _softmax as softmax

__all__ = ["Loss", "MSE", "MAE", "Huber", "BinaryCrossEntropy",
           "CategoricalCrossEntropy", "LOSSES", "get"]


class Loss:
    """Base class.  Subclasses implement ``_value`` and ``_gradient`` on checked arrays.

    The public ``__call__`` and ``gradient`` check their inputs (finite numbers,
    matching shapes, valid labels) and then call the unchecked ``_value`` and
    ``_gradient``, which the training loop uses directly on arrays it has
    already checked.
    """

    name = "loss"

    def __call__(self, y_pred, y_true):
        """Return the loss :math:`L(\\hat y, y)` as a Python float."""
        y_pred, y_true = self._check(y_pred, y_true)
        _check_not_empty(y_pred, y_true)
        # logits ~1e308: z - max(z) overflows to -inf (right)
        with np.errstate(over="ignore", invalid="ignore"):
            value = float(self._value(y_pred, y_true))
        if not np.isfinite(value):
            raise _overflow_error("the loss", value, y_pred, y_true)
        return value

    def gradient(self, y_pred, y_true):
        """Return :math:`\\partial L/\\partial \\hat y`, shaped like ``y_pred``."""
        y_pred, y_true = self._check(y_pred, y_true)
        _check_not_empty(y_pred, y_true)
        with np.errstate(over="ignore", invalid="ignore"):
            grad = self._gradient(y_pred, y_true)
        if not np.isfinite(grad).all():
            raise _overflow_error("the gradient", "inf or NaN", y_pred, y_true)
        return grad

    def _value(self, y_pred, y_true):
        raise NotImplementedError

    def _gradient(self, y_pred, y_true):
        raise NotImplementedError

    def _check(self, y_pred, y_true):
        y_pred = check_array(y_pred, "y_pred")
        y_true = check_array(y_true, "y_true", dtype=y_pred.dtype)
        _check_same_shape(y_pred, y_true)
        return y_pred, y_true

    def __repr__(self):
        return f"{type(self).__name__}()"


def _check_not_empty(y_pred, y_true):
    """An empty batch has no mean: refuse it instead of returning NaN with a warning."""
    for name, arr in (("y_pred", y_pred), ("y_true", y_true)):
        if arr.size == 0:
            raise ValueError(f"`{name}` must hold at least one value, got an empty "
                             f"array of shape {arr.shape}. Hint: a loss is a mean over "
                             "samples; check the slicing or filtering that produced "
                             "the empty batch.")


def _overflow_error(what, value, y_pred, y_true):
    """The error for a loss or gradient that overflowed though its inputs are finite."""
    return ValueError(f"`y_pred` and `y_true` must be small enough for {what} to be "
                      f"finite in {y_pred.dtype}, got {what} = {value} (largest "
                      f"|y_pred| {np.abs(y_pred).max():.3g}, largest |y_true| "
                      f"{np.abs(y_true).max():.3g}). Hint: if `y_pred` comes from a "
                      "model being trained, its weights have probably diverged "
                      "(lower the learning rate or clip the gradients); otherwise "
                      "scale the data (e.g. standardise the targets, rescale the "
                      "inputs) so that values stay far below the float range (about "
                      f"{np.finfo(y_pred.dtype).max:.0e} in {y_pred.dtype}).")


def _check_from_logits(from_logits):
    if not isinstance(from_logits, (bool, np.bool_)):
        raise TypeError("`from_logits` must be True or False, got "
                        f"{type(from_logits).__name__} {from_logits!r}.")
    return bool(from_logits)


def _check_same_shape(y_pred, y_true):
    if y_pred.shape != y_true.shape:
        raise ValueError("`y_pred` and `y_true` must have the same shape, got y_pred "
                         f"{y_pred.shape} and y_true {y_true.shape}."
                         f"{shape_hint(y_pred, y_true)}")


class MSE(Loss):
    r"""Mean squared error :math:`L = \frac1N \sum_i (\hat y_i - y_i)^2` over all
    :math:`N` elements.

    Gradient :math:`\partial L/\partial \hat y_i = \frac{2}{N}(\hat y_i - y_i)`.
    Equals ``torch.nn.MSELoss()``.
    """

    name = "mse"

    def _value(self, y_pred, y_true):
        r = y_pred - y_true
        return np.mean(r * r)

    def _gradient(self, y_pred, y_true):
        return (2.0 / y_pred.size) * (y_pred - y_true)


class MAE(Loss):
    r"""Mean absolute error :math:`L = \frac1N \sum_i |\hat y_i - y_i|`.

    Gradient :math:`\frac1N \operatorname{sign}(\hat y_i - y_i)`, with
    :math:`\operatorname{sign}(0) = 0` as in ``torch.nn.L1Loss()``.
    """

    name = "mae"

    def _value(self, y_pred, y_true):
        return np.mean(np.abs(y_pred - y_true))

    def _gradient(self, y_pred, y_true):
        return np.sign(y_pred - y_true) / y_pred.size


class Huber(Loss):
    r"""Huber loss: quadratic for small residuals, linear for large ones.

    With :math:`r = \hat y - y`,

    .. math:: \ell_\delta(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
              \delta\,(|r| - \tfrac12\delta) & |r| > \delta \end{cases},
              \qquad L = \frac1N\sum_i \ell_\delta(r_i),

    and :math:`\ell_\delta'(r) = r` for :math:`|r| \le \delta`, else
    :math:`\delta\,\operatorname{sign}(r)`: the gradient of an outlier is capped
    at :math:`\delta`.  Equals ``torch.nn.HuberLoss(delta=delta)``.

    Parameters
    ----------
    delta : float, default 1.0
        Where the quadratic part turns linear; must be positive.
    """

    name = "huber"

    def __init__(self, delta=1.0):
        self.delta = check_positive(delta, "delta")

    def _value(self, y_pred, y_true):
        r = np.abs(y_pred - y_true)
        d = self.delta
        return np.mean(np.where(r <= d, 0.5 * r * r, d * (r - 0.5 * d)))

    def _gradient(self, y_pred, y_true):
        return np.clip(y_pred - y_true, -self.delta, self.delta) / y_pred.size

    def __repr__(self):
        return f"Huber(delta={self.delta})"


class BinaryCrossEntropy(Loss):
    r"""Binary cross-entropy, the negative log-likelihood of Bernoulli targets.

    With probabilities :math:`p = \hat y` and targets :math:`y \in [0, 1]`,

    .. math:: L = -\frac1N \sum_i \big[y_i \log p_i + (1 - y_i)\log(1 - p_i)\big],
              \qquad \frac{\partial L}{\partial p_i}
              = \frac1N\,\frac{p_i - y_i}{p_i(1 - p_i)}.

    Probabilities are clipped to :math:`[\epsilon, 1 - \epsilon]` with
    :math:`\epsilon` the machine epsilon of the dtype, so :math:`\log 0` never
    occurs.  With ``from_logits=True`` the input is a score :math:`z` and
    :math:`p = \sigma(z)`; then

    .. math:: L = \frac1N\sum_i \big[\max(z_i, 0) - z_i y_i + \log(1 + e^{-|z_i|})\big],
              \qquad \frac{\partial L}{\partial z_i} = \frac1N(\sigma(z_i) - y_i),

    which is exact for any :math:`z`.  Equals ``torch.nn.BCELoss()`` /
    ``BCEWithLogitsLoss()`` (away from :math:`p \in \{0, 1\}`, where the
    clipping differs).

    With a weight :math:`w` for the positives (``pos_weight``) the loss term of a
    positive target is multiplied by :math:`w`, still averaged over the :math:`N`
    elements:

    .. math:: L = -\frac1N \sum_i \big[w\,y_i \log p_i + (1 - y_i)\log(1 - p_i)\big],
              \qquad \frac{\partial L}{\partial z_i}
              = \frac1N\big(\sigma(z_i)\,(w y_i + 1 - y_i) - w y_i\big),

    exactly ``torch.nn.BCEWithLogitsLoss(pos_weight=w)`` (from logits, with
    :math:`\log p = -\operatorname{softplus}(-z)`), and
    :math:`\partial L/\partial p_i = \frac1N\big(\frac{1 - y_i}{1 - p_i}
    - \frac{w y_i}{p_i}\big)` for probabilities.  The usual choice is
    :math:`w = n_{\text{neg}}/n_{\text{pos}}`, the ratio of negatives to positives
    in the training set, which gives both classes the same total weight.

    Parameters
    ----------
    from_logits : bool, default False
        Take raw scores :math:`z` and apply the sigmoid inside the loss.
    pos_weight : float or array of shape (n_outputs,), optional
        Non-negative weight of the positive targets, one number or one per output
        column (then ``y_pred`` must have shape ``(n_samples, n_outputs)``).  None
        (default) is the unweighted loss; 1 gives the same value.
    """

    name = "bce"

    def __init__(self, from_logits=False, pos_weight=None):
        self.from_logits = _check_from_logits(from_logits)
        self.pos_weight = weights.check_weights(pos_weight, "pos_weight",
                                                vector_only=False)

    def _check(self, y_pred, y_true):
        y_pred, y_true = super()._check(y_pred, y_true)
        if y_true.size and (y_true.min() < 0 or y_true.max() > 1):
            raise ValueError("`y_true` must hold targets in [0, 1] for binary "
                             f"cross-entropy, got values from {y_true.min()} to "
                             f"{y_true.max()}. For class labels 0/1 pass them as "
                             "floats; for more classes use 'cce'.")
        if (not self.from_logits and y_pred.size
                and (y_pred.min() < 0 or y_pred.max() > 1)):
            raise ValueError("`y_pred` must hold probabilities in [0, 1], got values "
                             f"from {y_pred.min()} to {y_pred.max()}. If these are raw "
                             "scores, use get('bce', from_logits=True).")
        if self.pos_weight is not None:
            weights.check_pos_weight_fits(self.pos_weight, y_pred)
        return y_pred, y_true

    def _value(self, y_pred, y_true):
        if self.pos_weight is not None:
            return weights.bce_value(y_pred, y_true, self.pos_weight, self.from_logits)
        if self.from_logits:
            z = y_pred
            return np.mean(np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z))))
        eps = np.finfo(y_pred.dtype).eps
        p = np.clip(y_pred, eps, 1 - eps)
        return -np.mean(y_true * np.log(p) + (1 - y_true) * np.log1p(-p))

    def _gradient(self, y_pred, y_true):
        if self.pos_weight is not None:
            return weights.bce_gradient(y_pred, y_true, self.pos_weight,
                                        self.from_logits)
        if self.from_logits:
            return (sigmoid(y_pred) - y_true) / y_pred.size
        eps = np.finfo(y_pred.dtype).eps
        p = np.clip(y_pred, eps, 1 - eps)
        return (p - y_true) / (p * (1 - p) * y_pred.size)

    def __repr__(self):
        extra = ("" if self.pos_weight is None
                 else f", pos_weight={weights.show(self.pos_weight)}")
        return f"BinaryCrossEntropy(from_logits={self.from_logits}{extra})"


class CategoricalCrossEntropy(Loss):
    r"""Categorical cross-entropy for :math:`K` classes, averaged over the :math:`n`
    samples.

    Targets are one-hot (or any probability) rows :math:`y` of shape
    ``(n_samples, K)``, or integer labels of shape ``(n_samples,)``.  With
    probabilities :math:`p = \hat y`,

    .. math:: L = -\frac1n \sum_{i=1}^n \sum_{k=1}^K y_{ik}\log p_{ik},
              \qquad \frac{\partial L}{\partial p_{ik}}
              = -\frac1n\,\frac{y_{ik}}{p_{ik}}

    (``torch.nn.NLLLoss`` on :math:`\log p`).  With ``from_logits=True`` the
    input is a score matrix :math:`z`, :math:`\log p = z - \log\sum_k e^{z_k}`
    (log-sum-exp, stable) and

    .. math:: \frac{\partial L}{\partial z_{ik}}
              = \frac1n\Big(p_{ik}\sum_j y_{ij} - y_{ik}\Big)
              = \frac1n(p_{ik} - y_{ik}) \text{ for one-hot } y,

    exactly ``torch.nn.CrossEntropyLoss()``.

    With class weights :math:`w_k` (``weight``), as in
    ``torch.nn.CrossEntropyLoss(weight=w)``, the mean depends on the targets' form.
    For integer labels :math:`t_i` it is the weighted mean

    .. math:: L = -\frac{\sum_i w_{t_i} \log p_{i t_i}}{\sum_i w_{t_i}},
              \qquad \frac{\partial L}{\partial z_{ik}}
              = \frac{w_{t_i}\,(p_{ik} - [k = t_i])}{\sum_j w_{t_j}},

    which divides by the sum of the weights of the samples' classes, so scaling all
    weights by :math:`c` leaves it unchanged.  For one-hot or probability rows
    it follows torch's definition for probability targets, which divides by
    :math:`n` (so one-hot rows and the same labels give different values unless
    the weights are all 1):

    .. math:: L = -\frac1n \sum_i \sum_k w_k\,y_{ik}\log p_{ik},
              \qquad \frac{\partial L}{\partial z_{ik}}
              = \frac1n\Big(p_{ik}\sum_j w_j y_{ij} - w_k y_{ik}\Big).

    For probabilities (``from_logits=False``) :math:`\partial L/\partial p_{ik}` is
    the weight of the term times :math:`-1/p_{ik}` over the same denominator.

    Parameters
    ----------
    from_logits : bool, default False
        Take raw scores :math:`z` of shape ``(n_samples, K)`` and apply the softmax
        inside the loss.
    weight : array of shape (K,), optional
        Non-negative weight of each class, in class order; checked against the
        :math:`K` columns of ``y_pred`` at each call.  None (default) is the
        unweighted loss; weights of 1 give the same value.  A common choice is
        :math:`n / (K\,n_k)` for a class of :math:`n_k` examples.
    """

    name = "cce"

    def __init__(self, from_logits=False, weight=None):
        self.from_logits = _check_from_logits(from_logits)
        self.weight = weights.check_weights(weight, "weight", vector_only=True)

    def _check(self, y_pred, y_true):
        y_pred = check_array(y_pred, "y_pred", ndim=2)
        y_true = check_array(y_true, "y_true", allow_int=True)
        n, k = y_pred.shape
        if self.weight is not None:
            weights.check_weight_fits(self.weight, k)
        if y_true.ndim == 1:
            if y_true.shape[0] != n:
                raise ValueError(f"`y_true` holds {y_true.shape[0]} labels but "
                                 f"`y_pred` has {n} rows; they must match (y_pred "
                                 f"{y_pred.shape}, y_true {y_true.shape}).")
            if not np.issubdtype(y_true.dtype, np.integer):
                if not np.all(y_true == np.round(y_true)):
                    raise ValueError("`y_true` of shape (n_samples,) must hold integer "
                                     "class labels, got non-integer values. For "
                                     "probabilities pass rows of shape "
                                     "(n_samples, n_classes).")
                y_true = y_true.astype(np.int64)
            if y_true.size and (y_true.min() < 0 or y_true.max() >= k):
                raise ValueError(f"`y_true` labels must lie in [0, {k - 1}] for {k} "
                                 f"classes, got labels from {y_true.min()} to "
                                 f"{y_true.max()}. Check that y_pred has one column "
                                 "per class and that labels start at 0.")
            if self.weight is not None:
                # labels stay labels: their weighted mean divides by sum(w[labels])
                weights.check_label_weights(self.weight, y_true)
                y_true = y_true.astype(np.int64, copy=False)
            else:
                y_true = _one_hot(y_true, k, y_pred.dtype)
        else:
            y_true = y_true.astype(y_pred.dtype, copy=False)
            _check_same_shape(y_pred, y_true)
            if y_true.size and y_true.min() < 0:
                raise ValueError("`y_true` must be one-hot or probability rows "
                                 f"(non-negative), got a minimum of {y_true.min()}.")
        if (not self.from_logits and y_pred.size
                and (y_pred.min() < 0 or y_pred.max() > 1)):
            raise ValueError("`y_pred` must hold probabilities in [0, 1], got values "
                             f"from {y_pred.min()} to {y_pred.max()}. If these are raw "
                             "scores, use get('cce', from_logits=True).")
        return y_pred, y_true

    def _value(self, y_pred, y_true):
        if self.weight is not None:
            return weights.cce_value(y_pred, y_true, self.weight, self.from_logits)
        n = y_pred.shape[0]
        if self.from_logits:
            value = -np.sum(y_true * log_softmax(y_pred)) / n
            # NaN: some log p = -inf (logits ~1e308 apart) met a target of 0
            if value != value:
                log_p = log_softmax(y_pred)
                # 0 * log p = 0 for the classes a target does not hold (torch's
                # true-class term); + 0.0: no -0.0
                value = -np.sum(np.where(y_true != 0, y_true * log_p, 0.0)) / n + 0.0
            return value
        p = np.maximum(y_pred, np.finfo(y_pred.dtype).tiny)
        return -np.sum(y_true * np.log(p)) / n

    def _gradient(self, y_pred, y_true):
        if self.weight is not None:
            return weights.cce_gradient(y_pred, y_true, self.weight, self.from_logits)
        n = y_pred.shape[0]
        if self.from_logits:
            return (softmax(y_pred) * y_true.sum(axis=1, keepdims=True) - y_true) / n
        p = np.maximum(y_pred, np.finfo(y_pred.dtype).tiny)
        return -y_true / (p * n)

    def __repr__(self):
        extra = "" if self.weight is None else f", weight={weights.show(self.weight)}"
        return f"CategoricalCrossEntropy(from_logits={self.from_logits}{extra})"


def _one_hot(labels, n_classes, dtype):
    out = np.zeros((labels.shape[0], n_classes), dtype=dtype)
    out[np.arange(labels.shape[0]), labels] = 1
    return out


#: Name → class table used by :func:`get`; add an entry to register a new loss.
LOSSES = {cls.name: cls
          for cls in (MSE, MAE, Huber, BinaryCrossEntropy, CategoricalCrossEntropy)}


def get(name, **options):
    """Return the loss called ``name``.

    Options (``delta``, ``from_logits``, ``pos_weight``, ``weight``) go to its
    constructor.

    Parameters
    ----------
    name : str or Loss
        One of ``"mse"``, ``"mae"``, ``"huber"``, ``"bce"``, ``"cce"``; a ``Loss``
        object is returned as it is.

    Examples
    --------
    >>> get("huber", delta=0.5)(np.array([[3.0]]), np.array([[0.0]]))
    1.375
    """
    return _get(name, "name", **options)


def _get(value, argname, **options):
    """:func:`get` for an argument the user called ``argname`` (e.g. ``loss`` in
    ``fit``)."""
    hint = f"use one of {sorted(LOSSES)}, e.g. {argname}='mse'."
    return from_table(value, argname, LOSSES, Loss, "a loss", options, hint)
