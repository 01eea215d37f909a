"""The claims of the appendix "The mathematics you need" (book/appendix/mathematics.md), on several
seeds and with margins far outside the spread across seeds and BLAS kernels.

The page asserts the same claims at build time in remove-cell cells; this file repeats the
computations so that they are checked without executing the page, and on more than one seed.
"""

import pathlib
import re

import numpy as np
import pytest

from nnlearn import init
from nnlearn.activations import Sigmoid, sigmoid
from nnlearn.gradcheck import numerical_gradient
from nnlearn.losses import CategoricalCrossEntropy

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "appendix" / "mathematics.md"
SEEDS = range(5)
A_BOWL = np.array([[5.0, 4.0], [4.0, 5.0]])
W0 = np.array([-2.5, -0.5])


def central_difference(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def gradient_descent(A, w0, lr, steps):
    """The iterates of w <- w - lr * A w, as on the page."""
    path = [np.asarray(w0, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - lr * (A @ path[-1]))
    return np.array(path)


def random_spd(rng, d=4, low=1.0, high=10.0):
    """A symmetric positive definite matrix with eigenvalues in [low, high]."""
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    lam = np.sort(rng.uniform(low, high, size=d))
    lam[0], lam[-1] = low, high
    return Q @ np.diag(lam) @ Q.T, lam


# ---- the page itself -----------------------------------------------------------------------------


def test_the_page_has_the_labels_other_pages_link_to_and_is_in_the_toc():
    text = PAGE.read_text()
    for label in ("math-vectors", "math-matrices", "math-eigen", "math-derivatives",
                  "math-chain-rule", "math-gradient", "math-probability", "math-information"):
        assert re.search(rf"^\({label}\)=\n## ", text, re.M), label
    toc = (ROOT / "_toc.yml").read_text()
    assert toc.index("book/appendix/mathematics") < toc.index("book/appendix/notation")
    exercises = re.findall(r"^:::\{exercise\}", text, re.M)
    solutions = re.findall(r"^:::\{solution\}[^\n]*\n:class: dropdown", text, re.M)
    assert len(exercises) >= 8 and len(solutions) == len(exercises)
    assert text.count("{numref}`fig-math-bowl`") and text.count("{numref}`fig-math-gradient`")


# ---- vectors and matrices ------------------------------------------------------------------------


def test_the_worked_angle_is_45_degrees_and_cauchy_schwarz_holds():
    u, v = np.array([2.0, 1.0]), np.array([1.0, 3.0])
    cos_angle = (u @ v) / (np.linalg.norm(u) * np.linalg.norm(v))
    assert u @ v == 5 and np.isclose(np.degrees(np.arccos(cos_angle)), 45.0, atol=1e-12)
    for seed in SEEDS:
        U, V = np.random.default_rng(seed).normal(size=(2, 1000, 50))
        lengths = np.linalg.norm(U, axis=1) * np.linalg.norm(V, axis=1)
        assert np.all(np.abs((U * V).sum(1)) <= lengths), seed


def test_batch_first_rows_are_the_layer_applied_to_each_sample():
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        X, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
        Z = X @ W + b
        assert Z.shape == (4, 2)
        for i in range(4):
            assert np.allclose(Z[i], W.T @ X[i] + b), (seed, i)
        assert np.allclose((X @ W).T, W.T @ X.T)
    A, B = np.array([[1, 2], [0, 1]]), np.array([[0, 1], [1, 0]])
    assert not np.array_equal(A @ B, B @ A)


# ---- eigenvalues and the quadratic bowl ----------------------------------------------------------


def test_the_worked_eigen_example_and_symmetric_matrices_have_orthonormal_eigenvectors():
    lam, Q = np.linalg.eigh(A_BOWL)
    assert np.allclose(lam, [1.0, 9.0], atol=1e-12)
    assert abs(Q[:, 0] @ Q[:, 1]) < 1e-12 and np.allclose(A_BOWL @ Q, Q * lam, atol=1e-12)
    for seed in SEEDS:
        M = np.random.default_rng(seed).normal(size=(6, 6))
        S = M + M.T
        values, vectors = np.linalg.eig(S)          # the general solver, not eigh
        assert np.abs(np.imag(values)).max() < 1e-10, seed
        vectors = np.real(vectors)
        assert np.allclose(vectors.T @ vectors, np.eye(6), atol=1e-8), seed
    # A rotation (not symmetric) has no real eigenvalue
    assert np.all(np.abs(np.imag(np.linalg.eigvals(np.array([[0.0, -1.0], [1.0, 0.0]])))) > 0.5)


def test_curvature_along_each_eigenvector_is_its_eigenvalue():
    for seed in SEEDS:
        A, _ = random_spd(np.random.default_rng(seed))
        lam, Q = np.linalg.eigh(A)
        f = lambda w: 0.5 * w @ A @ w  # noqa: E731
        h = 1e-3
        for i in range(len(lam)):
            second = (f(h * Q[:, i]) - 2 * f(0 * Q[:, i]) + f(-h * Q[:, i])) / h ** 2
            assert np.isclose(second, lam[i], rtol=1e-6), (seed, i)


def test_gradient_descent_on_the_bowl_converges_below_2_over_lambda_max_and_diverges_above():
    lam, Q = np.linalg.eigh(A_BOWL)
    limit = 2 / lam.max()
    below = np.linalg.norm(gradient_descent(A_BOWL, W0, 0.95 * limit, 60), axis=1)
    above = np.linalg.norm(gradient_descent(A_BOWL, W0, 1.05 * limit, 60), axis=1)
    assert below[-1] < 1e-2 * below[0] and above[-1] > 1e2 * above[0]
    # the factors |1 - 0.95 * 2| = 0.9 and |1 - 1.05 * 2| = 1.1 of the steep direction dominate
    assert np.isclose(below[-1], 0.9 ** 60 * abs(W0 @ Q[:, 1]), rtol=1e-6)
    assert np.isclose(above[-1], 1.1 ** 60 * abs(W0 @ Q[:, 1]), rtol=1e-6)
    for seed in SEEDS:                              # random bowls with kappa = 10, random starts
        rng = np.random.default_rng(seed)
        A, lam = random_spd(rng)
        w0 = rng.normal(size=len(lam))
        c_max = abs(w0 @ np.linalg.eigh(A)[1][:, -1])   # start along the steepest direction
        for factor, steps in ((0.95, 300), (1.05, 200)):
            dist = np.linalg.norm(gradient_descent(A, w0, factor * 2 / lam.max(), steps), axis=1)
            if factor < 1:
                assert dist[-1] < 1e-6 * dist[0], seed     # slowest factor <= 0.9: 0.9^300
            else:                                          # |c_max| grows like 1.1^t
                assert dist[-1] >= (1 - 1e-9) * 1.1 ** steps * c_max > 1e3 * dist[0], seed


def test_the_slow_direction_is_the_eigenvector_of_the_smallest_eigenvalue():
    lam, Q = np.linalg.eigh(A_BOWL)
    slow = gradient_descent(A_BOWL, W0, 0.1, 20)[-1]
    assert abs(slow @ Q[:, 0]) / np.linalg.norm(slow) > 0.999
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        A, lam = random_spd(rng)
        w = gradient_descent(A, rng.normal(size=len(lam)), 1 / lam.max(), 200)[-1]
        q_min = np.linalg.eigh(A)[1][:, 0]
        assert abs(w @ q_min) / np.linalg.norm(w) > 0.99, seed


# ---- derivatives and the chain rule --------------------------------------------------------------

TABLE = {"sigmoid": (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z))),
         "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
         "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0) * 1.0),
         "exp": (np.exp, np.exp),
         "log": (lambda z: np.log(np.abs(z)), lambda z: 1 / z)}


