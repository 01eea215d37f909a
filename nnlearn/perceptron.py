r"""Rosenblatt's perceptron: one neuron with a step activation and its learning rule.

The perceptron (Rosenblatt, 1958) computes

.. math:: z = w^\top x + b, \qquad \hat y = \mathrm{step}(z) =
          \begin{cases} 1 & z \ge 0 \\ 0 & z < 0 \end{cases}

and learns from its mistakes, one sample at a time:

.. math:: w \leftarrow w + \eta\,(y - \hat y)\,x, \qquad
          b \leftarrow b + \eta\,(y - \hat y).

When :math:`\hat y = y` nothing changes; a missed 1 adds :math:`\eta x` to
:math:`w`, a false 1 subtracts it.  The step has zero derivative wherever it
has one, so this rule is *not* gradient descent on a loss of
:math:`\hat y`; it is its own algorithm, with its own guarantee (see
:class:`Perceptron`).
"""

import math

import numpy as np

from . import activations
from ._validation import check_array, check_int, check_positive, check_rng

__all__ = ["Perceptron"]


class Perceptron:
    r"""A single perceptron trained with Rosenblatt's rule, for labels 0 and 1.

    Parameters
    ----------
    lr : float, default 1.0
        The learning rate :math:`\eta > 0`.  Because the weights start at zero,
        every :math:`w` and :math:`b` the rule produces is :math:`\eta` times
        the one it produces with :math:`\eta = 1`, so the predictions, the
        mistakes and the number of epochs do not depend on ``lr`` at all.
    max_epochs : int, default 100
        The most passes over the training data.
    rng : None, int or numpy.random.Generator
        Randomness for the order in which each epoch visits the samples.  An
        int seed gives the same order, hence the same weights, on every call
        of ``fit``; a Generator is drawn from and advances.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The weights :math:`w`.
    intercept_ : float
        The bias :math:`b`.
    errors_ : ndarray of int64, shape (n_epochs_,)
        Misclassified samples in each epoch.  Every mistake triggers exactly
        one update, so ``errors_.sum()`` is the total number of updates.
    n_epochs_ : int
        Number of epochs run.
    converged_ : bool
        True if the last epoch made no mistake (training stopped there); False
        if ``max_epochs`` ran out first.

    Notes
    -----
    ``fit`` starts from :math:`w = 0`, :math:`b = 0`.  Each epoch visits the
    samples once, in a fresh random order drawn from ``rng``; for each sample
    :math:`(x, y)` it predicts :math:`\hat y = \mathrm{step}(w^\top x + b)`
    with the current weights (:math:`\mathrm{step}(0) = 1`) and applies

    .. math:: w \leftarrow w + \eta\,(y - \hat y)\,x, \qquad
              b \leftarrow b + \eta\,(y - \hat y).

    Training stops after the first epoch without a mistake, or after
    ``max_epochs``.

    **Convergence theorem** (Rosenblatt, 1962; Novikoff, 1962).  Write
    :math:`s_i = 2y_i - 1 \in \{-1, +1\}` and
    :math:`\tilde x_i = (x_i, 1)` (the input with a constant 1 for the bias).
    If the data are linearly separable with margin :math:`\gamma > 0`, that
    is, some unit vector :math:`u` satisfies
    :math:`s_i\, u^\top \tilde x_i \ge \gamma` for every :math:`i`, and
    :math:`\lVert \tilde x_i\rVert \le R` for every :math:`i`, then the rule,
    started from :math:`w = 0, b = 0`, makes at most :math:`(R/\gamma)^2`
    updates in total, whatever the order of the samples and the learning
    rate; so it converges.  If the data are not linearly separable (XOR), no
    epoch is ever free of mistakes and the rule never settles:
    ``converged_`` stays False.

    The weights may also be set by hand, as in the course notes' example:

    >>> p = Perceptron()
    >>> p.coef_, p.intercept_ = np.array([0.5, 0.8]), -1.0
    >>> # z = 0.5*1 + 0.8*1 - 1 and 0.5*1 + 0.8*0.5 - 1:
    >>> p.decision_function([[1.0, 1.0], [1.0, 0.5]])
    array([ 0.3, -0.1])
    >>> p.predict([[1.0, 1.0], [1.0, 0.5]])
    array([1, 0])

    Examples
    --------
    >>> from nnlearn.datasets import logic_gate
    >>> X, y = logic_gate("and")
    >>> p = Perceptron(rng=0).fit(X, y)
    >>> p.converged_, p.predict(X)
    (True, array([0, 0, 0, 1]))
    """

    def __init__(self, lr=1.0, max_epochs=100, rng=None):
        self.lr = check_positive(lr, "lr")
        self.max_epochs = check_int(max_epochs, "max_epochs", minimum=1)
        check_rng(rng)  # reject a bad rng now rather than at fit time
        self.rng = rng
        self._step = activations.get("step")

    def fit(self, X, y):
        """Learn ``coef_`` and ``intercept_`` from the data with Rosenblatt's rule.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Finite real inputs.
        y : array_like of shape (n_samples,)
            Labels, only 0 and 1 (ints, floats or booleans).

        Returns
        -------
        self : Perceptron
        """
        X = check_array(X, "X", ndim=2)
        if X.shape[0] == 0:
            raise ValueError("`X` must hold at least one sample to learn from, got "
                             f"shape {X.shape}.")
        y = self._check_targets(y, X.shape[0]).astype(np.float64)
        rng = check_rng(self.rng)
        w = np.zeros(X.shape[1])
        errors = []
        # an overflow is reported below, clearly
        with np.errstate(over="ignore", invalid="ignore"):
            b = self._run(X, y, w, errors, rng)
        if not (np.isfinite(w).all() and math.isfinite(b)):
            raise _overflow_error(X, None, self.lr)
        self.coef_, self.intercept_ = w, float(b)
        self.errors_ = np.array(errors, dtype=np.int64)
        self.n_epochs_ = len(errors)
        self.converged_ = errors[-1] == 0
        return self

    def _run(self, X, y, w, errors, rng):
        """Rosenblatt's rule on ``w`` (in place); returns ``b``.

        Appends each epoch's number of mistakes to ``errors``.
        """
        b = 0.0
        for _ in range(self.max_epochs):
            mistakes = 0
            for i in rng.permutation(X.shape[0]):
                z = float(X[i] @ w + b)
                if not math.isfinite(z):
                    raise _overflow_error(X, z, self.lr)
                y_hat = 1.0 if z >= 0.0 else 0.0  # step(z), with step(0) = 1
                if y_hat != y[i]:
                    w += self.lr * (y[i] - y_hat) * X[i]
                    b += self.lr * (y[i] - y_hat)
                    mistakes += 1
            errors.append(mistakes)
            if mistakes == 0:
                break
        return b

    def decision_function(self, X):
        """Return :math:`z = Xw + b`, an array of shape ``(n_samples,)``.

        :math:`z \\ge 0` means class 1.
        """
        X = self._check_input(X)
        with np.errstate(over="ignore", invalid="ignore"):
            z = X @ np.asarray(self.coef_, dtype=np.float64) + self.intercept_
        if not np.isfinite(z).all():
            n_bad = int(np.count_nonzero(~np.isfinite(z)))
            raise ValueError("`X` is too large for these weights: w·x + b overflows "
                             f"float64 for {n_bad} sample(s) (largest |x| is "
                             f"{float(np.abs(X).max()):.3g}). Hint: scale X as the "
                             "training data were scaled.")
        return z

    def predict(self, X):
        """Return the predicted labels :math:`\\mathrm{step}(Xw + b)`, int64 0/1 of
        shape ``(n_samples,)``."""
        return self._step(self.decision_function(X)).astype(np.int64)

    def score(self, X, y):
        """Return the accuracy: the fraction of samples of ``X`` whose prediction equals
        ``y`` (0/1)."""
        X = self._check_input(X)
        y = self._check_targets(y, X.shape[0])
        return float(np.mean(self.predict(X) == y))

    def _check_input(self, X):
        if not hasattr(self, "coef_"):
            raise RuntimeError("This Perceptron is not fitted yet: call fit(X, y) "
                               "first (or set coef_ and intercept_ by hand).")
        X = check_array(X, "X", ndim=2)
        n_features = np.shape(self.coef_)[0]
        if X.shape[1] != n_features:
            msg = (f"`X` must have {n_features} features (columns), as in fit, got X "
                   f"of shape {X.shape}.")
            if X.shape[0] == n_features:
                msg += " It looks transposed: pass X.T, with one row per sample."
            raise ValueError(msg)
        return X

    @staticmethod
    def _check_targets(y, n_samples):
        y = check_array(y, "y", allow_int=True)
        if y.ndim != 1:
            msg = ("`y` must be a 1-D array of 0/1 labels of shape (n_samples,), got "
                   f"shape {y.shape}.")
            if y.ndim == 2 and y.shape[1] == 1:
                msg += " Use y.ravel() for a single column of labels."
            raise ValueError(msg)
        if y.shape[0] != n_samples:
            raise ValueError("`X` and `y` must have the same number of samples, got "
                             f"{n_samples} rows in X and {y.shape[0]} labels in y.")
        bad = (y != 0) & (y != 1)
        if bad.any():
            values = np.unique(y[bad])
            msg = ("`y` must hold only the labels 0 and 1, got also "
                   f"{values[:5].tolist()}.")
            if set(np.unique(y).tolist()) == {-1.0, 1.0}:
                msg += " For -1/+1 labels pass (y > 0).astype(int)."
            raise ValueError(msg)
        return y

    def __repr__(self):
        return f"Perceptron(lr={self.lr}, max_epochs={self.max_epochs})"


def _overflow_error(X, z, lr):
    """The error for a run whose weights or decision value ``w·x + b`` overflowed."""
    what = "the weights" if z is None else f"the decision value w·x + b (= {z})"
    if lr > 1e100:
        return ValueError(f"`lr` must be a moderate positive number, got {lr!r}: "
                          f"{what} overflowed float64 during fit. Hint: use lr=1.0; "
                          "the perceptron's predictions do not depend on lr.")
    return ValueError(
        f"`X` is too large to learn from: {what} overflowed float64 during fit "
        f"(largest |x| is {float(np.abs(X).max()):.3g}; every update adds lr·x to w, "
        "so w·x grows like |x|²). Hint: rescale the features first, e.g. "
        "X / np.abs(X).max() or sklearn.preprocessing.StandardScaler, or lower "
        "`lr` if it is huge.")
