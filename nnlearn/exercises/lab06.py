"""Lab 6 — backpropagation: a dense layer's backward pass, the sigmoid's, the 2-2-1 network, gradient checking.

Questions: ``q1`` the backward pass of a dense layer (dL/dW, dL/db, dL/dX from delta),
``q2`` the backward pass of a sigmoid layer from its output A, ``q3`` the gradient of the
loss of the chapter's 2-2-1 network with respect to the hidden weights w¹ᵢⱼ, ``q4`` a
central-difference numerical gradient for gradient checking.
"""

import numpy as np

from ..activations import sigmoid as _stable_sigmoid
from ._feedback import Incorrect
from ._function_question import FunctionQuestion, Mistake
from ._lab06_answers import (_grad_W1_with, _grad_W1_without_bias, _numerical_in_place_no_restore,
                             _numerical_on_reshaped,
                             _numerical_rows_only, _numerical_with, dense_backward, grad_W1,
                             numerical_gradient, sigmoid_backward)

__all__ = ["q1", "q2", "q3", "q4"]

_rng = np.random.default_rng(6)

# q1: n samples differ from d; W square (d = m) so that a missing transpose runs and is recognised by its
# values, as in the chapter's exercise with the "forgetful" dense layer.
_X1, _W1, _D1 = _rng.normal(size=(5, 3)), _rng.normal(size=(3, 3)), _rng.normal(size=(5, 3))
_X2, _W2, _D2 = _rng.normal(size=(4, 2)), _rng.normal(size=(2, 2)), _rng.normal(size=(4, 2))
_RECT = (_rng.normal(size=(4, 3)), _rng.normal(size=(3, 2)), _rng.normal(size=(4, 2)))   # d != m
_SINGLE = (_rng.normal(size=(1, 2)), _rng.normal(size=(2, 3)), _rng.normal(size=(1, 3)))  # a batch of one

# q2: activations in (0, 1), a batch of 4 samples with 3 units.
_A1 = _stable_sigmoid(_rng.normal(scale=2.0, size=(4, 3)))
_DA1 = _rng.normal(size=(4, 3))
_A2 = np.array([[0.5, 0.7310585786300049, 0.999], [1e-4, 0.25, 0.9]])
_DA2 = np.array([[-1.2310585786300049, 0.6155292893150024, 2.0], [1.0, -3.0, 0.5]])
_A3, _DA3 = np.array([[0.0, 1.0], [0.5, 1e-12]]), np.array([[2.0, -1.0], [3.0, 4.0]])  # saturated units

# q3: the chapter's worked example, and two others.
_EXAMPLE = (np.array([0.5, 1.0]), 1.0, np.array([[0.4, 0.6], [-0.2, 0.5]]), np.array([0.0, 0.2]),
            np.array([[1.0], [-0.5]]), np.array([0.25]))
_OTHER = (_rng.normal(size=2), -0.5, _rng.normal(size=(2, 2)), _rng.normal(size=2), _rng.normal(size=(2, 1)),
          _rng.normal(size=1))
_THIRD = (np.array([2.0, -1.0]), 0.3, np.array([[1.5, -0.7], [0.3, 0.9]]), np.array([-0.1, 0.4]),
          np.array([[0.8], [2.0]]), np.array([-0.3]))

# q4: functions with large second derivatives (so that a one-sided difference is visibly less accurate),
# on a vector and on a matrix.
_T = _rng.normal(size=(4, 2))
_XG = _rng.normal(size=(4, 3))


class _Function:
    """A test function f(x) that shows its formula in feedback (not a memory address)."""

    def __init__(self, func, formula):
        self.func, self.formula = func, formula

    def __call__(self, x):
        return float(self.func(x))

    def __repr__(self):
        return self.formula


_f_exp = _Function(lambda x: np.sum(np.exp(3.0 * x)), "f(x) = Σ e^(3x)")
# A squared-error loss of a 'layer' with a tanh output: L(W) = sum((tanh(X W) - T)^2) + sum(W^4).
_f_matrix = _Function(lambda W: np.sum((np.tanh(_XG @ W) - _T) ** 2) + np.sum(W ** 4),
                      "f(W) = Σ (tanh(X W) − T)² + Σ W⁴")
