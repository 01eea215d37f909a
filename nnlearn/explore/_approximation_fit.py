r"""The networks of :class:`~nnlearn.explore.approximation.ApproximationExplorer`:
one hidden layer built, trained and read unit by unit, and the cache of trained fits.

Part of :mod:`nnlearn.explore.approximation`, which re-exports every public name here
(the module's docstring says how the networks are trained); numpy and nnlearn only.
"""

import functools
from dataclasses import dataclass

import numpy as np

from .._validation import check_array, check_choice, check_int, check_range, check_rng
from ..datasets import FUNCTIONS, function_samples
from ..layers import Activation, Dense
from ..network import MLP, Sequential
from ..optim import Adam
from ..training import evaluate, fit

__all__ = ["TargetFit", "one_hidden_layer", "train_one_hidden_layer",
           "unit_contributions", "approximation_error", "fit_target", "TARGETS",
           "WIDTHS", "HIDDEN_ACTIVATIONS", "X_RANGE", "N_SAMPLES", "EPOCHS", "LR",
           "RESTARTS", "GRID"]

#: The target functions offered, the keys of :data:`nnlearn.datasets.FUNCTIONS`.
TARGETS = tuple(FUNCTIONS)

#: The hidden-layer widths :math:`m` trained for every target.
WIDTHS = (1, 2, 4, 8, 16, 32)

#: Hidden activations offered.
HIDDEN_ACTIVATIONS = ("relu", "tanh")

#: The input interval of the data and of the error.
X_RANGE = (-3.0, 3.0)

#: Number of training samples per target.
N_SAMPLES = 200

#: Epochs of full-batch training per network in :func:`fit_target`.
EPOCHS = 2000

#: Adam's learning rate in :func:`fit_target`.
LR = 0.02

#: Networks trained per target and width in :func:`fit_target` (the one with the lowest
#: training loss is kept).
RESTARTS = 3

#: The 601 evenly spaced points of :data:`X_RANGE` where the target, the fit and the
#: units are evaluated and the error is measured.
GRID = np.linspace(*X_RANGE, 601)


def one_hidden_layer(n_hidden, *, activation="relu", x_range=X_RANGE, rng=None):
    r"""``MLP([1, n_hidden, 1])``: hidden units centred at random points of ``x_range``.

    The weights are :class:`~nnlearn.network.MLP`'s defaults (Xavier uniform);
    then each hidden bias is set to :math:`b_j = -w_j u_j` with
    :math:`u_j \sim U(\text{low}, \text{high})`, so that unit :math:`j`'s
    pre-activation :math:`w_j x + b_j` is zero at :math:`x = u_j`: a ReLU unit has
    its kink there, a tanh unit its midpoint.  (With zero biases every unit
    would start centred at :math:`x = 0`.)

    Parameters
    ----------
    n_hidden : int
        Number of hidden units :math:`m \ge 1`.
    activation : str, default "relu"
        Hidden activation, e.g. ``"relu"`` or ``"tanh"``; the output is linear.
    x_range : (float, float), default :data:`X_RANGE`
        Interval the centres :math:`u_j` are drawn from.
    rng : None, int or numpy.random.Generator
        Randomness for the weights, then for the centres.

    Returns
    -------
    MLP

    Examples
    --------
    >>> net = one_hidden_layer(4, rng=0)
    >>> W, b = net[0].params["W"][0], net[0].params["b"]
    >>> centres = -b / W
    >>> bool(np.all((-3 <= centres) & (centres <= 3)))
    True
    """
    n_hidden = check_int(n_hidden, "n_hidden", minimum=1)
    low, high = check_range(x_range, "x_range")
    rng = check_rng(rng)
    net = MLP([1, n_hidden, 1], activation=activation, rng=rng)
    centres = rng.uniform(low, high, size=n_hidden)
    net[0].params["b"][:] = -net[0].params["W"][0] * centres
    return net


def train_one_hidden_layer(X, y, n_hidden, *, activation="relu", x_range=X_RANGE,
                           epochs=EPOCHS, lr=LR, restarts=RESTARTS, rng=None):
    """Train ``restarts`` networks on ``(X, y)``; return the best and every final loss.

    Each restart builds :func:`one_hidden_layer` from the same generator (so the
    restarts differ and one seed fixes them all) and trains it with
    :func:`nnlearn.training.fit`: mean squared error, ``Adam(lr)``, full batch,
    ``epochs`` epochs.  The network kept is the one with the lowest final
    training loss.

    Parameters
    ----------
    X : ndarray, shape (n_samples, 1)
    y : ndarray, shape (n_samples, 1)
    n_hidden : int
        Number of hidden units.
    activation : str, default "relu"
    x_range : (float, float), default :data:`X_RANGE`
        Where the hidden units start (see :func:`one_hidden_layer`).
    epochs : int, default :data:`EPOCHS`
    lr : float, default :data:`LR`
    restarts : int, default :data:`RESTARTS`
    rng : None, int or numpy.random.Generator

    Returns
    -------
    net : MLP
        The trained network with the lowest training loss.
    losses : ndarray, shape (restarts,)
        The final training loss (mean squared error) of every restart, in order.
    """
    restarts = check_int(restarts, "restarts", minimum=1)
    rng = check_rng(rng)
    best, losses = None, []
    for _ in range(restarts):
        net = one_hidden_layer(n_hidden, activation=activation, x_range=x_range,
                               rng=rng)
        fit(net, X, y, loss="mse", optimizer=Adam(lr), epochs=epochs, rng=rng,
            progress=False)
        losses.append(evaluate(net, X, y, loss="mse")["loss"])
        if best is None or losses[-1] < min(losses[:-1]):
            best = net
    return best, np.array(losses)


