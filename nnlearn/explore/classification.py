r"""Explorer for chapter 11: Lloyd's algorithm for k-means, one iteration at a time.

:class:`KMeansExplorer` runs Lloyd's algorithm on one of three small
two-dimensional data sets (:func:`clustering_data`) and shows the state after
any number of iterations: the points coloured by the centre they are assigned
to, the centres, and the *inertia*

.. math:: J = \sum_{i=1}^{n} \min_{j} \lVert x_i - c_j \rVert^2

after every iteration.  One iteration is an *update* step (every centre moves
to the mean of its points) followed by an *assignment* step (every point goes
to its closest centre), as in :class:`nnlearn.cluster.KMeans`; iteration 0 is
the starting centres with their assignment.  The starting centres are either
drawn by k-means++ (:func:`nnlearn.cluster.kmeans_plusplus`) or ``k``
distinct data points drawn uniformly ("random").

Every run is computed once by :func:`lloyd_steps` and cached, so moving the
iteration slider only indexes stored arrays.
"""

import numpy as np

from .._validation import check_choice, check_int, check_rng
from ..cluster import _squared_distances, kmeans_plusplus
from ._layers import LayeredExplorer

__all__ = [
    "COLOURS",
    "DATASETS",
    "INITS",
    "MAX_ITER",
    "MAX_K",
    "N_SAMPLES",
    "KMeansExplorer",
    "clustering_data",
    "lloyd_steps",
]

#: The data sets of :func:`clustering_data`.
DATASETS = ("blobs", "moons", "anisotropic")

#: The ways to choose the starting centres.
INITS = ("k-means++", "random")

#: The largest number of clusters the explorer offers.
MAX_K = 8

#: The most Lloyd iterations one run may take.
MAX_ITER = 30

#: Points in each data set.
N_SAMPLES = 300

#: Okabe-Ito colours, one per cluster.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442",
           "#000000")

_DATA_CACHE = {}


