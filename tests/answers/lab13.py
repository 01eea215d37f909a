"""Lab 13: answers a learner might give (see ``tests/answers/__init__.py``)."""

import math

import numpy as np
from scipy.signal import convolve2d, correlate2d


# -- q1: output size of a convolution -------------------------------------------------------------
def size_float_floor(H, k, s=1, p=0):
    return np.floor((H + 2 * p - k) / s) + 1


def size_round(H, k, s=1, p=0):
    return round((H + 2 * p - k) / s) + 1


def size_padding_subtracted(H, k, s=1, p=0):
    return (H - 2 * p - k) // s + 1


def size_kernel_once_too_many(H, k, s=1, p=0):
    return (H + 2 * p - 2 * k + 1) // s + 1


def size_stride_two_default(H, k, s=2, p=0):
    return (H + 2 * p - k) // s + 1


def size_hard_coded(H, k, s=1, p=0):
    return {(8, 3, 1, 0): 6, (32, 5, 2, 2): 16, (28, 3, 1, 1): 28, (7, 3, 2, 0): 3}.get((H, k, s, p),
                                                                                     H - k + 1)


def size_list(H, k, s=1, p=0):
    return list(range(0, H + 2 * p - k + 1, s))


def size_k_minus_one(H, k, s=1, p=0):
    return (H + 2 * p - (k - 1)) // s + 1


# correct
def size_math_floor(H, k, s=1, p=0):
    return math.floor((H + 2 * p - k) / s) + 1


def size_count_positions(H, k, s=1, p=0, dilation=1):
    return len(range(0, H + 2 * p - dilation * (k - 1), s))


def size_int_numpy(H, k, s=1, p=0):
    return int(np.floor_divide(H + 2 * p - k, s)) + 1


def size_add_stride_first(H, k, s=1, p=0):
    return (H + 2 * p - k + s) // s


def size_ceil_identity(H, k, s=1, p=0):
    return math.ceil((H + 2 * p - k + 1) / s)


# -- q2: 2-D cross-correlation --------------------------------------------------------------------
def xcorr_swapped_window(X, K):
    kh, kw = K.shape
    Z = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            Z[i, j] = np.sum(K * X[i:i + kw, j:j + kh])
    return Z


def xcorr_square_kernel(X, K):
    k = K.shape[0]
    Z = np.zeros((X.shape[0] - k + 1, X.shape[1] - k + 1))
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            Z[i, j] = np.sum(K * X[i:i + k, j:j + k])
    return Z


def xcorr_integer_output(X, K):
    kh, kw = K.shape
    Z = np.zeros_like(X[:X.shape[0] - kh + 1, :X.shape[1] - kw + 1])
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            Z[i, j] = np.sum(K * X[i:i + kh, j:j + kw])
    return Z


def xcorr_same_size(X, K):
    from scipy.ndimage import correlate
    return correlate(X, K, mode="constant")


def xcorr_mean(X, K):
    kh, kw = K.shape
    Z = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            Z[i, j] = np.mean(K * X[i:i + kh, j:j + kw])
    return Z


def xcorr_rows_for_both(X, K):
    kh, kw = K.shape
    n = X.shape[0] - kh + 1
    Z = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            Z[i, j] = np.sum(K * X[i:i + kh, j:j + kw])
    return Z


def xcorr_three_by_three(X, K):
    Z = np.zeros((X.shape[0] - 2, X.shape[1] - 2))
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            Z[i, j] = np.sum(K * X[i:i + 3, j:j + 3])
    return Z


def xcorr_full(X, K):
    return correlate2d(X, K, mode="full")


def xcorr_np_convolve_rows(X, K):
    kh, kw = K.shape
    Z = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(Z.shape[0]):
        for u in range(kh):
            Z[i] += np.convolve(X[i + u], K[u], mode="valid")
    return Z


# correct
def xcorr_windows(X, K):
    windows = np.lib.stride_tricks.sliding_window_view(X, K.shape)
    return np.einsum("ijuv,uv->ij", windows, K)


def xcorr_scipy(X, K):
    return correlate2d(X, K, mode="valid")


