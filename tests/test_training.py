"""fit: the three gradient-descent variants, validation, early stopping, L2, dropout, divergence, errors."""

import numpy as np
import pytest
from sklearn.datasets import make_moons

import nnlearn
from nnlearn import MLP, Dense, Dropout, Activation, Sequential
from nnlearn.losses import get as get_loss
from nnlearn.optim import SGD, Adam
from nnlearn.training import DivergenceError, EarlyStopping, History, evaluate, fit


@pytest.fixture
def moons():
    X, y = make_moons(200, noise=0.2, random_state=0)
    return X, y.reshape(-1, 1).astype(float)


def small_net(seed=0, **kw):
    return MLP([2, 8, 1], activation="tanh", output_activation="sigmoid", rng=seed, **kw)


def test_training_lowers_the_loss_and_learns_moons(moons):
    X, y = moons
    net = small_net()
    history = fit(net, X, y, loss="bce", optimizer=Adam(0.02), epochs=400, metrics=["accuracy"], progress=False)
    assert isinstance(history, History) and history.n_epochs == 400
    assert history.loss.shape == (400,) and history["accuracy"].shape == (400,)
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert history["accuracy"][-1] > 0.95


@pytest.mark.parametrize("batch_size, steps", [(None, 1), (1, 200), (32, 7), (200, 1), (500, 1)])
def test_batch_size_sets_the_number_of_steps_per_epoch(moons, batch_size, steps):
    X, y = moons
    opt = SGD(0.1)
    fit(small_net(), X, y, loss="bce", optimizer=opt, epochs=3, batch_size=batch_size, progress=False)
    assert opt.t == 3 * steps


def test_full_batch_epoch_equals_one_hand_written_step(moons):
    X, y = moons
    net, ref = small_net(), small_net()
    fit(net, X, y, loss="bce", optimizer=SGD(0.5), epochs=1, progress=False, l2=0.1)
    loss = get_loss("bce")
    ref.backward(loss.gradient(ref.forward(X), y))
    for name, p, g in ref.named_parameters():
        if name.endswith("W"):
            g += 0.1 * p  # L2 on the weights only
        p -= 0.5 * g
    for (a, _), (b, _) in zip(net.parameters(), ref.parameters()):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)


def test_fused_softmax_cross_entropy_equals_the_separate_steps(rng):
    X = rng.normal(size=(30, 4))
    labels = rng.integers(0, 3, size=30)
    fused = MLP([4, 6, 3], activation="relu", output_activation="softmax", rng=0)
    logits = MLP([4, 6, 3], activation="relu", rng=0)  # same weights, loss applies the softmax
    fit(fused, X, labels, loss="cce", optimizer=SGD(0.3), epochs=5, progress=False)
    fit(logits, X, labels, loss=get_loss("cce", from_logits=True), optimizer=SGD(0.3), epochs=5, progress=False)
    for (a, _), (b, _) in zip(fused.parameters(), logits.parameters()):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_same_seed_same_run_and_shuffling_matters(moons):
    X, y = moons
    runs = [fit(small_net(), X, y, loss="bce", optimizer=SGD(0.1), epochs=5, batch_size=16, rng=s,
                progress=False).loss for s in (3, 3, 4)]
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_validation_loss_is_measured_in_eval_mode(moons):
    X, y = moons
    net = Sequential([Dense(2, 32, rng=0), Activation("relu"), Dropout(0.5, rng=0), Dense(32, 1, rng=1),
                      Activation("sigmoid")])
    history = fit(net, X[:150], y[:150], loss="bce", optimizer=Adam(0.01), epochs=5,
                  validation_data=(X[150:], y[150:]), metrics=["accuracy"], progress=False)
    assert history.val_loss[-1] == pytest.approx(get_loss("bce")(net.predict(X[150:]), y[150:]), rel=1e-12)
    assert history["val_accuracy"].shape == (5,)
    assert net.training  # fit leaves the network in training mode


def test_early_stopping_restores_the_best_weights():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(30, 1))
    y = np.sin(3 * X) + 0.3 * rng.normal(size=X.shape)
    X_val = rng.uniform(-1, 1, size=(200, 1))
    y_val = np.sin(3 * X_val) + 0.3 * rng.normal(size=X_val.shape)
    net = MLP([1, 64, 64, 1], activation="tanh", rng=0)
    es = EarlyStopping(patience=20)
    history = fit(net, X, y, loss="mse", optimizer=Adam(0.01), epochs=3000, validation_data=(X_val, y_val),
                  early_stopping=es, progress=False)
    best = int(np.argmin(history.val_loss))
    assert history.stopped_epoch is not None and history.stopped_epoch < 3000   # it stopped early...
    assert history.stopped_epoch == best + 1 + 20                               # ...`patience` epochs after the best
    assert history.best_epoch == best + 1
    assert get_loss("mse")(net.predict(X_val), y_val) == pytest.approx(history.val_loss[best], rel=1e-12)


