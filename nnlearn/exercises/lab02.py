"""Lab 2 — the perceptron: prediction, Rosenblatt's rule, training, NAND by hand, XOR with a hidden layer.

Questions: ``q1`` a perceptron's predictions for a batch, ``q2`` one update of Rosenblatt's rule,
``q3`` training until an epoch without a mistake (judged against the weights Rosenblatt's rule gives),
``q4`` weights for NAND chosen by hand, ``q5`` weights of a two-layer step network that computes XOR.
"""

import signal
import threading

import numpy as np

from ..datasets import logic_gate
from ._feedback import _describe, _exception_text, _numbers
from ._function_question import FunctionQuestion, Mistake
from ._gate_weights import _point, nand_weights, q4, q5, xor_weights  # noqa: F401 - questions 4 and 5
from ._lab02_answers import (_count_weight_changes, _in_place_update, _no_bias, _one_epoch,
                             _stop_on_first_mistake_free_sample, _strict_test_only, _strict_training,
                             _strict_update,
                             _wrong_sign, _wrong_sign_update, perceptron_predict,
                             perceptron_update, train_perceptron)
from ._question import Incorrect, Question

__all__ = ["q1", "q2", "q3", "q4", "q5"]

_rng = np.random.default_rng(202)


def step(z):
    """The step function of the book: 1 where z >= 0, else 0 (as integers)."""
    return np.where(z >= 0, 1, 0)


# -- test cases -----------------------------------------------------------------------------------------

_NOTES_W, _NOTES_B = np.array([0.5, 0.8]), -1.0
_FRUITS = np.array([[0.6, 0.4], [1.2, 1.0], [1.0, 0.5], [1.0, 1.0], [2.0, 0.0]])   # the last one: z = 0
_X_GATE = logic_gate("and")[0]
_PREDICT_CASES = [
    (_FRUITS, _NOTES_W, _NOTES_B),
    (_X_GATE, np.array([1.0, 1.0]), -2.0),          # AND's learned weights: (1, 1) lies on the line
    (_rng.normal(size=(6, 3)), np.array([1.0, -2.0, 0.5]), 0.3),
    (np.array([[1, 2], [2, 1], [0, 0], [3, -1]]), np.array([1, -1]), 1),   # ints; z = 0 at (1, 2)
    (np.array([[0.96, 0.0], [1.04, 0.0], [0.999, 0.0]]), np.array([1.0, 0.5]), -1.0),  # z close to 0
]


def _draw_predict(rng):
    """Integer points and weights, so that some points lie exactly on the line (z = 0)."""
    n, d = int(rng.integers(3, 9)), int(rng.integers(1, 4))
    X = rng.integers(-2, 3, size=(n, d)).astype(float)
    w = rng.integers(-2, 3, size=d).astype(float)
    return X, w, float(rng.integers(-2, 3))


def _draw_update(rng):
    d = int(rng.integers(2, 5))
    x, w = rng.integers(-2, 3, size=d).astype(float), rng.integers(-2, 3, size=d).astype(float)
    lr = float(rng.choice([0.1, 0.25, 0.5, 2.0, 3.0]))
    return x, int(rng.integers(0, 2)), w, float(rng.integers(-2, 3)), lr

_UPDATE_CASES = [
    (np.array([1.0, 2.0]), 1, np.array([0.5, 0.25]), -0.5, 1.0),        # right (z = 0.5): no change
    (np.array([1.0, 0.5]), 1, np.array([-1.0, 0.5]), 0.0, 1.0),         # a missed 1 (z = -0.75)
    (np.array([0.0, 0.0]), 0, np.array([0.0, 0.0]), 0.0, 1.0),          # z = 0 is predicted 1: a false 1
    (np.array([0.5, -1.0, 2.0]), 0, np.array([1.0, 0.0, 0.5]), 0.25, 0.5),  # a false 1, eta = 0.5
    (np.array([2.0, 1.0]), 0, np.array([-1.0, 1.0]), 0.0, 0.5),         # right (z = -1): no change
    (np.array([1.0, 1.0, -1.0]), 1, np.array([0.5, -1.0, 1.0]), 0.25, 0.1),  # a missed 1, eta = 0.1
    (np.array([1, 1]), 1, np.array([1.0, -0.5]), -1.0, 0.25),         # the bias decides: missed
]


