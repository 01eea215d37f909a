r"""The playground's engine: network, training and predictions, without a figure.

Part of :mod:`nnlearn.explore.playground` (which re-exports every public name here);
numpy and nnlearn only, no plotting, no widgets, so tests, benchmarks and the labs'
checks train it headless.  :class:`PlaygroundEngine` builds data, features and
network when a structural parameter changes, trains for some epochs, and reports the
current snapshot (the decision map as class probabilities and colours, the losses,
the accuracies); :class:`~nnlearn.explore.playground.Playground` adds the figure and
the widget to it.

Conventions (close to TensorFlow Playground's):

* Losses and output units as in ``_playground_settings``: for classification
  ``"mse"`` (tanh output, targets :math:`\pm 1`), ``"bce"`` (sigmoid) or ``"cce"``
  (softmax); for regression ``"mse"`` with one linear output unit.
* L2 adds :math:`\lambda_2 W` and L1 adds :math:`\lambda_1 \operatorname{sign}(W)`
  to the gradient of every weight matrix (not the biases); dropout puts a
  :class:`~nnlearn.layers.Dropout` after every hidden activation.
* The loss recorded after every epoch is the data loss on the whole training
  set and on the whole test set, in evaluation mode (dropout off).
"""

import numpy as np

from .._validation import check_choice, check_int
from ..activations import softmax
from ..layers import Activation, Dense, Dropout
from ..losses import get as get_loss
from ..network import Sequential
from ..optim import SGD, AdaGrad, Adam, RMSprop
from ._params import merged_params
from ._playground_data import EXTENT, _n_classes, feature_map, playground_data
from ._playground_network import colour, link_weights, neuron_maps
from ._playground_settings import (  # noqa: F401 (the constants, re-exported)
    ACTIVATIONS,
    LOSSES,
    OPTIMIZERS,
    check_settings,
)
from ._playground_state import V1_DEFAULTS, decode_state, encode_state

__all__ = ["PlaygroundEngine", "ACTIVATIONS", "LOSSES", "OPTIMIZERS", "GRID_SIZE",
           "CLASS_COLORS"]

#: Resolution of the heatmap (the network is evaluated on a GRID_SIZE x GRID_SIZE grid).
GRID_SIZE = 60

#: Colours of classes 0, 1, 2 (Okabe-Ito orange, blue, green).
CLASS_COLORS = ("#E69F00", "#0072B2", "#009E73")

_STRUCTURAL = ("dataset", "noise", "flip", "train_ratio", "n_samples", "features",
               "hidden", "activation", "loss", "dropout", "seed")


def _rgb(hex_colour):
    return np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])


_COLOURS = np.array([_rgb(c) for c in CLASS_COLORS])


def _make_optimizer(name, lr):
    make = {"sgd": lambda: SGD(lr), "momentum": lambda: SGD(lr, momentum=0.9),
            "nesterov": lambda: SGD(lr, momentum=0.9, nesterov=True),
            "adagrad": lambda: AdaGrad(lr), "rmsprop": lambda: RMSprop(lr),
            "adam": lambda: Adam(lr)}
    return make[name]()


