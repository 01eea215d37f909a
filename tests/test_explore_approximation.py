"""ApproximationExplorer and its helpers: the trained fits, the units and the errors are right; drawing is in
place (a move redraws only what changed and looks like a full draw); the controls drive update; bad
parameters raise clear errors."""

import numpy as np
import pytest

import nnlearn
from nnlearn.datasets import FUNCTIONS, function_samples
from nnlearn.explore.approximation import (EPOCHS, GRID, LR, N_SAMPLES, RESTARTS, TARGETS, WIDTHS, X_RANGE,
                                           ApproximationExplorer, approximation_error, fit_target,
                                           one_hidden_layer, train_one_hidden_layer, unit_contributions)
from nnlearn.layers import Activation, Dense
from nnlearn.network import Sequential

from .layered_checks import _full_draw, _pixels


# -- helpers ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_one_hidden_layer_centres_its_units_in_the_range(activation):
    net = one_hidden_layer(50, activation=activation, x_range=(-2.0, 5.0), rng=0)
    assert isinstance(net, nnlearn.MLP) and net.sizes == [1, 50, 1] and net.activation.name == activation
    W, b = net[0].params["W"][0], net[0].params["b"]
    centres = -b / W
    assert np.all((-2.0 <= centres) & (centres <= 5.0)) and centres.std() > 1.0
    # The weights are MLP's own for the same generator; only the hidden biases are changed.
    reference = nnlearn.MLP([1, 50, 1], activation=activation, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(W, reference[0].params["W"][0])
    np.testing.assert_array_equal(net[2].params["W"], reference[2].params["W"])
    same = one_hidden_layer(50, activation=activation, x_range=(-2.0, 5.0), rng=0)
    np.testing.assert_array_equal(same.flat_parameters()[0][0], net.flat_parameters()[0][0])


def test_train_one_hidden_layer_keeps_the_restart_with_the_lowest_training_loss():
    X, y = function_samples("abs", 60, rng=1)
    net, losses = train_one_hidden_layer(X, y, 3, epochs=300, lr=0.02, restarts=4, rng=5)
    assert losses.shape == (4,) and np.all(losses >= 0)
    assert np.isclose(np.mean((net.predict(X) - y) ** 2), losses.min())
    # Each restart is one_hidden_layer + fit from the same generator, in order: rebuild restart 0 by hand.
    rng = np.random.default_rng(5)
    first = one_hidden_layer(3, rng=rng)
    nnlearn.fit(first, X, y, loss="mse", optimizer=nnlearn.optim.Adam(0.02), epochs=300, rng=rng, progress=False)
    assert np.isclose(np.mean((first.predict(X) - y) ** 2), losses[0])
    # Restarts differ, and the same seed repeats the run.
    assert len(np.unique(np.round(losses, 12))) > 1
    again, losses_again = train_one_hidden_layer(X, y, 3, epochs=300, lr=0.02, restarts=4, rng=5)
    np.testing.assert_array_equal(losses, losses_again)
    np.testing.assert_array_equal(again.flat_parameters()[0][0], net.flat_parameters()[0][0])


def test_unit_contributions_add_up_to_the_network():
    net = one_hidden_layer(7, activation="tanh", rng=3)
    x = np.linspace(-4, 4, 33)
    units, c = unit_contributions(net, x)
    assert units.shape == (33, 7) and isinstance(c, float)
    np.testing.assert_allclose(c + units.sum(axis=1), net.predict(x[:, None]).ravel(), atol=1e-12)
    W, b, v = net[0].params["W"][0], net[0].params["b"], net[2].params["W"][:, 0]
    np.testing.assert_allclose(units[:, 2], v[2] * np.tanh(W[2] * x + b[2]))


def test_approximation_error_is_rmse_and_max():
    net = one_hidden_layer(4, rng=0)
    diff = net.predict(GRID[:, None]).ravel() - np.sin(GRID)
    rmse, largest = approximation_error(net, "sin")
    assert rmse == pytest.approx(np.sqrt(np.mean(diff**2))) and largest == pytest.approx(np.abs(diff).max())
    assert approximation_error(net, np.sin) == (rmse, largest)       # a function works too
    x = np.linspace(0, 1, 11)
    r, m = approximation_error(net, np.cos, x)
    assert m == pytest.approx(np.abs(net.predict(x[:, None]).ravel() - np.cos(x)).max())


def test_fit_target_trains_the_documented_recipe_once():
    fit = fit_target("sin", 2)
    assert fit is fit_target("sin", 2)                                 # cached
    X, y = function_samples("sin", N_SAMPLES, x_range=X_RANGE, rng=0)
    np.testing.assert_array_equal(fit.X, X)
    np.testing.assert_array_equal(fit.y, y)
    net, losses = train_one_hidden_layer(X, y, 2, activation="relu", epochs=EPOCHS, lr=LR, restarts=RESTARTS, rng=0)
    np.testing.assert_array_equal(losses, fit.restart_losses)
    np.testing.assert_array_equal(net.flat_parameters()[0][0], fit.net.flat_parameters()[0][0])
    assert fit.train_loss == losses.min() and (fit.target, fit.n_hidden, fit.activation) == ("sin", 2, "relu")
    with pytest.raises(ValueError, match="read-only"):
        fit.X[0, 0] = 1.0


# -- the explorer ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("target, n_hidden", [("sin", 8), ("step", 1), ("sawtooth", 32)])
def test_update_matches_nnlearn(target, n_hidden):
    ex = ApproximationExplorer(target=target, n_hidden=n_hidden)
    r = ex.result
    fit = fit_target(target, n_hidden)
    np.testing.assert_array_equal(r["x"], GRID)
    np.testing.assert_array_equal(r["target_values"], FUNCTIONS[target](GRID))
    np.testing.assert_array_equal(r["fit"], fit.net.predict(GRID[:, None]).ravel())
    units, bias = unit_contributions(fit.net, GRID)
    np.testing.assert_array_equal(r["units"], units)
    assert r["bias"] == bias and r["units"].shape == (GRID.size, n_hidden)
    np.testing.assert_allclose(r["bias"] + r["units"].sum(axis=1), r["fit"], atol=1e-12)
    assert (r["rmse"], r["max_error"]) == approximation_error(fit.net, target)
    np.testing.assert_array_equal(r["widths"], WIDTHS)
    assert r["rmse_by_width"][WIDTHS.index(n_hidden)] == r["rmse"]
    np.testing.assert_array_equal(r["rmse_by_width"], [approximation_error(fit_target(target, m).net, target)[0]
                                                       for m in WIDTHS])
    assert r["n_params"] == 3 * n_hidden + 1 and r["train_loss"] == fit.train_loss
    np.testing.assert_array_equal(r["X_train"], fit.X)
    assert (r["target"], r["n_hidden"], r["activation"]) == (target, n_hidden, "relu") and ex.result is r


def test_tanh_units_are_smooth_steps():
    r = ApproximationExplorer().update(target="sin", n_hidden=4, activation="tanh")
    fit = fit_target("sin", 4, "tanh")
    assert fit.net.activation.name == "tanh"
    np.testing.assert_array_equal(r["fit"], fit.net.predict(GRID[:, None]).ravel())
    # Each unit is bounded by |v_j|, unlike a ramp.
    v = fit.net[2].params["W"][:, 0]
    assert np.all(np.abs(r["units"]) <= np.abs(v) + 1e-12)


def test_the_default_shows_the_error_falling_with_width():
    r = ApproximationExplorer().result
    assert r["target"] == "sin" and r["n_hidden"] == 8
    assert r["rmse_by_width"][-1] < 0.05 * r["rmse_by_width"][0]


def test_redraw_changes_the_same_artists_in_place():
    ex = ApproximationExplorer()
    first = ex.render()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    artists = (ex._units, ex._fit, ex._target, ex._bias, ex._samples, ex._err_line, ex._err_now)
    assert len(ex._units.get_segments()) == 8
    png = ex.redraw(n_hidden=32, target="abs")
    assert (ex._units, ex._fit, ex._target, ex._bias, ex._samples, ex._err_line, ex._err_now) == artists
    assert png != first and len(ex.fig.axes) == 2
    r = ex.result
    segments = ex._units.get_segments()
    assert len(segments) == 32
    np.testing.assert_allclose(segments[5], np.column_stack([GRID[::4], r["units"][::4, 5]]))   # every 4th point
    np.testing.assert_allclose(ex._fit.get_ydata(), r["fit"])
    np.testing.assert_allclose(ex._target.get_ydata(), np.abs(GRID))
    assert ex._bias.get_ydata()[0] == r["bias"]
    np.testing.assert_allclose(ex._samples.get_offsets()[:, 1], r["y_train"][:, 0])
    np.testing.assert_allclose(ex._err_line.get_ydata(), r["rmse_by_width"])
    assert list(ex._err_now.get_xdata()) == [32] and list(ex._err_now.get_ydata()) == [r["rmse"]]
    assert "abs" in ex._title.get_text() and "32 relu units" in ex._title.get_text()
    low, high = ex._ax.get_ylim()
    assert low < 0 < 3 < high                                   # the target's range, with room around it


def test_a_width_move_keeps_the_layers_and_a_new_target_rebuilds_them():
    ex = ApproximationExplorer()
    ex.render()
    for m in (2, 32):
        png = ex.redraw(n_hidden=m)
        # at most a level or two of 255 apart (rounding where kept layers are blended)
        assert np.abs(_pixels(png) - _full_draw(ex)).max() <= 3
    assert ex._layers.rebuilds == 1           # axes, tick labels, legend: drawn once
    png = ex.redraw(target="abs")             # another range of y: new tick labels
    assert ex._layers.rebuilds == 2
    assert np.abs(_pixels(png) - _full_draw(ex)).max() <= 3
    r = ex.result                             # shared, cached arrays: read-only
    with pytest.raises(ValueError, match="read-only"):
        r["fit"][0] = 0.0


def test_controls_drive_update_through_observe():
    pytest.importorskip("ipywidgets")
    ex = ApproximationExplorer()
    box = ex.widget()
    controls = ex._control_map
    assert set(controls) == {"target", "n_hidden", "activation"}
    assert list(controls["target"].options) == list(TARGETS) and list(controls["n_hidden"].options) == list(WIDTHS)
    first_png = ex._image.value
    controls["n_hidden"].value = 2                                 # what moving the slider does
    assert ex.params["n_hidden"] == 2 and ex.result["units"].shape == (GRID.size, 2)
    assert len(ex._units.get_segments()) == 2 and ex._image.value != first_png
    png = ex._image.value
    controls["target"].value = "step"                              # what choosing in the dropdown does
    assert ex.params["target"] == "step" and ex.result["target"] == "step"
    np.testing.assert_array_equal(ex._target.get_ydata(), FUNCTIONS["step"](GRID))
    assert ex._image.value != png
    ex.set(n_hidden=16)                                            # set() moves the slider, which updates
    assert controls["n_hidden"].value == 16 and ex.result["n_params"] == 49
    assert box is ex.widget()


def test_invalid_parameters_raise_clear_errors():
    ex = ApproximationExplorer()
    with pytest.raises(ValueError, match=r"Unknown target function 'sine'.*Did you mean 'sin'\?"):
        ex.update(target="sine", n_hidden=8, activation="relu")
    with pytest.raises(TypeError, match="`target` must be a function name"):
        ex.update(target=np.sin, n_hidden=8, activation="relu")
    with pytest.raises(ValueError, match=r"`n_hidden` must be one of the trained widths \[1, 2, 4, 8, 16, 32\], "
                                         r"got 5"):
        ex.update(target="sin", n_hidden=5, activation="relu")
    with pytest.raises(TypeError, match="`n_hidden` must be an integer"):
        ex.update(target="sin", n_hidden=8.0, activation="relu")
    with pytest.raises(ValueError, match=r"Unknown hidden activation 'sigmoid'"):
        ex.update(target="sin", n_hidden=8, activation="sigmoid")
    with pytest.raises(TypeError, match=r"no parameter\(s\) \['width'\]"):
        ApproximationExplorer(width=8)
    with pytest.raises(ValueError, match="`n_hidden` must be an integer >= 1, got 0"):
        fit_target("sin", 0)
    with pytest.raises(ValueError, match=r"`x_range` must be \(low, high\) with low < high"):
        one_hidden_layer(3, x_range=(1.0, -1.0))
    with pytest.raises(TypeError, match="`x_range` must be a pair"):
        one_hidden_layer(3, x_range=1.0)
    with pytest.raises(ValueError, match="`restarts` must be an integer >= 1"):
        train_one_hidden_layer(np.zeros((3, 1)), np.zeros((3, 1)), 2, restarts=0)
    two_layers = Sequential([Dense(2, 3, rng=0), Activation("relu"), Dense(3, 1, rng=0)])
    with pytest.raises(TypeError, match="one input, one hidden layer and one linear output"):
        unit_contributions(two_layers, GRID)
    with pytest.raises(ValueError, match="`x` must be a 1-D array"):
        unit_contributions(one_hidden_layer(2, rng=0), GRID[:, None])
