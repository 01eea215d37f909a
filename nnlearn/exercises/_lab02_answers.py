"""Lab 2's answers, right and wrong: the reference solutions and the typical mistakes the checks
recognise.
"""

import numpy as np


# -- reference solutions ------------------------------------------------------------------------------

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


# -- typical wrong answers ----------------------------------------------------------------------------

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


def _one_epoch(X, y, lr=1.0, max_epochs=100):
    w, b = np.zeros(X.shape[1]), 0.0
    for x_i, y_i in zip(X, y):
        w, b = perceptron_update(x_i, y_i, w, b, lr)
    return w, b


def _epochs(update):
    """Training as the question asks it, with another update rule (for the typical mistakes)."""
    def train(X, y, lr=1.0, max_epochs=100):
        w, b = np.zeros(X.shape[1]), 0.0
        for epoch in range(max_epochs):
            mistakes = 0
            for x_i, y_i in zip(X, y):
                if (1 if x_i @ w + b >= 0 else 0) != y_i:
                    w, b = update(x_i, y_i, w, b, lr)
                    mistakes += 1
            if mistakes == 0:
                break
        return w, b
    return train


_no_bias = _epochs(lambda x, y, w, b, lr: (perceptron_update(x, y, w, b, lr)[0], b))


def _strict_training(X, y, lr=1.0, max_epochs=100):
    """Training whose loop predicts with z > 0 (step(0) = 0) instead of the book's z >= 0."""
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            y_hat = 1 if x_i @ w + b > 0 else 0
            if y_hat != y_i:
                w, b = w + lr * (y_i - y_hat) * x_i, b + lr * (y_i - y_hat)
                mistakes += 1
        if mistakes == 0:
            break
    return w, b
_wrong_sign = _epochs(_wrong_sign_update)


def _strict_test_only(X, y, lr=1.0, max_epochs=100):
    """The loop finds mistakes with z > 0, the update (perceptron_update) predicts with z >= 0:
    at w = 0, b = 0 every mistake it finds has z = 0, where the update sees none."""
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            if (1 if x_i @ w + b > 0 else 0) != y_i:
                w, b = perceptron_update(x_i, y_i, w, b, lr)
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


def _count_weight_changes(X, y, lr=1.0, max_epochs=100):
    """Counts a mistake only when w changes: a mistake on x = 0 (which changes only b) is missed."""
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(max_epochs):
        changes = 0
        for x_i, y_i in zip(X, y):
            w_new, b = perceptron_update(x_i, y_i, w, b, lr)
            changes += int(np.any(w_new != w))
            w = w_new
        if changes == 0:
            break
    return w, b
