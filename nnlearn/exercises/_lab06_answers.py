"""Lab 6's answers, right and wrong: the reference solutions and the typical mistakes the checks
recognise.
"""

import numpy as np


# -- reference solutions ------------------------------------------------------------------------------
def dense_backward(X, W, delta):
    """Backward pass of Z = X W + b: delta = dL/dZ, shape (n, m) -> (dL/dW, dL/db, dL/dX)."""
    dW = X.T @ delta               # (d, n) @ (n, m) = (d, m), like W
    db = delta.sum(axis=0)         # column sums: b is used by every sample
    dX = delta @ W.T               # (n, m) @ (m, d) = (n, d), like X
    return dW, db, dX


def sigmoid_backward(dA, A):
    """dL/dZ from dL/dA for A = sigmoid(Z): sigma'(Z) = A (1 - A), element by element."""
    return dA * A * (1.0 - A)


def grad_W1(x, y, W1, b1, W2, b2):
    """dL/dW1 of the 2-2-1 network (sigmoid hidden units, linear output, L = (y_hat - y)^2)."""
    O1 = x @ W1 + b1                           # (O11, O12)
    a1 = 1.0 / (1.0 + np.exp(-O1))             # (a11, a12)
    y_hat = a1 @ W2[:, 0] + b2[0]              # O21, the linear output
    delta21 = 2.0 * (y_hat - y)                # dL/dO21 = dL/dy_hat
    dL_da1 = delta21 * W2[:, 0]                # dL/da1j = delta21 w2_j1
    delta1 = sigmoid_backward(dL_da1, a1)      # delta1j = dL/da1j sigma'(O1j)
    return np.outer(x, delta1)                 # dL/dw1_ij = x1i delta1j


def numerical_gradient(f, x, eps=1e-6):
    """Central differences (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every entry i of x."""
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + eps
        f_plus = f(x)
        x[i] = original - eps
        f_minus = f(x)
        x[i] = original                        # restore: x is unchanged on return
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


# -- wrong answers for q3 and q4 --------------------------------------------------------------------
def _grad_W1_with(x, y, W1, b1, W2, b2, *, factor=2.0, prime="a", outer="x,delta", forward="x W1",
                  output="linear"):
    O1 = x @ W1 + b1 if forward == "x W1" else W1 @ x + b1
    a1 = 1.0 / (1.0 + np.exp(-O1))
    y_hat = a1 @ W2[:, 0] + b2[0]
    delta21 = factor * (y_hat - y)
    if output == "sigmoid":
        y_hat = 1.0 / (1.0 + np.exp(-y_hat))
        delta21 = factor * (y_hat - y) * y_hat * (1.0 - y_hat)
    dL_da1 = delta21 * W2[:, 0]
    if prime == "a":
        delta1 = dL_da1 * a1 * (1 - a1)
    elif prime == "sigma(a)":
        s = 1.0 / (1.0 + np.exp(-a1))
        delta1 = dL_da1 * s * (1 - s)
    elif prime == "O":
        delta1 = dL_da1 * O1 * (1 - O1)
    else:                                       # no sigma' at all
        delta1 = dL_da1
    if outer == "a1,delta":
        return np.outer(a1, delta1)
    return np.outer(delta1, x) if outer == "delta,x" else np.outer(x, delta1)


def _grad_W1_without_bias(x, y, W1, b1, W2, b2, *, hidden=True, output=True):
    return grad_W1(x, y, W1, 0 * b1 if hidden else b1, W2, 0 * b2 if output else b2)


def _numerical_with(f, x, eps=1e-6, *, kind="central"):
    x = np.array(x, dtype=float, copy=True)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        original = x[i]
        if kind == "forward":
            x[i] = original + eps
            grad[i] = (f(x) - f(_restored(x, i, original))) / eps
        elif kind == "backward":
            x[i] = original - eps
            grad[i] = (f(_restored(x, i, original)) - f(x)) / eps
        elif kind == "eps":
            x[i] = original + eps
            f_plus = f(x)
            x[i] = original - eps
            f_minus = f(x)
            grad[i] = (f_plus - f_minus) / eps
        else:                                   # "no restore": central differences, entries never restored
            x[i] = original + eps
            f_plus = f(x)
            x[i] = original - eps
            f_minus = f(x)
            grad[i] = (f_plus - f_minus) / (2 * eps)
        x[i] = original if kind != "no restore" else x[i]
    return grad


def _restored(x, i, original):
    y = x.copy()
    y[i] = original
    return y


def _numerical_in_place_no_restore(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + eps
        f_plus = f(x)
        x[i] = original - eps
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _numerical_rows_only(f, x, eps=1e-6):
    x = np.array(x, dtype=float, copy=True)
    grad = np.zeros(x.shape)
    for i in range(len(x)):
        original = x[i].copy()
        x[i] = original + eps
        f_plus = f(x)
        x[i] = original - eps
        f_minus = f(x)
        x[i] = original
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _numerical_on_reshaped(f, x, eps=1e-6):
    """Nudges x.reshape(-1): a copy when x is not stored row by row (e.g. W.T), so f never sees them."""
    flat, grad = x.reshape(-1), np.zeros(x.size)
    for k in range(x.size):
        original = flat[k]
        flat[k] = original + eps
        f_plus = f(x)
        flat[k] = original - eps
        f_minus = f(x)
        flat[k] = original
        grad[k] = (f_plus - f_minus) / (2 * eps)
    return grad.reshape(x.shape)
