"""Lab 10 — regularization: the L2 penalty and its gradient, inverted dropout, the early-stopping rule.

Questions: ``q1`` the L2 penalty of a layer and the regularised gradients (weights only), ``q2`` the forward
pass of inverted dropout with a given mask, in training and in evaluation mode, ``q3`` the epoch at which
early stopping stops and the best epoch, from a validation-loss curve.
"""

import numpy as np

from ._question import FunctionQuestion, Mistake

__all__ = ["q1", "q2", "q3"]

_rng = np.random.default_rng(10)
# a layer with 4 inputs and 3 units: W (4, 3), b (3,), and the data-loss gradients of the same shapes
_LAYER_A = (_rng.normal(0, 0.5, (4, 3)), _rng.normal(0, 0.5, (3,)), _rng.normal(0, 0.1, (4, 3)),
            _rng.normal(0, 0.1, (3,)), 0.01)
_LAYER_B = (_rng.normal(0, 2.0, (2, 5)), _rng.normal(1.0, 0.5, (5,)), _rng.normal(0, 0.1, (2, 5)),
            _rng.normal(0, 0.1, (5,)), 0.1)


def _dropout_case(shape, p, training):
    H = _rng.normal(0, 1, shape)
    mask = (_rng.random(shape) >= p).astype(float)     # 1 = keep (probability 1 - p), 0 = drop
    return H, mask, p, training


_DROPOUT_CASES = [_dropout_case((4, 5), 0.2, True), _dropout_case((3, 6), 0.3, True),
                  _dropout_case((4, 5), 0.2, False), _dropout_case((2, 8), 0.3, False)]

# validation losses, epoch 1 first: a bump before a later minimum, a plateau of tiny gains, one that never stops,
# one that stays just above its best
_VAL_A = np.array([1.00, 0.80, 0.70, 0.72, 0.69, 0.695, 0.70, 0.71, 0.72, 0.73, 0.74, 0.60])
_VAL_B = np.array([0.90, 0.60, 0.50, 0.499, 0.4985, 0.498, 0.51, 0.52, 0.53, 0.40, 0.39])
_VAL_C = np.array([0.50, 0.40, 0.45, 0.35, 0.30, 0.31, 0.29, 0.28])
_VAL_D = np.array([1.00, 0.50, 0.52, 0.51, 0.53, 0.90, 0.90])
_STOP_CASES = [(_VAL_A, 3, 0.0), (_VAL_A, 5, 0.0), (_VAL_B, 4, 0.0), (_VAL_B, 4, 0.005), (_VAL_C, 3, 0.0),
               (_VAL_D, 3, 0.05)]


def l2_regularize(W, b, dW, db, lam):
    """The penalty (lam / 2) ||W||_F^2 and the gradients of data loss + penalty; the bias is not penalised."""
    penalty = 0.5 * lam * np.sum(W ** 2)
    return penalty, dW + lam * W, db


def dropout_forward(H, mask, p, training):
    """Inverted dropout: H * mask / (1 - p) in training (mask: 1 keep, 0 drop), H unchanged in evaluation."""
    if not training:
        return H
    return H * mask / (1.0 - p)


def early_stopping(val_losses, patience, min_delta=0.0):
    """Return (stop_epoch, best_epoch), epochs counted from 1, for the rule of nnlearn's EarlyStopping.

    An epoch improves if its loss is below the best so far by more than min_delta; training stops after
    `patience` epochs in a row without improvement, or after the last epoch.
    """
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


# -- wrong answers -------------------------------------------------------------------------------
def _l2_bias_too(W, b, dW, db, lam):
    return 0.5 * lam * (np.sum(W ** 2) + np.sum(b ** 2)), dW + lam * W, db + lam * b


def _l2_no_half(W, b, dW, db, lam):
    return lam * np.sum(W ** 2), dW + 2 * lam * W, db


def _l2_no_half_penalty(W, b, dW, db, lam):
    return lam * np.sum(W ** 2), dW + lam * W, db