def test_early_stopping_min_delta_and_int_patience(moons):
    X, y = moons
    history = fit(small_net(), X, y, loss="bce", optimizer=SGD(0.01), epochs=100, validation_data=(X, y),
                  early_stopping=EarlyStopping(patience=2, min_delta=1.0), progress=False)
    assert history.stopped_epoch == 3  # no epoch improves by more than 1.0 after the first
    history = fit(small_net(), X, y, loss="bce", optimizer=SGD(0.01), epochs=4, validation_data=(X, y),
                  early_stopping=3, progress=False)
    assert history.stopped_epoch is None and history.best_epoch == 4


def test_l2_shrinks_the_weights_but_not_the_biases(moons):
    X, y = moons
    plain, decayed = small_net(), small_net()
    fit(plain, X, y, loss="bce", optimizer=SGD(0.5), epochs=300, progress=False)
    history = fit(decayed, X, y, loss="bce", optimizer=SGD(0.5), epochs=300, l2=0.05, progress=False)
    norm = lambda net: sum(np.sum(layer.params["W"] ** 2) for layer in net.layers if isinstance(layer, Dense))  # noqa: E731
    assert norm(decayed) < 0.5 * norm(plain)
    W_sq = norm(decayed)
    assert history["l2_penalty"][-1] == pytest.approx(0.5 * 0.05 * W_sq, rel=1e-12)


def test_full_batch_epoch_with_l1_and_l2_equals_one_hand_written_step(moons):
    X, y = moons
    net, ref = small_net(), small_net()
    history = fit(net, X, y, loss="bce", optimizer=SGD(0.5), epochs=1, progress=False, l2=0.1, l1=0.03)
    loss = get_loss("bce")
    ref.backward(loss.gradient(ref.forward(X), y))
    for name, p, g in ref.named_parameters():
        if name.endswith("W"):
            g += 0.1 * p + 0.03 * np.sign(p)  # both penalties on the weights only
        p -= 0.5 * g
    for (a, _), (b, _) in zip(net.parameters(), ref.parameters()):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    l1_norm = sum(np.abs(layer.params["W"]).sum() for layer in net.layers if isinstance(layer, Dense))
    assert history["l1_penalty"][-1] == pytest.approx(0.03 * l1_norm, rel=1e-12)


def test_l1_makes_weights_sparse_where_l2_only_shrinks_them(moons):
    X, y = moons
    sparse, shrunk = small_net(), small_net()
    fit(sparse, X, y, loss="bce", optimizer=SGD(0.2), epochs=300, l1=0.01, progress=False)
    fit(shrunk, X, y, loss="bce", optimizer=SGD(0.2), epochs=300, l2=0.02, progress=False)
    small = lambda net: np.mean(np.concatenate([np.abs(layer.params["W"]).ravel() for layer in net.layers  # noqa: E731
                                                if isinstance(layer, Dense)]) < 1e-2)
    assert small(sparse) > 2 * small(shrunk)


def test_penalties_reach_every_weight_matrix_of_a_recurrent_layer(rng):
    from nnlearn.recurrent import SimpleRNN

    X, y = rng.normal(size=(8, 5, 2)), rng.normal(size=(8, 1))
    net = Sequential([SimpleRNN(2, 4, rng=0), Dense(4, 1, rng=1)])
    before = {name: p.copy() for name, p, _ in net.named_parameters()}
    history = fit(net, X, y, loss="mse", optimizer=SGD(1e-9), epochs=1, l2=1.0, progress=False)
    expected = 0.5 * sum(np.sum(p ** 2) for name, p in before.items() if name.rsplit(".", 1)[1].startswith("W"))
    assert history["l2_penalty"][0] == pytest.approx(expected, rel=1e-6)
    assert {"0.W_xh", "0.W_hh", "1.W"} <= set(before)


def test_callbacks_see_every_epoch_and_can_stop(moons):
    X, y = moons
    seen = []

    def watch(model, history):
        seen.append(history.n_epochs)
        return history.n_epochs == 4
    history = fit(small_net(), X, y, loss="bce", optimizer=SGD(0.1), epochs=10, callbacks=[watch], progress=False)
    assert seen == [1, 2, 3, 4] and history.n_epochs == 4 and history.stopped_epoch == 4