class _PredictQuestion(FunctionQuestion):
    """The question asks for "an integer array of 0s and 1s": right values of another type are told so."""

    def _numeric_outputs(self, out):
        self._returned.append(out)
        return super()._numeric_outputs(out)

    def _judge_function(self, answer):
        self._returned = []
        super()._judge_function(answer)
        for out in self._returned:
            if not isinstance(out, np.ndarray):
                raise Incorrect(f"Your predictions are right, but your function returns a "
                                f"{type(out).__name__}; the question asks for an integer array "
                                "of 0s and 1s: np.where(X @ w + b >= 0, 1, 0).")
            if out.dtype.kind == "b":
                raise Incorrect("Your predictions are booleans (True/False); return 0/1 "
                                "integers: `(X @ w + b >= 0).astype(int)`. With booleans, "
                                "y − ŷ in the update rule fails or gives wrong values.")
            if out.dtype.kind not in "iu":
                raise Incorrect(f"Your predictions are right, but they are {out.dtype} numbers "
                                "(1.0, 0.0); the question asks for an integer array of 0s and "
                                "1s: np.where(X @ w + b >= 0, 1, 0), or `.astype(int)`.")


q1 = _PredictQuestion(
    "Lab 2, question 1 (perceptron prediction)", perceptron_predict, _PREDICT_CASES,
    draw=_draw_predict, atol=0.0,
    mistakes=[
        Mistake("At z = 0 exactly you predict 0, but in this book step(0) = 1 (\"1 if z ≥ 0\"); the course "
                "notes' \"1 if z > 0\" differs exactly on points of the line, such as the fruit (2, 0).",
                lambda X, w, b: np.where(X @ w + b > 0, 1, 0)),
        Mistake("The bias is missing: z = w·x + b, so without b the boundary must pass through the origin.",
                lambda X, w, b: np.where(X @ w >= 0, 1, 0)),
        Mistake("You return the pre-activation z; the prediction is ŷ = step(z), 0 or 1.",
                lambda X, w, b: X @ w + b),
        Mistake("Your predictions are the opposite: ŷ = 1 where z = w·x + b ≥ 0 (on the side w points to).",
                lambda X, w, b: np.where(X @ w + b >= 0, 0, 1)),
        Mistake("Your labels are −1 and +1; this book's perceptron answers 0 or 1: ŷ = step(z).",
                lambda X, w, b: np.where(X @ w + b >= 0, 1, -1)),
    ],
    examples=[(lambda X, w, b: np.where(w @ X.T + b >= 0, 1, 0)[None, :], "shape")],
    hints=["z = X @ w gives one pre-activation per sample (row of X); add b, then apply the step.",
           "step(z) is 1 where z ≥ 0 and 0 elsewhere; np.where(condition, 1, 0) works on a whole array.",
           "return np.where(X @ w + b >= 0, 1, 0)"],
)

