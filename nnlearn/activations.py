r"""Activation functions and their derivatives.

An activation function :math:`f` is applied to a layer's pre-activation
:math:`Z = XW + b`.  Each activation here is a small object:

* ``f(z)`` computes :math:`f(z)`;
* ``f.derivative(z)`` gives :math:`f'(z)` element by element (not for softmax,
  whose derivative is a matrix per sample);
* ``f.backward(z, grad_output)`` turns :math:`\partial L/\partial a` into
  :math:`\partial L/\partial z` (the chain rule).  Layers pass the output
  ``a = f(z)`` they already computed, so nothing is evaluated twice.

Look one up by name with :func:`get`; the table :data:`ACTIVATIONS` maps names to
classes.  Everything is numerically stable for :math:`|z|` up to :math:`10^4`:
no overflow warnings and no NaN (results may underflow to 0).  At kinks the
derivative follows PyTorch: :math:`\mathrm{relu}'(0) = 0` and
:math:`\mathrm{leaky\_relu}'(0) = \alpha`.
"""

import math
import numbers

import numpy as np

from ._validation import check_array, check_interval, from_table

__all__ = ["ActivationFunction", "Linear", "Step", "Sigmoid", "Tanh", "ReLU",
           "LeakyReLU", "Softmax", "ACTIVATIONS", "get", "sigmoid", "log_softmax",
           "softmax"]


def _check_input(z, name="z"):
    """Return ``z`` if it is a non-empty array (or number) of finite reals, else raise
    a clear error.

    The public functions and methods call this once; the layers call the unchecked
    ``_call`` and ``_backward``.  Float arrays and float scalars pass through unchanged
    (no copy), so checked and unchecked results are bit-for-bit equal.
    """
    if type(z) is np.ndarray and z.dtype.kind == "f":
        if z.size == 0:
            raise ValueError(_empty_message(name, z))
        if np.isfinite(z).all():
            return z
    elif isinstance(z, float):  # a Python float or np.float64
        if math.isfinite(z):
            return z
    arr = check_array(z, name)
    if arr.size == 0:
        raise ValueError(_empty_message(name, arr))
    return arr


def _empty_message(name, arr):
    return (f"`{name}` must be a non-empty array of numbers, got an empty array of "
            f"shape {arr.shape}. Check the slicing or filtering that produced it.")


def _check_same_shape(arr, name, z, z_name="z"):
    """Check a companion array (``grad_output`` or ``a``) of ``z``: finite and exactly
    ``z``'s shape."""
    arr = _check_input(arr, name)
    if np.shape(arr) != np.shape(z):
        raise ValueError(f"`{name}` must have the shape of `{z_name}` {np.shape(z)}, "
                         f"got {np.shape(arr)} (no broadcasting). Pass the {name} that "
                         f"belongs to this `{z_name}`.")
    return arr


def _check_axis(axis, z):
    ndim = np.ndim(z)
    if ndim == 0:
        raise ValueError("`z` must have at least one axis for softmax, got the single "
                         f"number {z!r}. Wrap it in a list: softmax([z]) "
                         "(whose value is 1).")
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError("`axis` must be an integer, got "
                        f"{type(axis).__name__} {axis!r}.")
    if not -ndim <= axis < ndim:
        raise ValueError(f"`axis` must lie in [{-ndim}, {ndim - 1}] for `z` of shape "
                         f"{np.shape(z)}, got {axis}.")
    return int(axis)


def sigmoid(z):
    r"""Logistic sigmoid :math:`\sigma(z) = 1/(1 + e^{-z})`, computed without overflow.

    For :math:`z \ge 0` it uses :math:`1/(1 + e^{-z})`, for :math:`z < 0` the
    equal form :math:`e^{z}/(1 + e^{z})`; both only ever exponentiate
    :math:`-|z| \le 0`, so nothing overflows and small values keep full
    relative precision.  ``z`` must be a non-empty array (or number) of finite reals.
    """
    return _sigmoid(_check_input(z))


def _sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def softmax(z, axis=-1):
    r"""Softmax :math:`s_i = e^{z_i} / \sum_j e^{z_j}` along ``axis``.

    The maximum is subtracted first (softmax is unchanged by adding a constant),
    so the largest exponent is :math:`e^0 = 1` and nothing overflows.
    """
    z = _check_input(z)
    axis = _check_axis(axis, z)
    # z - max may overflow to -inf for |z| near 1e308: e^-inf = 0 is right
    with np.errstate(over="ignore"):
        return _softmax(z, axis)


