r"""The checks of :func:`nnlearn.training.fit` and :func:`~nnlearn.training.evaluate`,
and its divergence rule.

Everything here runs once per call (or once per epoch, in plain Python), never per
batch, so that validation costs a training run nothing measurable.  Messages name the
argument the user wrote (``X``, ``y``, ``loss``, ``metrics``, ...), not the internal
names of the loss.
"""

import math

import numpy as np

from . import metrics as metrics_module
from .activations import Sigmoid, Softmax, Step
from .layers import Activation
from .losses import BinaryCrossEntropy, CategoricalCrossEntropy, Loss
from .losses import get as get_loss
from .schedules import Schedule

#: The factor over the first epoch's loss at which a run has diverged (see
#: :func:`loss_has_exploded`).
GROWTH_FACTOR = 1e6
#: The growth within the last ``WINDOW`` epochs that makes that growth an explosion, not
#: a slow drift.
WINDOW_FACTOR = 1e3
#: The number of epochs of that window.
WINDOW = 10
#: For the cross-entropies, whose clipped loss cannot grow that much, the two bounds of
#: the rule.
CE_GROWTH_FACTOR = 10.0
CE_CHANCE_MULTIPLE = 10.0


def check_loss(loss):
    """``loss`` as a Loss object; a clear error naming ``loss`` otherwise."""
    if not isinstance(loss, (str, Loss)):
        raise TypeError("`loss` must be a loss name such as 'mse', 'bce' or 'cce', or "
                        "a Loss object (nnlearn.losses.get('cce', from_logits=True)), "
                        f"got {type(loss).__name__} {loss!r}.")
    return get_loss(loss)


def check_metrics(metrics):
    """``metrics`` as a dict name -> function; a list (or tuple) is required."""
    hint = 'Hint: pass a list, e.g. metrics=["accuracy"]; metrics=() for none.'
    if isinstance(metrics, str):
        raise TypeError("`metrics` must be a list of metric names or functions, "
                        f"got the string {metrics!r}. "
                        f'Hint: metrics=["{metrics}"].')
    if metrics is None or callable(metrics) or not isinstance(metrics, (list, tuple)):
        raise TypeError(f"`metrics` must be a list of metric names or functions, got "
                        f"{type(metrics).__name__} {metrics!r}. {hint}")
    table = {}
    for i, m in enumerate(metrics):
        if not (isinstance(m, str) or callable(m)):
            raise TypeError(f"`metrics[{i}]` must be a metric name such as 'accuracy' "
                            "or a function f(y_pred, y_true, *, logits), got "
                            f"{type(m).__name__} {m!r}.")
        name = m if isinstance(m, str) else getattr(m, "__name__", "metric")
        table[name] = metrics_module.get(m)
    return table


def check_callbacks(callbacks):
    """``callbacks`` as a list of callables."""
    if callbacks is None or callable(callbacks) or isinstance(callbacks, (str, bytes)) \
            or not isinstance(callbacks, (list, tuple)):
        hint = ("wrap the function in a list, "
                f"callbacks=[{getattr(callbacks, '__name__', 'f')}]"
                if callable(callbacks) else "callbacks=() for none")
        raise TypeError("`callbacks` must be a list of functions "
                        f"callback(model, history), got {type(callbacks).__name__} "
                        f"{callbacks!r}. Hint: {hint}.")
    for i, callback in enumerate(callbacks):
        if not callable(callback):
            raise TypeError(f"`callbacks[{i}]` must be callable as "
                            f"callback(model, history), got {callback!r}.")
    return list(callbacks)


def check_schedule(schedule, optimizer):
    """``schedule`` (None, or a Schedule built on ``optimizer`` itself)."""
    if schedule is None:
        return None
    if not isinstance(schedule, Schedule):
        raise TypeError("`schedule` must be a learning-rate schedule such as "
                        "nnlearn.schedules.StepLR(optimizer, step_size=30), got "
                        f"{type(schedule).__name__} {schedule!r}.")
    if schedule.optimizer is not optimizer:
        raise ValueError(f"`schedule` must be built on the `optimizer` passed to fit, "
                         f"got a schedule of {schedule.optimizer!r} (another object) "
                         f"while optimizer={optimizer!r}. Hint: build the schedule "
                         "on the same optimizer: opt = SGD(lr=0.1); "
                         "fit(..., optimizer=opt, schedule=StepLR(opt, 30)).")
    return schedule


def check_flag(value, name):
    """``value`` as a bool; only True/False (numpy's too) are accepted, not strings or
    numbers."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False, got "
                        f"{type(value).__name__} {value!r}.")
    return bool(value)


def check_finite_model(theta):
    """A model must start training from finite weights (else the first loss is NaN, not
    the learning rate's fault)."""
    if theta.size and not np.isfinite(theta).all():
        n_bad = int(theta.size - np.count_nonzero(np.isfinite(theta)))
        raise ValueError(f"`model` must have finite parameters, got {n_bad} NaN or "
                         f"infinite of {theta.size}. Hint: rebuild the model "
                         "(or load a saved one) instead of training a broken one.")


def check_not_empty(X, name):
    if X.shape[0] == 0:
        raise ValueError(f"`{name}` must hold at least one sample, got an array of "
                         f"shape {X.shape}. Hint: check the data loading or the "
                         "train/test split.")


def rename_loss_error(exc, y_name, prefix=""):
    """The loss's own error about ``y_true``/``y_pred``, reworded for the caller's
    ``y``."""
    text = str(exc).replace("`y_true`", f"`{y_name}`").replace("y_true", y_name)
    text = text.replace("`y_pred`", "the model's output").replace("y_pred", "output")
    return type(exc)(prefix + text)


def check_target_rows(loss, y, y_name):
    """Categorical cross-entropy targets given as rows must be probability rows (each
    summing to 1)."""
    if not isinstance(loss, CategoricalCrossEntropy) or np.ndim(y) != 2 or not y.size:
        return
    sums = y.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1) > 1e-6 * max(1, y.shape[1]))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"`{y_name}` rows must be one-hot or probability rows summing "
                         f"to 1 for 'cce', got {bad.size} "
                         f"row{'s' if bad.size != 1 else ''} that do not "
                         f"(row {i} sums to {sums[i]:.6g}). Hint: pass integer class "
                         "labels of shape (n_samples,), or one-hot rows "
                         "(nnlearn.one_hot(labels)).")


