"""Lab 3 — activation functions: sigmoid, its derivative, ReLU and softmax.

Questions: ``q1`` a numerically stable sigmoid, ``q2`` its derivative,
``q3`` ReLU without changing the input, ``q4`` a row-wise, stable softmax.
"""

import numpy as np

from ._question import FunctionQuestion, Mistake

__all__ = ["q1", "q2", "q3", "q4"]

_Z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
_Z_LARGE = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
_Z_BATCH = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0], [1000.0, 1001.0, 999.0], [0.5, 0.5, 0.5]])


def sigmoid(z):
    """The logistic sigmoid 1 / (1 + exp(-z)), stable for large |z|."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))                       # never overflows: exponent <= 0
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z):
    """sigma'(z) = sigma(z) * (1 - sigma(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


def relu(z):
    """max(0, z) element by element, as a new array."""
    return np.maximum(0.0, z)


def softmax(Z):
    """Softmax of each row of Z, shape (n_samples, n_classes), stable for large entries."""
    shifted = Z - Z.max(axis=1, keepdims=True)   # the largest exponent is e^0 = 1
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


q1 = FunctionQuestion(
    "Lab 3, question 1 (sigmoid)", sigmoid, [(_Z,), (_Z_LARGE,)],
    mistakes=[
        Mistake("The sign in the exponent is flipped: σ(z) = 1 / (1 + e^(−z)), so that σ(z) → 1 as z → +∞. "
                "Yours decreases with z.", lambda z: 1.0 / (1.0 + np.exp(z))),
        Mistake("That is e^(−z) / (1 + e^(−z)) = 1 − σ(z): the numerator should be 1.",
                lambda z: np.exp(-z) / (1.0 + np.exp(-z))),
        Mistake("That is tanh, not the sigmoid; they are related by σ(z) = (1 + tanh(z/2)) / 2.", np.tanh),
        Mistake("Missing the 1 in the denominator: σ(z) = 1 / (1 + e^(−z)).", lambda z: 1.0 / np.exp(-z)),
    ],
    overflow_message="Your sigmoid overflows for large negative inputs: np.exp(-z) is e^1000 for z = −1000. "
                     "Only exponentiate −|z| (use e^z / (1 + e^z) for negative z) — see np.where.",
    examples=[(lambda z: 1.0 / (1.0 + np.exp(-z)), "overflows for large negative inputs")],
    hints=["σ(z) = 1 / (1 + e^(−z)); for large negative z, e^(−z) is huge.",
           "Compute e = np.exp(-np.abs(z)); for z ≥ 0 the answer is 1 / (1 + e), for z < 0 it is e / (1 + e).",
           "return np.where(z >= 0, 1 / (1 + e), e / (1 + e)) with e = np.exp(-np.abs(z))."],
)

q2 = FunctionQuestion(
    "Lab 3, question 2 (derivative of the sigmoid)", sigmoid_derivative, [(_Z,), (_Z_LARGE,)],
    mistakes=[
        Mistake("That is σ(z)(1 + σ(z)): the derivative is σ(z)(1 − σ(z)).", lambda z: sigmoid(z) * (1 + sigmoid(z))),
        Mistake("That is σ(z) itself; the derivative is σ(z)(1 − σ(z)).", sigmoid),
        Mistake("That is 1 − σ(z); multiply by σ(z) as well.", lambda z: 1 - sigmoid(z)),
        Mistake("That is the derivative of tanh, 1 − tanh²(z), not of the sigmoid.", lambda z: 1 - np.tanh(z) ** 2),
    ],
    overflow_message="Your derivative overflows for large |z|; compute σ(z) stably first and reuse it.",
    examples=[(lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2, "overflows for large |z|")],
    hints=["Differentiate 1 / (1 + e^(−z)) with the chain rule and write the result in terms of σ(z).",
           "σ'(z) = e^(−z) / (1 + e^(−z))² = σ(z) · (1 − σ(z)).",
           "s = sigmoid(z); return s * (1 - s) — using the stable sigmoid of question 1."],
)

q3 = FunctionQuestion(
    "Lab 3, question 3 (ReLU)", relu, [(_Z,), (_Z_BATCH,)],
    mistakes=[
        Mistake("That is the absolute value; ReLU sets negative inputs to 0.", np.abs),
        Mistake("That is min(0, z); ReLU keeps the positive part, max(0, z).", lambda z: np.minimum(0.0, z)),
        Mistake("That is the step function (the derivative of ReLU), not ReLU itself.", lambda z: (z > 0) * 1.0),
    ],
    examples=[(lambda z: (z.__setitem__(z < 0, 0.0), z)[1], "changed its input array in place")],
    hints=["ReLU(z) = max(0, z), element by element.", "np.maximum (not np.max) compares element by element.",
           "return np.maximum(0.0, z)"],
)

q4 = FunctionQuestion(
    "Lab 3, question 4 (softmax over rows)", softmax, [(_Z_BATCH,), (_Z_BATCH[:2],)],
    mistakes=[
        Mistake("Your softmax normalises over columns (axis=0); each row (one sample) must sum to 1: "
                "use axis=1 with keepdims=True.", lambda Z: np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True)),
        Mistake("Your softmax divides by the sum over the whole batch; each row must sum to 1 on its own.",
                lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum()),
        Mistake("That normalises z itself (z / Σz), not e^z; softmax exponentiates first.",
                lambda Z: Z / Z.sum(axis=1, keepdims=True)),
        Mistake("That is the sigmoid of each entry; softmax couples the entries of a row through their sum.",
                sigmoid),
    ],
    overflow_message="Your softmax overflows for large inputs (row [1000, 1001, 999]): subtract each row's "
                     "maximum before exponentiating; the result does not change.",
    examples=[(lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True), "overflows for large inputs"),
              (lambda Z: softmax(Z.T), "transpose")],
    hints=["softmax(z)_i = e^(z_i) / Σ_j e^(z_j), for each row separately.",
           "Subtracting a constant from a row does not change its softmax, so subtract the row's maximum.",
           "shifted = Z - Z.max(axis=1, keepdims=True); e = np.exp(shifted); return e / e.sum(axis=1, keepdims=True)"],
)
