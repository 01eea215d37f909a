r"""Weight initializers.

A weight matrix of shape ``(fan_in, fan_out)`` (nnlearn's ``Dense`` layout:
``n_in`` rows, ``n_out`` columns) is drawn so that signals neither shrink nor
grow as they pass through many layers.

===================  ===================================================================
``zeros``            all zeros (fine for biases, fatal for weights: symmetry)
``normal``           :math:`\mathcal N(0, \sigma^2)`, ``std`` given (default 0.01)
``xavier_uniform``   :math:`U(-a, a)`, :math:`a = \sqrt{6/(n_{in} + n_{out})}`
                     (Glorot & Bengio, 2010)
``xavier_normal``    :math:`\mathcal N(0, 2/(n_{in} + n_{out}))`
``he_uniform``       :math:`U(-a, a)`, :math:`a = \sqrt{6/n_{in}}`  (He et al., 2015)
``he_normal``        :math:`\mathcal N(0, 2/n_{in})`
===================  ===================================================================

Xavier keeps :math:`\operatorname{Var}` of activations and of gradients
equal across layers for symmetric activations (tanh, sigmoid near 0); He
doubles the variance to make up for ReLU zeroing half of its inputs.  These
match ``torch.nn.init``'s formulas with ``gain=1`` (Xavier) and
``nonlinearity='relu'`` in fan-in mode (He).

Every initializer has the signature ``(shape, *, rng=None, dtype=np.float64)``.
"""

import inspect
import math
import numbers

import numpy as np

from ._validation import (MAX_LAYER_PARAMS, check_float_dtype, check_positive,
                          check_rng, unknown_name)

__all__ = ["zeros", "normal", "xavier_uniform", "xavier_normal", "he_uniform",
           "he_normal", "INITIALIZERS", "get", "fans"]


def fans(shape):
    """Return ``(fan_in, fan_out)`` of a weight shape ``(n_in, n_out)``.

    A 1-D shape ``(n,)`` counts as ``fan_in = fan_out = n``.
    """
    shape = _check_shape(shape)
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[2:])  # 1 for a dense matrix
    return shape[0] * receptive, shape[1] * receptive


def _check_shape(shape):
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (int(shape),)
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise TypeError(f"`shape` must be a tuple of ints, "
                        f"got {type(shape).__name__} {shape!r}.")
    shape = tuple(shape)
    if any(isinstance(s, bool) or not isinstance(s, numbers.Integral) for s in shape):
        raise TypeError(f"`shape` must be a tuple of ints, got {shape!r}.")
    shape = tuple(int(s) for s in shape)
    if not shape or any(s < 1 for s in shape):
        raise ValueError(f"`shape` must be a non-empty tuple of positive ints, "
                         f"got {shape}.")
    if math.prod(shape) > MAX_LAYER_PARAMS:
        raise ValueError(f"`shape` {shape} asks for {math.prod(shape):,} weights; "
                         f"nnlearn refuses more than {MAX_LAYER_PARAMS:,} (10**8) per "
                         "layer. Hint: check the sizes for a typo.")
    return shape


def zeros(shape, *, rng=None, dtype=np.float64):
    """All zeros.  ``rng`` is accepted for a uniform signature and ignored."""
    return np.zeros(_check_shape(shape), dtype=check_float_dtype(dtype))


def normal(shape, *, std=0.01, rng=None, dtype=np.float64):
    r"""Draw from :math:`\mathcal N(0, \mathrm{std}^2)`."""
    std = check_positive(std, "std")
    return _draw_normal(shape, std, rng, dtype)


def xavier_uniform(shape, *, rng=None, dtype=np.float64):
    r"""Glorot/Xavier uniform: :math:`U(-a, a)` with
    :math:`a = \sqrt{6/(n_{in} + n_{out})}`.

    The variance :math:`a^2/3 = 2/(n_{in} + n_{out})` is the compromise between
    keeping forward activations (:math:`1/n_{in}`) and backward gradients
    (:math:`1/n_{out}`) at constant variance.
    """
    fan_in, fan_out = fans(shape)
    return _draw_uniform(shape, math.sqrt(6.0 / (fan_in + fan_out)), rng, dtype)


