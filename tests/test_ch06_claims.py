"""The claims of Chapter 6 (book/part2/06-backpropagation.md), each run with the chapter's code and seeds."""

import numpy as np
import pytest

import nnlearn
from nnlearn.activations import Sigmoid, sigmoid, softmax
from nnlearn.autograd import Value
from nnlearn.explore.backprop import STAGES, BackpropExplorer
from nnlearn.gradcheck import check_gradients, numerical_gradient, relative_error
from nnlearn.layers import Activation, Dense
from nnlearn.network import Sequential

MSE = nnlearn.losses.get("mse")
X_IN, TARGET = np.array([[0.5, 1.0]]), np.array([[1.0]])
W1 = np.array([[0.4, 0.6], [-0.2, 0.5]])
B1 = np.array([0.0, 0.2])
W2 = np.array([[1.0], [-0.5]])
B2 = np.array([0.25])


def notes_network(activation="sigmoid", output_activation=None):
    """The chapter's 2-2-1 network: sigmoid hidden units, linear output, the chapter's weights."""
    net = nnlearn.MLP([2, 2, 1], activation=activation, output_activation=output_activation, rng=0)
    net[0].params["W"], net[0].params["b"] = W1, B1
    net[2].params["W"], net[2].params["b"] = W2, B2
    return net


def gradients(net, X=X_IN, y=TARGET, loss=MSE):
    """{notes' name: dL/d(name)} from nnlearn's backward pass, and dL/dx."""
    dX = net.backward(loss.gradient(net.forward(X), y))
    G1, g1, G2, g2 = (grad for _, grad in net.parameters())
    return {"w1_11": G1[0, 0], "w1_21": G1[1, 0], "w1_12": G1[0, 1], "w1_22": G1[1, 1], "b11": g1[0],
            "b12": g1[1], "w2_11": G2[0, 0], "w2_21": G2[1, 0], "b21": g2[0], "x11": dX[0, 0], "x12": dX[0, 1]}


def value_network_loss(model, X, y, activation, output=None):
    """The chapter's function: the MSE of an MLP rebuilt from scalar Values, and the weights as Values."""
    params = [np.vectorize(Value, otypes=[object])(p) for p, _ in model.parameters()]
    n_layers, total = len(params) // 2, Value(0.0)
    for row, t in zip(X, y[:, 0]):
        a = [Value(float(v)) for v in row]
        for l in range(n_layers):
            W, b = params[2 * l], params[2 * l + 1]
            z = [sum((a[i] * W[i, j] for i in range(len(a))), b[j]) for j in range(W.shape[1])]
            f_name = output if l == n_layers - 1 else activation
            a = z if f_name is None else [getattr(zj, f_name)() for zj in z]
        total = total + (a[0] - float(t)) ** 2
    return total / len(X), params


def delta_norms(model, X, y):
    """The chapter's function: ||delta(l)||_F for every dense layer l."""
    grad, norms = MSE.gradient(model.forward(X), y), []
    for layer in reversed(model.layers):
        if isinstance(layer, Dense):
            norms.append(np.linalg.norm(grad))
        grad = layer.backward(grad)
    return np.array(norms[::-1])


def deep_batch():
    rng = np.random.default_rng(1)
    X16, y16 = rng.normal(size=(16, 2)), rng.random(size=(16, 1))
    return nnlearn.MLP([2, 8, 8, 1], activation="tanh", output_activation="sigmoid", rng=1), X16, y16


# -- computational graphs ----------------------------------------------------------------------------

def graph():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    u = x * y
    v = x + y
    f = u * v
    return x, y, u, v, f


def test_the_graph_example_forward_and_backward():
    x, y, u, v, f = graph()
    f.backward()
    assert (u.data, v.data, f.data) == (6.0, 5.0, 30.0)
    assert (f.grad, u.grad, v.grad, x.grad, y.grad) == (1.0, 5.0, 6.0, 21.0, 16.0)
    # The expanded form f = x^2 y + x y^2 and the sum over paths give the same numbers.
    assert (2 * 2 * 3 + 3 ** 2, 2 ** 2 + 2 * 2 * 3) == (21, 16)
    assert (5 * 3 + 6 * 1, 5 * 2 + 6 * 1) == (21, 16)
    # graph() lists the inputs first and f last (topological order).
    order = f.graph()
    assert order[-1] is f and {id(n) for n in order[:2]} == {id(x), id(y)} and len(order) == 5
    # Every edge is used once: each of the three operation nodes runs one closure.
    assert sum(1 for n in order if n.parents) == 3


