"""Lab 13 — beyond the MLP: convolution output sizes, a 2-D cross-correlation, parameter counts, one RNN step.

Questions: ``q1`` the output size ⌊(H + 2p − k)/s⌋ + 1 of a convolution, ``q2`` a valid, single-channel 2-D
cross-correlation (what libraries call convolution), ``q3`` the parameters of a convolution layer and of the dense
layer with the same inputs and outputs, ``q4`` one step h_t = tanh(x_t W_xh + h_{t−1} W_hh + b_h) of a recurrent
layer, batch-first.
"""

import numpy as np

from ._feedback import _describe
from ._function_question import FunctionQuestion, Mistake
from ._lab13_answers import (_params_conv_no_bias, _params_conv_no_c_in, _params_conv_per_position,
                             _params_conv_times_image, _params_dense_bias_per_input,
                             _params_dense_c_out, _params_dense_full_size, _params_dense_no_bias,
                             _params_no_bias, _params_no_c_in, _params_one_bias, _params_swapped,
                             _rnn_bias_outside, _rnn_elementwise_state, _rnn_no_bias, _rnn_no_state,
                             _rnn_no_tanh, _rnn_plus_previous, _rnn_relu, _rnn_sigmoid,
                             _rnn_tanh_inside, _rnn_tanh_per_term, _rnn_wxh_transposed,
                             _rnn_wxh_transposed_hh, _size_ceil, _size_no_floor, _size_no_plus_one,
                             _size_no_stride, _size_pad_once, _size_rounded, _size_stride_all,
                             _size_stride_plus_one, _xcorr_flipped, _xcorr_kernel_transposed,
                             _xcorr_matmul, _xcorr_one_short, _xcorr_transposed, _xcorr_truncated,
                             conv_and_dense_params, conv_output_size, cross_correlate, rnn_step,
                             _xcorr_matmul_kernel_first, _params_dense_no_c_in, _rnn_bias_twice)
from ._question import Incorrect

__all__ = ["q1", "q2", "q3", "q4"]

_rng = np.random.default_rng(13)

# -- q1: (H, k, s, p)
_SIZE_CASES = [(8, 3, 1, 0), (32, 5, 2, 2), (28, 3, 1, 1), (7, 3, 2, 0), (10, 4, 3, 1), (224, 7, 2, 3),
               (8, 3), (9, 3, 2), (5, 5, 1, 0), (6, 1, 4, 0), (3, 5, 1, 2)]   # defaults, k = H, k = 1, k > H


def _draw_size(rng):
    H, k, s, p = (int(v) for v in (rng.integers(1, 300), rng.integers(1, 12), rng.integers(1, 6), rng.integers(0, 4)))
    if rng.random() < 0.2:                     # the defaults s = 1, p = 0: the kernel must fit into H
        return max(H, k), k
    return max(H, k - 2 * p), k, s, p

# -- q2: an image (H, W) and a kernel (k_h, k_w), non-square so that transposing shows
_X_A = np.arange(20, dtype=float).reshape(4, 5) % 7
_K_A = np.array([[1.0, 0.0, -1.0], [2.0, 0.5, -2.0]])
_X_B = _rng.normal(0, 1, (6, 8))
_K_B = _rng.normal(0, 1, (3, 3))
_X_C = _rng.normal(0, 1, (5, 7))
_K_C = _rng.normal(0, 1, (2, 4))
_X_D = np.array([[3, 0, 1, 2], [1, 4, 0, 2], [2, 2, 5, 1]])                        # an integer image
_K_D = np.array([[0.5, -1.0], [0.25, 2.0]])
_XCORR_CASES = [(_X_A, _K_A), (_X_B, _K_B), (_X_C, _K_C), (_X_D, _K_D),
                (_X_B, np.array([[1.5]])),                         # 1 x 1 kernel: a scaled copy of X
                (_X_C, _rng.normal(0, 1, (5, 7))),                 # the kernel covers the image: one number
                (_X_C[:1], _rng.normal(0, 1, (1, 3))),             # a single row
                (_X_B, _rng.normal(0, 1, (4, 1)))]                 # a column kernel


def _draw_xcorr(rng):
    H, W = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    return rng.normal(0, 1, (H, W)), rng.normal(0, 1, (int(rng.integers(1, H + 1)), int(rng.integers(1, W + 1))))

