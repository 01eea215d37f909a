r"""Training: the loop that turns data, a loss and an optimizer into a trained network.

:func:`fit` repeats, for every epoch and every batch of the (shuffled) data,

1. forward propagation: :math:`\hat y = f(X_{\text{batch}}; \theta)`;
2. the loss :math:`L(\hat y, y_{\text{batch}})` and its gradient :math:`\partial L/\partial \hat y`;
3. backpropagation: :math:`\partial L/\partial \theta` for every parameter;
4. an optimizer step: :math:`\theta \leftarrow \theta - \eta\,\partial L/\partial \theta` or a refinement of it.

``batch_size=None`` uses all samples at once (batch gradient descent),
``batch_size=1`` one sample at a time (stochastic gradient descent), anything
in between is mini-batch gradient descent.

The loop checks its inputs once, then calls the layers' unchecked methods; it
folds a sigmoid output into binary cross-entropy and a softmax output into
categorical cross-entropy, whose combined gradient with respect to the
output layer's input is simply :math:`(p - y)/N`; and it updates all
parameters as one vector (:meth:`~nnlearn.network.Sequential.flat_parameters`).
"""

import time

import numpy as np

from . import metrics as metrics_module
from ._validation import check_int, check_positive, check_rng
from .activations import Sigmoid, Softmax
from .layers import Activation
from .losses import BinaryCrossEntropy, CategoricalCrossEntropy
from .losses import get as get_loss
from .network import Sequential
from .optim import Optimizer

__all__ = ["fit", "evaluate", "History", "EarlyStopping", "DivergenceError"]


class DivergenceError(FloatingPointError):
    """Raised when the training loss or a parameter becomes NaN or infinite."""


class History:
    """Per-epoch record of a training run.

    ``history["loss"]`` is the training loss of each epoch (the mean of the
    batch losses, each computed before its update, as Keras reports it),
    ``history["val_loss"]`` the validation loss after each epoch, and
    ``history[name]`` / ``history["val_" + name]`` each requested metric,
    all as 1-D arrays of length :attr:`n_epochs`.  The training loss is the
    data loss alone; L2 and L1 penalties are recorded separately as ``"l2_penalty"`` and ``"l1_penalty"``.

    Attributes
    ----------
    best_epoch : int or None
        With early stopping, the epoch (counted from 1) with the best monitored value.
    stopped_epoch : int or None
        The epoch after which training stopped early, or None if it ran to the end.
    """

    def __init__(self):
        self._data = {}
        self.best_epoch = None
        self.stopped_epoch = None

    def _append(self, name, value):
        self._data.setdefault(name, []).append(float(value))

    def __getitem__(self, name):
        if name not in self._data:
            raise KeyError(f"no record {name!r}; this history has {sorted(self._data)}.")
        return np.asarray(self._data[name])

    def __contains__(self, name):
        return name in self._data

    def keys(self):
        """Names of the recorded quantities."""
        return list(self._data)

    @property
    def n_epochs(self):
        """Number of epochs recorded."""
        return len(self._data.get("loss", []))

    @property
    def epochs(self):
        """Epoch numbers ``1, 2, ..., n_epochs`` (for plotting)."""
        return np.arange(1, self.n_epochs + 1)

    @property
    def loss(self):
        """Training loss per epoch."""
        return self["loss"]

    @property
    def val_loss(self):
        """Validation loss per epoch (requires ``validation_data``)."""
        return self["val_loss"]

    def plot(self, ax=None, *, names=None, logy=False):
        """Plot the recorded curves against the epoch; returns the matplotlib Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw; a new figure by default.
        names : list of str, optional
            Which records to draw; by default ``"loss"`` and ``"val_loss"`` if present.
        logy : bool
            Logarithmic loss axis.
        """
        import matplotlib.pyplot as plt  # imported here: plotting is optional

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        names = names or [n for n in ("loss", "val_loss") if n in self]
        for name in names:
            ax.plot(self.epochs, self[name], label=name.replace("_", " "))
        if self.best_epoch is not None:
            ax.axvline(self.best_epoch, color="0.5", linestyle=":", label=f"best epoch ({self.best_epoch})")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss" if all("loss" in n for n in names) else "value")
        if logy:
            ax.set_yscale("log")
        ax.legend()
        return ax

    def __repr__(self):
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self._data.items() if v)
        return f"History({self.n_epochs} epochs: {last})"


