"""Lab 9 — initialization: the Xavier and He scales, the variance through a deep ReLU network, gradient clipping.

Questions: ``q1`` the limit a of Xavier/Glorot uniform initialization, ``q2`` the standard deviation of He
normal initialization, ``q3`` the variance of the pre-activations layer by layer in a deep ReLU network,
``q4`` clipping a list of gradients by their global norm, ``q5`` the training-mode forward pass of
batch normalisation.
"""

import numpy as np

from ._feedback import _describe, _exception_text, _numbers
from ._function_question import FunctionQuestion, Mistake
from ._numerics import difference
from ._question import Incorrect, Question

__all__ = ["q1", "q2", "q3", "q4", "q5"]

# fan_in != fan_out almost everywhere, so that swapping them shows; numpy integers, as a layer's shape gives them
_FANS = [(256, 128), (3, 10), (784, 100), (64, 64), (1, 7), (np.int64(500), np.int64(20))]


def _draw_fans(rng):
    fan_in, fan_out = rng.choice(np.arange(1, 2049), size=2, replace=False)
    return int(fan_in), int(fan_out)


def _draw_variances(rng):
    """var_x, n_in, var_w, depth, with n_in Var(w) / 2 between 0.3 and 3: shrinking, He, growing."""
    n_in = int(rng.integers(2, 1025))
    return (float(rng.uniform(0.1, 5.0)), n_in, float(rng.uniform(0.6, 6.0)) / n_in, int(rng.integers(1, 12)))

_rng = np.random.default_rng(9)
_G_BIG = (_rng.normal(0, 1.0, (4, 3)), _rng.normal(0, 1.0, (3,)), _rng.normal(0, 1.0, (3, 2)))        # norm ~4.5
_G_SMALL = (_rng.normal(0, 0.05, (4, 3)), _rng.normal(0, 0.05, (3,)), _rng.normal(0, 0.05, (3, 2)))   # norm ~0.2
_G_HUGE = (_rng.normal(0, 1e3, (2, 5)), _rng.normal(0, 1.0, (5,)), _rng.normal(0, 1e-2, (5, 1)))


def xavier_uniform_limit(fan_in, fan_out):
    """The limit a of U(-a, a) with variance 2 / (fan_in + fan_out): a = sqrt(6 / (fan_in + fan_out))."""
    return np.sqrt(6.0 / (fan_in + fan_out))


def he_normal_std(fan_in, fan_out):
    """The standard deviation of N(0, 2 / fan_in): sqrt(2 / fan_in); fan_out plays no part."""
    return np.sqrt(2.0 / fan_in)


def relu_preactivation_variances(var_x, n_in, var_w, depth):
    """Var(z^(l)) for l = 1..depth in a deep ReLU network of width n_in (zero-mean weights, zero biases).

    The first layer sees the (zero-mean) input: Var(z^(1)) = n_in Var(w) Var(x).
    Every later layer sees a = relu(z), with E[a^2] = Var(z) / 2: Var(z^(l+1)) = n_in Var(w) Var(z^(l)) / 2.
    """
    variances = np.empty(depth)
    variances[0] = n_in * var_w * var_x
    for l in range(1, depth):
        variances[l] = n_in * var_w * 0.5 * variances[l - 1]
    return variances


def clip_by_global_norm(grads, max_norm):
    """Scale all gradients by min(1, max_norm / ||g||), ||g|| the norm of all their entries together."""
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    factor = 1.0 if norm <= max_norm else max_norm / norm      # min(1, c/||g||), also for ||g|| = 0
    return [g * factor for g in grads]


# -- q3 wrong answers ---------------------------------------------------------------------------
def _variances_no_half(var_x, n_in, var_w, depth):
    return n_in * var_w * var_x * (n_in * var_w) ** np.arange(depth)


def _variances_std(var_x, n_in, var_w, depth):
    return relu_preactivation_variances(var_x, n_in, np.sqrt(var_w), depth)


def _variances_no_fan_in(var_x, n_in, var_w, depth):
    return relu_preactivation_variances(var_x, 1, var_w, depth)


def _variances_off_by_one(var_x, n_in, var_w, depth):
    # The ReLU factor ½ applied already to the input layer.
    return relu_preactivation_variances(0.5 * var_x, n_in, var_w, depth)


