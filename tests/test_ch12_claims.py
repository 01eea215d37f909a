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
    # seed 0, identical on the default, Prescott and Haswell kernels: accuracy 0.985, train loss 0.130,
    # test loss 0.141
    assert state["test_accuracy"] >= 0.95 and state["train_loss"] < 0.3 * np.log(2)
    assert abs(state["test_loss"] - state["train_loss"]) < 0.05    # the two curves lie on top of each other


def test_features_are_scaled_into_the_unit_interval():
    F = feature_map(np.array([[6.0, -3.0]]), ("x1", "x2", "x1^2", "x2^2", "x1x2"))
    np.testing.assert_allclose(F, [[1.0, -0.5, 1.0, 0.25, -0.5]])


def test_noise_moves_points_and_keeps_labels():
    """The chapter: nnlearn's noise adds N(0, sigma^2) to both coordinates (then clips to the square) and
    keeps the labels; unlike TensorFlow Playground's, it flips no label."""
    from nnlearn.explore.playground import playground_data

    X0, y0 = playground_data("circle", 400, noise=0.0, rng=5)
    X1, y1 = playground_data("circle", 400, noise=1.0, rng=5)
    assert np.bincount(y1).tolist() == np.bincount(y0).tolist() == [200, 200]
    radius = np.hypot(*X1.T)
    # points have moved across the gap (inner disc radius 2, ring from 3.5): the classes overlap
    assert (radius[y1 == 1] > 3.5).any() and (radius[y1 == 0] < 2).any()
    assert np.abs(X1).max() <= 6.0


def test_a_linear_model_needs_squared_features_for_the_circle():
    for seed in SEEDS:
        lin = trained(200, dataset="circle", hidden=(), seed=seed, **ADAM)
        sq = trained(200, dataset="circle", hidden=(), features=("x1^2", "x2^2"), seed=seed, **ADAM)
        # seeds 0-4 on three kernels: accuracy 0.32-0.71, final train loss 0.681-0.693
        assert lin.accuracy("train") < 0.75 and lin.accuracy() < 0.75, seed
        assert lin.history["train_loss"][-1] > 0.67, seed      # hardly below the 0.693 of guessing
        assert sq.accuracy("train") == sq.accuracy() == 1.0, seed
        w = sq.model[0].params["W"].ravel()
        b = sq.model[0].params["b"][0]
        assert (w < 0).all() and b > 0, seed                    # "inside" means a small x1^2 + x2^2
        assert abs(w[0] - w[1]) < 0.1 * abs(w.mean()), seed     # nearly equal (1.5-3.4 % apart)
        radius = 6 * np.sqrt(-b / w.mean())                     # boundary: w (x1^2 + x2^2)/36 + b = 0
        assert 2.0 < radius < 3.5, seed                         # measured 2.85-2.94


def test_xor_needs_a_hidden_layer_or_the_product_feature():
    for seed in SEEDS:
        lin = trained(200, dataset="xor", hidden=(), seed=seed, **ADAM)
        prod = trained(200, dataset="xor", hidden=(), features=("x1x2",), seed=seed, **ADAM)
        hid = trained(200, dataset="xor", hidden=(4,), seed=seed, **ADAM)
        # seeds 0-4 on three kernels: the line 0.345-0.74, the product 1.0, four units 0.965-1.0
        assert lin.accuracy() < 0.8, seed
        assert prod.accuracy() == 1.0 and prod.model[0].params["W"][0, 0] > 0, seed
        assert hid.accuracy() >= 0.93, seed


CHECKPOINTS = [0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 40, 50, 70, 100, 150, 200, 250, 300]


def trained_watching(**params):
    """The chapter's helper: 300 epochs, with the test accuracy at every checkpoint epoch."""
    pg = Playground(**params)
    curve = {}
    for epoch in CHECKPOINTS:
        pg.run_epochs(epoch - pg.epoch)
        curve[epoch] = pg.accuracy()
    return curve


@pytest.fixture(scope="module")
def spiral_curves():
    configs = {"4-4": dict(hidden=(4, 4)), "4-4 + sin": dict(hidden=(4, 4), features=SIN),
               "16-16": dict(hidden=(16, 16))}
    return {name: [trained_watching(dataset="spiral", seed=s, **cfg, **ADAM) for s in SEEDS]
            for name, cfg in configs.items()}


