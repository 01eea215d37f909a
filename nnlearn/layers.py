r"""Layers: the building blocks of a network.

Every layer maps a batch ``X`` of shape ``(n_samples, n_in)`` to an output of
shape ``(n_samples, n_out)`` and back-propagates gradients:

* ``forward(X)`` computes the output and remembers what ``backward`` needs;
* ``backward(grad_output)`` receives :math:`\partial L/\partial \text{output}`,
  stores the gradients of the layer's parameters in ``grads`` and returns
  :math:`\partial L/\partial X`.

Parameters and their gradients live in two dicts with the same keys,
``params`` and ``grads``.  ``backward`` *overwrites* ``grads`` (it does not add
to them as PyTorch does), writing into the same arrays every time, so an
optimizer can hold on to them.

The public ``forward``/``backward`` check their input; the underscored
``_forward``/``_backward`` do the arithmetic only, and a network calls those
after checking its input once.
"""

import numpy as np

from . import activations
from . import init as initializers
from ._validation import (check_array, check_float_dtype, check_int, check_interval,
                          check_layer_size, check_rng)

__all__ = ["Layer", "Dense", "Activation", "Dropout", "Parameters", "BatchNorm",
           "Residual"]


class Parameters(dict):
    """A layer's ``params`` or ``grads``: setting an existing key writes into its array.

    ``layer.params["W"] = M`` copies ``M`` into the array already there, just like
    ``layer.params["W"][...] = M``, after checking the shape.  The array itself
    stays the same object, so a network that keeps all its parameters in one
    vector (see :meth:`nnlearn.network.Sequential.flat_parameters`), and an
    optimizer holding on to them, keep seeing the new values.
    """

    def __setitem__(self, key, value):
        if key not in self:
            super().__setitem__(key, value)
            return
        target = self[key]
        value = np.asarray(value)
        if value.shape != target.shape:
            transposed = value.T.shape == target.shape
            hint = " Did you mean its transpose?" if transposed else ""
            raise ValueError(f"`params[{key!r}]` must keep its shape {target.shape}, "
                             f"got an array of shape {value.shape}.{hint}")
        target[...] = value

    def _rebind(self, key, array):
        """Replace the array itself.

        Used when a network moves the parameters into its vector.
        """
        super().__setitem__(key, array)


class Layer:
    """Base class of all layers.

    Attributes
    ----------
    params, grads : dict of str → ndarray
        Trainable arrays and their gradients (same keys; empty for layers without
        parameters).
    training : bool
        Training mode (True) or evaluation mode (False); only :class:`Dropout` and
        :class:`BatchNorm` care.
    """

    def __init__(self):
        self.params = Parameters()
        self.grads = Parameters()
        self.training = True
        self._out_shape = None

    def forward(self, X):
        """Check ``X`` (2-D, finite) and return the layer's output."""
        return self._forward(self._check_input(X))

    def backward(self, grad_output):
        """Check ``grad_output`` against the last output, store parameter gradients,
        return dL/dX."""
        if self._out_shape is None:
            raise RuntimeError(f"{self!r}: call forward() before backward().")
        grad_output = check_array(grad_output, "grad_output", ndim=2)
        if grad_output.shape != self._out_shape:
            raise ValueError("`grad_output` must have the shape of the last forward "
                             f"output {self._out_shape}, got {grad_output.shape}.")
        return self._backward(grad_output)

    def _check_input(self, X):
        return check_array(X, "X", ndim=2)

    def _forward(self, X):
        raise NotImplementedError

    def _backward(self, grad_output, need_input_grad=True):
        """Store parameter gradients; return dL/dX.

        A first layer may skip dL/dX: ``need_input_grad=False``.
        """
        raise NotImplementedError

    @property
    def n_params(self):
        """Number of trainable scalars."""
        return sum(p.size for p in self.params.values())