def _variances_with_input(var_x, n_in, var_w, depth):
    return np.concatenate([[var_x], relu_preactivation_variances(var_x, n_in, var_w, depth - 1)])


def _variances_from_var_x(var_x, n_in, var_w, depth):
    return var_x * (0.5 * n_in * var_w) ** np.arange(depth)


def _variances_he_only(var_x, n_in, var_w, depth):
    return np.full(depth, 2.0 * var_x)


def _variances_one_ahead(var_x, n_in, var_w, depth):
    return n_in * var_w * var_x * (0.5 * n_in * var_w) ** np.arange(1, depth + 1)


def _variances_std_in_recursion(var_x, n_in, var_w, depth):
    return n_in * var_w * var_x * (0.5 * n_in * np.sqrt(var_w)) ** np.arange(depth)


class _VariancesQuestion(FunctionQuestion):
    """Says when integer arrays truncated the values, and asks for the array the question names."""

    def _explain_mismatch(self, cases, outputs, mismatches):
        for out in outputs:
            if isinstance(out[0], np.ndarray) and out[0].dtype.kind in "iub":
                raise Incorrect(f"Your array has the integer dtype {out[0].dtype}, so every variance is cut to a "
                                "whole number: create it with np.empty(depth) or np.zeros(depth), which hold "
                                "floats, and use `/`, not `//`.")
        super()._explain_mismatch(cases, outputs, mismatches)

    def _judge_function(self, answer):
        super()._judge_function(answer)
        out = answer(*self.cases[0])
        if not isinstance(out, np.ndarray):
            raise Incorrect(f"Your values are right, but your function returns {_describe(out)}; the question "
                            "asks for an array of shape (depth,): return np.array(...) of your values.")


# -- q4 wrong answers ----------------------------------------------------------------------------
def _clip_per_array(grads, max_norm):
    return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]


def _clip_always(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * max_norm / norm for g in grads]


def _clip_squared_norm(grads, max_norm):
    norm2 = sum(np.sum(g ** 2) for g in grads)
    return [g * min(1.0, max_norm / norm2) for g in grads]


def _clip_entries(grads, max_norm):
    return [np.clip(g, -max_norm, max_norm) for g in grads]


def _clip_to_norm_not_direction(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * min(max_norm, norm) for g in grads]


