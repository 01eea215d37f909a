"""The claims of Chapter 10 (book/part3/10-regularization.md), each run with the chapter's code and seeds."""

import numpy as np

from nnlearn.explore.regularization import (GRID, NOISE, WIDTHS, cached_fit, make_network, regularization_data,
                                            train_network)
from nnlearn.layers import Dropout
from nnlearn.training import EarlyStopping, evaluate


def weight_norm2(net):
    return sum(float(np.sum(layer.params["W"] ** 2)) for layer in net.layers if "W" in getattr(layer, "params", {}))


def test_training_error_falls_with_width_while_validation_error_turns_up():
    fits = [cached_fit(m, 0.0, 0.0) for m in WIDTHS]
    train = np.array([f.train_loss for f in fits])
    val = np.array([f.val_loss for f in fits])
    assert train[-1] < train[0] / 10 and train[-1] < NOISE ** 2 / 5      # fits the noise
    assert np.argmin(val) < len(WIDTHS) - 1 and val[-1] > 1.5 * val.min()


def test_validation_loss_has_an_early_minimum_while_training_loss_keeps_falling():
    f = cached_fit(64, 0.0, 0.0)
    best = int(np.argmin(f.val_loss_history))
    assert best < len(f.val_loss_history) // 2
    assert f.val_loss_history[-1] > 1.5 * f.val_loss_history[best]
    assert f.loss_history[-1] < f.loss_history[best]


def test_more_data_raises_training_loss_lowers_validation_loss_and_narrows_the_gap():
    _, _, X_val, y_val = regularization_data()
    losses = []
    for n in [20, 40, 80, 160]:
        net, _ = train_network(64, n_train=n)
        Xn, yn, _, _ = regularization_data(n)
        losses.append((evaluate(net, Xn, yn, loss="mse")["loss"], evaluate(net, X_val, y_val, loss="mse")["loss"]))
    losses = np.array(losses)
    assert np.all(np.diff(losses[:, 0]) > 0) and np.all(np.diff(losses[:, 1]) < 0)
    assert np.all(np.diff(losses[:, 1] - losses[:, 0]) < 0)


def test_l2_shrinks_the_weights():
    plain, _ = train_network(64)
    decayed, _ = train_network(64, l2=0.01)
    assert weight_norm2(decayed) < weight_norm2(plain)


def test_l2_and_dropout_each_narrow_the_generalisation_gap():
    none, l2, drop = cached_fit(64, 0.0, 0.0), cached_fit(64, 0.01, 0.0), cached_fit(64, 0.0, 0.2)
    gap = lambda f: f.val_loss - f.train_loss  # noqa: E731
    assert gap(l2) < gap(none) and gap(drop) < gap(none)
    assert l2.val_loss < none.val_loss and drop.val_loss < none.val_loss


def test_inverted_dropout_keeps_the_mean_and_predict_is_deterministic():
    out = Dropout(0.2, rng=0).forward(np.ones((1000, 100)))
    assert abs(np.mean(out == 0) - 0.2) < 0.01 and np.isclose(out.max(), 1 / 0.8) and abs(out.mean() - 1) < 0.01
    net = make_network(64, p=0.2, rng=0)
    net.train()
    first, second = net.forward(GRID[:, None]), net.forward(GRID[:, None])
    assert not np.allclose(first, second)
    assert np.array_equal(net.predict(GRID[:, None]), net.predict(GRID[:, None]))
    assert net.training  # predict restored training mode


def test_early_stopping_returns_the_best_validation_weights():
    _, _, X_val, y_val = regularization_data()
    net, history = train_network(64, early_stopping=EarlyStopping(patience=100))
    restored = evaluate(net, X_val, y_val, loss="mse")["loss"]
    assert history.stopped_epoch == history.best_epoch + 100
    assert np.argmin(history.val_loss) + 1 == history.best_epoch
    assert np.isclose(restored, history.val_loss.min())
    assert restored < history.val_loss[-1]  # the last epoch's weights were worse


def test_l2_penalty_gradient_is_lambda_w():
    lam, eps = 0.01, 1e-6
    net = make_network(4, rng=0)
    W = net[0].params["W"]
    penalty = lambda: lam / 2 * sum(np.sum(l.params["W"] ** 2) for l in net.layers  # noqa: E731
                                    if "W" in getattr(l, "params", {}))
    w0 = W[0, 1]
    W[0, 1] = w0 + eps
    up = penalty()
    W[0, 1] = w0 - eps
    down = penalty()
    W[0, 1] = w0
    assert np.isclose((up - down) / (2 * eps), lam * w0, atol=1e-8)


def test_chapter_numbers_repeat():
    a, _ = train_network(8, l2=0.003, p=0.1)
    b, _ = train_network(8, l2=0.003, p=0.1)
    np.testing.assert_array_equal(a.predict(GRID[:, None]), b.predict(GRID[:, None]))