def test_gradients_add_where_paths_merge_and_overwriting_keeps_one_path():
    x, y, u, v, f = graph()
    f.backward()
    path_u, path_v = u.grad * y.data, v.grad * 1.0     # the two paths from x
    assert path_u + path_v == x.grad == 21.0
    # An engine that assigns instead of adding keeps the path it visited last: 15 or 6, not 21.
    assert {path_u, path_v} == {15.0, 6.0}
    # A first-order check: nudging x changes f by 21 per unit.
    eps = 1e-6
    fx = lambda a, b: (a * b) * (a + b)                 # noqa: E731
    assert (fx(2 + eps, 3) - fx(2 - eps, 3)) / (2 * eps) == pytest.approx(21.0, rel=1e-9)


def _run_closures(order_names):
    x, y, u, v, f = graph()
    nodes = {"x": x, "y": y, "u": u, "v": v, "f": f}
    for n in nodes.values():
        n.grad = 0.0
    f.grad = 1.0
    for name in order_names:
        nodes[name]._backward()
    return x.grad, y.grad


def test_exercise_order_of_the_backward_pass():
    assert _run_closures("fuxyv") == (21.0, 16.0)      # not a reverse topological order, but harmless here
    assert _run_closures("fvuyx") == (21.0, 16.0)      # a reverse topological order
    assert _run_closures("vfuxy") == (15.0, 10.0)      # v passes its gradient on before it has received it


# -- the 2-2-1 network by hand ----------------------------------------------------------------------

AS_PRINTED = {"w1_11": -0.1539, "w1_21": -0.3078, "w1_12": 0.0605, "w1_22": 0.1210, "b11": -0.3078,
              "b12": 0.1210, "w2_11": -0.6155, "w2_21": -0.9000, "b21": -1.2311, "x11": -0.0505, "x12": 0.1221}


def test_forward_pass_numbers_of_the_text():
    net = notes_network()
    Z1 = net[0].forward(X_IN)
    A1 = net[1].forward(Z1)
    y_hat = net[2].forward(A1)
    np.testing.assert_array_equal(Z1, [[0.0, 1.0]])                     # O11 = 0, O12 = 1 exactly
    assert A1[0, 0] == 0.5 and round(A1[0, 1], 4) == 0.7311
    assert round(y_hat[0, 0], 4) == 0.3845 and round(MSE(y_hat, TARGET), 4) == 0.3789
    assert round(y_hat[0, 0] - 1.0, 4) == -0.6155


def test_the_hand_worked_2_2_1_numbers_equal_nnlearns():
    g = gradients(notes_network())
    for name, printed in AS_PRINTED.items():
        assert round(float(g[name]), 4) == printed, name
    # The intermediate quantities of the text.
    a12 = sigmoid(1.0)
    d21 = 2 * (0.5 - 0.5 * a12 + 0.25 - 1.0)
    assert round(d21, 4) == -1.2311 and round(d21 * -0.5, 4) == 0.6155
    assert round(a12 * (1 - a12), 4) == 0.1966 and round(1 - a12, 4) == 0.2689
    d11, d12 = d21 * 0.25, d21 * -0.5 * a12 * (1 - a12)
    assert (round(d11, 4), round(d12, 4)) == (-0.3078, 0.1210)
    assert round(d11 * 0.4, 4) == -0.1231 and round(d12 * 0.6, 4) == 0.0726
    assert round(d11 * -0.2, 4) == 0.0616 and round(d12 * 0.5, 4) == 0.0605
    # Full precision: the chain rule by hand equals the layers to rounding error.
    hand = {"w1_11": d11 * 0.5, "w1_21": d11 * 1.0, "w1_12": d12 * 0.5, "w1_22": d12 * 1.0, "b11": d11,
            "b12": d12, "w2_11": d21 * 0.5, "w2_21": d21 * a12, "b21": d21, "x11": d11 * 0.4 + d12 * 0.6,
            "x12": d11 * -0.2 + d12 * 0.5}
    for name in hand:
        assert hand[name] == pytest.approx(g[name], rel=1e-14, abs=1e-16), name
    # The one-path product for w1_11: (-1.2311)(1)(1)(0.25)(0.5).
    assert d21 * 1 * 1 * 0.25 * 0.5 == pytest.approx(g["w1_11"], rel=1e-15)


def test_the_hand_numbers_also_equal_an_explicit_sequential_and_the_explorer():
    net = Sequential([Dense(2, 2, rng=0), Activation("sigmoid"), Dense(2, 1, rng=0)])
    net[0].params["W"], net[0].params["b"], net[2].params["W"], net[2].params["b"] = W1, B1, W2, B2
    g = gradients(net)
    r = BackpropExplorer().result
    assert round(r["delta2"], 4) == -1.2311 and np.array_equal(np.round(r["delta1"], 4), [-0.3078, 0.1210])
    np.testing.assert_array_equal(r["grad_W1"], [[g["w1_11"], g["w1_12"]], [g["w1_21"], g["w1_22"]]])
    np.testing.assert_array_equal(r["dL_dx"], [g["x11"], g["x12"]])


