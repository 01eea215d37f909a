r"""Convolution layers for images: :class:`Conv2D`, :class:`MaxPool2D` and
:class:`Flatten`.

Images travel batch-first in the layout ``(n_samples, channels, height, width)``
("NCHW", PyTorch's layout).  A grey-scale 8×8 digit is one sample of shape
``(1, 8, 8)``; a batch of them has shape ``(n_samples, 1, 8, 8)``.

What deep-learning libraries call *convolution* is, strictly, cross-correlation:
the kernel is slid over the image without being flipped,

.. math::

    Z_{n,o,i,j} = b_o + \sum_{c=1}^{C_{in}} \sum_{u=0}^{k_h-1} \sum_{v=0}^{k_w-1}
                  W_{o,c,u,v}\, X_{n,c,\,s i + u,\,s j + v},

with stride :math:`s` (and the input padded with zeros beforehand).  That is
what :class:`Conv2D` computes, as ``torch.nn.functional.conv2d`` does.

The layers compute it with *im2col*: every :math:`C_{in} k_h k_w` window of the
input becomes one row of a matrix (built with
:func:`numpy.lib.stride_tricks.sliding_window_view`), and the whole
convolution is then one matrix product with the kernels unrolled into a
:math:`(C_{in} k_h k_w) \times C_{out}` matrix — a :class:`~nnlearn.layers.Dense`
layer applied to every window with the same weights.  The backward pass is
the Dense layer's backward pass followed by *col2im*, which adds each window's
gradient back to the pixels it came from.

All three layers are :class:`~nnlearn.layers.Layer` objects and work inside
:class:`~nnlearn.network.Sequential` (whose output must be 2-D, so a
convolutional network ends with :class:`Flatten` and a Dense layer).
"""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import init as initializers
from ._validation import (check_array, check_float_dtype, check_grad_output, check_int,
                          check_rng)
from .layers import Layer, Parameters

__all__ = ["Conv2D", "MaxPool2D", "Flatten", "conv_output_size"]


def conv_output_size(size, kernel_size, stride=1, padding=0):
    r"""Output length :math:`\lfloor (\text{size} + 2p - k)/s \rfloor + 1` of a
    convolution or pooling along one axis.

    Examples
    --------
    >>> (conv_output_size(8, 3), conv_output_size(8, 3, padding=1),
    ...  conv_output_size(8, 3, stride=2))
    (6, 8, 3)
    """
    return (size + 2 * padding - kernel_size) // stride + 1


