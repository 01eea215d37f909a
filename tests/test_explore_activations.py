"""ActivationExplorer: f, f' and the pushed-through histogram are right; drawing is in place (a move
draws only what it changes); controls drive it."""

import numpy as np
import pytest

from nnlearn import activations
from nnlearn.explore.activations import ELEMENTWISE_ACTIVATIONS, Z_RANGE, ActivationExplorer

from .layered_checks import _full_draw, _pixels


def _noise(seed, n):
    return np.random.default_rng(seed).standard_normal(n)


@pytest.mark.parametrize("name", ELEMENTWISE_ACTIVATIONS)
def test_update_matches_nnlearn(name):
    ex = ActivationExplorer(n_samples=3000, rng=7)
    r = ex.update(activation=name, mean=0.7, std=1.8)
    f = activations.get(name)
    np.testing.assert_array_equal(r["f"], f(ex.z_grid))
    np.testing.assert_array_equal(r["f_prime"], f.derivative(ex.z_grid))
    z = 0.7 + 1.8 * _noise(7, 3000)                      # the documented sampling z = mean + std * eps
    np.testing.assert_allclose(r["z"], z)
    np.testing.assert_allclose(r["a"], f(z))
    np.testing.assert_array_equal(r["z_counts"], np.histogram(z, bins=r["z_edges"])[0])
    np.testing.assert_array_equal(r["a_counts"], np.histogram(f(z), bins=r["a_edges"])[0])
    d = f.derivative(z)
    assert r["mean_derivative"] == pytest.approx(d.mean())
    assert r["fraction_small_derivative"] == pytest.approx(np.mean(d < 0.01))
    assert r["fraction_zero_derivative"] == pytest.approx(np.mean(d == 0))
    assert r["fraction_outside"] == pytest.approx(np.mean((z < Z_RANGE[0]) | (z > Z_RANGE[1])))
    assert ex.result is r


def test_bounded_outputs_are_all_counted():
    ex = ActivationExplorer(n_samples=2000, rng=1)
    for name in ("sigmoid", "tanh", "step"):
        r = ex.update(activation=name, mean=3.0, std=3.0)   # many z far outside [-8, 8]: f(z) is still in range
        assert r["a_counts"].sum() == 2000, name
    r = ex.update(activation="tanh", mean=0.0, std=1.0)
    assert r["a_edges"][0] == -1 and r["a_edges"][-1] == 1


def test_derivative_statistics_tell_the_activations_apart():
    ex = ActivationExplorer(n_samples=20000, rng=0)
    # Sigmoid at z ~ N(0, 1): E[sigma'(z)] is about 0.207, below its maximum 1/4.
    r = ex.update(activation="sigmoid", mean=0.0, std=1.0)
    assert 0.20 < r["mean_derivative"] < 0.215 and r["f_prime"].max() == 0.25
    # Wide pre-activations saturate the sigmoid: many derivatives below 0.01, none exactly 0.
    wide = ex.update(activation="sigmoid", mean=0.0, std=3.0)
    assert wide["fraction_small_derivative"] > 0.1 and wide["mean_derivative"] < r["mean_derivative"]
    # ReLU: f'(z) = 0 exactly for z <= 0, i.e. about half the samples at mean 0 ...
    relu = ex.update(activation="relu", mean=0.0, std=1.0)
    assert relu["fraction_zero_derivative"] == pytest.approx(0.5, abs=0.02)
    # ... while leaky ReLU never has a zero derivative, and linear has f' = 1 everywhere.
    assert ex.update(activation="leaky_relu", mean=-2.0, std=1.0)["fraction_zero_derivative"] == 0.0
    assert ex.update(activation="linear", mean=0.0, std=1.0)["mean_derivative"] == 1.0
    assert ex.update(activation="step", mean=0.0, std=1.0)["fraction_zero_derivative"] == 1.0


def test_same_seed_same_samples_and_update_draws_nothing():
    a = ActivationExplorer(rng=3).update(activation="tanh", mean=1.0, std=2.0)
    b = ActivationExplorer(rng=3).update(activation="tanh", mean=1.0, std=2.0)
    c = ActivationExplorer(rng=4).update(activation="tanh", mean=1.0, std=2.0)
    np.testing.assert_array_equal(a["z"], b["z"])
    assert not np.array_equal(a["z"], c["z"])
    ex = ActivationExplorer(rng=3, activation="relu")
    assert ex.params == {"activation": "relu", "mean": 0.0, "std": 1.0}
    assert ex.fig is None


def test_redraw_changes_the_same_artists_in_place():
    ex = ActivationExplorer(rng=0)
    first = ex.render()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    f_line, d_line, z_hist, a_hist = ex._f_line, ex._d_line, ex._z_hist, ex._a_hist
    png = ex.redraw(activation="relu", mean=-1.0)
    assert (ex._f_line, ex._d_line, ex._z_hist, ex._a_hist) == (f_line, d_line, z_hist, a_hist)
    assert png != first
    relu = activations.get("relu")
    np.testing.assert_array_equal(f_line.get_ydata(), relu(ex.z_grid))
    np.testing.assert_array_equal(d_line.get_ydata(), relu.derivative(ex.z_grid))
    values, edges, _ = a_hist.get_data()
    np.testing.assert_array_equal(values, ex.result["a_counts"])
    np.testing.assert_array_equal(edges, ex.result["a_edges"])
    low, high = ex._ax_f.get_ylim()                                 # z histogram: scaled to the panel
    counts = ex.result["z_counts"]
    np.testing.assert_allclose(z_hist.get_data()[0], low + 0.85 * (high - low) * counts / counts.max())
    assert "relu" in ex._title.get_text()
    assert ex._ax_a.get_xlim() == Z_RANGE                          # unbounded output: the z range
    ex.redraw(activation="sigmoid")
    assert ex._ax_a.get_xlim() == (0.0, 1.0)                       # the sigmoid's range
    assert len(ex.fig.axes) == 2                                    # nothing added by the redraws


