"""Lab 6 (backpropagation): answers a learner might write, wrong and unusual-but-correct (see the package
docstring)."""

import math

import numpy as np
import scipy.special


# -- question 1: the backward pass of a dense layer ------------------------------------------------------
def dense_db_keepdims(X, W, delta):
    return X.T @ delta, delta.sum(axis=0, keepdims=True), delta @ W.T


def dense_wrong_order(X, W, delta):
    return X.T @ delta, delta @ W.T, delta.sum(axis=0)


def dense_dict(X, W, delta):
    return {"dW": X.T @ delta, "db": delta.sum(axis=0), "dX": delta @ W.T}


def dense_inverse(X, W, delta):
    return X.T @ delta, delta.sum(axis=0), delta @ np.linalg.pinv(W)


def dense_elementwise(X, W, delta):
    return X.T * delta, delta.sum(axis=0), delta @ W.T      # right only for a batch of one


def dense_first_sample(X, W, delta):
    return np.outer(X[0], delta[0]), delta.sum(axis=0), delta @ W.T


def dense_einsum(X, W, delta):
    return np.einsum("si,sj->ij", X, delta), np.einsum("sj->j", delta), np.einsum("sj,ij->si", delta, W)


def dense_loop(X, W, delta, b=None):
    dW, db, dX = np.zeros(W.shape), np.zeros(W.shape[1]), np.zeros(X.shape)
    for s in range(len(X)):
        dW += np.outer(X[s], delta[s])
        db += delta[s]
        dX[s] = W @ delta[s]
    return dW, db, (W @ delta.T).T


# -- question 2: the backward pass of a sigmoid layer --------------------------------------------------
def sig_summed(dA, A):
    return (dA * A * (1 - A)).sum(axis=0)


def sig_confused_variables(dA, A):
    return dA * A * (1 - dA)


def sig_missing_parentheses(dA, A):
    return dA * A - A ** 2


def sig_log_as_inverse(dA, A):
    s = 1 / (1 + np.exp(-np.log(A)))
    return dA * s * (1 - s)


def sig_divided_by_batch(dA, A):
    return dA * A * (1 - A) / len(A)


def sig_via_logit(dA, A):
    with np.errstate(divide="ignore"):
        Z = np.log(A) - np.log1p(-A)                 # recover Z, then the stable sigmoid's derivative
    s = scipy.special.expit(Z)
    return dA * s * (1 - s)


def sig_loop(dA, A):
    out = np.empty(np.shape(A))
    for i in np.ndindex(out.shape):
        out[i] = dA[i] * (A[i] - A[i] * A[i])
    return out


# -- question 3: the 2-2-1 network ----------------------------------------------------------------------
def _sig(z):
    return 1 / (1 + np.exp(-z))


def w1_transposed_layer(x, y, W1, b1, W2, b2):
    a1 = _sig(W1 @ x + b1)
    y_hat = a1 @ W2[:, 0] + b2[0]
    delta1 = 2 * (y_hat - y) * W2[:, 0] * a1 * (1 - a1)
    return np.outer(x, delta1)


def w1_no_output_bias(x, y, W1, b1, W2, b2):
    a1 = _sig(x @ W1 + b1)
    y_hat = a1 @ W2[:, 0]
    return np.outer(x, 2 * (y_hat - y) * W2[:, 0] * a1 * (1 - a1))


def w1_tanh(x, y, W1, b1, W2, b2):
    a1 = np.tanh(x @ W1 + b1)
    y_hat = a1 @ W2[:, 0] + b2[0]
    return np.outer(x, 2 * (y_hat - y) * W2[:, 0] * (1 - a1 ** 2))


def w1_sigmoid_output(x, y, W1, b1, W2, b2):
    a1 = _sig(x @ W1 + b1)
    y_hat = _sig(a1 @ W2[:, 0] + b2[0])
    delta21 = 2 * (y_hat - y) * y_hat * (1 - y_hat)
    return np.outer(x, delta21 * W2[:, 0] * a1 * (1 - a1))


def w1_first_row_of_W2(x, y, W1, b1, W2, b2):
    a1 = _sig(x @ W1 + b1)
    y_hat = a1 @ W2[:, 0] + b2[0]
    return np.outer(x, 2 * (y_hat - y) * W2[0] * a1 * (1 - a1))


def w1_returns_deltas(x, y, W1, b1, W2, b2):
    a1 = _sig(x @ W1 + b1)
    y_hat = a1 @ W2[:, 0] + b2[0]
    return 2 * (y_hat - y) * W2[:, 0] * a1 * (1 - a1)


def w1_matrices(x, y, W1, b1, W2, b2):
    a1 = scipy.special.expit(x[None, :] @ W1 + b1)            # (1, 2)
    y_hat = a1 @ W2 + b2                                      # (1, 1)
    delta1 = (2 * (y_hat - y) @ W2.T) * a1 * (1 - a1)         # (1, 2)
    return x[:, None] @ delta1


