"""Lab 5 — gradient descent and optimizers: update rules written by hand.

Questions: ``q1`` one gradient-descent step for a linear model trained with
the mean squared error, ``q2`` one step of the heavy ball (momentum), ``q3``
one Adam step with bias correction, ``q4`` the largest stable learning rate
2 / lambda_max of gradient descent on a linear least-squares problem, ``q5`` the
learning rate of a cosine-annealing schedule at a given epoch.
"""

import numpy as np

from ._function_question import FunctionQuestion, Mistake
from ._lab05_answers import (_adam_abs_g, _adam_eps_inside, _adam_fixed_betas, _adam_g_not_squared,
                             _adam_no_correction, _adam_no_sqrt, _adam_returns_hats,
                             _adam_swapped_weights, _adam_t_minus_one, _adam_t_plus_one,
                             _cos_clamped, _cos_degrees, _cos_epoch_minus_one, _cos_epoch_plus_one,
                             _cos_eta_min_added, _cos_floor_division, _cos_full_period,
                             _cos_no_eta_min, _cos_no_half, _cos_no_pi, _cos_rising, _cos_sin,
                             _gd_b_mean, _gd_b_with_W_grad, _gd_b_with_W_grad_mean, _gd_no_bias,
                             _gd_no_lr, _gd_no_two, _gd_notes, _gd_plus, _gd_prediction_without_b,
                             _gd_sum, _gd_W_with_yhat_mean, _gd_W_with_yhat_sum, _hessian,
                             _lr_eig_first, _lr_gram, _lr_lambda_min, _lr_no_n, _lr_no_two,
                             _lr_one_over, _lr_per_feature, _lr_sigma, _lr_trace,
                             _mom_beta_on_grad, _mom_ema, _mom_grad_only, _mom_in_place,
                             _mom_nesterov, _mom_old_buffer, _mom_plus, _mom_swapped,
                             _mom_velocity, adam_step, cosine_lr, gd_step, max_stable_lr,
                             momentum_step)

__all__ = ["q1", "q2", "q3", "q4", "q5"]

_rng = np.random.default_rng(505)

# q1: a linear model y_hat = X @ W + b, X of shape (n, d), W of shape (d, 1), b of shape (1,), y of shape (n, 1).
_X_ONE, _Y_ONE = np.array([[-2.0]]), np.array([[1.0]])            # the chapter's single sample
_W_ONE, _B_ONE = np.array([[0.5]]), np.array([0.0])
_X_43 = _rng.normal(size=(4, 3))
_Y_41 = _rng.normal(size=(4, 1))
_W_31 = _rng.normal(size=(3, 1))
_B_1 = np.array([0.3])

# q2, q3: parameters and optimizer state of shape (3, 2).
_THETA = _rng.normal(size=(3, 2))
_G = _rng.normal(size=(3, 2))
_BUF = _rng.normal(size=(3, 2))
_M = 0.1 * _rng.normal(size=(3, 2))
_V = _rng.uniform(0.01, 0.2, size=(3, 2))
_G_SMALL = 1e-3 * _rng.normal(size=(3, 2))                        # where epsilon matters
_ZEROS = np.zeros((3, 2))

# q4: data matrices, not square, one of them badly scaled.
_XA = _rng.normal(size=(4, 3))
_XB = _rng.normal(size=(6, 2)) * np.array([1.0, 10.0])
_XC = np.array([[1.0], [2.0], [-1.0], [0.5], [3.0]])
_XW = _rng.normal(size=(2, 4))                                    # fewer samples than features
_XI = np.array([[1, 2], [0, -1], [3, 1]])                         # integers

