"""The arguments of one call of :func:`nnlearn.training.fit`, checked once, before the
first epoch.

Part of :mod:`nnlearn.training`, whose training loop (``_Run``) is built on
``FitArguments``: the model and the optimizer, the loss, the data and the validation
data (their targets checked and converted by the loss's own checks against the
model's output), the batch size, early stopping, the regularisation strengths and the
random generator.  The single checks they use are in ``nnlearn._fit_checks``.
Messages name the argument the user wrote (``X``, ``validation_data[1]``, ...).
"""

import numpy as np

from . import _fit_checks as checks
from ._validation import check_int, check_positive, check_rng
from .callbacks import EarlyStopping
from .network import Sequential
from .optim import Optimizer

__all__ = ["FitArguments", "check_input_named"]


class FitArguments:
    """The checked arguments of one call of :func:`nnlearn.training.fit`, as attributes
    (``model``, ``loss``, ``X``, ``y``, ``batch_size``, ``validation``, ...)."""

    def __init__(self, model, X, y, loss, optimizer, epochs, batch_size, shuffle,
                 validation_data, early_stopping, l2, l1, metrics, rng, callbacks,
                 schedule=None):
        if not isinstance(model, Sequential):
            raise TypeError(f"`model` must be an nnlearn Sequential or MLP, "
                            f"got {type(model).__name__}.")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"`optimizer` must be an nnlearn optimizer such as "
                            f"nnlearn.optim.SGD(lr=0.1), "
                            f"got {type(optimizer).__name__} {optimizer!r}.")
        self.model, self.optimizer = model, optimizer
        self.loss = checks.check_loss(loss)
        self.epochs = check_int(epochs, "epochs", minimum=1)
        self.metrics = checks.check_metrics(metrics)
        self.callbacks = checks.check_callbacks(callbacks)
        self.schedule = checks.check_schedule(schedule, optimizer)
        self.X, self.y = self._check_data(X, y, "X", "y")
        self.output_problem = checks.output_problem(model, self.loss)
        if self.output_problem not in (None, "check"):
            raise ValueError(self.output_problem)
        self.n = self.X.shape[0]
        self.batch_size = self.n
        if batch_size is not None:
            batch_size = check_int(batch_size, "batch_size", minimum=1)
            self.batch_size = min(batch_size, self.n)
        self.shuffle = (checks.check_flag(shuffle, "shuffle")
                        and self.batch_size < self.n)
        if self.output_problem == "check":
            # a last layer that does not tell: look at a first batch's outputs
            first_batch = model.predict(self.X[:self.batch_size])
            checks.check_outputs(self.loss, first_batch, model)
        self.validation = None
        if validation_data is not None:
            try:
                X_val, y_val = validation_data
            except (TypeError, ValueError):
                raise TypeError(
                    "`validation_data` must be a pair (X_val, y_val).") from None
            self.validation = self._check_data(X_val, y_val, "validation_data[0]",
                                               "validation_data[1]")
        if (isinstance(early_stopping, (int, np.integer))
                and not isinstance(early_stopping, bool)):
            if early_stopping < 0:
                raise ValueError(f"`early_stopping` must be an EarlyStopping or an int "
                                 f"patience >= 0, got {early_stopping}.")
            early_stopping = EarlyStopping(patience=early_stopping)
        if early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
            raise TypeError(f"`early_stopping` must be an EarlyStopping or an int "
                            f"patience, got {early_stopping!r}.")
        if (early_stopping is not None and early_stopping.monitor.startswith("val_")
                and self.validation is None):
            raise ValueError(f"early stopping monitors {early_stopping.monitor!r}, "
                             "which needs `validation_data`; "
                             "pass validation_data=(X_val, y_val).")
        self.early_stopping = early_stopping
        self.l2 = check_positive(l2, "l2", allow_zero=True)
        self.l1 = check_positive(l1, "l1", allow_zero=True)
        if early_stopping is not None:
            recorded = {"loss"} | set(self.metrics)
            recorded |= {"l2_penalty"} if self.l2 else set()
            recorded |= {"l1_penalty"} if self.l1 else set()
            if self.validation is not None:
                recorded |= {"val_loss"} | {f"val_{m}" for m in self.metrics}
            early_stopping._check_monitor(recorded)
        self.rng = check_rng(rng)
        self.logits = getattr(self.loss, "from_logits", False)

    def _check_data(self, X, y, x_name, y_name):
        X = check_input_named(self.model, X, x_name)
        checks.check_not_empty(X, x_name)
        if isinstance(y, (str, bytes)) or y is None:
            raise TypeError(f"`{y_name}` must be an array of targets, "
                            f"got {type(y).__name__} {y!r}.")
        try:
            n_targets = np.shape(y)[0] if np.ndim(y) else 0
        except ValueError:  # ragged lists
            raise TypeError(f"`{y_name}` must be an array of targets, "
                            f"got a ragged {type(y).__name__}.") from None
        if n_targets != len(X):
            raise ValueError(f"`{x_name}` has {len(X)} samples but `{y_name}` has "
                             f"{n_targets}; they must match row for row.")
        with np.errstate(all="ignore"):
            probe = self.model.predict(X[:1])
        # Check and convert the targets with the loss's own checks, against a stand-in
        # prediction of the right shape (0.5 is a valid probability, score and value
        # alike).
        stand_in = np.full((X.shape[0],) + probe.shape[1:], 0.5, dtype=probe.dtype)
        self.n_classes = probe.shape[1] if probe.ndim == 2 else 1
        try:
            _, y = self.loss._check(stand_in, y)
        except (TypeError, ValueError) as exc:
            raise checks.rename_loss_error(
                exc, y_name,
                f"`{y_name}` does not fit the model's output of shape (n_samples, "
                f"{probe.shape[1]}) and the loss {self.loss!r}: ") from None
        checks.check_target_rows(self.loss, y, y_name)
        return X, y


def check_input_named(model, X, name):
    """``X`` checked by the model's first layer (2-D for Dense, 4-D for Conv2D, ...),
    its error messages naming the argument ``name`` instead of ``X``."""
    try:
        return model.layers[0]._check_input(X)
    except (TypeError, ValueError) as exc:
        raise type(exc)(str(exc).replace("`X`", f"`{name}`")) from None