@pytest.mark.parametrize("name", TABLE)
def test_the_derivative_table_matches_central_differences(name):
    f, df = TABLE[name]
    z = np.array([-2.0, -0.5, 0.5, 2.0, 3.0])
    assert np.allclose(central_difference(f, z, 1e-5), df(z), rtol=1e-8, atol=1e-9)


def test_nnlearn_sigmoid_derivative_and_numerical_gradient_agree_with_the_table():
    z = np.linspace(-4, 4, 17)
    assert np.allclose(Sigmoid().derivative(z), sigmoid(z) * (1 - sigmoid(z)))
    numeric = numerical_gradient(lambda x: float(np.sum(sigmoid(x))), z.copy(), eps=1e-5)
    assert np.allclose(numeric, sigmoid(z) * (1 - sigmoid(z)), rtol=1e-8, atol=1e-11)


@pytest.mark.parametrize("f, df, x", [(sigmoid, TABLE["sigmoid"][1], 1.0),
                                      (np.tanh, TABLE["tanh"][1], 0.5),
                                      (np.exp, np.exp, 1.0), (np.log, lambda x: 1 / x, 2.0)])
def test_central_differences_are_second_order_and_forward_differences_first(f, df, x):
    central = [abs(central_difference(f, x, h) - df(x)) for h in (1e-2, 1e-3)]
    forward = [abs((f(x + h) - f(x)) / h - df(x)) for h in (1e-2, 1e-3)]
    assert 90 < central[0] / central[1] < 110       # O(h^2): measured 100.0 +- 0.1
    assert 9 < forward[0] / forward[1] < 11         # O(h): measured 10.0 +- 0.1


def test_rounding_takes_over_for_tiny_steps():
    for x in np.linspace(-3, 3, 13):
        exact = sigmoid(x) * (1 - sigmoid(x))
        tiny = abs(central_difference(sigmoid, x, 1e-12) - exact)
        moderate = abs(central_difference(sigmoid, x, 1e-3) - exact)
        assert tiny > 10 * moderate, x             # measured 170 to 12,000 times


