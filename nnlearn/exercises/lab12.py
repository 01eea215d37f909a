"""Lab 12 — the playground: the feature map, the L1 and L2 penalty gradients, a network
for the circle, and the lines of a trained network's first layer.

Questions: ``q1`` the playground's seven scaled features ψ(x) in the chapter's order,
``q2`` the gradient of the data loss plus the L1 and L2 penalties (weights only, never
the biases), ``q3`` settings of the playground (features, layers, optimizer, learning
rate, ...) that reach 95% test accuracy on the circle within 20 epochs — judged by
training them with the playground's engine, ``q4`` the line along which each
first-layer neuron changes sign, as a unit normal towards its positive side and an
offset — judged also by the tiles of trained networks in the playground's network view
(in ``_lab12_network.py``).

The reference solutions and the catalogued wrong answers are in ``_lab12_answers.py``.
"""

import numpy as np

from ._feedback import _describe
from ._function_question import FunctionQuestion, Mistake
from ._lab12_answers import (_feat_cosines, _feat_only_squares_by_6, _feat_product_by_6,
                             _feat_product_first, _feat_sines_of_scaled,
                             _feat_sines_scaled, _feat_square_for_product,
                             _feat_squares_by_6, _feat_swapped_coordinates,
                             _feat_transposed, _feat_unscaled, _pen_abs, _pen_bias_too,
                             _pen_divide_by_abs, _pen_double_l2, _pen_half_l2,
                             _pen_l1_as_w, _pen_minus, _pen_no_data, _pen_no_l1,
                             _pen_no_l2, _pen_sign_zero, _pen_sign_zero_negative,
                             _pen_swapped, circle_settings, features, penalty_gradients)
from ._lab12_network import boundary_lines, q4  # noqa: F401 - question 4
from ._question import Incorrect, Question

__all__ = ["q1", "q2", "q3", "q4"]

_rng = np.random.default_rng(12)

# -- q1: points (n_samples, 2) in the square [-6, 6]²
_P_A = np.array([[3.0, -6.0], [0.0, 0.0], [1.5, 2.0], [-6.0, 6.0], [-2.5, 4.0]])
_P_B = _rng.uniform(-6, 6, (8, 2))
_P_C = np.array([[-6, 6], [5, -3], [0, 2], [-1, -4]])  # integer points, as on a grid
_FEATURE_CASES = [(_P_A,), (_P_B,), (_P_C,), (np.array([[2.5, -1.0]]),)]


def _draw_points(rng):
    return (rng.uniform(-6, 6, (int(rng.integers(1, 12)), 2)),)

# -- q2: a layer with 4 inputs and 3 units (W has an exact zero), and one with 2 inputs
# and 5 units
_W_A = _rng.normal(0, 0.5, (4, 3))
_W_A[1, 2] = 0.0
_PEN_A = (_W_A, _rng.normal(0, 0.5, 3), _rng.normal(0, 0.1, (4, 3)),
          _rng.normal(0, 0.1, 3), 0.01, 0.0)
_PEN_B = (_rng.normal(0, 1.0, (2, 5)), _rng.normal(1.0, 0.5, 5),
          _rng.normal(0, 0.1, (2, 5)), _rng.normal(0, 0.1, 5), 0.003, 0.03)
_PEN_C = (_W_A, _PEN_A[1], _PEN_A[2], _PEN_A[3], 0.1, 0.02)
_PEN_D = (_PEN_B[0], _PEN_B[1], _PEN_B[2], _PEN_B[3], 0.0, 0.05)
# no penalty at all: the data gradients unchanged
_PEN_E = (np.array([[0.5], [-2.0], [0.0]]), np.array([0.3]),
          np.array([[0.1], [0.2], [-0.3]]), np.array([-0.2]), 0.0, 0.0)
_PEN_F = (np.array([[1e-4, -5e-3], [0.0, 0.8], [-1e-7, 5e-3]]),  # tiny weights
          np.array([0.1, -0.2]), np.array([[0.05, -0.1], [0.2, 0.0], [-0.3, 0.1]]),
          np.array([0.3, 0.1]), 0.04, 0.01)
