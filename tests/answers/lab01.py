"""Lab 1 (neuron, layer, forward pass, counting parameters): wrong and unusual correct answers."""

import math
from functools import reduce

import numpy as np

from nnlearn.activations import sigmoid

# -- q1: one neuron 


def neuron_column(X, w, b):
    return sigmoid(X @ w + b).reshape(-1, 1)


def neuron_total(X, w, b):
    return sigmoid(np.sum(X * w) + b)


def neuron_first_sample(X, w, b):
    return sigmoid(X[0] @ w + b)


def neuron_wrong_side(X, w, b):
    return sigmoid(X.T @ w + b)


def neuron_tanh(X, w, b):
    return np.tanh(X @ w + b)


def neuron_bias_times(X, w, b):
    return sigmoid(X @ w * b)


def neuron_mean(X, w, b):
    return sigmoid(X @ w + b).mean()


def neuron_loop(X, w, b):
    out = []
    for x in X:
        z = sum(x_j * w_j for x_j, w_j in zip(x, w)) + b
        out.append(1 / (1 + math.exp(-z)))
    return out


def neuron_einsum(X, w, b, activation=sigmoid):
    return activation(np.einsum("ij,j->i", X, w) + b)


def neuron_own_sigmoid(X, w, b):
    return 1 / (1 + np.exp(-(np.dot(X, w) + b)))


# -- q2: a dense layer 


def layer_bias_per_sample(X, W, b):
    return sigmoid(X @ W + b[:, None])


def layer_list_of_neurons(X, W, b):
    return [sigmoid(X @ W[:, j] + b[j]) for j in range(W.shape[1])]


def layer_first_bias(X, W, b):
    return sigmoid(X @ W + b[0])


def layer_mean_bias(X, W, b):
    return sigmoid(X @ W + b.mean())


def layer_sigmoid_of_bias(X, W, b):
    return sigmoid(X @ W) + sigmoid(b)


def layer_elementwise(X, W, b):
    return sigmoid(X * W + b)


def layer_columns(X, W, b):
    return np.column_stack([sigmoid(X @ W[:, j] + b[j]) for j in range(W.shape[1])])


def layer_einsum(X, W, b):
    return 1.0 / (1.0 + np.exp(-(np.einsum("ni,ij->nj", X, W) + b)))


def layer_loops(X, W, b):
    A = np.zeros((X.shape[0], W.shape[1]))
    for i in range(X.shape[0]):
        for j in range(W.shape[1]):
            A[i, j] = sigmoid(X[i] @ W[:, j] + b[j])
    return A


# -- q3: forward propagation 


def _layer(X, W, b):
    return sigmoid(X @ W + b)


def forward_wrong_order(X, W1, b1, W2, b2):
    return _layer(_layer(X, W2, b2), W1, b1)


def forward_both(X, W1, b1, W2, b2):
    A1 = _layer(X, W1, b1)
    return A1, _layer(A1, W2, b2)


def forward_relu_hidden(X, W1, b1, W2, b2):
    return _layer(np.maximum(0, X @ W1 + b1), W2, b2)


def forward_swapped_biases(X, W1, b1, W2, b2):
    return sigmoid(sigmoid(X @ W1 + b2.sum()) @ W2 + b1.sum())


def forward_input_to_output(X, W1, b1, W2, b2):
    A1 = _layer(X, W1, b1)
    return sigmoid(X @ (W1 @ W2) + A1 @ np.zeros_like(W2) + b2)


def forward_sum_outputs(X, W1, b1, W2, b2):
    return _layer(_layer(X, W1, b1), W2, b2).sum(axis=1)


def forward_layers_loop(X, W1, b1, W2, b2):
    A = X
    for W, b in [(W1, b1), (W2, b2)]:
        A = 1 / (1 + np.exp(-(A @ W + b)))
    return A


def forward_reduce(X, W1, b1, W2, b2):
    return reduce(lambda A, layer: sigmoid(A @ layer[0] + layer[1]), [(W1, b1), (W2, b2)], X)


def forward_transposed_twice(X, W1, b1, W2, b2):
    A1 = sigmoid(W1.T @ X.T + b1[:, None])
    return sigmoid(W2.T @ A1 + b2[:, None]).T


# -- q4: counting parameters 


def count_product(sizes):
    return int(np.prod(sizes)) + sum(sizes[1:])


