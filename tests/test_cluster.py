"""k-means: agreement with scikit-learn, Lloyd's invariants, k-means++ seeding, empty clusters, errors."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import make_blobs

from nnlearn.cluster import KMeans, _lloyd, _update, kmeans_plusplus


def blobs(k, n_features, seed, n_samples=300):
    return make_blobs(n_samples=n_samples, centers=k, n_features=n_features, random_state=seed)[0]


def direct_squared_distances(X, centres):
    """||x_i - c_j||^2 by broadcasting, independent of the module's expanded formula."""
    return np.sum((X[:, None, :] - centres[None, :, :]) ** 2, axis=2)


# (k, n_features) with blobs well enough apart that k-means has one clear best answer.
# With many overlapping blobs (e.g. k=8 in 2-D) two good runs can end in different local minima.
@pytest.mark.parametrize("k, n_features", [(2, 2), (3, 2), (4, 5), (6, 3)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_inertia_matches_sklearn(k, n_features, seed):
    X = blobs(k, n_features, seed)
    ours = KMeans(k, n_init=10, rng=seed).fit(X)
    theirs = SklearnKMeans(n_clusters=k, n_init=10, random_state=seed).fit(X)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=0.01)


def test_fit_returns_self_and_attribute_shapes():
    X = blobs(3, 4, 0, n_samples=50)
    km = KMeans(3, rng=0)
    assert km.fit(X) is km
    assert km.cluster_centers_.shape == (3, 4) and km.cluster_centers_.dtype == np.float64
    assert km.labels_.shape == (50,) and np.issubdtype(km.labels_.dtype, np.integer)
    assert isinstance(km.inertia_, float) and isinstance(km.n_iter_, int)
    assert km.inertia_history_.shape == (km.n_iter_,)
    assert km.n_features_in_ == 4
    assert km.transform(X).shape == (50, 3)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("n_init", [1, 10])
def test_inertia_history_never_increases_and_ends_at_inertia(seed, n_init):
    # Uniform data has no clear clusters, so runs take many iterations.
    X = np.random.default_rng(seed).uniform(size=(400, 2))
    km = KMeans(8, n_init=n_init, tol=0, rng=seed).fit(X)
    history = km.inertia_history_
    assert len(history) == km.n_iter_ > 3
    assert np.all(np.diff(history) <= 1e-12 * history[0])
    assert history[-1] == km.inertia_
    true_inertia = direct_squared_distances(X, km.cluster_centers_).min(axis=1).sum()
    assert km.inertia_ == pytest.approx(true_inertia, rel=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_labels_are_the_closest_centres(seed):
    X = np.random.default_rng(seed).normal(size=(200, 3))
    km = KMeans(5, rng=seed).fit(X)
    d2 = direct_squared_distances(X, km.cluster_centers_)
    np.testing.assert_array_equal(km.labels_, d2.argmin(axis=1))
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    np.testing.assert_array_equal(km.fit_predict(X), km.labels_)
    np.testing.assert_allclose(km.transform(X), np.sqrt(d2), rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("seed", range(3))
def test_centres_are_the_means_of_their_points_at_convergence(seed):
    X = np.random.default_rng(seed).normal(size=(300, 2))
    km = KMeans(6, n_init=3, tol=0, rng=seed).fit(X)
    assert km.n_iter_ < km.max_iter  # stopped because no label changed
    for j in range(6):
        np.testing.assert_allclose(km.cluster_centers_[j], X[km.labels_ == j].mean(axis=0), rtol=1e-12)


def test_one_cluster_is_the_mean():
    X = np.random.default_rng(0).normal(size=(100, 3))
    km = KMeans(1, rng=0).fit(X)
    np.testing.assert_allclose(km.cluster_centers_[0], X.mean(axis=0), rtol=1e-12)
    assert km.inertia_ == pytest.approx(np.sum((X - X.mean(axis=0)) ** 2), rel=1e-12)
    assert np.all(km.labels_ == 0)


def test_same_seed_same_result_and_refit_repeats():
    X = np.random.default_rng(0).uniform(size=(200, 2))
    a = KMeans(7, n_init=2, rng=42).fit(X)
    b = KMeans(7, n_init=2, rng=42).fit(X)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.inertia_history_, b.inertia_history_)
    centres = a.cluster_centers_.copy()
    np.testing.assert_array_equal(a.fit(X).cluster_centers_, centres)  # an int seed restarts the stream


def test_different_seeds_can_differ():
    X = np.random.default_rng(0).uniform(size=(200, 2))
    inertias = {KMeans(8, n_init=1, rng=seed).fit(X).inertia_ for seed in range(10)}
    assert len(inertias) > 1


def test_the_runs_draw_from_one_generator_in_turn():
    X = np.random.default_rng(1).uniform(size=(200, 2))
    best = KMeans(8, n_init=4, rng=np.random.default_rng(7)).fit(X)
    shared = np.random.default_rng(7)
    runs = [KMeans(8, n_init=1, rng=shared).fit(X) for _ in range(4)]
    assert len({run.inertia_ for run in runs}) > 1  # the runs really differ
    winner = min(runs, key=lambda run: run.inertia_)
    assert best.inertia_ == winner.inertia_
    np.testing.assert_array_equal(best.cluster_centers_, winner.cluster_centers_)


def test_more_iterations_or_a_smaller_tol_never_hurt():
    X = np.random.default_rng(3).uniform(size=(300, 2))
    one = KMeans(8, n_init=1, max_iter=1, rng=0).fit(X)
    loose = KMeans(8, n_init=1, tol=1e3, rng=0).fit(X)
    strict = KMeans(8, n_init=1, tol=0, rng=0).fit(X)
    assert one.n_iter_ == loose.n_iter_ == 1 and len(one.inertia_history_) == 1
    assert strict.n_iter_ > 1
    assert strict.inertia_ < loose.inertia_ == one.inertia_


# --- k-means++ ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_kmeans_plusplus_seeds_are_distinct_rows(seed):
    rng = np.random.default_rng(seed)
    X = np.repeat(rng.normal(size=(20, 2)), 3, axis=0)  # every point three times
    centres, indices = kmeans_plusplus(X, 20, rng=seed)
    np.testing.assert_array_equal(centres, X[indices])
    assert len(np.unique(centres, axis=0)) == 20  # distinct points, not only distinct indices


def test_kmeans_plusplus_with_fewer_distinct_points_than_clusters():
    X = np.array([[0.0], [0.0], [1.0], [1.0]])
    centres, indices = kmeans_plusplus(X, 4, rng=0)
    assert sorted(indices.tolist()) == [0, 1, 2, 3]


def test_kmeans_plusplus_draws_with_probability_d_squared():
    # Points 0, 1, 3 on a line. The first seed is uniform; the second has P ∝ D(x)^2.
    X = np.array([[0.0], [1.0], [3.0]])
    d2 = (X - X.T) ** 2
    expected = d2 / d2.sum(axis=1, keepdims=True) / 3  # P(first = a, second = b)
    n = 3000
    rng = np.random.default_rng(0)
    counts = np.zeros((3, 3))
    for _ in range(n):
        _, (a, b) = kmeans_plusplus(X, 2, rng=rng)
        counts[a, b] += 1
    sd = np.sqrt(expected * (1 - expected) / n)
    assert np.all(np.abs(counts / n - expected) <= 4 * sd + 1e-12)


# --- empty clusters ----------------------------------------------------------------------------

def test_update_reseeds_an_empty_centre_at_the_farthest_point():
    X = np.array([[0.0], [1.0], [3.0], [10.0], [11.0], [12.0]])
    centres = np.array([[0.0], [10.0], [100.0]])  # nothing is closest to 100
    labels = np.array([0, 0, 0, 1, 1, 1])
    closest = np.array([0.0, 1.0, 9.0, 0.0, 1.0, 4.0])  # squared distance to own centre
    new = _update(X, labels, closest, centres)
    np.testing.assert_allclose(new.ravel(), [4 / 3, 11.0, 3.0])  # 3 is the worst-served point


def test_lloyd_recovers_from_an_empty_cluster():
    X = np.array([[0.0], [1.0], [3.0], [10.0], [11.0], [12.0]])
    centres, labels, history = _lloyd(X, np.array([[0.0], [10.0], [100.0]]), max_iter=100, tol=0.0)
    # The centre at 100 is re-seeded at 3, and the best split {0, 1}, {3}, {10, 11, 12} follows.
    groups = sorted(X[labels == j].ravel().tolist() for j in range(3))
    assert groups == [[0.0, 1.0], [3.0], [10.0, 11.0, 12.0]]
    for j in range(3):
        np.testing.assert_allclose(centres[j], X[labels == j].mean(axis=0))
    assert np.all(np.diff(history) <= 0)
    assert history[-1] == pytest.approx(0.5 + 0 + 2)


def test_fewer_distinct_points_than_clusters():
    X = np.array([[0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [5.0, 5.0], [5.0, 5.0]])
    km = KMeans(3, rng=0).fit(X)
    assert km.inertia_ == 0.0
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    assert km.labels_[0] == km.labels_[1] != km.labels_[2]


# --- errors ------------------------------------------------------------------------------------

def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="`n_clusters` must be an integer >= 1, got 0"):
        KMeans(0)
    with pytest.raises(TypeError, match="`n_clusters` must be an integer, got float 2.0"):
        KMeans(2.0)
    with pytest.raises(ValueError, match="`n_init` must be an integer >= 1, got 0"):
        KMeans(2, n_init=0)
    with pytest.raises(ValueError, match="`max_iter` must be an integer >= 1, got -5"):
        KMeans(2, max_iter=-5)
    with pytest.raises(ValueError, match="`tol` must be non-negative, got -1.0"):
        KMeans(2, tol=-1)
    with pytest.raises(TypeError, match="`rng` must be None, an int seed or a numpy.random.Generator"):
        KMeans(2, rng="seed")


def test_bad_data():
    with pytest.raises(ValueError, match=r"`X` must be a 2-D array of shape \(n_samples, n_features\)"):
        KMeans(2).fit(np.arange(5.0))
    with pytest.raises(ValueError, match="`X` must contain only finite numbers, got 1 NaN"):
        KMeans(2).fit([[0.0, 1.0], [np.nan, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match=r"`n_clusters` must be <= n_samples, got n_clusters=4 for X with 3 samples"):
        KMeans(4).fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="`n_clusters` must be <= n_samples, got n_clusters=2 for X with 1 sample\\."):
        kmeans_plusplus(np.zeros((1, 2)), 2)
    with pytest.raises(ValueError, match="`X` must have at least one feature"):
        KMeans(1).fit(np.zeros((3, 0)))


def test_predict_and_transform_before_fit():
    km = KMeans(2)
    with pytest.raises(RuntimeError, match=r"not fitted yet: call fit\(X\) before predict\(\)"):
        km.predict(np.zeros((3, 2)))
    with pytest.raises(RuntimeError, match=r"call fit\(X\) before transform\(\)"):
        km.transform(np.zeros((3, 2)))


def test_predict_with_the_wrong_number_of_features():
    km = KMeans(2, rng=0).fit(np.random.default_rng(0).normal(size=(20, 3)))
    with pytest.raises(ValueError, match=r"`X` must have 3 features \(columns\), the number seen in fit, "
                                         r"got X of shape \(5, 2\)"):
        km.predict(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="looks transposed"):
        km.predict(np.zeros((3, 4)))
