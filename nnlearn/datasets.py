r"""Small teaching data sets that scikit-learn does not have.

For the usual two-dimensional classification sets use scikit-learn directly
(``sklearn.datasets.make_moons``, ``make_circles``, ``make_blobs``); this
module adds the ones the book needs besides:

* :func:`logic_gate` — the four rows of a truth table (AND, OR, XOR, ...);
* :func:`spirals` — interleaved spiral arms, a hard non-linear problem;
* :func:`fruit` — the course notes' apples-and-oranges perceptron example;
* :func:`function_samples` — noisy samples of a 1-D function, for regression,
  with the noiseless functions in :data:`FUNCTIONS`.

Conventions, the same as scikit-learn's: every function returns ``(X, y)``
with ``X`` a float64 array of shape ``(n_samples, n_features)``.  For
classification ``y`` holds **int64 class labels** of shape ``(n_samples,)``
(``0``/``1`` for two classes), which :class:`nnlearn.perceptron.Perceptron`,
the ``"bce"`` and ``"cce"`` losses and :func:`nnlearn.labels.one_hot` all
accept as they are (for ``"bce"`` against an output of shape
``(n_samples, 1)``, pass ``y.reshape(-1, 1)``).  For regression ``y`` is a
float64 column of shape ``(n_samples, 1)``.  Every random function takes
``rng`` (None, an int seed or a ``numpy.random.Generator``): the same seed
gives the same data.
"""

import numpy as np

from ._validation import (check_choice, check_int, check_positive, check_range,
                          check_real, check_rng, unknown_name)

__all__ = ["LOGIC_GATES", "logic_gate", "spirals", "fruit", "FRUIT_MEANS", "FUNCTIONS",
           "function_samples"]

# The largest ``noise``, ``turns`` and ``|x_range|`` the generators accept, far beyond
# any useful setting and small enough that every generated number is finite and
# accurate (``sin`` of 1e300 is finite but meaningless, and ``high - low`` of
# ``(-1e308, 1e308)`` overflows).
_LIMIT = 1e6


def _check_at_most(value, name, why):
    if value > _LIMIT:
        raise ValueError(f"`{name}` must be at most {_LIMIT:g}, got {value!r}. "
                         f"Hint: {why}")
    return value


#: Truth tables, gate name → outputs for the inputs (0, 0), (0, 1), (1, 0), (1, 1).
LOGIC_GATES = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "xor": (0, 1, 1, 0),
    "nand": (1, 1, 1, 0),
    "nor": (1, 0, 0, 0),
}


def logic_gate(name):
    """Return the truth table of a two-input logic gate.

    Parameters
    ----------
    name : str
        ``"and"``, ``"or"``, ``"xor"``, ``"nand"`` or ``"nor"`` (any case).

    Returns
    -------
    X : ndarray of float64, shape (4, 2)
        The inputs ``(0, 0), (0, 1), (1, 0), (1, 1)``, in this order.
    y : ndarray of int64, shape (4,)
        The gate's outputs, 0 or 1.

    Notes
    -----
    AND, OR, NAND and NOR are linearly separable (one line splits the 0s from
    the 1s), so a single perceptron learns them; XOR is not (Minsky and
    Papert, 1969).

    Examples
    --------
    >>> X, y = logic_gate("xor")
    >>> X
    array([[0., 0.],
           [0., 1.],
           [1., 0.],
           [1., 1.]])
    >>> y
    array([0, 1, 1, 0])
    """
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a gate name (str), "
                        f"got {type(name).__name__} {name!r}.")
    key = name.lower()
    if key not in LOGIC_GATES:
        raise unknown_name("logic gate", name, LOGIC_GATES)
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    return X, np.array(LOGIC_GATES[key], dtype=np.int64)