_PENALTY_CASES = [_PEN_A, _PEN_B, _PEN_C, _PEN_D, _PEN_E, _PEN_F]


def _draw_layer(rng):
    """A layer of random size with a few exact zeros in W, and strengths that are
    sometimes 0."""
    n_in, n_out = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    W = rng.normal(0, rng.choice([0.1, 1.0]), (n_in, n_out)) \
        * (rng.random((n_in, n_out)) > 0.2)
    l1, l2 = (float(rng.choice([0.0, rng.uniform(1e-3, 0.2)])) for _ in range(2))
    return (W, rng.normal(0, 0.5, n_out), rng.normal(0, 0.1, (n_in, n_out)),
            rng.normal(0, 0.1, n_out), l1, l2)


class _PenaltyQuestion(FunctionQuestion):
    """Names an L1 term that is a smoothed sign, e.g. W / (|W| + eps): below λ1 for
    small weights."""

    def _explain_mismatch(self, cases, outputs, mismatches):
        self._explain_dead_zone(cases, outputs)
        smooth = []
        for (args, _), out in zip(cases, outputs):
            W, _, dW, _, l1, l2 = args
            try:
                term = ((np.asarray(out[0], dtype=float) - dW - l2 * W) / l1
                        if l1 else None)
            except (TypeError, ValueError, ZeroDivisionError):
                return super()._explain_mismatch(cases, outputs, mismatches)
            if term is not None and term.shape == np.shape(W) and np.any(W != 0):
                nonzero = W != 0
                smooth.append(bool(np.all(np.sign(term[nonzero]) == np.sign(W[nonzero]))
                                   and np.all(np.abs(term) <= 1 + 1e-9)
                                   and np.any(np.abs(term[nonzero]) < 1 - 1e-6)))
        if smooth and all(smooth):
            raise Incorrect("Your L1 term is smaller than λ1 for small weights: W / "
                            "(|W| + eps) (or a similar smoothing) only approaches "
                            "sign(W). The L1 gradient is exactly λ1·sign(W): use "
                            "np.sign(W).")
        super()._explain_mismatch(cases, outputs, mismatches)

    @staticmethod
    def _explain_dead_zone(cases, outputs):
        """Names an L1 term that is 0 for small non-zero weights (a tolerance around 0)
        and sign(W) elsewhere."""
        dead_weights = []
        for (args, _), out in zip(cases, outputs):
            W, _, dW, _, l1, l2 = args
            if not l1:
                continue
            try:
                term = (np.asarray(out[0], dtype=float) - dW - l2 * W) / l1
            except (TypeError, ValueError):
                return
            if term.shape != np.shape(W):
                return
            dead = (W != 0) & (np.abs(term) < 1e-6)
            if not np.allclose(term, np.where(dead, 0.0, np.sign(W)),
                               rtol=0, atol=1e-6):
                return
            alive = np.abs(W[(W != 0) & ~dead])
            if dead.any() and (not alive.size or np.abs(W[dead]).max() >= alive.min()):
                # not a tolerance around 0 (no L1 term at all, or only positive weights)
                return
            dead_weights.extend(np.abs(W[dead]).tolist())
        if dead_weights:
            raise Incorrect("For a small but non-zero weight (|W| = "
                            f"{min(dead_weights):.0e}) your L1 term is 0: a small "
                            "non-zero weight still has sign ±1. Only a weight that is "
                            "exactly 0 gets sign 0, so do not treat weights below a "
                            "tolerance as 0: use np.sign(W).")


# -- q3: the judge trains the learner's settings with the playground's engine ---------
_EPOCHS = 20
_SEEDS = (0, 1, 2)
_TARGET = 0.95
_FIXED = ("dataset", "noise", "train_ratio", "n_samples", "seed")
# what the check uses
_DATA = {"dataset": "circle", "noise": 0.0, "train_ratio": 0.5, "n_samples": 400}


