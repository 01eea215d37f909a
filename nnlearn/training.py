r"""Training: the loop that turns data, a loss and an optimizer into a trained network.

:func:`fit` repeats, for every epoch and every batch of the (shuffled) data,

1. forward propagation: :math:`\hat y = f(X_{\text{batch}}; \theta)`;
2. the loss :math:`L(\hat y, y_{\text{batch}})` and its gradient
   :math:`\partial L/\partial \hat y`;
3. backpropagation: :math:`\partial L/\partial \theta` for every parameter;
4. an optimizer step:
   :math:`\theta \leftarrow \theta - \eta\,\partial L/\partial \theta`
   or a refinement of it.

``batch_size=None`` uses all samples at once (batch gradient descent),
``batch_size=1`` one sample at a time (stochastic gradient descent), anything
in between is mini-batch gradient descent.

The loop checks its inputs once, then calls the layers' unchecked methods; it
folds a sigmoid output into binary cross-entropy and a softmax output into
categorical cross-entropy, whose combined gradient with respect to the
output layer's input is simply :math:`(p - y)/N`; and it updates all
parameters as one vector (:meth:`~nnlearn.network.Sequential.flat_parameters`).

Its parts: the checks of the arguments, run once before the first epoch, are in
``nnlearn._fit_arguments`` and ``nnlearn._fit_checks``; ``History``,
``EarlyStopping`` and the progress bar are in :mod:`nnlearn.callbacks`.  This module
holds :func:`fit`, its loop and :func:`evaluate`.
"""

import numpy as np

from . import _fit_checks as checks
from ._fit_arguments import FitArguments
from ._fit_arguments import check_input_named as _check_input_named
from .activations import Sigmoid, Softmax
from .callbacks import EarlyStopping, History, _progress_bar
from .layers import Activation
from .losses import BinaryCrossEntropy, CategoricalCrossEntropy
from .network import Sequential

__all__ = ["fit", "evaluate", "History", "EarlyStopping", "DivergenceError"]


class DivergenceError(FloatingPointError):
    """Raised when training diverges: the loss or a parameter becomes NaN or infinite,
    or the loss explodes.

    "Explodes" is the rule of ``nnlearn._fit_checks.loss_has_exploded``: an epoch's loss
    more than :math:`10^6` times the first epoch's and :math:`10^3` times that of 10
    epochs before (for the cross-entropies, 10 times the first epoch's and above 10
    times the chance level).  :func:`fit` leaves the model at the last finite weights,
    those of the end of the last epoch that passed (the initial weights if the first
    epoch diverged), never holding NaN or inf.

    Attributes
    ----------
    epoch : int
        The epoch in which training diverged (counted from 1).
    history : History
        The record of the epochs completed before it.
    """

    def __init__(self, message, epoch=None, history=None):
        super().__init__(message)
        self.epoch = epoch
        self.history = history


