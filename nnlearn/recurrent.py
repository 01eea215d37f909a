r"""A recurrent layer for sequences: the Elman network :class:`SimpleRNN`.

Sequences travel batch-first, ``(n_samples, n_steps, n_features)``: sample
:math:`n` is the sequence :math:`x_1, \dots, x_T` of feature vectors.  The
layer keeps a hidden state :math:`h_t` that it updates at every step with the
*same* weights,

.. math:: h_t = \tanh\!\big(x_t W_{xh} + h_{t-1} W_{hh} + b_h\big), \qquad h_0 = 0,

(Elman, 1990).  Unrolled in time it is a deep network with one layer per step
whose layers share their weights, and it is trained by backpropagation through
that unrolled network, *backpropagation through time* (Werbos, 1990).
"""

import numpy as np

from . import init as initializers
from ._validation import (check_array, check_float_dtype, check_grad_output, check_int,
                          check_rng)
from .layers import Layer, Parameters

__all__ = ["SimpleRNN"]


class SimpleRNN(Layer):
    r"""Elman recurrent layer with tanh, trained by backpropagation through time.

    Parameters
    ----------
    n_in : int
        Features per time step, :math:`d`.
    n_hidden : int
        Size :math:`H` of the hidden state.
    return_sequences : bool, default False
        Return every hidden state, shape ``(n_samples, n_steps, n_hidden)``, or
        only the last one, shape ``(n_samples, n_hidden)`` (what a following
        Dense layer in a :class:`~nnlearn.network.Sequential` needs).
    init : str or callable, default "xavier_uniform"
        Initializer of ``W_xh`` and ``W_hh`` (see :mod:`nnlearn.init`); ``b_h`` starts
        at zero.
    rng : None, int or numpy.random.Generator
    dtype : float32 or float64, default float64

    Attributes
    ----------
    params : dict
        ``"W_xh"`` of shape ``(n_in, n_hidden)``, ``"W_hh"`` of shape
        ``(n_hidden, n_hidden)`` and ``"b_h"`` of shape ``(n_hidden,)``.
    grads : dict
        Their gradients, same shapes.
    hidden_states : ndarray, shape (n_samples, n_steps, n_hidden)
        :math:`h_1, \dots, h_T` of the last forward pass.
    state_gradients : ndarray, shape (n_samples, n_steps, n_hidden)
        :math:`\partial L/\partial h_t` of the last backward pass (the total
        gradient, through all later steps), for studying how gradients
        vanish or explode with the time distance.

    Notes
    -----
    Forward, for :math:`t = 1, \dots, T`:
    :math:`a_t = x_t W_{xh} + h_{t-1} W_{hh} + b_h`, :math:`h_t = \tanh(a_t)`.
    Backward, from :math:`t = T` down to 1, with :math:`g_t = \partial L/\partial h_t`
    (the gradient arriving from the output at step :math:`t` plus the one from step
    :math:`t + 1`):

    .. math::

        \delta_t = g_t \odot (1 - h_t^2), \qquad
        g_{t-1} \mathrel{+}= \delta_t W_{hh}^\top,

        \frac{\partial L}{\partial W_{xh}} = \sum_t x_t^\top \delta_t, \quad
        \frac{\partial L}{\partial W_{hh}} = \sum_t h_{t-1}^\top \delta_t, \quad
        \frac{\partial L}{\partial b_h} = \sum_t \mathbf 1^\top \delta_t, \quad
        \frac{\partial L}{\partial x_t} = \delta_t W_{xh}^\top .

    This is PyTorch's ``torch.nn.RNN(nonlinearity="tanh", batch_first=True)``
    with one layer, ``weight_ih_l0 = W_xh.T``, ``weight_hh_l0 = W_hh.T`` and
    ``bias_ih_l0 + bias_hh_l0 = b_h``.

    Examples
    --------
    >>> rnn = SimpleRNN(1, 4, rng=0)
    >>> rnn.forward(np.zeros((3, 10, 1))).shape, rnn.n_params
    ((3, 4), 24)
    >>> every_step = SimpleRNN(1, 4, return_sequences=True, rng=0)
    >>> every_step.forward(np.zeros((3, 10, 1))).shape
    (3, 10, 4)
    """

    def __init__(self, n_in, n_hidden, *, return_sequences=False, init="xavier_uniform",
                 rng=None, dtype=np.float64):
        super().__init__()
        self.n_in = check_int(n_in, "n_in", minimum=1)
        self.n_hidden = check_int(n_hidden, "n_hidden", minimum=1)
        if not isinstance(return_sequences, (bool, np.bool_)):
            raise TypeError(f"`return_sequences` must be True or False, "
                            f"got {type(return_sequences).__name__} "
                            f"{return_sequences!r}.")
        self.return_sequences = bool(return_sequences)
        self.dtype = check_float_dtype(dtype)
        self.init = init
        rng = check_rng(rng)
        draw = initializers.get(init)
        params = {}
        for key, shape in (("W_xh", (self.n_in, self.n_hidden)),
                           ("W_hh", (self.n_hidden, self.n_hidden))):
            W = np.asarray(draw(shape, rng=rng, dtype=self.dtype))
            if W.shape != shape:
                raise ValueError(f"`init` must return an array of shape {shape}, "
                                 f"got {W.shape}.")
            params[key] = W.astype(self.dtype, copy=False)
        params["b_h"] = np.zeros(self.n_hidden, dtype=self.dtype)
        self.params = Parameters(params)
        self.grads = Parameters({key: np.zeros_like(value)
                                 for key, value in self.params.items()})
        self._X = None
        self.hidden_states = None
        self.state_gradients = None

    def _check_input(self, X):
        arr = np.asarray(X) if X is not None and not isinstance(X, (str, bytes)) else X
        if (getattr(arr, "ndim", 3) != 3
                and np.issubdtype(getattr(arr, "dtype", np.dtype(object)), np.number)):
            msg = (f"`X` must be a 3-D array of shape (n_samples, n_steps, "
                   f"n_features), got a {arr.ndim}-D array of shape {arr.shape}.")
            if arr.ndim == 2 and self.n_in == 1:
                msg += (" If each row is a sequence of single numbers, "
                        "use X[:, :, None].")
            elif arr.ndim == 2:
                msg += (" If it holds a single sequence of shape (n_steps, "
                        "n_features), use X[None].")
            raise ValueError(msg)
        X = check_array(X, "X", ndim=3, dtype=self.dtype)
        if X.shape[1] == 0:
            raise ValueError(f"`X` must hold sequences of at least one time step "
                             f"(axis 1 of (n_samples, n_steps, n_features)), got X of "
                             f"shape {X.shape}. Hint: an empty sequence has no last "
                             "hidden state; drop it or pad it.")
        if X.shape[2] != self.n_in:
            raise ValueError(f"`X` must have {self.n_in} feature(s) per step (axis 2 "
                             f"of (n_samples, n_steps, n_features)) for {self!r}, got "
                             f"X of shape {X.shape}.")
        return X

    def backward(self, grad_output):
        """Check ``grad_output`` (shape of the last output), store the parameter
        gradients, return dL/dX."""
        return self._backward(check_grad_output(self, grad_output))

    def _forward(self, X):
        n, T, _ = X.shape
        W_hh = self.params["W_hh"]
        # x_t W_xh + b for all steps at once
        inputs = X @ self.params["W_xh"] + self.params["b_h"]
        H = np.empty((n, T, self.n_hidden), dtype=inputs.dtype)
        h = np.zeros((n, self.n_hidden), dtype=inputs.dtype)
        for t in range(T):
            h = np.tanh(inputs[:, t] + h @ W_hh)
            H[:, t] = h
        self._X = X
        self.hidden_states = H
        self._out_shape = H.shape if self.return_sequences else (n, self.n_hidden)
        return H if self.return_sequences else H[:, -1]

    def _backward(self, grad_output, need_input_grad=True):
        X, H = self._X, self.hidden_states
        n, T, _ = X.shape
        W_hh = self.params["W_hh"]
        if self.return_sequences:
            G = grad_output.copy()      # dL/dh_t from the outputs
        else:
            G = np.zeros_like(H)
            G[:, -1] = grad_output
        delta = np.empty_like(H)        # dL/da_t
        g = np.zeros((n, self.n_hidden), dtype=H.dtype)
        for t in range(T - 1, -1, -1):
            g = G[:, t] + g             # output at t + path through t + 1
            G[:, t] = g
            delta[:, t] = g * (1.0 - H[:, t] ** 2)
            g = delta[:, t] @ W_hh.T
        self.state_gradients = G
        h0 = np.zeros((n, 1, self.n_hidden), dtype=H.dtype)
        H_prev = np.concatenate([h0, H[:, :-1]], axis=1)
        d2 = delta.reshape(n * T, self.n_hidden)
        self.grads["W_xh"] = X.reshape(n * T, self.n_in).T @ d2
        self.grads["W_hh"] = H_prev.reshape(n * T, self.n_hidden).T @ d2
        self.grads["b_h"] = d2.sum(axis=0)
        return delta @ self.params["W_xh"].T if need_input_grad else None

    def __repr__(self):
        extra = ", return_sequences=True" if self.return_sequences else ""
        return f"SimpleRNN({self.n_in}, {self.n_hidden}{extra})"