def _split_evenly(n_samples, n_parts):
    """Sizes of ``n_parts`` groups of total ``n_samples`` differing by at most one
    (larger first)."""
    sizes = np.full(n_parts, n_samples // n_parts)
    sizes[: n_samples % n_parts] += 1
    return sizes


def spirals(n_samples=300, *, n_arms=2, noise=0.2, turns=1.5, rng=None):
    r"""Points on ``n_arms`` interleaved spiral arms, labelled by arm.

    A point of arm :math:`j \in \{0, \dots, k-1\}` is

    .. math:: x = r\,(\cos\theta, \sin\theta), \qquad r = t, \qquad
              \theta = 2\pi\Big(\text{turns}\cdot t + \frac{j}{k}\Big) + \varepsilon,

    with :math:`t \sim U(0, 1)` and angular noise
    :math:`\varepsilon \sim \mathcal N(0, \text{noise}^2)`.  The arms are
    copies of one spiral rotated by :math:`2\pi/k`; each winds ``turns``
    times around the origin while its radius grows from 0 to 1, so all
    points lie in the unit disc (up to rounding).

    Parameters
    ----------
    n_samples : int, default 300
        Total number of points, at least ``n_arms``; split across the arms as
        evenly as possible (the first ``n_samples % n_arms`` arms get one more).
    n_arms : int, default 2
        Number of arms (classes), at least 2.
    noise : float, default 0.2
        Standard deviation of the angular noise, in radians (0 for points
        exactly on the arms), at most 1e6.
    turns : float, default 1.5
        How many times each arm winds around the origin, in (0, 1e6].
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of float64, shape (n_samples, 2)
        The points, in shuffled order (not grouped by arm).
    y : ndarray of int64, shape (n_samples,)
        The arm of each point, ``0 .. n_arms - 1``.

    Examples
    --------
    >>> X, y = spirals(7, n_arms=3, rng=0)
    >>> X.shape, np.bincount(y)
    ((7, 2), array([3, 2, 2]))
    """
    n_arms = check_int(n_arms, "n_arms", minimum=2)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    if n_samples < n_arms:
        raise ValueError(f"`n_samples` must be at least n_arms={n_arms} "
                         f"(one point per arm), got {n_samples}.")
    noise = _check_at_most(check_positive(noise, "noise", allow_zero=True), "noise",
                           "the noise is an angle in radians; beyond about 2*pi the "
                           "arms are gone already.")
    turns = _check_at_most(check_positive(turns, "turns"), "turns",
                           "a few turns (1 to 5) make a hard problem; more cannot be "
                           "resolved by the samples.")
    rng = check_rng(rng)
    y = np.repeat(np.arange(n_arms), _split_evenly(n_samples, n_arms))
    t = rng.uniform(0.0, 1.0, size=n_samples)
    theta = (2 * np.pi * (turns * t + y / n_arms)
             + noise * rng.standard_normal(n_samples))
    X = t[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])
    order = rng.permutation(n_samples)
    return X[order], y[order].astype(np.int64)


#: Centres of the two :func:`fruit` classes in (weight, size), class 0 = apple and
#: class 1 = orange.
FRUIT_MEANS = {0: (0.6, 0.4), 1: (1.2, 1.0)}

# the notes' perceptron: z = 0.5 x1 + 0.8 x2 - 1
_NOTES_W, _NOTES_B = np.array([0.5, 0.8]), -1.0


def fruit(n_samples=100, *, noise=0.15, separable=False, margin=0.1, rng=None):
    r"""The course notes' apples-and-oranges example: two Gaussian blobs in (weight,
    size).

    Each fruit has two features, :math:`x_1` = weight and :math:`x_2` = size,
    in made-up scaled units (both around 1; the numbers are invented for
    teaching, not measured).  Apples (class 0) are lighter and smaller and
    centred at :math:`(0.6, 0.4)`; oranges (class 1) are centred at
    :math:`(1.2, 1.0)` (see :data:`FRUIT_MEANS`).  Each feature gets
    independent Gaussian noise of standard deviation ``noise``.

    The units are chosen so that the notes' perceptron :math:`w_1 = 0.5`,
    :math:`w_2 = 0.8`, :math:`b = -1` separates the classes sensibly:

    .. math:: z = 0.5\,x_1 + 0.8\,x_2 - 1

    is :math:`-0.38` at the apple centre and :math:`+0.4` at the orange centre,
    so oranges lie mostly where :math:`z \ge 0` (predicted 1) and apples where
    :math:`z < 0`.  With Gaussian noise a few points may fall on the wrong
    side; ``separable=True`` redraws them, so that every apple has
    :math:`z \le -\text{margin}` and every orange :math:`z \ge \text{margin}`
    (the data are then linearly separable, with geometric margin at least
    :math:`\text{margin}/\lVert w\rVert = \text{margin}/0.943`).

    Parameters
    ----------
    n_samples : int, default 100
        Number of fruits, at least 2: ``n_samples - n_samples // 2`` apples and
        ``n_samples // 2`` oranges.
    noise : float, default 0.15
        Standard deviation of the noise on each feature, in [0, 1e6].
    separable : bool, default False
        Redraw points until every one lies on its side of the notes' line by
        at least ``margin``.
    margin : float in [0, 0.3], default 0.1
        The functional margin in :math:`z` guaranteed when ``separable=True``
        (ignored otherwise).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of float64, shape (n_samples, 2)
        Columns weight and size, rows in shuffled order.
    y : ndarray of int64, shape (n_samples,)
        0 = apple, 1 = orange.

    Examples
    --------
    >>> X, y = fruit(200, separable=True, rng=0)
    >>> z = X @ [0.5, 0.8] - 1
    >>> bool(np.all((z >= 0.1) == (y == 1)))
    True
    """
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    noise = _check_at_most(check_positive(noise, "noise", allow_zero=True), "noise",
                           "the features are about 1; a noise of 0.1 to 1 blurs the "
                           "classes.")
    if not isinstance(separable, (bool, np.bool_)):
        raise TypeError(f"`separable` must be True or False, "
                        f"got {type(separable).__name__} {separable!r}.")
    margin = check_real(margin, "margin")
    if not 0.0 <= margin <= 0.3:
        raise ValueError(f"`margin` must lie in [0, 0.3] (the class centres are about "
                         f"0.4 from the line in z), got {margin!r}.")
    rng = check_rng(rng)
    n_oranges = n_samples // 2
    parts = []
    for label, n in ((0, n_samples - n_oranges), (1, n_oranges)):
        points = np.empty((0, 2))
        while points.shape[0] < n:  # without `separable` the loop runs once
            new = (np.asarray(FRUIT_MEANS[label])
                   + noise * rng.standard_normal((n - points.shape[0], 2)))
            if separable:
                z = new @ _NOTES_W + _NOTES_B
                new = new[z >= margin] if label == 1 else new[z <= -margin]
            points = np.vstack([points, new])
        parts.append(points)
    X = np.vstack(parts)
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n_samples - n_oranges, n_oranges])
    order = rng.permutation(n_samples)
    return X[order], y[order]


