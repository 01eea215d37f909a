r"""The playground's settings: what may be chosen, and the check of every choice.

Part of :mod:`nnlearn.explore.playground` (which re-exports every public name here);
numpy and nnlearn only.  :func:`check_settings` checks a whole set of the playground's
parameters at once (one parameter can be wrong only with another: ``"bce"`` needs a
data set of two classes) and returns them in their canonical types; the engine calls
it on every :meth:`~nnlearn.explore.playground.PlaygroundEngine.update`.

Losses and output units:

* classification: ``"mse"`` with a tanh output and targets :math:`\pm 1` (TensorFlow
  Playground's choice; one output per class and targets :math:`2\,\text{one-hot} - 1`
  for three classes), ``"bce"`` with a sigmoid output (two classes only), and
  ``"cce"`` with a softmax output, one unit per class;
* regression: ``"mse"`` only, with one linear output unit.
"""

from .._validation import check_choice, check_int, check_interval, check_positive
from ._playground_data import (
    DATASETS,
    REGRESSION_DATASETS,
    _check_features,
    _check_flip,
    _check_hidden,
    _n_classes,
)

__all__ = ["check_settings", "fitting_loss", "ACTIVATIONS", "LOSSES", "OPTIMIZERS"]

#: Hidden-layer activations offered.
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")

#: Losses offered, with the output activation each implies (for a regression data
#: set, ``"mse"`` has a linear output instead).
LOSSES = {"mse": "tanh", "bce": "sigmoid", "cce": "softmax"}

#: Optimizers offered.
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")


def fitting_loss(dataset, loss):
    """``loss`` if it can score data set ``dataset``, else the loss the widget
    switches to: ``"mse"`` for a regression data set, ``"cce"`` in place of
    ``"bce"`` for three classes.

    >>> fitting_loss("plane", "bce"), fitting_loss("gauss3", "bce")
    ('mse', 'cce')
    """
    k = _n_classes(dataset)
    if k == 0:
        return "mse"
    if k > 2 and loss == "bce":
        return "cce"
    return loss


def _check_flag(value, name):
    if not isinstance(value, bool):
        raise TypeError(f"`{name}` must be True or False, got "
                        f"{type(value).__name__} {value!r}.")
    return value


def check_settings(p):
    """The playground parameters ``p`` (a dict of all of them) checked together and
    in their canonical types; a ``ValueError`` or ``TypeError`` names the parameter,
    what was expected and what was given."""
    check_choice(p["dataset"], "dataset", DATASETS + REGRESSION_DATASETS, "data set",
                 kind="data set (`dataset`)")
    k = _n_classes(p["dataset"])
    noise = check_positive(p["noise"], "noise", allow_zero=True)
    flip = _check_flip(p["flip"], p["dataset"])
    train_ratio = check_interval(p["train_ratio"], "train_ratio", 0.0, 1.0,
                                 low_closed=False)
    n_samples = check_int(p["n_samples"], "n_samples", minimum=4)
    features = _check_features(p["features"])
    hidden = _check_hidden(p["hidden"])
    check_choice(p["activation"], "activation", ACTIVATIONS, "activation",
                 kind="activation (`activation`)")
    check_choice(p["loss"], "loss", tuple(LOSSES), "loss", kind="loss (`loss`)")
    if k == 0 and p["loss"] != "mse":
        raise ValueError(f"`loss` must be 'mse' for the regression data set "
                         f"{p['dataset']!r}, got {p['loss']!r}, a classification "
                         "loss. Hint: pass loss='mse' with it.")
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
    discretize = _check_flag(p["discretize"], "discretize")
    show_test = _check_flag(p["show_test"], "show_test")
    seed = check_int(p["seed"], "seed", minimum=0)
    n_train = round(train_ratio * n_samples)
    if not 1 <= n_train < n_samples:
        raise ValueError(f"`train_ratio` {train_ratio} leaves {n_train} of "
                         f"{n_samples} points for training; both the training and "
                         "the test set need at least one point.")
    return {**p, "noise": noise, "flip": flip, "train_ratio": train_ratio,
            "n_samples": n_samples, "features": features, "hidden": hidden, "lr": lr,
            "batch_size": batch_size, "l1": l1, "l2": l2, "dropout": dropout,
            "discretize": discretize, "show_test": show_test, "seed": seed}
