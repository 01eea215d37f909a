r"""The playground's data: its nine data sets and its seven input features.

Part of :mod:`nnlearn.explore.playground` (which re-exports every public name here);
numpy and nnlearn only, no plotting, no widgets.

* The points live in the square :math:`[-6, 6]^2`.  Each data set draws a
  clean pattern, then adds Gaussian noise :math:`\mathcal N(0, \text{noise}^2)`
  to both coordinates (``noise`` is in coordinate units): the points move, and
  keep the label of the place they were drawn at.
* Label noise is the other kind (TensorFlow Playground's noise acts so: a point keeps
  its place and may get a label that does not belong there): ``flip`` is the
  probability that a point's label is replaced by another class, chosen at random.
* Seven data sets are classification ones (:data:`DATASETS`, integer labels); two
  are regression ones (:data:`REGRESSION_DATASETS`, a target in :math:`[-1, 1]`).
* The features (:data:`FEATURES`) are :math:`x_1, x_2, x_1^2, x_2^2, x_1x_2,
  \sin x_1, \sin x_2`, each divided by the largest magnitude it takes on the
  square (6 for :math:`x_i`, 36 for the products, 1 for the sines), so that
  every input of the network lies in :math:`[-1, 1]`.
"""

import numbers

import numpy as np

from .._validation import (
    check_choice,
    check_int,
    check_interval,
    check_positive,
    check_rng,
)
from ..datasets import spirals

__all__ = ["playground_data", "feature_map", "DATASETS", "REGRESSION_DATASETS",
           "FEATURES", "EXTENT"]

#: Names of the classification data sets of :func:`playground_data` (the last two
#: have three classes).
DATASETS = ("circle", "xor", "gauss", "spiral", "moons", "gauss3", "spiral3")

#: Names of the regression data sets of :func:`playground_data` (a real target).
REGRESSION_DATASETS = ("plane", "multigauss")

# The bumps of "multigauss": centre (x1, x2) and sign, a checkerboard of six.
_BUMPS = [(-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0),
          (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0), (4.0, -2.5, -1.0)]
_BUMP_WIDTH = 1.2

#: Feature name → (function of x1 and x2, scale); the network sees
#: ``function / scale``.
_FEATURES = {
    "x1": (lambda a, b: a, 6.0),
    "x2": (lambda a, b: b, 6.0),
    "x1^2": (lambda a, b: a * a, 36.0),
    "x2^2": (lambda a, b: b * b, 36.0),
    "x1x2": (lambda a, b: a * b, 36.0),
    "sin_x1": (lambda a, b: np.sin(a), 1.0),
    "sin_x2": (lambda a, b: np.sin(b), 1.0),
}

#: Names of the input features, in the order :func:`feature_map` accepts them.
FEATURES = tuple(_FEATURES)

#: Half-width of the square the points live in.
EXTENT = 6.0

_TURNS = 1.75


def _n_classes(name):
    """Classes of data set ``name``: 2 or 3, and 0 for a regression data set."""
    if name in REGRESSION_DATASETS:
        return 0
    return 3 if name.endswith("3") else 2