# q5: (epoch, lr0, T_max, eta_min): epoch 0, epoch T_max (a rate of exactly 0), eta_min > 0, past
# T_max (the cosine rises again), whole numbers, a realistic Adam rate, and the default eta_min.
_COSINE_CASES = [(0, 0.1, 10, 0.0), (3, 0.1, 10, 0.0), (10, 0.1, 10, 0.0), (7, 0.05, 20, 0.001),
                 (20, 0.05, 20, 0.001), (25, 0.1, 20, 0.001), (1, 1, 1, 0), (120, 3e-4, 150, 1e-6),
                 (4, 0.2, 8)]

# q1: integer inputs and an integer learning rate.
_INT_CASE = (_XI, np.array([[1], [0], [2]]), np.array([[0.5], [-0.25]]), np.array([0.1]), 1)


# -- fresh inputs for every check -----------------------------------------------------------------------
def _draw_gd(rng):
    n, d = rng.integers(1, 7), rng.integers(1, 5)
    return (rng.normal(size=(n, d)), rng.normal(size=(n, 1)), rng.normal(size=(d, 1)), rng.normal(size=1),
            float(rng.uniform(0.01, 0.5)))


def _draw_state(rng):
    shape = ((rng.integers(1, 5),), (rng.integers(1, 4), rng.integers(1, 4)))[rng.integers(0, 2)]
    return rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape)


def _draw_momentum(rng):
    theta, buf, g = _draw_state(rng)
    return theta, buf, g, float(rng.uniform(0.01, 0.5)), float(rng.uniform(0.0, 0.99))


def _draw_adam(rng):
    theta, m, g = _draw_state(rng)
    v = rng.uniform(0.0, 0.5, size=theta.shape)
    args = (theta, 0.1 * m, v, g, int(rng.integers(1, 40)), float(rng.uniform(1e-3, 0.1)))
    if rng.uniform() < 0.5:
        return args
    return (*args, float(rng.uniform(0.5, 0.95)), float(rng.uniform(0.9, 0.9999)), float(rng.choice([1e-8, 1e-4])))


def _draw_lr(rng):
    n, d = rng.integers(1, 8), rng.integers(1, 5)
    return (rng.normal(size=(n, d)) * rng.uniform(0.1, 5.0, size=d),)


def _draw_cosine(rng):
    T_max = int(rng.integers(1, 60))
    lr0 = float(rng.uniform(1e-3, 1.0))
    eta_min = 0.0 if rng.uniform() < 0.4 else float(rng.uniform(0.0, 0.2) * lr0)
    return int(rng.integers(0, 2 * T_max + 1)), lr0, T_max, eta_min


_W_WITH_YHAT = ("W was moved with ∂L/∂ŷ (one number per sample, here averaged or summed into one "
                "number for every weight) instead of ∂L/∂W: each weight needs its own derivative, "
                "by the chain rule ∂L/∂W = Xᵀ ∂L/∂ŷ, shape (d, 1) like W.")
_B_WITH_W = ("b was moved with W's gradient Xᵀ ∂L/∂ŷ. The bias's input is 1, not x: ∂L/∂b = Σ_i "
             "∂L/∂ŷ_i = dL_dyhat.sum(axis=0), shape (1,).")


# -- the questions --------------------------------------------------------------------------------------

