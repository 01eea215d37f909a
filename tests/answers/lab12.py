"""Lab 12: answers a learner might give (see ``tests/answers/__init__.py``)."""

import numpy as np


# -- q1: the feature map ψ ------------------------------------------------------------------------
def feat_sin_of_scaled(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 36,
                            np.sin(x1 / 6), np.sin(x2 / 6)])


def feat_product_by_6(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 6, np.sin(x1), np.sin(x2)])


def feat_scaled_by_data(X):
    x1, x2 = X[:, 0], X[:, 1]
    cols = [x1, x2, x1 ** 2, x2 ** 2, x1 * x2]
    cols = [c / np.abs(c).max() for c in cols]
    return np.column_stack(cols + [np.sin(x1), np.sin(x2)])


def feat_cosines(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 36, np.cos(x1), np.cos(x2)])


def feat_degrees(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 36,
                            np.sin(np.deg2rad(x1)), np.sin(np.deg2rad(x2))])


def feat_hstack(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.hstack([x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 36, np.sin(x1), np.sin(x2)])


def feat_list_of_columns(X):
    x1, x2 = X[:, 0], X[:, 1]
    return [x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 36, np.sin(x1), np.sin(x2)]


def feat_same_dtype(X):
    F = np.empty((len(X), 7), dtype=X.dtype)
    x1, x2 = X[:, 0], X[:, 1]
    F[:, 0], F[:, 1] = x1 / 6, x2 / 6
    F[:, 2], F[:, 3], F[:, 4] = x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 36
    F[:, 5], F[:, 6] = np.sin(x1), np.sin(x2)
    return F


def feat_no_sines(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 36])


def feat_rows(X):
    x1, x2 = X[0], X[1]
    return np.column_stack([x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 36, np.sin(x1), np.sin(x2)])


def feat_in_place(X):
    X /= 6
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(6 * x1), np.sin(6 * x2)])


# correct
def feat_scale_first(X):
    s = np.asarray(X, dtype=float) / 6
    return np.column_stack([s, s ** 2, s[:, 0] * s[:, 1], np.sin(X)])


def feat_rows_loop(X):
    out = []
    for x1, x2 in X:
        out.append([x1 / 6, x2 / 6, x1 * x1 / 36, x2 * x2 / 36, x1 * x2 / 36, np.sin(x1), np.sin(x2)])
    return out


def feat_stack(X, scale=6.0):
    x1, x2 = X.T
    return np.stack([x1 / scale, x2 / scale, (x1 / scale) ** 2, (x2 / scale) ** 2,
                     x1 * x2 / scale ** 2, np.sin(x1), np.sin(x2)], axis=1)


def feat_c_(X):
    x1, x2 = X[:, :1], X[:, 1:]
    return np.c_[x1 / 6, x2 / 6, x1 ** 2 / 36, x2 ** 2 / 36, x1 * x2 / 36, np.sin(x1), np.sin(x2)]