def test_the_chain_rule_examples():
    def neuron_loss(w):
        return (sigmoid(2.0 * w - 1.0) - 1.0) ** 2
    assert np.isclose(central_difference(neuron_loss, 0.5, 1e-5), -0.5, rtol=1e-9)
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        W, b, x, y = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=3), rng.normal(size=2)
        a = np.tanh(W.T @ x + b)
        grad_x = (a - y)[None, :] @ np.diag(1 - a ** 2) @ W.T     # Jacobians multiply
        numeric = numerical_gradient(lambda x: 0.5 * np.sum((np.tanh(W.T @ x + b) - y) ** 2),
                                     x.copy())
        assert np.linalg.norm(grad_x.ravel() - numeric) < 1e-8 * np.linalg.norm(numeric), seed


# ---- the gradient --------------------------------------------------------------------------------


def valley(p):
    x, y = p
    return (x - 1) ** 2 + 3 * (y - x ** 2 / 2) ** 2


def valley_gradient(p):
    x, y = p
    return np.array([2 * (x - 1) - 6 * x * (y - x ** 2 / 2), 6 * (y - x ** 2 / 2)])


def test_the_gradient_is_the_steepest_direction_and_perpendicular_to_the_level_set():
    angles = np.radians(np.arange(360))
    directions = np.column_stack([np.cos(angles), np.sin(angles)])
    rng = np.random.default_rng(0)
    points = [np.array([0.0, 1.0]), *rng.uniform(-1.5, 2.0, size=(5, 2))]
    assert np.array_equal(valley_gradient(points[0]), [-2.0, 6.0]) and valley(points[0]) == 4.0
    for p in points:
        g = valley_gradient(p)
        assert np.allclose(numerical_gradient(valley, p.copy()), g, rtol=1e-7, atol=1e-7)
        slopes = np.array([central_difference(lambda h: valley(p + h * u), 0.0, 1e-5)
                           for u in directions])
        assert np.allclose(slopes, directions @ g, rtol=1e-6, atol=1e-7)
        best = directions[slopes.argmax()]
        assert best @ g / np.linalg.norm(g) > np.cos(np.radians(1)), p
        tangent = np.array([g[1], -g[0]]) / np.linalg.norm(g)
        along = [abs(valley(p + h * tangent) - valley(p)) for h in (1e-2, 1e-3)]
        normal = [abs(valley(p + h * g / np.linalg.norm(g)) - valley(p)) for h in (1e-2, 1e-3)]
        assert along[0] / along[1] > 50 and 8 < normal[0] / normal[1] < 12, p


# ---- probability and information -----------------------------------------------------------------


def test_the_fair_die():
    k = np.arange(1, 7)
    assert np.isclose(k.mean(), 7 / 2) and np.isclose(((k - 3.5) ** 2).mean(), 35 / 12)


def test_xavier_uniform_has_the_variance_of_the_formula_and_variances_add():
    for seed in SEEDS:
        W = init.xavier_uniform((256, 128), rng=seed)
        z = np.random.default_rng(seed + 100).normal(size=(500, 256)) @ W
        # relative sd of the sample variance: sqrt(0.8 / 32768) = 0.5 %; margin 6 sd
        assert abs(W.var() / (2 / 384) - 1) < 0.03, seed
        assert abs(z.var() / (256 * 2 / 384) - 1) < 0.1, seed   # measured within 2 %


def test_the_sample_variance_with_n_minus_1_is_unbiased_and_with_n_is_not():
    for seed in SEEDS:
        samples = np.random.default_rng(seed).normal(3.0, 2.0, size=(20_000, 5))
        # sd of the average of 20,000 unbiased estimates: 0.02, or 0.5 %; margin 10 sd
        assert abs(samples.var(axis=1, ddof=1).mean() / 4.0 - 1) < 0.05, seed
        assert abs(samples.var(axis=1).mean() / 3.2 - 1) < 0.05, seed


def test_the_coin_likelihood_is_largest_at_the_observed_frequency():
    p = np.linspace(0.001, 0.999, 999)
    assert abs(p[np.argmax(7 * np.log(p) + 3 * np.log(1 - p))] - 0.7) < 1e-9


def test_entropy_cross_entropy_and_kl():
    p, q = np.array([0.5, 0.25, 0.25]), np.full(3, 1 / 3)
    assert np.isclose(-np.sum(p * np.log2(p)), 1.5)
    kl_pq = np.sum(p * np.log2(p / q))
    kl_qp = np.sum(q * np.log2(q / p))
    assert np.isclose(kl_pq, np.log2(3) - 1.5) and not np.isclose(kl_pq, kl_qp)
    for seed in SEEDS:
        P, Q = np.random.default_rng(seed).dirichlet(np.ones(5), size=(2, 1000))
        assert np.all(np.sum(P * np.log(P / Q), axis=1) >= 0), seed
        # KL(p || u) = log K - H(p) for the uniform u (the exercise)
        H = -np.sum(P * np.log(P), axis=1)
        assert np.allclose(np.sum(P * np.log(P * 5), axis=1), np.log(5) - H)
    q_row = np.array([[0.2, 0.5, 0.3]])
    assert np.isclose(CategoricalCrossEntropy()(q_row, np.array([1])), -np.log(0.5))