q2 = FunctionQuestion(
    "Lab 2, question 2 (one update of the rule)", perceptron_update, _UPDATE_CASES, n_outputs=2,
    output_names=("weight vector w", "new bias b"), returns="the new weights w and the new bias b",
    draw=_draw_update, n_draws=4,
    mistakes=[
        Mistake("The sign of your update is flipped: w ← w + η (y − ŷ) x. After a missed 1 (y = 1, ŷ = 0) "
                "w must move towards x, so that z rises.",
                _wrong_sign_update),
        Mistake("The bias is not updated: b ← b + η (y − ŷ), like a weight whose input is always 1.",
                lambda x, y, w, b, lr: (perceptron_update(x, y, w, b, lr)[0], b)),
        Mistake("You update on every sample, right or wrong. The rule changes the weights only on a mistake: "
                "the factor (y − ŷ) is 0 when ŷ = y.",
                lambda x, y, w, b, lr: (w + lr * (2 * y - 1) * x, b + lr * (2 * y - 1))),
        Mistake("The learning rate η is missing: w ← w + η (y − ŷ) x and b ← b + η (y − ŷ).",
                lambda x, y, w, b, lr: perceptron_update(x, y, w, b, 1.0)),
        Mistake("You used z = w·x + b in place of ŷ = step(z): w ← w + η (y − ŷ) x uses the perceptron's "
                "answer, 0 or 1 (with z you get the delta rule of a linear unit, not the perceptron's rule).",
                lambda x, y, w, b, lr: (w + lr * (y - (x @ w + b)) * x, b + lr * (y - (x @ w + b)))),
        Mistake("At z = 0 exactly you predict ŷ = 0, but step(0) = 1 in this book, so with w = 0, b = 0 the "
                "sample x = (0, 0) with y = 0 is a mistake (a false 1).", _strict_update),
    ],
    in_place_message="Your function changed the caller's `w` in place (with `w += ...` or "
                     "`w[...] = ...`): return a new array instead, "
                     "`w_new = w + lr * (y - y_hat) * x`, and leave the `w` you were given as it was.",
    examples=[(_in_place_update, "changed the caller's `w` in place")],
    hints=["First compute the perceptron's answer ŷ = step(w·x + b) for this one sample (step(0) = 1). Then "
           "apply w ← w + η (y − ŷ) x and b ← b + η (y − ŷ).",
           "(y − ŷ) is +1 for a missed 1, −1 for a false 1 and 0 when the answer is right, so the same formula "
           "covers all three cases. Write `w_new = w + ...` (a new array) instead of `w += ...`, which would "
           "change the caller's array.",
           "y_hat = 1 if x @ w + b >= 0 else 0; return w + lr * (y - y_hat) * x, b + lr * (y - y_hat)"],
)


# -- q3: training, judged by its result -----------------------------------------------------------------

_TRAIN_DATA = [("AND", *logic_gate("and")), ("OR", *logic_gate("or")), ("NAND", *logic_gate("nand")),
               ("NOR", *logic_gate("nor"))]

_TRAIN_MISTAKES = [
    (_count_weight_changes, "You stopped after an epoch that still had a mistake: you count "
                            "changes of w, but a mistake on x = 0 changes only b. Count the "
                            "mistakes (ŷ ≠ y), not the changes of w."),
    (_one_epoch, "Your weights are those after a single epoch. Repeat the epochs until one of "
                 "them has no mistake (at most `max_epochs` of them): only then does every sample "
                 "lie on its side."),
    (_wrong_sign, "The sign of your update is flipped: w ← w + η (y − ŷ) x, b ← b + η (y − ŷ) "
                  "(your `perceptron_update` of question 2 does it right)."),
    (_no_bias, "Your bias is still 0 after training: update it too, b ← b + η (y − ŷ), like a "
               "weight whose input is always 1. Without it the line must pass through the origin."),
    (_stop_on_first_mistake_free_sample, "You stop at the first sample that is classified "
                                         "correctly. Training stops only after a whole epoch "
                                         "without a mistake."),
]