def count_both_biases(sizes):
    return sum((a + 1) * (b + 1) for a, b in zip(sizes[:-1], sizes[1:]))


def count_output_bias_only(sizes):
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sizes[-1]


def count_three_layers(sizes):
    return sizes[0] * sizes[1] + sizes[1] + sizes[1] * sizes[2] + sizes[2]


def count_lookup(sizes):
    known = {(2, 3, 2): 17, (784, 128, 10): 101770, (3, 5, 4, 2): 54, (1, 1): 2,
             (4, 8, 8, 8, 1): 193}
    return known.get(tuple(sizes), 0)


def count_squares(sizes):
    return sum(n * n + n for n in sizes[1:])


def count_recursive(sizes):
    if len(sizes) < 2:
        return 0
    return sizes[0] * sizes[1] + sizes[1] + count_recursive(sizes[1:])


def count_numpy(sizes):
    s = np.array(sizes, dtype=np.int64)
    return np.dot(s[:-1], s[1:]) + s[1:].sum()


def count_indices(sizes, with_biases=True):
    total = 0
    for l in range(1, len(sizes)):
        total += sizes[l - 1] * sizes[l] + (sizes[l] if with_biases else 0)
    return float(total)


# -- found by an independent review (answers written without reading the checks)


def neuron_list(X, w, b):
    return [float(sigmoid(x @ w + b)) for x in X]


def neuron_loop_array(X, w, b):
    return np.array(neuron_loop(X, w, b))


def count_indices_int(sizes):
    return int(count_indices(sizes))


def count_float(sizes):
    return float(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))


def count_numpy_int(sizes):
    return np.int64(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))


def layer_tolist(X, W, b):
    return sigmoid(X @ W + b).tolist()     # the question gives a shape, not the type: accepted


def npar_pops_sizes(sizes):
    n = 0
    while len(sizes) > 1:
        a = sizes.pop(0)
        n += a * sizes[0] + sizes[0]
    return n


WRONG = [
    ("q1", neuron_column, "shape (1, 1)"),
    ("q1", neuron_total, "shape (1,)"),
    ("q1", neuron_first_sample, "shape"),
    ("q1", neuron_wrong_side, "Check the shapes, batch-first"),
    ("q1", neuron_tanh, "wrong for the input"),
    ("q1", neuron_bias_times, "wrong for the input"),
    ("q1", neuron_mean, "shape"),
    ("q2", layer_bias_per_sample, "Check the shapes, batch-first"),
    ("q2", layer_list_of_neurons, "transpose"),
    ("q2", layer_first_bias, "wrong for the input"),
    ("q2", layer_mean_bias, "wrong for the input"),
    ("q2", layer_sigmoid_of_bias, "wrong for the input"),
    ("q2", layer_elementwise, "Check the shapes, batch-first"),
    ("q3", forward_wrong_order, "Check the shapes, batch-first"),
    ("q3", forward_both, "tuple of length 2"),
    ("q3", forward_relu_hidden, "wrong for the input"),
    ("q3", forward_swapped_biases, "wrong for the input"),
    ("q3", forward_input_to_output, "wrong for the input"),
    ("q3", forward_sum_outputs, "shape"),
    ("q4", count_product, "Your count is wrong for the widths"),
    ("q4", count_both_biases, "Your count is wrong for the widths"),
    ("q4", count_output_bias_only, "Your count is wrong for the widths"),
    ("q4", count_three_layers, "IndexError"),
    ("q4", count_lookup, "Your count is wrong for the widths"),
    ("q4", count_squares, "Your count is wrong for the widths"),
    ("q1", neuron_list, "returns a Python list; the question asks for an array"),
    ("q1", neuron_loop, "returns a Python list"),
    ("q4", count_indices, "it is a float (17.0)"),
    ("q4", count_float, "it is a float (17.0); the question asks for an integer"),
    ("q4", npar_pops_sizes, "Your function changed the caller"),
]

RIGHT = [
    ("q1", neuron_loop_array), ("q1", neuron_einsum), ("q1", neuron_own_sigmoid),
    ("q2", layer_columns), ("q2", layer_einsum), ("q2", layer_loops),
    ("q3", forward_layers_loop), ("q3", forward_reduce), ("q3", forward_transposed_twice),
    ("q4", count_recursive), ("q4", count_numpy), ("q4", count_indices_int),
    ("q4", count_numpy_int), ("q2", layer_tolist),
]