def xcorr_shifted_slices(X, K):
    kh, kw = K.shape
    H, W = X.shape
    Z = np.zeros((H - kh + 1, W - kw + 1))
    for u in range(kh):
        for v in range(kw):
            Z += K[u, v] * X[u:u + H - kh + 1, v:v + W - kw + 1]
    return Z


def xcorr_flip_then_convolve(X, K):
    return convolve2d(X, K[::-1, ::-1], mode="valid")


def xcorr_lists(X, K):
    kh, kw = len(K), len(K[0])
    return [[sum(K[u][v] * X[i + u][j + v] for u in range(kh) for v in range(kw))
             for j in range(len(X[0]) - kw + 1)] for i in range(len(X) - kh + 1)]


# -- q3: parameters -------------------------------------------------------------------------------
def params_no_plus_one(c_in, size, c_out, k):
    out = size - k
    return c_out * (c_in * k * k + 1), (c_in * size * size + 1) * c_out * out * out


def params_bias_per_input(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * (c_in * k * k + 1), (c_in * size * size) * (c_out * out * out + 1)


def params_bias_per_channel_pair(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * c_in * (k * k + 1), (c_in * size * size + 1) * c_out * out * out


def params_channels_swapped(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * (c_in * k * k + 1), (c_out * size * size + 1) * c_in * out * out


def params_two_k(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * (c_in * 2 * k + 1), (c_in * size * size + 1) * c_out * out * out


def params_float(c_in, size, c_out, k):
    out = (size - k) / 1 + 1
    return c_out * (c_in * k ** 2 + 1), (c_in * size ** 2 + 1) * c_out * out ** 2


def params_dict(c_in, size, c_out, k):
    out = size - k + 1
    return {"conv": c_out * (c_in * k * k + 1), "dense": (c_in * size * size + 1) * c_out * out * out}


def params_one_bias(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * c_in * k * k + 1, (c_in * size * size + 1) * c_out * out * out


# correct
def params_prod(c_in, size, c_out, k, stride=1, padding=0):
    out = (size + 2 * padding - k) // stride + 1
    n_in, n_out = math.prod((c_in, size, size)), math.prod((c_out, out, out))
    return c_out * c_in * k * k + c_out, n_in * n_out + n_out


def params_numpy(c_in, size, c_out, k):
    out = size - k + 1
    kernels = np.prod([c_out, c_in, k, k]) + c_out
    return kernels, np.int64(c_in * size * size) * (c_out * out * out) + c_out * out * out


def params_zero_d(c_in, size, c_out, k):
    out = size - k + 1
    return np.array(c_out * (c_in * k * k + 1)), np.array((c_in * size * size + 1) * c_out * out * out)


def params_list(c_in, size, c_out, k):
    weights = (c_in * size ** 2) * (c_out * (size - k + 1) ** 2)
    return [c_out * (c_in * k ** 2 + 1), weights + c_out * (size - k + 1) ** 2]


# -- q4: one step of a recurrent layer ------------------------------------------------------------
def rnn_exp_tanh(x_t, h_prev, W_xh, W_hh, b):
    a = x_t @ W_xh + h_prev @ W_hh + b
    return (np.exp(a) - np.exp(-a)) / (np.exp(a) + np.exp(-a))


def rnn_wxh_transposed(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh.T + h_prev @ W_hh + b)


def rnn_bias_outside(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh + h_prev @ W_hh) + b


def rnn_relu(x_t, h_prev, W_xh, W_hh, b):
    return np.maximum(0, x_t @ W_xh + h_prev @ W_hh + b)


def rnn_batch_sum(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(np.sum(x_t @ W_xh + h_prev @ W_hh + b, axis=0))


def rnn_tanh_bias(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh + h_prev @ W_hh) + np.tanh(b)


def rnn_weights_first(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(W_xh.T @ x_t.T + W_hh @ h_prev.T + b[:, None])


def rnn_clipped(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(np.clip(x_t @ W_xh + h_prev @ W_hh + b, -3, 3))


def rnn_half_state(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh + 0.5 * h_prev @ W_hh + b)


# correct
def rnn_einsum(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(np.einsum("nd,dh->nh", x_t, W_xh) + np.einsum("nk,kh->nh", h_prev, W_hh) + b[None, :])


def rnn_concatenated(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(np.hstack([x_t, h_prev]) @ np.vstack([W_xh, W_hh]) + b)


def rnn_stable_exp(x_t, h_prev, W_xh, W_hh, b):
    a = np.dot(x_t, W_xh) + np.dot(h_prev, W_hh) + b
    e = np.exp(-2 * np.abs(a))
    return np.sign(a) * (1 - e) / (1 + e)


def rnn_loop(x_t, h_prev, W_xh, W_hh, b):
    return np.array([np.tanh(x @ W_xh + h @ W_hh + b) for x, h in zip(x_t, h_prev)])


WRONG = [
    ("q1", size_float_floor, "asks for an integer"),
    ("q1", size_round, "nearest integer"),
    ("q1", size_padding_subtracted, "wrong for the input"),
    ("q1", size_kernel_once_too_many, "wrong for the input"),
    ("q1", size_stride_two_default, "wrong for the input"),
    ("q1", size_hard_coded, "wrong for the input"),
    ("q1", size_list, "shape"),
    ("q1", size_k_minus_one, "wrong for the input"),
    ("q2", xcorr_swapped_window, "raised ValueError"),
    ("q2", xcorr_square_kernel, "you used k_h (K.shape[0])"),
    ("q2", xcorr_integer_output, "integer array"),
    ("q2", xcorr_same_size, "shape"),
    ("q2", xcorr_mean, "wrong for the input"),
    ("q2", xcorr_rows_for_both, "shape"),
    ("q2", xcorr_three_by_three, "raised ValueError"),
    ("q2", xcorr_full, "shape"),
    ("q2", xcorr_np_convolve_rows, "wrong for the input"),
    ("q3", params_no_plus_one, "dense layer's count is wrong"),
    ("q3", params_bias_per_input, "bias per input"),
    ("q3", params_bias_per_channel_pair, "convolution's count is wrong"),
    ("q3", params_channels_swapped, "dense layer's count is wrong"),
    ("q3", params_two_k, "convolution's count is wrong"),
    ("q3", params_float, "asks for an integer"),
    ("q3", params_dict, "must return 2 values"),
    ("q3", params_one_bias, "single bias"),
    ("q4", rnn_exp_tanh, "Use np.tanh"),
    ("q4", rnn_wxh_transposed, "You used W_xh transposed"),
    ("q4", rnn_bias_outside, "bias b_h goes inside"),
    ("q4", rnn_relu, "ReLU"),
    ("q4", rnn_batch_sum, "shape"),
    ("q4", rnn_tanh_bias, "wrong for the input"),
    ("q4", rnn_weights_first, "transpose"),
    ("q4", rnn_clipped, "wrong for the input"),
    ("q4", rnn_half_state, "wrong for the input"),
]

RIGHT = [
    ("q1", size_math_floor), ("q1", size_count_positions), ("q1", size_int_numpy), ("q1", size_add_stride_first),
    ("q1", size_ceil_identity),
    ("q2", xcorr_windows), ("q2", xcorr_scipy), ("q2", xcorr_shifted_slices), ("q2", xcorr_flip_then_convolve),
    ("q2", xcorr_lists),
    ("q3", params_prod), ("q3", params_numpy), ("q3", params_list), ("q3", params_zero_d),
    ("q4", rnn_einsum), ("q4", rnn_concatenated), ("q4", rnn_stable_exp), ("q4", rnn_loop),
]


# -- from an independent review (answers written without reading the checks) -------------------------
def rv_size_stride_plus_one(H, k, s=1, p=0):
    return (H + 2 * p - k) // (s + 1)


def rv_xcorr_output_shape_swapped(X, K):
    kh, kw = K.shape
    Z = np.zeros((X.shape[0] - kw + 1, X.shape[1] - kh + 1))
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            patch = X[i:i + kh, j:j + kw]
            Z[i, j] = np.sum(K * patch) if patch.shape == K.shape else 0.0
    return Z


def rv_xcorr_kernel_transposed_if_square(X, K):
    kh, kw = K.shape
    Z = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            Z[i, j] = np.sum((K.T if kh == kw else K) * X[i:i + kh, j:j + kw])
    return Z


def rv_xcorr_matmul_if_square(X, K):
    kh, kw = K.shape
    Z = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            window = X[i:i + kh, j:j + kw]
            Z[i, j] = np.sum(window @ K.T) if kh == kw else np.sum(K * window)
    return Z


def rv_params_dense_no_bias(c_in, size, c_out, k):
    o = size - k + 1
    return c_out * (c_in * k * k + 1), c_in * size * size * c_out * o * o


def rv_params_conv_no_bias(c_in, size, c_out, k):
    o = size - k + 1
    return c_out * c_in * k * k, (c_in * size * size + 1) * c_out * o * o


def rv_params_conv_ignores_c_in(c_in, size, c_out, k):
    o = size - k + 1
    return c_out * (k * k + 1), (c_in * size * size + 1) * c_out * o * o


def rv_params_swapped(c_in, size, c_out, k):
    o = size - k + 1
    return (c_in * size * size + 1) * c_out * o * o, c_out * (c_in * k * k + 1)


def rv_params_chapter_numbers(c_in, size, c_out, k):
    return 80, 18720


def rv_rnn_overwrites_h_prev(x_t, h_prev, W_xh, W_hh, b):
    h_prev[:] = np.tanh(x_t @ W_xh + h_prev @ W_hh + b)
    return h_prev


def rv_rnn_tanh_per_term(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh) + np.tanh(h_prev @ W_hh) + b


def rv_rnn_residual(x_t, h_prev, W_xh, W_hh, b):
    return h_prev + np.tanh(x_t @ W_xh + h_prev @ W_hh + b)


def rv_xcorr_sliding_window(X, K):
    from numpy.lib.stride_tricks import sliding_window_view
    return np.einsum("ijuv,uv->ij", sliding_window_view(X, K.shape), K)


def rv_rnn_math_tanh(x_t, h_prev, W_xh, W_hh, b):
    out = np.empty((x_t.shape[0], W_hh.shape[1]))
    for i in range(x_t.shape[0]):
        out[i] = [math.tanh(v) for v in (x_t[i] @ W_xh + h_prev[i] @ W_hh + b)]
    return out


WRONG += [
    ("q1", rv_size_stride_plus_one, "divided by s + 1"),
    ("q2", rv_xcorr_output_shape_swapped, "you swapped k_h and k_w"),
    ("q2", rv_xcorr_kernel_transposed_if_square, "You transposed the kernel"),
    ("q2", rv_xcorr_matmul_if_square, "matrix product (@)"),
    ("q3", rv_params_dense_no_bias, "dense layer has no biases"),
    ("q3", rv_params_conv_no_bias, "convolution has no biases"),
    ("q3", rv_params_conv_ignores_c_in, "ignores the input channels"),
    ("q3", rv_params_swapped, "counts are swapped"),
    ("q3", rv_params_chapter_numbers, "ignores `c_in`"),
    ("q4", rv_rnn_overwrites_h_prev, "You overwrote `h_prev`"),
    ("q4", rv_rnn_tanh_per_term, "each term separately"),
    ("q4", rv_rnn_residual, "residual connection"),
]
RIGHT += [("q2", rv_xcorr_sliding_window), ("q4", rv_rnn_math_tanh)]


# -- second review --------------------------------------------------------------------------------
def xcorr_kh_for_width(X, K):
    kh, kw = K.shape
    Z = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kh + 1))
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            window = X[i:i + kh, j:j + kw]
            Z[i, j] = np.sum(K * window) if window.shape == K.shape else 0.0
    return Z


def xcorr_height_for_width(X, K):
    kh, kw = K.shape
    n = X.shape[0]
    Z = np.zeros((n - kh + 1, n - kw + 1))
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            P = X[i:i + kh, j:j + kw]
            Z[i, j] = np.sum(K[:P.shape[0], :P.shape[1]] * P)
    return Z


def params_dense_without_c_in(c_in, size, c_out, k):
    out = size - k + 1
    return c_out * (c_in * k * k + 1), (size * size + 1) * c_out * out * out


def rnn_bias_twice(x_t, h_prev, W_xh, W_hh, b):
    return np.tanh(x_t @ W_xh + b + h_prev @ W_hh + b)


WRONG += [
    ("q2", xcorr_kh_for_width, "output width is W − k_w + 1"),
    ("q2", xcorr_height_for_width, "image height H"),
    ("q3", params_dense_without_c_in, "ignores the input channels"),
    ("q4", rnn_bias_twice, "bias b_h twice"),
]