# (1, 1) has both labels, so no line separates the data: training runs max_epochs epochs.
_NOISY_X = np.array([[1.0, 1.0], [-1.0, 1.0], [-2.0, 1.0], [2.0, 2.0], [-1.0, -1.0], [1.0, 1.0]])
_NOISY_Y = np.array([1, 0, 1, 0, 0, 0])
_NOISY = "6 points that no line separates (x = (1, 1) has both labels), with "
_TRAIN_CASES = [(name, X, y, {}) for name, X, y in _TRAIN_DATA] + [
    ("AND with lr=0.5", _X_GATE, logic_gate("and")[1], {"lr": 0.5}),
    ("NAND with lr=2", _X_GATE, logic_gate("nand")[1], {"lr": 2.0}),
    ("labels that are all 1 (w = 0, b = 0 already classify them: the first epoch has no "
     "mistake)", _X_GATE, np.ones(4, dtype=int), {}),
    (_NOISY + "max_epochs=5", _NOISY_X, _NOISY_Y, {"max_epochs": 5}),
    (_NOISY + "lr=0.5 and max_epochs=3", _NOISY_X, _NOISY_Y, {"lr": 0.5, "max_epochs": 3}),
    ("4 separable points, one of them x = (0, 0), which an epoch may get wrong alone",
     np.array([[0.0, -2.0], [1.0, 0.0], [2.0, -1.0], [0.0, 0.0]]), np.array([1, 1, 1, 0]), {}),
]
_train_rng = np.random.default_rng(2002)   # fresh data for every check


def _random_points(rng):
    n, d = int(rng.integers(5, 10)), int(rng.integers(2, 4))
    X = rng.integers(-3, 4, size=(n, d))
    return X if rng.random() < 0.5 else X.astype(float)


def _drawn_cases(rng):
    """A separable data set (from a line through no point) and one that training cannot finish."""
    cases = []
    for _ in range(50):
        X = _random_points(rng)
        y = (X @ rng.integers(-2, 3, size=X.shape[1]) + rng.integers(-2, 3) + 0.5 > 0).astype(int)
        lr = float(rng.choice([0.25, 0.5, 1.0, 2.0]))
        fits = np.array_equal(perceptron_predict(X, *train_perceptron(X, y, lr)), y)
        if 0 < y.sum() < len(y) and fits:
            cases.append((f"a random separable data set of {len(y)} points, with lr={lr:g}", X, y,
                          {"lr": lr}))
            break
    for _ in range(50):
        X, k = _random_points(rng), int(rng.integers(2, 7))
        y = rng.integers(0, 2, size=len(X))
        i = int(rng.integers(len(X)))      # one point twice, with both labels: no line separates
        X, y = np.vstack([X, X[i]]), np.append(y, 1 - y[i])
        runs = [tuple(np.append(*train_perceptron(X, y, 1.0, m))) for m in (k - 1, k, k + 1, 100)]
        if len(set(runs)) == 4:
            cases.append((f"{len(y)} random points that no line separates (x = {_point(X[i])} has "
                          f"both labels), with max_epochs={k}", X, y, {"max_epochs": k}))
            break
    return cases


class _TooSlow(Exception):
    pass