def _sawtooth(x):
    return x - 2.0 * np.floor((x + 1.0) / 2.0)


def _square_wave(x):
    return np.where(np.floor(x) % 2 == 0, 1.0, -1.0)


#: Name → noiseless target function :math:`f` for :func:`function_samples`; each maps
#: an array to an array of the same shape:
#:
#: * ``"sin"``: :math:`\sin x`;
#: * ``"abs"``: :math:`|x|`;
#: * ``"step"``: 1 for :math:`x \ge 0`, else 0 (the step activation);
#: * ``"sawtooth"``: :math:`x - 2\lfloor (x+1)/2 \rfloor`, period 2, rising from -1 to
#:   1, jumps at odd integers;
#: * ``"square_wave"``: 1 where :math:`\lfloor x \rfloor` is even, else -1 (period 2).
FUNCTIONS = {
    "sin": np.sin,
    "abs": np.abs,
    "step": lambda x: np.where(np.asarray(x) >= 0, 1.0, 0.0),
    "sawtooth": _sawtooth,
    "square_wave": _square_wave,
}


def function_samples(name, n_samples=200, *, noise=0.0, x_range=(-3.0, 3.0),
                     rng=None):
    r"""Noisy samples of a 1-D function, for regression:
    :math:`y = f(x) + \varepsilon`.

    The inputs are drawn uniformly, :math:`x \sim U(\text{low}, \text{high})`,
    and **sorted in increasing order** (so ``plt.plot(X, model_output)``
    draws a curve; shuffle before mini-batch training).  The targets are
    :math:`y = f(x) + \varepsilon` with
    :math:`\varepsilon \sim \mathcal N(0, \text{noise}^2)`; ``noise=0``
    gives :math:`f(x)` exactly.

    Parameters
    ----------
    name : str
        The target function, a key of :data:`FUNCTIONS`: ``"sin"``, ``"abs"``,
        ``"step"``, ``"sawtooth"`` or ``"square_wave"``.
    n_samples : int, default 200
    noise : float, default 0.0
        Standard deviation of the Gaussian noise on ``y``, in [0, 1e6].
    x_range : (float, float), default (-3, 3)
        The interval ``(low, high)`` the inputs are drawn from, within
        [-1e6, 1e6].
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of float64, shape (n_samples, 1)
    y : ndarray of float64, shape (n_samples, 1)

    Examples
    --------
    >>> X, y = function_samples("abs", 5, rng=0)
    >>> X.shape, y.shape, bool(np.all(y == np.abs(X)))
    ((5, 1), (5, 1), True)
    """
    check_choice(name, "name", FUNCTIONS, "function")
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    noise = _check_at_most(check_positive(noise, "noise", allow_zero=True), "noise",
                           "the functions take values of about 1; a noise of 0.1 to 1 "
                           "is typical.")
    low, high = check_range(x_range, "x_range")
    if max(abs(low), abs(high)) > _LIMIT:
        raise ValueError(f"`x_range` must lie within [-{_LIMIT:g}, {_LIMIT:g}], "
                         f"got {x_range!r}. Hint: the functions are periodic or "
                         "simple; a range of a few units, like (-3, 3), shows them.")
    rng = check_rng(rng)
    X = np.sort(rng.uniform(low, high, size=n_samples))[:, None]
    y = FUNCTIONS[name](X) + noise * rng.standard_normal(X.shape)
    return X, y.astype(np.float64)
