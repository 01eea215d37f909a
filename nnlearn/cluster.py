r"""k-means clustering: Lloyd's algorithm with k-means++ seeding.

k-means splits ``n_samples`` points :math:`x_1, \dots, x_n` (the rows of ``X``,
shape ``(n_samples, n_features)``) into :math:`k` clusters, each summarised by
a centre :math:`c_j`.  It looks for the labels :math:`\ell_i \in \{0, \dots,
k-1\}` and centres that minimise the *within-cluster sum of squares*, or
*inertia*,

.. math:: J(\ell, c) = \sum_{i=1}^{n} \lVert x_i - c_{\ell_i} \rVert^2 .

**Lloyd's algorithm** (Lloyd 1982) alternates two steps, each of which solves
for one half of the unknowns with the other half held fixed:

1. *assignment*: give every point the label of its closest centre,
   :math:`\ell_i = \arg\min_j \lVert x_i - c_j \rVert^2`;
2. *update*: move every centre to the mean of its points,
   :math:`c_j = \frac{1}{|C_j|} \sum_{i \in C_j} x_i` with
   :math:`C_j = \{i : \ell_i = j\}`.

Neither step can increase :math:`J`: the assignment step picks, point by point,
the smallest term available, and the mean is the point that minimises a sum of
squared distances.  :math:`J` is bounded below by zero and there are finitely
many labellings, so the algorithm stops -- but at a *local* minimum that
depends on the starting centres.  That is why :class:`KMeans` runs it
``n_init`` times and keeps the run with the smallest inertia.

**k-means++** (Arthur & Vassilvitskii 2007) chooses the starting centres: the
first is a data point drawn uniformly, and each further one is a data point
drawn with probability

.. math:: p(x) = \frac{D(x)^2}{\sum_{x'} D(x')^2},

where :math:`D(x)` is the distance from :math:`x` to the closest centre chosen
so far.  Far-away points are likely picks, so the seeds spread over the data,
and the expected inertia of the seeding alone is within a factor
:math:`O(\log k)` of the optimum.
"""

import numpy as np

from ._validation import check_array, check_int, check_positive, check_rng

__all__ = ["KMeans", "kmeans_plusplus"]


