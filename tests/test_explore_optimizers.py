"""OptimizerRace: paths and losses are nnlearn's trajectories, drawing is in place, the controls drive update,
a new surface brings its suggested learning rates, and bad parameters are refused."""

import numpy as np
import pytest

from nnlearn import surfaces
from nnlearn.explore.optimizers import (MAX_STEPS, OPTIMIZERS, OptimizerRace, make_optimizer,
                                        suggested_settings)
from nnlearn.optim import SGD, AdaGrad, Adam, RMSprop


def expected_optimizer(name, lr, adaptive_lr, beta):
    return {"gd": SGD(lr), "momentum": SGD(lr, momentum=beta), "nesterov": SGD(lr, momentum=beta, nesterov=True),
            "adagrad": AdaGrad(adaptive_lr), "rmsprop": RMSprop(adaptive_lr),
            "adam": Adam(adaptive_lr, betas=(beta, 0.999))}[name]


@pytest.mark.parametrize("surface", ["quadratic", "rosenbrock", "saddle", "beale"])
def test_paths_and_losses_are_nnlearn_trajectories(surface):
    race = OptimizerRace(surface=surface, kappa=20.0, lr=0.001, adaptive_lr=0.03, beta=0.8, steps=150)
    r = race.result
    surf = surfaces.quadratic(20.0) if surface == "quadratic" else surfaces.get(surface)
    assert r["optimizers"] == tuple(OPTIMIZERS) and r["surface"] == surface and r["steps"] == 150
    min_value = min(surf(m) for m in surf.minima)
    assert r["min_value"] == min_value
    for name in OPTIMIZERS:
        path, losses = surfaces.trajectory(surf, expected_optimizer(name, 0.001, 0.03, 0.8), 150)
        np.testing.assert_array_equal(r["paths"][name], path)
        np.testing.assert_allclose(r["losses"][name], losses, rtol=1e-14)
        np.testing.assert_allclose(r["gaps"][name], losses - min_value, rtol=1e-14, atol=1e-15)
        assert r["final_gap"][name] == pytest.approx(losses[-1] - min_value, rel=1e-14, abs=1e-15)
        assert r["diverged"][name] is False
        assert r["settings"][name] == repr(expected_optimizer(name, 0.001, 0.03, 0.8))


def test_a_shorter_run_is_the_start_of_a_longer_one_and_the_cache_is_exact():
    race = OptimizerRace(surface="beale", lr=0.004, adaptive_lr=0.05, steps=400)
    long = race.result
    short = race.update(**{**race.params, "steps": 37})
    for name in OPTIMIZERS:
        fresh, fresh_losses = surfaces.trajectory("beale", expected_optimizer(name, 0.004, 0.05, 0.9), 37)
        np.testing.assert_array_equal(short["paths"][name], fresh)
        np.testing.assert_allclose(short["losses"][name], fresh_losses, rtol=1e-14)
        np.testing.assert_array_equal(long["paths"][name][:38], fresh)
    # Zero steps: only the start.
    zero = race.update(**{**race.params, "steps": 0})
    for name in OPTIMIZERS:
        np.testing.assert_array_equal(zero["paths"][name], [surfaces.beale().start])


def test_update_is_pure_and_repeatable():
    a = OptimizerRace(steps=120).result
    race = OptimizerRace(steps=120)
    race.update(**{**race.params, "lr": 0.0003, "steps": 500})          # other computations in between
    b = race.update(**{**race.params, "steps": 120})
    for name in OPTIMIZERS:
        np.testing.assert_array_equal(a["paths"][name], b["paths"][name])
    assert race.fig is None                                             # nothing was drawn


def test_the_physics_the_race_shows():
    # Above 2/kappa plain gradient descent diverges on the quadratic; below it converges.
    race = OptimizerRace(surface="quadratic", kappa=10.0, lr=0.21, steps=300, optimizers=("gd", "adam"))
    assert race.result["diverged"]["gd"] or race.result["final_gap"]["gd"] > 1e6
    assert race.result["final_gap"]["adam"] < 1e-6          # Adam's step does not depend on the curvature
    ok = race.update(**{**race.params, "lr": 0.19})
    assert ok["final_gap"]["gd"] < 1e-10
    # With beta = 0 the momentum methods are plain gradient descent.
    flat = race.update(**{**race.params, "beta": 0.0, "optimizers": ("gd", "momentum", "nesterov")})
    np.testing.assert_array_equal(flat["paths"]["momentum"], flat["paths"]["gd"])
    np.testing.assert_array_equal(flat["paths"]["nesterov"], flat["paths"]["gd"])
    # Nesterov diverges on Rosenbrock's valley at lr = 0.002 while the heavy ball does not (the chapter).
    rosen = OptimizerRace(lr=0.002, steps=300).result
    assert rosen["diverged"]["nesterov"] and not rosen["diverged"]["momentum"]
    assert np.isnan(rosen["final_gap"]["nesterov"]) or np.isinf(rosen["final_gap"]["nesterov"])


