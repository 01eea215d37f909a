"""Lab 7: wrong and unusual-but-correct answers a learner might write (see tests/answers)."""

import numpy as np
from scipy.special import expit


# -- q1: XOR by hand -----------------------------------------------------------------------------
def xor_xnor():
    return (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]), np.array([[-1.0], [2.0]]),
            np.array([1.0]))


def xor_as_dict():
    return {"W1": np.ones((2, 2)), "b1": np.array([0.0, -1.0]), "W2": np.array([[1.0], [-2.0]]),
            "b2": np.zeros(1)}


def xor_w2_flat():
    return np.ones((2, 2)), np.array([0.0, -1.0]), np.array([1.0, -2.0]), np.array([0.0])


def xor_bias_sign_flipped():
    return np.ones((2, 2)), np.array([0.0, 1.0]), np.array([[1.0], [-2.0]]), np.array([0.0])


def xor_wrong_order():
    return np.ones((2, 2)), np.array([[1.0], [-2.0]]), np.array([0.0, -1.0]), np.array([0.0])


def xor_output_too_low():
    return np.ones((2, 2)), np.array([0.0, -1.0]), np.array([[1.0], [-2.0]]), np.array([-0.6])


def xor_no_hidden_bias_half_weight():
    return np.ones((2, 2)), np.array([0.0, -1.0]), np.array([[1.0], [-1.0]]), np.array([0.0])


def xor_difference_units():          # h1 = ReLU(x1 - x2), h2 = ReLU(x2 - x1), y = h1 + h2
    return np.array([[1, -1], [-1, 1]]), np.array([0, 0]), np.array([[1], [1]]), np.array([0])


def xor_exactly_at_threshold():      # 0, 0.5, 0.5, 0: class 1 means y_hat >= 0.5
    return [[1.0, 1.0], [1.0, 1.0]], [0.0, -1.0], [[0.5], [-1.0]], [0.0]


# -- q2: bump ------------------------------------------------------------------------------------
def bump_naive_silenced(x, left, right, height, kappa):
    with np.errstate(over="ignore"):
        s1 = 1 / (1 + np.exp(-kappa * (x - left)))
        s2 = 1 / (1 + np.exp(-kappa * (x - right)))
    return height * (s1 - s2)


def bump_naive_seterr(x, left, right, height, kappa):
    np.seterr(all="ignore")
    return height * (1 / (1 + np.exp(-kappa * (x - left))) - 1 / (1 + np.exp(-kappa * (x - right))))


def bump_height_on_first_step(x, left, right, height, kappa):
    return height * expit(kappa * (x - left)) - expit(kappa * (x - right))


def bump_tanh_steps(x, left, right, height, kappa):
    return height * (np.tanh(kappa * (x - left)) - np.tanh(kappa * (x - right))) / 2


def bump_fixed_kappa(x, left, right, height, kappa):
    return height * (expit(500 * (x - left)) - expit(500 * (x - right)))


def bump_height_added(x, left, right, height, kappa):
    return height + expit(kappa * (x - left)) - expit(kappa * (x - right))


def bump_shifts_in_place(x, left, right, height, kappa):
    x -= left
    return height * (expit(kappa * x) - expit(kappa * (x + left - right)))


def bump_centre_width(x, left, right, height, kappa):
    centre, half = (left + right) / 2, (right - left)
    return height * (expit(kappa * (x - centre + half)) - expit(kappa * (x - centre - half)))


def bump_expit(x, left, right, height, kappa):
    return height * (expit(kappa * (x - left)) - expit(kappa * (x - right)))


def bump_tanh_form(x, left, right, height, kappa):
    def step(z):
        return 0.5 * (1.0 + np.tanh(0.5 * z))
    return height * (step(kappa * (x - left)) - step(kappa * (x - right)))


def bump_clipped_exponent(x, left, right, height, kappa):
    def step(z):
        return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))
    return height * (step(kappa * (x - left)) - step(kappa * (x - right)))


# -- q3: the ReLU interpolant --------------------------------------------------------------------
def interp_m_knots(f, m, low, high):
    knots = np.linspace(low, high, m)
    slopes = np.diff(f(knots)) / np.diff(knots)
    return np.ones(m), -knots, np.diff(slopes, prepend=0.0), f(knots[0])


def interp_unit_interval(f, m, low, high):
    knots = np.linspace(0.0, 1.0, m + 1)
    slopes = np.diff(f(knots)) / np.diff(knots)
    return np.ones(m), -knots[:-1], np.diff(slopes, prepend=0.0), f(knots[0])