def test_spiral_needs_width_or_sine_features(spiral_curves):
    acc = {k: [c[300] for c in v] for k, v in spiral_curves.items()}
    mean = {k: np.mean(v) for k, v in acc.items()}
    # means over seeds 0-4 on the default, Prescott and Haswell kernels: 4-4 0.751, 4-4 + sin 0.924-0.93,
    # 16-16 0.877-0.91 (its seeds range 0.725-0.995, so it is not ordered against the sines)
    assert mean["4-4"] < 0.8
    assert mean["4-4 + sin"] > 0.88 and mean["4-4 + sin"] > mean["4-4"] + 0.1
    assert mean["16-16"] > mean["4-4"] + 0.05
    assert np.ptp(acc["16-16"]) > 0.1                          # "spread widely too" (0.195-0.255)
    # the figure's seed 0: 0.635 without sines, 0.96-0.985 with them
    assert acc["4-4"][0] < 0.7 and acc["4-4 + sin"][0] > 0.9
    assert acc["4-4 + sin"][0] - acc["4-4"][0] > 0.2
    # ... but not on every seed: one unlucky start (seed 3, 0.775) stays low even with the sines
    worst = int(np.argmin(acc["4-4 + sin"]))
    curve = spiral_curves["4-4 + sin"][worst]
    assert curve[300] < 0.85 and curve[300] - curve[50] < 0.1
    assert np.ptp(acc["4-4 + sin"]) > 0.1                      # "before you conclude, try a few seeds"


def test_the_flipbook_run_learns_the_spiral_after_a_plateau(spiral_curves):
    """The figure's run (seed 0 with sines) and the chapter's story about it. Seed 0 on the default,
    Prescott and Haswell kernels, identical up to epoch 150: 0.56 at the start, 0.79 after 50 epochs,
    0.755-0.88 from epoch 15 to 150, 0.97 at epoch 200 and 0.96-0.985 at epoch 300."""
    pg = Playground(dataset="spiral", features=SIN, hidden=(4, 4), **ADAM)
    acc = {}
    for epoch in CHECKPOINTS:
        pg.run_epochs(epoch - pg.epoch)
        acc[epoch] = pg.accuracy()
    assert acc == spiral_curves["4-4 + sin"][0]                # the flipbook replays seed 0 of Experiment 3
    assert acc[0] < 0.65 and acc[0] + 0.1 < acc[50] < acc[300] - 0.1 and acc[300] > 0.93
    plateau = [a for e, a in acc.items() if 15 <= e <= 150]
    assert max(plateau) < acc[200] and max(plateau) < acc[300] - 0.05
    # slow starters among the five sine runs: below 0.9 after 50 epochs, then more than ten points higher
    # (seeds 0, 1 and 4 on all three kernels; the smallest gain among them is seed 4's 0.12)
    slow = [c[50] < 0.9 and c[300] > c[50] + 0.1 for c in spiral_curves["4-4 + sin"]]
    assert sum(slow) >= 2 and slow[0]


def test_too_high_a_learning_rate_oscillates():
    for seed in SEEDS:
        runs = {lr: trained(200, dataset="circle", lr=lr, seed=seed) for lr in (0.03, 0.3, 10.0)}
        final = {lr: p.history["train_loss"][-1] for lr, p in runs.items()}
        # seeds 0-4 on default and Prescott: lr 0.3 ends 26-120 times below lr 0.03 (0.013-0.09)
        assert final[0.3] < final[0.03] / 10 and final[0.03] < 0.1, seed
        tail = np.asarray(runs[10.0].history["train_loss"][-50:])
        # min 0.69-0.78, max 14.3-18.0, std 3.6-4.3, test accuracy 0.475-0.525
        assert tail.min() < 1.0 and tail.max() > 8 and tail.max() > 10 * tail.min(), seed
        assert tail.std() > 2, seed
        assert runs[10.0].accuracy() < 0.6 and runs[0.3].accuracy() == 1.0, seed
        assert not runs[10.0].diverged, seed                   # no NaN: it jumps about, it does not blow up


@pytest.fixture(scope="module")
def regularised_runs():
    configs = {"none": {}, "L2": {"l2": 0.003}, "dropout": {"dropout": 0.2}, "strong L2": {"l2": 0.03}}
    runs = {}
    for name, extra in configs.items():
        pgs = [trained(300, **NOISY, **extra, seed=s) for s in SEEDS]
        runs[name] = {"train": np.array([p.history["train_loss"][-1] for p in pgs]),
                      "test": np.array([p.history["test_loss"][-1] for p in pgs]),
                      "best_test": np.array([min(p.history["test_loss"]) for p in pgs]),
                      "train_acc": np.array([p.accuracy("train") for p in pgs]),
                      "test_acc": np.array([p.accuracy() for p in pgs])}
    return runs