def _clip_in_place(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    if norm > max_norm:
        for g in grads:
            g *= max_norm / norm
    return grads


# -- the questions -------------------------------------------------------------------------------
q1 = FunctionQuestion(
    "Lab 9, question 1 (Xavier uniform limit)", xavier_uniform_limit, _FANS, draw=_draw_fans,
    mistakes=[
        Mistake("That is the standard deviation of Xavier normal, sqrt(2 / (n_in + n_out)). A uniform "
                "distribution U(−a, a) has variance a²/3, so the limit is a = sqrt(6 / (n_in + n_out)).",
                lambda fi, fo: np.sqrt(2.0 / (fi + fo))),
        Mistake("The square root is missing: 6 / (n_in + n_out) is a², not the limit a.",
                lambda fi, fo: 6.0 / (fi + fo)),
        Mistake("That is He uniform, sqrt(6 / n_in), which uses only the fan-in. Xavier averages the two "
                "conditions: a = sqrt(6 / (n_in + n_out)).", lambda fi, fo: np.sqrt(6.0 / fi)),
        Mistake("You used only the fan-out; Xavier uses both: a = sqrt(6 / (n_in + n_out)).",
                lambda fi, fo: np.sqrt(6.0 / fo)),
        Mistake("With 3 instead of 6 the variance a²/3 is 1 / (n_in + n_out), half of Xavier's 2 / (n_in + n_out).",
                lambda fi, fo: np.sqrt(3.0 / (fi + fo))),
        Mistake("`6 // (fan_in + fan_out)` is floor division: it is 0 as soon as the fans add up to more than 6. "
                "Use `/`: np.sqrt(6 / (fan_in + fan_out)).", lambda fi, fo: np.sqrt(6 // (fi + fo))),
        Mistake("You used sqrt(6 / n_avg) with n_avg = (n_in + n_out) / 2, that is sqrt(12 / (n_in + n_out)), "
                "whose variance a²/3 = 4 / (n_in + n_out) is twice Xavier's. The 6 already contains the "
                "averaging: a = sqrt(6 / (n_in + n_out)) = sqrt(3 / n_avg).",
                lambda fi, fo: np.sqrt(6.0 / ((fi + fo) / 2))),
    ],
    hints=["Xavier wants Var(w) = 2 / (n_in + n_out), and U(−a, a) has variance a²/3.",
           "Solve a²/3 = 2 / (n_in + n_out) for a.",
           "return np.sqrt(6 / (fan_in + fan_out))"],
)

q2 = FunctionQuestion(
    "Lab 9, question 2 (He normal standard deviation)", he_normal_std, _FANS, draw=_draw_fans,
    mistakes=[
        Mistake("You used the fan-out. He's rule keeps the forward signal's variance, Var(w) = 2 / n_in: it "
                "depends on the fan-in, the number of inputs each unit sums.", lambda fi, fo: np.sqrt(2.0 / fo)),
        Mistake("That is the variance 2 / n_in; a normal generator takes the standard deviation sqrt(2 / n_in).",
                lambda fi, fo: 2.0 / fi),
        Mistake("That is sqrt(1 / n_in) (LeCun's scale, right for a linear or tanh unit). ReLU zeroes half of its "
                "inputs, so He doubles the variance: sqrt(2 / n_in).", lambda fi, fo: np.sqrt(1.0 / fi)),
        Mistake("That is the limit of He *uniform*, sqrt(6 / n_in); the normal version's standard deviation is "
                "sqrt(2 / n_in).", lambda fi, fo: np.sqrt(6.0 / fi)),
        Mistake("That is Xavier normal, sqrt(2 / (n_in + n_out)); He uses the fan-in only: sqrt(2 / n_in).",
                lambda fi, fo: np.sqrt(2.0 / (fi + fo))),
        Mistake("That is sqrt(2 / n_avg) with n_avg = (n_in + n_out) / 2, i.e. sqrt(4 / (n_in + n_out)); He's "
                "rule uses the fan-in only: sqrt(2 / n_in).", lambda fi, fo: np.sqrt(4.0 / (fi + fo))),
        Mistake("`2 // fan_in` is floor division: it is 0 for every fan-in above 2. Use `/`: np.sqrt(2 / fan_in).",
                lambda fi, fo: np.sqrt(2 // fi)),
    ],
    hints=["He's rule for ReLU is Var(w) = 2 / n_in. What does a normal generator take: the variance or the "
           "standard deviation?",
           "The standard deviation is the square root of the variance; fan_out is not needed.",
           "return np.sqrt(2 / fan_in)"],
)

q3 = _VariancesQuestion(
    "Lab 9, question 3 (variance through a deep ReLU network)", relu_preactivation_variances,
    [(1.0, 256, 2.0 / 256, 5), (1.0, 256, 1.0 / 256, 6), (2.0, 100, 0.01 ** 2, 4), (0.5, 64, 1.0 / 16, 5),
     (3, 50, 0.01, 4), (0.7, 10, 0.3, 1)], draw=_draw_variances,
    mistakes=[
        Mistake("The factor ½ of ReLU is missing: after z^(l) the next layer sees a = relu(z), with "
                "E[a²] = ½ Var(z). So Var(z^(l+1)) = n_in Var(w) · ½ Var(z^(l)).", _variances_no_half),
        Mistake("You used Var(w) as if it were the standard deviation (you took its square root). var_w is "
                "already the variance: Var(z) = n_in Var(w) E[x²].", _variances_std),
        Mistake("The fan-in is missing: z sums n_in terms w_i x_i, so Var(z) = n_in Var(w) E[x²].",
                _variances_no_fan_in),
        Mistake("Your first value already has the ReLU factor ½: the first layer sees the input x itself "
                "(mean zero, not a ReLU output), so Var(z^(1)) = n_in Var(w) Var(x).", _variances_off_by_one),
        Mistake("Your array starts with Var(x), the input; it should start with Var(z^(1)) = n_in Var(w) Var(x) "
                "and have one value per layer.", _variances_with_input),
        Mistake("Your values are Var(x)·(½ n_in Var(w))^(l−1): the first layer sees x itself, not a ReLU output, "
                "so it multiplies by n_in Var(w) without the ½: Var(z^(1)) = n_in Var(w) Var(x); only the later "
                "layers multiply by ½ n_in Var(w).", _variances_from_var_x),
        Mistake("Your array is 2·Var(x) everywhere: that is what He's Var(w) = 2 / n_in gives, but var_w is an "
                "argument. Compute with the n_in and var_w you are given.", _variances_he_only),
        Mistake("Your values are one layer ahead: your first value is Var(z^(2)). Start with Var(z^(1)) = "
                "n_in Var(w) Var(x) and multiply by ½ n_in Var(w) from the second value on.", _variances_one_ahead),
        Mistake("Your values are the square roots of the variances (standard deviations); the question asks "
                "for the variances Var(z^(l)) themselves.",
                lambda vx, n, vw, d: np.sqrt(relu_preactivation_variances(vx, n, vw, d))),
        Mistake("From the second layer on you multiply by ½ n_in sqrt(var_w); var_w is already the variance: "
                "the factor is ½ n_in Var(w).", _variances_std_in_recursion),
    ],
    hints=["z^(1) sums n_in independent terms w_i x_i: Var(z^(1)) = n_in Var(w) Var(x). Every later layer "
           "sums ReLU outputs, whose second moment is E[a²] = ½ Var(z).",
           "So Var(z^(l+1)) = n_in Var(w) · ½ · Var(z^(l)): fill an array of length depth with a loop.",
           "v = np.empty(depth); v[0] = n_in * var_w * var_x; then v[l] = n_in * var_w * 0.5 * v[l - 1]."],
)


_CLIP_MISTAKES = [
    ("You clipped each array by its own norm. Global-norm clipping treats all gradients as one vector g: one "
     "norm ||g|| over all entries, one factor min(1, c/||g||) for every array — otherwise the direction of the "
     "step changes.", _clip_per_array),
    ("You also rescale when ||g|| is below the threshold (you lengthen small gradients to c). Clip only when "
     "||g|| > c: the factor is min(1, c/||g||).", _clip_always),
    ("You divided by the squared norm Σ g²; the norm is its square root, ||g|| = sqrt(Σ g²).", _clip_squared_norm),
    ("You clipped each entry to [−c, c] (np.clip). That changes the direction of the step; clipping by global "
     "norm multiplies every entry by the same factor min(1, c/||g||).", _clip_entries),
    ("You multiplied by min(c, ||g||) instead of min(1, c/||g||): the factor must be at most 1 and shrink g to "
     "length c.", _clip_to_norm_not_direction),
]


# (gradients, max_norm): clipped and unclipped, one to four arrays of any shapes, a wide range of norms
_CLIP_CASES = [(list(_G_BIG), 1.0), (list(_G_SMALL), 1.0), (list(_G_BIG), 3.0), (list(_G_HUGE), 5.0),
               ([np.array([3.0, 4.0])], 2.5), ([np.array([0.3, 0.4])], 0.6),
               ([_rng.normal(0, 1, (2, 2, 2)), np.array([0.5]), _rng.normal(0, 1, (3, 1)), _rng.normal(0, 1, 5)],
                0.5),
               ([np.array([[0.3, 0.0], [0.0, 0.4]])], 0.2),  # the smallest norm drawn: an epsilon shows most
               ([np.zeros((2, 3)), np.zeros(3)], 1.0)]      # ||g|| = 0: nothing to clip, no division by zero
_CLIP_RNG = np.random.default_rng(94)
_SHAPES = [(3,), (2, 3), (4, 1), (1,), (2, 2, 2), (5,)]


def _draw_clip():
    """Gradients with a global norm between 0.5 and 300, so that an epsilon of 1e-6 added to the norm (as
    PyTorch's clip_grad_norm_ does) stays within the tolerance; max_norm between 0.1 and 20."""
    grads = [_CLIP_RNG.normal(0.0, 1.0, _SHAPES[i])
             for i in _CLIP_RNG.choice(len(_SHAPES), size=_CLIP_RNG.integers(1, 5))]
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    target = 10.0 ** _CLIP_RNG.uniform(np.log10(0.5), 2.5)
    return [g * (target / norm) for g in grads], float(10.0 ** _CLIP_RNG.uniform(-1, 1.3))


def _clip_outputs(answer, grads, max_norm):
    """The learner's clipped arrays for one case, or Incorrect saying what is wrong with what it returned."""
    given = [g.copy() for g in grads]
    norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    try:
        with np.errstate(all="ignore"):     # all-zero gradients: judge what comes out, not numpy's warnings
            out = answer(given, max_norm)
    except NotImplementedError:
        raise
    except Exception as exc:
        shapes = ", ".join(str(g.shape) for g in grads)
        if norm == 0.0:
            raise Incorrect(f"Your function raised {_exception_text(exc)} for all-zero gradients (shapes {shapes}): "
                            "||g|| = 0 is below any max_norm, so nothing needs clipping; don't divide by the "
                            "norm then (e.g. `factor = 1.0 if norm <= max_norm else max_norm / norm`).") from None
        raise Incorrect(f"Your function raised {_exception_text(exc)} (for gradients of shapes {shapes} and "
                        f"max_norm = {max_norm:g}).") from None
    if len(given) != len(grads) or any(not np.array_equal(a, g) for a, g in zip(given, grads)):
        raise Incorrect("Your function changed the gradients in place (or the list holding them): return new "
                        "arrays, e.g. [g * factor for g in grads], and leave the inputs unchanged.")
    if out is None:
        raise Incorrect("Your function returned None: did you forget the `return`?")
    if out is given or (isinstance(out, (list, tuple))
                        and any(isinstance(o, np.ndarray) and any(np.shares_memory(o, g) for g in given)
                                for o in out)):
        raise Incorrect("Your function returned the input list (or some of its arrays) itself"
                        + (" when ||g|| ≤ max_norm" if norm <= max_norm else "")
                        + ": the question asks for a list of new arrays. Return copies even when nothing is "
                        "clipped: `[g * factor for g in grads]` with factor 1, or `[g.copy() for g in grads]`.")
    if not isinstance(out, (list, tuple)):
        raise Incorrect("Return a list with one clipped array per gradient, in the order of `grads`; your "
                        f"function returned {_describe(out)}.")
    if len(out) != len(grads):
        raise Incorrect(f"Your function returned {_describe(out)} for a list of {len(grads)} gradients: return "
                        "one clipped array per gradient, in the same order.")
    arrays = [_numbers(o, f"Clipped array number {k + 1}") for k, o in enumerate(out)]
    for k, (o, g) in enumerate(zip(arrays, grads)):
        if o.shape != g.shape:
            raise Incorrect(f"Clipped array number {k + 1} has shape {o.shape}; it must keep the shape {g.shape} "
                            "of its gradient.")
    return arrays


_CLIP_RTOL = 5e-6     # covers max_norm / (||g|| + 1e-6) for every norm of at least 0.5 the check uses


def _same_arrays(got, expected):
    return all(np.allclose(o, e, rtol=_CLIP_RTOL, atol=1e-9, equal_nan=True) for o, e in zip(got, expected))


def _uses_max(outputs, cases):
    """True if every case with gradients that are not all zero got the factor max(1, c/||g||)."""
    for out, (grads, c) in zip(outputs, cases):
        norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
        if norm > 0 and not _same_arrays(out, [g * max(1.0, c / norm) for g in grads]):
            return False
    return True


def _judge_clip(answer):
    cases = _CLIP_CASES + [_draw_clip() for _ in range(3)]
    outputs = [_clip_outputs(answer, grads, c) for grads, c in cases]
    expected = [clip_by_global_norm(grads, c) for grads, c in cases]
    wrong = [i for i, (o, e) in enumerate(zip(outputs, expected)) if not _same_arrays(o, e)]
    if not wrong:
        return
    for message, mistake in _CLIP_MISTAKES:
        with np.errstate(all="ignore"):
            if all(_same_arrays(o, mistake([g.copy() for g in grads], c)) for o, (grads, c) in zip(outputs, cases)):
                raise Incorrect(message)
    if _uses_max(outputs, cases):
        raise Incorrect("Your factor is max(1, c/||g||); it must be min(1, c/||g||): gradients longer than c are "
                        "shrunk to length c, shorter ones stay as they are (yours leaves the long ones "
                        "unchanged and stretches the short ones to length c).")
    i = wrong[0]
    grads, c = cases[i]
    if not any(g.any() for g in grads) and not all(np.all(np.isfinite(o)) for o in outputs[i]):
        raise Incorrect("For all-zero gradients your function returns NaN or inf: ||g|| = 0, so c / ||g|| is a "
                        "division by zero. Nothing needs clipping then: use `factor = 1.0 if norm <= max_norm else "
                        "max_norm / norm`.")
    k = next(k for k, (o, e) in enumerate(zip(outputs[i], expected[i])) if not _same_arrays([o], [e]))
    norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    should = ("||g|| ≤ max_norm, so nothing should change" if norm <= c else
              f"every entry should be multiplied by max_norm / ||g|| = {c / norm:.4g}")
    shapes = ", ".join(str(g.shape) for g in grads)
    with np.errstate(all="ignore"):
        ratio = outputs[i][k] / np.asarray(expected[i][k], dtype=float)
    with np.errstate(all="ignore"):
        factors = np.concatenate([(o / g).ravel() for o, g in zip(outputs[i], grads)])
    factors = factors[np.isfinite(factors)]
    if norm > c and factors.size > 1 and np.allclose(factors, factors[0], rtol=1e-6) \
            and not np.isclose(factors[0], c / norm, rtol=1e-3):
        should += (f" — yours multiplies every entry by the same factor (right) but it is {factors[0]:.4g}: "
                   "check ||g||, the square root of the sum of the squares of ALL entries of all arrays")
    elif norm > c and np.all(np.abs(ratio[np.isfinite(ratio)] - (1 - 5e-4)) < 5e-4):
        should += (" — yours is slightly smaller: an epsilon added to the norm (max_norm / (||g|| + eps)) "
                   "must be tiny (PyTorch uses 1e-6), or leave it out")
    raise Incorrect(f"For gradients of shapes {shapes} (global norm ||g|| = {norm:.4g}) and max_norm = {c:g}, "
                    f"clipped array number {k + 1} is wrong"
                    f"{difference(outputs[i][k], np.asarray(expected[i][k], dtype=float), _CLIP_RTOL, 1e-9)}. "
                    f"Here {should}.")


q4 = Question(
    "Lab 9, question 4 (clipping by global norm)", _judge_clip, reference=clip_by_global_norm,
    hints=["||g|| = sqrt of the sum of the squares of all entries of all arrays. If it exceeds c, every array is "
           "multiplied by c / ||g||; otherwise nothing changes.",
           "norm = np.sqrt(sum(np.sum(g ** 2) for g in grads)); the factor min(1, max_norm / norm) is 1 when "
           "norm <= max_norm (also for norm = 0) and max_norm / norm otherwise.",
           "return [g * factor for g in grads] — new arrays, the inputs unchanged."],
    examples=[(wrong, message) for message, wrong in _CLIP_MISTAKES] + [(_clip_in_place, "in place")],
)


# -- q5: batch normalisation, training mode ------------------------------------------------------
def batchnorm_forward(X, gamma, beta, eps):
    """Normalise every column of X over the batch (biased variance), then scale by gamma and
    shift by beta."""
    X = np.asarray(X, dtype=float)
    centred = X - X.mean(axis=0)
    var = np.mean(centred ** 2, axis=0)             # two passes: exact enough for large offsets
    return gamma * centred / np.sqrt(var + eps) + beta


def _bn_parts(X, axis=0, keepdims=False):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=axis, keepdims=keepdims)
    return X, mean, ((X - mean) ** 2).mean(axis=axis, keepdims=keepdims)


def _bn_unbiased(X, gamma, beta, eps):
    X = np.asarray(X, dtype=float)
    return gamma * (X - X.mean(0)) / np.sqrt(X.var(0, ddof=1) + eps) + beta


def _bn_eps_outside(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X)
    return gamma * (X - mean) / (np.sqrt(var) + eps) + beta


def _bn_no_eps(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X)
    return gamma * (X - mean) / np.sqrt(var) + beta


def _bn_no_sqrt(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X)
    return gamma * (X - mean) / (var + eps) + beta


def _bn_std_in_sqrt(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X)
    return gamma * (X - mean) / np.sqrt(np.sqrt(var) + eps) + beta


def _bn_rows_keepdims(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X, axis=1, keepdims=True)
    return gamma * (X - mean) / np.sqrt(var + eps) + beta


def _bn_rows(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X, axis=1)
    return gamma * (X - mean) / np.sqrt(var + eps) + beta


def _bn_all_entries(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X, axis=None)
    return gamma * (X - mean) / np.sqrt(var + eps) + beta


def _bn_xhat(X, gamma, beta, eps):
    return batchnorm_forward(X, 1.0, 0.0, eps)


def _bn_no_beta(X, gamma, beta, eps):
    return batchnorm_forward(X, gamma, 0.0, eps)


def _bn_no_gamma(X, gamma, beta, eps):
    return batchnorm_forward(X, 1.0, beta, eps)


def _bn_swapped(X, gamma, beta, eps):
    return batchnorm_forward(X, beta, gamma, eps)


def _bn_not_centred(X, gamma, beta, eps):
    X, mean, var = _bn_parts(X)
    return gamma * X / np.sqrt(var + eps) + beta


_BN_MISTAKES = [
    Mistake("You used the unbiased variance (divided by n − 1, `ddof=1`). Batch "
            "normalisation normalises with the biased batch variance s² = mean((x − μ)²), "
            "divided by n; the n − 1 version only feeds the running variance.", _bn_unbiased),
    Mistake("You added eps outside the square root, (x − μ) / (sqrt(s²) + eps). The formula "
            "adds it to the variance: (x − μ) / sqrt(s² + eps).", _bn_eps_outside),
    Mistake("eps is missing: a column whose values are all equal has s² = 0, and "
            "(x − μ) / sqrt(s²) is 0/0 = NaN. Divide by sqrt(s² + eps).", _bn_no_eps),
    Mistake("You divided by the variance s² + eps; divide by its square root, the standard "
            "deviation: (x − μ) / sqrt(s² + eps).", _bn_no_sqrt),
    Mistake("You put the standard deviation under the square root; it is the variance s² "
            "(the mean of the squared deviations) that goes there: sqrt(s² + eps).",
            _bn_std_in_sqrt),
    Mistake("You normalised each row (axis=1, one sample's features). Batch normalisation "
            "normalises each column (each feature) over the batch: mean and variance with axis=0.",
            _bn_rows_keepdims),
    Mistake("You computed the mean and variance along axis=1 (over each sample's features); "
            "batch normalisation works over the batch, down each column: axis=0.", _bn_rows),
    Mistake("You used one mean and one variance for the whole array. Batch normalisation "
            "normalises every column (feature) separately: mean and variance with axis=0.",
            _bn_all_entries),
    Mistake("gamma and beta are missing: after normalising, scale by gamma and shift by beta, "
            "y = gamma · x̂ + beta.", _bn_xhat),
    Mistake("beta is missing: after scaling by gamma, shift by beta, y = gamma · x̂ + beta.",
            _bn_no_beta),
    Mistake("gamma is missing: scale the normalised values by gamma before adding beta, "
            "y = gamma · x̂ + beta.", _bn_no_gamma),
    Mistake("gamma and beta are swapped: gamma scales, beta shifts, y = gamma · x̂ + beta.",
            _bn_swapped),
    Mistake("You divided x itself by the standard deviation; subtract the batch mean first: "
            "x̂ = (x − μ) / sqrt(s² + eps).", _bn_not_centred),
]


def _offset(X):
    """How far the columns are from zero compared with their spread (the largest ratio)."""
    X = np.asarray(X, dtype=float)
    spread = X.std(axis=0)
    return float(np.max(np.abs(X.mean(axis=0)) / np.where(spread > 0, spread, np.inf)))


_BN_RNG = np.random.default_rng(95)
# (X, gamma, beta, eps): every argument varies; a batch of 2; a constant column, where eps decides;
# offsets of 1e6, where E[x²] − E[x]² loses precision; integers; a large eps; one feature; square X
_BN_CASES = [
    (3.0 + 2.0 * _BN_RNG.normal(size=(8, 3)), np.array([1.5, 0.5, 2.0]), np.array([0.2, -1.0, 0.0]),
     1e-5),
    (np.array([[1.0, -2.0], [3.0, 5.0]]), np.array([1.5, 0.5]), np.array([0.2, -1.0]), 1e-5),
    (np.array([[1.0, 3.0], [2.0, 3.0], [4.0, 3.0], [7.0, 3.0]]), np.array([2.0, 0.7]),
     np.array([-0.5, 1.5]), 1e-3),
    (1e6 + _BN_RNG.normal(size=(50, 4)), _BN_RNG.normal(1.0, 0.3, 4), _BN_RNG.normal(0.0, 1.0, 4),
     1e-5),
    (np.array([[1, 2], [3, 4], [6, 1], [2, 2], [5, 9]]), np.array([2, 1]), np.array([0, 1]), 1e-5),
    (0.3 * _BN_RNG.normal(size=(6, 2)) - 4.0, np.array([0.8, -1.2]), np.array([1.0, 2.0]), 0.5),
    (_BN_RNG.normal(size=(5, 1)) * 10.0, np.array([3.0]), np.array([-2.0]), 1e-2),
    (_BN_RNG.normal(size=(4, 4)), _BN_RNG.normal(1.0, 0.5, 4), _BN_RNG.normal(0.0, 1.0, 4), 1e-5),
]


def _draw_bn(rng):
    n, d = int(rng.integers(2, 31)), int(rng.integers(1, 6))
    offset = rng.uniform(-5, 5, d) * 10.0 ** rng.uniform(0, 2, d)
    X = offset + 10.0 ** rng.uniform(-1, 1, d) * rng.normal(size=(n, d))
    return X, rng.normal(1.0, 0.5, d), rng.normal(0.0, 1.0, d), float(10.0 ** rng.uniform(-5, 0))


class _BatchNormQuestion(FunctionQuestion):
    """Names the mistakes only some inputs show: integer arrays, the one-pass variance, and shapes
    that do not broadcast because the statistics were taken along the wrong axis."""

    def _call(self, answer, args):
        try:
            return super()._call(answer, args)
        except Incorrect as exc:
            text = str(exc)
            broadcast = "Your function raised ValueError: operands could not be broadcast"
            if not text.startswith(broadcast):
                raise
            raise Incorrect(f"{text} The batch mean and variance need one value per column, "
                            "shape (d,) for X of shape (n, d): compute them along axis=0 "
                            "(axis=1 gives one value per row, shape (n,)).") from None

    def _explain_mismatch(self, cases, outputs, mismatches):
        for out in outputs:
            if isinstance(out[0], np.ndarray) and out[0].dtype.kind in "iub":
                raise Incorrect(f"Your result has the integer dtype {out[0].dtype}, so every "
                                "value is cut to a whole number (the input X can be integers). "
                                "Create the output from float arithmetic, e.g. "
                                "X = np.asarray(X, dtype=float) first, not with "
                                "np.zeros_like(X) or np.empty_like(X).")
        if all(_offset(cases[i][0][0]) > 1e4 for i in mismatches):
            raise Incorrect("Your values are right except for columns like 1e6 + small noise: "
                            "there the variance comes out wrong. E[x²] − E[x]² subtracts two "
                            "numbers near 1e12 that agree in almost all their digits, and the "
                            "difference loses its precision. Subtract the mean first and average "
                            "the squared deviations: np.mean((X - mean) ** 2, axis=0), as np.var "
                            "does.")
        super()._explain_mismatch(cases, outputs, mismatches)


q5 = _BatchNormQuestion(
    "Lab 9, question 5 (batch normalisation, training mode)", batchnorm_forward, _BN_CASES,
    draw=_draw_bn, mistakes=_BN_MISTAKES,
    nan_message="A column whose values are all equal has variance 0: add eps inside the square "
                "root, sqrt(s² + eps), so that the division stays finite.",
    hints=["Work column by column over the batch (axis=0): the mean μ and the biased variance "
           "s² = mean((x − μ)²), divided by n.",
           "x̂ = (X − μ) / sqrt(s² + eps), then y = gamma · x̂ + beta; numpy broadcasts arrays of "
           "shape (d,) over the rows.",
           "mean = X.mean(axis=0); var = ((X - mean) ** 2).mean(axis=0); "
           "return gamma * (X - mean) / np.sqrt(var + eps) + beta"],
)