def _l2_sign(W, b, dW, db, lam):
    return 0.5 * lam * np.sum(W ** 2), dW - lam * W, db


def _l2_penalty_only(W, b, dW, db, lam):
    return 0.5 * lam * np.sum(W ** 2), lam * W, db


def _l2_mean(W, b, dW, db, lam):
    return 0.5 * lam * np.mean(W ** 2), dW + lam * W / W.size, db


def _l2_norm_not_squared(W, b, dW, db, lam):
    return 0.5 * lam * np.linalg.norm(W), dW + lam * W, db


def _l2_zero_bias_grad(W, b, dW, db, lam):
    return 0.5 * lam * np.sum(W ** 2), dW + lam * W, np.zeros_like(db)


def _dropout_no_scaling(H, mask, p, training):
    return H * mask if training else H


def _dropout_divide_p(H, mask, p, training):
    return H * mask / p if training else H


def _dropout_times_keep(H, mask, p, training):
    return H * mask * (1 - p) if training else H


def _dropout_at_eval(H, mask, p, training):
    return H * mask / (1 - p)


def _dropout_scale_at_eval(H, mask, p, training):
    return H * mask / (1 - p) if training else H * (1 - p)


def _dropout_classic(H, mask, p, training):
    return H * mask if training else H * (1 - p)


def _dropout_inverted_mask(H, mask, p, training):
    return H * (1 - mask) / (1 - p) if training else H


def _stop_zero_based(val_losses, patience, min_delta=0.0):
    stop, best = early_stopping(val_losses, patience, min_delta)
    return stop - 1, best - 1


def _stop_first_increase(val_losses, patience, min_delta=0.0):
    return early_stopping(val_losses, 1, min_delta)


def _stop_ignores_min_delta(val_losses, patience, min_delta=0.0):
    return early_stopping(val_losses, patience, 0.0)


def _stop_one_late(val_losses, patience, min_delta=0.0):
    return early_stopping(val_losses, patience + 1, min_delta)


def _stop_best_overall(val_losses, patience, min_delta=0.0):
    stop, _ = early_stopping(val_losses, patience, min_delta)
    return stop, int(np.argmin(val_losses)) + 1


def _stop_min_delta_both_ways(val_losses, patience, min_delta=0.0):
    # counts an epoch as an improvement when it is not worse than the best by more than min_delta
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best + min_delta:
            if loss < best:
                best, best_epoch = loss, epoch
            wait = 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


# -- the questions -------------------------------------------------------------------------------
q1 = FunctionQuestion(
    "Lab 10, question 1 (L2 penalty and gradient)", l2_regularize, [_LAYER_A, _LAYER_B], n_outputs=3,
    output_names=("penalty", "weight gradient", "bias gradient"),
    mistakes=[
        Mistake("You penalised the bias too. L2 weight decay acts on the weights only: the penalty is "
                "(λ/2)·||W||²_F and the bias gradient stays dL_data/db.", _l2_bias_too),
        Mistake("The factor ½ is missing: with a penalty λ·||W||² the gradient is 2λW, twice too large. The "
                "chapter's penalty is (λ/2)·||W||²_F, whose gradient is λW.", _l2_no_half),
        Mistake("Your penalty has no ½: it is λ·||W||², while your gradient λW belongs to (λ/2)·||W||². Use "
                "(λ/2)·||W||²_F.", _l2_no_half_penalty),
        Mistake("The sign of the penalty's gradient is wrong: the penalty grows with |W|, so its gradient is +λW "
                "(and the update W ← (1 − ηλ)W − η dL/dW shrinks the weights).", _l2_sign),
        Mistake("Your weight gradient is only the penalty's λW; add it to the data gradient: dW + λW.",
                _l2_penalty_only),
        Mistake("You averaged over the weights (np.mean); the penalty sums the squares of all weights: "
                "(λ/2)·Σ W².", _l2_mean),
        Mistake("Your penalty uses the norm ||W||_F, not its square ||W||²_F = Σ W².", _l2_norm_not_squared),
        Mistake("Your bias gradient is zero: the bias is not penalised, but its data gradient db still counts — "
                "return db unchanged.", _l2_zero_bias_grad),
    ],
    hints=["The penalty is (λ/2)·Σ W² over the weights only; differentiate it entry by entry.",
           "d/dW of (λ/2) W² is λW: add it to dW. The bias has no penalty, so db stays as it is.",
           "return 0.5 * lam * np.sum(W ** 2), dW + lam * W, db"],
)