def _same_setting(value, wanted):
    try:
        return bool(value == wanted)
    except Exception:
        return False


def _passes_without_regularisation(playground, settings, accuracies):
    """Whether the worst seed reaches the target once l1, l2 and dropout are 0: then
    they are the cause."""
    seed = _SEEDS[int(np.argmin(accuracies))]
    try:
        pg = playground(dataset="circle", seed=seed,
                        **{**settings, "l1": 0.0, "l2": 0.0, "dropout": 0.0})
        pg.run_epochs(_EPOCHS)
        return not pg.diverged and pg.accuracy() >= _TARGET
    except Exception:
        return False


def _judge_circle(answer):
    from nnlearn.explore.playground import Playground

    if not callable(answer):
        raise Incorrect(f"Pass your function itself, e.g. check(circle_settings), not "
                        f"{type(answer).__name__}.")
    try:
        settings = answer()
    except NotImplementedError:
        raise
    except Exception as exc:
        raise Incorrect(f"Your function raised {type(exc).__name__}: {exc}.") from None
    if settings is None:
        raise Incorrect("Your function returned None: did you forget the `return` of "
                        "the settings dict?")
    if not isinstance(settings, dict):
        raise Incorrect(f"Return a dict of playground settings, e.g. "
                        f"{{'hidden': (4,), 'lr': 0.1}}; got {_describe(settings)}.")
    fixed = sorted(key for key in set(settings) & set(_FIXED)
                   if key == "seed" or not _same_setting(settings[key], _DATA[key]))
    if fixed:
        raise Incorrect(f"Leave the data alone: {fixed} are fixed by the check "
                        "(dataset='circle', no noise, the default split, seeds 0, 1 "
                        "and 2). Choose features, layers, activation, loss, optimizer, "
                        "lr, batch_size, l1, l2 or dropout.")
    settings = {key: value for key, value in settings.items() if key not in _DATA}
    accuracies = []
    for seed in _SEEDS:
        try:
            pg = Playground(dataset="circle", seed=seed, **settings)
        except Exception as exc:  # TypeError, ValueError, MemoryError (absurd sizes)
            raise Incorrect("The playground refused your settings (your function "
                            f"returned {_describe(settings)}): {exc}") from None
        try:
            pg.run_epochs(_EPOCHS)
        except Exception as exc:
            raise Incorrect(f"Training with your settings failed (seed {seed}): "
                            f"{type(exc).__name__}: {exc}") from None
        if pg.diverged:
            raise Incorrect(f"Training diverged (seed {seed}): the loss became "
                            "infinite or NaN. Lower the learning rate.")
        accuracies.append(pg.accuracy())
    shown = ", ".join(f"{a:.1%}" for a in accuracies)
    if min(accuracies) >= _TARGET:
        return
    used = pg._p                  # the settings as the playground understood them
    features_, hidden = tuple(used["features"]), tuple(used["hidden"])
    if not hidden and not {"x1^2", "x2^2", "sin_x1", "sin_x2"} & set(features_):
        raise Incorrect(f"Test accuracy after {_EPOCHS} epochs for seeds 0, 1, 2: "
                        f"{shown}. Without hidden layers and with the features "
                        f"{features_}, the boundary is a straight line, and no line "
                        "separates a disc from the ring around it. Add hidden layers, "
                        "or better: features whose linear combination can draw a "
                        "circle.")
    head = (f"Test accuracy after {_EPOCHS} epochs for seeds 0, 1, 2: {shown}; every "
            f"seed needs at least {_TARGET:.0%}. Your network ({used['optimizer']}, lr "
            f"{used['lr']:g}, hidden layers {hidden}")
    strong = [f"{key} = {used.get(key, 0):g}" for key in ("l1", "l2", "dropout")
              if used.get(key, 0)]
    if strong and _passes_without_regularisation(Playground, settings, accuracies):
        raise Incorrect(f"{head}, {', '.join(strong)}) does not get there in {_EPOCHS} "
                        f"epochs. The regularisation ({', '.join(strong)}) holds the "
                        "weights back: the same network without it reaches "
                        f"{_TARGET:.0%} on your worst seed — set it to 0 (or much "
                        "smaller).")
    optimizer = (" and the optimizer (plain SGD is slow; Adam adapts its steps)"
                 if str(used["optimizer"]).lower() == "sgd" else "")
    raise Incorrect(f"{head}) does not get there in {_EPOCHS} epochs. Think about the "
                    "learning rate (too small learns slowly; too large overshoots or "
                    f"saturates the units){optimizer}, or about features that make the "
                    "circle easy for a simple model.")


