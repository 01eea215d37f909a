"""Lab 3 (activations): plausible wrong answers and unusual correct ones, as learners write them."""

import math

import numpy as np
import scipy.special

# -- q1: sigmoid 


def sigmoid_silenced(z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def sigmoid_seterr(z):
    np.seterr(all="ignore")
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_where_both_branches(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def sigmoid_crude_clip(z):
    z = np.clip(z, -15, 15)
    return 1 / (1 + np.exp(-z))


def sigmoid_int_buffer(z):
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    out[~pos] = np.exp(z[~pos]) / (1 + np.exp(z[~pos]))
    return out


def sigmoid_math_loop(z):
    return np.array([1 / (1 + math.exp(-v)) for v in z])


def sigmoid_hardcoded(z):
    table = {-3.0: 0.04742587, -0.5: 0.37754067, 0.0: 0.5, 0.5: 0.62245933, 3.0: 0.95257413}
    return np.array([table.get(float(v), 1.0 if v > 0 else 0.0) for v in z])


def sigmoid_tanh_wrong(z):
    return (1 + np.tanh(z)) / 2


def sigmoid_stable(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1 + e)
    return out


def sigmoid_tanh_identity(z):
    return 0.5 * (1 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def sigmoid_loop(z):
    out = []
    for v in z:
        v = float(v)
        out.append(1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v)))
    return np.array(out)


def sigmoid_scipy(z, *, dtype=float):
    return scipy.special.expit(np.asarray(z, dtype=dtype))


# -- q2: derivative 


def _sig(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def derivative_squared(z):
    return _sig(z) * (1 - _sig(z)) ** 2


def derivative_of_minus_z(z):
    return _sig(z) * (1 - _sig(-z))


def derivative_forward_difference(z, h=1e-6):
    return (_sig(z + h) - _sig(z)) / h


def derivative_gradient(z):
    return np.gradient(_sig(z))


def derivative_quarter(z):
    return 0.25 * np.ones_like(z, dtype=float)


def derivative_exp_plus(z):
    return np.exp(z) / (1 + np.exp(z)) ** 2


def derivative_symmetric(z):
    return _sig(z) * _sig(-z)


def derivative_abs(z):
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return e / (1 + e) ** 2


def derivative_naive_sigmoid(z):
    s = 1 / (1 + np.exp(-np.asarray(z, dtype=float)))
    return s - s * s


# -- q3: ReLU 


def relu_out_argument(z):
    return np.maximum(z, 0, out=z)


def relu_leaky(z):
    return np.maximum(0.01 * z, z)


def relu_int(z):
    return np.maximum(0, z).astype(int)


def relu_python_max(z):
    return np.array([max(0, v) for v in z])


def relu_clip_inplace(z):
    z.clip(0, None, out=z)
    return z


def relu_tiny(z):
    return np.maximum(1e-9, z)


def relu_where(z):
    return np.where(z > 0, z, 0)


def relu_abs(z):
    return (z + np.abs(z)) / 2


def relu_copy_then_mask(z):
    out = np.array(z, dtype=float, copy=True)
    out[out < 0] = 0
    return out


def relu_fmax(z):
    return np.fmax(z, 0)


# -- q4: softmax 


def softmax_min(Z):
    e = np.exp(Z - Z.min(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_mean(Z):
    e = np.exp(Z - Z.mean(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_silenced(Z):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(Z)
        return e / e.sum(axis=1, keepdims=True)


def softmax_no_keepdims(Z):
    e = np.exp(Z - Z.max(axis=1)[:, None])
    return e / e.sum(axis=1)


def softmax_divide_by_max(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.max(axis=1, keepdims=True)


def softmax_inconsistent_shift(Z):
    return np.exp(Z - Z.max(axis=1, keepdims=True)) / np.exp(Z).sum(axis=1, keepdims=True)


def softmax_in_place(Z):
    Z -= Z.max(axis=1, keepdims=True)
    e = np.exp(Z)
    return e / e.sum(axis=1, keepdims=True)


def softmax_log_domain(Z):
    return Z - scipy.special.logsumexp(Z, axis=1, keepdims=True)


def softmax_scipy(Z):
    return scipy.special.softmax(Z, axis=1)


def softmax_rows_loop(Z):
    rows = []
    for z in Z:
        z = np.asarray(z, dtype=float)
        e = np.exp(z - max(z))
        rows.append(e / sum(e))
    return np.array(rows)


def softmax_logsumexp(Z, axis=1):
    return np.exp(Z - scipy.special.logsumexp(Z, axis=axis, keepdims=True))


# -- found by an independent review (answers written without reading the checks)


def sigmoid_clip_30(z):
    return 1 / (1 + np.exp(-np.clip(z, -30, 30)))


def sigmoid_flat(z):
    return scipy.special.expit(np.ravel(z))


def sigmoid_flat_list(z):
    return [1 / (1 + math.exp(-v)) if v > -500 else 0.0 for v in np.ravel(z)]


def sigmoid_abs(z):
    return 1 / (1 + np.exp(-np.abs(z)))


def sigmoid_flat_loop(z):
    z = np.asarray(z, dtype=float)
    out = [1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v)) for v in z.flat]
    return np.array(out).reshape(z.shape)


def derivative_silenced_nan_to_num(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(all="ignore"):
        e = np.exp(-z)
        return np.nan_to_num(e / (1 + e) ** 2)


def derivative_clip_30(z):
    s = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
    return s * (1 - s)


def derivative_on_z(z):
    z = np.asarray(z, dtype=float)
    return z * (1 - z)


def derivative_flat(z):
    s = scipy.special.expit(np.ravel(z))
    return s * (1 - s)


def derivative_cosh(z):
    return 0.25 / np.cosh(0.5 * np.asarray(z, dtype=float)) ** 2   # cosh(500) overflows


def relu_leaky_where(z):
    return np.where(z > 0, z, 0.01 * z)


def softmax_axis0(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_batch_sum(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum()


def softmax_global_max_nan_to_num(Z):
    with np.errstate(all="ignore"):
        e = np.exp(Z - Z.max())
        return np.nan_to_num(e / e.sum(axis=1, keepdims=True))



# -- round 3 of the review
def sigmoid_clip_500(z):
    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))


def sigmoid_clip_709(z):
    return 1 / (1 + np.exp(-np.clip(z, -709, 709)))


def sigmoid_float32(z):
    z = np.asarray(z, np.float32)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_longdouble(z):
    return 1 / (1 + np.exp(-np.asarray(z, np.longdouble)))


def derivative_float32(z):
    s = scipy.special.expit(z).astype(np.float32)
    return s * (1 - s)


def relu_alias_when_positive(z):
    return z if (np.asarray(z) >= 0).all() else np.maximum(0, z)


def softmax_float32(Z):
    Z = np.asarray(Z, np.float32)
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sigmoid_logaddexp(z):
    return np.exp(-np.logaddexp(0, -np.asarray(z, dtype=float)))


WRONG = [
    ("q1", sigmoid_silenced, "for z = -1000, your function overflows"),
    ("q1", sigmoid_seterr, "your function overflows"),
    ("q1", sigmoid_where_both_branches, "np.where evaluates both"),
    ("q1", sigmoid_crude_clip, "wrong only where σ(z) is tiny"),
    ("q1", sigmoid_int_buffer, "wrong for the input"),
    ("q1", sigmoid_math_loop, "OverflowError"),
    ("q1", sigmoid_hardcoded, "Here z is a 2-D array"),
    ("q1", sigmoid_tanh_wrong, "wrong for the input"),
    ("q2", derivative_squared, "wrong for the input"),
    ("q2", derivative_of_minus_z, "wrong for the input"),
    ("q2", derivative_forward_difference, "wrong for the input"),
    ("q2", derivative_gradient, "shape (2, 4, 3)"),
    ("q2", derivative_quarter, "wrong for the input"),
    ("q2", derivative_exp_plus, "For z = 1000, your function overflows"),
    ("q3", relu_out_argument, "in place"),
    ("q3", relu_leaky, "leaky ReLU"),
    ("q3", relu_int, "rounded to integers"),
    ("q3", relu_python_max, "ValueError"),
    ("q3", relu_clip_inplace, "in place"),
    ("q3", relu_tiny, "wrong for the input"),
    ("q4", softmax_min, "For the row [0, 1000, 2] of Z, your function overflows"),
    ("q4", softmax_mean, "For the row [-1000, 0, 1000] of Z, your function overflows"),
    ("q4", softmax_silenced, "your function overflows"),
    ("q4", softmax_no_keepdims, None),
    ("q4", softmax_divide_by_max, "wrong for the input"),
    ("q4", softmax_inconsistent_shift, "your function overflows"),
    ("q4", softmax_in_place, "in place"),
    ("q4", softmax_log_domain, "wrong for the input"),
    ("q1", sigmoid_clip_30, "wrong only where σ(z) is tiny"),
    ("q1", sigmoid_flat, "has shape (12,); expected an array of shape (4, 3)"),
    ("q1", sigmoid_flat_list, "has shape (12,)"),
    ("q1", sigmoid_abs, "For z < 0 you return σ(|z|)"),
    ("q1", sigmoid_loop, "Here z is a 2-D array"),
    ("q2", derivative_naive_sigmoid, "your function overflows"),
    ("q2", derivative_silenced_nan_to_num, "Your values are right, but on the way"),
    ("q2", derivative_clip_30, "wrong only where σ'(z) is tiny"),
    ("q2", derivative_on_z, "You applied s (1 − s) to z itself"),
    ("q2", derivative_flat, "has shape (12,)"),
    ("q2", derivative_cosh, "your function overflows"),
    ("q3", relu_leaky_where, "leaky ReLU"),
    ("q3", relu_clip_inplace, "changed the caller's z in place"),
    ("q4", softmax_axis0, "works along columns (axis=0)"),
    ("q4", softmax_batch_sum, "sum over the whole batch"),
    ("q4", softmax_global_max_nan_to_num, "np.nan_to_num turns that into a row of zeros"),
    ("q1", sigmoid_clip_500, "for z = -745 you return 7.12e-218"),
    ("q1", sigmoid_clip_709, "wrong only where σ(z) is tiny"),
    ("q1", sigmoid_float32, "returns float32 values"),
    ("q1", sigmoid_longdouble, "for z = -20000, your function overflows"),
    ("q2", derivative_float32, "returns float32 values"),
    ("q3", relu_alias_when_positive, "returned the caller's z itself"),
    ("q4", softmax_float32, "returns float32 values"),
]

RIGHT = [
    ("q1", sigmoid_stable), ("q1", sigmoid_tanh_identity), ("q1", sigmoid_flat_loop),
    ("q1", sigmoid_scipy),
    ("q2", derivative_symmetric), ("q2", derivative_abs),
    ("q3", relu_where), ("q3", relu_abs), ("q3", relu_copy_then_mask), ("q3", relu_fmax),
    ("q4", softmax_scipy), ("q4", softmax_rows_loop), ("q4", softmax_logsumexp),
    ("q1", sigmoid_logaddexp),
]