# -- q3: (c_in, size, c_out, k) for a square image, stride 1, no padding
_PARAM_CASES = [(1, 8, 8, 3), (3, 32, 16, 5), (1, 28, 4, 3), (2, 10, 6, 4), (5, 6, 2, 1), (4, 7, 3, 7)]


def _draw_params(rng):
    size = int(rng.integers(1, 40))
    return int(rng.integers(1, 9)), size, int(rng.integers(1, 33)), int(rng.integers(1, size + 1))

# -- q4: a batch of inputs x_t (n, d), previous states h_{t-1} (n, H), W_xh (d, H), W_hh (H, H), b (H,)
def _rnn_case(n, d, H, scale=0.5):
    return (_rng.normal(0, 1, (n, d)), np.tanh(_rng.normal(0, 1, (n, H))), _rng.normal(0, scale, (d, H)),
            _rng.normal(0, scale, (H, H)), _rng.normal(0, 0.3, H))


_RNN_CASES = [_rnn_case(4, 3, 5), _rnn_case(2, 1, 3), _rnn_case(5, 2, 4, scale=20.0), _rnn_case(1, 3, 3),
              _rnn_case(3, 2, 1), (100 * _rng.normal(0, 1, (3, 2)),) + _rnn_case(3, 2, 4, scale=20.0)[1:]]


def _draw_rnn(rng):
    n, d, H = (int(v) for v in rng.integers(1, 6, 3))
    s = float(rng.choice([0.3, 1.0, 30.0]))
    return (rng.normal(0, 1, (n, d)), np.tanh(rng.normal(0, 1, (n, H))), rng.normal(0, s, (d, H)),
            rng.normal(0, s, (H, H)), rng.normal(0, 0.3, H))


class _IntegerQuestion(FunctionQuestion):
    """The values must also be integers (a count or a size), not floats that happen to be whole."""

    def _judge_function(self, answer):
        super()._judge_function(answer)
        out = answer(*self.cases[0])
        values = out if self.n_outputs > 1 else (out,)
        for name, value in zip(self.output_names, values):
            if isinstance(value, (bool, np.bool_)) or np.ndim(value) or np.asarray(value).dtype.kind not in "iu":
                raise Incorrect(f"Your values are right, but the {name} you return is {_describe(value)}; the "
                                "question asks for an integer. Use integer arithmetic (// instead of /), or "
                                "int(...) around the result.")


def _outputs_or_none(func, args):
    try:
        with np.errstate(all="ignore"):
            return np.asarray(func(*(np.array(a, copy=True) for a in args)), dtype=float)
    except Exception:
        return None


def _equal(a, b):
    return a is not None and b is not None and a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-9)


_KERNEL_TRANSPOSED = ("You transposed the kernel: K[u, v] multiplies X[i + u, j + v], u along the rows and v "
                      "along the columns, so K is used as it is (shape (k_h, k_w)).")


class _XcorrQuestion(FunctionQuestion):
    """Cross-correlation: k_h and k_w swapped somewhere, or a mistake made only on some of the inputs."""

    def _judge_function(self, answer):
        try:
            super()._judge_function(answer)
        except Incorrect as exc:
            better = self._diagnose(answer)
            if better is None:
                raise
            raise Incorrect(better) from exc

    def _diagnose(self, answer):
        for X, K in self.cases:                                    # the width from k_h or from H
            got = _outputs_or_none(answer, (X, K))
            (H, W), (kh, kw) = X.shape, K.shape
            if (got is None or got.ndim != 2 or got.shape == X.shape or kh == kw or got.shape[0] != H - kh + 1
                    or got.shape[1] == W - kw + 1):
                continue
            used = ("k_h (K.shape[0])" if got.shape[1] == W - kh + 1 else
                    "the image height H (X.shape[0])" if got.shape[1] in (H - kw + 1, H - kh + 1) else None)
            if used:
                return (f"For a {H} × {W} image and a {kh} × {kw} kernel your output has {got.shape[1]} columns: "
                        f"the output width is W − k_w + 1 = {W - kw + 1}; you used {used} for it. Take "
                        "H, W = X.shape and kh, kw = K.shape.")
        X, K = _X_A, _K_A                                          # a 4 x 5 image, a 2 x 3 kernel
        got = _outputs_or_none(answer, (X, K))
        if _equal(got, cross_correlate(X, K.T)):
            return _KERNEL_TRANSPOSED
        swapped = (X.shape[0] - K.shape[1] + 1, X.shape[1] - K.shape[0] + 1)
        if got is not None and got.shape == swapped:
            return (f"For a {X.shape[0]} × {X.shape[1]} image and a {K.shape[0]} × {K.shape[1]} kernel your "
                    f"output has shape {swapped} = (H − k_w + 1, W − k_h + 1): you swapped k_h and k_w. The "
                    "rows use k_h = K.shape[0] and the columns k_w = K.shape[1]: shape (H − k_h + 1, W − k_w + 1), "
                    "window X[i:i + k_h, j:j + k_w].")
        # a known mistake made on some of the listed inputs, the right answer on the others
        runs = [(_outputs_or_none(answer, args), expected[0]) for args, (expected, _) in zip(self.cases, self._fixed)]
        for mistake in self.mistakes:
            hits, fits = 0, True
            for (got, expected), args in zip(runs, self.cases):
                wrong = _outputs_or_none(mistake.answer, args)
                if _equal(got, np.asarray(expected, dtype=float)):
                    continue
                if _equal(got, wrong):
                    hits += 1
                else:
                    fits = False
                    break
            if fits and hits:
                return mistake.message
        return None