# -- q2: L1 and L2 penalty gradients --------------------------------------------------------------
def pen_divide_by_abs(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * W / np.abs(W), db


def pen_sign_minus_one_at_zero(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * np.where(W > 0, 1.0, -1.0), db


def pen_positive_only(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * (W > 0), db


def pen_in_place(W, b, dW, db, l1, l2):
    dW += l2 * W + l1 * np.sign(W)
    return dW, db


def pen_either_or(W, b, dW, db, l1, l2):
    if l2:
        return dW + l2 * W, db
    elif l1:
        return dW + l1 * np.sign(W), db
    return dW, db


def pen_mean(W, b, dW, db, l1, l2):
    return dW + (l2 * W + l1 * np.sign(W)) / W.size, db


def pen_sign_of_gradient(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * np.sign(dW), db


def pen_weights_only(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * np.sign(W)


def pen_penalty_value(W, b, dW, db, l1, l2):
    return dW + l2 / 2 * W ** 2 + l1 * np.sign(W), db


def pen_l2_on_bias(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * np.sign(W), db + l2 * b


# correct
def pen_loops(W, b, dW, db, l1, l2):
    out = np.array(dW, dtype=float)
    for i in range(W.shape[0]):
        for j in range(W.shape[1]):
            w = W[i, j]
            out[i, j] += l2 * w + (l1 if w > 0 else -l1 if w < 0 else 0.0)
    return out, db


def pen_copysign(W, b, dW, db, l1, l2):
    return dW + l2 * W + np.copysign(l1, W) * (W != 0), db.copy()


def pen_list(W, b, dW, db, l1, l2, penalise_bias=False):
    dW_reg = dW + l2 * W + l1 * np.sign(W)
    db_reg = db + (l2 * b + l1 * np.sign(b) if penalise_bias else 0.0)
    return [dW_reg, db_reg]


# -- q3: settings that learn the circle -----------------------------------------------------------
def settings_huge_lr():
    return {"hidden": (8,), "lr": 100.0}


def settings_linear_raw():
    return {"features": ("x1", "x2"), "hidden": (), "optimizer": "adam", "lr": 0.1}


def settings_squares_default_sgd():
    return {"features": ("x1^2", "x2^2"), "hidden": ()}


def settings_tuple():
    return ("x1^2", "x2^2")


def settings_epochs():
    return {"hidden": (4,), "optimizer": "adam", "epochs": 200}


def settings_seed():
    return {"features": ("x1^2", "x2^2"), "hidden": (), "optimizer": "adam", "lr": 0.03, "seed": 1}


def settings_too_narrow():
    return {"hidden": (2,), "optimizer": "adam", "lr": 0.03}


def settings_argument(lr):
    return {"hidden": (8,), "optimizer": "adam", "lr": lr}


def settings_printed():
    print({"features": ("x1^2", "x2^2"), "hidden": (), "optimizer": "adam", "lr": 0.03})


def settings_noisy():
    return {"features": ("x1^2", "x2^2"), "hidden": (), "optimizer": "adam", "lr": 0.03, "noise": 0.3}


# correct
def settings_hidden_adam():
    return {"hidden": (8,), "optimizer": "adam", "lr": 0.1}


def settings_dataset_named():
    return {"dataset": "circle", "features": ["x1^2", "x2^2", "x1", "x2"], "hidden": [], "optimizer": "adam",
            "lr": 0.05}


def settings_sgd_big_lr():
    return dict(features=("x1^2", "x2^2"), hidden=(), optimizer="sgd", lr=1.0)


WRONG = [
    ("q1", feat_sin_of_scaled, "sin(x1/6)"),
    ("q1", feat_product_by_6, "product x1x2 reaches 36"),
    ("q1", feat_scaled_by_data, "wrong for the input"),
    ("q1", feat_cosines, "cosines"),
    ("q1", feat_degrees, "wrong for the input"),
    ("q1", feat_hstack, "shape"),
    ("q1", feat_list_of_columns, "transpose"),
    ("q1", feat_same_dtype, "wrong for the input [[-6 6]"),
    ("q1", feat_no_sines, "shape"),
    ("q1", feat_rows, "raised IndexError"),
    ("q1", feat_in_place, "changed X in place"),
    ("q2", pen_divide_by_abs, "NaN"),
    ("q2", pen_sign_minus_one_at_zero, "your L1 term is −λ1"),
    ("q2", pen_positive_only, "weight gradient is wrong"),
    ("q2", pen_in_place, "in place"),
    ("q2", pen_either_or, "weight gradient is wrong"),
    ("q2", pen_mean, "weight gradient is wrong"),
    ("q2", pen_sign_of_gradient, "weight gradient is wrong"),
    ("q2", pen_weights_only, "must return 2 values"),
    ("q2", pen_penalty_value, "weight gradient is wrong"),
    ("q2", pen_l2_on_bias, "bias gradient is wrong"),
    ("q3", settings_huge_lr, "too large overshoots"),
    ("q3", settings_linear_raw, "straight line"),
    ("q3", settings_squares_default_sgd, "plain SGD"),
    ("q3", settings_tuple, "Return a dict"),
    ("q3", settings_epochs, "refused your settings"),
    ("q3", settings_seed, "Leave the data alone"),
    ("q3", settings_too_narrow, "does not get there"),
    ("q3", settings_argument, "raised TypeError"),
    ("q3", settings_printed, "returned None"),
    ("q3", settings_noisy, "Leave the data alone"),
]

RIGHT = [
    ("q1", feat_scale_first), ("q1", feat_rows_loop), ("q1", feat_stack), ("q1", feat_c_),
    ("q2", pen_loops), ("q2", pen_copysign), ("q2", pen_list),
    ("q3", settings_hidden_adam), ("q3", settings_dataset_named), ("q3", settings_sgd_big_lr),
]


# -- from an independent review (answers written without reading the checks) -------------------------
def rv_feat_squares_by_6(X):
    a, b = X[:, 0], X[:, 1]
    return np.column_stack([a / 6, b / 6, a ** 2 / 6, b ** 2 / 6, a * b / 36, np.sin(a), np.sin(b)])


def rv_pen_no_l1(W, b, dW, db, l1, l2):
    return dW + l2 * W, db


def rv_pen_no_l2(W, b, dW, db, l1, l2):
    return dW + l1 * np.sign(W), db


def rv_feat_scaled_then_product(X):
    Z = X / 6.0
    return np.stack([Z[:, 0], Z[:, 1], Z[:, 0] ** 2, Z[:, 1] ** 2, Z.prod(axis=1), np.sin(X[:, 0]),
                     np.sin(X[:, 1])], axis=1)


def rv_pen_nan_to_num(W, b, dW, db, l1, l2):
    with np.errstate(all="ignore"):
        s = np.nan_to_num(W / np.abs(W))
    return dW + l2 * W + l1 * s, db


WRONG += [
    ("q1", rv_feat_squares_by_6, "squares x1², x2² reach 36"),
    ("q2", rv_pen_no_l1, "L1 term is missing"),
    ("q2", rv_pen_no_l2, "L2 term is missing"),
]
RIGHT += [("q1", rv_feat_scaled_then_product), ("q2", rv_pen_nan_to_num)]


# -- second review --------------------------------------------------------------------------------
def penalty_smoothed_sign(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * W / (np.abs(W) + 1e-3), db


def settings_strong_l2():
    return {"features": ("x1^2", "x2^2"), "hidden": (), "optimizer": "adam", "lr": 0.03, "l2": 1.0}


WRONG += [
    ("q2", penalty_smoothed_sign, "np.sign(W)"),
    ("q3", settings_strong_l2, "l2 = 1"),
]


# -- third review ----------------------------------------------------------------------------------
def penalty_dead_zone(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * np.where(np.abs(W) < 1e-3, 0, np.sign(W)), db


def penalty_wide_dead_zone(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * np.where(np.abs(W) < 1e-2, 0, np.sign(W)), db


WRONG += [
    ("q2", penalty_dead_zone, "a small non-zero weight still has sign ±1"),
    ("q2", penalty_wide_dead_zone, "a small non-zero weight still has sign ±1"),
]



# -- fourth review ----------------------------------------------------------------------------------
def penalty_w_over_abs_w(W, b, dW, db, l1, l2):
    return dW + l2 * W + l1 * W / np.abs(W), db


WRONG += [
    ("q2", penalty_w_over_abs_w, "0/0"),
]


# -- q4: the lines of the first layer (answers as a learner might write them) --------------
def lines_rows_loop(W, b):
    normals, offsets = [], []
    for j in range(len(b)):
        w = W[j]                                     # a row: W has one column per neuron
        normals.append(w / np.linalg.norm(w))
        offsets.append(-6 * b[j] / np.linalg.norm(w))
    return np.array(normals), np.array(offsets)


def lines_feature_units_loop(W, b):
    normals, offsets = [], []
    for j in range(W.shape[1]):
        w = W[:, j]
        normals.append(w / np.linalg.norm(w))
        offsets.append(-b[j] / np.linalg.norm(w))    # the line in x/6, not in x
    return normals, offsets


def lines_positive_offsets(W, b):
    """Hesse's normal form as in a geometry book, d >= 0: the normal points away from the
    centre, whichever side the neuron is positive on."""
    norms = np.linalg.norm(W, axis=0)
    n, d = (W / norms).T, -6 * b / norms
    flip = np.where(d < 0, -1.0, 1.0)
    return n * flip[:, None], d * flip


def lines_abs_bias(W, b):
    norms = np.linalg.norm(W, axis=0)
    return (W / norms).T, 6 * np.abs(b) / norms


def lines_slope_intercept(W, b):
    """x2 = m x1 + c, as in school."""
    return -W[0] / W[1], -6 * b / W[1]


def lines_in_place(W, b):
    norms = np.linalg.norm(W, axis=0)
    W /= norms
    return W.T, -6 * b / norms


def lines_first_neuron(W, b):
    w = W[:, 0]
    return w / np.linalg.norm(w), -6 * b[0] / np.linalg.norm(w)


def lines_columns(W, b):
    norms = np.linalg.norm(W, axis=0)
    return W / norms, -6 * b / norms


def lines_offsets_first(W, b):
    norms = np.linalg.norm(W, axis=0)
    return -6 * b / norms, (W / norms).T


def lines_negative_side(W, b):
    norms = np.sqrt(np.sum(W ** 2, axis=0))
    return -(W / norms).T, 6 * b / norms


def lines_x2_down(W, b):
    """Read off an image, where row 0 is the top: x2 taken downwards."""
    norms = np.linalg.norm(W, axis=0)
    return np.column_stack([W[0], -W[1]]) / norms[:, None], -6 * b / norms


# correct
def lines_hypot(W, b):
    length = np.hypot(W[0], W[1])
    return np.column_stack([W[0] / length, W[1] / length]), -6.0 * b / length


def lines_loop(W, b):
    normals, offsets = [], []
    for j in range(W.shape[1]):
        w1, w2 = W[0, j], W[1, j]
        length = (w1 ** 2 + w2 ** 2) ** 0.5
        normals.append([w1 / length, w2 / length])
        offsets.append(-b[j] * 6 / length)
    return normals, offsets


def lines_scaled_then_normalised(W, b):
    """The line in x: (w/6) · x + b = 0, then normalised."""
    a = W / 6
    norms = np.sqrt(np.einsum("ij,ij->j", a, a))
    return [(a / norms).T, -b / norms]


WRONG += [
    ("q4", lines_rows_loop, "raised IndexError"),
    ("q4", lines_feature_units_loop, "6 times too small"),
    ("q4", lines_positive_offsets, "points to the orange side"),
    ("q4", lines_abs_bias, "map shows"),
    ("q4", lines_slope_intercept, "A vertical line (w2 = 0)"),
    ("q4", lines_in_place, "in place"),
    ("q4", lines_first_neuron, "array of normals"),
    ("q4", lines_columns, "one row per neuron"),
    ("q4", lines_offsets_first, "array of normals"),
    ("q4", lines_negative_side, "orange side"),
    ("q4", lines_x2_down, "x2 grows upwards"),
]
RIGHT += [("q4", lines_hypot), ("q4", lines_loop), ("q4", lines_scaled_then_normalised)]
