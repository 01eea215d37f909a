"""Lab 7 — multilayer perceptrons and universal approximation: building functions from units by hand.

Questions: ``q1`` weights of a 2-2-1 ReLU network that computes XOR, ``q2`` a bump made of two
sigmoid steps, ``q3`` the piecewise linear interpolant I_m as a network of m ReLU units (its error
must stay below the bound Λ(x_max − x_min)/(2m)), ``q4`` the number of parameters of an MLP,
``q5`` the sizes of the deep and of the smallest shallow network computing the sawtooth tent_k.
"""

import numpy as np

from ..activations import sigmoid as _sigmoid
from ._feedback import _describe, _exception_text, _numbers
from ._function_question import FunctionQuestion, Mistake
from ._question import Incorrect, Question

__all__ = ["q1", "q2", "q3", "q4", "q5"]

_X_XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_Y_XOR = np.array([0, 1, 1, 0])

_rng = np.random.default_rng(7)
_X_BUMP = np.linspace(-3.0, 3.0, 13)
_X_BUMP_RANDOM = _rng.uniform(-3.0, 3.0, size=(4, 5))     # any shape works element by element


def _draw_bump(rng):
    """x of a random shape, a random bump on it, steepness from gentle to very steep."""
    shape = [(9,), (3, 4), (2, 2, 3), (1,)][rng.integers(4)]
    left = rng.uniform(-3.0, 1.0)
    right = left + rng.uniform(0.3, 3.0)
    height = rng.choice([-1.0, 1.0]) * rng.uniform(0.2, 5.0)
    return rng.uniform(-4.0, 4.0, size=shape), left, right, height, 10.0 ** rng.uniform(-0.3, 3.3)


