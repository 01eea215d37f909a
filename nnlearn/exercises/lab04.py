"""Lab 4 — loss functions and their gradients, averaged over the batch.

Questions: ``q1`` mean squared error and its gradient, ``q2`` the Huber loss
with threshold delta, ``q3`` binary cross-entropy from probabilities (clipped,
so that log 0 never occurs), ``q4`` categorical cross-entropy from logits
(scores) with the log-sum-exp trick, and its gradient ``(p - y) / n``.

Every function returns the pair ``(L, dL/dy_hat)``: the loss, one number, and
its gradient, an array of the shape of the predictions.
"""

import numpy as np

from ._function_question import FunctionQuestion, Mistake
from ._lab04_answers import (_bce_grad_logits, _bce_grad_not_averaged, _bce_keras_eps,
                             _bce_nan_to_num, _bce_sklearn_eps,
                             _bce_only_positive, _bce_per_sample, _bce_sign, _bce_sum,
                             _bce_swapped, _bce_unclipped, _cce_all_entries, _cce_columns,
                             _cce_eye_max, _cce_grad_not_averaged, _cce_labels_as_targets,
                             _cce_log_of_softmax, _cce_max_not_added_back, _cce_no_softmax,
                             _cce_no_targets, _cce_sign, _cce_sum, _cce_unshifted,
                             _huber_delta_one, _huber_grad_no_sign, _huber_grad_unclipped,
                             _huber_grad_unscaled_sign, _huber_no_abs, _huber_no_half,
                             _huber_no_offset, _huber_per_sample, _huber_sum, _huber_swapped,
                             _huber_threshold_one, _mse_flipped, _mse_half, _mse_no_two,
                             _mse_per_sample, _mse_sum, _swapped, bce, cce_from_logits, huber, mse)

__all__ = ["q1", "q2", "q3", "q4"]

_rng = np.random.default_rng(404)

# Regression: predictions and targets of shape (n, K); 4 samples x 3 outputs, 5 samples x 1 output, a single
# sample, and integer arrays.
_Y_PRED_43 = _rng.normal(0.0, 2.0, size=(4, 3))
_Y_TRUE_43 = _rng.normal(0.0, 2.0, size=(4, 3))
_Y_PRED_51 = np.array([[2.5], [0.0], [2.1], [7.8], [-6.0]])   # the chapter's four, and one far below
_Y_TRUE_51 = np.array([[3.0], [-0.5], [2.0], [5.0], [-1.0]])
_ONE = (np.array([[1.5, -2.0]]), np.array([[0.5, 1.0]]))
_INTS = (np.array([[1, 2], [3, 4], [0, -2]]), np.array([[0, 2], [5, 1], [1, 1]]))

# Binary cross-entropy: probabilities of shape (n, K), some of them exactly 0 or 1; integer targets too.
_P_43 = _rng.uniform(0.02, 0.98, size=(4, 3))
_Y_43 = (_rng.uniform(size=(4, 3)) < 0.5).astype(float)
_P_EDGE = np.array([[0.9], [0.2], [0.6], [0.01], [0.0], [1.0], [0.0]])
_Y_EDGE = np.array([[1.0], [0.0], [1.0], [1.0], [0.0], [1.0], [1.0]])
_P_SAT = np.array([[1.0, 0.0, 0.5], [1e-20, 1.0 - 1e-10, 0.3]])
_Y_SAT = np.array([[0, 1, 1], [1, 0, 0]])  # integers

# Categorical cross-entropy: scores (logits) of shape (n, K) and integer labels of shape (n,).
_Z_43 = _rng.normal(0.0, 2.0, size=(4, 3))
_LABELS_43 = np.array([0, 2, 2, 1])
_Z_LARGE = np.array([[1000.0, 1001.0, 999.0, 0.0], [-1000.0, 5.0, 3.0, 2.0],
                     [2.0, 1.0, 0.5, -1.0], [50.0, -50.0, 800.0, 10.0], [0.0, 0.0, 0.0, 0.0]])
_LABELS_LARGE = np.array([1, 0, 3, 2, 2])
_Z_GAPS = _rng.normal(0.0, 1.0, size=(3, 5))                     # labels 0 and 2 of 5 classes only
_LABELS_GAPS = np.array([2, 0, 2])
_Z_ONE, _LABELS_ONE = np.array([[-3.0, 700.0, 2.0]]), np.array([0])


