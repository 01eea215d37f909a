"""Lab 10: wrong and unusual-but-correct answers a learner might write (see tests/answers)."""

import numpy as np


# -- q1: L2 penalty and gradient -----------------------------------------------------------------
def l2_square_of_sum(W, b, dW, db, lam):
    return 0.5 * lam * np.sum(W) ** 2, dW + lam * W, db


def l2_bias_gradient_only(W, b, dW, db, lam):
    return 0.5 * lam * np.sum(W ** 2), dW + lam * W, db + lam * b


def l2_fixed_lambda(W, b, dW, db, lam):
    return 0.5 * 0.01 * np.sum(W ** 2), dW + 0.01 * W, db


def l2_as_dict(W, b, dW, db, lam):
    return {"penalty": 0.5 * lam * np.sum(W ** 2), "dW": dW + lam * W, "db": db}


def l2_in_place(W, b, dW, db, lam):
    dW += lam * W
    return 0.5 * lam * np.sum(W ** 2), dW, db


def l2_penalty_not_summed(W, b, dW, db, lam):
    return 0.5 * lam * W ** 2, dW + lam * W, db


def l2_gradients_first(W, b, dW, db, lam):
    return dW + lam * W, db, 0.5 * lam * np.sum(W ** 2)


def l2_norm(W, b, dW, db, lam):
    return lam / 2 * np.linalg.norm(W) ** 2, np.add(dW, lam * W), db.copy()


def l2_einsum(W, b, dW, db, lam):
    return [0.5 * lam * np.einsum("ij,ij->", W, W), dW + lam * W, db]


# -- q2: inverted dropout ------------------------------------------------------------------------
def dropout_own_mask(H, mask, p, training):
    if not training:
        return H
    r = np.random.random(H.shape) >= p
    return H * r / (1 - p)


def dropout_fixed_p(H, mask, p, training):
    return H * mask / 0.5 if training else H


def dropout_empirical_rate(H, mask, p, training):
    return H * mask / mask.mean() if training else H


def dropout_in_place(H, mask, p, training):
    if training:
        H *= mask
        H /= 1 - p
    return H


def dropout_no_eval_return(H, mask, p, training):
    if training:
        return H * mask / (1 - p)


def dropout_modes_swapped(H, mask, p, training):
    return H if training else H * mask / (1 - p)


def dropout_zero_on_view(H, mask, p, training):
    if not training:
        return H
    out = H
    out[mask == 0] = 0.0
    return out / (1 - p)


def dropout_floor_division(H, mask, p, training):
    return H * mask // (1 - p) if training else H


def dropout_where(H, mask, p, training):
    if training:
        return np.where(np.asarray(mask, dtype=bool), H / (1 - p), 0.0)
    return H.copy()


def dropout_keep_probability(H, mask, p, training=True):
    keep = 1.0 - p
    return H * mask * (1.0 / keep) if training else H