_f_cubic = _Function(lambda x: np.sum(x ** 3 + np.sin(2.0 * x)), "f(x) = Σ (x³ + sin 2x)")


_V = np.array([0.3, -0.8, 1.1, 0.0])
_M = _rng.normal(size=(3, 2))
_CUBE = _rng.normal(size=(2, 2, 2))                             # "any shape": three axes
_M_T = _rng.normal(size=(2, 3)).T       # a transposed matrix (column-major): reshape(-1) copies it


# -- fresh inputs for every check -----------------------------------------------------------------------
def _draw_dense(rng):
    n, d, m = rng.integers(1, 6), rng.integers(1, 5), rng.integers(1, 5)
    return rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=(n, m))


def _draw_sigmoid(rng):
    shape = (rng.integers(1, 6), rng.integers(1, 5))
    return rng.normal(size=shape), _stable_sigmoid(rng.normal(scale=3.0, size=shape))


def _draw_network(rng):
    return (rng.normal(size=2), float(rng.normal()), rng.normal(size=(2, 2)), rng.normal(size=2),
            rng.normal(size=(2, 1)), rng.normal(size=1))


def _draw_numerical(rng):
    shape = ((rng.integers(1, 6),), (rng.integers(1, 4), rng.integers(1, 4)))[rng.integers(0, 2)]
    f = (_f_exp, _f_cubic)[rng.integers(0, 2)]
    return f, rng.uniform(-1.0, 1.0, size=shape), float(rng.choice([1e-3, 1e-4, 1e-5]))


_NO_BIAS = ("A bias is missing in your forward pass: O₁ = x W1 + b1 and ŷ = a₁ · w² + b₂₁. The "
            "gradient is taken at the network's actual values, so every term of the forward pass "
            "counts.")


class _NetworkQuestion(FunctionQuestion):
    """Question 3, which also tells a function that returns the same matrix whatever its input."""

    def _judge_function(self, answer):
        try:
            super()._judge_function(answer)
        except Incorrect as wrong:
            if callable(answer) and self._constant(answer):
                raise Incorrect("Your function returns the same matrix for every input (for the "
                                "chapter's example and for others): compute it from the arguments "
                                "x, y, W1, b1, W2 and b2, with the forward pass and then the chain "
                                "rule.") from None
            raise wrong

    def _constant(self, answer):
        outs = []
        for args in (_EXAMPLE, _OTHER, _THIRD):
            try:
                with np.errstate(all="ignore"):
                    out = np.asarray(answer(*[np.copy(a) for a in args]))
            except Exception:
                return False
            if out.dtype.kind not in "fiu" or out.shape != (2, 2):  # wrong types: own message
                return False
            outs.append(out)
        return all(np.allclose(o, outs[0], rtol=0, atol=1e-12) for o in outs)


class _DenseQuestion(FunctionQuestion):
    """Question 1: when a matrix product fails, say which output is wrong where W is square."""

    def _call(self, answer, args):
        try:
            return super()._call(answer, args)
        except Incorrect as exc:
            if not str(exc).startswith("Your function raised ValueError"):
                raise
            bad = self._wrong_on_square(answer)
            X, W, d = args
            shapes = (f" Here X has shape {X.shape}, W {W.shape} and δ {d.shape}; dL/dW must have "
                      f"the shape of W, dL/db {(W.shape[1],)}, dL/dX the shape of X.")
            if not bad:
                raise Incorrect(f"{exc}{shapes}") from None
            raise Incorrect(f"{exc} Where W is square your function runs, and there your "
                            f"{' and '.join(bad)} {'is' if len(bad) == 1 else 'are'} wrong (the "
                            f"other values are right): look there.{shapes}") from None

    def _wrong_on_square(self, answer):
        bad = set()
        for args in self.cases[:2]:
            try:
                with np.errstate(all="ignore"):
                    got = answer(*[np.copy(a) for a in args])
                got = tuple(got)
            except Exception:
                return []
            if len(got) != 3:
                return []
            for name, g, e in zip(self.output_names, got, dense_backward(*args)):
                g = np.asarray(g, dtype=float)
                if g.shape != e.shape or not np.allclose(g, e):
                    bad.add(name)
        return [n for n in self.output_names if n in bad]