class PlaygroundEngine:
    r"""The playground without its figure: build, train, predict.

    Takes the keyword parameters of :class:`~nnlearn.explore.playground.Playground`
    (documented there) or its ``state`` string; keeps the current values in
    ``params`` and the last snapshot in ``result``.

    >>> engine = PlaygroundEngine(state="v=1&dataset=xor&hidden=4&seed=0")
    >>> engine.step(5)["epoch"], engine.state
    (5, 'v=1&dataset=xor&hidden=4&seed=0')
    """

    defaults = dict(V1_DEFAULTS)

    def __init__(self, *, state=None, **params):
        self._init_engine()
        params = self._with_state(state, params)
        self.params = merged_params(type(self).__name__, self.defaults, params)
        self.result = self.update(**self.params)

    def _init_engine(self):
        self._structure = None
        self._optimizer_name = None
        self._version = 0

    # -- the state string --------------------------------------------------------------

    @property
    def state(self):
        """Every setting and the seed as a short, URL-safe string (format in
        ``_playground_state``): ``Playground(state=...)`` or :meth:`from_state`
        rebuilds the same experiment, and trains it the same way."""
        return encode_state(self._p)

    @classmethod
    def from_state(cls, state, **options):
        """A new playground with the settings of the string ``state`` (keyword
        ``options`` are passed on: a parameter given there overrides the string's)."""
        return cls(state=state, **options)

    def _with_state(self, state, params):
        """``params`` over the settings of the string ``state``, if there is one."""
        if state is None:
            return params
        settings = decode_state(state)
        try:
            self._check(settings)
        except (TypeError, ValueError) as error:
            raise ValueError(f"`state` {state!r} has a bad setting: {error} Hint: "
                             "mend that key in the string, or give the parameter as a "
                             "keyword, which overrides the string's.") from None
        return {**settings, **params}

    # -- parameters --------------------------------------------------------------------

    def _check(self, p):
        return check_settings(p)

    def update(self, **params):
        """Apply ``params`` (rebuilding and resetting if a structural one changed)
        and return :meth:`snapshot`."""
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no parameter(s) "
                            f"{sorted(unknown)}; its parameters are "
                            f"{sorted(self.defaults)}.")
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
        self.result = self.snapshot()
        return self.result

    def _build(self, p):
        rng = np.random.default_rng(p["seed"])
        X, y = playground_data(p["dataset"], p["n_samples"], noise=p["noise"],
                               flip=p["flip"], rng=rng)
        n_train = round(p["train_ratio"] * p["n_samples"])
        self.X_train, self.y_train = X[:n_train], y[:n_train]
        self.X_test, self.y_test = X[n_train:], y[n_train:]
        self.n_classes = k = _n_classes(p["dataset"])  # 0: regression
        self.F_train = feature_map(self.X_train, p["features"])
        self.F_test = feature_map(self.X_test, p["features"])
        g = np.linspace(-EXTENT, EXTENT, GRID_SIZE)
        # row 0 at the top (largest x2), as imshow draws it
        gx, gy = np.meshgrid(g, g[::-1])
        self.F_grid = feature_map(np.column_stack([gx.ravel(), gy.ravel()]),
                                  p["features"])
        loss = p["loss"]
        n_out = 1 if (k <= 2 and loss != "cce") else k
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
        layers.append(Activation(LOSSES[loss] if k else "linear"))
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
        if not self.n_classes:
            return y[:, None].astype(np.float64)  # regression: the targets as they are
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
        shuffling); returns the snapshot."""
        self._restart()
        self.result = self.snapshot()
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
        (no snapshot computed); returns the epoch."""
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
        the new :meth:`snapshot`."""
        self.run_epochs(n_epochs)
        self.result = self.snapshot()
        return self.result

    # -- reading the network -----------------------------------------------------------

    def predict_proba(self, F):
        """Class probabilities, shape (n, n_classes),
        for feature rows ``F`` (tanh outputs mapped to [0, 1])."""
        self._need_classes("predict_proba")
        return self._proba(self.predict(F))

    def _proba(self, out):
        if self._p["loss"] == "mse":
            if out.shape[1] == 1:
                q = np.clip((out + 1) / 2, 0, 1)
                return np.hstack([1 - q, q])
            # scores in [-1, 1] -> a soft argmax, for the colours
            return softmax(4 * out, axis=1)
        if out.shape[1] == 1:
            return np.hstack([1 - out, out])
        return out

    def _need_classes(self, what):
        if not self.n_classes:
            raise ValueError(f"`{what}` needs a classification data set, but "
                             f"{self._p['dataset']!r} is a regression one. Hint: its "
                             "score is the mean squared error, history['test_loss'].")

    def predict(self, F):
        """The network's outputs, shape (n, n_outputs), for feature rows ``F``
        (evaluation mode: no dropout)."""
        with np.errstate(all="ignore"):
            self.model.eval()
            return self.model._forward(F)

    def accuracy(self, which="test"):
        """Fraction of correctly classified ``"train"`` or ``"test"`` points
        (classification data sets only)."""
        self._need_classes("accuracy")
        check_choice(which, "which", ("train", "test"), "subset")
        F, y = ((self.F_train, self.y_train) if which == "train"
                else (self.F_test, self.y_test))
        return float(np.mean(np.argmax(self.predict_proba(F), axis=1) == y))

    def snapshot(self):
        """The current state of training as a dict.

        Keys: ``epoch``; ``output`` (GRID_SIZE, GRID_SIZE, n_outputs), the network's
        output over the grid, row 0 at the top; ``proba`` (GRID_SIZE, GRID_SIZE,
        n_classes), the class probabilities over the grid (None for regression);
        ``image`` (GRID_SIZE, GRID_SIZE, 3), the map's colours (the class colours,
        paler where the network is less sure; for regression the output's value on
        the network view's scale, blue positive and orange negative; with
        ``discretize``, the predicted class or the output's sign at full strength);
        ``train_loss``, ``test_loss``, ``train_accuracy``, ``test_accuracy`` (None
        for regression); ``history`` (arrays ``epoch``, ``train_loss``,
        ``test_loss``); ``diverged``; ``version`` (changes when the data are
        rebuilt); ``nodes`` and ``weights``, the network view (copies).
        """
        output = self.predict(self.F_grid)
        classes = self.n_classes > 0
        proba = image = None
        if classes:
            proba = self._proba(output)
            if not np.isfinite(proba).all():
                proba = np.full_like(proba, 1.0 / proba.shape[1])
            k = proba.shape[1]
            colours = _COLOURS[:k]
            confidence = proba.max(axis=1, keepdims=True)
            if self._p["discretize"]:
                colours = colours[np.argmax(proba, axis=1)]
                strength = np.where(confidence > 1.0 / k, 0.7, 0.0)
            else:
                colours = proba @ colours
                # 1/k (undecided) -> white, certain -> 70 % of the class colour
                strength = 0.7 * (confidence - 1.0 / k) / (1.0 - 1.0 / k)
            image = 1.0 - strength * (1.0 - colours)
        else:
            value = output[:, 0]
            image = colour(np.sign(value) if self._p["discretize"] else value)
        hist = {key: np.asarray(v, dtype=float) for key, v in self.history.items()}
        grid = (GRID_SIZE, GRID_SIZE, -1)
        return {"epoch": self.epoch, "output": output.reshape(grid),
                "proba": proba.reshape(grid) if classes else None,
                "image": image.reshape(grid),
                "train_loss": hist["train_loss"][-1],
                "test_loss": hist["test_loss"][-1],
                "train_accuracy": self.accuracy("train") if classes else None,
                "test_accuracy": self.accuracy("test") if classes else None,
                "history": hist, "diverged": self.diverged, "version": self._version,
                "nodes": neuron_maps(self),
                "weights": [w.copy() for w in link_weights(self)]}