def _regression_target(name, X):
    """The clean target of regression data set ``name`` at the points ``X``."""
    if name == "plane":
        return (X[:, 0] + X[:, 1]) / (2 * EXTENT)
    t = np.zeros(len(X))
    for cx, cy, sign in _BUMPS:
        d2 = (X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2
        t += sign * np.exp(-d2 / (2 * _BUMP_WIDTH ** 2))
    return t


def _check_flip(flip, name):
    """``flip`` checked: in [0, 1), and 0 for a regression data set ``name``."""
    flip = check_interval(flip, "flip", 0.0, 1.0)
    if flip and not _n_classes(name):
        raise ValueError(f"`flip` must be 0 for the regression data set {name!r}, got "
                         f"{flip}: flipping labels needs classes. Hint: use `noise`, "
                         "which moves the points (and so blurs the target).")
    return flip


def _flip_labels(y, k, flip, rng):
    """``y`` with each label replaced, with probability ``flip``, by one of the other
    ``k - 1`` classes (chosen uniformly)."""
    flipped = rng.random(len(y)) < flip
    shift = rng.integers(1, k, len(y))  # 1 .. k-1: never the same class
    return np.where(flipped, (y + shift) % k, y)


def playground_data(name, n_samples=400, *, noise=0.0, flip=0.0, rng=None):
    r"""Points in :math:`[-6, 6]^2` with integer class labels, drawn from one of
    :data:`DATASETS`, or with real targets, from one of :data:`REGRESSION_DATASETS`.

    * ``"circle"``: class 1 inside radius 2, class 0 on the ring of radii 3.5 to 5
      (radius and angle uniform);
    * ``"xor"``: uniform on :math:`[-5, 5]^2` minus a margin of 0.3 around the
      axes; class 1 when :math:`x_1 x_2 > 0` (first and third quadrants);
    * ``"gauss"``: two Gaussian clouds of standard deviation 1 around
      :math:`(2, 2)` (class 1) and :math:`(-2, -2)` (class 0);
    * ``"spiral"``: two interleaved arms of :func:`nnlearn.datasets.spirals`
      (1.75 turns, no angular noise) scaled to radius 5;
    * ``"moons"``: two interleaving half circles, scaled by 3 and centred;
    * ``"gauss3"``: three Gaussian clouds of standard deviation 1 at radius 3,
      at 90, 210 and 330 degrees (classes 0, 1, 2);
    * ``"spiral3"``: three spiral arms (classes 0, 1, 2);
    * ``"plane"`` (regression): uniform on the square, target
      :math:`(x_1 + x_2) / 12`, from -1 to 1;
    * ``"multigauss"`` (regression): uniform on the square, target the sum of six
      Gaussian bumps :math:`\pm\exp(-\lVert x - c\rVert^2 / (2 \cdot 1.2^2))`
      centred at :math:`c = (-4, 0, 4) \times (2.5, -2.5)`, their signs alternating
      like a checkerboard (+1 at :math:`(-4, 2.5)`).

    The labels and targets are those of the points as drawn.  Then Gaussian noise of
    standard deviation ``noise`` is added to every coordinate, and the coordinates are
    clipped to :math:`[-6, 6]` (this touches only the far tails of the Gaussian clouds
    and of very noisy data).  Last, with ``flip``, labels are flipped.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`.
    n_samples : int, default 400
        Number of points, at least the number of classes; the classes are as equal in
        size as possible.
    noise : float, default 0
        Standard deviation of the added noise, in coordinate units.
    flip : float in [0, 1), default 0
        Label noise (classification only): the probability that a point's label is
        replaced by another class, chosen at random.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of float64, shape (n_samples, 2)
    y : ndarray of int64 or float64, shape (n_samples,)
        Class labels ``0 .. k-1`` (k = 2, or 3 for ``"gauss3"`` and ``"spiral3"``);
        for a regression data set, the float targets.

    Examples
    --------
    >>> X, y = playground_data("circle", 10, rng=0)
    >>> X.shape, np.bincount(y).tolist()
    ((10, 2), [5, 5])
    """
    check_choice(name, "name", DATASETS + REGRESSION_DATASETS, "data set",
                 kind="data set (`name`)")
    k = _n_classes(name)
    n_samples = check_int(n_samples, "n_samples", minimum=max(k, 1))
    noise = check_positive(noise, "noise", allow_zero=True)
    flip = _check_flip(flip, name)
    rng = check_rng(rng)
    if not k:
        X = rng.uniform(-EXTENT, EXTENT, (n_samples, 2))
        y = _regression_target(name, X)
        if noise:
            X = np.clip(X + noise * rng.standard_normal(X.shape), -EXTENT, EXTENT)
        return X, y
    y = np.repeat(np.arange(k),
                  [n_samples // k + (i < n_samples % k) for i in range(k)])
    n = n_samples
    if name == "circle":
        r = np.where(y == 1, rng.uniform(0.0, 2.0, n), rng.uniform(3.5, 5.0, n))
        angle = rng.uniform(0.0, 2 * np.pi, n)
        X = r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    elif name == "xor":
        X = rng.uniform(0.3, 5.0, (n, 2)) * rng.choice([-1.0, 1.0], (n, 2))
        y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    elif name in ("gauss", "gauss3"):
        angles = np.radians([45, 225]) if k == 2 else np.radians([90, 210, 330])
        radius = np.sqrt(8.0) if k == 2 else 3.0
        centres = radius * np.column_stack([np.cos(angles), np.sin(angles)])
        if k == 2:
            centres = centres[::-1]  # class 0 at (-2, -2), class 1 at (2, 2)
        X = centres[y] + rng.standard_normal((n, 2))
    elif name in ("spiral", "spiral3"):
        X, y = spirals(n, n_arms=k, noise=0.0, turns=_TURNS, rng=rng)
        X = 5.0 * X
    else:  # moons
        t = rng.uniform(0.0, np.pi, n)
        X = np.where((y == 0)[:, None], np.column_stack([np.cos(t), np.sin(t)]),
                     np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)]))
        X = 3.0 * (X - [0.5, 0.25])
    if noise:
        X = X + noise * rng.standard_normal(X.shape)
    X = np.clip(X, -EXTENT, EXTENT)  # keep every point (and feature) inside the square
    order = rng.permutation(n)
    X, y = X[order], y[order].astype(np.int64)
    if flip:
        y = _flip_labels(y, k, flip, rng)
    return X, y


