"""The claims of Chapter 12 (book/part3/12-playground.md), each run with the chapter's code and seeds."""

import numpy as np
import pytest

from nnlearn.explore.playground import Playground, feature_map

ADAM = dict(optimizer="adam", lr=0.03)
SIN = ("x1", "x2", "sin_x1", "sin_x2")
SEEDS = range(5)
NOISY = dict(dataset="circle", noise=1.0, n_samples=100, train_ratio=0.4, hidden=(16, 16), **ADAM)


def trained(epochs, **params):
    pg = Playground(**params)
    pg.run_epochs(epochs)
    return pg


def test_default_playground_numbers():
    pg = Playground()
    assert len(pg.X_train) == len(pg.X_test) == 200
    assert pg.model.n_params == 2 * 4 + 4 + 4 * 4 + 4 + 4 + 1 == 37
    assert abs(pg.result["train_loss"] - np.log(2)) < 0.02   # near chance at the start
    state = pg.step(100)
    assert state["test_accuracy"] >= 0.95 and state["train_loss"] < 0.2


def test_features_are_scaled_into_the_unit_interval():
    F = feature_map(np.array([[6.0, -3.0]]), ("x1", "x2", "x1^2", "x2^2", "x1x2"))
    np.testing.assert_allclose(F, [[1.0, -0.5, 1.0, 0.25, -0.5]])


def test_a_linear_model_needs_squared_features_for_the_circle():
    lin = trained(200, dataset="circle", hidden=(), **ADAM)
    sq = trained(200, dataset="circle", hidden=(), features=("x1^2", "x2^2"), **ADAM)
    assert lin.accuracy("train") < 0.65 and lin.accuracy() < 0.65
    assert lin.history["train_loss"][-1] > 0.68          # hardly below the 0.693 of guessing
    assert sq.accuracy("train") == sq.accuracy() == 1.0
    w = sq.model[0].params["W"].ravel()
    b = sq.model[0].params["b"][0]
    assert (w < 0).all() and b > 0                      # "inside" means a small x1^2 + x2^2
    radius = 6 * np.sqrt(-b / w.mean())                 # boundary: w (x1^2 + x2^2)/36 + b = 0
    assert 2.0 < radius < 3.5


def test_xor_needs_a_hidden_layer_or_the_product_feature():
    lin = trained(200, dataset="xor", hidden=(), **ADAM)
    prod = trained(200, dataset="xor", hidden=(), features=("x1x2",), **ADAM)
    hid = trained(200, dataset="xor", hidden=(4,), **ADAM)
    assert lin.accuracy() <= 0.75
    assert prod.accuracy() == 1.0 and prod.model[0].params["W"][0, 0] > 0
    assert hid.accuracy() >= 0.95


@pytest.fixture(scope="module")
def spiral_accuracies():
    configs = {"4-4": dict(hidden=(4, 4)), "4-4 + sin": dict(hidden=(4, 4), features=SIN),
               "16-16": dict(hidden=(16, 16))}
    return {name: [trained(300, dataset="spiral", seed=s, **cfg, **ADAM).accuracy() for s in SEEDS]
            for name, cfg in configs.items()}


def test_spiral_needs_width_or_sine_features(spiral_accuracies):
    acc = {k: np.mean(v) for k, v in spiral_accuracies.items()}
    assert acc["4-4"] < 0.8
    assert acc["4-4 + sin"] > 0.9 and acc["16-16"] > 0.85
    assert acc["4-4"] < acc["16-16"] < acc["4-4 + sin"]
    assert spiral_accuracies["4-4"][0] < 0.65 and spiral_accuracies["4-4 + sin"][0] > 0.95
    # ... but not on every seed: one unlucky start stays below 0.8 even with the sines
    assert min(spiral_accuracies["4-4 + sin"]) < 0.8


def test_too_high_a_learning_rate_oscillates():
    runs = {lr: trained(200, dataset="circle", lr=lr) for lr in (0.03, 0.3, 10.0)}
    final = {lr: p.history["train_loss"][-1] for lr, p in runs.items()}
    assert final[0.3] < final[0.03] < 0.05
    tail = np.asarray(runs[10.0].history["train_loss"][-50:])
    assert tail.min() < 0.8 and tail.max() > 10 and tail.std() > 2
    assert runs[10.0].accuracy() < 0.6 and runs[0.3].accuracy() == 1.0
    assert not runs[10.0].diverged                     # no NaN: it jumps about, it does not blow up