def test_the_notes_update_rule_raises_the_loss_the_correct_one_lowers_it():
    net = notes_network()
    g = gradients(net)
    dL_dyhat = MSE.gradient(net.forward(X_IN), TARGET)[0, 0]
    assert round(dL_dyhat, 4) == -1.2311 and round(-0.5 * dL_dyhat, 4) == 0.6155
    correct, notes_rule = notes_network(), notes_network()
    for (p_new, _), (_, grad) in zip(correct.parameters(), net.parameters()):
        p_new -= 0.5 * grad
    for p_wrong, _ in notes_rule.parameters():
        p_wrong -= 0.5 * dL_dyhat
    before, after, notes_after = (MSE(m.forward(X_IN), TARGET) for m in (net, correct, notes_rule))
    assert (round(before, 4), round(after, 4), round(notes_after, 4)) == (0.3789, 0.3556, 1.6969)
    # The parameters whose gradients are positive, which the printed rule increases.
    assert g["w1_12"] > 0 and g["w1_22"] > 0 and g["b12"] > 0
    assert sum(v > 0 for k, v in g.items() if not k.startswith("x")) == 3


# -- the dense layer and the whole network ------------------------------------------------------------

@pytest.mark.parametrize("seed, n, d, m", [(0, 5, 3, 4), (1, 1, 2, 2), (2, 7, 4, 1), (3, 3, 6, 5)])
def test_dense_backward_formulas_against_finite_differences(seed, n, d, m):
    rng = np.random.default_rng(seed)
    layer = Dense(d, m, rng=seed)
    layer.params["b"][:] = rng.normal(size=m)
    X, G = rng.normal(size=(n, d)), rng.normal(size=(n, m))

    def linear_loss(_):
        return float(np.sum(G * layer.forward(X)))

    layer.forward(X)
    dX = layer.backward(G)
    np.testing.assert_allclose(layer.grads["W"], X.T @ G, rtol=1e-14)
    np.testing.assert_allclose(layer.grads["b"], G.sum(axis=0), rtol=1e-14)
    np.testing.assert_allclose(dX, G @ layer.params["W"].T, rtol=1e-14)
    assert relative_error(layer.grads["W"], numerical_gradient(linear_loss, layer.params["W"])) < 1e-8
    assert relative_error(layer.grads["b"], numerical_gradient(linear_loss, layer.params["b"])) < 1e-8
    assert relative_error(dX, numerical_gradient(linear_loss, X)) < 1e-8


def test_the_chapters_dense_check_numbers():
    rng = np.random.default_rng(0)
    layer = Dense(3, 4, rng=0)
    layer.params["b"][:] = rng.normal(size=4)
    X, G = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    layer.forward(X)
    dX = layer.backward(G)
    f = lambda _: float(np.sum(G * layer.forward(X)))   # noqa: E731
    errors = [relative_error(layer.grads["W"], numerical_gradient(f, layer.params["W"])),
              relative_error(layer.grads["b"], numerical_gradient(f, layer.params["b"])),
              relative_error(dX, numerical_gradient(f, X))]
    assert max(errors) < 1e-8 and np.array_equal(layer.grads["W"], X.T @ G)


def test_activation_backward_is_elementwise_product_with_the_derivative():
    rng = np.random.default_rng(5)
    Z, G = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    for name, fprime in [("sigmoid", lambda z: sigmoid(z) * (1 - sigmoid(z))), ("tanh", lambda z: 1 - np.tanh(z) ** 2)]:
        act = Activation(name)
        act.forward(Z)
        np.testing.assert_allclose(act.backward(G), G * fprime(Z), rtol=1e-14)