q1 = FunctionQuestion(
    "Lab 12, question 1 (the feature map ψ)", features, _FEATURE_CASES,
    mistakes=[
        Mistake("Your features are not scaled: the playground divides x1, x2 by 6 and "
                "the products x1², x2², x1x2 by 36 (the largest magnitude on the "
                "square [−6, 6]²), so that every input lies in [−1, "
                "1].", _feat_unscaled),
        Mistake("The features are in the wrong order: the chapter's ψ is (x1, x2, x1², "
                "x2², x1x2, sin x1, sin x2) — the squares come before the product.",
                _feat_product_first),
        Mistake("Your fifth feature is x1·x1 = x1², not the product x1·x2.",
                _feat_square_for_product),
        Mistake("Your x1 and x2 are swapped: x1 is the first column of X, X[:, 0].",
                _feat_swapped_coordinates),
        Mistake("The sines are already in [−1, 1]: their scale is 1, not 6.",
                _feat_sines_scaled),
        Mistake("The products x1², x2², x1x2 reach 36 on the square, so they are "
                "divided by 36, not by 6.", _feat_squares_by_6),
        Mistake("The sines take x1 and x2 themselves: sin x1, sin x2 (not sin(x1/6)); "
                "they are already in [−1, 1].", _feat_sines_of_scaled),
        Mistake("The product x1x2 reaches 36 on the square (at (6, 6)), so it is "
                "divided by 36, not by 6.", _feat_product_by_6),
        Mistake("The squares x1², x2² reach 36 on the square, so they are divided by "
                "36, not by 6.", _feat_only_squares_by_6),
        Mistake("Your last two features are cosines; the playground uses sin x1 and "
                "sin x2 (np.sin).", _feat_cosines),
        Mistake("Your result is the transpose of the expected one: one ROW per point "
                "and one COLUMN per feature, shape (n_samples, 7). "
                "np.column_stack([...]) puts the features side by side (np.vstack or "
                "np.array([...]) stacks them as rows).",
                _feat_transposed),
    ],
    examples=[(lambda X: features(X).T, "transpose")],
    draw=_draw_points,
    in_place_message="Your function changed X in place (e.g. `X /= 6` or `X[:, 0] = "
                     "…`); compute new arrays instead (x1 = X[:, 0], then x1 / 6, …) "
                     "and leave X as it is.",
    hints=["x1 = X[:, 0] and x2 = X[:, 1] are the columns; each feature is one column "
           "of the result, in the order x1, x2, x1², x2², x1x2, sin x1, sin x2.",
           "Divide each feature by the largest magnitude it takes on [−6, 6]²: 6 for "
           "x1 and x2, 36 for x1², x2² and x1x2, 1 for the sines. np.column_stack puts "
           "the seven columns side by side.",
           "return np.column_stack([x1 / 6, x2 / 6, x1**2 / 36, x2**2 / 36, x1 * x2 / "
           "36, np.sin(x1), np.sin(x2)])"],
)