def _softmax(z, axis=-1):
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(z, axis=-1):
    r"""Logarithm of the softmax, :math:`z_i - \log\sum_j e^{z_j}`, via the log-sum-exp
    trick."""
    z = _check_input(z)
    axis = _check_axis(axis, z)
    with np.errstate(over="ignore"):
        return _log_softmax(z, axis)


def _log_softmax(z, axis=-1):
    z = np.asarray(z)
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


class ActivationFunction:
    """Base class: subclasses define ``_call`` and ``_derivative`` (or ``_backward``).

    The public ``__call__``, ``derivative`` and ``backward`` check their
    arguments (non-empty arrays of finite reals; ``grad_output`` and ``a``
    exactly the shape of ``z``, no broadcasting) and then call the unchecked
    ``_call``, ``_derivative`` and ``_backward``, which the layers use on
    arrays the network has already checked.  A subclass that defines the
    public methods instead (``__call__``, ``derivative``, ``backward``) works
    too: they are then used unchecked in both roles.

    Attributes
    ----------
    name : str
        The name under which :func:`get` finds the activation.
    elementwise : bool
        True when :math:`f` acts on each entry separately, so that
        ``backward`` is ``grad_output * derivative(z)``.
    """

    name = "activation"
    elementwise = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for public, private in (("__call__", "_call"), ("derivative", "_derivative"),
                                ("backward", "_backward")):
            if public in cls.__dict__ and private not in cls.__dict__:
                setattr(cls, private, cls.__dict__[public])

    def __call__(self, z):
        """Return :math:`f(z)`.

        ``z`` is a non-empty array (or number) of finite reals.
        """
        return self._call(_check_input(z))

    def derivative(self, z, a=None):
        """Element-wise derivative :math:`f'(z)`.

        ``a = f(z)`` may be passed to avoid recomputing it.
        """
        z = _check_input(z)
        if a is not None:
            a = _check_same_shape(a, "a", z)
        return self._derivative(z, a)

    def backward(self, z, grad_output, a=None):
        r"""Return :math:`\partial L/\partial z = \partial L/\partial a \odot f'(z)`.

        Parameters
        ----------
        z : ndarray
            The pre-activation the forward pass received.
        grad_output : ndarray, same shape as ``z``
            :math:`\partial L/\partial a`, the gradient of the loss with respect to the
            output.
        a : ndarray, optional
            The forward output ``f(z)``, if already known.
        """
        z = _check_input(z)
        grad_output = _check_same_shape(grad_output, "grad_output", z)
        if a is not None:
            a = _check_same_shape(a, "a", z)
        return self._backward(z, grad_output, a)

    def _call(self, z):
        raise NotImplementedError

    def _derivative(self, z, a=None):
        raise NotImplementedError

    def _backward(self, z, grad_output, a=None):
        return grad_output * self._derivative(z, a)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Linear(ActivationFunction):
    r"""Identity :math:`f(z) = z`, :math:`f'(z) = 1`.  Used for regression outputs."""

    name = "linear"

    def _call(self, z):
        return np.asarray(z)

    def _derivative(self, z, a=None):
        return np.ones_like(z)

    def _backward(self, z, grad_output, a=None):
        return grad_output


class Step(ActivationFunction):
    r"""Heaviside step :math:`f(z) = 1` if :math:`z \ge 0` else :math:`0`.

    The perceptron's activation.  Its derivative is 0 wherever it exists, which is
    why a network of step units cannot be trained by gradient descent.
    """

    name = "step"

    def _call(self, z):
        z = np.asarray(z)
        dtype = z.dtype if np.issubdtype(z.dtype, np.floating) else np.float64
        return (z >= 0).astype(dtype)

    def _derivative(self, z, a=None):
        return np.zeros_like(z, dtype=np.result_type(z, np.float32))


class Sigmoid(ActivationFunction):
    r"""Logistic sigmoid :math:`\sigma(z) = 1/(1 + e^{-z})`, range :math:`(0, 1)`.

    Derivative :math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`, at most
    :math:`1/4` (at :math:`z = 0`).
    """

    name = "sigmoid"

    def _call(self, z):
        return _sigmoid(z)

    def _derivative(self, z, a=None):
        a = _sigmoid(z) if a is None else a
        return a * (1.0 - a)