def test_the_delta_recursion_in_numpy_equals_nnlearn():
    deep, X16, y16 = deep_batch()
    dense = [layer for layer in deep if isinstance(layer, Dense)]
    fs = [np.tanh, np.tanh, sigmoid]
    f_primes = [lambda Z: 1 - np.tanh(Z) ** 2] * 2 + [lambda Z: sigmoid(Z) * (1 - sigmoid(Z))]
    A, Zs, As = X16, [], [X16]
    for layer, f in zip(dense, fs):
        Zs.append(A @ layer.params["W"] + layer.params["b"])
        A = f(Zs[-1])
        As.append(A)
    G = MSE.gradient(A, y16)
    mine = [None] * 3
    for l in reversed(range(3)):
        delta = G * f_primes[l](Zs[l])
        mine[l] = (As[l].T @ delta, np.ones(16) @ delta)
        G = delta @ dense[l].params["W"].T
    deep.backward(MSE.gradient(deep.forward(X16), y16))
    worst = max(relative_error(m, layer.grads[key]) for (dW, db), layer in zip(mine, dense)
                for m, key in ((dW, "W"), (db, "b")))
    assert worst < 1e-12
    # And the 2-2-1 hand computation is the same recursion with n = 1.
    r = BackpropExplorer().result
    np.testing.assert_allclose(r["delta1"], r["delta2"] * W2[:, 0] * r["A1"] * (1 - r["A1"]), rtol=1e-15)


# -- cost -------------------------------------------------------------------------------------------

def test_finite_differences_cost_2P_plus_1_forward_passes_backprop_costs_twice_a_forward():
    rng = np.random.default_rng(2)
    X32, y32 = rng.normal(size=(32, 4)), rng.normal(size=(32, 1))
    found = []
    for width in [4, 8, 16, 32, 64]:
        model = nnlearn.MLP([4, width, width, 1], activation="tanh", rng=0)
        dense = [layer for layer in model if isinstance(layer, Dense)]
        forward_macs = sum(32 * d.n_in * d.n_out for d in dense)
        backward_macs = sum(2 * 32 * d.n_in * d.n_out for d in dense)
        calls, plain = [0], model.forward

        def counting(X, _forward=plain):
            calls[0] += 1
            return _forward(X)

        model.forward = counting
        check_gradients(model, "mse", X32, y32)
        del model.forward
        found.append((model.n_params, calls[0]))
        assert calls[0] == 2 * model.n_params + 1 and backward_macs == 2 * forward_macs
    assert [p for p, _ in found] == [45, 121, 369, 1249, 4545]


# -- gradient checking -------------------------------------------------------------------------------

def _fd_curves():
    probe = notes_network()
    w = probe[0].params["W"]
    exact = gradients(notes_network())["w1_11"]

    def loss_at(value):
        old = w[0, 0]
        w[0, 0] = value
        out = MSE(probe.forward(X_IN), TARGET)
        w[0, 0] = old
        return out

    eps = np.logspace(-12, -1, 45)
    w0, L0 = w[0, 0], loss_at(w[0, 0])
    central = np.array([abs((loss_at(w0 + e) - loss_at(w0 - e)) / (2 * e) - exact) / abs(exact) for e in eps])
    one_sided = np.array([abs((loss_at(w0 + e) - L0) / e - exact) / abs(exact) for e in eps])
    return eps, central, one_sided


def test_central_differences_beat_one_sided_and_both_have_an_optimal_step():
    eps, central, one_sided = _fd_curves()
    assert central.min() < 1e-10 < 1e-8 < one_sided.min()
    assert 1e-7 < eps[central.argmin()] < 1e-3 and 1e-10 < eps[one_sided.argmin()] < 1e-6
    assert central.min() < 3e-12 and one_sided.min() < 3e-8          # "about 1e-12" and "about 1e-8"
    # Truncation regime (large steps): the error falls like eps^2 (central) and eps (one-sided).
    big = eps > 1e-3
    slope_c = np.polyfit(np.log10(eps[big]), np.log10(central[big]), 1)[0]
    slope_o = np.polyfit(np.log10(eps[big]), np.log10(one_sided[big]), 1)[0]
    assert abs(slope_c - 2) < 0.1 and abs(slope_o - 1) < 0.1
    # Rounding regime (tiny steps): both errors are larger again than at their optimum.
    assert central[0] > 1e3 * central.min() and one_sided[0] > 1e3 * one_sided.min()
    # nnlearn's default eps = 1e-6 gives a central error below 1e-8.
    assert central[np.argmin(abs(eps - 1e-6))] < 1e-8


def test_gradient_check_passes_on_correct_networks():
    deep, X16, y16 = deep_batch()
    for model, X, y in [(notes_network(), X_IN, TARGET), (deep, X16, y16)]:
        assert max(check_gradients(model, "mse", X, y).values()) < 1e-8


class SigmoidWithBug(Sigmoid):
    def derivative(self, z, a=None):
        return z * (1 - z)