class EarlyStopping:
    """Stop training when the validation loss has not improved for ``patience`` epochs.

    Parameters
    ----------
    patience : int, default 10
        Epochs without improvement to wait before stopping.
    min_delta : float, default 0
        An epoch improves only if the monitored value falls below the best so far by more than this.
    restore_best_weights : bool, default True
        On stopping (or at the end of training), put back the parameters of the best epoch.
    monitor : str, default "val_loss"
        The :class:`History` record to watch (lower is better), e.g. ``"val_loss"`` or ``"loss"``.
    """

    def __init__(self, patience=10, min_delta=0.0, restore_best_weights=True, monitor="val_loss"):
        self.patience = check_int(patience, "patience", minimum=0)
        self.min_delta = check_positive(min_delta, "min_delta", allow_zero=True)
        self.restore_best_weights = bool(restore_best_weights)
        self.monitor = monitor

    def _start(self):
        self.best = np.inf
        self.best_epoch = None
        self.best_theta = None
        self.wait = 0

    def _should_stop(self, value, epoch, theta):
        """Record epoch ``epoch``'s value; return True when patience has run out."""
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_theta = theta.copy()
            return False
        self.wait += 1
        return self.wait >= self.patience

    def __repr__(self):
        return (f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
                f"restore_best_weights={self.restore_best_weights}, monitor={self.monitor!r})")


def fit(model, X, y, *, loss, optimizer, epochs, batch_size=None, shuffle=True, validation_data=None,
        early_stopping=None, l2=0.0, l1=0.0, metrics=(), rng=None, progress=True, callbacks=()):
    r"""Train ``model`` on ``(X, y)`` by gradient descent; returns a :class:`History`.

    Parameters
    ----------
    model : Sequential
        The network (an :class:`~nnlearn.network.MLP` or any :class:`~nnlearn.network.Sequential`); trained in place.
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
        Visit the samples in a new random order every epoch (ignored for full batches).
    validation_data : (X_val, y_val), optional
        Evaluated after every epoch, in evaluation mode, as ``"val_loss"`` and ``"val_<metric>"``.
    early_stopping : EarlyStopping or int, optional
        An :class:`EarlyStopping`, or an int as its patience.
    l2 : float, default 0
        L2 regularisation strength :math:`\lambda`: adds :math:`\frac{\lambda}{2}\sum \lVert W\rVert^2`
        over the weight matrices (not the biases) to the loss, i.e. :math:`\lambda W` to their gradients.
        Weight matrices are the parameters whose key starts with ``W`` (``W`` of Dense and Conv2D,
        ``W_xh`` and ``W_hh`` of SimpleRNN).
    l1 : float, default 0
        L1 regularisation strength :math:`\lambda_1`: adds :math:`\lambda_1 \sum \lvert W_{ij}\rvert` over the
        weight matrices to the loss, i.e. :math:`\lambda_1 \operatorname{sign}(W)` to their gradients
        (a subgradient, 0 at 0).
    metrics : sequence of str or callable
        Extra per-epoch numbers, e.g. ``("accuracy",)`` (see :mod:`nnlearn.metrics`).
    rng : None, int or numpy.random.Generator
        Randomness for shuffling (dropout layers use their own ``rng``).
    progress : bool, default True
        Show a progress bar over epochs (tqdm; a widget in notebooks).
    callbacks : sequence of callable
        Each is called as ``callback(model, history)`` after every epoch; returning True stops training.

    Returns
    -------
    History

    Raises
    ------
    DivergenceError
        As soon as the loss or a parameter becomes NaN or infinite, naming the epoch and the likely cause.
    """
    run = _Run(model, X, y, loss, optimizer, epochs, batch_size, shuffle, validation_data,
               early_stopping, l2, l1, metrics, rng, callbacks)
    return run.train(progress)