def _check_images(X, channels, name="X"):
    """Check a batch of images of shape (n_samples, channels, height, width), with a
    hint for flat input."""
    arr = np.asarray(X) if not isinstance(X, (str, bytes)) and X is not None else X
    ndim = getattr(arr, "ndim", None)
    if (ndim is not None and ndim != 4
            and np.issubdtype(getattr(arr, "dtype", np.dtype(object)), np.number)):
        msg = (f"`{name}` must be a 4-D array of shape "
               "(n_samples, channels, height, width), "
               f"got a {ndim}-D array of shape {arr.shape}.")
        if ndim == 2:
            divisible = arr.shape[1] % channels == 0
            side = math.isqrt(arr.shape[1] // channels) if divisible else 0
            if side and side * side * channels == arr.shape[1]:
                msg += (f" If each row is a flattened {side}x{side} image, use "
                        f"{name}.reshape({arr.shape[0]}, {channels}, {side}, {side}).")
            else:
                msg += (" Reshape each row into (channels, height, width) = "
                        f"({channels}, height, width).")
        elif ndim == 3:
            msg += (" If it holds grey-scale images of shape (height, width), add the "
                    f"channel axis: {name}[:, None].")
        raise ValueError(msg)
    return check_array(X, name, ndim=4)


class Conv2D(Layer):
    r"""2-D convolution (cross-correlation) layer, NCHW.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels :math:`C_{in}` of the input and :math:`C_{out}` of the output
        (the number of kernels, or *filters*).
    kernel_size : int or (int, int)
        Kernel height and width :math:`(k_h, k_w)`.
    stride : int, default 1
        Step :math:`s` between neighbouring windows, in both directions.
    padding : int, default 0
        Rows and columns of zeros :math:`p` added on every side of the input.
    init : str or callable, default "he_uniform"
        Initializer (see :mod:`nnlearn.init`), called with the shape
        ``(in_channels * k_h * k_w, out_channels)`` of the unrolled kernel
        matrix, so fan-in is :math:`C_{in} k_h k_w` as for a Dense layer
        reading one window; ``b`` starts at zero.
    rng : None, int or numpy.random.Generator
    dtype : float32 or float64, default float64

    Attributes
    ----------
    params : dict
        ``"W"`` of shape ``(out_channels, in_channels, k_h, k_w)`` (PyTorch's
        layout) and ``"b"`` of shape ``(out_channels,)``.
    grads : dict
        Their gradients, same shapes.

    Notes
    -----
    Input ``X`` has shape ``(n, C_in, H, W)``; the output ``Z`` has shape
    ``(n, C_out, H_out, W_out)`` with
    :math:`H_{out} = \lfloor (H + 2p - k_h)/s \rfloor + 1` (likewise
    :math:`W_{out}`) and

    .. math::

        Z_{n,o,i,j} = b_o
            + \sum_{c,u,v} W_{o,c,u,v}\, X^{pad}_{n,c,\,s i + u,\,s j + v}.

    The number of parameters, :math:`C_{out}(C_{in} k_h k_w + 1)`, does not
    depend on the image size.  With :math:`\delta = \partial L/\partial Z`,

    .. math::

        \frac{\partial L}{\partial W_{o,c,u,v}}
            = \sum_{n,i,j} \delta_{n,o,i,j}\, X^{pad}_{n,c,\,s i+u,\,s j+v},
        \qquad \frac{\partial L}{\partial b_o} = \sum_{n,i,j} \delta_{n,o,i,j},

    and :math:`\partial L/\partial X^{pad}_{n,c,y,x}` sums
    :math:`\delta_{n,o,i,j} W_{o,c,u,v}` over every window position
    :math:`(i, j)` and kernel offset :math:`(u, v)` with
    :math:`(s i + u, s j + v) = (y, x)`.

    Examples
    --------
    >>> conv = Conv2D(1, 4, 3, rng=0)
    >>> conv.forward(np.zeros((2, 1, 8, 8))).shape, conv.n_params
    ((2, 4, 6, 6), 40)
    """

    def __init__(self, in_channels, out_channels, kernel_size, *, stride=1, padding=0,
                 init="he_uniform", rng=None, dtype=np.float64):
        super().__init__()
        self.in_channels = check_int(in_channels, "in_channels", minimum=1)
        self.out_channels = check_int(out_channels, "out_channels", minimum=1)
        if isinstance(kernel_size, (tuple, list)):
            if len(kernel_size) != 2:
                raise ValueError("`kernel_size` must be an int or a pair "
                                 f"(height, width), got {kernel_size!r}.")
            kh, kw = (check_int(k, "kernel_size", minimum=1) for k in kernel_size)
        else:
            kh = kw = check_int(kernel_size, "kernel_size", minimum=1)
        self.kernel_size = (kh, kw)
        self.stride = check_int(stride, "stride", minimum=1)
        self.padding = check_int(padding, "padding", minimum=0)
        self.dtype = check_float_dtype(dtype)
        self.init = init
        fan = (self.in_channels * kh * kw, self.out_channels)
        initializer = initializers.get(init)
        M = np.asarray(initializer(fan, rng=check_rng(rng), dtype=self.dtype))
        if M.shape != fan:
            raise ValueError(f"`init` must return an array of shape {fan}, "
                             f"got {M.shape}.")
        W = M.T.reshape(self.out_channels, self.in_channels, kh, kw).astype(self.dtype)
        self.params = Parameters(W=np.ascontiguousarray(W),
                                 b=np.zeros(self.out_channels, dtype=self.dtype))
        self.grads = Parameters({key: np.zeros_like(value)
                                 for key, value in self.params.items()})
        self._cols = None
        self._in_shape = None

    def output_shape(self, height, width):
        """``(out_channels, H_out, W_out)`` for an input image of ``height`` ×
        ``width`` pixels."""
        kh, kw = self.kernel_size
        return (self.out_channels,
                conv_output_size(height, kh, self.stride, self.padding),
                conv_output_size(width, kw, self.stride, self.padding))

    def _check_input(self, X):
        X = _check_images(X, self.in_channels).astype(self.dtype, copy=False)
        if X.shape[1] != self.in_channels:
            raise ValueError(f"`X` must have {self.in_channels} channel(s) "
                             "(axis 1 of (n_samples, channels, height, width)) for "
                             f"{self!r}, got X of shape {X.shape}. If your images are "
                             "channels-last (NHWC), use X.transpose(0, 3, 1, 2).")
        kh, kw = self.kernel_size
        p = self.padding
        if X.shape[2] + 2 * p < kh or X.shape[3] + 2 * p < kw:
            raise ValueError(f"`X` images of {X.shape[2]}x{X.shape[3]} pixels "
                             f"(padded by {p}) are smaller than the {kh}x{kw} kernel "
                             f"of {self!r}.")
        return X

    def backward(self, grad_output):
        """Check ``grad_output`` (shape of the last output), store dL/dW and dL/db,
        return dL/dX."""
        return self._backward(check_grad_output(self, grad_output))

    def _forward(self, X):
        n = X.shape[0]
        kh, kw = self.kernel_size
        s, p = self.stride, self.padding
        if p:
            X = np.pad(X, ((0, 0), (0, 0), (p, p), (p, p)))
        self._in_shape = X.shape
        # windows[n, c, i, j, u, v] = X[n, c, s*i + u, s*j + v]
        windows = sliding_window_view(X, (kh, kw), axis=(2, 3))[:, :, ::s, ::s]
        h_out, w_out = windows.shape[2], windows.shape[3]
        # im2col: one row per (sample, i, j), one column per (c, u, v);
        # reshape copies the strided view
        self._cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * h_out * w_out, -1)
        W_mat = self.params["W"].reshape(self.out_channels, -1)
        Z = self._cols @ W_mat.T + self.params["b"]
        self._out_shape = (n, self.out_channels, h_out, w_out)
        return Z.reshape(n, h_out, w_out, self.out_channels).transpose(0, 3, 1, 2)

    def _backward(self, grad_output, need_input_grad=True):
        n, c_out, h_out, w_out = grad_output.shape
        delta = grad_output.transpose(0, 2, 3, 1).reshape(-1, c_out)
        W_mat = self.params["W"].reshape(c_out, -1)
        self.grads["W"] = (delta.T @ self._cols).reshape(self.params["W"].shape)
        self.grads["b"] = delta.sum(axis=0)
        if not need_input_grad:
            return None
        kh, kw = self.kernel_size
        s, p = self.stride, self.padding
        # dL/d(cols), back to (n, i, j, c, u, v);
        # col2im adds each window's gradient to its pixels
        d_cols = (delta @ W_mat).reshape(n, h_out, w_out, self.in_channels, kh, kw)
        d_cols = d_cols.transpose(0, 3, 1, 2, 4, 5)          # (n, c, i, j, u, v)
        dX = np.zeros(self._in_shape, dtype=grad_output.dtype)
        for u in range(kh):
            for v in range(kw):
                ys, xs = slice(u, u + s * h_out, s), slice(v, v + s * w_out, s)
                dX[:, :, ys, xs] += d_cols[:, :, :, :, u, v]
        if p:
            dX = dX[:, :, p:-p, p:-p]
        return dX

    def __repr__(self):
        kh, kw = self.kernel_size
        k = kh if kh == kw else (kh, kw)
        extra = "".join(f", {name}={value}" for name, value, default in
                        (("stride", self.stride, 1), ("padding", self.padding, 0))
                        if value != default)
        return f"Conv2D({self.in_channels}, {self.out_channels}, {k}{extra})"