def fit(model, X, y, *, loss, optimizer, epochs, batch_size=None, shuffle=True,
        validation_data=None, early_stopping=None, l2=0.0, l1=0.0, metrics=(), rng=None,
        progress=True, callbacks=(), schedule=None):
    r"""Train ``model`` on ``(X, y)`` by gradient descent; returns a :class:`History`.

    Parameters
    ----------
    model : Sequential
        The network (an :class:`~nnlearn.network.MLP` or any
        :class:`~nnlearn.network.Sequential`); trained in place.
    X : ndarray, shape (n_samples, n_features)
    y : ndarray
        Targets as ``loss`` expects them: shape (n_samples, n_outputs), or
        integer labels of shape (n_samples,) for ``"cce"``.
    loss : str or Loss
        E.g. ``"mse"``, ``"bce"``, ``"cce"`` or a :class:`~nnlearn.losses.Loss`.
    optimizer : Optimizer
        E.g. ``nnlearn.optim.SGD(lr=0.1)``; its state carries over between calls.
    epochs : int
        Number of passes over the training data.
    batch_size : int or None, default None
        Samples per gradient step: None for batch gradient descent (all
        samples), 1 for stochastic, k for mini-batch.  A last, smaller batch
        takes the remainder; a batch size above ``n_samples`` means all of them.
    shuffle : bool, default True
        Visit the samples in a new random order every epoch (ignored for full
        batches).
    validation_data : (X_val, y_val), optional
        Evaluated after every epoch, in evaluation mode, as ``"val_loss"`` and
        ``"val_<metric>"``.
    early_stopping : EarlyStopping or int, optional
        An :class:`EarlyStopping`, or an int as its patience.
    l2 : float, default 0
        L2 regularisation strength :math:`\lambda`: adds
        :math:`\frac{\lambda}{2}\sum \lVert W\rVert^2` over the weight matrices (not the
        biases) to the loss, i.e. :math:`\lambda W` to their gradients.  Weight matrices
        are the parameters whose key starts with ``W`` (``W`` of Dense and Conv2D,
        ``W_xh`` and ``W_hh`` of SimpleRNN).
    l1 : float, default 0
        L1 regularisation strength :math:`\lambda_1`: adds
        :math:`\lambda_1 \sum \lvert W_{ij}\rvert` over the weight matrices to the loss,
        i.e. :math:`\lambda_1 \operatorname{sign}(W)` to their gradients (a subgradient,
        0 at 0).
    metrics : sequence of str or callable
        Extra per-epoch numbers, e.g. ``("accuracy",)`` (see
        :mod:`nnlearn.metrics`).
    rng : None, int or numpy.random.Generator
        Randomness for shuffling (dropout layers use their own ``rng``).
    progress : bool, default True
        Show a progress bar over epochs (tqdm; a widget in notebooks).
    callbacks : sequence of callable
        Each is called as ``callback(model, history)`` after every epoch; returning True
        stops training.
    schedule : Schedule, optional
        A learning-rate schedule built on ``optimizer`` (e.g.
        ``nnlearn.schedules.StepLR(optimizer, step_size=30)``), stepped once after every
        epoch; each epoch's learning rate is then recorded as ``history["lr"]``.

    Returns
    -------
    History

    Raises
    ------
    ValueError
        Before training, for a model whose outputs are not probabilities while ``loss``
        expects them (``"bce"``/``"cce"`` without ``from_logits=True``): the message
        names the output activation.  A model whose last layer does not tell (a custom
        layer) has its first batch's outputs checked.
    DivergenceError
        As soon as the loss or a parameter becomes NaN or infinite, or the loss explodes
        (an epoch's loss more than :math:`10^6` times the first epoch's and :math:`10^3`
        times that of 10 epochs before; for ``"bce"``/``"cce"``, whose loss is bounded,
        more than 10 times the first epoch's and 10 times the loss of guessing, see
        ``nnlearn._fit_checks.loss_has_exploded``), naming the epoch and the likely
        cause.  The model is then left at the weights of the end of the last good epoch
        (the initial weights if the first one diverged), the last finite ones; an
        optimizer whose state became NaN is reset.
    """
    run = _Run(model, X, y, loss, optimizer, epochs, batch_size, shuffle,
               validation_data, early_stopping, l2, l1, metrics, rng, callbacks,
               schedule)
    return run.train(checks.check_flag(progress, "progress"))


