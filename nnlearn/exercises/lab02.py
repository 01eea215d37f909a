"""Lab 2 — the perceptron: prediction, Rosenblatt's rule, training, NAND by hand, XOR with a hidden layer.

Questions: ``q1`` a perceptron's predictions for a batch, ``q2`` one update of Rosenblatt's rule,
``q3`` training until an epoch without a mistake (judged by whether the result classifies the data),
``q4`` weights for NAND chosen by hand, ``q5`` weights of a two-layer step network that computes XOR.
"""

import numpy as np

from ..datasets import logic_gate
from ._feedback import _describe, _numbers, _values
from ._question import FunctionQuestion, Incorrect, Mistake, Question

__all__ = ["q1", "q2", "q3", "q4", "q5"]

_rng = np.random.default_rng(202)


def step(z):
    """The step function of the book: 1 where z >= 0, else 0 (as integers)."""
    return np.where(z >= 0, 1, 0)


def perceptron_predict(X, w, b):
    """The perceptron's predictions y_hat = step(X w + b) for a batch X of shape (n_samples, n_features)."""
    z = X @ w + b                      # one pre-activation per sample
    return np.where(z >= 0, 1, 0)      # step(0) = 1


def perceptron_update(x, y, w, b, lr):
    """One visit of Rosenblatt's rule to the sample (x, y); returns the new (w, b), leaves w unchanged."""
    y_hat = 1 if x @ w + b >= 0 else 0
    w_new = w + lr * (y - y_hat) * x   # a new array: nothing changes when y_hat == y
    b_new = b + lr * (y - y_hat)
    return w_new, b_new


def train_perceptron(X, y, lr=1.0, max_epochs=100):
    """Rosenblatt's rule from w = 0, b = 0, visiting the samples in order, until an epoch has no mistake."""
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            y_hat = 1 if x_i @ w + b >= 0 else 0
            if y_hat != y_i:
                w, b = perceptron_update(x_i, y_i, w, b, lr)
                mistakes += 1
        if mistakes == 0:
            break
    return w, b


def nand_weights():
    """Weights and bias of a perceptron computing NAND (1 unless both inputs are 1)."""
    w = np.array([-1.0, -1.0])
    b = 1.5                            # z = 1.5, 0.5, 0.5, -0.5 on (0,0), (0,1), (1,0), (1,1)
    return w, b


def xor_weights():
    """A 2 -> 2 -> 1 network of step units computing XOR: hidden OR and NAND, output AND."""
    W1 = np.array([[1.0, -1.0],        # column 0: OR,   step(x1 + x2 - 0.5)
                   [1.0, -1.0]])       # column 1: NAND, step(-x1 - x2 + 1.5)
    b1 = np.array([-0.5, 1.5])
    w2 = np.array([1.0, 1.0])          # output: AND of h1 and h2, step(h1 + h2 - 1.5)
    b2 = -1.5
    return W1, b1, w2, b2


# -- test cases -----------------------------------------------------------------------------------------

_NOTES_W, _NOTES_B = np.array([0.5, 0.8]), -1.0
_FRUITS = np.array([[0.6, 0.4], [1.2, 1.0], [1.0, 0.5], [1.0, 1.0], [2.0, 0.0]])   # the last one: z = 0
_X_GATE = logic_gate("and")[0]
_PREDICT_CASES = [
    (_FRUITS, _NOTES_W, _NOTES_B),
    (_X_GATE, np.array([1.0, 1.0]), -2.0),          # AND's learned weights: (1, 1) lies on the line
    (_rng.normal(size=(6, 3)), np.array([1.0, -2.0, 0.5]), 0.3),
]

_UPDATE_CASES = [
    (np.array([1.0, 2.0]), 1, np.array([0.5, 0.25]), -0.5, 1.0),        # right (z = 0.5): no change
    (np.array([1.0, 0.5]), 1, np.array([-1.0, 0.5]), 0.0, 1.0),         # a missed 1 (z = -0.75)
    (np.array([0.0, 0.0]), 0, np.array([0.0, 0.0]), 0.0, 1.0),          # z = 0 is predicted 1: a false 1
    (np.array([0.5, -1.0, 2.0]), 0, np.array([1.0, 0.0, 0.5]), 0.25, 0.5),  # a false 1, eta = 0.5
    (np.array([2.0, 1.0]), 0, np.array([-1.0, 1.0]), 0.0, 0.5),         # right (z = -1): no change
    (np.array([1.0, 1.0, -1.0]), 1, np.array([0.5, -1.0, 1.0]), 0.25, 0.1),  # a missed 1, eta = 0.1
]


