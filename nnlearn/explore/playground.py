r"""A neural-network playground in the spirit of TensorFlow Playground,
running on nnlearn.

Everything the book has built meets here: choose a data set, the input
features, the hidden layers, the activation, the loss, the optimizer and its
learning rate, the batch size and the regularisation, then watch the decision
boundary form while the train and test losses fall (or do not).

The module has two layers:

* a plain, widget-free engine: the data sets (:func:`playground_data`), the
  feature map (:func:`feature_map`) and :class:`Playground`, whose
  :meth:`~Playground.update` builds data, features and network when a
  structural parameter changes and returns the current state, and whose
  :meth:`~Playground.step` trains for some epochs;
* the widget (:meth:`~nnlearn.explore.explorer.Explorer.widget`): one control per
  parameter, a heatmap of the network's prediction over the plane with the train and
  test points on it, the two loss curves, and Play / Step / Reset.

Conventions (close to TensorFlow Playground's):

* The points live in the square :math:`[-6, 6]^2`.  Each data set draws a
  clean pattern, then adds Gaussian noise :math:`\mathcal N(0, \text{noise}^2)`
  to both coordinates (``noise`` is in coordinate units).
* The features (:data:`FEATURES`) are :math:`x_1, x_2, x_1^2, x_2^2, x_1x_2,
  \sin x_1, \sin x_2`, each divided by the largest magnitude it takes on the
  square (6 for :math:`x_i`, 36 for the products, 1 for the sines), so that
  every input of the network lies in :math:`[-1, 1]` (see the chapter on
  preparing data).
* Losses: ``"mse"`` with a tanh output and targets :math:`\pm 1` (TensorFlow
  Playground's choice; one output per class and targets :math:`2\,\text{one-hot} - 1`
  for three classes), ``"bce"`` with a sigmoid output (two classes only), and
  ``"cce"`` with a softmax output, one unit per class.
* L2 adds :math:`\lambda_2 W` and L1 adds :math:`\lambda_1 \operatorname{sign}(W)`
  to the gradient of every weight matrix (not the biases); dropout puts a
  :class:`~nnlearn.layers.Dropout` after every hidden activation.
* The loss recorded after every epoch is the data loss on the whole training
  set and on the whole test set, in evaluation mode (dropout off).

>>> pg = Playground(dataset="xor", features=("x1", "x2"), hidden=(4,), seed=0)
>>> state = pg.step(5)
>>> state["epoch"], len(pg.history["train_loss"])  # epochs 0 (initial weights) to 5
(5, 6)
>>> state["image"].shape
(60, 60, 3)
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
from ..activations import softmax
from ..datasets import spirals
from ..layers import Activation, Dense, Dropout
from ..losses import get as get_loss
from ..network import Sequential
from ..optim import SGD, AdaGrad, Adam, RMSprop
from .explorer import Explorer

__all__ = ["Playground", "playground_data", "feature_map", "DATASETS", "FEATURES",
           "ACTIVATIONS", "LOSSES", "OPTIMIZERS", "LEARNING_RATES", "PENALTIES",
           "EXTENT", "GRID_SIZE", "CLASS_COLORS"]

#: Names of the data sets of :func:`playground_data` (the last two have three classes).
DATASETS = ("circle", "xor", "gauss", "spiral", "moons", "gauss3", "spiral3")

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

#: Hidden-layer activations offered.
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")

#: Losses offered, with the output activation each implies.
LOSSES = {"mse": "tanh", "bce": "sigmoid", "cce": "softmax"}

#: Optimizers offered.
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")

#: Learning rates offered by the widget (the engine accepts any positive number).
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)

#: L1 / L2 strengths offered by the widget (the engine accepts any non-negative number).
PENALTIES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)

#: Half-width of the square the points live in.
EXTENT = 6.0

#: Resolution of the heatmap (the network is evaluated on a GRID_SIZE x GRID_SIZE grid).
GRID_SIZE = 60

#: Colours of classes 0, 1, 2 (Okabe-Ito orange, blue, green).
CLASS_COLORS = ("#E69F00", "#0072B2", "#009E73")

# Font size of all the figure's text, in points.  Shown 358 px wide (the page's column
# on a 390 px phone), the default 5.6-inch figure makes it 10.5 * 358 / (72 * 5.6) =
# 9.3 px tall on screen, whatever the dpi.
_FONT_SIZE = 10.5

_TURNS = 1.75

_STRUCTURAL = ("dataset", "noise", "train_ratio", "n_samples", "features", "hidden",
               "activation", "loss", "dropout", "seed")


def _rgb(hex_colour):
    return np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])


_COLOURS = np.array([_rgb(c) for c in CLASS_COLORS])


# -- data ------------------------------------------------------------------------------

def _n_classes(name):
    return 3 if name.endswith("3") else 2


def playground_data(name, n_samples=400, *, noise=0.0, rng=None):
    r"""Points in :math:`[-6, 6]^2` with integer class labels,
    drawn from one of :data:`DATASETS`.

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
    * ``"spiral3"``: three spiral arms (classes 0, 1, 2).

    Then Gaussian noise of standard deviation ``noise`` is added to every coordinate,
    and the coordinates are clipped to :math:`[-6, 6]` (this touches only the far tails
    of the Gaussian clouds and of very noisy data).

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`.
    n_samples : int, default 400
        Number of points, at least the number of classes; the classes are as equal in
        size as possible.
    noise : float, default 0
        Standard deviation of the added noise, in coordinate units.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of float64, shape (n_samples, 2)
    y : ndarray of int64, shape (n_samples,)
        Class labels ``0 .. k-1`` (k = 2, or 3 for ``"gauss3"`` and ``"spiral3"``).

    Examples
    --------
    >>> X, y = playground_data("circle", 10, rng=0)
    >>> X.shape, np.bincount(y).tolist()
    ((10, 2), [5, 5])
    """
    check_choice(name, "name", DATASETS, "data set", kind="data set (`name`)")
    k = _n_classes(name)
    n_samples = check_int(n_samples, "n_samples", minimum=k)
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = check_rng(rng)
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
    return X[order], y[order].astype(np.int64)


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


# -- the engine ------------------------------------------------------------------------

def _make_optimizer(name, lr):
    if name == "sgd":
        return SGD(lr)
    if name == "momentum":
        return SGD(lr, momentum=0.9)
    if name == "nesterov":
        return SGD(lr, momentum=0.9, nesterov=True)
    if name == "adagrad":
        return AdaGrad(lr)
    if name == "rmsprop":
        return RMSprop(lr)
    return Adam(lr)


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


class Playground(Explorer):
    r"""Train a small network on a 2-D data set and watch its decision boundary and
    loss curves.

    Parameters
    ----------
    dataset : str, default "circle"
        One of :data:`DATASETS`.
    noise : float, default 0
        Standard deviation of the noise added to the points.
    train_ratio : float in (0, 1), default 0.5
        Fraction of the points used for training; the rest are the test set.
    n_samples : int, default 400
        Number of points.
    features : tuple of str, default ("x1", "x2")
        Input features, names from :data:`FEATURES`.
    hidden : tuple of int or str, default (4, 4)
        Widths of the hidden layers (``()`` for none: a linear model); a string such as
        ``"4, 4"`` is accepted.
    activation : str, default "tanh"
        Hidden activation, one of :data:`ACTIVATIONS`.
    loss : str, default "bce"
        ``"mse"`` (tanh output, targets ±1), ``"bce"`` (sigmoid output, two classes) or
        ``"cce"`` (softmax).
    optimizer : str, default "sgd"
        One of :data:`OPTIMIZERS` (momentum and Nesterov use :math:`\mu = 0.9`).
    lr : float, default 0.03
        Learning rate.
    batch_size : int, default 10
        Samples per gradient step (more than the training set means all of it).
    l1, l2 : float, default 0
        Penalty strengths on the weights (not the biases).
    dropout : float in [0, 1), default 0
        Dropout probability after every hidden activation.
    seed : int, default 0
        Seeds the data, the split, the weights, the dropout masks and the shuffling.

    All of these are keyword arguments, and each has a control of the same name in
    the widget.

    Other Parameters
    ----------------
    epochs_per_frame : int, default 5
        Epochs trained per tick of the widget's Play button (it ticks every 100 ms, so
        up to 50 epochs per second are shown when a frame takes less than 100 ms).
    figsize, dpi
        As for :class:`~nnlearn.explore.explorer.Explorer`; the default 5.6 by 3.3
        inches keeps the text at least 9 px tall where the figure is shown as narrow
        as a phone's page (358 px), at any dpi.

    Notes
    -----
    ``update(**params)`` rebuilds the data, the features and a freshly
    initialised network when one of ``dataset, noise, train_ratio, n_samples,
    features, hidden, activation, loss, dropout, seed`` changes (this resets
    training); a new ``optimizer`` starts a fresh optimizer on the current
    weights; ``lr, batch_size, l1, l2`` take effect at the next step.  It
    returns the state (see :meth:`state`).  :meth:`step` trains, :meth:`reset`
    starts again from the initial weights.  If the loss or a weight becomes
    NaN or infinite, ``diverged`` becomes True and training stops.
    """

    defaults = {"dataset": "circle", "noise": 0.0, "train_ratio": 0.5, "n_samples": 400,
                "features": ("x1", "x2"), "hidden": (4, 4), "activation": "tanh",
                "loss": "bce", "optimizer": "sgd", "lr": 0.03, "batch_size": 10,
                "l1": 0.0, "l2": 0.0, "dropout": 0.0, "seed": 0}

    def __init__(self, *, epochs_per_frame=5, figsize=(5.6, 3.3), dpi=80, **params):
        self.epochs_per_frame = check_int(epochs_per_frame, "epochs_per_frame",
                                          minimum=1)
        self._structure = None
        self._optimizer_name = None
        self._scatter_version = None
        self._version = 0
        super().__init__(figsize=figsize, dpi=dpi, **params)

    # -- parameters --------------------------------------------------------------------

    def _check(self, p):
        check_choice(p["dataset"], "dataset", DATASETS, "data set",
                     kind="data set (`dataset`)")
        noise = check_positive(p["noise"], "noise", allow_zero=True)
        train_ratio = check_interval(p["train_ratio"], "train_ratio", 0.0, 1.0,
                                     low_closed=False)
        n_samples = check_int(p["n_samples"], "n_samples", minimum=4)
        features = _check_features(p["features"])
        hidden = _check_hidden(p["hidden"])
        check_choice(p["activation"], "activation", ACTIVATIONS, "activation",
                     kind="activation (`activation`)")
        check_choice(p["loss"], "loss", tuple(LOSSES), "loss", kind="loss (`loss`)")
        k = _n_classes(p["dataset"])
        if p["loss"] == "bce" and k > 2:
            raise ValueError(f"`loss` 'bce' needs two classes, but data set "
                             f"{p['dataset']!r} has {k}: use 'cce' (softmax) or 'mse'.")
        check_choice(p["optimizer"], "optimizer", OPTIMIZERS, "optimizer",
                     kind="optimizer (`optimizer`)")
        lr = check_positive(p["lr"], "lr")
        batch_size = check_int(p["batch_size"], "batch_size", minimum=1)
        l1 = check_positive(p["l1"], "l1", allow_zero=True)
        l2 = check_positive(p["l2"], "l2", allow_zero=True)
        dropout = check_interval(p["dropout"], "dropout", 0.0, 1.0)
        seed = check_int(p["seed"], "seed", minimum=0)
        n_train = round(train_ratio * n_samples)
        if not 1 <= n_train < n_samples:
            raise ValueError(f"`train_ratio` {train_ratio} leaves {n_train} of "
                             f"{n_samples} points for training; both the training and "
                             "the test set need at least one point.")
        return {**p, "noise": noise, "train_ratio": train_ratio, "n_samples": n_samples,
                "features": features, "hidden": hidden, "lr": lr,
                "batch_size": batch_size, "l1": l1, "l2": l2, "dropout": dropout,
                "seed": seed}

    def update(self, **params):
        """Apply ``params`` (rebuilding and resetting if a structural one changed)
        and return :meth:`state`."""
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise TypeError(f"Playground has no parameter(s) {sorted(unknown)}; "
                            f"its parameters are {sorted(self.defaults)}.")
        p = self._check({**self.defaults, **getattr(self, "params", {}), **params})
        self.params = {**getattr(self, "params", {}), **params}
        self._p = p
        structure = tuple(p[name] for name in _STRUCTURAL)
        if structure != self._structure:
            self._structure = structure
            self._build(p)
        elif p["optimizer"] != self._optimizer_name:
            self._optimizer_name = p["optimizer"]
            self.optimizer = _make_optimizer(p["optimizer"], p["lr"])
            self.optimizer._check_parameters(self._pairs)
        self.optimizer.lr = p["lr"]
        self.result = self.state()
        return self.result

    def _build(self, p):
        rng = np.random.default_rng(p["seed"])
        X, y = playground_data(p["dataset"], p["n_samples"], noise=p["noise"], rng=rng)
        n_train = round(p["train_ratio"] * p["n_samples"])
        self.X_train, self.y_train = X[:n_train], y[:n_train]
        self.X_test, self.y_test = X[n_train:], y[n_train:]
        self.n_classes = k = _n_classes(p["dataset"])
        self.F_train = feature_map(self.X_train, p["features"])
        self.F_test = feature_map(self.X_test, p["features"])
        g = np.linspace(-EXTENT, EXTENT, GRID_SIZE)
        # row 0 at the top (largest x2), as imshow draws it
        gx, gy = np.meshgrid(g, g[::-1])
        self.F_grid = feature_map(np.column_stack([gx.ravel(), gy.ravel()]),
                                  p["features"])
        loss = p["loss"]
        n_out = 1 if (k == 2 and loss != "cce") else k
        self.loss = get_loss(loss)
        self.T_train = self._targets(self.y_train, loss, n_out)
        self.T_test = self._targets(self.y_test, loss, n_out)
        # The network: Dense, activation, [Dropout], ..., Dense, output activation;
        # one generator for all.
        net_rng = np.random.default_rng([p["seed"], 1])
        sizes = [len(p["features"]), *p["hidden"], n_out]
        layers = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Dense(a, b, rng=net_rng))
            if i < len(sizes) - 2:
                layers.append(Activation(p["activation"]))
                if p["dropout"] > 0:
                    layers.append(Dropout(p["dropout"], rng=net_rng))
        layers.append(Activation(LOSSES[loss]))
        self.model = Sequential(layers)
        self._pairs = self.model.flat_parameters()
        self._theta, self._grad = self._pairs[0]
        self._initial_theta = self._theta.copy()
        self._weight_mask = np.zeros_like(self._theta)
        for name, where in self.model._flat_slices.items():
            if name.endswith(".W"):
                self._weight_mask[where] = 1.0
        self._fused = loss in ("bce", "cce")
        self._shuffle_seed = [p["seed"], 2]
        self._version += 1
        self._restart()

    def _targets(self, y, loss, n_out):
        if loss == "cce":
            return np.eye(n_out)[y]
        if n_out == 1:
            t = y[:, None].astype(np.float64)
            return 2 * t - 1 if loss == "mse" else t
        return 2 * np.eye(n_out)[y] - 1  # mse with three classes

    def _restart(self):
        self._theta[...] = self._initial_theta
        self._optimizer_name = self._p["optimizer"]
        self.optimizer = _make_optimizer(self._p["optimizer"], self._p["lr"])
        self.optimizer._check_parameters(self._pairs)
        self._shuffle_rng = np.random.default_rng(self._shuffle_seed)
        for layer in self.model.layers:  # dropout masks restart too
            if isinstance(layer, Dropout):
                layer.rng = np.random.default_rng([self._p["seed"], 3])
        self.epoch = 0
        self.diverged = False
        train, test = self._losses()
        self.history = {"epoch": [0], "train_loss": [train], "test_loss": [test]}

    def reset(self):
        """Start training again from the same initial weights (and the same
        shuffling); returns the state."""
        self._restart()
        self.result = self.state()
        return self.result

    # -- training ----------------------------------------------------------------------

    def _losses(self):
        with np.errstate(all="ignore"):
            self.model.eval()
            train = float(self.loss._value(self.model._forward(self.F_train),
                                           self.T_train))
            test = float(self.loss._value(self.model._forward(self.F_test),
                                          self.T_test))
        return train, test

    def _epoch(self):
        p, model, theta, grad = self._p, self.model, self._theta, self._grad
        n = len(self.F_train)
        bs = min(p["batch_size"], n)
        order = self._shuffle_rng.permutation(n)
        F, T = self.F_train[order], self.T_train[order]
        below = len(model.layers) - 1
        mask = self._weight_mask
        model.train()
        for start in range(0, n, bs):
            xb, tb = F[start:start + bs], T[start:start + bs]
            out = model._forward(xb)
            # sigmoid + BCE and softmax + CE: dL/dz = (p - t) / (elements or rows)
            if self._fused:
                scale = 1.0 / (out.size if p["loss"] == "bce" else out.shape[0])
                model._backward((out - tb) * scale, below=below, need_input_grad=False)
            else:
                model._backward(self.loss._gradient(out, tb), need_input_grad=False)
            if p["l2"]:
                grad += p["l2"] * mask * theta
            if p["l1"]:
                grad += p["l1"] * mask * np.sign(theta)
            self.optimizer._step(self._pairs)

    def run_epochs(self, n_epochs=1):
        """Train ``n_epochs`` epochs and record the losses after each
        (no state computed); returns the epoch."""
        n_epochs = check_int(n_epochs, "n_epochs", minimum=0)
        with np.errstate(all="ignore"):
            for _ in range(n_epochs):
                if self.diverged:
                    break
                self._epoch()
                self.epoch += 1
                train, test = self._losses()
                self.history["epoch"].append(self.epoch)
                self.history["train_loss"].append(train)
                self.history["test_loss"].append(test)
                if not (np.isfinite(train) and np.isfinite(self._theta).all()):
                    self.diverged = True
        return self.epoch

    def step(self, n_epochs=1):
        """Train ``n_epochs`` epochs, then return (and keep in ``result``)
        the new :meth:`state`."""
        self.run_epochs(n_epochs)
        self.result = self.state()
        return self.result

    # -- reading the network -----------------------------------------------------------

    def predict_proba(self, F):
        """Class probabilities, shape (n, n_classes),
        for feature rows ``F`` (tanh outputs mapped to [0, 1])."""
        with np.errstate(all="ignore"):
            self.model.eval()
            out = self.model._forward(F)
        if self._p["loss"] == "mse":
            if out.shape[1] == 1:
                q = np.clip((out + 1) / 2, 0, 1)
                return np.hstack([1 - q, q])
            # scores in [-1, 1] -> a soft argmax, for the colours
            return softmax(4 * out, axis=1)
        if out.shape[1] == 1:
            return np.hstack([1 - out, out])
        return out

    def accuracy(self, which="test"):
        """Fraction of correctly classified ``"train"`` or ``"test"`` points."""
        check_choice(which, "which", ("train", "test"), "subset")
        F, y = ((self.F_train, self.y_train) if which == "train"
                else (self.F_test, self.y_test))
        return float(np.mean(np.argmax(self.predict_proba(F), axis=1) == y))

    def state(self):
        """The current state as a dict.

        Keys: ``epoch``; ``proba`` (GRID_SIZE, GRID_SIZE, n_classes), the class
        probabilities over the grid, row 0 at the top; ``image``
        (GRID_SIZE, GRID_SIZE, 3), its colours; ``train_loss``, ``test_loss``,
        ``train_accuracy``, ``test_accuracy``; ``history`` (arrays ``epoch``,
        ``train_loss``, ``test_loss``); ``diverged``; ``version`` (changes when the
        data are rebuilt).
        """
        proba = self.predict_proba(self.F_grid)
        if not np.isfinite(proba).all():
            proba = np.full_like(proba, 1.0 / proba.shape[1])
        colours = proba @ _COLOURS[:proba.shape[1]]
        confidence = proba.max(axis=1, keepdims=True)
        # 1/k (undecided) -> white, certain -> 70 % of the class colour on white
        k = proba.shape[1]
        strength = 0.7 * (confidence - 1.0 / k) / (1.0 - 1.0 / k)
        image = 1.0 - strength * (1.0 - colours)
        hist = {key: np.asarray(v, dtype=float) for key, v in self.history.items()}
        return {"epoch": self.epoch, "proba": proba.reshape(GRID_SIZE, GRID_SIZE, -1),
                "image": image.reshape(GRID_SIZE, GRID_SIZE, 3),
                "train_loss": hist["train_loss"][-1],
                "test_loss": hist["test_loss"][-1],
                "train_accuracy": self.accuracy("train"),
                "test_accuracy": self.accuracy("test"),
                "history": hist, "diverged": self.diverged, "version": self._version}

    # -- the figure --------------------------------------------------------------------

    def _init_figure(self, fig):
        from matplotlib.lines import Line2D

        size = _FONT_SIZE
        ax_map, ax_loss = fig.subplots(1, 2, width_ratios=[1, 1.15])
        self._heat = ax_map.imshow(np.ones((GRID_SIZE, GRID_SIZE, 3)),
                                   extent=(-EXTENT, EXTENT, -EXTENT, EXTENT),
                                   interpolation="bilinear", origin="upper")
        self._train_pts = ax_map.scatter([0], [0], s=14, edgecolors="white",
                                         linewidths=0.5, label="train")
        self._test_pts = ax_map.scatter([0], [0], s=14, facecolors="none",
                                        linewidths=1.0, label="test")
        ax_map.set(xlim=(-EXTENT, EXTENT), ylim=(-EXTENT, EXTENT),
                   xticks=[-6, -3, 0, 3, 6], yticks=[-6, -3, 0, 3, 6])
        proxies = [Line2D([], [], linestyle="none", marker="o", markersize=5,
                          color="0.3", markeredgecolor="white", label="train"),
                   Line2D([], [], linestyle="none", marker="o", markersize=5,
                          markerfacecolor="none", markeredgecolor="0.3", label="test")]
        # The key of the points sits above the map, so nothing is drawn over it.
        ax_map.legend(handles=proxies, loc="lower center", bbox_to_anchor=(0.5, 1.0),
                      ncols=2, fontsize=size, frameon=False, borderaxespad=0.1,
                      handletextpad=0.2, columnspacing=1.2)
        (self._train_line,) = ax_loss.plot([0], [0], color="#0072B2",
                                           label="train loss")
        (self._test_line,) = ax_loss.plot([0], [0], color="#D55E00", linestyle="--",
                                          label="test loss")
        ax_loss.set(xlim=(0, 100), ylim=(0, 1))
        loss_legend = ax_loss.legend(loc="upper right", fontsize=size)
        ax_loss.grid(alpha=0.3)
        for ax, xlabel, ylabel in ((ax_map, "$x_1$", "$x_2$"),
                                   (ax_loss, "epoch", "loss")):
            ax.set_xlabel(xlabel, fontsize=size)
            ax.set_ylabel(ylabel, fontsize=size)
            ax.tick_params(labelsize=size)
        self._ax_loss = ax_loss
        # The status line spans the figure: at this size it is wider than one panel.
        self._title = fig.suptitle(" ", x=0.02, ha="left", fontsize=size)
        # Blitting: these artists change at every frame and are drawn over a cached
        # background (axes, ticks, labels, legends), which is redrawn only when the
        # loss axis limits change.
        self._animated = [self._heat, self._train_pts, self._test_pts, self._train_line,
                          self._test_line, self._title, *ax_map.spines.values(),
                          loss_legend]
        for artist in self._animated:
            artist.set_animated(True)
        self._background = self._background_key = None

    def _draw(self, result):
        self._heat.set_data(result["image"])
        if self._scatter_version != result["version"]:
            self._scatter_version = result["version"]
            self._train_pts.set_offsets(self.X_train)
            self._train_pts.set_facecolors(_COLOURS[self.y_train])
            self._test_pts.set_offsets(self.X_test)
            self._test_pts.set_edgecolors(_COLOURS[self.y_test])
            self._test_pts.set_facecolors("none")
        h = result["history"]
        self._train_line.set_data(h["epoch"], h["train_loss"])
        self._test_line.set_data(h["epoch"], h["test_loss"])
        # Axis limits change only in steps (doubling), so the tick locators
        # rarely rerun.
        xmax = 100
        while xmax < result["epoch"]:
            xmax *= 2
        finite = np.concatenate([h["train_loss"], h["test_loss"]])
        finite = finite[np.isfinite(finite)]
        top = float(finite.max()) if finite.size else 1.0
        ymax = 0.5
        while ymax < 1.05 * top and ymax < 1e6:
            ymax *= 2
        ax = self._ax_loss
        if ax.get_xlim() != (0, xmax) or ax.get_ylim() != (0, ymax):
            ax.set(xlim=(0, xmax), ylim=(0, ymax))
        status = ("diverged" if result["diverged"]
                  else f"test acc. {result['test_accuracy']:.0%}")
        self._title.set_text(f"epoch {result['epoch']}: "
                             f"train {result['train_loss']:.3f}, "
                             f"test {result['test_loss']:.3f}, {status}")

    def render(self):
        """Draw the current result and return it as PNG bytes
        (and show it in the widget, if any).

        Only the changing artists are drawn, over a cached image of the rest of the
        figure (blitting); the figure's own ``savefig`` would leave them out, as they
        are marked animated.
        """
        import io

        from PIL import Image

        fig = self.figure()
        self._draw(self.result)
        key = (self._ax_loss.get_xlim(), self._ax_loss.get_ylim())
        if self._background is None or key != self._background_key:
            self._canvas.draw()
            self._background = self._canvas.copy_from_bbox(fig.bbox)
            self._background_key = key
        else:
            self._canvas.restore_region(self._background)
        for artist in self._animated:
            (artist.axes or fig).draw_artist(artist)
        buffer = io.BytesIO()
        pixels = np.asarray(self._canvas.buffer_rgba())[..., :3]
        Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
        png = buffer.getvalue()
        if self._image is not None:
            self._image.value = png
        return png

    # -- the widget --------------------------------------------------------------------

    def _controls(self):
        import ipywidgets as w

        p = self.params
        style = {"description_width": "initial"}
        narrow = w.Layout(width="280px")
        released = {"continuous_update": False, "layout": narrow}  # act on release
        return {
            "dataset": w.Dropdown(options=list(DATASETS), value=p["dataset"],
                                  description="data", layout=narrow),
            "noise": w.FloatSlider(value=p["noise"], min=0, max=2, step=0.1,
                                   description="noise", **released),
            "train_ratio": w.FloatSlider(value=p["train_ratio"], min=0.1, max=0.9,
                                         step=0.1, description="train ratio",
                                         style=style, **released),
            "n_samples": w.IntSlider(value=p["n_samples"], min=50, max=1000, step=50,
                                     description="points", **released),
            "features": w.SelectMultiple(options=list(FEATURES),
                                         value=tuple(_check_features(p["features"])),
                                         description="features", rows=7, layout=narrow),
            "hidden": w.Text(value=", ".join(map(str, _check_hidden(p["hidden"]))),
                             description="hidden", placeholder="e.g. 4, 4",
                             **released),
            "activation": w.Dropdown(options=list(ACTIVATIONS), value=p["activation"],
                                     description="activation", layout=narrow),
            "loss": w.Dropdown(options=list(LOSSES), value=p["loss"],
                               description="loss", layout=narrow),
            "optimizer": w.Dropdown(options=list(OPTIMIZERS), value=p["optimizer"],
                                    description="optimizer", layout=narrow),
            "lr": w.Dropdown(options=sorted(set(LEARNING_RATES) | {p["lr"]}),
                             value=p["lr"], description="lr", layout=narrow),
            "batch_size": w.IntSlider(value=p["batch_size"], min=1, max=100,
                                      description="batch", **released),
            "l1": w.Dropdown(options=sorted(set(PENALTIES) | {p["l1"]}), value=p["l1"],
                             description="L1", layout=narrow),
            "l2": w.Dropdown(options=sorted(set(PENALTIES) | {p["l2"]}), value=p["l2"],
                             description="L2", layout=narrow),
            "dropout": w.FloatSlider(value=p["dropout"], min=0, max=0.5, step=0.05,
                                     description="dropout", **released),
            "seed": w.BoundedIntText(value=p["seed"], min=0, max=10**6,
                                     description="seed", layout=narrow),
        }

    def _layout(self, controls, image):
        import ipywidgets as w

        self._play = w.Play(value=0, min=0, max=10**9, step=1, interval=100,
                            description="play", show_repeat=False)
        self._play.observe(self._on_play, names="value")
        self._step_button = w.Button(description="step", tooltip="train one epoch",
                                     layout=w.Layout(width="auto"))
        self._step_button.on_click(lambda _: self._advance(1))
        self._reset_button = w.Button(description="reset",
                                      tooltip="start again from the initial weights",
                                      layout=w.Layout(width="auto"))
        self._reset_button.on_click(lambda _: (self.reset(), self.render()))
        buttons = w.HBox([self._play, self._step_button, self._reset_button],
                         layout=w.Layout(flex_flow="row wrap", align_items="center"))
        # The figure takes the width of its column (at most its own pixels), and the two
        # columns wrap: side by side on a wide page, the figure under the controls on a
        # phone, as wide as the page.
        png_width = round(self.figsize[0] * self.dpi)
        image.layout = w.Layout(width="100%", height="auto", max_width=f"{png_width}px")
        panel = w.VBox(list(controls.values()), layout=w.Layout(width="290px"))
        figure = w.VBox([buttons, image],
                        layout=w.Layout(flex="1 1 300px", min_width="0"))
        return w.HBox([panel, figure], layout=w.Layout(flex_flow="row wrap"))

    def _on_play(self, change):
        if change["new"] != change["old"]:
            self._advance(self.epochs_per_frame)

    def _advance(self, n_epochs):
        """Train ``n_epochs`` and redraw: what Step and every tick of Play do."""
        self.step(n_epochs)
        self.render()