# -- the questions -----------------------------------------------------------------------------------
q1 = _DenseQuestion(
    "Lab 6, question 1 (backward pass of a dense layer)", dense_backward,
    [(_X1, _W1, _D1), (_X2, _W2, _D2), _RECT, _SINGLE], draw=_draw_dense, n_outputs=3,
    output_names=("dL/dW", "dL/db", "dL/dX"), returns="dL/dW, dL/db and dL/dX",
    mistakes=[
        Mistake("Your dL/dW is δᵀX, the transpose of the right answer: ∂L/∂W_ij = Σ_s X_si δ_sj = "
                "(Xᵀδ)_ij. It must have the shape of W, (d, m); here W is square, so the shapes "
                "could not warn you.",
                lambda X, W, d: (d.T @ X, d.sum(axis=0), d @ W.T)),
        Mistake("Your dL/db is the mean of δ over the batch. The bias is used by every sample, so "
                "the contributions of the samples add: ∂L/∂b = 1ᵀδ, the column sums (δ already "
                "carries the loss's 1/n).",
                lambda X, W, d: (X.T @ d, d.mean(axis=0), d @ W.T)),
        Mistake("Your dL/db sums δ over everything (a single number). Sum over the batch only, one "
                "entry per unit: delta.sum(axis=0), shape (m,).",
                lambda X, W, d: (X.T @ d, d.sum(), d @ W.T)),
        Mistake("Your dL/db is δ itself, shape (n, m): the bias has shape (m,), and the "
                "contributions of the n samples must be summed: delta.sum(axis=0).",
                lambda X, W, d: (X.T @ d, d, d @ W.T)),
        Mistake("Your dL/db sums each row of δ (axis=1, one number per sample); sum each column "
                "instead (axis=0, one number per unit).",
                lambda X, W, d: (X.T @ d, d.sum(axis=1), d @ W.T)),
        Mistake("Your dL/dX is δW, without the transpose: ∂L/∂X_si = Σ_j δ_sj W_ij = (δWᵀ)_si. "
                "With a square W this runs and is silently wrong — the bug of the chapter's "
                "\"forgetful\" dense layer.",
                lambda X, W, d: (X.T @ d, d.sum(axis=0), d @ W)),
        Mistake("Your dL/dW is averaged over the batch (divided by n). The loss's 1/n is already "
                "inside δ; the samples' contributions simply add: ∂L/∂W = Xᵀδ.",
                lambda X, W, d: (X.T @ d / len(X), d.sum(axis=0), d @ W.T)),
        Mistake("You divided by n. δ = ∂L/∂Z already carries the loss's 1/n, so nothing here needs "
                "dividing: the samples' contributions simply add, ∂L/∂W = Xᵀδ and ∂L/∂b = the "
                "column sums of δ.",
                lambda X, W, d: (X.T @ d / len(X), d.sum(axis=0) / len(X), d @ W.T)),
        Mistake("You divided by n. δ = ∂L/∂Z already carries the loss's 1/n, so nothing here needs "
                "dividing: ∂L/∂W = Xᵀδ, ∂L/∂b = the column sums of δ, ∂L/∂X = δWᵀ.",
                lambda X, W, d: (X.T @ d / len(X), d.sum(axis=0) / len(X), d @ W.T / len(X))),
        Mistake("You returned (dL/dW, dL/dX, dL/db); return them in the order the question asks: "
                "dL/dW, dL/db, dL/dX.", lambda X, W, d: (X.T @ d, d @ W.T, d.sum(axis=0))),
    ],
    examples=[(lambda X, W, d: (X.T @ d, d.sum(axis=0)), "3 values"),
              (lambda X, W, d: (X.T @ d, d.sum(axis=0), W @ d.T), "transpose")],
    hints=["Write Z_sj = Σ_i X_si W_ij + b_j and ask, for each parameter, in which entries of Z it "
           "appears and with which local derivative. Where several entries (samples, units) use "
           "it, the contributions add.",
           "The gradient of anything has the shape of that thing: dL/dW is (d, m), dL/db is (m,), "
           "dL/dX is (n, d). Only one arrangement of X, δ and W (with transposes) gives each shape.",
           "dW = X.T @ delta; db = delta.sum(axis=0); dX = delta @ W.T; return dW, db, dX"],
)

