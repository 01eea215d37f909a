"""Lab 5 (gradient descent): answers a learner might write, wrong and unusual-but-correct (see the package
docstring)."""

import math

import numpy as np


# -- question 1: one gradient-descent step -------------------------------------------------------------
def gd_forgot_bias_in_prediction(X, y, W, b, lr):
    d = 2 * (X @ W - y) / len(X)
    return W - lr * X.T @ d, b - lr * d.sum(axis=0)


def gd_bias_mean(X, y, W, b, lr):
    d = 2 * (X @ W + b - y) / len(X)
    return W - lr * X.T @ d, b - lr * d.mean(axis=0)


def gd_n_from_W(X, y, W, b, lr):
    n = W.shape[0]
    d = 2 * (X @ W + b - y) / n
    return W - lr * X.T @ d, b - lr * d.sum(axis=0)


def gd_in_place(X, y, W, b, lr):
    d = 2 * (X @ W + b - y) / X.shape[0]
    W -= lr * X.T @ d
    b -= lr * d.sum(axis=0)
    return W, b


def gd_fixed_lr(X, y, W, b, lr):
    lr = 0.1
    d = 2 * (X @ W + b - y) / X.shape[0]
    return W - lr * X.T @ d, b - lr * d.sum(axis=0)


def gd_transposed_gradient(X, y, W, b, lr):
    d = 2 * (X @ W + b - y) / X.shape[0]
    return W - lr * (d.T @ X), b - lr * d.sum(axis=0)


def gd_returns_gradients(X, y, W, b, lr):
    d = 2 * (X @ W + b - y) / X.shape[0]
    return X.T @ d, d.sum(axis=0)


def gd_loop(X, y, W, b, lr):
    n, dim = X.shape
    gW, gb = np.zeros((dim, 1)), 0.0
    for i in range(n):
        err = float(X[i] @ W[:, 0] + b[0] - y[i, 0])
        gW[:, 0] += 2 * err * X[i] / n
        gb += 2 * err / n
    return W - lr * gW, b - lr * gb


def gd_scalar_bias_gradient(X, y, W, b, lr, verbose=False):
    residual = np.matmul(X, W) + b - y
    grad_W = 2 * np.mean(X * residual, axis=0, keepdims=True).T   # mean over samples of x_i r_i
    grad_b = 2 * np.mean(residual)                                # a number; b - lr * number keeps b's shape
    return W - lr * grad_W, b - lr * grad_b


# -- question 2: momentum --------------------------------------------------------------------------------
def mom_nesterov(theta, buf, g, lr, mu):
    buf = mu * buf + g
    return theta - lr * (g + mu * buf), buf


def mom_lr_in_buffer(theta, buf, g, lr, mu):
    buf = mu * buf + lr * g
    return theta - buf, buf


def mom_fixed_mu(theta, buf, g, lr, mu):
    buf = 0.9 * buf + g
    return theta - lr * buf, buf


def mom_theta_only(theta, buf, g, lr, mu):
    buf = mu * buf + g
    return theta - lr * buf


def mom_theta_in_place(theta, buf, g, lr, mu):
    buf = mu * buf + g
    theta -= lr * buf
    return theta, buf


def mom_bias_corrected(theta, buf, g, lr, mu):
    buf = mu * buf + g
    return theta - lr * buf / (1 + mu), buf


def mom_copy_then_in_place(theta, buf, g, lr, mu):
    new_buf = buf.copy()
    new_buf *= mu
    new_buf += g
    new_theta = np.array(theta, dtype=float)
    new_theta -= lr * new_buf
    return new_theta, new_buf


def mom_via_velocity(theta, buf, g, lr, mu):
    v = mu * (-lr * buf) - lr * g          # the other convention, v = -lr * buf ...
    return theta + v, -v / lr              # ... converted back to the buffer the question asks for


# -- question 3: Adam ------------------------------------------------------------------------------------
def adam_power_of_difference(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1) ** t, v / (1 - beta2) ** t
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_fixed_betas(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = 0.9 * m + 0.1 * g
    v = 0.999 * v + 0.001 * g ** 2
    m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + 1e-8), m, v