class MaxPool2D(Layer):
    r"""Max pooling over non-overlapping ``size`` × ``size`` blocks, NCHW.

    Each output value is the largest input value in its block,
    :math:`Y_{n,c,i,j} = \max_{0 \le u, v < k} X_{n,c,\,k i + u,\,k j + v}`;
    rows and columns left over when the height or width is not a multiple of
    :math:`k` are dropped (as in PyTorch).  The backward pass sends each output
    gradient to the position of its block's maximum (the first one, on ties)
    and zero elsewhere.  No parameters.

    Parameters
    ----------
    size : int, default 2
        Block side :math:`k` (also the stride).

    Examples
    --------
    >>> X = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> MaxPool2D(2).forward(X)[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """

    def __init__(self, size=2):
        super().__init__()
        self.size = check_int(size, "size", minimum=1)
        self._argmax = self._in_shape = None

    def _check_input(self, X):
        X = _check_images(X, 1)
        if X.shape[2] < self.size or X.shape[3] < self.size:
            raise ValueError(f"`X` images of {X.shape[2]}x{X.shape[3]} pixels are "
                             f"smaller than the {self.size}x{self.size} pooling block.")
        return X

    def backward(self, grad_output):
        """Check ``grad_output`` and return dL/dX (the gradient goes to each block's
        maximum)."""
        return self._backward(check_grad_output(self, grad_output))

    def _blocks(self, X):
        k = self.size
        n, c, h, w = X.shape
        ho, wo = h // k, w // k
        blocks = X[:, :, :ho * k, :wo * k].reshape(n, c, ho, k, wo, k)
        blocks = blocks.transpose(0, 1, 2, 4, 3, 5)
        return blocks.reshape(n, c, ho, wo, k * k)

    def _forward(self, X):
        self._in_shape = X.shape
        blocks = self._blocks(X)
        self._argmax = blocks.argmax(axis=-1)[..., None]
        out = np.take_along_axis(blocks, self._argmax, axis=-1)[..., 0]
        self._out_shape = out.shape
        return out

    def _backward(self, grad_output, need_input_grad=True):
        k = self.size
        n, c, ho, wo = grad_output.shape
        d_blocks = np.zeros((n, c, ho, wo, k * k), dtype=grad_output.dtype)
        np.put_along_axis(d_blocks, self._argmax, grad_output[..., None], axis=-1)
        dX = np.zeros(self._in_shape, dtype=grad_output.dtype)
        d_blocks = d_blocks.reshape(n, c, ho, wo, k, k).transpose(0, 1, 2, 4, 3, 5)
        dX[:, :, :ho * k, :wo * k] = d_blocks.reshape(n, c, ho * k, wo * k)
        return dX

    def __repr__(self):
        return f"MaxPool2D({self.size})"


class Flatten(Layer):
    """Reshape each sample to one row: ``(n_samples, d_1, d_2, ...)`` →
    ``(n_samples, d_1 d_2 ...)``.

    The bridge from convolution layers to Dense layers (C-order, so a
    ``(n, C, H, W)`` batch becomes columns ordered by channel, then row, then
    column, as ``torch.flatten(x, 1)`` does).  Backward reshapes the gradient
    back.  No parameters.

    Examples
    --------
    >>> Flatten().forward(np.zeros((5, 8, 3, 3))).shape
    (5, 72)
    """

    def __init__(self):
        super().__init__()
        self._in_shape = None

    def _check_input(self, X):
        X = check_array(X, "X")
        if X.ndim < 2:
            raise ValueError("`X` must have a batch axis and at least one more, shape "
                             f"(n_samples, ...), got an array of shape {X.shape}.")
        return X

    def _forward(self, X):
        self._in_shape = X.shape
        out = X.reshape(X.shape[0], -1)
        self._out_shape = out.shape
        return out

    def _backward(self, grad_output, need_input_grad=True):
        return grad_output.reshape(self._in_shape)

    def __repr__(self):
        return "Flatten()"