def test_unregularised_big_net_overfits_the_small_noisy_set(regularised_runs):
    r = regularised_runs["none"]
    # seeds 0-4, default and Prescott (equal to ~1e-10): train 0.003-0.053, test 0.19-0.99,
    # final test loss 1.24-2.3 times its lowest value, train accuracy mean 0.995, test accuracy mean 0.863
    assert (r["train"] < 0.1).all() and (r["test"] > 3 * r["train"]).all()
    assert r["train_acc"].mean() > 0.98 and r["test_acc"].mean() < 0.9
    assert (r["test"] > 1.1 * r["best_test"]).all()            # "while the test loss rises"
    assert r["test"][0] > 1.5 * r["best_test"][0]              # the figure's seed 0: 0.91 against 0.43


def test_l2_and_dropout_shrink_the_gap_on_every_seed(regularised_runs):
    gap = {k: v["test"] - v["train"] for k, v in regularised_runs.items()}
    none = regularised_runs["none"]
    for name in ("L2", "dropout"):
        assert (gap[name] < gap["none"]).all()
        assert (regularised_runs[name]["test"] < none["test"]).all()
        assert gap[name].mean() < 0.6 * gap["none"].mean()     # measured ratios 0.34 (L2), 0.47 (dropout)
        assert gap[name][0] < 0.6 * gap["none"][0]             # seed 0 (the figure): 0.34-0.36 against 0.90
        # "within a few points" of test accuracy: 0.877 (L2), 0.883 (dropout) against 0.863
        assert abs(regularised_runs[name]["test_acc"].mean() - none["test_acc"].mean()) < 0.05
    assert none["test"].mean() > 20 * none["train"].mean()     # "about forty times" (39.4)


def test_too_much_l2_underfits(regularised_runs):
    r = regularised_runs["strong L2"]
    assert (r["train_acc"] < 0.65).all() and (r["train"] > 0.65).all()   # 0.525-0.625; 0.66-0.69


def test_three_classes_with_softmax_and_cross_entropy():
    for seed in SEEDS:
        pg = trained(100, dataset="gauss3", loss="cce", hidden=(4,), seed=seed, **ADAM)
        n_wrong = round((1 - pg.accuracy()) * len(pg.y_test))
        assert n_wrong <= 8 and pg.model.layers[-2].n_out == 3, seed   # measured 2-4 of 200


def test_exercise_l1_leaves_more_weights_near_zero_than_l2():
    for seed in range(3):
        share = {}
        for name, penalty in {"l1": {"l1": 0.01}, "l2": {"l2": 0.01}, "none": {}}.items():
            pg = trained(300, dataset="gauss", hidden=(8, 8), seed=seed, **ADAM, **penalty)
            W = np.concatenate([layer.params["W"].ravel() for layer in pg.model if "W" in layer.params])
            share[name] = np.mean(np.abs(W) < 0.01)
            assert pg.accuracy() >= 0.98, (seed, name)          # measured 0.99-1.0
        # seeds 0-2 on three kernels: L1 0.86-0.94, L2 0.0-0.34, none 0.0-0.011
        assert share["l1"] > 0.75 and share["l2"] < 0.5 and share["l1"] > share["l2"] + 0.4, seed
        assert share["none"] < 0.05, seed


def test_exercise_xor_smallest_network():
    acc = {h: [trained(200, dataset="xor", hidden=(h,), **ADAM, seed=s).accuracy() for s in range(5)]
           for h in (1, 2, 3, 4)}
    # seeds 0 and 1 (the exercise's): one unit 0.68-0.735, two 0.65-0.735, three 0.955-0.975, four 0.985-1.0
    assert max(acc[1][:2]) < 0.8 and max(acc[2][:2]) < 0.8
    assert min(acc[3][:2]) >= 0.9 and min(acc[4][:2]) >= 0.9
    # "on other seeds two units get closer, but not reliably": seeds 2-4 reach 0.875-0.905
    assert max(acc[2][2:]) > max(acc[2][:2]) + 0.05 and min(acc[2][2:]) < 0.9