class Dense(Layer):
    r"""Fully connected layer :math:`Z = XW + b`.

    Parameters
    ----------
    n_in, n_out : int
        Number of input features and of output units (neurons).
    init : str or callable, default "xavier_uniform"
        Initializer for ``W`` (see :mod:`nnlearn.init`); ``b`` starts at zero.
    rng : None, int or numpy.random.Generator
        Randomness for the initializer.
    dtype : float32 or float64, default float64

    Attributes
    ----------
    params : dict
        ``"W"`` of shape ``(n_in, n_out)`` and ``"b"`` of shape ``(n_out,)``.
    grads : dict
        :math:`\partial L/\partial W` and :math:`\partial L/\partial b`, same shapes.

    Notes
    -----
    With :math:`\delta = \partial L/\partial Z` of shape ``(n_samples, n_out)``
    the backward pass is

    .. math:: \frac{\partial L}{\partial W} = X^\top \delta, \qquad
              \frac{\partial L}{\partial b} = \sum_{\text{samples}} \delta, \qquad
              \frac{\partial L}{\partial X} = \delta W^\top .
    """

    def __init__(self, n_in, n_out, *, init="xavier_uniform", rng=None,
                 dtype=np.float64):
        super().__init__()
        self.n_in = check_int(n_in, "n_in", minimum=1)
        self.n_out = check_int(n_out, "n_out", minimum=1)
        check_layer_size(self.n_in * self.n_out + self.n_out,
                         f"Dense(n_in={self.n_in}, n_out={self.n_out})")
        self.dtype = check_float_dtype(dtype)
        self.init = init
        shape = (self.n_in, self.n_out)
        W = initializers._initial_weights(init, shape, check_rng(rng), self.dtype)
        self.params = Parameters(W=W, b=np.zeros(self.n_out, dtype=self.dtype))
        self.grads = Parameters({key: np.zeros_like(value)
                                 for key, value in self.params.items()})
        self._X = None
        # a row of ones for the bias gradient, reused
        self._ones = np.ones(0, dtype=self.dtype)

    def _check_input(self, X):
        X = check_array(X, "X", ndim=2, dtype=self.dtype)
        if X.shape[1] != self.n_in:
            msg = (f"`X` must have {self.n_in} features (columns) for {self!r}, "
                   f"got X of shape {X.shape}.")
            if X.shape[0] == self.n_in:
                msg += " It looks transposed: pass X.T, with one row per sample."
            raise ValueError(msg)
        return X

    def _forward(self, X):
        self._X = X
        self._out_shape = (X.shape[0], self.n_out)
        return X @ self.params["W"] + self.params["b"]

    def _backward(self, grad_output, need_input_grad=True):
        np.matmul(self._X.T, grad_output, out=self.grads["W"])
        # dL/db is the column sum of delta, written as the product 1^T delta: BLAS
        # computes it several times faster than np.sum(axis=0) does.
        if self._ones.shape[0] != grad_output.shape[0]:
            self._ones = np.ones(grad_output.shape[0], dtype=self.dtype)
        np.matmul(self._ones, grad_output, out=self.grads["b"])
        return grad_output @ self.params["W"].T if need_input_grad else None

    def __repr__(self):
        return f"Dense({self.n_in}, {self.n_out})"


class Activation(Layer):
    """Applies an activation function (see :mod:`nnlearn.activations`) to its input.

    Parameters
    ----------
    activation : str or ActivationFunction
        A name such as ``"relu"`` or an activation object.
    **options
        Passed to :func:`nnlearn.activations.get`, e.g. ``alpha=0.1`` for leaky ReLU.

    Notes
    -----
    The layer keeps its input ``Z`` and output ``A = f(Z)``; backward returns
    ``f.backward(Z, grad_output, a=A)``, so nothing is recomputed.
    """

    def __init__(self, activation, **options):
        super().__init__()
        self.activation = activations._get(activation, "activation", **options)
        self._Z = self._A = None

    def _forward(self, X):
        self._Z = X
        self._A = self.activation._call(X)
        self._out_shape = self._A.shape
        return self._A

    def _backward(self, grad_output, need_input_grad=True):
        return self.activation._backward(self._Z, grad_output, a=self._A)

    def __repr__(self):
        fn = self.activation
        plain = repr(fn) == f"{type(fn).__name__}()"  # no options worth showing
        return f"Activation({fn.name!r})" if plain else f"Activation({fn!r})"


class Dropout(Layer):
    r"""Inverted dropout: in training, zero each input with probability ``p`` and scale
    the rest by :math:`1/(1-p)`.

    The scaling keeps the expected value of every unit unchanged, so in
    evaluation mode (``training = False``) the layer is the identity and
    nothing needs rescaling at prediction time (Srivastava et al., 2014).

    Parameters
    ----------
    p : float in [0, 1)
        Probability of dropping a unit.
    rng : None, int or numpy.random.Generator
        Randomness for the masks.
    """

    def __init__(self, p, *, rng=None):
        super().__init__()
        self.p = check_interval(p, "p", 0.0, 1.0)
        self.rng = check_rng(rng)
        self._mask = None

    def _forward(self, X):
        self._out_shape = X.shape
        if not self.training or self.p == 0.0:
            self._mask = None
            return X
        keep = self.rng.random(X.shape) >= self.p
        self._mask = keep.astype(X.dtype) / (1.0 - self.p)
        return X * self._mask

    def _backward(self, grad_output, need_input_grad=True):
        return grad_output if self._mask is None else grad_output * self._mask

    def __repr__(self):
        return f"Dropout(p={self.p})"


# Defined in their own modules, which build on Layer above; re-exported here so that
# ``nnlearn.layers.BatchNorm`` and ``nnlearn.layers.Residual`` work.
from .normalization import BatchNorm  # noqa: E402
from .residual import Residual  # noqa: E402