q2 = FunctionQuestion(
    "Lab 10, question 2 (inverted dropout)", dropout_forward, _DROPOUT_CASES,
    mistakes=[
        Mistake("The scaling is missing: kept units must be divided by 1 − p, so that E[h̃] = h and nothing "
                "needs rescaling at prediction time.", _dropout_no_scaling),
        Mistake("You divided by p, the drop probability; divide by the keep probability 1 − p.",
                _dropout_divide_p),
        Mistake("You multiplied by 1 − p; inverted dropout divides by 1 − p in training: h̃ = r·h / (1 − p).",
                _dropout_times_keep),
        Mistake("You applied the mask in evaluation mode too. With training=False the layer is the identity: "
                "return H unchanged.", _dropout_at_eval),
        Mistake("In evaluation mode you multiply by 1 − p. With inverted dropout the correction happens in "
                "training already; at evaluation the layer is the identity.", _dropout_scale_at_eval),
        Mistake("That is the original (non-inverted) dropout: unscaled in training, ×(1 − p) at evaluation. "
                "The chapter's inverted dropout divides by 1 − p in training and leaves evaluation alone.",
                _dropout_classic),
        Mistake("You kept the dropped units and dropped the kept ones: mask is 1 for a unit that is kept.",
                _dropout_inverted_mask),
    ],
    hints=["In training each unit passes on h̃ = r·h / (1 − p), with r the mask (1 keep, 0 drop). What does "
           "the layer do in evaluation mode?",
           "Training: H * mask / (1 - p). Evaluation: nothing is dropped and nothing is scaled.",
           "if not training: return H — otherwise return H * mask / (1 - p)"],
)

q3 = FunctionQuestion(
    "Lab 10, question 3 (early stopping)", early_stopping, _STOP_CASES, n_outputs=2,
    output_names=("stop epoch", "best epoch"),
    mistakes=[
        Mistake("Your epochs are counted from 0; count them from 1, like history.best_epoch (the first "
                "validation loss belongs to epoch 1).", _stop_zero_based),
        Mistake("You stop at the first epoch that does not improve. Patience means waiting: stop only after "
                "`patience` epochs in a row without improvement.", _stop_first_increase),
        Mistake("You ignore min_delta: an epoch counts as an improvement only if its loss is below the best so "
                "far by more than min_delta (loss < best − min_delta).", _stop_ignores_min_delta),
        Mistake("You stop one epoch late: training stops at the epoch where the count of epochs without "
                "improvement reaches `patience` (wait >= patience), so stop_epoch = best_epoch + patience.",
                _stop_one_late),
        Mistake("Your best epoch is the minimum of the whole curve, including epochs after the stop. Early "
                "stopping never sees those: the best epoch is the best one up to the stop.", _stop_best_overall),
        Mistake("min_delta works the other way: an epoch improves only if loss < best − min_delta; a loss that "
                "is merely not much worse than the best does not reset the patience.", _stop_min_delta_both_ways),
    ],
    hints=["Walk through the losses keeping three things: the best loss so far, its epoch, and how many epochs "
           "in a row have not improved on it.",
           "for epoch, loss in enumerate(val_losses, start=1): if loss < best - min_delta, record it and reset "
           "wait to 0; otherwise wait += 1 and stop when wait >= patience.",
           "Return (epoch, best_epoch) when you stop, and (len(val_losses), best_epoch) if patience never runs out."],
)