class KMeans:
    r"""k-means clustering by Lloyd's algorithm, started ``n_init`` times from
    k-means++ seeds.

    The conventions follow :class:`sklearn.cluster.KMeans`: ``fit`` returns the
    estimator, and the results are attributes whose names end in ``_``.

    Parameters
    ----------
    n_clusters : int >= 1
        Number of clusters :math:`k`; at most the number of samples.
    n_init : int >= 1, default 10
        Number of runs, each from its own k-means++ seeding; the run with the
        smallest inertia is kept.
    max_iter : int >= 1, default 300
        Maximum number of iterations (assignment + update) in one run.
    tol : float >= 0, default 1e-4
        A run stops when the centres move, in total, less than ``tol`` relative
        to the spread of the data: when
        :math:`\sum_j \lVert c_j^{\text{new}} - c_j \rVert^2 \le
        \text{tol} \cdot \overline{\operatorname{Var}}(X)`, the mean over
        features of the variance of ``X`` (as in scikit-learn).  A run also
        stops, whatever ``tol``, as soon as no label changes; ``tol=0`` waits
        for that.
    rng : None, int or numpy.random.Generator
        Randomness for the seeding.  The ``n_init`` runs draw from this one
        generator in turn.  With an int seed every call to ``fit`` gives the
        same result; a Generator moves on from call to call.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        The centres of the best run.
    labels_ : ndarray of int, shape (n_samples,)
        Index of the closest centre of every training point.
    inertia_ : float
        Sum of squared distances from the training points to their closest centre.
    n_iter_ : int
        Number of iterations of the best run.
    inertia_history_ : ndarray of shape (n_iter_,)
        The inertia after each iteration of the best run (non-increasing; the
        last value is ``inertia_``).
    n_features_in_ : int
        Number of features seen in ``fit``.

    Notes
    -----
    One iteration is an update step followed by an assignment step, so after
    every iteration the labels are those of the closest centres and
    ``inertia_history_[t]`` is the inertia of the centres at that point.

    *Empty clusters.*  If a centre ends up with no points, the update step
    cannot take their mean.  Instead the centre is re-seeded at the point
    farthest from its own centre (the worst-served point; several empty
    clusters take the several farthest points).  That does not increase the
    inertia: no point was using the empty centre, and the next assignment step
    can only lower the far point's cost.  If ``X`` has fewer distinct points
    than ``n_clusters``, some clusters must stay empty; the inertia is then 0.

    Distances are computed as :math:`\lVert x\rVert^2 - 2\,x\cdot c +
    \lVert c\rVert^2` (one matrix product; clipped at 0 against rounding).
    scikit-learn seeds with a "greedy" k-means++ that tries several candidates
    per centre; this class uses the original one-draw rule, so single runs
    may differ but the inertia after ``n_init`` runs is usually the same.

    References
    ----------
    S. P. Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory 28(2),
    1982.
    D. Arthur and S. Vassilvitskii, "k-means++: the advantages of careful seeding",
    SODA 2007.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 11.0]])
    >>> km = KMeans(2, rng=0).fit(X)
    >>> km.inertia_
    1.0
    >>> np.sort(km.cluster_centers_, axis=0)
    array([[ 0. ,  0.5],
           [10. , 10.5]])
    >>> km.predict([[1.0, 1.0], [9.0, 9.0]]) == km.labels_[[0, 2]]
    array([ True,  True])
    """

    def __init__(self, n_clusters, *, n_init=10, max_iter=300, tol=1e-4, rng=None):
        self.n_clusters = check_int(n_clusters, "n_clusters", minimum=1)
        self.n_init = check_int(n_init, "n_init", minimum=1)
        self.max_iter = check_int(max_iter, "max_iter", minimum=1)
        self.tol = check_positive(tol, "tol", allow_zero=True)
        check_rng(rng)  # fail now on a bad rng; the generator itself is made in fit
        self.rng = rng

    def fit(self, X):
        """Cluster ``X`` of shape ``(n_samples, n_features)`` and return ``self``."""
        X = _check_data(X, self.n_clusters)
        rng = check_rng(self.rng)
        # tol relative to the data's spread
        tol = self.tol * float(np.mean(np.var(X, axis=0)))
        best_inertia = np.inf
        for _ in range(self.n_init):
            seeds, _ = _kmeans_plusplus(X, self.n_clusters, rng)
            centres, labels, history = _lloyd(X, seeds, max_iter=self.max_iter, tol=tol)
            if history[-1] < best_inertia:  # keep the run with the smallest inertia
                best_inertia = history[-1]
                self.cluster_centers_, self.labels_ = centres, labels
                self.inertia_history_ = history
        self.inertia_ = float(best_inertia)
        self.n_iter_ = len(self.inertia_history_)
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        """Return the index of the closest centre for every row of ``X``, shape
        ``(n_samples,)``."""
        X = self._check_input(X, "predict")
        return _squared_distances(X, self.cluster_centers_).argmin(axis=1)

    def fit_predict(self, X):
        """Fit to ``X`` and return ``labels_``, shape ``(n_samples,)``."""
        return self.fit(X).labels_

    def transform(self, X):
        """Return the distances from every row of ``X`` to every centre, shape
        ``(n_samples, n_clusters)``."""
        X = self._check_input(X, "transform")
        return np.sqrt(_squared_distances(X, self.cluster_centers_))

    def _check_input(self, X, method):
        if not hasattr(self, "cluster_centers_"):
            raise RuntimeError(f"This {self!r} is not fitted yet: "
                               f"call fit(X) before {method}().")
        X = check_array(X, "X", ndim=2, dtype=np.float64)
        if X.shape[1] != self.n_features_in_:
            msg = (f"`X` must have {self.n_features_in_} features (columns), the "
                   f"number seen in fit, got X of shape {X.shape}.")
            if X.shape[0] == self.n_features_in_:
                msg += " It looks transposed: pass X.T, with one row per sample."
            raise ValueError(msg)
        _check_magnitude(X, self.cluster_centers_)
        return X

    def __repr__(self):
        return f"KMeans(n_clusters={self.n_clusters})"


def kmeans_plusplus(X, n_clusters, *, rng=None):
    r"""Choose ``n_clusters`` rows of ``X`` as starting centres by k-means++.

    The first centre is a row drawn uniformly; each next one is a row drawn
    with probability :math:`D(x)^2 / \sum_{x'} D(x')^2`, :math:`D(x)` being the
    distance to the closest centre chosen so far.  A chosen row has
    :math:`D = 0`, so the centres are distinct rows (if ``X`` has fewer distinct
    rows than ``n_clusters``, the remaining centres are drawn uniformly from the
    rows not yet chosen).

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    n_clusters : int, 1 <= n_clusters <= n_samples
    rng : None, int or numpy.random.Generator

    Returns
    -------
    centres : ndarray of shape (n_clusters, n_features)
    indices : ndarray of int, shape (n_clusters,)
        The rows of ``X`` chosen: ``centres == X[indices]``.

    Examples
    --------
    >>> centres, indices = kmeans_plusplus(np.eye(3), 3, rng=0)
    >>> sorted(indices.tolist())
    [0, 1, 2]
    """
    n_clusters = check_int(n_clusters, "n_clusters", minimum=1)
    X = _check_data(X, n_clusters)
    return _kmeans_plusplus(X, n_clusters, check_rng(rng))


