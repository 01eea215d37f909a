"""KMeansExplorer: lloyd_steps() is nnlearn.cluster.KMeans's Lloyd run kept step by step, the inertia never rises,
drawing is in place, the controls drive update, and bad parameters are refused."""

import numpy as np
import pytest

from nnlearn.cluster import KMeans, kmeans_plusplus
from nnlearn.explore.classification import DATASETS, MAX_ITER, MAX_K, KMeansExplorer, clustering_data, lloyd_steps

from .layered_checks import _full_draw, _pixels, _record_draws, _statics


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("k", [2, 3, 5])
def test_kmeanspp_run_matches_nnlearn_kmeans(dataset, k):
    X, _ = clustering_data(dataset)
    run = lloyd_steps(X, k, init="k-means++", rng=3, max_iter=300)
    km = KMeans(k, n_init=1, tol=0.0, max_iter=300, rng=3).fit(X)
    np.testing.assert_allclose(run["inertia"][1:], km.inertia_history_, rtol=1e-12)
    np.testing.assert_allclose(run["centres"][-1], km.cluster_centers_, atol=1e-12)
    np.testing.assert_array_equal(run["labels"][-1], km.labels_)
    np.testing.assert_array_equal(run["centres"][0], kmeans_plusplus(X, k, rng=3)[0])
    assert run["converged"]


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_states_are_consistent_and_inertia_never_rises(init):
    X, _ = clustering_data("moons")
    run = lloyd_steps(X, 4, init=init, rng=1)
    for centres, labels, inertia in zip(run["centres"], run["labels"], run["inertia"]):
        d2 = ((X[:, None, :] - centres[None]) ** 2).sum(axis=2)
        np.testing.assert_array_equal(labels, d2.argmin(axis=1))      # labels: closest centre
        assert np.isclose(inertia, d2.min(axis=1).sum())
    for t in range(1, len(run["inertia"])):
        prev = run["labels"][t - 1]
        means = np.array([X[prev == j].mean(axis=0) for j in range(4)])
        np.testing.assert_allclose(run["centres"][t], means)         # update: mean of the previous clusters
    assert np.all(np.diff(run["inertia"]) <= 1e-9 * run["inertia"][0])
    assert np.array_equal(run["labels"][-1], run["labels"][-2])       # stopped because nothing changed


def test_random_init_picks_distinct_data_points_and_is_seeded():
    X, _ = clustering_data("blobs")
    a = lloyd_steps(X, 6, init="random", rng=5)
    b = lloyd_steps(X, 6, init="random", rng=5)
    c = lloyd_steps(X, 6, init="random", rng=6)
    np.testing.assert_array_equal(a["centres"], b["centres"])
    assert not np.array_equal(a["centres"][0], c["centres"][0])
    rows = [np.flatnonzero((X == centre).all(axis=1)) for centre in a["centres"][0]]
    assert all(len(r) == 1 for r in rows) and len({int(r[0]) for r in rows}) == 6


def test_empty_cluster_is_reseeded_at_the_farthest_point():
    X = np.array([[0.0, 0.0], [0.0, 0.0], [5.0, 0.0], [6.0, 0.0]])
    # a seed whose random start is the two identical rows: the second centre then gets no point
    seed = next(s for s in range(100) if set(np.random.default_rng(s).choice(4, 2, replace=False)) == {0, 1})
    run = lloyd_steps(X, 2, init="random", rng=seed)
    np.testing.assert_array_equal(run["labels"][0], [0, 0, 0, 0])
    np.testing.assert_allclose(run["centres"][1], [[2.75, 0.0], [6.0, 0.0]])   # re-seeded at the farthest point
    assert run["inertia"][-1] == pytest.approx(0.5) and run["converged"]


def test_data_sets_are_fixed_and_have_their_groups():
    for name in DATASETS:
        X, y = clustering_data(name)
        assert X.shape == (300, 2) and y.shape == (300,)
        assert not X.flags.writeable
        np.testing.assert_array_equal(X, clustering_data(name)[0])
    X, y = clustering_data("blobs")
    np.testing.assert_allclose([X[y == j].mean(axis=0) for j in range(3)], [[-2, 0], [2, 0.5], [0, 3]], atol=0.2)


def test_k_means_fails_on_moons_and_strips_but_not_blobs():
    from sklearn.metrics import adjusted_rand_score

    scores = {}
    for name in DATASETS:
        X, y = clustering_data(name)
        scores[name] = adjusted_rand_score(y, KMeans(len(np.unique(y)), rng=0).fit_predict(X))
    assert scores["blobs"] > 0.95 and scores["moons"] < 0.5 and scores["anisotropic"] < 0.5


