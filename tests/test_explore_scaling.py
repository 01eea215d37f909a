"""ScalingExplorer: update() is the closed form of gradient descent (checked against a step-by-step loop and
nnlearn.optim.SGD), drawing is in place (a move redraws only what changed and looks like a full draw),
the controls drive update, and bad parameters are refused."""

import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler

from nnlearn.explore.scaling import MAX_STEPS, ScalingExplorer, scaling_data
from nnlearn.optim import SGD

from .layered_checks import _full_draw, _pixels


@pytest.mark.parametrize("scale, standardise", [(1.0, False), (10.0, False), (30.0, True)])
def test_path_and_losses_match_sgd_steps(scale, standardise):
    r = ScalingExplorer(scale=scale, standardise=standardise, lr_factor=1.5, steps=60).result
    X, y = scaling_data(scale, standardise)
    n = len(y)
    w = np.zeros(2)
    opt = SGD(r["lr"])
    path, losses = [w.copy()], [0.5 * np.mean((X @ w - y) ** 2)]
    for _ in range(60):
        grad = X.T @ (X @ w - y) / n
        opt.step([(w, grad)])
        path.append(w.copy())
        losses.append(0.5 * np.mean((X @ w - y) ** 2))
    np.testing.assert_allclose(r["path"], path, atol=1e-10)
    np.testing.assert_allclose(r["losses"], losses, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(r["gaps"], np.array(losses) - r["loss_star"], atol=1e-10)


def test_minimum_hessian_condition_number_and_lr():
    r = ScalingExplorer(scale=10.0).result
    X, y = scaling_data(10.0)
    H = X.T @ X / len(y)
    np.testing.assert_allclose(r["hessian"], H)
    np.testing.assert_allclose(r["w_star"], np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)
    lam = np.linalg.eigvalsh(H)
    assert np.isclose(r["condition_number"], lam[-1] / lam[0])
    assert np.isclose(r["lr"], 1.8 / lam[-1])
    # contours are the loss gap on the grid
    i, j = 17, 40
    w = np.array([r["w1"][j], r["w2"][i]])
    assert np.isclose(r["contours"][i, j], 0.5 * np.mean((X @ w - y) ** 2) - r["loss_star"])
    assert r["contours"].shape == (len(r["w2"]), len(r["w1"]))


def test_standardise_matches_standard_scaler_and_removes_the_scale():
    Xs, _ = scaling_data(25.0, standardise=True)
    X, _ = scaling_data(25.0)
    np.testing.assert_allclose(Xs, StandardScaler().fit_transform(X))
    a = ScalingExplorer(scale=1.0, standardise=True).result
    b = ScalingExplorer(scale=50.0, standardise=True).result
    np.testing.assert_allclose(a["path"], b["path"], atol=1e-12)


def test_condition_number_grows_and_convergence_slows_with_scale():
    results = [ScalingExplorer(scale=s, steps=2000).result for s in [1.0, 10.0, 30.0]]
    kappas = [r["condition_number"] for r in results]
    assert kappas[0] < 3 < 100 < kappas[1] < kappas[2]
    assert results[0]["steps_to_tol"] < results[1]["steps_to_tol"] and results[2]["steps_to_tol"] is None


def test_lr_above_two_over_lambda_max_diverges():
    r = ScalingExplorer(scale=5.0, lr_factor=2.1, steps=300).result
    assert r["gaps"][-1] > r["gaps"][0] * 1e3
    assert r["steps_to_tol"] is None


def test_update_is_pure_and_zero_steps_is_the_start():
    ex = ScalingExplorer(steps=0)
    np.testing.assert_array_equal(ex.result["path"], [[0.0, 0.0]])
    a = ex.update(scale=7.0, standardise=False, lr_factor=1.0, steps=20)
    b = ex.update(scale=7.0, standardise=False, lr_factor=1.0, steps=20)
    np.testing.assert_array_equal(a["path"], b["path"])
    assert ex.fig is None


def test_artists_change_in_place():
    ex = ScalingExplorer(steps=50)
    png = ex.render()
    path_line, image, loss_line = ex._path_line, ex._heat, ex._loss_line
    n_artists = len(ex._ax.get_children())
    png2 = ex.redraw(scale=3.0, steps=80)
    assert ex._path_line is path_line and ex._heat is image and ex._loss_line is loss_line
    assert len(ex._ax.get_children()) == n_artists
    np.testing.assert_array_equal(path_line.get_xydata(), ex.result["path"])
    assert len(loss_line.get_xdata()) == 81 and png2 != png


def test_moves_keep_the_layers_until_the_steps_change_the_loss_axis():
    ex = ScalingExplorer()
    ex.render()
    for params in ({"lr_factor": 0.5}, {"lr_factor": 1.2, "scale": 3.0}):
        png = ex.redraw(**params)
        # at most a level or two of 255 apart (rounding where kept layers are blended)
        assert np.abs(_pixels(png) - _full_draw(ex)).max() <= 3
    assert ex._layers.rebuilds == 1                 # axes, tick labels, legend: drawn once
    png = ex.redraw(steps=300)                      # the loss panel's x axis: new tick labels
    assert ex._layers.rebuilds == 2
    assert np.abs(_pixels(png) - _full_draw(ex)).max() <= 3
    r = ex.result                                   # shared, cached arrays: read-only
    with pytest.raises(ValueError, match="read-only"):
        r["contours"][0, 0] = 0.0


def test_controls_drive_update():
    pytest.importorskip("ipywidgets")
    ex = ScalingExplorer(steps=40)
    widget = ex.widget()
    assert widget is not None and set(ex._control_map) == set(ex.defaults)
    before = ex._image.value
    old_path = ex.result["path"].copy()
    ex._control_map["scale"].value = 20.0
    assert ex.params["scale"] == pytest.approx(20.0)
    assert not np.array_equal(ex.result["path"], old_path)
    ex._control_map["standardise"].value = True
    assert ex.params["standardise"] is True
    np.testing.assert_allclose(ex.result["path"], ScalingExplorer(scale=20.0, standardise=True, steps=40).result["path"])
    ex._control_map["steps"].value = 70
    assert len(ex.result["path"]) == 71
    assert ex._image.value != before


@pytest.mark.parametrize("params, error, match", [
    ({"scale": 0.5}, ValueError, "scale"),
    ({"scale": "big"}, TypeError, "scale"),
    ({"lr_factor": 0.0}, ValueError, "lr_factor"),
    ({"lr_factor": 3.0}, ValueError, "lr_factor"),
    ({"steps": -1}, ValueError, "steps"),
    ({"steps": 2.5}, TypeError, "steps"),
    ({"steps": MAX_STEPS + 1}, ValueError, "steps"),
    ({"standardise": "yes"}, TypeError, "standardise"),
])
def test_invalid_parameters_raise(params, error, match):
    with pytest.raises(error, match=match):
        ScalingExplorer(**params)


def test_unknown_parameter():
    with pytest.raises(TypeError, match="no parameter"):
        ScalingExplorer(sigma=1.0)
