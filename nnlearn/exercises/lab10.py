"""Lab 10 — regularization: the L2 penalty and its gradient, inverted dropout, the early-stopping rule.

Questions: ``q1`` the L2 penalty of a layer and the regularised gradients (weights only), ``q2`` the forward
pass of inverted dropout with a given mask, in training and in evaluation mode, ``q3`` the epoch at which
early stopping stops and the best epoch, from a validation-loss curve.
"""

import numpy as np

from ._function_question import FunctionQuestion, Mistake
from ._question import Incorrect
from ._lab10_answers import (l2_regularize, dropout_forward, early_stopping, _l2_bias_too,
                             _l2_no_half, _l2_no_half_penalty, _l2_sign, _l2_penalty_only, _l2_mean,
                             _l2_norm_not_squared, _l2_double_gradient, _l2_bias_gradient_only,
                             _l2_bias_penalty_only, _l2_mean_penalty, _dropout_mask_at_eval,
                             _dropout_zeros_at_eval, _stop_ties_improve, _stop_previous_epoch,
                             _stop_relative_delta, _stop_last_minus_one, _stop_at_best_if_patience_lasts,
                             _l2_zero_bias_grad, _dropout_no_scaling, _dropout_divide_p,
                             _dropout_times_keep, _dropout_at_eval, _dropout_scale_at_eval,
                             _dropout_classic, _dropout_inverted_mask, _stop_zero_based,
                             _stop_first_increase, _stop_ignores_min_delta, _stop_one_late,
                             _stop_best_overall, _stop_min_delta_both_ways, _stop_best_lowered,
                             _l2_l1_gradient)

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
                  _dropout_case((4, 5), 0.2, False), _dropout_case((2, 8), 0.3, False),
                  _dropout_case((1, 6), 0.5, True), _dropout_case((5, 3), 0.6, True)]
_H_BOOL, _MASK_BOOL, _, _ = _dropout_case((3, 4), 0.25, True)
_DROPOUT_CASES.append((_H_BOOL, _MASK_BOOL.astype(bool), 0.25, True))     # a boolean mask, as rng.random() >= p


class _DropoutQuestion(FunctionQuestion):
    """Says in which mode the function returned None, when it returns None in one mode only."""

    def _judge_function(self, answer):
        try:
            super()._judge_function(answer)
        except Incorrect as exc:
            if not str(exc).startswith("Your function returned None"):
                raise
            nones = set()
            for H, mask, p, training in _DROPOUT_CASES:
                try:
                    nones.add((bool(training), answer(H.copy(), mask.copy(), p, training) is None))
                except Exception:
                    raise exc from None
            if nones == {(False, True), (True, False)}:
                raise Incorrect("In evaluation mode (training=False) your function returned None (a bare "
                                "`return`, or no `return` on that branch): nothing is dropped at evaluation, "
                                "return H.") from None
            if nones == {(True, True), (False, False)}:
                raise Incorrect("In training mode (training=True) your function returned None: did you forget "
                                "the `return` on that branch? Return H * mask / (1 - p).") from None
            raise


def _draw_layer(rng):
    n_in, n_out = (int(n) for n in rng.integers(1, 6, size=2))
    W, b = rng.normal(0, 1.0, (n_in, n_out)), rng.normal(0, 1.0, n_out)
    return W, b, rng.normal(0, 0.1, (n_in, n_out)), rng.normal(0, 0.1, n_out), float(10 ** rng.uniform(-3, 0))


def _draw_dropout(rng):
    p = float(rng.uniform(0.05, 0.8))
    return (*_dropout_case(tuple(int(n) for n in rng.integers(1, 7, size=2)), p, bool(rng.integers(2)))[:2],
            p, bool(rng.integers(2)))


def _draw_curve(rng):
    """A noisy falling curve rounded to 0.01 (exact ties and plateaus), random patience and min_delta.

    min_delta is 0 or lies halfway between multiples of 0.01, so no difference of two losses comes within
    0.005 of it: `best - loss > min_delta` and `loss < best - min_delta` always agree (no rounding ties).
    """
    n = int(rng.integers(4, 16))
    curve = np.round(np.exp(-rng.uniform(0.1, 0.6) * np.arange(n)) + rng.normal(0, 0.05, n) + 0.3, 2)
    return curve, int(rng.integers(1, 5)), float(rng.choice([0.0, 0.0, 0.015, 0.055]))

