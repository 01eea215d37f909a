"""Lab 13's answers, right and wrong: the reference solutions and the typical mistakes the checks
recognise.
"""

import numpy as np


def conv_output_size(H, k, s=1, p=0):
    """Output height of a convolution: floor((H + 2p - k) / s) + 1."""
    return (H + 2 * p - k) // s + 1


def cross_correlate(X, K):
    """Valid 2-D cross-correlation: Z[i, j] = sum_{u, v} K[u, v] X[i + u, j + v], shape (H - k_h + 1, W - k_w + 1)."""
    kh, kw = K.shape
    H_out, W_out = X.shape[0] - kh + 1, X.shape[1] - kw + 1
    Z = np.zeros((H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            Z[i, j] = np.sum(K * X[i:i + kh, j:j + kw])
    return Z


def conv_and_dense_params(c_in, size, c_out, k):
    """Parameters of Conv2D(c_in, c_out, k) on size x size images, and of a Dense layer with the same in/outputs."""
    out = size - k + 1                                   # stride 1, no padding
    n_conv = c_out * (c_in * k * k + 1)                  # one kernel and one bias per output channel
    n_dense = (c_in * size * size + 1) * (c_out * out * out)
    return n_conv, n_dense


def rnn_step(x_t, h_prev, W_xh, W_hh, b):
    """One step of an Elman layer for a batch: h_t = tanh(x_t W_xh + h_{t-1} W_hh + b), shape (n, H)."""
    return np.tanh(x_t @ W_xh + h_prev @ W_hh + b)


# -- wrong answers -------------------------------------------------------------------------------
def _size_no_plus_one(H, k, s=1, p=0):
    return (H + 2 * p - k) // s


def _size_pad_once(H, k, s=1, p=0):
    return (H + p - k) // s + 1


def _size_no_stride(H, k, s=1, p=0):
    return H + 2 * p - k + 1


def _size_no_floor(H, k, s=1, p=0):
    return (H + 2 * p - k) / s + 1


def _size_ceil(H, k, s=1, p=0):
    return -(-(H + 2 * p - k) // s) + 1


def _size_stride_all(H, k, s=1, p=0):
    return (H + 2 * p - k + 1) // s


def _size_rounded(H, k, s=1, p=0):
    return int(np.round((H + 2 * p - k) / s)) + 1


def _size_stride_plus_one(H, k, s=1, p=0):
    return (H + 2 * p - k) // (s + 1)


def _xcorr_flipped(X, K):
    return cross_correlate(X, K[::-1, ::-1])


def _xcorr_transposed(X, K):
    return cross_correlate(X.T, K.T)


def _xcorr_one_short(X, K):
    return cross_correlate(X, K)[:-1, :-1]


def _xcorr_kernel_transposed(X, K):
    return cross_correlate(X, K.T)


def _xcorr_matmul(X, K):
    kh, kw = K.shape
    Z = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            Z[i, j] = np.sum(X[i:i + kh, j:j + kw] @ K.T)
    return Z


def _xcorr_truncated(X, K):
    return np.trunc(cross_correlate(X, K))


def _params_no_bias(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * c_in * k * k, c_in * size * size * c_out * out * out


def _params_dense_no_bias(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * (c_in * k * k + 1), c_in * size * size * c_out * out * out


def _params_conv_no_bias(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * c_in * k * k, (c_in * size * size + 1) * c_out * out * out


def _params_conv_no_c_in(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * (k * k + 1), (c_in * size * size + 1) * c_out * out * out


def _params_dense_bias_per_input(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * (c_in * k * k + 1), c_in * size * size * (c_out * out * out + 1)


def _params_swapped(c_in, size, c_out, k):
    n_conv, n_dense = conv_and_dense_params(c_in, size, c_out, k)
    return n_dense, n_conv


def _params_one_bias(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * c_in * k * k + 1, (c_in * size * size + 1) * c_out * out * out


def _params_conv_per_position(c_in, size, c_out, k):
    out = size - k + 1
    n_conv, n_dense = conv_and_dense_params(c_in, size, c_out, k)
    return n_conv * out * out, n_dense


def _params_conv_times_image(c_in, size, c_out, k):
    n_conv, n_dense = conv_and_dense_params(c_in, size, c_out, k)
    return n_conv * size * size, n_dense


def _params_dense_c_out(c_in, size, c_out, k):
    n_conv, _ = conv_and_dense_params(c_in, size, c_out, k)
    return n_conv, (c_in * size * size + 1) * c_out


def _params_no_c_in(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * (k * k + 1), (size * size + 1) * c_out * out * out


def _params_dense_full_size(c_in, size, c_out, k):
    n_conv, _ = conv_and_dense_params(c_in, size, c_out, k)
    return n_conv, (c_in * size * size + 1) * c_out * size * size


def _rnn_wxh_transposed_hh(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh + h_prev @ W_hh.T + b)


def _rnn_wxh_transposed(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh.T + h_prev @ W_hh + b)


def _rnn_no_state(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh + b)


def _rnn_sigmoid(x_t, h_prev, W_xh, W_hh, b):
    a = x_t @ W_xh + h_prev @ W_hh + b
    return 1 / (1 + np.exp(-np.clip(a, -500, 500)))


def _rnn_no_bias(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh + h_prev @ W_hh)


def _rnn_no_tanh(x_t, h_prev, W_xh, W_hh, b):
    return x_t @ W_xh + h_prev @ W_hh + b


def _rnn_tanh_inside(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh) + h_prev @ W_hh + b


def _rnn_elementwise_state(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh + h_prev + b)


def _rnn_relu(x_t, h_prev, W_xh, W_hh, b):
    return np.maximum(0.0, x_t @ W_xh + h_prev @ W_hh + b)


def _rnn_tanh_per_term(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh) + np.tanh(h_prev @ W_hh) + b


def _rnn_plus_previous(x_t, h_prev, W_xh, W_hh, b):
    return h_prev + rnn_step(x_t, h_prev, W_xh, W_hh, b)


def _rnn_bias_outside(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh + h_prev @ W_hh) + b


def _xcorr_matmul_kernel_first(X, K):
    kh, kw = K.shape
    Z = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            Z[i, j] = np.sum(K @ X[i:i + kh, j:j + kw])
    return Z


def _params_dense_no_c_in(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * (c_in * k * k + 1), (size * size + 1) * c_out * out * out


def _rnn_bias_twice(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh + b + h_prev @ W_hh + b)