class _Run:
    """One call of :func:`fit`: its checked arguments and the training loop."""

    def __init__(self, model, X, y, loss, optimizer, epochs, batch_size, shuffle, validation_data,
                 early_stopping, l2, l1, metrics, rng, callbacks):
        if not isinstance(model, Sequential):
            raise TypeError(f"`model` must be an nnlearn Sequential or MLP, got {type(model).__name__}.")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"`optimizer` must be an nnlearn optimizer such as nnlearn.optim.SGD(lr=0.1), "
                            f"got {type(optimizer).__name__} {optimizer!r}.")
        self.model, self.loss, self.optimizer = model, get_loss(loss), optimizer
        self.epochs = check_int(epochs, "epochs", minimum=1)
        self.X, self.y = self._check_data(X, y, "X", "y")
        self.n = self.X.shape[0]
        self.batch_size = self.n if batch_size is None else min(check_int(batch_size, "batch_size", minimum=1), self.n)
        self.shuffle = bool(shuffle) and self.batch_size < self.n
        self.validation = None
        if validation_data is not None:
            try:
                X_val, y_val = validation_data
            except (TypeError, ValueError):
                raise TypeError("`validation_data` must be a pair (X_val, y_val).") from None
            self.validation = self._check_data(X_val, y_val, "validation_data[0]", "validation_data[1]")
        if isinstance(early_stopping, (int, np.integer)) and not isinstance(early_stopping, bool):
            early_stopping = EarlyStopping(patience=early_stopping)
        if early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
            raise TypeError(f"`early_stopping` must be an EarlyStopping or an int patience, got {early_stopping!r}.")
        if early_stopping is not None and early_stopping.monitor.startswith("val_") and self.validation is None:
            raise ValueError(f"early stopping monitors {early_stopping.monitor!r}, which needs "
                             "`validation_data`; pass validation_data=(X_val, y_val).")
        self.early_stopping = early_stopping
        self.l2 = check_positive(l2, "l2", allow_zero=True)
        self.l1 = check_positive(l1, "l1", allow_zero=True)
        self.metrics = {(m if isinstance(m, str) else getattr(m, "__name__", "metric")): metrics_module.get(m)
                        for m in metrics}
        self.rng = check_rng(rng)
        self.callbacks = list(callbacks)
        for i, callback in enumerate(self.callbacks):
            if not callable(callback):
                raise TypeError(f"`callbacks[{i}]` must be callable as callback(model, history), got {callback!r}.")
        self.logits = getattr(self.loss, "from_logits", False)
        self.fused = self._fused_output()

    def _check_data(self, X, y, x_name, y_name):
        X = _check_input_named(self.model, X, x_name)
        n_targets = np.shape(y)[0] if np.ndim(y) else 0
        if n_targets != len(X):
            raise ValueError(f"`{x_name}` has {len(X)} samples but `{y_name}` has {n_targets}; "
                             "they must match row for row.")
        with np.errstate(all="ignore"):
            probe = self.model.predict(X[:1])
        # Check and convert the targets with the loss's own checks, against a stand-in prediction
        # of the right shape (0.5 is a valid probability, score and value alike).
        stand_in = np.full((X.shape[0],) + probe.shape[1:], 0.5, dtype=probe.dtype)
        try:
            _, y = self.loss._check(stand_in, y)
        except ValueError as exc:
            raise ValueError(f"`{y_name}` does not fit the model's output of shape (n_samples, "
                             f"{probe.shape[1]}) and the loss {self.loss!r}: {exc}") from None
        return X, y

    def _fused_output(self):
        """The combined output gradient, if the network ends in sigmoid + BCE or softmax + CE.

        For :math:`p = \\sigma(z)` and binary cross-entropy averaged over the :math:`N`
        elements, :math:`\\partial L/\\partial z = (p - y)/N`; for :math:`p = \\mathrm{softmax}(z)`
        and cross-entropy against one-hot rows averaged over the :math:`n` samples,
        :math:`\\partial L/\\partial z = (p - y)/n`.  Returns a function of ``(p, y)``
        giving that gradient, or None when the network does not end this way.
        """
        last = self.model.layers[-1]
        if not isinstance(last, Activation) or self.logits:
            return None
        if isinstance(last.activation, Sigmoid) and isinstance(self.loss, BinaryCrossEntropy):
            return lambda p, y: (p - y) * (1.0 / p.size)
        one_hot_rows = np.allclose(self.y.sum(axis=1), 1.0) if self.y.ndim == 2 else False
        if isinstance(last.activation, Softmax) and isinstance(self.loss, CategoricalCrossEntropy) and one_hot_rows:
            return lambda p, y: (p - y) * (1.0 / p.shape[0])
        return None

    def _weight_mask(self, theta, strength):
        """The vector ``strength`` on the entries of weight matrices (keys ``W``, ``W_xh``, ...), 0 on biases."""
        mask = np.zeros_like(theta)
        for name, where in self.model._flat_slices.items():
            if name.rsplit(".", 1)[-1].startswith("W"):
                mask[where] = strength
        return mask

    # -- the loop ------------------------------------------------------------------------------

    def train(self, progress):
        model, loss, optimizer = self.model, self.loss, self.optimizer
        pairs = model.flat_parameters()
        theta, grad = pairs[0]
        optimizer._check_parameters(pairs)
        l2_mask = self._weight_mask(theta, self.l2) if self.l2 else None
        l1_mask = self._weight_mask(theta, self.l1) if self.l1 else None
        below = len(model.layers) - 1 if self.fused else None
        history = History()
        if self.early_stopping is not None:
            self.early_stopping._start()
        bar = _progress_bar(self.epochs, progress)
        model.train()
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
                for epoch in range(1, self.epochs + 1):
                    X, y = self.X, self.y
                    if self.shuffle:
                        order = self.rng.permutation(self.n)
                        X, y = X[order], y[order]  # one gather per epoch; the batches below are views
                    total, sums = 0.0, dict.fromkeys(self.metrics, 0.0)
                    for start in range(0, self.n, self.batch_size):
                        xb, yb = X[start:start + self.batch_size], y[start:start + self.batch_size]
                        out = model._forward(xb)
                        batch_loss = loss._value(out, yb)
                        if not np.isfinite(batch_loss):
                            raise self._diverged(epoch, start, f"the training loss became {batch_loss}")
                        total += batch_loss * len(xb)
                        for name, metric in self.metrics.items():
                            sums[name] += metric(out, yb, logits=self.logits) * len(xb)
                        if self.fused:
                            model._backward(self.fused(out, yb), below=below, need_input_grad=False)
                        else:
                            model._backward(loss._gradient(out, yb), need_input_grad=False)
                        if l2_mask is not None:
                            grad += l2_mask * theta
                        if l1_mask is not None:
                            grad += l1_mask * np.sign(theta)
                        optimizer._step(pairs)
                    if not np.isfinite(theta).all():
                        raise self._diverged(epoch, None, "a parameter became NaN or infinite")
                    self._record(history, epoch, total, sums, theta, l2_mask, l1_mask)
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

    def _record(self, history, epoch, total, sums, theta, l2_mask, l1_mask):
        history._append("loss", total / self.n)
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
        where = f"epoch {epoch}" + ("" if start is None else f", batch {start // self.batch_size + 1}")
        std = self.X.std(axis=0)
        causes = [f"a learning rate too high for this problem (lr={self.optimizer.lr:g}: try 10 times smaller)"]
        if std.size and (std.max() > 10 or (std.min() > 0 and std.max() / std.min() > 100)):
            causes.append(f"unscaled inputs (feature standard deviations range from {std.min():.3g} to "
                          f"{std.max():.3g}: standardize X, e.g. with sklearn.preprocessing.StandardScaler)")
        else:
            causes.append("unscaled inputs or targets (standardize them)")
        return DivergenceError(f"Training diverged at {where}: {what}. Likely causes: " + "; or ".join(causes) + ".")