q2 = FunctionQuestion(
    "Lab 6, question 2 (backward pass of a sigmoid layer)",
    sigmoid_backward, [(_DA1, _A1), (_DA2, _A2), (_DA3, _A3)],
    draw=_draw_sigmoid,
    mistakes=[
        Mistake("You applied the derivative formula to A as if it were Z: σ(A)(1 − σ(A)). A is "
                "already the output σ(Z), and σ'(Z) = A(1 − A) — no second sigmoid.",
                lambda dA, A: dA * _stable_sigmoid(A) * (1 - _stable_sigmoid(A))),
        Mistake("You returned σ'(Z) = A(1 − A) alone; the chain rule multiplies it by the incoming "
                "gradient: ∂L/∂Z = ∂L/∂A ⊙ A(1 − A).", lambda dA, A: A * (1 - A)),
        Mistake("The factor (1 − A) is missing: σ'(Z) = A(1 − A).", lambda dA, A: dA * A),
        Mistake("The factor A is missing: σ'(Z) = A(1 − A), not (1 − A).",
                lambda dA, A: dA * (1 - A)),
        Mistake("That is A(1 + A); the sigmoid's derivative is A(1 − A).",
                lambda dA, A: dA * A * (1 + A)),
        Mistake("That is the derivative of tanh, 1 − A²; for the sigmoid it is A(1 − A).",
                lambda dA, A: dA * (1 - A ** 2)),
        Mistake("You returned ∂L/∂A unchanged: the activation's derivative A(1 − A) is missing.",
                lambda dA, A: dA),
    ],
    in_place_message="Your function changed dA (or A) in place (dA *= … or dA[...] = …): the "
                     "caller's gradient must stay as it was. Return a new array: return dA * A * "
                     "(1 - A).",
    examples=[(lambda dA, A: dA @ (A * (1 - A)).T, "shape")],
    hints=["An activation layer acts entry by entry, so ∂L/∂Z = ∂L/∂A ⊙ f'(Z): no matrix product, "
           "no sum.",
           "For the sigmoid, f'(Z) = σ(Z)(1 − σ(Z)), and σ(Z) is exactly the A you are given.",
           "return dA * A * (1 - A)"],
)