def _wrong_sign_update(x, y, w, b, lr):
    y_hat = 1 if x @ w + b >= 0 else 0
    return w - lr * (y - y_hat) * x, b - lr * (y - y_hat)


def _strict_update(x, y, w, b, lr):
    y_hat = 1 if x @ w + b > 0 else 0
    return w + lr * (y - y_hat) * x, b + lr * (y - y_hat)


def _in_place_update(x, y, w, b, lr):
    y_hat = 1 if x @ w + b >= 0 else 0
    w += lr * (y - y_hat) * x
    return w, b + lr * (y - y_hat)


q1 = FunctionQuestion(
    "Lab 2, question 1 (perceptron prediction)", perceptron_predict, _PREDICT_CASES,
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
    output_names=("new weights w", "new bias b"),
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
    examples=[(_in_place_update, "in place")],
    hints=["First compute the perceptron's answer ŷ = step(w·x + b) for this one sample (step(0) = 1). Then "
           "apply w ← w + η (y − ŷ) x and b ← b + η (y − ŷ).",
           "(y − ŷ) is +1 for a missed 1, −1 for a false 1 and 0 when the answer is right, so the same formula "
           "covers all three cases. Write `w_new = w + ...` (a new array) instead of `w += ...`, which would "
           "change the caller's array.",
           "y_hat = 1 if x @ w + b >= 0 else 0; return w + lr * (y - y_hat) * x, b + lr * (y - y_hat)"],
)


# -- q3: training, judged by its result -----------------------------------------------------------------

def _one_epoch(X, y, lr=1.0, max_epochs=100):
    w, b = np.zeros(X.shape[1]), 0.0
    for x_i, y_i in zip(X, y):
        w, b = perceptron_update(x_i, y_i, w, b, lr)
    return w, b


def _no_bias(X, y, lr=1.0, max_epochs=100):
    w = np.zeros(X.shape[1])
    for epoch in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            y_hat = 1 if x_i @ w >= 0 else 0
            if y_hat != y_i:
                w = w + lr * (y_i - y_hat) * x_i
                mistakes += 1
        if mistakes == 0:
            break
    return w, 0.0


def _wrong_sign(X, y, lr=1.0, max_epochs=100):
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            y_hat = 1 if x_i @ w + b >= 0 else 0
            if y_hat != y_i:
                w, b = w - lr * (y_i - y_hat) * x_i, b - lr * (y_i - y_hat)
                mistakes += 1
        if mistakes == 0:
            break
    return w, b


def _stop_on_first_mistake_free_sample(X, y, lr=1.0, max_epochs=100):
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(max_epochs):
        for x_i, y_i in zip(X, y):
            y_hat = 1 if x_i @ w + b >= 0 else 0
            if y_hat == y_i:
                return w, b
            w, b = perceptron_update(x_i, y_i, w, b, lr)
    return w, b


_TRAIN_DATA = [("AND", *logic_gate("and")), ("OR", *logic_gate("or")), ("NAND", *logic_gate("nand")),
               ("NOR", *logic_gate("nor"))]

_TRAIN_MISTAKES = [
    (_one_epoch, "Your weights are those after a single epoch. Repeat the epochs until one of them has no "
                 "mistake (at most `max_epochs` of them): only then does every sample lie on its side."),
    (_wrong_sign, "The sign of your update is flipped: w ← w + η (y − ŷ) x, b ← b + η (y − ŷ) (your "
                  "`perceptron_update` of question 2 does it right)."),
    (_stop_on_first_mistake_free_sample, "You stop at the first sample that is classified correctly. Training "
                                         "stops only after a whole epoch without a mistake."),
]


