"""Lab 1 — what is a neural network: a neuron, a layer, a 2 → 3 → 2 network, counting parameters.

Questions: ``q1`` one sigmoid neuron on a batch, ``q2`` a dense layer on a batch,
``q3`` forward propagation through two layers (the worked 2 → 3 → 2 network),
``q4`` the number of parameters of a network given its layer widths.
"""

import numpy as np

from ..activations import sigmoid
from ._feedback import Incorrect
from ._function_question import FunctionQuestion, Mistake

__all__ = ["q1", "q2", "q3", "q4"]

_rng = np.random.default_rng(101)

# q1: one neuron, batches of samples (rows), weights w of shape (n_features,).
_X_NEURON = _rng.normal(size=(4, 3))
_W_NEURON = np.array([1.5, -2.0, 0.5])
_NEURON_CASES = [
    (np.array([[1.0, 0.5]]), np.array([2.0, 1.0]), -1.0),                 # the chapter's neuron: z = 1.5
    (_X_NEURON, _W_NEURON, 0.75),
    (np.array([[0.0, 0.0], [1.0, 1.0], [-2.0, 3.0]]), np.array([0.5, -0.25]), -2.0),
    (np.array([[1, 0, 2], [0, 1, -1], [2, 2, 0]]), np.array([1, -1, 2]), 1),   # integers, square X
]


def _draw_neuron(rng):
    n, d = rng.integers(1, 7), rng.integers(1, 6)
    return rng.normal(size=(n, d)), rng.normal(size=d), float(rng.normal())


def _draw_layer(rng):
    n, d, k = rng.integers(1, 7, size=3)
    return rng.normal(size=(n, d)), rng.normal(size=(d, k)), rng.normal(size=k)


def _draw_network(rng):
    n, d, h, k = rng.integers(1, 7, size=4)
    return (rng.normal(size=(n, d)), rng.normal(size=(d, h)), rng.normal(size=h),
            rng.normal(size=(h, k)), rng.normal(size=k))


def _draw_sizes(rng):
    return ([int(v) for v in rng.integers(1, 300, size=rng.integers(2, 7))],)

# q2: a dense layer, X (n_samples, n_features), W (n_features, n_units), b (n_units,).
_LAYER_CASES = [
    (_rng.normal(size=(4, 3)), _rng.normal(size=(3, 5)), _rng.normal(size=5)),
    (_rng.normal(size=(3, 3)), _rng.normal(size=(3, 3)), _rng.normal(size=3)),   # square
    (np.array([[1, 2], [0, -1]]), np.array([[1, 0, -1], [2, 1, 0]]), np.array([0, 1, -1])),  # ints
    (np.array([[1.0, 2.0]]), np.array([[0.5, -1.0, 0.25], [-0.25, 0.5, 0.75]]), np.array([0.0, 0.5, -1.0])),
    (_rng.normal(size=(6, 2)), _rng.normal(size=(2, 3)), _rng.normal(size=3)),
]

# q3: the worked example of chapter 1 (batch-first: W = M.T), and random networks.
_W1 = np.array([[0.5, -1.0, 0.25], [-0.25, 0.5, 0.75]])
_B1 = np.array([0.0, 0.5, -1.0])
_W2 = np.array([[1.0, -1.5], [-2.0, 1.0], [0.5, 2.0]])
_B2 = np.array([0.25, -0.5])
_NETWORK_CASES = [
    (np.array([[1.0, 2.0]]), _W1, _B1, _W2, _B2),
    (_rng.normal(size=(3, 3)), _rng.normal(size=(3, 3)), _rng.normal(size=3),     # square: the
     _rng.normal(size=(3, 3)), _rng.normal(size=3)),               # transposes run without error
    (np.array([[1.0, 2.0], [0.0, 0.0], [-1.0, 0.5], [2.0, -3.0]]), _W1, _B1, _W2, _B2),
    (_rng.normal(size=(5, 4)), _rng.normal(size=(4, 6)), _rng.normal(size=6), _rng.normal(size=(6, 3)),
     _rng.normal(size=3)),
]