_RNN_ARGS = ("x_t", "h_prev", "W_xh", "W_hh", "b")


class _RnnQuestion(FunctionQuestion):
    """One RNN step: an input changed in place is named (``h_prev[:] = ...`` is the typical one)."""

    def _call(self, answer, args):
        try:
            return super()._call(answer, args)
        except Incorrect as exc:
            if str(exc) != self.in_place_message:
                raise
        inputs = tuple(np.array(a, copy=True) for a in args)
        try:
            with np.errstate(all="ignore"):
                answer(*inputs)
        except Exception:
            pass
        changed = [name for name, before, after in zip(_RNN_ARGS, args, inputs)
                   if not np.array_equal(before, after)] or ["one of its inputs"]
        shown = " and ".join(f"`{name}`" if name in _RNN_ARGS else name for name in changed)
        raise Incorrect(f"You overwrote {shown} (e.g. `h_prev[:] = …` or `h_prev += …`): the caller's array "
                        "must stay as it was, since the sequence needs h_{t−1} afterwards. Return a new array: "
                        "`np.tanh(x_t @ W_xh + h_prev @ W_hh + b)`.") from None


# -- the questions -------------------------------------------------------------------------------
q1 = _IntegerQuestion(
    "Lab 13, question 1 (output size of a convolution)", conv_output_size, _SIZE_CASES, draw=_draw_size,
    output_names=("output size",),
    mistakes=[
        Mistake("The + 1 is missing: an 8-pixel row and a 3-pixel kernel give 6 positions (0 to 5), "
                "⌊(H + 2p − k)/s⌋ + 1.", _size_no_plus_one),
        Mistake("You counted the padding once; p rows of zeros go on EVERY side, so H becomes H + 2p.",
                _size_pad_once),
        Mistake("You ignored the stride: with stride s the kernel moves s pixels at a time, so divide "
                "(H + 2p − k) by s (rounding down) before adding 1.", _size_no_stride),
        Mistake("Your result is not an integer: the kernel only fits at whole steps, so round DOWN, "
                "⌊(H + 2p − k)/s⌋ (integer division //), then add 1.", _size_no_floor),
        Mistake("You rounded up; the last step only counts if the whole kernel still fits, so round down "
                "(integer division //).", _size_ceil),
        Mistake("Divide only (H + 2p − k) by s and add the 1 afterwards: ⌊(H + 2p − k)/s⌋ + 1.", _size_stride_all),
        Mistake("You rounded (H + 2p − k)/s to the nearest integer; a step only counts if the whole kernel still "
                "fits, so round DOWN (integer division //), then add 1.", _size_rounded),
        Mistake("You divided by s + 1: the formula is ⌊(H + 2p − k)/s⌋ + 1, the division by s alone and the + 1 "
                "after it: (H + 2 * p - k) // s + 1.", _size_stride_plus_one),
    ],
    hints=["Count the positions of the kernel's top row: the first is 0, the last is the largest multiple of s "
           "that still leaves room for k rows in the padded height H + 2p.",
           "The padded height is H + 2p; the kernel fits at rows 0, s, 2s, …, up to H + 2p − k.",
           "return (H + 2 * p - k) // s + 1"],
)