q1 = FunctionQuestion(
    "Lab 5, question 1 (one gradient-descent step)", gd_step,
    [(_X_ONE, _Y_ONE, _W_ONE, _B_ONE, 0.1), (_X_43, _Y_41, _W_31, _B_1, 0.05), (_X_43, _Y_41, _W_31, _B_1, 0.3),
     _INT_CASE], draw=_draw_gd,
    n_outputs=2, output_names=("new W", "new b"), returns="the new W and the new b",
    in_place_message="Your function changed W or b in place (W -= …): return new arrays, W - lr * "
                     "dL_dW and b - lr * dL_db, and leave the arrays you are given unchanged.",
    mistakes=[
        Mistake("You stepped uphill: the update is θ ← θ − η ∇L (minus), for W and for b. With + "
                "the loss grows.",
                _gd_plus),
        Mistake("The learning rate is missing: the step is −η ∂L/∂W, not −∂L/∂W.", _gd_no_lr),
        Mistake("Your gradient is summed over the samples, not averaged: L is the MEAN of the "
                "squared errors, so ∂L/∂ŷ = 2(ŷ − y)/n.", _gd_sum),
        Mistake("The bias was not updated: b ← b − η ∂L/∂b with ∂L/∂b = Σ_i ∂L/∂ŷ_i (a sum over "
                "the samples, shape (1,)).", _gd_no_bias),
        Mistake("The gradient misses the factor 2 of d/dŷ (ŷ − y)² = 2(ŷ − y).", _gd_no_two),
        # Fails with a broadcasting error for a batch; recognised by that exact error.
        Mistake("W was updated with ∂L/∂ŷ, which has one entry per sample, shape (n, 1), instead "
                "of ∂L/∂W, shape (d, 1) like W. The course notes' rule w ← w − η ∂L/∂ŷ is wrong "
                "(for the chapter's sample x = −2, y = 1 it even raises the loss from 4 to 5.76): "
                "use the chain rule, ∂L/∂W = Xᵀ ∂L/∂ŷ.",
                _gd_notes),
        Mistake(_W_WITH_YHAT, _gd_W_with_yhat_mean),
        Mistake(_W_WITH_YHAT, _gd_W_with_yhat_sum),
        Mistake(_B_WITH_W, _gd_b_with_W_grad),
        Mistake(_B_WITH_W, _gd_b_with_W_grad_mean),
        Mistake("Your ∂L/∂b is the MEAN of ∂L/∂ŷ over the samples; ∂L/∂ŷ = 2(ŷ − y)/n already "
                "carries the 1/n, so ∂L/∂b is their SUM, dL_dyhat.sum(axis=0) (yours is n times "
                "too small).", _gd_b_mean),
        Mistake("Your prediction leaves out the bias: ŷ = X @ W + b, and the residual ŷ − y in "
                "both gradients must use it.", _gd_prediction_without_b),
    ],
    hints=["Three lines: the prediction ŷ = X @ W + b, the derivative ∂L/∂ŷ = 2(ŷ − y)/n, then the "
           "chain rule to get the derivatives with respect to the parameters.",
           "∂L/∂W = X.T @ dL_dyhat has the shape (d, 1) of W; ∂L/∂b = dL_dyhat.sum(axis=0) has the "
           "shape (1,) of b. Then step against them: W − η ∂L/∂W, b − η ∂L/∂b.",
           "d = 2 * (X @ W + b - y) / X.shape[0]; return W - lr * (X.T @ d), b - lr * d.sum(axis=0)"],
)