@pytest.fixture(scope="module")
def regularised_runs():
    configs = {"none": {}, "L2": {"l2": 0.003}, "dropout": {"dropout": 0.2}, "strong L2": {"l2": 0.03}}
    runs = {}
    for name, extra in configs.items():
        pgs = [trained(300, **NOISY, **extra, seed=s) for s in SEEDS]
        runs[name] = {"train": np.array([p.history["train_loss"][-1] for p in pgs]),
                      "test": np.array([p.history["test_loss"][-1] for p in pgs]),
                      "train_acc": np.array([p.accuracy("train") for p in pgs]),
                      "test_acc": np.array([p.accuracy() for p in pgs])}
    return runs


def test_unregularised_big_net_overfits_the_small_noisy_set(regularised_runs):
    r = regularised_runs["none"]
    assert (r["train"] < 0.06).all() and (r["test"] > 3 * r["train"]).all()
    assert r["train_acc"].mean() > 0.99 and r["test_acc"].mean() < 0.9


def test_l2_and_dropout_shrink_the_gap_on_every_seed(regularised_runs):
    gap = {k: v["test"] - v["train"] for k, v in regularised_runs.items()}
    for name in ("L2", "dropout"):
        assert (gap[name] < gap["none"]).all()
        assert (regularised_runs[name]["test"] < regularised_runs["none"]["test"]).all()
        assert gap[name].mean() < 0.5 * gap["none"].mean()
    assert regularised_runs["none"]["test"].mean() > 30 * regularised_runs["none"]["train"].mean()
    assert abs(regularised_runs["L2"]["test_acc"].mean() - regularised_runs["none"]["test_acc"].mean()) < 0.05


def test_too_much_l2_underfits(regularised_runs):
    r = regularised_runs["strong L2"]
    assert (r["train_acc"] < 0.65).all() and (r["train"] > 0.65).all()


def test_three_classes_with_softmax_and_cross_entropy():
    pg = trained(100, dataset="gauss3", loss="cce", hidden=(4,), **ADAM)
    assert round((1 - pg.accuracy()) * len(pg.y_test)) == 2 and pg.model.layers[-2].n_out == 3


def test_the_flipbook_run_learns_the_spiral_after_a_plateau():
    pg = Playground(dataset="spiral", features=SIN, hidden=(4, 4), **ADAM)
    acc = {}
    for epoch in [0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 40, 50, 70, 100, 150, 200, 250, 300]:
        pg.run_epochs(epoch - pg.epoch)
        acc[epoch] = pg.accuracy()
    assert acc[0] < 0.65 and acc[300] > 0.95 and acc[0] < acc[10] < acc[50] < acc[300]
    assert round(acc[0], 3) == 0.56 and round(acc[50], 3) == 0.79 and round(acc[300], 3) == 0.985
    plateau = [a for e, a in acc.items() if 15 <= e <= 150]
    assert 0.75 <= min(plateau) and max(plateau) <= 0.88 and acc[200] >= 0.97


def test_exercise_l1_leaves_more_weights_near_zero_than_l2():
    share = {}
    for name, penalty in {"l1": {"l1": 0.01}, "l2": {"l2": 0.01}, "none": {}}.items():
        pg = trained(300, dataset="gauss", hidden=(8, 8), **ADAM, **penalty)
        W = np.concatenate([layer.params["W"].ravel() for layer in pg.model if "W" in layer.params])
        share[name] = np.mean(np.abs(W) < 0.01)
        assert pg.accuracy() == 1.0
    assert share["l1"] > 0.9 and 0.25 < share["l2"] < 0.45 and share["none"] == 0.0


def test_exercise_xor_smallest_network():
    acc = {h: [trained(200, dataset="xor", hidden=(h,), **ADAM, seed=s).accuracy() for s in (0, 1)]
           for h in (1, 2, 3, 4)}
    assert max(acc[1]) < 0.75 and max(acc[2]) < 0.75
    assert min(acc[3]) >= 0.95 and min(acc[4]) >= 0.95


def test_exercise_batch_size():
    loss = {b: trained(200, batch_size=b).history["train_loss"][-1] for b in (1, 10, 200)}
    assert loss[1] < 0.001 < loss[10] < 0.02 and 0.6 < loss[200] < 0.69


def test_exercise_three_arm_spiral():
    accs = [trained(400, dataset="spiral3", loss="cce", hidden=(16, 16), features=SIN, **ADAM, seed=s).accuracy()
            for s in range(3)]
    assert np.round(accs, 2).tolist() == [0.87, 0.95, 0.92] and np.mean(accs) > 0.9
    with pytest.raises(ValueError, match="needs two classes"):
        Playground(dataset="spiral3", loss="bce")


def test_chapter_runs_are_deterministic():
    a = trained(20, **NOISY, dropout=0.2, seed=3).history["test_loss"]
    b = trained(20, **NOISY, dropout=0.2, seed=3).history["test_loss"]
    np.testing.assert_array_equal(a, b)