def interp_hard_coded_sin(f, m, low, high):
    knots = np.linspace(low, high, m + 1)
    slopes = np.diff(np.sin(knots)) / np.diff(knots)
    return np.ones(m), -knots[:-1], np.diff(slopes, prepend=0.0), np.sin(knots[0])


def interp_c_as_vector(f, m, low, high):
    knots = np.linspace(low, high, m + 1)
    slopes = np.diff(f(knots)) / np.diff(knots)
    return np.ones(m), -knots[:-1], np.diff(slopes, prepend=0.0), np.full(m, f(knots[0]))


def interp_as_dict(f, m, low, high):
    knots = np.linspace(low, high, m + 1)
    slopes = np.diff(f(knots)) / np.diff(knots)
    return {"w": np.ones(m), "b": -knots[:-1], "v": np.diff(slopes, prepend=0.0), "c": f(knots[0])}


def interp_c_mean(f, m, low, high):
    knots = np.linspace(low, high, m + 1)
    slopes = np.diff(f(knots)) / np.diff(knots)
    return np.ones(m), -knots[:-1], np.diff(slopes, prepend=0.0), np.mean(f(knots))


def interp_loop(f, m, low, high):
    h = (high - low) / m
    w, b, v = [], [], []
    previous = 0.0
    for j in range(m):
        t = low + j * h
        slope = (f(t + h) - f(t)) / h
        w.append(1.0)
        b.append(-t)
        v.append(slope - previous)
        previous = slope
    return w, b, v, f(low)


def interp_scaled_units(f, m, low, high, scale=3.0):
    knots = np.linspace(low, high, m + 1)
    slopes = np.diff(f(knots)) / np.diff(knots)
    return (np.full(m, scale), -scale * knots[:-1], np.diff(slopes, prepend=0.0) / scale,
            float(f(knots[0])))


# -- q4: counting parameters ---------------------------------------------------------------------
def params_bias_everywhere(widths):
    return sum(a * b for a, b in zip(widths[:-1], widths[1:])) + sum(widths)


def params_skip_first_layer(widths):
    return sum((widths[i] + 1) * widths[i + 1] for i in range(1, len(widths) - 1))


def params_product(widths):
    return int(np.prod(widths)) + sum(widths[1:])


def params_looked_up(widths):
    known = {(1, 2, 1): 7, (2, 2, 1): 9, (1, 2, 2, 2, 1): 19, (10, 50, 50, 1): 3151,
             (784, 128, 10): 101770, (3, 1): 4, (5, 3, 8, 2, 7, 4): 139}
    return known.get(tuple(widths), 0)


def params_both_sides_bias(widths):
    return sum((a + 1) * (b + 1) for a, b in zip(widths[:-1], widths[1:]))


def params_per_layer(widths):
    return [(a + 1) * b for a, b in zip(widths[:-1], widths[1:])]


def params_loop(widths):
    total = 0
    for i in range(1, len(widths)):
        total += widths[i - 1] * widths[i]     # weights
        total += widths[i]                     # biases
    return total


def params_numpy(widths):
    w = np.asarray(widths)
    return int(np.dot(w[:-1] + 1, w[1:]))


# -- q5: deep versus shallow ---------------------------------------------------------------------
def _count(widths):
    return sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:]))


def sizes_one_unit_too_many(k):
    return _count([1] + [2] * k + [1]), _count([1, 2 ** k + 1, 1])


def sizes_weights_only(k):
    return 4 * k + 2, 2 * 2 ** k


def sizes_no_output_layer(k):
    return _count([1] + [2] * k + [1]), _count([1, 2 ** k])


def sizes_as_dict(k):
    return {"deep": 6 * k + 1, "shallow": 3 * 2 ** k + 1}


def sizes_swapped(k):
    return _count([1, 2 ** k, 1]), _count([1] + [2] * k + [1])


def sizes_one_layer_short(k):
    return _count([1] + [2] * (k - 1) + [1]), _count([1, 2 ** k, 1])


def n_params(widths):                  # question 4 left as the template
    raise NotImplementedError()


def sizes_before_q4(k):
    return n_params([1] + [2] * k + [1]), n_params([1, 2 ** k, 1])


def sizes_closed_form(k):
    return 6 * k + 1, 3 * 2 ** k + 1


def sizes_as_list(k):
    return [_count([1] + [2] * k + [1]), _count([1, 2 ** k, 1])]


