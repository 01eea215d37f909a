"""Lab 9: wrong and unusual-but-correct answers a learner might write (see tests/answers)."""

import math

import numpy as np


# -- q1: Xavier uniform limit --------------------------------------------------------------------
def xavier_integer_division(fan_in, fan_out):
    return (6 // (fan_in + fan_out)) ** 0.5


def xavier_product(fan_in, fan_out):
    return np.sqrt(6 / (fan_in * fan_out))


def xavier_root_of_six_only(fan_in, fan_out):
    return np.sqrt(6) / (fan_in + fan_out)


def xavier_precedence(fan_in, fan_out):
    return np.sqrt(6 / fan_in + fan_out)


def xavier_twelve(fan_in, fan_out):
    return np.sqrt(12 / (fan_in + fan_out))


def xavier_rounded(fan_in, fan_out):
    return round(math.sqrt(6 / (fan_in + fan_out)), 3)


def xavier_looked_up(fan_in, fan_out):
    table = {(256, 128): 0.125, (3, 10): 0.6794, (784, 100): 0.08238, (64, 64): 0.2165,
             (1, 7): 0.866, (500, 20): 0.1074}
    return table.get((int(fan_in), int(fan_out)), 0.1)


def xavier_math(fan_in, fan_out):
    return math.sqrt(6.0 / (fan_in + fan_out))


def xavier_with_gain(fan_in, fan_out, gain=1.0):
    variance = 2.0 / (fan_in + fan_out)
    return gain * (3 * variance) ** 0.5


# -- q2: He normal standard deviation ------------------------------------------------------------
def he_root_two_over_n(fan_in, fan_out):
    return np.sqrt(2) / fan_in


def he_rounded(fan_in, fan_out):
    return round(np.sqrt(2 / fan_in), 2)


def he_counts_bias(fan_in, fan_out):
    return np.sqrt(2 / (fan_in + 1))


def he_two_over_root(fan_in, fan_out):
    return 2 / np.sqrt(fan_in)


def he_integer_division(fan_in, fan_out):
    return math.sqrt(2 // fan_in)


def he_larger_fan(fan_in, fan_out):
    return np.sqrt(2 / max(fan_in, fan_out))


def he_math(fan_in, fan_out):
    del fan_out                        # not needed: He uses the fan-in only
    return math.sqrt(2.0 / fan_in)


def he_product_of_roots(fan_in, fan_out):
    return np.sqrt(2.0) * np.sqrt(1.0 / fan_in)


# -- q3: variances through a deep ReLU network ---------------------------------------------------
def variances_last_only(var_x, n_in, var_w, depth):
    v = n_in * var_w * var_x
    for _ in range(depth - 1):
        v = n_in * var_w * 0.5 * v
    return v


def variances_one_too_many(var_x, n_in, var_w, depth):
    v = [n_in * var_w * var_x]
    for _ in range(depth):
        v.append(n_in * var_w * 0.5 * v[-1])
    return np.array(v)


def variances_times_two(var_x, n_in, var_w, depth):
    v = np.empty(depth)
    v[0] = n_in * var_w * var_x
    for l in range(1, depth):
        v[l] = 2 * n_in * var_w * v[l - 1]
    return v


def variances_unit_input(var_x, n_in, var_w, depth):
    v = np.empty(depth)
    v[0] = n_in * var_w
    for l in range(1, depth):
        v[l] = n_in * var_w * 0.5 * v[l - 1]
    return v


def variances_integer_array(var_x, n_in, var_w, depth):
    v = np.full(depth, var_x)
    v[0] = n_in * var_w * var_x
    for l in range(1, depth):
        v[l] = n_in * var_w * 0.5 * v[l - 1]
    return v


def variances_exponent_off_by_one(var_x, n_in, var_w, depth):
    return n_in * var_w * var_x * (n_in * var_w / 2) ** np.arange(1, depth + 1)


_HISTORY = []


def variances_global_list(var_x, n_in, var_w, depth):
    _HISTORY.append(n_in * var_w * var_x)
    for _ in range(depth - 1):
        _HISTORY.append(n_in * var_w * 0.5 * _HISTORY[-1])
    return np.array(_HISTORY)


def variances_closed_form(var_x, n_in, var_w, depth):
    return 2 * var_x * (n_in * var_w / 2) ** np.arange(1, depth + 1)


def variances_list(var_x, n_in, var_w, depth):
    out, second_moment = [], var_x
    for _ in range(depth):
        out.append(n_in * var_w * second_moment)
        second_moment = out[-1] / 2
    return out


# -- q4: clipping by global norm -----------------------------------------------------------------
def clip_norm_of_list(grads, max_norm):
    norm = np.linalg.norm(grads)
    return [g * min(1.0, max_norm / norm) for g in grads]


def clip_sum_of_norms(grads, max_norm):
    norm = sum(np.linalg.norm(g) for g in grads)
    return [g * min(1.0, max_norm / norm) for g in grads]


def clip_max_not_min(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * max(1.0, max_norm / norm) for g in grads]


def clip_one_vector(grads, max_norm):
    flat = np.concatenate([g.ravel() for g in grads])
    return flat * min(1.0, max_norm / np.linalg.norm(flat))


def clip_scales_in_place(grads, max_norm):
    factor = min(1.0, max_norm / np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    for g in grads:
        g *= factor
    return [g.copy() for g in grads]


def clip_forgot_else(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    if norm > max_norm:
        return [g * max_norm / norm for g in grads]


def clip_max_abs(grads, max_norm):
    norm = max(np.abs(g).max() for g in grads)
    return [g * min(1.0, max_norm / norm) for g in grads]


def clip_fixed_threshold(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * min(1.0, 1.0 / norm) for g in grads]


def clip_replaces_list(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    grads[:] = [g * min(1.0, max_norm / norm) for g in grads]
    return grads


def clip_concatenate(grads, max_norm):
    norm = np.linalg.norm(np.concatenate([g.ravel() for g in grads]))
    if norm <= max_norm:
        return [g.copy() for g in grads]
    return [g * (max_norm / norm) for g in grads]


def clip_math_loop(grads, max_norm):
    total = 0.0
    for g in grads:
        for value in g.flat:
            total += value * value
    scale = max_norm / math.sqrt(total) if math.sqrt(total) > max_norm else 1.0
    return tuple(np.multiply(g, scale) for g in grads)


WRONG = [
    ("q1", xavier_integer_division, "floor division"),
    ("q1", xavier_product, "wrong for the input"),
    ("q1", xavier_root_of_six_only, "wrong for the input"),
    ("q1", xavier_precedence, "wrong for the input"),
    ("q1", xavier_twelve, "n_avg"),
    ("q1", xavier_rounded, "wrong for the input"),
    ("q1", xavier_looked_up, "wrong for the input"),
    ("q2", he_root_two_over_n, "wrong for the input"),
    ("q2", he_rounded, "wrong for the input"),
    ("q2", he_counts_bias, "wrong for the input"),
    ("q2", he_two_over_root, "wrong for the input"),
    ("q2", he_integer_division, "floor division"),
    ("q2", he_larger_fan, "wrong for the input"),
    ("q3", variances_last_only, "shape"),
    ("q3", variances_one_too_many, "shape"),
    ("q3", variances_times_two, "wrong for the input"),
    ("q3", variances_unit_input, "ignores `var_x`"),
    ("q3", variances_integer_array, "integer dtype"),
    ("q3", variances_exponent_off_by_one, "one layer ahead"),
    ("q3", variances_global_list, "shape"),
    ("q4", clip_norm_of_list, "raised ValueError"),
    ("q4", clip_sum_of_norms, "clipped array number 1 is wrong"),
    ("q4", clip_max_not_min, "it must be min(1, c/||g||)"),
    ("q4", clip_one_vector, "Return a list"),
    ("q4", clip_scales_in_place, "in place"),
    ("q4", clip_forgot_else, "returned None"),
    ("q4", clip_max_abs, "is wrong"),
    ("q4", clip_fixed_threshold, "is wrong"),
    ("q4", clip_replaces_list, "in place"),
]

RIGHT = [
    ("q1", xavier_math),
    ("q1", xavier_with_gain),
    ("q2", he_math),
    ("q2", he_product_of_roots),
    ("q3", variances_closed_form),
    ("q4", clip_concatenate),
    ("q4", clip_math_loop),
]


# -- from an independent review (answers written without reading the checks) --------------------
def xavier_floor_division(fan_in, fan_out):
    return np.sqrt(6 // (fan_in + fan_out))


def xavier_average_fan(fan_in, fan_out):
    return np.sqrt(6 / ((fan_in + fan_out) / 2))


def he_floor_division(fan_in, fan_out):
    return np.sqrt(2 // fan_in)


def variances_from_var_x(var_x, n_in, var_w, depth):
    return var_x * (0.5 * n_in * var_w) ** np.arange(depth)


def variances_he_hard_coded(var_x, n_in, var_w, depth):
    return np.full(depth, 2 * var_x)


def variances_one_layer_ahead(var_x, n_in, var_w, depth):
    return n_in * var_w * var_x * (0.5 * n_in * var_w) ** np.arange(1, depth + 1)


def variances_int_floor_division(var_x, n_in, var_w, depth):
    out = np.empty(depth, dtype=int)
    out[0] = n_in * var_w * var_x
    for layer in range(1, depth):
        out[layer] = n_in * var_w * out[layer - 1] // 2
    return out


def clip_python_division(grads, max_norm):
    norm = math.sqrt(sum(float(np.sum(g ** 2)) for g in grads))
    return [g * min(1.0, max_norm / norm) for g in grads]


def clip_returns_inputs_below(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return grads if norm <= max_norm else [g * max_norm / norm for g in grads]


def clip_numpy_nan_at_zero(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    with np.errstate(all="ignore"):
        return [g * max_norm / norm if norm > max_norm else g * (norm / norm) for g in grads]


def clip_max_with_tiny(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * (max_norm / max(norm, max_norm)) for g in grads]


WRONG += [
    ("q1", xavier_floor_division, "floor division"),
    ("q1", xavier_average_fan, "n_avg"),
    ("q2", he_floor_division, "floor division"),
    ("q3", variances_from_var_x, "the first layer sees x itself"),
    ("q3", variances_he_hard_coded, "2·Var(x) everywhere"),
    ("q3", variances_one_layer_ahead, "one layer ahead"),
    ("q3", variances_int_floor_division, "integer dtype"),
    ("q3", variances_list, "asks for an array of shape (depth,)"),
    ("q4", clip_python_division, "all-zero gradients"),
    ("q4", clip_returns_inputs_below, "returned the input list"),
    ("q4", clip_numpy_nan_at_zero, "all-zero gradients"),
]

RIGHT += [
    ("q4", clip_max_with_tiny),
]


# -- second review --------------------------------------------------------------------------------
def he_average_fan(fan_in, fan_out):
    return np.sqrt(4 / (fan_in + fan_out))


def variances_square_roots(var_x, n_in, var_w, depth):
    return np.sqrt(np.array([n_in * var_w * var_x * (0.5 * n_in * var_w) ** l for l in range(depth)]))


def clip_large_epsilon(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * min(1.0, max_norm / (norm + 1e-5)) for g in grads]


def clip_like_pytorch(grads, max_norm):
    # torch.nn.utils.clip_grad_norm_: max_norm / (total_norm + 1e-6), clamped to 1
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * min(1.0, max_norm / (norm + 1e-6)) for g in grads]


def clip_sum_of_norms(grads, max_norm):
    norm = sum(np.linalg.norm(g) for g in grads)
    return [g * min(1.0, max_norm / norm) for g in grads]


WRONG += [
    ("q2", he_average_fan, "n_avg"),
    ("q4", clip_sum_of_norms, "same factor (right)"),
    ("q3", variances_square_roots, "square roots"),
    ("q4", clip_large_epsilon, "epsilon added to the norm"),
]

RIGHT += [
    ("q4", clip_like_pytorch),
]


# -- q5: batch normalisation, training mode -------------------------------------------------------
def bn_var_ddof1(X, gamma, beta, eps):
    X = np.asarray(X, dtype=float)
    return gamma * (X - X.mean(axis=0)) / np.sqrt(np.var(X, axis=0, ddof=1) + eps) + beta


def bn_std_ddof1(X, gamma, beta, eps):
    X = np.asarray(X, dtype=float)
    std = X.std(axis=0, ddof=1)
    return gamma * (X - X.mean(axis=0)) / np.sqrt(std ** 2 + eps) + beta


def bn_eps_outside(X, gamma, beta, eps):
    X = np.asarray(X, dtype=float)
    return gamma * (X - X.mean(0)) / (X.std(0) + eps) + beta


def bn_naive_variance(X, gamma, beta, eps):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    var = (X ** 2).mean(axis=0) - mean ** 2
    return gamma * (X - mean) / np.sqrt(var + eps) + beta


def bn_output_like_input(X, gamma, beta, eps):
    out = np.zeros_like(X)
    mean, var = X.mean(axis=0), X.var(axis=0)
    out[:] = gamma * (X - mean) / np.sqrt(var + eps) + beta
    return out


def bn_rows_keepdims(X, gamma, beta, eps):
    mean = X.mean(axis=1, keepdims=True)
    var = X.var(axis=1, keepdims=True)
    return gamma * (X - mean) / np.sqrt(var + eps) + beta


def bn_rows(X, gamma, beta, eps):
    return gamma * (X - X.mean(axis=1)) / np.sqrt(X.var(axis=1) + eps) + beta


def bn_forgot_gamma_beta(X, gamma, beta, eps):
    return (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + eps)


def bn_centres_in_place(X, gamma, beta, eps):
    X = X.astype(float, copy=False)
    X -= X.mean(axis=0)
    return gamma * X / np.sqrt((X ** 2).mean(axis=0) + eps) + beta


def bn_default_eps(X, gamma, beta, eps=1e-5):
    return gamma * (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + 1e-5) + beta


def bn_without_eps(X, gamma, beta, eps):
    with np.errstate(all="ignore"):
        return gamma * (X - X.mean(axis=0)) / X.std(axis=0) + beta


def bn_loop_into_empty_like(X, gamma, beta, eps):
    out = np.empty_like(X)
    for j in range(X.shape[1]):
        col = X[:, j]
        out[:, j] = gamma[j] * (col - col.mean()) / math.sqrt(col.var() + eps) + beta[j]
    return out


def bn_variance_as_std(X, gamma, beta, eps):
    return gamma * (X - X.mean(axis=0)) / (X.var(axis=0) + eps) + beta


WRONG += [
    ("q5", bn_var_ddof1, "unbiased variance"),
    ("q5", bn_std_ddof1, "unbiased variance"),
    ("q5", bn_eps_outside, "outside the square root"),
    ("q5", bn_naive_variance, "E[x²] − E[x]²"),
    ("q5", bn_output_like_input, "integer dtype"),
    ("q5", bn_rows_keepdims, "each row"),
    ("q5", bn_rows, "axis=1"),
    ("q5", bn_forgot_gamma_beta, "gamma and beta are missing"),
    ("q5", bn_centres_in_place, "in place"),
    ("q5", bn_default_eps, "ignores `eps`"),
    ("q5", bn_without_eps, "eps is missing"),
    ("q5", bn_loop_into_empty_like, "integer dtype"),
    ("q5", bn_variance_as_std, "square root"),
]


def bn_np_var(X, gamma, beta, eps):
    X = np.asarray(X, dtype=float)
    return gamma * (X - np.mean(X, axis=0)) / np.sqrt(np.var(X, axis=0) + eps) + beta


def bn_keepdims_and_reciprocal(X, gamma, beta, eps):
    X = X.astype(np.float64)
    mean = X.mean(axis=0, keepdims=True)
    inv_std = 1.0 / np.sqrt(X.std(axis=0, keepdims=True) ** 2 + eps)
    return (X - mean) * inv_std * gamma + beta


def bn_columns_with_math(X, gamma, beta, eps):
    n, d = np.shape(X)
    out = np.empty((n, d))
    for j in range(d):
        col = [float(X[i, j]) for i in range(n)]
        mean = math.fsum(col) / n
        var = math.fsum((v - mean) ** 2 for v in col) / n
        for i in range(n):
            out[i, j] = gamma[j] * (col[i] - mean) / math.sqrt(var + eps) + beta[j]
    return out


def bn_welford(X, gamma, beta, eps):
    # one pass, but Welford's update stays accurate for large offsets
    X = np.asarray(X, dtype=float)
    mean, m2 = np.zeros(X.shape[1]), np.zeros(X.shape[1])
    for k, row in enumerate(X, start=1):
        delta = row - mean
        mean += delta / k
        m2 += delta * (row - mean)
    return gamma * (X - mean) / np.sqrt(m2 / len(X) + eps) + beta


def bn_transposed(X, gamma, beta, eps):
    T = np.asarray(X, dtype=float).T
    centred = T - T.mean(axis=1, keepdims=True)
    var = (centred * centred).mean(axis=1, keepdims=True)
    return (centred / np.sqrt(var + eps)).T * gamma + beta


RIGHT += [
    ("q5", bn_np_var),
    ("q5", bn_keepdims_and_reciprocal),
    ("q5", bn_columns_with_math),
    ("q5", bn_welford),
    ("q5", bn_transposed),
]
