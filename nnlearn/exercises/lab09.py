"""Lab 9 — initialization: the Xavier and He scales, the variance through a deep ReLU network, gradient clipping.

Questions: ``q1`` the limit a of Xavier/Glorot uniform initialization, ``q2`` the standard deviation of He
normal initialization, ``q3`` the variance of the pre-activations layer by layer in a deep ReLU network,
``q4`` clipping a list of gradients by their global norm.
"""

import numpy as np

from ._question import FunctionQuestion, Incorrect, Mistake, Question

__all__ = ["q1", "q2", "q3", "q4"]

# fan_in != fan_out everywhere, so that swapping them shows
_FANS = [(256, 128), (3, 10), (784, 100), (64, 64)]

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
    factor = min(1.0, max_norm / norm)
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
    "Lab 9, question 1 (Xavier uniform limit)", xavier_uniform_limit, _FANS,
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
    ],
    hints=["Xavier wants Var(w) = 2 / (n_in + n_out), and U(−a, a) has variance a²/3.",
           "Solve a²/3 = 2 / (n_in + n_out) for a.",
           "return np.sqrt(6 / (fan_in + fan_out))"],
)

q2 = FunctionQuestion(
    "Lab 9, question 2 (He normal standard deviation)", he_normal_std, _FANS,
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
    ],
    hints=["He's rule for ReLU is Var(w) = 2 / n_in. What does a normal generator take: the variance or the "
           "standard deviation?",
           "The standard deviation is the square root of the variance; fan_out is not needed.",
           "return np.sqrt(2 / fan_in)"],
)

q3 = FunctionQuestion(
    "Lab 9, question 3 (variance through a deep ReLU network)", relu_preactivation_variances,
    [(1.0, 256, 2.0 / 256, 5), (1.0, 256, 1.0 / 256, 6), (2.0, 100, 0.01 ** 2, 4), (0.5, 64, 1.0 / 16, 5)],
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


def _flat(answer):
    """The list-taking ``answer`` as a function of three arrays and max_norm, so that the check copies each array."""
    def flat(dW1, db1, dW2, max_norm):
        return answer([dW1, db1, dW2], max_norm)
    return flat


# The checks run on three gradient arrays; FunctionQuestion copies array arguments (not lists) before every call,
# so the learner's list-taking function is called through _flat.
_clip_check = FunctionQuestion(
    "Lab 9, question 4 (clipping by global norm)", _flat(clip_by_global_norm),
    [(*_G_BIG, 1.0), (*_G_SMALL, 1.0), (*_G_BIG, 3.0), (*_G_HUGE, 5.0)], n_outputs=3,
    output_names=("first clipped array", "second clipped array", "third clipped array"),
    mistakes=[Mistake(message, _flat(wrong)) for message, wrong in _CLIP_MISTAKES],
)


def _judge_clip(answer):
    if not callable(answer):
        raise Incorrect(f"Pass your function itself, e.g. check(clip_by_global_norm), not {type(answer).__name__}.")
    _clip_check._judge_function(_flat(answer))


q4 = Question(
    "Lab 9, question 4 (clipping by global norm)", _judge_clip, reference=clip_by_global_norm,
    hints=["||g|| = sqrt of the sum of the squares of all entries of all arrays. If it exceeds c, every array is "
           "multiplied by c / ||g||; otherwise nothing changes.",
           "norm = np.sqrt(sum(np.sum(g ** 2) for g in grads)); factor = min(1.0, max_norm / norm).",
           "return [g * factor for g in grads] — new arrays, the inputs unchanged."],
    examples=[(wrong, message) for message, wrong in _CLIP_MISTAKES] + [(_clip_in_place, "in place")],
)