def adam_v_from_m(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * m ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_in_place(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g ** 2
    step = lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return theta - step, m, v


def adam_paper_step_size(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    alpha_t = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)     # epsilon lands on sqrt(v), not sqrt(v_hat)
    return theta - alpha_t * m / (np.sqrt(v) + eps), m, v


def adam_state_as_pair(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    return theta - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), (m, v)


def adam_loop(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, *, amsgrad=False):
    new_theta, new_m, new_v = (np.array(a, dtype=float) for a in (theta, m, v))
    for i in np.ndindex(new_theta.shape):
        new_m[i] = beta1 * m[i] + (1 - beta1) * g[i]
        new_v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
        m_hat = new_m[i] / (1 - math.pow(beta1, t))
        v_hat = new_v[i] / (1 - math.pow(beta2, t))
        new_theta[i] = theta[i] - lr * m_hat / (math.sqrt(v_hat) + eps)
    return new_theta, new_m, new_v


def adam_ufuncs(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = np.add(np.multiply(beta1, m), np.multiply(1 - beta1, g))
    v = np.add(np.multiply(beta2, v), np.multiply(1 - beta2, np.square(g)))
    denominator = np.sqrt(np.divide(v, 1 - np.power(beta2, t))) + eps
    return np.subtract(theta, lr * np.divide(m, 1 - np.power(beta1, t)) / denominator), m, v


# -- question 4: the largest stable learning rate --------------------------------------------------------
def lr_trace(X):
    return 2 / np.trace(2 * X.T @ X / len(X))


def lr_diagonal(X):
    return 2 / np.max(np.diag(2 * X.T @ X / len(X)))


def lr_power_iteration_short(X):
    H = 2 * X.T @ X / len(X)
    u = np.ones(H.shape[0])
    for _ in range(3):
        u = H @ u
        u /= np.linalg.norm(u)
    return 2 / (u @ H @ u)


def lr_as_array(X):
    return 2 / np.linalg.eigvalsh(2 * X.T @ X / X.shape[0])[-1:]


def lr_divides_by_d(X):
    H = 2 * X.T @ X / X.shape[1]
    return 2 / np.linalg.eigvalsh(H).max()


def lr_singular_values(X):
    return X.shape[0] / np.linalg.svd(X, compute_uv=False)[0] ** 2


def lr_outer_gram(X):
    n = len(X)
    return 2 / max(np.linalg.eigvalsh(2 * X @ X.T / n))          # X X^T has the same nonzero eigenvalues


def lr_spectral_norm(X):
    return float(len(X) / np.linalg.norm(X, ord=2) ** 2)



# -- found by an independent review (issue 14) --------------------------------------------------------
def gd_b_with_W_gradient(X, y, W, b, lr):
    g = 2 * (X @ W + b - y) / X.shape[0]
    gW = X.T @ g
    return W - lr * gW, b - lr * gW.sum(axis=0)


def gd_b_with_W_gradient_mean(X, y, W, b, lr):
    g = 2 * (X @ W + b - y) / X.shape[0]
    return W - lr * X.T @ g, b - lr * (X.T @ g).mean(axis=0)


def gd_W_with_dyhat_mean(X, y, W, b, lr):
    g = 2 * (X @ W + b - y) / X.shape[0]
    return W - lr * g.mean(), b - lr * g.sum(axis=0)


def gd_W_with_dyhat_sum(X, y, W, b, lr):
    g = 2 * (X @ W + b - y) / X.shape[0]
    return W - lr * g.sum(axis=0), b - lr * g.sum(axis=0)


def gd_augmented(X, y, W, b, lr):
    n = X.shape[0]
    Xa = np.hstack([X, np.ones((n, 1))])
    theta = np.vstack([W, b.reshape(1, 1)])
    theta = theta - lr * 2 / n * Xa.T @ (Xa @ theta - y)
    return theta[:-1], theta[-1]


def mom_returns_swapped(theta, buf, g, lr, mu):
    buf = mu * buf + g
    return buf, theta - lr * buf


def mom_expanded(theta, buf, g, lr, mu):
    return theta - lr * mu * buf - lr * g, g + buf * mu


def adam_no_sqrt(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    return theta - lr * (m / (1 - beta1 ** t)) / (v / (1 - beta2 ** t) + eps), m, v


def adam_abs_gradient(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * np.abs(g)
    return theta - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v


def adam_running_update(theta, m, v, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m2 = m + (1 - beta1) * (g - m)
    v2 = v + (1 - beta2) * (g * g - v)
    return theta - (lr / (1 - beta1 ** t)) * m2 / (np.sqrt(v2 / (1 - beta2 ** t)) + eps), m2, v2


def lr_eig_first(X):
    return 2 / np.linalg.eig(2 * X.T @ X / X.shape[0])[0][0].real


# -- question 5: the cosine schedule ----------------------------------------------------------------------
def cos_degrees(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + 0.5 * (lr0 - eta_min) * (1 + np.cos(180 * epoch / T_max))


def cos_first_epoch_is_one(epoch, lr0, T_max, eta_min=0.0):
    e = epoch + 1                                        # "epoch 1 is the first epoch"
    return eta_min + 0.5 * (lr0 - eta_min) * (1 + np.cos(np.pi * e / T_max))


def cos_clamped(epoch, lr0, T_max, eta_min=0.0):
    e = min(epoch, T_max)
    return eta_min + 0.5 * (lr0 - eta_min) * (1 + np.cos(np.pi * e / T_max))


def cos_forgets_eta_min(epoch, lr0, T_max, eta_min=0.0):
    return 0.5 * lr0 * (1 + np.cos(np.pi * epoch / T_max))


def cos_fixed_T_max(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + 0.5 * (lr0 - eta_min) * (1 + np.cos(np.pi * epoch / 10))


def cos_returns_array(epoch, lr0, T_max, eta_min=0.0):
    return np.array([eta_min + 0.5 * (lr0 - eta_min) * (1 + np.cos(np.pi * epoch / T_max))])


def cos_linear(epoch, lr0, T_max, eta_min=0.0):
    return lr0 - (lr0 - eta_min) * min(epoch, T_max) / T_max


def cos_no_default(epoch, lr0, T_max, eta_min):
    return eta_min + 0.5 * (lr0 - eta_min) * (1 + np.cos(np.pi * epoch / T_max))


def cos_squared(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + (lr0 - eta_min) * np.cos(np.pi * epoch / (2 * T_max)) ** 2   # (1 + cos 2x)/2


def cos_radians_from_degrees(epoch, lr0, T_max, eta_min=0.0):
    return eta_min + 0.5 * (lr0 - eta_min) * (1 + math.cos(math.radians(180 * epoch / T_max)))


def cos_interpolated(epoch, lr0, T_max, eta_min=0.0):
    weight = (1 + math.cos(math.pi * epoch / T_max)) / 2    # 1 at epoch 0, 0 at T_max
    return weight * lr0 + (1 - weight) * eta_min


def cos_with_nnlearn(epoch, lr0, T_max, eta_min=0.0):
    import nnlearn
    opt = nnlearn.optim.SGD(lr=lr0)
    schedule = nnlearn.schedules.CosineAnnealingLR(opt, T_max=T_max, eta_min=eta_min)
    for _ in range(epoch):
        schedule.step()
    return opt.lr


WRONG = [
    ("q1", gd_forgot_bias_in_prediction, "Your prediction leaves out the bias"),
    ("q1", gd_bias_mean, "Your ∂L/∂b is the MEAN of ∂L/∂ŷ"),
    ("q1", gd_n_from_W, "is wrong for the input"),
    ("q1", gd_in_place, "changed W or b in place"),
    ("q1", gd_fixed_lr, "ignores `lr`"),
    ("q1", gd_transposed_gradient, "The new W has shape"),
    ("q1", gd_returns_gradients, "ignores `lr`"),
    ("q2", mom_nesterov, "That is Nesterov's momentum"),
    ("q2", mom_lr_in_buffer, "is wrong for the input"),
    ("q2", mom_fixed_mu, "ignores `mu`"),
    ("q2", mom_theta_only, "must return 2 values (the new θ and the new buffer), got an array"),
    ("q2", mom_theta_in_place, "changed theta or buf in place"),
    ("q2", mom_bias_corrected, "The new θ is wrong"),
    ("q3", adam_power_of_difference, "The new θ is wrong"),
    ("q3", adam_fixed_betas, "ignores beta1, beta2 and eps"),
    ("q3", adam_v_from_m, "The new θ is wrong"),
    ("q3", adam_in_place, "changed theta, m or v in place"),
    ("q3", adam_paper_step_size, "The new θ is wrong"),
    ("q3", adam_state_as_pair, "must return 3 values (the new θ, m and v), got a tuple of length 2"),
    ("q4", lr_trace, "You used the trace of the Hessian"),
    ("q4", lr_diagonal, "The learning rate is wrong for the input"),
    ("q4", lr_power_iteration_short, "The learning rate is wrong for the input"),
    ("q4", lr_as_array, "has shape (1,); expected a number"),
    ("q4", lr_divides_by_d, "You divided by d = X.shape[1]"),
    ("q1", gd_b_with_W_gradient, "b was moved with W's gradient"),
    ("q1", gd_b_with_W_gradient_mean, "b was moved with W's gradient"),
    ("q1", gd_W_with_dyhat_mean, "W was moved with ∂L/∂ŷ"),
    ("q1", gd_W_with_dyhat_sum, "W was moved with ∂L/∂ŷ"),
    ("q2", mom_returns_swapped, "You returned (buffer, θ)"),
    ("q3", adam_no_sqrt, "The square root is missing"),
    ("q3", adam_abs_gradient, "v must average the SQUARED gradients"),
    ("q4", lr_eig_first, "np.linalg.eig does not sort the eigenvalues"),
    ("q5", cos_degrees, "take radians"),
    ("q5", cos_first_epoch_is_one, "Off by one"),
    ("q5", cos_clamped, "do not clamp the epoch"),
    ("q5", cos_forgets_eta_min, "eta_min is missing"),
    ("q5", cos_fixed_T_max, "ignores `T_max`"),
    ("q5", cos_returns_array, "has shape (1,); expected a number"),
    ("q5", cos_linear, "The learning rate is wrong for the input"),
    ("q5", cos_no_default, "missing 1 required positional argument"),
]

RIGHT = [
    ("q1", gd_loop),
    ("q1", gd_scalar_bias_gradient),
    ("q2", mom_copy_then_in_place),
    ("q2", mom_via_velocity),
    ("q3", adam_loop),
    ("q3", adam_ufuncs),
    ("q4", lr_singular_values),
    ("q4", lr_outer_gram),
    ("q4", lr_spectral_norm),
    ("q1", gd_augmented),
    ("q2", mom_expanded),
    ("q3", adam_running_update),
    ("q5", cos_squared),
    ("q5", cos_radians_from_degrees),
    ("q5", cos_interpolated),
    ("q5", cos_with_nnlearn),
]