def test_the_broken_derivative_is_caught_and_located():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(16, 2)), rng.normal(size=(16, 1))
    good = check_gradients(nnlearn.MLP([2, 8, 8, 1], activation="sigmoid", rng=0), "mse", X, y)
    broken_net = nnlearn.MLP([2, 8, 8, 1], activation=SigmoidWithBug(), rng=0)
    bad = check_gradients(broken_net, "mse", X, y)
    assert max(good.values()) < 1e-8
    assert min(bad[k] for k in ("0.W", "0.b", "2.W", "2.b")) > 0.5
    assert max(bad["4.W"], bad["4.b"]) < 1e-8
    # The forward pass (predictions and loss) is unchanged by the bug.
    np.testing.assert_array_equal(broken_net.forward(X), nnlearn.MLP([2, 8, 8, 1], activation="sigmoid",
                                                                     rng=0).forward(X))


# -- the scalar autograd -----------------------------------------------------------------------------

def test_value_autograd_equals_the_layer_backward_on_the_2_2_1_network():
    net = notes_network()
    loss_v, params_v = value_network_loss(net, X_IN, TARGET, "sigmoid")
    loss_v.backward()
    net.backward(MSE.gradient(net.forward(X_IN), TARGET))
    assert loss_v.data == pytest.approx(MSE(net.forward(X_IN), TARGET), rel=1e-15)
    for (_, grad), values in zip(net.parameters(), params_v):
        np.testing.assert_allclose(np.vectorize(lambda v: v.grad)(values), grad, rtol=1e-12, atol=1e-15)
    assert len(loss_v.graph()) == 35


def test_value_autograd_equals_the_layer_backward_on_a_batch():
    deep, X16, y16 = deep_batch()
    deep.backward(MSE.gradient(deep.forward(X16), y16))
    loss_v, params_v = value_network_loss(deep, X16, y16, "tanh", output="sigmoid")
    loss_v.backward()
    worst = max(relative_error(np.vectorize(lambda v: v.grad)(values), grad)
                for (_, grad), values in zip(deep.parameters(), params_v))
    assert worst < 1e-12 and len(loss_v.graph()) == 3325


# -- vanishing and exploding gradients ---------------------------------------------------------------

def _profiles():
    rng = np.random.default_rng(0)
    X64, y64 = rng.normal(size=(64, 8)), rng.normal(size=(64, 1))
    sizes = [8] + [32] * 10 + [1]
    out = {}
    for label, (act, init, scale) in {"sigmoid": ("sigmoid", "xavier_uniform", 1.0),
                                      "relu": ("relu", "he_normal", 1.0),
                                      "relu x 2": ("relu", "he_normal", 2.0),
                                      "sigmoid x 4": ("sigmoid", "xavier_uniform", 4.0)}.items():
        model = nnlearn.MLP(sizes, activation=act, init=init, rng=0)
        for layer in model:
            if isinstance(layer, Dense):
                layer.params["W"] *= scale
        out[label] = (model, delta_norms(model, X64, y64))
    return out


def test_vanishing_and_exploding_gradient_ratios():
    profiles = _profiles()
    ratio = {label: d[0] / d[-1] for label, (_, d) in profiles.items()}
    assert ratio["sigmoid"] < 1e-5 and 5e-7 < ratio["sigmoid"] < 2e-6          # "about a millionth"
    assert 0.1 < ratio["relu"] < 10 and 0.5 < ratio["relu"] < 2                # "within a factor of a few"
    assert 500 < ratio["relu x 2"] < 2000                                       # "about a thousand"
    # Layer by layer the sigmoid signal shrinks, and the ReLU x 2 signal grows, going down.
    assert np.all(np.diff(profiles["sigmoid"][1]) > 0) and np.all(np.diff(profiles["relu x 2"][1]) < 0)
    # Exercise: weights x 4 in the sigmoid network: still shrinking, but far less (about 0.03).
    assert 0.01 < ratio["sigmoid x 4"] < 0.05 and ratio["sigmoid x 4"] > 1e4 * ratio["sigmoid"]


def test_the_bound_holds_layer_by_layer():
    for label in ("sigmoid", "sigmoid x 4"):
        model, d = _profiles()[label]
        dense = [layer for layer in model if isinstance(layer, Dense)]
        for l in range(len(d) - 1):
            assert d[l] <= d[l + 1] * np.linalg.norm(dense[l + 1].params["W"], 2) / 4 + 1e-15
    model, d = _profiles()["relu x 2"]                   # ReLU: max |f'| = 1
    dense = [layer for layer in model if isinstance(layer, Dense)]
    for l in range(len(d) - 1):
        assert d[l] <= d[l + 1] * np.linalg.norm(dense[l + 1].params["W"], 2) + 1e-9


