"""Lab 10: the reference solutions and the wrong answers the checks name (see lab10.py)."""

import numpy as np


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
def _stop_at_best_if_patience_lasts(val_losses, patience, min_delta=0.0):
    stop, best_epoch = early_stopping(val_losses, patience, min_delta)
    return (best_epoch if _runs_to_the_end(val_losses, patience, min_delta) else stop), best_epoch


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


def _l2_double_gradient(W, b, dW, db, lam):
    return 0.5 * lam * np.sum(W ** 2), dW + 2 * lam * W, db


def _l2_bias_gradient_only(W, b, dW, db, lam):
    return 0.5 * lam * np.sum(W ** 2), dW + lam * W, db + lam * b


def _l2_bias_penalty_only(W, b, dW, db, lam):
    return 0.5 * lam * (np.sum(W ** 2) + np.sum(b ** 2)), dW + lam * W, db


def _l2_mean_penalty(W, b, dW, db, lam):
    return 0.5 * lam * np.mean(W ** 2), dW + lam * W, db


def _dropout_mask_at_eval(H, mask, p, training):
    return H * mask / (1 - p) if training else H * mask


def _dropout_zeros_at_eval(H, mask, p, training):
    return H * mask / (1 - p) if training else np.zeros_like(H)


def _stop_ties_improve(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss <= best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def _stop_previous_epoch(val_losses, patience, min_delta=0.0):
    best_epoch, wait, previous = None, 0, np.inf
    for epoch, loss in enumerate(val_losses, start=1):
        improved, previous = loss < previous - min_delta, loss
        if improved:
            best_epoch, wait = epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def _stop_relative_delta(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best * (1 - min_delta):
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def _stop_last_minus_one(val_losses, patience, min_delta=0.0):
    stop, best = early_stopping(val_losses, patience, min_delta)
    return (stop - 1 if stop == len(val_losses) and _runs_to_the_end(val_losses, patience, min_delta)
            else stop), best


def _runs_to_the_end(val_losses, patience, min_delta):
    """True if patience never runs out (the reference's last return)."""
    best, wait = np.inf, 0
    for loss in val_losses:
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return False
    return True


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


def _stop_best_lowered(val_losses, patience, min_delta=0.0):
    # A decrease smaller than min_delta is no improvement, but it still lowers `best`.
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            best = min(best, loss)
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def _l2_l1_gradient(W, b, dW, db, lam):
    return 0.5 * lam * np.sum(W ** 2), dW + lam * np.sign(W), db