# -- reference solutions ------------------------------------------------------------------------------
def xor_weights():
    """h1 = ReLU(x1 + x2), h2 = ReLU(x1 + x2 - 1), y_hat = h1 - 2 h2: 0, 1, 1, 0 on the four inputs."""
    W1 = np.array([[1.0, 1.0],
                   [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([[1.0],
                   [-2.0]])
    b2 = np.array([0.0])
    return W1, b1, W2, b2


def bump(x, left, right, height, kappa):
    """height * [sigma(kappa (x - left)) - sigma(kappa (x - right))]: rises at left, falls at right."""
    return height * (_sigmoid(kappa * (x - left)) - _sigmoid(kappa * (x - right)))


def relu_interpolant(f, m, low, high):
    """(w, b, v, c) of I_m(x) = c + sum_j v_j ReLU(w_j x + b_j), the broken line through m + 1 knots."""
    knots = np.linspace(low, high, m + 1)                  # t_0, ..., t_m
    slopes = np.diff(f(knots)) / np.diff(knots)            # s_j, the slope on each cell
    w = np.ones(m)
    b = -knots[:-1]                                        # one kink at each of t_0, ..., t_{m-1}
    v = np.diff(slopes, prepend=0.0)                       # the change of slope at each kink
    c = f(knots[0])
    return w, b, v, c


def n_params(widths):
    """Weights and biases of an MLP with layer widths [n_0, n_1, ..., n_D]: sum of (n_{l-1} + 1) n_l."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip(widths[:-1], widths[1:]))


def sawtooth_sizes(k):
    """Parameters of deep_sawtooth(k) (k hidden layers of 2 ReLUs) and of the smallest exact shallow network."""
    deep = n_params([1] + [2] * k + [1])
    shallow = n_params([1, 2 ** k, 1])   # 2^k - 1 kinks inside (0, 1), and one unit for the first slope
    return deep, shallow


# -- q1: a custom judge ---------------------------------------------------------------------------
def _xor_outputs(W1, b1, W2, b2):
    H = np.maximum(0.0, _X_XOR @ W1 + b1)
    return (H @ W2 + b2).ravel()


def _judge_xor(answer):
    out = answer()
    if out is None:
        raise Incorrect("Your function returned None: did you forget the `return W1, b1, W2, b2`?")
    if not isinstance(out, (tuple, list)) or len(out) != 4:
        raise Incorrect(f"xor_weights() must return four arrays: W1, b1, W2, b2; it returned {_describe(out)}.")
    shapes = {"W1": (2, 2), "b1": (2,), "W2": (2, 1), "b2": (1,)}
    params = []
    for (name, shape), value in zip(shapes.items(), out):
        arr = _numbers(value, name)
        if arr.shape != shape:
            hint = " (batch-first: W2[j, 0] is the weight from hidden unit j + 1 to the output)" \
                if name == "W2" else ""
            raise Incorrect(f"{name} has shape {arr.shape}; it must have shape {shape}{hint}.")
        if not np.all(np.isfinite(arr)):
            raise Incorrect(f"{name} contains NaN or infinite values.")
        params.append(arr)
    y_hat = _xor_outputs(*params)
    predicted = (y_hat >= 0.5).astype(int)
    if np.array_equal(predicted, _Y_XOR):
        return
    table = ", ".join(f"{tuple(int(v) for v in x)} → {o:.3g}" for x, o in zip(_X_XOR, y_hat))
    if np.array_equal(predicted, [0, 1, 1, 1]):
        raise Incorrect(f"Your network computes OR, not XOR (outputs {table}): (1, 1) must give 0. Let one hidden "
                        "unit switch on only when both inputs are 1 (a negative bias) and subtract it in the "
                        "output layer (a negative weight).")
    if np.array_equal(predicted, [0, 0, 0, 1]):
        raise Incorrect(f"Your network computes AND, not XOR (outputs {table}).")
    if np.array_equal(predicted, [1, 0, 0, 1]):
        raise Incorrect(f"Your network computes XNOR, the opposite of XOR (outputs {table}): flip the sign of "
                        "what the output layer adds up, and shift b2.")
    if len(set(predicted)) == 1:
        hidden = np.maximum(0.0, _X_XOR @ params[0] + params[1])
        why = (" Your hidden units are never active: ReLU is 0 wherever the pre-activation x W1 + b1 is "
               "negative." if not hidden.any() else " Check the output layer W2, b2.")
        raise Incorrect(f"Your network gives the same class to all four inputs (outputs {table}).{why}")
    wrong = [tuple(int(v) for v in x) for x, p, t in zip(_X_XOR, predicted, _Y_XOR) if p != t]
    raise Incorrect(f"Your network misclassifies {wrong} (outputs {table}; class 1 means ŷ ≥ 0.5).")


def _or_weights():
    return np.eye(2), np.zeros(2), np.ones((2, 1)), np.zeros(1)


def _xor_w2_row():
    W1, b1, W2, b2 = xor_weights()
    return W1, b1, W2.T, b2


def _xor_without_relu_bias():
    W1, b1, W2, b2 = xor_weights()
    return W1, np.zeros(2), W2, b2


# -- q3: a custom judge with the error bound ----------------------------------------------------------
# (f, its name, Lipschitz constant, interval, numbers of units); integer bounds too, as a learner may pass them
_Q3_CASES = [(np.sin, "sin", 1.0, (-3.0, 3.0), (1, 4, 8, 32, 64)),
             (lambda x: np.abs(x - 0.3), "|x − 0.3|", 1.0, (-1.0, 2.0), (2, 5, 16)),
             (lambda x: np.cos(2 * x), "cos(2x)", 2.0, (0.0, 2.5), (3, 10, 40)),
             (np.tanh, "tanh", 1.0, (-2, 1), (1, 7))]
_Q3_RNG = np.random.default_rng(73)


def _q3_drawn():
    """A fresh case per check: f(x) = a sin(bx + c) + dx on a random interval, with its Lipschitz constant."""
    a, b, c, d = _Q3_RNG.uniform(0.5, 2.0), _Q3_RNG.uniform(0.5, 3.0), _Q3_RNG.uniform(-3, 3), _Q3_RNG.uniform(-1, 1)
    low = _Q3_RNG.uniform(-4.0, 1.0)
    high = low + _Q3_RNG.uniform(0.5, 5.0)
    ms = tuple(int(m) for m in _Q3_RNG.choice(np.arange(1, 50), size=2, replace=False))
    return (lambda x: a * np.sin(b * x + c) + d * x, f"{a:.3g} sin({b:.3g}x + {c:.3g}) + {d:.3g}x",
            a * b + abs(d), (low, high), ms)


def _network(params, x):
    w, b, v, c = params
    return c + np.maximum(0.0, np.outer(x, w) + b) @ v


def _q3_params(answer, f, m, low, high):
    out = answer(f, m, low, high)
    if out is None:
        raise Incorrect("Your function returned None: did you forget the `return w, b, v, c`?")
    if not isinstance(out, (tuple, list)) or len(out) != 4:
        raise Incorrect("relu_interpolant must return four values: w, b, v (arrays of length m) and c (a number); "
                        f"it returned {_describe(out)}.")
    w, b, v, c = (_numbers(a, name) for a, name in zip(out, ("w", "b", "v", "c")))
    for name, arr in (("w", w), ("b", b), ("v", v)):
        if arr.shape != (m,):
            raise Incorrect(f"{name} has shape {arr.shape}; with m = {m} units it must have shape ({m},).")
    if c.size != 1:
        raise Incorrect(f"c must be one number (the output bias), got an array of shape {c.shape}.")
    return w, b, v, float(c.ravel()[0])


def _q3_wrong_variants(f, m, low, high):
    knots = np.linspace(low, high, m + 1)
    slopes = np.diff(f(knots)) / np.diff(knots)
    w, c = np.ones(m), f(knots[0])
    v = np.diff(slopes, prepend=0.0)
    return [
        ("v_j must be the change of slope at kink j, s_j − s_(j−1), not the slope s_j itself: after the kinks "
         "t_0, ..., t_j the network's slope is v_0 + ... + v_j, so the slopes must be differenced "
         "(np.diff(slopes, prepend=0.0)).", (w, -knots[:-1], slopes, c)),
        ("Your kinks sit at t_1, ..., t_m instead of t_0, ..., t_(m−1): the network is flat on the first cell and "
         "the last kink is at the end of the interval, where it does nothing. Use b = -knots[:-1].",
         (w, -knots[1:], v, c)),
        ("The sign of the bias is flipped: ReLU(w_j x + b_j) has its kink at x = −b_j / w_j, so a kink at t_j needs "
         "b_j = −t_j (with w_j = 1).", (w, knots[:-1], v, c)),
        ("The output bias c is missing: the broken line starts at f(t_0), so c = f(t_0) (every ReLU is still 0 "
         "at x = t_0).", (w, -knots[:-1], v, 0.0)),
    ]


def _confirmed(answer, k):
    """True if ``answer`` makes wrong variant k on an asymmetric case too (not a coincidence of one case)."""
    f, m, low, high = (lambda x: np.exp(x / 2) + x ** 2 / 5), 3, -1.0, 2.0
    x = np.linspace(low, high, 301)
    try:
        F = _network(_q3_params(answer, f, m, low, high), x)
    except Exception:
        return False
    return bool(np.allclose(F, _network(_q3_wrong_variants(f, m, low, high)[k][1], x), rtol=1e-9, atol=1e-9))


def _judge_interpolant(answer):
    for f, name, lipschitz, (low, high), ms in _Q3_CASES + [_q3_drawn()]:
        x = np.linspace(low, high, 4001)
        for m in ms:
            where = f"f = {name} on [{low:g}, {high:g}] with m = {m}"
            try:
                params = _q3_params(answer, f, m, low, high)
            except (Incorrect, NotImplementedError):
                raise
            except Exception as exc:
                raise Incorrect(f"Your function raised {_exception_text(exc)} (for {where}).") from None
            with np.errstate(all="ignore"):
                F = _network(params, x)
            if not np.all(np.isfinite(F)):
                raise Incorrect(f"For {where} your network's output is inf or NaN at some points of the "
                                "interval: check w, b, v and c for inf or NaN (a division by a zero step?).")
            error = np.abs(F - f(x)).max()
            bound = lipschitz * (high - low) / (2 * m)
            if error <= bound * (1 + 1e-9) + 1e-12:
                continue
            for k, (message, wrong) in enumerate(_q3_wrong_variants(f, m, low, high)):
                if np.allclose(F, _network(wrong, x), rtol=1e-9, atol=1e-9) and _confirmed(answer, k):
                    raise Incorrect(message)
            raise Incorrect(f"For {where} your network is off by up to {error:.4g} (at x = "
                            f"{x[np.argmax(np.abs(F - f(x)))]:.4g}), more than the bound Λ(x_max − x_min)/(2m) = "
                            f"{bound:.4g}. Check it at the knots t_j: it should equal f(t_j) there.")


# -- q4, q5: whole numbers ----------------------------------------------------------------------------
def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


class _CountQuestion(FunctionQuestion):
    """A FunctionQuestion whose right values must also come as integers, with ``after(answer)`` run last."""

    def __init__(self, *args, after=None, **kwargs):
        self._after = after
        super().__init__(*args, **kwargs)

    def _judge_function(self, answer):
        super()._judge_function(answer)
        if self._after is not None:
            self._after(answer)


def _after_n_params(answer):
    widths = [3, 5, 2]
    out = answer(widths)
    if widths != [3, 5, 2]:
        raise Incorrect(f"Your function changed `widths` (the list [3, 5, 2] became {widths}): read the widths "
                        "without changing the caller's list — no `widths.pop(...)`, `del widths[...]` or "
                        "`widths.append(...)`; loop over zip(widths[:-1], widths[1:]) instead.")
    if not _is_int(out):
        raise Incorrect(f"Your count is right, but your function returns it as {_describe(out)} (type "
                        f"{type(out).__name__}); the question asks for an integer: add up integers (no `/`, no "
                        "float(...)), or return int(...).")


def _after_sawtooth_sizes(answer):
    out = answer(3)
    if not all(_is_int(v) for v in out):
        kinds = ", ".join(type(v).__name__ for v in out)
        raise Incorrect(f"Your counts are right, but your function returns them as ({kinds}); the question "
                        "asks for a pair of integers: compute them with n_params (which returns integers) "
                        "and integer arithmetic (`2 ** k`, no `/`), or return int(...) of each.")


# -- the questions -----------------------------------------------------------------------------------
q1 = Question(
    "Lab 7, question 1 (XOR by hand)", _judge_xor, reference=xor_weights,
    examples=[(_or_weights, "computes OR"), (_xor_w2_row, "shape (2, 1)"),
              (_xor_without_relu_bias, "same class"),
              (lambda: (np.eye(2), np.zeros(2), np.full((2, 1), 0.5), np.array([-0.25])), "computes AND"),
              (lambda: (np.eye(2), np.zeros(2)), "four arrays"),
              (lambda: (np.eye(2), np.full(2, -5.0), np.ones((2, 1)), np.zeros(1)), "same class")],
    hints=["XOR(x₁, x₂) is OR minus 'both': one hidden unit can count how many inputs are on, another can fire "
           "only when both are.",
           "Try h₁ = ReLU(x₁ + x₂) (0, 1, 1, 2 on the four inputs) and h₂ = ReLU(x₁ + x₂ − 1) (0, 0, 0, 1). Which "
           "combination v₁h₁ + v₂h₂ gives 0, 1, 1, 0?",
           "W1 = [[1, 1], [1, 1]], b1 = [0, -1], W2 = [[1], [-2]], b2 = [0]."],
)

q2 = FunctionQuestion(
    "Lab 7, question 2 (a bump from two sigmoid steps)", bump,
    [(_X_BUMP, -1.0, 1.5, 2.0, 10.0), (_X_BUMP_RANDOM, 0.0, 0.5, -0.7, 3.0), (_X_BUMP, -0.5, 0.5, 1.0, 500.0),
     (np.arange(-3, 4), -1, 2, 3, 2), (np.array([2.5]), 0.0, 2.0, 1.5, 800.0)],
    stable=True, draw=_draw_bump,
    in_place_message="Your function changed x in place; compute new arrays instead (e.g. `x - left`, "
                     "not `x -= left`).",
    mistakes=[
        Mistake("Your bump points the wrong way: it is σ(κ(x − right)) − σ(κ(x − left)) = −bump. The step that "
                "rises at `left` comes with a plus sign, the one at `right` with a minus.",
                lambda x, l, r, h, k: h * (_sigmoid(k * (x - r)) - _sigmoid(k * (x - l)))),
        Mistake("The steps are at the wrong places: σ(κx − t) switches at x = t/κ, not at t. Multiply the whole "
                "difference by κ: σ(κ(x − t)).",
                lambda x, l, r, h, k: h * (_sigmoid(k * x - l) - _sigmoid(k * x - r))),
        Mistake("The shift has the wrong sign: σ(κ(x + t)) switches at x = −t. Use σ(κ(x − t)).",
                lambda x, l, r, h, k: h * (_sigmoid(k * (x + l)) - _sigmoid(k * (x + r)))),
        Mistake("The height is missing: multiply the difference of the two steps by `height`.",
                lambda x, l, r, h, k: _sigmoid(k * (x - l)) - _sigmoid(k * (x - r))),
        Mistake("The steepness κ is ignored, so the bump's edges are far too soft: use σ(κ(x − t)).",
                lambda x, l, r, h, k: h * (_sigmoid(x - l) - _sigmoid(x - r))),
        Mistake("That is a single step at `left`, not a bump: subtract a second step at `right`.",
                lambda x, l, r, h, k: h * _sigmoid(k * (x - l))),
        Mistake("You multiplied the two steps, σ(κ(x − left))·σ(−κ(x − right)); the question asks for their "
                "difference: height · [σ(κ(x − left)) − σ(κ(x − right))] (the product is lower where the "
                "steps overlap, e.g. for a narrow bump or small κ).",
                lambda x, l, r, h, k: h * _sigmoid(k * (x - l)) * _sigmoid(-k * (x - r))),
    ],
    overflow_message="With steep steps (large κ) the argument of np.exp reaches hundreds or thousands on one "
                     "side of each step. Use a numerically stable sigmoid, e.g. the `sigmoid` imported at the "
                     "top of this lab (lab 3), which never exponentiates a positive number.",
    examples=[(lambda x, l, r, h, k: h * (1 / (1 + np.exp(-k * (x - l))) - 1 / (1 + np.exp(-k * (x - r)))),
               "overflows")],
    hints=["A bump is the difference of two steps: one that rises at `left`, minus one that rises at `right`.",
           "σ(κ(x − t)) is a smooth step from 0 to 1 at x = t, the sharper the larger κ.",
           "return height * (sigmoid(kappa * (x - left)) - sigmoid(kappa * (x - right)))"],
)

q3 = Question(
    "Lab 7, question 3 (the ReLU interpolant I_m)", _judge_interpolant, reference=relu_interpolant,
    solution=relu_interpolant,
    examples=[(lambda f, m, lo, hi, k=k: _q3_wrong_variants(f, m, lo, hi)[k][1],
               _q3_wrong_variants(np.sin, 2, 0.0, 1.0)[k][0]) for k in range(4)]
    + [(lambda f, m, lo, hi: (np.ones(m), np.zeros(m), np.zeros(m), 0.0), "more than the bound"),
       (lambda f, m, lo, hi: (np.ones(m + 1), np.zeros(m + 1), np.zeros(m + 1), 0.0), "must have shape")],
    hints=["Put the knots t_0, ..., t_m evenly on [low, high] (np.linspace) and compute the slope s_j of the broken "
           "line on each cell. The unit ReLU(x − t_j) (w_j = 1, b_j = −t_j) adds a kink at t_j.",
           "At x = t_0 every unit is 0, so c = f(t_0). Past the kinks t_0, ..., t_j the slope is v_0 + ... + v_j, "
           "so v_j = s_j − s_(j−1), with s_(−1) = 0.",
           "knots = np.linspace(low, high, m + 1); slopes = np.diff(f(knots)) / np.diff(knots); "
           "return np.ones(m), -knots[:-1], np.diff(slopes, prepend=0.0), f(knots[0])"],
)

q4 = _CountQuestion(
    "Lab 7, question 4 (counting parameters)", n_params,
    [([1, 2, 1],), ([2, 2, 1],), ([1, 2, 2, 2, 1],), ([10, 50, 50, 1],), ([784, 128, 10],), ([3, 1],),
     ([5, 3, 8, 2, 7, 4],)],
    draw=lambda rng: ([int(n) for n in rng.integers(1, 300, size=rng.integers(2, 7))],),
    after=_after_n_params,
    in_place_message="Your function changed `widths`, the caller's list of layer widths (with `pop`, `del` or "
                     "`append`?); read it without changing it.",
    mistakes=[
        Mistake("You counted the weights only: each layer also has one bias per unit, n_l of them.",
                lambda ws: sum(a * b for a, b in zip(ws[:-1], ws[1:]))),
        Mistake("You gave each layer one bias per input: n_(l−1) n_l + n_(l−1). A layer has one bias per unit: "
                "n_(l−1) n_l + n_l.",
                lambda ws: sum(a * b + a for a, b in zip(ws[:-1], ws[1:]))),
        Mistake("The output layer is missing: count every dense layer, from the first hidden layer to the output.",
                lambda ws: sum((a + 1) * b for a, b in zip(ws[:-2], ws[1:-1]))),
        Mistake("You counted units (neurons), not parameters.", lambda ws: sum(ws[1:])),
        Mistake("You gave the input layer biases too (+ n_0): the inputs are data, not units; only the layers "
                "that compute something — hidden layers and output — have a bias per unit.",
                lambda ws: sum((a + 1) * b for a, b in zip(ws[:-1], ws[1:])) + ws[0]),
    ],
    hints=["A dense layer from n_(l−1) to n_l units has a weight matrix of shape (n_(l−1), n_l) and a bias of "
           "length n_l.",
           "Add (n_(l−1) + 1) · n_l over consecutive pairs of widths; for one hidden layer with d inputs, m "
           "units and one output this is m(d + 2) + 1.",
           "return sum((n_in + 1) * n_out for n_in, n_out in zip(widths[:-1], widths[1:]))"],
)

q5 = _CountQuestion(
    "Lab 7, question 5 (deep versus shallow sawtooth)", sawtooth_sizes, [(1,), (2,), (3,), (6,), (10,)],
    after=_after_sawtooth_sizes,
    draw=lambda rng: (int(rng.integers(4, 31)),), n_outputs=2, returns="the pair (deep, shallow)",
    output_names=("number of parameters of the deep network", "number of parameters of the shallow network"),
    mistakes=[
        Mistake("Counting pieces gives only a lower bound, 2^k − 1 units, and it cannot be reached: with every "
                "kink inside (0, 1), each unit changes the slope by ±2^(k+1) at its corner, so the slope of the "
                "first piece is a sum of such changes — a multiple of 2^(k+1), never tent_k's 2^k. One more unit, "
                "with its kink outside (0, 1) (e.g. ReLU(x)), is needed: 2^k units, as in the chapter's ReLU "
                "interpolant.",
                lambda k: (6 * k + 1, n_params([1, 2 ** k - 1, 1]))),
        Mistake("Your deep network has one hidden layer too many: deep_sawtooth(k) has k hidden layers of 2 units "
                "(widths [1, 2, ..., 2, 1] with k twos), 6k + 1 parameters.",
                lambda k: (n_params([1] + [2] * (k + 1) + [1]), n_params([1, 2 ** k, 1]))),
        Mistake("Your shallow network has 2^(k−1) units, one per tooth; but tent_k has 2^k linear pieces "
                "(each tooth has two), and it needs 2^k units.",
                lambda k: (6 * k + 1, n_params([1, 2 ** (k - 1), 1]))),
        Mistake("These count hidden units, not parameters: use your n_params from question 4 on the layer widths.",
                lambda k: (2 * k, 2 ** k)),
        Mistake("Your shallow network has 2^k + 1 units, one more than needed: the chapter's ReLU interpolant "
                "with knots at the corners j/2^k computes tent_k exactly with 2^k units.",
                lambda k: (6 * k + 1, n_params([1, 2 ** k + 1, 1]))),
        Mistake("Your shallow network is built for 2k linear pieces; tent_k has 2^k of them (each of the k "
                "layers doubles the number of teeth), and it needs 2^k units.",
                lambda k: (6 * k + 1, n_params([1, 2 * k - 1, 1]))),
        Mistake("Your two counts are swapped: return (deep, shallow), the deep network's count first.",
                lambda k: (n_params([1, 2 ** k, 1]), 6 * k + 1)),
        Mistake("Your deep network has k − 1 hidden layers; deep_sawtooth(k) has k of them (widths [1, 2, ..., 2, "
                "1] with k twos), 6k + 1 parameters.",
                lambda k: (n_params([1] + [2] * (k - 1) + [1]), n_params([1, 2 ** k, 1]))),
        Mistake("You counted the weights only: every unit also has a bias (n_params counts both).",
                lambda k: (4 * (k - 1) + 4, 2 * 2 ** k)),
        Mistake("Your deep count is 6k, one short: the output unit has a bias too. deep_sawtooth(k) has widths "
                "[1, 2, ..., 2, 1], n_params = 4 + 6(k − 1) + 3 = 6k + 1.", lambda k: (6 * k, 3 * 2 ** k + 1)),
    ],
    hints=["deep_sawtooth(k) has widths [1, 2, 2, ..., 2, 1] with k hidden layers of 2 ReLU units. A shallow "
           "network with m ReLU units is piecewise linear with at most m + 1 pieces, and tent_k has 2^k pieces: "
           "that is a lower bound. Can 2^k − 1 units reach it? Look at the slope of the first piece.",
           "Units whose kinks lie inside (0, 1) change the slope by ±2^(k+1) each, so the first slope 2^k needs "
           "one more unit with its kink outside (0, 1), e.g. ReLU(x): m = 2^k. deep: n_params([1] + [2] * k + [1]) = 6k + 1; shallow: "
           "n_params([1, m, 1]) = 3m + 1.",
           "return n_params([1] + [2] * k + [1]), n_params([1, 2 ** k, 1])"],
)
