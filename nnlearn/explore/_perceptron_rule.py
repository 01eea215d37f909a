r"""The perceptron explorer's data and its record of Rosenblatt's rule, no figure.

Part of :mod:`nnlearn.explore.perceptron` (which re-exports the public names here):
the data sets of :class:`~nnlearn.explore.perceptron.PerceptronExplorer`
(:func:`explorer_data`) and :func:`perceptron_trace`, which runs the rule sample by
sample and records every visit's weights; numpy and nnlearn only.
"""

import numpy as np

from .. import activations
from .._validation import (
    check_array,
    check_choice,
    check_int,
    check_positive,
    check_real,
    check_rng,
)
from ..datasets import fruit, logic_gate
from ..labels import check_labels

__all__ = ["perceptron_trace", "explorer_data", "DATASETS", "FRUIT_ARGS", "MAX_VISITS"]

#: The data sets the explorer offers.
DATASETS = ("and", "or", "xor", "fruit")

#: The most sample visits the explorer computes (about 500 epochs of the fruit data).
MAX_VISITS = 20000

#: The fruit data of the explorer, linearly separable, 20 apples and 20 oranges.
FRUIT_ARGS = {"n_samples": 40, "noise": 0.25, "separable": True, "margin": 0.05,
              "rng": 0}


def explorer_data(name):
    """Return the explorer's data set ``(X, y)``:
    a logic gate's truth table or the fruit.

    Parameters
    ----------
    name : str
        ``"and"``, ``"or"``, ``"xor"`` (:func:`nnlearn.datasets.logic_gate`) or
        ``"fruit"`` (:func:`nnlearn.datasets.fruit` with :data:`FRUIT_ARGS`: 40
        fruits, separable by the course notes' line with functional margin 0.05).

    Returns
    -------
    X : ndarray of float64, shape (n_samples, 2)
    y : ndarray of int64, shape (n_samples,)

    Examples
    --------
    >>> X, y = explorer_data("fruit")
    >>> X.shape, int(y.sum())
    ((40, 2), 20)
    """
    check_choice(name, "data", DATASETS, "data set")
    return fruit(**FRUIT_ARGS) if name == "fruit" else logic_gate(name)


class _Rule:
    """Rosenblatt's rule run visit by visit,
    keeping every visit's weights (can be extended later)."""

    def __init__(self, X, y, w, b, lr, rng):
        self.X, self.y, self.lr = X, y.astype(np.float64), lr
        self.rng = check_rng(rng)
        self._step = activations.get("step")
        self.order = np.empty(0, dtype=np.int64)
        self.weights, self.biases = [np.array(w, dtype=np.float64)], [float(b)]
        self.samples, self.updated, self.cum_updates = [], [], [0]

    def advance(self, n_visits):
        """Extend the run to ``n_visits`` visits in all."""
        n = self.X.shape[0]
        w, b = self.weights[-1].copy(), self.biases[-1]
        for t in range(len(self.samples), n_visits):
            # a new epoch: a fresh order, drawn exactly as Perceptron.fit draws it
            if t % n == 0:
                self.order = self.rng.permutation(n)
            i = int(self.order[t % n])
            y_hat = float(self._step(self.X[i] @ w + b))
            mistake = y_hat != self.y[i]
            if mistake:
                w = w + self.lr * (self.y[i] - y_hat) * self.X[i]
                b += self.lr * (self.y[i] - y_hat)
            self.weights.append(w)
            self.biases.append(float(b))
            self.samples.append(i)
            self.updated.append(mistake)
            self.cum_updates.append(self.cum_updates[-1] + mistake)
        return self


def perceptron_trace(X, y, n_visits, *, w=None, b=0.0, lr=1.0, rng=None):
    r"""Run Rosenblatt's rule for ``n_visits`` sample visits and record the weights
    after each one.

    Each epoch visits every sample once, in a fresh random order drawn from
    ``rng`` exactly as :meth:`nnlearn.perceptron.Perceptron.fit` draws it; at
    each visit of a sample :math:`(x, y)` the rule predicts
    :math:`\hat y = \mathrm{step}(w^\top x + b)` and, if
    :math:`\hat y \ne y`, updates
    :math:`w \leftarrow w + \eta (y - \hat y) x`,
    :math:`b \leftarrow b + \eta (y - \hat y)`.
    Unlike ``fit`` it does not stop after an epoch without a mistake (later
    visits then change nothing).

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
        Labels 0 and 1.
    n_visits : int
        How many sample visits to run, at least 0 (``k * n_samples`` is ``k`` epochs).
    w : array_like of shape (n_features,), optional
        The starting weights; zeros by default, as in ``fit``.
    b : float, default 0.0
        The starting bias.
    lr : float, default 1.0
        The learning rate :math:`\eta > 0`.
    rng : None, int or numpy.random.Generator
        Randomness for the order of each epoch (same seed, same order as ``fit``).

    Returns
    -------
    dict
        ``"w"``: ndarray of shape (n_visits + 1, n_features), the weights before
        the first visit (row 0) and after each visit; ``"b"``: ndarray of shape
        (n_visits + 1,), the biases likewise; ``"sample"``: int64 ndarray of
        shape (n_visits,), the index of the sample visited; ``"epoch"``: int64
        ndarray of shape (n_visits,), the (0-based) epoch of each visit;
        ``"updated"``: bool ndarray of shape (n_visits,), whether the visit was
        a mistake (and so an update).

    Examples
    --------
    >>> from nnlearn.datasets import logic_gate
    >>> from nnlearn.perceptron import Perceptron
    >>> X, y = logic_gate("or")
    >>> p = Perceptron(rng=0).fit(X, y)
    >>> trace = perceptron_trace(X, y, p.n_epochs_ * 4, rng=0)
    >>> (bool(np.array_equal(trace["w"][-1], p.coef_)),
    ...  bool(trace["b"][-1] == p.intercept_))
    (True, True)
    >>> trace["updated"].reshape(-1, 4).sum(axis=1), p.errors_
    (array([2, 1, 1, 1, 0]), array([2, 1, 1, 1, 0]))
    """
    X = check_array(X, "X", ndim=2)
    if X.shape[0] == 0:
        raise ValueError(f"`X` must hold at least one sample, got shape {X.shape}.")
    y = check_labels(y, 2)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"`X` and `y` must have the same number of samples, "
                         f"got {X.shape[0]} rows in X and {y.shape[0]} labels in y.")
    n_visits = check_int(n_visits, "n_visits", minimum=0)
    if w is None:
        w = np.zeros(X.shape[1])
    w = check_array(w, "w", ndim=1)
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"`w` must have one weight per feature, {X.shape[1]}, "
                         f"got shape {w.shape}.")
    b = check_real(b, "b")
    lr = check_positive(lr, "lr")
    check_rng(rng)  # a bad rng is reported as such, before the run
    rule = _Rule(X, y, w, b, lr, rng).advance(n_visits)
    return {"w": np.array(rule.weights), "b": np.array(rule.biases),
            "sample": np.array(rule.samples, dtype=np.int64),
            "epoch": np.arange(n_visits, dtype=np.int64) // X.shape[0],
            "updated": np.array(rule.updated, dtype=bool)}