def test_suggested_settings_and_make_optimizer():
    assert suggested_settings("quadratic", kappa=10.0) == {"lr": 0.12, "adaptive_lr": 0.1}
    assert suggested_settings("quadratic", kappa=1.0)["lr"] == 1.2
    for surface in ("rosenbrock", "saddle", "beale"):
        s = suggested_settings(surface)
        race = OptimizerRace(surface=surface, steps=300, **s)
        # The suggested rates give a race in which nothing diverges and the best racer gets close.
        assert not any(race.result["diverged"][n] for n in ("gd", "momentum", "adagrad", "rmsprop", "adam"))
        assert min(race.result["final_gap"].values()) < 0.05
    assert repr(make_optimizer("rmsprop", 0.1, 0.02, 0.5)) == "RMSprop(lr=0.02, alpha=0.99, eps=1e-08)"
    assert repr(make_optimizer("momentum", 0.1, 0.02, 0.5)) == "SGD(lr=0.1, momentum=0.5)"
    with pytest.raises(ValueError, match="Unknown optimizer 'adma'.*Did you mean 'adam'"):
        make_optimizer("adma", 0.1, 0.1, 0.9)


def test_constructor_and_set_apply_suggestions_for_a_new_surface():
    race = OptimizerRace(surface="quadratic", kappa=20.0)
    assert race.params["lr"] == 0.06 and race.params["adaptive_lr"] == 0.1
    given = OptimizerRace(surface="quadratic", lr=0.01)
    assert given.params["lr"] == 0.01                                   # a given value wins
    race.set(surface="beale")
    assert race.params["lr"] == 0.005 and race.params["adaptive_lr"] == 0.05
    race.set(surface="rosenbrock", lr=0.0007)
    assert race.params["lr"] == 0.0007 and race.params["adaptive_lr"] == 0.1
    race.set(beta=0.5)                                                  # same surface: nothing suggested
    assert race.params["lr"] == 0.0007


def test_redraw_changes_the_same_artists_in_place():
    race = OptimizerRace()
    first = race.render()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    paths, curves, keys = dict(race._paths), dict(race._curves), dict(race._keys)
    axes = (race._ax_map, race._ax_loss)
    png = race.redraw(lr=0.0015, beta=0.8)
    assert png != first and png[:8] == b"\x89PNG\r\n\x1a\n"
    assert race._paths == paths and race._curves == curves and race._keys == keys
    assert (race._ax_map, race._ax_loss) == axes and len(race.fig.axes) == 2
    r = race.result
    gd_x, gd_y = paths["gd"].get_data()
    np.testing.assert_array_equal(gd_x, r["paths"]["gd"][:, 0])
    np.testing.assert_array_equal(gd_y, r["paths"]["gd"][:, 1])
    t, gap = curves["adam"].get_data()
    np.testing.assert_array_equal(t, np.arange(r["steps"] + 1))
    np.testing.assert_allclose(gap, np.maximum(r["gaps"]["adam"], 1e-16))
    assert keys["adam"].get_text().endswith(f"{r['final_gap']['adam']:.1e}")
    # A diverged racer is drawn as far as it is finite and marked in the key.
    race.redraw(lr=0.002)
    assert race.result["diverged"]["nesterov"] and keys["nesterov"].get_text().endswith("diverged")
    x, y = paths["nesterov"].get_data()
    assert np.isnan(x[-1]) and np.isfinite(x[0])