# q4: layer widths n_0 (inputs), n_1, ..., n_D (outputs).
_SIZE_CASES = [([2, 3, 2],), ([784, 128, 10],), ([3, 5, 4, 2],), ([1, 1],), ([4, 8, 8, 8, 1],),
               ([10, 1],), ([1, 100, 1],)]


class _ShapesQuestion(FunctionQuestion):
    """A question on matrix products: a shape error gets the shapes the arguments have.

    ``array=True``: the question asks for "an array", so right values in a list are not enough.
    """

    def __init__(self, *args, shapes, array=False, **kwargs):
        self.shapes = shapes
        self.array = array
        self._returned = []
        super().__init__(*args, **kwargs)

    def _numeric_outputs(self, out):
        self._returned.append(out)
        return super()._numeric_outputs(out)

    def _judge_function(self, answer):
        self._returned = []
        super()._judge_function(answer)
        if self.array:
            for out in self._returned:
                if not isinstance(out, np.ndarray):
                    raise Incorrect(f"Your values are right, but your function returns "
                                    f"{_a_type(out)}; the question asks for an array of shape "
                                    "(n_samples,). Compute it for the whole batch at once, "
                                    "sigmoid(X @ w + b), or wrap your result in np.array(...).")

    def _call(self, answer, args):
        try:
            return super()._call(answer, args)
        except Incorrect as exc:
            if "raised ValueError" not in str(exc):
                raise
            raise Incorrect(f"{exc} Check the shapes, batch-first: {self.shapes}.") from None


def _a_type(value):
    if isinstance(value, (list, tuple)):
        return f"a Python {type(value).__name__}"
    return f"a {type(value).__name__}"


class _CountQuestion(FunctionQuestion):
    """Whole numbers are printed in full ("expected 101770", not "expected 1.018e+05").

    The question asks for "an integer": a right count as a float (17.0) is told so.
    """

    def _numeric_outputs(self, out):
        values = super()._numeric_outputs(out)
        self._returned.append(out)
        return values

    def _call(self, answer, args):
        result = super()._call(answer, args)
        given = [list(a) if isinstance(a, (list, tuple)) else a for a in args]
        try:
            with np.errstate(all="ignore"):
                answer(*given)
        except Exception:
            return result
        if any(list(g) != list(a) for g, a in zip(given, args) if isinstance(a, (list, tuple))):
            raise Incorrect(f"Your function changed the caller's list `sizes` (for {list(args[0])} "
                            f"it is {list(given[0])} afterwards, e.g. after sizes.pop(...)): "
                            "the caller may still need it. Read it without changing it, e.g. "
                            "zip(sizes[:-1], sizes[1:]).")
        return result

    def _judge_function(self, answer):
        self._returned = []
        super()._judge_function(answer)
        for out in self._returned:
            if not isinstance(out, (int, np.integer)) or isinstance(out, (bool, np.bool_)):
                raise Incorrect(f"Your count is right, but it is {_a_type(out)} ({out!r}); the "
                                "question asks for an integer, as a count of parameters is: "
                                "add whole numbers (n_in * n_out + n_out), or convert with "
                                "int(...), without a division or a float on the way.")

    def _explain_mismatch(self, cases, outputs, mismatches):
        args, (expected, _) = cases[mismatches[0]]
        got = np.asarray(outputs[mismatches[0]][0], dtype=float)
        if got.shape == () and float(got).is_integer():
            raise Incorrect(f"Your count is wrong for the widths {args[0]}: got {int(got)}, "
                            f"expected {expected[0]}.")
        super()._explain_mismatch(cases, outputs, mismatches)


def neuron(X, w, b):
    """One sigmoid neuron on a batch: a = sigma(X w + b), shape (n_samples,)."""
    z = X @ w + b               # one pre-activation per sample (row of X)
    return sigmoid(z)


def dense_layer(X, W, b):
    """A dense sigmoid layer on a batch: A = sigma(X W + b), shape (n_samples, n_units)."""
    Z = X @ W + b               # (n_samples, n_features) @ (n_features, n_units); b is added to every row
    return sigmoid(Z)