q2 = _XcorrQuestion(
    "Lab 13, question 2 (2-D cross-correlation)", cross_correlate, _XCORR_CASES, draw=_draw_xcorr,
    mistakes=[
        Mistake("You flipped the kernel: that is the convolution of signal processing, Σ K[u, v] X[i − u, j − v]. "
                "Neural networks compute the cross-correlation, Σ K[u, v] X[i + u, j + v], with the kernel as it is.",
                _xcorr_flipped),
        Mistake("Your output is the transpose of the expected one (rows and columns swapped): rows come first, "
                "Z[i, j] uses X[i + u, j + v] with u the kernel's row and v its column.", _xcorr_transposed),
        Mistake("Your output is one row and one column short: the last position is i = H − k_h, so there are "
                "H − k_h + 1 rows (range(H - kh + 1)).", _xcorr_one_short),
        Mistake(_KERNEL_TRANSPOSED, _xcorr_kernel_transposed),
        Mistake("You took a matrix product (@) of the window and the kernel; the cross-correlation multiplies them "
                "entry by entry and adds the products: np.sum(K * X[i:i + kh, j:j + kw]).", _xcorr_matmul),
        Mistake("You took a matrix product (K @ window) of the kernel and the window; the cross-correlation "
                "multiplies them element by element and sums: np.sum(K * X[i:i + k_h, j:j + k_w]).",
                _xcorr_matmul_kernel_first),
        Mistake("Your feature map is an integer array (np.zeros_like(X) of an integer image, or dtype=int), so "
                "every sum was cut to a whole number; create it with floats: np.zeros((H - kh + 1, W - kw + 1)).",
                _xcorr_truncated),
    ],
    examples=[(lambda X, K: cross_correlate(X, K).T, "transpose")],
    hints=["The output has (H − k_h + 1) × (W − k_w + 1) entries; entry (i, j) multiplies the kernel with the "
           "window X[i:i + k_h, j:j + k_w] entry by entry and adds the products.",
           "Two loops over i and j: Z[i, j] = np.sum(K * X[i:i + kh, j:j + kw]). Do not flip K.",
           "kh, kw = K.shape; Z = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1)); fill Z[i, j] = "
           "np.sum(K * X[i:i+kh, j:j+kw]) in two loops; return Z"],
)

q3 = _IntegerQuestion(
    "Lab 13, question 3 (parameters: convolution against dense)", conv_and_dense_params, _PARAM_CASES, n_outputs=2,
    output_names=("convolution's count", "dense layer's count"), draw=_draw_params,
    returns="the two counts n_conv and n_dense",
    mistakes=[
        Mistake("You forgot the biases: a convolution has one bias per output channel, C_out (C_in k² + 1); the "
                "dense layer one per output unit, (C_in H W + 1) · (number of outputs).", _params_no_bias),
        Mistake("You multiplied the convolution's count by the number of output positions. Weight sharing: the "
                "same C_out (C_in k² + 1) numbers are used at every position, whatever the image size.",
                _params_conv_per_position),
        Mistake("You multiplied the convolution's count by the image size. Its kernels are shared across "
                "positions: C_out (C_in k² + 1), independent of H and W.", _params_conv_times_image),
        Mistake("Your dense layer has only C_out outputs; to match the convolution it must produce the whole "
                "output, C_out · H_out · W_out numbers, with H_out = H − k + 1.", _params_dense_c_out),
        Mistake("The input channels are missing: each kernel has C_in · k · k weights (one k × k slice per input "
                "channel), and the dense layer sees C_in · H · W inputs.", _params_no_c_in),
        Mistake("The output of a valid convolution is (H − k + 1) × (W − k + 1), not H × W: use H_out = size − k + 1 "
                "for the dense layer's outputs.", _params_dense_full_size),
        Mistake("Your dense layer has no biases: it has one bias per output, (C_in H W + 1) · C_out H_out W_out.",
                _params_dense_no_bias),
        Mistake("Your convolution has no biases: each of the C_out kernels has one, C_out (C_in k² + 1).",
                _params_conv_no_bias),
        Mistake("Your convolution ignores the input channels: each kernel has a k × k slice per input channel, "
                "C_in · k² weights, so n_conv = C_out (C_in k² + 1).", _params_conv_no_c_in),
        Mistake("Your dense layer ignores the input channels: it sees the whole input, C_in · H · W values, "
                "so it has (C_in H W + 1) · C_out H_out W_out parameters.", _params_dense_no_c_in),
        Mistake("Your dense layer has a bias per input; a bias belongs to each OUTPUT: (C_in H W + 1) · "
                "(C_out H_out W_out).", _params_dense_bias_per_input),
        Mistake("Your two counts are swapped: return (n_conv, n_dense), the convolution's count first.",
                _params_swapped),
        Mistake("Your convolution has a single bias; there is one per output channel (per kernel): "
                "C_out (C_in k² + 1) = C_out · C_in k² + C_out.", _params_one_bias),
    ],
    hints=["A kernel has C_in · k · k weights and one bias, and there are C_out kernels. The dense layer maps "
           "C_in · H · W inputs to C_out · H_out · W_out outputs, with a weight per pair and a bias per output.",
           "With stride 1 and no padding H_out = W_out = size − k + 1.",
           "out = size - k + 1; return c_out * (c_in * k * k + 1), (c_in * size * size + 1) * c_out * out * out"],
)