q3 = _NetworkQuestion(
    "Lab 6, question 3 (the 2-2-1 network: dL/dw¹ᵢⱼ)", grad_W1, [_EXAMPLE, _OTHER, _THIRD],
    draw=_draw_network,
    mistakes=[
        Mistake("Your matrix is the transpose of dL/dW1: entry [i-1, j-1] is ∂L/∂w¹ᵢⱼ = δ₁ⱼ x₁ᵢ "
                "(input i, hidden unit j), i.e. np.outer(x, delta1), not np.outer(delta1, x).",
                lambda *a: _grad_W1_with(*a, outer="delta,x")),
        Mistake("The factor 2 of ∂L/∂ŷ = 2(ŷ − y) is missing.",
                lambda *a: _grad_W1_with(*a, factor=1.0)),
        Mistake("The sigmoid's derivative is missing: δ₁ⱼ = ∂L/∂a₁ⱼ · σ'(O₁ⱼ) with σ'(O₁ⱼ) = a₁ⱼ(1 "
                "− a₁ⱼ).",
                lambda *a: _grad_W1_with(*a, prime="none")),
        Mistake("You took σ'(O₁ⱼ) as σ(a₁ⱼ)(1 − σ(a₁ⱼ)), a sigmoid too many: σ'(O₁ⱼ) = a₁ⱼ(1 − "
                "a₁ⱼ).",
                lambda *a: _grad_W1_with(*a, prime="sigma(a)")),
        Mistake("You used O₁ⱼ(1 − O₁ⱼ) for σ'(O₁ⱼ): the formula σ' = a(1 − a) is in the output a₁ⱼ "
                "= σ(O₁ⱼ), not in the pre-activation.", lambda *a: _grad_W1_with(*a, prime="O")),
        Mistake("Every entry is ∂L/∂ŷ = 2(ŷ − y): that is the course notes' update rule, which "
                "uses the same number for every weight. Each weight needs its own ∂L/∂w¹ᵢⱼ = ∂L/∂ŷ "
                "· w²ⱼ₁ · σ'(O₁ⱼ) · x₁ᵢ.",
                lambda x, y, W1, b1, W2, b2: np.full((2, 2), 2 * (
                    (1 / (1 + np.exp(-(x @ W1 + b1)))) @ W2[:, 0] + b2[0] - y))),
        Mistake("The output unit is linear here (ŷ = O₂₁, no sigmoid): δ₂₁ = ∂L/∂ŷ = 2(ŷ − y), "
                "with no σ' of the output.", lambda *a: _grad_W1_with(*a, output="sigmoid")),
        Mistake("Your forward pass computes W1 @ x. With W1[i-1, j-1] = w¹ᵢⱼ (from input i to "
                "hidden unit j), the hidden pre-activations are O₁ = x @ W1 + b1.",
                lambda *a: _grad_W1_with(*a, forward="W1 x")),
        Mistake("You multiplied δ₁ⱼ by a₁ᵢ; the weight w¹ᵢⱼ multiplies the INPUT x₁ᵢ, so "
                "∂O₁ⱼ/∂w¹ᵢⱼ = x₁ᵢ and ∂L/∂w¹ᵢⱼ = δ₁ⱼ x₁ᵢ: np.outer(x, delta1).",
                lambda *a: _grad_W1_with(*a, outer="a1,delta")),
        Mistake(_NO_BIAS, _grad_W1_without_bias),
        Mistake(_NO_BIAS, lambda *a: _grad_W1_without_bias(*a, hidden=False)),
        Mistake(_NO_BIAS, lambda *a: _grad_W1_without_bias(*a, output=False)),
    ],
    examples=[(lambda *a: -_grad_W1_with(*a), "constant factor")],
    hints=["Forward first: O₁ = x W1 + b1, a₁ = σ(O₁), ŷ = O₂₁ = a₁ · w² + b₂₁. Then walk back one "
           "local derivative at a time: ∂L/∂ŷ, δ₂₁, ∂L/∂a₁ⱼ, δ₁ⱼ, ∂L/∂w¹ᵢⱼ.",
           "δ₂₁ = 2(ŷ − y) (linear output), ∂L/∂a₁ⱼ = δ₂₁ w²ⱼ₁ = delta21 * W2[:, 0], δ₁ⱼ = ∂L/∂a₁ⱼ "
           "· a₁ⱼ(1 − a₁ⱼ) (your sigmoid_backward of question 2), and ∂L/∂w¹ᵢⱼ = δ₁ⱼ x₁ᵢ. For the "
           "chapter's example, entry [0, 0] is −0.1539.",
           "a1 = 1 / (1 + np.exp(-(x @ W1 + b1))); y_hat = a1 @ W2[:, 0] + b2[0]; "
           "delta1 = sigmoid_backward(2 * (y_hat - y) * W2[:, 0], a1); return np.outer(x, delta1)"],
)