def _check_one_hidden_layer(net):
    layers = getattr(net, "layers", None)
    if (not isinstance(net, Sequential) or len(layers) != 3
            or not isinstance(layers[0], Dense) or not isinstance(layers[1], Activation)
            or not isinstance(layers[2], Dense)
            or layers[0].n_in != 1 or layers[2].n_out != 1):
        raise TypeError("`net` must be a network with one input, one hidden layer and "
                        "one linear output, Dense(1, m) -> Activation -> Dense(m, 1) "
                        f"such as MLP([1, m, 1]), got {net!r}.")
    return layers


def unit_contributions(net, x):
    r"""Each hidden unit's share :math:`v_j f(w_j x + b_j)` of a one-hidden-layer net.

    Parameters
    ----------
    net : Sequential
        ``Dense(1, m)``, an activation, ``Dense(m, 1)`` (e.g. ``MLP([1, m, 1])``).
    x : array_like, shape (n_points,)
        Inputs.

    Returns
    -------
    units : ndarray, shape (n_points, m)
        Column :math:`j` is :math:`v_j f(w_j x + b_j)`.
    c : float
        The output bias; the network's output is ``c + units.sum(axis=1)``.
    """
    hidden, activation, output = _check_one_hidden_layer(net)
    x = check_array(x, "x", ndim=1)
    A = activation.activation(x[:, None] * hidden.params["W"][0]
                              + hidden.params["b"])
    return A * output.params["W"][:, 0], float(output.params["b"][0])


def approximation_error(net, target, x=GRID):
    r"""Root-mean-square and largest error of ``net`` against ``target`` at ``x``.

    Returns ``(rmse, max_error)`` with
    :math:`\mathrm{rmse} = \sqrt{\frac1P \sum_p (F(x_p) - f^\star(x_p))^2}` and
    :math:`\max_p |F(x_p) - f^\star(x_p)|` over the :math:`P` points; on the
    evenly spaced :data:`GRID` the first approximates the :math:`L^2` error
    over the interval (divided by the square root of its length) and the
    second the uniform error.  ``target`` is a name of :data:`TARGETS` or a
    function.
    """
    f = FUNCTIONS[_check_target(target)] if isinstance(target, str) else target
    x = check_array(x, "x", ndim=1)
    diff = net.predict(x[:, None]).ravel() - f(x)
    return float(np.sqrt(np.mean(diff ** 2))), float(np.max(np.abs(diff)))


@dataclass(frozen=True)
class TargetFit:
    """A network of :func:`fit_target`: its data, the network, every restart's loss.

    The network is shared through the cache: evaluate it, do not train it further.
    """

    target: str
    n_hidden: int
    activation: str
    X: np.ndarray
    y: np.ndarray
    net: MLP
    restart_losses: np.ndarray

    @property
    def train_loss(self):
        """Training loss (mean squared error) of the chosen network."""
        return float(self.restart_losses.min())


def fit_target(target, n_hidden, activation="relu"):
    """The trained network of the explorer and the chapter for a target and width.

    Data ``function_samples(target, N_SAMPLES, rng=0)``; network
    ``train_one_hidden_layer(X, y, n_hidden, activation=activation, rng=0)``
    with the module's :data:`EPOCHS`, :data:`LR` and :data:`RESTARTS`.  The
    first call for a combination trains (a fraction of a second); later calls
    return the same :class:`TargetFit` (cached).

    Parameters
    ----------
    target : str
        One of :data:`TARGETS`.
    n_hidden : int
        Number of hidden units, at least 1.
    activation : str, default "relu"
        One of :data:`HIDDEN_ACTIVATIONS`.

    Returns
    -------
    TargetFit
    """
    target = _check_target(target)
    n_hidden = check_int(n_hidden, "n_hidden", minimum=1)
    activation = _check_activation(activation)
    return _fit_target(target, n_hidden, activation)


@functools.lru_cache(maxsize=None)
def _fit_target(target, n_hidden, activation):
    X, y = function_samples(target, N_SAMPLES, x_range=X_RANGE, rng=0)
    net, losses = train_one_hidden_layer(X, y, n_hidden, activation=activation, rng=0)
    for array in (X, y, losses):
        array.flags.writeable = False
    return TargetFit(target, n_hidden, activation, X, y, net, losses)


@functools.lru_cache(maxsize=None)
def _evaluated(target, n_hidden, activation):
    """What the explorer shows of one trained network on :data:`GRID` (computed once).

    Returns ``(target_values, fit, units, bias, rmse, max_error)``, the arrays
    read-only: they are shared by every update that shows this network.
    """
    net = _fit_target(target, n_hidden, activation).net
    target_values = FUNCTIONS[target](GRID)
    fit = net.predict(GRID[:, None]).ravel()
    units, bias = unit_contributions(net, GRID)
    rmse, max_error = approximation_error(net, target)
    for array in (target_values, fit, units):
        array.flags.writeable = False
    return target_values, fit, units, bias, rmse, max_error


def _check_target(target):
    return check_choice(target, "target", TARGETS, "function", "target function")


def _check_activation(activation):
    return check_choice(activation, "activation", HIDDEN_ACTIVATIONS, "activation",
                        "hidden activation")


def _check_width(n_hidden):
    n_hidden = check_int(n_hidden, "n_hidden")
    if n_hidden not in WIDTHS:
        raise ValueError(f"`n_hidden` must be one of the trained widths "
                         f"{list(WIDTHS)}, got {n_hidden}. For another width call "
                         "fit_target(target, n_hidden) directly.")
    return n_hidden