def _judge_training(train):
    if not callable(train):
        raise Incorrect(f"Pass your function itself, e.g. check(train_perceptron), not {type(train).__name__}.")
    for name, X, y in _TRAIN_DATA:
        try:
            with np.errstate(all="ignore"):
                out = train(X.copy(), y.copy())
        except NotImplementedError:
            raise
        except Exception as exc:
            raise Incorrect(f"Your function raised {type(exc).__name__}: {exc} (training on {name}).") from None
        if out is None:
            raise Incorrect("Your function returned None: did you forget the `return w, b`?")
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise Incorrect("Your function must return two values, the weights w and the bias b: `return w, b`; "
                            f"it returned {_describe(out)}.")
        w, b = _numbers(out[0], "The weights w"), _numbers(out[1], "The bias b")
        if w.shape != (X.shape[1],):
            raise Incorrect(f"The weights w have shape {w.shape}; expected {(X.shape[1],)}, one per feature.")
        if b.size != 1:
            raise Incorrect(f"The bias b must be one number, got an array of shape {b.shape}.")
        b = float(b.ravel()[0])
        predictions = perceptron_predict(X, w, b)
        wrong = np.flatnonzero(predictions != y)
        if wrong.size == 0:
            continue
        for mistake, message in _TRAIN_MISTAKES:
            w_m, b_m = mistake(X.copy(), y.copy())
            if np.allclose(w, w_m) and np.isclose(b, b_m):
                raise Incorrect(message)
        if b == 0.0:
            raise Incorrect(f"Your bias is still 0 after training on {name}, and your weights misclassify "
                            f"{wrong.size} of its {len(y)} inputs. Update the bias too, b ← b + η (y − ŷ): "
                            "without it the line must pass through the origin.")
        i = wrong[0]
        raise Incorrect(f"After training on {name} your weights w = {np.round(w, 3)}, b = {b:.3g} misclassify "
                        f"{wrong.size} of the {len(y)} inputs, e.g. x = {_point(X[i])} with y = {y[i]}. Run whole "
                        "epochs, updating on every mistake, until an epoch has no mistake.")


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


# -- q4 and q5: weights by hand -------------------------------------------------------------------------

_X4 = logic_gate("nand")[0]
_GATES = {gate: logic_gate(gate)[1] for gate in ("and", "or", "nand", "nor", "xor")}
_GATES["xnor"] = 1 - _GATES["xor"]


def _point(x):
    return "(" + ", ".join(f"{v:g}" for v in x) + ")"


def _which_gate(predictions):
    for gate, table in _GATES.items():
        if np.array_equal(predictions, table):
            return gate.upper()
    if np.all(predictions == 1):
        return "always 1"
    if np.all(predictions == 0):
        return "always 0"
    return None


def _unpack(answer, names, what):
    return _values(answer(), names, what)


def _judge_nand(answer):
    w, b = _unpack(answer, ("w", "b"), "the weights w (2 numbers) and the bias b")
    if w.shape != (2,) or b.size != 1:
        raise Incorrect(f"w must have shape (2,) and b must be one number; got shapes {w.shape} and {b.shape}.")
    b = float(b.ravel()[0])
    z = _X4 @ w + b
    predictions = step(z)
    target = _GATES["nand"]
    wrong = np.flatnonzero(predictions != target)
    if wrong.size == 0:
        return
    if b == 0.0:
        raise Incorrect("With b = 0 the line passes through the origin, and NAND needs w1 ≥ 0, w2 ≥ 0 (for "
                        "(1, 0) and (0, 1)) but w1 + w2 < 0 (for (1, 1)): impossible. You need a bias.")
    on_line = [i for i in wrong if z[i] == 0]
    if on_line:
        i = on_line[0]
        raise Incorrect(f"The input {_point(_X4[i])} lies exactly on your line (z = 0), so it is predicted 1, because "
                        "step(0) = 1. Move the line away from the data points (change b a little).")
    gate = _which_gate(predictions)
    if gate == "AND":
        raise Incorrect("Your perceptron computes AND; NAND is its negation. Multiply w and b by −1 "
                        "(and check that no input lands exactly on the line).")
    if gate is not None:
        raise Incorrect(f"Your perceptron computes {gate}, not NAND (1 unless both inputs are 1).")
    inputs = ", ".join(_point(_X4[i]) for i in wrong)
    raise Incorrect(f"Your perceptron gets {wrong.size} of the 4 inputs wrong: {inputs}. NAND is 1 for (0, 0), "
                    "(0, 1), (1, 0) and 0 for (1, 1).")


q4 = Question(
    "Lab 2, question 4 (NAND by hand)", _judge_nand, reference=nand_weights,
    examples=[(lambda: (np.array([1.0, 1.0]), -1.5), "AND"),
              (lambda: (np.array([-1.0, -1.0]), 2.0), "exactly on your line"),
              (lambda: (np.array([1.0, 1.0]), -0.5), "computes OR"),
              (lambda: (np.array([-1.0, -1.0]), 0.0), "need a bias"),
              (lambda: (np.array([-1.0, 1.0]), 0.5), "wrong")],
    hints=["NAND is 1 for (0, 0), (0, 1), (1, 0) and 0 for (1, 1). Write the four conditions on w1, w2, b, "
           "e.g. (0, 0) ↦ 1 needs b ≥ 0 and (1, 1) ↦ 0 needs w1 + w2 + b < 0.",
           "AND is step(x1 + x2 − 1.5). NAND is NOT AND: flip the signs of w and b. Keep every input off the "
           "line, since step(0) = 1.",
           "w = np.array([-1.0, -1.0]); b = 1.5"],
    solution=nand_weights,
)


