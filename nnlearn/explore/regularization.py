r"""Overfitting and its cures on one small noisy regression problem.

The chapter "Overfitting and regularization" and :class:`RegularizationExplorer`
share one experiment, defined here so that both train exactly the same networks:

* data: :data:`N_TRAIN` training and :data:`N_VAL` validation samples of
  :math:`y = \sin x + \varepsilon`,
  :math:`\varepsilon \sim \mathcal N(0, \text{NOISE}^2)`, drawn by
  :func:`nnlearn.datasets.function_samples` with seeds ``seed`` and ``seed + 1000``;
* network (:func:`make_network`): ``Dense(1, m)``, tanh, [Dropout(p)],
  ``Dense(m, m)``, tanh, [Dropout(p)], ``Dense(m, 1)``; two hidden layers of width
  :math:`m`;
* training (:func:`train_network`): mean squared error, Adam with learning rate
  :data:`LR`, full batch, :data:`EPOCHS` epochs, optionally with an L2 penalty
  ``l2`` (:math:`\lambda`) and early stopping.

Design choice: trained once, cached.  One training run takes about 0.3 s, more
than the 50 ms a redraw may take, so :func:`cached_fit` keeps every trained
configuration of the grid (:data:`WIDTHS` x :data:`L2S` x :data:`DROPOUTS`) in a
module-level cache; fixed seeds make a configuration the same in every session.
The first visit of a configuration trains it; every later redraw only reads the
cache.

>>> X_train, y_train, X_val, y_val = regularization_data()
>>> X_train.shape, X_val.shape
((20, 1), (100, 1))
>>> len(make_network(4, p=0.2)), len(make_network(4))
(7, 5)
"""

import functools
from dataclasses import dataclass

import numpy as np

from .._validation import check_int, check_interval, check_positive
from ..datasets import function_samples
from ..layers import Activation, Dense, Dropout
from ..network import Sequential
from ..optim import Adam
from ..training import evaluate, fit
from ._layers import LayeredExplorer

__all__ = ["RegularizationExplorer", "RegularizedFit", "regularization_data",
           "make_network", "train_network", "cached_fit", "WIDTHS", "L2S", "DROPOUTS",
           "N_TRAIN", "N_VAL", "NOISE", "SEED", "EPOCHS", "LR", "GRID"]

#: Hidden-layer widths offered by the explorer.
WIDTHS = (1, 2, 4, 8, 16, 64)

#: L2 strengths :math:`\lambda` offered by the explorer.
L2S = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1)

#: Dropout probabilities offered by the explorer.
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.5)

#: Number of training samples.
N_TRAIN = 20

#: Number of validation samples.
N_VAL = 100

#: Standard deviation of the Gaussian noise on the targets.
NOISE = 0.3

#: The seed of the data, the weights, the dropout masks and the shuffling.
SEED = 1

#: Epochs of full-batch training.
EPOCHS = 2000

#: Adam's learning rate.
LR = 0.01

_PLOT_EVERY = 10

#: Inputs at which fitted curves are evaluated.
GRID = np.linspace(-3.0, 3.0, 200)


