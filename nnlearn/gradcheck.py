r"""Gradient checking: compare back-propagated gradients with finite differences.

The central difference

.. math::

    \frac{\partial f}{\partial x_i}
    \approx \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon}

has error :math:`O(\varepsilon^2)`, against :math:`O(\varepsilon)` for the
one-sided difference, so with :math:`\varepsilon = 10^{-6}` in float64 it
agrees with a correct analytic gradient to about :math:`10^{-8}` or better.
It costs two evaluations of :math:`f` per parameter, which is why networks
are trained with backpropagation and only *checked* with this.
"""

import numpy as np

from ._validation import check_array, check_positive
from .losses import get as get_loss

__all__ = ["numerical_gradient", "relative_error", "check_gradients"]


def numerical_gradient(f, x, eps=1e-6):
    r"""Central-difference gradient of a scalar function ``f`` at ``x``.

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x`` and returns a float.
    x : ndarray of float
        The point.  Each entry is nudged by :math:`\pm\varepsilon` in place and
        restored, so ``x`` is unchanged on return; this lets ``x`` be a live
        parameter array of a model that ``f`` reads.
    eps : float, default 1e-6
        The step :math:`\varepsilon`.

    Returns
    -------
    ndarray, shape of ``x``
        :math:`(f(x + \varepsilon e_i) - f(x - \varepsilon e_i)) / 2\varepsilon` for
        every entry :math:`i`.
    """
    if not callable(f):
        raise TypeError(f"`f` must be a callable returning a float, "
                        f"got {type(f).__name__}.")
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        dtype = " of dtype " + str(x.dtype) if hasattr(x, "dtype") else ""
        raise TypeError(f"`x` must be a float ndarray (it is perturbed in place), "
                        f"got {type(x).__name__}{dtype}.")
    eps = check_positive(eps, "eps")
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        original = x[i]
        try:
            x[i] = original + eps
            f_plus = _scalar(f(x))
            x[i] = original - eps
            f_minus = _scalar(f(x))
        finally:
            x[i] = original
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _scalar(value):
    """``f``'s result as a float, or a clear error naming ``f``."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"`f` must return a single number, got {type(value).__name__} "
                        f"{_short_repr(value)}. Hint: return loss(...) or np.sum(...), "
                        "a scalar.") from None
    if not np.isfinite(result):
        raise ValueError(f"`f` must return a finite number, got {result}; a finite "
                         "difference of inf or NaN is meaningless.")
    return result


def relative_error(a, b):
    r"""Largest difference relative to the largest entry:
    :math:`\max_i |a_i - b_i| / \max_i \max(|a_i|, |b_i|)`.

    Dividing by the largest entry rather than entry by entry keeps the
    rounding noise of central differences (about :math:`10^{-10}` in absolute
    terms) from swamping entries that are nearly zero, while a real mistake in
    any entry still shows at its full size.  Returns 0.0 when both are all zero.
    """
    a, b = check_array(a, "a", dtype=np.float64), check_array(b, "b", dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"`a` and `b` must have the same shape, "
                         f"got {a.shape} and {b.shape}.")
    scale = max(np.abs(a).max(initial=0.0), np.abs(b).max(initial=0.0))
    return 0.0 if scale == 0 else float(np.abs(a - b).max() / scale)


def check_gradients(model, loss, X, y, eps=1e-6):
    """Compare a model's back-propagated parameter gradients with finite differences.

    Parameters
    ----------
    model : Sequential
        The network (for dropout, put it in eval mode first: a fresh mask per
        evaluation would make the loss noisy).
    loss : str or Loss
        The loss, e.g. ``"mse"`` or ``losses.get("cce", from_logits=True)``.
    X : ndarray, shape (n_samples, n_features)
        Or whatever the model's first layer takes, e.g.
        ``(n_samples, channels, height, width)`` for a :class:`~nnlearn.conv.Conv2D`.
    y : ndarray
        Targets in the form the loss expects.
    eps : float, default 1e-6

    Returns
    -------
    dict of str → float
        For each parameter name (``"0.W"``, ``"0.b"``, ...), the
        :func:`relative_error` between the analytic and the numerical gradient;
        below about :math:`10^{-6}` means the backward pass is right.

    Examples
    --------
    >>> from nnlearn import MLP
    >>> net = MLP([3, 4, 2], activation="tanh", rng=0)
    >>> X, y = np.random.default_rng(1).normal(size=(5, 3)), np.ones((5, 2))
    >>> max(check_gradients(net, "mse", X, y).values()) < 1e-6
    True
    """
    if isinstance(model, type):
        raise TypeError(f"`model` must be a network instance, got the class "
                        f"{model.__name__} itself. "
                        f"Hint: build one first, e.g. {model.__name__}([...]).")
    missing = [m for m in ("forward", "backward", "named_parameters")
               if not callable(getattr(model, m, None))]
    if missing:
        raise TypeError(f"`model` must be an nnlearn network (Sequential or MLP), "
                        f"got {type(model).__name__} {_short_repr(model)}, which has "
                        f"no {', '.join(m + '()' for m in missing)}. "
                        "Hint: check_gradients(net, 'mse', X, y) "
                        "with net = MLP([...]).")
    eps = check_positive(eps, "eps")
    loss = get_loss(loss)
    # The first layer knows what input it takes: (n, features) for Dense,
    # (n, C, H, W) for Conv2D, ...
    layers = getattr(model, "layers", None)
    X = layers[0]._check_input(X) if layers else check_array(X, "X", ndim=2)
    out = model.forward(X)
    value = float(loss(out, y))
    model.backward(loss.gradient(out, y))
    analytic = {name: grad.copy() for name, _, grad in model.named_parameters()}
    bad = [name for name, grad in analytic.items() if not np.isfinite(grad).all()]
    if not np.isfinite(value) or bad:
        raise ValueError(f"`model` gives a non-finite loss ({value}) or non-finite "
                         f"gradients ({', '.join(bad) or 'none'}) on `X` and `y`; "
                         "finite differences of inf or NaN mean nothing. Hint: check "
                         "the inputs' scale and the model's weights.")

    def objective(_):
        return loss(model.forward(X), y)

    if not analytic:
        raise ValueError(f"`model` has no parameters to check, "
                         f"got {_short_repr(model)}.")
    report = {}
    for name, param, _ in model.named_parameters():
        numeric = numerical_gradient(objective, param, eps=eps)
        report[name] = relative_error(analytic[name], numeric)
    return report


def _short_repr(obj):
    text = repr(obj)
    return text if len(text) <= 60 else text[:57] + "..."