# -- fresh inputs for every check -----------------------------------------------------------------------
def _draw_regression(rng):
    n, K = rng.integers(1, 7), rng.integers(2, 5)
    return rng.normal(0.0, 2.0, size=(n, K)), rng.normal(0.0, 2.0, size=(n, K))


def _draw_huber(rng):
    return (*_draw_regression(rng), float(rng.uniform(0.2, 3.0)))


def _draw_bce(rng):
    n, K = rng.integers(2, 7), rng.integers(1, 4)
    p = rng.uniform(0.0, 1.0, size=(n, K))
    p.flat[rng.integers(0, p.size, 2)] = rng.choice([0.0, 1.0], 2)    # exact 0s and 1s occur
    return p, rng.integers(0, 2, size=(n, K)).astype(float)


def _draw_cce(rng):
    n, K = rng.integers(1, 7), rng.integers(2, 6)
    Z = rng.normal(0.0, 3.0, size=(n, K)) + rng.choice([0.0, 900.0, -900.0], size=(n, 1))
    Z[rng.integers(0, n), rng.integers(0, K)] += rng.choice([-1000.0, 1000.0])   # far-apart scores in one row
    return Z, rng.integers(0, K, size=n)


_SWAPPED = ("You returned the gradient first: return the pair (L, gradient) in that order — the "
            "loss, one number, then the gradient, shaped like the predictions.")


_BCE_ADVICE = ("Probabilities of exactly 0 or 1 occur: clip first, p = np.clip(p, eps, 1 - eps) "
               "with eps = np.finfo(float).eps, and use the clipped p in the loss AND in the "
               "gradient (otherwise log 0 = −inf, 0·log 0 = nan and a division by p(1 − p) = 0 "
               "appear).")

_CCE_ADVICE = ("Use log-sum-exp: log Σ_k e^(z_ik) = m_i + log Σ_k e^(z_ik − m_i) with m_i the "
               "row's maximum (so no exponent is positive), and ℓ_i = log Σ_k e^(z_ik) − z_ic_i "
               "computed directly, without taking the log of a softmax (a probability that "
               "underflows to 0 has log 0 = −inf).")

# -- the questions --------------------------------------------------------------------------------------

_NAMES = ("loss L", "gradient ∂L/∂ŷ")
_RETURNS = "the loss L and its gradient"
_IN_PLACE = ("Your function changed y_pred or y_true in place (r = y_pred; r -= y_true changes "
             "y_pred too): compute a new array, r = y_pred - y_true.")

q1 = FunctionQuestion(
    "Lab 4, question 1 (mean squared error)", mse,
    [(_Y_PRED_43, _Y_TRUE_43), (_Y_PRED_51, _Y_TRUE_51), _ONE, _INTS], draw=_draw_regression,
    n_outputs=2, output_names=_NAMES, returns=_RETURNS, in_place_message=_IN_PLACE,
    mistakes=[
        Mistake(_SWAPPED, _swapped(mse)),
        Mistake("Your loss and gradient are summed, not averaged: divide by N, the number of "
                "entries (y_pred.size). With the sum, the gradient grows with the batch and the "
                "learning rate would have to change with the batch size.", _mse_sum),
        Mistake("Your loss is right, but the gradient misses the factor 2: d/dŷ (ŷ − y)² = 2(ŷ − "
                "y), so ∂L/∂ŷ_j = 2 r_j / N.", _mse_no_two),
        Mistake("Your loss is right, but the gradient has the wrong sign: with r = ŷ − y, ∂L/∂ŷ = "
                "+2r/N. (y − ŷ) points the wrong way: a prediction that is too large must be "
                "pushed down.",
                _mse_flipped),
        Mistake("You averaged over the n samples (rows) only, but MSE averages over all N = n·K "
                "entries: divide by y_pred.size, not len(y_pred). With 3 outputs per sample yours "
                "is 3 times too large.",
                _mse_per_sample),
        Mistake("You computed ½·MSE (the ½ that cancels the 2 of the derivative, used in some "
                "books): the loss here is L = (1/N) Σ r², without the ½, and its gradient is 2r/N.",
                _mse_half),
    ],
    examples=[(lambda p, t: (np.mean((p - t) ** 2), 2 * (p - t).T / p.size), "transpose")],
    hints=["Compute the residual r = y_pred − y_true first; L = (1/N) Σ r², with N the number of "
           "entries.",
           "∂L/∂ŷ_j = 2 r_j / N: only the j-th term of the sum depends on ŷ_j. N is y_pred.size (= "
           "n·K).",
           "r = y_pred - y_true; N = r.size; return np.sum(r**2) / N, 2 * r / N"],
)

