"""LossExplorer: curves equal nnlearn's losses, the line fits are the minimisers that nnlearn.fit finds,
drawing is in place, the controls drive update, and bad parameters are refused."""

import numpy as np
import pytest

import nnlearn
from nnlearn import losses, optim
from nnlearn.activations import sigmoid
from nnlearn.explore.losses import LOSS_CHOICES, LossExplorer, fit_line, outlier_data

from .layered_checks import _full_draw, _pixels, _record_draws, _statics


# -- the loss panel ---------------------------------------------------------------------------------

@pytest.mark.parametrize("choice", ["mse", "mae", "huber", "bce"])
def test_curves_are_nnlearn_losses_of_one_prediction(choice):
    r = LossExplorer().update(loss=choice, target=0.3, delta=0.7, outlier=5.0, n_outliers=2)
    loss = losses.get(choice, delta=0.7) if choice == "huber" else losses.get(choice)
    for pred, value, grad in zip(r["grid"][::7], r["value"][::7], r["gradient"][::7]):
        one, target = np.array([[pred]]), np.array([[0.3]])
        assert value == pytest.approx(loss(one, target), rel=1e-12, abs=1e-15)
        assert grad == pytest.approx(loss.gradient(one, target).item(), rel=1e-12, abs=1e-15)


def test_curves_against_closed_forms():
    ex = LossExplorer()
    r = ex.update(loss="huber", target=1.0, delta=0.5, outlier=0.0, n_outliers=0)
    res = r["grid"] - 1.0
    np.testing.assert_allclose(r["value"], np.where(np.abs(res) <= 0.5, 0.5 * res**2, 0.5 * (np.abs(res) - 0.25)))
    np.testing.assert_allclose(r["gradient"], np.clip(res, -0.5, 0.5))
    assert r["reference"]["name"] == "mse"
    np.testing.assert_allclose(r["reference"]["value"], res**2)
    np.testing.assert_allclose(r["reference"]["gradient"], 2 * res)
    b = ex.update(loss="bce", target=1.0, delta=1.0, outlier=0.0, n_outliers=0)
    p = b["grid"]
    assert 0 < p.min() and p.max() < 1 and b["xname"] == "p"
    np.testing.assert_allclose(b["value"], -np.log(p))
    np.testing.assert_allclose(b["gradient"], -1 / p)
    np.testing.assert_allclose(b["reference"]["value"], (p - 1) ** 2)   # squared error of the same probability


def test_through_a_sigmoid_the_derivative_is_taken_with_respect_to_the_score():
    ex = LossExplorer()
    r_mse = ex.update(loss="sigmoid_mse", target=1.0, delta=1.0, outlier=0.0, n_outliers=0)
    z = r_mse["grid"]
    p = sigmoid(z)
    assert r_mse["xname"] == "z"
    np.testing.assert_allclose(r_mse["value"], (p - 1) ** 2)
    np.testing.assert_allclose(r_mse["gradient"], 2 * (p - 1) * p * (1 - p), atol=1e-15)
    r_bce = ex.update(loss="sigmoid_bce", target=1.0, delta=1.0, outlier=0.0, n_outliers=0)
    np.testing.assert_allclose(r_bce["gradient"], p - 1, rtol=1e-9)      # the p - y of the chapter
    np.testing.assert_allclose(r_mse["reference"]["gradient"], r_bce["gradient"])
    # Confidently wrong (z < -2 with y = 1): BCE's derivative is larger in size than MSE's everywhere.
    wrong = z < -2
    assert np.all(np.abs(r_bce["gradient"][wrong]) > 5 * np.abs(r_mse["gradient"][wrong]))


# -- the line fits ----------------------------------------------------------------------------------

def test_outlier_data_is_seeded_and_moves_only_the_outliers():
    x0, y0, m0 = outlier_data(0.0, 3)
    x1, y1, m1 = outlier_data(7.5, 3)
    np.testing.assert_array_equal(x0, x1)
    np.testing.assert_array_equal(m0, m1)
    np.testing.assert_allclose(y0 - y1, 7.5 * m1)
    assert m1.sum() == 3 and np.all(x1[m1] > x1[~m1].max())
    x2, _, _ = outlier_data(0.0, 3, rng=1)
    assert not np.array_equal(x0, x2)


