r"""Weight initializers.

A weight matrix of shape ``(fan_in, fan_out)`` (nnlearn's ``Dense`` layout:
``n_in`` rows, ``n_out`` columns) is drawn so that signals neither shrink nor
grow as they pass through many layers.

===================  ======================================================================
``zeros``            all zeros (fine for biases, fatal for weights: symmetry)
``normal``           :math:`\mathcal N(0, \sigma^2)`, ``std`` given (default 0.01)
``xavier_uniform``   :math:`U(-a, a)`, :math:`a = \sqrt{6/(n_{in} + n_{out})}`  (Glorot & Bengio, 2010)
``xavier_normal``    :math:`\mathcal N(0, 2/(n_{in} + n_{out}))`
``he_uniform``       :math:`U(-a, a)`, :math:`a = \sqrt{6/n_{in}}`  (He et al., 2015)
``he_normal``        :math:`\mathcal N(0, 2/n_{in})`
===================  ======================================================================

Xavier keeps :math:`\operatorname{Var}` of activations and of gradients
equal across layers for symmetric activations (tanh, sigmoid near 0); He
doubles the variance to make up for ReLU zeroing half of its inputs.  These
match ``torch.nn.init``'s formulas with ``gain=1`` (Xavier) and
``nonlinearity='relu'`` in fan-in mode (He).

Every initializer has the signature ``(shape, *, rng=None, dtype=np.float64)``.
"""

import math

import numpy as np

from ._validation import check_float_dtype, check_positive, check_rng, unknown_name

__all__ = ["zeros", "normal", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal",
           "INITIALIZERS", "get", "fans"]


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
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        shape = tuple(int(s) for s in shape)
    except TypeError:
        raise TypeError(f"`shape` must be a tuple of ints, got {shape!r}.") from None
    if not shape or any(s < 1 for s in shape):
        raise ValueError(f"`shape` must be a non-empty tuple of positive ints, got {shape}.")
    return shape


def zeros(shape, *, rng=None, dtype=np.float64):
    """All zeros.  ``rng`` is accepted for a uniform signature and ignored."""
    return np.zeros(_check_shape(shape), dtype=check_float_dtype(dtype))


def normal(shape, *, std=0.01, rng=None, dtype=np.float64):
    r"""Draw from :math:`\mathcal N(0, \mathrm{std}^2)`."""
    std = check_positive(std, "std")
    return _draw_normal(shape, std, rng, dtype)


def xavier_uniform(shape, *, rng=None, dtype=np.float64):
    r"""Glorot/Xavier uniform: :math:`U(-a, a)` with :math:`a = \sqrt{6/(n_{in} + n_{out})}`.

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
    r"""He/Kaiming uniform: :math:`U(-a, a)` with :math:`a = \sqrt{6/n_{in}}`, variance :math:`2/n_{in}`."""
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
INITIALIZERS = {f.__name__: f for f in (zeros, normal, xavier_uniform, xavier_normal, he_uniform, he_normal)}


def get(name):
    """Return the initializer called ``name``, or ``name`` itself if it is callable."""
    if callable(name):
        return name
    if not isinstance(name, str):
        raise TypeError(f"`init` must be an initializer name or a callable, got {type(name).__name__} {name!r}.")
    if name not in INITIALIZERS:
        raise unknown_name("initializer", name, INITIALIZERS)
    return INITIALIZERS[name]