q2 = FunctionQuestion(
    "Lab 4, question 2 (Huber loss)", huber,
    [(_Y_PRED_43, _Y_TRUE_43, 1.0), (_Y_PRED_51, _Y_TRUE_51, 1.0), (_Y_PRED_43, _Y_TRUE_43, 2.0),
     (_Y_PRED_51, _Y_TRUE_51, 0.3), (*_INTS, 2), (*_ONE, 0.75)], draw=_draw_huber,
    n_outputs=2, output_names=_NAMES, returns=_RETURNS, in_place_message=_IN_PLACE,
    mistakes=[
        Mistake(_SWAPPED, _swapped(huber)),
        Mistake("The two branches are swapped: Huber is quadratic, ½r², for SMALL residuals |r| ≤ "
                "δ and linear, δ(|r| − ½δ), for large ones; that is what makes it robust to "
                "outliers.", _huber_swapped),
        Mistake("The quadratic branch misses the ½: for |r| ≤ δ, ℓ_δ(r) = ½r² with derivative r "
                "(not r² and 2r). With the ½ both branches meet at |r| = δ with value ½δ² and "
                "slope ±δ.", _huber_no_half),
        Mistake("The linear branch misses the offset: for |r| > δ, ℓ_δ(r) = δ(|r| − ½δ), not δ|r|. "
                "Without the −½δ² the loss jumps at |r| = δ (from ½δ² to δ²).", _huber_no_offset),
        Mistake("The threshold compares r itself with δ; it must compare |r|: large NEGATIVE "
                "residuals belong to the linear branch too.", _huber_no_abs),
        Mistake("Your threshold is 1 whatever δ is: use |r| ≤ delta (the parameter), in the value "
                "and in the gradient.", _huber_threshold_one),
        Mistake("Your loss and gradient are summed, not averaged over the N entries: divide by "
                "y_pred.size.",
                _huber_sum),
        Mistake("You used δ = 1 whatever delta is: the threshold AND the slope of the linear "
                "branch are the parameter delta, ℓ_δ(r) = δ(|r| − ½δ) for |r| > δ.",
                _huber_delta_one),
        Mistake("Your loss is right, but in the linear branch the gradient is sign(r); the "
                "derivative of δ(|r| − ½δ) is δ·sign(r) (the residual clipped to [−δ, δ]).",
                _huber_grad_unscaled_sign),
        Mistake("Your loss is right, but in the linear branch the gradient is δ for every large "
                "residual; the derivative of δ(|r| − ½δ) is δ·sign(r): −δ for a large NEGATIVE "
                "residual.", _huber_grad_no_sign),
        Mistake("Your loss is right, but your gradient is r/N everywhere, the gradient of ½ MSE: "
                "in the linear branch (|r| > δ) it is δ·sign(r)/N — clip the residual, np.clip(r, "
                "-delta, delta) / N. That bounded gradient is what makes Huber robust to outliers.",
                _huber_grad_unclipped),
        Mistake("You averaged over the n samples (rows) only, but the loss averages over all N = "
                "n·K entries: divide by y_pred.size, not len(y_pred).", _huber_per_sample),
    ],
    hints=["r = y_pred − y_true; small = np.abs(r) <= delta selects the quadratic branch. "
           "np.where(small, A, B) picks A or B element by element.",
           "Per element: ½r² if |r| ≤ δ, else δ(|r| − ½δ). Its derivative is r if |r| ≤ δ, else "
           "δ·sign(r) — the residual clipped to [−δ, δ]. Average both over N = y_pred.size.",
           "per = np.where(small, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta)); "
           "return per.mean(), np.clip(r, -delta, delta) / r.size"],
)