def sizes_piece_count_bound(k):        # m + 1 >= 2^k read as the answer
    return _count([1] + [2] * k + [1]), _count([1, 2 ** k - 1, 1])


WRONG = [
    ("q1", xor_xnor, "XNOR"),
    ("q1", xor_as_dict, "must return four arrays"),
    ("q1", xor_w2_flat, "W2 has shape (2,)"),
    ("q1", xor_bias_sign_flipped, "same class"),
    ("q1", xor_wrong_order, "b1 has shape (2, 1)"),
    ("q1", xor_output_too_low, "same class"),
    ("q1", xor_no_hidden_bias_half_weight, "computes OR"),
    ("q2", bump_naive_silenced, "overflows"),
    ("q2", bump_naive_seterr, "overflows"),
    ("q2", bump_height_on_first_step, "wrong for the input"),
    ("q2", bump_tanh_steps, "wrong for the input"),
    ("q2", bump_fixed_kappa, "ignores `kappa`"),
    ("q2", bump_height_added, "wrong for the input"),
    ("q2", bump_shifts_in_place, "in place"),
    ("q2", bump_centre_width, "wrong for the input"),
    ("q3", interp_m_knots, "must have shape"),
    ("q3", interp_unit_interval, "more than the bound"),
    ("q3", interp_hard_coded_sin, "more than the bound"),
    ("q3", interp_c_as_vector, "c must be one number"),
    ("q3", interp_as_dict, "must return four values"),
    ("q3", interp_c_mean, "more than the bound"),
    ("q4", params_bias_everywhere, "input layer biases"),
    ("q4", params_skip_first_layer, "wrong for the input"),
    ("q4", params_product, "wrong for the input"),
    ("q4", params_looked_up, "wrong for the input"),
    ("q4", params_both_sides_bias, "wrong for the input"),
    ("q4", params_per_layer, "shape"),
    ("q5", sizes_one_unit_too_many, "2^k + 1 units"),
    ("q5", sizes_weights_only, "wrong for the input"),
    ("q5", sizes_no_output_layer, "shallow network is wrong"),
    ("q5", sizes_as_dict, "the pair (deep, shallow)"),
    ("q5", sizes_swapped, "counts are swapped"),
    ("q5", sizes_one_layer_short, "k − 1 hidden layers"),
    ("q5", sizes_before_q4, "Question 4 is not done yet"),
]

RIGHT = [
    ("q1", xor_difference_units),
    ("q1", xor_exactly_at_threshold),
    ("q2", bump_expit),
    ("q2", bump_tanh_form),
    ("q2", bump_clipped_exponent),
    ("q3", interp_loop),
    ("q3", interp_scaled_units),
    ("q4", params_loop),
    ("q4", params_numpy),
    ("q5", sizes_closed_form),
    ("q5", sizes_as_list),
]


# -- from an independent review (answers written without reading the checks) --------------------
def bump_product_of_steps(x, left, right, height, kappa):
    return height * expit(kappa * (x - left)) * expit(-kappa * (x - right))


def params_input_bias(widths):
    return sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:])) + widths[0]


def params_as_float(widths):
    return float(sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:])))


def params_pops_widths(widths):
    total = 0
    while len(widths) > 1:
        n_in = widths.pop(0)
        total += (n_in + 1) * widths[0]
    return total


def params_numpy_int(widths):
    w = np.asarray(widths)
    return (w[:-1] + 1) @ w[1:]


def sizes_2k_pieces(k):
    return _count([1] + [2] * k + [1]), _count([1, 2 * k - 1, 1])


def sizes_deep_no_output_bias(k):
    return 6 * k, _count([1, 2 ** k, 1])


WRONG += [
    ("q2", bump_product_of_steps, "You multiplied the two steps"),
    ("q4", params_input_bias, "input layer biases"),
    ("q4", params_as_float, "asks for an integer"),
    ("q4", params_pops_widths, "changed `widths`"),
    ("q5", sizes_2k_pieces, "2k linear pieces"),
    ("q5", sizes_piece_count_bound, "only a lower bound"),
    ("q5", sizes_deep_no_output_bias, "6k, one short"),
]

RIGHT += [
    ("q4", params_numpy_int),
]


# -- second review --------------------------------------------------------------------------------
def sawtooth_weights_only(k):
    return 4 * (k - 1) + 4, 2 * 2 ** k


WRONG += [
    ("q5", sawtooth_weights_only, "weights only"),
]
