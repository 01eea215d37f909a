"""Lab 9 — initialization: the Xavier and He scales, the variance through a deep ReLU network, gradient clipping.

Questions: ``q1`` the limit a of Xavier/Glorot uniform initialization, ``q2`` the standard deviation of He
normal initialization, ``q3`` the variance of the pre-activations layer by layer in a deep ReLU network,
``q4`` clipping a list of gradients by their global norm, ``q5`` the training-mode forward pass of
batch normalisation (in ``_lab09_batchnorm``).
"""

import numpy as np

from ._feedback import _describe, _exception_text, _numbers
from ._function_question import FunctionQuestion, Mistake
from ._numerics import difference
from ._lab09_batchnorm import q5
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