def w1_scalars(x, y, W1, b1, W2, b2):
    a = [1 / (1 + math.exp(-(x[0] * W1[0, j] + x[1] * W1[1, j] + b1[j]))) for j in range(2)]
    y_hat = a[0] * W2[0, 0] + a[1] * W2[1, 0] + b2[0]
    d21 = 2 * (y_hat - y)
    return np.array([[x[i] * d21 * W2[j, 0] * a[j] * (1 - a[j]) for j in range(2)] for i in range(2)])


# -- question 4: a numerical gradient -----------------------------------------------------------------
def ng_aliased_copies(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x_plus = x                       # not a copy
        x_plus[i] += eps
        f_plus = f(x_plus)
        x_minus = x
        x_minus[i] -= eps
        grad[i] = (f_plus - f(x_minus)) / (2 * eps)
    return grad


def ng_empty_like_reshape(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=float)     # column-major for x = W.T: reshape(-1) copies it
    flat = grad.reshape(-1)
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = eps
        flat[k] = (f(x + e.reshape(x.shape)) - f(x - e.reshape(x.shape))) / (2 * eps)
    return grad


def ng_whole_array(f, x, eps=1e-6):
    return np.full(x.shape, (f(x + eps) - f(x - eps)) / (2 * eps))


def ng_flat_list(f, x, eps=1e-6):
    out = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = eps
        out.append((f(x + e.reshape(x.shape)) - f(x - e.reshape(x.shape))) / (2 * eps))
    return out


def ng_relative_step(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        h = eps * abs(x[i])
        e = np.zeros(x.shape)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


def ng_float32(f, x, eps=1e-6):
    x32 = x.astype(np.float32)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        e = np.zeros(x.shape, dtype=np.float32)
        e[i] = eps
        grad[i] = (f(x32 + e) - f(x32 - e)) / (2 * eps)
    return grad


def ng_two_axes(f, x, eps=1e-6):
    m = np.atleast_2d(x.copy())
    grad = np.zeros(m.shape)
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            o = m[i, j].copy()
            m[i, j] = o + eps
            f_plus = f(m.reshape(x.shape))
            m[i, j] = o - eps
            f_minus = f(m.reshape(x.shape))
            m[i, j] = o
            grad[i, j] = (f_plus - f_minus) / (2 * eps)
    return grad.reshape(x.shape)


def ng_unit_vectors(f, x, eps=1e-6):
    flat = x.ravel()
    grad = np.empty(flat.size)
    for k, e in enumerate(np.eye(flat.size)):
        grad[k] = (f((flat + eps * e).reshape(x.shape)) - f((flat - eps * e).reshape(x.shape))) / (2 * eps)
    return grad.reshape(x.shape)


def ng_nditer(f, x, eps=1e-6, *, check=False):
    grad = np.zeros_like(x, dtype=float)
    work = x.copy()
    it = np.nditer(work, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        saved = float(work[i])
        work[i] = saved + eps
        up = f(work)
        work[i] = saved - eps
        down = f(work)
        work[i] = saved
        grad[i] = (up - down) / (2 * eps)
    return grad



# -- found by an independent review (issue 14) --------------------------------------------------------
def dense_divided_by_n(X, W, delta):
    n = X.shape[0]
    return X.T @ delta / n, delta.sum(axis=0) / n, delta @ W.T


def sig_in_place(dA, A):
    dA *= A * (1 - A)
    return dA


def sig_one_minus_only(dA, A):
    return dA * (1 - A)


def w1_hardcoded(x, y, W1, b1, W2, b2):
    return np.array([[-0.1539, 0.0605], [-0.3078, 0.1210]])


def w1_hidden_output_as_input(x, y, W1, b1, W2, b2):
    a1 = scipy.special.expit(x @ W1 + b1)
    y_hat = a1 @ W2[:, 0] + b2[0]
    return np.outer(a1, 2 * (y_hat - y) * W2[:, 0] * a1 * (1 - a1))


def w1_no_biases(x, y, W1, b1, W2, b2):
    a1 = scipy.special.expit(x @ W1)
    y_hat = a1 @ W2[:, 0]
    return np.outer(x, 2 * (y_hat - y) * W2[:, 0] * a1 * (1 - a1))


def w1_batch_form(x, y, W1, b1, W2, b2):
    X = x[None, :]
    A1 = scipy.special.expit(X @ W1 + b1)
    d1 = (2 * (A1 @ W2 + b2 - y) @ W2.T) * A1 * (1 - A1)
    return X.T @ d1


def ng_same_array(f, x, eps=1e-6):
    x_plus = x
    x_minus = x
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        original = x[i]
        x_plus[i] = original + eps
        x_minus[i] = original - eps
        grad[i] = (f(x_plus) - f(x_minus)) / (2 * eps)
        x[i] = original
    return grad


def ng_int_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape, dtype=int)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + eps
        f_plus = f(x)
        x[i] = original - eps
        f_minus = f(x)
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def ng_shifted_copies(f, x, eps=1e-6):
    grad = np.empty(x.shape)
    flat = grad.reshape(-1)
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = eps
        e = e.reshape(x.shape)
        flat[k] = (f(x + e) - f(x - e)) / (2 * eps)
    return grad


def ng_reshape_copy(f, x, eps=1e-6):
    flat, g = x.reshape(-1), np.zeros(x.size)
    for k in range(x.size):
        o = flat[k]
        flat[k] = o + eps
        fp = f(x)
        flat[k] = o - eps
        fm = f(x)
        flat[k] = o
        g[k] = (fp - fm) / (2 * eps)
    return g.reshape(x.shape)


def dense_extra_w_in_dw(X, W, delta):
    return X.T @ delta @ W, delta.sum(axis=0), delta @ W.T


def dense_db_times_w(X, W, delta):
    return X.T @ delta, delta.sum(axis=0) @ W, delta @ W.T



def numerical_restore_at_end(f, x, eps=1e-6):
    """Round 3: x is put back only after the loop."""
    x0, g = x.copy(), np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        o = x[i]
        x[i] = o + eps
        fp = f(x)
        x[i] = o - eps
        g[i] = (fp - f(x)) / (2 * eps)
    x[...] = x0
    return g


def numerical_rebind_at_end(f, x, eps=1e-6):
    """Round 3: `x = x0` at the end rebinds the local name only."""
    x0, g = x.copy(), np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        o = x[i]
        x[i] = o + eps
        fp = f(x)
        x[i] = o - eps
        g[i] = (fp - f(x)) / (2 * eps)
    x = x0
    return g


WRONG = [
    ("q1", dense_db_keepdims, "The dL/db has shape (1,"),
    ("q1", dense_wrong_order, "You returned (dL/dW, dL/dX, dL/db)"),
    ("q1", dense_dict, "must return 3 values (dL/dW, dL/db and dL/dX), got a dict"),
    ("q1", dense_inverse, "The dL/dX is wrong for the input"),
    ("q1", dense_elementwise, "ValueError"),
    ("q1", dense_first_sample, "The dL/dW is wrong for the input"),
    ("q2", sig_summed, "The result has shape"),
    ("q2", sig_confused_variables, "The result is wrong for the input"),
    ("q2", sig_missing_parentheses, "The result is wrong for the input"),
    ("q2", sig_log_as_inverse, "The result is wrong for the input"),
    ("q2", sig_divided_by_batch, "The result is wrong for the input"),
    ("q3", w1_transposed_layer, "Your forward pass computes W1 @ x"),
    ("q3", w1_no_output_bias, "A bias is missing in your forward pass"),
    ("q3", w1_tanh, "The result is wrong for the input"),
    ("q3", w1_sigmoid_output, "The output unit is linear here"),
    ("q3", w1_first_row_of_W2, "The result is wrong for the input"),
    ("q3", w1_returns_deltas, "The result has shape (2,); expected an array of shape (2, 2)"),
    ("q4", ng_aliased_copies, "both names are the same array"),
    ("q4", ng_whole_array, "You nudged every entry at once"),
    ("q4", ng_flat_list, "The result has shape (6,); expected an array of shape (3, 2)"),
    ("q4", ng_relative_step, "NaN"),
    ("q4", ng_float32, "The result is wrong for the input"),
    ("q4", ng_two_axes, "The result is wrong for the input f(x) = Σ (x³ + sin 2x)"),
    ("q1", dense_divided_by_n, "You divided by n."),
    ("q2", sig_in_place, "Your function changed dA (or A) in place"),
    ("q2", sig_one_minus_only, "The factor A is missing"),
    ("q3", w1_hardcoded, "returns the same matrix for every input"),
    ("q3", w1_hidden_output_as_input, "the weight w¹ᵢⱼ multiplies the INPUT x₁ᵢ"),
    ("q3", w1_no_biases, "A bias is missing in your forward pass"),
    ("q4", ng_same_array, "both names are the same array"),
    ("q4", ng_int_gradient, "Your gradient is an integer array"),
    ("q4", ng_reshape_copy, "Your gradient is 0 for a transposed matrix"),
    ("q1", dense_extra_w_in_dw, "there your dL/dW is wrong"),
    ("q1", dense_db_times_w, "there your dL/db is wrong"),
    ("q4", ng_empty_like_reshape, "Your gradient is 0 for a transposed matrix"),
    ("q4", numerical_restore_at_end, "restoring x only at the end is too late"),
    ("q4", numerical_rebind_at_end, "A final `x = x0` does not do it"),
]

RIGHT = [
    ("q1", dense_einsum),
    ("q1", dense_loop),
    ("q2", sig_via_logit),
    ("q2", sig_loop),
    ("q3", w1_matrices),
    ("q3", w1_scalars),
    ("q4", ng_unit_vectors),
    ("q4", ng_nditer),
    ("q3", w1_batch_form),
    ("q4", ng_shifted_copies),
]