def _run_limited(train, X, y, kwargs, seconds=1.0):
    """``train(X, y, **kwargs)``, stopped after ``seconds`` where a timer can (the main thread)."""
    main = threading.current_thread() is threading.main_thread()
    if not hasattr(signal, "setitimer") or not main or signal.getitimer(signal.ITIMER_REAL)[0]:
        return train(X, y, **kwargs)      # no timer of our own (or someone else's is running)

    def stop(signum, frame):
        raise _TooSlow()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return train(X, y, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _weights(out, X):
    if out is None:
        raise Incorrect("Your function returned None: did you forget the `return w, b`?")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise Incorrect("Your function must return two values, the weights w and the bias b: "
                        f"`return w, b`; it returned {_describe(out)}.")
    w, b = _numbers(out[0], "The weights w"), _numbers(out[1], "The bias b")
    if w.shape != (X.shape[1],):
        raise Incorrect(f"The weights w have shape {w.shape}; expected {(X.shape[1],)}, one per "
                        "feature.")
    if b.size != 1:
        raise Incorrect(f"The bias b must be one number, got an array of shape {b.shape}.")
    return w, float(b.ravel()[0])


def _shown(w, b):
    return f"w = {np.round(w, 4).tolist()}, b = {b:.4g}"


def _diagnose(w, b, name, X, y, kwargs, like=lambda other: True):
    """Why the weights differ from Rosenblatt's rule with these arguments (raises Incorrect).

    ``like(other)`` tells whether the learner's function trains like ``other`` on every listed
    data set (not only on this one).
    """
    lr, max_epochs = kwargs.get("lr", 1.0), kwargs.get("max_epochs", 100)
    w_t, b_t = _strict_test_only(X, y, lr, max_epochs)
    if (not w.any() and b == 0.0 and not w_t.any() and b_t == 0.0
            and like(_strict_test_only)):
        raise Incorrect(f"On {name} nothing was ever updated: your weights are still w = 0, "
                        "b = 0. Your loop finds the mistakes with z > 0 (ŷ = 0 at z = 0), but "
                        "your update predicts with z ≥ 0 (step(0) = 1, as in "
                        "perceptron_update): at w = 0, b = 0 every mistake your loop finds has "
                        "z = 0, where the update sees none and changes nothing. Predict with "
                        "`>= 0` in the loop too (your `perceptron_predict`).")

    def same(**changed):
        w_m, b_m = train_perceptron(X, y, **{"lr": lr, "max_epochs": max_epochs, **changed})
        return np.allclose(w, w_m) and np.isclose(b, b_m)

    for mistake, message in _TRAIN_MISTAKES:
        w_m, b_m = mistake(X.copy(), y.copy(), lr, max_epochs)
        if np.allclose(w, w_m) and np.isclose(b, b_m):
            raise Incorrect(message)
    if lr != 1.0 and same(lr=1.0):
        raise Incorrect(f"On {name} your weights are those of lr = 1: your function ignores `lr`. "
                        "Pass it on to every update, perceptron_update(x_i, y_i, w, b, lr).")
    if max_epochs != 100 and same(max_epochs=100):
        raise Incorrect(f"On {name} your function ran 100 epochs: it ignores `max_epochs`. Loop "
                        "`for epoch in range(max_epochs):`.")
    wrong = np.flatnonzero(perceptron_predict(X, w, b) != y)
    w_s, b_s = _strict_training(X, y, lr, max_epochs)
    if wrong.size and np.allclose(w, w_s) and np.isclose(b, b_s) and like(_strict_training):
        i = wrong[0]
        z = float(X[i] @ w + b)
        on_line = (f" x = {_point(X[i])} gives z = {z:g} and step(0) = 1, so it is predicted "
                   f"1, not {y[i]}." if z == 0 else "")
        raise Incorrect(f"Your loop predicts with z > 0, but in this book step(0) = 1 "
                        f"(ŷ = 1 if z ≥ 0): on {name} your weights {_shown(w, b)} are those of "
                        f"training with z > 0.{on_line} Predict with `>= 0` (your "
                        "`perceptron_predict`), in the loop as in `perceptron_update`.")
    if wrong.size and not kwargs:
        for epochs in range(1, 11):
            w_k, b_k = train_perceptron(X, y, lr, epochs)
            if np.allclose(w, w_k) and np.isclose(b, b_k):
                raise Incorrect(f"On {name} your weights {_shown(w, b)} are those after "
                                f"{epochs} epochs, but epoch {epochs + 1} still has mistakes "
                                f"({wrong.size} of the {len(y)} inputs "
                                f"{'is' if wrong.size == 1 else 'are'} misclassified): "
                                "do not run a fixed number of epochs; repeat them until one "
                                "has no mistake (`break`), at most `max_epochs` of them.")
    for epochs in (max_epochs - 1, max_epochs + 1):
        if epochs >= 1 and wrong.size and same(max_epochs=epochs):
            raise Incorrect(f"On {name} your function ran {epochs} epochs instead of {max_epochs} "
                            "(off by one): `for epoch in range(max_epochs):` runs exactly "
                            "max_epochs of them.")
    if not kwargs and wrong.size:
        if b == 0.0 and not w.any():
            raise Incorrect(f"Your weights are w = 0, b = 0 after training on {name}, as at the "
                            "start. On every mistake apply w ← w + η (y − ŷ) x and "
                            "b ← b + η (y − ŷ).")
        if b == 0.0:
            raise Incorrect(f"Your bias is still 0 after training on {name}, and your weights "
                            f"misclassify {wrong.size} of its {len(y)} inputs. Update the bias "
                            "too, b ← b + η (y − ŷ): without it the line must pass through the "
                            "origin.")
        i = wrong[0]
        raise Incorrect(f"After training on {name} your weights {_shown(w, b)} misclassify "
                        f"{wrong.size} of the {len(y)} inputs, e.g. x = {_point(X[i])} with "
                        f"y = {y[i]}. Run whole epochs, updating on every mistake, until an epoch "
                        "has no mistake.")
    w_ref, b_ref = train_perceptron(X, y, **kwargs)
    fits = "classify every input, but they " if wrong.size == 0 else ""
    raise Incorrect(f"On {name} your weights {_shown(w, b)} {fits}differ from those of "
                    f"Rosenblatt's rule, {_shown(w_ref, b_ref)}: start from w = 0, b = 0, visit "
                    "the samples in order, update only on a mistake, and stop after the first "
                    "epoch without one or after max_epochs epochs.")


def _judge_training(train):
    for name, X, y, kwargs in _TRAIN_CASES + _drawn_cases(_train_rng):
        try:
            with np.errstate(all="ignore"):
                out = _run_limited(train, X.copy(), y.copy(), kwargs)
        except NotImplementedError:
            raise
        except _TooSlow:
            raise Incorrect(f"Your function did not finish within a second on {name}. When no "
                            "line separates the data, no epoch is free of mistakes: stop after "
                            "max_epochs epochs, `for epoch in range(max_epochs):`.") from None
        except Exception as exc:
            called = f", called with {kwargs}" if kwargs else ""
            raise Incorrect(f"Your function raised {_exception_text(exc)} (training on "
                            f"{name}{called}).") from None
        w, b = _weights(out, X)
        w_ref, b_ref = train_perceptron(X, y, **kwargs)
        if not (np.allclose(w, w_ref) and np.isclose(b, b_ref)):
            _diagnose(w, b, name, X, y, kwargs, lambda other: _trains_like(train, other))


def _trains_like(train, other):
    """True if ``train`` gives the weights of ``other`` on every listed data set."""
    for _, X, y, kwargs in _TRAIN_CASES:
        try:
            with np.errstate(all="ignore"):
                w, b = _weights(_run_limited(train, X.copy(), y.copy(), kwargs), X)
        except Exception:
            return False
        w_o, b_o = other(X, y, **kwargs)
        if not (np.allclose(w, w_o) and np.isclose(b, b_o)):
            return False
    return True


q3 = Question(
    "Lab 2, question 3 (training until no mistake)", _judge_training, reference=train_perceptron,
    examples=[(_one_epoch, "single epoch"), (_no_bias, "bias is still 0"), (_wrong_sign, "sign"),
              (_stop_on_first_mistake_free_sample, "whole epoch"),
              (lambda X, y, lr=1.0, max_epochs=100: np.zeros(X.shape[1]), "two values")],
    hints=["Start from w = 0 (np.zeros(X.shape[1])) and b = 0. One epoch visits every sample (x_i, y_i) once, "
           "in order, and updates with your `perceptron_update` when the answer is wrong; count the mistakes.",
           "Put the epoch in a `for epoch in range(max_epochs):` loop and `break` after an epoch with no "
           "mistake. Return w, b.",
           "for epoch in range(max_epochs): mistakes = 0; for x_i, y_i in zip(X, y): if the prediction is wrong: "
           "w, b = perceptron_update(x_i, y_i, w, b, lr); mistakes += 1 — then `if mistakes == 0: break`."],
)