def _check_features(features):
    if isinstance(features, str):
        features = (features,)
    try:
        features = tuple(features)
    except TypeError:
        raise TypeError(f"`features` must be a sequence of feature names from "
                        f"{list(FEATURES)}, "
                        f"got {type(features).__name__} {features!r}.") from None
    if not features:
        raise ValueError(f"`features` must name at least one input feature from "
                         f"{list(FEATURES)}, got none.")
    for f in features:
        check_choice(f, "features", FEATURES, "feature", kind="feature (`features`)")
    if len(set(features)) != len(features):
        raise ValueError(f"`features` must not repeat a feature, got {list(features)}.")
    return features


def feature_map(X, features):
    r"""The network's inputs: the chosen features of the points ``X``,
    each scaled into :math:`[-1, 1]`.

    Parameters
    ----------
    X : ndarray, shape (n_samples, 2)
        Points :math:`(x_1, x_2)`.
    features : sequence of str
        Names from :data:`FEATURES`: ``"x1"``, ``"x2"`` (divided by 6), ``"x1^2"``,
        ``"x2^2"``, ``"x1x2"`` (divided by 36), ``"sin_x1"``, ``"sin_x2"``.

    Returns
    -------
    ndarray, shape (n_samples, len(features))

    Examples
    --------
    >>> feature_map(np.array([[3.0, -6.0]]), ["x1", "x2^2", "x1x2"]).tolist()
    [[0.5, 1.0, -0.5]]
    """
    features = _check_features(features)
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"`X` must have shape (n_samples, 2), got {X.shape}.")
    a, b = X[:, 0], X[:, 1]
    return np.column_stack([_FEATURES[f][0](a, b) / _FEATURES[f][1] for f in features])


def _check_hidden(hidden):
    if isinstance(hidden, str):
        text = hidden.replace(",", " ").split()
        try:
            hidden = tuple(int(t) for t in text)
        except ValueError:
            raise ValueError(f"`hidden` must list the widths of the hidden layers, "
                             f"such as (4, 4) or '4, 4', got {hidden!r}.") from None
    if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
        hidden = (hidden,)
    try:
        hidden = tuple(hidden)
    except TypeError:
        raise TypeError(f"`hidden` must be a sequence of layer widths such as (4, 4), "
                        f"got {hidden!r}.") from None
    return tuple(check_int(h, f"hidden[{i}]", minimum=1) for i, h in enumerate(hidden))