@pytest.mark.parametrize("name", ["mse", "mae", "huber"])
def test_fits_are_what_gradient_descent_with_nnlearn_finds(name):
    r = LossExplorer().update(loss="mse", target=0.0, delta=1.0, outlier=12.0, n_outliers=3)
    X, Y = r["x"].reshape(-1, 1), r["y"].reshape(-1, 1)
    net = nnlearn.MLP([1, 1], rng=0)
    nnlearn.fit(net, X, Y, loss=losses.get(name), optimizer=optim.Adam(lr=0.02), epochs=2000, progress=False)
    w, b = r["fits"][name]
    assert net[0].params["W"].item() == pytest.approx(w, abs=2e-3)
    assert net[0].params["b"].item() == pytest.approx(b, abs=3e-3)
    # And the fit is at least as good as gradient descent's, measured by the loss itself.
    loss = losses.get(name)
    assert loss(w * X + b, Y) <= loss(net.predict(X), Y) + 1e-12


def test_fits_are_minima():
    x, y, _ = outlier_data(9.0, 2)
    rng = np.random.default_rng(0)
    for name in ("mse", "mae", "huber"):
        w, b = fit_line(x, y, name, delta=0.8)
        loss = losses.get(name, delta=0.8) if name == "huber" else losses.get(name)
        best = loss(w * x + b, y)
        for dw, db in rng.normal(0, 0.05, size=(50, 2)):
            assert loss((w + dw) * x + (b + db), y) >= best - 1e-12, name
    np.testing.assert_allclose(fit_line(x, y, "mse"), np.polyfit(x, y, 1), rtol=1e-10)


def test_fits_through_exact_data_and_an_outlier():
    x = np.linspace(-2, 2, 9)
    y = 3 * x - 1
    for name in ("mse", "mae", "huber"):
        np.testing.assert_allclose(fit_line(x, y, name), (3.0, -1.0), atol=1e-9)
    y_bad = y.copy()
    y_bad[-1] -= 100
    np.testing.assert_allclose(fit_line(x, y_bad, "mae"), (3.0, -1.0), atol=1e-12)  # MAE ignores it entirely
    w_huber = fit_line(x, y_bad, "huber")[0]
    w_mse = fit_line(x, y_bad, "mse")[0]
    assert abs(w_huber - 3) < 0.5 < abs(w_mse - 3)


def test_result_lines_and_slope_errors():
    r = LossExplorer().update(loss="huber", target=1.0, delta=1.0, outlier=20.0, n_outliers=1)
    for name, (w, b) in r["fits"].items():
        np.testing.assert_allclose(r["lines"][name], w * r["line_x"] + b)
        assert r["slope_errors"][name] == pytest.approx(abs(w - 2.0))
    assert r["slope_errors"]["huber"] < r["slope_errors"]["mse"]
    assert r["slope_errors"]["mae"] < r["slope_errors"]["mse"]


# -- figure, widget, errors -------------------------------------------------------------------------

def test_redraw_changes_the_same_artists_in_place():
    ex = LossExplorer()
    first = ex.render()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    value_line, grad_line, mse_line = ex._value, ex._grad, ex._fit_lines["mse"]
    axes = ex._axes
    png = ex.redraw(loss="sigmoid_mse", target=1.0, outlier=25.0)
    assert (ex._value, ex._grad, ex._fit_lines["mse"], ex._axes) == (value_line, grad_line, mse_line, axes)
    assert len(ex.fig.axes) == 2 and png != first
    np.testing.assert_allclose(value_line.get_ydata(), ex.result["value"])
    np.testing.assert_allclose(grad_line.get_xdata(), ex.result["grid"])
    np.testing.assert_allclose(mse_line.get_ydata(), ex.result["lines"]["mse"])
    assert ex._key_loss.get_text().startswith("sigmoid + MSE")
    assert ex._axes[0].get_xlim() == (-8.0, 8.0)


def test_widget_controls_drive_update_through_observe():
    pytest.importorskip("ipywidgets")
    ex = LossExplorer()
    box = ex.widget()
    controls = ex._control_map
    assert set(controls) == set(LossExplorer.defaults)
    assert set(controls["loss"].options) >= {(label, key) for key, (_, _, label) in LOSS_CHOICES.items()}
    first_png = ex._image.value
    controls["loss"].value = "sigmoid_bce"                        # choosing from the dropdown
    assert ex.params["loss"] == "sigmoid_bce" and ex.result["xname"] == "z"
    assert ex._image.value != first_png
    mse_before = ex.result["fits"]["mse"]
    controls["outlier"].value = 25.0                              # moving the slider
    assert ex.params["outlier"] == 25.0 and ex.result["fits"]["mse"][0] < mse_before[0]
    np.testing.assert_allclose(ex._fit_lines["mse"].get_ydata(), ex.result["lines"]["mse"])
    controls["delta"].value = 0.5
    assert ex.result["delta"] == 0.5
    ex.set(n_outliers=4)                                          # set() moves the control, which updates
    assert controls["n_outliers"].value == 4 and ex.result["is_outlier"].sum() == 4
    assert box is ex.widget()