def _judge_xor(answer):
    W1, b1, w2, b2 = _unpack(answer, ("W1", "b1", "w2", "b2"), "W1 (2, 2), b1 (2,), w2 (2,) and b2")
    shapes = {"W1": (W1.shape, (2, 2)), "b1": (b1.shape, (2,)), "w2": (w2.shape, (2,))}
    for name, (got, expected) in shapes.items():
        if got != expected:
            raise Incorrect(f"{name} has shape {got}; expected {expected}.")
    if b2.size != 1:
        raise Incorrect(f"b2 must be one number, got an array of shape {b2.shape}.")
    b2 = float(b2.ravel()[0])
    target = _GATES["xor"]

    def network(W):
        H = step(_X4 @ W + b1)
        return H, step(H @ w2 + b2)

    H, predictions = network(W1)
    if np.array_equal(predictions, target):
        return
    if np.array_equal(network(W1.T)[1], target):
        raise Incorrect("Your W1 is in the column convention, one row per hidden unit. Batch-first, as in "
                        "H = step(X W1 + b1), column j of W1 holds the weights of hidden unit j: use W1.T.")
    units = [_which_gate(H[:, j]) for j in range(2)]
    described = " and ".join(f"h{j + 1} = {u}" if u else f"h{j + 1} = (no gate)" for j, u in enumerate(units))
    gate = _which_gate(predictions)
    if gate == "XNOR":
        raise Incorrect(f"Your network computes XNOR, the opposite of XOR ({described}). Check the signs of "
                        "the output unit.")
    if sorted(u or "" for u in units) != ["NAND", "OR"] and set(units) != {"AND", "NOR"}:
        raise Incorrect(f"Your hidden units compute {described}. XOR is \"OR and not AND\": let one unit "
                        "compute OR and the other NAND, then combine them with an AND unit.")
    output = {"always 1": "is always 1", "always 0": "is always 0", None: "is not AND"}.get(gate, f"computes {gate}")
    if set(units) == {"AND", "NOR"}:
        raise Incorrect(f"Your hidden units can work ({described}), but your output unit {output}; with these "
                        "hidden units it must output 1 only when both are 0: NOR, step(−h1 − h2 + 0.5).")
    raise Incorrect(f"Your hidden units are fine ({described}), but your output unit {output}; it must output 1 "
                    "only when both hidden units are 1: AND, step(h1 + h2 − 1.5).")


q5 = Question(
    "Lab 2, question 5 (XOR with a hidden layer)", _judge_xor, reference=xor_weights,
    examples=[(lambda: (np.array([[1.0, 1.0], [-1.0, -1.0]]), np.array([-0.5, 1.5]), np.array([1.0, 1.0]), -1.5),
               "column convention"),
              (lambda: (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([-0.5, -1.5]), np.array([1.0, 1.0]), -1.5),
               "h2 = AND"),
              (lambda: (np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([-0.5, 1.5]), np.array([1.0, 1.0]), -0.5),
               "output unit is always 1"),
              (lambda: (np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([-0.5, 1.5]), np.array([-1.0, -1.0]), 1.5),
               "XNOR"),
              (lambda: (np.array([[1.0, -1.0], [1.0, -1.0]]), np.array([-0.5, 1.5]), np.array([1.0, 1.0])),
               "4 values")],
    hints=["No single perceptron computes XOR (chapter 2: four inequalities that contradict each other). "
           "But XOR = (x1 OR x2) AND NOT (x1 AND x2) = OR AND NAND.",
           "Hidden unit 1: OR, step(x1 + x2 − 0.5). Hidden unit 2: NAND, your answer to question 4. Their "
           "weights are the columns of W1 (batch-first). The output unit is AND of h1 and h2: "
           "step(h1 + h2 − 1.5).",
           "W1 = [[1, -1], [1, -1]], b1 = [-0.5, 1.5], w2 = [1, 1], b2 = -1.5"],
    solution=xor_weights,
)