def test_controls_drive_update_through_observe():
    pytest.importorskip("ipywidgets")
    ex = ActivationExplorer(rng=0)
    box = ex.widget()
    controls = ex._control_map
    assert set(controls) == {"activation", "mean", "std"}
    assert list(controls["activation"].options) == list(ELEMENTWISE_ACTIVATIONS)
    first_png = ex._image.value
    controls["activation"].value = "tanh"                          # what choosing in the dropdown does
    assert ex.params["activation"] == "tanh" and ex.result["activation"] == "tanh"
    np.testing.assert_array_equal(ex._f_line.get_ydata(), np.tanh(ex.z_grid))
    assert ex._image.value != first_png
    before = ex.result["z_counts"].copy()
    controls["mean"].value = 2.0                                   # what moving the slider does
    assert ex.params["mean"] == 2.0
    assert not np.array_equal(ex.result["z_counts"], before)
    np.testing.assert_allclose(ex.result["z"], 2.0 + 1.0 * _noise(0, ex.n_samples))
    ex.set(std=0.5)                                                 # set() moves the slider, which updates
    assert controls["std"].value == 0.5 and ex.result["z"].std() == pytest.approx(0.5, rel=0.05)
    assert box is ex.widget()


def test_invalid_parameters_raise_clear_errors():
    ex = ActivationExplorer(rng=0)
    with pytest.raises(ValueError, match="element-wise, got 'softmax'"):
        ex.update(activation="softmax", mean=0.0, std=1.0)
    with pytest.raises(ValueError, match=r"Unknown activation 'rleu'.*Did you mean 'relu'\?"):
        ex.update(activation="rleu", mean=0.0, std=1.0)
    with pytest.raises(TypeError, match="`activation` must be an activation name"):
        ex.update(activation=activations.ReLU(), mean=0.0, std=1.0)
    with pytest.raises(ValueError, match="`std` must be positive, got 0.0"):
        ex.update(activation="relu", mean=0.0, std=0.0)
    with pytest.raises(ValueError, match="`mean` must be a finite number"):
        ex.update(activation="relu", mean=np.inf, std=1.0)
    with pytest.raises(TypeError, match="`mean` must be a real number"):
        ex.update(activation="relu", mean="1", std=1.0)
    with pytest.raises(TypeError, match=r"no parameter\(s\) \['alpha'\]"):
        ActivationExplorer(alpha=0.1)
    with pytest.raises(ValueError, match="`n_samples` must be an integer >= 1"):
        ActivationExplorer(n_samples=0)
    with pytest.raises(TypeError, match="`rng` must be None, an int seed"):
        ActivationExplorer(rng="seed")
    with pytest.raises(ValueError, match="`std` must be positive"):
        ActivationExplorer(std=-1.0)                                # checked by the first update


# -- layered rendering (nnlearn/explore/_layers.py) ------------------------------------------------


def _record_draws(artists, drawn):
    for artist in artists:
        artist.draw = lambda renderer, draw=artist.draw, artist=artist: (drawn.append(artist),
                                                                         draw(renderer))


def test_a_std_move_draws_only_what_it_changes_and_shows_what_a_full_draw_shows():
    ex = ActivationExplorer(rng=0)
    ex.render()
    ex.redraw(std=1.5)
    ax_f, ax_a = ex._ax_f, ex._ax_a
    static = [ax_f.xaxis, ax_f.yaxis, ax_f.get_legend(), ax_a.xaxis, *ax_f.spines.values()]
    dynamic = [ex._z_hist, ex._f_line, ex._d_line, ex._a_hist, ax_a.yaxis]
    drawn = []
    _record_draws(static + dynamic, drawn)
    ylim = ax_a.get_ylim()
    for std in (0.5, 2.5, 4.0):
        png = ex.redraw(std=std)
        # at most a level or two of 255 apart (rounding where kept layers are blended)
        assert np.abs(_pixels(png) - _full_draw(ex, rng=0)).max() <= 2
    # The histogram of f(z) got new y-limits, and its y-axis (a dynamic artist) new tick
    # labels, but the kept layers stayed: the axes, the legend and the curve panel's ticks
    # were drawn once, before the moves.
    assert ax_a.get_ylim() != ylim
    assert ex._layers.rebuilds == 1
    assert sorted(map(id, drawn)) == sorted(map(id, dynamic * 3))


def test_a_new_activation_sets_new_limits_and_rebuilds_the_layers():
    ex = ActivationExplorer(rng=0)
    ex.render()
    ex.redraw(std=2.0)
    assert ex._layers.rebuilds == 1
    png = ex.redraw(activation="tanh")            # new x-limits of f(z), new y range and ticks
    assert ex._layers.rebuilds == 2
    assert ex._ax_a.get_xlim() == (-1.0, 1.0) and ex._ax_f.get_ylim() == (-1.15, 1.15)
    assert np.abs(_pixels(png) - _full_draw(ex, rng=0)).max() <= 2
    png = ex.redraw(mean=1.0)                     # the same activation: the layers are kept
    assert ex._layers.rebuilds == 2
    assert np.abs(_pixels(png) - _full_draw(ex, rng=0)).max() <= 2