def forward(X, W1, b1, W2, b2):
    """Forward propagation through two sigmoid layers: returns a^(2), shape (n_samples, n_2)."""
    A1 = dense_layer(X, W1, b1)     # hidden layer
    A2 = dense_layer(A1, W2, b2)    # output layer reads the hidden activations
    return A2


def n_parameters(sizes):
    """The number of weights and biases of a dense network with widths sizes = [n_0, n_1, ..., n_D]."""
    total = 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        total += n_in * n_out + n_out   # the weight matrix (n_in, n_out) and one bias per neuron
    return total


def _sigmoid_flipped(z):
    return 1.0 / (1.0 + np.exp(z))


q1 = _ShapesQuestion(
    "Lab 1, question 1 (one neuron)", neuron, _NEURON_CASES, draw=_draw_neuron, array=True,
    shapes="X is (n_samples, n_features) and w is (n_features,), so X @ w has one entry per sample",
    mistakes=[
        Mistake("The bias is missing: the neuron computes z = x · w + b, then a = σ(z).",
                lambda X, w, b: sigmoid(X @ w)),
        Mistake("The bias is subtracted: z = x · w + b, with a plus (a negative b is already in b).",
                lambda X, w, b: sigmoid(X @ w - b)),
        Mistake("You return the pre-activation z; the neuron's output is a = σ(z).", lambda X, w, b: X @ w + b),
        Mistake("The sigmoid is applied before the bias is added: first z = x · w + b, then a = σ(z).",
                lambda X, w, b: sigmoid(X @ w) + b),
        Mistake("The sign in the sigmoid is flipped: σ(z) = 1 / (1 + e^(−z)). Yours is 1 / (1 + e^z) = 1 − σ(z), "
                "which decreases with z (the course notes' typo, see Common mistakes).",
                lambda X, w, b: _sigmoid_flipped(X @ w + b)),
    ],
    examples=[(lambda X, w, b: sigmoid(X * w + b), "shape")],
    hints=["For one sample x (a row), z = x · w + b = Σ_j w_j x_j + b and a = σ(z). With samples as the rows of "
           "X, the matrix-vector product X @ w gives one z per sample.",
           "Use the `sigmoid` imported at the top; compute z first, then apply σ.",
           "return sigmoid(X @ w + b)"],
)

q2 = _ShapesQuestion(
    "Lab 1, question 2 (a dense layer)", dense_layer, _LAYER_CASES, draw=_draw_layer,
    shapes="X is (n_samples, n_in), W is (n_in, n_out) and b is (n_out,), so X @ W + b is "
           "(n_samples, n_out)",
    mistakes=[
        Mistake("The bias is missing: the layer computes Z = X W + b (b added to every row), then A = σ(Z).",
                lambda X, W, b: sigmoid(X @ W)),
        Mistake("The sigmoid is applied before the bias is added: first Z = X W + b, then A = σ(Z).",
                lambda X, W, b: sigmoid(X @ W) + b),
        Mistake("You return the pre-activations Z = X W + b; the layer's output is A = σ(Z).",
                lambda X, W, b: X @ W + b),
        Mistake("The sign in the sigmoid is flipped: σ(z) = 1 / (1 + e^(−z)), an increasing function.",
                lambda X, W, b: _sigmoid_flipped(X @ W + b)),
        Mistake("Each sample's bias is the sum of all the biases: every neuron j adds its own b_j. Write "
                "X @ W + b and let numpy broadcast b over the rows.",
                lambda X, W, b: sigmoid(X @ W + b.sum())),
    ],
    examples=[(lambda X, W, b: sigmoid(W.T @ X.T + b[:, None]), "transpose"),
              (lambda X, W, b: sigmoid(X @ W.T + b), "ValueError")],
    hints=["Neuron j reads every input i with weight W[i, j] (column j of W holds its weights), so the whole "
           "layer is one matrix product: batch-first, X of shape (n_samples, n_features) times W of shape "
           "(n_features, n_units).",
           "Z = X @ W has shape (n_samples, n_units); adding b of shape (n_units,) adds b_j to column j of every "
           "row (broadcasting). Then apply σ entry by entry.",
           "return sigmoid(X @ W + b)"],
)