@pytest.mark.parametrize("seed", range(5))
def test_sigmoid_vanishes_he_relu_keeps_doubled_relu_explodes_for_every_seed(seed):
    """The figure's three regimes are not an accident of seed 0 (the chapter glues seed 0's ratios).
    Measured ratios ||delta(1)|| / ||delta(11)|| over seeds 0-4 (one forward and backward pass, so the BLAS
    kernel changes only the last digits): sigmoid 6e-7..1e-6, ReLU He 0.5..3, ReLU He x 2 570..3,100."""
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(64, 8)), rng.normal(size=(64, 1))
    ratio = {}
    for label, act, init, scale in [("sigmoid", "sigmoid", "xavier_uniform", 1.0), ("relu", "relu", "he_normal", 1.0),
                                    ("relu x 2", "relu", "he_normal", 2.0)]:
        model = nnlearn.MLP([8] + [32] * 10 + [1], activation=act, init=init, rng=seed)
        for layer in model:
            if isinstance(layer, Dense):
                layer.params["W"] *= scale
        d = delta_norms(model, X, y)
        ratio[label] = d[0] / d[-1]
    assert ratio["sigmoid"] < 1e-3 and 0.1 < ratio["relu"] < 10 and ratio["relu x 2"] > 100, ratio


def test_weight_gradients_of_the_first_sigmoid_layer_are_tiny():
    model, _ = _profiles()["sigmoid"]
    norms = [np.linalg.norm(layer.grads["W"]) for layer in model if isinstance(layer, Dense)]
    assert norms[0] < 1e-5 * norms[-1]


# -- the explorer's example and the exercises --------------------------------------------------------

def test_sigmoid_output_example_and_exercise_bce():
    r = BackpropExplorer(output="sigmoid").result
    assert (round(r["y_hat"], 4), round(r["dL_dyhat"], 4), round(r["delta2"], 4)) == (0.5950, -0.8101, -0.1952)
    assert np.isclose(r["delta2"], r["dL_dyhat"] * r["y_hat"] * (1 - r["y_hat"]))
    assert (round(r["loss"], 4), round(r["loss_new"], 4)) == (0.1641, 0.1297)
    net = notes_network(output_activation="sigmoid")
    bce = nnlearn.losses.get("bce")
    p = net.forward(X_IN)
    net.backward(bce.gradient(p, TARGET))
    assert net[2].grads["b"][0] == pytest.approx((p - TARGET)[0, 0], rel=1e-12)
    assert round((p - TARGET)[0, 0], 4) == -0.4050 and round(p[0, 0] * (1 - p[0, 0]), 4) == 0.2410


def test_exercise_the_notes_linear_network():
    net = notes_network(activation="linear")
    y_hat = net.forward(X_IN)
    assert y_hat[0, 0] == -0.25 and MSE(y_hat, TARGET) == 1.5625
    g = gradients(net)
    expected = {"w2_11": 0.0, "w2_21": -2.5, "b21": -2.5, "w1_11": -1.25, "w1_21": -2.5, "b11": -2.5,
                "w1_12": 0.625, "w1_22": 1.25, "b12": 1.25}
    for name, value in expected.items():
        assert g[name] == pytest.approx(value, abs=1e-15), name
    assert g["w1_11"] == 2 * (y_hat[0, 0] - 1.0) * W2[0, 0] * X_IN[0, 0]
    v = W1 @ W2[:, 0]
    c = B1 @ W2[:, 0] + B2[0]
    np.testing.assert_allclose([v[0], v[1], c], [0.1, -0.45, 0.15], atol=1e-15)
    assert X_IN[0] @ v + c == pytest.approx(-0.25, abs=1e-15)


class ForgetfulDense(Dense):
    def _backward(self, grad_output, need_input_grad=True):
        self.grads["W"][...] = self._X.T @ grad_output
        self.grads["b"][...] = grad_output.sum(axis=0)
        return grad_output @ self.params["W"] if need_input_grad else None


def test_exercise_the_forgetful_layer():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10, 3)), rng.normal(size=(10, 1))
    model = Sequential([Dense(3, 4, rng=0), Activation("tanh"), ForgetfulDense(4, 4, rng=1), Activation("tanh"),
                        Dense(4, 1, rng=2)])
    report = check_gradients(model, "mse", X, y)
    assert report["0.W"] > 0.5 and report["0.b"] > 0.5
    assert max(report[k] for k in ("2.W", "2.b", "4.W", "4.b")) < 2e-9
    rect = Sequential([Dense(3, 4, rng=0), Activation("tanh"), ForgetfulDense(4, 5, rng=1), Activation("tanh"),
                       Dense(5, 1, rng=2)])
    rect.forward(X)
    with pytest.raises(ValueError, match="matmul"):
        rect.backward(MSE.gradient(rect.forward(X), y))