q3 = FunctionQuestion(
    "Lab 4, question 3 (binary cross-entropy)", bce,
    [(_P_43, _Y_43), (_P_EDGE, _Y_EDGE), (_P_SAT, _Y_SAT)], draw=_draw_bce, stable=True,
    n_outputs=2, output_names=("loss L", "gradient ∂L/∂p"), returns=_RETURNS,
    in_place_message="Your function changed p (or y) in place (p[p == 0] = …, or np.clip(p, …, "
                     "out=p)): clip into a new array, p = np.clip(p, eps, 1 - eps), and leave the "
                     "caller's p as it was.",
    mistakes=[
        Mistake(_SWAPPED, _swapped(bce)),
        Mistake("Your loss is negative: the sign is flipped. BCE is ℓ = −[y log p + (1 − y) log(1 "
                "− p)]; log p is negative for p < 1, so the minus makes the loss positive.",
                _bce_sign),
        Mistake("Your loss and gradient are summed over the entries, not averaged: divide both by "
                "N = p.size.",
                _bce_sum),
        Mistake("Your loss is right, but the gradient is not divided by N: ∂L/∂p_j = (p_j − y_j) / "
                "(p_j(1 − p_j)) / N, because L is a mean.", _bce_grad_not_averaged),
        Mistake("y and 1 − y are swapped: a target y = 1 costs −log p (small when p is near 1), a "
                "target 0 costs −log(1 − p).", _bce_swapped),
        Mistake("You clipped with ε = 1e-7 (Keras' choice); here, as in nnlearn, clip to [ε, 1 − "
                "ε] with ε = np.finfo(float).eps ≈ 2.2e-16, so that −log ε ≈ 36.04.",
                _bce_keras_eps),
        Mistake("You clipped with ε = 1e-15 (scikit-learn's choice); here, as in nnlearn, clip to "
                "[ε, 1 − ε] with ε = np.finfo(float).eps ≈ 2.2e-16, so that −log ε ≈ 36.04.",
                _bce_sklearn_eps),
        Mistake("You replaced the −inf and NaN of log 0 and of 0 / 0 with np.nan_to_num: −inf "
                "becomes −1.8e308, so the loss overflows and the gradient is ±1.8e308. Clip "
                "first, p = np.clip(p, eps, 1 - eps) with eps = np.finfo(float).eps, and use the "
                "clipped p in the loss and in the gradient.", _bce_nan_to_num),
        Mistake("Your loss is right, but your gradient is (p − y)/N: that is the gradient with "
                "respect to the LOGIT z of a sigmoid output (where the p(1 − p) of σ' cancels). "
                "The question asks for ∂L/∂p = (p − y) / (p(1 − p)) / N.", _bce_grad_logits),
        Mistake("You averaged over the n samples (rows) only, but here BCE averages over all N = "
                "n·K entries: divide by p.size, not len(p).", _bce_per_sample),
        Mistake("The term of the negatives is missing: ℓ = −[y log p + (1 − y) log(1 − p)]. "
                "Without (1 − y) log(1 − p), a target 0 costs nothing whatever p is.",
                _bce_only_positive),
    ],
    overflow_message=_BCE_ADVICE, nan_message=_BCE_ADVICE,
    examples=[(_bce_unclipped, "clip first, p = np.clip")],
    hints=["ℓ(p, y) = −[y log p + (1 − y) log(1 − p)], averaged over all N = p.size entries. "
           "Probabilities of exactly 0 or 1 occur: clip them before taking logs.",
           "eps = np.finfo(float).eps; p = np.clip(p, eps, 1 - eps). The gradient of the mean is "
           "(p − y) / (p (1 − p)) / N, with the clipped p.",
           "p = np.clip(p, eps, 1 - eps); N = p.size; "
           "return -np.sum(y*np.log(p) + (1-y)*np.log(1-p)) / N, (p - y) / (p * (1 - p)) / N"],
)