def regularization_data(n_train=N_TRAIN, *, seed=SEED):
    """The training and validation sets: noisy samples of :math:`\\sin x` on [-3, 3].

    Parameters
    ----------
    n_train : int, default :data:`N_TRAIN`
        Number of training samples (the validation set always has :data:`N_VAL`).
    seed : int, default :data:`SEED`
        The training set uses ``seed``, the validation set ``seed + 1000``.

    Returns
    -------
    X_train, y_train, X_val, y_val : ndarray of shape (n, 1)
    """
    n_train = check_int(n_train, "n_train", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    X_train, y_train = function_samples("sin", n_train, noise=NOISE, rng=seed)
    X_val, y_val = function_samples("sin", N_VAL, noise=NOISE, rng=seed + 1000)
    return X_train, y_train, X_val, y_val


def make_network(width, *, p=0.0, rng=SEED):
    """Two tanh hidden layers of ``width`` units and a linear output.

    Each hidden layer is followed by ``Dropout(p)`` if ``p > 0``.

    Parameters
    ----------
    width : int
        Units per hidden layer.
    p : float in [0, 1)
        Dropout probability (0: no dropout layers).
    rng : None, int or numpy.random.Generator
        One generator for the weights and the dropout masks, drawn from in layer
        order.

    Returns
    -------
    Sequential
    """
    width = check_int(width, "width", minimum=1)
    p = check_interval(p, "p", 0.0, 1.0)
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    layers = [Dense(1, width, rng=rng), Activation("tanh")]
    if p > 0:
        layers.append(Dropout(p, rng=rng))
    layers += [Dense(width, width, rng=rng), Activation("tanh")]
    if p > 0:
        layers.append(Dropout(p, rng=rng))
    layers.append(Dense(width, 1, rng=rng))
    return Sequential(layers)


def train_network(width, *, l2=0.0, p=0.0, n_train=N_TRAIN, epochs=EPOCHS,
                  early_stopping=None, seed=SEED):
    """Train :func:`make_network` on :func:`regularization_data` as the chapter does.

    Mean squared error, ``Adam(LR)``, full batch, validation loss recorded every
    epoch.

    Parameters
    ----------
    width : int
    l2 : float, default 0
        L2 strength :math:`\\lambda` (weights only, not biases).
    p : float in [0, 1), default 0
        Dropout probability.
    n_train : int, default :data:`N_TRAIN`
    epochs : int, default :data:`EPOCHS`
    early_stopping : EarlyStopping, int or None
        Passed on to :func:`nnlearn.training.fit`.
    seed : int, default :data:`SEED`

    Returns
    -------
    net : Sequential
        The trained network.
    history : History
        With ``"loss"`` and ``"val_loss"``.
    """
    l2 = check_positive(l2, "l2", allow_zero=True)
    X_train, y_train, X_val, y_val = regularization_data(n_train, seed=seed)
    net = make_network(width, p=p, rng=seed)
    history = fit(net, X_train, y_train, loss="mse", optimizer=Adam(LR), epochs=epochs,
                  l2=l2, validation_data=(X_val, y_val), early_stopping=early_stopping,
                  rng=seed, progress=False)
    return net, history


@dataclass(frozen=True)
class RegularizedFit:
    """One trained configuration: its curve on :data:`GRID`, losses and loss curves."""

    width: int
    l2: float
    p: float
    curve: np.ndarray
    train_loss: float
    val_loss: float
    loss_history: np.ndarray
    val_loss_history: np.ndarray


@functools.lru_cache(maxsize=None)
def _cached(width, l2, p):
    net, history = train_network(width, l2=l2, p=p)
    X_train, y_train, X_val, y_val = regularization_data()
    curve = net.predict(GRID[:, None]).ravel()
    curve.setflags(write=False)
    loss, val = history.loss, history.val_loss
    loss.setflags(write=False)
    val.setflags(write=False)
    train_loss = float(evaluate(net, X_train, y_train, loss="mse")["loss"])
    val_loss = float(evaluate(net, X_val, y_val, loss="mse")["loss"])
    return RegularizedFit(width, l2, p, curve, train_loss, val_loss, loss, val)


def cached_fit(width, l2, p):
    """The :class:`RegularizedFit` of ``train_network(width, l2=l2, p=p)`` (cached).

    Trained on first use.  ``width``, ``l2`` and ``p`` must be values of
    :data:`WIDTHS`, :data:`L2S` and :data:`DROPOUTS`.
    """
    for name, value, grid in (("width", width, WIDTHS), ("l2", l2, L2S),
                              ("p", p, DROPOUTS)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer,
                                                             np.floating)):
            raise TypeError(f"`{name}` must be a number, one of {grid}, got "
                            f"{type(value).__name__} {value!r}.")
        if value not in grid:
            raise ValueError(f"`{name}` must be one of {grid} (the explorer's trained "
                             f"grid), got {value!r}.")
    return _cached(int(width), float(l2), float(p))