def xavier_normal(shape, *, rng=None, dtype=np.float64):
    r"""Glorot/Xavier normal: :math:`\mathcal N(0, 2/(n_{in} + n_{out}))`."""
    fan_in, fan_out = fans(shape)
    return _draw_normal(shape, math.sqrt(2.0 / (fan_in + fan_out)), rng, dtype)


def he_uniform(shape, *, rng=None, dtype=np.float64):
    r"""He/Kaiming uniform: :math:`U(-a, a)` with :math:`a = \sqrt{6/n_{in}}`, variance
    :math:`2/n_{in}`."""
    fan_in, _ = fans(shape)
    return _draw_uniform(shape, math.sqrt(6.0 / fan_in), rng, dtype)


def he_normal(shape, *, rng=None, dtype=np.float64):
    r"""He/Kaiming normal: :math:`\mathcal N(0, 2/n_{in})`, for ReLU layers."""
    fan_in, _ = fans(shape)
    return _draw_normal(shape, math.sqrt(2.0 / fan_in), rng, dtype)


def _draw_uniform(shape, limit, rng, dtype):
    shape, dtype = _check_shape(shape), check_float_dtype(dtype)
    return check_rng(rng).uniform(-limit, limit, size=shape).astype(dtype, copy=False)


def _draw_normal(shape, std, rng, dtype):
    shape, dtype = _check_shape(shape), check_float_dtype(dtype)
    return (std * check_rng(rng).standard_normal(shape)).astype(dtype, copy=False)


#: Name → function table used by :func:`get`.
INITIALIZERS = {f.__name__: f for f in (zeros, normal, xavier_uniform, xavier_normal,
                                        he_uniform, he_normal)}


def get(name):
    """Return the initializer called ``name``, or ``name`` itself if it is callable."""
    if callable(name):
        return name
    if not isinstance(name, str):
        raise TypeError(f"`init` must be an initializer name or a callable, "
                        f"got {type(name).__name__} {name!r}.")
    if name not in INITIALIZERS:
        raise unknown_name("initializer", name, INITIALIZERS)
    return INITIALIZERS[name]


def _initial_weights(init, shape, rng, dtype):
    """Call the initializer ``init`` (name or callable) for a layer and check what it
    returns.

    Used by the layers: the result must be a finite real array of exactly ``shape``; it
    is returned in ``dtype``.  A callable whose signature does not accept
    ``(shape, *, rng=..., dtype=...)`` gets a clear ``TypeError`` naming ``init``.
    """
    fn = get(init)
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # some builtins have no signature: just call them
        signature = None
    if signature is not None:
        try:
            signature.bind(shape, rng=rng, dtype=dtype)
        except TypeError as exc:
            raise TypeError(
                "`init` must be callable as "
                "init(shape, *, rng=None, dtype=np.float64), like the functions of "
                f"nnlearn.init; {fn!r} cannot be ({exc}). "
                "Hint: add the keyword arguments: "
                "def my_init(shape, *, rng=None, dtype=np.float64): ...") from None
    W = fn(shape, rng=rng, dtype=dtype)
    try:
        W = np.asarray(W)
    except Exception:  # ragged lists and the like
        W = np.asarray(None)
    if (W.dtype != bool and not np.issubdtype(W.dtype, np.number)
            or np.issubdtype(W.dtype, np.complexfloating)):
        raise TypeError(f"`init` must return an array of real numbers of shape "
                        f"{tuple(shape)}, got {type(W).__name__} of dtype {W.dtype} "
                        f"from {fn!r}.")
    if W.shape != tuple(shape):
        raise ValueError(f"`init` must return an array of shape {tuple(shape)}, "
                         f"got {W.shape}.")
    # a value too large for float32 becomes inf: refused just below
    with np.errstate(over="ignore"):
        W = W.astype(dtype, copy=False)
    if not np.isfinite(W).all():
        n_bad = int(W.size - np.count_nonzero(np.isfinite(W)))
        raise ValueError(f"`init` must return finite weights, got {n_bad} NaN or "
                         f"infinite value{'s' if n_bad != 1 else ''} in {W.shape} "
                         f"from {fn!r}. Hint: check its scale (e.g. a division by a "
                         "fan of 0, or a std of inf), or whether it overflows "
                         f"{np.dtype(dtype).name}.")
    return W