def test_invalid_parameters_raise_clear_errors():
    ex = LossExplorer()
    with pytest.raises(ValueError, match="Unknown loss 'hubber'.*Did you mean 'huber'"):
        ex.update(loss="hubber", target=1.0, delta=1.0, outlier=0.0, n_outliers=1)
    with pytest.raises(ValueError, match=r"`target` must lie in \[0, 1\] for binary cross-entropy"):
        ex.update(loss="bce", target=1.5, delta=1.0, outlier=0.0, n_outliers=1)
    with pytest.raises(ValueError, match=r"`target` must lie in \[0, 1\] for sigmoid \+ MSE"):
        ex.update(loss="sigmoid_mse", target=-0.1, delta=1.0, outlier=0.0, n_outliers=1)
    assert ex.update(loss="mse", target=1.5, delta=1.0, outlier=0.0, n_outliers=1)["target"] == 1.5
    with pytest.raises(ValueError, match="`delta` must be positive, got 0.0"):
        ex.update(loss="huber", target=1.0, delta=0.0, outlier=0.0, n_outliers=1)
    with pytest.raises(ValueError, match="`n_outliers` must be between 0 and 5, got 6"):
        ex.update(loss="huber", target=1.0, delta=1.0, outlier=0.0, n_outliers=6)
    with pytest.raises(TypeError, match="`n_outliers` must be an integer"):
        ex.update(loss="huber", target=1.0, delta=1.0, outlier=0.0, n_outliers=1.5)
    with pytest.raises(ValueError, match="`outlier` must be a finite number"):
        ex.update(loss="huber", target=1.0, delta=1.0, outlier=np.inf, n_outliers=1)
    with pytest.raises(TypeError, match="LossExplorer has no parameter"):
        LossExplorer(sigma=1.0)
    with pytest.raises(ValueError, match="Unknown regression loss 'bce'"):
        fit_line([0.0, 1.0], [0.0, 1.0], "bce")
    with pytest.raises(ValueError, match="`x` must hold at least two distinct values"):
        fit_line([1.0, 1.0, 1.0], [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="`x` and `y` must have the same length"):
        fit_line([0.0, 1.0, 2.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="`n_outliers` must leave at least two clean points"):
        outlier_data(1.0, 29)


# -- layered rendering (nnlearn/explore/_layers.py) ---------------------------------------------


def test_an_outlier_move_draws_only_what_changed_and_new_x_limits_redraw_all():
    ex = LossExplorer()
    ex.render()
    ax_loss, ax_fit = ex._axes
    statics = _statics(ex)
    assert ax_loss.xaxis in statics and ax_fit.xaxis in statics
    drawn = _record_draws(statics + [ax_loss.yaxis, ax_fit.yaxis, ex._key_loss])
    for outlier in (12.0, 25.0, 30.0, 25.0):
        ylim = ax_fit.get_ylim()
        png = ex.redraw(outlier=outlier)
        # A new y limit of the fit panel redraws its y axis only (the layers do not depend on
        # y limits); the loss panel's axis and key are unchanged, pasted from kept images.
        assert drawn == ([ax_fit.yaxis] if ax_fit.get_ylim() != ylim else [])
        assert np.abs(_pixels(png) - _full_draw(ex)).max() <= 3
        drawn.clear()
    assert ax_fit.get_ylim()[0] < -12 and ex._layers.rebuilds == 1
    png = ex.redraw(target=0.5)                # new y limits of the loss panel
    assert ex._layers.rebuilds == 1 and ax_loss.yaxis in drawn
    assert np.abs(_pixels(png) - _full_draw(ex)).max() <= 3
    png = ex.redraw(loss="bce")                # new x limits and label: everything drawn
    assert ex._layers.rebuilds == 2 and ax_loss.xaxis in drawn
    assert np.abs(_pixels(png) - _full_draw(ex)).max() <= 3
    with pytest.raises(ValueError, match="read-only"):    # cached curves, shared
        ex.result["value"][0] = 0.0
