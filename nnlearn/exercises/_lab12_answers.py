"""Lab 12's answers, right and wrong: the reference solutions and the typical mistakes
the checks recognise (the checks themselves are in lab12.py and _lab12_network.py).
"""

import numpy as np


# -- the reference solutions -----------------------------------------------------------
def features(X):
    """ψ(x) = (x1/6, x2/6, x1²/36, x2²/36, x1x2/36, sin x1, sin x2) for every row of X,
    shape (n_samples, 7)."""
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 36,
                            np.sin(x1), np.sin(x2)])


def penalty_gradients(W, b, dW, db, l1, l2):
    """Gradients of L + (l2/2)||W||² + l1 Σ|W_ij| with respect to W and b (the biases
    are not penalised)."""
    return dW + l2 * W + l1 * np.sign(W), db


def circle_settings():
    """Playground settings that learn the circle: a linear model on the squared features
    (one of many answers)."""
    return {"features": ("x1^2", "x2^2"), "hidden": (), "optimizer": "adam", "lr": 0.03}


def boundary_lines(W, b):
    """Where each first-layer neuron changes sign: unit normals (n_neurons, 2) pointing
    to the side where it is positive, and offsets d (n_neurons,), the line n · x = d."""
    norms = np.linalg.norm(W, axis=0)      # |w| of each neuron's weights, a column of W
    # tanh(w · x/6 + b) = 0  <=>  w · x = -6b  <=>  (w / |w|) · x = -6b / |w|
    return (W / norms).T, -6 * b / norms


# -- q1: the feature map, wrong --------------------------------------------------------
def _feat_unscaled(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(x1), np.sin(x2)])


def _feat_product_first(X):
    F = features(X)
    return F[:, [0, 1, 4, 2, 3, 5, 6]]


def _feat_square_for_product(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x1 / 36,
                            np.sin(x1), np.sin(x2)])


def _feat_swapped_coordinates(X):
    return features(X[:, ::-1])


def _feat_sines_scaled(X):
    F = features(X)
    F[:, 5:] /= 6
    return F


def _feat_squares_by_6(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1 / 6, x2 / 6, x1 ** 2 / 6, x2 ** 2 / 6, x1 * x2 / 6,
                            np.sin(x1), np.sin(x2)])


def _feat_sines_of_scaled(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 36,
                            np.sin(x1 / 6), np.sin(x2 / 6)])


def _feat_product_by_6(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 6,
                            np.sin(x1), np.sin(x2)])


def _feat_only_squares_by_6(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1 / 6, x2 / 6, x1 ** 2 / 6, x2 ** 2 / 6, x1 * x2 / 36,
                            np.sin(x1), np.sin(x2)])


def _feat_cosines(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 36,
                            np.cos(x1), np.cos(x2)])


def _feat_transposed(X):
    return features(X).T


# -- q2: the penalty gradients, wrong --------------------------------------------------
def _pen_divide_by_abs(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * W / np.abs(W), db


def _pen_bias_too(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * np.sign(W), db + l2 * b + l1 * np.sign(b)


def _pen_l1_as_w(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * W, db


def _pen_half_l2(W, b, dW, db, l1, l2):
    return dW + 0.5 * l2 * W + l1 * np.sign(W), db


def _pen_double_l2(W, b, dW, db, l1, l2):
    return dW + 2 * l2 * W + l1 * np.sign(W), db


def _pen_minus(W, b, dW, db, l1, l2):
    return dW - l2 * W - l1 * np.sign(W), db


def _pen_abs(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * np.abs(W), db


def _pen_sign_zero(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * np.where(W >= 0, 1.0, -1.0), db


def _pen_sign_zero_negative(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * np.where(W > 0, 1.0, -1.0), db


def _pen_swapped(W, b, dW, db, l1, l2):
    return dW + l1 * W + l2 * np.sign(W), db


def _pen_no_l1(W, b, dW, db, l1, l2):
    return dW + l2 * W, db


def _pen_no_l2(W, b, dW, db, l1, l2):
    return dW + l1 * np.sign(W), db


def _pen_no_data(W, b, dW, db, l1, l2):
    return l2 * W + l1 * np.sign(W), db


# -- q4: the first layer's lines, wrong ------------------------------------------------
def _lines_feature_units(W, b):          # the line in the features x/6, not in x
    norms = np.linalg.norm(W, axis=0)
    return (W / norms).T, -b / norms


def _lines_b_over_6(W, b):               # w · x/6 = -b solved as w · x = -b/6
    norms = np.linalg.norm(W, axis=0)
    return (W / norms).T, -b / (6 * norms)


def _lines_offset_sign(W, b):
    norms = np.linalg.norm(W, axis=0)
    return (W / norms).T, 6 * b / norms


def _lines_orange_side(W, b):            # the same lines, normals to the negative side
    norms = np.linalg.norm(W, axis=0)
    return (-W / norms).T, 6 * b / norms


def _lines_unnormalised(W, b):           # the same lines, w · x = -6b as it stands
    return W.T, -6 * b


def _lines_offset_unnormalised(W, b):
    norms = np.linalg.norm(W, axis=0)
    return (W / norms).T, -6 * b


def _lines_squared_norm(W, b):           # as in the nearest point, -6b w / |w|²
    norms = np.linalg.norm(W, axis=0)
    return (W / norms).T, -6 * b / norms ** 2


def _lines_matrix_norm(W, b):            # one norm for the whole matrix
    norm = np.linalg.norm(W)
    return W.T / norm, -6 * b / norm


def _lines_rows(W, b):                   # W read as one row per neuron
    norms = np.linalg.norm(W, axis=1)
    return W / norms[:, None], -6 * b / norms


def _lines_swapped_components(W, b):     # (w2, w1): x1 and x2 exchanged
    norms = np.linalg.norm(W, axis=0)
    return (W[::-1] / norms).T, -6 * b / norms


def _lines_x2_downwards(W, b):           # x2 read downwards, as the rows of an image
    norms = np.linalg.norm(W, axis=0)
    return (W * np.array([[1.0], [-1.0]]) / norms).T, -6 * b / norms