q2 = FunctionQuestion(
    "Lab 5, question 2 (momentum)", momentum_step,
    [(_THETA, _ZEROS, _G, 0.1, 0.9), (_THETA, _BUF, _G, 0.1, 0.9), (_THETA, _BUF, _G, 0.05, 0.5),
     (_THETA[:, 0], _BUF[:, 0], _G[:, 0], 0.2, 0.0)], draw=_draw_momentum,
    n_outputs=2, output_names=("new θ", "new buffer b"), returns="the new θ and the new buffer",
    in_place_message="Your function changed theta or buf in place (buf *= mu, theta -= …): compute "
                     "new arrays, buf = mu * buf + g and theta - lr * buf, and leave the arrays "
                     "you are given unchanged.",
    mistakes=[
        Mistake("You used the other momentum convention, v ← μv − ηg, θ ← θ + v. It moves θ the "
                "same way, but the buffer it stores is −η b: here, as in nnlearn and PyTorch, the "
                "buffer is b ← μb + g (no η, no minus sign) and θ ← θ − ηb.", _mom_velocity),
        Mistake("μ multiplies the old buffer, not the gradient: b ← μ b + g (you computed b + μ g).",
                _mom_beta_on_grad),
        Mistake("That is an exponential moving average, b ← μb + (1 − μ)g (Adam's first moment). "
                "The heavy ball adds the whole gradient: b ← μb + g, so that a constant gradient "
                "builds up to g/(1 − μ).", _mom_ema),
        Mistake("You moved θ with the OLD buffer: first update b ← μb + g, then θ ← θ − ηb with "
                "the new b.",
                _mom_old_buffer),
        Mistake("You stepped uphill: θ ← θ − η b (minus).", _mom_plus),
        Mistake("θ moved by the gradient alone (θ − ηg); with momentum it moves by the updated "
                "buffer, θ − ηb.",
                _mom_grad_only),
        Mistake("You returned (buffer, θ): return them in the order the question asks, the new θ "
                "first, then the new buffer.", _mom_swapped),
        Mistake("That is Nesterov's momentum, θ − η(g + μb). The question asks for the heavy ball: "
                "θ ← θ − ηb with the new buffer b = μb_old + g.", _mom_nesterov),
    ],
    examples=[(_mom_in_place, "in place")],
    hints=["The chapter's heavy ball: b_t = μ b_{t−1} + g_t, θ_t = θ_{t−1} − η b_t. Return both "
           "the new θ and the new b (the optimizer's state for the next step).",
           "Update the buffer first, then use the NEW buffer to move θ. Do not change the arrays "
           "you are given: compute new ones.",
           "buf = mu * buf + g; return theta - lr * buf, buf"],
)

q3 = FunctionQuestion(
    "Lab 5, question 3 (Adam)", adam_step,
    [(_THETA, _ZEROS, _ZEROS, _G, 1, 0.01), (_THETA, _M, _V, _G, 5, 0.01), (_THETA, _M, _V, _G, 3, 0.1, 0.8, 0.99),
     (_ZEROS, _ZEROS, _ZEROS, _G_SMALL, 1, 0.001),
     (_ZEROS, 1e-3 * _M, 1e-6 * _V, _G_SMALL, 2, 0.001, 0.9, 0.999, 1e-6)], draw=_draw_adam,
    n_outputs=3, output_names=("new θ", "new m", "new v"), returns="the new θ, m and v",
    in_place_message="Your function changed theta, m or v in place (m *= beta1, …): compute new "
                     "arrays, m = beta1 * m + (1 - beta1) * g, …, and leave the arrays you are "
                     "given unchanged.",
    mistakes=[
        Mistake("The bias correction is missing: divide by 1 − β₁ᵗ and 1 − β₂ᵗ, m̂ = m/(1 − β₁ᵗ), "
                "v̂ = v/(1 − β₂ᵗ), and step with m̂/(√v̂ + ε). Without it the first steps are "
                "about 3.2 times too long (and for other β's, wrong by other factors).",
                _adam_no_correction),
        Mistake("ε is inside the square root: the step is η m̂ / (√v̂ + ε), with ε added AFTER the "
                "square root.",
                _adam_eps_inside),
        Mistake("Your bias correction uses t − 1: here t is the number of THIS step, 1 for the "
                "first one, so divide by 1 − β₁ᵗ (for t = 1 you divided by 1 − β₁⁰ = 0).",
                _adam_t_minus_one),
        Mistake("Your bias correction uses t + 1: t is already the number of this step (1 for the "
                "first one); use 1 − β₁ᵗ and 1 − β₂ᵗ.", _adam_t_plus_one),
        Mistake("θ is right, but you returned m̂ and v̂ as the new state. The moving averages m "
                "and v are the state; the corrected m̂, v̂ are recomputed from them at every step.",
                _adam_returns_hats),
        Mistake("v must average the SQUARED gradients, v ← β₂v + (1 − β₂)g², and the step divides "
                "by its square root.", _adam_g_not_squared),
        Mistake("The weights of the moving averages are swapped: m ← β₁m + (1 − β₁)g keeps most of "
                "the OLD average (β₁ = 0.9) and adds a little of the new gradient.",
                _adam_swapped_weights),
        Mistake("Your function ignores beta1, beta2 and eps: it always uses 0.9, 0.999 and 1e-8. "
                "Use the arguments it is given (the check passes other values, e.g. beta1=0.8, "
                "beta2=0.99).",
                _adam_fixed_betas),
        Mistake("The square root is missing: the step is η m̂ / (√v̂ + ε), not η m̂ / (v̂ + ε). v̂ "
                "estimates the squared gradient, so √v̂ has the gradient's scale.", _adam_no_sqrt),
        Mistake("v must average the SQUARED gradients, v ← β₂v + (1 − β₂)g², not |g|.",
                _adam_abs_g),
    ],
    hints=["Follow the chapter's three lines: update m and v, correct them (m̂, v̂), then step "
           "θ ← θ − η m̂/(√v̂ + ε). t is the number of this step, starting at 1.",
           "m = β₁m + (1 − β₁)g; v = β₂v + (1 − β₂)g²; m̂ = m/(1 − β₁**t); v̂ = v/(1 − β₂**t). "
           "Return θ, m and v (not m̂, v̂).",
           "m = beta1*m + (1-beta1)*g; v = beta2*v + (1-beta2)*g**2; theta = theta - lr * "
           "(m/(1-beta1**t)) / (np.sqrt(v/(1-beta2**t)) + eps); return theta, m, v"],
)