q4 = FunctionQuestion(
    "Lab 4, question 4 (categorical cross-entropy from logits)", cce_from_logits,
    [(_Z_43, _LABELS_43), (_Z_LARGE, _LABELS_LARGE), (_Z_GAPS, _LABELS_GAPS), (_Z_ONE, _LABELS_ONE)],
    draw=_draw_cce, stable=True, n_outputs=2, output_names=("loss L", "gradient ∂L/∂z"), returns=_RETURNS,
    in_place_message="Your function changed Z (or labels) in place (Z -= Z.max(…) changes the "
                     "caller's array): compute a new array, shifted = Z - Z.max(axis=1, "
                     "keepdims=True).",
    mistakes=[
        Mistake(_SWAPPED, _swapped(cce_from_logits)),
        Mistake("Your one-hot targets have labels.max() + 1 columns, but the number of classes is "
                "K = Z.shape[1]: a batch need not contain every class (here the labels are 0 and 2 "
                "of 5 classes). Use Y = np.zeros((n, K)); Y[np.arange(n), labels] = 1.",
                _cce_eye_max),
        Mistake("Your softmax is stable, but its log is not: for a row like [−1000, 5, 3, 2] the "
                "probability of class 0 is e^(−1005), which underflows to 0, and log 0 = −inf. "
                "Compute the log-probability directly, log p_ic = (z_ic − m) − log Σ_k e^(z_ik − "
                "m) with m the row's maximum.",
                _cce_log_of_softmax),
        Mistake("Your loss and gradient are summed over the batch, not averaged: L_CCE = (1/n) Σ_i "
                "ℓ_i and ∂L/∂z = (p − y)/n. The course notes' −Σ_k y_k log ŷ_k is the loss of ONE "
                "sample.", _cce_sum),
        Mistake("You divided by n·K (all entries); categorical cross-entropy sums over the K "
                "classes of a sample and averages over the n samples only: divide by n = "
                "Z.shape[0].", _cce_all_entries),
        Mistake("Your loss is right, but the gradient has the wrong sign: ∂L/∂z = (p − y)/n, not "
                "(y − p)/n.",
                _cce_sign),
        Mistake("Your gradient subtracts the integer labels from every column (p − labels[:, "
                "None]). The target y must be one-hot: y_ik = 1 only for k = c_i. Build it with Y "
                "= np.zeros((n, K)); Y[np.arange(n), labels] = 1.", _cce_labels_as_targets),
        Mistake("Your loss picks whole columns: Z[:, labels] is an (n, n) array. Pick one score "
                "per row, the true class's: Z[np.arange(n), labels].", _cce_columns),
        Mistake("Your gradient is (z − y)/n: the softmax is missing. It is (softmax(z) − y)/n.",
                _cce_no_softmax),
        Mistake("Your loss is right, but the gradient is not divided by n: L is the mean over the "
                "samples, so ∂L/∂z = (p − y)/n.", _cce_grad_not_averaged),
        Mistake("Your loss is right, but the gradient is p/n: subtract the one-hot targets, ∂L/∂z "
                "= (p − y)/n.",
                _cce_no_targets),
        Mistake("Your log-sum-exp forgot to add the maximum back: log Σ_k e^(z_ik) = m_i + log Σ_k "
                "e^(z_ik − m_i). Either add m_i, or subtract the SHIFTED score z_ic_i − m_i from "
                "log Σ_k e^(z_ik − m_i).",
                _cce_max_not_added_back),
    ],
    overflow_message=_CCE_ADVICE, nan_message=_CCE_ADVICE,
    examples=[(_cce_unshifted, "Use log-sum-exp")],
    hints=["For sample i with true class c_i: ℓ_i = −log p_ic_i = log Σ_k e^(z_ik) − z_ic_i. L is "
           "the mean over the n samples; the gradient with respect to the scores is (softmax(Z) − "
           "Y)/n, Y one-hot.",
           "Log-sum-exp: shifted = Z − Z.max(axis=1, keepdims=True); log Σ_k e^(z_ik) − max = "
           "np.log(np.exp(shifted).sum(axis=1)). The true class's score of each row is "
           "shifted[np.arange(n), labels].",
           "lse = np.log(np.exp(shifted).sum(axis=1)); L = np.mean(lse - shifted[np.arange(n), "
           "labels]); P = np.exp(shifted - lse[:, None]); Y = np.zeros((n, K)); Y[np.arange(n), "
           "labels] = 1; return L, (P - Y) / n"],
)