def test_the_explorer_has_nine_stages_so_next_is_pressed_eight_times():
    assert len(STAGES) == 9 and STAGES[0][0] == "inputs" and STAGES[-1][0] == "update"
    stage = BackpropExplorer(stage=0).params["stage"]
    assert stage == 0
    presses = 0
    while stage < len(STAGES) - 1:                 # what the "next" button does
        stage, presses = min(stage + 1, len(STAGES) - 1), presses + 1
    assert presses == 8


def test_exercise_counting_the_gradient_check():
    model = nnlearn.MLP([10, 50, 50, 1], rng=0)
    calls, plain = [0], model.forward

    def counting(X):
        calls[0] += 1
        return plain(X)

    model.forward = counting
    rng = np.random.default_rng(0)
    check_gradients(model, "mse", rng.normal(size=(32, 10)), rng.normal(size=(32, 1)))
    assert model.n_params == 3151 and calls[0] == 6303
    forward_macs = 32 * (10 * 50 + 50 * 50 + 50 * 1)
    assert forward_macs == 97_600
    assert round(6303 * forward_macs / 1e8, 1) == 6.2 and round(3 * forward_macs / 1e5, 1) == 2.9
    assert 2000 < 6303 / 3 < 2200


# -- common mistakes ---------------------------------------------------------------------------------

def test_mse_gradient_includes_the_mean_and_backward_overwrites():
    rng = np.random.default_rng(4)
    y_hat, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))
    np.testing.assert_allclose(MSE.gradient(y_hat, y), 2 / 24 * (y_hat - y), rtol=1e-15)
    net = notes_network()
    first = {k: float(v) for k, v in gradients(net).items()}
    second = gradients(net)                       # a second backward pass: the same, not doubled
    assert all(first[k] == second[k] for k in first)


# -- Softmax and cross-entropy: backpropagation with a Jacobian --------------------------------

CCE = nnlearn.losses.get("cce")
CCE_LOGITS = nnlearn.losses.get("cce", from_logits=True)
JACOBIAN_SEEDS = range(5)
SHAPES = [(1, 2), (4, 3), (16, 10)]


def softmax_jacobian(s_row):
    """The chapter's J = diag(s) - s s^T for one sample's probabilities."""
    return np.diag(s_row) - np.outer(s_row, s_row)


@pytest.mark.parametrize("seed", JACOBIAN_SEEDS)
@pytest.mark.parametrize("K", [2, 3, 5, 10])
def test_softmax_jacobian_is_diag_minus_outer_symmetric_and_singular(seed, K):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=2.0, size=(1, K))
    s = softmax(z)[0]
    J = softmax_jacobian(s)
    numeric = np.stack([numerical_gradient(lambda v: softmax(v)[0, i], z.copy())[0]
                        for i in range(K)])                        # row i: d s_i / d z
    # central differences have an absolute noise of ~1e-10; J's entries can be as small as 1e-4 here
    assert relative_error(J, numeric) < 1e-5                       # measured: at most 3e-7
    assert np.array_equal(J, J.T)                                  # symmetric
    assert np.abs(J @ np.ones(K)).max() < 1e-15                     # J 1 = 0: rows sum to zero
    # singular, rank K - 1; a tolerance far above rounding (~1e-17) and far below the K - 1 other
    # singular values (smallest over these seeds: ~1e-5 of the largest)
    assert np.linalg.matrix_rank(J, tol=1e-12 * np.abs(J).max()) == K - 1
    v = rng.normal(size=K)
    assert abs((J.T @ v).sum()) < 1e-14                             # gradients reaching z sum to 0
    assert v @ J @ v == pytest.approx(s @ v ** 2 - (s @ v) ** 2) and v @ J @ v > 0
    # shift invariance, the reason for J 1 = 0
    np.testing.assert_allclose(softmax(z + 3.7), softmax(z), rtol=1e-14)