q4 = FunctionQuestion(
    "Lab 5, question 4 (the largest stable learning rate)", max_stable_lr,
    [(_XA,), (_XB,), (_XC,), (_XW,), (_XI,)], draw=_draw_lr,
    output_names=("learning rate",),
    mistakes=[
        Mistake("That is 1/λ_max: the learning rate at which the steepest direction reaches its "
                "minimum in one step. Gradient descent still converges (oscillating) up to 2/λ_max.",
                _lr_one_over),
        Mistake("You used the smallest eigenvalue. The steepest direction, λ_max, limits the "
                "learning rate: η < 2/λ_max for |1 − ηλ_i| < 1 to hold for every i.",
                _lr_lambda_min),
        Mistake("You used the eigenvalues of XᵀX/n, but the Hessian of L(w) = (1/n)‖Xw − y‖² is "
                "2XᵀX/n: the square contributes a factor 2. Your threshold is twice too large.",
                _lr_no_two),
        Mistake("The 1/n of the mean is missing: the Hessian is 2XᵀX/n, not 2XᵀX.", _lr_no_n),
        Mistake("You used the eigenvalues of XᵀX; the Hessian of the MEAN squared error is 2XᵀX/n.",
                _lr_gram),
        Mistake("The eigenvalues of XᵀX are the SQUARED singular values of X: λ_max(2XᵀX/n) = "
                "2σ_max²/n, not 2σ_max/n.", _lr_sigma),
        Mistake("You divided by d = X.shape[1], the number of features; the mean is over the n = "
                "X.shape[0] samples: H = 2XᵀX/n.", _lr_per_feature),
        Mistake("You used the trace of the Hessian, the SUM of its eigenvalues; the threshold "
                "needs the largest eigenvalue alone: 2/λ_max with λ_max = "
                "np.linalg.eigvalsh(H)[-1].", _lr_trace),
        Mistake("np.linalg.eig does not sort the eigenvalues: its first one need not be the "
                "largest. Use np.linalg.eigvalsh(H) (for a symmetric matrix, in increasing order) "
                "and take the last, [-1].",
                _lr_eig_first),
    ],
    examples=[(lambda X: 2.0 / np.linalg.eigvalsh(_hessian(X))[0], "smallest eigenvalue")],
    hints=["Gradient descent on a quadratic converges iff η < 2/λ_max, with λ_max the largest "
           "eigenvalue of the Hessian. First find the Hessian of L(w) = (1/n) Σ_i (x_i·w − y_i)².",
           "∇L(w) = (2/n) Xᵀ(Xw − y), so the Hessian is H = 2XᵀX/n, a (d, d) symmetric matrix; "
           "np.linalg.eigvalsh(H) returns its eigenvalues in increasing order.",
           "H = 2 * X.T @ X / X.shape[0]; return 2 / np.linalg.eigvalsh(H)[-1]"],
)