q3 = _ShapesQuestion(
    "Lab 1, question 3 (forward propagation)", forward, _NETWORK_CASES, draw=_draw_network,
    shapes="X is (n_samples, n_0), W1 is (n_0, n_1), b1 is (n_1,), W2 is (n_1, n_2) and b2 is "
           "(n_2,); a^(1) = σ(X W1 + b1) is (n_samples, n_1) and is the input of the second layer",
    mistakes=[
        Mistake("There is no activation on the hidden layer: the output layer must read a^(1) = σ(X W^(1) + "
                "b^(1)), not z^(1). Without it the two layers collapse into one linear layer.", lambda X, W1, b1, W2, b2: sigmoid((X @ W1 + b1) @ W2 + b2)),
        Mistake("There is no activation on the output layer: in this network a^(2) = σ(a^(1) W^(2) + b^(2)).",
                lambda X, W1, b1, W2, b2: dense_layer(X, W1, b1) @ W2 + b2),
        Mistake("You return the hidden layer's output a^(1); the network's output is a^(2).",
                lambda X, W1, b1, W2, b2: dense_layer(X, W1, b1)),
        Mistake("The bias of the output layer, b^(2), is missing.",
                lambda X, W1, b1, W2, b2: sigmoid(dense_layer(X, W1, b1) @ W2)),
        Mistake("The bias of the hidden layer, b^(1), is missing.",
                lambda X, W1, b1, W2, b2: dense_layer(sigmoid(X @ W1), W2, b2)),
    ],
    examples=[(lambda X, W1, b1, W2, b2: dense_layer(X, W1, b1).T, "shape")],
    hints=["Forward propagation evaluates the layers from the inside out: a^(0) = X, then "
           "a^(l) = σ(a^(l−1) W^(l) + b^(l)) for l = 1, 2.",
           "Call your `dense_layer` twice: the second call gets the first call's output as its input.",
           "A1 = dense_layer(X, W1, b1); return dense_layer(A1, W2, b2)"],
)

q4 = _CountQuestion(
    "Lab 1, question 4 (counting parameters)", n_parameters, _SIZE_CASES, draw=_draw_sizes,
    atol=0.0,
    mistakes=[
        Mistake("You counted only the weights: layer l also has n_l biases, one per neuron.",
                lambda s: sum(a * b for a, b in zip(s[:-1], s[1:]))),
        Mistake("You counted neurons, not parameters: layer l has n_(l−1) · n_l weights plus n_l biases.",
                lambda s: sum(s[1:])),
        Mistake("You counted the neurons of every layer, inputs included; count the weights and biases instead: "
                "n_(l−1) · n_l + n_l for each layer l = 1, ..., D.", lambda s: sum(s)),
        Mistake("You gave the inputs biases too: the inputs compute nothing, only layers 1, ..., D have biases.",
                lambda s: sum(a * b + b for a, b in zip(s[:-1], s[1:])) + s[0]),
        Mistake("You counted one bias per input instead of one per neuron: your count per layer is "
                "(n_l + 1) · n_(l−1); it should be n_(l−1) · n_l weights plus n_l biases.", lambda s: sum((b + 1) * a for a, b in zip(s[:-1], s[1:]))),
        Mistake("You left out the last layer (off by one): the network [n_0, ..., n_D] has D layers of weights, "
                "from n_0 → n_1 to n_(D−1) → n_D.",
                lambda s: sum(a * b + b for a, b in zip(s[:-2], s[1:-1]))),
    ],
    examples=[(lambda s: 2 * n_parameters(s), "got 34, expected 17")],
    hints=["Layer l (from n_(l−1) inputs to n_l neurons) has a weight matrix of shape (n_(l−1), n_l) and a "
           "bias vector of length n_l. The inputs are not a layer of weights.",
           "Loop over consecutive pairs of widths: zip(sizes[:-1], sizes[1:]) gives (n_0, n_1), (n_1, n_2), ...",
           "return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))"],
)