q2 = _PenaltyQuestion(
    "Lab 12, question 2 (L1 and L2 penalty "
    "gradients)", penalty_gradients, _PENALTY_CASES,
    n_outputs=2, output_names=("weight gradient", "bias gradient"),
    returns="the gradients dW_reg and db_reg", draw=_draw_layer,
    in_place_message="Your function changed one of its input arrays in place (e.g. `dW "
                     "+= l2 * W`), so the caller's gradient changed too; compute a new "
                     "array: `dW + l2 * W + l1 * np.sign(W)`.",
    mistakes=[
        Mistake("W / |W| is 0/0 = NaN for a weight that is exactly 0: use np.sign(W), "
                "which is 0 there (the subgradient the chapter "
                "uses at 0).", _pen_divide_by_abs),
        Mistake("You penalised the biases too. The playground's penalties act on the "
                "weight matrices only: the bias gradient stays dL/db.", _pen_bias_too),
        Mistake("Your L1 term is λ1·W, which is the L2 pull. The derivative of λ1|w| "
                "is λ1·sign(w): the same force for every nonzero "
                "weight.", _pen_l1_as_w),
        Mistake("Your L2 term is (λ2/2)·W. The penalty (λ2/2)·||W||² has the gradient "
                "λ2·W: the ½ cancels against the 2 of the square.", _pen_half_l2),
        Mistake("Your L2 term is 2λ2·W; the penalty is (λ2/2)·||W||², whose gradient "
                "is λ2·W.", _pen_double_l2),
        Mistake("The penalty terms have the wrong sign: they are ADDED to the gradient "
                "(+λ2·W + λ1·sign(W)), so that the descent step shrinks the weights.",
                _pen_minus),
        Mistake("You added λ1·|W|, the penalty itself; its gradient is λ1·sign(W).",
                _pen_abs),
        Mistake("For a weight that is exactly 0 your L1 term is +λ1; the chapter uses "
                "sign(0) = 0 (np.sign), so a zero weight gets no L1 "
                "pull.", _pen_sign_zero),
        Mistake("For a weight that is exactly 0 your L1 term is −λ1; the chapter uses "
                "sign(0) = 0 (np.sign), so a zero weight gets no L1 pull.",
                _pen_sign_zero_negative),
        Mistake("λ1 and λ2 are swapped: L2 adds l2 * W, L1 adds l1 * np.sign(W).",
                _pen_swapped),
        Mistake("You returned only the penalty's gradient; add it to the data gradient "
                "dW.",
                _pen_no_data),
        Mistake("The L1 term is missing: the gradient of λ1 Σ|W_ij| is λ1·sign(W), "
                "added to dW with the L2 term: dW + l2 * W + l1 * "
                "np.sign(W).", _pen_no_l1),
        Mistake("The L2 term is missing: the gradient of (λ2/2)·||W||² is λ2·W, added "
                "to dW with the L1 term: dW + l2 * W + l1 * np.sign(W).", _pen_no_l2),
    ],
    hints=["∂L_reg/∂W = ∂L/∂W + λ2·W + λ1·sign(W); the biases have no penalty.",
           "np.sign gives −1, 0 or +1 element by element. The bias gradient is "
           "returned unchanged.",
           "return dW + l2 * W + l1 * np.sign(W), db"],
)

q3 = Question(
    "Lab 12, question 3 (settings that learn the circle)", _judge_circle,
    reference=circle_settings,
    examples=[
        (lambda: {}, "does not get there"),
        (lambda: {"hidden": (), "optimizer": "adam", "lr": 0.03}, "straight line"),
        (lambda: {"dataset": "xor", "hidden": (4,)}, "Leave the data alone"),
        (lambda: {"hidden": (8,), "optimizer": "sgd", "lr": 1e-4}, "too small learns "
                                                                   "slowly"),
        (lambda: {"hiden": (4,)}, "refused your settings"),
        (lambda: [("hidden", (4,))], "Return a dict"),
    ],
    hints=["With the default settings (x1, x2, two hidden layers of 4 tanh units, SGD "
           "with lr 0.03) the circle needs far more than 20 epochs. Two levers: the "
           "features, and the optimizer and its learning rate.",
           "Experiment 1 of the chapter: a linear model (hidden=()) on x1² and x2² "
           "draws a circle, z = (w1 x1² + w2 x2²)/36 + b. Adam with lr 0.03 trains it "
           "quickly.",
           "return {'features': ('x1^2', 'x2^2'), 'hidden': (), 'optimizer': 'adam', "
           "'lr': 0.03}"],
)