def test_exercise_batch_size():
    for seed in range(3):
        loss = {b: trained(200, batch_size=b, seed=seed).history["train_loss"][-1] for b in (1, 10, 200)}
        # seeds 0-2 on default and Prescott: B=1 0.0005-0.0013, B=10 0.013-0.09 (27-70 times higher),
        # B=200 0.645-0.674
        assert loss[1] < loss[10] / 10, seed
        assert 0.6 < loss[200] < np.log(2), seed


def test_exercise_three_arm_spiral():
    accs = [trained(400, dataset="spiral3", loss="cce", hidden=(16, 16), features=SIN, **ADAM, seed=s).accuracy()
            for s in range(3)]
    # seeds 0-2: default 0.905/0.95/0.93, Prescott 0.875/0.95/0.95, Haswell 0.87/0.95/0.92 (means 0.913-0.928)
    assert np.mean(accs) > 0.85 and min(accs) > 0.8
    with pytest.raises(ValueError, match="needs two classes"):
        Playground(dataset="spiral3", loss="bce")


def test_chapter_runs_are_deterministic():
    a = trained(20, **NOISY, dropout=0.2, seed=3).history["test_loss"]
    b = trained(20, **NOISY, dropout=0.2, seed=3).history["test_loss"]
    np.testing.assert_array_equal(a, b)


def test_an_experiment_sent_as_a_state_string_repeats_the_run():
    """The chapter: "trained for the same number of epochs, two playgrounds made from one string have the
    same weights", and the same as the experiment's own run (here with dropout, whose masks are seeded)."""
    text = Playground(**NOISY, dropout=0.2, seed=3).state
    assert "dropout=0.2" in text and "seed=3" in text
    a, b = trained(20, state=text), trained(20, state=text)
    original = trained(20, **NOISY, dropout=0.2, seed=3)
    np.testing.assert_array_equal(a._theta, b._theta)
    np.testing.assert_array_equal(a._theta, original._theta)
    assert a.history == b.history == original.history


def test_the_network_flipbook_bends_the_second_layer_out_of_first_layer_lines():
    """The flipbook of the network view (xor, 8-8 tanh, SGD 0.03): every first-layer tile is a
    half-plane in every frame, their lines hardly turn and sharpen as the weights grow, and the
    second layer starts nearly straight and bends between epochs 10 and 30 of seed 0.
    Measured on the default, Prescott and Haswell kernels (identical): seed 0's least linear
    layer-2 neuron 0.994 at epoch 0, 0.958 at 10, 0.588 at 30, test accuracy 0.645 at 10 and
    0.80 at 30; seeds 0-5 at epoch 0 0.972-0.996, median turn 7.3-18.3 degrees, median growth
    2.11-3.42."""
    LogisticRegression = pytest.importorskip("sklearn.linear_model").LogisticRegression
    from nnlearn.explore.playground import link_weights, neuron_maps

    def layer_fits(pg):  # the chapter's: how well a line reproduces each neuron's signs
        maps, points = neuron_maps(pg, step=1), pg.F_grid[:, :2]
        return [[LogisticRegression(C=1e6, max_iter=5000).fit(points, np.sign(m.ravel()))
                 .score(points, np.sign(m.ravel())) for m in layer if np.ptp(np.sign(m)) > 0]
                for layer in maps[1:3]]

    pg = Playground(dataset="xor", hidden=(8, 8), seed=0)
    least, acc = {}, {}
    for epoch in [0, 10, 20, 30, 40, 60, 100, 300]:             # the flipbook's frames
        pg.run_epochs(epoch - pg.epoch)
        fits = layer_fits(pg)
        assert min(fits[0]) > 0.995, (epoch, fits[0])          # half-planes in every frame
        least[epoch], acc[epoch] = min(fits[1]), pg.accuracy()
    assert least[0] > 0.95 and least[10] > 0.9 and least[30] < 0.8
    assert acc[10] < 0.75 and acc[30] > acc[10] + 0.1 and acc[300] > 0.95
    for seed in range(6):
        pg = Playground(dataset="xor", hidden=(8, 8), seed=seed)
        W0 = link_weights(pg)[0].copy()
        assert min(layer_fits(pg)[1]) > 0.95, seed              # layer 2 starts nearly straight
        pg.run_epochs(300)
        W1 = link_weights(pg)[0]
        n0, n1 = np.linalg.norm(W0, axis=0), np.linalg.norm(W1, axis=0)
        turn = np.degrees(np.arccos(np.clip((W0 * W1).sum(0) / (n0 * n1), -1, 1)))
        assert np.median(turn) < 30 and np.median(n1 / n0) > 1.5, seed