q4 = _RnnQuestion(
    "Lab 13, question 4 (one step of a recurrent layer)", rnn_step, _RNN_CASES, draw=_draw_rnn,
    overflow_message="Use np.tanh, which is stable for every input: a tanh written with np.exp overflows "
                     "when the pre-activation is large in magnitude (the check uses such inputs).",
    mistakes=[
        Mistake("You used W_hh transposed. Batch-first, the states are rows: h_{t−1} W_hh (h_prev @ W_hh), as the "
                "input term is x_t W_xh.", _rnn_wxh_transposed_hh),
        Mistake("You used W_xh transposed. Batch-first, x_t has shape (n, d) and W_xh (d, H): the input term is "
                "x_t @ W_xh, of shape (n, H).", _rnn_wxh_transposed),
        Mistake("Your step ignores the previous state h_{t−1}: without the term h_{t−1} W_hh the layer has no "
                "memory.", _rnn_no_state),
        Mistake("That is a sigmoid; the Elman layer of the chapter uses tanh, so states lie in (−1, 1).",
                _rnn_sigmoid),
        Mistake("The bias b_h is missing inside the tanh.", _rnn_no_bias),
        Mistake("You added the bias b_h twice; it appears once: tanh(x_t W_xh + h_{t−1} W_hh + b_h).",
                _rnn_bias_twice),
        Mistake("The tanh is missing: h_t = tanh(x_t W_xh + h_{t−1} W_hh + b_h).", _rnn_no_tanh),
        Mistake("The tanh goes around the whole pre-activation x_t W_xh + h_{t−1} W_hh + b_h, not only the input "
                "term.", _rnn_tanh_inside),
        Mistake("You added h_{t−1} itself; it must go through the recurrent weights: h_{t−1} W_hh.",
                _rnn_elementwise_state),
        Mistake("That is a ReLU; the Elman layer of the chapter uses tanh (np.tanh), so states lie in (−1, 1).",
                _rnn_relu),
        Mistake("You applied tanh to each term separately; it goes once around the whole sum: "
                "tanh(x_t W_xh + h_{t−1} W_hh + b_h).", _rnn_tanh_per_term),
        Mistake("You added h_{t−1} to the new state (a residual connection); the Elman step returns only "
                "tanh(x_t W_xh + h_{t−1} W_hh + b_h).", _rnn_plus_previous),
        Mistake("The bias b_h goes inside the tanh, with the two products: tanh(x_t W_xh + h_{t−1} W_hh + b_h).",
                _rnn_bias_outside),
    ],
    examples=[(lambda x_t, h_prev, W_xh, W_hh, b: rnn_step(x_t, h_prev, W_xh, W_hh, b).T, "transpose")],
    hints=["Batch-first: x_t has shape (n, d) and W_xh (d, H), so x_t @ W_xh has shape (n, H); the same holds "
           "for h_prev @ W_hh.",
           "Add the two products and the bias (broadcast over the rows), then apply np.tanh.",
           "return np.tanh(x_t @ W_xh + h_prev @ W_hh + b)"],
)