# validation losses, epoch 1 first: a bump before a later minimum, a plateau of tiny gains, one that never stops,
# one that stays just above its best
_VAL_A = np.array([1.00, 0.80, 0.70, 0.72, 0.69, 0.695, 0.70, 0.71, 0.72, 0.73, 0.74, 0.60])
_VAL_B = np.array([0.90, 0.60, 0.50, 0.499, 0.4985, 0.498, 0.51, 0.52, 0.53, 0.40, 0.39])
_VAL_C = np.array([0.50, 0.40, 0.45, 0.35, 0.30, 0.31, 0.29, 0.28])
_VAL_D = np.array([1.00, 0.50, 0.52, 0.51, 0.53, 0.90, 0.90])
# ties with the best (not an improvement), a plateau from the first epoch, a loss exactly min_delta below the
# best (not an improvement: the rule is strict; binary-exact numbers), min_delta on a large scale (absolute,
# not relative), patience longer than the curve, patience 1
_VAL_TIES = np.array([0.5, 0.4, 0.4, 0.4, 0.45, 0.4, 0.3])
_VAL_FLAT = np.array([0.7, 0.7, 0.7, 0.7, 0.7, 0.6])
_VAL_EXACT = np.array([1.0, 0.5, 0.25, 0.125, 0.0625, 0.5])
_VAL_LARGE = np.array([100.0, 90.0, 89.5, 89.0, 80.0, 79.8, 79.9, 79.0])
# a decrease smaller than min_delta (no improvement, best stays), then one that beats the old best by more
# than min_delta; a drop after a rise that beats the previous epoch, not the best
_VAL_SMALL_DROP = np.array([1.0, 0.95, 0.875, 0.87, 0.86, 0.85])
_VAL_RISE = np.array([1.0, 0.95, 1.25, 1.0, 0.99, 0.98, 0.97])
_STOP_CASES = [(_VAL_A, 3, 0.0), (_VAL_A, 5, 0.0), (_VAL_B, 4, 0.0), (_VAL_B, 4, 0.005), (_VAL_C, 3, 0.0),
               (_VAL_D, 3, 0.05), (_VAL_TIES, 3, 0.0), (_VAL_FLAT, 2, 0.0), (_VAL_EXACT, 1, 0.125),
               (_VAL_EXACT, 2, 0.25), (_VAL_LARGE, 2, 0.6), (_VAL_C, 20, 0.0), (_VAL_D, 1, 0.0),
               (_VAL_SMALL_DROP, 3, 0.1), (_VAL_RISE, 3, 0.1), (np.array([1.0, 0.5, 0.6]), 3, 0.0)]


q1 = FunctionQuestion(
    "Lab 10, question 1 (L2 penalty and gradient)", l2_regularize,
    [_LAYER_A, _LAYER_B, (*_LAYER_A[:4], 1), tuple(a[:, :1] if a.ndim == 2 else a[:1] for a in _LAYER_B[:4]) + (0.5,)],
    draw=_draw_layer, n_outputs=3, returns="the tuple (penalty, dW_total, db_total)",
    in_place_message="Your function changed dW (or another input) in place, as `dW += lam * W` does; return a "
                     "new array instead: `dW + lam * W`.",
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
        Mistake("Your weight gradient adds λ·sign(W): that is the gradient of the L1 penalty λ·Σ|W|. The "
                "gradient of the L2 penalty (λ/2)·||W||² is λW: dW + λW.", _l2_l1_gradient),
        Mistake("Your weight gradient is only the penalty's λW; add it to the data gradient: dW + λW.",
                _l2_penalty_only),
        Mistake("You averaged over the weights (np.mean); the penalty sums the squares of all weights: "
                "(λ/2)·Σ W².", _l2_mean),
        Mistake("Your penalty uses the norm ||W||_F, not its square ||W||²_F = Σ W².", _l2_norm_not_squared),
        Mistake("Your bias gradient is zero: the bias is not penalised, but its data gradient db still counts — "
                "return db unchanged.", _l2_zero_bias_grad),
        Mistake("Your penalty is right but your weight gradient adds 2λW: the derivative of (λ/2)·||W||² is "
                "λW (the ½ cancels the 2). Return dW + λW.", _l2_double_gradient),
        Mistake("You added λb to the bias gradient: the bias is not penalised (the penalty is (λ/2)·||W||²_F, "
                "weights only), so the bias gradient is db unchanged.", _l2_bias_gradient_only),
        Mistake("Your penalty includes the biases, (λ/2)(||W||² + ||b||²); L2 weight decay penalises the "
                "weights only: (λ/2)·||W||²_F.", _l2_bias_penalty_only),
        Mistake("Your penalty averages the squared weights (np.mean); it sums them: (λ/2)·Σ W² "
                "(np.sum(W ** 2)).", _l2_mean_penalty),
    ],
    hints=["The penalty is (λ/2)·Σ W² over the weights only; differentiate it entry by entry.",
           "d/dW of (λ/2) W² is λW: add it to dW. The bias has no penalty, so db stays as it is.",
           "return 0.5 * lam * np.sum(W ** 2), dW + lam * W, db"],
)