def clustering_data(dataset="blobs"):
    r"""One of the explorer's fixed data sets: points of shape (300, 2) and their true
    groups, shape (300,).

    ``"blobs"``
        Three round Gaussian clusters of 100 points (standard deviation 0.6)
        around :math:`(-2, 0)`, :math:`(2, 0.5)` and :math:`(0, 3)`.
    ``"moons"``
        Two interleaving half circles of radius 1 (150 points each) with
        Gaussian noise of standard deviation 0.08, as
        :func:`sklearn.datasets.make_moons` draws them.
    ``"anisotropic"``
        Three long, thin, parallel Gaussian clusters of 100 points (standard
        deviation 2 along their length and 0.25 across it, 1.5 apart),
        turned by 30 degrees.

    All three are drawn with the seed 0; the same name gives the same arrays.

    Parameters
    ----------
    dataset : {"blobs", "moons", "anisotropic"}

    Returns
    -------
    X : ndarray, shape (300, 2)
    y : ndarray of int, shape (300,)
        The group each point was drawn from (not used by k-means; for checking it).

    Examples
    --------
    >>> X, y = clustering_data("moons")
    >>> X.shape, np.bincount(y).tolist()
    ((300, 2), [150, 150])
    """
    dataset = check_choice(dataset, "dataset", DATASETS, "data set")
    if dataset not in _DATA_CACHE:
        rng = np.random.default_rng(0)
        if dataset == "moons":
            t = rng.uniform(0, np.pi, N_SAMPLES)
            y = np.repeat([0, 1], N_SAMPLES // 2)
            X = np.where(y[:, None] == 0,
                         np.column_stack([np.cos(t), np.sin(t)]),
                         np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]))
            X = X + 0.08 * rng.standard_normal(X.shape)
        elif dataset == "blobs":
            centres = np.array([[-2.0, 0.0], [2.0, 0.5], [0.0, 3.0]])
            y = np.repeat([0, 1, 2], N_SAMPLES // 3)
            X = centres[y] + 0.6 * rng.standard_normal((N_SAMPLES, 2))
        else:  # three long parallel strips, turned by 30 degrees
            y = np.repeat([0, 1, 2], N_SAMPLES // 3)
            strips = (np.array([2.0, 0.25]) * rng.standard_normal((N_SAMPLES, 2))
                      + np.array([0.0, 1.5]) * y[:, None])
            angle = np.pi / 6
            X = strips @ np.array([[np.cos(angle), np.sin(angle)],
                                   [-np.sin(angle), np.cos(angle)]])
        X.setflags(write=False)
        y.setflags(write=False)
        _DATA_CACHE[dataset] = (X, y)
    return _DATA_CACHE[dataset]


def lloyd_steps(X, k, *, init="k-means++", rng=None, max_iter=MAX_ITER):
    r"""Run Lloyd's algorithm once and keep every intermediate state.

    Parameters
    ----------
    X : ndarray, shape (n_samples, n_features)
    k : int, 1 <= k <= n_samples
        Number of clusters.
    init : {"k-means++", "random"}
        k-means++ seeding (:func:`nnlearn.cluster.kmeans_plusplus`) or ``k``
        distinct rows of ``X`` drawn uniformly.
    rng : None, int or numpy.random.Generator
        Randomness for the starting centres.
    max_iter : int >= 1
        The most iterations; the run stops earlier when no label changes.

    Returns
    -------
    dict
        ``"centres"`` of shape (T + 1, k, n_features), ``"labels"`` of shape
        (T + 1, n_samples) and ``"inertia"`` of shape (T + 1,): entry ``t``
        is the state after ``t`` iterations, entry 0 the starting centres and
        their assignment.  ``"converged"`` is True if the last iteration
        changed no label (so further iterations change nothing).

    Notes
    -----
    The iterations are those of :class:`nnlearn.cluster.KMeans` with
    ``tol=0``, including its rule for empty clusters (re-seed at the points
    farthest from their centres), so with ``init="k-means++"`` and the same
    integer seed, ``inertia[1:]`` equals
    ``KMeans(k, n_init=1, tol=0, rng=seed).fit(X).inertia_history_``.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]])
    >>> run = lloyd_steps(X, 2, rng=0)
    >>> float(run["inertia"][-1]), bool(run["converged"])
    (1.0, True)
    """
    X = np.asarray(X, dtype=np.float64)
    k = check_int(k, "k", minimum=1)
    init = check_choice(init, "init", INITS, "initialisation")
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    rng = check_rng(rng)
    if init == "k-means++":
        centres, _ = kmeans_plusplus(X, k, rng=rng)
    else:
        if k > len(X):
            raise ValueError(f"`k` must be <= n_samples, got k={k} for X with {len(X)} "
                             "samples.")
        centres = X[rng.choice(len(X), size=k, replace=False)]
    d2 = _squared_distances(X, centres)
    labels = d2.argmin(axis=1)
    closest = d2[np.arange(len(X)), labels]
    all_centres, all_labels, inertia = [centres], [labels], [closest.sum()]
    converged = False
    for _ in range(max_iter):
        new = centres.copy()
        empty = []
        for j in range(k):
            members = labels == j
            if members.any():
                new[j] = X[members].mean(axis=0)
            else:
                empty.append(j)
        if empty:  # as nnlearn.cluster.KMeans: re-seed at the farthest points
            new[empty] = X[np.argsort(closest, kind="stable")[::-1][:len(empty)]]
        d2 = _squared_distances(X, new)
        new_labels = d2.argmin(axis=1)
        closest = d2[np.arange(len(X)), new_labels]
        all_centres.append(new)
        all_labels.append(new_labels)
        inertia.append(closest.sum())
        converged = np.array_equal(new_labels, labels)
        centres, labels = new, new_labels
        if converged:
            break
    return {"centres": np.array(all_centres), "labels": np.array(all_labels),
            "inertia": np.array(inertia), "converged": bool(converged)}


class KMeansExplorer(LayeredExplorer):
    r"""Lloyd's algorithm step by step: assignments, centres and inertia after a chosen
    number of iterations.

    Parameters (of ``update`` and the constructor)
    ----------------------------------------------
    dataset : {"blobs", "moons", "anisotropic"}, default "blobs"
        The data (:func:`clustering_data`).
    k : int, default 3
        Number of clusters, 1 to :data:`MAX_K`.
    init : {"k-means++", "random"}, default "random"
        How the starting centres are chosen.
    seed : int >= 0, default 0
        Seed of the starting centres.
    step : int, default 0
        Iterations to show, 0 to :data:`MAX_ITER`; past convergence the final
        state is shown.

    ``update`` returns a dict with ``"X"``, ``"y"`` (the data and its true
    groups), ``"run"`` (the whole :func:`lloyd_steps` result), ``"step"`` (the
    iteration shown, at most the last one), ``"n_iter"`` (iterations of the
    run), ``"centres"``, ``"labels"`` and ``"inertia"`` at that iteration,
    ``"history"`` (the inertia of every iteration) and ``"path"`` (the
    centres' positions up to that iteration, shape (step + 1, k, 2)).

    Examples
    --------
    >>> r = KMeansExplorer(dataset="blobs", k=3, step=2).result
    >>> r["centres"].shape, r["step"]
    ((3, 2), 2)
    >>> bool(np.all(np.diff(r["history"]) <= 1e-9 * r["history"][0]))
    True
    """

    defaults = {"dataset": "blobs", "k": 3, "init": "random", "seed": 0, "step": 0}

    #: How many runs are kept in the cache (oldest dropped first).
    cache_size = 64

    def __init__(self, *, figsize=(6.5, 3), dpi=80, **params):
        self._runs = {}
        super().__init__(figsize=figsize, dpi=dpi, **params)

    def _run(self, dataset, k, init, seed):
        key = (dataset, k, init, seed)
        if key not in self._runs:
            if len(self._runs) >= self.cache_size:
                self._runs.pop(next(iter(self._runs)))
            X, _ = clustering_data(dataset)
            self._runs[key] = lloyd_steps(X, k, init=init, rng=seed, max_iter=MAX_ITER)
        return self._runs[key]

    def update(self, dataset, k, init, seed, step):
        """Compute (or fetch from the cache) the run and pick the state after
        ``step`` iterations."""
        dataset = check_choice(dataset, "dataset", DATASETS, "data set")
        init = check_choice(init, "init", INITS, "initialisation")
        k = check_int(k, "k", minimum=1)
        if k > MAX_K:
            raise ValueError(f"`k` must be at most {MAX_K}, got {k}.")
        seed = check_int(seed, "seed", minimum=0)
        step = check_int(step, "step", minimum=0)
        if step > MAX_ITER:
            raise ValueError(f"`step` must be at most {MAX_ITER}, got {step}.")
        run = self._run(dataset, k, init, seed)
        X, y = clustering_data(dataset)
        n_iter = len(run["inertia"]) - 1
        shown = min(step, n_iter)
        self.result = {
            "X": X, "y": y, "run": run, "step": shown, "n_iter": n_iter,
            "centres": run["centres"][shown], "labels": run["labels"][shown],
            "inertia": float(run["inertia"][shown]), "history": run["inertia"],
            "path": run["centres"][:shown + 1],
        }
        return self.result

    def _init_figure(self, fig):
        from matplotlib.colors import to_rgba_array

        self._palette = to_rgba_array(COLOURS)
        ax, ax_j = fig.subplots(1, 2, width_ratios=[1.25, 1])
        # fixed margins rather than a layout solved once for the first data set: the
        # tick labels of the other data sets have other widths
        fig.set_layout_engine("none")
        ax.set_position([0.12, 0.16, 0.47, 0.74])
        ax_j.set_position([0.72, 0.16, 0.26, 0.74])
        self._ax, self._ax_j = ax, ax_j
        self._points = ax.scatter(np.zeros(N_SAMPLES), np.zeros(N_SAMPLES), s=9,
                                  linewidths=0)
        self._paths = [ax.plot([], [], color="black", linewidth=0.8, alpha=0.6)[0]
                       for _ in range(MAX_K)]
        self._centres = ax.scatter(np.zeros(MAX_K), np.zeros(MAX_K), s=110, marker="X",
                                   edgecolors="white", linewidths=1.2, zorder=3)
        ax.set(xlabel="feature x1", ylabel="feature x2")
        (self._curve,) = ax_j.plot([], [], color="#0072B2", marker="o", markersize=3,
                                   label="inertia J")
        (self._now,) = ax_j.plot([], [], marker="o", markersize=8, color="#D55E00",
                                 linestyle="none", label="shown")
        ax_j.set(xlabel="Lloyd iteration t", ylabel="inertia J (dot: shown)",
                 xlim=(-0.5, 10.5))
        self._title = ax.set_title("", fontsize=9)
        self._shown_run = None
        # What _draw changes on every step; a redraw draws only these (see
        # LayeredExplorer).  A new run changes limits, ticks and curve: drawn anew.
        self._dynamic_artists = [self._points, *self._paths, self._centres, self._now,
                                 self._title]

    def _draw(self, result):
        X, k = result["X"], len(result["centres"])
        # a new run: rescale the axes once, not on every step
        if result["run"] is not self._shown_run:
            self._shown_run = result["run"]
            self._points.set_offsets(X)
            pad = 0.1 * np.ptp(X, axis=0)
            low, high = X.min(axis=0) - pad, X.max(axis=0) + pad
            # fixed ticks: tick locators would otherwise run, and relabel, on
            # every redraw
            self._ax.set(xlim=(low[0], high[0]), ylim=(low[1], high[1]),
                         xticks=_ticks(low[0], high[0]), yticks=_ticks(low[1], high[1]))
            history = result["history"]
            self._curve.set_data(np.arange(len(history)), history)
            top = history.max()
            last = max(10, len(history) - 1)
            self._ax_j.set(xlim=(-0.5, last + 0.5), ylim=(0, 1.05 * top),
                           xticks=np.arange(0, last + 1, max(1, -(-last // 3))),
                           yticks=_ticks(0, top))
        self._points.set_facecolors(self._palette[result["labels"] % len(COLOURS)])
        self._centres.set_offsets(result["centres"])
        self._centres.set_facecolors(self._palette[np.arange(k)])
        for j, line in enumerate(self._paths):
            if j < k:
                line.set_data(result["path"][:, j, 0], result["path"][:, j, 1])
            else:
                line.set_data([], [])
        self._now.set_data([result["step"]], [result["inertia"]])
        done = result["run"]["converged"] and result["step"] == result["n_iter"]
        state = "converged" if done else "running"
        self._title.set_text(f"iteration {result['step']} of {result['n_iter']} "
                             f"({state}), J = {result['inertia']:.1f}")

    def _controls(self):
        import ipywidgets as widgets

        p = self.params
        return {
            "dataset": widgets.Dropdown(options=list(DATASETS), value=p["dataset"],
                                        description="data"),
            "k": widgets.IntSlider(value=p["k"], min=1, max=MAX_K, description="k"),
            "init": widgets.Dropdown(options=list(INITS), value=p["init"],
                                     description="init"),
            "seed": widgets.IntSlider(value=p["seed"], min=0, max=20,
                                      description="seed"),
            "step": widgets.IntSlider(value=p["step"], min=0, max=MAX_ITER,
                                      description="iteration"),
        }


def _ticks(low, high):
    """Three or four round tick positions in [low, high] (few ticks: every tick label
    costs drawing time)."""
    step = (high - low) / 3
    magnitude = 10 ** np.floor(np.log10(step))
    step = magnitude * min((1, 2, 2.5, 5, 10), key=lambda m: abs(m * magnitude - step))
    return np.arange(np.ceil(low / step), np.floor(high / step) + 1) * step