q4 = FunctionQuestion(
    "Lab 6, question 4 (a numerical gradient for gradient checking)", numerical_gradient,
    [(_f_exp, _V), (_f_matrix, _M), (_f_exp, _V, 1e-4), (_f_exp, _V, 1e-2), (_f_cubic, _CUBE, 1e-3),
     (_f_matrix, _M_T)],
    draw=_draw_numerical, rtol=1e-7, atol=1e-9,
    mistakes=[
        Mistake("That is the one-sided (forward) difference (f(x + ε) − f(x)) / ε. Its error is of "
                "order ε, against ε² for the central difference (f(x + ε) − f(x − ε)) / 2ε: use "
                "the central one.",
                lambda f, x, eps=1e-6: _numerical_with(f, x, eps, kind="forward")),
        Mistake("That is the one-sided (backward) difference (f(x) − f(x − ε)) / ε, accurate only "
                "to order ε; use the central difference (f(x + ε) − f(x − ε)) / 2ε.",
                lambda f, x, eps=1e-6: _numerical_with(f, x, eps, kind="backward")),
        Mistake("You divide by ε, but x + ε and x − ε are 2ε apart: divide by 2ε (your gradient is "
                "twice too large).",
                lambda f, x, eps=1e-6: _numerical_with(f, x, eps, kind="eps")),
        Mistake("You do not put each entry back before nudging the next: after nudging entry i, "
                "set it to its original value again before you move on (restoring x only at the "
                "end is too late), or every later derivative is taken at a shifted point.",
                lambda f, x, eps=1e-6: _numerical_with(f, x, eps, kind="no restore")),
        Mistake("Your function ignores eps: it always uses ε = 1e-6. Use the eps it is given (the "
                "check passes other values, e.g. eps=1e-2).",
                lambda f, x, eps=1e-6: numerical_gradient(f, x, 1e-6)),
        Mistake("For the matrix input you nudged a whole row at once (a loop over range(len(x))). "
                "Nudge one entry at a time: loop over np.ndindex(x.shape).", _numerical_rows_only),
        Mistake("You nudged every entry at once (f(x + ε) − f(x − ε) with ε added to the whole "
                "array), which gives the same number, a directional derivative, in every entry. "
                "Nudge one entry at a time: loop over np.ndindex(x.shape) and change x[i] only.",
                lambda f, x, eps=1e-6: np.full(np.shape(x), (f(x + eps) - f(x - eps)) / (2 * eps))),
        Mistake("Your gradient is 0 everywhere: f was evaluated at the same point for +ε and −ε. "
                "Typically x_plus = x; x_minus = x: that does not copy — both names are the same "
                "array, so setting x_minus[i] overwrites x_plus[i]. Use x.copy(), or nudge, "
                "evaluate, then nudge the other way.",
                lambda f, x, eps=1e-6: np.zeros(np.shape(x))),
        Mistake("Your f(x − ε) is evaluated at x itself: with x_plus = x and x_minus = x (no "
                "copy), both names are the same array, so x_minus[i] -= eps only undoes the +ε. "
                "Your result is half the one-sided difference. Use x.copy(), or set x[i] = "
                "original − eps explicitly.",
                lambda f, x, eps=1e-6: _numerical_with(f, x, eps, kind="forward") / 2),
        Mistake("Your gradient is an integer array (np.zeros(x.shape, dtype=int), or np.zeros_like "
                "of an integer array), so every difference quotient is truncated to an integer. "
                "Use a float array: np.zeros(x.shape).",
                lambda f, x, eps=1e-6: numerical_gradient(f, np.array(x, dtype=float), eps)
                .astype(int)),
        Mistake("Your gradient is 0 for a transposed matrix (x = W.T, stored column by column): "
                "reshape(-1) or ravel() of such an array returns a copy, so your nudges never "
                "reached x (or your entries never reached the array you return). Index x and "
                "grad = np.zeros(x.shape) themselves: for i in np.ndindex(x.shape).",
                _numerical_on_reshaped),
    ],
    in_place_message="Your function leaves x changed in place: nudging x[i] is fine, but put every "
                     "entry back to its original value (x[i] = original) before moving on, so that "
                     "x is unchanged on return. Adding and subtracting eps does not do it exactly "
                     "(rounding leaves x[i] a few units of the last digit off): save the original and "
                     "assign it back. A final `x = x0` does not do it either: it only rebinds the name "
                     "x inside your function, and the caller's array keeps the nudged values.",
    examples=[(_numerical_in_place_no_restore, "changed in place")],
    hints=["For each entry x_i: evaluate f with x_i + ε and with x_i − ε (all other entries "
           "unchanged), and take (f₊ − f₋) / 2ε. The result has the shape of x.",
           "for i in np.ndindex(x.shape): remember original = x[i], set x[i] = original + eps, "
           "compute f(x), set x[i] = original - eps, compute f(x), then restore x[i] = original.",
           "grad = np.zeros(x.shape); in the loop grad[i] = (f_plus - f_minus) / (2 * eps); return "
           "grad"],
)
