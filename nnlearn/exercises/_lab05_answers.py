"""Lab 5's answers, right and wrong: the reference solutions and the typical mistakes the checks
recognise.
"""

import math

import numpy as np


# -- reference solutions ------------------------------------------------------------------------------

def gd_step(X, y, W, b, lr):
    """One gradient-descent step on L = mean((X @ W + b - y)**2); returns the new (W, b)."""
    n = X.shape[0]
    y_hat = X @ W + b
    dL_dyhat = 2.0 * (y_hat - y) / n          # shape (n, 1), one entry per sample
    dL_dW = X.T @ dL_dyhat                    # chain rule, shape (d, 1) like W
    dL_db = dL_dyhat.sum(axis=0)              # shape (1,) like b
    return W - lr * dL_dW, b - lr * dL_db


def momentum_step(theta, buf, g, lr, mu):
    """One heavy-ball step as in nnlearn and PyTorch: b = mu b + g, theta = theta - lr b; returns (theta, b)."""
    buf = mu * buf + g
    theta = theta - lr * buf
    return theta, buf


def adam_step(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam's step number t (t = 1 for the first step); returns the new (theta, m, v)."""
    m = beta1 * m + (1.0 - beta1) * g
    v = beta2 * v + (1.0 - beta2) * g ** 2
    m_hat = m / (1.0 - beta1 ** t)            # bias correction
    v_hat = v / (1.0 - beta2 ** t)
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta, m, v


def max_stable_lr(X):
    """The threshold 2 / lambda_max of gradient descent on L(w) = mean((X @ w - y)**2), whose Hessian is 2 X^T X / n."""
    n = X.shape[0]
    H = 2.0 * X.T @ X / n
    lam_max = np.linalg.eigvalsh(H)[-1]       # eigenvalues in increasing order
    return 2.0 / lam_max


# -- typical wrong answers ----------------------------------------------------------------------------

def _gd_parts(X, y, W, b):
    n = X.shape[0]
    d = 2.0 * (X @ W + b - y) / n
    return d, X.T @ d, d.sum(axis=0)


def _gd_plus(X, y, W, b, lr):
    _, gW, gb = _gd_parts(X, y, W, b)
    return W + lr * gW, b + lr * gb


def _gd_no_lr(X, y, W, b, lr):
    _, gW, gb = _gd_parts(X, y, W, b)
    return W - gW, b - gb


def _gd_sum(X, y, W, b, lr):
    n = X.shape[0]
    _, gW, gb = _gd_parts(X, y, W, b)
    return W - lr * n * gW, b - lr * n * gb


def _gd_no_bias(X, y, W, b, lr):
    _, gW, _ = _gd_parts(X, y, W, b)
    return W - lr * gW, b


def _gd_no_two(X, y, W, b, lr):
    _, gW, gb = _gd_parts(X, y, W, b)
    return W - lr * gW / 2, b - lr * gb / 2


def _gd_notes(X, y, W, b, lr):
    d, _, gb = _gd_parts(X, y, W, b)
    return W - lr * d, b - lr * gb          # the course notes' rule: dL/dy_hat in place of dL/dW


def _gd_b_with_W_grad(X, y, W, b, lr):
    _, gW, _ = _gd_parts(X, y, W, b)
    return W - lr * gW, b - lr * gW.sum(axis=0)


def _gd_b_with_W_grad_mean(X, y, W, b, lr):
    _, gW, _ = _gd_parts(X, y, W, b)
    return W - lr * gW, b - lr * gW.mean(axis=0)


def _gd_W_with_yhat_mean(X, y, W, b, lr):
    d, _, gb = _gd_parts(X, y, W, b)
    return W - lr * d.mean(), b - lr * gb


def _gd_W_with_yhat_sum(X, y, W, b, lr):
    d, _, gb = _gd_parts(X, y, W, b)
    return W - lr * d.sum(axis=0), b - lr * gb


def _gd_b_mean(X, y, W, b, lr):
    d, gW, _ = _gd_parts(X, y, W, b)
    return W - lr * gW, b - lr * d.mean(axis=0)


def _gd_prediction_without_b(X, y, W, b, lr):
    _, gW, gb = _gd_parts(X, y, W, np.zeros_like(b))
    return W - lr * gW, b - lr * gb


def _mom_swapped(theta, buf, g, lr, mu):
    return momentum_step(theta, buf, g, lr, mu)[::-1]


def _mom_nesterov(theta, buf, g, lr, mu):
    buf = mu * buf + g
    return theta - lr * (g + mu * buf), buf


def _adam_fixed_betas(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return adam_step(theta, m, v, g, t, lr)


def _adam_no_sqrt(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return theta - lr * m_hat / (v_hat + eps), m, v


def _adam_abs_g(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * np.abs(g)
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _lr_per_feature(X):
    return 2.0 / np.linalg.eigvalsh(2.0 * X.T @ X / X.shape[1])[-1]


def _lr_trace(X):
    return 2.0 / np.trace(_hessian(X))


def _lr_eig_first(X):
    return 2.0 / np.linalg.eig(_hessian(X))[0][0].real


def _mom_velocity(theta, buf, g, lr, mu):
    v = mu * buf - lr * g                   # the other convention: v = mu v - lr g, theta = theta + v
    return theta + v, v


def _mom_beta_on_grad(theta, buf, g, lr, mu):
    buf = buf + mu * g
    return theta - lr * buf, buf


def _mom_ema(theta, buf, g, lr, mu):
    buf = mu * buf + (1.0 - mu) * g
    return theta - lr * buf, buf


def _mom_old_buffer(theta, buf, g, lr, mu):
    return theta - lr * buf, mu * buf + g


def _mom_plus(theta, buf, g, lr, mu):
    buf = mu * buf + g
    return theta + lr * buf, buf


def _mom_in_place(theta, buf, g, lr, mu):
    buf *= mu                               # changes the caller's array
    buf += g
    return theta - lr * buf, buf


def _mom_grad_only(theta, buf, g, lr, mu):
    return theta - lr * g, mu * buf + g


def _adam_no_correction(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    return theta - lr * m / (np.sqrt(v) + eps), m, v


def _adam_eps_inside(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return theta - lr * m_hat / np.sqrt(v_hat + eps), m, v


def _adam_t_minus_one(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** (t - 1)), v / (1 - beta2 ** (t - 1))
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_t_plus_one(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return adam_step(theta, m, v, g, t + 1, lr, beta1, beta2, eps)


def _adam_returns_hats(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


def _adam_g_not_squared(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * np.abs(g)
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return theta - lr * m_hat / (v_hat + eps), m, v


def _adam_swapped_weights(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = (1 - beta1) * m + beta1 * g
    v = (1 - beta2) * v + beta2 * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _hessian(X):
    return 2.0 * X.T @ X / X.shape[0]


def _lr_one_over(X):
    return 1.0 / np.linalg.eigvalsh(_hessian(X))[-1]


def _lr_lambda_min(X):
    return 2.0 / np.linalg.eigvalsh(_hessian(X))[0]


def _lr_no_two(X):
    return 2.0 / np.linalg.eigvalsh(X.T @ X / X.shape[0])[-1]


def _lr_no_n(X):
    return 2.0 / np.linalg.eigvalsh(2.0 * X.T @ X)[-1]


def _lr_gram(X):
    return 2.0 / np.linalg.eigvalsh(X.T @ X)[-1]


def _lr_sigma(X):
    return 2.0 / (2.0 * np.linalg.norm(X, 2) / X.shape[0])


# -- question 5: the cosine schedule ------------------------------------------------------------------

def cosine_lr(epoch, lr0, T_max, eta_min=0.0):
    """The cosine-annealing rate after `epoch` epochs (the closed form, followed past T_max)."""
    return eta_min + 0.5 * (lr0 - eta_min) * (1.0 + math.cos(math.pi * epoch / T_max))


def _cos_with(epoch, lr0, T_max, eta_min, angle):
    return eta_min + 0.5 * (lr0 - eta_min) * (1.0 + math.cos(angle))


def _cos_epoch_plus_one(epoch, lr0, T_max, eta_min=0.0):
    return cosine_lr(epoch + 1, lr0, T_max, eta_min)


def _cos_epoch_minus_one(epoch, lr0, T_max, eta_min=0.0):
    return cosine_lr(epoch - 1, lr0, T_max, eta_min)


def _cos_degrees(epoch, lr0, T_max, eta_min=0.0):
    return _cos_with(epoch, lr0, T_max, eta_min, 180.0 * epoch / T_max)


def _cos_no_pi(epoch, lr0, T_max, eta_min=0.0):
    return _cos_with(epoch, lr0, T_max, eta_min, epoch / T_max)


def _cos_full_period(epoch, lr0, T_max, eta_min=0.0):
    return _cos_with(epoch, lr0, T_max, eta_min, 2.0 * math.pi * epoch / T_max)


def _cos_no_eta_min(epoch, lr0, T_max, eta_min=0.0):
    return cosine_lr(epoch, lr0, T_max, 0.0)


def _cos_eta_min_added(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + 0.5 * lr0 * (1.0 + math.cos(math.pi * epoch / T_max))


def _cos_clamped(epoch, lr0, T_max, eta_min=0.0):
    return cosine_lr(min(epoch, T_max), lr0, T_max, eta_min)


def _cos_no_half(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + (lr0 - eta_min) * (1.0 + math.cos(math.pi * epoch / T_max))


def _cos_floor_division(epoch, lr0, T_max, eta_min=0.0):
    return _cos_with(epoch, lr0, T_max, eta_min, math.pi * (epoch // T_max))


def _cos_rising(epoch, lr0, T_max, eta_min=0.0):
    return lr0 + 0.5 * (eta_min - lr0) * (1.0 + math.cos(math.pi * epoch / T_max))


def _cos_sin(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + 0.5 * (lr0 - eta_min) * (1.0 + math.sin(math.pi * epoch / T_max))