def _check_input_named(model, X, name):
    try:
        return model.layers[0]._check_input(X)
    except (TypeError, ValueError) as exc:
        raise type(exc)(str(exc).replace("`X`", f"`{name}`")) from None


class _NoBar:
    def update(self, history):
        pass

    def close(self):
        pass


class _Bar:
    """A tqdm bar over epochs whose loss display refreshes at most twice a second."""

    def __init__(self, epochs):
        from tqdm.auto import tqdm  # imported here: only needed when a bar is shown

        self.bar = tqdm(total=epochs, unit="epoch", leave=True)
        self.last = 0.0

    def update(self, history):
        self.bar.update(1)
        now = time.perf_counter()
        if now - self.last > 0.5:
            self.last = now
            self.bar.set_postfix({k: f"{history[k][-1]:.4g}" for k in ("loss", "val_loss") if k in history},
                                 refresh=False)

    def close(self):
        self.bar.close()


def _progress_bar(epochs, progress):
    return _Bar(epochs) if progress else _NoBar()


def evaluate(model, X, y, *, loss, metrics=()):
    """Loss (and metrics) of ``model`` on ``(X, y)`` in evaluation mode; returns a dict."""
    loss = get_loss(loss)
    X = _check_input_named(model, X, "X")  # the first layer's check: 2-D for Dense, 4-D for Conv2D, ...
    out = model.predict(X)
    results = {"loss": loss(out, y)}
    logits = getattr(loss, "from_logits", False)
    _, y_checked = loss._check(out, y)
    for m in metrics:
        name = m if isinstance(m, str) else getattr(m, "__name__", "metric")
        results[name] = metrics_module.get(m)(out, y_checked, logits=logits)
    return results