def test_update_picks_the_step_and_clamps_past_convergence():
    ex = KMeansExplorer(dataset="blobs", k=3, init="random", seed=0, step=0)
    run = ex.result["run"]
    np.testing.assert_array_equal(ex.result["centres"], run["centres"][0])
    r = ex.update(dataset="blobs", k=3, init="random", seed=0, step=1)
    np.testing.assert_array_equal(r["centres"], run["centres"][1])
    assert r["path"].shape == (2, 3, 2)
    r = ex.update(dataset="blobs", k=3, init="random", seed=0, step=MAX_ITER)
    assert r["step"] == r["n_iter"] == len(run["inertia"]) - 1
    assert r["inertia"] == pytest.approx(run["inertia"][-1])
    assert ex.update(dataset="blobs", k=3, init="random", seed=0, step=2)["run"] is run   # cached
    assert ex.fig is None


def test_artists_change_in_place():
    ex = KMeansExplorer(dataset="moons", k=4, step=0)
    png = ex.render()
    points, centres, curve = ex._points, ex._centres, ex._curve
    n_artists = len(ex._ax.get_children())
    png2 = ex.redraw(step=3)
    assert ex._points is points and ex._centres is centres and ex._curve is curve
    assert len(ex._ax.get_children()) == n_artists
    np.testing.assert_array_equal(centres.get_offsets(), ex.result["centres"])
    assert png2 != png
    ex.redraw(dataset="anisotropic", k=2)
    assert len(ex._centres.get_offsets()) == 2
    np.testing.assert_array_equal(ex._points.get_offsets(), clustering_data("anisotropic")[0])
    np.testing.assert_array_equal(ex._curve.get_ydata(), ex.result["history"])


def test_controls_drive_update():
    pytest.importorskip("ipywidgets")
    ex = KMeansExplorer()
    widget = ex.widget()
    assert widget is not None and set(ex._control_map) == set(ex.defaults)
    before = ex._image.value
    ex._control_map["step"].value = 2
    assert ex.params["step"] == 2 and ex.result["step"] == min(2, ex.result["n_iter"])
    ex._control_map["k"].value = 5
    assert ex.result["centres"].shape == (5, 2)
    ex._control_map["init"].value = "k-means++"
    ex._control_map["dataset"].value = "moons"
    ex._control_map["seed"].value = 4
    expected = lloyd_steps(clustering_data("moons")[0], 5, init="k-means++", rng=4)
    np.testing.assert_array_equal(ex.result["history"], expected["inertia"])
    assert ex._image.value != before


@pytest.mark.parametrize("params, error, match", [
    ({"dataset": "circles"}, ValueError, "circles"),
    ({"dataset": 3}, TypeError, "dataset"),
    ({"k": 0}, ValueError, "k"),
    ({"k": MAX_K + 1}, ValueError, "k"),
    ({"k": 2.5}, TypeError, "k"),
    ({"init": "farthest"}, ValueError, "farthest"),
    ({"seed": -1}, ValueError, "seed"),
    ({"step": -1}, ValueError, "step"),
    ({"step": MAX_ITER + 1}, ValueError, "step"),
])
def test_invalid_parameters_raise(params, error, match):
    with pytest.raises(error, match=match):
        KMeansExplorer(**params)


def test_lloyd_steps_checks_k():
    X, _ = clustering_data("blobs")
    with pytest.raises(ValueError, match="n_clusters|k"):
        lloyd_steps(X[:3], 5, init="k-means++")
    with pytest.raises(ValueError, match="k"):
        lloyd_steps(X[:3], 5, init="random")


def test_unknown_parameter():
    with pytest.raises(TypeError, match="no parameter"):
        KMeansExplorer(n_clusters=3)


# -- layered rendering (nnlearn/explore/_layers.py) ---------------------------------------------


def test_a_step_draws_only_the_state_and_a_new_data_set_redraws_all():
    ex = KMeansExplorer(dataset="moons", k=4)
    ex.render()
    drawn = _record_draws(_statics(ex))       # axes, ticks, labels, the inertia curve
    for step in (1, 3, 0):
        png = ex.redraw(step=step)
        assert drawn == [] and ex._layers.rebuilds == 1
        assert np.abs(_pixels(png) - _full_draw(ex, dataset="moons", k=4)).max() <= 3
    png = ex.redraw(dataset="anisotropic")    # new limits, ticks and curve
    assert ex._layers.rebuilds == 2 and ex._curve in drawn
    assert np.abs(_pixels(png) - _full_draw(ex, dataset="moons", k=4)).max() <= 3