q5 = FunctionQuestion(
    "Lab 5, question 5 (a cosine learning-rate schedule)", cosine_lr, _COSINE_CASES,
    draw=_draw_cosine, output_names=("learning rate",),
    mistakes=[
        Mistake("Off by one: `epoch` counts the epochs already done, so the first epoch, epoch 0, "
                "runs at lr0 and epoch T_max at eta_min. You used epoch + 1.", _cos_epoch_plus_one),
        Mistake("Off by one: `epoch` counts the epochs already done, so epoch 0 runs at lr0 and "
                "epoch T_max at eta_min. You used epoch − 1.", _cos_epoch_minus_one),
        Mistake("math.cos and np.cos take radians: the angle is π·epoch/T_max, which goes from 0 to "
                "π, not 180·epoch/T_max (degrees).", _cos_degrees),
        Mistake("π is missing from the angle: it must be π·epoch/T_max, so that the cosine goes from "
                "cos 0 = 1 to cos π = −1 over T_max epochs (yours only reaches cos 1 ≈ 0.54, and the "
                "rate never gets down to eta_min).", _cos_no_pi),
        Mistake("That is a whole cosine period, back at lr0 after T_max epochs. Cosine annealing "
                "takes half a period: the angle is π·epoch/T_max, so that the rate is eta_min at "
                "epoch T_max.", _cos_full_period),
        Mistake("eta_min is missing: the rate falls from lr0 to eta_min, "
                "η = η_min + ½(η₀ − η_min)(1 + cos(π e/T_max)); yours falls to 0.", _cos_no_eta_min),
        Mistake("The amplitude is ½(η₀ − η_min), not ½η₀: with eta_min added on top, your rate "
                "starts at lr0 + eta_min instead of lr0.", _cos_eta_min_added),
        Mistake("Past T_max your rate stays at eta_min. The question, like nnlearn's "
                "CosineAnnealingLR and PyTorch's, follows the same closed form for every epoch, so "
                "past T_max the rate rises again: do not clamp the epoch.", _cos_clamped),
        Mistake("The factor ½ is missing: 1 + cos goes from 2 to 0, so ½(η₀ − η_min)(1 + cos) goes "
                "from η₀ − η_min to 0. Your rate starts at about twice lr0.", _cos_no_half),
        Mistake("epoch // T_max is floor division (0 for every epoch before T_max): the angle is "
                "π * epoch / T_max with true division.", _cos_floor_division),
        Mistake("Your rate rises from eta_min to lr0. Annealing goes DOWN: "
                "η = η_min + ½(η₀ − η_min)(1 + cos(π e/T_max)) is lr0 at epoch 0.", _cos_rising),
        Mistake("Use the cosine, not the sine: at epoch 0, 1 + cos 0 = 2 gives lr0; with the sine "
                "the schedule starts halfway down.", _cos_sin),
    ],
    hints=["At epoch 0 the rate is lr0, at epoch T_max it is eta_min, and in between it follows half "
           "a cosine: η_e = η_min + ½(η₀ − η_min)(1 + cos(π e / T_max)).",
           "np.cos takes radians: the angle goes from 0 to π while the epoch goes from 0 to T_max. "
           "Do not clamp the epoch: past T_max the same formula applies.",
           "return eta_min + 0.5 * (lr0 - eta_min) * (1 + np.cos(np.pi * epoch / T_max))"],
)