def test_the_image_follows_the_result_and_the_surface():
    race = OptimizerRace()
    a = race.render()
    b = race.redraw(steps=100)
    c = race.redraw(steps=300)
    assert a == c != b                                                  # same state, same pixels
    race.redraw(surface="saddle")
    assert race._ax_map.get_xlim() == surfaces.saddle().bounds[0]
    xs, ys = race._minima.get_data()
    assert sorted(zip(xs, ys)) == [(0.0, -1.0), (0.0, 1.0)]
    only = race.redraw(optimizers=("adam",))
    assert np.size(race._paths["gd"].get_data()[0]) == 0 and race._keys["gd"].get_text().endswith("off")
    assert np.size(race._paths["adam"].get_data()[0]) == race.result["steps"] + 1 and only[:4] == b"\x89PNG"


def test_widget_controls_drive_update_through_observe():
    pytest.importorskip("ipywidgets")
    race = OptimizerRace()
    box = race.widget()
    controls = race._control_map
    assert set(controls) == set(OptimizerRace.defaults)
    first_png = race._image.value
    gd_before = race.result["final_gap"]["gd"]
    controls["lr"].value = 0.002                                        # moving the slider
    assert race.params["lr"] == 0.002 and race.result["lr"] == 0.002
    assert race.result["final_gap"]["gd"] < gd_before / 100
    assert race._image.value != first_png
    np.testing.assert_array_equal(race._paths["gd"].get_data()[0], race.result["paths"]["gd"][:, 0])
    controls["steps"].value = 50
    assert race.result["paths"]["adam"].shape == (51, 2)
    controls["optimizers"].value = ("gd", "adam")                       # the racer selector
    assert race.result["optimizers"] == ("gd", "adam")
    # A new surface moves both learning-rate sliders to its suggestions, with one full update at the end.
    calls = []
    original = race.update
    race.update = lambda **p: calls.append(p) or original(**p)
    controls["surface"].value = "quadratic"
    assert race.params["surface"] == "quadratic" and race.result["surface"] == "quadratic"
    assert controls["lr"].value == pytest.approx(0.12) and controls["adaptive_lr"].value == pytest.approx(0.1)
    assert race.result["lr"] == pytest.approx(0.12) and len(calls) == 1
    race.set(beta=0.5)                                                  # set() moves the control, which updates
    assert controls["beta"].value == 0.5 and race.result["beta"] == 0.5
    assert box is race.widget()


def test_the_background_is_kept_until_the_surface_or_the_steps_change():
    race = OptimizerRace()
    race.render()
    background = race._background
    race.redraw(lr=0.0012)                                              # same surface and steps: no new background
    assert race._background is background
    race.redraw(steps=120)
    assert race._background is not background


def test_invalid_parameters_raise_clear_errors():
    race = OptimizerRace()
    p = dict(race.params)
    with pytest.raises(ValueError, match="Unknown surface 'rosenbrok'.*Did you mean 'rosenbrock'"):
        race.update(**{**p, "surface": "rosenbrok"})
    with pytest.raises(TypeError, match="`surface` must be a surface name"):
        race.update(**{**p, "surface": surfaces.beale()})
    with pytest.raises(ValueError, match="`lr` must be positive, got 0.0"):
        race.update(**{**p, "lr": 0.0})
    with pytest.raises(ValueError, match="`adaptive_lr` must be positive"):
        race.update(**{**p, "adaptive_lr": -0.1})
    with pytest.raises(ValueError, match=r"`beta` must lie in \[0.0, 1.0\), got 1.0"):
        race.update(**{**p, "beta": 1.0})
    with pytest.raises(ValueError, match="`kappa` must be >= 1"):
        race.update(**{**p, "kappa": 0.5})
    with pytest.raises(TypeError, match="`steps` must be an integer"):
        race.update(**{**p, "steps": 10.5})
    with pytest.raises(ValueError, match=f"`steps` must be at most {MAX_STEPS}, got {MAX_STEPS + 1}"):
        race.update(**{**p, "steps": MAX_STEPS + 1})
    with pytest.raises(ValueError, match="Unknown optimizer 'sgd'"):
        race.update(**{**p, "optimizers": ("gd", "sgd")})
    with pytest.raises(TypeError, match="`optimizers` must be a sequence of optimizer names"):
        race.update(**{**p, "optimizers": "adam"})
    with pytest.raises(ValueError, match="`optimizers` must name at least one"):
        race.update(**{**p, "optimizers": ()})
    with pytest.raises(TypeError, match="OptimizerRace has no parameter"):
        OptimizerRace(learning_rate=0.1)
    with pytest.raises(ValueError, match="`kappa` must be positive"):
        suggested_settings("quadratic", kappa=0.0)
