"""Callbacks of the training loop: the per-epoch :class:`History`,
:class:`EarlyStopping` and the progress bar.

:func:`nnlearn.training.fit` fills a :class:`History`, asks an :class:`EarlyStopping`
after every epoch whether to stop, and shows a progress bar over epochs.  All
names are also importable from :mod:`nnlearn.training` and ``nnlearn``.
"""

import time

import numpy as np

from ._validation import check_int, check_positive

__all__ = ["History", "EarlyStopping"]


class History:
    """Per-epoch record of a training run.

    ``history["loss"]`` is the training loss of each epoch (the mean of the batch
    losses, each computed before its update, as Keras reports it),
    ``history["val_loss"]`` the validation loss after each epoch, and ``history[name]``
    / ``history["val_" + name]`` each requested metric, all as 1-D arrays of length
    :attr:`n_epochs`.  The training loss is the data loss alone; L2 and L1 penalties are
    recorded separately as ``"l2_penalty"`` and ``"l1_penalty"``; with a learning-rate
    ``schedule``, ``history["lr"]`` is the rate each epoch's updates used.

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
            raise KeyError(f"no record {name!r}; "
                           f"this history has {sorted(self._data)}.")
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

    @property
    def lr(self):
        """Learning rate per epoch.

        Recorded when :func:`nnlearn.training.fit` is given a ``schedule``.
        """
        return self["lr"]

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
            ax.axvline(self.best_epoch, color="0.5", linestyle=":",
                       label=f"best epoch ({self.best_epoch})")
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
        An epoch improves only if the monitored value falls below the best so far by
        more than this.
    restore_best_weights : bool, default True
        On stopping (or at the end of training), put back the parameters of the best
        epoch.
    monitor : str, default "val_loss"
        The :class:`History` record to watch (lower is better), e.g. ``"val_loss"`` or
        ``"loss"``. Checked here (a non-empty name) and again when
        :func:`~nnlearn.training.fit` starts, against the records that run will keep
        (``"loss"``, ``"val_loss"``, ``"l2_penalty"``, ``"l1_penalty"``, each metric and
        its ``"val_"`` form).  Accuracy records are refused: higher is better there.
    """

    def __init__(self, patience=10, min_delta=0.0, restore_best_weights=True,
                 monitor="val_loss"):
        self.patience = check_int(patience, "patience", minimum=0)
        self.min_delta = check_positive(min_delta, "min_delta", allow_zero=True)
        if not isinstance(restore_best_weights, (bool, np.bool_)):
            raise TypeError("`restore_best_weights` must be True or False, got "
                            f"{type(restore_best_weights).__name__} "
                            f"{restore_best_weights!r}.")
        self.restore_best_weights = bool(restore_best_weights)
        if not isinstance(monitor, str) or not monitor.strip():
            raise TypeError("`monitor` must be the name (str) of a History record, "
                            "such as 'val_loss' or 'loss', got "
                            f"{type(monitor).__name__} {monitor!r}.")
        if monitor.endswith("accuracy"):
            raise ValueError("`monitor` must name a record where lower is better, "
                             f"got {monitor!r} (higher accuracy is better). "
                             "Hint: monitor='val_loss'.")
        self.monitor = monitor

    def _check_monitor(self, recorded):
        """At the start of fit: the monitored name must be one of the records this run
        keeps."""
        if self.monitor in recorded:
            return
        msg = ("`monitor` of the EarlyStopping must be one of the records this run "
               f"keeps, {sorted(recorded)}, got {self.monitor!r}.")
        if (self.monitor.startswith("val_")
                and not any(r.startswith("val_") for r in recorded)):
            msg += (" Hint: records starting with 'val_' need "
                    "validation_data=(X_val, y_val).")
        else:
            import difflib

            close = difflib.get_close_matches(self.monitor, sorted(recorded), n=1)
            if close:
                msg += f" Did you mean {close[0]!r}?"
        raise ValueError(msg)

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
                f"restore_best_weights={self.restore_best_weights}, "
                f"monitor={self.monitor!r})")


class _NoBar:
    def update(self, history):
        pass

    def close(self):
        pass


class _Bar:
    """A tqdm bar over epochs whose loss display refreshes at most twice a second;
    closed, it shows the last epoch's values, however short the run."""

    def __init__(self, epochs):
        import sys

        from tqdm.auto import tqdm  # imported here: only needed when a bar is shown

        if sys.platform == "emscripten":  # Pyodide has no threads: no monitor thread
            tqdm.monitor_interval = 0
        self.bar = tqdm(total=epochs, unit="epoch", leave=True)
        self.last = 0.0
        self.history = None

    def _shown(self):
        return {k: f"{self.history[k][-1]:.4g}" for k in ("loss", "val_loss")
                if k in self.history and len(self.history[k])}

    def update(self, history):
        self.history = history
        self.bar.update(1)
        now = time.perf_counter()
        if now - self.last > 0.5:
            self.last = now
            self.bar.set_postfix(self._shown(), refresh=False)

    def close(self):
        if self.history is not None:  # the final values, not those of the last refresh
            self.bar.set_postfix(self._shown(), refresh=False)
        self.bar.close()


def _progress_bar(epochs, progress):
    return _Bar(epochs) if progress else _NoBar()