class _Run(FitArguments):
    """One call of :func:`fit`: its checked arguments (``FitArguments``, in
    ``nnlearn._fit_arguments``) and the training loop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fused = self._fused_output()

    def _fused_output(self):
        """The combined output gradient, if the network ends in sigmoid + BCE or
        softmax + CE.

        For :math:`p = \\sigma(z)` and binary cross-entropy averaged over the
        :math:`N` elements, :math:`\\partial L/\\partial z = (p - y)/N`; for
        :math:`p = \\mathrm{softmax}(z)` and cross-entropy against one-hot rows
        averaged over the :math:`n` samples,
        :math:`\\partial L/\\partial z = (p - y)/n`.  Returns a function of ``(p, y)``
        giving that gradient, or None when the network does not end this way.
        """
        last = self.model.layers[-1]
        if not isinstance(last, Activation) or self.logits:
            return None
        if (getattr(self.loss, "pos_weight", None) is not None
                or getattr(self.loss, "weight", None) is not None):
            return None  # class weights: the loss's gradient, through the activation
        if (isinstance(last.activation, Sigmoid)
                and isinstance(self.loss, BinaryCrossEntropy)):
            return lambda p, y: (p - y) * (1.0 / p.size)
        one_hot_rows = self.y.ndim == 2 and np.allclose(self.y.sum(axis=1), 1.0)
        if (isinstance(last.activation, Softmax)
                and isinstance(self.loss, CategoricalCrossEntropy) and one_hot_rows):
            return lambda p, y: (p - y) * (1.0 / p.shape[0])
        return None

    def _weight_mask(self, theta, strength):
        """The vector ``strength`` on the entries of weight matrices (keys ``W``,
        ``W_xh``, ...), 0 on biases."""
        mask = np.zeros_like(theta)
        for name, where in self.model._flat_slices.items():
            if name.rsplit(".", 1)[-1].startswith("W"):
                mask[where] = strength
        return mask

    # -- the loop ----------------------------------------------------------------------

    def train(self, progress):
        model, loss, optimizer = self.model, self.loss, self.optimizer
        pairs = model.flat_parameters()
        theta, grad = pairs[0]
        optimizer._check_parameters(pairs)
        checks.check_finite_model(theta)
        l2_mask = self._weight_mask(theta, self.l2) if self.l2 else None
        l1_mask = self._weight_mask(theta, self.l1) if self.l1 else None
        below = len(model.layers) - 1 if self.fused else None
        history = self.history = History()
        if self.early_stopping is not None:
            self.early_stopping._start()
        # the weights at the end of the last good epoch, restored on divergence
        self.last_good = theta.copy()
        first_loss = None
        bar = _progress_bar(self.epochs, progress)
        model.train()
        try:
            with np.errstate(all="ignore"):
                for epoch in range(1, self.epochs + 1):
                    X, y = self.X, self.y
                    if self.shuffle:
                        order = self.rng.permutation(self.n)
                        # one gather per epoch; the batches below are views
                        X, y = X[order], y[order]
                    total, sums = 0.0, dict.fromkeys(self.metrics, 0.0)
                    for start in range(0, self.n, self.batch_size):
                        xb = X[start:start + self.batch_size]
                        yb = y[start:start + self.batch_size]
                        out = model._forward(xb)
                        batch_loss = loss._value(out, yb)
                        if not np.isfinite(batch_loss):
                            raise self._diverged(
                                epoch, start, f"the training loss became {batch_loss}")
                        total += batch_loss * len(xb)
                        for name, metric in self.metrics.items():
                            sums[name] += metric(out, yb, logits=self.logits) * len(xb)
                        if self.fused:
                            model._backward(self.fused(out, yb), below=below,
                                            need_input_grad=False)
                        else:
                            model._backward(loss._gradient(out, yb),
                                            need_input_grad=False)
                        if l2_mask is not None:
                            grad += l2_mask * theta
                        if l1_mask is not None:
                            grad += l1_mask * np.sign(theta)
                        optimizer._step(pairs)
                    if not np.isfinite(theta).all():
                        raise self._diverged(epoch, None,
                                             "a parameter became NaN or infinite")
                    epoch_loss = total / self.n
                    if first_loss is None:
                        first_loss = epoch_loss
                        limit = checks.explosion_threshold(loss, first_loss,
                                                           self.n_classes)
                    elif epoch_loss > limit and checks.loss_has_exploded(
                            loss, epoch_loss, first_loss,
                            self._loss_before(history, checks.WINDOW), self.n_classes):
                        raise self._diverged(
                            epoch, None,
                            f"the training loss grew from {first_loss:.4g} in epoch 1 "
                            f"to {epoch_loss:.4g} ({epoch_loss / first_loss:.3g} "
                            "times), an explosion caught before it overflows (the rule "
                            "is in the docstring of "
                            "nnlearn._fit_checks.loss_has_exploded)")
                    self._record(history, epoch, total, sums, theta, l2_mask, l1_mask)
                    if (self.validation is not None
                            and not np.isfinite(history["val_loss"][-1])):
                        value = history["val_loss"][-1]
                        # keep only the completed epochs
                        for record in history._data.values():
                            record.pop()
                        raise self._diverged(epoch, None,
                                             f"the validation loss became {value}")
                    if self.schedule is not None:  # after the epoch, as in torch
                        self.schedule.step()
                    np.copyto(self.last_good, theta)
                    bar.update(history)
                    if self._stop(history, epoch, theta):
                        break
        finally:
            bar.close()
            model.train()
        es = self.early_stopping
        if es is not None:
            history.best_epoch = es.best_epoch
            if es.restore_best_weights and es.best_theta is not None:
                theta[...] = es.best_theta
        return history

    @staticmethod
    def _loss_before(history, epochs):
        """The training loss ``epochs`` epochs before the current one (the first epoch's
        if there are fewer)."""
        losses = history._data["loss"]
        return losses[max(0, len(losses) - epochs)]

    def _record(self, history, epoch, total, sums, theta, l2_mask, l1_mask):
        history._append("loss", total / self.n)
        if self.schedule is not None:  # the rate this epoch's steps used
            history._append("lr", self.optimizer.lr)
        if l2_mask is not None:
            history._append("l2_penalty", 0.5 * float(np.dot(l2_mask * theta, theta)))
        if l1_mask is not None:
            history._append("l1_penalty", float(np.dot(l1_mask, np.abs(theta))))
        for name, value in sums.items():
            history._append(name, value / self.n)
        if self.validation is not None:
            X_val, y_val = self.validation
            self.model.eval()
            out = self.model._forward(X_val)
            self.model.train()
            history._append("val_loss", self.loss._value(out, y_val))
            for name, metric in self.metrics.items():
                history._append(f"val_{name}", metric(out, y_val, logits=self.logits))

    def _stop(self, history, epoch, theta):
        stop = False
        es = self.early_stopping
        if es is not None and es._should_stop(history[es.monitor][-1], epoch, theta):
            stop = True
        for callback in self.callbacks:
            if callback(self.model, history) is True:
                stop = True
        if stop and epoch < self.epochs:
            history.stopped_epoch = epoch
        return stop

    def _diverged(self, epoch, start, what):
        where = f"epoch {epoch}" + ("" if start is None
                                    else f", batch {start // self.batch_size + 1}")
        std = self.X.std(axis=0)
        causes = [f"a learning rate too high for this problem "
                  f"(lr={self.optimizer.lr:g}: try 10 times smaller)"]
        if std.size and (std.max() > 10
                         or (std.min() > 0 and std.max() / std.min() > 100)):
            causes.append(f"unscaled inputs (feature standard deviations range from "
                          f"{std.min():.3g} to {std.max():.3g}: standardize X, e.g. "
                          f"with sklearn.preprocessing.StandardScaler)")
        else:
            causes.append("unscaled inputs or targets (standardize them)")
        theta = self.model.flat_parameters()[0][0]
        theta[...] = self.last_good  # never leave the model holding NaN or inf
        kept = (f"the end of epoch {epoch - 1}" if epoch > 1
                else "the start of training (its initial weights)")
        note = (f" The model has been left at its weights from {kept}, "
                f"the last finite ones.")
        if checks.optimizer_state_is_broken(self.optimizer):
            self.optimizer.reset()
            note += (f" The optimizer's state had become NaN or infinite; "
                     f"it has been reset ({self.optimizer!r}).")
        return DivergenceError(f"Training diverged at {where}: {what}. Likely causes: "
                               + "; or ".join(causes) + "." + note,
                               epoch=epoch, history=self.history)


def evaluate(model, X, y, *, loss, metrics=()):
    """Loss (and metrics) of ``model`` on ``(X, y)`` in evaluation mode; returns a dict.

    The arguments are checked as :func:`fit` checks them: a model whose outputs are not
    probabilities while ``loss`` expects them gets an error naming its output
    activation.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"`model` must be an nnlearn Sequential or MLP, "
                        f"got {type(model).__name__}.")
    loss = checks.check_loss(loss)
    metrics = checks.check_metrics(metrics)
    # the first layer's check: 2-D for Dense, 4-D for Conv2D, ...
    X = _check_input_named(model, X, "X")
    checks.check_not_empty(X, "X")
    problem = checks.output_problem(model, loss)
    if problem not in (None, "check"):
        raise ValueError(problem)
    if isinstance(y, (str, bytes)) or y is None:
        raise TypeError(f"`y` must be an array of targets, "
                        f"got {type(y).__name__} {y!r}.")
    out = model.predict(X)
    if problem == "check":
        checks.check_outputs(loss, out, model)
    try:
        out, y_checked = loss._check(out, y)
    except (TypeError, ValueError) as exc:
        raise checks.rename_loss_error(
            exc, "y",
            f"`y` does not fit the model's output of shape {out.shape} and the loss "
            f"{loss!r}: ") from None
    checks.check_target_rows(loss, y_checked, "y")
    results = {"loss": float(loss._value(out, y_checked))}
    logits = getattr(loss, "from_logits", False)
    for name, metric in metrics.items():
        results[name] = metric(out, y_checked, logits=logits)
    return results