class Tanh(ActivationFunction):
    r"""Hyperbolic tangent :math:`\tanh z`, range :math:`(-1, 1)`.

    Derivative :math:`\tanh'(z) = 1 - \tanh^2 z`.
    """

    name = "tanh"

    def _call(self, z):
        return np.tanh(z)

    def _derivative(self, z, a=None):
        a = np.tanh(z) if a is None else a
        return 1.0 - a * a


class ReLU(ActivationFunction):
    r"""Rectified linear unit :math:`\max(0, z)`.

    Derivative 1 for :math:`z > 0`, else 0.
    """

    name = "relu"

    def _call(self, z):
        return np.maximum(z, 0.0)

    def _derivative(self, z, a=None):
        z = np.asarray(z)
        return (z > 0).astype(z.dtype)

    def _backward(self, z, grad_output, a=None):
        return np.where(np.asarray(z) > 0, grad_output, 0.0)


class LeakyReLU(ActivationFunction):
    r"""Leaky ReLU: :math:`z` for :math:`z > 0`, :math:`\alpha z` otherwise.

    Derivative 1 or :math:`\alpha`.

    Parameters
    ----------
    alpha : float, default 0.01
        Slope for negative inputs, in :math:`[0, 1)`.
    """

    name = "leaky_relu"

    def __init__(self, alpha=0.01):
        self.alpha = check_interval(alpha, "alpha", 0.0, 1.0)

    def _call(self, z):
        z = np.asarray(z)
        return np.where(z > 0, z, self.alpha * z)

    def _derivative(self, z, a=None):
        z = np.asarray(z)
        return np.where(z > 0, 1.0, self.alpha).astype(z.dtype)

    def _backward(self, z, grad_output, a=None):
        return np.where(np.asarray(z) > 0, grad_output, self.alpha * grad_output)

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"


class Softmax(ActivationFunction):
    r"""Softmax along the last axis: :math:`s_i = e^{z_i}/\sum_j e^{z_j}`.

    Each row of the output is a probability distribution.  The Jacobian of one
    row is :math:`J = \mathrm{diag}(s) - s s^\top`, so the backward pass is the
    Jacobian-vector product

    .. math:: \frac{\partial L}{\partial z} = s \odot \Big(g - \sum_j g_j s_j\Big),
              \qquad g = \frac{\partial L}{\partial s}.
    """

    name = "softmax"
    elementwise = False

    def __call__(self, z):
        return softmax(z, axis=-1)

    def _call(self, z):
        return _softmax(z, axis=-1)

    def derivative(self, z, a=None):
        raise TypeError("softmax is not element-wise: its derivative is a Jacobian "
                        "matrix per sample. Use backward(z, grad_output) for the "
                        "Jacobian-vector product.")

    _derivative = derivative

    def backward(self, z, grad_output, a=None):
        z = _check_input(z)
        _check_axis(-1, z)
        # z - max may overflow to -inf near 1e308: e^-inf = 0 is right
        with np.errstate(over="ignore"):
            return super().backward(z, grad_output, a)

    def _backward(self, z, grad_output, a=None):
        s = _softmax(z, axis=-1) if a is None else a
        return s * (grad_output - (grad_output * s).sum(axis=-1, keepdims=True))


#: Name → class table used by :func:`get`; add an entry to register a new activation.
ACTIVATIONS = {cls.name: cls
               for cls in (Linear, Step, Sigmoid, Tanh, ReLU, LeakyReLU, Softmax)}


def get(name, **options):
    """Return the activation called ``name``.

    Options such as ``alpha`` go to its constructor.

    Parameters
    ----------
    name : str or ActivationFunction
        One of ``"linear"``, ``"step"``, ``"sigmoid"``, ``"tanh"``, ``"relu"``,
        ``"leaky_relu"``, ``"softmax"``; an ``ActivationFunction`` is returned as it is.

    Examples
    --------
    >>> get("leaky_relu", alpha=0.1)(np.array([-2.0, 3.0]))
    array([-0.2,  3. ])
    """
    return _get(name, "name", **options)


def _get(value, argname, **options):
    """:func:`get` for an argument the user called ``argname`` (``activation``,
    ``output_activation``, ...)."""
    hint = ("for no activation use 'linear'." if value is None
            else f"use one of {sorted(ACTIVATIONS)}.")
    return from_table(value, argname, ACTIVATIONS, ActivationFunction, "an activation",
                      options, hint)