def output_problem(model, loss):
    """The probability losses need the right output activation: return a message, or
    None if fine/unknown.

    Decided from the model's last layer, before any data is seen.  ``"unknown"`` (a
    custom or a Dropout last layer) returns the string ``"check"``: then the outputs of
    the first batch are checked instead.
    """
    if (not isinstance(loss, (BinaryCrossEntropy, CategoricalCrossEntropy))
            or loss.from_logits):
        return None
    last = model.layers[-1]
    if isinstance(last, Activation):
        act = last.activation
        if (isinstance(loss, BinaryCrossEntropy)
                and isinstance(act, (Sigmoid, Softmax, Step))):
            return None
        if isinstance(loss, CategoricalCrossEntropy) and isinstance(act, Softmax):
            return None
        return _probability_message(loss, f"output activation {act.name!r}")
    if last.params:
        return _probability_message(
            loss, f"no output activation (the model ends in {type(last).__name__})")
    return "check"


def _probability_message(loss, what, detail=""):
    want = "sigmoid" if isinstance(loss, BinaryCrossEntropy) else "softmax"
    name = loss.name
    rows = " (rows summing to 1)" if want == "softmax" else ""
    return (f"`loss` {name!r} expects probabilities{rows} from the model, but the "
            f"model has {what}{detail}. Hint: build the model with "
            f'output_activation="{want}" (MLP) or end it with Activation("{want}"), '
            "or keep raw scores and use "
            f'loss=nnlearn.losses.get("{name}", from_logits=True).')


def check_outputs(loss, out, model):
    """The first batch's outputs of a model whose last layer does not say whether they
    are probabilities."""
    lo, hi = float(np.min(out)), float(np.max(out))
    detail = ""
    if not (0.0 <= lo and hi <= 1.0):
        detail = (f": its outputs on the first batch range from {lo:.4g} to {hi:.4g}, "
                  "outside [0, 1]")
    elif isinstance(loss, CategoricalCrossEntropy) and out.ndim == 2:
        sums = out.sum(axis=1)
        if np.abs(sums - 1).max() > 1e-4:
            detail = (f": its output rows on the first batch sum to {sums.min():.4g} "
                      f"... {sums.max():.4g}, not 1")
    if detail:
        what = f"a last layer {type(model.layers[-1]).__name__}"
        raise ValueError(_probability_message(loss, what, detail))


def loss_has_exploded(loss, value, first, earlier, n_classes):
    r"""The divergence rule for runs that explode without overflowing (Adam at an absurd
    learning rate).

    ``value`` is an epoch's training loss, ``first`` the first epoch's and ``earlier``
    the loss ``WINDOW`` (10) epochs before (the first epoch's if there are fewer).  The
    run has diverged when

    * the loss has grown fast by orders of magnitude: ``value > GROWTH_FACTOR * first``
      (:math:`10^6`, six orders of magnitude above where it started) **and**
      ``value > WINDOW_FACTOR * earlier`` (:math:`10^3` within the last 10 epochs).  The
      second condition leaves a slow geometric drift alone, such as gradient descent
      just above its stability limit (Chapter 8 lets one run for 2000 epochs); it ends
      in an overflow, or at the last epoch, as before.  Or,
    * for the cross-entropies, whose loss is bounded by the clipping of probabilities
      (about 36 nats for ``"bce"``, 708 for ``"cce"``) and so cannot grow that much:
      ``value > CE_GROWTH_FACTOR * first`` (10 times) **and**
      ``value > CE_CHANCE_MULTIPLE * log(K)`` (10 times the loss of guessing uniformly
      among :math:`K` classes, :math:`K = 2` for ``"bce"``): confidently wrong on
      average, which no healthy run reaches.

    A first epoch at loss 0 switches the rule off.  A healthy run may spike (momentum,
    Adam, the catapult phase of a high learning rate), but not a millionfold over its
    first epoch.
    """
    if not first > 0:  # a first epoch at loss 0 gives no scale to grow from
        return False
    if (isinstance(loss, (BinaryCrossEntropy, CategoricalCrossEntropy))
            and value > CE_GROWTH_FACTOR * first
            and value > CE_CHANCE_MULTIPLE * math.log(max(n_classes, 2))):
        return True
    return value > GROWTH_FACTOR * first and value > WINDOW_FACTOR * earlier


def explosion_threshold(loss, first, n_classes):
    """A loss at or below which :func:`loss_has_exploded` is False (computed once; the
    loop compares floats)."""
    if not first > 0:
        return math.inf
    limit = GROWTH_FACTOR * first
    if isinstance(loss, (BinaryCrossEntropy, CategoricalCrossEntropy)):
        chance = CE_CHANCE_MULTIPLE * math.log(max(n_classes, 2))
        limit = min(limit, max(CE_GROWTH_FACTOR * first, chance))
    return limit


def optimizer_state_is_broken(optimizer):
    """True if an optimizer's buffers (momentum, running averages) hold NaN or inf."""
    for state in optimizer.state or ():
        for value in state.values():
            if (isinstance(value, np.ndarray) and value.dtype.kind == "f"
                    and not np.isfinite(value).all()):
                return True
    return False