q2 = _DropoutQuestion(
    "Lab 10, question 2 (inverted dropout)", dropout_forward, _DROPOUT_CASES, draw=_draw_dropout,
    in_place_message="Your function changed H in place; return a new array instead (e.g. `H * mask / (1 - p)`, "
                     "not `H *= mask` or `H[mask == 0] = 0`).",
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
        Mistake("In evaluation mode you still apply the mask. Nothing is dropped at evaluation: with "
                "training=False the layer is the identity, return H.", _dropout_mask_at_eval),
        Mistake("In evaluation mode you return zeros. Nothing is dropped at evaluation: with training=False the "
                "layer is the identity, return H.", _dropout_zeros_at_eval),
    ],
    hints=["In training each unit passes on h̃ = r·h / (1 − p), with r the mask (1 keep, 0 drop). What does "
           "the layer do in evaluation mode?",
           "Training: H * mask / (1 - p). Evaluation: nothing is dropped and nothing is scaled.",
           "if not training: return H — otherwise return H * mask / (1 - p)"],
)

q3 = FunctionQuestion(
    "Lab 10, question 3 (early stopping)", early_stopping, _STOP_CASES, draw=_draw_curve, n_outputs=2,
    returns="the tuple (stop_epoch, best_epoch)",
    in_place_message="Your function changed val_losses in place; read the losses without changing them.",
    output_names=("stop epoch", "best epoch"),
    mistakes=[
        Mistake("When patience never runs out, training runs to the end: the stop epoch is then the last one, "
                "len(val_losses), even if the best epoch came earlier.", _stop_at_best_if_patience_lasts),
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
        Mistake("You count a loss equal to best − min_delta (with min_delta = 0: a tie with the best) as an "
                "improvement. The rule is strict: an improvement must be below the best by *more* than "
                "min_delta, `loss < best - min_delta`.", _stop_ties_improve),
        Mistake("`best` changes only on an improvement: a decrease of less than min_delta is no improvement "
                "and must not lower best (update best, best_epoch and wait together, only when "
                "loss < best − min_delta).", _stop_best_lowered),
        Mistake("You compare each loss with the previous epoch's; compare it with the best loss so far. A loss "
                "that beats the epoch before but not the best is no improvement.", _stop_previous_epoch),
        Mistake("Your min_delta is relative (best · (1 − min_delta)); it is an absolute amount: an improvement "
                "is `loss < best - min_delta`.", _stop_relative_delta),
        Mistake("When patience never runs out, training ends with the last epoch, whose number is "
                "len(val_losses) (epochs count from 1), not len(val_losses) − 1.", _stop_last_minus_one),
    ],
    hints=["Walk through the losses keeping three things: the best loss so far, its epoch, and how many epochs "
           "in a row have not improved on it.",
           "for epoch, loss in enumerate(val_losses, start=1): if loss < best - min_delta, record it and reset "
           "wait to 0; otherwise wait += 1 and stop when wait >= patience.",
           "Return (epoch, best_epoch) when you stop, and (len(val_losses), best_epoch) if patience never runs out."],
)