class RegularizationExplorer(LayeredExplorer):
    """Width, L2 strength and dropout against the fitted curve and the train/validation
    loss curves.

    ``update(width, l2, p)`` returns ``{"x", "curve", "train_loss", "val_loss", "gap",
    "epochs", "loss_history", "val_loss_history"}`` from :func:`cached_fit`.
    """

    defaults = {"width": 64, "l2": 0.0, "p": 0.0}

    def update(self, width, l2, p):
        fit_ = cached_fit(width, l2, p)
        self.result = {"x": GRID, "curve": fit_.curve, "train_loss": fit_.train_loss,
                       "val_loss": fit_.val_loss,
                       "gap": fit_.val_loss - fit_.train_loss,
                       "epochs": np.arange(1, len(fit_.loss_history) + 1),
                       "loss_history": fit_.loss_history,
                       "val_loss_history": fit_.val_loss_history}
        return self.result

    def _init_figure(self, fig):
        X_train, y_train, X_val, y_val = regularization_data()
        ax_fit, ax_loss = fig.subplots(1, 2)
        ax_fit.plot(X_val.ravel(), y_val.ravel(), "o", ms=3, color="#56B4E9",
                    label="validation")
        ax_fit.plot(X_train.ravel(), y_train.ravel(), "o", ms=5, color="#0072B2",
                    label="training")
        ax_fit.plot(GRID, np.sin(GRID), color="black", linestyle="--", linewidth=1,
                    label="sin x")
        (self._curve,) = ax_fit.plot(GRID, np.zeros_like(GRID), color="#D55E00",
                                     linewidth=2, label="network")
        ax_fit.set(xlim=(-3, 3), ylim=(-2, 2), xlabel="x", ylabel="y")
        ax_fit.legend(loc="lower right", fontsize="small")
        epochs = np.arange(1, EPOCHS + 1, _PLOT_EVERY)
        (self._train_line,) = ax_loss.plot(epochs, np.ones(len(epochs)),
                                           color="#0072B2", label="training loss")
        (self._val_line,) = ax_loss.plot(epochs, np.ones(len(epochs)), color="#D55E00",
                                         label="validation loss")
        ax_loss.set(xlim=(1, EPOCHS), ylim=(1e-3, 2), yscale="log", xlabel="epoch",
                    ylabel="mean squared error")
        ax_loss.set_yticks([1e-3, 1e-2, 1e-1, 1.0])
        # fixed ticks: the tick locators would otherwise cost more than the curves
        ax_loss.minorticks_off()
        ax_fit.set_xticks([-3, -2, -1, 0, 1, 2, 3])
        ax_fit.set_yticks([-2, -1, 0, 1, 2])
        ax_loss.set_xticks([0, 500, 1000, 1500, 2000])
        ax_loss.legend(loc="lower left", fontsize="small")
        self._title = ax_loss.set_title(" ", fontsize="small")
        # What _draw changes; a redraw draws only these (see LayeredExplorer).
        self._dynamic_artists = [self._curve, self._train_line, self._val_line,
                                 self._title]

    def _draw(self, result):
        self._curve.set_ydata(result["curve"])
        # 200 points per curve draw as fast as 2000 and look the same
        step = slice(None, None, _PLOT_EVERY)
        self._train_line.set_data(result["epochs"][step], result["loss_history"][step])
        self._val_line.set_data(result["epochs"][step],
                                result["val_loss_history"][step])
        self._title.set_text(f"train {result['train_loss']:.3f}, "
                             f"validation {result['val_loss']:.3f}")

    def _controls(self):
        import ipywidgets as widgets

        return {"width": widgets.SelectionSlider(options=list(WIDTHS),
                                                 value=self.params["width"],
                                                 description="width"),
                "l2": widgets.SelectionSlider(options=list(L2S),
                                              value=self.params["l2"], description="λ"),
                "p": widgets.SelectionSlider(options=list(DROPOUTS),
                                             value=self.params["p"],
                                             description="dropout p")}