def test_divergence_stops_at_once_and_explains():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3)) * [1.0, 100.0, 1000.0]
    y = X @ np.ones((3, 1))
    with pytest.raises(DivergenceError) as info:
        fit(MLP([3, 8, 1], rng=0), X, y, loss="mse", optimizer=SGD(0.1), epochs=100, progress=False)
    msg = str(info.value)
    assert "diverged at epoch" in msg and "learning rate" in msg and "StandardScaler" in msg


def test_progress_bar(moons, capsys):
    X, y = moons
    fit(small_net(), X, y, loss="bce", optimizer=SGD(0.1), epochs=3, progress=True)
    assert "3/3" in capsys.readouterr().err
    fit(small_net(), X, y, loss="bce", optimizer=SGD(0.1), epochs=3, progress=False)
    assert capsys.readouterr().err == ""


def test_float32_training_stays_float32(moons):
    X, y = moons
    net = small_net(dtype=np.float32)
    history = fit(net, X, y, loss="bce", optimizer=Adam(0.01), epochs=50, progress=False)
    assert all(p.dtype == np.float32 for p, _ in net.parameters())
    assert history.loss[-1] < history.loss[0]


def test_evaluate(moons):
    X, y = moons
    net = small_net()
    result = evaluate(net, X, y, loss="bce", metrics=["accuracy"])
    assert result["loss"] == pytest.approx(get_loss("bce")(net.predict(X), y))
    assert 0 <= result["accuracy"] <= 1


def test_history_plot(moons):
    import matplotlib
    matplotlib.use("Agg")
    X, y = moons
    history = fit(small_net(), X, y, loss="bce", optimizer=SGD(0.1), epochs=4, validation_data=(X, y), progress=False)
    ax = history.plot()
    assert [line.get_label() for line in ax.get_lines()] == ["loss", "val loss"]
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), history.loss)
    import matplotlib.pyplot as plt
    plt.close("all")
    with pytest.raises(KeyError, match="no record 'accuracy'"):
        history["accuracy"]


def test_input_errors(moons):
    X, y = moons
    net, opt = small_net(), SGD(0.1)
    kw = dict(loss="bce", optimizer=opt, epochs=1, progress=False)
    with pytest.raises(TypeError, match="`model` must be an nnlearn Sequential"):
        fit("net", X, y, **kw)
    with pytest.raises(TypeError, match="`optimizer` must be an nnlearn optimizer"):
        fit(net, X, y, loss="bce", optimizer="sgd", epochs=1)
    with pytest.raises(ValueError, match="`epochs` must be an integer >= 1, got 0"):
        fit(net, X, y, loss="bce", optimizer=opt, epochs=0)
    with pytest.raises(ValueError, match="`batch_size` must be an integer >= 1"):
        fit(net, X, y, batch_size=0, **kw)
    with pytest.raises(ValueError, match=r"`y` does not fit.*reshape\(-1, 1\)"):
        fit(net, X, y.ravel(), **kw)
    with pytest.raises(ValueError, match="`X` has 200 samples but `y` has 199"):
        fit(net, X, y[:-1], **kw)
    with pytest.raises(ValueError, match="`X` must have 2 features"):
        fit(net, X[:, :1], y, **kw)
    bad = X.copy()
    bad[3, 0] = np.nan
    with pytest.raises(ValueError, match="`X` must contain only finite numbers"):
        fit(net, bad, y, **kw)
    with pytest.raises(ValueError, match="`validation_data\\[0\\]` must have 2 features"):
        fit(net, X, y, validation_data=(X[:, :1], y), **kw)
    with pytest.raises(ValueError, match="needs `validation_data`"):
        fit(net, X, y, early_stopping=5, **kw)
    with pytest.raises(TypeError, match=r"`callbacks\[0\]` must be callable"):
        fit(net, X, y, callbacks=[3], **kw)
    with pytest.raises(ValueError, match="Unknown metric 'acc'"):
        fit(net, X, y, metrics=["acc"], **kw)
    with pytest.raises(ValueError, match="`l2` must be non-negative"):
        fit(net, X, y, l2=-1, **kw)
    with pytest.raises(ValueError, match="`l1` must be non-negative"):
        fit(net, X, y, l1=-0.1, **kw)
    softmax_net = MLP([2, 4, 3], output_activation="softmax", rng=0)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\]"):
        fit(softmax_net, X, np.full(200, 3), loss="cce", optimizer=opt, epochs=1, progress=False)


def test_fit_is_exported():
    assert nnlearn.fit is fit