@pytest.mark.parametrize("seed", JACOBIAN_SEEDS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_the_chain_through_the_jacobian_is_s_minus_y(seed, shape):
    n, K = shape
    rng = np.random.default_rng(seed)
    Z, labels = rng.normal(scale=2.0, size=(n, K)), rng.integers(0, K, size=n)
    Y, S = nnlearn.one_hot(labels, K), softmax(Z)
    dl_ds = CCE.gradient(S, labels)
    np.testing.assert_allclose(dl_ds, -Y / (n * S))                 # -y/s, with the mean's 1/n
    chain = np.stack([softmax_jacobian(s).T @ g for s, g in zip(S, dl_ds)])
    assert relative_error(chain, (S - Y) / n) < 1e-12
    assert relative_error(chain, CCE_LOGITS.gradient(Z, labels)) < 1e-12
    # nnlearn's softmax backward (no J built) is the same Jacobian-vector product
    assert relative_error(chain, nnlearn.activations.get("softmax").backward(Z, dl_ds)) < 1e-12
    finite = numerical_gradient(lambda z: CCE_LOGITS(z, labels), Z.copy())
    assert relative_error(chain, finite) < 1e-5       # measured: at most 4e-7 (tiny gradients)
    # soft targets: the step that uses sum(y) = 1
    Y_soft = softmax(rng.normal(size=(n, K)))
    chain_soft = np.stack([softmax_jacobian(s).T @ g for s, g in zip(S, CCE.gradient(S, Y_soft))])
    assert relative_error(chain_soft, (S - Y_soft) / n) < 1e-12


@pytest.mark.parametrize("seed", JACOBIAN_SEEDS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_the_fused_gradient_is_exact_for_large_logits_where_two_steps_fail(seed, shape):
    n, K = shape
    rng = np.random.default_rng(seed)
    Z, labels = rng.normal(scale=1000.0, size=(n, K)), rng.integers(0, K, size=n)
    Y, S = nnlearn.one_hot(labels, K), softmax(Z)
    fused = CCE_LOGITS.gradient(Z, labels)
    assert np.all(np.isfinite(fused)) and np.isfinite(CCE_LOGITS(Z, labels))
    np.testing.assert_allclose(fused, (S - Y) / n, atol=1e-15)
    assert np.abs(fused.sum(axis=1)).max() < 1e-15
    # the loss is up to thousands per sample: rounding in the finite difference is ~1e-7 absolute,
    # and entries of a correct, confident row are ~1e-100: compare absolutely (entries <= 1/n)
    finite = numerical_gradient(lambda z: CCE_LOGITS(z, labels), Z.copy())
    assert np.abs(fused - finite).max() < 1e-5
    # exact loss: -log s_c = logsumexp(z) - z_c, computed with the maximum subtracted
    m = Z.max(axis=1)
    lse = m + np.log(np.exp(Z - m[:, None]).sum(axis=1))
    assert CCE_LOGITS(Z, labels) == pytest.approx(np.mean(lse - Z[np.arange(n), labels]), rel=1e-12)
    # two steps: where the true class's probability underflows, the chain's row is zero
    chain = np.stack([softmax_jacobian(s).T @ g for s, g in zip(S, CCE.gradient(S, labels))])
    lost = S[np.arange(n), labels] == 0
    assert np.all(chain[lost] == 0) and np.all(np.abs(fused[lost]).max(axis=1) > 0.9 / n)


def test_the_chapters_large_score_example():
    z, y = np.array([[1000.0, 0.0, -1000.0]]), np.array([2])
    s = softmax(z)
    assert np.array_equal(s, [[1.0, 0.0, 0.0]])
    two_steps = softmax_jacobian(s[0]).T @ CCE.gradient(s, y)[0]
    assert np.all(two_steps == 0) and CCE(s, y) == pytest.approx(-np.log(np.finfo(float).tiny))
    assert round(CCE(s, y), 1) == 708.4
    assert CCE_LOGITS(z, y) == 2000.0
    assert np.array_equal(CCE_LOGITS.gradient(z, y), [[1.0, 0.0, -1.0]])


@pytest.mark.parametrize("seed", JACOBIAN_SEEDS)
def test_softmax_networks_pass_the_gradient_check_both_ways(seed):
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(8, 4)), rng.integers(0, 3, size=8)
    net_softmax = nnlearn.MLP([4, 6, 3], activation="tanh", output_activation="softmax", rng=seed)
    net_scores = nnlearn.MLP([4, 6, 3], activation="tanh", rng=seed)
    assert max(check_gradients(net_softmax, CCE, X, y).values()) < 1e-6     # measured: ~2e-9
    assert max(check_gradients(net_scores, CCE_LOGITS, X, y).values()) < 1e-6


def test_exercise_the_three_class_jacobian():
    s = softmax(np.array([[np.log(2.0), 0.0, 0.0]]))[0]
    J = softmax_jacobian(s)
    np.testing.assert_allclose(s, [1 / 2, 1 / 4, 1 / 4])
    np.testing.assert_allclose(16 * J, [[4, -2, -2], [-2, 3, -1], [-2, -1, 3]], atol=1e-14)
    y = np.array([0.0, 1.0, 0.0])
    np.testing.assert_allclose(J.T @ (-y / s), [1 / 2, -3 / 4, 1 / 4])
    np.testing.assert_allclose(J.T @ (-y / s), s - y)