def _check_data(X, n_clusters):
    X = check_array(X, "X", ndim=2, dtype=np.float64)
    n_samples, n_features = X.shape
    if n_clusters > n_samples:
        raise ValueError("`n_clusters` must be <= n_samples, got "
                         f"n_clusters={n_clusters} for X with {n_samples} "
                         f"sample{'s' if n_samples != 1 else ''}. Ask for fewer "
                         "clusters or pass more data.")
    if n_features == 0:
        raise ValueError("`X` must have at least one feature (column), got X of "
                         f"shape {X.shape}.")
    _check_magnitude(X)
    return X


def _check_magnitude(X, centres=None):
    r"""Refuse values so large that sums of squared distances overflow float64 (to inf,
    then NaN).

    A squared distance is at most :math:`d\,(2m)^2` for :math:`m = \max|x_{ij}|`, and
    the inertia and the k-means++ weights sum :math:`n` of them; all must stay below the
    largest float (about 1.8e308), so ``X`` must satisfy
    :math:`4\,n\,d\,m^2 < 1.8\times10^{308}` -- values up to about 1e150 for any
    realistic ``n`` and ``d``.
    """
    m = float(np.abs(X).max(initial=0.0))
    if centres is not None:
        m = max(m, float(np.abs(centres).max(initial=0.0)))
    n, d = X.shape
    with np.errstate(over="ignore"):
        bound = 4.0 * max(n, 1) * d * np.float64(m) ** 2
    if not np.isfinite(bound):
        raise ValueError(f"`X` holds values up to {m:.3g} in absolute value: their "
                         "squared distances overflow float64 (the largest float is "
                         f"{np.finfo(np.float64).max:.3g}), which would turn the "
                         "inertia into inf and NaN. Hint: rescale X first, e.g. X / "
                         "np.abs(X).max() or sklearn.preprocessing.StandardScaler; "
                         "k-means labels do not change when every feature is scaled by "
                         "the same factor.")


def _kmeans_plusplus(X, n_clusters, rng):
    n_samples = len(X)
    indices = [int(rng.integers(n_samples))]
    # D(x)^2 to the closest centre so far
    closest = np.sum((X - X[indices[0]]) ** 2, axis=1)
    for _ in range(1, n_clusters):
        total = closest.sum()
        if total > 0:
            i = int(rng.choice(n_samples, p=closest / total))
        else:  # every point sits on a centre: fewer distinct points than clusters
            i = int(rng.choice(np.setdiff1d(np.arange(n_samples), indices)))
        indices.append(i)
        closest = np.minimum(closest, np.sum((X - X[i]) ** 2, axis=1))
    indices = np.array(indices)
    return X[indices], indices


def _lloyd(X, centres, *, max_iter, tol):
    """One run of Lloyd's algorithm from ``centres``; ``tol`` is absolute here.

    Returns the final centres, labels and the inertia after each iteration.
    """
    labels, closest = _assign(X, centres)
    history = []
    for _ in range(max_iter):
        new_centres = _update(X, labels, closest, centres)
        new_labels, closest = _assign(X, new_centres)
        history.append(closest.sum())
        shift = np.sum((new_centres - centres) ** 2)
        converged = np.array_equal(new_labels, labels) or shift <= tol
        centres, labels = new_centres, new_labels
        if converged:
            break
    return centres, labels, np.array(history)


def _assign(X, centres):
    """Assignment step: the label of every point's closest centre, and its squared
    distance."""
    d2 = _squared_distances(X, centres)
    labels = d2.argmin(axis=1)
    return labels, d2[np.arange(len(X)), labels]


def _update(X, labels, closest, centres):
    """Update step: every centre moves to the mean of its points.

    Centres left without points are re-seeded.
    """
    new_centres = centres.copy()
    empty = []
    for j in range(len(centres)):
        members = X[labels == j]
        if len(members) > 0:
            new_centres[j] = members.mean(axis=0)
        else:
            empty.append(j)
    if empty:  # re-seed at the points farthest from their centres, farthest first
        farthest = np.argsort(closest, kind="stable")[::-1][:len(empty)]
        new_centres[empty] = X[farthest]
    return new_centres


def _squared_distances(X, centres):
    r"""Matrix of :math:`\lVert x_i - c_j \rVert^2`, shape
    ``(n_samples, n_clusters)``."""
    d2 = (np.sum(X ** 2, axis=1)[:, None]
          - 2 * X @ centres.T
          + np.sum(centres ** 2, axis=1)[None, :])
    return np.maximum(d2, 0.0)  # rounding can make a tiny distance negative
