"""Lab 2, questions 4 and 5: weights chosen by hand — a perceptron for NAND, a step network for XOR.

Judged by the truth tables the weights produce, with feedback naming the gate a wrong answer computes.
"""

import numpy as np

from ..datasets import logic_gate
from ._feedback import _values
from ._question import Incorrect, Question

__all__ = ["q4", "q5", "nand_weights", "xor_weights"]


def step(z):
    """The step function of the book: 1 where z >= 0, else 0 (as integers)."""
    return np.where(z >= 0, 1, 0)


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


def _on_line_by_rounding(z, X, where):
    """Incorrect if an input's z is within rounding of 0 without being 0: its class would depend on rounding."""
    z = np.asarray(z, dtype=float)
    near = np.flatnonzero((z != 0) & (np.abs(z) < 1e-9))
    if near.size:
        i = near[0]
        raise Incorrect(f"The input {_point(X[i])} lies on {where} up to rounding (z = {z[i]:.2g}): in exact "
                        "arithmetic z = 0 there, and step(0) = 1. Move the line away from the data points "
                        "(change the bias a little), so that no input's class depends on rounding.")


def _judge_nand(answer):
    w, b = _unpack(answer, ("w", "b"), "the weights w (2 numbers) and the bias b")
    if w.size == 1 and b.shape == (2,):
        raise Incorrect("You returned the bias first: return w (the 2 weights) first, then b — "
                        "`return w, b`.")
    if w.shape != (2,) or b.size != 1:
        raise Incorrect(f"w must have shape (2,) and b must be one number; got shapes {w.shape} and {b.shape}.")
    b = float(b.ravel()[0])
    z = _X4 @ w + b
    _on_line_by_rounding(z, _X4, "your line")
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
    if gate in ("always 1", "always 0"):
        raise Incorrect(f"Your perceptron outputs {gate[-1]} for every input; NAND is 1 for "
                        "(0, 0), (0, 1), (1, 0) and 0 for (1, 1).")
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
        for j in range(2):
            _on_line_by_rounding((_X4 @ W1 + b1)[:, j], _X4, f"hidden unit {j + 1}'s line")
        _on_line_by_rounding(H @ w2 + b2, H, "the output unit's line (in the hidden units' plane)")
        return
    if np.array_equal(network(W1.T)[1], target):
        raise Incorrect("Your W1 is in the column convention, one row per hidden unit. Batch-first, as in "
                        "H = step(X W1 + b1), column j of W1 holds the weights of hidden unit j: use W1.T.")
    units = [_which_gate(H[:, j]) for j in range(2)]
    truth = [u or f"{tuple(int(v) for v in H[:, j])} on (0, 0), (0, 1), (1, 0), (1, 1)"
             for j, u in enumerate(units)]
    described = " and ".join(f"h{j + 1} = {t}" for j, t in enumerate(truth))
    gate = _which_gate(predictions)
    if gate == "XNOR":
        raise Incorrect(f"Your network computes XNOR, the opposite of XOR ({described}). Check the signs of "
                        "the output unit.")
    if sorted(u or "" for u in units) != ["NAND", "OR"] and set(units) != {"AND", "NOR"}:
        raise Incorrect(f"Your hidden units compute {described}, and the network's output is "
                        "not XOR. One way: XOR = (x1 OR x2) AND (x1 NAND x2): let one hidden unit "
                        "compute OR, the other NAND, and the output unit AND.")
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