# -- q3: early stopping --------------------------------------------------------------------------
def stop_less_or_equal(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss <= best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def stop_relative_min_delta(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best * (1 - min_delta):
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def stop_first_epoch_counts_as_wait(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = val_losses[0], 1, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def stop_best_plus_patience(val_losses, patience, min_delta=0.0):
    best, best_epoch = np.inf, None
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            break
    return best_epoch + patience, best_epoch


def stop_argmin_until_stop(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = np.inf, None, 0
    stop = len(val_losses)
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                stop = epoch
                break
    return stop, int(np.argmin(val_losses[:stop])) + 1


def stop_wait_never_reset(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, best_epoch = loss, epoch
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def stop_epoch_only(val_losses, patience, min_delta=0.0):
    best, wait = np.inf, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return len(val_losses)


def stop_best_follows_every_drop(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        improved = loss < best - min_delta
        if loss < best:
            best, best_epoch = loss, epoch
        if improved:
            wait = 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def stop_while_loop(val_losses, patience, min_delta=0.0, verbose=False):
    losses = list(val_losses)
    best_epoch, i, wait = 1, 1, 0
    best = losses[0]
    while i < len(losses) and wait < patience:
        if losses[i] < best - min_delta:
            best, best_epoch, wait = losses[i], i + 1, 0
        else:
            wait += 1
        i += 1
    return (i, best_epoch) if wait >= patience else (len(losses), best_epoch)


def stop_indices(val_losses, patience, min_delta=0.0):
    improvements = []
    best = float("inf")
    for i, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best = loss
            improvements.append(i)
        elif i - improvements[-1] >= patience:
            return [i + 1, improvements[-1] + 1]
    return [len(val_losses), improvements[-1] + 1]


WRONG = [
    ("q1", l2_square_of_sum, "penalty is wrong"),
    ("q1", l2_bias_gradient_only, "You added λb to the bias gradient"),
    ("q1", l2_fixed_lambda, "ignores `lam`"),
    ("q1", l2_as_dict, "the tuple (penalty, dW_total, db_total)"),
    ("q1", l2_in_place, "in place"),
    ("q1", l2_penalty_not_summed, "shape"),
    ("q1", l2_gradients_first, "shape"),
    ("q2", dropout_own_mask, "wrong for the input"),
    ("q2", dropout_fixed_p, "ignores `p`"),
    ("q2", dropout_empirical_rate, None),  # ignores p; NaN when a drawn mask is all 0
    ("q2", dropout_in_place, "in place"),
    ("q2", dropout_no_eval_return, "returned None"),
    ("q2", dropout_modes_swapped, "ignores `p`"),
    ("q2", dropout_zero_on_view, "in place"),
    ("q2", dropout_floor_division, "wrong for the input"),
    ("q3", stop_less_or_equal, "The rule is strict"),
    ("q3", stop_relative_min_delta, "min_delta is relative"),
    ("q3", stop_first_epoch_counts_as_wait, "wrong for the input"),
    ("q3", stop_best_plus_patience, "stop epoch is wrong"),
    ("q3", stop_argmin_until_stop, "best epoch is wrong"),
    ("q3", stop_wait_never_reset, "stop epoch is wrong"),
    ("q3", stop_epoch_only, "the tuple (stop_epoch, best_epoch)"),
    ("q3", stop_best_follows_every_drop, "best epoch is wrong"),
]

RIGHT = [
    ("q1", l2_norm),
    ("q1", l2_einsum),
    ("q2", dropout_where),
    ("q2", dropout_keep_probability),
    ("q3", stop_while_loop),
    ("q3", stop_indices),
]


# -- from an independent review (answers written without reading the checks) --------------------
def l2_gradient_2lam(W, b, dW, db, lam):
    return 0.5 * lam * np.sum(W ** 2), dW + 2 * lam * W, db


def l2_bias_gradient(W, b, dW, db, lam):
    return 0.5 * lam * np.sum(W ** 2), dW + lam * W, db + lam * b


def l2_bias_in_penalty(W, b, dW, db, lam):
    return 0.5 * lam * (np.sum(W ** 2) + np.sum(b ** 2)), dW + lam * W, db


def l2_mean_penalty(W, b, dW, db, lam):
    return 0.5 * lam * np.mean(W ** 2), dW + lam * W, db


def dropout_mask_at_eval(H, mask, p, training):
    return H * mask / (1 - p) if training else H * mask


def dropout_zeros_at_eval(H, mask, p, training):
    return H * mask / (1 - p) if training else np.zeros_like(H)


def _stop_rule(val_losses, patience, min_delta, improves, last=0):
    best, best_epoch, wait, previous = np.inf, None, 0, np.inf
    for epoch, loss in enumerate(val_losses, start=1):
        if improves(loss, best, previous, min_delta):
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
        previous = loss
    return len(val_losses) + last, best_epoch


def stop_ties_improve(val_losses, patience, min_delta=0.0):
    return _stop_rule(val_losses, patience, min_delta, lambda l, b, p, d: l <= b - d)


def stop_against_previous(val_losses, patience, min_delta=0.0):
    return _stop_rule(val_losses, patience, min_delta, lambda l, b, p, d: l < p - d)


def stop_relative_delta(val_losses, patience, min_delta=0.0):
    return _stop_rule(val_losses, patience, min_delta, lambda l, b, p, d: l < b * (1 - d))


def stop_last_minus_one(val_losses, patience, min_delta=0.0):
    return _stop_rule(val_losses, patience, min_delta, lambda l, b, p, d: l < b - d, last=-1)


def stop_difference_rearranged(val_losses, patience, min_delta=0.0):
    return _stop_rule(val_losses, patience, min_delta, lambda l, b, p, d: b - l > d)


def stop_abs_difference(val_losses, patience, min_delta=0.0):
    return _stop_rule(val_losses, patience, min_delta, lambda l, b, p, d: abs(l - b) > d and l < b)


WRONG += [
    ("q1", l2_gradient_2lam, "adds 2λW"),
    ("q1", l2_bias_gradient, "You added λb to the bias gradient"),
    ("q1", l2_bias_in_penalty, "Your penalty includes the biases"),
    ("q1", l2_mean_penalty, "Your penalty averages"),
    ("q2", dropout_mask_at_eval, "you still apply the mask"),
    ("q2", dropout_zeros_at_eval, "you return zeros"),
    ("q3", stop_ties_improve, "The rule is strict"),
    ("q3", stop_against_previous, "previous epoch's"),
    ("q3", stop_relative_delta, "min_delta is relative"),
    ("q3", stop_last_minus_one, "not len(val_losses) − 1"),
]

RIGHT += [
    ("q3", stop_difference_rearranged),
    ("q3", stop_abs_difference),
]


# -- second review --------------------------------------------------------------------------------
def l2_gradient_l1_sign(W, b, dW, db, lam):
    return 0.5 * lam * np.sum(W ** 2), dW + lam * np.sign(W), db


def stop_best_lowered_by_small_decrease(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, 1):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            if loss < best:
                best = loss
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


WRONG += [
    ("q1", l2_gradient_l1_sign, "L1 penalty"),
    ("q3", stop_best_lowered_by_small_decrease, "must not lower best"),
]


# -- third review ----------------------------------------------------------------------------------
def dropout_none_at_eval(H, mask, p, training):
    return H * mask / (1 - p) if training else None


WRONG += [
    ("q2", dropout_none_at_eval, "In evaluation mode (training=False) your function returned None"),
]


# -- fourth review ----------------------------------------------------------------------------------
def stop_at_best_when_patience_lasts(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return best_epoch, best_epoch


WRONG += [
    ("q3", stop_at_best_when_patience_lasts, "patience never runs out"),
]
