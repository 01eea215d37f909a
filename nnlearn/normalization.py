r"""Batch normalization (Ioffe and Szegedy, 2015), computed as
``torch.nn.BatchNorm1d`` does.

Import it as :class:`nnlearn.layers.BatchNorm`.
"""

import numpy as np

from ._validation import check_array, check_float_dtype, check_int, check_interval
from ._validation import check_layer_size, check_positive, check_rng
from .layers import Layer, Parameters

__all__ = ["BatchNorm"]


def _hinted(check, hint, *args, **kwargs):
    """Call a ``check_*`` helper and add ``hint`` to the error it raises."""
    try:
        return check(*args, **kwargs)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{exc} Hint: {hint}") from None


class BatchNorm(Layer):
    r"""Normalise every feature over the batch, then scale and shift it.

    In training mode, with :math:`\mu` and :math:`\sigma^2` the mean and the biased
    variance of each column over the batch,

    .. math:: \hat x = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}, \qquad
              y = \gamma \hat x + \beta ,

    and the running statistics move towards the batch ones:
    ``running = (1 - momentum) * running + momentum * batch``, where the variance
    fed to ``running_var`` is the *unbiased* one, :math:`\sigma^2 n/(n-1)`.  In
    evaluation mode (``training = False``) the layer uses ``running_mean`` and
    ``running_var`` instead, so a prediction does not depend on the rest of the
    batch.  This is exactly ``torch.nn.BatchNorm1d(n_features, momentum, eps)``.

    Parameters
    ----------
    n_features : int
        Number of input columns; the output has the same shape as the input.
    momentum : float in [0, 1], default 0.1
        Weight of the current batch in the running statistics.
    eps : float > 0, default 1e-5
        Added to the variance before the square root.
    rng : None, int or numpy.random.Generator
        Accepted for the same signature as the other layers; unused.
    dtype : float32 or float64, default float64

    Attributes
    ----------
    params : dict
        ``"gamma"`` (ones) and ``"beta"`` (zeros), of shape ``(n_features,)``.
    grads : dict
        Their gradients, same shapes.
    running_mean, running_var : ndarray of shape (n_features,)
        Start at zeros and ones; not trained by gradient descent.

    Notes
    -----
    Input and output are ``(n_samples, n_features)``.  With :math:`\delta` the
    gradient of the output, :math:`g = \gamma\delta` and sums over the batch of
    :math:`n` samples, the training-mode backward pass is

    .. math:: \frac{\partial L}{\partial \gamma} = \sum \delta \hat x, \quad
              \frac{\partial L}{\partial \beta} = \sum \delta, \quad
              \frac{\partial L}{\partial x} = \frac{1}{n\sqrt{\sigma^2+\epsilon}}
              \Bigl(n g - \sum g - \hat x \sum g \hat x\Bigr).
    """

    def __init__(self, n_features, *, momentum=0.1, eps=1e-5, rng=None,
                 dtype=np.float64):
        super().__init__()
        self.n_features = _hinted(check_int, "give the number of input columns, e.g. "
                                  "BatchNorm(16) after Dense(8, 16).",
                                  n_features, "n_features", minimum=1)
        check_layer_size(2 * self.n_features, f"BatchNorm(n_features={n_features})")
        self.momentum = _hinted(check_interval, "0.1 is the usual value (as in "
                                "PyTorch); 0 freezes the running statistics.",
                                momentum, "momentum", 0.0, 1.0, high_closed=True)
        self.eps = _hinted(check_positive, "a small positive number such as 1e-5 "
                           "keeps the division finite.", eps, "eps")
        check_rng(rng)
        self.dtype = check_float_dtype(dtype)
        n = self.n_features
        self.params = Parameters(gamma=np.ones(n, dtype=self.dtype),
                                 beta=np.zeros(n, dtype=self.dtype))
        self.grads = Parameters({key: np.zeros_like(value)
                                 for key, value in self.params.items()})
        self.running_mean = np.zeros(n, dtype=self.dtype)
        self.running_var = np.ones(n, dtype=self.dtype)
        self._xhat = self._inv_std = None
        self._batch_stats = False  # whether the last forward used batch statistics

    def _check_input(self, X):
        X = check_array(X, "X", ndim=2, dtype=self.dtype)
        if X.shape[1] != self.n_features:
            msg = (f"`X` must have {self.n_features} features (columns) for "
                   f"{self!r}, got X of shape {X.shape}.")
            if X.shape[0] == self.n_features:
                msg += " It looks transposed: pass X.T, with one row per sample."
            else:
                msg += (f" Hint: build BatchNorm({X.shape[1]}) to match the layer "
                        "before it.")
            raise ValueError(msg)
        return X

    def _forward(self, X):
        n = X.shape[0]
        self._out_shape = X.shape
        if self.training:
            if n < 2:
                raise ValueError(f"{self!r} in training mode needs a batch of at least "
                                 f"2 samples to compute a variance, got X of shape "
                                 f"{X.shape}. Hint: use batch_size >= 2 (and avoid a "
                                 "last batch of one sample), or call net.eval() / "
                                 "net.predict() to use the running statistics.")
            mean = X.mean(axis=0)
            centred = X - mean
            var = np.mean(centred * centred, axis=0)
            m = self.momentum
            self.running_mean *= 1.0 - m
            self.running_mean += m * mean
            self.running_var *= 1.0 - m
            self.running_var += (m * n / (n - 1)) * var
        else:
            centred = X - self.running_mean
            var = self.running_var
        self._batch_stats = self.training
        self._inv_std = 1.0 / np.sqrt(var + self.eps)
        self._xhat = centred * self._inv_std
        return self._xhat * self.params["gamma"] + self.params["beta"]

    def _backward(self, grad_output, need_input_grad=True):
        xhat = self._xhat
        np.sum(grad_output * xhat, axis=0, out=self.grads["gamma"])
        np.sum(grad_output, axis=0, out=self.grads["beta"])
        if not need_input_grad:
            return None
        g = grad_output * self.params["gamma"]
        if not self._batch_stats:
            return g * self._inv_std
        n = g.shape[0]
        return (self._inv_std / n) * (n * g - g.sum(axis=0)
                                      - xhat * np.sum(g * xhat, axis=0))

    def __repr__(self):
        extra = "" if self.momentum == 0.1 else f", momentum={self.momentum}"
        extra += "" if self.eps == 1e-5 else f", eps={self.eps}"
        return f"BatchNorm({self.n_features}{extra})"
